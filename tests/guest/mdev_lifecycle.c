// SPDX-License-Identifier: GPL-2.0
/*
 * vhost-mdev lifecycle: create, open, query, configure, run the virtio-net
 * loopback byte-exact, stop and resume exactly where it stopped, reset,
 * close, remove.
 */
#include <pthread.h>
#include <sys/ioctl.h>
#include <linux/vfio.h>
#include <linux/vhost.h>
#include <linux/virtio_ids.h>

#include "harness.h"
#include "net.h"

#define NUM	64u
#define BUFSZ	2048
#define MEMSZ	(4 << 20)

FIXTURE(net) {
	char uuid[37];
	struct vhm_net n;
};

/* Every test gets a fresh instance, opened, both rings programmed. */
FIXTURE_SETUP(net)
{
	vhm_net_init(&self->n);
	if (!vhm_sim_loaded(VHM_SIM_NET))
		SKIP(return, "vhost_mdev_sim is not loaded");
	ASSERT_EQ(vhm_mdev_create(VHM_SIM_NET, self->uuid), 0);
	ASSERT_EQ(vhm_net_open(&self->n, self->uuid, NUM, BUFSZ, MEMSZ), 0);
}

FIXTURE_TEARDOWN(net)
{
	vhm_sim_set_param("latency_ns", 0);
	vhm_net_close(&self->n);
	if (self->uuid[0] && vhm_mdev_exists(self->uuid))
		EXPECT_EQ(vhm_mdev_remove(self->uuid), 0);
}

/*
 * Send count frames starting at number first, in bursts, and check each
 * one arrives on RX byte-exact with a plain VERSION_1 header.
 */
static void traffic(struct __test_metadata *_metadata, struct vhm_net *n,
		    unsigned int first, unsigned int count, size_t hdr_len)
{
	uint8_t frame[2048];
	unsigned int i = 0;

	while (i < count) {
		unsigned int burst = count - i < 16 ? count - i : 16, k;

		for (k = 0; k < burst; k++) {
			size_t len = vhm_frame_len(first + i + k);
			uint8_t *buf = vhm_vq_buf(&n->tx, vhm_vq_slot(&n->tx));

			vhm_frame_fill(frame, len, first + i + k);
			memset(buf, 0, hdr_len);
			memcpy(buf + hdr_len, frame, len);
			ASSERT_EQ(vhm_vq_add(&n->tx, len + hdr_len, false), 0);
		}
		ASSERT_EQ(vhm_vq_kick(&n->tx), 0);
		ASSERT_EQ(vhm_vq_wait(&n->rx, burst, 20000), 0);
		ASSERT_EQ(vhm_vq_wait(&n->tx, burst, 20000), 0);
		for (k = 0; k < burst; k++) {
			size_t len = vhm_frame_len(first + i + k);
			uint32_t id, used_len;
			uint8_t *buf;

			ASSERT_EQ(vhm_vq_get(&n->tx, &id, &used_len), 0);
			ASSERT_EQ(vhm_vq_get(&n->rx, &id, &used_len), 0);
			ASSERT_LT(id, NUM);
			ASSERT_EQ(used_len, len + hdr_len);
			buf = vhm_vq_buf(&n->rx, id);
			vhm_frame_fill(frame, len, first + i + k);
			/* flags, gso_type, hdr_len, gso_size, csum: all 0 */
			ASSERT_EQ(buf[0], 0);
			ASSERT_EQ(buf[1], VIRTIO_NET_HDR_GSO_NONE);
			if (hdr_len == VHM_NET_HDR_LEN) {
				/* num_buffers == 1 */
				ASSERT_EQ(buf[10], 1);
				ASSERT_EQ(buf[11], 0);
			}
			ASSERT_EQ(memcmp(buf + hdr_len, frame, len), 0);
			ASSERT_EQ(vhm_vq_add(&n->rx, BUFSZ, true), 0);
		}
		ASSERT_EQ(vhm_vq_kick(&n->rx), 0);
		i += burst;
	}
}

static uint64_t bytes_of(unsigned int first, unsigned int count)
{
	uint64_t sum = 0;
	unsigned int i;

	for (i = first; i < first + count; i++)
		sum += vhm_frame_len(i);
	return sum;
}

TEST_F(net, full_lifecycle)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	struct {
		struct vhost_vdpa_config hdr;
		uint8_t buf[16];
	} cfg = { .hdr = { .off = 0, .len = 10 } };
	char api[64];
	uint64_t features;
	uint32_t u32;
	uint16_t u16;
	long long id, max;
	int fd;

	ASSERT_EQ(vhm_sysfs_read(VHM_SIM_NET "/device_api", api, sizeof(api)), 0);
	ASSERT_STREQ(api, VFIO_DEVICE_API_VHOST_STRING);
	ASSERT_TRUE(vhm_mdev_exists(self->uuid));
	id = vhm_mdev_attr(self->uuid, "vhost/id");
	max = vhm_mdev_attr(self->uuid, "sim/max_queue_size");
	ASSERT_GE(id, 0);
	ASSERT_GE(max, NUM);

	fd = self->n.vfio.device;

	ASSERT_EQ(ioctl(fd, VFIO_DEVICE_GET_INFO, &info), 0);
	EXPECT_TRUE(info.flags & VFIO_DEVICE_FLAGS_VHOST);
	EXPECT_TRUE(info.flags & VFIO_DEVICE_FLAGS_RESET);
	EXPECT_EQ(info.num_regions, 0u);
	EXPECT_EQ(info.num_irqs, 0u);

	ASSERT_EQ(ioctl(fd, VHOST_VDPA_GET_DEVICE_ID, &u32), 0);
	EXPECT_EQ(u32, (uint32_t)VIRTIO_ID_NET);
	ASSERT_EQ(ioctl(fd, VHOST_VDPA_GET_VQS_COUNT, &u32), 0);
	EXPECT_EQ(u32, 2u);
	ASSERT_EQ(ioctl(fd, VHOST_VDPA_GET_VRING_NUM, &u16), 0);
	EXPECT_EQ(u16, max);
	ASSERT_EQ(ioctl(fd, VHOST_VDPA_GET_CONFIG_SIZE, &u32), 0);
	EXPECT_EQ(u32, 10u);
	ASSERT_EQ(ioctl(fd, VHOST_GET_FEATURES, &features), 0);
	EXPECT_EQ(features, VHM_NET_FEATURES | (1ULL << VIRTIO_RING_F_EVENT_IDX));

	/* MAC 02:76:68:6d:<id>, status LINK_UP, one queue pair. */
	ASSERT_EQ(ioctl(fd, VHOST_VDPA_GET_CONFIG, &cfg), 0);
	EXPECT_EQ(cfg.buf[0], 0x02);
	EXPECT_EQ(cfg.buf[1], 0x76);
	EXPECT_EQ(cfg.buf[2], 0x68);
	EXPECT_EQ(cfg.buf[3], 0x6d);
	EXPECT_EQ(cfg.buf[4], (id >> 8) & 0xff);
	EXPECT_EQ(cfg.buf[5], id & 0xff);
	EXPECT_EQ(cfg.buf[6] | cfg.buf[7] << 8, VIRTIO_NET_S_LINK_UP);
	EXPECT_EQ(cfg.buf[8] | cfg.buf[9] << 8, 1);

	ASSERT_EQ(vhm_get_state(fd), VHOST_MDEV_S_STOPPED);
	ASSERT_EQ(vhm_net_fill_rx(&self->n, NUM), 0);
	ASSERT_EQ(vhm_set_state(fd, VHOST_MDEV_S_RUNNING), 0);
	/* Idempotent. */
	ASSERT_EQ(vhm_set_state(fd, VHOST_MDEV_S_RUNNING), 0);
	ASSERT_EQ(vhm_get_state(fd), VHOST_MDEV_S_RUNNING);
	EXPECT_EQ(vhm_mdev_attr(self->uuid, "vhost/state"), VHOST_MDEV_S_RUNNING);

	traffic(_metadata, &self->n, 0, 100, VHM_NET_HDR_LEN);
	EXPECT_EQ(vhm_mdev_attr(self->uuid, "sim/frames"), 100);
	EXPECT_EQ(vhm_mdev_attr(self->uuid, "sim/bytes"), (long long)bytes_of(0, 100));
	EXPECT_EQ(vhm_mdev_attr(self->uuid, "sim/errors"), 0);
	EXPECT_EQ(vhm_mdev_attr(self->uuid, "sim/dropped"), 0);
	EXPECT_GE(vhm_mdev_attr(self->uuid, "sim/kicks"), 100 / 16);
	EXPECT_GE(vhm_mdev_attr(self->uuid, "sim/interrupts"), 1);

	ASSERT_EQ(vhm_set_state(fd, VHOST_MDEV_S_STOPPED), 0);
	ASSERT_EQ(vhm_set_state(fd, VHOST_MDEV_S_STOPPED), 0);
	ASSERT_EQ(vhm_get_state(fd), VHOST_MDEV_S_STOPPED);
	EXPECT_EQ(vhm_get_base(fd, VHM_NET_TX), 100);
	/* RX: NUM posted up front, one consumed per frame. */
	EXPECT_EQ(vhm_get_base(fd, VHM_NET_RX), 100);
	EXPECT_EQ(self->n.tx.vr.used->idx, 100);
	EXPECT_EQ(self->n.rx.vr.used->idx, 100);

	/* RUNNING again continues where it stopped. */
	ASSERT_EQ(vhm_set_state(fd, VHOST_MDEV_S_RUNNING), 0);
	traffic(_metadata, &self->n, 100, 40, VHM_NET_HDR_LEN);
	ASSERT_EQ(vhm_set_state(fd, VHOST_MDEV_S_STOPPED), 0);
	EXPECT_EQ(vhm_get_base(fd, VHM_NET_TX), 140);
	EXPECT_EQ(vhm_get_base(fd, VHM_NET_RX), 140);
	EXPECT_EQ(vhm_mdev_attr(self->uuid, "sim/frames"), 140);
	EXPECT_EQ(vhm_mdev_attr(self->uuid, "sim/bytes"), (long long)bytes_of(0, 140));

	/* Reset: stopped, bases 0, config back to the power-on MAC. */
	cfg.hdr.off = 0;
	cfg.hdr.len = 6;
	memset(cfg.buf, 0xaa, 6);
	ASSERT_EQ(ioctl(fd, VHOST_VDPA_SET_CONFIG, &cfg), 0);
	memset(cfg.buf, 0, sizeof(cfg.buf));
	ASSERT_EQ(ioctl(fd, VHOST_VDPA_GET_CONFIG, &cfg), 0);
	EXPECT_EQ(cfg.buf[0], 0xaa);
	EXPECT_EQ(cfg.buf[5], 0xaa);
	ASSERT_EQ(vhm_set_state(fd, VHOST_MDEV_S_RUNNING), 0);
	ASSERT_EQ(ioctl(fd, VFIO_DEVICE_RESET), 0);
	ASSERT_EQ(vhm_get_state(fd), VHOST_MDEV_S_STOPPED);
	EXPECT_EQ(vhm_get_base(fd, VHM_NET_TX), 0);
	EXPECT_EQ(vhm_get_base(fd, VHM_NET_RX), 0);
	ASSERT_EQ(ioctl(fd, VHOST_VDPA_GET_CONFIG, &cfg), 0);
	EXPECT_EQ(cfg.buf[0], 0x02);
	EXPECT_EQ(cfg.buf[5], id & 0xff);

	vhm_net_close(&self->n);
	ASSERT_EQ(vhm_mdev_remove(self->uuid), 0);
	ASSERT_FALSE(vhm_mdev_exists(self->uuid));
}

/* Bases near 65535: indexes wrap within the run. */
TEST_F(net, vring_base_wraps)
{
	int fd;

	fd = self->n.vfio.device;
	vhm_vring_reset(&self->n.rx.vr, 65530);
	vhm_vring_reset(&self->n.tx.vr, 65520);
	ASSERT_EQ(vhm_vq_setup(fd, &self->n.rx), 0);
	ASSERT_EQ(vhm_vq_setup(fd, &self->n.tx), 0);
	ASSERT_EQ(vhm_get_base(fd, VHM_NET_RX), 65530);
	ASSERT_EQ(vhm_get_base(fd, VHM_NET_TX), 65520);
	ASSERT_EQ(vhm_net_fill_rx(&self->n, NUM), 0);
	ASSERT_EQ(vhm_set_state(fd, VHOST_MDEV_S_RUNNING), 0);
	traffic(_metadata, &self->n, 0, 40, VHM_NET_HDR_LEN);
	ASSERT_EQ(vhm_set_state(fd, VHOST_MDEV_S_STOPPED), 0);
	EXPECT_EQ(vhm_get_base(fd, VHM_NET_RX), (65530 + 40) & 0xffff);
	EXPECT_EQ(vhm_get_base(fd, VHM_NET_TX), (65520 + 40) & 0xffff);
}

/*
 * Stop in the middle of a slow batch: once SET_STATE(STOPPED) returns the
 * used rings no longer move and GET_VRING_BASE matches them; RUNNING
 * completes the rest.
 */
TEST_F(net, stop_is_exact)
{
	unsigned int i, total = NUM;
	uint16_t tx_used, rx_used;
	uint8_t frame[2048];
	pthread_t kicker;
	int fd;

	ASSERT_EQ(vhm_sim_set_param("latency_ns", 2000000), 0);
	fd = self->n.vfio.device;
	ASSERT_EQ(vhm_net_fill_rx(&self->n, NUM), 0);
	for (i = 0; i < total; i++) {
		vhm_frame_fill(frame, vhm_frame_len(i), i);
		ASSERT_EQ(vhm_net_queue(&self->n, frame, vhm_frame_len(i)), 0);
	}
	ASSERT_EQ(vhm_set_state(fd, VHOST_MDEV_S_RUNNING), 0);
	ASSERT_EQ(vhm_vq_kick_from_thread(&self->n.tx, &kicker), 0);
	ASSERT_EQ(vhm_vq_wait(&self->n.rx, 2, 20000), 0);
	ASSERT_EQ(vhm_set_state(fd, VHOST_MDEV_S_STOPPED), 0);
	ASSERT_EQ(pthread_join(kicker, NULL), 0);
	ASSERT_EQ(vhm_sim_set_param("latency_ns", 0), 0);

	tx_used = self->n.tx.vr.used->idx;
	rx_used = self->n.rx.vr.used->idx;
	TH_LOG("stopped after %u of %u frames", tx_used, total);
	EXPECT_LT(tx_used, total);
	EXPECT_EQ(vhm_get_base(fd, VHM_NET_TX), tx_used);
	EXPECT_EQ(vhm_get_base(fd, VHM_NET_RX), rx_used);
	EXPECT_EQ(tx_used, rx_used);
	usleep(100000);
	EXPECT_EQ(self->n.tx.vr.used->idx, tx_used);
	EXPECT_EQ(self->n.rx.vr.used->idx, rx_used);
	EXPECT_EQ(vhm_mdev_attr(self->uuid, "sim/frames"), tx_used);

	ASSERT_EQ(vhm_set_state(fd, VHOST_MDEV_S_RUNNING), 0);
	ASSERT_EQ(vhm_vq_wait(&self->n.tx, total, 20000), 0);
	ASSERT_EQ(vhm_vq_wait(&self->n.rx, total, 20000), 0);
	for (i = 0; i < total; i++) {
		uint32_t id, len;

		ASSERT_EQ(vhm_vq_get(&self->n.rx, &id, &len), 0);
		ASSERT_EQ(id, i);
		ASSERT_EQ(len, vhm_frame_len(i) + VHM_NET_HDR_LEN);
		vhm_frame_fill(frame, vhm_frame_len(i), i);
		ASSERT_EQ(memcmp(vhm_vq_buf(&self->n.rx, id) + VHM_NET_HDR_LEN, frame,
				 vhm_frame_len(i)), 0);
	}
	ASSERT_EQ(vhm_set_state(fd, VHOST_MDEV_S_STOPPED), 0);
	EXPECT_EQ(vhm_get_base(fd, VHM_NET_TX), (int)total);
}

/* Without VERSION_1 the header is the 10-byte legacy one. */
TEST_F(net, legacy_header)
{
	uint64_t features = 1ULL << VIRTIO_NET_F_MAC;

	ASSERT_EQ(ioctl(self->n.vfio.device, VHOST_SET_FEATURES, &features), 0);
	ASSERT_EQ(vhm_net_fill_rx(&self->n, NUM), 0);
	ASSERT_EQ(vhm_set_state(self->n.vfio.device, VHOST_MDEV_S_RUNNING), 0);
	traffic(_metadata, &self->n, 0, 20, 10);
}

/* VRING_AVAIL_F_NO_INTERRUPT: frames flow, the call eventfd stays quiet. */
TEST_F(net, no_interrupt_flag)
{
	uint8_t frame[64] = { 1, 2, 3 };
	long long before;
	unsigned int i;

	self->n.rx.vr.avail->flags = VRING_AVAIL_F_NO_INTERRUPT;
	self->n.tx.vr.avail->flags = VRING_AVAIL_F_NO_INTERRUPT;
	ASSERT_EQ(vhm_net_fill_rx(&self->n, NUM), 0);
	ASSERT_EQ(vhm_set_state(self->n.vfio.device, VHOST_MDEV_S_RUNNING), 0);
	before = vhm_mdev_attr(self->uuid, "sim/interrupts");
	for (i = 0; i < 8; i++)
		ASSERT_EQ(vhm_net_queue(&self->n, frame, sizeof(frame)), 0);
	ASSERT_EQ(vhm_vq_kick(&self->n.tx), 0);
	ASSERT_EQ(vhm_vq_wait(&self->n.rx, 8, 20000), 0);
	ASSERT_EQ(vhm_vq_wait(&self->n.tx, 8, 20000), 0);
	EXPECT_EQ(vhm_wait_fd(self->n.rx.call, 0), 0);
	EXPECT_EQ(vhm_wait_fd(self->n.tx.call, 0), 0);
	EXPECT_EQ(vhm_mdev_attr(self->uuid, "sim/interrupts"), before);
	EXPECT_EQ(vhm_mdev_attr(self->uuid, "sim/frames"), 8);
}

/* No RX buffer: TX waits (nothing dropped) until RX is kicked. */
TEST_F(net, rx_backpressure)
{
	uint8_t frame[100];
	unsigned int i;

	ASSERT_EQ(vhm_set_state(self->n.vfio.device, VHOST_MDEV_S_RUNNING), 0);
	for (i = 0; i < 4; i++) {
		vhm_frame_fill(frame, sizeof(frame), i);
		ASSERT_EQ(vhm_net_queue(&self->n, frame, sizeof(frame)), 0);
	}
	ASSERT_EQ(vhm_vq_kick(&self->n.tx), 0);
	usleep(200000);
	EXPECT_EQ(self->n.tx.vr.used->idx, 0);
	EXPECT_EQ(vhm_get_base(self->n.vfio.device, VHM_NET_TX), 0);
	ASSERT_EQ(vhm_net_fill_rx(&self->n, 4), 0);
	ASSERT_EQ(vhm_vq_wait(&self->n.rx, 4, 20000), 0);
	ASSERT_EQ(vhm_vq_wait(&self->n.tx, 4, 20000), 0);
	EXPECT_EQ(vhm_mdev_attr(self->uuid, "sim/frames"), 4);
	EXPECT_EQ(vhm_mdev_attr(self->uuid, "sim/dropped"), 0);
}

/*
 * The translation cache follows the container: TX buffers at one IOVA are
 * unmapped while stopped and other memory is mapped there; the device must
 * read the new memory, not pages it pinned before.
 */
TEST_F(net, remap_while_stopped)
{
	const uint64_t iova2 = 0x10000000ULL;
	struct vhm_mem a, b;
	uint8_t frame[300];
	uint32_t id, len;
	unsigned int i;

	ASSERT_EQ(vhm_mem_init(&a, BUFSZ * NUM, iova2), 0);
	ASSERT_EQ(vhm_mem_init(&b, BUFSZ * NUM, iova2), 0);
	ASSERT_EQ(vhm_vfio_try_map(&self->n.vfio, a.va, iova2, a.size, false), 0);
	self->n.tx.bufs = a.va;
	self->n.tx.bufs_iova = iova2;
	ASSERT_EQ(vhm_net_fill_rx(&self->n, NUM), 0);
	ASSERT_EQ(vhm_set_state(self->n.vfio.device, VHOST_MDEV_S_RUNNING), 0);
	traffic(_metadata, &self->n, 0, 8, VHM_NET_HDR_LEN);
	ASSERT_EQ(vhm_set_state(self->n.vfio.device, VHOST_MDEV_S_STOPPED), 0);

	ASSERT_EQ(vhm_vfio_unmap(&self->n.vfio, iova2, a.size), 0);
	ASSERT_EQ(vhm_vfio_try_map(&self->n.vfio, b.va, iova2, b.size, false), 0);
	/* Fill both copies; only b is mapped now. */
	for (i = 0; i < NUM; i++) {
		memset(a.va + BUFSZ * i, 0xee, BUFSZ);
		memset(b.va + BUFSZ * i, 0, VHM_NET_HDR_LEN);
		vhm_frame_fill(b.va + BUFSZ * i + VHM_NET_HDR_LEN, sizeof(frame),
			       1000 + i);
	}
	self->n.tx.bufs = b.va;
	ASSERT_EQ(vhm_set_state(self->n.vfio.device, VHOST_MDEV_S_RUNNING), 0);
	for (i = 0; i < 8; i++) {
		unsigned int slot = vhm_vq_slot(&self->n.tx);

		ASSERT_EQ(vhm_vq_add(&self->n.tx, sizeof(frame) + VHM_NET_HDR_LEN,
				     false), 0);
		ASSERT_EQ(vhm_vq_kick(&self->n.tx), 0);
		ASSERT_EQ(vhm_vq_wait(&self->n.rx, 1, 20000), 0);
		ASSERT_EQ(vhm_vq_get(&self->n.rx, &id, &len), 0);
		ASSERT_EQ(len, sizeof(frame) + VHM_NET_HDR_LEN);
		vhm_frame_fill(frame, sizeof(frame), 1000 + slot);
		ASSERT_EQ(memcmp(vhm_vq_buf(&self->n.rx, id) + VHM_NET_HDR_LEN,
				 frame, sizeof(frame)), 0);
	}
	EXPECT_EQ(vhm_mdev_attr(self->uuid, "sim/errors"), 0);
	vhm_mem_free(&a);
	vhm_mem_free(&b);
}

TEST_HARNESS_MAIN
