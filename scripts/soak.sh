#!/usr/bin/env bash
# Run the flood and concurrency scenarios for a chosen duration on chosen
# kernels, each scenario's output shown as it runs, then the figures of all.
set -euo pipefail
. "$(dirname "$0")/common.sh"

usage() {
	cat <<USAGE
usage: $MT_PROG [--seconds S] [KERNEL...]

Boots each KERNEL (default: 6.1 6.1-rt) and runs tests/guest/scenarios/flood.sh
and concurrency.sh inside for S seconds each (default 600), then prints the
figures each one reported: calls made, events received, records counted lost,
successful loads seen. Exit status 1 if any run failed.

example:
  $MT_PROG --seconds 3600 6.1-rt        # an hour of each on 6.1-rt
USAGE
}

seconds=600
while [ $# -gt 0 ]; do
	case "$1" in
	--seconds) seconds=$2; shift 2 ;;
	-h | --help) usage; exit 0 ;;
	-*) mt_say "unknown option $1"; usage >&2; exit 2 ;;
	*) break ;;
	esac
done
[[ $seconds =~ ^[1-9][0-9]*$ ]] || { mt_say "--seconds takes a positive number"; exit 2; }
[ $# -gt 0 ] || set -- 6.1 6.1-rt

bins=()
for b in "$MT_BUILD/cmake/userspace/modtrace" "$MT_BUILD/cmake/tests/"{mtload,mtload32,mtloadx32}; do
	[ -x "$b" ] || mt_die "no $b: run make first"
	bins+=(--bin "$b")
done
failed=0
summary=()
for kernel in "$@"; do
	for scenario in flood concurrency; do
		out=$MT_BUILD/soak/$kernel/$scenario
		mt_say "$scenario on $kernel for ${seconds}s"
		# The scenario's own limit: its run, plus time to drain and check.
		if "$MT_TOP/scripts/guest-run.sh" --kernel "$kernel" --out "$out" --live \
			--timeout $((seconds * 2 + 300)) "${bins[@]}" \
			"$MT_TOP/tests/guest/scenarios/$scenario.sh" -- "$seconds"; then
			verdict=PASS
		else
			verdict=FAIL
			failed=1
		fi
		figures=$(grep -h '^figures:' "$out/$scenario/scenario.log" 2>/dev/null | sed 's/^figures: //')
		summary+=("$verdict $scenario on $kernel: ${figures:-no figures}")
	done
done
printf '\n'
printf '%s\n' "${summary[@]}"
exit $failed
