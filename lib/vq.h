/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A virtqueue driven by hand, for tests and tools that check the device:
 * a split ring (vring.h) with one buffer per descriptor, its kick, call
 * and err eventfds, programmed with the vhost ioctls. Every step is the
 * caller's, and the ring stays reachable (vq->vr) for tests that break
 * the rules on purpose. Not the measured path: that is dev.h.
 * Functions return 0 or -errno (errno set too) unless said otherwise.
 */
#ifndef VHM_VQ_H
#define VHM_VQ_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <linux/vhost_mdev.h>

#include "mem.h"
#include "vring.h"

struct vhm_vq {
	unsigned int index;		/* virtqueue index on the device */
	struct vhm_vring vr;
	uint8_t *bufs;			/* buffer of descriptor i: bufs + i * buf_size */
	uint64_t bufs_iova;
	size_t buf_size;
	int kick, call, err;		/* eventfds, non-blocking */
};

/* A closed vq: vhm_vq_free() does nothing. */
void vhm_vq_init(struct vhm_vq *vq);
/* Ring and num buffers of buf_size bytes from m, and the eventfds. */
int vhm_vq_alloc(struct vhm_vq *vq, struct vhm_mem *m, unsigned int index,
		 unsigned int num, size_t buf_size);
void vhm_vq_free(struct vhm_vq *vq);

/*
 * Program the ring into the device fd: num, addresses, base (the ring's
 * next avail index) and the three eventfds.
 */
int vhm_vq_setup(int fd, struct vhm_vq *vq);

/* The descriptor, and so the buffer, the next vhm_vq_add() takes. */
static inline unsigned int vhm_vq_slot(const struct vhm_vq *vq)
{
	return vq->vr.free_head;
}

static inline uint8_t *vhm_vq_buf(const struct vhm_vq *vq, unsigned int slot)
{
	return vq->bufs + vq->buf_size * slot;
}

/* Published and not consumed yet. */
static inline unsigned int vhm_vq_inflight(const struct vhm_vq *vq)
{
	return vq->vr.num - vq->vr.num_free;
}

/*
 * Publish one single-descriptor buffer of len bytes: its slot's buffer,
 * or iova (vhm_vq_add_at). write: the device writes it. -ENOSPC when full.
 */
int vhm_vq_add(struct vhm_vq *vq, uint32_t len, bool write);
int vhm_vq_add_at(struct vhm_vq *vq, uint64_t iova, uint32_t len, bool write);

int vhm_vq_kick(struct vhm_vq *vq);
/*
 * Kick from a second thread, as a multi-threaded driver would. In the
 * simulator's task_work mode that thread runs the batch on its way back to
 * user space, so the caller can act while the device works. Join *th.
 */
int vhm_vq_kick_from_thread(struct vhm_vq *vq, pthread_t *th);

/* Used entries the device wrote and the driver did not consume, raw. */
static inline unsigned int vhm_vq_ready(const struct vhm_vq *vq)
{
	return (uint16_t)(vhm_vring_used_idx(&vq->vr) - vq->vr.last_used);
}

/*
 * Consume one used entry: its id (the slot) and len as the device wrote
 * them, even an id never queued (the caller checks). -EAGAIN when none.
 */
int vhm_vq_get(struct vhm_vq *vq, uint32_t *id, uint32_t *len);
/* Wait until at least n used entries are ready; 0 or -ETIMEDOUT. */
int vhm_vq_wait(struct vhm_vq *vq, unsigned int n, int timeout_ms);

/* Wait until an eventfd is signalled and read it: 1, 0 on timeout, -errno. */
int vhm_wait_fd(int fd, int timeout_ms);

static inline int64_t vhm_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* The vhost-mdev ioctls the tests use on their own. */

/* SET_STATE: the ioctl's own result, 0 or -1 with errno. */
int vhm_set_state(int fd, uint32_t state);
/* GET_STATE: the state, or -errno. */
int vhm_get_state(int fd);
/* GET_VRING_BASE: the base, or -errno. */
int vhm_get_base(int fd, unsigned int index);

#endif /* VHM_VQ_H */
