#!/bin/busybox sh
# /init of the lab guest: mount the basics, open the results port, run the
# scenarios one after the other, each under its time limit and in a results
# directory of its own with the dmesg it caused, then send everything to the
# host as a tar stream and power off.
export PATH=/usr/bin:/sbin:/bin
/bin/busybox mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
. /etc/mt.env
export MT_RELEASE MT_FLAVOUR MT_ARGS MT_SLOW
export MT_RESULTS=/results MT_PAYLOADS=/lib/modules/$MT_RELEASE/extra
echo 1 >/proc/sys/kernel/printk_ratelimit_burst 2>/dev/null
hostname modtrace-lab

if [ "$MT_SHELL" = 1 ]; then
	echo "modtrace lab guest, kernel $MT_RELEASE; 'poweroff -f' to leave"
	setsid cttyhack sh -l
	poweroff -f
fi

/sbin/modprobe virtio_pci && /sbin/modprobe virtio_console
# find_port NAME: the device of the virtio serial port called NAME.
find_port() {
	for i in 1 2 3 4 5 6 7 8 9 10; do
		for p in /sys/class/virtio-ports/*; do
			if [ "$(cat "$p/name" 2>/dev/null)" = "$1" ] && [ -c "/dev/${p##*/}" ]; then
				echo "/dev/${p##*/}"
				return 0
			fi
		done
		sleep 0.2
	done
	echo "mt-init: no virtio port '$1'" >/dev/console
	echo /dev/null
}
port=$(find_port results)
[ "$MT_LIVE" = 1 ] && live=$(find_port live)

# tidy: what a scenario may leave behind that would disturb the next one:
# its programs, modtrace and the test payloads, mounts under /tmp.
tidy() {
	killall -KILL modtrace mtload mtload32 mtloadx32 mtnlfuzz python3 2>/dev/null
	sleep 0.2
	for m in $(awk '$1 ~ /^mt_/ { print $1 }' /proc/modules); do rmmod "$m" 2>/dev/null; done
	grep -q '^modtrace ' /proc/modules && rmmod modtrace 2>/dev/null
	awk '$2 ~ "^/tmp/" { print $2 }' /proc/mounts | sort -r | while read -r m; do umount "$m"; done
	rm -rf /tmp/* 2>/dev/null
}

# The harness boots again when a guest dies before this line (guest-run.sh).
echo "mt-init: running the scenario" >/dev/console
for entry in $MT_PLAN; do
	name=${entry%:*} limit=${entry##*:}
	mkdir -p "/results/$name"
	cd "/results/$name" || exit 1
	export MT_RESULTS=/results/$name
	echo "mt-init: $name" >/dev/console
	start=$(cut -d. -f1 /proc/uptime)
	set -o pipefail
	# shellcheck disable=SC2086
	if [ "$MT_LIVE" = 1 ]; then
		timeout "$limit" sh "/scenarios/$name.sh" $MT_ARGS 2>&1 | tee scenario.log >"$live"
	else
		timeout "$limit" sh "/scenarios/$name.sh" $MT_ARGS >scenario.log 2>&1
	fi
	status=$?
	set +o pipefail
	echo $(($(cut -d. -f1 /proc/uptime) - start)) >seconds
	cd /
	tidy
	dmesg -c >"/results/$name/dmesg.txt" # the first one's has the boot's
	echo $status >"/results/$name/exit_status"
done
# On a kernel with kmemleak (6.1-debug), look for leaks now: a scan reports
# in dmesg, which the harness checks. Twice, as kmemleak's documentation
# advises, so that objects freed late are not reported.
if [ -e /sys/kernel/debug/kmemleak ]; then
	echo scan >/sys/kernel/debug/kmemleak
	sleep 1
	echo scan >/sys/kernel/debug/kmemleak
	cat /sys/kernel/debug/kmemleak >/results/kmemleak.txt
fi
dmesg >/results/dmesg-end.txt
cd /results && tar -cf /tmp/results.tar . && cat /tmp/results.tar >"$port"
sync
poweroff -f
