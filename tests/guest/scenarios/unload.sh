# mt-taints: forced unloads (rmmod -f) taint the kernel and turn lockdep off
# modtrace's own unload is an event like any other, and can be forbidden.
# rmmod modtrace reaches a reader as one complete delete_module event naming
# who did it, its return the last record before the shutdown notice, and the
# reader's last line says who. With locked=1 (at load, or written once at run
# time) delete_module("modtrace") fails with EWOULDBLOCK and is recorded, the
# lock cannot be lifted, and --status and sysfs show it. A forced unload
# (O_TRUNC) cannot be refused without changing the caller's arguments: it
# unloads even a locked modtrace, and every reader gets it as an event first.
. /lib/mt/lib.sh
P=$MT_PAYLOADS
LOCKED=/sys/module/modtrace/parameters/locked

# reader_gone WHAT PID OUT: the reader PID exits 1 and its last line says
# the module was unloaded by the process in pid file WHO.
reader_gone() {
	wait "$2"
	mt_eq "$1: the reader exits 1" 1 $?
	said=$(grep 'modtrace: the kernel module was unloaded' "$3.err")
	mt_eq "$1: the reader says who" \
		"modtrace: the kernel module was unloaded by pid $(cat "$4") ($5), uid 0, loginuid unset$6" "$said"
}

# --- an ordinary rmmod modtrace --------------------------------------------
mt_check "modtrace loads" $MODPROBE modtrace
mt_eq "it is not locked" 0 "$(cat $LOCKED)"
mt_eq "--status says so" false "$(modtrace --status --json | jq .params.locked)"
if mt_reader_start ev1.jsonl --json; then mt_ok "an event reader subscribes"; else mt_fail "an event reader subscribes" "readers did not rise"; fi
r1=$MT_READER
if mt_reader_start raw1.jsonl --raw; then mt_ok "a raw reader subscribes"; else mt_fail "a raw reader subscribes" "readers did not rise"; fi
r2=$MT_READER
mt_check "rmmod modtrace" mt_run_pid pid.rm /sbin/rmmod modtrace
mt_check_not "modtrace is gone" mt_loaded modtrace
reader_gone "rmmod" "$r1" ev1.jsonl pid.rm rmmod ""
mt_event "rmmod: one complete delete_module event naming who did it" ev1.jsonl \
	".pid == $(cat pid.rm)" 'mt_base + {event: "delete_module", comm: "rmmod",
	args: mt_delete_args("modtrace"), outcome: "unloaded"}'
wait "$r2"
mt_eq "rmmod: the raw reader exits 1" 1 $?
mt_eq "rmmod: the raw reader's last records: the call's entry and return, then shutdown" \
	'["delete_module_enter",0,"delete_module_exit",true,"shutdown"]' \
	"$(jq -s -c '.[-3:] as [$e, $x, $s] | [$e.type, ($x.ret), $x.type,
		($x.entry_seq == $e.seq and $s.next_seq == $x.seq + 1), $s.type]' raw1.jsonl)"

# --- locked at run time: refused, recorded, and it stays locked --------------
mt_check "modtrace loads again" $MODPROBE modtrace
if mt_reader_start ev2.jsonl --json; then mt_ok "an event reader subscribes"; else mt_fail "an event reader subscribes" "readers did not rise"; fi
r3=$MT_READER
mt_check "locked: written 1 at run time" sh -c "echo 1 >$LOCKED"
mt_eq "locked: sysfs shows 1" 1 "$(cat $LOCKED)"
mt_eq "locked: --status shows it" true "$(modtrace --status --json | jq .params.locked)"
mt_check "locked: --status says so in text" sh -c "modtrace --status | grep -q 'locked *yes'"
mt_check_not "locked: it cannot be written back to 0" sh -c "echo 0 >$LOCKED"
mt_eq "locked: still 1" 1 "$(cat $LOCKED)"
mt_run_pid pid.del mtload --expect EWOULDBLOCK delete modtrace >del.out 2>&1
mt_eq "locked: delete_module(modtrace) fails with EWOULDBLOCK" 0 $?
mt_check_not "locked: rmmod modtrace fails" /sbin/rmmod modtrace
mt_check "locked: modtrace is still loaded" mt_loaded modtrace
mt_check "locked: the refused unload is an event" mt_wait_json ev2.jsonl ".pid == $(cat pid.del)"
mt_event "locked: the refused delete_module, whole" ev2.jsonl ".pid == $(cat pid.del)" \
	'mt_base + {event: "delete_module", args: mt_delete_args("modtrace"), ret: -11,
	errno: "EAGAIN", outcome: "unload_failed"}'
mt_call "locked: a load still works" 0 finit "$P/mt_clean.ko"
mt_call "locked: an unload of another module too" 0 delete mt_clean

# --- forced while locked: it goes, and says so first -------------------------
mt_run_pid pid.force mtload --expect 0 --flags 2560 delete modtrace >force.out 2>&1
mt_eq "forced: delete_module(modtrace, O_TRUNC|O_NONBLOCK) unloads it, locked or not" 0 $?
mt_check_not "forced: modtrace is gone" mt_loaded modtrace
reader_gone "forced" "$r3" ev2.jsonl pid.force mtload ", forced (O_TRUNC)"
mt_event "forced: one complete delete_module event naming who did it" ev2.jsonl \
	".pid == $(cat pid.force)" 'mt_base + {event: "delete_module",
	args: {name: "modtrace", flags: ["nonblock", "trunc"], flags_raw: 2560}, outcome: "unloaded"}'

# --- locked at load ----------------------------------------------------------
mt_check "locked=1 at load" $MODPROBE modtrace locked=1
mt_eq "locked at load: sysfs shows 1" 1 "$(cat $LOCKED)"
mt_eq "locked at load: modtrace holds itself (refcount 1)" 1 "$(awk '$1 == "modtrace" { print $3 }' /proc/modules)"
mt_check_not "locked at load: rmmod modtrace fails" /sbin/rmmod modtrace
mt_check "locked at load: forced unload" mtload --expect 0 --flags 2560 delete modtrace
mt_check_not "locked at load: modtrace is gone" mt_loaded modtrace
mt_done
