# Lifecycle races: rmmod modtrace in the middle of a flood with three
# readers attached, reload it at once and keep going; readers started and
# killed with SIGKILL in a loop while records flow. The kernel stays clean,
# readers say why they stopped, and killed readers are forgotten.
# Its rmmod takes breakpoints out of code the other vCPU is running:
# multi-threaded TCG can go on running them (scripts/guest-run.sh).
# mt-tcg: single
. /lib/mt/lib.sh
P=$MT_PAYLOADS

mt_check "modtrace loads" $MODPROBE modtrace
pids=
for i in 1 2 3; do
	if mt_reader_start "$MT_RESULTS/reader$i.jsonl" --json; then
		mt_ok "reader $i subscribes"
	else
		mt_fail "reader $i subscribes" "readers did not rise"
	fi
	pids="$pids $MT_READER"
done

# A flood that outlives the module, on both vCPUs (shorter on a kernel with
# sanitizers, where each call takes longer).
if [ "${MT_SLOW:-0}" = 1 ]; then CALLS=1500; else CALLS=3000; fi
mtload --quiet --threads 2 --repeat $CALLS --expect ENOEXEC init --bad-image >flood.out &
flood=$!
sleep 1
mt_check "rmmod modtrace during the flood" $RMMOD modtrace
i=1
for pid in $pids; do
	wait "$pid"
	mt_eq "reader $i exits 1 when the module goes" 1 $?
	mt_check "reader $i says the module was unloaded" grep -q 'unloaded' "$MT_RESULTS/reader$i.jsonl.err"
	i=$((i + 1))
done
mt_check "modtrace reloads at once, the flood still running" $MODPROBE modtrace
if mt_reader_start "$MT_RESULTS/after.jsonl" --json; then mt_ok "a new reader subscribes"; else mt_fail "a new reader subscribes" "readers did not rise"; fi
after=$MT_READER
mt_call "a load after the reload" 0 finit "$P/mt_clean.ko"
mt_check "the new reader sees it" mt_wait_json "$MT_RESULTS/after.jsonl" \
	'.module.name == "mt_clean" and .outcome == "loaded" and .complete'
mt_call "delete_module mt_clean" 0 delete mt_clean
wait $flood
mt_eq "the flood made every call" 0 $?

# Readers killed outright, again and again, while records flow.
mtload --quiet --repeat 100000 --expect EBADF finit --fd 999 >flow.out &
flow=$!
KILLS=20
i=0
while [ $i -lt $KILLS ]; do
	mt_reader_start victim.out --raw || break
	kill -KILL "$MT_READER"
	wait "$MT_READER" 2>/dev/null
	i=$((i + 1))
done
mt_eq "$KILLS readers subscribed and were killed" $KILLS $i
mt_json_forget victim.out
kill $flow
wait $flow 2>/dev/null
kill "$after"
wait "$after"
mt_eq "the reader killed last is forgotten, like the others" 0 "$(mt_readers)"
modtrace --status --json >status.json
gone=$(jq .counters.readers_gone status.json)
mt_eq "every killed reader was forgotten when its socket closed" $KILLS "$gone"
echo "figures: $KILLS readers killed, $gone forgotten when their socket closed, counters $(jq -c .counters status.json)"
mt_check "modtrace unloads" $RMMOD modtrace
mt_done
