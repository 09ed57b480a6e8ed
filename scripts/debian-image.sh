#!/usr/bin/env bash
# Make (once) a real Debian 12 system for the lab: a root file system from
# Debian's mmdebstrap with systemd, the lab's 6.1 kernel with its own
# initramfs and headers, DKMS and its compiler, jq, and every package the
# modtrace packages need at run time, so that the guest installs them with
# no network. It is cached in the lab cache, keyed by what goes into it (the
# kernel release, the package list and this recipe), and said where it is.
set -euo pipefail
. "$(dirname "$0")/common.sh"

usage() {
	cat <<USAGE
usage: $MT_PROG [--quiet] [KERNEL]

Builds, unless cached, a Debian 12 root file system for the lab kernel
KERNEL (a flavour or release; default 6.1) with mmdebstrap (about 2 minutes,
1 GB) in
  ${MT_CACHE}/debian-system/KEY
as an ext4 image (disk.img, label mtroot) with the kernel and initramfs
beside it, and prints shell assignments: release, image, vmlinuz, initrd.

The image boots to multi-user with no login on the serial console; its unit
mt-lab.service runs /mnt/lab/run.sh from a second disk labelled mtlab, when
there is one, with its output on the serial console.
USAGE
}

quiet=0
case "${1:-}" in
-h | --help) usage; exit 0 ;;
--quiet) quiet=1; shift ;;
esac
[ $# -le 1 ] || { usage >&2; exit 2; }
kernel=${1:-6.1}
eval "$("$MT_TOP/scripts/kernel.sh" --quiet "$kernel")"

# What the system is made of. Runtime dependencies of the two packages: the
# reader's libraries (libnl, Boost.Program_options, libsystemd, the C++
# runtime) and DKMS with what it builds and signs with (the headers pull in
# the kernel's compiler; openssl makes DKMS's signing key).
packages=(
	systemd-sysv udev dbus libnss-systemd kmod initramfs-tools
	"linux-image-$release" "linux-headers-$release"
	dkms gcc make openssl
	libnl-3-200 libnl-genl-3-200 libboost-program-options1.74.0 libsystemd0
	libstdc++6 libgcc-s1
	jq
)
mirrors=(
	"deb http://deb.debian.org/debian bookworm main"
	"deb http://deb.debian.org/debian bookworm-updates main"
	"deb http://deb.debian.org/debian-security bookworm-security main"
)
# The recipe: bump when the image is made differently.
recipe=1
key=$({
	printf '%s\n' "recipe $recipe" "release $release" "${mirrors[@]}"
	printf '%s\n' "${packages[@]}" | sort
} | sha256sum | cut -c1-16)
dir=$MT_CACHE/debian-system/$key

mt_lock "debian-system-$key"
if [ ! -f "$dir/disk.img" ]; then
	command -v mmdebstrap >/dev/null || mt_die "mmdebstrap is not installed (run: make deps)"
	command -v mkfs.ext4 >/dev/null || mt_die "mkfs.ext4 is not installed (e2fsprogs)"
	mkdir -p "$MT_CACHE/debian-system"
	tmp=$(mktemp -d "$MT_CACHE/debian-system/.build.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	[ $quiet -eq 1 ] || mt_say "making a Debian 12 system for $release with mmdebstrap (about 2 minutes, once)"
	include=$(
		IFS=,
		echo "${packages[*]}"
	)
	# The unit that runs the lab's test script, from the second disk, with
	# its output on the serial console (no getty there).
	unit='[Unit]
Description=modtrace lab: run /mnt/lab/run.sh
RequiresMountsFor=/mnt/lab
ConditionPathExists=/mnt/lab/run.sh
After=multi-user.target

[Service]
Type=oneshot
ExecStart=/bin/sh /mnt/lab/run.sh
StandardOutput=tty
StandardError=inherit
TTYPath=/dev/ttyS0

[Install]
WantedBy=multi-user.target'
	if ! mmdebstrap --variant=apt --include="$include" \
		--customize-hook='echo debsys >"$1/etc/hostname"' \
		--customize-hook='printf "LABEL=mtroot / ext4 defaults 0 1\nLABEL=mtlab /mnt/lab ext4 defaults,nofail 0 2\n" >"$1/etc/fstab"' \
		--customize-hook='mkdir -p "$1/mnt/lab"' \
		--customize-hook="printf '%s\n' '$unit' >\"\$1/etc/systemd/system/mt-lab.service\"" \
		--customize-hook='ln -s ../mt-lab.service "$1/etc/systemd/system/multi-user.target.wants/mt-lab.service"' \
		--customize-hook='ln -sf /dev/null "$1/etc/systemd/system/serial-getty@ttyS0.service"' \
		--customize-hook='ln -sf /dev/null "$1/etc/systemd/system/getty@tty1.service"' \
		--customize-hook='chroot "$1" dpkg-query -W >"$1/../packages.txt"' \
		bookworm "$tmp/root" "${mirrors[@]}" >"$tmp/mmdebstrap.log" 2>&1; then
		tail -n 30 "$tmp/mmdebstrap.log" >&2
		mt_die "mmdebstrap failed"
	fi
	cp "$tmp/root/boot/vmlinuz-$release" "$tmp/vmlinuz"
	cp "$tmp/root/boot/initrd.img-$release" "$tmp/initrd.img"
	# Room for DKMS's build and apt beside the 1 GB the system takes.
	mkfs.ext4 -q -L mtroot -d "$tmp/root" "$tmp/disk.img" 3G >"$tmp/mkfs.log" 2>&1 ||
		{ cat "$tmp/mkfs.log" >&2; mt_die "mkfs.ext4 failed"; }
	rm -rf "$tmp/root"
	printf '%s\n' "${packages[@]}" >"$tmp/include.txt"
	rm -rf "$dir"
	mv "$tmp" "$dir"
	trap - EXIT
fi

cat <<OUT
release=$release
image=$dir/disk.img
vmlinuz=$dir/vmlinuz
initrd=$dir/initrd.img
OUT
