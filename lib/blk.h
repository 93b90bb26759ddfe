/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A virtio-blk device driven from userspace through vhost-mdev: VFIO
 * container, one request queue, requests of header + data + status.
 *
 * Memory is identity-mapped (IOVA == virtual address): the library maps its
 * own control region (ring, headers, status bytes, a small arena) and the
 * caller maps its data buffers with vhm_blk_map(), so a buffer that is
 * contiguous in virtual memory is one descriptor whatever pages back it.
 */
#ifndef VHM_BLK_H
#define VHM_BLK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/virtio_blk.h>

#include "vfio.h"
#include "vring.h"

#define VHM_BLK_SECTOR	512

/* Per-request driver memory the device reads (header) and writes (status). */
struct vhm_blk_slot {
	struct virtio_blk_outhdr hdr;
	uint8_t status;
	void *cookie;			/* the caller's, returned on completion */
};

struct vhm_blk {
	struct vhm_vfio vfio;
	int fd;				/* the device fd */

	uint64_t features;
	uint64_t capacity;		/* sectors */
	uint32_t seg_max;
	uint16_t num;			/* ring size */

	uint8_t *ctl;			/* control region, identity-mapped */
	size_t ctl_size;
	size_t arena_off, arena_used;	/* vhm_blk_alloc()'s part of ctl */
	struct vhm_vring vr;
	struct vhm_blk_slot *slots;	/* num entries, in ctl */
	uint16_t *free_slots;		/* stack of free slot indexes */
	uint16_t nfree;
	int kick_fd, call_fd;
	bool running;

	uint64_t kicks;
	uint64_t interrupts;
};

/*
 * Open the blk mdev instance uuid, negotiate, lay out a ring of ring_size
 * (0: the device's largest, at most 256) and arena bytes for
 * vhm_blk_alloc(), map and start it. Prints why on stderr; 0 or -errno.
 */
int vhm_blk_open(struct vhm_blk *b, const char *uuid, unsigned int ring_size,
		 size_t arena);
void vhm_blk_close(struct vhm_blk *b);

/* Identity-map [buf, buf + size), both page-aligned. */
int vhm_blk_map(struct vhm_blk *b, void *buf, size_t size);
int vhm_blk_unmap(struct vhm_blk *b, void *buf, size_t size);

/* Device-reachable memory from the arena; NULL when it is full. */
void *vhm_blk_alloc(struct vhm_blk *b, size_t size, size_t align);

/*
 * Queue a request (VIRTIO_BLK_T_IN/OUT/FLUSH/GET_ID...) on len bytes of
 * mapped buf at sector. Not visible to the device before vhm_blk_kick().
 * 0, or -ENOSPC when the ring is full.
 */
int vhm_blk_queue(struct vhm_blk *b, uint32_t type, uint64_t sector,
		  void *buf, uint32_t len, void *cookie);
/*
 * Queue a chain as given (tests build malformed requests with it); the
 * completion returns slot's status as written by the device. slot comes
 * from vhm_blk_get_slot(); its status is preset to 0xff.
 */
struct vhm_blk_slot *vhm_blk_get_slot(struct vhm_blk *b);
int vhm_blk_queue_raw(struct vhm_blk *b, struct vhm_blk_slot *slot,
		      const struct vhm_sg *sg, unsigned int out_n,
		      unsigned int in_n);

/* Publish what was queued and kick the device if it wants one. */
void vhm_blk_kick(struct vhm_blk *b);

/*
 * One completion: its cookie, status byte and used length; NULL when none
 * is pending.
 */
void *vhm_blk_reap(struct vhm_blk *b, uint8_t *status, uint32_t *len);

/*
 * Wait up to timeout_ms (-1: forever) for a completion to be pending.
 * 1: something is pending, 0: timeout, -errno.
 */
int vhm_blk_wait(struct vhm_blk *b, int timeout_ms);

/* Requests in flight. */
static inline unsigned int vhm_blk_inflight(const struct vhm_blk *b)
{
	return b->num - b->nfree;
}

/* The device's state (VHOST_MDEV_GET_STATE), or -errno. */
int vhm_blk_state(struct vhm_blk *b);

#endif /* VHM_BLK_H */
