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
