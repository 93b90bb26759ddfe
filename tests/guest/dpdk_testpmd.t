#!/bin/bash
# DPDK's testpmd, a client nobody here wrote, through its virtio-user PMD on
# /dev/vhost-vdpa-N: on our simulator under the vDPA consumer, with its
# frames counted by the simulator's sysfs counters, and on vdpa_sim_net.
# Skipped where the kernel has no vDPA core (6.1) or testpmd is missing.
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/scripts/env.sh"
. "$top/scripts/dpdk-lib.sh"
cd "$top" || exit 1
total=9 n=0
tmp=$(mktemp -d)
huge=$tmp/huge
uuid=

ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n $2"; else echo "not ok $n $2"; fi; }
cleanup() {
	umount "$huge" 2> /dev/null
	vdpa dev del t_dpdk_vhm 2> /dev/null
	vdpa dev del t_dpdk_sim 2> /dev/null
	[ -z "$uuid" ] || echo 1 > "/sys/bus/mdev/devices/$uuid/remove" 2> /dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

echo "1..$total"
why=
modprobe -n -q vhost_vdpa 2> /dev/null || why="no vDPA core in $(uname -r)"
[ -n "$why" ] || command -v dpdk-testpmd > /dev/null || why="no dpdk-testpmd (dpdk-dev)"
[ -n "$why" ] || [ "$(nproc)" -ge 2 ] || why="testpmd needs 2 CPUs"
[ -n "$why" ] || grep -qw hugetlbfs /proc/filesystems || why="no hugetlbfs in $(uname -r)"
if [ -n "$why" ]; then
	for i in $(seq "$total"); do echo "ok $i # SKIP $why"; done
	exit 0
fi

if ! (vhm_dpdk_setup "$huge"); then
	# Without its memory every testpmd would wait out its time limit.
	for i in $(seq "$total"); do echo "not ok $i no 2 MiB pages for DPDK"; done
	exit 1
fi
ok 0 "2 MiB pages reserved and mounted"
ulimit -l unlimited
read -r chr uuid < <(scripts/vhm-modules vdpa-mdev t_dpdk_vhm)
sim=/sys/bus/mdev/devices/$uuid/sim
[ -c "$chr" ] && [ -d "$sim" ]
ok $? "our simulator as vdpa device t_dpdk_vhm: $chr"

# count NAME: a counter of our instance.
count() { cat "$sim/$1"; }
# stat LOG KEY: one of testpmd's accumulated counts.
stat() { vhm_testpmd_stats "$1" | jq -r ".$2"; }

# rxonly: the tx_first bursts (4 x 32) go out and come back, and nothing else.
f0=$(count frames)
vhm_testpmd "$chr" rxonly 64 0.2 0.5 "$tmp/rx.log" "$huge"
tx=$(stat "$tmp/rx.log" tx_packets) rx=$(stat "$tmp/rx.log" rx_packets) f=$(( $(count frames) - f0 ))
[ "$tx" = 128 ] && [ "$rx" = 128 ] && [ "$f" = 128 ]
ok $? "rxonly: testpmd sent $tx and received $rx, the simulator looped $f (128 each)"

# io: frames circle until stop; RX never runs short (128 frames, 256
# buffers), so the simulator consumed every frame testpmd sent, and testpmd
# read all but those still on RX at the stop.
f0=$(count frames)
vhm_testpmd "$chr" io 64 0.2 1 "$tmp/io.log" "$huge"
tx=$(stat "$tmp/io.log" tx_packets) rx=$(stat "$tmp/io.log" rx_packets) f=$(( $(count frames) - f0 ))
[ "$tx" -gt 1000 ] && [ "$f" = "$tx" ] && [ "$rx" -le "$f" ] && [ "$rx" -ge $((f - 128)) ]
ok $? "io: testpmd sent $tx, the simulator looped $f, testpmd received $rx"
[ "$(count dropped)" = 0 ] && [ "$(count errors)" = 0 ]
ok $? "io: the simulator dropped nothing and saw no error"

# txonly: nothing reads RX, and the loopback is lossless: TX stops once the
# 256 RX buffers are full, with 256 more frames waiting on TX.
f0=$(count frames)
vhm_testpmd "$chr" txonly 64 0.2 0.5 "$tmp/tx.log" "$huge"
tx=$(stat "$tmp/tx.log" tx_packets) f=$(( $(count frames) - f0 ))
[ "$f" = 256 ] && [ "$tx" = 512 ]
ok $? "txonly: the simulator filled RX ($f of 256) and held TX (testpmd sent $tx of 512)"
[ "$(count dropped)" = 0 ]
ok $? "txonly: nothing dropped"

# The same client on the upstream simulator.
chr2=$(scripts/vhm-modules vdpasim t_dpdk_sim)
vhm_testpmd "$chr2" rxonly 64 0.2 0.5 "$tmp/sim-rx.log" "$huge"
tx=$(stat "$tmp/sim-rx.log" tx_packets) rx=$(stat "$tmp/sim-rx.log" rx_packets)
[ "$tx" = 128 ] && [ "$rx" = 128 ]
ok $? "vdpa_sim_net rxonly: testpmd sent $tx and received $rx (128 each)"
vdpa dev del t_dpdk_sim

# What testpmd mapped is gone with it: the device is free for the next one.
vdpa dev del t_dpdk_vhm && echo 1 > "/sys/bus/mdev/devices/$uuid/remove" && uuid=
ok $? "the vdpa device and its instance go away after testpmd"
