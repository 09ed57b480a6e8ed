#!/usr/bin/env bash
# make bench: modtrace against what users would run instead (tracefs kprobe
# events, audit with auditd, a bpftrace script), every configuration in one
# guest boot so that ratios hold; then the reader alone on this machine.
# Prints a table and writes it as JSON to build/bench/.
set -euo pipefail
. "$(dirname "$0")/common.sh"

usage() {
	cat <<USAGE
usage: $MT_PROG [--kernel K] [--calls N] [--reps R] [--loads L] [--configs "C..."]

Boots K (default 6.1) with 2 GiB and runs tests/bench/guest.sh: for no
monitor, modtrace without and with a reader, tracefs kprobe events, audit
and bpftrace in turn, the cost per failing init_module/finit_module call
(N calls, default 20000), per load/unload of a Debian module and of a
payload with parameters (L rounds, default 20), each R times (default 3),
the highest failing-call rate without loss, and modtrace's latency and
footprint. Then Google Benchmark on the reader alone. Results:
build/bench/bench-K.json (all measurements and the table) and
build/bench/reader.json. --configs picks configurations (none modtrace
modtrace_reader tracefs audit bpftrace: all by default).
USAGE
}

kernel=6.1 calls=20000 reps=3 loads=20 configs="none modtrace modtrace_reader tracefs audit bpftrace"
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) kernel=$2; shift 2 ;;
	--calls) calls=$2; shift 2 ;;
	--reps) reps=$2; shift 2 ;;
	--loads) loads=$2; shift 2 ;;
	--configs) configs=$2; shift 2 ;;
	-h | --help) usage; exit 0 ;;
	*) mt_say "unknown argument $1"; usage >&2; exit 2 ;;
	esac
done

cmake_build=$MT_BUILD/cmake
for b in userspace/modtrace tests/mtload tests/mtstamp tests/reader_bench; do
	[ -x "$cmake_build/$b" ] || mt_die "no $cmake_build/$b: run make bench (it builds them)"
done
out=$MT_BUILD/bench
mkdir -p "$out"

mt_say "guest benchmark on $kernel (several minutes under TCG)"
"$MT_TOP/scripts/guest-run.sh" --kernel "$kernel" --memory 2048 --timeout 3000 --live \
	--out "$out/guest-$kernel" \
	--bin "$cmake_build/userspace/modtrace" --bin "$cmake_build/tests/mtload" \
	--bin "$cmake_build/tests/mtstamp" --bin /usr/bin/bpftrace \
	--bin /usr/sbin/auditd --bin /usr/sbin/auditctl \
	"$MT_TOP/tests/bench/guest.sh" -- "$calls" "$reps" "$loads" $configs
raw=$out/guest-$kernel/results/bench.jsonl

mt_say "the reader alone (Google Benchmark)"
"$cmake_build/tests/reader_bench" --benchmark_filter='ReaderPipeline|Stage' \
	--benchmark_min_time=1 --benchmark_format=json >"$out/reader.json"
"$cmake_build/tests/reader_bench" --benchmark_filter=MillionRecordReplay \
	--benchmark_format=json >"$out/replay.json"

# Medians per configuration, then the table.
jq -s --slurpfile reader "$out/reader.json" --slurpfile replay "$out/replay.json" '
	def median: sort | if length == 0 then null else .[(length / 2 | floor)] end;
	def minus(a; b): if a == null or b == null then null else a - b end;
	def pct(a; b): if a == null or b == null or b == 0 then null else (a - b) * 100 / b end;
	def med(f): [.[] | f] | median;
	(map(select(.section == "setup")) | first) as $setup
	| [.[] | select(.section == "probe_cost")] as $pc
	| [.[] | select(.section == "load_cost")] as $lc
	| ($pc | map(.config) | unique) as $configs
	| {setup: $setup,
	   probe_cost: [$configs[] as $c | {config: $c,
		init_module_ns: ($pc | map(select(.config == $c and .call == "init_module")) | med(.ns_per_call)),
		finit_module_ns: ($pc | map(select(.config == $c and .call == "finit_module")) | med(.ns_per_call))}],
	   load_cost: [$configs[] as $c | {config: $c,
		dummy_ns: ($lc | map(select(.config == $c and .module == "dummy")) | med(.ns_per_call)),
		payload_ns: ($lc | map(select(.config == $c and .module == "mt_cycle_00")) | med(.ns_per_call))}],
	   sustained: [.[] | select(.section == "sustained")],
	   sustained_steps: [.[] | select(.section == "sustained_step")],
	   latency: (map(select(.section == "latency")) | first),
	   footprint: (map(select(.section == "footprint")) | first),
	   reader: {records_per_s: ($reader[0].benchmarks | map(select(.name == "ReaderPipeline")) | first | .records_per_s),
		stages_records_per_s: ($reader[0].benchmarks | map(select(.name | startswith("Stage/"))) | map({(.name): .records_per_s}) | add),
		replay_1m_peak_rss_bytes: ($replay[0].benchmarks[0].peak_rss_bytes),
		replay_1m_records_per_s: ($replay[0].benchmarks[0].records_per_s)},
	   raw: .}
	| .probe_cost as $p
	| ($p | map(select(.config == "none")) | first) as $none
	| ($p | map(select(.config == "modtrace")) | first) as $mt
	| .probe_cost |= map(. + {
		added_init_ns: minus(.init_module_ns; $none.init_module_ns),
		added_finit_ns: minus(.finit_module_ns; $none.finit_module_ns)})
	| (minus($mt.init_module_ns; $none.init_module_ns) as $a
	   | minus($mt.finit_module_ns; $none.finit_module_ns) as $b
	   | if $a == null or $b == null or ($a + $b) <= 0 then null else $a + $b end) as $mt_added
	| .probe_cost |= map(. + {
		ratio_to_modtrace: (if $mt_added == null or .added_init_ns == null then null
			else (.added_init_ns + .added_finit_ns) / $mt_added end)})
	| (.load_cost | map(select(.config == "none")) | first) as $ln
	| .load_cost |= map(. + {
		added_dummy_pct: pct(.dummy_ns; $ln.dummy_ns),
		added_payload_pct: pct(.payload_ns; $ln.payload_ns)})
	' "$raw" >"$out/bench-$kernel.json"

jq -r '
	def n: if . == null then "-" else (. * 10 | round / 10 | tostring) end;
	def i: if . == null then "-" else (round | tostring) end;
	"modtrace benchmark on \(.setup.kernel) (\(.setup.cpus) vCPUs, TCG): medians of \(.setup.reps) runs",
	"",
	"1. cost per failing call (ns; \(.setup.calls) calls)",
	"   config            init_module  finit_module  added init  added finit  ratio to modtrace",
	(.probe_cost[] | "   \(.config | .+"                  " | .[0:16])  \(.init_module_ns | i | ("           " + .)[-11:])  \(.finit_module_ns | i | ("            " + .)[-12:])  \(.added_init_ns | i | ("          " + .)[-10:])  \(.added_finit_ns | i | ("           " + .)[-11:])  \(.ratio_to_modtrace | n)"),
	"",
	"2. cost per load+unload round (\(.setup.loads) rounds): dummy.ko (Debian), mt_cycle_00 with a parameter",
	(.load_cost[] | "   \(.config | .+"                  " | .[0:16])  dummy \(.dummy_ns / 1000 | i) us (\(.added_dummy_pct | n)%)   payload \(.payload_ns / 1000 | i) us (\(.added_payload_pct | n)%)"),
	"",
	"3. highest rate of failing calls (both vCPUs) without loss",
	(.sustained[] | "   \(.config | .+"                  " | .[0:16])  \(.calls_per_s | i) calls/s\(if .flat_out then " (flat out: all the guest generates)" else "" end)\(if .reader_cpu_ns_per_event then ", reader CPU \(.reader_cpu_ns_per_event | i) ns/event" else "" end)"),
	"",
	"4. latency, syscall return to the reader'"'"'s line: p50 \(.latency.p50_ns / 1000 | n) us, p99 \(.latency.p99_ns / 1000 | n) us (\(.latency.events) events)",
	"",
	"5. reader alone (this machine, one core): \(.reader.records_per_s | i) records/s decode+correlate+JSON; 1e6-record replay peak RSS \(.reader.replay_1m_peak_rss_bytes / 1048576 | n) MiB",
	"   by stage: decode \(.reader.stages_records_per_s["Stage/stages:0"] | i)/s, +correlate \(.reader.stages_records_per_s["Stage/stages:1"] | i)/s, +JSON \(.reader.stages_records_per_s["Stage/stages:2"] | i)/s",
	"",
	"6. footprint: module \(.footprint.module_bytes / 1024 | n) KiB, buffers \(.footprint.buffer_bytes / 1024 | n) KiB (\(.footprint.buffer_records) records), reader idle RSS \(.footprint.reader_idle_rss_bytes / 1048576 | n) MiB"
	' "$out/bench-$kernel.json" | tee "$out/bench-$kernel.txt"
mt_say "results: $out/bench-$kernel.json"
