#!/bin/bash
# The vhost-vdpa backend on upstream's vDPA simulator (vdpa_sim_net, built by
# make modules on a kernel with the vDPA core): the device comes up bound to
# vhost_vdpa, the drivers move frames through the loopback, GET_VRING_BASE
# after suspend says where the rings stopped, and a wrong choice of device
# gets a message that says what to do. Skipped where the kernel has no vDPA
# core (6.1).
top=$(cd "$(dirname "$0")/../.." && pwd)
out=${OUT:-$top/.output}
bin=$out/bench
name=vhm-vdpasim-t0 other=vhm-vdpasim-t1
tmp=$(mktemp -d)
export VHM_NO_PROGRESS=1
n=0
total=8

ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n $2"; else echo "not ok $n $2"; fi; }
jq_true() { jq -e "$2" "$1" > /dev/null 2>&1; }
cleanup() {
	local d
	for d in "$name" "$other"; do
		[ -e "/sys/bus/vdpa/devices/$d" ] && vdpa dev del "$d"
	done
	rm -rf "$tmp"
}
trap cleanup EXIT

echo "1..$total"
if ! modprobe -n -q vhost_vdpa 2> /dev/null; then
	for i in $(seq "$total"); do echo "ok $i # SKIP no vDPA core in $(uname -r)"; done
	exit 0
fi

chr=$("$top/scripts/vhm-modules" vdpasim "$name")
[ -c "$chr" ] && [ "$(basename "$(readlink -f "/sys/bus/vdpa/devices/$name/driver")")" = vhost_vdpa ]
ok $? "vdpa_sim_net device $name is bound to vhost_vdpa as $chr"

f=$tmp/lat/latency.json
"$bin/vhm-latency" -b vhost-vdpa -V "$name" -n 200 -w 20 -r 2 -B 65400 \
	-o "$tmp/lat" > /dev/null
jq_true "$f" '.results[0].backend == "vhost-vdpa" and .results[0].summary.samples == 400
	and .results[0].summary.p50_ns > 0'
ok $? "latency: 400 samples"
# Every frame sent comes back on RX: the simulator loops TX to RX for
# frames to its own MAC, which the backend reads from the config space.
jq_true "$f" '.results[0].driver_counters | .tx_frames == 420 and .rx_frames == 420'
ok $? "latency: 420 frames out, 420 looped back"
jq_true "$f" '.results[0].vring_base_end == ((65400 + 420) % 65536)'
ok $? "latency: GET_VRING_BASE after suspend is past the 16-bit wrap"

f=$tmp/tput/throughput.json
"$bin/vhm-throughput" -b vhost-vdpa -V "$name" -k 1,16 -s 64 -q 64 -D 0.1 -w 0.02 -r 1 \
	-o "$tmp/tput" > /dev/null
# The simulator completes a frame's TX entry before its RX one: the last
# few may not be back on RX when the point ends.
jq_true "$f" '(.results | length == 2) and all(.results[]; .frames_per_s > 0
	and .driver_counters.rx_frames <= .driver_counters.tx_frames
	and .driver_counters.rx_frames >= .driver_counters.tx_frames - .depth)'
ok $? "throughput: 2 points, frames moved and looped back"
jq_true "$f" '.results[1].frames_per_kick > 1'
ok $? "throughput: batching amortises kicks"

# Two devices under vhost_vdpa: without --vdpa the driver does not guess.
"$top/scripts/vhm-modules" vdpasim "$other" > /dev/null
msg=$("$bin/vhm-latency" -b vhost-vdpa -n 10 -o "$tmp/two" 2>&1 > /dev/null)
rc=$?
[ "$rc" -ne 0 ] && grep -q "name one with --vdpa NAME" <<< "$msg"
ok $? "two vhost-vdpa devices: exit $rc, the error asks for --vdpa"
msg=$("$bin/vhm-latency" -b vhost-vdpa -V no-such-vdpa -n 10 -o "$tmp/none" 2>&1 > /dev/null)
rc=$?
[ "$rc" -ne 0 ] && grep -q "no-such-vdpa" <<< "$msg"
ok $? "unknown vdpa device: exit $rc, the error names it"
