#!/usr/bin/env bash
# Boot a Debian kernel in QEMU with modtrace, the reader, the test payloads
# and real modules, run scenario scripts inside one after the other, and
# bring back each one's exit status, output and dmesg over a virtio serial
# port.
set -euo pipefail
. "$(dirname "$0")/common.sh"

# Real modules from the kernel package that the guest carries, with their
# dependencies: the results channel, plus payloads for scenarios (dummy has no
# dependencies, 8021q has a chain of four, kvm_intel fails to init under TCG).
# A scenario may ask for more ('# mt-modules: NAME...').
GUEST_MODULES=(virtio_pci virtio_console dummy 8021q kvm_intel)
WANTED_MODULES=()

# What in dmesg makes a scenario fail, as an extended regular expression.
DMESG_BAD='BUG:|WARNING:|Oops|kernel BUG|sleeping function called from invalid context|possible (circular|recursive) locking|inconsistent lock state|suspicious RCU usage|DEBUG_LOCKS_WARN_ON|INFO: lockdep|lockdep (is|has been) (turned off|disabled)|general protection fault|UBSAN:|KASAN:|kmemleak:.*(suspected|new suspected)|Kernel panic'

usage() {
	cat <<USAGE
usage: $MT_PROG [options] SCENARIO... [-- ARGS...]

Boots a Debian kernel under QEMU (TCG) with modtrace and runs each SCENARIO,
a POSIX sh script, inside, one after the other in the same boot; ARGS are
passed to each. Between two scenarios the guest stops what the first left
running and unloads modtrace and the test payloads. Exit status: 0 when every
scenario exited 0 and the kernel said nothing wrong in dmesg while it ran,
1 otherwise, 2 for usage errors.

options:
  --kernel K     lab flavour or release to boot (default: \$MODTRACE_KERNEL or 6.1)
  --out DIR      where results go (default: build/guest/K/NAME, NAME the
                 scenario's, or "all" for several); scenario S's in DIR/S
  --timeout S    limit for each scenario inside the guest, seconds (default:
                 the scenario's '# mt-timeout:', else 300; twice that on a
                 kernel with sanitizers, 6.1-debug); the whole boot is killed
                 120 s after the sum
  --bin PATH     add a program to the guest's /usr/bin (repeatable)
  --modtrace-ko F  use this modtrace.ko (or .ko.xz), e.g. one DKMS installed,
                 instead of the one built from kmod/
  --memory MB    guest memory (default 1024)
  --cpus N       guest vCPUs (default 2; more than the host's cores only say
                 how costs grow with CPUs, not how fast anything is)
  --live         show the scenario's output on this terminal as it runs
  --shell        boot to an interactive shell instead (Ctrl-a x quits)
  --kvm          use KVM instead of TCG (also MODTRACE_KVM=1)
  --tcg single   run every vCPU on one host thread (default: one thread each,
                 but for the scenarios that ask for one, see below)

A scenario can ask for kernel command-line options with a line
'# mt-append: OPTIONS' in its leading comment block (e.g. syscall.x32=y);
they are added to the guest's command line (every scenario's, in order).
A line '# mt-timeout: S' there sets its limit when --timeout is not given;
a line '# mt-taints: WHY' (it taints the kernel) makes it run after the
others; a line '# mt-needs: ynl' puts Debian's python3 with PyYAML, the
kernel's YNL library (/lib/mt/ynl/lib) and kmod/modtrace.yaml
(/lib/mt/modtrace.yaml) in the guest; '# mt-modules: NAME...' more of the
kernel package's modules, with their dependencies (one the kernel does not
have is left out, said, and the scenario finds out with modinfo).
A line '# mt-tcg: single' is for a scenario that patches kernel text while
other vCPUs run through it (rmmod modtrace in a flood). Multi-threaded TCG
can go on running a translation of the old bytes there: a breakpoint the
kernel has already taken out, hit with no kprobe left to claim it ("Oops:
int3" at __do_sys_init_module+0x1, 6.12 under QEMU 7.2), which no CPU does.
Such scenarios boot after the others, on their own, with --tcg single: the
guest keeps its vCPUs, interleaved on one host thread. Their results go to
DIR/tcg-single.

Inside the guest: /sbin has Debian's kmod tools, /bin busybox, our modules
are in /lib/modules/RELEASE/extra (and /lib/mt/mt_clean.ko.xz); a scenario
sees MT_RELEASE, MT_FLAVOUR, MT_PAYLOADS, MT_SLOW (1 on a kernel with
sanitizers, where it may do less) and MT_RESULTS (its working directory,
brought back to DIR/NAME) and can source /lib/mt/lib.sh for assertions.

examples:
  $MT_PROG --kernel 6.12-rt --bin build/cmake/userspace/modtrace tests/guest/scenarios/lab.sh
  $MT_PROG --kernel 6.1 --bin ... tests/guest/scenarios/*.sh
USAGE
}

kernel=${MODTRACE_KERNEL:-6.1} out= timeout= memory=1024 cpus=2 live=0 shell=0
kvm=${MODTRACE_KVM:-0} bins=() modtrace_ko= tcg=
# The options a second boot, for the scenarios that want single-threaded
# TCG, is given again.
again=()
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) kernel=$2; again+=("$1" "$2"); shift 2 ;;
	--out) out=$2; shift 2 ;;
	--timeout) timeout=$2; again+=("$1" "$2"); shift 2 ;;
	--bin) bins+=("$2"); again+=("$1" "$2"); shift 2 ;;
	--modtrace-ko) modtrace_ko=$2; again+=("$1" "$2"); shift 2 ;;
	--memory) memory=$2; again+=("$1" "$2"); shift 2 ;;
	--cpus) cpus=$2; again+=("$1" "$2"); shift 2 ;;
	--live) live=1; again+=("$1"); shift ;;
	--shell) shell=1; shift ;;
	--kvm) kvm=1; shift ;;
	--tcg) tcg=$2; shift 2 ;;
	-h | --help) usage; exit 0 ;;
	--) shift; break ;;
	-*) mt_say "unknown option $1"; usage >&2; exit 2 ;;
	*) break ;;
	esac
done
case $cpus in
'' | *[!0-9]* | 0*) mt_say "--cpus wants a number of vCPUs from 1, not '$cpus'"; usage >&2; exit 2 ;;
esac
case $tcg in
'' | single) ;;
*) mt_say "--tcg takes 'single', not '$tcg'"; usage >&2; exit 2 ;;
esac
# Scenarios that taint the kernel ('# mt-taints: WHY' in their leading
# comment block: a forced unload turns lockdep off) run after the others.
scenarios=() last=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do
	if [ -f "$1" ] && sed -n '/^[^#]/q; p' "$1" | grep -q '^# mt-taints:'; then
		last+=("$1")
	else
		scenarios+=("$1")
	fi
	shift
done
scenarios+=("${last[@]}")
[ "${1:-}" != -- ] || shift
if [ $shell -eq 1 ]; then
	[ ${#scenarios[@]} -gt 0 ] || scenarios=(/dev/null)
else
	[ ${#scenarios[@]} -ge 1 ] || { usage >&2; exit 2; }
fi
[ -z "$timeout" ] || [[ $timeout =~ ^[0-9]+$ ]] || { mt_say "--timeout takes seconds"; exit 2; }
for b in "${bins[@]}"; do [ -x "$b" ] || { mt_say "no program $b"; exit 2; }; done
eval "$("$MT_TOP/scripts/kernel.sh" --quiet "$kernel")"
"$MT_TOP/scripts/build-modules.sh" --quiet "$kernel" >/dev/null
# A kernel with sanitizers (KASAN, lockdep, kmemleak) runs everything
# several times slower: twice the default limits, and MT_SLOW for scenarios.
slow=0
case $kernel/$release in *-debug/* | *mtdebug*) slow=1 ;; esac

# What each scenario's leading comment block asks for: '# mt-append:' kernel
# options, '# mt-timeout:' a longer limit than the default (300 s).
names=() limits=() append_extra= total=0 needs_ynl=0 multi=() single=()
for scenario in "${scenarios[@]}"; do
	[ -f "$scenario" ] || [ "$scenario" = /dev/null ] || { mt_say "no scenario file $scenario"; exit 2; }
	scenario_timeout= wants_single=0
	while IFS= read -r line; do
		case $line in
		'# mt-append: '*)
			opt=${line#'# mt-append: '}
			case " $append_extra " in *" $opt "*) ;; *) append_extra+=" $opt" ;; esac ;;
		'# mt-timeout: '*) scenario_timeout=${line#'# mt-timeout: '} ;;
		'# mt-needs: ynl') needs_ynl=1 ;;
		'# mt-tcg: single') wants_single=1 ;;
		'# mt-modules: '*) read -r -a more <<<"${line#'# mt-modules: '}" && WANTED_MODULES+=("${more[@]}") ;;
		'#'* | '') ;;
		*) break ;;
		esac
	done <"$scenario"
	limit=${scenario_timeout:-300}
	[ $slow -eq 0 ] || limit=$((limit * 2))
	limit=${timeout:-$limit}
	name=$(basename "$scenario" .sh)
	case " ${names[*]} " in *" $name "*) mt_say "two scenarios named $name"; exit 2 ;; esac
	names+=("$name")
	limits+=("$limit")
	total=$((total + limit))
	if [ $wants_single -eq 1 ]; then single+=("$scenario"); else multi+=("$scenario"); fi
done
if [ ${#names[@]} -eq 1 ]; then name=${names[0]}; else name=all; fi
out=${out:-$MT_BUILD/guest/$kernel/$name}
# Under TCG, the scenarios that want one host thread boot on their own
# after the others; alone, they boot that way.
if [ "$kvm" = 0 ] && [ -z "$tcg" ] && [ $shell -eq 0 ] && [ ${#single[@]} -gt 0 ]; then
	if [ ${#multi[@]} -eq 0 ]; then
		tcg=single
	else
		rc=0 rc_single=0
		"$0" "${again[@]}" --out "$out" "${multi[@]}" -- "$@" || rc=$?
		[ $rc -le 1 ] || exit $rc
		mt_say "$(printf '%s ' "${single[@]##*/}")on $kernel: a boot of their own, with single-threaded TCG"
		"$0" "${again[@]}" --tcg single --out "$out/tcg-single" "${single[@]}" -- "$@" || rc_single=$?
		exit $((rc > rc_single ? rc : rc_single))
	fi
fi
rm -rf "$out"
mkdir -p "$out"
out=$(cd "$out" && pwd)

# --- the initramfs ---------------------------------------------------------
img=${modules%/lib/modules/*}
root=$out/initramfs
mkdir -p "$root"/{bin,sbin,usr/bin,lib/mt,proc,sys,dev,tmp,results,etc}

copy_libs() { # the shared libraries (and loader) a dynamic program needs
	local libs
	libs=$(ldd "$1" 2>/dev/null | grep -o '/[^ ]*') || return 0
	for lib in $libs; do
		mkdir -p "$root$(dirname "$lib")"
		[ -e "$root$lib" ] || cp -L "$lib" "$root$lib"
	done
}

cp /bin/busybox "$root/bin/busybox"
for applet in $(busybox --list); do
	[ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
done
cp /usr/bin/kmod "$root/sbin/kmod"
copy_libs /usr/bin/kmod
for tool in insmod rmmod modprobe lsmod modinfo depmod; do ln -sf kmod "$root/sbin/$tool"; done
for b in /usr/bin/jq "${bins[@]}"; do
	cp "$b" "$root/usr/bin/"
	copy_libs "$b"
done

# The kernel's YNL client: Debian's python3 and its standard library, less
# what no scenario imports, PyYAML, the YNL library and the spec.
if [ $needs_ynl -eq 1 ]; then
	ynl_lib=$("$MT_TOP/scripts/ynl-check.sh" --lib)
	cp /usr/bin/python3.11 "$root/usr/bin/python3"
	copy_libs /usr/bin/python3.11
	mkdir -p "$root/usr/lib"
	tar -C /usr/lib -cf - --exclude=test --exclude=idlelib --exclude=tkinter \
		--exclude=lib2to3 --exclude=ensurepip --exclude=distutils \
		--exclude=pydoc_data --exclude=unittest --exclude='config-3.11-*' \
		python3.11 python3/dist-packages/yaml python3/dist-packages/_yaml |
		tar -C "$root/usr/lib" -xf -
	for so in /usr/lib/python3.11/lib-dynload/*.so \
		/usr/lib/python3/dist-packages/yaml/*.so; do
		[ -e "$so" ] && copy_libs "$so"
	done
	mkdir -p "$root/lib/mt/ynl"
	cp -r "$ynl_lib" "$root/lib/mt/ynl/lib"
	cp "$MT_TOP/kmod/modtrace.yaml" "$root/lib/mt/modtrace.yaml"
fi

# What scenarios ask for and the kernel does not have (the sanitizer kernel
# is built with fewer modules) is left out: a scenario finds out with
# modinfo and does without it.
for m in "${WANTED_MODULES[@]}"; do
	if modprobe -d "$img" -S "$release" --show-depends "$m" >/dev/null 2>&1; then
		GUEST_MODULES+=("$m")
	else
		mt_say "$release has no module $m: the guest goes without it"
	fi
done
mdir=$root/lib/modules/$release
mkdir -p "$mdir/extra"
cp "$modules"/modules.{order,builtin,builtin.modinfo} "$mdir/"
for m in "${GUEST_MODULES[@]}"; do
	modprobe -d "$img" -S "$release" --show-depends "$m" |
		awk '$1 == "insmod" { print $2 }' | while read -r f; do
		rel_path=${f#"$modules"/}
		mkdir -p "$mdir/$(dirname "$rel_path")"
		cp "$f" "$mdir/$rel_path"
	done
done
cp "$MT_BUILD/modules/$release"/payloads/*.ko "$mdir/extra/"
# An xz-compressed payload for finit_module(MODULE_INIT_COMPRESSED_FILE), in
# the form the kernel's decompressor takes, outside depmod's reach.
xz --check=crc32 --lzma2=dict=1MiB -c "$MT_BUILD/modules/$release/payloads/mt_clean.ko" \
	>"$root/lib/mt/mt_clean.ko.xz"
if [ -n "$modtrace_ko" ]; then
	[ -f "$modtrace_ko" ] || mt_die "no module at $modtrace_ko"
	cp "$modtrace_ko" "$mdir/extra/"
else
	cp "$MT_BUILD/modules/$release"/kmod/*.ko "$mdir/extra/"
fi
depmod -b "$root" "$release"

# root, and "lab" (uid 1000) for scenarios that need an unprivileged user.
printf 'root:x:0:0:root:/root:/bin/sh\nlab:x:1000:1000:lab:/tmp:/bin/sh\n' >"$root/etc/passwd"
printf 'root:x:0:\nlab:x:1000:\n' >"$root/etc/group"
cp "$MT_TOP/scripts/guest-init.sh" "$root/init"
cp "$MT_TOP/tests/guest/lib.sh" "$root/lib/mt/lib.sh"
mkdir -p "$root/scenarios"
plan=
for i in "${!names[@]}"; do
	cp "${scenarios[$i]}" "$root/scenarios/${names[$i]}.sh"
	plan+="${names[$i]}:${limits[$i]} "
done
{
	printf 'MT_RELEASE=%q\nMT_FLAVOUR=%q\nMT_PLAN=%q\nMT_LIVE=%q\nMT_SHELL=%q\nMT_SLOW=%q\n' \
		"$release" "$kernel" "$plan" "$live" "$shell" "$slow"
	printf 'MT_ARGS=%q\n' "$*"
} >"$root/etc/mt.env"
chmod +x "$root/init"
(cd "$root" && find . -print0 | cpio --null -o -H newc --quiet) >"$out/initramfs.cpio"
rm -rf "$root"

# --- the boot --------------------------------------------------------------
qemu=(qemu-system-x86_64 -machine q35 -smp "$cpus" -m "$memory" -display none -no-reboot -nic none
	-kernel "$vmlinuz" -initrd "$out/initramfs.cpio"
	-device virtio-serial-pci
	-chardev "file,id=results,path=$out/results.tar"
	-device virtserialport,chardev=results,name=results)
if [ "$kvm" = 1 ]; then
	qemu+=(-accel kvm -cpu host)
elif [ "$tcg" = single ]; then
	qemu+=(-accel "tcg,thread=single")
else
	qemu+=(-accel tcg)
fi
append="console=ttyS0 panic=-1 rdinit=/init$append_extra"


if [ $shell -eq 1 ]; then
	exec "${qemu[@]}" -serial mon:stdio -append "$append"
fi

start=$(date +%s)
if [ $live -eq 1 ]; then
	# The scenario's output has a port of its own on this terminal; the
	# console (firmware, kernel) goes to the log as usual.
	qemu+=(-chardev file,id=live,path=/dev/stdout -device virtserialport,chardev=live,name=live)
fi
qemu+=(-serial "file:$out/console.log" -monitor none -append "$append")
# A guest kernel can die while it boots, before /init runs, for reasons of
# its own or of the emulator (seen: an unhandled text-patching int3 under
# multi-threaded TCG). Nothing of ours has run then, so boot again, at most
# BOOT_ATTEMPTS times, and say so. Once /init has announced the scenario
# (INIT_MARK on the console) every outcome counts.
BOOT_ATTEMPTS=3
INIT_MARK='mt-init: running the scenario'
for attempt in $(seq 1 $BOOT_ATTEMPTS); do
	rm -f "$out/results.tar"
	timeout --kill-after=10 $((total + 120)) "${qemu[@]}" </dev/null 2>"$out/qemu.log" || true
	[ -s "$out/results.tar" ] && break
	grep -q "$INIT_MARK" "$out/console.log" 2>/dev/null && break
	[ "$attempt" -lt $BOOT_ATTEMPTS ] || break
	mv "$out/console.log" "$out/console.boot$attempt.log"
	mt_say "the $kernel guest died before /init ran (console: $out/console.boot$attempt.log); booting again"
	grep -E -m 3 'Oops|BUG|panic' "$out/console.boot$attempt.log" | sed 's/^/  /' >&2 || true
done
elapsed=$(($(date +%s) - start))

# --- the verdict -----------------------------------------------------------
# One line per scenario: PASS or FAIL, and why.
verdict() { # PASS|FAIL, scenario, its time, then the reason
	local what=$1 scen=$2 secs=$3
	shift 3
	printf '%s: %s on %s (%s): %s (%ss, results in %s/%s)\n' \
		"$what" "$scen" "$kernel" "$release" "$*" "$secs" "$out" "$scen" >&2
}
mkdir -p "$out/results"
if ! tar -C "$out/results" -xf "$out/results.tar" 2>/dev/null; then
	for n in "${names[@]}"; do
		verdict FAIL "$n" "$elapsed" "the guest delivered no results (crashed or hung?); console: $out/console.log"
	done
	# From the kernel's first report of a problem, if there is one (its
	# header says what and where), else the console's end.
	first=$(grep -n -m 1 -E "$DMESG_BAD" "$out/console.log" | cut -d: -f1 || true)
	if [ -n "$first" ]; then
		sed -n "$first,$((first + 40))p" "$out/console.log" >&2
	else
		tail -n 30 "$out/console.log" >&2 || true
	fi
	exit 1
fi
failed=0
for i in "${!names[@]}"; do
	n=${names[$i]}
	rm -rf "${out:?}/$n"
	mv "$out/results/$n" "$out/$n" 2>/dev/null || mkdir -p "$out/$n"
	r=$out/$n
	secs=$(cat "$r/seconds" 2>/dev/null || echo "?")
	if [ ! -f "$r/exit_status" ]; then
		verdict FAIL "$n" "$secs" "it did not finish: the guest crashed or hung before (console: $out/console.log)"
		tail -n 10 "$r/scenario.log" 2>/dev/null | sed 's/^/  | /' >&2 || true
		failed=1
		continue
	fi
	status=$(cat "$r/exit_status")
	bad=$(grep -E "$DMESG_BAD" "$r/dmesg.txt" || true)
	if [ -n "$bad" ]; then
		verdict FAIL "$n" "$secs" "the kernel reported problems while it ran (dmesg: $r/dmesg.txt):"
		printf '  %s\n' "$bad" | head -n 20 >&2
		failed=1
	elif [ "$status" != 0 ]; then
		case $status in
		124 | 137 | 143) reason="timed out after ${limits[$i]}s" ;;
		*) reason="exited $status" ;;
		esac
		verdict FAIL "$n" "$secs" "the scenario $reason; its output ends:"
		tail -n 25 "$r/scenario.log" | sed 's/^/  | /' >&2
		grep '^FAIL' "$r/scenario.log" | head -n 10 | sed 's/^/  /' >&2 || true
		failed=1
	else
		verdict PASS "$n" "$secs" "$(grep -c '^ok ' "$r/scenario.log" || true) checks"
	fi
done
# What the kernel said after the last scenario (the leak scan).
bad=$(grep -E "$DMESG_BAD" "$out/results/dmesg-end.txt" 2>/dev/null || true)
if [ -n "$bad" ]; then
	printf 'FAIL: on %s (%s) the kernel reported problems after the scenarios (dmesg: %s):\n' \
		"$kernel" "$release" "$out/results/dmesg-end.txt" >&2
	printf '  %s\n' "$bad" | head -n 20 >&2
	failed=1
fi
[ ${#names[@]} -eq 1 ] || printf '%s on %s: %d scenarios in %ds\n' \
	"$([ $failed -eq 0 ] && echo PASS || echo FAIL)" "$kernel" ${#names[@]} "$elapsed" >&2
exit $failed
