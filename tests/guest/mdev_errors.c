// SPDX-License-Identifier: GPL-2.0
/*
 * vhost-mdev bad input: every ioctl's documented errno, ring and buffer
 * addresses outside the mapped IOVA, DMA unmapped during traffic, a second
 * open. Nothing here may raise a kernel warning.
 */
#include <fcntl.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include <linux/vfio.h>
#include <linux/vhost.h>

#include "harness.h"
#include "net.h"

#define NUM	64u
#define BUFSZ	2048u
#define MEMSZ	(4u << 20)
/* An IOVA nothing is mapped at. */
#define HOLE	0x40000000ULL

FIXTURE(dev) {
	char uuid[37];
	struct vhm_net n;
	int fd;
	unsigned int max;
};

FIXTURE_SETUP(dev)
{
	uint16_t max;

	vhm_net_init(&self->n);
	if (!vhm_sim_loaded(VHM_SIM_NET))
		SKIP(return, "vhost_mdev_sim is not loaded");
	ASSERT_EQ(vhm_mdev_create(VHM_SIM_NET, self->uuid), 0);
	ASSERT_EQ(vhm_net_open(&self->n, self->uuid, NUM, BUFSZ, MEMSZ), 0);
	self->fd = self->n.vfio.device;
	ASSERT_EQ(ioctl(self->fd, VHOST_VDPA_GET_VRING_NUM, &max), 0);
	self->max = max;
}

FIXTURE_TEARDOWN(dev)
{
	vhm_sim_set_param("latency_ns", 0);
	vhm_net_close(&self->n);
	if (self->uuid[0] && vhm_mdev_exists(self->uuid))
		EXPECT_EQ(vhm_mdev_remove(self->uuid), 0);
}

TEST_F(dev, vq_index_out_of_range)
{
	static const unsigned int bad[] = { 2, 3, 0x10000, 0xffffffffu };
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct vhost_vring_state s = { .index = bad[i], .num = 16 };
		struct vhost_vring_addr a = { .index = bad[i] };
		struct vhost_vring_file f = { .index = bad[i], .fd = -1 };

		EXPECT_ERRNO(ioctl(self->fd, VHOST_SET_VRING_NUM, &s), ENOBUFS);
		EXPECT_ERRNO(ioctl(self->fd, VHOST_SET_VRING_ADDR, &a), ENOBUFS);
		EXPECT_ERRNO(ioctl(self->fd, VHOST_SET_VRING_BASE, &s), ENOBUFS);
		EXPECT_ERRNO(ioctl(self->fd, VHOST_GET_VRING_BASE, &s), ENOBUFS);
		EXPECT_ERRNO(ioctl(self->fd, VHOST_SET_VRING_KICK, &f), ENOBUFS);
		EXPECT_ERRNO(ioctl(self->fd, VHOST_SET_VRING_CALL, &f), ENOBUFS);
		EXPECT_ERRNO(ioctl(self->fd, VHOST_SET_VRING_ERR, &f), ENOBUFS);
	}
}

TEST_F(dev, ring_size)
{
	struct vhost_vring_state s = { .index = VHM_NET_TX };

	s.num = 0;
	EXPECT_ERRNO(ioctl(self->fd, VHOST_SET_VRING_NUM, &s), EINVAL);
	s.num = 3;
	EXPECT_ERRNO(ioctl(self->fd, VHOST_SET_VRING_NUM, &s), EINVAL);
	s.num = 100;
	EXPECT_ERRNO(ioctl(self->fd, VHOST_SET_VRING_NUM, &s), EINVAL);
	s.num = self->max * 2;
	EXPECT_ERRNO(ioctl(self->fd, VHOST_SET_VRING_NUM, &s), EINVAL);
	s.num = 0x80000000u;
	EXPECT_ERRNO(ioctl(self->fd, VHOST_SET_VRING_NUM, &s), EINVAL);
	s.num = self->max;
	EXPECT_EQ(ioctl(self->fd, VHOST_SET_VRING_NUM, &s), 0);
	s.num = 1;
	EXPECT_EQ(ioctl(self->fd, VHOST_SET_VRING_NUM, &s), 0);
}

TEST_F(dev, vring_base_and_addr)
{
	struct vhost_vring_state s = { .index = VHM_NET_RX, .num = 0x10000 };
	struct vhost_vring_addr a = {
		.index = VHM_NET_RX,
		.desc_user_addr = self->n.rx.vr.desc_iova,
		.avail_user_addr = self->n.rx.vr.avail_iova,
		.used_user_addr = self->n.rx.vr.used_iova,
	};

	EXPECT_ERRNO(ioctl(self->fd, VHOST_SET_VRING_BASE, &s), EINVAL);
	s.num = 0xffff;
	EXPECT_EQ(ioctl(self->fd, VHOST_SET_VRING_BASE, &s), 0);
	EXPECT_EQ(vhm_get_base(self->fd, VHM_NET_RX), 0xffff);

	a.desc_user_addr += 8;
	EXPECT_ERRNO(ioctl(self->fd, VHOST_SET_VRING_ADDR, &a), EINVAL);
	a.desc_user_addr -= 8;
	a.avail_user_addr += 1;
	EXPECT_ERRNO(ioctl(self->fd, VHOST_SET_VRING_ADDR, &a), EINVAL);
	a.avail_user_addr -= 1;
	a.used_user_addr += 2;
	EXPECT_ERRNO(ioctl(self->fd, VHOST_SET_VRING_ADDR, &a), EINVAL);
	a.used_user_addr -= 2;
	a.flags = 1 << VHOST_VRING_F_LOG;
	EXPECT_ERRNO(ioctl(self->fd, VHOST_SET_VRING_ADDR, &a), EOPNOTSUPP);
	a.flags = 0;
	EXPECT_EQ(ioctl(self->fd, VHOST_SET_VRING_ADDR, &a), 0);

	/* A ring that wraps past the end of the IOVA space. */
	a.desc_user_addr = 0xffffffffffffff00ULL;
	EXPECT_EQ(ioctl(self->fd, VHOST_SET_VRING_ADDR, &a), 0);
	EXPECT_ERRNO(vhm_set_state(self->fd, VHOST_MDEV_S_RUNNING), EINVAL);
	EXPECT_EQ(vhm_get_state(self->fd), VHOST_MDEV_S_STOPPED);
}

TEST_F(dev, features)
{
	uint64_t f;

	f = VHM_NET_FEATURES | (1ULL << VIRTIO_NET_F_MRG_RXBUF);
	EXPECT_ERRNO(ioctl(self->fd, VHOST_SET_FEATURES, &f), EOPNOTSUPP);
	f = VHM_NET_FEATURES | (1ULL << 63);
	EXPECT_ERRNO(ioctl(self->fd, VHOST_SET_FEATURES, &f), EOPNOTSUPP);
	f = 1ULL << VIRTIO_RING_F_INDIRECT_DESC;
	EXPECT_ERRNO(ioctl(self->fd, VHOST_SET_FEATURES, &f), EOPNOTSUPP);
	f = 0;
	EXPECT_EQ(ioctl(self->fd, VHOST_SET_FEATURES, &f), 0);
	f = VHM_NET_FEATURES;
	EXPECT_EQ(ioctl(self->fd, VHOST_SET_FEATURES, &f), 0);
	EXPECT_ERRNO(ioctl(self->fd, VHOST_SET_FEATURES, NULL), EFAULT);
	EXPECT_ERRNO(ioctl(self->fd, VHOST_GET_FEATURES, NULL), EFAULT);
}

/* While RUNNING, features and vring configuration are EBUSY. */
TEST_F(dev, busy_while_running)
{
	struct vhost_vring_state s = { .index = VHM_NET_TX, .num = NUM };
	struct vhost_vring_addr a = {
		.index = VHM_NET_TX,
		.desc_user_addr = self->n.tx.vr.desc_iova,
		.avail_user_addr = self->n.tx.vr.avail_iova,
		.used_user_addr = self->n.tx.vr.used_iova,
	};
	struct vhost_vring_file f = { .index = VHM_NET_TX, .fd = -1 };
	uint64_t features = VHM_NET_FEATURES;

	ASSERT_EQ(vhm_set_state(self->fd, VHOST_MDEV_S_RUNNING), 0);
	EXPECT_ERRNO(ioctl(self->fd, VHOST_SET_FEATURES, &features), EBUSY);
	EXPECT_ERRNO(ioctl(self->fd, VHOST_SET_VRING_NUM, &s), EBUSY);
	EXPECT_ERRNO(ioctl(self->fd, VHOST_SET_VRING_ADDR, &a), EBUSY);
	EXPECT_ERRNO(ioctl(self->fd, VHOST_SET_VRING_BASE, &s), EBUSY);
	EXPECT_ERRNO(ioctl(self->fd, VHOST_SET_VRING_KICK, &f), EBUSY);
	EXPECT_ERRNO(ioctl(self->fd, VHOST_SET_VRING_CALL, &f), EBUSY);
	EXPECT_ERRNO(ioctl(self->fd, VHOST_SET_VRING_ERR, &f), EBUSY);
	/* Reads still work. */
	EXPECT_EQ(vhm_get_base(self->fd, VHM_NET_TX), 0);
	EXPECT_EQ(ioctl(self->fd, VHOST_GET_FEATURES, &features), 0);

	ASSERT_EQ(vhm_set_state(self->fd, VHOST_MDEV_S_STOPPED), 0);
	EXPECT_EQ(ioctl(self->fd, VHOST_SET_FEATURES, &features), 0);
	EXPECT_EQ(ioctl(self->fd, VHOST_SET_VRING_NUM, &s), 0);
	EXPECT_EQ(ioctl(self->fd, VHOST_SET_VRING_ADDR, &a), 0);
}

TEST_F(dev, bad_state)
{
	uint32_t st = 2;

	EXPECT_ERRNO(ioctl(self->fd, VHOST_MDEV_SET_STATE, &st), EINVAL);
	st = 0xffffffffu;
	EXPECT_ERRNO(ioctl(self->fd, VHOST_MDEV_SET_STATE, &st), EINVAL);
	EXPECT_ERRNO(ioctl(self->fd, VHOST_MDEV_SET_STATE, NULL), EFAULT);
	EXPECT_ERRNO(ioctl(self->fd, VHOST_MDEV_GET_STATE, NULL), EFAULT);
	EXPECT_EQ(vhm_get_state(self->fd), VHOST_MDEV_S_STOPPED);
	/* Not ours. */
	EXPECT_ERRNO(ioctl(self->fd, VHOST_SET_OWNER), ENOTTY);
	EXPECT_ERRNO(ioctl(self->fd, VHOST_VDPA_SET_STATUS, &st), ENOTTY);
	EXPECT_ERRNO(ioctl(self->fd, _IO(0xAF, 0x9f)), ENOTTY);
}

static int config(int fd, unsigned long cmd, uint32_t off, uint32_t len)
{
	struct {
		struct vhost_vdpa_config hdr;
		uint8_t buf[64];
	} c = { .hdr = { .off = off, .len = len } };

	if (len <= sizeof(c.buf))
		memset(c.buf, 0x11, len);
	return ioctl(fd, cmd, &c);
}

TEST_F(dev, config_bounds)
{
	static const unsigned long cmds[] = {
		VHOST_VDPA_GET_CONFIG, VHOST_VDPA_SET_CONFIG,
	};
	unsigned int i;

	for (i = 0; i < 2; i++) {
		unsigned long c = cmds[i];

		EXPECT_ERRNO(config(self->fd, c, 0, 0), EINVAL);
		EXPECT_ERRNO(config(self->fd, c, 11, 1), EINVAL);
		EXPECT_ERRNO(config(self->fd, c, 0xffffffffu, 2), EINVAL);
		EXPECT_ERRNO(config(self->fd, c, 10, 1), E2BIG);
		EXPECT_ERRNO(config(self->fd, c, 4, 8), E2BIG);
		EXPECT_ERRNO(config(self->fd, c, 0, 11), E2BIG);
		EXPECT_ERRNO(config(self->fd, c, 2, 0xffffffffu), E2BIG);
		EXPECT_ERRNO(config(self->fd, c, 0xfffffffeu, 4), EINVAL);
	}
	EXPECT_EQ(config(self->fd, VHOST_VDPA_GET_CONFIG, 0, 10), 0);
	EXPECT_EQ(config(self->fd, VHOST_VDPA_GET_CONFIG, 9, 1), 0);
	/* Only the MAC is writable. */
	EXPECT_EQ(config(self->fd, VHOST_VDPA_SET_CONFIG, 0, 6), 0);
	EXPECT_EQ(config(self->fd, VHOST_VDPA_SET_CONFIG, 5, 1), 0);
	EXPECT_ERRNO(config(self->fd, VHOST_VDPA_SET_CONFIG, 6, 2), EPERM);
	EXPECT_ERRNO(config(self->fd, VHOST_VDPA_SET_CONFIG, 4, 4), EPERM);
	EXPECT_ERRNO(ioctl(self->fd, VHOST_VDPA_GET_CONFIG, NULL), EFAULT);
}

TEST_F(dev, bad_eventfds)
{
	static const unsigned long cmds[] = {
		VHOST_SET_VRING_KICK, VHOST_SET_VRING_CALL, VHOST_SET_VRING_ERR,
	};
	int pipefd[2], closed;
	unsigned int i;

	ASSERT_EQ(pipe(pipefd), 0);
	closed = dup(pipefd[0]);
	ASSERT_GE(closed, 0);
	close(closed);
	for (i = 0; i < 3; i++) {
		struct vhost_vring_file f = { .index = VHM_NET_TX };

		f.fd = -2;
		EXPECT_ERRNO(ioctl(self->fd, cmds[i], &f), EBADF);
		f.fd = closed;
		EXPECT_ERRNO(ioctl(self->fd, cmds[i], &f), EBADF);
		f.fd = pipefd[0];
		EXPECT_ERRNO(ioctl(self->fd, cmds[i], &f), EINVAL);
		f.fd = self->fd;
		EXPECT_ERRNO(ioctl(self->fd, cmds[i], &f), EINVAL);
		EXPECT_ERRNO(ioctl(self->fd, cmds[i], NULL), EFAULT);
		/* Unbind, then bind again. */
		f.fd = -1;
		EXPECT_EQ(ioctl(self->fd, cmds[i], &f), 0);
	}
	close(pipefd[0]);
	close(pipefd[1]);
	ASSERT_EQ(vhm_vq_setup(self->fd, &self->n.tx), 0);
}

/* Wait for the err eventfd, then check the device reports ERROR. */
static void expect_device_error(struct __test_metadata *_metadata,
				FIXTURE_DATA(dev) *self, struct vhm_vq *vq,
				long long errors_before)
{
	ASSERT_EQ(vhm_wait_fd(vq->err, 20000), 1);
	EXPECT_EQ(vhm_get_state(self->fd), VHOST_MDEV_S_ERROR);
	EXPECT_EQ(vhm_mdev_attr(self->uuid, "vhost/state"), VHOST_MDEV_S_ERROR);
	EXPECT_EQ(vhm_mdev_attr(self->uuid, "sim/errors"), errors_before + 1);
	/* Stop first: RUNNING from ERROR is refused. */
	EXPECT_ERRNO(vhm_set_state(self->fd, VHOST_MDEV_S_RUNNING), EIO);
	/* Everything else still answers. */
	EXPECT_GE(vhm_get_base(self->fd, VHM_NET_TX), 0);
	EXPECT_EQ(vhm_set_state(self->fd, VHOST_MDEV_S_STOPPED), 0);
	EXPECT_EQ(vhm_get_state(self->fd), VHOST_MDEV_S_STOPPED);
}

/* The avail ring of TX is outside the mapped IOVA: error at start. */
TEST_F(dev, ring_outside_mapping)
{
	long long errors = vhm_mdev_attr(self->uuid, "sim/errors");
	struct vhost_vring_addr a = {
		.index = VHM_NET_TX,
		.desc_user_addr = self->n.tx.vr.desc_iova,
		.avail_user_addr = HOLE,
		.used_user_addr = self->n.tx.vr.used_iova,
	};

	ASSERT_EQ(ioctl(self->fd, VHOST_SET_VRING_ADDR, &a), 0);
	ASSERT_EQ(vhm_set_state(self->fd, VHOST_MDEV_S_RUNNING), 0);
	expect_device_error(_metadata, self, &self->n.tx, errors);
	EXPECT_EQ(self->n.tx.vr.used->idx, 0);
}

/* A TX buffer outside the mapped IOVA: error on the first frame. */
TEST_F(dev, buffer_outside_mapping)
{
	long long errors = vhm_mdev_attr(self->uuid, "sim/errors");
	uint8_t frame[60] = { 0 };
	unsigned int slot = vhm_vq_slot(&self->n.tx);

	/*
	 * Point it into the hole before the device runs: a start's own
	 * batch would otherwise take the frame between its publish and the
	 * edit. The kick finds the device in ERROR or the frame taken.
	 */
	ASSERT_EQ(vhm_net_fill_rx(&self->n, 4), 0);
	ASSERT_EQ(vhm_net_queue(&self->n, frame, sizeof(frame)), 0);
	self->n.tx.vr.desc[slot].addr = HOLE + 0x800;
	ASSERT_EQ(vhm_set_state(self->fd, VHOST_MDEV_S_RUNNING), 0);
	ASSERT_EQ(vhm_vq_kick(&self->n.tx), 0);
	expect_device_error(_metadata, self, &self->n.tx, errors);
	EXPECT_EQ(self->n.tx.vr.used->idx, 0);
	EXPECT_EQ(self->n.rx.vr.used->idx, 0);
	EXPECT_EQ(vhm_mdev_attr(self->uuid, "sim/frames"), 0);
}

/* A descriptor chain that loops, and a head index past the ring. */
TEST_F(dev, malformed_rings)
{
	long long errors = vhm_mdev_attr(self->uuid, "sim/errors");
	uint8_t frame[60] = { 0 };
	unsigned int slot = vhm_vq_slot(&self->n.tx);

	/*
	 * The loop is in place before the device runs: a start's own batch
	 * would otherwise take the frame between its publish and the edit.
	 */
	ASSERT_EQ(vhm_net_fill_rx(&self->n, 4), 0);
	ASSERT_EQ(vhm_net_queue(&self->n, frame, sizeof(frame)), 0);
	self->n.tx.vr.desc[slot].flags = VRING_DESC_F_NEXT;
	self->n.tx.vr.desc[slot].next = slot;
	ASSERT_EQ(vhm_set_state(self->fd, VHOST_MDEV_S_RUNNING), 0);
	expect_device_error(_metadata, self, &self->n.tx, errors);

	/* Reset and try a head past the ring. */
	ASSERT_EQ(ioctl(self->fd, VFIO_DEVICE_RESET), 0);
	vhm_vring_reset(&self->n.tx.vr, 0);
	vhm_vring_reset(&self->n.rx.vr, 0);
	ASSERT_EQ(vhm_vq_setup(self->fd, &self->n.rx), 0);
	ASSERT_EQ(vhm_vq_setup(self->fd, &self->n.tx), 0);
	ASSERT_EQ(vhm_net_fill_rx(&self->n, 4), 0);
	ASSERT_EQ(vhm_net_queue(&self->n, frame, sizeof(frame)), 0);
	self->n.tx.vr.avail->ring[0] = NUM + 5;
	ASSERT_EQ(vhm_set_state(self->fd, VHOST_MDEV_S_RUNNING), 0);
	expect_device_error(_metadata, self, &self->n.tx, errors + 1);
}

/*
 * Unmap the TX buffers (a mapping of their own) while frames flow: the
 * device drops its pinned pages, goes to ERROR, signals err, and the fd
 * still closes cleanly.
 */
TEST_F(dev, unmap_during_traffic)
{
	long long errors = vhm_mdev_attr(self->uuid, "sim/errors");
	const uint64_t iova2 = 0x10000000ULL;
	uint8_t frame[1000];
	struct vhm_mem m2;
	pthread_t kicker;
	unsigned int i;
	uint16_t done;

	ASSERT_EQ(vhm_mem_init(&m2, BUFSZ * NUM, iova2), 0);
	ASSERT_EQ(vhm_vfio_try_map(&self->n.vfio, m2.va, iova2, m2.size, false), 0);
	self->n.tx.bufs = m2.va;
	self->n.tx.bufs_iova = iova2;

	ASSERT_EQ(vhm_sim_set_param("latency_ns", 1000000), 0);
	ASSERT_EQ(vhm_net_fill_rx(&self->n, NUM), 0);
	for (i = 0; i < NUM; i++) {
		vhm_frame_fill(frame, sizeof(frame), i);
		ASSERT_EQ(vhm_net_queue(&self->n, frame, sizeof(frame)), 0);
	}
	ASSERT_EQ(vhm_set_state(self->fd, VHOST_MDEV_S_RUNNING), 0);
	ASSERT_EQ(vhm_vq_kick_from_thread(&self->n.tx, &kicker), 0);
	ASSERT_EQ(vhm_vq_wait(&self->n.rx, 2, 20000), 0);
	ASSERT_EQ(vhm_vfio_unmap(&self->n.vfio, iova2, m2.size), 0);
	ASSERT_EQ(pthread_join(kicker, NULL), 0);
	expect_device_error(_metadata, self, &self->n.tx, errors);
	done = self->n.tx.vr.used->idx;
	TH_LOG("%u of %u frames before the unmap took effect", done, NUM);
	EXPECT_LT(done, NUM);
	EXPECT_EQ(vhm_mdev_attr(self->uuid, "sim/frames"), done);
	usleep(50000);
	EXPECT_EQ(self->n.tx.vr.used->idx, done);
	vhm_mem_free(&m2);
}

/* One owner: the group and the device open once. */
TEST_F(dev, second_open)
{
	char path[64];
	int fd2;

	EXPECT_ERRNO(vhm_vfio_device_fd(&self->n.vfio, self->uuid), EBUSY);
	snprintf(path, sizeof(path), "/dev/vfio/%d", self->n.vfio.group_id);
	EXPECT_ERRNO(open(path, O_RDWR), EBUSY);

	/* After the owner closes it, the device opens again. */
	close(self->n.vfio.device);
	self->n.vfio.device = -1;
	fd2 = vhm_vfio_device_fd(&self->n.vfio, self->uuid);
	ASSERT_GE(fd2, 0);
	EXPECT_EQ(vhm_get_state(fd2), VHOST_MDEV_S_STOPPED);
	EXPECT_ERRNO(vhm_vfio_device_fd(&self->n.vfio, self->uuid), EBUSY);
	/* Closing reset the device: bases back to 0. */
	EXPECT_EQ(vhm_get_base(fd2, VHM_NET_TX), 0);
	self->n.vfio.device = fd2;
}

TEST_HARNESS_MAIN
