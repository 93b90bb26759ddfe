# Shared by the virtual-clock tests (sourced): TAP helpers, the tools, a
# simulator instance made on demand and removed at exit.
top=$(cd "$(dirname "$0")/../.." && pwd)
out=${OUT:-$top/.output}
lat=$out/bench/vhm-latency
tput=$out/bench/vhm-throughput
cmp=$out/tools/vhm-compare
type=/sys/class/mdev_bus/vhost_mdev_sim/mdev_supported_types/vhost_mdev_sim-net
knob=/sys/module/vhost_mdev_sim/parameters/latency_ns
export VHM_NO_PROGRESS=1
n=0 uuid=
tmp=$(mktemp -d)

ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n $2"; else echo "not ok $n $2"; fi; }
skip() { n=$((n + 1)); echo "ok $n $1 # SKIP $2"; }
cleanup() {
	[ -w "$knob" ] && echo 0 > "$knob"
	[ -n "$uuid" ] && echo 1 > "/sys/bus/mdev/devices/$uuid/remove" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

# virtual_ready: the guest runs on the virtual clock with the tools and the
# simulator; else every test named in $@ is skipped with the reason.
virtual_ready() {
	local why=
	if [ "${VHM_CLOCK:-}" != virtual ]; then
		why="not on the virtual clock (scripts/guest-run -C virtual)"
	elif [ ! -x "$lat" ] || [ ! -x "$tput" ] || [ ! -x "$cmp" ]; then
		why="no vhm-latency, vhm-throughput or vhm-compare: run make"
	elif [ ! -w "$type/create" ] || [ ! -w "$knob" ]; then
		why="no simulator (vhost_mdev_sim not loaded)"
	fi
	if [ -n "$why" ]; then
		for t in "$@"; do skip "$t" "$why"; done
		return 1
	fi
	uuid=$(cat /proc/sys/kernel/random/uuid)
	if ! echo "$uuid" > "$type/create"; then
		uuid=
		ok 1 "create a simulator instance"
		return 1
	fi
}

# pct A B: (B / A - 1) in percent, 4 decimals.
pct() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.4f", (b / a - 1) * 100 }'; }
# within LIMIT_PCT A B: |B / A - 1| <= LIMIT_PCT %.
within() { awk -v l="$1" -v a="$2" -v b="$3" 'BEGIN { d = b / a - 1; if (d < 0) d = -d; exit !(d * 100 <= l) }'; }
