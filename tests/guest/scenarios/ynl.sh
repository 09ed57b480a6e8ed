# The protocol as kmod/modtrace.yaml describes it, spoken by the kernel's
# own YNL client (tools/net/ynl/lib) instead of the modtrace reader:
# GET_STATUS, SUBSCRIBE, the records of one real load decoded from the spec
# alone and compared with what mtload did, then UNSUBSCRIBE.
#
# The protocol is the same on every kernel, and python3 under TCG takes a
# while: the lanes of 6.1 and 6.12 run it.
# mt-needs: ynl
# mt-kernels: 6.1 6.12
. /lib/mt/lib.sh
P=$MT_PAYLOADS
YNL=/lib/mt/ynl
SPEC=/lib/mt/modtrace.yaml
OUT=$MT_RESULTS/ynl.jsonl
PARAMS="count=3 label=ynl"

if ! command -v python3 >/dev/null || ! [ -f "$YNL/lib/ynl.py" ] || ! [ -f "$SPEC" ]; then
	mt_fail "python3, $YNL/lib and $SPEC are in the guest" "missing"
	mt_done
fi

mt_check "modtrace loads" $MODPROBE modtrace

# The client: status and subscribe replies, then every record as it comes,
# one JSON line each, until told the load is over (the file ynl.done), then
# unsubscribe. ynl.ready says it has subscribed.
rm -f ynl.ready ynl.done
PYTHONPATH=$YNL python3 - "$SPEC" >"$OUT" 2>ynl.err <<'PY' &
import json
import os
import select
import sys
import time

from lib import YnlFamily


def out(kind, msg):
    print(json.dumps({"kind": kind, "msg": msg}, default=list), flush=True)


ynl = YnlFamily(sys.argv[1], "")  # no schema: no jsonschema in the guest
out("status", ynl.do("get-status", {}))
out("subscribe", ynl.do("subscribe", {"version": 1}))
open("ynl.ready", "w").close()


def drain():
    ynl.check_ntf()
    for ntf in ynl.async_msg_queue:
        out(ntf["name"], ntf["msg"])
    ynl.async_msg_queue.clear()


deadline = time.monotonic() + 60
while not os.path.exists("ynl.done") and time.monotonic() < deadline:
    select.select([ynl.sock], [], [], 0.2)
    drain()
time.sleep(1)
drain()
out("unsubscribe", ynl.do("unsubscribe", {}))
PY
client=$!
n=300
while [ $n -gt 0 ] && ! [ -f ynl.ready ] && kill -0 $client 2>/dev/null; do
	sleep 0.1
	n=$((n - 1))
done
mt_check "the YNL client subscribed" test -f ynl.ready

mt_call "finit_module mt_clean" 0 --params "$PARAMS" finit "$P/mt_clean.ko"
tid=$MT_TID
mt_eq "the load's parameter" 3 "$(mt_param mt_clean count)"
touch ynl.done
wait $client
mt_eq "the YNL client exits 0" 0 $?
[ -s ynl.err ] && mt_fail "the YNL client printed nothing on stderr" "$(tr '\n' ' ' <ynl.err)"

# jq -s over every line: one status, one subscribe reply, the records.
q() { jq -s "$1" "$OUT"; }

mt_eq "status: version" 1 "$(q '.[] | select(.kind == "status") | .msg.version')"
mt_eq "status: finit_module's probe attached" true \
	"$(q '[.[] | select(.kind == "status") | .msg."probe-status"[] |
		select(.id == "finit-module") | .state == "attached"] | all and length > 0')"
mt_eq "subscribe: version" 1 "$(q '.[] | select(.kind == "subscribe") | .msg.version')"
mt_eq "subscribe: the instance is the status's" true \
	"$(q '[.[] | select(.kind == "status" or .kind == "subscribe") | .msg.instance] |
		length == 2 and .[0] == .[1]')"

# The load's records, by the loader's thread.
rec() { q "[.[] | select(.kind == \"record\") | .msg |
	select(.task.tid == $tid and .type == \"$1\")] | .[0] | $2"; }
mt_eq "finit-module-enter: params" "\"$PARAMS\"" "$(rec finit-module-enter .params)"
mt_eq "finit-module-enter: probe" '"finit-module"' "$(rec finit-module-enter .probe)"
mt_eq "finit-module-enter: comm" '"mtload"' "$(rec finit-module-enter .task.comm)"
mt_eq "finit-module-enter: abi" '"x86-64"' "$(rec finit-module-enter .task.abi)"
mt_eq "do-init-enter: module name" '"mt_clean"' "$(rec do-init-enter .module.name)"
mt_eq "do-init-enter: module args" "\"$PARAMS\"" "$(rec do-init-enter .module.args)"
mt_eq "do-init-exit: ret" 0 "$(rec do-init-exit .ret)"
mt_eq "do-init-exit: module name" '"mt_clean"' "$(rec do-init-exit .module.name)"
mt_eq "finit-module-exit: ret" 0 "$(rec finit-module-exit .ret)"
mt_eq "finit-module-exit: entry-seq is the entry's seq" \
	"$(rec finit-module-enter .seq)" "$(rec finit-module-exit '."entry-seq"')"
mt_eq "finit-module-exit: the file" true \
	"$(rec finit-module-exit '.file.path | endswith("/mt_clean.ko")')"
mt_eq "records: seqs from the reply's next-seq, no gap" true \
	"$(q '([.[] | select(.kind == "subscribe") | .msg."next-seq"][0]) as $from |
		[.[] | select(.kind == "record") | .msg.seq | values] | sort |
		length > 0 and .[0] == $from and . == [range($from; $from + length)]')"
mt_eq "unsubscribe: an ack, no reply" null "$(q '.[] | select(.kind == "unsubscribe") | .msg')"

mt_call "delete_module mt_clean" 0 delete mt_clean
mt_done
