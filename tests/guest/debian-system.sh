#!/bin/sh
# The Debian system lane, inside the guest: modtrace's two packages installed,
# used and purged as an admin would, across a reboot. mt-lab.service runs it
# at each boot from the lab disk (/mnt/lab); it keeps its phase and its
# counts in /var/lib/mt-lab on the system's disk. Each check is a line on
# the serial console, "ok N - what" or "not ok N - what: detail"; the last
# boot ends with "mt-lab: summary: N checks, F failed" and powers off.
set -u
LAB=/mnt/lab
STATE=/var/lib/mt-lab
R=$LAB/results
mkdir -p "$STATE" "$R"
export DEBIAN_FRONTEND=noninteractive PATH=/usr/sbin:/usr/bin:/sbin:/bin
# What in dmesg is a kernel problem (scripts/guest-run.sh's list).
DMESG_BAD='BUG:|WARNING:|Oops|kernel BUG|sleeping function called from invalid context|possible (circular|recursive) locking|inconsistent lock state|suspicious RCU usage|DEBUG_LOCKS_WARN_ON|INFO: lockdep|general protection fault|UBSAN:|KASAN:|Kernel panic'

phase=1 n=0 failed=0
[ -f "$STATE/state" ] && . "$STATE/state"
save() { printf 'phase=%s n=%s failed=%s\n' "$phase" "$n" "$failed" >"$STATE/state"; sync; }
say() { echo "$*" | tee -a "$R/tap.txt"; }
ok() { n=$((n + 1)); say "ok $n - $1"; save; }
not_ok() {
	n=$((n + 1)) failed=$((failed + 1))
	say "not ok $n - $1: $(echo "$2" | tr '\n' ' ' | cut -c1-400)"
	save
}
check() { # check WHAT CMD...: CMD must succeed
	what=$1
	shift
	if out=$("$@" 2>&1); then ok "$what"; else not_ok "$what" "'$*' failed: $(echo "$out" | tail -n 4)"; fi
}
check_not() { # check_not WHAT CMD...: CMD must fail
	what=$1
	shift
	if out=$("$@" 2>&1); then not_ok "$what" "'$*' succeeded"; else ok "$what"; fi
}
# entries JQ [-b N]: how many modtrace journal entries of this boot match JQ.
entries() {
	journalctl -t modtrace -o json -b "${2:-0}" 2>/dev/null | jq -c "select($1)" | wc -l
}
# wait_entry WHAT JQ: within 30 s, one entry matches JQ (exactly one when the
# third argument is "once").
wait_entry() {
	i=0
	while [ "$(entries "$2")" -eq 0 ] && [ $i -lt 30 ]; do sleep 1; i=$((i + 1)); done
	c=$(entries "$2")
	if [ "$c" -eq 0 ]; then
		not_ok "$1" "no journal entry with $2"
	elif [ "${3:-}" = once ] && [ "$c" -ne 1 ]; then
		not_ok "$1" "$c journal entries with $2, expected one"
	else
		ok "$1"
	fi
}
dmesg_clean() { # dmesg_clean BOOT
	dmesg >"$R/dmesg-boot$1.txt"
	bad=$(grep -E "$DMESG_BAD" "$R/dmesg-boot$1.txt")
	if [ -n "$bad" ]; then not_ok "boot $1: dmesg has no kernel problem" "$bad"; else ok "boot $1: dmesg has no kernel problem"; fi
}
service_diag() { # what systemd and the journal say about the service
	{
		systemctl status --no-pager -l modtrace
		journalctl -b -u modtrace --no-pager
	} >"$R/service-boot$phase.txt" 2>&1
	sed 's/^/# /' "$R/service-boot$phase.txt" | tail -n 40
}
rel=$(uname -r)

say "mt-lab: boot $phase ($rel), $(cut -d' ' -f1 /proc/uptime) s after start"
case $phase in
1)
	start=$(date +%s)
	cd "$LAB/debs" || exit 1
	if apt-get install -y ./modtrace-dkms_*.deb ./modtrace_*.deb >"$R/apt-install.txt" 2>&1; then
		ok "apt install ./modtrace-dkms_*.deb ./modtrace_*.deb ($(($(date +%s) - start)) s)"
	else
		not_ok "apt install ./modtrace-dkms_*.deb ./modtrace_*.deb" "$(tail -n 8 "$R/apt-install.txt")"
	fi
	cd /
	dkms status >"$R/dkms-status.txt" 2>/dev/null
	check "dkms status: modtrace installed for $rel" grep -q "^modtrace/.*, $rel, .*: installed" "$R/dkms-status.txt"
	check "the module is in /lib/modules/$rel/updates/dkms" sh -c "ls /lib/modules/$rel/updates/dkms/modtrace.ko*"
	check "modinfo finds the DKMS module" sh -c "modinfo -n modtrace | grep -q /updates/dkms/"
	check "systemctl enable --now modtrace" systemctl enable --now modtrace
	if systemctl is-active -q modtrace; then ok "systemctl is-active modtrace"; else
		not_ok "systemctl is-active modtrace" "$(systemctl is-active modtrace)"
		service_diag
	fi
	check "the module is loaded" grep -q '^modtrace ' /proc/modules
	# DynamicUser= and CAP_NET_ADMIN alone: the reader is not root and
	# has that one capability (bit 12).
	pid=$(systemctl show -p MainPID --value modtrace)
	uid=$(awk '$1 == "Uid:" { print $2 }' "/proc/$pid/status" 2>/dev/null)
	if [ -n "$uid" ] && [ "$uid" -ne 0 ]; then ok "the reader runs as a dynamic user (uid $uid)"; else
		not_ok "the reader runs as a dynamic user" "pid '$pid', uid '$uid'"
	fi
	check "the reader's capabilities are CAP_NET_ADMIN alone" \
		grep -q '^CapEff:[[:space:]]*0000000000001000$' "/proc/$pid/status"
	wait_entry "the reader's start is in the journal" '.MESSAGE_ID == "56df9b9b8ce146daaf545a922458c04d"'
	check "modprobe dummy" modprobe dummy
	check_not "modprobe kvm_intel fails (no VMX under TCG)" modprobe kvm_intel
	check "rmmod dummy" rmmod dummy
	check "modprobe dummy numdummies=2" modprobe dummy numdummies=2
	check "dummy made two devices" test -e /sys/class/net/dummy1
	# systemd's /usr/lib/modprobe.d/systemd.conf has "options dummy
	# numdummies=0": modprobe passes it before the command line's.
	wait_entry "journal: dummy's load" \
		'.MODTRACE_EVENT == "finit_module" and .MODTRACE_MODULE == "dummy" and .MODTRACE_OUTCOME == "loaded" and (.MODTRACE_PARAMS // "" | contains("numdummies=2") | not) and .MODTRACE_COMM == "modprobe"' once
	wait_entry "journal: kvm_intel's failure, EOPNOTSUPP" \
		'.MODTRACE_EVENT == "finit_module" and .MODTRACE_MODULE == "kvm_intel" and .MODTRACE_OUTCOME == "init_failed" and .MODTRACE_ERRNO == "EOPNOTSUPP" and .PRIORITY == "4"'
	wait_entry "journal: kvm, loaded for kvm_intel" \
		'.MODTRACE_EVENT == "finit_module" and .MODTRACE_MODULE == "kvm" and .MODTRACE_OUTCOME == "loaded"'
	wait_entry "journal: dummy's unload" \
		'.MODTRACE_EVENT == "delete_module" and .MODTRACE_MODULE == "dummy" and .MODTRACE_OUTCOME == "unloaded" and .MODTRACE_COMM == "rmmod"'
	wait_entry "journal: dummy's load with numdummies=2" \
		'.MODTRACE_EVENT == "finit_module" and .MODTRACE_MODULE == "dummy" and .MODTRACE_OUTCOME == "loaded" and (.MODTRACE_PARAMS // "" | endswith("numdummies=2")) and (.MODTRACE_MODULE_PARAMS // "" | endswith("numdummies=2"))' once
	journalctl -t modtrace -o json -b 0 >"$R/journal-boot1.json" 2>&1
	# A module loaded at boot by systemd-modules-load, after modtrace
	# (00-modtrace.conf comes first), before the reader runs.
	echo dummy >/etc/modules-load.d/mt-lab.conf
	dmesg_clean 1
	phase=2
	save
	say "mt-lab: rebooting"
	systemctl reboot
	exit 0
	;;
2)
	if systemctl is-active -q modtrace; then ok "after the reboot the service is active by itself"; else
		not_ok "after the reboot the service is active by itself" "$(systemctl is-active modtrace)"
		service_diag
	fi
	check "after the reboot the module is loaded by itself" grep -q '^modtrace ' /proc/modules
	check "systemd-modules-load loaded dummy" grep -q '^dummy ' /proc/modules
	wait_entry "journal: dummy's load at boot, by systemd-modules-load" \
		'.MODTRACE_EVENT == "finit_module" and .MODTRACE_MODULE == "dummy" and .MODTRACE_OUTCOME == "loaded" and (.MODTRACE_COMM // "" | startswith("systemd-modules"))' once
	check "nothing of the first boot is in this boot's entries" test "$(entries '.MODTRACE_PARAMS // "" | contains("numdummies=2")')" -eq 0

	# A load while the reader is stopped, and one just before a restart:
	# each in the journal, once.
	check "systemctl stop modtrace" systemctl stop modtrace
	check "the module stays loaded with the service stopped" grep -q '^modtrace ' /proc/modules
	check "modprobe nlmon (the reader stopped)" modprobe nlmon
	check "systemctl start modtrace" systemctl start modtrace
	wait_entry "journal: nlmon's load while the reader was stopped, once" \
		'.MODTRACE_EVENT == "finit_module" and .MODTRACE_MODULE == "nlmon" and .MODTRACE_OUTCOME == "loaded"' once
	check "modprobe ifb (just before a restart)" modprobe ifb
	check "systemctl restart modtrace" systemctl restart modtrace
	check "systemctl is-active modtrace after the restart" systemctl is-active -q modtrace
	check "modprobe veth (after the restart)" modprobe veth
	wait_entry "journal: ifb's load around the restart, once" \
		'.MODTRACE_EVENT == "finit_module" and .MODTRACE_MODULE == "ifb" and .MODTRACE_OUTCOME == "loaded"' once
	wait_entry "journal: veth's load after the restart, once" \
		'.MODTRACE_EVENT == "finit_module" and .MODTRACE_MODULE == "veth" and .MODTRACE_OUTCOME == "loaded"' once
	check "journal: no records lost" test "$(entries '.MESSAGE_ID == "93bc41d002344e4aadd4fbc652131366"')" -eq 0
	journalctl -t modtrace -o json -b 0 >"$R/journal-boot2.json" 2>&1
	journalctl -b 0 -u modtrace --no-pager >"$R/service-boot2.txt" 2>&1

	# Purge: nothing left behind.
	if apt-get purge -y modtrace modtrace-dkms >"$R/apt-purge.txt" 2>&1; then
		ok "apt purge modtrace modtrace-dkms"
	else
		not_ok "apt purge modtrace modtrace-dkms" "$(tail -n 8 "$R/apt-purge.txt")"
	fi
	left=$(ls /lib/modules/*/updates/dkms/modtrace.ko* 2>/dev/null)
	if [ -z "$left" ]; then ok "no module left in /lib/modules/*/updates/dkms"; else not_ok "no module left in /lib/modules/*/updates/dkms" "$left"; fi
	left=$(dkms status 2>/dev/null)
	if [ -z "$left" ]; then ok "dkms status is empty"; else not_ok "dkms status is empty" "$left"; fi
	left=$(ls -d /usr/src/modtrace-* /var/lib/dkms/modtrace /lib/systemd/system/modtrace.service \
		/usr/lib/systemd/system/modtrace.service /etc/systemd/system/multi-user.target.wants/modtrace.service \
		/usr/lib/modules-load.d/00-modtrace.conf /etc/default/modtrace /usr/sbin/modtrace 2>/dev/null)
	if [ -z "$left" ]; then ok "no file of the packages left"; else not_ok "no file of the packages left" "$left"; fi
	check_not "systemd knows no modtrace.service" sh -c 'systemctl list-unit-files modtrace.service | grep -q modtrace'
	left=$(ls -d /var/lib/modtrace /var/lib/private/modtrace 2>/dev/null)
	if [ -z "$left" ]; then ok "no state left (/var/lib/modtrace, /var/lib/private/modtrace)"; else not_ok "no state left (/var/lib/modtrace, /var/lib/private/modtrace)" "$left"; fi
	check "the loaded module still unloads" rmmod modtrace
	dpkg -l | grep -i modtrace >"$R/dpkg-left.txt"
	check_not "dpkg knows no modtrace package" test -s "$R/dpkg-left.txt"
	dmesg_clean 2
	say "mt-lab: summary: $n checks, $failed failed"
	phase=finished
	save
	systemctl poweroff
	;;
*)
	say "mt-lab: nothing to do in phase $phase"
	systemctl poweroff
	;;
esac
