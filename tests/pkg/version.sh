#!/bin/sh
# The version is written once, in debian/changelog: the reader reports that
# one, dkms.conf keeps dh_dkms's placeholder, and no other file of the tree
# carries the number (a copy would drift).
# Usage: version.sh MODTRACE SOURCE_DIR
set -eu
modtrace=$1 top=$2
cd "$top"
version=$(dpkg-parsechangelog -l debian/changelog -S Version)
fail=0
reader=$("$modtrace" --version | sed -n '1s/^modtrace reader \([^,]*\),.*/\1/p')
if [ "$reader" != "$version" ]; then
	echo "modtrace --version says '$reader', debian/changelog '$version'" >&2
	fail=1
fi
if ! grep -qx 'PACKAGE_VERSION="#MODULE_VERSION#"' dkms.conf; then
	echo "dkms.conf: PACKAGE_VERSION is not the placeholder \"#MODULE_VERSION#\" (the installers put the version in)" >&2
	fail=1
fi
pattern="(^|[^0-9.])$(printf '%s' "$version" | sed 's/\./\\./g')([^0-9]|\$)"
copies=$(git ls-files | grep -vx 'debian/changelog' | xargs grep -nE "$pattern" -- 2>/dev/null || true)
if [ -n "$copies" ]; then
	echo "the version $version is written outside debian/changelog:" >&2
	echo "$copies" >&2
	fail=1
fi
[ $fail -ne 0 ] || echo "version $version: debian/changelog only, and modtrace --version agrees"
exit $fail
