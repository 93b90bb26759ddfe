// SPDX-License-Identifier: GPL-2.0
/*
 * vhost-mdev concurrency: two threads issuing ioctls on one device, 100
 * create/remove cycles, kicks and traffic racing SET_STATE(STOPPED).
 */
#include <pthread.h>
#include <sys/ioctl.h>
#include <linux/vfio.h>
#include <linux/vhost.h>

#include "harness.h"
#include "net.h"

#define NUM	64u
#define BUFSZ	2048u
#define MEMSZ	(4u << 20)

FIXTURE(conc) {
	char uuid[37];
	struct vhm_net n;
};

FIXTURE_SETUP(conc)
{
	vhm_net_init(&self->n);
	if (!vhm_sim_loaded(VHM_SIM_NET))
		SKIP(return, "vhost_mdev_sim is not loaded");
	ASSERT_EQ(vhm_mdev_create(VHM_SIM_NET, self->uuid), 0);
	ASSERT_EQ(vhm_net_open(&self->n, self->uuid, NUM, BUFSZ, MEMSZ), 0);
}

FIXTURE_TEARDOWN(conc)
{
	vhm_net_close(&self->n);
	if (self->uuid[0] && vhm_mdev_exists(self->uuid))
		EXPECT_EQ(vhm_mdev_remove(self->uuid), 0);
}

struct ioctl_worker {
	int fd;
	volatile bool stop;
	unsigned int calls;
	unsigned int unexpected;
	char what[128];
};

static void bad(struct ioctl_worker *w, const char *call, int e)
{
	if (!w->unexpected++)
		snprintf(w->what, sizeof(w->what), "%s: %s", call, strerror(e));
}

/* Configuration ioctls: each must succeed or, while RUNNING, be EBUSY. */
static void *config_thread(void *arg)
{
	struct ioctl_worker *w = arg;
	struct vhost_vring_state num = { .index = VHM_NET_TX, .num = NUM };
	struct {
		struct vhost_vdpa_config hdr;
		uint8_t buf[10];
	} cfg = { .hdr = { .off = 0, .len = 10 } };
	uint64_t features = VHM_NET_FEATURES;
	int st;

	while (!w->stop) {
		if (ioctl(w->fd, VHOST_SET_FEATURES, &features) &&
		    errno != EBUSY)
			bad(w, "SET_FEATURES", errno);
		if (ioctl(w->fd, VHOST_SET_VRING_NUM, &num) && errno != EBUSY)
			bad(w, "SET_VRING_NUM", errno);
		if (ioctl(w->fd, VHOST_VDPA_GET_CONFIG, &cfg))
			bad(w, "GET_CONFIG", errno);
		if (vhm_get_base(w->fd, VHM_NET_TX) < 0)
			bad(w, "GET_VRING_BASE", errno);
		st = vhm_get_state(w->fd);
		if (st != VHOST_MDEV_S_STOPPED && st != VHOST_MDEV_S_RUNNING)
			bad(w, "GET_STATE", st < 0 ? -st : 0);
		w->calls++;
	}
	return NULL;
}

TEST_F(conc, two_threads_ioctls)
{
	struct ioctl_worker w = { .fd = self->n.vfio.device };
	uint8_t frame[200] = { 9 };
	int64_t end = vhm_now_ms() + 60000;
	pthread_t th;
	int i;

	ASSERT_EQ(pthread_create(&th, NULL, config_thread, &w), 0);
	/* At least 200 rounds here, and until the other thread did 100. */
	for (i = 0; i < 200 || (w.calls < 100 && vhm_now_ms() < end); i++) {
		ASSERT_EQ(vhm_set_state(self->n.vfio.device, VHOST_MDEV_S_RUNNING), 0);
		ASSERT_EQ(vhm_set_state(self->n.vfio.device, VHOST_MDEV_S_STOPPED), 0);
		if (i % 50 == 0)
			ASSERT_EQ(ioctl(self->n.vfio.device, VFIO_DEVICE_RESET), 0);
	}
	w.stop = true;
	pthread_join(th, NULL);
	TH_LOG("%u rounds of config ioctls", w.calls);
	EXPECT_EQ(w.unexpected, 0u);
	if (w.unexpected)
		TH_LOG("first unexpected: %s", w.what);
	EXPECT_GT(w.calls, 0u);

	/* The device still works. */
	ASSERT_EQ(ioctl(self->n.vfio.device, VFIO_DEVICE_RESET), 0);
	ASSERT_EQ(vhm_vq_setup(self->n.vfio.device, &self->n.rx), 0);
	ASSERT_EQ(vhm_vq_setup(self->n.vfio.device, &self->n.tx), 0);
	ASSERT_EQ(ioctl(self->n.vfio.device, VHOST_SET_FEATURES,
			&(uint64_t){ VHM_NET_FEATURES }), 0);
	ASSERT_EQ(vhm_net_fill_rx(&self->n, 4), 0);
	ASSERT_EQ(vhm_set_state(self->n.vfio.device, VHOST_MDEV_S_RUNNING), 0);
	ASSERT_EQ(vhm_net_queue(&self->n, frame, sizeof(frame)), 0);
	ASSERT_EQ(vhm_vq_kick(&self->n.tx), 0);
	ASSERT_EQ(vhm_vq_wait(&self->n.rx, 1, 20000), 0);
}

FIXTURE(cycle) {
	char uuid[37];
};

FIXTURE_SETUP(cycle)
{
	if (!vhm_sim_loaded(VHM_SIM_NET))
		SKIP(return, "vhost_mdev_sim is not loaded");
}

FIXTURE_TEARDOWN(cycle)
{
	if (self->uuid[0] && vhm_mdev_exists(self->uuid))
		EXPECT_EQ(vhm_mdev_remove(self->uuid), 0);
}

TEST_F(cycle, create_remove_100)
{
	long long avail;
	int i;

	avail = vhm_sysfs_read_num(VHM_SIM_NET "/available_instances");
	ASSERT_GT(avail, 0);
	for (i = 0; i < 100; i++) {
		ASSERT_EQ(vhm_mdev_create(VHM_SIM_NET, self->uuid), 0);
		ASSERT_TRUE(vhm_mdev_exists(self->uuid));
		EXPECT_EQ(vhm_sysfs_read_num(VHM_SIM_NET "/available_instances"),
			  avail - 1);
		if (i % 10 == 0) {
			struct vhm_vfio v;

			ASSERT_EQ(vhm_vfio_open(&v, self->uuid), 0);
			EXPECT_EQ(vhm_get_state(v.device), VHOST_MDEV_S_STOPPED);
			vhm_vfio_close(&v);
		}
		ASSERT_EQ(vhm_mdev_remove(self->uuid), 0);
		ASSERT_FALSE(vhm_mdev_exists(self->uuid));
	}
	EXPECT_EQ(vhm_sysfs_read_num(VHM_SIM_NET "/available_instances"), avail);
}

/* Sender: keeps TX full of numbered frames, checks RX byte-exact. */
struct sender {
	struct vhm_net *n;
	unsigned int total;
	unsigned int sent, received, kicks;
	volatile bool stop;
	char fail[160];
};

static void *sender_thread(void *arg)
{
	struct sender *s = arg;
	struct vhm_net *n = s->n;
	uint8_t frame[2048];
	int64_t end = vhm_now_ms() + 120000;

	while (s->received < s->total && !s->stop) {
		uint32_t id, len;

		if (vhm_now_ms() > end) {
			snprintf(s->fail, sizeof(s->fail), "timeout at %u/%u",
				 s->received, s->total);
			return NULL;
		}
		while (s->sent < s->total && vhm_vq_inflight(&n->tx) < NUM) {
			size_t l = vhm_frame_len(s->sent);

			vhm_frame_fill(frame, l, s->sent);
			if (vhm_net_queue(n, frame, l))
				break;
			s->sent++;
		}
		vhm_vq_kick(&n->tx);
		s->kicks++;
		while (!vhm_vq_get(&n->tx, &id, &len))
			;
		while (!vhm_vq_get(&n->rx, &id, &len)) {
			size_t l = vhm_frame_len(s->received);

			vhm_frame_fill(frame, l, s->received);
			if (len != l + VHM_NET_HDR_LEN ||
			    memcmp(vhm_vq_buf(&n->rx, id) + VHM_NET_HDR_LEN, frame,
				   l)) {
				snprintf(s->fail, sizeof(s->fail),
					 "frame %u: len %u, content differs",
					 s->received, len);
				return NULL;
			}
			s->received++;
			vhm_vq_add(&n->rx, BUFSZ, true);
			vhm_vq_kick(&n->rx);
		}
		vhm_wait_fd(n->rx.call, 5);
	}
	return NULL;
}

/*
 * Traffic and kicks race SET_STATE(STOPPED): after every stop the used
 * rings hold still and GET_VRING_BASE matches them; in the end every frame
 * arrives once, in order, byte-exact.
 */
TEST_F(conc, kicks_race_stop)
{
	struct sender s = { .n = &self->n, .total = 3000 };
	unsigned int i, stops = 0, moved = 0;
	pthread_t th;
	int fd = self->n.vfio.device;

	ASSERT_EQ(vhm_net_fill_rx(&self->n, NUM), 0);
	ASSERT_EQ(vhm_set_state(fd, VHOST_MDEV_S_RUNNING), 0);
	ASSERT_EQ(pthread_create(&th, NULL, sender_thread, &s), 0);
	for (i = 0; i < 40 && s.received < s.total; i++) {
		uint16_t tx, rx;

		usleep(2000 + (i % 5) * 1000);
		ASSERT_EQ(vhm_set_state(fd, VHOST_MDEV_S_STOPPED), 0);
		stops++;
		tx = __atomic_load_n(&self->n.tx.vr.used->idx, __ATOMIC_ACQUIRE);
		rx = __atomic_load_n(&self->n.rx.vr.used->idx, __ATOMIC_ACQUIRE);
		EXPECT_EQ(vhm_get_base(fd, VHM_NET_TX), tx);
		EXPECT_EQ(vhm_get_base(fd, VHM_NET_RX), rx);
		usleep(3000);
		moved += self->n.tx.vr.used->idx != tx;
		moved += self->n.rx.vr.used->idx != rx;
		ASSERT_EQ(vhm_set_state(fd, VHOST_MDEV_S_RUNNING), 0);
	}
	pthread_join(th, NULL);
	TH_LOG("%u stops, %u kicks, %u/%u frames", stops, s.kicks,
	       s.received, s.total);
	EXPECT_EQ(moved, 0u);
	if (s.fail[0])
		TH_LOG("sender: %s", s.fail);
	ASSERT_EQ(s.fail[0], 0);
	EXPECT_EQ(s.received, s.total);
	EXPECT_EQ(vhm_mdev_attr(self->uuid, "sim/frames"), s.total);
	EXPECT_EQ(vhm_mdev_attr(self->uuid, "sim/errors"), 0);
	ASSERT_EQ(vhm_set_state(fd, VHOST_MDEV_S_STOPPED), 0);
	EXPECT_EQ(vhm_get_base(fd, VHM_NET_TX), (int)s.total);
}

TEST_HARNESS_MAIN
