#!/bin/bash
# The kernel's virtio_blk driver on the simulator's blk-virtio type: the disk
# shows in lsblk with the configured capacity, carries an ext4 file system
# (mkfs, mount, write, unmount, fsck clean), its files read back after a
# remount, the device counters agree, and removing the mdev while the driver
# is bound takes the disk away cleanly.
types=/sys/class/mdev_bus/vhost_mdev_sim/mdev_supported_types
type=$types/vhost_mdev_sim-blk-virtio
mnt=$(mktemp -d)
n=0
uuid=

ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n $2"; else echo "not ok $n $2"; fi; }
cleanup() {
	mountpoint -q "$mnt" && umount "$mnt"
	[ -n "$uuid" ] && echo 1 > "/sys/bus/mdev/devices/$uuid/remove" 2>/dev/null
	rmdir "$mnt"
}
trap cleanup EXIT

# disk_of UUID: the block device name the virtio device behind the mdev got.
disk_of() {
	local d
	for d in /sys/bus/mdev/devices/"$1"/virtio*/block/*; do
		[ -e "$d" ] && { basename "$d"; return 0; }
	done
	return 1
}

echo "1..11"
modprobe -a ext4 virtio_blk 2>/dev/null

ok "$( [ -d "$type" ]; echo $?)" "the blk-virtio mdev type exists"
uuid=$(cat /proc/sys/kernel/random/uuid)
echo "$uuid" > "$type/create" || uuid=
udevadm settle 2>/dev/null
disk=$(disk_of "$uuid")
ok "$( [ -n "$disk" ] && [ -b "/dev/$disk" ]; echo $?)" "virtio_blk binds, /dev/$disk exists"
dev=/dev/$disk
sim=/sys/bus/mdev/devices/$uuid/sim
sectors=$(cat "$sim/capacity" 2>/dev/null)
ok "$(lsblk -bndo SIZE "$dev" 2>/dev/null | grep -qx "$((sectors * 512))"; echo $?)" \
	"lsblk shows the disk with the device's capacity ($sectors sectors)"
ok "$(grep -q '^vhmsim-blk-' "/sys/block/$disk/serial" 2>/dev/null; echo $?)" \
	"GET_ID: the serial is the device's id"

mkfs.ext4 -q -F "$dev" > /dev/null 2>&1
ok $? "mkfs.ext4"
mount "$dev" "$mnt"
ok $? "mount"
rc=0
for i in 1 2 3 4; do
	head -c $((i * 1024 * 1024 + i * 777)) /dev/urandom > "$mnt/f$i" || rc=1
done
sums=$(cd "$mnt" && sha256sum f1 f2 f3 f4)
sync
umount "$mnt" || rc=1
ok $rc "write four files, unmount"
fsck.ext4 -fn "$dev" > /dev/null 2>&1
ok $? "fsck.ext4 -fn: clean"
mount -o ro "$dev" "$mnt" && (cd "$mnt" && echo "$sums" | sha256sum -c --quiet) &&
	umount "$mnt"
ok $? "the files read back intact after a remount"

ok "$( [ "$(cat "$sim/errors")" = 0 ] && [ "$(cat "$sim/bad_requests")" = 0 ] &&
	[ "$(cat "$sim/writes")" -gt 0 ] && [ "$(cat "$sim/reads")" -gt 0 ] &&
	[ "$(cat "$sim/flushes")" -gt 0 ] &&
	[ "$(cat "$sim/write_bytes")" -ge $((10 * 1024 * 1024)) ]; echo $?)" \
	"counters: reads, writes, flushes, >= 10 MiB written, no errors"

# Removal while the driver is bound (disk open by nobody): the disk goes.
echo 1 > "/sys/bus/mdev/devices/$uuid/remove"
rc=$?
[ $rc = 0 ] && uuid=
udevadm settle 2>/dev/null
ok "$( [ $rc = 0 ] && [ ! -e "/sys/block/$disk" ]; echo $?)" \
	"removing the mdev with virtio_blk bound takes the disk away"
