#!/usr/bin/env bash
# Install every Debian package modtrace needs to build, test and run its lab;
# with --bench also what `make bench` compares it with (about 250 MB).
# Idempotent and silent when everything is present; uses sudo when not root.
set -euo pipefail
. "$(dirname "$0")/common.sh"

packages=(
	# build
	build-essential cmake pkg-config
	# reader (libsystemd: sd_notify and the journal); its man pages (scdoc)
	libnl-3-dev libnl-genl-3-dev libboost-program-options-dev libsystemd-dev scdoc
	# the Debian packages (make deb; debian/rules needs no root, so no fakeroot)
	dpkg-dev debhelper dh-dkms lintian
	# tests (gcc-multilib: the 32-bit and x32 loaders, mtload32 and mtloadx32)
	libgtest-dev libgmock-dev clang clang-format libclang-rt-14-dev jq gcc-multilib
	# kernel module builds (kbuild of 6.12 wants pahole) and checks
	bc bison flex libelf-dev libssl-dev dwarves sparse dkms xz-utils zstd
	# the protocol header, generated from kmod/modtrace.yaml by the kernel's
	# YNL generator (scripts/ynl-check.sh)
	linux-source-6.12 python3-yaml python3-jsonschema
	# guest lab
	qemu-system-x86 busybox-static kmod cpio
	# the Debian system lane (scripts/debian-system.sh): its root file system
	# (mmdebstrap), made into and read back from ext4 images (e2fsprogs)
	mmdebstrap e2fsprogs
)
if [ "${1:-}" = --bench ]; then
	# the peers, Google Benchmark for the reader alone, perf for the profile,
	# RapidJSON for the JSON writer's comparison (choices_bench, CODING.md)
	packages+=(bpftrace auditd libbenchmark-dev linux-perf rapidjson-dev)
fi

missing=()
for p in "${packages[@]}"; do
	status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
	[[ $status == ii* ]] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

mt_say "installing ${#missing[@]} missing package(s): ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
mt_as_root apt-get update -qq
mt_as_root apt-get install -y -qq --no-install-recommends "${missing[@]}"
