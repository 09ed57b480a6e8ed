# mt-modules: vxlan
# Loads the kernel makes by itself: a process uses what a module not loaded
# provides, the kernel asks for it (__request_module()) and runs modprobe,
# a child of a kernel thread. Each request is one request_module event by
# the process that caused it, compared whole with what was done and with
# the kernel's own module:module_request tracepoint; the loads modprobe
# then makes carry the request (requester's pid, tid, comm, uid and the
# name asked for), compared whole too, and --pid and --comm of the
# requester select them. Three requests: busybox ip adding a dummy link
# (rtnl-link-dummy, one module), a link of a kind no module provides
# (modprobe exits 1), and a vxlan link (vxlan and the modules it needs).
. /lib/mt/lib.sh
J=$MT_RESULTS/request.jsonl
T=/sys/kernel/tracing
mt_check "modtrace loads" $MODPROBE modtrace
[ -d $T/events ] || mount -t tracefs nodev $T
mt_check "the module_request tracepoint is on" sh -c "echo 1 >$T/events/module/module_request/enable"
echo >$T/trace
if mt_reader_start "$J" --json; then mt_ok "the reader subscribes"; else mt_fail "the reader subscribes" "readers did not rise"; fi
reader=$MT_READER
if mt_reader_start "$MT_RESULTS/request-ip.jsonl" --json --comm ip; then
	mt_ok "a reader of --comm ip subscribes"
else
	mt_fail "a reader of --comm ip subscribes" "readers did not rise"
fi
by_comm=$MT_READER
[ -e /sys/module/dummy ] && $RMMOD dummy

# ev WHAT COND EXPECTED [MASK]: the event of COND is mt_base + EXPECTED.
ev() {
	mt_event "$1" "$J" "$2" "mt_base + $3" "${4:-[]}"
}

# request WHAT NAME EXPECTED-RESULT OUTCOME IP-ARGS...: ip IP-ARGS makes the
# kernel ask for NAME; its request_module event is compared whole. Sets
# PID, the ip process, and REQ, the request as its helper's events carry it.
request() {
	what=$1 name=$2 result=$3 outcome=$4
	shift 4
	mt_run_pid pid.r ip "$@" >ip.out 2>&1
	PID=$(cat pid.r)
	R=".event == \"request_module\" and .pid == $PID"
	mt_check "$what: its request_module event arrives" mt_wait_json "$J" "$R"
	ev "$what: request_module by ip[$PID] for $name" "$R" "{event: \"request_module\",
		comm: \"ip\", abi: null, args: {name: \"$name\", wait: true}, ret: \"<number>\",
		outcome: \"$outcome\", request_result: $result}" '[["ret"]]'
	mt_eq "$what: the kernel's tracepoint saw the request, from ip" 1 \
		"$(grep -c -- "-$PID .*module_request: $name wait=1" $T/trace)"
	seq=$(mt_json_get "$J" "$R" .seq)
	REQ="{seq: \"<number>\", name: \"$name\", pid: \"<number>\", tid: \"<number>\", comm: \"ip\", uid: 0}"
	mt_eq "$what: the request's pid, tid and seq on modprobe's events" \
		"$(mt_json_count "$J" ".request != null and .request.name == \"$name\"")" \
		"$(mt_json_count "$J" ".request.pid == $PID and .request.tid == $PID and .request.seq == $seq")"
}

# load WHAT FILE: modprobe's load of FILE, for the request in REQ.
load() {
	name=$(basename "$2" | sed 's/\.ko.*//; s/-/_/g')
	version=$(/sbin/modinfo -F version "$2")
	srcversion=$(/sbin/modinfo -F srcversion "$2")
	case $2 in
	*.ko)
		kind=finit_module args="mt_finit_args(\"$2\"; \"\") + {fd: \"<number>\"}"
		sha=$(mt_sha256 "$2") bytes=$(wc -c <"$2")
		;;
	*)
		kind=init_module bytes=$(xzcat "$2" | wc -c)
		args="{len: $bytes, params: \"\"}"
		sha=$(xzcat "$2" | sha256sum | cut -d' ' -f1)
		;;
	esac
	C=".request.pid == $PID and .module.name == \"$name\""
	mt_check "$1: the load of $name arrives" mt_wait_json "$J" "$C"
	ev "$1: $name loaded by modprobe, requested by ip[$PID]" "$C" "{event: \"$kind\",
		comm: \"modprobe\", request: $REQ, args: ($args),
		\"module\": {name: \"$name\", sha256: \"<image.sha256>\", captured: null, hidden: false,
			hidden_from: [], version: $(if [ -n "$version" ]; then echo "\"$version\""; else echo null; fi),
			srcversion: $(if [ -n "$srcversion" ]; then echo '"<srcversion>"'; else echo null; fi),
			taints: 0, signed: \$kernel_signed, params: \"\", text_size: \"<number>\",
			total_size: \"<number>\", init_ret: 0},
		outcome: \"loaded\", init_duration_ns: \"<number>\"} + mt_hashed(\"$name\"; \"$sha\"; \"$bytes\")" \
		'[["args", "fd"], ["request", "seq"], ["request", "pid"], ["request", "tid"]]'
}

OK='{by: "modprobe", exit_status: 0, signal: null, errno: null}'

# --- dummy: one module -------------------------------------------------------
request "ip link add type dummy" rtnl-link-dummy "$OK" requested link add mtdummy0 type dummy
mt_check "ip link add type dummy: the link exists" ip link show mtdummy0
load "ip link add type dummy" "$(/sbin/modinfo -n dummy)"
dummy_pid=$PID
mt_eq "ip link add type dummy: modprobe made one load, no other event" 1 \
	"$(mt_json_count "$J" ".request.pid == $PID")"

# --- a kind no module provides: modprobe exits 1 -----------------------------
request "ip link add type mtnosuch" rtnl-link-mtnosuch \
	'{by: "modprobe", exit_status: 1, signal: null, errno: null}' request_failed \
	link add mtnosuch0 type mtnosuch
mt_eq "ip link add type mtnosuch: no load for it" 0 "$(mt_json_count "$J" ".request.pid == $PID")"

# --- vxlan: the module and what it depends on --------------------------------
# (not on a kernel built without vxlan: the sanitizer kernel)
if /sbin/modinfo vxlan >/dev/null 2>&1; then
	request "ip link add type vxlan" rtnl-link-vxlan "$OK" requested \
		link add mtvx0 type vxlan id 42 dstport 4789
	/sbin/modprobe --show-depends vxlan | awk '$1 == "insmod" { print $2 }' >deps.txt
	while read -r f; do
		load "ip link add type vxlan" "$f"
	done <deps.txt
	mt_eq "ip link add type vxlan: one load per module modprobe loaded, no other" \
		"$(grep -c . deps.txt)" "$(mt_json_count "$J" ".request.pid == $PID")"
else
	echo "note: $MT_RELEASE has no vxlan module: no request with dependencies here"
fi

# --- the filters match the requester -------------------------------------------
mt_wait_quiet "$J" "$MT_RESULTS/request-ip.jsonl"
mt_eq "--comm ip: the requests and modprobe's loads for them, nothing else" \
	"$(mt_json_count "$J" '.comm == "ip" or .request.comm == "ip"')" \
	"$(mt_json_count "$MT_RESULTS/request-ip.jsonl" 'true')"
mt_check "--comm ip: modprobe's load of dummy is there" \
	jq -e -n "any(inputs; .module.name == \"dummy\" and .request.pid == $dummy_pid)" \
	"$MT_RESULTS/request-ip.jsonl"
kill -INT "$reader" "$by_comm"
wait "$reader" "$by_comm" 2>/dev/null
ip link del mtdummy0 2>/dev/null
ip link del mtvx0 2>/dev/null
echo 0 >$T/events/module/module_request/enable
mt_done
