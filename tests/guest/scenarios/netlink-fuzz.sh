# Random and malformed generic netlink messages to the modtrace family, as
# root and as an unprivileged user (mtnlfuzz checks every answer: EPERM for
# everything the unprivileged user gets past the core), while a reader is
# attached: no crash, nothing left behind, and the family still works.
#   usage: netlink-fuzz.sh [MESSAGES]   (per user, default 20000; 5000 on a
#   kernel with sanitizers)
# The cloud kernels run this as the generic ones do (same code, same
# preemption model; fewer drivers): their lanes of make check leave it out.
# mt-skip-kernels: 6.1-cloud 6.12-cloud
. /lib/mt/lib.sh
P=$MT_PAYLOADS
J=$MT_RESULTS/events.jsonl
if [ "${MT_SLOW:-0}" = 1 ]; then COUNT=${1:-5000}; else COUNT=${1:-20000}; fi

mt_check "modtrace loads" $MODPROBE modtrace
if mt_reader_start "$J" --json; then mt_ok "a reader subscribes"; else mt_fail "a reader subscribes" "readers did not rise"; fi
reader=$MT_READER

mtnlfuzz --count "$COUNT" --user 1000 >user.out 2>user.err
mt_eq "unprivileged: EPERM for every message that reached modtrace" 0 $?
family=$(sed -n 's/.* family: sent=\([0-9]*\).*/\1/p' user.out)
eperm=$(sed -n 's/.* family: sent=[0-9]* EPERM=\([0-9]*\);.*/\1/p' user.out)
mt_check "unprivileged: a good share reached modtrace (${family:-0} of $COUNT)" \
	test "${family:-0}" -gt $((COUNT / 4))
mt_eq "unprivileged: all of them EPERM" "$family" "$eperm"

mtnlfuzz --count "$COUNT" >root.out 2>root.err
mt_eq "root: every answer one the kernel documents, status works after" 0 $?

mt_eq "the fuzzers' subscriptions are gone, the reader stays" 1 "$(mt_readers)"
mt_run_pid pid.after mtload --expect 0 --params label=afterfuzz finit "$P/mt_clean.ko" >/dev/null
mt_check "a load after the fuzzing is reported, joined" mt_wait_json "$J" \
	"select(.pid == $(cat pid.after)) | .module.params == \"label=afterfuzz\" and .outcome == \"loaded\" and .complete"
mt_call "delete_module mt_clean" 0 delete mt_clean
kill "$reader"
wait "$reader"
echo "figures: unprivileged $(cat user.out); root $(cat root.out)"
cat user.err root.err
mt_check "modtrace unloads" $RMMOD modtrace
mt_done
