#!/bin/bash
# The guest platform every other test stands on: the kernel matching the
# headers, the host root read-only, the project read-write at its own path,
# out-of-tree modules with BTF, and the kernel features the project uses.
top=$(cd "$(dirname "$0")/../.." && pwd)
out=${OUT:-$top/.output}
kmods=$out/modules/$(uname -r)
n=0
check() {
	local what=$1; shift
	n=$((n + 1))
	if "$@" >/dev/null 2>&1; then echo "ok $n $what"; else echo "not ok $n $what"; fi
}
# The kernel KERNEL names (6.1: the headers' ABI; debug: ours); without
# KERNEL in the guest, either of them.
abis=$(. "$top/scripts/env.sh"
	if [ -n "${KERNEL:-}" ]; then vhm_kernel_abi; else vhm_stock_abi; vhm_debug_abi 2>/dev/null; fi)
is_abi() { grep -qxF -- "$(uname -r)" <<<"$abis"; }

echo "1..9"
check "guest kernel is the selected one ($(echo $abis | sed 's/ / or /'))" is_abi
check "host root is read-only" sh -c '! touch /usr/.vhm-ro-check'
check "project is writable at its own path" sh -c "touch '$top/.output/.vhm-rw-check' && rm '$top/.output/.vhm-rw-check'"
check "/tmp is a writable tmpfs" sh -c 'findmnt -n -o FSTYPE /tmp | grep -qx tmpfs && touch /tmp/x'
check "out-of-tree module loads" insmod "$kmods/tests/kmod/vhm_selftest.ko"
check "module BTF is in /sys/kernel/btf" test -s /sys/kernel/btf/vhm_selftest
check "module BTF has the module's own types" sh -c \
	"bpftool btf dump file /sys/kernel/btf/vhm_selftest | grep -q vhm_selftest_marker"
rmmod vhm_selftest 2>/dev/null
check "VFIO and mdev modules load" modprobe -a vfio vfio_iommu_type1 mdev
check "tracefs and bpffs are mounted" sh -c 'test -d /sys/kernel/tracing/events && findmnt -n /sys/fs/bpf'
