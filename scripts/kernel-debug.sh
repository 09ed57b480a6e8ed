#!/usr/bin/env bash
# Build the 6.1-debug lab kernel: Debian's linux-source-6.1 with
# x86_64_defconfig plus scripts/debug-kernel.config (KASAN, lockdep,
# atomic-sleep checks, kmemleak, UBSAN, list debugging). Cached with the
# Debian kernels, keyed by the source package version and the fragment, so
# it is built once (about 15 minutes on 2 cores) and again only when either
# changes. Prints the same assignments as scripts/kernel.sh.
set -euo pipefail
. "$(dirname "$0")/common.sh"

quiet=0
case "${1:-}" in
--quiet) quiet=1 ;;
-h | --help)
	echo "usage: $MT_PROG [--quiet]   (build if needed, print where the 6.1-debug kernel is)"
	exit 0
	;;
esac

fragment=$MT_TOP/scripts/debug-kernel.config
srcver=$(apt-cache show --no-all-versions linux-source-6.1 2>/dev/null | sed -n 's/^Version: //p')
if [ -z "$srcver" ]; then
	srcver=$(cat "$MT_CACHE/kernels/flavour-6.1-debug.srcver" 2>/dev/null || true)
	[ -n "$srcver" ] || mt_die "cannot resolve linux-source-6.1: run 'apt-get update'"
fi
key=$({ echo "$srcver"; cat "$fragment"; } | sha256sum | cut -c1-8)
upstream=${srcver%%-*}
rel=$upstream-mtdebug-$key
dir=$MT_CACHE/kernels/$rel

mkdir -p "$MT_CACHE/kernels"
mt_lock "kernel-$rel"
if [ ! -f "$dir/version" ]; then
	rm -rf "$dir"
	mkdir -p "$dir"
	mt_say "building the 6.1-debug kernel $rel (once; about 15 minutes; log: $dir/build.log)"
	(cd "$dir" && mt_apt_download linux-source-6.1 >/dev/null)
	dpkg-deb --fsys-tarfile "$dir"/linux-source-6.1_*.deb |
		tar -xO --wildcards '*/linux-source-6.1.tar.xz' | tar -xJ -C "$dir"
	rm -f "$dir"/linux-source-6.1_*.deb
	mv "$dir/linux-source-6.1" "$dir/src"
	b=$dir/build
	{
		make -C "$dir/src" O="$b" x86_64_defconfig
		"$dir/src/scripts/kconfig/merge_config.sh" -m -O "$b" "$b/.config" "$fragment"
		echo "CONFIG_LOCALVERSION=\"-mtdebug-$key\"" >>"$b/.config"
		make -C "$dir/src" O="$b" olddefconfig
		make -C "$dir/src" O="$b" -j "$(nproc)" bzImage modules
		make -C "$dir/src" O="$b" INSTALL_MOD_PATH="$dir/image" modules_install
	} >"$dir/build.log" 2>&1 || { tail -n 30 "$dir/build.log" >&2; mt_die "the 6.1-debug kernel failed to build (log: $dir/build.log)"; }
	# Every option of the fragment must have survived olddefconfig.
	missing=$(grep '^CONFIG_' "$fragment" | while read -r line; do
		case $line in
		*=n) grep -q "^# ${line%=n} is not set" "$b/.config" || echo "$line" ;;
		*) grep -qx "$line" "$b/.config" || echo "$line" ;;
		esac
	done)
	[ -z "$missing" ] || mt_die "the debug kernel's config lacks: $missing"
	got=$(make -s -C "$dir/src" O="$b" kernelrelease)
	[ "$got" = "$rel" ] || mt_die "the debug kernel calls itself $got, not $rel"
	mkdir -p "$dir/image/boot"
	cp "$b/arch/x86/boot/bzImage" "$dir/image/boot/vmlinuz-$rel"
	rm -f "$dir/image/lib/modules/$rel"/{build,source}
	depmod -b "$dir/image" "$rel"
	echo "$srcver" >"$MT_CACHE/kernels/flavour-6.1-debug.srcver"
	echo "$srcver-mtdebug" >"$dir/version"
	# Builds for an older source or fragment take 3 GB each: drop them.
	for old in "$MT_CACHE"/kernels/*-mtdebug-*; do
		[ "$old" = "$dir" ] || rm -rf "$old"
	done
fi
echo "$rel" >"$MT_CACHE/kernels/flavour-6.1-debug"

cat <<OUT
flavour=6.1-debug
release=$rel
version=$(cat "$dir/version")
root=$dir
vmlinuz=$dir/image/boot/vmlinuz-$rel
modules=$dir/image/lib/modules/$rel
kdir=$dir/build
OUT
