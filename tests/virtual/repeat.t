#!/bin/bash
# Repeatability on the virtual clock: the same quick latency and throughput
# points, run twice, agree within 0.5% (p50 of every backend, frames/s of
# every backend), and make compare calls the second run no change.
. "$(dirname "$0")/lib.sh"
limit=0.5

echo "1..3"
# Repeatability is the measuring kernel's: the debug kernel runs its own
# background work (kmemleak's scans, KASAN's quarantine) through the runs,
# and vhost-net's frames/s moved 0.5% and 3.5% between two runs there. Its
# numbers are for finding bugs, not for comparing.
case "$(uname -r)" in
*-vhm-debug)
	for t in "latency p50s repeat" "frames/s repeat" "compare: no change"; do
		skip "$t" "the debug kernel is not a measuring kernel"
	done
	exit 0 ;;
esac
virtual_ready "latency p50s repeat" "frames/s repeat" "compare: no change" || exit 0
modprobe -a vhost_net tun 2>/dev/null

for i in 1 2; do
	"$lat" -d "$uuid" -c 0 -n 2000 -w 200 -r 1 -o "$tmp/run$i" > /dev/null
	"$tput" -d "$uuid" -c 0 -k 32 -s 64 -D 0.2 -w 0.05 -r 1 -o "$tmp/run$i" > /dev/null
done

# agree FILE JQ: every value JQ yields agrees between the runs; the
# values in a comment.
agree() {
	local a b bad=0 x y
	a=$(jq -r "$2" "$tmp/run1/$1") b=$(jq -r "$2" "$tmp/run2/$1")
	[ -n "$a" ] && [ "$(wc -l <<<"$a")" = "$(wc -l <<<"$b")" ] || return 1
	while read -r x && read -r y <&3; do
		echo "# ${x% *}: ${x##* } and ${y##* } ($(pct "${x##* }" "${y##* }")%)"
		within "$limit" "${x##* }" "${y##* }" || bad=1
	done < <(echo "$a") 3< <(echo "$b")
	return $bad
}
agree latency.json '.results[] | "\(.backend) p50_ns \(.summary.p50_ns)"'
ok $? "latency p50s repeat within $limit% (vhost-mdev, vhost-net, floor)"
agree throughput.json '.results[] | "\(.backend) frames/s \(.repetitions[0].frames_per_s)"'
ok $? "frames/s repeat within $limit% (vhost-mdev, vhost-net, floor)"
"$cmp" "$tmp/run1" "$tmp/run2" | sed 's/^/# /'
[ "${PIPESTATUS[0]}" = 0 ]
ok $? "compare: the second run is no change from the first"
