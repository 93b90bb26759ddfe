#!/bin/bash
# Leaks 64 bytes from a module on purpose; only tests/meta/kmemleak.t runs
# it, to prove the suite's kmemleak check fails the run.
top=$(cd "$(dirname "$0")/../../.." && pwd)
echo "1..1"
insmod "${OUT:-$top/.output}/modules/$(uname -r)/tests/kmod/vhm_selftest.ko" leak=1 &&
	rmmod vhm_selftest && echo "ok 1 64 bytes leaked" || echo "not ok 1 64 bytes leaked"
