#!/usr/bin/env bash
# Check that kmod/uapi/modtrace.h is what the kernel's YNL generator makes of
# kmod/modtrace.yaml: validate the spec against the genetlink-legacy schema,
# generate the uAPI header and compare. --write regenerates the header in
# place instead. The generator (tools/net/ynl) and the schemas
# (Documentation/netlink) come from Debian's linux-source-6.12, extracted once
# per package version into the cache. --lib extracts them and prints the
# directory of the YNL Python library (tools/net/ynl/lib), for the guest.
# Debian's python3, whose yaml and jsonschema are the packages make deps
# installs.
set -euo pipefail
. "$(dirname "$0")/common.sh"

usage() {
	cat <<USAGE
usage: $MT_PROG [--write | --lib]

Without arguments: fail, with a diff, if kmod/uapi/modtrace.h differs from
what kmod/modtrace.yaml generates. --write: regenerate kmod/uapi/modtrace.h.
--lib: print the directory of the kernel's YNL Python library.
USAGE
}

write=0 lib=0
case "${1:-}" in
'') ;;
--write) write=1 ;;
--lib) lib=1 ;;
-h | --help) usage; exit 0 ;;
*) usage >&2; exit 2 ;;
esac

spec_rel=kmod/modtrace.yaml
header_rel=kmod/uapi/modtrace.h
spec=$MT_TOP/$spec_rel
header=$MT_TOP/$header_rel
tarball=/usr/src/linux-source-6.12.tar.xz
src=linux-source-6.12

[ -f "$tarball" ] || mt_die "$tarball is missing: install linux-source-6.12 (run: make deps)"
python=/usr/bin/python3
$python -c 'import yaml, jsonschema' 2>/dev/null ||
	mt_die "python3 needs yaml and jsonschema: install python3-yaml python3-jsonschema (run: make deps)"

# The generator of the installed package version, extracted once.
version=$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null || echo unknown)
cache=$MT_CACHE/ynl
ynl=$cache/$src
if [ "$(cat "$cache/version" 2>/dev/null)" != "$version" ] ||
	! [ -f "$ynl/tools/net/ynl/ynl-gen-c.py" ]; then
	mt_lock ynl
	if [ "$(cat "$cache/version" 2>/dev/null)" != "$version" ] ||
		! [ -f "$ynl/tools/net/ynl/ynl-gen-c.py" ]; then
		mt_say "extracting tools/net/ynl and Documentation/netlink from $tarball ($version)"
		mkdir -p "$cache"
		rm -rf "$ynl" "$cache/version" "$cache/tmp"
		mkdir "$cache/tmp"
		tar -C "$cache/tmp" -xJf "$tarball" --wildcards \
			"$src/tools/net/ynl/*" "$src/Documentation/netlink/*"
		mv "$cache/tmp/$src" "$ynl"
		rmdir "$cache/tmp"
		echo "$version" >"$cache/version"
	fi
fi
if [ $lib -eq 1 ]; then
	echo "$ynl/tools/net/ynl/lib"
	exit 0
fi
schema=$ynl/Documentation/netlink/genetlink-legacy.yaml
gen=$ynl/tools/net/ynl/ynl-gen-c.py

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

$python - "$schema" "$spec" <<'PY' || mt_die "$spec_rel does not match the genetlink-legacy schema"
import sys

import jsonschema
import yaml

with open(sys.argv[1]) as f:
    schema = yaml.safe_load(f)
with open(sys.argv[2]) as f:
    spec = yaml.safe_load(f)
try:
    jsonschema.validate(spec, schema)
except jsonschema.ValidationError as e:
    where = "/".join(str(p) for p in e.absolute_path) or "(top level)"
    print(f"{sys.argv[2]}: {where}: {e.message}", file=sys.stderr)
    sys.exit(1)
PY

# The generator names the spec by its path below the tree that holds
# MAINTAINERS, and reads the schema from the spec directory's parent: lay
# out both as it expects, so that the header says it came from kmod/.
mkdir -p "$tmp/tree/kmod"
: >"$tmp/tree/MAINTAINERS"
cp "$schema" "$tmp/tree/"
cp "$spec" "$tmp/tree/$spec_rel"
(cd "$tmp/tree" && $python "$gen" --mode uapi --header \
	--spec "$tmp/tree/$spec_rel" -o "$tmp/modtrace.h") ||
	mt_die "the generator failed on $spec_rel"

if [ $write -eq 1 ]; then
	if cmp -s "$tmp/modtrace.h" "$header"; then
		mt_say "$header_rel is up to date"
	else
		cp "$tmp/modtrace.h" "$header"
		mt_say "wrote $header_rel"
	fi
	exit 0
fi

if ! diff -u --label "a/$header_rel" --label "b/$header_rel (generated)" \
	"$header" "$tmp/modtrace.h"; then
	mt_die "$header_rel is not what $spec_rel generates (above); edit the spec, not the header, then regenerate it: scripts/ynl-check.sh --write"
fi
mt_say "$header_rel matches $spec_rel"
