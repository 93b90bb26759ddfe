#!/bin/bash
# On a kernel with kmemleak (KERNEL=debug), the guest suite must fail when a
# module of ours leaks: boot a guest whose only test leaks from vhm_selftest
# and check the suite's kmemleak check reports it. Skipped on other kernels.
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
echo "1..1"
if [ "${KERNEL:-6.1}" != debug ]; then
	echo "ok 1 kmemleak check fails the suite on a leak # SKIP no kmemleak in KERNEL=${KERNEL:-6.1}"
	exit 0
fi
out=$(scripts/guest-run -t 600 -l "${OUT:-.output}/guest/kmemleak-console.log" -- \
	env VHM_KMEMLEAK=1 tests/guest/suite.sh tests/guest/selftest/leak.t 2>&1)
rc=$?
echo "$out" | sed 's/^/# /'
if [ $rc -ne 0 ] && grep -q '^not ok 1 suite: kmemleak finds no leak from our modules' <<<"$out" &&
   grep -q '^# kmemleak: unreferenced object .*(size 64)' <<<"$out"; then
	echo "ok 1 kmemleak check fails the suite on a leak"
else
	echo "not ok 1 kmemleak check fails the suite on a leak (status $rc)"
fi
