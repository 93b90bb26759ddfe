#!/bin/bash
# fio's crc32c verify job (bench/fio/verify.fio) on both paths to the blk
# simulator: the kernel's virtio_blk (libaio) and the user path (external
# ioengine over VFIO). Every block written is read back and checked: fio
# reports no error, the device none either.
top=$(cd "$(dirname "$0")/../.." && pwd)
out=${OUT:-$top/.output}
engine=$out/fio/vhm-fio-engine.so
types=/sys/class/mdev_bus/vhost_mdev_sim/mdev_supported_types
tmp=$(mktemp -d)
n=0
uuids=()

ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n $2"; else echo "not ok $n $2"; fi; }
cleanup() {
	local u
	for u in "${uuids[@]}"; do
		echo 1 > "/sys/bus/mdev/devices/$u/remove" 2>/dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT

new_instance() {
	local u
	u=$(cat /proc/sys/kernel/random/uuid)
	echo "$u" > "$types/$1/create" || return 1
	uuids+=("$u")
	echo "$u"
}

# fio_ok JSON: fio ran the job without error and verified reads happened.
fio_ok() {
	jq -e '.jobs | length > 0 and all(.error == 0 and .read.total_ios > 0
		and .write.total_ios > 0)' "$1" > /dev/null 2>&1
}

echo "1..4"
export VHM_FIO_RUNTIME=1 VHM_FIO_IODEPTH=16

u=$(new_instance vhost_mdev_sim-blk-virtio)
disk=
for d in /sys/bus/mdev/devices/"$u"/virtio*/block/*; do
	[ -e "$d" ] && disk=/dev/$(basename "$d")
done
VHM_FIO_ENGINE=libaio VHM_FIO_FILE=$disk fio --eta=never --output-format=json \
	--output="$tmp/k.json" "$top/bench/fio/verify.fio" > /dev/null 2>&1
ok "$( [ -b "$disk" ] && fio_ok "$tmp/k.json"; echo $?)" \
	"kernel path ($disk, libaio): crc32c verify, 0 errors"
sim=/sys/bus/mdev/devices/$u/sim
ok "$( [ "$(cat "$sim/errors")" = 0 ] && [ "$(cat "$sim/bad_requests")" = 0 ] &&
	[ "$(cat "$sim/write_bytes")" -ge $((8 << 20)) ]; echo $?)" \
	"kernel path: the device wrote >= 8 MiB, no errors or bad requests"

u=$(new_instance vhost_mdev_sim-blk)
VHM_FIO_ENGINE=external:$engine VHM_FIO_FILE=$u fio --eta=never --output-format=json \
	--output="$tmp/u.json" "$top/bench/fio/verify.fio" > /dev/null 2>&1
ok "$(fio_ok "$tmp/u.json"; echo $?)" "user path (vhost-mdev-blk engine): crc32c verify, 0 errors"
sim=/sys/bus/mdev/devices/$u/sim
ok "$( [ "$(cat "$sim/errors")" = 0 ] && [ "$(cat "$sim/bad_requests")" = 0 ] &&
	[ "$(cat "$sim/writes")" = 2048 ] && [ "$(cat "$sim/reads")" = 2048 ]; echo $?)" \
	"user path: 2048 writes and 2048 reads of 4 KiB at the device, no errors"
