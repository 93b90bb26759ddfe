#!/bin/bash
# vhost-vdpa over our simulator (a net-vdpa instance): the latency driver's
# frames go round, and where the device does the work a kick asks for
# follows the simulator's mode. vhost_vdpa passes the kick eventfd's
# wake-up straight to the device, in the task that wrote the eventfd: in
# task_work mode the device processes on that task's way back to user
# space, as for a VFIO owner (the process events' task is the driver's, no
# context switch); in workqueue mode a kworker does. Skipped where the
# kernel has no vDPA core.
top=$(cd "$(dirname "$0")/../.." && pwd)
out=${OUT:-$top/.output}
bin=$out/bench
name=vhm-vdpakick-t0
mode=/sys/module/vhost_mdev_sim/parameters/mode
tmp=$(mktemp -d)
export VHM_NO_PROGRESS=1
n=0 uuid= old_mode=
. "$top/tests/guest/tool.sh"
total=6

ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n $2"; else echo "not ok $n $2"; fi; }
cleanup() {
	[ -e "/sys/bus/vdpa/devices/$name" ] && vdpa dev del "$name"
	[ -n "$uuid" ] && echo 1 > "/sys/bus/mdev/devices/$uuid/remove" 2> /dev/null
	[ -n "$old_mode" ] && echo "$old_mode" > "$mode"
	rm -rf "$tmp"
}
trap cleanup EXIT

echo "1..$total"
if ! modprobe -n -q vhost_vdpa 2> /dev/null; then
	for i in $(seq "$total"); do echo "ok $i # SKIP no vDPA core in $(uname -r)"; done
	exit 0
fi

set -- $("$top/scripts/vhm-modules" vdpa-mdev "$name")
chr=$1 uuid=$2
dev=$(cat "/sys/bus/mdev/devices/$uuid/vhost/id" 2> /dev/null)
[ -c "$chr" ] && [ -n "$dev" ]
ok $? "$name over instance $uuid (device $dev) is $chr"
old_mode=$(cat "$mode")

# in MODE: the latency driver's round trips with vhmtrace watching the
# process events; prints the tasks that processed them, one per line.
processors() {
	echo "$1" > "$mode"
	tool_start "$tmp" vhmtrace -j -e process -d "$dev"
	"$bin/vhm-latency" -b vhost-vdpa -V "$name" -n 100 -w 10 -r 1 \
		-o "$tmp/lat-$1" > /dev/null 2> "$tmp/drv-err"
	echo "driver exit $?" >> "$tmp/drv-err"
	tool_stop
	jq -r 'select(.event == "process") | .comm' "$tmp/out" | sort | uniq -c |
		sed 's/^ *//'
}

for m in task_work workqueue; do
	procs=$(processors "$m")
	jq -e '.results[0].summary.samples == 100 and
		.results[0].driver_counters.tx_frames == 110' \
		"$tmp/lat-$m/latency.json" > /dev/null 2>&1
	rc=$?
	[ $rc = 0 ] || sed 's/^/# /' "$tmp/drv-err"
	ok $rc "$m: 100 round trips through vhost-vdpa"
	echo "$procs" | sed 's/^/# processed by: /'
	# Lines of "COUNT COMM". The start's own look at the rings is no
	# kick's: it goes to the workqueue in either mode.
	case $m in
	task_work) want='^vhm-latency$' what="the kicking driver" ;;
	workqueue) want='^kworker/' what="a kworker" ;;
	esac
	seen=$(echo "$procs" | awk -v re="$want" '$2 ~ re { s += $1 } END { print s + 0 }')
	[ "$seen" -ge 100 ]
	ok $? "$m: $what processed the kicks ($seen of the process events)"
done

dmesg | grep -E "WARNING|BUG|Oops" | grep -v "^$" > "$tmp/dmesg"
[ ! -s "$tmp/dmesg" ]
ok $? "no kernel warning"
