#!/bin/bash
# A soft lockup in the guest ends the run at once: boot a guest whose only
# test spins a CPU with preemption off (vhm_selftest spin=60) and check the
# runner kills it, names the lockup with its stack trace and fails, long
# before its time limit.
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
echo "1..1"
log=${OUT:-.output}/guest/lockup-console.log
start=$(date +%s)
# Each line of output with the second it arrived, to time the spin.
out=$(scripts/guest-run -t 300 -l "$log" -- \
	tests/guest/suite.sh tests/guest/selftest/lockup.t 2>&1 |
	while IFS= read -r line; do echo "$(date +%s) $line"; done
	exit "${PIPESTATUS[0]}")
rc=$?
end=$(date +%s)
echo "$out" | cut -d' ' -f2- | sed 's/^/# /'
spun=$(grep -m1 ' # lockup: spinning' <<<"$out" | cut -d' ' -f1)
[ -n "$spun" ] || spun=$start
took=$((end - spun))
if [ $rc -eq 123 ] &&
   grep -q 'guest-run: kernel report on the console: .*soft lockup' <<<"$out" &&
   grep -q 'Call Trace:' <<<"$out" && [ $took -lt 60 ]; then
	echo "ok 1 a soft lockup kills the guest with its report (${took}s after the spin began, $((end - start))s in all)"
else
	echo "not ok 1 a soft lockup kills the guest with its report (status $rc, ${took}s after the spin began)"
fi
