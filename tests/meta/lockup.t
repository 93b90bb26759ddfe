#!/bin/bash
# A lockup in the guest ends the run at once: boot a guest whose only test
# 1. spins a CPU with preemption off (vhm_selftest spin=60), a soft lockup;
# 2. sleeps uninterruptibly in insmod (block=120), a hung task after 10 s;
# and check the runner kills it, names the report with its stack trace and
# fails with status 123, within a minute and long before its time limit.
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
echo "1..2"

# check N SELFTEST MARK REPORT WHAT: MARK is the test's line before it
# blocks, REPORT the report's first line.
check() {
	local n=$1 selftest=$2 mark=$3 report=$4 what=$5 out rc start end began took
	local log=${OUT:-.output}/guest/lockup-console.log
	start=$(date +%s)
	# Each line of output with the second it arrived, to time the lockup.
	out=$(scripts/guest-run -t 300 -l "$log" -- tests/guest/suite.sh "$selftest" 2>&1 |
		while IFS= read -r line; do echo "$(date +%s) $line"; done
		exit "${PIPESTATUS[0]}")
	rc=$?
	end=$(date +%s)
	echo "$out" | cut -d' ' -f2- | sed 's/^/# /'
	began=$(grep -m1 " # $mark" <<<"$out" | cut -d' ' -f1)
	took=$((end - ${began:-$start}))
	if [ $rc -eq 123 ] &&
	   grep -q "guest-run: kernel report on the console: .*$report" <<<"$out" &&
	   grep -q 'Call Trace:' <<<"$out" && [ -n "$began" ] && [ $took -lt 60 ]; then
		echo "ok $n $what kills the guest with its report (${took}s after it began, $((end - start))s in all)"
	else
		echo "not ok $n $what kills the guest with its report (status $rc, ${took}s after it began)"
	fi
}

check 1 tests/guest/selftest/lockup.t 'lockup: spinning' 'soft lockup' 'a soft lockup'
check 2 tests/guest/selftest/hung.t 'hung: blocking' 'blocked for more than' 'a hung task'
