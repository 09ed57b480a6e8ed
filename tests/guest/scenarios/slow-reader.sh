# A reader that stops reading (SIGSTOP) for seconds during a flood, then
# resumes: it says how much it missed, and once it has caught up, events
# are joined correctly again; a raw reader stopped with it was sent or told
# of every record (an entry its full socket refused waits for its call's
# return, which may be lost to the full buffer). A reader stopped while
# modtrace unloads finds out once it runs again. Readers that never read
# stay within the cap on what the kernel holds for them.
# The cloud kernels run this as the generic ones do (same code, same
# preemption model; fewer drivers): their lanes of make check leave it out.
# So does the sanitizer kernel's, the slowest: the flood scenario takes the
# same delivery path under lockdep and KASAN there.
# mt-skip-kernels: 6.1-cloud 6.12-cloud 6.1-debug
. /lib/mt/lib.sh
P=$MT_PAYLOADS
J=$MT_RESULTS/events.jsonl

mt_check "modtrace loads" $MODPROBE modtrace
if mt_reader_start "$J" --json; then mt_ok "the reader subscribes"; else mt_fail "the reader subscribes" "readers did not rise"; fi
reader=$MT_READER
R=$MT_RESULTS/raw.jsonl
if mt_reader_start "$R" --raw; then mt_ok "a raw reader subscribes"; else mt_fail "a raw reader subscribes" "readers did not rise"; fi
raw=$MT_READER
# Floods of 2 threads of 5000 calls each until its socket refuses records
# (one was enough while each record was a datagram of its own).
kill -STOP "$reader" "$raw"
mt_flood_until_full 5000 2 8
mt_eq "the floods made every call, until its socket was full ($MT_FLOODS of 2 x 5000)" 0 $?
sleep 3
kill -CONT "$reader" "$raw"
# It works through what its socket kept; what did not fit is lost, and said.
mt_wait_quiet "$J" "$R"

mt_run_pid pid.after mtload --expect 0 --params label=after finit "$P/mt_clean.ko" >/dev/null
A="select(.pid == $(cat pid.after))"
mt_check "a load after it resumed is reported" mt_wait_json "$J" "$A"
mt_json_has "and joined correctly" "$J" \
	"$A | .module.name == \"mt_clean\" and .module.params == \"label=after\" and .args.params == \"label=after\" and .outcome == \"loaded\" and .complete"
mt_call "delete_module mt_clean" 0 delete mt_clean
sleep 1
mt_wait_quiet "$J" "$R"
kill "$reader" "$raw"
wait "$reader" "$raw"
mt_check "it said records were lost while it was stopped" grep -Eq '[0-9]+ records? lost' "$J.err"
lost=$(sed -n 's/.*events ([0-9]* incomplete), \([0-9]*\) records lost.*/\1/p' "$J.err" | tail -n 1)
mt_check "its summary counts the loss (${lost:-none})" test "${lost:-0}" -gt 0
modtrace --status --json >status.json
mt_eq "the raw reader received or was told of every record" \
	"$(jq .counters.records status.json)" "$(mt_raw_accounted "$R")"
echo "figures: $(grep -c . "$J") events printed, summary: $(tail -n 1 "$J.err"), kernel counters $(jq -c .counters status.json)"

# Unloaded while a reader is stopped with a full socket: neither the last
# SHUTDOWN record nor the controller's notice reach it. Once it runs again
# and has read what it had, it finds the module gone and says so.
J2=$MT_RESULTS/stopped.jsonl
if mt_reader_start "$J2" --json; then mt_ok "a second reader subscribes"; else mt_fail "a second reader subscribes" "readers did not rise"; fi
stopped=$MT_READER
kill -STOP "$stopped"
mt_flood_until_full 5000 2 8
mt_eq "floods fill its socket ($MT_FLOODS of 2 x 5000)" 0 $?
mt_check "modtrace unloads under it" $RMMOD modtrace
sleep 1
kill -CONT "$stopped"
n=0
while kill -0 "$stopped" 2>/dev/null && [ $n -lt 60 ]; do sleep 1; n=$((n + 1)); done
mt_check "it ends by itself (after ${n}s)" sh -c "! kill -0 $stopped 2>/dev/null"
wait "$stopped"
mt_eq "with status 1" 1 $?
mt_check "saying the module was unloaded" grep -q 'the kernel module was unloaded' "$J2.err"
echo "figures: stopped reader: $(tail -n 1 "$J2.err")"

# Readers that subscribe and never read cannot pin the kernel's memory: the
# loads their full sockets refuse wait in backlogs that all together stay
# within the cap (--status says both), and what does not fit is counted.
# 31 readers that never read (their sockets the default size), 60 loads
# with a 1000-byte parameter: uncapped, their backlogs would hold 30 MiB.
mt_check "modtrace loads again" $MODPROBE modtrace
mtnlfuzz --idle-readers 31 >idle.out 2>&1 &
idle=$!
n=0
while [ "$(mt_readers)" != 31 ] && [ $n -lt 300 ]; do sleep 0.1; n=$((n + 1)); done
mt_eq "31 idle readers subscribed" 31 "$(mt_readers)"
long=label=$(head -c 1000 /dev/zero | tr '\0' x)
i=0
while [ $i -lt 60 ]; do
	mtload --quiet --expect 0 --params "$long" finit "$P/mt_clean.ko" >/dev/null &&
		mtload --quiet --expect 0 delete mt_clean >/dev/null || break
	i=$((i + 1))
done
mt_eq "60 loads and unloads" 60 $i
modtrace --status --json >capped.json
held=$(jq .backlog_bytes capped.json)
cap=$(jq .backlog_max_bytes capped.json)
mt_check "the backlogs hold at most the cap ($held of $cap bytes)" test "$held" -le "$cap"
mt_check "and reached it" test "$held" -gt $((cap / 2))
mt_check "what did not fit is counted ($(jq .counters.lost_socket_full capped.json) messages)" \
	test "$(jq .counters.lost_socket_full capped.json)" -gt 0
kill "$idle"
wait "$idle"
mt_check "modtrace unloads with them gone" $RMMOD modtrace
mt_done
