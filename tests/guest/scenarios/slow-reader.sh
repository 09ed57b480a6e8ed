# A reader that stops reading (SIGSTOP) for seconds during a flood, then
# resumes: it says how much it missed, and once it has caught up, events
# are joined correctly again.
. /lib/mt/lib.sh
P=$MT_PAYLOADS
J=$MT_RESULTS/events.jsonl

mt_check "modtrace loads" $MODPROBE modtrace
if mt_reader_start "$J" --json; then mt_ok "the reader subscribes"; else mt_fail "the reader subscribes" "readers did not rise"; fi
reader=$MT_READER

kill -STOP "$reader"
mtload --quiet --threads 2 --repeat 5000 --expect ENOEXEC init --bad-image >flood.out
mt_eq "the flood made every call" 0 $?
sleep 3
kill -CONT "$reader"
# It works through what its socket kept; what did not fit is lost, and said.
mt_wait_quiet "$J"

mt_run_pid pid.after mtload --expect 0 --params label=after finit "$P/mt_clean.ko" >/dev/null
A="select(.pid == $(cat pid.after))"
mt_check "a load after it resumed is reported" mt_wait_json "$J" "$A"
mt_json_has "and joined correctly" "$J" \
	"$A | .module.name == \"mt_clean\" and .module.params == \"label=after\" and .args.params == \"label=after\" and .outcome == \"loaded\" and .complete"
mt_call "delete_module mt_clean" 0 delete mt_clean
sleep 1
kill "$reader"
wait "$reader"
mt_check "it said records were lost while it was stopped" grep -q 'records lost' "$J.err"
lost=$(sed -n 's/.*events ([0-9]* incomplete), \([0-9]*\) records lost.*/\1/p' "$J.err" | tail -n 1)
mt_check "its summary counts the loss (${lost:-none})" test "${lost:-0}" -gt 0
modtrace --status --json >status.json
echo "figures: $(grep -c . "$J") events printed, summary: $(tail -n 1 "$J.err"), kernel counters $(jq -c .counters status.json)"
mt_check "modtrace unloads" $RMMOD modtrace
mt_done
