# 32 threads, each loading and unloading a module of its own (mt_cycle_00
# ... mt_cycle_31, with its round number as parameter) in a loop for
# SECONDS (default 30): every call comes out as exactly one complete event
# with the right thread, module, parameters and result, and nothing is lost.
# On a kernel with sanitizers (MT_SLOW), 8 threads (mt_cycle_00 ... 07): it
# checks the same, at a rate its instrumented worker keeps up with.
#   usage: concurrency.sh [SECONDS]
# The cloud kernels run this as the generic ones do (same code, same
# preemption model; fewer drivers): their lanes of make check leave it out.
# mt-skip-kernels: 6.1-cloud 6.12-cloud
. /lib/mt/lib.sh
P=$MT_PAYLOADS
J=$MT_RESULTS/events.jsonl
SECONDS_RUN=${1:-30}
if [ "${MT_SLOW:-0}" = 1 ]; then
	MODULES=$(ls "$P"/mt_cycle_0[0-7].ko)
else
	MODULES=$(ls "$P"/mt_cycle_*.ko)
fi
THREADS=$(echo "$MODULES" | grep -c .)

mt_check "modtrace loads" $MODPROBE modtrace
if mt_reader_start "$J" --json; then mt_ok "the reader subscribes"; else mt_fail "the reader subscribes" "readers did not rise"; fi
reader=$MT_READER

# shellcheck disable=SC2086
mtload --seconds "$SECONDS_RUN" --expect 0 cycle $MODULES >cycle.out
mt_eq "every load and unload of the $THREADS threads worked" 0 $?
grep '^cycle ' cycle.out >threads.txt
mt_eq "$THREADS threads ran" "$THREADS" "$(grep -c . threads.txt)"
mt_wait_quiet "$J"
kill "$reader"
wait "$reader"
modtrace --status --json >status.json

# Per thread, from the events: finit events, the good ones (complete,
# returned 0, loaded, the kernel's parameters equal the caller's), the
# modules named, whether the rounds are exactly 0..n-1; then delete events,
# the good ones, the modules named.
jq -s -r '
	[.[] | select(.event == "finit_module" or .event == "delete_module")]
	| group_by(.tid)[]
	| [.[] | select(.event == "finit_module")] as $f
	| [.[] | select(.event == "delete_module")] as $d
	| [.[0].tid,
	   ($f | length),
	   ([$f[] | select(.complete and .ret == 0 and .outcome == "loaded"
		and .module.params == .args.params)] | length),
	   ([$f[] | .module.name] | unique | join(",")),
	   ([$f[] | .args.params | ltrimstr("round=") | tonumber] | sort
		== [range(0; $f | length)]),
	   ($d | length),
	   ([$d[] | select(.complete and .ret == 0)] | length),
	   ([$d[] | .args.name] | unique | join(","))]
	| map(tostring) | join(" ")' "$J" >per-thread.txt

loads=0 unloads=0
while read -r _ tid module rounds loaded unloaded; do
	tid=${tid#tid=} module=${module#module=} rounds=${rounds#rounds=}
	loaded=${loaded#loaded=} unloaded=${unloaded#unloaded=}
	loads=$((loads + rounds)) unloads=$((unloads + unloaded))
	got=$(awk -v t="$tid" '$1 == t { $1 = ""; print substr($0, 2) }' per-thread.txt)
	mt_eq "thread $tid ($module): one complete, correct event per call" \
		"$rounds $loaded $module true $loaded $unloaded $module" "$got"
done <threads.txt

events=$(jq -s 'length' "$J")
mt_eq "no other events" $((loads + unloads)) "$events"
lost=$(jq '[.counters | to_entries[] | select(.key | startswith("lost_")) | .value] | add' status.json)
mt_eq "nothing lost" 0 "$lost"
mt_check "the reader reported no loss" sh -c "! grep -Eq '[0-9]+ records? lost' '$J.err'"
echo "figures: $THREADS threads for ${SECONDS_RUN}s: syscalls $((loads + unloads))" \
	"(loads $loads, unloads $unloads), events $events, counted lost $lost," \
	"successful loads seen $(jq -s '[.[] | select(.outcome == "loaded" and .complete)] | length' "$J") of $loads," \
	"kernel counters $(jq -c .counters status.json)"
mt_check "modtrace unloads" $RMMOD modtrace
mt_done
