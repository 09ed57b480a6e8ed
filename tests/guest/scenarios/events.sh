# mt-append: syscall.x32=y
# What `modtrace --json` makes of real load attempts: one event per attempt,
# each compared whole, key for key, with what this scenario did (process,
# arguments, the module the kernel loaded, result; lib.sh's mt_event masks
# only what differs from run to run): every payload and bad input of the
# loader, Debian modules through modprobe with their dependencies, and a
# sleeping init while another thread loads a different module. Every load
# the kernel got as far as laying out carries the SHA-256 of the image it
# parsed, compared with sha256sum of the file (or of what xzcat makes of it,
# for an image decompressed before the kernel got it, or by the kernel); a
# load refused before that carries the image's length and no hash.
#
# Then the three syscall ABIs: a 64-bit (mtload), a 32-bit (mtload32) and an
# x32 (mtloadx32) loader each make every kind of module syscall, and each
# call comes out as exactly one complete event, compared key for key with
# what the call was, the ABI it came through included. Kernels built without
# x32 (cloud, 6.1-debug) must refuse to run the x32 loader at all; everywhere
# else x32 is switched on (the first line) and must work.
. /lib/mt/lib.sh
P=$MT_PAYLOADS
J=$MT_RESULTS/events.jsonl
PARAMS="count=3 verbose=1 label=ev values=1,2,3"
CLEAN=$P/mt_clean.ko
SIZE=$(wc -c <"$CLEAN")
CLEAN_SHA=$(mt_sha256 "$CLEAN")
FAIL_SHA=$(mt_sha256 "$P/mt_fail.ko") FAIL_SIZE=$(wc -c <"$P/mt_fail.ko")
SLEEP_SHA=$(mt_sha256 "$P/mt_sleep.ko") SLEEP_SIZE=$(wc -c <"$P/mt_sleep.ko")
export P PARAMS CLEAN SIZE CLEAN_SHA FAIL_SHA FAIL_SIZE SLEEP_SHA SLEEP_SIZE

mt_check "modtrace loads" $MODPROBE modtrace
if mt_reader_start "$J" --json; then mt_ok "the reader subscribes"; else mt_fail "the reader subscribes" "readers did not rise"; fi
reader=$MT_READER

# mt_run (lib.sh): its event in $J.
MT_RUN_JSON=$J

# ev WHAT EXPECTED [MASK]: the event of condition C is mt_base + EXPECTED.
ev() {
	mt_event "$1" "$J" "$C" "mt_base + $2" "${3:-[]}"
}

# --- finit_module with parameters -----------------------------------------
mt_run finit 0 --params "$PARAMS" finit "$CLEAN"
ev "finit_module: loaded, every key as the call was" '{event: "finit_module",
	args: mt_finit_args($ENV.CLEAN; $ENV.PARAMS), "module": mt_module("mt_clean"; $ENV.PARAMS; 0),
	outcome: "loaded", init_duration_ns: "<number>"} + mt_hashed("mt_clean"; $ENV.CLEAN_SHA; $ENV.SIZE)'
srcversion=$(/sbin/modinfo -F srcversion "$CLEAN")
mt_json_has "finit_module: the module's srcversion, as modinfo says" "$J" \
	"select($C) | .module.srcversion == \"$srcversion\""
mt_json_has "finit_module: its parent, a duration" "$J" \
	"select($C) | .ppid > 0 and .duration_ns > 0 and .init_duration_ns <= .duration_ns"

# --- the time of a call, against the guest's clock ---------------------------
# The probes take it from local_clock() and the worker makes it
# CLOCK_MONOTONIC: the event's time and its end lie between the clock read
# before the loader started and after it exited.
T0=$(jq -n now)
mt_run_pid pid.time mtload --expect EBADF finit --fd 999 >out.time 2>&1
T1=$(jq -n now)
CT=".pid == $(cat pid.time)"
mt_check "a timed call: its event arrives" mt_wait_json "$J" "$CT"
mt_json_has "a timed call: it began after $T0 and ended before $T1 (guest CLOCK_REALTIME)" "$J" \
	"select($CT) | (.time | split(\".\") | (.[0] + \"Z\" | fromdateiso8601) + (.[1] | rtrimstr(\"Z\") | tonumber) / 1e9) as \$t
	| \$t >= $T0 and \$t + .duration_ns / 1e9 <= $T1"

# --- the same module again: rejected before init ---------------------------
mt_run eexist EEXIST finit "$CLEAN"
ev "finit_module again: rejected, EEXIST, no init" '{event: "finit_module",
	args: mt_finit_args($ENV.CLEAN; ""), ret: -17, errno: "EEXIST", outcome: "rejected"}
	+ mt_refused($ENV.SIZE)'

# --- delete_module ---------------------------------------------------------
mt_run delete 0 delete mt_clean
ev "delete_module: unloaded, the kernel's name of the module" '{event: "delete_module",
	args: mt_delete_args("mt_clean"), "module": mt_unloaded("mt_clean"), outcome: "unloaded"}'

# --- init_module -----------------------------------------------------------
mt_run init 0 --params label=viainit init "$CLEAN"
ev "init_module: image length, params, module" '{event: "init_module",
	args: {len: ($ENV.SIZE | tonumber), params: "label=viainit"},
	"module": mt_module("mt_clean"; "label=viainit"; 0), outcome: "loaded", init_duration_ns: "<number>"}
	+ mt_hashed("mt_clean"; $ENV.CLEAN_SHA; $ENV.SIZE)'
mtload --quiet --expect 0 delete mt_clean

# --- an init that fails ----------------------------------------------------
mt_run fail ENODEV finit "$P/mt_fail.ko"
ev "an init that fails: init_failed, ENODEV" '{event: "finit_module",
	args: mt_finit_args($ENV.P + "/mt_fail.ko"; ""), "module": mt_module("mt_fail"; ""; -19),
	ret: -19, errno: "ENODEV", outcome: "init_failed", init_duration_ns: "<number>"}
	+ mt_hashed("mt_fail"; $ENV.FAIL_SHA; $ENV.FAIL_SIZE)'

# --- a parameter the kernel refuses, after laying the module out ------------
mt_run badparam EINVAL --params count=many finit "$CLEAN"
ev "a bad parameter value: rejected, EINVAL, no init, the image hashed" '{event: "finit_module",
	args: mt_finit_args($ENV.CLEAN; "count=many"), ret: -22, errno: "EINVAL", outcome: "rejected"}
	+ mt_hashed("mt_clean"; $ENV.CLEAN_SHA; $ENV.SIZE)'

# --- a sleeping init while another thread loads a different module ---------
mt_run_pid pid.s mtload --expect 0 --params delay_ms=1500 finit "$P/mt_sleep.ko" >out.s 2>&1 &
sleeper=$!
sleep 0.5
mt_run meanwhile 0 finit "$CLEAN"
F=$C
wait $sleeper
mt_eq "the sleeping load worked" 0 $?
C=".pid == $(cat pid.s) and .tid == $(sed -n 's/.* tid=\([0-9]*\)$/\1/p' out.s)"
mt_check "the sleeping load's event arrives" mt_wait_json "$J" "$C"
ev "the sleeping load: its own module" '{event: "finit_module",
	args: mt_finit_args($ENV.P + "/mt_sleep.ko"; "delay_ms=1500"),
	"module": mt_module("mt_sleep"; "delay_ms=1500"; 0), outcome: "loaded", init_duration_ns: "<number>"}
	+ mt_hashed("mt_sleep"; $ENV.SLEEP_SHA; $ENV.SLEEP_SIZE)'
mt_json_has "the sleeping load took 1.5 s" "$J" "select($C) | .duration_ns >= 1500000000"
C=$F
ev "the load made meanwhile: its own module" '{event: "finit_module",
	args: mt_finit_args($ENV.CLEAN; ""), "module": mt_module("mt_clean"; ""; 0),
	outcome: "loaded", init_duration_ns: "<number>"} + mt_hashed("mt_clean"; $ENV.CLEAN_SHA; $ENV.SIZE)'
mt_json_has "the load made meanwhile did not wait for the sleeping one" "$J" \
	"select($C) | .duration_ns < 1500000000"
mtload --quiet --expect 0 delete mt_clean
mtload --quiet --expect 0 delete mt_sleep

# --- every bad input of the loader -----------------------------------------
# bad WHAT ERRNO EXPECTED MTLOAD-ARGS...: the call fails with ERRNO, and its
# event is mt_base + EXPECTED + the failure (rejected: no init ran). The
# image: only where the kernel read one (non-ELF; parameters, which
# load_module() copies once it has laid the module out) is it refused.
bad() {
	bad_what=$1 errno=$2 exp=$3
	shift 3
	case $errno in
	ENOEXEC) value=8 ;;
	EBADF) value=9 ;;
	EFAULT) value=14 ;;
	EINVAL) value=22 ;;
	ETXTBSY) value=26 ;;
	esac
	mt_run "$bad_what" "$errno" "$@"
	ev "$bad_what: $errno" "$exp + {ret: -$value, errno: \"$errno\", outcome: \"rejected\"}"
}
bad "init_module of a non-ELF image" ENOEXEC '{event: "init_module", args: {len: 4096, params: ""}}
	+ mt_refused(4096)' \
	init --bad-image
bad "init_module of an unmapped image" EFAULT '{event: "init_module", args: {len: 4096, params: ""}}' \
	init --unmapped-image
bad "init_module with unmapped parameters" EFAULT '{event: "init_module",
	args: {len: ($ENV.SIZE | tonumber), params: null}, truncated: ["args.params"]}
	+ mt_refused($ENV.SIZE)' \
	--unmapped-params init "$CLEAN"
bad "finit_module with unmapped parameters" EFAULT '{event: "finit_module",
	args: mt_finit_args($ENV.CLEAN; null), truncated: ["args.params"]}
	+ mt_refused($ENV.SIZE)' \
	--unmapped-params finit "$CLEAN"
bad "finit_module with unknown flags" EINVAL '{event: "finit_module",
	args: (mt_finit_args($ENV.CLEAN; "") + {flags: ["0x80"], flags_raw: 128})}' \
	--flags 0x80 finit "$CLEAN"
bad "finit_module with known flags" EINVAL '{event: "finit_module",
	args: (mt_finit_args("/lib"; "") + {flags: ["ignore_modversions", "ignore_vermagic"], flags_raw: 3})}' \
	--flags 3 finit --dir /lib
# No file behind the fd: no path, which counts as cut (the kernel could not
# give one), no device, no inode.
bad "finit_module on a closed fd" EBADF '{event: "finit_module",
	args: (mt_finit_args(null; "") + {fd: 999, dev: null, ino: null}), truncated: ["args.path"]}' \
	finit --fd 999
bad "finit_module on a directory" EINVAL '{event: "finit_module", args: mt_finit_args("/lib"; "")}' \
	finit --dir /lib
bad "finit_module on a pipe" EINVAL '{event: "finit_module", args: mt_finit_args("pipe:[<number>]"; "")}' \
	finit --pipe
bad "finit_module on a read-write fd" ETXTBSY '{event: "finit_module", args: mt_finit_args($ENV.CLEAN; "")}' \
	finit --rdwr "$CLEAN"
mt_run "delete_module of a module not loaded" ENOENT delete mt_nothere
ev "delete_module of a module not loaded: unload_failed, ENOENT" '{event: "delete_module",
	args: mt_delete_args("mt_nothere"), ret: -2, errno: "ENOENT", outcome: "unload_failed"}'
# The obsolete calls: the number and raw arguments, no duration (one record).
for c in "create_module 174 1 2 3" "query_module 178" "get_kernel_syms 177"; do
	# shellcheck disable=SC2086
	set -- $c
	name=$1 nr=$2
	shift 2
	mt_run "$name" ENOSYS syscall "$name" "$@"
	ev "$name: ENOSYS, its number and raw arguments" "{event: \"$name\",
		args: {nr: $nr, raw: ([$(echo "$@" | tr ' ' ',')] + [0, 0, 0, 0, 0, 0])[0:6]},
		ret: -38, errno: \"ENOSYS\", outcome: \"enosys\", duration_ns: null}"
done

# --- a compressed module the kernel decompresses (6.12), or refuses (6.1) ---
mt_run compressed 0,EOPNOTSUPP --flags 4 finit /lib/mt/mt_clean.ko.xz
X='{event: "finit_module",
	args: (mt_finit_args("/lib/mt/mt_clean.ko.xz"; "") + {flags: ["compressed_file"], flags_raw: 4})}'
case $MT_RELEASE in
6.1.*)
	ev "compressed: 6.1 refuses it, EOPNOTSUPP, no init" \
		"$X + {ret: -95, errno: \"EOPNOTSUPP\", outcome: \"rejected\"}"
	;;
*)
	ev "compressed: 6.12 loads the module it decompressed" \
		"$X + {\"module\": mt_module(\"mt_clean\"; \"\"; 0), outcome: \"loaded\", init_duration_ns: \"<number>\"}
		+ mt_hashed(\"mt_clean\"; \$ENV.CLEAN_SHA; \$ENV.SIZE)"
	mtload --quiet --expect 0 delete mt_clean
	;;
esac

# --- four threads, one file ------------------------------------------------
# 6.1 lets one load and rejects the others (EEXIST); 6.12 runs one init and
# hands its result to the others, which waited for it. Each thread has an
# fd of its own.
mt_run_pid pid.t mtload --threads 4 --expect 0,EEXIST finit "$CLEAN" >threads.out
T=".pid == $(cat pid.t)"
n=300
while [ $n -gt 0 ] && [ "$(mt_json_count "$J" "select($T)")" != 4 ]; do
	sleep 0.1
	n=$((n - 1))
done
mt_eq "four threads: four events" 4 "$(mt_json_count "$J" "select($T)")"
loader=$(jq -r "select($T and .module != null) | .tid" "$J")
mt_eq "four threads: one of them ran the init" 1 "$(echo "$loader" | grep -c .)"
case $MT_RELEASE in
6.1.*)
	mt_eq "four threads: the one that got 0" \
		"$(sed -n 's/^finit_module ret=0 .* tid=\([0-9]*\)$/\1/p' threads.out)" "$loader"
	others='{ret: -17, errno: "EEXIST", outcome: "rejected"} + mt_refused($ENV.SIZE)'
	;;
*) others='{outcome: "waited"}' ;;
esac
for tid in $(sed -n 's/.* tid=\([0-9]*\)$/\1/p' threads.out); do
	C="$T and .tid == $tid"
	if [ "$tid" = "$loader" ]; then
		ev "four threads: thread $tid loaded it" '{event: "finit_module",
			args: (mt_finit_args($ENV.CLEAN; "") + {fd: "<number>"}),
			"module": mt_module("mt_clean"; ""; 0), outcome: "loaded", init_duration_ns: "<number>"}
			+ mt_hashed("mt_clean"; $ENV.CLEAN_SHA; $ENV.SIZE)' '[["args", "fd"]]'
	else
		ev "four threads: thread $tid did not load it" "{event: \"finit_module\",
			args: (mt_finit_args(\$ENV.CLEAN; \"\") + {fd: \"<number>\"})} + $others" '[["args", "fd"]]'
	fi
done
mtload --quiet --expect 0 delete mt_clean

# --- Debian's modules through Debian's tools -------------------------------
# bookworm's modprobe passes an uncompressed module by fd (6.1), and a
# compressed one as the image it decompressed itself (6.12). The file's fd
# is modprobe's business.
# debian WHAT COMM FILE [ERRNO VALUE]: the event of condition C is COMM's
# load of FILE, a module of the kernel package (signed by Debian, no taint;
# version and srcversion as modinfo says), loaded, or whose init failed with
# ERRNO (-VALUE).
debian() {
	name=$(basename "$3" | sed 's/\.ko.*//; s/-/_/g')
	version=$(/sbin/modinfo -F version "$3")
	srcversion=$(/sbin/modinfo -F srcversion "$3")
	case $3 in
	*.ko)
		kind=finit_module
		args="mt_finit_args(\"$3\"; \"\") + {fd: \"<number>\"}"
		sha=$(mt_sha256 "$3") bytes=$(wc -c <"$3")
		;;
	*.ko.xz)
		kind=init_module
		bytes=$(xzcat "$3" | wc -c)
		args="{len: $bytes, params: \"\"}"
		sha=$(xzcat "$3" | sha256sum | cut -d' ' -f1)
		;;
	*)
		kind=unknown args=null
		mt_fail "$1" "no expectation for a module file like $3"
		;;
	esac
	if [ -n "${4:-}" ]; then
		result="ret: -$5, errno: \"$4\", outcome: \"init_failed\""
		init_ret=-$5
	else
		result='outcome: "loaded"'
		init_ret=0
	fi
	ev "$1: $name, as $kind" "{event: \"$kind\", comm: \"$2\", args: ($args),
		\"module\": {name: \"$name\", sha256: \"<image.sha256>\", captured: null,
			hidden: (if $init_ret == 0 then false else null end),
			hidden_from: (if $init_ret == 0 then [] else null end), version: $(if [ -n "$version" ]; then echo "\"$version\""; else echo null; fi),
			srcversion: $(if [ -n "$srcversion" ]; then echo '"<srcversion>"'; else echo null; fi),
			taints: 0, signed: \$kernel_signed, params: \"\", text_size: \"<number>\",
			total_size: \"<number>\", init_ret: $init_ret},
		$result, init_duration_ns: \"<number>\"} + mt_hashed(\"$name\"; \"$sha\"; \"$bytes\")" \
		'[["args", "fd"]]'
}
mt_run_pid pid.m $MODPROBE 8021q
M=".pid == $(cat pid.m)"
mt_check "modprobe's events arrive" mt_wait_json "$J" "$M and .module.name == \"8021q\""
/sbin/modprobe --show-depends 8021q | awk '$1 == "insmod" { print $2 }' >deps.txt
while read -r f; do
	m=$(basename "$f" | sed 's/\.ko.*//; s/-/_/g')
	C="$M and .module.name == \"$m\""
	debian "modprobe 8021q" modprobe "$f"
done <deps.txt
mt_eq "one event per module modprobe loaded, no other" "$(grep -c . deps.txt)" \
	"$(mt_json_count "$J" "select($M)")"
dummy=$(/sbin/modinfo -n dummy)
mt_run_pid pid.i $INSMOD "$dummy"
C=".pid == $(cat pid.i)"
mt_check "insmod dummy: its event arrives" mt_wait_json "$J" "$C"
debian "insmod dummy by path" insmod "$dummy"
# kvm_intel's init fails under TCG (no VMX: EOPNOTSUPP), after its
# dependencies loaded.
mt_run_pid pid.k $MODPROBE kvm_intel
C=".pid == $(cat pid.k) and .module.name == \"kvm_intel\""
mt_check "modprobe kvm_intel: its event arrives" mt_wait_json "$J" "$C"
debian "modprobe kvm_intel" modprobe "$(/sbin/modinfo -n kvm_intel)" EOPNOTSUPP 95
$MODPROBE -r 8021q
$RMMOD dummy

# --- modules that hide as they load (never unloaded: no exit) --------------
# What a rootkit does in its init: unlink itself from the module list, or
# remove its /sys/module directory. The load is flagged on its event, with
# where the module is missing from; every other load above was checked and
# found in both.
for h in list:module_list sysfs:sysfs; do
	name=mthide_${h%%:*}
	mt_run "$name" 0 finit "$P/$name.ko"
	ev "$name: loaded, hidden from ${h#*:}" "{event: \"finit_module\",
		args: mt_finit_args(\"$P/$name.ko\"; \"\"),
		\"module\": (mt_module(\"$name\"; \"\"; 0) + {hidden: true, hidden_from: [\"${h#*:}\"]}),
		outcome: \"loaded\", init_duration_ns: \"<number>\"}
		+ mt_hashed(\"$name\"; \"$(mt_sha256 "$P/$name.ko")\"; \"$(wc -c <"$P/$name.ko")\")"
done
mt_check_not "mthide_list is not in /proc/modules" grep -q '^mthide_list ' /proc/modules
mt_check "mthide_sysfs is in /proc/modules" grep -q '^mthide_sysfs ' /proc/modules
mt_check_not "mthide_sysfs has no /sys/module directory" test -e /sys/module/mthide_sysfs

# --- the reader's end ------------------------------------------------------
sleep 0.5
kill "$reader"
wait "$reader"
mt_eq "the reader exits 0 on SIGTERM" 0 $?
mt_json_valid "$J"
mt_check "a summary on stderr" grep -q "events" "$J.err"
mt_check "modtrace unloads" $RMMOD modtrace
# --- every ABI ------------------------------------------------------------
J=$MT_RESULTS/abi.jsonl
PARAMS="count=7 verbose=1 label=abi values=4,5"
SIZE=$(wc -c <"$P/mt_clean.ko")
export P PARAMS SIZE

mt_check "modtrace loads" $MODPROBE modtrace
if mt_reader_start "$J" --json; then mt_ok "the reader subscribes"; else mt_fail "the reader subscribes" "readers did not rise"; fi
reader=$MT_READER

# call KIND EXPECT MTLOAD-ARGS...: one call with MT_LOADER, its thread and
# KIND kept in calls.ABI.
call() {
	kind=$1
	shift
	mt_call "$abi: $kind" "$@"
	echo "${MT_TID:-none} $kind" >>"calls.$abi"
}

# calls ABI LOADER: every kind of module syscall through LOADER.
calls() {
	abi=$1
	MT_LOADER=$2
	: >"calls.$abi"
	call init 0 init "$P/mt_clean.ko"
	call delete 0 delete mt_clean
	call finit 0 --params "$PARAMS" finit "$P/mt_clean.ko"
	call delete 0 delete mt_clean
	call badfd EBADF finit --fd 999
	call fail ENODEV finit "$P/mt_fail.ko"
	for c in create_module get_kernel_syms query_module; do
		call $c ENOSYS syscall $c
	done
	MT_LOADER=
}

calls x86_64 mtload
calls ia32 mtload32

# Debian's cloud config and the debug kernel's (x86_64_defconfig) lack
# CONFIG_X86_X32_ABI; where it is built in, the kernel has syscall.x32.
case $MT_FLAVOUR in
*cloud* | *debug*) built=no ;;
*) built=yes ;;
esac
if [ -e /sys/module/syscall/parameters/x32 ]; then have=yes; else have=no; fi
mt_eq "x32 built into the kernel: $built on $MT_FLAVOUR" "$built" "$have"
if [ "$have" = yes ]; then
	mt_eq "x32 is on (syscall.x32=y)" Y "$(cat /sys/module/syscall/parameters/x32)"
	calls x32 mtloadx32
else
	mt_call "without x32 the kernel does not run the x32 loader" ENOEXEC exec /usr/bin/mtloadx32
fi

mt_wait_quiet "$J"
kill "$reader"
wait "$reader"
mt_eq "the reader exits 0 on SIGTERM" 0 $?

# What each kind of call must come out as, over mt_base (lib.sh).
expected() {
	case $1 in
	init) echo '{event: "init_module", args: {len: ($ENV.SIZE | tonumber), params: ""},
		"module": mt_module("mt_clean"; ""; 0), outcome: "loaded", init_duration_ns: "<number>"}
		+ mt_hashed("mt_clean"; $ENV.CLEAN_SHA; $ENV.SIZE)' ;;
	delete) echo '{event: "delete_module", args: mt_delete_args("mt_clean"),
		"module": mt_unloaded("mt_clean"), outcome: "unloaded"}' ;;
	finit) echo '{event: "finit_module", args: mt_finit_args($ENV.P + "/mt_clean.ko"; $ENV.PARAMS),
		"module": mt_module("mt_clean"; $ENV.PARAMS; 0), outcome: "loaded", init_duration_ns: "<number>"}
		+ mt_hashed("mt_clean"; $ENV.CLEAN_SHA; $ENV.SIZE)' ;;
	badfd) echo '{event: "finit_module", args: (mt_finit_args(null; "") + {fd: 999, dev: null, ino: null}),
		ret: -9, errno: "EBADF", outcome: "rejected", truncated: ["args.path"]}' ;;
	fail) echo '{event: "finit_module", args: mt_finit_args($ENV.P + "/mt_fail.ko"; ""),
		"module": mt_module("mt_fail"; ""; -19), ret: -19, errno: "ENODEV", outcome: "init_failed",
		init_duration_ns: "<number>"} + mt_hashed("mt_fail"; $ENV.FAIL_SHA; $ENV.FAIL_SIZE)' ;;
	*) echo "{event: \"$1\", args: {nr: $2, raw: [0, 0, 0, 0, 0, 0]}, ret: -38, errno: \"ENOSYS\",
		outcome: \"enosys\", duration_ns: null}" ;;
	esac
}

# check ABI COMM CREATE GET_KERNEL_SYMS QUERY: each call of calls.ABI is one
# event, as expected; the last three are the obsolete calls' numbers.
check() {
	abi=$1 comm=$2
	while read -r tid kind; do
		case $kind in
		create_module) nr=$3 ;;
		get_kernel_syms) nr=$4 ;;
		query_module) nr=$5 ;;
		*) nr= ;;
		esac
		if [ "$tid" = none ]; then
			mt_fail "$abi: $kind: one complete event" "the loader printed no tid"
			continue
		fi
		mt_event "$abi: $kind: one complete event, abi $abi" "$J" ".tid == $tid" \
			"mt_base + {comm: \"$comm\", abi: \"$abi\"} + $(expected "$kind" "$nr")"
	done <"calls.$abi"
}

check x86_64 mtload 174 177 178
check ia32 mtload32 127 130 167
[ "$have" = no ] || check x32 mtloadx32 174 177 178
# Without x32, no binary format takes the x32 loader's ELF, and the kernel
# asks for one (fs/exec.c, request_module("binfmt-%04x") of the bytes after
# "\x7fE": 464c): one request_module event, whose modprobe finds nothing.
formats=0
if [ "$have" = no ]; then
	formats=1
	mt_event "without x32: the kernel asks for a binary format for the x32 loader" "$J" \
		'.event == "request_module"' \
		'mt_base + {event: "request_module", abi: null,
		  args: {name: "binfmt-464c", wait: true}, ret: 256, outcome: "request_failed",
		  request_result: {by: "modprobe", exit_status: 1, signal: null, errno: null},
		  duration_ns: "<number>"}'
fi
mt_eq "no other events" "$(($(cat calls.* | wc -l) + formats))" "$(wc -l <"$J")"

mt_check "modtrace unloads" $RMMOD modtrace
mt_done
