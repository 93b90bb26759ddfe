/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vhost-mdev simulator: split virtqueue access through the core's DMA
 * helpers, the knobs and the workqueue, shared by the simulated devices.
 */
#ifndef _VHOST_MDEV_SIM_H
#define _VHOST_MDEV_SIM_H

#include <linux/types.h>
#include <linux/workqueue.h>

#include "vhost_mdev.h"

#define VHOST_MDEV_SIM_NAME	"vhost_mdev_sim"

/* Unbound workqueue every simulated device processes its rings on. */
extern struct workqueue_struct *vhost_mdev_sim_wq;

/* Knobs of main.c, read live. */
unsigned int vhost_mdev_sim_budget(void);
u16 vhost_mdev_sim_queue_size(void);
/* The added processing time of one frame or request (latency_ns). */
void vhost_mdev_sim_delay(void);

extern const struct vhost_mdev_ops vhost_mdev_sim_net_ops;
extern const struct vhost_mdev_ops vhost_mdev_sim_blk_ops;

/*
 * A split ring as the simulator's worker sees it. Copied from the core's
 * vhost_mdev_vq at start; only the worker writes it while running.
 */
struct vhost_mdev_sim_ring {
	struct vhost_mdev_device *vmdev;
	u16 index;
	bool ready;
	bool le;		/* little-endian ring (VERSION_1 or legacy LE) */
	u32 num;
	u64 desc;
	u64 avail;
	u64 used;
	u16 last;		/* next avail index == next used index */
	u16 avail_seen;		/* avail->idx as last read and confirmed */
	u16 pending_used;	/* used entries added since the last call */
};

/* One descriptor: driver address, length, device-writable or not. */
struct vhost_mdev_sim_desc {
	u64 addr;
	u32 len;
	bool write;
};

/*
 * Walks one descriptor chain. Unless mixed, every descriptor must have the
 * direction of write; a mixed chain (virtio-blk) is device-readable
 * descriptors first, then device-writable ones.
 */
struct vhost_mdev_sim_chain {
	u16 next;
	u32 seen;
	bool write;
	bool mixed;
	bool done;
};

void vhost_mdev_sim_ring_init(struct vhost_mdev_sim_ring *r,
			      struct vhost_mdev_device *vmdev, u16 index,
			      bool le);
int vhost_mdev_sim_ring_pending(struct vhost_mdev_sim_ring *r, u16 *pending);
int vhost_mdev_sim_ring_head(struct vhost_mdev_sim_ring *r, u16 *head);
void vhost_mdev_sim_chain_init(struct vhost_mdev_sim_chain *c, u16 head,
			       bool write);
void vhost_mdev_sim_chain_init_mixed(struct vhost_mdev_sim_chain *c,
				     u16 head);
int vhost_mdev_sim_chain_next(struct vhost_mdev_sim_ring *r,
			      struct vhost_mdev_sim_chain *c,
			      struct vhost_mdev_sim_desc *d);
int vhost_mdev_sim_ring_push(struct vhost_mdev_sim_ring *r, u16 head,
			     u32 len);
int vhost_mdev_sim_ring_call(struct vhost_mdev_sim_ring *r, bool *called);

#endif /* _VHOST_MDEV_SIM_H */
