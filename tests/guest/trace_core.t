#!/bin/bash
# The BPF tools find the tracepoints' fields by name (CO-RE): against the
# modules built with a field added after "dev" in every event's struct and
# record (VHM_TRACE_PAD=y, kernel/Kbuild), every tool counts a known
# workload exactly, through tp_btf and through the tracepoint fallback, as
# against the stock build. The stock modules are loaded back at the end.
top=$(cd "$(dirname "$0")/../.." && pwd)
out=${OUT:-$top/.output}
pad=$out/modules/$(uname -r)/kernel-tracepad
type=/sys/class/mdev_bus/vhost_mdev_sim/mdev_supported_types/vhost_mdev_sim-net
rounds=300 warmup=50
n=0 uuid= tmp=$(mktemp -d)
. "$top/tests/guest/tool.sh"

ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n $2"; else echo "not ok $n $2"; fi; }
cleanup() {
	[ -n "$uuid" ] && echo 1 > "/sys/bus/mdev/devices/$uuid/remove" 2>/dev/null
	"$top/scripts/vhm-modules" unload > /dev/null 2>&1
	"$top/scripts/vhm-modules" load > /dev/null 2>&1
	rm -rf "$tmp"
}

echo "1..8"
if [ ! -f "$pad/vhost_mdev.ko" ]; then
	for i in 1 2 3 4 5 6 7 8; do echo "ok $i # SKIP no $pad (make modules)"; done
	exit 0
fi
trap cleanup EXIT
"$top/scripts/vhm-modules" unload > /dev/null &&
	VHM_KMOD_DIR=$pad "$top/scripts/vhm-modules" load > /dev/null
ok $? "load the modules built with a field more in every event"
grep -q "field:u32 pad;" /sys/kernel/tracing/events/vhost_mdev/vhost_mdev_kick/format &&
	grep -q "field:u32 pad;" /sys/kernel/tracing/events/vhost_mdev/vhost_mdev_call_latency/format &&
	bpftool btf dump file /sys/kernel/btf/vhost_mdev 2>/dev/null > "$tmp/btf" &&
	grep -A3 "STRUCT 'vhost_mdev_tp_vq'" "$tmp/btf" | grep -q "'pad'" &&
	grep -A3 "STRUCT 'vhost_mdev_tp_call_latency'" "$tmp/btf" | grep -q "'pad'"
ok $? "the kick's and call_latency's records and structs have the field"

uuid=$(cat /proc/sys/kernel/random/uuid)
echo "$uuid" > "$type/create"
dev=$(cat "/sys/bus/mdev/devices/$uuid/vhost/id")
total=$((rounds + warmup))

# traced TOOL ARGS...: the tool's stdout while the latency driver runs,
# and the driver's own counts: with the device on another CPU, a frame
# published while the device still holds notifications off needs no kick,
# and its call then answers no kick.
traced() {
	tool_start "$tmp" "$@"
	VHM_NO_PROGRESS=1 "$out/bench/vhm-latency" -b vhost-mdev -d "$uuid" \
		-n "$rounds" -w "$warmup" -r 1 -o "$tmp/drv" > /dev/null 2>&1
	tool_stop
	sed 's/^/# /' "$tmp/err" | grep -v "Hit Ctrl-C"
	kicks=$(driver tx_kicks) calls=$(driver tx_call_signals)
	echo "# driver: $kicks kicks, $(driver tx_kicks_suppressed) suppressed, $calls calls"
}

# driver COUNTER: the latency driver's count of the last run.
driver() {
	jq -e ".results[0].driver_counters.$1" "$tmp/drv/latency.json" 2> /dev/null || echo none
}

for mode in --btf --fallback; do
	# A start's own batch may take the first frame before its kick lands:
	# that kick shares the next frame's interrupt, one sample fewer.
	traced vhmlat "$mode" -j -k all -Q -d "$dev"
	# jq -e passes empty input: a tool that printed nothing must fail.
	# A kick the device answered before it landed is counted as overtaken
	# and its call pairs with nothing.
	[ -s "$tmp/out" ] && tail -n 1 "$tmp/out" | jq -e --argjson n "$kicks" '
		.overtaken as $o |
		[.hists[] | select(.vq == 1 and (.kind | test("kick|process")))] |
		length == 3 and all(.count >= $n - $o - 1 and .count <= $n and
				    .p50 > 0 and .max < 1e9)' > /dev/null
	rc=$?
	[ $rc = 0 ] || tail -n 1 "$tmp/out" | jq -c '[.hists[] | {kind, vq, count, max}], {unanswered, overtaken}' | sed 's/^/# /'
	ok $rc "vhmlat $mode: a kick_to_call, kick_to_process and process_to_call sample per kick on TX"
	traced vhmtop "$mode" -j -Q -d "$dev" 1
	[ -s "$tmp/out" ] && tail -n 1 "$tmp/out" |
		jq -e --argjson n "$total" --argjson k "$kicks" --argjson c "$calls" '
		[.vqs[] | select(.vq == 1)][0] |
		.kicks == $k and .calls == $c and .buffers == $n' > /dev/null
	rc=$?
	[ $rc = 0 ] || tail -n 1 "$tmp/out" | jq -c '.vqs' | sed 's/^/# /'
	ok $rc "vhmtop $mode: the driver's kicks and calls, $total buffers on TX"
	traced vhmtrace "$mode" -j -e kick,call -d "$dev"
	seen_kicks=$(grep -c '"event":"kick".*"vq":1' "$tmp/out")
	seen_calls=$(grep -c '"event":"call".*"vq":1' "$tmp/out")
	[ "$seen_kicks" = "$kicks" ] && [ "$seen_calls" = "$calls" ]
	rc=$?
	[ $rc = 0 ] || echo "# $seen_kicks kicks, $seen_calls calls on TX; last: $(tail -n 1 "$tmp/out")"
	ok $rc "vhmtrace $mode: the driver's kicks and calls on TX"
done
