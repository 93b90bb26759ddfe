#!/bin/bash
# The guest suite must fail when a test makes the kernel warn: boot a guest
# whose only test raises a WARNING and check the suite reports it.
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
echo "1..1"
out=$(scripts/guest-run -t 120 -l "${OUT:-.output}/guest/guard-console.log" -- \
	tests/guest/suite.sh tests/guest/selftest/warn.t 2>&1)
rc=$?
echo "$out" | sed 's/^/# /'
if [ $rc -ne 0 ] && grep -q '^not ok 1 suite: guest dmesg is clean' <<<"$out" &&
   grep -q '^# dmesg: .*WARNING:' <<<"$out"; then
	echo "ok 1 dmesg guard fails the suite on a kernel WARNING"
else
	echo "not ok 1 dmesg guard fails the suite on a kernel WARNING (status $rc)"
fi
