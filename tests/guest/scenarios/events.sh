# What `modtrace --json` makes of real load attempts: one event per attempt,
# each compared with what this scenario did (process, arguments, the module
# the kernel loaded, result): every payload and bad input of the loader,
# Debian modules through modprobe with their dependencies, and a sleeping
# init while another thread loads a different module.
. /lib/mt/lib.sh
P=$MT_PAYLOADS
J=$MT_RESULTS/events.jsonl
PARAMS="count=3 verbose=1 label=ev values=1,2,3"

mt_check "modtrace loads" $MODPROBE modtrace
if mt_reader_start "$J" --json; then mt_ok "the reader subscribes"; else mt_fail "the reader subscribes" "readers did not rise"; fi
reader=$MT_READER

# ev PIDFILE: the event filter for the process whose pid is in PIDFILE.
ev() {
	echo "select(.pid == $(cat "$1"))"
}

# wait_ev WHAT FILTER: an event matching FILTER arrives.
wait_ev() {
	mt_check "$1" mt_wait_json "$J" "$2"
}

# --- finit_module with parameters -----------------------------------------
mt_run_pid pid.a mtload --expect 0 --params "$PARAMS" finit "$P/mt_clean.ko" >/dev/null
E=$(ev pid.a)
srcversion=$(/sbin/modinfo -F srcversion "$P/mt_clean.ko")
wait_ev "finit_module event" "$E"
mt_eq "one event for one call" 1 "$(mt_json_count "$J" "$E")"
mt_json_has "who: pid, tid, comm, uid" "$J" \
	"$E | .event == \"finit_module\" and .tid > 0 and .comm == \"mtload\" and .uid == 0 and .euid == 0 and .ppid > 0"
mt_json_has "time is RFC 3339 UTC with ns" "$J" \
	"$E | .time | test(\"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\\\.[0-9]{9}Z$\")"
mt_json_has "args: fd, path, params, no flags" "$J" \
	"$E | .args.fd >= 0 and .args.path == \"$P/mt_clean.ko\" and .args.params == \"$PARAMS\" and .args.flags == [] and .args.flags_raw == 0"
mt_json_has "module: what the kernel loaded" "$J" \
	"$E | .module.name == \"mt_clean\" and .module.version == \"1.0\" and .module.srcversion == \"$srcversion\" and .module.params == \"$PARAMS\" and .module.init_ret == 0 and (.module | has(\"signed\"))"
mt_json_has "ended loaded, complete" "$J" \
	"$E | .ret == 0 and .errno == null and .complete == true and .duration_ns > 0 and .outcome == \"loaded\""

# --- the same module again: rejected before init ---------------------------
mt_run_pid pid.b mtload --expect EEXIST finit "$P/mt_clean.ko" >/dev/null
E=$(ev pid.b)
wait_ev "duplicate load event" "$E"
mt_json_has "duplicate: EEXIST, init never reached" "$J" \
	"$E | .ret == -17 and .errno == \"EEXIST\" and .module == null and .complete == true"

# --- delete_module ---------------------------------------------------------
mt_run_pid pid.c mtload --expect 0 delete mt_clean >/dev/null
E=$(ev pid.c)
wait_ev "delete_module event" "$E"
mt_json_has "delete: name, result" "$J" \
	"$E | .event == \"delete_module\" and .args.name == \"mt_clean\" and .ret == 0 and .complete == true"

# --- init_module -----------------------------------------------------------
size=$(wc -c <"$P/mt_clean.ko")
mt_run_pid pid.d mtload --expect 0 --params label=viainit init "$P/mt_clean.ko" >/dev/null
E=$(ev pid.d)
wait_ev "init_module event" "$E"
mt_json_has "init_module: image length, params, module" "$J" \
	"$E | .event == \"init_module\" and .args.len == $size and .args.params == \"label=viainit\" and .module.name == \"mt_clean\" and .module.params == \"label=viainit\" and .ret == 0 and .complete == true"
mtload --quiet --expect 0 delete mt_clean

# --- an init that fails ----------------------------------------------------
mt_run_pid pid.e mtload --expect ENODEV finit "$P/mt_fail.ko" >/dev/null
E=$(ev pid.e)
wait_ev "failing init event" "$E"
mt_json_has "init failed with ENODEV" "$J" \
	"$E | .module.name == \"mt_fail\" and .module.init_ret == -19 and .ret == -19 and .errno == \"ENODEV\" and .complete == true and .outcome != \"loaded\""

# --- a sleeping init while another thread loads a different module ---------
mt_run_pid pid.s mtload --expect 0 --params delay_ms=1500 finit "$P/mt_sleep.ko" >/dev/null &
sleeper=$!
sleep 0.5
mt_run_pid pid.f mtload --expect 0 finit "$P/mt_clean.ko" >/dev/null
wait $sleeper
S=$(ev pid.s)
F=$(ev pid.f)
wait_ev "sleeping load event" "$S"
mt_json_has "the sleeping load: its own module, 1.5 s" "$J" \
	"$S | .module.name == \"mt_sleep\" and .module.params == \"delay_ms=1500\" and .ret == 0 and .complete == true and .duration_ns >= 1500000000"
mt_json_has "the load made meanwhile: its own module" "$J" \
	"$F | .module.name == \"mt_clean\" and .ret == 0 and .complete == true and .duration_ns < 1500000000"
mtload --quiet --expect 0 delete mt_clean
mtload --quiet --expect 0 delete mt_sleep

# --- every bad input of the loader -----------------------------------------
# bad WHAT ERRNO FILTER MTLOAD-ARGS...: the call fails with ERRNO, and its
# event says so and matches FILTER.
bad() {
	what=$1 errno=$2 filter=$3
	shift 3
	mt_run_pid pid.bad mtload --expect "$errno" "$@" >/dev/null
	B=$(ev pid.bad)
	if mt_wait_json "$J" "$B" &&
		jq -e -s "any(.[]; $B | .errno == \"$errno\" and .ret < 0 and .complete == true and .module == null and ($filter))" "$J" >/dev/null; then
		mt_ok "$what: $errno"
	else
		mt_fail "$what" "no complete $errno event matching $filter for pid $(cat pid.bad)"
	fi
}
bad "init_module of a non-ELF image" ENOEXEC '.event == "init_module" and .args.len > 0' init --bad-image
bad "init_module of an unmapped image" EFAULT '.event == "init_module"' init --unmapped-image
bad "init_module with unmapped parameters" EFAULT '.args.params == null or .args.params == ""' \
	--unmapped-params init "$P/mt_clean.ko"
bad "finit_module with unmapped parameters" EFAULT '.event == "finit_module"' \
	--unmapped-params finit "$P/mt_clean.ko"
bad "finit_module with unknown flags" EINVAL '.args.flags_raw == 128 and (.args.flags | index("0x80"))' \
	--flags 0x80 finit "$P/mt_clean.ko"
bad "finit_module with known flags" EINVAL '.args.flags_raw == 3 and .args.flags == ["ignore_modversions", "ignore_vermagic"]' \
	--flags 3 finit --dir /lib
bad "finit_module on a closed fd" EBADF '.args.fd == 999 and .args.path == null' finit --fd 999
bad "finit_module on a directory" EINVAL '.args.path == "/lib"' finit --dir /lib
bad "finit_module on a pipe" EINVAL '.event == "finit_module"' finit --pipe
bad "finit_module on a read-write fd" ETXTBSY ".args.path == \"$P/mt_clean.ko\"" finit --rdwr "$P/mt_clean.ko"
bad "delete_module of a module not loaded" ENOENT '.args.name == "mt_nothere"' delete mt_nothere
bad "create_module" ENOSYS '.event == "create_module"' syscall 174 1 2 3
bad "query_module" ENOSYS '.event == "query_module"' syscall 178
bad "get_kernel_syms" ENOSYS '.event == "get_kernel_syms"' syscall 177

# --- a compressed module the kernel decompresses (6.12), or refuses (6.1) ---
mt_run_pid pid.x mtload --expect 0,EOPNOTSUPP --flags 4 finit /lib/mt/mt_clean.ko.xz >/dev/null
X=$(ev pid.x)
wait_ev "compressed finit_module event" "$X"
mt_json_has "compressed: the flag by name, the .xz path" "$J" \
	"$X | .args.flags == [\"compressed_file\"] and .args.flags_raw == 4 and .args.path == \"/lib/mt/mt_clean.ko.xz\""
case $MT_RELEASE in
6.1.*)
	mt_json_has "6.1 refuses it: EOPNOTSUPP, no init" "$J" \
		"$X | .errno == \"EOPNOTSUPP\" and .module == null and .complete"
	;;
*)
	mt_json_has "6.12 loads it: the module the kernel decompressed" "$J" \
		"$X | .ret == 0 and .module.name == \"mt_clean\" and .module.init_ret == 0 and .complete"
	mtload --quiet --expect 0 delete mt_clean
	;;
esac

# --- four threads, one file ------------------------------------------------
mt_run_pid pid.t mtload --threads 4 --expect 0,EEXIST finit "$P/mt_clean.ko" >threads.out
E=$(ev pid.t)
n=300
while [ $n -gt 0 ] && [ "$(mt_json_count "$J" "$E")" != 4 ]; do
	sleep 0.1
	n=$((n - 1))
done
mt_eq "four events" 4 "$(mt_json_count "$J" "$E")"
jq -c -s "[.[] | $E]" "$J" >threads.json
case $MT_RELEASE in
6.1.*)
	mt_eq "concurrent: one loaded, three EEXIST" "0 -17 -17 -17" \
		"$(jq -r '[.[].ret] | sort | reverse | map(tostring) | join(" ")' threads.json)"
	mt_eq "concurrent: one init, on the winner" 1 \
		"$(jq '[.[] | select(.module != null)] | length' threads.json)"
	;;
*)
	mt_eq "concurrent: all four return 0" "0 0 0 0" \
		"$(jq -r '[.[].ret] | map(tostring) | join(" ")' threads.json)"
	# One thread runs the init; the kernel hands the others its result.
	mt_eq "concurrent: one loaded, three waited on it" "loaded waited waited waited" \
		"$(jq -r '[.[].outcome] | sort | join(" ")' threads.json)"
	;;
esac
mt_eq "concurrent: every event complete, own tid" 4 \
	"$(jq '[.[] | select(.complete and .tid > 0)] | map(.tid) | unique | length' threads.json)"
mtload --quiet --expect 0 delete mt_clean

# --- Debian's modules through Debian's tools -------------------------------
mt_run_pid pid.m $MODPROBE 8021q
E=$(ev pid.m)
deps=$(/sbin/modprobe --show-depends 8021q | grep -c '^insmod')
wait_ev "modprobe's events" "$E | select(.module.name == \"8021q\")"
for m in llc stp garp mrp 8021q; do
	# bookworm's modprobe passes an uncompressed module by fd (6.1), a
	# compressed one as an image it decompressed itself (6.12).
	mt_json_has "modprobe loaded $m, complete" "$J" \
		"$E | .module.name == \"$m\" and .ret == 0 and .complete == true and (((.args.path // \"\") | endswith(\"/$m.ko\")) or .event == \"init_module\")"
done
mt_eq "one event per module modprobe loaded" "$deps" \
	"$(mt_json_count "$J" "$(ev pid.m) | select(.ret == 0)")"
mt_run_pid pid.i $INSMOD "$(/sbin/modinfo -n dummy)"
wait_ev "insmod dummy" "$(ev pid.i) | select(.module.name == \"dummy\" and .comm == \"insmod\")"
mt_run_pid pid.k $MODPROBE kvm_intel
wait_ev "kvm_intel's failed init" \
	"$(ev pid.k) | select(.module.name == \"kvm_intel\" and .module.init_ret < 0 and .ret < 0 and .complete)"
$MODPROBE -r 8021q
$RMMOD dummy

# --- every line is one JSON object with the documented fields ------------------
sleep 0.5
kill "$reader"
wait "$reader"
mt_eq "the reader exits 0 on SIGTERM" 0 $?
mt_eq "every line parses as an object" "$(wc -l <"$J")" \
	"$(jq -c 'select(type == "object")' "$J" | wc -l)"
mt_eq "every event has the documented fields" 0 "$(jq -s '[.[] | select(
	has("seq") and has("time") and has("event") and has("pid") and has("tid") and
	has("ppid") and has("uid") and has("euid") and has("loginuid") and has("comm") and
	has("args") and has("module") and has("ret") and has("errno") and
	has("duration_ns") and has("complete") | not)] | length' "$J")"
mt_check "a summary on stderr" grep -q "events" "$J.err"
mt_check "modtrace unloads" $RMMOD modtrace
mt_done
