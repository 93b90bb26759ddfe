// SPDX-License-Identifier: GPL-2.0
/* Userspace virtio-blk driver over vhost-mdev. See blk.h. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/vfio.h>
#include <linux/vhost.h>
#include <linux/vhost_mdev.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ids.h>

#include "blk.h"

#define VHM_BLK_RING_MAX	256
#define VHM_BLK_PAGE		4096UL
#define VHM_BLK_FEATURES \
	((1ULL << VIRTIO_F_VERSION_1) | (1ULL << VIRTIO_BLK_F_FLUSH) | \
	 (1ULL << VIRTIO_BLK_F_SEG_MAX) | (1ULL << VIRTIO_BLK_F_BLK_SIZE))

static size_t vhm_blk_round(size_t n, size_t a)
{
	return (n + a - 1) & ~(a - 1);
}

static int vhm_blk_ioctl(struct vhm_blk *b, unsigned long req, void *arg,
			 const char *what)
{
	if (ioctl(b->fd, req, arg)) {
		int err = errno;

		fprintf(stderr, "vhost-mdev blk: %s failed: %s\n", what,
			strerror(err));
		return -err;
	}
	return 0;
}

static int vhm_blk_config(struct vhm_blk *b, uint32_t off, void *buf,
			  uint32_t len)
{
	uint8_t raw[sizeof(struct vhost_vdpa_config) + 16];
	struct vhost_vdpa_config *c = (void *)raw;
	int err;

	c->off = off;
	c->len = len;
	err = vhm_blk_ioctl(b, VHOST_VDPA_GET_CONFIG, c, "VHOST_VDPA_GET_CONFIG");
	if (!err)
		memcpy(buf, c->buf, len);
	return err;
}

static int vhm_blk_probe(struct vhm_blk *b, unsigned int ring_size)
{
	uint32_t id = 0, nvqs = 0;
	uint64_t offered = 0;
	uint16_t num = 0;
	int err;

	err = vhm_blk_ioctl(b, VHOST_VDPA_GET_DEVICE_ID, &id, "VHOST_VDPA_GET_DEVICE_ID") ?:
	      vhm_blk_ioctl(b, VHOST_VDPA_GET_VQS_COUNT, &nvqs, "VHOST_VDPA_GET_VQS_COUNT") ?:
	      vhm_blk_ioctl(b, VHOST_VDPA_GET_VRING_NUM, &num, "VHOST_VDPA_GET_VRING_NUM") ?:
	      vhm_blk_ioctl(b, VHOST_GET_FEATURES, &offered, "VHOST_GET_FEATURES");
	if (err)
		return err;
	if (id != VIRTIO_ID_BLOCK || nvqs < 1) {
		fprintf(stderr, "vhost-mdev blk: the device is virtio device %u "
			"with %u queues, not virtio-blk (%u): create a "
			"vhost_mdev_sim-blk instance\n", id, nvqs, VIRTIO_ID_BLOCK);
		return -ENODEV;
	}
	if (!(offered & (1ULL << VIRTIO_F_VERSION_1))) {
		fprintf(stderr, "vhost-mdev blk: the device does not offer "
			"VIRTIO_F_VERSION_1\n");
		return -ENODEV;
	}
	b->features = offered & VHM_BLK_FEATURES;
	err = vhm_blk_ioctl(b, VHOST_SET_FEATURES, &b->features, "VHOST_SET_FEATURES");
	if (err)
		return err;
	err = vhm_blk_config(b, 0, &b->capacity, sizeof(b->capacity));
	if (!err && (b->features & (1ULL << VIRTIO_BLK_F_SEG_MAX)))
		err = vhm_blk_config(b, 12, &b->seg_max, sizeof(b->seg_max));
	if (err)
		return err;

	if (!ring_size)
		ring_size = num < VHM_BLK_RING_MAX ? num : VHM_BLK_RING_MAX;
	if (ring_size > num || (ring_size & (ring_size - 1)) || ring_size < 4) {
		fprintf(stderr, "vhost-mdev blk: ring size %u: want a power of 2 "
			"in [4, %u]\n", ring_size, num);
		return -EINVAL;
	}
	b->num = (uint16_t)ring_size;
	return 0;
}

/* Ring, then slots, then the arena, in one identity-mapped region. */
static int vhm_blk_layout(struct vhm_blk *b, size_t arena)
{
	size_t ring = vhm_blk_round(vhm_vring_mem_size(b->num), 64);
	size_t slots = vhm_blk_round(sizeof(*b->slots) * b->num, 64);
	int err;

	b->arena_off = ring + slots;
	b->ctl_size = vhm_blk_round(b->arena_off + arena, VHM_BLK_PAGE);
	b->ctl = mmap(NULL, b->ctl_size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (b->ctl == MAP_FAILED) {
		b->ctl = NULL;
		return -ENOMEM;
	}
	b->slots = (void *)(b->ctl + ring);
	b->free_slots = calloc(b->num, sizeof(*b->free_slots));
	if (!b->free_slots)
		return -ENOMEM;
	for (unsigned int i = 0; i < b->num; i++)
		b->free_slots[i] = (uint16_t)(b->num - 1 - i);
	b->nfree = b->num;

	err = vhm_vring_init(&b->vr, b->num, b->ctl, (uintptr_t)b->ctl, 0,
			     false);
	if (err)
		return err;
	return vhm_blk_map(b, b->ctl, b->ctl_size);
}

static int vhm_blk_setup_vq(struct vhm_blk *b)
{
	struct vhost_vring_state num = { .index = 0, .num = b->num };
	struct vhost_vring_state base = { .index = 0, .num = 0 };
	struct vhost_vring_addr addr = {
		.index = 0,
		.desc_user_addr = b->vr.desc_iova,
		.avail_user_addr = b->vr.avail_iova,
		.used_user_addr = b->vr.used_iova,
	};
	struct vhost_vring_file kick, call;

	b->kick_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	b->call_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (b->kick_fd < 0 || b->call_fd < 0)
		return -errno;
	kick = (struct vhost_vring_file){ .index = 0, .fd = b->kick_fd };
	call = (struct vhost_vring_file){ .index = 0, .fd = b->call_fd };
	return vhm_blk_ioctl(b, VHOST_SET_VRING_NUM, &num, "VHOST_SET_VRING_NUM") ?:
	       vhm_blk_ioctl(b, VHOST_SET_VRING_ADDR, &addr, "VHOST_SET_VRING_ADDR") ?:
	       vhm_blk_ioctl(b, VHOST_SET_VRING_BASE, &base, "VHOST_SET_VRING_BASE") ?:
	       vhm_blk_ioctl(b, VHOST_SET_VRING_KICK, &kick, "VHOST_SET_VRING_KICK") ?:
	       vhm_blk_ioctl(b, VHOST_SET_VRING_CALL, &call, "VHOST_SET_VRING_CALL");
}

int vhm_blk_open(struct vhm_blk *b, const char *uuid, unsigned int ring_size,
		 size_t arena)
{
	uint32_t state = VHOST_MDEV_S_RUNNING;
	int err;

	memset(b, 0, sizeof(*b));
	b->fd = b->kick_fd = b->call_fd = -1;
	err = vhm_vfio_open(&b->vfio, uuid);
	if (err)
		return err;
	b->fd = b->vfio.device;
	err = vhm_blk_probe(b, ring_size) ?: vhm_blk_layout(b, arena) ?:
	      vhm_blk_setup_vq(b) ?:
	      vhm_blk_ioctl(b, VHOST_MDEV_SET_STATE, &state, "VHOST_MDEV_SET_STATE");
	if (err) {
		vhm_blk_close(b);
		return err;
	}
	b->running = true;
	return 0;
}

void vhm_blk_close(struct vhm_blk *b)
{
	uint32_t state = VHOST_MDEV_S_STOPPED;

	if (b->running)
		ioctl(b->fd, VHOST_MDEV_SET_STATE, &state);
	b->running = false;
	/* Closing the device fd resets it and unpins every page. */
	vhm_vfio_close(&b->vfio);
	b->fd = -1;
	if (b->kick_fd >= 0)
		close(b->kick_fd);
	if (b->call_fd >= 0)
		close(b->call_fd);
	b->kick_fd = b->call_fd = -1;
	vhm_vring_free(&b->vr);
	free(b->free_slots);
	b->free_slots = NULL;
	if (b->ctl)
		munmap(b->ctl, b->ctl_size);
	b->ctl = NULL;
}

int vhm_blk_map(struct vhm_blk *b, void *buf, size_t size)
{
	return vhm_vfio_map(&b->vfio, buf, (uintptr_t)buf, size);
}

int vhm_blk_unmap(struct vhm_blk *b, void *buf, size_t size)
{
	return vhm_vfio_unmap(&b->vfio, (uintptr_t)buf, size);
}

void *vhm_blk_alloc(struct vhm_blk *b, size_t size, size_t align)
{
	size_t off = vhm_blk_round(b->arena_off + b->arena_used, align ?: 1);

	if (off + size > b->ctl_size)
		return NULL;
	b->arena_used = off + size - b->arena_off;
	return b->ctl + off;
}

struct vhm_blk_slot *vhm_blk_get_slot(struct vhm_blk *b)
{
	struct vhm_blk_slot *s;

	if (!b->nfree)
		return NULL;
	s = &b->slots[b->free_slots[--b->nfree]];
	s->status = 0xff;
	s->cookie = NULL;
	return s;
}

static void vhm_blk_put_slot(struct vhm_blk *b, struct vhm_blk_slot *s)
{
	b->free_slots[b->nfree++] = (uint16_t)(s - b->slots);
}

int vhm_blk_queue_raw(struct vhm_blk *b, struct vhm_blk_slot *slot,
		      const struct vhm_sg *sg, unsigned int out_n,
		      unsigned int in_n)
{
	int head = vhm_vring_add(&b->vr, sg, out_n, in_n, slot);

	if (head < 0)
		vhm_blk_put_slot(b, slot);
	return head < 0 ? head : 0;
}

int vhm_blk_queue(struct vhm_blk *b, uint32_t type, uint64_t sector,
		  void *buf, uint32_t len, void *cookie)
{
	struct vhm_blk_slot *s;
	struct vhm_sg sg[3];
	unsigned int n = 0, out_n;

	if (b->vr.num_free < 3 || !(s = vhm_blk_get_slot(b)))
		return -ENOSPC;
	s->hdr.type = type;
	s->hdr.ioprio = 0;
	s->hdr.sector = sector;
	s->cookie = cookie;
	sg[n++] = (struct vhm_sg){ (uintptr_t)&s->hdr, sizeof(s->hdr) };
	out_n = 1;
	if (len && type == VIRTIO_BLK_T_OUT) {
		sg[n++] = (struct vhm_sg){ (uintptr_t)buf, len };
		out_n++;
	} else if (len) {
		sg[n++] = (struct vhm_sg){ (uintptr_t)buf, len };
	}
	sg[n++] = (struct vhm_sg){ (uintptr_t)&s->status, 1 };
	return vhm_blk_queue_raw(b, s, sg, out_n, n - out_n);
}

void vhm_blk_kick(struct vhm_blk *b)
{
	uint64_t one = 1;

	vhm_vring_publish(&b->vr);
	if (!vhm_vring_kick_needed(&b->vr))
		return;
	if (write(b->kick_fd, &one, sizeof(one)) == sizeof(one))
		b->kicks++;
}

void *vhm_blk_reap(struct vhm_blk *b, uint8_t *status, uint32_t *len)
{
	struct vhm_blk_slot *s = vhm_vring_get_used(&b->vr, len);
	void *cookie;

	if (!s)
		return NULL;
	if (status)
		*status = s->status;
	cookie = s->cookie;
	vhm_blk_put_slot(b, s);
	/* A raw request without a cookie: its slot stands for it. */
	return cookie ?: s;
}

int vhm_blk_wait(struct vhm_blk *b, int timeout_ms)
{
	struct pollfd p = { .fd = b->call_fd, .events = POLLIN };
	uint64_t cnt;
	int ret;

	for (;;) {
		if (vhm_vring_pending_used(&b->vr))
			return 1;
		/* Ask for an interrupt; an entry that raced in needs none. */
		if (!vhm_vring_enable_cb(&b->vr))
			return 1;
		ret = poll(&p, 1, timeout_ms);
		if (ret < 0 && errno == EINTR)
			continue;
		if (ret < 0)
			return -errno;
		if (!ret)
			return vhm_vring_pending_used(&b->vr) ? 1 : 0;
		if (read(b->call_fd, &cnt, sizeof(cnt)) == sizeof(cnt))
			b->interrupts++;
	}
}

int vhm_blk_state(struct vhm_blk *b)
{
	uint32_t state;

	return ioctl(b->fd, VHOST_MDEV_GET_STATE, &state) ? -errno : (int)state;
}
