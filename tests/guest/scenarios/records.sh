# What the kernel module records, as `modtrace --raw` prints it: every
# payload through both syscalls, the loader's bad inputs, unload and the
# obsolete syscalls, two readers at once, an unprivileged reader, and an
# unload of modtrace while a load is in flight.
. /lib/mt/lib.sh
P=$MT_PAYLOADS
R=$MT_RESULTS/raw.jsonl
R2=$MT_RESULTS/raw2.jsonl
PARAMS="count=3 verbose=1 label=rec values=1,2,3"

mt_check "modtrace loads" $MODPROBE modtrace
modtrace --status >status.txt 2>&1
mt_check "modtrace --status works" test -s status.txt
modtrace --status --json >status.json 2>&1
# Where each probe attached, every point of it: 6.12 inlines
# __do_sys_finit_module, so finit_module falls back to each ABI's syscall
# wrapper, which together see every call; the unimplemented-syscall stubs
# are one per ABI everywhere.
case $MT_RELEASE in
6.1.*) finit=__do_sys_finit_module ;;
*) finit=__x64_sys_finit_module,__ia32_sys_finit_module ;;
esac
for p in init_module:__do_sys_init_module finit_module:$finit \
	do_init_module:do_init_module delete_module:__do_sys_delete_module \
	ni_syscall:__x64_sys_ni_syscall,__ia32_sys_ni_syscall parse_args:parse_args \
	free_module:free_module read_file:kernel_read_file load_module:load_module \
	request_module:__request_module request_name:security_kernel_module_request \
	umh_exec:call_usermodehelper_exec umh_start:call_usermodehelper_exec_async; do
	mt_eq "probe ${p%%:*} attached to ${p#*:}" "${p#*:}" \
		"$(jq -r "[.probes[] | select(.probe == \"${p%%:*}\") | .points[].symbol] | join(\",\")" status.json)"
done
mt_eq "parameters in sysfs" "4096 64 1024" \
	"$(mt_param modtrace buffer_records) $(mt_param modtrace reserved_records) $(mt_param modtrace string_max)"

if mt_reader_start "$R" --raw; then mt_ok "reader 1 subscribes"; else mt_fail "reader 1 subscribes" "readers did not rise"; fi
reader1=$MT_READER
if mt_reader_start "$R2" --raw; then mt_ok "reader 2 subscribes"; else mt_fail "reader 2 subscribes" "readers did not rise"; fi
reader2=$MT_READER

# --- finit_module with parameters: entry, init entry and exit, return ----
mt_run_pid pid.finit mtload --expect 0 --params "$PARAMS" finit "$P/mt_clean.ko" >/dev/null
pid=$(cat pid.finit)
srcversion=$(/sbin/modinfo -F srcversion "$P/mt_clean.ko")
mt_check "finit records arrive" mt_wait_json "$R" \
	".type == \"finit_module_exit\" and .task.tgid == $pid"
E="select(.type == \"finit_module_enter\" and .task.tgid == $pid)"
mt_json_has "finit entry: comm, pid, tid, ids" "$R" \
	"$E | .task.comm == \"mtload\" and .task.tid > 0 and .task.ppid > 0 and .task.uid == 0 and .task.euid == 0 and .task.gid == 0 and .task.pidns_ino > 0 and .task.mntns_ino > 0 and .task.abi == \"x86_64\""
mt_json_has "finit entry: params as the caller gave them" "$R" "$E | .params == \"$PARAMS\""
mt_json_has "finit entry: the fd's file, its device and inode but no path" "$R" \
	"$E | .fd >= 0 and .file.path == null and .file.ino > 0 and (.file.dev | length) > 0"
X="select(.type == \"finit_module_exit\" and .task.tgid == $pid)"
mt_json_has "finit return: the file the kernel read, path, device and inode as at entry" "$R" \
	"$X | .file.path == \"$P/mt_clean.ko\" and .file.ino == ($(mt_json_get "$R" "$E | ." .file.ino)) and .file.dev == \"$(mt_json_get "$R" "$E | ." .file.dev)\" and (.flags | index(\"file_changed\") | not)"
mt_json_has "finit entry: flags 0" "$R" "$E | .finit_flags == 0"
mt_json_has "finit return: the image the kernel hashed, the file's SHA-256 and length" "$R" \
	"$X | .image == {state: \"hashed\", len: $(wc -c <"$P/mt_clean.ko"), sha256: \"$(mt_sha256 "$P/mt_clean.ko")\", name: \"mt_clean\", capture: \"off\"}"
mt_json_has "finit return: the module checked for hiding, and found on the module list and in sysfs" "$R" \
	"$X | .hidden_from == []"
entry=$(mt_json_get "$R" "$E | ." .seq)
tid=$(mt_json_get "$R" "$E | ." .task.tid)
I="select(.type == \"do_init_enter\" and .module.name == \"mt_clean\" and .task.tgid == $pid)"
mt_json_has "init entry on the syscall's thread, after its entry" "$R" \
	"$I | .task.tid == $tid and .seq > $entry"
mt_json_has "init entry: the kernel's parameters" "$R" "$I | .module.args == \"$PARAMS\""
mt_json_has "init entry: version and srcversion" "$R" \
	"$I | .module.version == \"1.0\" and .module.srcversion == \"$srcversion\""
mt_json_has "init entry: sizes" "$R" "$I | .module.text_size > 0 and .module.total_size >= .module.text_size"
init=$(mt_json_get "$R" "$I | ." .seq)
mt_json_has "init exit: 0" "$R" \
	"select(.type == \"do_init_exit\" and .entry_seq == $init) | .ret == 0 and .duration_ns >= 0"
mt_json_has "finit exit: 0, joined to its entry" "$R" \
	"select(.type == \"finit_module_exit\" and .task.tgid == $pid) | .ret == 0 and .entry_seq == $entry"

# --- delete_module, init_module, an init that fails ----------------------
mt_call "delete_module mt_clean" 0 delete mt_clean
mt_check "delete records" mt_wait_json "$R" \
	'.type == "delete_module_exit" and .ret == 0'
mt_json_has "delete entry names the module" "$R" \
	'select(.type == "delete_module_enter") | .name == "mt_clean"'
D=$(mt_json_get "$R" 'select(.type == "delete_module_enter" and .name == "mt_clean")' .task.tid)
mt_json_has "the kernel names the module it frees, in the deleting thread, between entry and return" "$R" \
	"select(.type == \"module_free\" and .task.tid == $D) | .module.name == \"mt_clean\" and .seq > $(mt_json_get "$R" "select(.type == \"delete_module_enter\" and .task.tid == $D)" .seq) and .seq < $(mt_json_get "$R" "select(.type == \"delete_module_exit\" and .task.tid == $D)" .seq)"

size=$(wc -c <"$P/mt_clean.ko")
mt_run_pid pid.init mtload --expect 0 --params label=viainit init "$P/mt_clean.ko" >/dev/null
pid=$(cat pid.init)
mt_check "init_module records" mt_wait_json "$R" \
	".type == \"init_module_exit\" and .task.tgid == $pid and .ret == 0"
mt_json_has "init_module entry: image length and params" "$R" \
	"select(.type == \"init_module_enter\" and .task.tgid == $pid) | .image_len == $size and .params == \"label=viainit\""
mt_call "delete_module mt_clean" 0 delete mt_clean

mt_run_pid pid.fail mtload --expect ENODEV finit "$P/mt_fail.ko" >/dev/null
pid=$(cat pid.fail)
mt_check "failing init recorded" mt_wait_json "$R" \
	".type == \"finit_module_exit\" and .task.tgid == $pid"
mt_json_has "init exit carries -ENODEV" "$R" \
	"select(.type == \"do_init_exit\" and .task.tgid == $pid) | .ret == -19"
mt_json_has "finit exit carries -ENODEV" "$R" \
	"select(.type == \"finit_module_exit\" and .task.tgid == $pid) | .ret == -19"
mt_json_has "the kernel frees the module whose init failed, in the loading thread" "$R" \
	"select(.type == \"module_free\" and .task.tgid == $pid) | .module.name == \"mt_fail\""

# --- bad input: every call recorded with its error ------------------------
# call NAME EXPECT ERRNO-VALUE MTLOAD-ARGS...: the call is made, and its
# entry and a return with -ERRNO-VALUE are recorded for that process.
bad() {
	name=$1 expect=$2 value=$3
	shift 3
	mt_run_pid pid.bad mtload --expect "$expect" "$@" >/dev/null
	bpid=$(cat pid.bad)
	if mt_wait_json "$R" ".task.tgid == $bpid and (.type | endswith(\"_exit\")) and .ret == -$value"; then
		mt_ok "$name recorded with $expect"
	else
		mt_fail "$name" "no return record with ret -$value for pid $bpid"
	fi
}
bad "init_module of a non-ELF image" ENOEXEC 8 init --bad-image
bad "init_module of an unmapped image" EFAULT 14 init --unmapped-image
bad "init_module with unmapped parameters" EFAULT 14 --unmapped-params init "$P/mt_clean.ko"
mt_json_has "unmapped parameters flagged unreadable" "$R" \
	"select(.type == \"init_module_enter\" and .task.tgid == $bpid) | .flags | index(\"params_unreadable\")"
# The syscall itself is probed, so calls it rejects before reading the file
# are seen too.
bad "finit_module on a closed fd" EBADF 9 finit --fd 999
mt_json_has "closed fd: no file" "$R" \
	"select(.type == \"finit_module_enter\" and .task.tgid == $bpid) | .fd == 999 and .file == null and (.flags | index(\"path_unavailable\"))"
mt_json_has "closed fd: no file at the return either" "$R" \
	"select(.type == \"finit_module_exit\" and .task.tgid == $bpid) | .ret == -9 and .file == null and (.flags | index(\"path_unavailable\"))"
bad "finit_module on a directory" EINVAL 22 finit --dir /lib
mt_json_has "directory fd's path" "$R" \
	"select(.type == \"finit_module_exit\" and .task.tgid == $bpid) | .file.path == \"/lib\""
bad "finit_module with unknown flags" EINVAL 22 --flags 0x80 finit "$P/mt_clean.ko"
mt_json_has "raw unknown flags" "$R" \
	"select(.type == \"finit_module_enter\" and .task.tgid == $bpid) | .finit_flags == 128"
bad "finit_module on a read-write fd" ETXTBSY 26 finit --rdwr "$P/mt_clean.ko"
bad "delete_module of a module not loaded" ENOENT 2 delete mt_nothere

mt_run_pid pid.ni mtload --expect ENOSYS syscall 174 1 2 3 >/dev/null
pid=$(cat pid.ni)
mt_check "create_module recorded" mt_wait_json "$R" \
	".type == \"obsolete_syscall\" and .task.tgid == $pid and .syscall_nr == 174"
mt_json_has "create_module's raw arguments" "$R" \
	"select(.type == \"obsolete_syscall\" and .task.tgid == $pid) | .syscall_args[0:3] == [1,2,3]"

# --- two readers saw the same records -------------------------------------
sleep 1
last=$(jq -s 'map(.seq // 0) | max' "$R")
mt_eq "reader 2 saw every record reader 1 saw" \
	"$(jq -s -c '[.[] | .seq // empty]' "$R")" "$(jq -s -c '[.[] | .seq // empty]' "$R2")"
mt_eq "no sequence gap" "$(jq -s -c '[.[] | .seq // empty] | sort' "$R")" \
	"$(jq -s -c "[.[] | .seq // empty] | sort | [range(first; $last + 1)]" "$R")"
kill "$reader2"
wait "$reader2" 2>/dev/null
mt_check "reader 2 left cleanly" test "$(mt_readers)" = 1

# x86_64 kernel addresses are at or above 0xffff800000000000.
mt_eq "no number in any record is a kernel address" 0 \
	"$(jq -s '[.[] | .. | numbers | select(. >= 18446603336221196288)] | length' "$R")"

# --- an unprivileged reader is refused ------------------------------------
su -s /bin/sh lab -c 'modtrace --raw' >unpriv.out 2>unpriv.err
mt_eq "unprivileged reader exits 1" 1 $?
mt_check "unprivileged reader says why" grep -qi 'permission' unpriv.err

# --- unload modtrace while an init sleeps and a reader is attached -------
mtload --expect 0 --params delay_ms=3000 finit "$P/mt_sleep.ko" >sleep.out 2>&1 &
loader=$!
mt_wait_json "$R" '.type == "do_init_enter" and .module.name == "mt_sleep"' 5
mt_check "rmmod modtrace during a sleeping init" $RMMOD modtrace
wait "$reader1"
mt_eq "the reader exits 1 when the module goes" 1 $?
mt_check "the reader says the module was unloaded" grep -q 'unloaded' "$R.err"
wait "$loader"
mt_eq "the sleeping load still succeeds" 0 $?
mt_check "mt_sleep loaded" mt_loaded mt_sleep
mt_call "delete_module mt_sleep" 0 delete mt_sleep
mt_check "modtrace reloads" $MODPROBE modtrace
mt_check "and unloads again" $RMMOD modtrace
mt_done
