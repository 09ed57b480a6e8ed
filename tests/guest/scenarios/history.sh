# The kernel module's history, --replay and --resume. Loads made before any
# reader exists reach the first --resume reader; a reader stopped (SIGTERM,
# then SIGKILL) and started again with the same cursor file prints what
# happened meanwhile and nothing it printed before (after SIGKILL at most
# what came since its last save); a call open when it stopped comes out as
# one complete event after the restart; --replay gets everything, in every
# output mode; a cursor from another module instance starts over with a
# warning; and a flood of failing calls larger than the history does not
# push a load out of it, every record made being received or counted lost.
# The cloud kernels run this as the generic ones do (same code, same
# preemption model; fewer drivers): their lanes of make check leave it out.
# So does the sanitizer kernel's, the slowest: the flood scenario takes the
# same delivery path under lockdep and KASAN there.
# mt-skip-kernels: 6.1-cloud 6.12-cloud 6.1-debug
. /lib/mt/lib.sh
P=$MT_PAYLOADS
CLEAN_SHA=$(mt_sha256 "$P/mt_clean.ko") CLEAN_SIZE=$(wc -c <"$P/mt_clean.ko")
SLEEP_SHA=$(mt_sha256 "$P/mt_sleep.ko") SLEEP_SIZE=$(wc -c <"$P/mt_sleep.ko")
export P CLEAN_SHA CLEAN_SIZE SLEEP_SHA SLEEP_SIZE
CUR=$MT_RESULTS/cursor

# call NAME MTLOAD-ARGS...: a module syscall by a process of its own, whose
# pid is then in the file pid.NAME.
call() {
	name=$1
	shift
	mt_run_pid "pid.$name" mtload "$@" >"out.$name" 2>&1 || mt_fail "call $name" "$(cat "out.$name")"
}
pid() { cat "pid.$1"; }

# calls FILE: the events of FILE as "pid event outcome complete" lines.
calls() { jq -r '"\(.pid) \(.event) \(.outcome) \(.complete)"' "$@"; }

# resume OUT: a --json --resume reader into OUT.
resume() { mt_reader_start "$1" --json --resume "$CUR"; }

mt_check "modtrace loads" $MODPROBE modtrace
mt_eq "--status: the history's size" 2048 "$(modtrace --status --json | jq .params.history_records)"

# --- loads before any reader ----------------------------------------------------
call a1 --expect 0 --params label=early finit "$P/mt_clean.ko"
call a2 --expect 0 delete mt_clean
call a3 --expect EBADF finit --fd 999
if resume r1.jsonl; then mt_ok "a --resume reader without a cursor file subscribes"; else mt_fail "a --resume reader subscribes" "readers did not rise"; fi
r1=$MT_READER
mt_check "it gets the load made before it" mt_wait_json r1.jsonl ".pid == $(pid a1)"
mt_check "and the rest made before it" mt_wait_json r1.jsonl ".pid == $(pid a3)"
mt_event "the early load, whole" r1.jsonl ".pid == $(pid a1)" 'mt_base + {event: "finit_module",
	args: mt_finit_args($ENV.P + "/mt_clean.ko"; "label=early"),
	"module": mt_module("mt_clean"; "label=early"; 0), outcome: "loaded", init_duration_ns: "<number>"}
	+ mt_hashed("mt_clean"; $ENV.CLEAN_SHA; $ENV.CLEAN_SIZE)'
mt_eq "the early calls, in order" "$(pid a1) finit_module loaded true
$(pid a2) delete_module unloaded true
$(pid a3) finit_module rejected true" "$(calls r1.jsonl)"
kill "$r1"
wait "$r1"
mt_eq "SIGTERM: the reader exits 0" 0 $?
mt_check "it wrote its cursor" grep -q '^# modtrace --resume cursor$' "$CUR"
mt_eq "the cursor names this module instance" "$(modtrace --status --json | jq -r .instance)" \
	"$(sed -n 's/^instance //p' "$CUR")"
mt_check "no loss reported" grep -q 'no records lost' r1.jsonl.err

# --- stopped, a load meanwhile, started again ----------------------------------
call b1 --expect 0 finit "$P/mt_clean.ko"
call b2 --expect 0 delete mt_clean
if resume r2.jsonl; then mt_ok "the reader starts again (SIGTERM)"; else mt_fail "the reader starts again" "readers did not rise"; fi
r2=$MT_READER
mt_check "it gets what happened meanwhile" mt_wait_json r2.jsonl ".pid == $(pid b2)"
mt_wait_quiet r2.jsonl
mt_eq "exactly that, nothing printed before" "$(pid b1) finit_module loaded true
$(pid b2) delete_module unloaded true" "$(calls r2.jsonl)"
mt_check_not "nothing was fed again: the first run's cursor was past it" grep -q 'printed before' r2.jsonl.err
sleep 1
kill -KILL "$r2"
wait "$r2" 2>/dev/null
call c1 --expect 0 finit "$P/mt_clean.ko"
call c2 --expect 0 delete mt_clean
if resume r3.jsonl; then mt_ok "the reader starts again (SIGKILL)"; else mt_fail "the reader starts again" "readers did not rise"; fi
r3=$MT_READER
mt_check "it gets what happened meanwhile" mt_wait_json r3.jsonl ".pid == $(pid c2)"
mt_wait_quiet r3.jsonl
mt_eq "exactly that: the cursor was saved before the kill" "$(pid c1) finit_module loaded true
$(pid c2) delete_module unloaded true" "$(calls r3.jsonl)"

# --- stopped while a module's init sleeps ----------------------------------------
call d1 --expect 0 --params delay_ms=4000 finit "$P/mt_sleep.ko" &
loader=$!
sleep 2
kill "$r3"
wait "$r3"
mt_eq "SIGTERM during the sleeping init: the reader exits 0" 0 $?
mt_eq "the open call is not printed as incomplete" 0 "$(jq -s '[.[] | select(.complete | not)] | length' r3.jsonl)"
wait $loader
if resume r4.jsonl; then mt_ok "the reader starts again after the load"; else mt_fail "the reader starts again" "readers did not rise"; fi
r4=$MT_READER
mt_check "the load comes out" mt_wait_json r4.jsonl ".pid == $(pid d1)"
mt_event "the load open across the restart: one complete event" r4.jsonl ".pid == $(pid d1)" \
	'mt_base + {event: "finit_module", args: mt_finit_args($ENV.P + "/mt_sleep.ko"; "delay_ms=4000"),
	"module": mt_module("mt_sleep"; "delay_ms=4000"; 0), outcome: "loaded", init_duration_ns: "<number>"}
	+ mt_hashed("mt_sleep"; $ENV.SLEEP_SHA; $ENV.SLEEP_SIZE)'
call d2 --expect 0 delete mt_sleep
mt_check "a live unload after the replay" mt_wait_json r4.jsonl ".pid == $(pid d2)"
kill "$r4"
wait "$r4"

# --- a reader that starts live is told what it missed -----------------------------
made=$(modtrace --status --json | jq .counters.records)
if mt_reader_start plain.jsonl --json; then mt_ok "a reader without --replay subscribes"; else mt_fail "a reader without --replay subscribes" "readers did not rise"; fi
plain=$MT_READER
kill "$plain"
wait "$plain"
mt_eq "it says how many records came before it, and where they are" \
	"modtrace: $made records were made before this reader started; the kernel still holds those from seq 1 (--replay prints them)" \
	"$(head -n 1 plain.jsonl.err)"

# --- --replay: everything, in every output mode --------------------------------
cat r1.jsonl r2.jsonl r3.jsonl r4.jsonl | calls | sort >seen.txt
mt_eq "the runs printed each call once" "$(sort -u seen.txt)" "$(cat seen.txt)"
if mt_reader_start all.jsonl --json --replay; then mt_ok "a --replay reader subscribes"; else mt_fail "a --replay reader subscribes" "readers did not rise"; fi
all=$MT_READER
mt_check "it gets the last call" mt_wait_json all.jsonl ".pid == $(pid d2)"
kill "$all"
wait "$all"
mt_eq "--replay: every call, as the --resume runs printed them" "$(cat seen.txt)" "$(calls all.jsonl | sort)"
if mt_reader_start raw.jsonl --raw --replay; then mt_ok "a --raw --replay reader subscribes"; else mt_fail "a --raw --replay reader subscribes" "readers did not rise"; fi
raw=$MT_READER
records=$(modtrace --status --json | jq .counters.records)
mt_wait_quiet raw.jsonl
kill "$raw"
wait "$raw"
mt_eq "--raw --replay: every seq from 1, once, in order" \
	"$(seq 1 "$records" | paste -sd,)" "$(jq -r '.seq // empty' raw.jsonl | paste -sd,)"
modtrace --replay --module mt_sleep >text.out 2>text.err &
text=$!
sleep 3
kill "$text"
wait "$text"
mt_eq "--replay, text, filtered: the mt_sleep load and unload" 2 "$(grep -c mt_sleep text.out)"

# --- --raw --resume ----------------------------------------------------------------
RCUR=$MT_RESULTS/raw-cursor
if mt_reader_start raw1.jsonl --raw --resume "$RCUR"; then mt_ok "a --raw --resume reader subscribes"; else mt_fail "a --raw --resume reader subscribes" "readers did not rise"; fi
raw1=$MT_READER
mt_wait_quiet raw1.jsonl
kill "$raw1"
wait "$raw1"
call e1 --expect EBADF finit --fd 999
if mt_reader_start raw2.jsonl --raw --resume "$RCUR"; then mt_ok "it starts again"; else mt_fail "it starts again" "readers did not rise"; fi
raw2=$MT_READER
mt_wait_quiet raw2.jsonl
kill "$raw2"
wait "$raw2"
mt_eq "--raw --resume: every seq once across the two runs" \
	"$(seq 1 $((records + 2)) | paste -sd,)" "$(cat raw1.jsonl raw2.jsonl | jq -r '.seq // empty' | paste -sd,)"

# --- another instance --------------------------------------------------------------
mt_check "modtrace unloads" $RMMOD modtrace
mt_check "modtrace loads again" $MODPROBE modtrace
call f1 --expect 0 finit "$P/mt_clean.ko"
if resume r5.jsonl; then mt_ok "the reader starts on the new instance"; else mt_fail "the reader starts on the new instance" "readers did not rise"; fi
r5=$MT_READER
mt_check "it gets the new instance's load" mt_wait_json r5.jsonl ".pid == $(pid f1)"
kill "$r5"
wait "$r5"
mt_check "it warns that the cursor was another instance's" \
	grep -q "is from another instance of the kernel module" r5.jsonl.err
mt_eq "it printed the new instance's calls only" "$(pid f1) finit_module loaded true" "$(calls r5.jsonl)"
call f2 --expect 0 delete mt_clean

# --- a flood larger than the history ------------------------------------------------
mt_check "modtrace unloads" $RMMOD modtrace
mt_check "modtrace loads with a 64-record history" $MODPROBE modtrace history_records=64
call g1 --expect 0 --params label=kept finit "$P/mt_clean.ko"
call g2 --expect EBADF --repeat 300 --quiet finit --fd 999
call g3 --expect EBADF --threads 2 --repeat 200 --quiet finit --fd 999
status=$(modtrace --status --json)
mt_eq "the history is full" 64 "$(echo "$status" | jq .history.held)"
records=$(echo "$status" | jq .counters.records)
if mt_reader_start flood.jsonl --raw --replay; then mt_ok "a --raw --replay reader subscribes"; else mt_fail "a --raw --replay reader subscribes" "readers did not rise"; fi
fr=$MT_READER
mt_wait_quiet flood.jsonl
kill "$fr"
wait "$fr"
received=$(jq -s '[.[] | .seq // empty] | unique | length' flood.jsonl)
lost=$(jq -s '[.[] | .loss // {} | .history] | add // 0' flood.jsonl)
mt_eq "every record made is received or counted lost (history)" "$records" $((received + lost))
mt_eq "what it received is what the history held" 64 "$received"
if mt_reader_start flood-ev.jsonl --json --replay; then mt_ok "a --replay reader subscribes"; else mt_fail "a --replay reader subscribes" "readers did not rise"; fi
fe=$MT_READER
mt_check "the load made before the flood is still there" mt_wait_json flood-ev.jsonl ".pid == $(pid g1)"
kill "$fe"
wait "$fe"
mt_event "the load, whole, after the flood" flood-ev.jsonl ".pid == $(pid g1)" 'mt_base + {event: "finit_module",
	args: mt_finit_args($ENV.P + "/mt_clean.ko"; "label=kept"),
	"module": mt_module("mt_clean"; "label=kept"; 0), outcome: "loaded", init_duration_ns: "<number>"}
	+ mt_hashed("mt_clean"; $ENV.CLEAN_SHA; $ENV.CLEAN_SIZE)'
mt_check "the reader reports the rest lost, cause history" grep -Eq 'records lost \(.*history [0-9]+' flood-ev.jsonl.err
echo "figures: flood: $records records made, $received replayed, $lost lost (history); $(echo "$status" | jq -c .history)"
call g4 --expect 0 delete mt_clean
mt_check "modtrace unloads" $RMMOD modtrace
mt_done
