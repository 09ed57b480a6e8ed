# Image capture (modtrace --capture DIR): every image the kernel lays out is
# written once per hash to DIR/SHA256.ko, the bytes the kernel hashed, and
# the load's event says where (module.captured) or why not (image.capture).
# Each event is compared whole with what the scenario did, and each file
# with the original: with capture_max_bytes at its default 0 (off); then on,
# for finit_module, for init_module of a buffer whose file was deleted before
# the call, the same module twice (one file), an init that fails, an image
# over the budget (not copied, counted, loaded all the same) and, on 6.12, a
# compressed file the kernel decompressed (the file is what xzcat makes).
# A second reader without --capture gets the same events, not_asked. A
# capturing reader stopped while its socket is full loses a capture: the
# kernel gives it up after 5 s, counts it, and the event says lost.
. /lib/mt/lib.sh
P=$MT_PAYLOADS
J=$MT_RESULTS/capture.jsonl
J2=$MT_RESULTS/capture-plain.jsonl
D=$MT_RESULTS/images
CLEAN=$P/mt_clean.ko
CLEAN_SHA=$(mt_sha256 "$CLEAN") CLEAN_SIZE=$(wc -c <"$CLEAN")
FAIL_SHA=$(mt_sha256 "$P/mt_fail.ko") FAIL_SIZE=$(wc -c <"$P/mt_fail.ko")
SLEEP_SHA=$(mt_sha256 "$P/mt_sleep.ko") SLEEP_SIZE=$(wc -c <"$P/mt_sleep.ko")
LONG=mt_long_name_abcdefghijklmnopqrstuvwxyz_0123456789_abcd
LONG_SHA=$(mt_sha256 "$P/$LONG.ko") LONG_SIZE=$(wc -c <"$P/$LONG.ko")
PARAM=/sys/module/modtrace/parameters/capture_max_bytes
export P CLEAN CLEAN_SHA CLEAN_SIZE FAIL_SHA FAIL_SIZE SLEEP_SHA SLEEP_SIZE LONG LONG_SHA LONG_SIZE D

mt_check "modtrace loads" $MODPROBE modtrace
mt_eq "capture_max_bytes is 0 by default" 0 "$(cat $PARAM)"
if mt_reader_start "$J" --json --capture "$D"; then mt_ok "the capturing reader subscribes"; else mt_fail "the capturing reader subscribes" "readers did not rise"; fi
reader=$MT_READER
if mt_reader_start "$J2" --json; then mt_ok "a reader without --capture subscribes"; else mt_fail "a reader without --capture subscribes" "readers did not rise"; fi
reader2=$MT_READER
mt_check "the capture directory is made 0700" sh -c "[ \"\$(stat -c %a '$D')\" = 700 ]"
mt_check "the reader warns that capture_max_bytes is 0" grep -q "capture_max_bytes is 0" "$J.err"

# mt_run (lib.sh): its event in both readers' files.
MT_RUN_JSON="$J $J2"

# ev WHAT EXPECTED CAPTURE PATH: the capturing reader's event of condition C
# is mt_base + EXPECTED with image.capture CAPTURE and module.captured PATH
# (a JSON value), the other reader's the same with not_asked and null.
ev() {
	mt_event "$1" "$J" "$C" "mt_base + $2 | .image.capture = \"$3\" | .module.captured = $4"
	mt_event "$1 (reader without --capture)" "$J2" "$C" \
		"mt_base + $2 | .image.capture = \"not_asked\" | .module.captured = null"
}

# --- capture off ------------------------------------------------------------
mt_run "capture off" 0 finit "$CLEAN"
ev "capture off: the event says off, no file" '{event: "finit_module",
	args: mt_finit_args($ENV.CLEAN; ""), "module": mt_module("mt_clean"; ""; 0),
	outcome: "loaded", init_duration_ns: "<number>"}
	+ mt_hashed("mt_clean"; $ENV.CLEAN_SHA; $ENV.CLEAN_SIZE)' off null
mt_eq "capture off: no file in the directory" 0 "$(ls -A "$D" | wc -l)"
mtload --quiet --expect 0 delete mt_clean

# --- capture on -------------------------------------------------------------
echo 1048576 >$PARAM
mt_eq "capture_max_bytes can be set at run time" 1048576 "$(cat $PARAM)"
mt_check "--status shows the budget" sh -c \
	"modtrace --status --json | jq -e '.params.capture_max_bytes == 1048576 and .capture_held_bytes == 0'"

# captured FILE SHA WHAT: DIR/SHA.ko is FILE's bytes (the file may be a
# command's output: '<(xzcat X)' is not sh, so FILE is a path), mode 0600.
captured() {
	mt_check "$3: DIR/SHA256.ko is the image, byte for byte" cmp "$1" "$D/$2.ko"
	mt_eq "$3: its SHA-256 is the event's" "$2" "$(mt_sha256 "$D/$2.ko")"
	mt_eq "$3: mode 0600" 600 "$(stat -c %a "$D/$2.ko")"
}

mt_run finit 0 finit "$CLEAN"
ev "finit_module: captured" '{event: "finit_module",
	args: mt_finit_args($ENV.CLEAN; ""), "module": mt_module("mt_clean"; ""; 0),
	outcome: "loaded", init_duration_ns: "<number>"}
	+ mt_hashed("mt_clean"; $ENV.CLEAN_SHA; $ENV.CLEAN_SIZE)' captured "\"$D/$CLEAN_SHA.ko\""
captured "$CLEAN" "$CLEAN_SHA" "finit_module"
mtload --quiet --expect 0 delete mt_clean

mt_run "the same module again" 0 finit "$CLEAN"
ev "the same module again: the same file" '{event: "finit_module",
	args: mt_finit_args($ENV.CLEAN; ""), "module": mt_module("mt_clean"; ""; 0),
	outcome: "loaded", init_duration_ns: "<number>"}
	+ mt_hashed("mt_clean"; $ENV.CLEAN_SHA; $ENV.CLEAN_SIZE)' captured "\"$D/$CLEAN_SHA.ko\""
mt_eq "the same module twice: one file" 1 "$(ls -A "$D" | wc -l)"
mtload --quiet --expect 0 delete mt_clean

# init_module of a buffer read from a file deleted before the call
cp "$P/mt_sleep.ko" /tmp/gone.ko
exec 3</tmp/gone.ko
rm /tmp/gone.ko
mt_run "init_module, file deleted" 0 init /proc/self/fd/3
exec 3<&-
mt_check_not "init_module, file deleted: the file is gone" test -e /tmp/gone.ko
ev "init_module of a deleted file's bytes: captured" '{event: "init_module",
	args: {len: ($ENV.SLEEP_SIZE | tonumber), params: ""},
	"module": mt_module("mt_sleep"; ""; 0), outcome: "loaded", init_duration_ns: "<number>"}
	+ mt_hashed("mt_sleep"; $ENV.SLEEP_SHA; $ENV.SLEEP_SIZE)' captured "\"$D/$SLEEP_SHA.ko\""
captured "$P/mt_sleep.ko" "$SLEEP_SHA" "init_module of a deleted file"
mtload --quiet --expect 0 delete mt_sleep

mt_run "an init that fails" ENODEV finit "$P/mt_fail.ko"
ev "an init that fails: captured all the same" '{event: "finit_module",
	args: mt_finit_args($ENV.P + "/mt_fail.ko"; ""), "module": mt_module("mt_fail"; ""; -19),
	ret: -19, errno: "ENODEV", outcome: "init_failed", init_duration_ns: "<number>"}
	+ mt_hashed("mt_fail"; $ENV.FAIL_SHA; $ENV.FAIL_SIZE)' captured "\"$D/$FAIL_SHA.ko\""
captured "$P/mt_fail.ko" "$FAIL_SHA" "an init that fails"

# --- over the budget ----------------------------------------------------------
echo $((LONG_SIZE - 1)) >$PARAM
mt_run "over the budget" 0 finit "$P/$LONG.ko"
ev "an image over the budget: over_budget, no file, loaded" '{event: "finit_module",
	args: mt_finit_args($ENV.P + "/" + $ENV.LONG + ".ko"; ""), "module": mt_module($ENV.LONG; ""; 0),
	outcome: "loaded", init_duration_ns: "<number>"}
	+ mt_hashed($ENV.LONG; $ENV.LONG_SHA; $ENV.LONG_SIZE)' over_budget null
mt_check_not "over the budget: no file" test -e "$D/$LONG_SHA.ko"
mt_eq "over the budget: counted once" 1 \
	"$(modtrace --status --json | jq '.counters.capture_over_budget')"
mt_check "over the budget: --status text shows the counter" sh -c \
	"modtrace --status | grep -q '^  capture_over_budget  *1$'"
mtload --quiet --expect 0 delete "$LONG"
echo 1048576 >$PARAM

# --- a compressed file the kernel decompresses (6.12) ---------------------------
case $MT_RELEASE in
6.1.*) ;;
*)
	xzcat /lib/mt/mt_clean.ko.xz >decompressed.ko
	XZ_SHA=$(mt_sha256 decompressed.ko) XZ_SIZE=$(wc -c <decompressed.ko)
	export XZ_SHA XZ_SIZE
	mt_run compressed 0 --flags 4 finit /lib/mt/mt_clean.ko.xz
	ev "compressed: the decompressed bytes are captured" '{event: "finit_module",
		args: (mt_finit_args("/lib/mt/mt_clean.ko.xz"; "") + {flags: ["compressed_file"], flags_raw: 4}),
		"module": mt_module("mt_clean"; ""; 0), outcome: "loaded", init_duration_ns: "<number>"}
		+ mt_hashed("mt_clean"; $ENV.XZ_SHA; $ENV.XZ_SIZE)' captured "\"$D/$XZ_SHA.ko\""
	captured decompressed.ko "$XZ_SHA" "compressed"
	mtload --quiet --expect 0 delete mt_clean
	;;
esac

mt_check "every capture sent and freed" sh -c \
	"modtrace --status --json | jq -e '.capture_held_bytes == 0 and .counters.capture_lost == 0'"
mt_check_not "no temporary file left" sh -c "ls -A '$D' | grep -q '^\\.'"
ls -l "$D" >"$MT_RESULTS/capture-ls.txt"

kill "$reader" "$reader2"
wait "$reader"
mt_eq "the reader exits 0 on SIGTERM" 0 $?
wait "$reader2"
mt_eq "the second reader exits 0 on SIGTERM" 0 $?
mt_check_not "no other warning from the readers" sh -c \
	"grep -v 'capture_max_bytes is 0' '$J.err' '$J2.err' | grep -q warning"

# --- a capturing reader that stops reading ------------------------------------
# Its socket filled while it is stopped (a flood of failing calls), the load
# after it goes to the kernel's backlog for it and the capture's chunks wait:
# 5 s later the capture is given up for that reader, counted, and freed. Once
# it runs again it gets the load whole and says its image was lost (after
# its own 5 s wait for chunks that will not come).
D3=$MT_RESULTS/images-stopped J3=$MT_RESULTS/capture-stopped.jsonl
if mt_reader_start "$J3" --json --capture "$D3"; then mt_ok "a capturing reader subscribes"; else mt_fail "a capturing reader subscribes" "readers did not rise"; fi
reader3=$MT_READER
kill -STOP "$reader3"
# Floods until its socket refuses a record: on PREEMPT_RT one flood can
# overflow the kernel's buffer while the worker waits, and not reach the
# socket at all.
mt_flood_until_full 1000 1 40
mt_eq "a stopped reader: its socket filled ($MT_FLOODS floods of 1000 calls)" 0 $?
MT_RUN_JSON=
mt_run "a stopped reader: the load after the flood" 0 finit "$CLEAN"
sleep 7
mt_check "a stopped reader: its capture given up, counted, freed" sh -c \
	"modtrace --status --json | jq -e '.counters.capture_lost == 1 and .capture_held_bytes == 0'"
kill -CONT "$reader3"
mt_check "a stopped reader: the load's event arrives once it runs" mt_wait_json "$J3" "$C" 60
mt_event "a stopped reader: the load whole, its image lost" "$J3" "$C" \
	"mt_base + {event: \"finit_module\",
	args: mt_finit_args(\$ENV.CLEAN; \"\"), \"module\": mt_module(\"mt_clean\"; \"\"; 0),
	outcome: \"loaded\", init_duration_ns: \"<number>\"}
	+ mt_hashed(\"mt_clean\"; \$ENV.CLEAN_SHA; \$ENV.CLEAN_SIZE)
	| .image.capture = \"lost\" | .module.captured = null"
mt_eq "a stopped reader: no file" 0 "$(ls -A "$D3" | wc -l)"
mtload --quiet --expect 0 delete mt_clean
kill "$reader3"
wait "$reader3"
mt_eq "the stopped reader exits 0 on SIGTERM" 0 $?
mt_check "modtrace unloads" $RMMOD modtrace
mt_done
