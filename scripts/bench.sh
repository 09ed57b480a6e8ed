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
and bpftrace, the cost per failing init_module/finit_module call (N calls,
default 20000) and per load/unload of a Debian module and of a payload with
parameters (L rounds, default 40), in R repetitions (default 5) that each
measure every configuration, in rotated order; then each monitor's highest
failing-call rate without loss, and modtrace's latency and footprint. Then
Google Benchmark on the reader alone. Results:
build/bench/bench-K.json (all measurements, the table, the targets) and
build/bench/reader.json. --configs picks configurations (none modtrace
modtrace_nohistory modtrace_reader tracefs audit bpftrace: all by default;
modtrace_nohistory is modtrace with history_records=0, so that the two
probe-cost rows show what the history costs per call).
USAGE
}

kernel=6.1 calls=20000 reps=5 loads=40 configs="none modtrace modtrace_nohistory modtrace_reader tracefs audit bpftrace"
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
	--bin /usr/sbin/auditd --bin /usr/sbin/auditctl --bin /usr/bin/perf \
	"$MT_TOP/tests/bench/guest.sh" -- "$calls" "$reps" "$loads" $configs
raw=$out/guest-$kernel/guest/bench.jsonl
for f in "$out/guest-$kernel"/guest/profile-*.txt; do
	[ -e "$f" ] && cp "$f" "$out/$(basename "$f" .txt)-$kernel.txt"
done

mt_say "the reader alone (Google Benchmark)"
"$cmake_build/tests/reader_bench" --benchmark_filter='ReaderPipeline|Stage' \
	--benchmark_min_time=1 --benchmark_format=json >"$out/reader.json"
"$cmake_build/tests/reader_bench" --benchmark_filter=MillionRecordReplay \
	--benchmark_format=json >"$out/replay.json"

# Medians per configuration; what each monitor adds is the median over the
# repetitions of its difference to no monitor in the same repetition. Then
# the table.
jq -s --slurpfile reader "$out/reader.json" --slurpfile replay "$out/replay.json" '
	def median: map(select(. != null)) | sort | if length == 0 then null else .[(length / 2 | floor)] end;
	def minus(a; b): if a == null or b == null then null else a - b end;
	def pct(a; b): if a == null or b == null or b == 0 then null else (a - b) * 100 / b end;
	# spread of a list of numbers around its median, in percent
	def spread: map(select(. != null)) as $v | ($v | median) as $m
		| if $m == null or $m == 0 then null else (($v | max) - ($v | min)) * 100 / $m end;
	(map(select(.section == "setup")) | first) as $setup
	| [.[] | select(.section == "probe_cost" or .section == "load_cost")] as $m
	| ($m | map(.config) | unique) as $configs
	# the measurement of config c in repetition r, for call or module k
	| def at(c; r; k): $m | map(select(.config == c and .rep == r and (.call == k or .module == k)))
		| first | .ns_per_call // null;
	def reps: $m | map(.rep) | unique;
	def med(c; k): [reps[] as $r | at(c; $r; k)] | median;
	def added(c; k): [reps[] as $r | minus(at(c; $r; k); at("none"; $r; k))] | median;
	def added_pct(c; k): [reps[] as $r | pct(at(c; $r; k); at("none"; $r; k))] | median;
	{setup: $setup,
	 probe_cost: [$configs[] as $c | {config: $c,
		init_module_ns: med($c; "init_module"), finit_module_ns: med($c; "finit_module"),
		added_init_ns: added($c; "init_module"), added_finit_ns: added($c; "finit_module")}],
	 load_cost: [$configs[] as $c | {config: $c,
		dummy_ns: med($c; "dummy"), payload_ns: med($c; "mt_cycle_00"), big_ns: med($c; "xfs"),
		added_dummy_pct: added_pct($c; "dummy"), added_payload_pct: added_pct($c; "mt_cycle_00"),
		added_big_ns: added($c; "xfs"), added_big_pct: added_pct($c; "xfs")}],
	 big_module: (map(select(.section == "big_module")) | first),
	 noise: {none_init_spread_pct: ([reps[] as $r | at("none"; $r; "init_module")] | spread),
		none_finit_spread_pct: ([reps[] as $r | at("none"; $r; "finit_module")] | spread),
		none_dummy_spread_pct: ([reps[] as $r | at("none"; $r; "dummy")] | spread),
		none_payload_spread_pct: ([reps[] as $r | at("none"; $r; "mt_cycle_00")] | spread),
		none_big_spread_pct: ([reps[] as $r | at("none"; $r; "xfs")] | spread)},
	 sustained: [.[] | select(.section == "sustained")],
	 sustained_steps: [.[] | select(.section == "sustained_step")],
	 latency: (map(select(.section == "latency")) | first),
	 footprint: (map(select(.section == "footprint")) | first),
	 reader: {records_per_s: ($reader[0].benchmarks | map(select(.name == "ReaderPipeline")) | first | .records_per_s),
		stages_records_per_s: ($reader[0].benchmarks | map(select(.name | startswith("Stage/"))) | map({(.name): .records_per_s}) | add),
		replay_1m_peak_rss_bytes: ($replay[0].benchmarks[0].peak_rss_bytes),
		replay_1m_records_per_s: ($replay[0].benchmarks[0].records_per_s)},
	 raw: .}
	| (.probe_cost | map(select(.config == "modtrace")) | first) as $mt
	| (if $mt == null or $mt.added_init_ns == null or $mt.added_finit_ns == null
	      or ($mt.added_init_ns + $mt.added_finit_ns) <= 0 then null
	   else $mt.added_init_ns + $mt.added_finit_ns end) as $mt_added
	| .probe_cost |= map(. + {
		ratio_to_modtrace: (if $mt_added == null or .added_init_ns == null or .added_finit_ns == null then null
			else (.added_init_ns + .added_finit_ns) / $mt_added end)})
	| . as $all
	| def ratio(c): $all.probe_cost | map(select(.config == c)) | first | .ratio_to_modtrace // null;
	  def load_pct(c; k): $all.load_cost | map(select(.config == c)) | first | .[k] // null;
	  def sus(c): $all.sustained | map(select(.config == c)) | first // null;
	.targets = [
		{target: "added cost per probed call at most that of tracefs kprobe events",
		 value: ratio("tracefs"), unit: "tracefs / modtrace",
		 met: (ratio("tracefs") != null and ratio("tracefs") >= 1)},
		{target: "well below audit", value: ratio("audit"), unit: "audit / modtrace",
		 met: (ratio("audit") != null and ratio("audit") >= 2)},
		{target: "well below bpftrace", value: ratio("bpftrace"), unit: "bpftrace / modtrace",
		 met: (ratio("bpftrace") != null and ratio("bpftrace") >= 2)},
		{target: "added time on a real module load under 1% (dummy.ko)",
		 value: load_pct("modtrace"; "added_dummy_pct"), unit: "%",
		 met: (load_pct("modtrace"; "added_dummy_pct") != null and load_pct("modtrace"; "added_dummy_pct") < 1)},
		{target: "added time on a load with parameters under 1% (mt_cycle_00)",
		 value: load_pct("modtrace"; "added_payload_pct"), unit: "%",
		 met: (load_pct("modtrace"; "added_payload_pct") != null and load_pct("modtrace"; "added_payload_pct") < 1)},
		{target: "no loss up to the rate the guest generates, reader attached",
		 value: sus("modtrace_reader").calls_per_s, unit: "calls/s",
		 met: (sus("modtrace_reader").flat_out == true)},
		{target: "reader over 1 million records/s/core", value: $all.reader.records_per_s,
		 unit: "records/s", met: ($all.reader.records_per_s != null and $all.reader.records_per_s > 1000000)},
		{target: "reader under 10 MiB RSS (1e6-record replay)",
		 value: (if $all.reader.replay_1m_peak_rss_bytes == null then null else $all.reader.replay_1m_peak_rss_bytes / 1048576 end),
		 unit: "MiB", met: ($all.reader.replay_1m_peak_rss_bytes != null and $all.reader.replay_1m_peak_rss_bytes < 10 * 1048576)}]
	' "$raw" >"$out/bench-$kernel.json"

jq -r '
	def n: if . == null then "-" else (. * 10 | round / 10 | tostring) end;
	def i: if . == null then "-" else (round | tostring) end;
	"modtrace benchmark on \(.setup.kernel) (\(.setup.cpus) vCPUs, TCG): medians of \(.setup.reps) repetitions, configurations interleaved;",
	"added = median over repetitions of (configuration - none) in the same repetition",
	"",
	"1. cost per failing call (ns; \(.setup.calls) calls)",
	"   config            init_module  finit_module  added init  added finit  ratio to modtrace",
	(.probe_cost[] | "   \(.config | .+"                  " | .[0:16])  \(.init_module_ns | i | ("           " + .)[-11:])  \(.finit_module_ns | i | ("            " + .)[-12:])  \(.added_init_ns | i | ("          " + .)[-10:])  \(.added_finit_ns | i | ("           " + .)[-11:])  \(.ratio_to_modtrace | n)"),
	"",
	"   (none from one repetition to the next: init \(.noise.none_init_spread_pct | n)%, finit \(.noise.none_finit_spread_pct | n)%)",
	"",
	"2. cost per load+unload round (\(.setup.loads) rounds): dummy.ko (Debian), mt_cycle_00 with a parameter",
	(.load_cost[] | "   \(.config | .+"                  " | .[0:16])  dummy \(if .dummy_ns then .dummy_ns / 1000 else null end | i) us (\(.added_dummy_pct | n)%)   payload \(if .payload_ns then .payload_ns / 1000 else null end | i) us (\(.added_payload_pct | n)%)"),
	"   (none from one repetition to the next: dummy \(.noise.none_dummy_spread_pct | n)%, payload \(.noise.none_payload_spread_pct | n)%)",
	"   a large module, which modtrace hashes as it loads: xfs.ko (Debian, \(if .big_module.bytes then .big_module.bytes / 1048576 * 10 | round / 10 else null end | n) MiB)",
	(.load_cost[] | "   \(.config | .+"                  " | .[0:16])  xfs \(if .big_ns then .big_ns / 1000 else null end | i) us, added \(if .added_big_ns then .added_big_ns / 1000 else null end | i) us (\(.added_big_pct | n)%)"),
	"   (none from one repetition to the next: xfs \(.noise.none_big_spread_pct | n)%)",
	"",
	"3. highest rate of failing calls (both vCPUs) without loss",
	(.sustained[] | "   \(.config | .+"                  " | .[0:16])  \(.calls_per_s | i) calls/s\(if .flat_out then " (flat out: all the guest generates)" else "" end)\(if .reader_cpu_ns_per_event then ", reader CPU \(.reader_cpu_ns_per_event | i) ns/event" else "" end)"),
	"",
	"4. latency, syscall return to the reader'"'"'s line: p50 \(.latency.p50_ns / 1000 | n) us, p99 \(.latency.p99_ns / 1000 | n) us (\(.latency.events) events)",
	"",
	"5. reader alone (this machine, one core): \(.reader.records_per_s | i) records/s decode+correlate+JSON; 1e6-record replay peak RSS \(.reader.replay_1m_peak_rss_bytes / 1048576 | n) MiB",
	"   by stage: decode \(.reader.stages_records_per_s["Stage/stages:0"] | i)/s, +correlate \(.reader.stages_records_per_s["Stage/stages:1"] | i)/s, +JSON \(.reader.stages_records_per_s["Stage/stages:2"] | i)/s",
	"",
	"6. footprint: module \(.footprint.module_bytes / 1024 | n) KiB, buffers \(.footprint.buffer_bytes / 1024 | n) KiB (\(.footprint.buffer_records) records), reader idle RSS \(.footprint.reader_idle_rss_bytes / 1048576 | n) MiB",
	"",
	"targets",
	(.targets[] | "   \(if .met then "met   " else "MISSED" end)  \(.target): \(.value | n) \(.unit)")
	' "$out/bench-$kernel.json" | tee "$out/bench-$kernel.txt"
for c in modtrace tracefs; do
	f=$out/profile-$c-$kernel.txt
	[ -s "$f" ] || continue
	echo
	echo "profile of the failing finit_module loop under $c (perf; the caller's samples by symbol, top 8; all: ${f#"$MT_TOP"/})"
	head -8 "$f" | sed 's/^ */   /'
done | tee -a "$out/bench-$kernel.txt"
mt_say "results: $out/bench-$kernel.json"
