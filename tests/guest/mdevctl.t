#!/bin/bash
# The simulator's types through mdevctl, as an administrator would: listed
# with their descriptions, an instance started, listed, used, stopped; the
# types share one pool of instances.
parent=vhost_mdev_sim
types=/sys/class/mdev_bus/$parent/mdev_supported_types
n=0
uuid=

ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n $2"; else echo "not ok $n $2"; fi; }
skip() { n=$((n + 1)); echo "ok $n $1 # SKIP $2"; }
cleanup() {
	[ -n "$uuid" ] && mdevctl stop -u "$uuid" > /dev/null 2>&1
}
trap cleanup EXIT

echo "1..5"
if ! command -v mdevctl > /dev/null; then
	for t in types start list available stop; do skip "mdevctl $t" "no mdevctl (make deps)"; done
	exit 0
fi

out=$(mdevctl types -p "$parent" 2>&1)
echo "$out" | sed -n '1,12s/^/# /p'
# Each of the four types, with its description.
count=0
for t in net net-virtio blk blk-virtio; do
	[[ $out == *"$parent-$t"* ]] && count=$((count + 1))
done
[ $count = 4 ] && [[ $out == *"Description: virtio-net loopback"* ]] &&
	[[ $out == *"for the kernel's virtio_blk"* ]]
ok $? "mdevctl types: 4 types, each with its description"

before=$(cat "$types/$parent-blk/available_instances")
uuid=$(cat /proc/sys/kernel/random/uuid)
mdevctl start -p "$parent" -t "$parent-net" -u "$uuid" &&
	[ -d "/sys/bus/mdev/devices/$uuid/vhost" ] &&
	[ "$(cat "/sys/bus/mdev/devices/$uuid/sim/mode")" = "$(cat /sys/module/$parent/parameters/mode)" ]
ok $? "mdevctl start: a net instance with its vhost and sim attributes"

mdevctl list 2>&1 | grep "$uuid" | sed 's/^/# /'
mdevctl list | grep -F "$uuid $parent $parent-net" > /dev/null
ok $? "mdevctl list: the instance, its parent and type"

after=$(cat "$types/$parent-blk/available_instances")
[ "$after" = $((before - 1)) ]
ok $? "available_instances: one pool for every type (blk $before -> $after after a net instance)"

mdevctl stop -u "$uuid" && [ ! -e "/sys/bus/mdev/devices/$uuid" ] && uuid=
ok $? "mdevctl stop: the instance is gone"
