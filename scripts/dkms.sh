#!/usr/bin/env bash
# Install modtrace the way an admin does, with DKMS, for lab kernels: the
# kernel's headers package from the archive, then dkms add, build and
# install, as Debian's dkms runs them (it passes KERNELRELEASE to make and
# signs the module with its own key, /var/lib/dkms/mok.key, made on first
# use). Checks that the signed module landed where modprobe finds it, then
# boots the kernel with that very module and uses it (tests/guest/dkms.sh).
#
# This changes the machine as a real install would: the headers packages,
# /usr/src/modtrace-VERSION, DKMS's tree and key, and the module under
# /lib/modules/RELEASE/updates/dkms. --remove takes modtrace out of DKMS
# again at the end.
set -euo pipefail
. "$(dirname "$0")/common.sh"

usage() {
	cat <<USAGE
usage: $MT_PROG [--remove] [--no-guest] KERNEL...

KERNEL is a lab flavour (6.1, 6.12-rt, ...) or an installed kernel's release.
  --remove     dkms remove modtrace when done
  --no-guest   only build, install and check, do not boot the kernel

examples:
  $MT_PROG 6.1 6.12                       # make dkms-test
  $MT_PROG --no-guest \$(uname -r)        # make dkms-install
USAGE
}

remove=0 guest=1
while [ $# -gt 0 ]; do
	case "$1" in
	--remove) remove=1; shift ;;
	--no-guest) guest=0; shift ;;
	-h | --help) usage; exit 0 ;;
	-*) usage >&2; exit 2 ;;
	*) break ;;
	esac
done
[ $# -ge 1 ] || { usage >&2; exit 2; }
command -v dkms >/dev/null || mt_die "dkms is not installed (run: make deps)"

pkg_version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$MT_TOP/dkms.conf")
[ -n "$pkg_version" ] || mt_die "no PACKAGE_VERSION in dkms.conf"
src=/usr/src/modtrace-$pkg_version
mt_lock dkms

# Start from scratch: a previous run's modtrace out of DKMS, then the source
# DKMS builds from: what git tracks of the module, and dkms.conf.
if [ -d "/var/lib/dkms/modtrace/$pkg_version" ]; then
	mt_as_root dkms remove modtrace/"$pkg_version" --all >/dev/null 2>&1 ||
		mt_as_root rm -rf "/var/lib/dkms/modtrace/$pkg_version"
fi
mt_as_root rm -rf "$src"
mt_as_root mkdir -p "$src"
(cd "$MT_TOP" && git ls-files -z kmod dkms.conf | xargs -0 tar -cf -) | mt_as_root tar -xf - -C "$src"
mt_as_root dkms add modtrace/"$pkg_version" >/dev/null

fail=0
for kernel in "$@"; do
	if [[ $kernel =~ ^[0-9]+\.[0-9]+(-[a-z]+)?$ ]]; then
		eval "$("$MT_TOP/scripts/kernel.sh" --quiet "$kernel")"
	else
		release=$kernel
	fi
	if [ ! -e "/lib/modules/$release/build/Makefile" ]; then
		mt_say "installing linux-headers-$release"
		mt_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends "linux-headers-$release" >/dev/null
	fi
	log=$MT_BUILD/dkms/$release.log
	mkdir -p "$(dirname "$log")"
	mt_say "dkms build and install for $release"
	if ! mt_as_root dkms build modtrace/"$pkg_version" -k "$release" >"$log" 2>&1 ||
		! mt_as_root dkms install modtrace/"$pkg_version" -k "$release" --force >>"$log" 2>&1; then
		cat "$log" >&2
		mt_die "dkms failed for $release (log: $log)"
	fi

	# Where modprobe for that kernel finds modtrace, and who signed it.
	ko=$(modinfo -k "$release" -n modtrace 2>/dev/null || true)
	case $ko in
	/lib/modules/"$release"/updates/dkms/modtrace.ko*) ;;
	*) mt_say "FAIL: modprobe for $release finds modtrace at '$ko', not in updates/dkms"; fail=1; continue ;;
	esac
	signer=$(modinfo -k "$release" -F signer modtrace)
	if [ -z "$signer" ]; then
		mt_say "FAIL: $ko is not signed"
		fail=1
		continue
	fi
	depends=$(modprobe -S "$release" --show-depends modtrace)
	case $depends in
	*"$ko"*) ;;
	*) mt_say "FAIL: modprobe -S $release does not resolve modtrace to $ko"; fail=1; continue ;;
	esac
	mt_say "PASS: $release: $ko, signed by '$signer'"

	if [ $guest -eq 1 ]; then
		"$MT_TOP/scripts/guest-run.sh" --kernel "$release" --modtrace-ko "$ko" \
			--out "$MT_BUILD/dkms/guest-$release" \
			--bin "$MT_BUILD/cmake/userspace/modtrace" --bin "$MT_BUILD/cmake/tests/mtload" \
			"$MT_TOP/tests/guest/dkms.sh" -- "$signer" || fail=1
	fi
done

if [ $remove -eq 1 ]; then
	mt_as_root dkms remove modtrace/"$pkg_version" --all >/dev/null
fi
exit $fail
