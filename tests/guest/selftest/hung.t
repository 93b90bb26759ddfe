#!/bin/bash
# Sleeps uninterruptibly for 120 s on purpose, a hung task once the
# detector's timeout is 10 s; only tests/meta/lockup.t runs it, to prove the
# runner's console watch kills the guest and reports the task. Reaching the
# end means it did not.
top=$(cd "$(dirname "$0")/../../.." && pwd)
out=${OUT:-$top/.output}
echo "1..1"
ko=$out/modules/$(uname -r)/tests/kmod/vhm_selftest.ko
[ -f "$ko" ] || ko=$out/tests/kmod/vhm_selftest.ko
echo 10 > /proc/sys/kernel/hung_task_timeout_secs
echo "# hung: blocking 120 s in $ko"
insmod "$ko" block=120 && rmmod vhm_selftest
echo "not ok 1 the guest outlived a task blocked for 120 s"
