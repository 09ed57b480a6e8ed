# mt-modules: xfs
# The benchmark, inside one guest boot: each monitor in turn, measured the
# same way, one JSON object per measurement in $MT_RESULTS/bench.jsonl
# (scripts/bench.sh turns them into the table).
#   usage: guest.sh [CALLS [REPS [LOADS [SECTIONS [CONFIG...]]]]]
# CALLS failing calls per probe-cost measurement (default 20000), REPS
# repetitions of each (5), LOADS load/unload rounds per real-load
# measurement (40). SECTIONS "all" (the default) or "scale": only the cost
# per failing call, the rate without loss and the readers' CPU, for a guest
# booted with another number of vCPUs.
. /lib/mt/lib.sh
CALLS=${1:-20000}
REPS=${2:-5}
LOADS=${3:-40}
SECTIONS=${4:-all}
OUT=$MT_RESULTS/bench.jsonl
T=/sys/kernel/tracing
# Long enough that what a monitor can buffer does not decide whether it loses
# (every monitor keeps its default buffer sizes; audit has Debian's -b 8192).
STEP_SECONDS=10
# The callers of the rate search: one per vCPU.
THREADS=$(nproc)
# What the readers' CPU per event is measured at: a rate every reader keeps
# up with, calls/s.
READERS_RATE=1000
if [ $# -ge 4 ]; then shift 4; else set --; fi
CONFIGS=${*:-none modtrace modtrace_nohistory modtrace_reader tracefs audit bpftrace}
: >"$OUT"

line_count() { # FILE: its non-empty lines; 0 when there are none or no file
	count_=$(grep -c . "$1" 2>/dev/null)
	echo "${count_:-0}"
}

emit() { # JSON object fields, as jq -n arguments
	jq -nc "$@" >>"$OUT"
}
say() { echo "bench: $*"; }

# --- the monitors ------------------------------------------------------------

# tracefs kprobe events with the arguments modtrace records (the peers cannot
# probe __do_sys_*: inline, hence notrace). Offsets into struct pt_regs (the
# syscall's, which __x64_sys_* get in %di): di 112, si 104, dx 96; into
# struct module: name 24.
TRACEFS_EVENTS='p:mt/init __x64_sys_init_module len=+104(%di):u64 params=+96(%di):ustring
r:mt/init_ret __x64_sys_init_module ret=$retval
p:mt/finit __x64_sys_finit_module fd=+112(%di):s32 params=+104(%di):ustring flags=+96(%di):u32
r:mt/finit_ret __x64_sys_finit_module ret=$retval
p:mt/delete __x64_sys_delete_module name=+112(%di):ustring flags=+104(%di):u32
r:mt/delete_ret __x64_sys_delete_module ret=$retval
p:mt/do_init do_init_module name=+24(%di):string
r:mt/do_init_ret do_init_module ret=$retval'

BPFTRACE_SCRIPT='kprobe:__x64_sys_init_module {
	$r = (struct pt_regs *)arg0;
	printf("%llu %d %d %s init_module len=%lu params=%s\n", nsecs, pid, tid, comm, $r->si, str($r->dx));
}
kretprobe:__x64_sys_init_module { printf("%llu %d init_module ret=%ld\n", nsecs, tid, retval); }
kprobe:__x64_sys_finit_module {
	$r = (struct pt_regs *)arg0;
	printf("%llu %d %d %s finit_module fd=%d params=%s flags=%d\n", nsecs, pid, tid, comm, $r->di, str($r->si), $r->dx);
}
kretprobe:__x64_sys_finit_module { printf("%llu %d finit_module ret=%ld\n", nsecs, tid, retval); }
kprobe:__x64_sys_delete_module {
	$r = (struct pt_regs *)arg0;
	printf("%llu %d %d %s delete_module name=%s flags=%d\n", nsecs, pid, tid, comm, str($r->di), $r->si);
}
kretprobe:__x64_sys_delete_module { printf("%llu %d delete_module ret=%ld\n", nsecs, tid, retval); }
kprobe:do_init_module { printf("%llu %d do_init_module %s\n", nsecs, tid, ((struct module *)arg0)->name); }
kretprobe:do_init_module { printf("%llu %d do_init_module ret=%ld\n", nsecs, tid, retval); }'

start_monitor() { # CONFIG: attach it, fail if it cannot
	case $1 in
	none) ;;
	modtrace) $MODPROBE modtrace ;;
	modtrace_nohistory) $MODPROBE modtrace history_records=0 ;;
	modtrace_reader)
		$MODPROBE modtrace || return 1
		mt_reader_start /tmp/reader.jsonl --json || return 1
		READER=$MT_READER
		;;
	tracefs)
		echo "$TRACEFS_EVENTS" >"$T/kprobe_events" || return 1
		echo 1 >"$T/events/mt/enable" || return 1
		# appending: a rate step empties the file it fills (rate_step)
		: >/tmp/trace.out
		cat "$T/trace_pipe" >>/tmp/trace.out &
		DRAIN=$!
		;;
	audit)
		mkdir -p /var/log/audit /var/run /etc/audit/plugins.d
		# Debian's auditd.conf, less its mail, network and group settings
		cat >/etc/audit/auditd.conf <<-CONF
			local_events = yes
			write_logs = yes
			log_file = /var/log/audit/audit.log
			log_format = ENRICHED
			flush = INCREMENTAL_ASYNC
			freq = 50
			max_log_file = 100
			num_logs = 5
			priority_boost = 4
			name_format = NONE
			max_log_file_action = ROTATE
			space_left = 75
			space_left_action = SYSLOG
			admin_space_left = 50
			admin_space_left_action = SUSPEND
			disk_full_action = SUSPEND
			disk_error_action = SUSPEND
			q_depth = 2000
			overflow_action = SYSLOG
			max_restarts = 10
			plugin_dir = /etc/audit/plugins.d
			end_of_event_timeout = 2
		CONF
		chmod 0640 /etc/audit/auditd.conf
		# in the foreground (-f): its complaints go to stderr, there being no syslog
		auditd -f >/tmp/auditd.err 2>&1 &
		AUDITD=$!
		sleep 2
		kill -0 $AUDITD 2>/dev/null || { cat /tmp/auditd.err; return 1; }
		auditctl -b 8192 >/dev/null
		auditctl -a always,exit -F arch=b64 -S init_module,finit_module,delete_module || return 1
		auditctl -e 1 >/dev/null
		;;
	bpftrace)
		echo "$BPFTRACE_SCRIPT" >/tmp/mt.bt
		bpftrace /tmp/mt.bt >/tmp/bt.out 2>/tmp/bt.err &
		BPFTRACE=$!
		n=0
		until grep -q '^Attaching' /tmp/bt.out 2>/dev/null; do
			kill -0 $BPFTRACE 2>/dev/null || { cat /tmp/bt.err; return 1; }
			[ $n -lt 600 ] || return 1
			sleep 1
			n=$((n + 1))
		done
		say "bpftrace attached after ${n}s"
		;;
	esac
}

stop_monitor() { # CONFIG
	case $1 in
	modtrace | modtrace_nohistory) $RMMOD modtrace ;;
	modtrace_reader)
		kill "$READER"
		wait "$READER"
		$RMMOD modtrace
		;;
	tracefs)
		echo 0 >"$T/events/mt/enable"
		kill $DRAIN
		echo >"$T/kprobe_events"
		;;
	audit)
		auditctl -D >/dev/null
		auditctl -e 0 >/dev/null
		kill $AUDITD
		wait $AUDITD
		;;
	bpftrace)
		kill -INT $BPFTRACE
		wait $BPFTRACE
		;;
	esac
}

# The monitor's count of what it lost so far, or "" when it has none.
lost_count() { # CONFIG
	case $1 in
	modtrace_reader) modtrace --status --json | jq '[.counters | to_entries[] | select(.key | startswith("lost_")) | .value] | add' ;;
	tracefs) cat "$T"/per_cpu/cpu*/stats | awk '/^overrun:/ { s += $2 } END { print s + 0 }' ;;
	audit) auditctl -s | awk '$1 == "lost" { print $2 }' ;;
	bpftrace) cat /tmp/bt.out /tmp/bt.err | sed -n 's/.*Lost \([0-9]*\) events.*/\1/p' | awk '{ s += $1 } END { print s + 0 }' ;;
	*) echo "" ;;
	esac
}

# --- the measurements --------------------------------------------------------

ns_per() { # MTLOAD-OUTPUT: elapsed ns / calls of its timing line
	sed -n 's/^timing calls=\([0-9]*\) elapsed_ns=\([0-9]*\)$/\1 \2/p' "$1" | awk '{ if ($1) printf "%.1f", $2 / $1 }'
}

# What the monitor lost since LOST-BEFORE, as a JSON value: null for one
# that counts no losses.
lost_since() { # CONFIG LOST-BEFORE
	if [ -z "$2" ]; then echo null; else echo $(($(lost_count "$1") - $2)); fi
}

# One loop's cost per call, and what the monitor lost meanwhile (a monitor
# that drops records does less work for them: its cost is read with that).
cost_loop() { # CONFIG REP CALL MTLOAD-ARGS...
	cost_config=$1 cost_rep=$2 cost_call=$3
	shift 3
	cost_lost=$(lost_count "$cost_config")
	mtload --quiet --time --repeat "$CALLS" "$@" >/tmp/m.out
	emit --arg c "$cost_config" --argjson r "$cost_rep" --arg k "$cost_call" \
		--argjson ns "$(ns_per /tmp/m.out)" --argjson lost "$(lost_since "$cost_config" "$cost_lost")" \
		'{section: "probe_cost", config: $c, call: $k, rep: $r, ns_per_call: $ns, lost: $lost}'
}

probe_cost() { # CONFIG REP
	cost_loop "$1" "$2" init_module --expect ENOEXEC init --bad-image
	cost_loop "$1" "$2" finit_module --expect EBADF finit --fd 999
}

load_cost() { # CONFIG REP
	for m in "$DUMMY" "$MT_PAYLOADS/mt_cycle_00.ko" "$BIG"; do
		mtload --quiet --time --repeat "$LOADS" --expect 0 cycle "$m" >/tmp/m.out
		emit --arg c "$1" --argjson r "$2" --arg m "$(basename "$m" .ko)" \
			--argjson ns "$(ns_per /tmp/m.out)" \
			'{section: "load_cost", config: $c, module: $m, rep: $r, ns_per_call: $ns}'
	done
}

# One step of the search below: STEP_SECONDS of failing finit_module calls
# from every vCPU at TARGET calls/s in all (0: flat out, each caller on its
# own, never waiting for the others). Sets achieved, lost and, with a
# reader, extra (its events and CPU time per event). Each step starts the
# consumer's output afresh (a new JSON reader, an emptied trace file): flat
# out, one step's lines take hundreds of MiB of the guest's memory.
rate_step() { # CONFIG TARGET
	case $1 in
	modtrace_reader)
		kill "$READER"
		wait "$READER" || true
		mt_reader_start /tmp/reader.jsonl --json || return 1
		READER=$MT_READER
		;;
	tracefs) : >/tmp/trace.out ;;
	esac
	# (lib.sh helpers use "before" and "n": these names are ours)
	lost_before=$(lost_count "$1")
	cpu_before=$(reader_cpu_ns)
	[ "$1" != modtrace_reader ] || counters_before=$(modtrace --status --json | jq -c .counters)
	if [ "$2" -eq 0 ]; then
		mtload --quiet --time --apart --threads "$THREADS" --seconds "$STEP_SECONDS" --expect EBADF finit --fd 999 >/tmp/m.out
	else
		mtload --quiet --time --threads "$THREADS" --seconds "$STEP_SECONDS" --rate $(($2 / THREADS + 1)) --expect EBADF finit --fd 999 >/tmp/m.out
	fi
	achieved=$(sed -n 's/^timing calls=\([0-9]*\) elapsed_ns=\([0-9]*\)$/\1 \2/p' /tmp/m.out | awk '{ printf "%d", $1 * 1e9 / $2 }')
	sleep 2
	[ "$1" = modtrace_reader ] && mt_wait_quiet /tmp/reader.jsonl
	lost=$(($(lost_count "$1") - lost_before))
	extra='{}'
	if [ "$1" = modtrace_reader ]; then
		events=$(line_count /tmp/reader.jsonl)
		cpu=$(($(reader_cpu_ns) - cpu_before))
		# where the records were lost: the kernel's counters, by cause
		extra=$(modtrace --status --json | jq -c --argjson a "$counters_before" \
			--argjson e "$events" --argjson cpu "$cpu" '{events: $e,
			reader_cpu_ns_per_event: (if $e > 0 then $cpu / $e else null end),
			lost_by_cause: (.counters | with_entries(select(.key | startswith("lost_"))
				| .value -= ($a[.key] // 0)) | with_entries(select(.value != 0)))}')
	fi
	emit --arg c "$1" --argjson rate "$achieved" --argjson lost "$lost" --argjson x "$extra" \
		'{section: "sustained_step", config: $c, calls_per_s: $rate, lost: $lost} + $x'
}

# The highest rate of failing finit_module calls from every vCPU at which the
# monitor loses nothing: flat out first, then a quarter of the last rate
# until nothing is lost, then three steps between the last rate that lost
# nothing and the last that lost some, each at their geometric mean (the
# answer within a factor of 4^(1/8), 1.19, below the lowest rate that lost).
sustained() { # CONFIG
	rate_step "$1" 0 || return 1
	if [ "$lost" -eq 0 ]; then
		emit --arg c "$1" --argjson rate "$achieved" --argjson x "$extra" \
			'{section: "sustained", config: $c, calls_per_s: $rate, flat_out: true} + $x'
		return 0
	fi
	lossy=$achieved
	target=$((achieved / 4))
	tries=0
	while :; do
		[ "$target" -ge 1 ] && rate_step "$1" "$target" || return 1
		[ "$lost" -eq 0 ] && break
		tries=$((tries + 1))
		if [ $tries -ge 5 ]; then
			emit --arg c "$1" '{section: "sustained", config: $c, calls_per_s: null}'
			return 0
		fi
		lossy=$achieved
		target=$((target / 4))
	done
	best=$achieved best_extra=$extra
	for _ in 1 2 3; do
		rate_step "$1" "$(jq -n "$best * $lossy | sqrt | floor")" || return 1
		if [ "$lost" -eq 0 ]; then
			best=$achieved best_extra=$extra
		else
			lossy=$achieved
		fi
	done
	emit --arg c "$1" --argjson rate "$best" --argjson x "$best_extra" \
		'{section: "sustained", config: $c, calls_per_s: $rate, flat_out: false} + $x'
}

cpu_ns() { # PID...: their utime + stime, in ns (USER_HZ 100)
	for p in "$@"; do cat "/proc/$p/stat"; done | awk '{ s += $14 + $15 } END { print s * 10000000 }'
}

reader_cpu_ns() { # utime + stime of the reader, in ns (0 without one)
	if [ -n "${READER:-}" ] && [ -r "/proc/$READER/stat" ]; then
		cpu_ns "$READER"
	else
		echo 0
	fi
}

# The readers' CPU per event with one JSON reader attached and with three:
# STEP_SECONDS of failing finit_module calls at READERS_RATE, which they all
# keep up with. Each reader prints every event.
readers_cpu() {
	$MODPROBE modtrace
	for nr in 1 3; do
		pids=""
		for i in $(seq $nr); do
			mt_reader_start "/tmp/readers-$nr-$i.jsonl" --json
			pids="$pids $MT_READER"
		done
		lost_before=$(lost_count modtrace_reader)
		cpu_before=$(cpu_ns $pids)
		mtload --quiet --time --threads "$THREADS" --seconds "$STEP_SECONDS" \
			--rate $((READERS_RATE / THREADS + 1)) --expect EBADF finit --fd 999 >/tmp/m.out
		sleep 2
		mt_wait_quiet /tmp/readers-$nr-*.jsonl
		cpu=$(($(cpu_ns $pids) - cpu_before))
		events=$(cat /tmp/readers-$nr-*.jsonl | grep -c '"EBADF"')
		emit --argjson nr "$nr" --argjson e "$events" --argjson cpu "$cpu" \
			--argjson lost "$(($(lost_count modtrace_reader) - lost_before))" \
			'{section: "readers", readers: $nr, events: $e, lost: $lost,
			  reader_cpu_ns_per_event: (if $e > 0 then $cpu / $e else null end)}'
		kill $pids
		wait $pids
	done
	$RMMOD modtrace
}

# From a failing call's return to the reader's line for it, 100 calls at 50/s.
latency() {
	$MODPROBE modtrace
	modtrace --json 2>/tmp/lat.err | mtstamp >/tmp/lat.out &
	n=0
	while [ "$(mt_readers)" != 1 ] && [ $n -lt 50 ]; do sleep 0.2; n=$((n + 1)); done
	mtload --quiet --rate 50 --repeat 100 --expect EBADF finit --fd 999 >/dev/null
	mt_wait_quiet /tmp/lat.out
	kill "$(pidof modtrace)"
	wait
	$RMMOD modtrace
	# stamp - (entry time + duration) = stamp - return time, both CLOCK_REALTIME
	sed 's/^\([0-9]*\) /{"stamp":\1,"event":/; s/$/}/' /tmp/lat.out | jq -s -c '
		[.[] | select(.event.errno == "EBADF") | .event as $e
		 | ($e.time | capture("^(?<s>[^.]*)\\.(?<ns>[0-9]+)Z$")) as $t
		 | (($t.s + "Z" | fromdateiso8601) * 1000000000 + ($t.ns | tonumber)) as $entry
		 | .stamp - $entry - $e.duration_ns] | sort
		| {section: "latency", config: "modtrace_reader", events: length,
		   p50_ns: .[(length * 0.5 | floor)], p99_ns: .[(length * 0.99 | floor)]}' >>"$OUT"
}

footprint() {
	$MODPROBE modtrace
	mt_reader_start /tmp/idle.jsonl --json
	sleep 2
	emit --argjson mod "$(awk '$1 == "modtrace" { print $2 }' /proc/modules)" \
		--argjson buf "$(awk '/\[modtrace\]/ { s += $2 } END { print s + 0 }' /proc/vmallocinfo)" \
		--argjson rss "$(awk '/^VmRSS:/ { print $2 * 1024 }' "/proc/$MT_READER/status")" \
		--argjson records "$(cat /sys/module/modtrace/parameters/buffer_records)" \
		'{section: "footprint", module_bytes: $mod, buffer_bytes: $buf, buffer_records: $records, reader_idle_rss_bytes: $rss}'
	kill "$MT_READER"
	wait "$MT_READER"
	$RMMOD modtrace
}

# The defaults against a burst: one thread making 2000 failing finit_module
# calls as fast as it can, one JSON reader attached, every module parameter
# at its default. What the kernel made, what the reader printed, and what was
# lost (the kernel's counters, by cause).
burst() {
	$MODPROBE modtrace
	mt_reader_start /tmp/burst.jsonl --json
	mtload --quiet --time --repeat 2000 --expect EBADF finit --fd 999 >/tmp/m.out
	mt_wait_quiet /tmp/burst.jsonl
	modtrace --status --json >/tmp/burst-status.json
	emit --argjson events "$(jq -s '[.[] | select(.errno == "EBADF")] | length' /tmp/burst.jsonl)" \
		--argjson ns "$(ns_per /tmp/m.out)" --slurpfile st /tmp/burst-status.json \
		'{section: "burst", calls: 2000, events: $events, ns_per_call: $ns,
		  lost: ([$st[0].counters | to_entries[] | select(.key | startswith("lost_")) | .value] | add),
		  lost_by_cause: ($st[0].counters | with_entries(select(.key | startswith("lost_")))),
		  buffer_records: $st[0].params.buffer_records}'
	kill "$MT_READER"
	wait "$MT_READER"
	$RMMOD modtrace
}

# Where the time of the probe-cost loop goes, for modtrace and tracefs: a
# perf profile (cpu-clock, all CPUs) of 20000 failing finit_module calls,
# the samples of mtload itself, by symbol. Needs perf (linux-perf).
profile() { # CONFIG
	command -v perf >/dev/null || { say "no perf: no profile"; return 0; }
	echo 0 >/proc/sys/kernel/kptr_restrict
	echo -1 >/proc/sys/kernel/perf_event_paranoid
	start_monitor "$1" || return 0
	perf record -q -a -e cpu-clock -F 2000 -o /tmp/perf.data -- \
		mtload --quiet --repeat "$CALLS" --expect EBADF finit --fd 999 >/dev/null 2>&1
	stop_monitor "$1"
	perf report -i /tmp/perf.data --stdio --comms mtload --sort sym --no-children \
		--percent-limit 1 -g none 2>/dev/null | grep -v '^#' | grep -v '^$' \
		>"$MT_RESULTS/profile-$1.txt"
	rm -f /tmp/perf.data
}

# --- the run -------------------------------------------------------------------

DUMMY=$(modinfo -n dummy)
case $DUMMY in
*.xz) unxz -c "$DUMMY" >/tmp/dummy.ko && DUMMY=/tmp/dummy.ko ;;
esac
# A large real module, whose load modtrace hashes (4 MiB): xfs, its one
# dependency (libcrc32c) loaded once so that each round loads xfs alone.
BIG=$(modinfo -n xfs)
case $BIG in
*.xz) unxz -c "$BIG" >/tmp/xfs.ko && BIG=/tmp/xfs.ko ;;
esac
modprobe xfs && rmmod xfs
emit --argjson bytes "$(wc -c <"$BIG")" '{section: "big_module", module: "xfs", bytes: $bytes}'
emit --arg k "$MT_RELEASE" --arg f "$MT_FLAVOUR" --argjson calls "$CALLS" --argjson reps "$REPS" \
	--argjson loads "$LOADS" --argjson cpus "$(nproc)" --arg sections "$SECTIONS" \
	'{section: "setup", kernel: $k, flavour: $f, calls: $calls, reps: $reps, loads: $loads, cpus: $cpus, sections: $sections}'
# Sections 1 and 2 repetition by repetition, every configuration in each, the
# order rotated from one repetition to the next: a drift in the emulator's
# speed then spreads over all configurations instead of landing on one.
set -- $CONFIGS
unattached=""
for rep in $(seq "$REPS"); do
	for c in "$@"; do
		say "repetition $rep/$REPS: $c"
		if ! start_monitor "$c"; then
			say "$c could not be started"
			unattached="$unattached $c"
			continue
		fi
		# Measured attached, not attaching: the kprobe optimizer's work
		# right after registration holds text_mutex, which loads need too.
		# Loads first, while the monitor is idle: after the failing-call
		# loops, a reader, auditd or trace_pipe would still be catching up.
		sleep 2
		[ "$SECTIONS" = scale ] || load_cost "$c" "$rep"
		probe_cost "$c" "$rep"
		stop_monitor "$c"
	done
	first=$1
	shift
	set -- "$@" "$first"
done
mt_eq "configurations that could not be started" "" "$unattached"
for c in $CONFIGS; do
	case $c in modtrace_reader | tracefs | audit | bpftrace) ;; *) continue ;; esac
	say "sustained rate: $c"
	if ! start_monitor "$c"; then
		mt_fail "$c attaches for the sustained rate" "it could not be started"
		continue
	fi
	sustained "$c" || mt_fail "the sustained rate of $c" "a step of its search could not run"
	stop_monitor "$c"
done
say "the readers' CPU with one reader and with three"
readers_cpu
if [ "$SECTIONS" = scale ]; then
	mt_eq "every measurement written" 0 "$(jq -s '[.[] | select(.ns_per_call == null and .section == "probe_cost")] | length' "$OUT")"
	mt_done
fi
for c in modtrace tracefs; do
	case " $CONFIGS " in *" $c "*) say "profile: $c"; profile "$c" ;; esac
done
say latency
latency
say footprint
footprint
say "burst with the defaults"
burst
mt_eq "every measurement written" 0 "$(jq -s '[.[] | select(.ns_per_call == null and (.section == "probe_cost" or .section == "load_cost"))] | length' "$OUT")"
mt_done
