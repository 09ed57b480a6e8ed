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
                [--scale "CPUS..."] [--table]

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
probe-cost rows show what the history costs per call). Then, for scale,
one more boot for each of CPUS vCPUs (default "1 4"; "" for none), which
measures the cost per failing call and the rate without loss of none,
modtrace with its reader and tracefs, and the readers' CPU per event with
one and three readers, as the main boot (2 vCPUs) does: ratios within each
boot say how the costs grow with CPUs (more vCPUs than this machine's cores
say nothing of absolute speed). --table measures nothing: it makes the
table again from the last run's results for K.
USAGE
}

kernel=6.1 calls=20000 reps=5 loads=40 configs="none modtrace modtrace_nohistory modtrace_reader tracefs audit bpftrace"
scale="1 4"
table_only=0
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) kernel=$2; shift 2 ;;
	--calls) calls=$2; shift 2 ;;
	--reps) reps=$2; shift 2 ;;
	--loads) loads=$2; shift 2 ;;
	--configs) configs=$2; shift 2 ;;
	--scale) scale=$2; shift 2 ;;
	--table) table_only=1; shift ;;
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

raw=$out/guest-$kernel/guest/bench.jsonl
if [ $table_only -eq 1 ]; then
	for f in "$raw" "$out/reader.json" "$out/replay.json"; do
		[ -s "$f" ] || mt_die "no $f: run the benchmark first"
	done
else
	mt_say "guest benchmark on $kernel (several minutes under TCG)"
	"$MT_TOP/scripts/guest-run.sh" --kernel "$kernel" --memory 2048 --timeout 3000 --live \
		--out "$out/guest-$kernel" \
		--bin "$cmake_build/userspace/modtrace" --bin "$cmake_build/tests/mtload" \
		--bin "$cmake_build/tests/mtstamp" --bin /usr/bin/bpftrace \
		--bin /usr/sbin/auditd --bin /usr/sbin/auditctl --bin /usr/bin/perf \
		"$MT_TOP/tests/bench/guest.sh" -- "$calls" "$reps" "$loads" all $configs
	for f in "$out/guest-$kernel"/guest/profile-*.txt; do
		[ -e "$f" ] && cp "$f" "$out/$(basename "$f" .txt)-$kernel.txt"
	done
	rm -rf "$out/guest-$kernel-cpus"*
	for c in $scale; do
		mt_say "scale: a guest of $c vCPUs (sections 1 and 3, the readers' CPU)"
		"$MT_TOP/scripts/guest-run.sh" --kernel "$kernel" --cpus "$c" --memory 2048 \
			--timeout 3000 --live --out "$out/guest-$kernel-cpus$c" \
			--bin "$cmake_build/userspace/modtrace" --bin "$cmake_build/tests/mtload" \
			--bin "$cmake_build/tests/mtstamp" \
			"$MT_TOP/tests/bench/guest.sh" -- "$calls" "$reps" 0 scale none modtrace_reader tracefs
	done

	mt_say "the reader alone (Google Benchmark)"
	# Five repetitions, their median: one run on a shared host can be 15% off.
	"$cmake_build/tests/reader_bench" --benchmark_filter='ReaderPipeline|Stage' \
		--benchmark_min_time=1 --benchmark_repetitions=5 \
		--benchmark_report_aggregates_only=true --benchmark_format=json >"$out/reader.json"
	"$cmake_build/tests/reader_bench" --benchmark_filter=MillionRecordReplay \
		--benchmark_format=json >"$out/replay.json"
fi

# Per boot, for scale: what modtrace with its reader and tracefs add per
# failing call (medians over repetitions of the difference to none in the
# same one), their rates without loss, and the readers' CPU per event.
scale_summary() { # BENCH.JSONL
	jq -s '
	def median: map(select(. != null)) | sort | if length == 0 then null else .[(length / 2 | floor)] end;
	[.[] | select(.section == "probe_cost")] as $m
	| def at(c; r; k): $m | map(select(.config == c and .rep == r and .call == k)) | first | .ns_per_call // null;
	  def added(c; k): [$m | map(.rep) | unique | .[] as $r | at(c; $r; k) as $a | at("none"; $r; k) as $b
		| if $a == null or $b == null then null else $a - $b end] | median;
	  def sus(c): map(select(.section == "sustained" and .config == c)) | first // {};
	{cpus: (map(select(.section == "setup")) | first | .cpus),
	 added_init_ns: {modtrace_reader: added("modtrace_reader"; "init_module"), tracefs: added("tracefs"; "init_module")},
	 added_finit_ns: {modtrace_reader: added("modtrace_reader"; "finit_module"), tracefs: added("tracefs"; "finit_module")},
	 calls_per_s: {modtrace_reader: sus("modtrace_reader").calls_per_s, tracefs: sus("tracefs").calls_per_s},
	 readers: [.[] | select(.section == "readers") | {readers, events, lost, reader_cpu_ns_per_event}]}' "$1"
}
: >"$out/scale.jsonl"
for f in "$raw" "$out/guest-$kernel-cpus"*/guest/bench.jsonl; do
	[ -s "$f" ] && scale_summary "$f" >>"$out/scale.jsonl"
done

# Medians per configuration; what each monitor adds is the median over the
# repetitions of its difference to no monitor in the same repetition. Then
# the table.
jq -s --slurpfile reader "$out/reader.json" --slurpfile replay "$out/replay.json" \
	--slurpfile scale "$out/scale.jsonl" '
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
	| def measurement(c; r; k): $m | map(select(.config == c and .rep == r and (.call == k or .module == k)))
		| first;
	def at(c; r; k): measurement(c; r; k) | .ns_per_call // null;
	def reps: $m | map(.rep) | unique;
	def med(c; k): [reps[] as $r | at(c; $r; k)] | median;
	# what the monitor lost in the loop of call k, by its own count
	def lost(c; k): [reps[] as $r | measurement(c; $r; k) | .lost // null] | median;
	def added(c; k): [reps[] as $r | minus(at(c; $r; k); at("none"; $r; k))] | median;
	def added_pct(c; k): [reps[] as $r | pct(at(c; $r; k); at("none"; $r; k))] | median;
	{setup: $setup,
	 probe_cost: [$configs[] as $c | {config: $c,
		init_module_ns: med($c; "init_module"), finit_module_ns: med($c; "finit_module"),
		added_init_ns: added($c; "init_module"), added_finit_ns: added($c; "finit_module"),
		lost_init: lost($c; "init_module"), lost_finit: lost($c; "finit_module")}],
	 load_cost: [$configs[] as $c | {config: $c,
		dummy_ns: med($c; "dummy"), payload_ns: med($c; "mt_cycle_00"), big_ns: med($c; "xfs"),
		added_dummy_pct: added_pct($c; "dummy"), added_payload_pct: added_pct($c; "mt_cycle_00"),
		added_big_ns: added($c; "xfs"), added_big_pct: added_pct($c; "xfs")}],
	 big_module: (map(select(.section == "big_module")) | first),
	 burst: (map(select(.section == "burst")) | first),
	 # tracefs minus modtrace with its reader, ns per call, repetition by
	 # repetition (both measured in the same one): modtrace is ahead beyond
	 # the noise when it is ahead in every repetition (a sign test: 5 of 5 by
	 # chance is 1 in 32).
	 leads: {init: [reps[] as $r | minus(at("tracefs"; $r; "init_module"); at("modtrace_reader"; $r; "init_module"))] | map(select(. != null)),
		finit: [reps[] as $r | minus(at("tracefs"; $r; "finit_module"); at("modtrace_reader"; $r; "finit_module"))] | map(select(. != null))},
	 noise: {none_init_spread_pct: ([reps[] as $r | at("none"; $r; "init_module")] | spread),
		none_finit_spread_pct: ([reps[] as $r | at("none"; $r; "finit_module")] | spread),
		none_dummy_spread_pct: ([reps[] as $r | at("none"; $r; "dummy")] | spread),
		none_payload_spread_pct: ([reps[] as $r | at("none"; $r; "mt_cycle_00")] | spread),
		none_big_spread_pct: ([reps[] as $r | at("none"; $r; "xfs")] | spread)},
	 sustained: [.[] | select(.section == "sustained")],
	 sustained_steps: [.[] | select(.section == "sustained_step")],
	 latency: (map(select(.section == "latency")) | first),
	 scale: ($scale | sort_by(.cpus)),
	 footprint: (map(select(.section == "footprint")) | first),
	 reader: (($reader[0].benchmarks as $b
		| def agg(name; a): $b | map(select(.run_name == name and .aggregate_name == a)) | first | .records_per_s;
		{records_per_s: agg("ReaderPipeline"; "median"),
		records_per_s_cv_pct: (agg("ReaderPipeline"; "cv") | if . == null then null else . * 100 end),
		stages_records_per_s: ($b | map(select((.run_name | startswith("Stage/")) and .aggregate_name == "median")) | map({(.run_name): .records_per_s}) | add)}) + {
		replay_1m_peak_rss_bytes: ($replay[0].benchmarks[0].peak_rss_bytes),
		replay_1m_records_per_s: ($replay[0].benchmarks[0].records_per_s)}),
	 raw: .}
	# What each configuration adds per call, as a multiple of what modtrace
	# with its JSON reader adds (what a user runs), call by call.
	| (.probe_cost | map(select(.config == "modtrace_reader")) | first) as $mr
	| def per(a; b): if a == null or b == null or b <= 0 then null else a / b end;
	  .probe_cost |= map(. + {
		init_ratio_to_modtrace_reader: per(.added_init_ns; $mr.added_init_ns),
		finit_ratio_to_modtrace_reader: per(.added_finit_ns; $mr.added_finit_ns)})
	| . as $all
	| def pc(c): $all.probe_cost | map(select(.config == c)) | first // null;
	  def lc(c): $all.load_cost | map(select(.config == c)) | first // null;
	  def sus(c): $all.sustained | map(select(.config == c)) | first // null;
	  def median: map(select(. != null)) | sort | if length == 0 then null else .[(length / 2 | floor)] end;
	  def lead(k): $all.leads[k] | median;
	  def lowest(k): $all.leads[k] | if length == 0 then null else min end;
	  # ahead beyond the noise: in every repetition
	  def ahead(k): $all.leads[k] | length > 0 and min > 0;
	  def lead_unit(k): "ns under tracefs (median; lowest \(lowest(k) | if . == null then "-" else round | tostring end) ns, over \($all.leads[k] | length) repetitions)";
	  (per(sus("modtrace_reader").calls_per_s; sus("tracefs").calls_per_s)) as $rate_ratio
	| (sus("modtrace_reader").reader_cpu_ns_per_event) as $cpu
	| .targets = [
		{target: "rate without loss, JSON reader attached, at least 2x tracefs",
		 value: $rate_ratio, unit: "x tracefs",
		 met: ($rate_ratio != null and $rate_ratio >= 2)},
		{target: "reader CPU per event at most 106.5 us (half of 213 us)",
		 value: (if $cpu == null then null else $cpu / 1000 end), unit: "us",
		 met: ($cpu != null and $cpu <= 106500)},
		{target: "added per failing init_module, reader attached, below tracefs in every repetition",
		 value: lead("init"), unit: lead_unit("init"), met: ahead("init")},
		{target: "added per failing finit_module, reader attached, below tracefs in every repetition",
		 value: lead("finit"), unit: lead_unit("finit"), met: ahead("finit")},
		{target: "added per failing call below audit and bpftrace, reader attached, both calls",
		 value: ([pc("audit"), pc("bpftrace")] | map(select(. != null) | .init_ratio_to_modtrace_reader, .finit_ratio_to_modtrace_reader) | min),
		 unit: "x modtrace (the smallest)",
		 met: ([pc("audit"), pc("bpftrace")] | map(select(. != null) | .init_ratio_to_modtrace_reader, .finit_ratio_to_modtrace_reader)
			| length == 4 and all(. != null and . > 1))},
		{target: "a burst of 2000 failing finit_module calls, defaults, one reader: nothing lost",
		 value: $all.burst.lost, unit: "records lost (\($all.burst.lost_by_cause // {} | with_entries(select(.value != null and .value > 0)) | tostring))",
		 met: ($all.burst.lost == 0)},
		{target: "added time on a real load with its hash under 1% (xfs.ko)",
		 value: lc("modtrace").added_big_pct, unit: "%",
		 met: (lc("modtrace").added_big_pct != null and lc("modtrace").added_big_pct < 1)},
		{target: "the real load measured within a noise band under 1% (xfs.ko, none)",
		 value: $all.noise.none_big_spread_pct, unit: "%",
		 met: ($all.noise.none_big_spread_pct != null and $all.noise.none_big_spread_pct < 1)},
		{target: "reader alone at least 3 million records/s/core", value: $all.reader.records_per_s,
		 unit: "records/s", met: ($all.reader.records_per_s != null and $all.reader.records_per_s >= 3000000)},
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
	"   config            init_module  finit_module  added init  added finit  x modtrace_reader (init, finit)",
	(.probe_cost[] | "   \(.config | .+"                  " | .[0:16])  \(.init_module_ns | i | ("           " + .)[-11:])  \(.finit_module_ns | i | ("            " + .)[-12:])  \(.added_init_ns | i | ("          " + .)[-10:])  \(.added_finit_ns | i | ("           " + .)[-11:])  \(.init_ratio_to_modtrace_reader | n), \(.finit_ratio_to_modtrace_reader | n)"),
	"",
	"   (none from one repetition to the next: init \(.noise.none_init_spread_pct | n)%, finit \(.noise.none_finit_spread_pct | n)%)",
	"   lost in the loops, by each monitor'"'"'s own count (median of the repetitions; \(.setup.calls) calls make \(.setup.calls * 2) records or events):",
	"     \([.probe_cost[] | select(.lost_init != null or .lost_finit != null) | "\(.config) init \(.lost_init | i), finit \(.lost_finit | i)"] | if length == 0 then "-" else join("; ") end)",
	"",
	"2. cost per load+unload round (\(.setup.loads) rounds): dummy.ko (Debian), mt_cycle_00 with a parameter",
	(.load_cost[] | "   \(.config | .+"                  " | .[0:16])  dummy \(if .dummy_ns then .dummy_ns / 1000 else null end | i) us (\(.added_dummy_pct | n)%)   payload \(if .payload_ns then .payload_ns / 1000 else null end | i) us (\(.added_payload_pct | n)%)"),
	"   (none from one repetition to the next: dummy \(.noise.none_dummy_spread_pct | n)%, payload \(.noise.none_payload_spread_pct | n)%)",
	"   a large module, which modtrace hashes as it loads: xfs.ko (Debian, \(if .big_module.bytes then .big_module.bytes / 1048576 * 10 | round / 10 else null end | n) MiB)",
	(.load_cost[] | "   \(.config | .+"                  " | .[0:16])  xfs \(if .big_ns then .big_ns / 1000 else null end | i) us, added \(if .added_big_ns then .added_big_ns / 1000 else null end | i) us (\(.added_big_pct | n)%)"),
	"   (none from one repetition to the next: xfs \(.noise.none_big_spread_pct | n)%)",
	"",
	"3. highest rate of failing calls (one caller per vCPU) without loss",
	(.sustained[] | "   \(.config | .+"                  " | .[0:16])  \(.calls_per_s | i) calls/s\(if .flat_out then " (flat out: all the guest generates)" else "" end)\(if .reader_cpu_ns_per_event then ", reader CPU \(.reader_cpu_ns_per_event | i) ns/event" else "" end)"),
	"",
	"4. latency, syscall return to the reader'"'"'s line: p50 \(.latency.p50_ns / 1000 | n) us, p99 \(.latency.p99_ns / 1000 | n) us (\(.latency.events) events)",
	"",
	"5. reader alone (this machine, one core; median of 5 runs, which varied \(.reader.records_per_s_cv_pct | n)% (cv)): \(.reader.records_per_s | i) records/s decode+correlate+JSON; 1e6-record replay peak RSS \(.reader.replay_1m_peak_rss_bytes / 1048576 | n) MiB",
	"   by stage: decode \(.reader.stages_records_per_s["Stage/stages:0"] | i)/s, +correlate \(.reader.stages_records_per_s["Stage/stages:1"] | i)/s, +JSON \(.reader.stages_records_per_s["Stage/stages:2"] | i)/s",
	"",
	"6. a burst with the defaults: \(.burst.calls // "-") failing finit_module calls from one thread (\(.burst.ns_per_call | i) ns each), one JSON reader: \(.burst.events | i) events printed, \(.burst.lost | i) records lost",
	"",
	"7. footprint: module \(.footprint.module_bytes / 1024 | n) KiB, buffers \(.footprint.buffer_bytes / 1024 | n) KiB (\(.footprint.buffer_records) records), reader idle RSS \(.footprint.reader_idle_rss_bytes / 1048576 | n) MiB",
	"",
	"8. scale: one boot per row, ratios within it (more vCPUs than the host'"'"'s 2 cores: how costs grow, not speed)",
	"   vCPUs  added init ns (modtrace_reader, tracefs)  added finit ns  rate without loss calls/s (ratio)  reader CPU us/event: 1 reader, 3 readers",
	(.scale[] | def r(a; b): if a == null or b == null or b == 0 then "-" else (a / b * 10 | round / 10 | tostring) end;
		(.readers | map({(.readers | tostring): .reader_cpu_ns_per_event}) | add // {}) as $rc
		| "   \(.cpus)      \(.added_init_ns.modtrace_reader | i), \(.added_init_ns.tracefs | i)                   \(.added_finit_ns.modtrace_reader | i), \(.added_finit_ns.tracefs | i)      \(.calls_per_s.modtrace_reader | i), \(.calls_per_s.tracefs | i) (\(r(.calls_per_s.modtrace_reader; .calls_per_s.tracefs)))         \(if $rc["1"] then $rc["1"] / 1000 else null end | n), \(if $rc["3"] then $rc["3"] / 1000 else null end | n)"),
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
