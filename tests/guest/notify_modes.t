#!/bin/bash
# The simulator's processing modes and notification suppression under the
# project's driver: vhm-traffic moves FRAMES frames (random batches and
# sizes, RX refilled without kicks, the device stopped and restarted and
# reopened in between) in every mode, with EVENT_IDX and without. Any lost
# frame, lost interrupt, stall or device error fails it, and every run
# must have used the mode it asked for (sim/mode).
top=$(cd "$(dirname "$0")/../.." && pwd)
out=${OUT:-$top/.output}
type=/sys/class/mdev_bus/vhost_mdev_sim/mdev_supported_types/vhost_mdev_sim-net
params=/sys/module/vhost_mdev_sim/parameters
frames=${VHM_NOTIFY_FRAMES:-200000}
n=0
uuid=
mode0=$(cat "$params/mode") poll0=$(cat "$params/poll_ns")

ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n $2"; else echo "not ok $n $2"; fi; }
cleanup() {
	[ -n "$uuid" ] && echo 1 > "/sys/bus/mdev/devices/$uuid/remove" 2>/dev/null
	echo "$mode0" > "$params/mode"
	echo "$poll0" > "$params/poll_ns"
}
trap cleanup EXIT

# run MODE POLL_NS [vhm-traffic options]: one instance, FRAMES frames.
run() {
	local mode=$1 poll=$2 log rc got
	shift 2
	uuid=$(cat /proc/sys/kernel/random/uuid)
	echo "$uuid" > "$type/create" || { ok 1 "$mode: create an instance"; return; }
	echo "$mode" > "$params/mode" && echo "$poll" > "$params/poll_ns"
	log=$("$out/stress/vhm-traffic" -d "$uuid" -f "$frames" -t 600 -S 30 -L 10 "$@" 2>&1)
	rc=$?
	got=$(cat "/sys/bus/mdev/devices/$uuid/sim/mode")
	echo "$log" | sed -n 's/^traffic: net [^:]*: /# /p'
	echo "$log" | grep -v "^traffic: " | sed "s/^/# /"
	echo 1 > "/sys/bus/mdev/devices/$uuid/remove"
	uuid=
	[ $rc -eq 0 ] && [ "$got" = "$mode" ] &&
		[[ $log =~ :\ ([0-9]+)\ frames ]] && [ "${BASH_REMATCH[1]}" -ge "$frames" ]
	ok $? "$mode$([ "$poll" = 0 ] || echo " poll_ns $poll"), $([ "$*" = -E ] && echo "VRING_USED_F_NO_NOTIFY" || echo EVENT_IDX): $frames frames, none lost, no stall, no lost interrupt"
}

# The doorbell: the latency driver rings it on every publish, a polling
# thread finds its frames by it (poll hits), every round trip completes.
doorbell() {
	local hits0 hits1 f
	uuid=$(cat /proc/sys/kernel/random/uuid)
	echo "$uuid" > "$type/create" || { ok 1 "doorbell: create an instance"; return; }
	hits0=$(cat "/sys/bus/mdev/devices/$uuid/sim/poll_hits")
	f=$(mktemp -d)
	# A window the driver's next publish falls in, even under TCG.
	echo kthread > "$params/mode" && echo 1000000 > "$params/poll_ns"
	VHM_NO_PROGRESS=1 "$out/bench/vhm-latency" -b vhost-mdev --doorbell -d "$uuid" \
		-n 1000 -w 100 -r 1 -o "$f" > /dev/null
	rc=$?
	hits1=$(cat "/sys/bus/mdev/devices/$uuid/sim/poll_hits")
	echo "# poll hits $((hits1 - hits0)) over 1100 round trips"
	[ $rc -eq 0 ] && [ "$hits1" -gt "$hits0" ] &&
		jq -e '.params.doorbell == true and .results[0].summary.samples == 1000
			and .results[0].device_counters.mode == "kthread"' "$f/latency.json" > /dev/null
	ok $? "doorbell: vhm-latency --doorbell on a polling thread, 1000 round trips, found by polling"
	rm -rf "$f"
	echo 1 > "/sys/bus/mdev/devices/$uuid/remove"
	uuid=
}

echo "1..6"
run task_work 0
run task_work 0 -E
run workqueue 0
run kthread 0 -E
run kthread 50000
doorbell
