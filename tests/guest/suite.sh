#!/bin/bash
# The guest test suite, run inside the guest by scripts/run-tests: loads the
# project's modules, runs every guest test (C binaries built into
# .output/tests/guest/ and tests/guest/*.t scripts), each printing TAP, and
# ends with the kmemleak check (on a kernel with kmemleak: KERNEL=debug) and
# the dmesg guard. Arguments: run only these tests instead.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
out=${OUT:-$top/.output}
# The modules built for the running kernel (make modules KERNEL=...).
kmods=$out/modules/$(uname -r)
# The kmemleak check (scans of some 10 s each on the debug kernel): on a
# kernel with kmemleak, for the whole suite; VHM_KMEMLEAK=1 or 0 forces it on
# or off, e.g. for a run of named tests.
kmemleak=/sys/kernel/debug/kmemleak
[ -w "$kmemleak" ] || kmemleak=
if [ "${VHM_KMEMLEAK:-}" = 0 ] || { [ $# -gt 0 ] && [ "${VHM_KMEMLEAK:-}" != 1 ]; }; then
	kmemleak=
fi
cd "$top" || exit 1

# The debug kernel (KASAN, lockdep, kmemleak under TCG) is several times
# slower: so are the time limits.
slow=1
case "$(uname -r)" in *-vhm-debug) slow=3 ;; esac
# On the virtual clock an idle guest jumps to its next timer at once: every
# wait on the host (9p file I/O) can cost seconds of guest time. The host's
# guest-run time limit, in real time, bounds the run there.
[ "${VHM_CLOCK:-}" = virtual ] && slow=$((slow * 20))
export HARNESS_TIMEOUT=${HARNESS_TIMEOUT:-$((300 * slow))}
per_test_timeout=${VHM_TEST_TIMEOUT:-$((900 * slow))}

# Only what the kernel says from here on counts against this run.
echo "vhm-suite: start" > /dev/kmsg
start=$(dmesg | grep -n 'vhm-suite: start' | tail -1 | cut -d: -f1)

failed=0
tap_line() { echo "$1"; [ "${1#not ok}" = "$1" ] || failed=1; }

# Leaks found before the suite (boot, the runner) are not ours: scan once and
# mark them seen, so only what the suite leaks is reported at the end.
if [ -n "$kmemleak" ]; then
	echo "# kmemleak: scan and clear what boot left"
	echo scan > "$kmemleak" 2>/dev/null
	echo clear > "$kmemleak" 2>/dev/null
fi

# kmemleak_check: after the modules are gone, two scans a few seconds apart
# (a pointer may sit in a register or a stack for a moment), then fail on any
# leak allocated from our modules: a backtrace naming vhost_mdev (or
# vhm_selftest), or a frame kallsyms cannot name any more, which is code of a
# module since unloaded. Other suspects are printed as comments.
kmemleak_check() {
	local recs n
	echo "# kmemleak"
	if ! { echo scan > "$kmemleak"; } 2>/dev/null; then
		tap_line "not ok 1 suite: kmemleak scan (kmemleak disabled itself: see dmesg)"
		return
	fi
	sleep 5
	echo scan > "$kmemleak" 2>/dev/null
	# One line per suspect, "1|..." when ours, "0|..."; its lines joined by '|'.
	recs=$(awk '
		function flush() {
			if (rec == "") return
			mine = rec ~ /vhost_mdev|vhm_selftest|\] 0x[0-9a-f]+(\||$)/
			print (mine ? 1 : 0) "|" rec
		}
		/^unreferenced object/ { flush(); rec = $0; next }
		{ sub(/^ +/, ""); rec = rec "|" $0 }
		END { flush() }' "$kmemleak")
	grep '^0|' <<<"$recs" | cut -d'|' -f2- | tr '|' '\n' | sed 's/^/# kmemleak (not ours): /'
	n=$(grep -c '^1|' <<<"$recs")
	if [ "$n" -gt 0 ]; then
		grep '^1|' <<<"$recs" | cut -d'|' -f2- | tr '|' '\n' | sed 's/^/# kmemleak: /'
		tap_line "not ok 1 suite: kmemleak finds no leak from our modules ($n found)"
	else
		tap_line "ok 1 suite: kmemleak finds no leak from our modules ($(grep -c '^0|' <<<"$recs") other suspects)"
	fi
}

if [ $# -gt 0 ]; then
	tests=("$@")
else
	tests=()
	for t in "$out"/tests/guest/* "$top"/tests/guest/*.t; do
		[ -x "$t" ] && [ -f "$t" ] && tests+=("$t")
	done
fi

if [ -x "$top/scripts/vhm-modules" ] && [ -f "$kmods/kernel/vhost_mdev.ko" ]; then
	echo "# load modules"
	if "$top/scripts/vhm-modules" load; then
		tap_line "ok 1 suite: load the project's modules"
	else
		tap_line "not ok 1 suite: load the project's modules"
	fi
fi

# Run one test binary in its own session, then kill whatever it left there
# (a bpftrace child of a test killed by its alarm, say): a leftover holding
# the output pipe would otherwise stall the whole suite.
run_test() {
	local sid=/tmp/vhm-suite.sid rc

	setsid -w bash -c 'echo $$ > "$0"; exec timeout -k 5 "$1" "$2"' \
		"$sid" "$per_test_timeout" "$1"
	rc=$?
	pkill -KILL -s "$(cat "$sid")" 2>/dev/null
	return $rc
}

for t in "${tests[@]}"; do
	name=$(basename "$t")
	echo "# $name"
	run_test "$t" 2>&1 |
		sed -u -E "s/^(ok|not ok) ([0-9]+) /\1 \2 $name: /" | tee /tmp/vhm-suite.out
	rc=${PIPESTATUS[0]}
	grep -q '^not ok' /tmp/vhm-suite.out && failed=1
	if [ "$rc" -ne 0 ]; then
		tap_line "not ok 1 $name: exit status $rc"
	fi
done

if [ -x "$top/scripts/vhm-modules" ] && [ -f "$kmods/kernel/vhost_mdev.ko" ]; then
	"$top/scripts/vhm-modules" unload ||
		tap_line "not ok 1 suite: unload the project's modules"
fi

[ -n "$kmemleak" ] && kmemleak_check

echo "# dmesg guard"
bad=$(dmesg | tail -n +"$start" | "$top/scripts/dmesg-guard")
if [ -n "$bad" ]; then
	printf '%s\n' "$bad" | sed 's/^/# dmesg: /'
	tap_line "not ok 1 suite: guest dmesg is clean"
else
	tap_line "ok 1 suite: guest dmesg is clean"
fi
exit $failed
