#!/bin/bash
# Raises a kernel WARNING on purpose; only tests/meta/guard.t runs it, to
# prove the suite's dmesg guard fails the run.
top=$(cd "$(dirname "$0")/../../.." && pwd)
echo "1..1"
insmod "${OUT:-$top/.output}/modules/$(uname -r)/tests/kmod/vhm_selftest.ko" warn=1 &&
	rmmod vhm_selftest && echo "ok 1 warning raised" || echo "not ok 1 warning raised"
