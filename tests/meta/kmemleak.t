#!/bin/bash
# On a kernel with kmemleak (KERNEL=debug), the guest suite must fail when a
# module of ours leaks: boot a guest whose only test leaks from vhm_selftest
# and check the suite's kmemleak check reports it. Skipped on other kernels.
. "$(dirname "$0")/lib.sh"
echo "1..1"
if [ "${KERNEL:-6.1}" != debug ]; then
	echo "ok 1 kmemleak check fails the suite on a leak # SKIP no kmemleak in KERNEL=${KERNEL:-6.1}"
	exit 0
fi
suite_must_fail "kmemleak check fails the suite on a leak" 600 \
	'^not ok 1 suite: kmemleak finds no leak from our modules' \
	'^# kmemleak: unreferenced object .*(size 64)' \
	-- env VHM_KMEMLEAK=1 tests/guest/suite.sh tests/guest/selftest/leak.t
