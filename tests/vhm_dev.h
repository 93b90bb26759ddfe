/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace side of a vhost-mdev device for the guest tests: create and
 * remove simulator instances, open them through VFIO (container, group,
 * device), map DMA, drive split virtqueues and the virtio-net loopback.
 * Functions return 0 or -errno (errno is set too) unless said otherwise.
 */
#ifndef VHM_DEV_H
#define VHM_DEV_H

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <linux/vfio.h>
#include <linux/vhost.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_net.h>
#include <linux/virtio_ring.h>
#include <linux/vhost_mdev.h>

#define VHM_PARENT	"/sys/class/mdev_bus/vhost_mdev_sim"
#define VHM_TYPE	VHM_PARENT "/mdev_supported_types/vhost_mdev_sim-net"
#define VHM_DEVICES	"/sys/bus/mdev/devices"
#define VHM_SIM_PARAMS	"/sys/module/vhost_mdev_sim/parameters"

#define VHM_RX		0
#define VHM_TX		1
#define VHM_HDR_LEN	12	/* struct virtio_net_hdr_v1 */
#define VHM_FEATURES	((1ULL << VIRTIO_F_VERSION_1) | \
			 (1ULL << VIRTIO_NET_F_MAC) | \
			 (1ULL << VIRTIO_NET_F_STATUS))

static inline int vhm_err(void)
{
	return errno ? -errno : -EIO;
}

/* --- sysfs ------------------------------------------------------------- */

static inline int vhm_write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return vhm_err();
	n = write(fd, s, strlen(s));
	if (n < 0) {
		int e = vhm_err();

		close(fd);
		return e;
	}
	close(fd);
	return 0;
}

static inline int vhm_read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return vhm_err();
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return vhm_err();
	buf[n] = 0;
	while (n > 0 && buf[n - 1] == '\n')
		buf[--n] = 0;
	return 0;
}

/* A number from sysfs, or -1. */
static inline long long vhm_read_num(const char *path)
{
	char buf[64];

	if (vhm_read_file(path, buf, sizeof(buf)))
		return -1;
	return strtoll(buf, NULL, 0);
}

/* An attribute of an instance: vhm_attr(uuid, "sim/frames"). */
static inline long long vhm_attr(const char *uuid, const char *name)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), VHM_DEVICES "/%s/%s", uuid, name);
	return vhm_read_num(path);
}

static inline int vhm_set_param(const char *name, unsigned long long v)
{
	char path[PATH_MAX], buf[32];

	snprintf(path, sizeof(path), VHM_SIM_PARAMS "/%s", name);
	snprintf(buf, sizeof(buf), "%llu", v);
	return vhm_write_file(path, buf);
}

static inline bool vhm_sim_loaded(void)
{
	return access(VHM_TYPE "/create", W_OK) == 0;
}

/* --- instances --------------------------------------------------------- */

static inline void vhm_uuid(char out[37])
{
	unsigned char b[16];
	int fd = open("/dev/urandom", O_RDONLY);

	if (fd < 0 || read(fd, b, sizeof(b)) != sizeof(b)) {
		unsigned int i, seed = (unsigned int)time(NULL) ^ getpid();

		for (i = 0; i < sizeof(b); i++)
			b[i] = rand_r(&seed);
	}
	if (fd >= 0)
		close(fd);
	b[6] = (b[6] & 0x0f) | 0x40;
	b[8] = (b[8] & 0x3f) | 0x80;
	snprintf(out, 37,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9],
		 b[10], b[11], b[12], b[13], b[14], b[15]);
}

static inline int vhm_create(char uuid[37])
{
	vhm_uuid(uuid);
	return vhm_write_file(VHM_TYPE "/create", uuid);
}

static inline int vhm_remove(const char *uuid)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), VHM_DEVICES "/%s/remove", uuid);
	return vhm_write_file(path, "1");
}

static inline bool vhm_exists(const char *uuid)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), VHM_DEVICES "/%s", uuid);
	return access(path, F_OK) == 0;
}

static inline int vhm_group_id(const char *uuid)
{
	char path[PATH_MAX], link[PATH_MAX];
	const char *slash;
	ssize_t n;

	snprintf(path, sizeof(path), VHM_DEVICES "/%s/iommu_group", uuid);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return vhm_err();
	link[n] = 0;
	slash = strrchr(link, '/');
	return atoi(slash ? slash + 1 : link);
}

/* --- VFIO -------------------------------------------------------------- */

struct vhm_dev {
	char uuid[37];
	int container;
	int group;
	int fd;
};

static inline void vhm_close(struct vhm_dev *d)
{
	if (d->fd >= 0)
		close(d->fd);
	if (d->group >= 0)
		close(d->group);
	if (d->container >= 0)
		close(d->container);
	d->fd = d->group = d->container = -1;
}

/* Open the group of uuid in a new type1v2 container; no device fd yet. */
static inline int vhm_open_group(struct vhm_dev *d, const char *uuid)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	char path[64];
	int id, ret;

	d->container = d->group = d->fd = -1;
	snprintf(d->uuid, sizeof(d->uuid), "%s", uuid);
	id = vhm_group_id(uuid);
	if (id < 0)
		return id;
	d->container = open("/dev/vfio/vfio", O_RDWR);
	if (d->container < 0)
		goto err;
	if (ioctl(d->container, VFIO_GET_API_VERSION) != VFIO_API_VERSION ||
	    ioctl(d->container, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) != 1) {
		errno = ENODEV;
		goto err;
	}
	snprintf(path, sizeof(path), "/dev/vfio/%d", id);
	d->group = open(path, O_RDWR);
	if (d->group < 0)
		goto err;
	if (ioctl(d->group, VFIO_GROUP_GET_STATUS, &status))
		goto err;
	if (!(status.flags & VFIO_GROUP_FLAGS_VIABLE)) {
		errno = EBUSY;
		goto err;
	}
	if (ioctl(d->group, VFIO_GROUP_SET_CONTAINER, &d->container))
		goto err;
	if (ioctl(d->container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU))
		goto err;
	return 0;
err:
	ret = vhm_err();
	vhm_close(d);
	errno = -ret;
	return ret;
}

/* A device fd of d's group: the caller closes it. */
static inline int vhm_get_device_fd(struct vhm_dev *d)
{
	return ioctl(d->group, VFIO_GROUP_GET_DEVICE_FD, d->uuid);
}

static inline int vhm_open(struct vhm_dev *d, const char *uuid)
{
	int ret = vhm_open_group(d, uuid);

	if (ret)
		return ret;
	d->fd = vhm_get_device_fd(d);
	if (d->fd < 0) {
		ret = vhm_err();
		vhm_close(d);
		errno = -ret;
		return ret;
	}
	return 0;
}

static inline int vhm_map(struct vhm_dev *d, void *va, uint64_t iova,
			  uint64_t size, bool writable)
{
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map),
		.flags = VFIO_DMA_MAP_FLAG_READ |
			 (writable ? VFIO_DMA_MAP_FLAG_WRITE : 0),
		.vaddr = (uintptr_t)va,
		.iova = iova,
		.size = size,
	};

	return ioctl(d->container, VFIO_IOMMU_MAP_DMA, &map) ? vhm_err() : 0;
}

static inline int vhm_unmap(struct vhm_dev *d, uint64_t iova, uint64_t size)
{
	struct vfio_iommu_type1_dma_unmap unmap = {
		.argsz = sizeof(unmap),
		.iova = iova,
		.size = size,
	};

	return ioctl(d->container, VFIO_IOMMU_UNMAP_DMA, &unmap) ?
		vhm_err() : 0;
}

/* The ioctl's own result: 0, or -1 with errno. */
static inline int vhm_set_state(int fd, uint32_t state)
{
	return ioctl(fd, VHOST_MDEV_SET_STATE, &state);
}

/* The state, or -errno. */
static inline int vhm_get_state(int fd)
{
	uint32_t state;

	return ioctl(fd, VHOST_MDEV_GET_STATE, &state) ? vhm_err() :
		(int)state;
}

/* The vring base, or -errno. */
static inline int vhm_get_base(int fd, unsigned int index)
{
	struct vhost_vring_state s = { .index = index };

	return ioctl(fd, VHOST_GET_VRING_BASE, &s) ? vhm_err() : (int)s.num;
}

/* --- guest memory: one anonymous region mapped at one IOVA ------------- */

struct vhm_mem {
	uint8_t *va;
	uint64_t iova;
	size_t size;
	size_t used;
};

static inline int vhm_mem_init(struct vhm_mem *m, size_t size, uint64_t iova)
{
	m->va = mmap(NULL, size, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m->va == MAP_FAILED) {
		m->va = NULL;
		return vhm_err();
	}
	m->iova = iova;
	m->size = size;
	m->used = 0;
	return 0;
}

static inline void vhm_mem_free(struct vhm_mem *m)
{
	if (m->va)
		munmap(m->va, m->size);
	m->va = NULL;
}

/* Zeroed memory from the region, or NULL; *iova receives its IOVA. */
static inline void *vhm_alloc(struct vhm_mem *m, size_t size, size_t align,
			      uint64_t *iova)
{
	size_t off = (m->used + align - 1) & ~(align - 1);

	if (off + size > m->size)
		return NULL;
	m->used = off + size;
	memset(m->va + off, 0, size);
	*iova = m->iova + off;
	return m->va + off;
}

static inline uint64_t vhm_iova(const struct vhm_mem *m, const void *p)
{
	return m->iova + ((const uint8_t *)p - m->va);
}

/* --- split virtqueue, driver side -------------------------------------- */

struct vhm_vq {
	unsigned int index;
	unsigned int num;
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	uint64_t desc_iova, avail_iova, used_iova;
	uint8_t *bufs;		/* num buffers of buf_size bytes */
	uint64_t bufs_iova;
	size_t buf_size;
	uint16_t avail_idx;	/* next avail index to publish */
	uint16_t used_idx;	/* next used index to consume */
	int kick, call, err;
};

static inline int vhm_vq_alloc(struct vhm_vq *vq, struct vhm_mem *m,
			       unsigned int index, unsigned int num,
			       size_t buf_size)
{
	memset(vq, 0, sizeof(*vq));
	vq->index = index;
	vq->num = num;
	vq->buf_size = buf_size;
	vq->kick = vq->call = vq->err = -1;
	vq->desc = vhm_alloc(m, 16 * num, 4096, &vq->desc_iova);
	vq->avail = vhm_alloc(m, 6 + 2 * num, 4096, &vq->avail_iova);
	vq->used = vhm_alloc(m, 6 + 8 * num, 4096, &vq->used_iova);
	vq->bufs = vhm_alloc(m, buf_size * num, 4096, &vq->bufs_iova);
	if (!vq->desc || !vq->avail || !vq->used || !vq->bufs) {
		errno = ENOMEM;
		return -ENOMEM;
	}
	vq->kick = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	vq->call = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	vq->err = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (vq->kick < 0 || vq->call < 0 || vq->err < 0)
		return vhm_err();
	return 0;
}

static inline void vhm_vq_free(struct vhm_vq *vq)
{
	if (vq->kick >= 0)
		close(vq->kick);
	if (vq->call >= 0)
		close(vq->call);
	if (vq->err >= 0)
		close(vq->err);
	vq->kick = vq->call = vq->err = -1;
}

/* Program num, addresses, base and the three eventfds into the device. */
static inline int vhm_vq_setup(int fd, struct vhm_vq *vq)
{
	struct vhost_vring_state num = { .index = vq->index, .num = vq->num };
	struct vhost_vring_state base = {
		.index = vq->index,
		.num = vq->avail_idx,
	};
	struct vhost_vring_addr addr = {
		.index = vq->index,
		.desc_user_addr = vq->desc_iova,
		.avail_user_addr = vq->avail_iova,
		.used_user_addr = vq->used_iova,
	};
	struct vhost_vring_file kick = { .index = vq->index, .fd = vq->kick };
	struct vhost_vring_file call = { .index = vq->index, .fd = vq->call };
	struct vhost_vring_file err = { .index = vq->index, .fd = vq->err };

	if (ioctl(fd, VHOST_SET_VRING_NUM, &num) ||
	    ioctl(fd, VHOST_SET_VRING_ADDR, &addr) ||
	    ioctl(fd, VHOST_SET_VRING_BASE, &base) ||
	    ioctl(fd, VHOST_SET_VRING_KICK, &kick) ||
	    ioctl(fd, VHOST_SET_VRING_CALL, &call) ||
	    ioctl(fd, VHOST_SET_VRING_ERR, &err))
		return vhm_err();
	return 0;
}

/* Slot of the next avail entry: descriptor and buffer share its index. */
static inline unsigned int vhm_vq_slot(const struct vhm_vq *vq)
{
	return vq->avail_idx & (vq->num - 1);
}

static inline uint8_t *vhm_vq_buf(const struct vhm_vq *vq, unsigned int slot)
{
	return vq->bufs + vq->buf_size * slot;
}

/* In flight: published but not used yet. */
static inline unsigned int vhm_vq_inflight(const struct vhm_vq *vq)
{
	return (uint16_t)(vq->avail_idx - vq->used_idx);
}

/* Publish one single-descriptor buffer of len bytes at its slot. */
static inline int vhm_vq_add(struct vhm_vq *vq, uint32_t len, bool write)
{
	unsigned int slot = vhm_vq_slot(vq);

	if (vhm_vq_inflight(vq) >= vq->num || len > vq->buf_size) {
		errno = ENOSPC;
		return -ENOSPC;
	}
	vq->desc[slot].addr = vq->bufs_iova + vq->buf_size * slot;
	vq->desc[slot].len = len;
	vq->desc[slot].flags = write ? VRING_DESC_F_WRITE : 0;
	vq->desc[slot].next = 0;
	vq->avail->ring[slot] = slot;
	/* Descriptor and ring entry before the index that publishes them. */
	__atomic_store_n(&vq->avail->idx, ++vq->avail_idx, __ATOMIC_RELEASE);
	return 0;
}

static inline int vhm_vq_kick(struct vhm_vq *vq)
{
	uint64_t one = 1;

	return write(vq->kick, &one, sizeof(one)) == sizeof(one) ? 0 :
		vhm_err();
}

static inline void *vhm_vq_kick_thread(void *vq)
{
	vhm_vq_kick(vq);
	return NULL;
}

/*
 * Kick from a second thread, as a multi-threaded driver would. In the
 * simulator's task_work mode that thread runs the batch on its way back to
 * user space, so the caller can act while the device works. Join *th.
 */
static inline int vhm_vq_kick_from_thread(struct vhm_vq *vq, pthread_t *th)
{
	return -pthread_create(th, NULL, vhm_vq_kick_thread, vq);
}

/* Used entries the device returned that were not consumed yet. */
static inline unsigned int vhm_vq_ready(const struct vhm_vq *vq)
{
	uint16_t idx = __atomic_load_n(&vq->used->idx, __ATOMIC_ACQUIRE);

	return (uint16_t)(idx - vq->used_idx);
}

/* Consume one used entry: its id and len. */
static inline int vhm_vq_get(struct vhm_vq *vq, uint32_t *id, uint32_t *len)
{
	struct vring_used_elem *e;

	if (!vhm_vq_ready(vq)) {
		errno = EAGAIN;
		return -EAGAIN;
	}
	e = &vq->used->ring[vq->used_idx & (vq->num - 1)];
	*id = e->id;
	*len = e->len;
	vq->used_idx++;
	return 0;
}

static inline int64_t vhm_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Wait until an eventfd is signalled; 1 signalled, 0 timeout, -errno. */
static inline int vhm_wait_fd(int fd, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	uint64_t v;
	int ret = poll(&p, 1, timeout_ms);

	if (ret < 0)
		return vhm_err();
	if (ret == 0)
		return 0;
	if (read(fd, &v, sizeof(v)) != sizeof(v))
		return vhm_err();
	return 1;
}

/* Wait until at least n used entries are ready; 0 or -ETIMEDOUT. */
static inline int vhm_vq_wait(struct vhm_vq *vq, unsigned int n,
			      int timeout_ms)
{
	int64_t end = vhm_now_ms() + timeout_ms;

	while (vhm_vq_ready(vq) < n) {
		int64_t left = end - vhm_now_ms();

		if (left <= 0) {
			errno = ETIMEDOUT;
			return -ETIMEDOUT;
		}
		/* The call may have come before we looked: poll briefly. */
		vhm_wait_fd(vq->call, left < 50 ? (int)left : 50);
	}
	return 0;
}

/* --- virtio-net loopback ----------------------------------------------- */

struct vhm_net {
	struct vhm_dev dev;
	struct vhm_mem mem;
	struct vhm_vq rx, tx;
};

#define VHM_NET_IOVA	0x100000ULL

/*
 * Create nothing: open uuid, map a region of mem_size bytes at
 * VHM_NET_IOVA, negotiate VHM_FEATURES and program both rings.
 */
static inline int vhm_net_open(struct vhm_net *n, const char *uuid,
			       unsigned int num, size_t buf_size,
			       size_t mem_size)
{
	uint64_t features = VHM_FEATURES;
	int ret;

	memset(n, 0, sizeof(*n));
	n->rx.kick = n->rx.call = n->rx.err = -1;
	n->tx.kick = n->tx.call = n->tx.err = -1;
	ret = vhm_open(&n->dev, uuid);
	if (ret)
		return ret;
	ret = vhm_mem_init(&n->mem, mem_size, VHM_NET_IOVA);
	if (!ret)
		ret = vhm_map(&n->dev, n->mem.va, n->mem.iova, n->mem.size,
			      true);
	if (!ret)
		ret = vhm_vq_alloc(&n->rx, &n->mem, VHM_RX, num, buf_size);
	if (!ret)
		ret = vhm_vq_alloc(&n->tx, &n->mem, VHM_TX, num, buf_size);
	if (!ret && ioctl(n->dev.fd, VHOST_SET_FEATURES, &features))
		ret = vhm_err();
	if (!ret)
		ret = vhm_vq_setup(n->dev.fd, &n->rx);
	if (!ret)
		ret = vhm_vq_setup(n->dev.fd, &n->tx);
	return ret;
}

static inline void vhm_net_close(struct vhm_net *n)
{
	vhm_close(&n->dev);
	vhm_vq_free(&n->rx);
	vhm_vq_free(&n->tx);
	vhm_mem_free(&n->mem);
}

/* Post count RX buffers of the full buffer size, then kick RX. */
static inline int vhm_net_fill_rx(struct vhm_net *n, unsigned int count)
{
	unsigned int i;
	int ret;

	for (i = 0; i < count; i++) {
		ret = vhm_vq_add(&n->rx, n->rx.buf_size, true);
		if (ret)
			return ret;
	}
	return vhm_vq_kick(&n->rx);
}

/* Queue one frame (header + payload) on TX, without kicking. */
static inline int vhm_net_queue(struct vhm_net *n, const void *frame,
				size_t len)
{
	uint8_t *buf = vhm_vq_buf(&n->tx, vhm_vq_slot(&n->tx));

	if (len + VHM_HDR_LEN > n->tx.buf_size) {
		errno = EMSGSIZE;
		return -EMSGSIZE;
	}
	memset(buf, 0, VHM_HDR_LEN);
	memcpy(buf + VHM_HDR_LEN, frame, len);
	return vhm_vq_add(&n->tx, len + VHM_HDR_LEN, false);
}

/* Deterministic test frame number i of len bytes. */
static inline void vhm_frame_fill(uint8_t *p, size_t len, unsigned int i)
{
	size_t k;

	for (k = 0; k < len; k++)
		p[k] = (uint8_t)(i * 31 + k * 7 + (k >> 8));
}

/* Frame size for frame i: varied, 60..1514 bytes. */
static inline size_t vhm_frame_len(unsigned int i)
{
	static const size_t sizes[] = { 60, 64, 128, 333, 512, 1000, 1514 };

	return sizes[i % (sizeof(sizes) / sizeof(sizes[0]))];
}

#endif /* VHM_DEV_H */
