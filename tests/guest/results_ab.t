#!/bin/bash
# A/A and A/B through vhm-compare on real runs: the same configuration run
# twice compares as no change; the simulator's added processing latency
# (latency_ns, about 10% of the measured round trip) is flagged as a
# regression of the vhost-mdev p50. Each repetition is its own vhm-latency
# process, A and B interleaved, so slow drift of the guest hits both sides.
top=$(cd "$(dirname "$0")/../.." && pwd)
out=${OUT:-$top/.output}
lat=$out/bench/vhm-latency
cmp=$out/tools/vhm-compare
type=/sys/class/mdev_bus/vhost_mdev_sim/mdev_supported_types/vhost_mdev_sim-net
knob=/sys/module/vhost_mdev_sim/parameters/latency_ns
reps=${VHM_AB_REPS:-16}
tmp=$(mktemp -d)
export VHM_NO_PROGRESS=1
n=0 uuid=

ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n $2"; else echo "not ok $n $2"; fi; }
skip() { n=$((n + 1)); echo "ok $n $1 # SKIP $2"; }
cleanup() {
	[ -w "$knob" ] && echo 0 > "$knob"
	[ -n "$uuid" ] && echo 1 > "/sys/bus/mdev/devices/$uuid/remove" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

echo "1..3"
if [ ! -x "$lat" ] || [ ! -x "$cmp" ] || [ ! -w "$type/create" ] || [ ! -w "$knob" ]; then
	for t in "A/A" "A/B" "A/B size"; do skip "$t" "no vhm-latency, vhm-compare or simulator"; done
	exit 0
fi
uuid=$(cat /proc/sys/kernel/random/uuid)
echo "$uuid" > "$type/create" || { uuid=; echo "not ok 1 create a simulator instance"; exit 1; }

# one SIDE I: one repetition of vhost-mdev latency into $tmp/SIDE-I
one() {
	"$lat" -b vhost-mdev -d "$uuid" -c 0 -n 2000 -w 200 -r 1 -o "$tmp/$1-$2" > /dev/null
}
list() { local s= i; for i in $(seq 1 "$reps"); do s+=${s:+,}$tmp/$1-$i; done; echo "$s"; }

# A/A: two sides of the same configuration, interleaved.
echo 0 > "$knob"
one warm 0
for i in $(seq 1 "$reps"); do one a "$i"; one b "$i"; done
"$cmp" -m 'latency.vhost-mdev.p50' "$(list a)" "$(list b)" | sed 's/^/# /'
ok "${PIPESTATUS[0]}" "A/A: two identical configurations compare as no regression"

# A/B: the knob set to about 10% of the measured median round trip.
p50=$(for i in $(seq 1 "$reps"); do jq '.results[0].summary.p50_ns' "$tmp/a-$i/latency.json"; done |
	sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
add=$((p50 / 10))
echo "# baseline p50 ${p50} ns: latency_ns=$add"
for i in $(seq 1 "$reps"); do
	echo 0 > "$knob"; one c "$i"
	echo "$add" > "$knob"; one d "$i"
done
echo 0 > "$knob"
"$cmp" -m 'latency.vhost-mdev.p50' -j "$tmp/ab.json" "$(list c)" "$(list d)" | sed 's/^/# /'
rc=${PIPESTATUS[0]}
[ "$rc" = 1 ]
ok $? "A/B: latency_ns=$add is flagged as a regression (exit $rc)"
jq -e '.metrics[0].change_pct > 3' "$tmp/ab.json" > /dev/null 2>&1
ok $? "A/B: the estimated change is an increase ($(jq -r '.metrics[0].change_pct' "$tmp/ab.json" 2>/dev/null)%)"
