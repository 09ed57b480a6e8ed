#!/usr/bin/env bash
# Run the kernel's checkpatch.pl --strict over the module's C files. It is not
# packaged on its own: take it once from Debian's linux-source-6.1.
set -euo pipefail
. "$(dirname "$0")/common.sh"

dir=$MT_CACHE/checkpatch
files=(checkpatch.pl spelling.txt const_structs.checkpatch)
if ! [ -f "$dir/scripts/const_structs.checkpatch" ]; then
	mt_lock checkpatch
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	mt_say "extracting checkpatch.pl from linux-source-6.1 (once)"
	(cd "$tmp" && mt_apt_download linux-source-6.1 >/dev/null)
	dpkg-deb -x "$tmp"/linux-source-6.1_*.deb "$tmp/src"
	tar -C "$tmp" -xf "$tmp"/src/usr/src/linux-source-6.1.tar.xz --wildcards \
		"${files[@]/#/*/scripts/}"
	mkdir -p "$dir/scripts"
	for f in "${files[@]}"; do cp "$tmp"/linux-source-6.1/scripts/"$f" "$dir/scripts/"; done
fi

cd "$MT_TOP"
if [ $# -eq 0 ]; then
	set -- $(git ls-files 'kmod/*.[ch]' 'tests/payloads/*.[ch]' | grep -v -e mtload.c -e mtnlfuzz.c)
fi
perl "$dir/scripts/checkpatch.pl" --no-tree --strict --quiet --terse -f "$@" || {
	mt_say "checkpatch.pl found problems (above)"
	exit 1
}
