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
# /lib/modules/RELEASE/updates/dkms. --cleanup undoes all of it when the run
# ends, however it ends (the test: make dkms-test, ctest's dkms).
set -euo pipefail
. "$(dirname "$0")/common.sh"

usage() {
	cat <<USAGE
usage: $MT_PROG [--cleanup] [--no-guest] KERNEL...

KERNEL is a lab flavour (6.1, 6.12-rt, ...) or an installed kernel's release.
  --cleanup    leave the machine as it was: when done, even on failure or
               interruption, take modtrace out of DKMS (with its module files
               under /lib/modules and its source in /usr/src) and remove DKMS's
               signing key and the headers packages (with their dependencies)
               if this run made or installed them; packages apt upgraded for
               them stay upgraded (it says which). Refuses to start if
               modtrace is in DKMS already, which it would take away.
  --no-guest   only build, install and check, do not boot the kernel

examples:
  $MT_PROG --cleanup 6.1 6.12             # make dkms-test
  $MT_PROG --no-guest \$(uname -r)        # make dkms-install
USAGE
}

cleanup=0 guest=1
while [ $# -gt 0 ]; do
	case "$1" in
	--cleanup) cleanup=1; shift ;;
	--no-guest) guest=0; shift ;;
	-h | --help) usage; exit 0 ;;
	-*) usage >&2; exit 2 ;;
	*) break ;;
	esac
done
[ $# -ge 1 ] || { usage >&2; exit 2; }
command -v dkms >/dev/null || mt_die "dkms is not installed (run: make deps)"

pkg_version=$(mt_version)
[ -n "$pkg_version" ] || mt_die "no version in debian/changelog"
src=/usr/src/modtrace-$pkg_version
mt_lock dkms

# What --cleanup puts back: the packages and cached .debs there are now,
# whether DKMS's key and /lib/modules exist; the lab releases' module
# directories this run made are noted as it makes them.
installed_packages() { # "PACKAGE VERSION" per line
	dpkg-query -W -f='${db:Status-Abbrev} ${Package} ${Version}\n' |
		awk '$1 ~ /^ii/ { print $2, $3 }' | sort
}
cached_debs() {
	find /var/cache/apt/archives -maxdepth 1 -name '*.deb' | sort
}
new_module_dirs=()
# shellcheck disable=SC2317 # run by the EXIT trap
leave_as_found() {
	local status=$? new_packages upgraded new_debs dir
	trap - EXIT
	set +e
	mt_say "leaving the machine as it was found"
	mt_as_root dkms remove modtrace/"$pkg_version" --all >/dev/null 2>&1
	mt_as_root rm -rf "/var/lib/dkms/modtrace/$pkg_version" "$src"
	mt_as_root rmdir /var/lib/dkms/modtrace 2>/dev/null
	for dir in /lib/modules/*/updates/dkms; do
		[ -d "$dir" ] || continue
		mt_as_root rm -f "$dir"/modtrace.ko*
		mt_as_root rmdir "$dir" "$(dirname "$dir")" 2>/dev/null
	done
	[ "$key_existed" = 1 ] || mt_as_root rm -f /var/lib/dkms/mok.key /var/lib/dkms/mok.pub
	new_packages=$(join -v 2 <(echo "$packages_before") <(installed_packages) | cut -d' ' -f1)
	# apt upgrades what the headers' dependencies need newer (seen: systemd
	# and libudev1 for the initramfs-tools and udev that 6.12's image
	# pulls in); the archive has no older versions to go back to.
	upgraded=$(join <(echo "$packages_before") <(installed_packages) | awk '$2 != $3 { print $1 }')
	[ -z "$upgraded" ] ||
		mt_say "warning: apt upgraded, for the headers' dependencies, and they stay so: $(echo "$upgraded" | tr '\n' ' ')"
	if [ -n "$new_packages" ]; then
		mt_say "removing what this run installed: $(echo "$new_packages" | tr '\n' ' ')"
		# shellcheck disable=SC2086
		mt_as_root env DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq $new_packages >/dev/null
	fi
	new_debs=$(comm -13 <(echo "$debs_before") <(cached_debs))
	# shellcheck disable=SC2086
	[ -z "$new_debs" ] || mt_as_root rm -f $new_debs
	# What is left of a release's directory once its headers are gone is
	# depmod's output for a kernel that is not installed.
	for dir in "${new_module_dirs[@]}"; do
		mt_as_root rm -rf "/lib/modules/$dir"
	done
	[ "$lib_modules_existed" = 1 ] || mt_as_root rmdir /lib/modules 2>/dev/null
	exit "$status"
}
# The modtrace-dkms package owns that source and its DKMS entry.
if dpkg-query -S "$src" >/dev/null 2>&1; then
	mt_die "$src belongs to an installed package ($(dpkg-query -S "$src" | cut -d: -f1)), which already builds modtrace with DKMS for every kernel with headers; to use this instead, remove it first: sudo apt-get remove modtrace-dkms"
fi
if [ $cleanup -eq 1 ]; then
	if [ -d "/var/lib/dkms/modtrace/$pkg_version" ] || [ -e "$src" ]; then
		mt_die "modtrace $pkg_version is in DKMS on this machine already (a real install?), which --cleanup would remove; take it out first: sudo dkms remove modtrace/$pkg_version --all; sudo rm -rf $src"
	fi
	packages_before=$(installed_packages)
	debs_before=$(cached_debs)
	key_existed=0 lib_modules_existed=0
	[ ! -e /var/lib/dkms/mok.key ] || key_existed=1
	[ ! -d /lib/modules ] || lib_modules_existed=1
	trap leave_as_found EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
fi

# Start from scratch: a previous run's modtrace out of DKMS, then the source
# DKMS builds from, as the modtrace-dkms package ships it: what git tracks of
# the module, and dkms.conf with its version put in (as dh_dkms -V does).
if [ -d "/var/lib/dkms/modtrace/$pkg_version" ]; then
	mt_as_root dkms remove modtrace/"$pkg_version" --all >/dev/null 2>&1 ||
		mt_as_root rm -rf "/var/lib/dkms/modtrace/$pkg_version"
fi
mt_as_root rm -rf "$src"
mt_as_root mkdir -p "$src"
(cd "$MT_TOP" && git ls-files -z kmod dkms.conf | xargs -0 tar -cf -) | mt_as_root tar -xf - -C "$src"
mt_as_root sed -i "s/#MODULE_VERSION#/$pkg_version/g" "$src/dkms.conf"
mt_as_root dkms add modtrace/"$pkg_version" >/dev/null

fail=0
for kernel in "$@"; do
	if [[ $kernel =~ ^[0-9]+\.[0-9]+(-[a-z]+)?$ ]]; then
		eval "$("$MT_TOP/scripts/kernel.sh" --quiet "$kernel")"
	else
		release=$kernel
	fi
	[ -e "/lib/modules/$release" ] || new_module_dirs+=("$release")
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

exit $fail
