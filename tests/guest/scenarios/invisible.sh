# modtrace changes no syscall's result. One sequence of module syscalls is
# made twice in one boot, the same way: first without modtrace, then with
# modtrace loaded and a `modtrace --json` reader attached. It holds every
# payload and bad input of the loader (as lab.sh); a read-write then a
# read-only fd on one file in one process; a refused and a successful load
# from a freshly mounted tmpfs, each followed at once (by the loader's own
# thread, its fd closed) by umount; a load from a file unlinked at once
# after it, then umount; and the 32-bit loader's calls. A file or mount
# modtrace still held would show as ETXTBSY or EBUSY. Every call must give
# the same result both times, and the reader must print one event per call.
. /lib/mt/lib.sh
P=$MT_PAYLOADS
J=$MT_RESULTS/events.jsonl
PARAMS="count=3 verbose=1 label=inv values=1,2,3"
MNT=/tmp/mt-tmpfs

# run_step ORDER LABEL MTLOAD-ARGS...: one run of the loader (LOADER, else
# mtload): "LABEL: CALL=OUTCOME..." (through ORDER, cat or sort) to $out,
# the thread of each module syscall to $out.tids.
run_step() {
	order=$1 label=$2
	shift 2
	res=$(${LOADER:-mtload} "$@" 2>&1)
	echo "$label: $(echo "$res" | sed -n 's/^\([^ ]*\) ret=[^ ]* errno=\([^ ]*\) tid=.*/\1=\2/p' |
		$order | tr '\n' ' ')" >>"$out"
	echo "$res" | grep -v -e '^unlink ' -e '^umount ' |
		sed -n 's/.* tid=\([0-9]*\)$/\1/p' >>"$out.tids"
}

# step LABEL MTLOAD-ARGS...: run_step, the outcomes in the order of the calls.
step() {
	run_step cat "$@"
}

# any_order LABEL MTLOAD-ARGS...: run_step for calls of several threads,
# which end in any order.
any_order() {
	run_step sort "$@"
}

# on_tmpfs LABEL MTLOAD-ARGS...: the loader on a copy of mt_clean.ko on a
# tmpfs mounted just now (its path ends the arguments), then its umount by
# the loader. If that failed, the mount goes now, so that what follows
# starts clean.
on_tmpfs() {
	label=$1
	shift
	mkdir -p $MNT
	mount -t tmpfs mt-tmpfs $MNT
	cp "$P/mt_clean.ko" $MNT/
	step "$label" --umount $MNT "$@" $MNT/mt_clean.ko
	n=0
	while grep -q " $MNT " /proc/mounts && [ $n -lt 50 ]; do
		umount $MNT 2>/dev/null || sleep 0.1
		n=$((n + 1))
	done
}

# sequence OUT: the whole sequence, results in OUT.
sequence() {
	out=$1
	: >"$out"
	: >"$out.tids"
	step "finit_module mt_clean with parameters" --params "$PARAMS" finit "$P/mt_clean.ko"
	step "finit_module mt_clean again" finit "$P/mt_clean.ko"
	step "init_module mt_clean again" init "$P/mt_clean.ko"
	step "delete_module mt_clean" delete mt_clean
	step "init_module mt_clean with parameters" --params label=init init "$P/mt_clean.ko"
	step "delete_module mt_clean" delete mt_clean
	step "delete_module of a module not loaded" delete mt_clean
	step "finit_module mt_fail" finit "$P/mt_fail.ko"
	step "init_module mt_fail" init "$P/mt_fail.ko"
	step "finit_module mt_sleep (300 ms init)" --params delay_ms=300 finit "$P/mt_sleep.ko"
	step "delete_module mt_sleep" delete mt_sleep
	step "init_module of a non-ELF image" init --bad-image
	step "init_module of an unmapped image" init --unmapped-image
	step "init_module with unmapped parameters" --unmapped-params init "$P/mt_clean.ko"
	step "finit_module with unmapped parameters" --unmapped-params finit "$P/mt_clean.ko"
	step "finit_module with unknown flag bits" --flags 0x80 finit "$P/mt_clean.ko"
	step "finit_module on a closed fd" finit --fd 999
	step "finit_module on fd -1" finit --fd -1
	step "finit_module on a directory" finit --dir /lib
	step "finit_module on a pipe" finit --pipe
	step "finit_module on a read-write fd" finit --rdwr "$P/mt_clean.ko"
	step "read-write fd, then read-only with NULL parameters" finit --rdwr-then-rdonly "$P/mt_clean.ko"
	step "create_module" syscall create_module
	step "get_kernel_syms" syscall get_kernel_syms
	step "query_module" syscall query_module
	any_order "four threads load one file" --threads 4 finit "$P/mt_clean.ko"
	step "delete_module mt_clean" delete mt_clean

	on_tmpfs "refused load from a fresh tmpfs, umount" --flags 0x80 finit
	on_tmpfs "load from a fresh tmpfs, umount" finit
	step "delete_module mt_clean" delete mt_clean
	on_tmpfs "load from a fresh tmpfs, unlink, umount" --unlink finit
	step "delete_module mt_clean" delete mt_clean

	LOADER=mtload32
	step "32-bit: finit_module mt_clean with parameters" --params "$PARAMS" finit "$P/mt_clean.ko"
	step "32-bit: finit_module mt_clean again" finit "$P/mt_clean.ko"
	step "32-bit: delete_module mt_clean" delete mt_clean
	step "32-bit: init_module mt_clean" init "$P/mt_clean.ko"
	step "32-bit: delete_module mt_clean" delete mt_clean
	step "32-bit: init_module of a non-ELF image" init --bad-image
	step "32-bit: finit_module on a closed fd" finit --fd 999
	step "32-bit: finit_module on a read-write fd" finit --rdwr "$P/mt_clean.ko"
	step "32-bit: read-write fd, then read-only with NULL parameters" finit --rdwr-then-rdonly "$P/mt_clean.ko"
	step "32-bit: create_module" syscall create_module
	on_tmpfs "32-bit: refused load from a fresh tmpfs, umount" --flags 0x80 finit
	LOADER=
}

mt_check_not "modtrace is not loaded for the first pass" mt_loaded modtrace
sequence pass1.txt
mt_check_not "the first pass left no payload loaded" \
	sh -c "grep -Eq '^(mt_clean|mt_fail|mt_sleep) ' /proc/modules"

mt_check "modtrace loads" $MODPROBE modtrace
if mt_reader_start "$J" --json; then mt_ok "the reader subscribes"; else mt_fail "the reader subscribes" "readers did not rise"; fi
reader=$MT_READER
sequence pass2.txt
mt_check_not "the second pass left no payload loaded" \
	sh -c "grep -Eq '^(mt_clean|mt_fail|mt_sleep) ' /proc/modules"

if cmp -s pass1.txt pass2.txt; then
	mt_ok "every call and umount gives the same result with modtrace as without ($(wc -l <pass1.txt) results)"
else
	mt_fail "every call and umount gives the same result with modtrace as without" \
		"$(awk 'NR == FNR { a[FNR] = $0; next } a[FNR] != $0 { n++ } END { print n + 0 }' pass1.txt pass2.txt) of $(wc -l <pass1.txt) differ"
	awk 'NR == FNR { a[FNR] = $0; next }
		a[FNR] != $0 { print "  differs: without modtrace \"" a[FNR] "\", with modtrace \"" $0 "\"" }' \
		pass1.txt pass2.txt
	echo "  without modtrace:"
	sed 's/^/    /' pass1.txt
	echo "  with modtrace:"
	sed 's/^/    /' pass2.txt
fi

# One event per call of the second pass: as many events per thread as
# calls that thread made, and no other event.
calls=$(grep -c . pass2.txt.tids)
n=300
while [ $n -gt 0 ] && [ "$(grep -c . "$J")" -lt "$calls" ]; do
	sleep 0.1
	n=$((n - 1))
done
mt_wait_quiet "$J"
kill "$reader"
wait "$reader"
mt_eq "the reader exits 0 on SIGTERM" 0 $?
sort -n pass2.txt.tids | uniq -c >calls-per-tid.txt
jq -r '.tid' "$J" | sort -n | uniq -c >events-per-tid.txt
if cmp -s calls-per-tid.txt events-per-tid.txt; then
	mt_ok "one event per call ($calls calls)"
else
	mt_fail "one event per call" "$calls calls, $(grep -c . "$J") events; per thread (count tid), calls against events:"
	diff calls-per-tid.txt events-per-tid.txt | sed 's/^/  /'
fi
mt_json_valid "$J"
mt_check "modtrace unloads" $RMMOD modtrace
mt_done
