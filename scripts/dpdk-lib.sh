# shellcheck shell=bash
# DPDK testpmd on a vhost-vdpa device, shared by scripts/bench-dpdk and
# tests/guest/dpdk_testpmd.t. Source it after env.sh.

# The address vdpa_sim_net filters on (scripts/vhm-modules gives it that
# one); our simulator loops back any frame.
VHM_DPDK_PEER_MAC=02:76:68:6d:00:03
VHM_DPDK_BURSTS=${VHM_DPDK_BURSTS:-4}

# vhm_dpdk_setup HUGEDIR: 2 MiB pages, shared and file-backed (what
# vhost-vdpa maps for a device that takes process addresses, vdpa_sim, and
# what DPDK wants anyway), mounted at HUGEDIR; no memlock limit: vhost-vdpa
# pins what it maps for a device that takes physical addresses (ours) and
# counts it against RLIMIT_MEMLOCK, and a refused IOTLB update is
# testpmd's EFAULT.
vhm_dpdk_setup() {
	local d=/sys/kernel/mm/hugepages/hugepages-2048kB
	command -v dpdk-testpmd > /dev/null ||
		vhm_die "no dpdk-testpmd: install dpdk-dev (scripts/packages-6.12.txt, make deps KERNEL=6.12)"
	[ "$(cat "$d/nr_hugepages")" -ge 128 ] || echo 128 > "$d/nr_hugepages"
	[ "$(cat "$d/nr_hugepages")" -ge 64 ] ||
		vhm_die "cannot reserve 2 MiB huge pages for DPDK ($(cat "$d/nr_hugepages") of 128)"
	mkdir -p "$1"
	mountpoint -q "$1" || mount -t hugetlbfs -o pagesize=2M nodev "$1"
	ulimit -l unlimited
}

# vhm_testpmd CHARDEV MODE SIZE WARM SECS LOG HUGEDIR: testpmd in MODE
# (txonly, or io and rxonly started with VHM_DPDK_BURSTS bursts of 32
# frames) for WARM then SECS seconds, its output in LOG. Main lcore on CPU
# 0, forwarding on CPU 1.
vhm_testpmd() {
	local chr=$1 mode=$2 size=$3 warm=$4 secs=$5 log=$6 huge=$7 start=start
	[ "$mode" = txonly ] || start="start tx_first $VHM_DPDK_BURSTS"
	: > "$log"
	# shellcheck disable=SC2094 # the prompt is read from the growing log
	{
		# EAL and port setup take a while under TCG: wait for the prompt.
		for _ in $(seq 240); do grep -q '^testpmd> ' "$log" 2> /dev/null && break; sleep 0.5; done
		echo "set fwd $mode"
		echo "$start"
		sleep "$warm"
		echo "show port stats all"
		sleep "$secs"
		echo "show port stats all"
		echo stop
		sleep 0.5
		echo quit
	} | timeout 180 dpdk-testpmd -l 0,1 --no-pci --file-prefix "vhm-$$" \
		--huge-dir "$huge" -m 128 --iova-mode=va \
		--vdev "net_virtio_user0,path=$chr,queue_size=256" -- -i \
		--eth-peer=0,$VHM_DPDK_PEER_MAC --txpkts="$size" --nb-cores=1 \
		--total-num-mbufs=4096 >> "$log" 2>&1
}

# vhm_testpmd_stats LOG: one JSON object: the last show's rates (since the
# show before it) and the accumulated forward statistics.
vhm_testpmd_stats() {
	awk '
		/Rx-pps:/ { rx_pps = $2 }
		/Tx-pps:/ { tx_pps = $2 }
		/Accumulated forward statistics/ { acc = 1 }
		acc && /RX-packets:/ { rx = $2; rxd = $4 }
		acc && /TX-packets:/ { tx = $2; txd = $4; acc = 0 }
		END {
			if (rx == "" || tx == "") exit 1
			printf "{\"rx_pps\":%d,\"tx_pps\":%d,\"rx_packets\":%d,\"rx_dropped\":%d,\"tx_packets\":%d,\"tx_dropped\":%d}\n",
				rx_pps, tx_pps, rx, rxd, tx, txd
		}' "$1"
}
