# The module DKMS built, signed and installed on the build machine, booted:
# it is the one modprobe loads, it carries DKMS's signature, and it works.
# Arguments: the signer the build machine's modinfo reported.
. /lib/mt/lib.sh
signer="$*"
ko=$(/sbin/modinfo -n modtrace)
mt_check "modprobe finds the DKMS module" test -f "$ko"
mt_eq "signed by DKMS's key" "$signer" "$(/sbin/modinfo -F signer modtrace)"
mt_check "modtrace loads" $MODPROBE modtrace
modtrace --status --json >status.json 2>&1
mt_eq "no probe point is missing" 0 "$(jq '[.probes[].points[] | select(.symbol == null)] | length' status.json)"
if mt_reader_start "$MT_RESULTS/raw.jsonl" --raw; then mt_ok "a reader subscribes"; else mt_fail "a reader subscribes" "readers did not rise"; fi
mt_call "finit_module mt_clean" 0 finit "$MT_PAYLOADS/mt_clean.ko"
mt_check "the load is recorded" mt_wait_json "$MT_RESULTS/raw.jsonl" \
	'.type == "do_init_enter" and .module.name == "mt_clean"'
mt_call "delete_module mt_clean" 0 delete mt_clean
kill "$MT_READER"
wait "$MT_READER"
mt_check "modtrace unloads" $RMMOD modtrace
mt_done
