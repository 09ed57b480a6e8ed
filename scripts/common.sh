# shellcheck shell=bash
# Shared helpers for the lab scripts: paths, messages and locking.

MT_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MT_CACHE=${MODTRACE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/modtrace}
MT_BUILD=${MODTRACE_BUILD:-$MT_TOP/build}
MT_PROG=$(basename "$0")

# Under set -e a failing command would end a script without a word; say where.
trap 'echo "$MT_PROG: error: \"$BASH_COMMAND\" failed (line $LINENO)" >&2' ERR

# modtrace's version: debian/changelog's first entry is the one place it is
# written (CMake, kmod/Kbuild and the packages read it from there too).
mt_version() {
	sed -n '1s/^modtrace (\([0-9][0-9.]*\)[-)].*/\1/p' "$MT_TOP/debian/changelog"
}

mt_say() { printf '%s: %s\n' "$MT_PROG" "$*" >&2; }
mt_die() {
	printf '%s: error: %s\n' "$MT_PROG" "$*" >&2
	exit 1
}

# Run a command as root: directly when we are root, through sudo otherwise.
mt_as_root() {
	if [ "$(id -u)" -eq 0 ]; then
		"$@"
	elif command -v sudo >/dev/null 2>&1; then
		sudo "$@"
	else
		mt_die "need root for: $* (and sudo is not installed)"
	fi
}

# mt_lock NAME: hold an exclusive lock on NAME in the cache for the rest of
# the calling shell, so that parallel lanes share one download or build.
mt_lock() {
	mkdir -p "$MT_CACHE/locks"
	exec {MT_LOCK_FD}>"$MT_CACHE/locks/$1.lock"
	flock "$MT_LOCK_FD"
}

# apt-get download as root warns that it cannot drop privileges to _apt for a
# directory _apt cannot write; tell it not to try.
mt_apt_download() {
	if [ "$(id -u)" -eq 0 ]; then
		apt-get -q -o APT::Sandbox::User=root download "$@"
	else
		apt-get -q download "$@"
	fi
}
