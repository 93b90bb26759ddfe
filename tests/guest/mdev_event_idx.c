// SPDX-License-Identifier: GPL-2.0
/*
 * VIRTIO_RING_F_EVENT_IDX on the simulator's virtio-net loopback: the
 * device publishes avail_event, honours used_event before signalling the
 * call, and loses no frame when the driver skips kicks per
 * vring_need_event().
 */
#include "harness.h"
#include "vhm_dev.h"

#define NUM	64u
#define BUFSZ	2048
#define MEMSZ	(4 << 20)
#define FEATURES	(VHM_FEATURES | (1ULL << VIRTIO_RING_F_EVENT_IDX))

struct kick_count {
	unsigned int kicks, skipped;
};

FIXTURE(eidx) {
	char uuid[37];
	struct vhm_net n;
	struct kick_count c;
};

static uint16_t *avail_event(struct vhm_vq *vq)
{
	return (uint16_t *)&vq->used->ring[vq->num];
}

static uint16_t *used_event(struct vhm_vq *vq)
{
	return &vq->avail->ring[vq->num];
}

/* Kick only when the device asked for the entries [old, avail_idx). */
static int kick_if_needed(struct kick_count *c, struct vhm_vq *vq,
			  uint16_t old)
{
	uint16_t event;

	/* avail->idx before avail_event: pairs with the device's smp_mb(). */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	event = __atomic_load_n(avail_event(vq), __ATOMIC_RELAXED);
	if (!vring_need_event(event, vq->avail_idx, old)) {
		c->skipped++;
		return 0;
	}
	c->kicks++;
	return vhm_vq_kick(vq);
}

/* Wait for n used entries without consuming the call eventfd. */
static int wait_used(struct vhm_vq *vq, unsigned int n)
{
	int64_t end = vhm_now_ms() + 20000;

	while (vhm_vq_ready(vq) < n) {
		if (vhm_now_ms() > end)
			return -ETIMEDOUT;
		usleep(200);
	}
	return 0;
}

/* Wait until the device wrote val to the ring's avail_event. */
static int wait_avail_event(struct vhm_vq *vq, uint16_t val)
{
	int64_t end = vhm_now_ms() + 20000;

	while (__atomic_load_n(avail_event(vq), __ATOMIC_ACQUIRE) != val) {
		if (vhm_now_ms() > end)
			return -ETIMEDOUT;
		usleep(200);
	}
	return 0;
}

FIXTURE_SETUP(eidx)
{
	uint64_t features = FEATURES, offered;

	self->n.dev.fd = self->n.dev.group = self->n.dev.container = -1;
	self->n.rx.kick = self->n.rx.call = self->n.rx.err = -1;
	self->n.tx.kick = self->n.tx.call = self->n.tx.err = -1;
	if (!vhm_sim_loaded())
		SKIP(return, "vhost_mdev_sim is not loaded");
	ASSERT_EQ(vhm_create(self->uuid), 0);
	ASSERT_EQ(vhm_net_open(&self->n, self->uuid, NUM, BUFSZ, MEMSZ), 0);
	ASSERT_EQ(ioctl(self->n.dev.fd, VHOST_GET_FEATURES, &offered), 0);
	ASSERT_EQ(offered & FEATURES, FEATURES);
	ASSERT_EQ(ioctl(self->n.dev.fd, VHOST_SET_FEATURES, &features), 0);
	/* Poison avail_event: the device must overwrite it. */
	*avail_event(&self->n.rx) = 0xbeef;
	*avail_event(&self->n.tx) = 0xbeef;
}

FIXTURE_TEARDOWN(eidx)
{
	vhm_set_param("latency_ns", 0);
	vhm_net_close(&self->n);
	if (self->uuid[0] && vhm_exists(self->uuid))
		EXPECT_EQ(vhm_remove(self->uuid), 0);
}

/* Consume one RX/TX pair, check frame i byte-exact, repost the buffer. */
static void check_frame(struct __test_metadata *_metadata, struct vhm_net *n,
			unsigned int i)
{
	size_t len = vhm_frame_len(i);
	uint8_t frame[2048];
	uint32_t id, used_len;
	uint8_t *buf;

	ASSERT_EQ(vhm_vq_get(&n->tx, &id, &used_len), 0);
	ASSERT_EQ(vhm_vq_get(&n->rx, &id, &used_len), 0);
	ASSERT_LT(id, NUM);
	ASSERT_EQ(used_len, len + VHM_HDR_LEN);
	buf = vhm_vq_buf(&n->rx, id);
	vhm_frame_fill(frame, len, i);
	ASSERT_EQ(buf[1], VIRTIO_NET_HDR_GSO_NONE);
	ASSERT_EQ(memcmp(buf + VHM_HDR_LEN, frame, len), 0);
	ASSERT_EQ(vhm_vq_add(&n->rx, BUFSZ, true), 0);
}

static void queue_frame(struct __test_metadata *_metadata, struct vhm_net *n,
			unsigned int i)
{
	uint8_t frame[2048];
	size_t len = vhm_frame_len(i);

	vhm_frame_fill(frame, len, i);
	ASSERT_EQ(vhm_net_queue(n, frame, len), 0);
}

/*
 * Batches of 8 with a slow device: the first frame of a batch kicks, the
 * rest are published while the device works on it, so the driver skips
 * their kicks; the device's second look at avail->idx finds them anyway.
 */
TEST_F(eidx, skipped_kicks_lose_nothing)
{
	const unsigned int total = 256, batch = 8;
	unsigned int i, k, rx_old;
	uint16_t old;

	ASSERT_EQ(vhm_net_fill_rx(&self->n, NUM), 0);
	ASSERT_EQ(vhm_set_state(self->n.dev.fd, VHOST_MDEV_S_RUNNING), 0);
	/* The start's run found no TX entry and published avail_event. */
	ASSERT_EQ(wait_avail_event(&self->n.tx, 0), 0);
	ASSERT_EQ(vhm_set_param("latency_ns", 2000000), 0);

	for (i = 0; i < total; i += batch) {
		for (k = 0; k < batch; k++) {
			old = self->n.tx.avail_idx;
			queue_frame(_metadata, &self->n, i + k);
			ASSERT_EQ(kick_if_needed(&self->c, &self->n.tx, old), 0);
		}
		ASSERT_EQ(wait_used(&self->n.tx, batch), 0);
		ASSERT_EQ(wait_used(&self->n.rx, batch), 0);
		rx_old = self->n.rx.avail_idx;
		for (k = 0; k < batch; k++)
			check_frame(_metadata, &self->n, i + k);
		ASSERT_EQ(kick_if_needed(&self->c, &self->n.rx, rx_old), 0);
	}
	ASSERT_EQ(vhm_attr(self->uuid, "sim/frames"), total);
	ASSERT_EQ(vhm_attr(self->uuid, "sim/errors"), 0);
	/* Every kick the driver sent reached the device, no more. */
	ASSERT_EQ(vhm_attr(self->uuid, "sim/kicks"), self->c.kicks + 1);
	EXPECT_GT(self->c.skipped, 0u);
	TH_LOG("%u kicks, %u skipped", self->c.kicks, self->c.skipped);

	/* Idle: avail_event is the next avail index of each ring. */
	EXPECT_EQ(wait_avail_event(&self->n.tx, self->n.tx.avail_idx), 0);
	EXPECT_EQ(wait_avail_event(&self->n.rx, total), 0);
	ASSERT_EQ(vhm_set_state(self->n.dev.fd, VHOST_MDEV_S_STOPPED), 0);
	EXPECT_EQ(vhm_get_base(self->n.dev.fd, VHM_TX), total);
}

/*
 * used_event far ahead: one frame at a time, no call until the used index
 * crosses it, exactly one call then, none after (used_event stays behind).
 */
TEST_F(eidx, used_event_holds_the_call)
{
	const unsigned int total = 24, ahead = 15;
	unsigned int i;
	uint16_t old;
	int rx_called, tx_called;

	*used_event(&self->n.rx) = ahead;
	*used_event(&self->n.tx) = ahead;
	ASSERT_EQ(vhm_net_fill_rx(&self->n, NUM), 0);
	ASSERT_EQ(vhm_set_state(self->n.dev.fd, VHOST_MDEV_S_RUNNING), 0);
	ASSERT_EQ(wait_avail_event(&self->n.tx, 0), 0);

	for (i = 0; i < total; i++) {
		old = self->n.tx.avail_idx;
		queue_frame(_metadata, &self->n, i);
		ASSERT_EQ(kick_if_needed(&self->c, &self->n.tx, old), 0);
		ASSERT_EQ(wait_used(&self->n.tx, 1), 0);
		ASSERT_EQ(wait_used(&self->n.rx, 1), 0);
		/* The used index moved from i to i + 1. */
		rx_called = vhm_wait_fd(self->n.rx.call, i == ahead ? 5000 : 50);
		tx_called = vhm_wait_fd(self->n.tx.call, i == ahead ? 5000 : 50);
		ASSERT_EQ(rx_called, i == ahead);
		ASSERT_EQ(tx_called, i == ahead);
		check_frame(_metadata, &self->n, i);
	}
	ASSERT_EQ(vhm_attr(self->uuid, "sim/interrupts"), 2);
	ASSERT_EQ(vhm_attr(self->uuid, "sim/frames"), total);
	/* One kick per frame: the device was idle before each. */
	ASSERT_EQ(self->c.skipped, 0u);
}

/* Without EVENT_IDX the device leaves avail_event alone. */
TEST_F(eidx, not_negotiated_keeps_old_path)
{
	uint64_t features = VHM_FEATURES;

	ASSERT_EQ(ioctl(self->n.dev.fd, VHOST_SET_FEATURES, &features), 0);
	ASSERT_EQ(vhm_net_fill_rx(&self->n, NUM), 0);
	ASSERT_EQ(vhm_set_state(self->n.dev.fd, VHOST_MDEV_S_RUNNING), 0);
	queue_frame(_metadata, &self->n, 0);
	ASSERT_EQ(vhm_vq_kick(&self->n.tx), 0);
	ASSERT_EQ(wait_used(&self->n.rx, 1), 0);
	ASSERT_EQ(vhm_wait_fd(self->n.rx.call, 5000), 1);
	check_frame(_metadata, &self->n, 0);
	EXPECT_EQ(*avail_event(&self->n.tx), 0xbeef);
	EXPECT_EQ(*avail_event(&self->n.rx), 0xbeef);
}

TEST_HARNESS_MAIN
