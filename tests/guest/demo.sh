# The story `make demo` tells: real module loads through real tools, watched
# by modtrace, with the reader's output live on the terminal.
. /lib/mt/lib.sh

step() {
	printf '\n\033[1m$ %s\033[0m\n' "$*"
	"$@" 2>&1
	rc=$?
	[ $rc -eq 0 ] || printf '(exit status %d)\n' "$rc"
	sleep 1
}

echo "modtrace demo on Linux $(uname -r)"
$MODPROBE modtrace || exit 1
modtrace --color=always >/tmp/reader.out 2>&1 &
reader=$!
modtrace --json >/tmp/reader.json 2>/dev/null &
json=$!
sleep 1

step $MODPROBE 8021q
step $INSMOD "$(/sbin/modinfo -n dummy)"
step $MODPROBE kvm_intel
step $MODPROBE mt_clean count=7 label=demo values=4,5,6
step $RMMOD dummy
step mtload init --bad-image
sleep 2

kill "$reader" "$json" 2>/dev/null
wait 2>/dev/null
printf '\n\033[1mWhat modtrace reported (sudo modtrace):\033[0m\n'
cat /tmp/reader.out
printf '\n\033[1mThe same as JSON (sudo modtrace --json), the mt_clean load:\033[0m\n'
jq -c 'select(.module.name == "mt_clean")' /tmp/reader.json
