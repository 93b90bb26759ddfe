// SPDX-License-Identifier: GPL-2.0
/*
 * What once hung or lost work: unmaps racing with traffic that touches the
 * unmapped ranges, a stop in the middle of a batch, an owner with a small
 * RLIMIT_MEMLOCK, many unmaps in one start. Each test drives real traffic
 * through the loopback and checks what a driver would see.
 */
#include <pthread.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "harness.h"
#include "net.h"

#define NUM	64u
#define BUFSZ	2048u
#define MEMSZ	(4u << 20)
#define FRAME	256u
/* Per-thread IOVA windows of the racing mappers, above the ring memory. */
#define RACE_IOVA(t)	(0x40000000ULL + (uint64_t)(t) * 0x10000000ULL)
#define RACE_SIZE	(256u << 10)

FIXTURE(rel) {
	char uuid[37];
	struct vhm_net n;
	pthread_mutex_t ring;	/* one frame in flight at a time */
	int fd;
};

FIXTURE_SETUP(rel)
{
	vhm_net_init(&self->n);
	pthread_mutex_init(&self->ring, NULL);
	if (!vhm_sim_loaded(VHM_SIM_NET))
		SKIP(return, "vhost_mdev_sim is not loaded");
	ASSERT_EQ(vhm_mdev_create(VHM_SIM_NET, self->uuid), 0);
	ASSERT_EQ(vhm_net_open(&self->n, self->uuid, NUM, BUFSZ, MEMSZ), 0);
	self->fd = self->n.vfio.device;
}

FIXTURE_TEARDOWN(rel)
{
	vhm_sim_set_param("latency_ns", 0);
	vhm_net_close(&self->n);
	if (self->uuid[0] && vhm_mdev_exists(self->uuid))
		EXPECT_EQ(vhm_mdev_remove(self->uuid), 0);
}

/*
 * One frame from iova through the loopback: queue it, kick, wait for its
 * RX copy, give the RX buffer back. 0, or -errno.
 */
static int loop_one(struct vhm_net *n, uint64_t iova, uint32_t len)
{
	uint32_t id, rlen;
	int ret;

	ret = vhm_vq_add_at(&n->tx, iova, len, false);
	if (!ret)
		ret = vhm_vq_kick(&n->tx);
	if (!ret)
		ret = vhm_vq_wait(&n->rx, 1, 10000);
	if (ret)
		return ret;
	vhm_vq_get(&n->rx, &id, &rlen);
	if (vhm_vq_wait(&n->tx, 1, 10000))
		return -ETIMEDOUT;
	vhm_vq_get(&n->tx, &id, &rlen);
	ret = vhm_vq_add(&n->rx, n->rx.buf_size, true);
	return ret ? ret : vhm_vq_kick(&n->rx);
}

struct mapper {
	struct _fixture_rel *self;
	unsigned int index;
	int64_t deadline;
	unsigned long rounds;
	int err;		/* first failure, -errno */
	const char *what;
};

/* Map a fresh buffer, send a frame from it, unmap it while others do too. */
static void *mapper_run(void *arg)
{
	struct mapper *m = arg;
	struct vhm_net *n = &m->self->n;
	uint64_t iova = RACE_IOVA(m->index);

	while (vhm_now_ms() < m->deadline && !m->err) {
		struct vhm_mem mem;
		int ret;

		ret = vhm_mem_init(&mem, RACE_SIZE, iova);
		if (ret) {
			m->err = ret;
			m->what = "mmap";
			break;
		}
		memset(mem.va, 0x5a, FRAME);
		ret = vhm_vfio_try_map(&n->vfio, mem.va, iova, RACE_SIZE, false);
		if (ret) {
			m->what = "MAP_DMA";
		} else {
			pthread_mutex_lock(&m->self->ring);
			ret = loop_one(n, iova + (m->rounds % 64) * 4096, FRAME);
			pthread_mutex_unlock(&m->self->ring);
			if (ret)
				m->what = "frame";
		}
		if (!ret) {
			ret = vhm_vfio_unmap(&n->vfio, iova, RACE_SIZE);
			if (ret)
				m->what = "UNMAP_DMA";
		}
		vhm_mem_free(&mem);
		if (ret) {
			m->err = ret;
			break;
		}
		m->rounds++;
	}
	return NULL;
}

static int race_seconds(void)
{
	const char *s = getenv("VHM_RACE_SECONDS");

	return s && atoi(s) > 0 ? atoi(s) : 60;
}

/*
 * Two threads map, send from and unmap their own ranges while the main
 * thread loops frames from the ring memory: the unmaps race with device
 * accesses to the same ranges and with each other.
 */
TEST_F(rel, map_touch_unmap_during_traffic)
{
	struct mapper m[2] = {};
	pthread_t th[2];
	unsigned long frames = 0;
	int64_t deadline = vhm_now_ms() + race_seconds() * 1000LL;
	unsigned int i;

	ASSERT_EQ(vhm_set_state(self->fd, VHOST_MDEV_S_RUNNING), 0);
	ASSERT_EQ(vhm_net_fill_rx(&self->n, NUM), 0);
	for (i = 0; i < 2; i++) {
		m[i].self = self;
		m[i].index = i;
		m[i].deadline = deadline;
		ASSERT_EQ(pthread_create(&th[i], NULL, mapper_run, &m[i]), 0);
	}
	while (vhm_now_ms() < deadline) {
		int ret;

		pthread_mutex_lock(&self->ring);
		ret = loop_one(&self->n, self->n.tx.bufs_iova, FRAME);
		pthread_mutex_unlock(&self->ring);
		if (ret)
			break;
		frames++;
	}
	for (i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	TH_LOG("%lu frames from the rings, %lu + %lu map/send/unmap rounds",
	       frames, m[0].rounds, m[1].rounds);
	for (i = 0; i < 2; i++) {
		if (m[i].err)
			TH_LOG("mapper %u: %s failed: %s", i, m[i].what,
			       strerror(-m[i].err));
		EXPECT_EQ(m[i].err, 0);
		EXPECT_GT(m[i].rounds, 10);
	}
	EXPECT_GT(frames, 10);
	EXPECT_EQ(vhm_get_state(self->fd), VHOST_MDEV_S_RUNNING);
	EXPECT_EQ(vhm_mdev_attr(self->uuid, "sim/errors"), 0);
	EXPECT_EQ(vhm_mdev_attr(self->uuid, "sim/frames"),
		  frames + m[0].rounds + m[1].rounds);
}

/* The eventfd's counter, read without blocking: 0 when not signalled. */
static uint64_t drain(int fd)
{
	uint64_t v = 0;

	if (read(fd, &v, sizeof(v)) != sizeof(v))
		return 0;
	return v;
}

/* Wait until the device used at least n RX entries, without the call fd. */
static int poll_used(struct vhm_vq *vq, uint16_t n, int timeout_ms)
{
	int64_t end = vhm_now_ms() + timeout_ms;

	while (vhm_vq_ready(vq) < n) {
		if (vhm_now_ms() > end)
			return -ETIMEDOUT;
		usleep(500);
	}
	return 0;
}

/*
 * STOP while the device is half way through a batch of slow frames (one
 * batch signals once, at its end): the entries it completed are signalled
 * before SET_STATE returns, and after RUNNING the rest complete and are
 * signalled too. The call eventfds are only read after each stop.
 */
TEST_F(rel, stop_mid_batch_signals_every_used_entry)
{
	uint8_t frame[FRAME];
	uint16_t rx_used = 0, tx_used;
	unsigned int i, stops = 0;
	pthread_t kicker;

	ASSERT_EQ(vhm_sim_set_param("latency_ns", 2000000), 0);
	ASSERT_EQ(vhm_net_fill_rx(&self->n, NUM), 0);
	for (i = 0; i < 32; i++) {
		vhm_frame_fill(frame, sizeof(frame), i);
		ASSERT_EQ(vhm_net_queue(&self->n, frame, sizeof(frame)), 0);
	}
	drain(self->n.rx.call);
	drain(self->n.tx.call);
	ASSERT_EQ(vhm_set_state(self->fd, VHOST_MDEV_S_RUNNING), 0);
	ASSERT_EQ(vhm_vq_kick_from_thread(&self->n.tx, &kicker), 0);

	while (rx_used < 32 && stops < 16) {
		uint16_t before = rx_used;

		ASSERT_EQ(poll_used(&self->n.rx, before + 1, 20000), 0);
		ASSERT_EQ(vhm_set_state(self->fd, VHOST_MDEV_S_STOPPED), 0);
		if (!stops)
			ASSERT_EQ(pthread_join(kicker, NULL), 0);
		rx_used = __atomic_load_n(&self->n.rx.vr.used->idx,
					  __ATOMIC_ACQUIRE);
		tx_used = __atomic_load_n(&self->n.tx.vr.used->idx,
					  __ATOMIC_ACQUIRE);
		stops++;
		TH_LOG("stop %u: %u of 32 frames used", stops, rx_used);
		/* Used since the last look: a signal must be waiting. */
		EXPECT_GT(drain(self->n.rx.call), 0);
		EXPECT_GT(drain(self->n.tx.call), 0);
		/* Stopped means stopped: nothing moves any more. */
		usleep(20000);
		EXPECT_EQ(self->n.rx.vr.used->idx, rx_used);
		EXPECT_EQ(self->n.tx.vr.used->idx, tx_used);
		EXPECT_EQ(drain(self->n.rx.call), 0);
		ASSERT_EQ(vhm_set_state(self->fd, VHOST_MDEV_S_RUNNING), 0);
	}
	EXPECT_GT(stops, 1);
	ASSERT_EQ(poll_used(&self->n.rx, 32, 20000), 0);
	ASSERT_EQ(poll_used(&self->n.tx, 32, 20000), 0);
	EXPECT_EQ(vhm_mdev_attr(self->uuid, "sim/frames"), 32);
	EXPECT_EQ(vhm_mdev_attr(self->uuid, "sim/errors"), 0);
}

/*
 * An owner that may lock 8 MiB drives 64 MiB of buffers: the device pins
 * nothing, so nothing is charged to RLIMIT_MEMLOCK and traffic keeps
 * running. In a child that dropped root.
 */
#define BIG_MEM		(64u << 20)
#define BIG_IOVA	0x80000000ULL

static int nonroot_owner(const char *uuid)
{
	struct rlimit lim = { 8u << 20, 8u << 20 };
	struct vhm_net n;
	struct vhm_mem big;
	unsigned int i, pages = BIG_MEM / 4096;
	int ret;

	if (setrlimit(RLIMIT_MEMLOCK, &lim) || setgid(65534) ||
	    setuid(65534))
		return 10;
	ret = vhm_net_open(&n, uuid, NUM, BUFSZ, MEMSZ);
	if (ret)
		return 11;
	if (vhm_mem_init(&big, BIG_MEM, BIG_IOVA) ||
	    vhm_vfio_try_map(&n.vfio, big.va, BIG_IOVA, BIG_MEM, false))
		return 12;
	if (vhm_set_state(n.vfio.device, VHOST_MDEV_S_RUNNING) ||
	    vhm_net_fill_rx(&n, NUM))
		return 13;
	/* Every page of the 64 MiB once, in a scattered order. */
	for (i = 0; i < pages; i++) {
		uint64_t page = (i * 2654435761u) % pages;

		if (loop_one(&n, BIG_IOVA + page * 4096, FRAME))
			return 14;
	}
	if (vhm_get_state(n.vfio.device) != VHOST_MDEV_S_RUNNING)
		return 15;
	vhm_net_close(&n);
	return 0;
}

TEST_F(rel, nonroot_small_memlock_large_buffers)
{
	char path[64];
	int status;
	pid_t pid;

	/* The owner is the child: give the device back and open up the group. */
	vhm_net_close(&self->n);
	snprintf(path, sizeof(path), "/dev/vfio/%d", self->n.vfio.group_id);
	ASSERT_EQ(chown(path, 65534, 65534), 0);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid)
		_exit(nonroot_owner(self->uuid));
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT_EQ(chown(path, 0, 0), 0);
	ASSERT_TRUE(WIFEXITED(status));
	if (WEXITSTATUS(status))
		TH_LOG("child failed at step %d (10 setup, 11 open, 12 map, "
		       "13 start, 14 traffic, 15 state)", WEXITSTATUS(status));
	EXPECT_EQ(WEXITSTATUS(status), 0);
	EXPECT_EQ(vhm_mdev_attr(self->uuid, "sim/frames"), BIG_MEM / 4096);
	EXPECT_EQ(vhm_mdev_attr(self->uuid, "sim/errors"), 0);
}

/*
 * 100 ranges, each used by the device then unmapped, in one start: every
 * UNMAP succeeds, the device keeps running, and a frame from any of them
 * afterwards is refused (device error), never read.
 */
TEST_F(rel, unmap_100_used_ranges_in_one_start)
{
	long long errors = vhm_mdev_attr(self->uuid, "sim/errors");
	unsigned int i;

	ASSERT_EQ(vhm_set_state(self->fd, VHOST_MDEV_S_RUNNING), 0);
	ASSERT_EQ(vhm_net_fill_rx(&self->n, NUM), 0);
	for (i = 0; i < 100; i++) {
		uint64_t iova = RACE_IOVA(2) + (uint64_t)i * RACE_SIZE;
		struct vhm_mem mem;

		ASSERT_EQ(vhm_mem_init(&mem, RACE_SIZE, iova), 0);
		ASSERT_EQ(vhm_vfio_try_map(&self->n.vfio, mem.va, iova, RACE_SIZE, false),
			  0);
		ASSERT_EQ(loop_one(&self->n, iova + (i % 64) * 4096, FRAME), 0);
		ASSERT_EQ(vhm_vfio_unmap(&self->n.vfio, iova, RACE_SIZE), 0);
		vhm_mem_free(&mem);
	}
	EXPECT_EQ(vhm_get_state(self->fd), VHOST_MDEV_S_RUNNING);
	EXPECT_EQ(vhm_mdev_attr(self->uuid, "sim/frames"), 100);
	EXPECT_EQ(vhm_mdev_attr(self->uuid, "sim/errors"), errors);

	/* The first range is gone: the device must refuse it. */
	ASSERT_EQ(vhm_vq_add_at(&self->n.tx, RACE_IOVA(2), FRAME, false), 0);
	ASSERT_EQ(vhm_vq_kick(&self->n.tx), 0);
	EXPECT_EQ(vhm_wait_fd(self->n.tx.err, 10000), 1);
	EXPECT_EQ(vhm_get_state(self->fd), VHOST_MDEV_S_ERROR);
	EXPECT_EQ(vhm_mdev_attr(self->uuid, "sim/frames"), 100);
}

TEST_HARNESS_MAIN
