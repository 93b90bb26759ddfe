#!/bin/bash
# Each backend's latency and throughput driver on a tiny run: valid JSON
# (schema_version, env, results) and, for vhost-mdev, counts that agree
# with the simulator's own sysfs counters (one fresh instance per run).
top=$(cd "$(dirname "$0")/../.." && pwd)
out=${OUT:-$top/.output}
bin=$out/bench
type=/sys/class/mdev_bus/vhost_mdev_sim/mdev_supported_types/vhost_mdev_sim-net
tmp=$(mktemp -d)
export VHM_NO_PROGRESS=1
n=0
uuid=

ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n $2"; else echo "not ok $n $2"; fi; }
skip() { n=$((n + 1)); echo "ok $n $1 # SKIP $2"; }
cleanup() {
	[ -n "$uuid" ] && echo 1 > "/sys/bus/mdev/devices/$uuid/remove" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

new_instance() {
	[ -n "$uuid" ] && echo 1 > "/sys/bus/mdev/devices/$uuid/remove"
	uuid=$(cat /proc/sys/kernel/random/uuid)
	echo "$uuid" > "$type/create" || uuid=
}

# jq_true FILE EXPR: the expression holds on the file.
jq_true() { jq -e "$2" "$1" > /dev/null 2>&1; }

valid_doc() {
	jq_true "$1" ".schema_version == 1 and .tool == \"$2\" and (.env.kernel | length > 0)
		and (.env.guest == true) and (.results | length == 1) and (.params | type == \"object\")"
}

echo "1..12"
modprobe -a vhost_net tun 2>/dev/null

# latency, every backend; vhost-mdev across the 16-bit ring index wrap
for be in vhost-mdev vhost-net floor; do
	if [ "$be" = vhost-mdev ]; then
		new_instance
		[ -n "$uuid" ] || { skip "$be latency" "no simulator instance"; skip "$be latency counters" "no instance"; continue; }
		dev=(-d "$uuid")
	else
		dev=()
	fi
	f=$tmp/$be-lat/latency.json
	"$bin/vhm-latency" -b "$be" "${dev[@]}" -n 200 -w 20 -r 2 -B 65400 -o "$tmp/$be-lat" > /dev/null
	valid_doc "$f" vhm-latency &&
		jq_true "$f" '.results[0].summary.samples == 400 and .results[0].summary.p50_ns > 0
			and .results[0].driver_counters.tx_frames == 420
			and .results[0].vring_base_end == ((65400 + 420) % 65536)'
	ok $? "$be latency: JSON valid, 420 frames, ring base past the wrap"
	if [ "$be" = vhost-mdev ]; then
		# Sim: frames, kicks and calls equal the driver's view (eventfd
		# reads coalesce signals: compare the signal count they carried).
		jq_true "$f" '.results[0] as $r | $r.device_counters.frames == $r.driver_counters.tx_frames
			and $r.device_counters.frames == $r.driver_counters.rx_frames
			and $r.device_counters.kicks == ($r.driver_counters.tx_kicks + $r.driver_counters.rx_kicks)
			and $r.device_counters.interrupts == $r.driver_counters.tx_call_signals + $r.driver_counters.rx_call_signals
			and $r.driver_counters.tx_interrupts <= $r.driver_counters.tx_call_signals
			and $r.device_counters.bytes == $r.driver_counters.tx_bytes
			and $r.device_counters.dropped == 0 and $r.device_counters.errors == 0'
		ok $? "$be latency: driver counts agree with the simulator's sysfs"
		s=$(cat "/sys/bus/mdev/devices/$uuid/sim/frames")
		jq_true "$f" ".results[0].driver_counters.tx_frames == $s"
		ok $? "$be latency: sysfs frames after the run ($s) match"
	fi
done

# throughput, every backend, two batch sizes
for be in vhost-mdev vhost-net floor; do
	dev=()
	if [ "$be" = vhost-mdev ]; then
		new_instance
		[ -n "$uuid" ] || { skip "$be throughput" "no simulator instance"; continue; }
		dev=(-d "$uuid")
	fi
	f=$tmp/$be-tput/throughput.json
	"$bin/vhm-throughput" -b "$be" "${dev[@]}" -k 1,16 -s 64 -q 64 -D 0.1 -w 0.02 -r 1 \
		-o "$tmp/$be-tput" > /dev/null
	jq_true "$f" '.schema_version == 1 and (.results | length == 2)
		and all(.results[]; .frames_per_s > 0 and .frames_per_kick >= 1 and .depth == 64)'
	ok $? "$be throughput: JSON valid, 2 points, frames moved"
	if [ "$be" = vhost-mdev ]; then
		# Each point opens the device anew; the sim counts both.
		jq_true "$f" '.results as $r | $r[1].device_counters.frames ==
			($r[0].driver_counters.tx_frames + $r[1].driver_counters.tx_frames)
			and $r[1].device_counters.kicks ==
			($r[0].driver_counters.tx_kicks + $r[1].driver_counters.tx_kicks)
			and $r[1].device_counters.interrupts ==
			([$r[0], $r[1]] | map(.driver_counters | .tx_call_signals + .rx_call_signals) | add)'
		ok $? "$be throughput: frames and kicks agree with the simulator"
		jq_true "$f" '.results[1].frames_per_kick > 1'
		ok $? "$be throughput: batching amortises kicks"
	fi
done

# a missing device names the cause
[ -n "$uuid" ] && echo 1 > "/sys/bus/mdev/devices/$uuid/remove" && uuid=
msg=$("$bin/vhm-latency" -b vhost-mdev -n 10 -o - 2>&1 >/dev/null)
grep -q "no vhost-mdev device: create one with" <<<"$msg"
ok $? "no device: the error says how to create one"
"$bin/vhm-latency" --help | grep -q "Examples:"
ok $? "--help shows examples"
