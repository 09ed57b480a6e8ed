# shellcheck shell=sh
# Assertions for guest scenarios. A scenario sources this, checks things with
# the functions below and ends with mt_done, which exits non-zero on any
# failure. Each check prints "ok N - what" or "FAIL N - what: why".

MODPROBE=/sbin/modprobe
INSMOD=/sbin/insmod
RMMOD=/sbin/rmmod
MT_CHECKS=0
MT_FAILED=0
MT_JSON_FILES=
MT_JSON_CHECKED=

mt_ok() {
	MT_CHECKS=$((MT_CHECKS + 1))
	echo "ok $MT_CHECKS - $1"
}

mt_fail() {
	MT_CHECKS=$((MT_CHECKS + 1))
	MT_FAILED=$((MT_FAILED + 1))
	echo "FAIL $MT_CHECKS - $1: $2"
}

# mt_check WHAT CMD...: CMD must succeed.
mt_check() {
	what=$1
	shift
	if out=$("$@" 2>&1); then
		mt_ok "$what"
	else
		mt_fail "$what" "'$*' failed: $(echo "$out" | tail -n 3 | tr '\n' ' ')"
	fi
}

# mt_check_not WHAT CMD...: CMD must fail.
mt_check_not() {
	what=$1
	shift
	if out=$("$@" 2>&1); then
		mt_fail "$what" "'$*' succeeded: $(echo "$out" | tail -n 3 | tr '\n' ' ')"
	else
		mt_ok "$what"
	fi
}

# mt_eq WHAT EXPECTED ACTUAL
mt_eq() {
	if [ "$2" = "$3" ]; then
		mt_ok "$1"
	else
		mt_fail "$1" "expected '$2', got '$3'"
	fi
}

# mt_loaded NAME: is module NAME in /proc/modules?
mt_loaded() {
	grep -q "^$1 " /proc/modules
}

mt_done() {
	for _f in $MT_JSON_FILES; do
		case $MT_JSON_CHECKED in
		*" $_f "*) ;;
		*) mt_json_valid "$_f" ;;
		esac
	done
	echo "$((MT_CHECKS - MT_FAILED)) passed, $MT_FAILED failed"
	[ "$MT_FAILED" -eq 0 ]
	exit
}

# mt_call WHAT EXPECT MTLOAD-ARGS...: make a module syscall with the loader
# (MT_LOADER: mtload unless set, e.g. mtload32); EXPECT is 0 or an errno
# name (or a comma list of them). MT_TID is the thread of its last call.
mt_call() {
	what=$1 expect=$2
	shift 2
	if out=$(${MT_LOADER:-mtload} --expect "$expect" "$@" 2>&1); then
		mt_ok "$what ($expect)"
	else
		mt_fail "$what" "$(echo "$out" | tr '\n' ' ')"
	fi
	MT_TID=$(echo "$out" | sed -n 's/.* tid=\([0-9]*\)$/\1/p' | tail -n 1)
}

# mt_param MODULE PARAM: a loaded module's parameter value from sysfs.
mt_param() {
	cat "/sys/module/$1/parameters/$2" 2>/dev/null
}

# mt_json_has WHAT FILE FILTER: some JSON line of FILE satisfies the jq FILTER.
mt_json_has() {
	if jq -n -e "any(inputs; $3)" "$2" >/dev/null 2>&1; then
		mt_ok "$1"
	else
		mt_fail "$1" "no line of $(basename "$2") matches: $3"
	fi
}

# mt_json_valid FILE: every line of FILE is one JSON object, all of it is
# UTF-8 (jq -R would turn bad bytes into U+FFFD), and it ends in a newline.
# mt_done does this for every reader's output mt_reader_start made with
# --json or --raw, unless a scenario did it already.
mt_json_valid() {
	MT_JSON_CHECKED="$MT_JSON_CHECKED $1 "
	_bad=$(jq -R -n -r 'foreach inputs as $l (0; . + 1; . as $n | $l |
		try (fromjson | if type == "object" then empty else "line \($n): not an object" end)
		catch "line \($n): \(.)")' "$1" 2>&1 | head -n 3 | tr '\n' ' ')
	if [ -z "$_bad" ] && ! jq -R -j '. + "\n"' "$1" | cmp -s - "$1"; then
		_bad="not UTF-8, or its last line has no newline"
	fi
	if [ -z "$_bad" ]; then
		mt_ok "every line of $(basename "$1") is one JSON object ($(wc -l <"$1") lines)"
	else
		mt_fail "every line of $(basename "$1") is one JSON object" "$_bad"
	fi
}

# mt_json_forget FILE: mt_done is not to check FILE (the output of a reader
# killed with SIGKILL, which may end in a cut line).
mt_json_forget() {
	MT_JSON_CHECKED="$MT_JSON_CHECKED $1 "
}

# What the kernel makes of the payloads, which are out of tree and unsigned:
# with module signing (Debian's kernels) "signed" false and the unsigned
# taint (bit 13) besides the out-of-tree one (12); without it (6.1-debug)
# null and bit 12 alone. Debian's own modules come out signed (true) there.
if [ -e /sys/module/module/parameters/sig_enforce ]; then
	MT_SIGNED=false MT_TAINTS=12288 MT_KERNEL_SIGNED=true
else
	MT_SIGNED=null MT_TAINTS=4096 MT_KERNEL_SIGNED=null
fi

# jq definitions for mt_event. mt_mask replaces what differs from run to
# run by what it must be: numbers by "<number>" (seq, pid, tid, ppid,
# durations, cgroup and namespace inodes, the files' inodes, the module's
# sizes), the time by "<time>" if it is RFC 3339 UTC with ns, devices by
# "<dev>" if they are MAJ:MIN, the srcversion by "<srcversion>" if it is 23
# hex digits, a pipe's inode in its path by "<number>". A value of another
# form stays as it is; an absent key stays absent and null stays null, so
# either shows. The module's sha256, when it is the image's, becomes
# "<image.sha256>" (the image's own is compared as it is). mt_base is an
# event by mtload with every key, as the masked
# event has it; mt_module(NAME; PARAMS; INIT_RET) a payload module as the
# kernel reports its load (checked for hiding, and not hidden, if its init
# returned 0), mt_unloaded(NAME) a module delete_module unloaded
# (the kernel's name of it, nothing else); mt_hashed(NAME; SHA256; BYTES)
# the image of a load that got as far as the kernel laying the module out,
# mt_refused(BYTES) one the kernel read and refused before that (both as
# {image: ...}); mt_finit_args(PATH; PARAMS) and
# mt_delete_args(NAME) the arguments of mtload's finit PATH and delete NAME.
# mt_diff lists where two objects differ.
MT_EVENT_JQ='
def mt_masked($p):
	if $p == ["time"] then
		(if type == "string" and test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{9}Z$") then "<time>" else . end)
	elif $p == ["args", "dev"] or $p == ["args", "caller_dev"] then
		(if type == "string" and test("^[0-9]+:[0-9]+$") then "<dev>" else . end)
	elif $p == ["module", "srcversion"] then
		(if type == "string" and test("^[0-9A-F]{23}$") then "<srcversion>" else . end)
	elif $p == ["args", "path"] then
		(if type == "string" then sub("^pipe:\\[[0-9]+\\]$"; "pipe:[<number>]") else . end)
	elif type == "number" then "<number>"
	else . end;
def mt_mask($extra):
	reduce (["seq"], ["time"], ["pid"], ["tid"], ["ppid"], ["duration_ns"],
		["init_duration_ns"], ["cgroup_id"], ["pidns_ino"], ["mntns_ino"],
		["module", "srcversion"], ["module", "text_size"], ["module", "total_size"],
		["args", "dev"], ["args", "ino"], ["args", "caller_dev"], ["args", "caller_ino"],
		["args", "path"], $extra[]) as $p (.;
		(try getpath($p) catch null) as $v
		| if $v == null then . else setpath($p; $v | mt_masked($p)) end)
	| if (.module | type) == "object" and .module.sha256 != null
		and .module.sha256 == (.image | objects | .sha256) then .module.sha256 = "<image.sha256>" else . end;
def mt_base:
	{seq: "<number>", time: "<time>", event: null, pid: "<number>", tid: "<number>",
	 ppid: "<number>", uid: 0, euid: 0, gid: 0, loginuid: null, sessionid: null,
	 comm: "mtload", abi: "x86_64", cgroup_id: "<number>", pidns_ino: "<number>",
	 mntns_ino: "<number>", request: null, args: {}, "module": null, image: null, ret: 0,
	 errno: null, outcome: null, request_result: null, duration_ns: "<number>",
	 init_duration_ns: null, complete: true,
	 incomplete_reason: null, params_mismatch: false, name_mismatch: false,
	 file_changed: false, truncated: []};
def mt_module($name; $params; $init_ret):
	{name: $name, sha256: "<image.sha256>", captured: null,
	 hidden: (if $init_ret == 0 then false else null end),
	 hidden_from: (if $init_ret == 0 then [] else null end),
	 version: "1.0", srcversion: "<srcversion>", taints: $taints,
	 signed: $signed, params: $params, text_size: "<number>", total_size: "<number>",
	 init_ret: $init_ret};
def mt_unloaded($name):
	{name: $name, sha256: null, captured: null, hidden: null, hidden_from: null, version: null,
	 srcversion: null, taints: null, signed: null,
	 params: null, text_size: null, total_size: null, init_ret: null};
def mt_hashed($name; $sha; $bytes):
	{image: {state: "hashed", sha256: $sha, bytes: ($bytes | tonumber), name: $name,
		 capture: "not_asked"}};
def mt_refused($bytes):
	{image: {state: "refused", sha256: null, bytes: ($bytes | tonumber), name: null,
		 capture: null}};
def mt_finit_args($path; $params):
	{fd: 3, path: $path, dev: "<dev>", ino: "<number>", caller_dev: null,
	 caller_ino: null, params: $params, flags: [], flags_raw: 0};
def mt_delete_args($name): {name: $name, flags: ["nonblock"], flags_raw: 2048};
def mt_diff($at; $got; $exp):
	if ($got | type) == "object" and ($exp | type) == "object" then
		(($got | keys) + ($exp | keys) | unique)[] as $k
		| if ($got | has($k) | not) then "\($at)\($k) absent (expected \($exp[$k] | tojson))"
		  elif ($exp | has($k) | not) then "\($at)\($k) not expected (\($got[$k] | tojson))"
		  else mt_diff("\($at)\($k)."; $got[$k]; $exp[$k]) end
	elif $got == $exp then empty
	else "\($at | rtrimstr(".")) is \($got | tojson), expected \($exp | tojson)" end;
'

# mt_event WHAT FILE SELECT EXPECTED [MASK]: exactly one event of FILE
# satisfies the jq condition SELECT (".tid == 123"), and masked (mt_mask) it
# is the object the jq expression EXPECTED makes, key for key ("mt_base +
# {...}"). MASK, a JSON array of paths ('[["args", "fd"]]'), masks more.
# EXPECTED can use $signed, $taints and $kernel_signed (MT_SIGNED, ...).
mt_event() {
	_res=$(jq -n -r --argjson signed "$MT_SIGNED" --argjson taints "$MT_TAINTS" \
		--argjson kernel_signed "$MT_KERNEL_SIGNED" --arg sel "$3" \
		--argjson extra "${5:-[]}" "$MT_EVENT_JQ
		($4) as \$exp | [inputs | select($3)] as \$got
		| if (\$got | length) != 1 then \"\(\$got | length) events match \(\$sel)\"
		  elif (\$got[0] | mt_mask(\$extra)) == \$exp then \"ok\"
		  else ([mt_diff(\"\"; \$got[0] | mt_mask(\$extra); \$exp)] | join(\"; \"))
			+ \"; the event: \(\$got[0] | tojson)\" end" "$2" 2>&1)
	if [ "$_res" = ok ]; then
		mt_ok "$1"
	else
		mt_fail "$1" "$_res"
	fi
}

# mt_sha256 FILE: the SHA-256 of FILE, in hex.
mt_sha256() {
	sha256sum "$1" | cut -d' ' -f1
}

# mt_json_count FILE FILTER: how many JSON lines of FILE satisfy FILTER.
mt_json_count() {
	jq -s "map(select($2)) | length" "$1" 2>/dev/null || echo error
}

# mt_json_get FILE FILTER EXPR: EXPR of the first line satisfying FILTER.
mt_json_get() {
	jq -s -r "map(select($2)) | first | $3" "$1" 2>/dev/null
}

# mt_wait_json FILE FILTER [SECONDS]: wait until a line of FILE satisfies
# FILTER, at most SECONDS (30: generous, for the slow debug kernel).
mt_wait_json() {
	deadline=$(($(date +%s) + ${3:-30}))
	while ! jq -n -e "any(inputs; $2)" "$1" >/dev/null 2>&1; do
		[ "$(date +%s)" -lt "$deadline" ] || return 1
		sleep 0.1
	done
}

# mt_wait_quiet FILE...: wait until the FILEs have not grown for 2 s (a
# reader has caught up), at most 120 s.
mt_wait_quiet() {
	quiet=0 n=0
	while [ $quiet -lt 2 ] && [ $n -lt 120 ]; do
		before=$(cat "$@" | wc -c)
		sleep 1
		if [ "$(cat "$@" | wc -c)" = "$before" ]; then
			quiet=$((quiet + 1))
		else
			quiet=0
		fi
		n=$((n + 1))
	done
}

# mt_raw_accounted FILE: the records a `modtrace --raw` reader's output
# FILE accounts for: those it received (distinct seqs) and those its loss
# notices counted (a buffer or socket that was full, memory). Once the
# reader has caught up, this is every record made while it was subscribed.
mt_raw_accounted() {
	jq -s '([.[] | .seq // empty] | unique | length) +
		([.[] | .loss // {} | (.buffer_full // 0) + (.socket_full // 0) +
		  (.nomem // 0)] | add // 0)' "$1"
}

# mt_flood_until_full CALLS THREADS MAX: floods of CALLS failing
# init_module calls on each of THREADS threads, at most MAX of them, until
# a stopped reader's socket refuses a record (the kernel's lost_socket_full
# moves). How many records a socket holds depends on the kernel, on how
# fast its worker keeps up and on how many records share a datagram.
# Sets MT_FLOODS; fails if a flood failed or the counter never moved.
mt_flood_until_full() {
	mt_full_before=$(modtrace --status --json | jq .counters.lost_socket_full)
	MT_FLOODS=0
	while [ $MT_FLOODS -lt "$3" ]; do
		mtload --quiet --threads "$2" --repeat "$1" --expect ENOEXEC \
			init --bad-image >>flood.out || return 1
		MT_FLOODS=$((MT_FLOODS + 1))
		[ "$(modtrace --status --json | jq .counters.lost_socket_full)" = \
			"$mt_full_before" ] || return 0
	done
	return 1
}

# mt_readers: how many readers the module has subscribed.
mt_readers() {
	modtrace --status --json 2>/dev/null | jq -r '.readers' 2>/dev/null
}

# mt_reader_start OUT [ARGS...]: start `modtrace ARGS` in the background,
# stdout to OUT and stderr to OUT.err, and wait until it has subscribed.
# Its pid is in MT_READER. With --json or --raw, mt_done checks that OUT is
# valid JSON (mt_json_valid).
mt_reader_start() {
	out=$1
	shift
	case " $* " in
	*" --json "* | *" --raw "*)
		case " $MT_JSON_FILES " in
		*" $out "*) ;;
		*) MT_JSON_FILES="$MT_JSON_FILES $out" ;;
		esac
		;;
	esac
	before=$(mt_readers)
	modtrace "$@" >"$out" 2>"$out.err" &
	MT_READER=$!
	# 30 s by the clock (each look takes a while on the slow debug kernel);
	# a reader that gave up (OUT.err says why) ends the wait at once.
	deadline=$(($(date +%s) + 30))
	while [ "$(mt_readers)" = "$before" ]; do
		if ! kill -0 "$MT_READER" 2>/dev/null ||
			[ "$(date +%s)" -ge "$deadline" ]; then
			echo "# the reader did not subscribe: $(tail -n 1 "$out.err")"
			return 1
		fi
		sleep 0.1
	done
}

# mt_run WHAT EXPECT MTLOAD-ARGS...: mtload as a process of its own, which
# must end with EXPECT; then C is the condition for its event (its pid and
# the thread of its last call), which has arrived in each JSON file of
# MT_RUN_JSON. Its output is out.N, its pid pid.N (N counts the runs).
MT_RUNS=0
mt_run() {
	_run_what=$1 _run_expect=$2
	shift 2
	MT_RUNS=$((MT_RUNS + 1))
	if mt_run_pid "pid.$MT_RUNS" mtload --expect "$_run_expect" "$@" >"out.$MT_RUNS" 2>&1; then
		mt_ok "$_run_what: the call ($_run_expect)"
	else
		mt_fail "$_run_what: the call" "$(tr '\n' ' ' <"out.$MT_RUNS")"
	fi
	C=".pid == $(cat "pid.$MT_RUNS") and .tid == $(sed -n 's/.* tid=\([0-9]*\)$/\1/p' "out.$MT_RUNS" | tail -n 1)"
	for _f in $MT_RUN_JSON; do
		mt_check "$_run_what: its event arrives in ${_f##*/}" mt_wait_json "$_f" "$C"
	done
}

# mt_run_pid PIDFILE CMD...: run CMD as a process whose pid is written to
# PIDFILE first (the shell execs it), so records can be matched to it.
mt_run_pid() {
	pidfile=$1
	shift
	sh -c 'echo $$ >"$0"; exec "$@"' "$pidfile" "$@"
}
