# Modules that hide after their load: with the reader at --hidden-check 1,
# the kernel module looks again every second at every module that came live
# since it loaded. mthide_later unlinks itself from the module list a second
# after its init (from a delayed work): exactly one hidden_module event,
# compared whole with its load (the loader as the task, the module, where it
# is missing from, when it came live), to each of two readers that both ask.
# The modules that hide as they load (mthide_list, mthide_sysfs) are flagged
# on their load's event and get no hidden_module event: a place already
# reported is not reported again. Ordinary modules loaded and unloaded in a
# loop while the checks run are never flagged.
. /lib/mt/lib.sh
P=$MT_PAYLOADS
J=$MT_RESULTS/hidden.jsonl
J2=$MT_RESULTS/hidden2.jsonl
H='.event == "hidden_module"'

mt_check "modtrace loads" $MODPROBE modtrace
if mt_reader_start "$J" --json --hidden-check 1; then mt_ok "the reader subscribes"; else mt_fail "the reader subscribes" "readers did not rise"; fi
reader=$MT_READER
if mt_reader_start "$J2" --json --hidden-check 1; then mt_ok "a second reader subscribes"; else mt_fail "a second reader subscribes" "readers did not rise"; fi
reader2=$MT_READER

# --- ordinary loads and unloads while the checks run -----------------------
dummy=$(/sbin/modinfo -n dummy)
end=$(($(date +%s) + 6))
loops=0
while [ "$(date +%s)" -lt "$end" ]; do
	mtload --quiet --expect 0 finit "$P/mt_clean.ko"
	mtload --quiet --expect 0 finit "$P/mt_cycle_0$((loops % 10)).ko"
	$INSMOD "$dummy"
	mtload --quiet --expect 0 delete mt_clean
	mtload --quiet --expect 0 delete "mt_cycle_0$((loops % 10))"
	$RMMOD dummy
	loops=$((loops + 1))
done
mt_check "ordinary loads in a loop ($loops rounds): the last one's events arrive" \
	mt_wait_json "$J" '.event == "delete_module" and .args.name == "dummy"'
sleep 2
mt_eq "no hidden_module event for ordinary loads and unloads" 0 "$(mt_json_count "$J" "$H")"
mt_check "the reader asked for checks" sh -c \
	"modtrace --status --json | jq -e '.counters.hidden_checks >= 4'"

# --- modules that hide as they load ----------------------------------------
# Loaded once a boot (they have no exit): another scenario may have.
for h in list:module_list sysfs:sysfs; do
	name=mthide_${h%%:*}
	if [ -e /sys/module/$name ] || mt_loaded $name; then
		echo "# $name was loaded before: not loaded again"
		continue
	fi
	mt_run_pid pid.$name mtload --expect 0 finit "$P/$name.ko" >out.$name 2>&1
	C=".pid == $(cat pid.$name)"
	mt_check "$name: its load arrives" mt_wait_json "$J" "$C and .event == \"finit_module\""
	mt_json_has "$name: its load says hidden from ${h#*:}" "$J" \
		"$C and .event == \"finit_module\" and .module.hidden_from == [\"${h#*:}\"]"
done

# --- a module that hides a second after its load ---------------------------
if [ -e /sys/module/mthide_later ]; then
	mt_fail "mthide_later is not loaded yet" "it is: another scenario loaded it"
fi
mt_run_pid pid.l mtload --expect 0 finit "$P/mthide_later.ko" >out.l 2>&1
mt_eq "mthide_later loads" 0 $?
PID=$(cat pid.l)
TID=$(sed -n 's/.* tid=\([0-9]*\)$/\1/p' out.l | tail -n 1)
L=".pid == $PID and .tid == $TID"
mt_check "mthide_later: its load arrives" mt_wait_json "$J" "$L and .event == \"finit_module\""
mt_json_has "mthide_later: loaded, and not hidden as it loaded" "$J" \
	"$L and .event == \"finit_module\" and .outcome == \"loaded\" and .module.hidden == false"
C="$L and $H"
mt_check "mthide_later: its hidden_module event arrives" mt_wait_json "$J" "$C"
mt_check_not "mthide_later is not in /proc/modules" grep -q '^mthide_later ' /proc/modules
mt_check "mthide_later still has its /sys/module directory" test -d /sys/module/mthide_later
# More checks run: none may report it again.
sleep 3
LOADED=$(mt_json_get "$J" "$C" .args.loaded)
export LOADED
mt_event "mthide_later: one hidden_module event, every key as it was done" "$J" "$C" \
	'mt_base + {event: "hidden_module", abi: null, args: {loaded: $ENV.LOADED},
	"module": {name: "mthide_later", sha256: null, captured: null, hidden: true, hidden_from: ["module_list"],
	 version: null, srcversion: null, taints: null, signed: null, params: null,
	 text_size: null, total_size: null, init_ret: null},
	ret: null, outcome: "hidden", duration_ns: null}'
LOAD_TIME=$(mt_json_get "$J" "$L and .event == \"finit_module\"" .time)
EV_TIME=$(mt_json_get "$J" "$C" .time)
s() { echo "$1" | sed 's/\.[0-9]*Z$/Z/' | jq -R 'fromdateiso8601'; }
mt_check "mthide_later: it came live after its load began, and before the check" \
	jq -n -e --arg a "$LOAD_TIME" --arg b "$LOADED" --arg c "$EV_TIME" '$a < $b and $b < $c'
mt_check "mthide_later: found at least a second after it came live" \
	test $(($(s "$EV_TIME") - $(s "$LOADED"))) -ge 1
mt_eq "one hidden_module event in all" 1 "$(mt_json_count "$J" "$H")"
mt_eq "the second reader: the same one event" 1 "$(mt_json_count "$J2" "$H")"
mt_eq "the second reader: the same seq" "$(mt_json_get "$J" "$C" .seq)" \
	"$(mt_json_get "$J2" "$C" .seq)"

# --- the status ----------------------------------------------------------
mt_check "--status shows the interval" sh -c \
	"modtrace --status --hidden-check 1 | grep -q '^  hidden check  every 1 s (--hidden-check), [0-9]* modules watched$'"

# --- the readers' end ----------------------------------------------------
kill "$reader" "$reader2"
wait "$reader"
mt_eq "the reader exits 0 on SIGTERM" 0 $?
wait "$reader2"
mt_eq "the second reader exits 0 on SIGTERM" 0 $?
mt_check_not "no warning from the readers" grep -q "warning\|hidden-module check" "$J.err" "$J2.err"
mt_check "modtrace unloads" $RMMOD modtrace
mt_done
