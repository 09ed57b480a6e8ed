#!/usr/bin/env bash
# Build the Debian packages, modtrace and modtrace-dkms, with
# dpkg-buildpackage from debian/, into $MT_BUILD/deb, and check them with
# lintian, which must report no error (make deb).
#
# dpkg-buildpackage works in the source tree and writes its results next to
# it; so it is given a copy of what git tracks (as the working tree has it)
# in $MT_BUILD/deb/src, and the packages are moved from there.
set -euo pipefail
. "$(dirname "$0")/common.sh"

version=$(mt_version)
[ -n "$version" ] || mt_die "no version in debian/changelog"
for tool in dpkg-buildpackage dh dh_dkms scdoc lintian; do
	command -v "$tool" >/dev/null || mt_die "$tool is not installed (run: make deps)"
done
out=$MT_BUILD/deb
work=$out/src
tree=$work/modtrace-$version
rm -rf "$work"
rm -f "$out"/*.deb "$out"/*.changes "$out"/*.buildinfo
mkdir -p "$tree"
(cd "$MT_TOP" && git ls-files -z --cached | xargs -0 tar -cf - --) | tar -xf - -C "$tree"

log=$out/build.log
mt_say "dpkg-buildpackage (log: $log)"
if ! (cd "$tree" && DEB_BUILD_OPTIONS="parallel=${JOBS:-$(nproc)} noautodbgsym nocheck" \
	dpkg-buildpackage -us -uc -b) >"$log" 2>&1; then
	tail -n 40 "$log" >&2
	mt_die "dpkg-buildpackage failed (log: $log)"
fi
mv "$work"/*.deb "$work"/*.changes "$work"/*.buildinfo "$out"/
rm -rf "$work"

debs=("$out"/modtrace_"$version"_*.deb "$out"/modtrace-dkms_"$version"_all.deb)
for deb in "${debs[@]}"; do
	[ -f "$deb" ] || mt_die "dpkg-buildpackage made no $deb"
done
mt_say "lintian"
lintian --fail-on error --info "${debs[@]}" || mt_die "lintian reports errors"
printf '%s\n' "${debs[@]}"
