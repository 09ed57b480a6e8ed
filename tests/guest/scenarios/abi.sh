# mt-append: syscall.x32=y
# The three syscall ABIs: a 64-bit (mtload), a 32-bit (mtload32) and an x32
# (mtloadx32) loader each make every kind of module syscall, and each call
# comes out of `modtrace --json` as exactly one complete event, compared key
# for key with what the call was: its thread, arguments, module, result, and
# the ABI it came through. Kernels built without x32 (cloud, 6.1-debug) must
# refuse to run the x32 loader at all; everywhere else x32 is switched on
# (the line above) and must work.
. /lib/mt/lib.sh
P=$MT_PAYLOADS
J=$MT_RESULTS/events.jsonl
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
		"module": mt_module("mt_clean"; ""; 0), outcome: "loaded", init_duration_ns: "<number>"}' ;;
	delete) echo '{event: "delete_module", args: mt_delete_args("mt_clean"),
		"module": mt_unloaded("mt_clean"), outcome: "unloaded"}' ;;
	finit) echo '{event: "finit_module", args: mt_finit_args($ENV.P + "/mt_clean.ko"; $ENV.PARAMS),
		"module": mt_module("mt_clean"; $ENV.PARAMS; 0), outcome: "loaded", init_duration_ns: "<number>"}' ;;
	badfd) echo '{event: "finit_module", args: (mt_finit_args(null; "") + {fd: 999, dev: null, ino: null}),
		ret: -9, errno: "EBADF", outcome: "rejected", truncated: ["args.path"]}' ;;
	fail) echo '{event: "finit_module", args: mt_finit_args($ENV.P + "/mt_fail.ko"; ""),
		"module": mt_module("mt_fail"; ""; -19), ret: -19, errno: "ENODEV", outcome: "init_failed",
		init_duration_ns: "<number>"}' ;;
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
mt_eq "no other events" "$(cat calls.* | wc -l)" "$(wc -l <"$J")"

mt_check "modtrace unloads" $RMMOD modtrace
mt_done
