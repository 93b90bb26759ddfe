// SPDX-License-Identifier: GPL-2.0
/*
 * The vDPA consumer under vhost_vdpa (kernels with the vDPA bus: 6.12): an
 * instance of the simulator's net-vdpa type is a vdpa management device,
 * `vdpa dev add` creates a vdpa device over it, and vhost_vdpa's
 * /dev/vhost-vdpa-N drives it. The standard ioctls report the parent's
 * device; IOTLB messages map memory; frames loop back through the lib's
 * vhost-vdpa backend and agree with the simulator's counters; suspend
 * stops exactly; and bad input (IOTLB messages out of range or
 * overlapping, bad status transitions, vq indexes out of bounds, rings in
 * unmapped or invalidated memory) gets an errno or a device error, never a
 * kernel report (the suite's dmesg guard). On a kernel without the vDPA
 * bus every test skips with the reason.
 */
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/utsname.h>
#include <linux/vhost.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_net.h>
#include <linux/virtio_ring.h>

#include "harness.h"
#include "dev.h"
#include "mdev.h"

/* Newer than the host's 6.1 uapi headers (6.12's values). */
#ifndef VHOST_BACKEND_F_RESUME
#define VHOST_BACKEND_F_RESUME		0x5
#endif
#ifndef VHOST_BACKEND_F_IOTLB_PERSIST
#define VHOST_BACKEND_F_IOTLB_PERSIST	0x8
#endif
#ifndef VHOST_VDPA_RESUME
#define VHOST_VDPA_RESUME		_IO(VHOST_VIRTIO, 0x7E)
#endif

#define VDPA_TYPE	VHM_SIM_TYPE("net-vdpa")
#define VDPA_BUS	"/sys/bus/vdpa"
#define MEMSZ		(1u << 20)
#define IOVA		0x100000ull
#define NUM		64u

FIXTURE(vdpa) {
	char uuid[VHM_UUID_LEN];
	char name[32];
	char chardev[64];
	int fd;
	void *mem;
};

static int run(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

/* Why vDPA tests cannot run here, or NULL. Loads vdpa and vhost_vdpa. */
static const char *vdpa_missing(void)
{
	static char why[160];
	struct utsname u;

	run("modprobe -q vdpa 2>/dev/null; modprobe -q vhost_vdpa 2>/dev/null");
	uname(&u);
	if (access(VDPA_BUS, F_OK)) {
		snprintf(why, sizeof(why),
			 "kernel %s has no vDPA bus (CONFIG_VDPA)", u.release);
		return why;
	}
	if (access(VDPA_BUS "/drivers/vhost_vdpa", F_OK))
		return "no vhost_vdpa driver (CONFIG_VHOST_VDPA)";
	if (!vhm_sim_loaded(VDPA_TYPE))
		return "vhost_mdev_sim offers no net-vdpa type";
	return NULL;
}

/* Bind vdpa device name to vhost_vdpa, whichever driver took it first. */
static int bind_vhost_vdpa(const char *name)
{
	char path[PATH_MAX], drv[PATH_MAX];
	ssize_t n;

	snprintf(path, sizeof(path), VDPA_BUS "/devices/%s/driver", name);
	n = readlink(path, drv, sizeof(drv) - 1);
	if (n > 0) {
		drv[n] = 0;
		if (strstr(drv, "/vhost_vdpa"))
			return 0;
		snprintf(path, sizeof(path), VDPA_BUS "/devices/%s/driver/unbind",
			 name);
		if (vhm_sysfs_write(path, name))
			return -EIO;
	}
	snprintf(path, sizeof(path), VDPA_BUS "/devices/%s/driver_override", name);
	if (vhm_sysfs_write(path, "vhost_vdpa"))
		return -EIO;
	return vhm_sysfs_write(VDPA_BUS "/drivers_probe", name);
}

static int find_chardev(const char *name, char *out, size_t size)
{
	char path[PATH_MAX];
	int i;

	for (i = 0; i < 64; i++) {
		snprintf(path, sizeof(path), VDPA_BUS "/devices/%s/vhost-vdpa-%d",
			 name, i);
		if (!access(path, F_OK)) {
			snprintf(out, size, "/dev/vhost-vdpa-%d", i);
			return 0;
		}
	}
	return -ENODEV;
}

FIXTURE_SETUP(vdpa)
{
	const char *why = vdpa_missing();

	self->fd = -1;
	self->mem = MAP_FAILED;
	if (why)
		SKIP(return, "%s", why);
	snprintf(self->name, sizeof(self->name), "vhmt%d", getpid());
	ASSERT_EQ(vhm_mdev_create(VDPA_TYPE, self->uuid), 0);
	ASSERT_EQ(run("vdpa dev add name %s mgmtdev mdev/%s", self->name,
		      self->uuid), 0);
	ASSERT_EQ(bind_vhost_vdpa(self->name), 0);
	ASSERT_EQ(find_chardev(self->name, self->chardev,
			       sizeof(self->chardev)), 0);
	self->fd = open(self->chardev, O_RDWR | O_CLOEXEC);
	ASSERT_GE(self->fd, 0);
	self->mem = mmap(NULL, MEMSZ, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(self->mem, MAP_FAILED);
}

FIXTURE_TEARDOWN(vdpa)
{
	if (self->fd >= 0)
		close(self->fd);
	if (self->mem != MAP_FAILED)
		munmap(self->mem, MEMSZ);
	if (!self->uuid[0])
		return;
	EXPECT_EQ(run("vdpa dev del %s", self->name), 0);
	if (vhm_mdev_exists(self->uuid))
		EXPECT_EQ(vhm_mdev_remove(self->uuid), 0);
}

/* SET_OWNER and IOTLB v2 messages, as every vhost-vdpa user starts. */
static void owner_v2(struct __test_metadata *_metadata, int fd)
{
	uint64_t f = 1ull << VHOST_BACKEND_F_IOTLB_MSG_V2;

	ASSERT_EQ(ioctl(fd, VHOST_SET_OWNER), 0);
	ASSERT_EQ(ioctl(fd, VHOST_SET_BACKEND_FEATURES, &f), 0);
}

/* One IOTLB message: 0 or -errno of the write. */
static int iotlb(int fd, uint8_t type, uint64_t iova, uint64_t size,
		 const void *va, uint8_t perm, uint32_t asid)
{
	struct vhost_msg_v2 msg = {
		.type = VHOST_IOTLB_MSG_V2,
		.asid = asid,
		.iotlb = {
			.iova = iova,
			.size = size,
			.uaddr = (uintptr_t)va,
			.perm = perm,
			.type = type,
		},
	};

	return write(fd, &msg, sizeof(msg)) == sizeof(msg) ? 0 : -errno;
}

static uint8_t get_status(struct __test_metadata *_metadata, int fd)
{
	uint8_t s = 0xff;

	EXPECT_EQ(ioctl(fd, VHOST_VDPA_GET_STATUS, &s), 0);
	return s;
}

static int set_status(int fd, uint8_t s)
{
	return ioctl(fd, VHOST_VDPA_SET_STATUS, &s) ? -errno : 0;
}

static int ioctl_err(int fd, unsigned long req, void *arg)
{
	return ioctl(fd, req, arg) ? -errno : 0;
}

/* `vdpa` lists the management device and the device over it. */
TEST_F(vdpa, listed_by_iproute2)
{
	EXPECT_EQ(run("vdpa mgmtdev show mdev/%s | grep -q 'supported_classes net'",
		      self->uuid), 0);
	EXPECT_EQ(run("vdpa dev show %s | grep -q 'mgmtdev mdev/%s'",
		      self->name, self->uuid), 0);
	/* One vdpa device per instance, as one per function. */
	EXPECT_NE(run("vdpa dev add name %sb mgmtdev mdev/%s 2>/dev/null",
		      self->name, self->uuid), 0);
}

/* The standard vhost-vdpa queries report the parent's device. */
TEST_F(vdpa, device_queries)
{
	uint8_t cfg_buf[sizeof(struct vhost_vdpa_config) + 6];
	struct vhost_vdpa_config *cfg = (void *)cfg_buf;
	struct vhost_vdpa_iova_range range = { 1, 0 };
	uint64_t features = 0, backend = 0;
	uint32_t id = 0, nvqs = 0, size = 0;
	uint16_t num = 0;

	owner_v2(_metadata, self->fd);
	ASSERT_EQ(ioctl(self->fd, VHOST_VDPA_GET_DEVICE_ID, &id), 0);
	EXPECT_EQ(id, VIRTIO_ID_NET);
	ASSERT_EQ(ioctl(self->fd, VHOST_VDPA_GET_VQS_COUNT, &nvqs), 0);
	EXPECT_EQ(nvqs, 2);
	ASSERT_EQ(ioctl(self->fd, VHOST_VDPA_GET_VRING_NUM, &num), 0);
	EXPECT_EQ(num, vhm_mdev_attr(self->uuid, "sim/max_queue_size"));
	ASSERT_EQ(ioctl(self->fd, VHOST_VDPA_GET_CONFIG_SIZE, &size), 0);
	EXPECT_GE(size, offsetof(struct virtio_net_config, status) + 2);
	cfg->off = offsetof(struct virtio_net_config, mac);
	cfg->len = 6;
	ASSERT_EQ(ioctl(self->fd, VHOST_VDPA_GET_CONFIG, cfg), 0);
	EXPECT_EQ(cfg->buf[0], 0x02);
	EXPECT_EQ(cfg->buf[1], 0x76);
	ASSERT_EQ(ioctl(self->fd, VHOST_VDPA_GET_IOVA_RANGE, &range), 0);
	EXPECT_EQ(range.first, 0);
	EXPECT_EQ(range.last, UINT64_MAX);
	ASSERT_EQ(ioctl(self->fd, VHOST_GET_FEATURES, &features), 0);
	EXPECT_TRUE(features & (1ull << VIRTIO_F_VERSION_1));
	EXPECT_TRUE(features & (1ull << VIRTIO_F_ACCESS_PLATFORM));
	EXPECT_TRUE(features & (1ull << VIRTIO_NET_F_MAC));
	ASSERT_EQ(ioctl(self->fd, VHOST_GET_BACKEND_FEATURES, &backend), 0);
	EXPECT_TRUE(backend & (1ull << VHOST_BACKEND_F_SUSPEND));
	EXPECT_TRUE(backend & (1ull << VHOST_BACKEND_F_RESUME));
	EXPECT_TRUE(backend & (1ull << VHOST_BACKEND_F_IOTLB_PERSIST));
	/* Past the config space: vhost_vdpa's own check. */
	cfg->off = size;
	cfg->len = 6;
	EXPECT_EQ(ioctl_err(self->fd, VHOST_VDPA_GET_CONFIG, cfg), -EINVAL);
}

TEST_F(vdpa, iotlb_update_invalidate)
{
	owner_v2(_metadata, self->fd);
	EXPECT_EQ(iotlb(self->fd, VHOST_IOTLB_UPDATE, IOVA, MEMSZ, self->mem,
			VHOST_ACCESS_RW, 0), 0);
	EXPECT_EQ(iotlb(self->fd, VHOST_IOTLB_INVALIDATE, IOVA, MEMSZ, NULL,
			0, 0), 0);
	/* The range is free again; pieces with their own permissions. */
	EXPECT_EQ(iotlb(self->fd, VHOST_IOTLB_UPDATE, IOVA, MEMSZ / 2,
			self->mem, VHOST_ACCESS_RO, 0), 0);
	EXPECT_EQ(iotlb(self->fd, VHOST_IOTLB_UPDATE, IOVA + MEMSZ / 2,
			MEMSZ / 2, (char *)self->mem + MEMSZ / 2,
			VHOST_ACCESS_WO, 0), 0);
	EXPECT_EQ(iotlb(self->fd, VHOST_IOTLB_INVALIDATE, IOVA, MEMSZ, NULL,
			0, 0), 0);
	/* Mappings of a closed fd go with it (the teardown's removal). */
	EXPECT_EQ(iotlb(self->fd, VHOST_IOTLB_UPDATE, IOVA, MEMSZ, self->mem,
			VHOST_ACCESS_RW, 0), 0);
}

/*
 * IOTLB messages out of range, overlapping or malformed. vhost's write()
 * answers EINVAL for an empty update and EFAULT for every message its
 * handler refuses (vhost_chr_write_iter()); each refusal leaves the IOTLB
 * as it was, which the remaps below check.
 */
TEST_F(vdpa, iotlb_bad_messages)
{
	owner_v2(_metadata, self->fd);
	/* Empty, and wrapping past 2^64. */
	EXPECT_EQ(iotlb(self->fd, VHOST_IOTLB_UPDATE, IOVA, 0, self->mem,
			VHOST_ACCESS_RW, 0), -EINVAL);
	EXPECT_EQ(iotlb(self->fd, VHOST_IOTLB_UPDATE, UINT64_MAX - 4095,
			2 * 4096, self->mem, VHOST_ACCESS_RW, 0), -EFAULT);
	/* No permission: refused by the device. */
	EXPECT_EQ(iotlb(self->fd, VHOST_IOTLB_UPDATE, IOVA, 4096, self->mem,
			0, 0), -EFAULT);
	/* Memory the process does not have. */
	EXPECT_EQ(iotlb(self->fd, VHOST_IOTLB_UPDATE, IOVA, 4096,
			(void *)0x1000, VHOST_ACCESS_RW, 0), -EFAULT);
	/* An unknown message type. */
	EXPECT_EQ(iotlb(self->fd, 42, IOVA, 4096, self->mem, VHOST_ACCESS_RW,
			0), -EFAULT);
	/* None of those left a map: the whole range maps. */
	ASSERT_EQ(iotlb(self->fd, VHOST_IOTLB_UPDATE, IOVA, MEMSZ / 2,
			self->mem, VHOST_ACCESS_RW, 0), 0);
	/* Overlaps: the same range, one straddling its end, one inside. */
	EXPECT_EQ(iotlb(self->fd, VHOST_IOTLB_UPDATE, IOVA, MEMSZ / 2,
			self->mem, VHOST_ACCESS_RW, 0), -EFAULT);
	EXPECT_EQ(iotlb(self->fd, VHOST_IOTLB_UPDATE, IOVA + MEMSZ / 4,
			MEMSZ / 2, self->mem, VHOST_ACCESS_RW, 0), -EFAULT);
	EXPECT_EQ(iotlb(self->fd, VHOST_IOTLB_UPDATE, IOVA + 4096, 4096,
			self->mem, VHOST_ACCESS_RO, 0), -EFAULT);
	/* Right after it is free: the straddling one took nothing. */
	EXPECT_EQ(iotlb(self->fd, VHOST_IOTLB_UPDATE, IOVA + MEMSZ / 2,
			MEMSZ / 2, (char *)self->mem + MEMSZ / 2,
			VHOST_ACCESS_RW, 0), 0);
	/* An invalidation of what was never mapped is no error (vhost's). */
	EXPECT_EQ(iotlb(self->fd, VHOST_IOTLB_INVALIDATE, 1ull << 40, 4096,
			NULL, 0, 0), 0);
	EXPECT_EQ(iotlb(self->fd, VHOST_IOTLB_INVALIDATE, IOVA, MEMSZ, NULL,
			0, 0), 0);
	EXPECT_EQ(iotlb(self->fd, VHOST_IOTLB_UPDATE, IOVA, MEMSZ, self->mem,
			VHOST_ACCESS_RW, 0), 0);
}

TEST_F(vdpa, vq_index_bounds)
{
	struct vhost_vring_state s = { .index = 2, .num = 64 };
	struct vhost_vring_addr a = { .index = 2 };
	struct vhost_vring_file f = { .index = 2, .fd = -1 };

	owner_v2(_metadata, self->fd);
	EXPECT_EQ(ioctl_err(self->fd, VHOST_SET_VRING_NUM, &s), -ENOBUFS);
	EXPECT_EQ(ioctl_err(self->fd, VHOST_SET_VRING_BASE, &s), -ENOBUFS);
	EXPECT_EQ(ioctl_err(self->fd, VHOST_GET_VRING_BASE, &s), -ENOBUFS);
	EXPECT_EQ(ioctl_err(self->fd, VHOST_VDPA_SET_VRING_ENABLE, &s),
		  -ENOBUFS);
	EXPECT_EQ(ioctl_err(self->fd, VHOST_SET_VRING_ADDR, &a), -ENOBUFS);
	EXPECT_EQ(ioctl_err(self->fd, VHOST_SET_VRING_KICK, &f), -ENOBUFS);
	s.index = 0xffffffff;
	EXPECT_EQ(ioctl_err(self->fd, VHOST_SET_VRING_NUM, &s), -ENOBUFS);
	/* Sizes: above the device's maximum, not a power of 2, zero. */
	s.index = 0;
	s.num = 2 * vhm_mdev_attr(self->uuid, "sim/max_queue_size");
	EXPECT_EQ(ioctl_err(self->fd, VHOST_SET_VRING_NUM, &s), -EINVAL);
	s.num = 48;
	EXPECT_EQ(ioctl_err(self->fd, VHOST_SET_VRING_NUM, &s), -EINVAL);
	s.num = 0;
	EXPECT_EQ(ioctl_err(self->fd, VHOST_SET_VRING_NUM, &s), -EINVAL);
	/* A descriptor table off its 16-byte alignment. */
	a.index = 0;
	a.desc_user_addr = IOVA + 8;
	a.avail_user_addr = IOVA + 0x1000;
	a.used_user_addr = IOVA + 0x2000;
	EXPECT_EQ(ioctl_err(self->fd, VHOST_SET_VRING_ADDR, &a), -EINVAL);
}

TEST_F(vdpa, bad_status_transitions)
{
	const uint8_t drv = VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER;
	uint64_t features = 1ull << 63;	/* never offered */
	uint8_t s;

	owner_v2(_metadata, self->fd);
	ASSERT_EQ(set_status(self->fd, 0), 0);
	ASSERT_EQ(set_status(self->fd, drv), 0);
	EXPECT_EQ(get_status(_metadata, self->fd), drv);
	/* Clearing a bit is a reset's job. */
	EXPECT_EQ(set_status(self->fd, VIRTIO_CONFIG_S_ACKNOWLEDGE), -EINVAL);
	/* A feature the device does not offer. */
	EXPECT_EQ(ioctl_err(self->fd, VHOST_SET_FEATURES, &features), -EINVAL);
	/* DRIVER_OK before FEATURES_OK: the device refuses to start. */
	EXPECT_EQ(set_status(self->fd, drv | VIRTIO_CONFIG_S_DRIVER_OK), 0);
	s = get_status(_metadata, self->fd);
	EXPECT_FALSE(s & VIRTIO_CONFIG_S_DRIVER_OK);
	EXPECT_TRUE(s & VIRTIO_CONFIG_S_NEEDS_RESET);
	EXPECT_EQ(vhm_mdev_attr(self->uuid, "vhost/state"), 0);
	/* Reset clears it; features, then no change after FEATURES_OK. */
	ASSERT_EQ(set_status(self->fd, 0), 0);
	EXPECT_EQ(get_status(_metadata, self->fd), 0);
	ASSERT_EQ(set_status(self->fd, drv), 0);
	features = 1ull << VIRTIO_F_VERSION_1 | 1ull << VIRTIO_F_ACCESS_PLATFORM;
	EXPECT_EQ(ioctl_err(self->fd, VHOST_SET_FEATURES, &features), 0);
	ASSERT_EQ(set_status(self->fd, drv | VIRTIO_CONFIG_S_FEATURES_OK), 0);
	EXPECT_EQ(ioctl_err(self->fd, VHOST_SET_FEATURES, &features), -EBUSY);
	/* DRIVER_OK with no vq enabled runs, and a reset stops it. */
	ASSERT_EQ(set_status(self->fd, drv | VIRTIO_CONFIG_S_FEATURES_OK |
				       VIRTIO_CONFIG_S_DRIVER_OK), 0);
	EXPECT_TRUE(get_status(_metadata, self->fd) & VIRTIO_CONFIG_S_DRIVER_OK);
	EXPECT_EQ(vhm_mdev_attr(self->uuid, "vhost/state"), 1);
	ASSERT_EQ(set_status(self->fd, 0), 0);
	EXPECT_EQ(vhm_mdev_attr(self->uuid, "vhost/state"), 0);
}

/* Frames through the lib's vhost-vdpa backend; suspend stops exactly. */
TEST_F(vdpa, loopback_and_suspend)
{
	struct vhm_dev_opts o = {
		.backend = "vhost-vdpa",
		.vdpa = self->name,
		.ring_size = NUM,
		.frame_len = 128,
		.peer_cpu = -1,
	};
	long long frames0 = vhm_mdev_attr(self->uuid, "sim/frames");
	unsigned int sent = 0, done = 0;
	struct vhm_dev d;
	uint16_t base = 0;
	int n;

	/* The lib opens its own fd: ours would make it busy. */
	close(self->fd);
	self->fd = -1;
	ASSERT_EQ(vhm_dev_open(&d, &o), 0);
	while (done < 1000) {
		if (sent < 1000 && vhm_tx_inflight(&d) < NUM / 2)
			sent += vhm_tx_send(&d, 1000 - sent < 16 ? 1000 - sent : 16);
		n = vhm_tx_complete(&d, true);
		ASSERT_GE(n, 0);
		done += n;
	}
	EXPECT_EQ(d.tx.frames, 1000);
	EXPECT_EQ(vhm_mdev_attr(self->uuid, "sim/frames") - frames0, 1000);
	EXPECT_EQ(vhm_mdev_attr(self->uuid, "sim/errors"), 0);
	EXPECT_EQ(vhm_mdev_attr(self->uuid, "sim/dropped"), 0);
	/* Suspend: quiesced, the TX base is where the device stopped. */
	ASSERT_EQ(d.ops->stop(&d), 0);
	EXPECT_EQ(vhm_mdev_attr(self->uuid, "vhost/state"), 0);
	ASSERT_EQ(d.ops->vring_base(&d, 1, &base), 0);
	EXPECT_EQ(base, 1000 % 65536);
	/* Resume: more frames pass. */
	ASSERT_EQ(ioctl(d.fd, VHOST_VDPA_RESUME), 0);
	EXPECT_EQ(vhm_mdev_attr(self->uuid, "vhost/state"), 1);
	sent = vhm_tx_send(&d, 8);
	EXPECT_EQ(sent, 8);
	for (done = 0; done < sent;) {
		n = vhm_tx_complete(&d, true);
		ASSERT_GE(n, 0);
		done += n;
	}
	EXPECT_EQ(vhm_mdev_attr(self->uuid, "sim/frames") - frames0, 1008);
	vhm_dev_close(&d);
}

/* Wait up to 5 s for the simulator to count a device error. */
static long long wait_error(const char *uuid)
{
	long long e = 0;
	int i;

	for (i = 0; i < 500; i++) {
		e = vhm_mdev_attr(uuid, "sim/errors");
		if (e > 0)
			break;
		usleep(10000);
	}
	return e;
}

/*
 * Rings the driver never mapped: the device stops itself (NEEDS_RESET,
 * the config eventfd fires) instead of touching the memory.
 */
TEST_F(vdpa, unmapped_ring_is_a_device_error)
{
	const uint8_t ok = VIRTIO_CONFIG_S_ACKNOWLEDGE |
			   VIRTIO_CONFIG_S_DRIVER | VIRTIO_CONFIG_S_FEATURES_OK;
	uint64_t features = 1ull << VIRTIO_F_VERSION_1 |
			    1ull << VIRTIO_F_ACCESS_PLATFORM;
	struct vhost_vring_state s = { .index = 1, .num = NUM };
	struct vhost_vring_addr a = {
		.index = 1,
		.desc_user_addr = 0x40000000,
		.avail_user_addr = 0x40001000,
		.used_user_addr = 0x40002000,
	};
	int kick = eventfd(0, EFD_CLOEXEC), cfg = eventfd(0, EFD_CLOEXEC);
	struct vhost_vring_file k = { .index = 1, .fd = kick };
	struct pollfd p = { .fd = cfg, .events = POLLIN };
	uint64_t one = 1;

	ASSERT_GE(kick, 0);
	ASSERT_GE(cfg, 0);
	owner_v2(_metadata, self->fd);
	/* Something mapped, just not the rings. */
	ASSERT_EQ(iotlb(self->fd, VHOST_IOTLB_UPDATE, IOVA, MEMSZ, self->mem,
			VHOST_ACCESS_RW, 0), 0);
	/* After the reset, which drops the callbacks. */
	ASSERT_EQ(set_status(self->fd, 0), 0);
	ASSERT_EQ(ioctl(self->fd, VHOST_VDPA_SET_CONFIG_CALL, &cfg), 0);
	ASSERT_EQ(ioctl(self->fd, VHOST_SET_FEATURES, &features), 0);
	ASSERT_EQ(set_status(self->fd, ok), 0);
	ASSERT_EQ(ioctl(self->fd, VHOST_SET_VRING_NUM, &s), 0);
	ASSERT_EQ(ioctl(self->fd, VHOST_SET_VRING_ADDR, &a), 0);
	ASSERT_EQ(ioctl(self->fd, VHOST_SET_VRING_KICK, &k), 0);
	s.num = 1;
	ASSERT_EQ(ioctl(self->fd, VHOST_VDPA_SET_VRING_ENABLE, &s), 0);
	ASSERT_EQ(set_status(self->fd, ok | VIRTIO_CONFIG_S_DRIVER_OK), 0);
	ASSERT_EQ(write(kick, &one, sizeof(one)), sizeof(one));
	EXPECT_GE(wait_error(self->uuid), 1);
	EXPECT_TRUE(get_status(_metadata, self->fd) &
		    VIRTIO_CONFIG_S_NEEDS_RESET);
	EXPECT_EQ(poll(&p, 1, 5000), 1);
	/* A reset recovers the device. */
	ASSERT_EQ(set_status(self->fd, 0), 0);
	EXPECT_EQ(get_status(_metadata, self->fd), 0);
	close(kick);
	close(cfg);
}

/*
 * Invalidate the memory while the device runs: the pages are gone from the
 * device, whose next access is an error, not a write into freed memory.
 */
TEST_F(vdpa, invalidate_while_running)
{
	struct vhm_dev_opts o = {
		.backend = "vhost-vdpa",
		.vdpa = self->name,
		.ring_size = NUM,
		.frame_len = 128,
		.peer_cpu = -1,
	};
	struct vhm_dev d;
	uint64_t one = 1;
	int n, done = 0;

	close(self->fd);
	self->fd = -1;
	ASSERT_EQ(vhm_dev_open(&d, &o), 0);
	ASSERT_EQ(vhm_tx_send(&d, 4), 4);
	while (done < 4) {
		n = vhm_tx_complete(&d, true);
		ASSERT_GE(n, 0);
		done += n;
	}
	EXPECT_EQ(vhm_mdev_attr(self->uuid, "sim/errors"), 0);
	ASSERT_EQ(iotlb(d.fd, VHOST_IOTLB_INVALIDATE, d.mem.iova, d.mem.size,
			NULL, 0, 0), 0);
	d.mapped = false;
	/* Published and kicked into unmapped rings. */
	vhm_tx_send(&d, 4);
	ASSERT_EQ(write(d.tx.kick_fd, &one, sizeof(one)), sizeof(one));
	EXPECT_GE(wait_error(self->uuid), 1);
	EXPECT_TRUE(get_status(_metadata, d.fd) & VIRTIO_CONFIG_S_NEEDS_RESET);
	vhm_dev_close(&d);
}

TEST_HARNESS_MAIN
