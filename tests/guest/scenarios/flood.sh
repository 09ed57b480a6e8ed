# A flood of failing module syscalls on both vCPUs, with a small buffer,
# while real loads happen: every successful load still comes out as a
# complete event, and every record is either delivered or counted lost, to
# the record (the kernel's count of records equals what the calls made).
# The records come several to a datagram, each datagram's in seq order
# (but for DEFERRED entries, which are sent late).
#   usage: flood.sh [SECONDS]
# Without SECONDS each loader thread makes 2500 calls (10000 in all: what a
# reader keeps up with on every lab kernel; 1500 on a kernel with
# sanitizers); with it, the flood lasts that long (make soak).
# The cloud kernels run this as the generic ones do (same code, same
# preemption model; fewer drivers): their lanes of make check leave it out.
# mt-skip-kernels: 6.1-cloud 6.12-cloud
. /lib/mt/lib.sh
P=$MT_PAYLOADS
R=$MT_RESULTS/raw.jsonl
J=$MT_RESULTS/events.jsonl
if [ -n "${1:-}" ]; then
	SPAN="--seconds $1"
elif [ "${MT_SLOW:-0}" = 1 ]; then
	SPAN="--repeat 1500"
else
	SPAN="--repeat 2500"
fi

mt_check "modtrace loads with a 64-record buffer" $MODPROBE modtrace buffer_records=64 reserved_records=16
if mt_reader_start "$R" --raw; then mt_ok "raw reader subscribes"; else mt_fail "raw reader subscribes" "readers did not rise"; fi
raw=$MT_READER
if mt_reader_start "$J" --json; then mt_ok "event reader subscribes"; else mt_fail "event reader subscribes" "readers did not rise"; fi
events=$MT_READER
# A third reader counts how the records come: several to a datagram.
mtnlfuzz --count-datagrams >datagrams.out &
counter=$!
n=0
until grep -q '^subscribed' datagrams.out 2>/dev/null || [ $n -ge 100 ]; do
	sleep 0.1
	n=$((n + 1))
done

# Two loaders, two threads each: non-ELF images and a closed fd; real loads
# and unloads of mt_clean meanwhile, one after the other until the flood
# ends (at least five).
# shellcheck disable=SC2086
mtload $SPAN --quiet --threads 2 --expect ENOEXEC init --bad-image >flood1.out &
f1=$!
# shellcheck disable=SC2086
mtload $SPAN --quiet --threads 2 --expect EBADF finit --fd 999 >flood2.out &
f2=$!
LOADS=0 loaded=0 unloads=0
while [ $LOADS -lt 5 ] || { kill -0 $f1 || kill -0 $f2; } 2>/dev/null; do
	LOADS=$((LOADS + 1))
	mtload --quiet --expect 0 --params "label=flood$LOADS" finit "$P/mt_clean.ko" >/dev/null && loaded=$((loaded + 1))
	mtload --quiet --expect 0 delete mt_clean >/dev/null && unloads=$((unloads + 1))
done
wait $f1
mt_eq "flood 1 made every call" 0 $?
wait $f2
mt_eq "flood 2 made every call" 0 $?
mt_eq "every real load worked" $LOADS $loaded
mt_eq "every unload worked" $LOADS $unloads
# Let the readers catch up: records still queued in a socket when the
# reader stops are neither delivered nor counted.
mt_wait_quiet "$R" "$J"
kill "$raw" "$events"
wait "$raw" "$events"
sleep 1
kill -TERM $counter
wait $counter
read -r dgrams recs most unordered <<EOF
$(sed -n 's/^datagrams=\([0-9]*\) records=\([0-9]*\) most=\([0-9]*\) unordered=\([0-9]*\).*/\1 \2 \3 \4/p' datagrams.out)
EOF
mt_check "records share datagrams ($recs records in $dgrams datagrams, at most $most in one)" \
	test "${recs:-0}" -gt "${dgrams:-0}"
mt_check "at most 32 records in one datagram" test "${most:-33}" -le 32
mt_eq "each datagram's records in seq order, DEFERRED ones aside" 0 "${unordered:-none}"
modtrace --status --json >status.json

# Each failing call makes an entry and a return record; each load four
# (entry, init entry and return, return), each unload three (entry, the
# kernel freeing the module, return).
calls=$(($(sed -n 's/^summary calls=\([0-9]*\).*/\1/p' flood1.out flood2.out | paste -sd+)))
made=$((2 * calls + 4 * LOADS + 3 * LOADS))
records=$(jq .counters.records status.json)
mt_eq "the kernel counted every record the calls made" "$made" "$records"
mt_eq "received + reported lost = records made" "$records" "$(mt_raw_accounted "$R")"
received=$(jq -s '[.[] | .seq // empty] | unique | length' "$R")
seen=$(jq -s '[.[] | select(.module.name == "mt_clean" and .outcome == "loaded" and .complete)] | length' "$J")
mt_eq "every successful load is a complete event" $LOADS "$seen"
flood_events=$(jq -s '[.[] | select(.errno == "ENOEXEC" or .errno == "EBADF")] | length' "$J")
echo "figures: syscalls $((calls + 2 * LOADS)), records made $records, delivered $received," \
	"counted lost $(($(mt_raw_accounted "$R") - received)) ($(jq -c .counters status.json)), flood events $flood_events of $calls," \
	"loads seen $seen of $LOADS"
mt_check "modtrace unloads" $RMMOD modtrace
mt_done
