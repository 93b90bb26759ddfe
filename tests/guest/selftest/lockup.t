#!/bin/bash
# Spins a CPU with preemption off for 60 s on purpose, a soft lockup; only
# tests/meta/lockup.t runs it, to prove the runner's console watch kills the
# guest and reports the lockup. Reaching the end means it did not.
top=$(cd "$(dirname "$0")/../../.." && pwd)
out=${OUT:-$top/.output}
echo "1..1"
ko=$out/modules/$(uname -r)/tests/kmod/vhm_selftest.ko
[ -f "$ko" ] || ko=$out/tests/kmod/vhm_selftest.ko
echo "# lockup: spinning 60 s in $ko"
insmod "$ko" spin=60 && rmmod vhm_selftest
echo "not ok 1 the guest outlived a 60 s soft lockup"
