#!/usr/bin/env bash
# Fetch a Debian kernel (image and headers) into the lab cache and say where
# it is. The release behind a flavour is resolved from Debian's metapackages
# at run time, so the lab follows the archive.
set -euo pipefail
. "$(dirname "$0")/common.sh"

usage() {
	cat <<USAGE
usage: $MT_PROG [--quiet] FLAVOUR|RELEASE
       $MT_PROG --list

Resolves FLAVOUR (or takes a kernel RELEASE such as 6.1.0-56-amd64), downloads
Debian's linux-image and linux-headers packages for it, unpacks them into
  ${MT_CACHE}/kernels/RELEASE
and prints shell assignments: flavour, release, version, root, vmlinuz,
modules, kdir (the kbuild tree to build modules against).

Flavours:
USAGE
	list_flavours | sed 's/^/  /'
}

list_flavours() {
	cat <<LIST
6.1         linux-image-amd64              generic
6.1-cloud   linux-image-cloud-amd64        cloud
6.1-rt      linux-image-rt-amd64           PREEMPT_RT
6.12        linux-image-6.12-amd64         generic, .ko.xz modules
6.12-cloud  linux-image-6.12-cloud-amd64   cloud
6.12-rt     linux-image-6.12-rt-amd64      PREEMPT_RT
6.1-debug   (built from linux-source-6.1)  KASAN, lockdep, kmemleak, UBSAN
LIST
}

metapackage() {
	list_flavours | awk -v f="$1" '$1 == f { print $2 }'
}

# The candidate version's dependency on a versioned linux-image-RELEASE.
resolve_release() {
	local meta=$1 dep
	dep=$(apt-cache show --no-all-versions "$meta" 2>/dev/null |
		sed -n 's/^Depends: //p' | tr ',|' '\n\n' |
		sed -n 's/^ *linux-image-\([^ ]*\).*/\1/p' | head -n1)
	echo "${dep%-unsigned}"
}

# linux-headers-RELEASE and the packages it needs that carry the tree:
# the -common headers and the kbuild scripts.
header_packages() {
	local rel=$1
	echo "linux-headers-$rel"
	apt-cache show --no-all-versions "linux-headers-$rel" |
		sed -n 's/^Depends: //p' | tr ',|' '\n\n' |
		sed -n 's/^ *\(linux-\(headers-[^ ]*common[^ ]*\|kbuild-[^ ]*\)\).*/\1/p'
}

fetch() {
	local rel=$1 dir=$2 tmp pkg image_pkg
	tmp=$(mktemp -d "$MT_CACHE/kernels/.fetch.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	image_pkg=linux-image-$rel
	apt-cache show "$image_pkg" >/dev/null 2>&1 || image_pkg=linux-image-$rel-unsigned
	mt_say "downloading $image_pkg and headers (about 100 MB, once)"
	mkdir -p "$tmp/debs"
	# shellcheck disable=SC2046
	(cd "$tmp/debs" && mt_apt_download "$image_pkg" $(header_packages "$rel") >/dev/null) ||
		mt_die "could not download the packages of kernel $rel"
	for pkg in "$tmp"/debs/linux-image-*.deb; do dpkg-deb -x "$pkg" "$tmp/image"; done
	for pkg in "$tmp"/debs/linux-headers-*.deb "$tmp"/debs/linux-kbuild-*.deb; do
		dpkg-deb -x "$pkg" "$tmp/headers"
	done
	# The arch tree includes the common tree by absolute path; point it here.
	sed -i "s#^include /usr/src/#include $dir/headers/usr/src/#" \
		"$tmp/headers/usr/src/linux-headers-$rel/Makefile"
	# Debian generates modules.dep at install time; the guest needs it.
	depmod -b "$tmp/image" "$rel"
	dpkg-deb -f "$tmp"/debs/linux-image-*.deb Version >"$tmp/version"
	rm -rf "$tmp/debs" "$dir"
	mv "$tmp" "$dir"
	trap - EXIT
}

main() {
	local quiet=0 want meta rel dir
	case "${1:-}" in
	--list) list_flavours; exit 0 ;;
	-h | --help) usage; exit 0 ;;
	--quiet) quiet=1; shift ;;
	esac
	[ $# -eq 1 ] || { usage >&2; exit 2; }
	want=$1
	if [ "$want" = 6.1-debug ]; then
		[ $quiet -eq 1 ] && exec "$MT_TOP/scripts/kernel-debug.sh" --quiet
		exec "$MT_TOP/scripts/kernel-debug.sh"
	fi
	mkdir -p "$MT_CACHE/kernels"

	meta=$(metapackage "$want")
	if [ -n "$meta" ]; then
		rel=$(resolve_release "$meta")
		if [ -z "$rel" ]; then
			# No package lists (or no network): use what was resolved last.
			rel=$(cat "$MT_CACHE/kernels/flavour-$want" 2>/dev/null || true)
			[ -n "$rel" ] || mt_die "cannot resolve kernel flavour '$want' from $meta: run 'apt-get update'"
			[ $quiet -eq 1 ] || mt_say "package lists do not know $meta; using cached $rel"
		fi
	elif [[ $want =~ ^[0-9]+\.[0-9]+ ]]; then
		rel=$want
	else
		mt_die "unknown kernel flavour '$want' (see --list)"
	fi

	dir=$MT_CACHE/kernels/$rel
	mt_lock "kernel-$rel"
	[ -f "$dir/version" ] || fetch "$rel" "$dir"
	[ -n "$meta" ] && echo "$rel" >"$MT_CACHE/kernels/flavour-$want"

	cat <<OUT
flavour=${meta:+$want}
release=$rel
version=$(cat "$dir/version")
root=$dir
vmlinuz=$dir/image/boot/vmlinuz-$rel
modules=$dir/image/lib/modules/$rel
kdir=$dir/headers/usr/src/linux-headers-$rel
OUT
}

main "$@"
