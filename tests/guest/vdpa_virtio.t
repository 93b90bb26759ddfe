#!/bin/bash
# The kernel's virtio_vdpa + virtio_net (and virtio_blk) over the vDPA
# consumer (kernels with the vDPA bus: 6.12): an instance of the simulator's
# net-vdpa type is a vdpa management device that `vdpa mgmtdev show` lists;
# `vdpa dev add` creates a vdpa device over it; bound to virtio_vdpa it is a
# network interface whose frames come back through the loopback, with the
# interface's and the simulator's counters in agreement. `vdpa dev del` and
# the removal of the instance take the interface away. On a kernel without
# the vDPA bus every test skips with the reason.
types=/sys/class/mdev_bus/vhost_mdev_sim/mdev_supported_types
type=$types/vhost_mdev_sim-net-vdpa
frames=64
plan=12
n=0
uuid=
buuid=
name=vhmv$$

ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n $2"; else echo "not ok $n $2"; fi; }
skip_all() {
	local i
	echo "1..$plan"
	for ((i = 1; i <= plan; i++)); do echo "ok $i vdpa_virtio # SKIP $1"; done
	exit 0
}
cleanup() {
	[ -n "$uuid" ] && echo 1 > "/sys/bus/mdev/devices/$uuid/remove" 2>/dev/null
	[ -n "$buuid" ] && echo 1 > "/sys/bus/mdev/devices/$buuid/remove" 2>/dev/null
}
trap cleanup EXIT

modprobe -q vdpa 2>/dev/null
[ -d /sys/bus/vdpa ] || skip_all "kernel $(uname -r) has no vDPA bus (CONFIG_VDPA)"
modprobe -q virtio_vdpa 2>/dev/null
[ -d /sys/bus/vdpa/drivers/virtio_vdpa ] || skip_all "no virtio_vdpa driver (CONFIG_VIRTIO_VDPA)"
[ -w "$type/create" ] || skip_all "vhost_mdev_sim offers no net-vdpa type"
modprobe virtio_net 2>/dev/null
modprobe virtio_blk 2>/dev/null

echo "1..$plan"

# Bind vdpa device $1 to virtio_vdpa, whichever driver took it first.
bind_virtio_vdpa() {
	local dev=/sys/bus/vdpa/devices/$1 drv
	drv=$(readlink -f "$dev/driver" 2>/dev/null)
	[ "${drv##*/}" = virtio_vdpa ] && return 0
	[ -z "$drv" ] || echo "$1" > "$drv/unbind"
	echo virtio_vdpa > "$dev/driver_override"
	echo "$1" > /sys/bus/vdpa/drivers_probe
	drv=$(readlink -f "$dev/driver" 2>/dev/null)
	[ "${drv##*/}" = virtio_vdpa ]
}

# The network interface over instance $1 (virtio_vdpa's virtio device hangs
# under the vdpa device's DMA device, the mdev device).
net_of() {
	local d
	for d in /sys/bus/mdev/devices/"$1"/virtio*/net/*; do
		[ -e "$d" ] && basename "$d"
	done
}

uuid=$(cat /proc/sys/kernel/random/uuid)
echo "$uuid" > "$type/create" || uuid=
vdpa mgmtdev show "mdev/$uuid" | sed 's/^/# /'
ok "$(vdpa mgmtdev show "mdev/$uuid" 2>/dev/null | grep -q 'supported_classes net'; echo $?)" \
	"vdpa mgmtdev show lists the instance as a net management device"

vdpa dev add name "$name" mgmtdev "mdev/$uuid"
ok "$(vdpa dev show "$name" 2>/dev/null | grep -q "mgmtdev mdev/$uuid"; echo $?)" \
	"vdpa dev add creates $name over it"

bind_virtio_vdpa "$name"
ok $? "virtio_vdpa binds to $name"

ifname=$(net_of "$uuid")
mac=$(cat "/sys/class/net/$ifname/address" 2>/dev/null)
ok "$( [ -n "$ifname" ] && [[ $mac == 02:76:68:6d:* ]]; echo $?)" \
	"virtio_net binds: $ifname with the device's MAC ($mac)"

sysctl -qw "net.ipv6.conf.$ifname.disable_ipv6=1" 2>/dev/null
ip link set "$ifname" up
ok "$( [ $? = 0 ] && grep -qx 1 "/sys/class/net/$ifname/carrier"; echo $?)" \
	"interface up with carrier (VIRTIO_NET_S_LINK_UP)"

sim=/sys/bus/mdev/devices/$uuid/sim
f0=$(cat "$sim/frames")
b0=$(cat "$sim/bytes")
rx0=$(cat "/sys/class/net/$ifname/statistics/rx_packets")
tx0=$(cat "/sys/class/net/$ifname/statistics/tx_packets")
python3 - "$ifname" "$frames" <<'PY'
import os, socket, sys, time
ifname, count = sys.argv[1], int(sys.argv[2])
ETH_P = 0x88b5
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P))
s.bind((ifname, ETH_P))
s.settimeout(10)
mac = s.getsockname()[4][:6]
sent = {}
for i in range(count):
    payload = i.to_bytes(4, "big") + os.urandom(60 + i * 7)
    sent[i] = payload
    s.send(mac + mac + ETH_P.to_bytes(2, "big") + payload)
got = 0
deadline = time.time() + 10
while got < count and time.time() < deadline:
    data, addr = s.recvfrom(65536)
    if addr[2] != socket.PACKET_HOST:
        continue
    i = int.from_bytes(data[14:18], "big")
    if sent.get(i) != data[14:]:
        print("# frame %d corrupted" % i)
        sys.exit(1)
    del sent[i]
    got += 1
print("# %d/%d frames came back" % (got, count))
sys.exit(0 if got == count else 1)
PY
ok $? "$frames AF_PACKET frames come back intact through the loopback"

f1=$(cat "$sim/frames")
b1=$(cat "$sim/bytes")
rx1=$(cat "/sys/class/net/$ifname/statistics/rx_packets")
tx1=$(cat "/sys/class/net/$ifname/statistics/tx_packets")
want_bytes=0
for ((i = 0; i < frames; i++)); do want_bytes=$((want_bytes + 14 + 64 + i * 7)); done
echo "# sim frames $((f1 - f0)) bytes $((b1 - b0)), if rx $((rx1 - rx0)) tx $((tx1 - tx0))"
ok "$( [ $((f1 - f0)) = "$frames" ] && [ $((b1 - b0)) = "$want_bytes" ] &&
	[ $((rx1 - rx0)) = "$frames" ] && [ $((tx1 - tx0)) = "$frames" ] &&
	[ "$(cat "$sim/errors")" = 0 ] && [ "$(cat "$sim/dropped")" = 0 ]; echo $?)" \
	"counters agree: simulator frames/bytes, interface rx/tx, no errors or drops"

vdpa dev del "$name"
rc=$?
ok "$( [ $rc = 0 ] && [ ! -e "/sys/class/net/$ifname" ] &&
	[ "$(cat "/sys/bus/mdev/devices/$uuid/vhost/state")" = 0 ]; echo $?)" \
	"vdpa dev del (interface up) takes the interface away and stops the device"

vdpa dev add name "$name" mgmtdev "mdev/$uuid" && bind_virtio_vdpa "$name"
ifname=$(net_of "$uuid")
ok "$( [ -n "$ifname" ]; echo $?)" "a second vdpa dev add over the same instance binds again ($ifname)"

echo 1 > "/sys/bus/mdev/devices/$uuid/remove"
rc=$?
[ $rc = 0 ] && uuid=
ok "$( [ $rc = 0 ] && [ ! -e "/sys/class/net/$ifname" ] &&
	[ ! -e "/sys/bus/vdpa/devices/$name" ]; echo $?)" \
	"removing the instance deletes its vdpa device and interface"

# virtio_blk over the blk-vdpa type: the RAM disk holds what is written.
buuid=$(cat /proc/sys/kernel/random/uuid)
echo "$buuid" > "$types/vhost_mdev_sim-blk-vdpa/create" || buuid=
vdpa dev add name "${name}b" mgmtdev "mdev/$buuid" && bind_virtio_vdpa "${name}b"
disk=
for d in /sys/bus/mdev/devices/"$buuid"/virtio*/block/*; do
	[ -e "$d" ] && disk=$(basename "$d")
done
ok "$( [ -n "$disk" ] && [ -b "/dev/$disk" ]; echo $?)" "virtio_blk over blk-vdpa: /dev/$disk"
head -c 1048576 /dev/urandom > /tmp/vdpa_virtio.img
dd if=/tmp/vdpa_virtio.img of="/dev/$disk" bs=64k oflag=direct status=none &&
	dd if="/dev/$disk" of=/tmp/vdpa_virtio.back bs=64k count=16 iflag=direct status=none &&
	cmp -s /tmp/vdpa_virtio.img /tmp/vdpa_virtio.back
ok $? "1 MiB written to /dev/$disk reads back the same (direct I/O)"
rm -f /tmp/vdpa_virtio.img /tmp/vdpa_virtio.back
echo 1 > "/sys/bus/mdev/devices/$buuid/remove" && buuid=
