# The lab itself: each payload through each syscall, return codes as the
# man page and the kernel source give them, /proc/modules and sysfs after
# every load, and a clean unload.
. /lib/mt/lib.sh
P=$MT_PAYLOADS
PARAMS="count=3 verbose=1 label=lab values=1,2,3"

mt_eq "guest runs the lab kernel" "$MT_RELEASE" "$(uname -r)"
mt_check "modtrace loads" $MODPROBE modtrace
mt_check "modtrace is in /proc/modules" mt_loaded modtrace

# mt_clean through finit_module, with parameters of every type.
mt_call "finit_module mt_clean" 0 --params "$PARAMS" finit "$P/mt_clean.ko"
mt_check "mt_clean is in /proc/modules" mt_loaded mt_clean
mt_eq "int parameter" 3 "$(mt_param mt_clean count)"
mt_eq "bool parameter" Y "$(mt_param mt_clean verbose)"
mt_eq "string parameter" lab "$(mt_param mt_clean label)"
mt_eq "array parameter" 1,2,3 "$(mt_param mt_clean values)"
mt_call "finit_module mt_clean again" EEXIST finit "$P/mt_clean.ko"
mt_call "init_module mt_clean again" EEXIST init "$P/mt_clean.ko"
mt_call "delete_module mt_clean" 0 delete mt_clean
mt_check_not "mt_clean is gone" mt_loaded mt_clean

# The same through init_module.
mt_call "init_module mt_clean" 0 --params "label=init" init "$P/mt_clean.ko"
mt_eq "string parameter via init_module" init "$(mt_param mt_clean label)"
mt_call "delete_module mt_clean" 0 delete mt_clean
mt_call "delete_module of a module not loaded" ENOENT delete mt_clean

# An init that fails: its code comes back and nothing stays loaded.
mt_call "finit_module mt_fail" ENODEV finit "$P/mt_fail.ko"
mt_call "init_module mt_fail" ENODEV init "$P/mt_fail.ko"
mt_check_not "mt_fail is not loaded" mt_loaded mt_fail

# An init that sleeps.
mt_call "finit_module mt_sleep (300 ms init)" 0 --params delay_ms=300 finit "$P/mt_sleep.ko"
mt_eq "sleep parameter" 300 "$(mt_param mt_sleep delay_ms)"
mt_call "delete_module mt_sleep" 0 delete mt_sleep

# Bad input. Directory and pipe fds fail in kernel_read_file(), which takes
# only regular files (EINVAL); a file open for writing is ETXTBSY.
mt_call "init_module of a non-ELF image" ENOEXEC init --bad-image
mt_call "init_module of an unmapped image" EFAULT init --unmapped-image
mt_call "init_module with unmapped parameters" EFAULT --unmapped-params init "$P/mt_clean.ko"
mt_call "finit_module with unmapped parameters" EFAULT --unmapped-params finit "$P/mt_clean.ko"
mt_call "finit_module with unknown flag bits" EINVAL --flags 0x80 finit "$P/mt_clean.ko"
mt_call "finit_module on a closed fd" EBADF finit --fd 999
mt_call "finit_module on fd -1" EBADF finit --fd -1
mt_call "finit_module on a directory" EINVAL finit --dir /lib
mt_call "finit_module on a pipe" EINVAL finit --pipe
mt_call "finit_module on a read-write fd" ETXTBSY finit --rdwr "$P/mt_clean.ko"
mt_check_not "no failed load left mt_clean behind" mt_loaded mt_clean
mt_call "create_module (174) is gone" ENOSYS syscall 174

# Four threads load one file at once: 6.1 lets one win and gives the others
# EEXIST; 6.12 (idempotent_init_module) gives every caller the one result.
out=$(mtload --threads 4 --expect 0,EEXIST finit "$P/mt_clean.ko")
wins=$(echo "$out" | grep -c 'ret=0 ')
case $MT_RELEASE in
6.1.*) mt_eq "concurrent finit_module: one winner" 1 "$wins" ;;
*) mt_eq "concurrent finit_module: every caller gets 0" 4 "$wins" ;;
esac
mt_call "delete_module mt_clean" 0 delete mt_clean

# Real Debian modules through Debian's own tools.
mt_check "modprobe 8021q pulls in its dependencies" $MODPROBE 8021q
for m in 8021q garp mrp stp llc; do
	mt_check "$m is loaded" mt_loaded $m
done
mt_check "modprobe -r 8021q" $MODPROBE -r 8021q
mt_check "insmod of dummy by path" $INSMOD "$(/sbin/modinfo -n dummy)"
mt_check "rmmod dummy" $RMMOD dummy

mt_check "modtrace unloads" $RMMOD modtrace
mt_check_not "modtrace is gone" mt_loaded modtrace
mt_done
