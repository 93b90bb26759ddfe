#!/bin/bash
# The guest suite must fail when a test makes the kernel warn: boot a guest
# whose only test raises a WARNING and check the suite reports it.
. "$(dirname "$0")/lib.sh"
echo "1..1"
suite_must_fail "dmesg guard fails the suite on a kernel WARNING" 120 \
	'^not ok 1 suite: guest dmesg is clean' '^# dmesg: .*WARNING:' \
	-- tests/guest/suite.sh tests/guest/selftest/warn.t
