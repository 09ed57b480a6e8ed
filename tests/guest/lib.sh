# shellcheck shell=sh
# Assertions for guest scenarios. A scenario sources this, checks things with
# the functions below and ends with mt_done, which exits non-zero on any
# failure. Each check prints "ok N - what" or "FAIL N - what: why".

MODPROBE=/sbin/modprobe
INSMOD=/sbin/insmod
RMMOD=/sbin/rmmod
MT_CHECKS=0
MT_FAILED=0

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
	echo "$((MT_CHECKS - MT_FAILED)) passed, $MT_FAILED failed"
	[ "$MT_FAILED" -eq 0 ]
	exit
}

# mt_call WHAT EXPECT MTLOAD-ARGS...: make a module syscall with the loader;
# EXPECT is 0 or an errno name (or a comma list of them).
mt_call() {
	what=$1 expect=$2
	shift 2
	if out=$(mtload --expect "$expect" "$@" 2>&1); then
		mt_ok "$what ($expect)"
	else
		mt_fail "$what" "$(echo "$out" | tr '\n' ' ')"
	fi
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

# mt_readers: how many readers the module has subscribed.
mt_readers() {
	modtrace --status --json 2>/dev/null | jq -r '.readers' 2>/dev/null
}

# mt_reader_start OUT [ARGS...]: start `modtrace ARGS` in the background,
# stdout to OUT and stderr to OUT.err, and wait until it has subscribed.
# Its pid is in MT_READER.
mt_reader_start() {
	out=$1
	shift
	before=$(mt_readers)
	modtrace "$@" >"$out" 2>"$out.err" &
	MT_READER=$!
	n=300
	while [ $n -gt 0 ] && [ "$(mt_readers)" = "$before" ]; do
		sleep 0.1
		n=$((n - 1))
	done
	[ $n -gt 0 ]
}

# mt_run_pid PIDFILE CMD...: run CMD as a process whose pid is written to
# PIDFILE first (the shell execs it), so records can be matched to it.
mt_run_pid() {
	pidfile=$1
	shift
	sh -c 'echo $$ >"$0"; exec "$@"' "$pidfile" "$@"
}
