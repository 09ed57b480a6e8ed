#!/usr/bin/env bash
# The Debian system lane: boot a real Debian 12 (scripts/debian-image.sh:
# systemd, DKMS, the lab's 6.1 kernel with its own initramfs, from a virtio
# disk) under QEMU, and there, as an admin would, install modtrace's two
# packages (make deb), start the service, load modules, reboot, restart the
# service and purge the packages, checking the journal at each step
# (tests/guest/debian-system.sh, run by the image's mt-lab.service).
set -euo pipefail
. "$(dirname "$0")/common.sh"

# All of it in one compound command, read whole before it runs: editing the
# script while a lane runs (for minutes) cannot change what that run does.
{

usage() {
	cat <<USAGE
usage: $MT_PROG [--kernel K] [--out DIR] [--timeout S] [--kvm]

Builds the packages when they are missing or older than the tree
(scripts/deb.sh), the Debian system image when it is not cached, then boots
it twice (the guest reboots itself) and reads the checks the guest prints
on its serial console ("ok N - what", "not ok N - what: detail", and
"mt-lab: summary: ..."). Exit status: 0 when the summary came and no check
failed, 1 otherwise, 2 for usage errors.

options:
  --kernel K    lab kernel (default 6.1)
  --out DIR     where the console log and the guest's results go
                (default: build/debian-system/K)
  --timeout S   limit for the whole boot, seconds (default 900)
  --kvm         use KVM instead of TCG (also MODTRACE_KVM=1)
USAGE
}

kernel=6.1 out= limit=900 kvm=${MODTRACE_KVM:-0}
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) kernel=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--timeout) limit=$2; shift 2 ;;
	--kvm) kvm=1; shift ;;
	-h | --help) usage; exit 0 ;;
	*) mt_say "unknown argument $1"; usage >&2; exit 2 ;;
	esac
done
[[ $limit =~ ^[0-9]+$ ]] || { mt_say "--timeout takes seconds"; exit 2; }

# The packages, rebuilt when a tracked file of what goes into them is newer
# than they are.
version=$(mt_version)
debs=("$MT_BUILD/deb/modtrace_${version}_amd64.deb" "$MT_BUILD/deb/modtrace-dkms_${version}_all.deb")
rebuild=0
for deb in "${debs[@]}"; do [ -f "$deb" ] || rebuild=1; done
if [ $rebuild -eq 0 ]; then
	newer=$(cd "$MT_TOP" && git ls-files -z -- debian kmod userspace doc dkms.conf CMakeLists.txt |
		xargs -0 sh -c 'find "$@" -newer "$0" -print' "${debs[0]}" | head -n 1) || true
	[ -z "$newer" ] || rebuild=1
fi
if [ $rebuild -eq 1 ]; then
	mt_say "building the packages (scripts/deb.sh)"
	"$MT_TOP/scripts/deb.sh" >/dev/null
fi

eval "$("$MT_TOP/scripts/debian-image.sh" --quiet "$kernel")"

out=${out:-$MT_BUILD/debian-system/$kernel}
rm -rf "$out"
mkdir -p "$out"
out=$(cd "$out" && pwd)

# The lab disk: the test script, the packages, and room for the results,
# which come back from it after the run (debugfs, no mount). Made afresh for
# each boot attempt.
make_lab() {
	local stage=$out/lab
	rm -rf "$stage" "$out/lab.img"
	mkdir -p "$stage/debs" "$stage/results"
	cp "$MT_TOP/tests/guest/debian-system.sh" "$stage/run.sh"
	cp "${debs[@]}" "$stage/debs/"
	mkfs.ext4 -q -L mtlab -d "$stage" "$out/lab.img" 256M >"$out/mkfs.log" 2>&1 ||
		{ cat "$out/mkfs.log" >&2; mt_die "mkfs.ext4 failed"; }
	rm -rf "$stage"
}

# The system's disk is the cached image, unchanged: the guest's writes go to
# a temporary overlay (snapshot=on), which lasts across the guest's reboot.
qemu=(qemu-system-x86_64 -m 2048 -smp 2 -display none -monitor none -nic none
	-kernel "$vmlinuz" -initrd "$initrd"
	-drive "file=$image,if=virtio,format=raw,snapshot=on"
	-drive "file=$out/lab.img,if=virtio,format=raw"
	-serial "file:$out/console.log"
	-append "root=/dev/vda rw console=ttyS0 panic=-1 loglevel=4")
# Under TCG the CPU has neither VMX nor SVM (qemu64 has SVM, and udev would
# load kvm_amd at boot, making kvm_intel's load fail with EEXIST, which
# modprobe takes for success): kvm_intel's init fails with EOPNOTSUPP.
# shellcheck disable=SC2054 # qemu's own commas
if [ "$kvm" = 1 ]; then qemu+=(-accel kvm -cpu host); else qemu+=(-accel tcg -cpu qemu64,-svm); fi
# Under multi-threaded TCG a guest sometimes stalls for good early in its
# boot (seen: both vCPUs in soft lockups while systemd starts, on a busy
# host), before anything of the lane ran. So when the test script has not
# started BOOT_LIMIT seconds after QEMU did, or the kernel reports a lockup
# before it, boot again, at most BOOT_ATTEMPTS times, and say so. Once the
# script has started, every outcome counts.
BOOT_LIMIT=300
BOOT_ATTEMPTS=3
BOOT_MARK='mt-lab: boot 1 '
start=$(date +%s)
for attempt in $(seq 1 $BOOT_ATTEMPTS); do
	make_lab
	rm -f "$out/console.log"
	timeout --kill-after=10 "$limit" "${qemu[@]}" </dev/null 2>"$out/qemu.log" &
	qpid=$!
	stalled=0 t0=$(date +%s)
	while kill -0 "$qpid" 2>/dev/null; do
		grep -aq "$BOOT_MARK" "$out/console.log" 2>/dev/null && break
		if grep -aqE 'soft lockup|rcu: INFO: rcu_.* detected stalls' "$out/console.log" 2>/dev/null ||
			[ $(($(date +%s) - t0)) -ge $BOOT_LIMIT ]; then
			stalled=1
			break
		fi
		sleep 2
	done
	if [ $stalled -eq 1 ]; then
		kill "$qpid" 2>/dev/null || true
		wait "$qpid" 2>/dev/null || true
		rc=124
		[ "$attempt" -lt $BOOT_ATTEMPTS ] || break
		mv "$out/console.log" "$out/console.boot$attempt.log"
		mt_say "the guest stalled before the test script ran (console: $out/console.boot$attempt.log); booting again"
		continue
	fi
	rc=0
	wait "$qpid" || rc=$?
	break
done
elapsed=$(($(date +%s) - start))
debugfs -R "rdump /results $out" "$out/lab.img" >/dev/null 2>&1 || true

# The verdict, from the console (a tty: lines end in CR LF).
tr -d '\r' <"$out/console.log" >"$out/console.txt"
checks=$(grep -aE '^(not )?ok [0-9]+ - ' "$out/console.txt" || true)
fails=$(grep -aE '^not ok [0-9]+ - ' "$out/console.txt" || true)
summary=$(grep -aE '^mt-lab: summary: ' "$out/console.txt" | tail -n 1 || true)
[ -z "$fails" ] || printf '%s\n' "$fails" | sed 's/^/  /' >&2
if [ -z "$summary" ]; then
	why="the guest ended without a summary"
	[ $rc -ne 124 ] && [ $rc -ne 137 ] || why="timed out after ${limit}s"
	printf 'FAIL: debian-system on %s (%s): %s after %d checks (%ds; console: %s)\n' \
		"$kernel" "$release" "$why" "$(printf '%s' "$checks" | grep -c . || true)" "$elapsed" \
		"$out/console.log" >&2
	tail -n 20 "$out/console.log" | sed 's/^/  | /' >&2
	exit 1
fi
if [ -n "$fails" ] || ! [[ $summary =~ ,\ 0\ failed$ ]]; then
	printf 'FAIL: debian-system on %s (%s): %s (%ds; results in %s)\n' \
		"$kernel" "$release" "${summary#mt-lab: summary: }" "$elapsed" "$out" >&2
	exit 1
fi
printf 'PASS: debian-system on %s (%s): %s (%ds; results in %s)\n' \
	"$kernel" "$release" "${summary#mt-lab: summary: }" "$elapsed" "$out" >&2
exit 0
}
