#!/bin/bash
# The kernel's virtio_net driver on the simulator's net-virtio type: the
# interface shows in `ip link`, comes up, and frames sent on an AF_PACKET
# socket come back through the loopback with their payload intact; the
# interface's and the simulator's counters agree. Removing the mdev while
# the driver is bound takes the interface away.
type=/sys/class/mdev_bus/vhost_mdev_sim/mdev_supported_types/vhost_mdev_sim-net-virtio
frames=64
n=0
uuid=

ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n $2"; else echo "not ok $n $2"; fi; }
cleanup() {
	[ -n "$uuid" ] && echo 1 > "/sys/bus/mdev/devices/$uuid/remove" 2>/dev/null
}
trap cleanup EXIT

echo "1..8"
modprobe virtio_net 2>/dev/null

uuid=$(cat /proc/sys/kernel/random/uuid)
echo "$uuid" > "$type/create" || uuid=
ifname=
for d in /sys/bus/mdev/devices/"$uuid"/virtio*/net/*; do
	[ -e "$d" ] && ifname=$(basename "$d")
done
ok "$( [ -n "$ifname" ] && ip link show "$ifname" > /dev/null 2>&1; echo $?)" \
	"virtio_net binds, ip link shows $ifname"
sim=/sys/bus/mdev/devices/$uuid/sim
mac=$(cat "/sys/class/net/$ifname/address" 2>/dev/null)
ok "$( [[ $mac == 02:76:68:6d:* ]]; echo $?)" "the MAC comes from the device's config space ($mac)"

# Only our frames: no IPv6 autoconfiguration chatter on the interface.
sysctl -qw "net.ipv6.conf.$ifname.disable_ipv6=1" 2>/dev/null
ip link set "$ifname" up
ok $? "interface up"
ok "$(grep -qx 1 "/sys/class/net/$ifname/carrier"; echo $?)" "carrier (VIRTIO_NET_S_LINK_UP)"

f0=$(cat "$sim/frames")
b0=$(cat "$sim/bytes")
rx0=$(cat "/sys/class/net/$ifname/statistics/rx_packets")
tx0=$(cat "/sys/class/net/$ifname/statistics/tx_packets")
# Send frames to our own MAC with a local experimental ethertype, read them
# back as incoming (PACKET_HOST) frames and compare the payloads.
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

# The device reaches the rings virtio_net mapped and nothing else: the
# probe module loads only to check, and says -EAGAIN when both held.
top=$(cd "$(dirname "$0")/../.." && pwd)
probe=${OUT:-$top/.output}/modules/$(uname -r)/tests/kmod/vhm_kdma_probe.ko
out=$(insmod "$probe" ifname="$ifname" 2>&1)
rc=$?
dmesg | grep 'vhm_kdma_probe:' | tail -2 | sed 's/^/# /'
ok "$( [ $rc != 0 ] && grep -q 'Resource temporarily unavailable' <<<"$out"; echo $?)" \
	"the device reaches the mapped ring and is refused a page the driver never mapped"

echo 1 > "/sys/bus/mdev/devices/$uuid/remove"
rc=$?
[ $rc = 0 ] && uuid=
ok "$( [ $rc = 0 ] && [ ! -e "/sys/class/net/$ifname" ]; echo $?)" \
	"removing the mdev with virtio_net bound (interface up) takes it away"
