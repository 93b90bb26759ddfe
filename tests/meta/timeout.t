#!/bin/bash
# A guest command that never exits is killed by the runner's timeout and
# reported as a failure with the console's tail.
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
echo "1..1"
start=$(date +%s)
out=$(scripts/guest-run -t 25 -l "${OUT:-.output}/guest/timeout-console.log" -- sleep 100000 2>&1)
rc=$?
took=$(($(date +%s) - start))
echo "$out" | sed 's/^/# /'
if [ $rc -ne 0 ] && [ $took -lt 60 ] && grep -q 'killed after 25s timeout' <<<"$out"; then
	echo "ok 1 a hung guest is killed by the timeout and reported (${took}s)"
else
	echo "not ok 1 a hung guest is killed by the timeout and reported (status $rc, ${took}s)"
fi
