#!/usr/bin/env bash
# Build modtrace.ko and the test payload modules for one kernel, out of the
# source tree, so that several kernels can be built side by side.
set -euo pipefail
. "$(dirname "$0")/common.sh"

usage() {
	cat <<USAGE
usage: $MT_PROG [--kdir DIR] [--sparse] [--quiet] KERNEL

KERNEL is a lab flavour (6.1, 6.12-rt, ...; see scripts/kernel.sh --list) or a
kernel release. The kbuild tree is DIR if given, else /lib/modules/RELEASE/build
when installed, else the lab cache (fetched on first use).
Builds into $MT_BUILD/modules/RELEASE/{kmod,payloads} with warnings as errors
and prints the release. --sparse also runs sparse over kmod/ and fails on any
report.
USAGE
}

kdir= quiet=0 sparse=0
while [ $# -gt 0 ]; do
	case "$1" in
	--kdir) kdir=$2; shift 2 ;;
	--quiet) quiet=1; shift ;;
	--sparse) sparse=1; shift ;;
	-h | --help) usage; exit 0 ;;
	-*) usage >&2; exit 2 ;;
	*) break ;;
	esac
done
[ $# -eq 1 ] || { usage >&2; exit 2; }
kernel=$1

if [ -z "$kdir" ] && [ -d "/lib/modules/$kernel/build" ]; then
	kdir=/lib/modules/$kernel/build
	release=$kernel
elif [ -z "$kdir" ]; then
	eval "$("$MT_TOP/scripts/kernel.sh" --quiet "$kernel")"
else
	release=$kernel
fi
[ -f "$kdir/Makefile" ] || mt_die "no kernel build tree at $kdir"

out=$MT_BUILD/modules/$release
version=$(mt_version)
[ -n "$version" ] || mt_die "no version in debian/changelog"
mt_lock "build-$release"
for part in kmod payloads; do
	case $part in
	kmod) src=$MT_TOP/kmod ;;
	payloads) src=$MT_TOP/tests/payloads ;;
	esac
	mkdir -p "$out/$part"
	# Copy with timestamps so that kbuild rebuilds only what changed.
	(cd "$src" && find . -type f \( -name '*.[ch]' -o -name Kbuild -o -name Makefile \) \
		-exec cp -p --parents {} "$out/$part/" \;)
	[ $quiet -eq 1 ] || mt_say "building $part for $release"
	check=
	if [ $sparse -eq 1 ] && [ $part = kmod ]; then
		command -v sparse >/dev/null || mt_die "sparse is not installed (run: make deps)"
		check=C=2
	fi
	# The copy is out of the source tree: kmod/Kbuild is told the version.
	if ! make -s -C "$kdir" M="$out/$part" KCFLAGS=-Werror MODTRACE_VERSION="$version" $check modules \
		>"$out/$part/build.log" 2>&1; then
		cat "$out/$part/build.log" >&2
		mt_die "$part failed to build for $release (log: $out/$part/build.log)"
	fi
	if [ -n "$check" ] && grep -q ': \(warning\|error\):' "$out/$part/build.log"; then
		grep ': \(warning\|error\):' "$out/$part/build.log" >&2
		mt_die "sparse found problems in kmod/ for $release"
	fi
	grep -v '^Skipping BTF generation' "$out/$part/build.log" >&2 || true
done
echo "$release"
