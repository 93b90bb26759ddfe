// SPDX-License-Identifier: GPL-2.0
/* A virtqueue driven by hand. See vq.h. */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/vhost.h>
#include <linux/vhost_mdev.h>

#include "vq.h"

static int vhm_vq_errno(int err)
{
	errno = -err;
	return err;
}

static int vhm_vq_err(void)
{
	return errno ? -errno : -EIO;
}

void vhm_vq_init(struct vhm_vq *vq)
{
	memset(vq, 0, sizeof(*vq));
	vq->kick = vq->call = vq->err = -1;
}

int vhm_vq_alloc(struct vhm_vq *vq, struct vhm_mem *m, unsigned int index,
		 unsigned int num, size_t buf_size)
{
	uint64_t ring_iova;
	void *ring;
	int err;

	vhm_vq_init(vq);
	vq->index = index;
	vq->buf_size = buf_size;
	ring = vhm_mem_alloc(m, vhm_vring_mem_size((uint16_t)num), 4096,
			     &ring_iova);
	vq->bufs = vhm_mem_alloc(m, buf_size * num, 4096, &vq->bufs_iova);
	if (!ring || !vq->bufs)
		return vhm_vq_errno(-ENOMEM);
	err = vhm_vring_init(&vq->vr, (uint16_t)num, ring, ring_iova, 0, false);
	if (err)
		return vhm_vq_errno(err);
	vq->kick = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	vq->call = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	vq->err = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (vq->kick < 0 || vq->call < 0 || vq->err < 0)
		return vhm_vq_err();
	return 0;
}

static void vhm_vq_close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

void vhm_vq_free(struct vhm_vq *vq)
{
	vhm_vq_close_fd(&vq->kick);
	vhm_vq_close_fd(&vq->call);
	vhm_vq_close_fd(&vq->err);
	vhm_vring_free(&vq->vr);
}

int vhm_vq_setup(int fd, struct vhm_vq *vq)
{
	struct vhost_vring_state num = { .index = vq->index, .num = vq->vr.num };
	struct vhost_vring_state base = {
		.index = vq->index,
		.num = vq->vr.avail_idx,
	};
	struct vhost_vring_addr addr = {
		.index = vq->index,
		.desc_user_addr = vq->vr.desc_iova,
		.avail_user_addr = vq->vr.avail_iova,
		.used_user_addr = vq->vr.used_iova,
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
		return vhm_vq_err();
	return 0;
}

int vhm_vq_add_at(struct vhm_vq *vq, uint64_t iova, uint32_t len, bool write)
{
	unsigned int slot = vhm_vq_slot(vq);
	struct vhm_sg sg = { .iova = iova, .len = len };
	int head;

	if (!vq->vr.num_free)
		return vhm_vq_errno(-ENOSPC);
	head = vhm_vring_add(&vq->vr, &sg, write ? 0 : 1, write ? 1 : 0,
			     vhm_vq_buf(vq, slot));
	if (head < 0)
		return vhm_vq_errno(head);
	vhm_vring_publish(&vq->vr);
	return 0;
}

int vhm_vq_add(struct vhm_vq *vq, uint32_t len, bool write)
{
	unsigned int slot = vhm_vq_slot(vq);

	if (len > vq->buf_size)
		return vhm_vq_errno(-ENOSPC);
	return vhm_vq_add_at(vq, vq->bufs_iova + vq->buf_size * slot, len,
			     write);
}

int vhm_vq_kick(struct vhm_vq *vq)
{
	uint64_t one = 1;

	return write(vq->kick, &one, sizeof(one)) == sizeof(one) ? 0 :
		vhm_vq_err();
}

static void *vhm_vq_kick_thread(void *vq)
{
	vhm_vq_kick(vq);
	return NULL;
}

int vhm_vq_kick_from_thread(struct vhm_vq *vq, pthread_t *th)
{
	return -pthread_create(th, NULL, vhm_vq_kick_thread, vq);
}

int vhm_vq_get(struct vhm_vq *vq, uint32_t *id, uint32_t *len)
{
	if (!vhm_vring_take_used(&vq->vr, id, len))
		return vhm_vq_errno(-EAGAIN);
	return 0;
}

int vhm_wait_fd(int fd, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	uint64_t v;
	int ret = poll(&p, 1, timeout_ms);

	if (ret < 0)
		return vhm_vq_err();
	if (ret == 0)
		return 0;
	if (read(fd, &v, sizeof(v)) != sizeof(v))
		return vhm_vq_err();
	return 1;
}

int vhm_vq_wait(struct vhm_vq *vq, unsigned int n, int timeout_ms)
{
	int64_t end = vhm_now_ms() + timeout_ms;

	while (vhm_vq_ready(vq) < n) {
		int64_t left = end - vhm_now_ms();

		if (left <= 0)
			return vhm_vq_errno(-ETIMEDOUT);
		/* The call may have come before we looked: poll briefly. */
		vhm_wait_fd(vq->call, left < 50 ? (int)left : 50);
	}
	return 0;
}

int vhm_set_state(int fd, uint32_t state)
{
	return ioctl(fd, VHOST_MDEV_SET_STATE, &state);
}

int vhm_get_state(int fd)
{
	uint32_t state;

	return ioctl(fd, VHOST_MDEV_GET_STATE, &state) ? vhm_vq_err() :
		(int)state;
}

int vhm_get_base(int fd, unsigned int index)
{
	struct vhost_vring_state s = { .index = index };

	return ioctl(fd, VHOST_GET_VRING_BASE, &s) ? vhm_vq_err() : (int)s.num;
}
