#!/bin/sh
# Every long option `modtrace --help` lists has an entry in modtrace(8)'s
# source: a line that starts with it in scdoc's bold, *--NAME*, and the
# text indented below. A mention elsewhere (the synopsis, another option's
# text) does not count: a new option cannot go undocumented.
# Usage: man-options.sh MODTRACE PAGE.scd
set -eu
modtrace=$1 page=$2
options=$("$modtrace" --help | sed -n 's/^  \(--[a-z][a-z0-9-]*\).*/\1/p' | sort -u)
count=$(printf '%s\n' "$options" | grep -c . || true)
# The help lists 18 today: far fewer means the pattern above no longer
# matches its layout, and the check would pass on nothing.
if [ "$count" -lt 15 ]; then
	echo "found only $count long options in modtrace --help: has its layout changed?" >&2
	exit 1
fi
missing=
for option in $options; do
	grep -q "^\*$option\*" "$page" || missing="$missing $option"
done
if [ -n "$missing" ]; then
	echo "$page has no entry (a line starting *--NAME*) for:$missing" >&2
	exit 1
fi
echo "all $count long options of modtrace --help are in $page"
