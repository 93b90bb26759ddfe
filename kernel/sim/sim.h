/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vhost-mdev simulator: split virtqueue access through the core's DMA
 * helpers, the knobs and the workqueue, shared by the simulated devices.
 */
#ifndef _VHOST_MDEV_SIM_H
#define _VHOST_MDEV_SIM_H

#include <linux/atomic.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <linux/virtio_ring.h>
#include <linux/workqueue.h>

#include "vhost_mdev.h"

#define VHOST_MDEV_SIM_NAME	"vhost_mdev_sim"

/* Unbound workqueue every simulated device processes its rings on. */
extern struct workqueue_struct *vhost_mdev_sim_wq;

/* Where a device processes its rings: see engine.c. */
enum vhost_mdev_sim_mode {
	VHOST_MDEV_SIM_MODE_WORKQUEUE,
	VHOST_MDEV_SIM_MODE_KTHREAD,
	VHOST_MDEV_SIM_MODE_TASK_WORK,
};

/* Knobs of main.c, read live. */
unsigned int vhost_mdev_sim_budget(void);
enum vhost_mdev_sim_mode vhost_mdev_sim_mode(void);
u64 vhost_mdev_sim_poll_ns(void);
u16 vhost_mdev_sim_queue_size(void);
/*
 * The added processing time of one frame or request (latency_ns). A slow
 * device publishes each completion before it (see the batch loops).
 */
bool vhost_mdev_sim_delaying(void);
void vhost_mdev_sim_delay(void);

extern const struct vhost_mdev_ops vhost_mdev_sim_net_ops;
extern const struct vhost_mdev_ops vhost_mdev_sim_blk_ops;

struct vhost_mdev_sim_engine;

/* What a simulated device gives the engine; all under the batch lock. */
struct vhost_mdev_sim_engine_ops {
	/*
	 * Process up to the budget with the driver's kicks suppressed and
	 * signal the interrupts owed: 1 when the budget ran out (more may be
	 * pending), 0 when no more work can be done, a negative errno when
	 * the device stopped or failed.
	 */
	int (*batch)(struct vhost_mdev_sim_engine *e);
	/*
	 * Out of work: ask the driver for kicks again, then look once more.
	 * true when work can be done after all.
	 */
	bool (*rearm)(struct vhost_mdev_sim_engine *e);
	/* Busy polling: can work be done? Kicks stay suppressed. */
	bool (*has_work)(struct vhost_mdev_sim_engine *e);
};

struct vhost_mdev_sim_tw;

struct vhost_mdev_sim_engine {
	struct vhost_mdev_device *vmdev;
	const struct vhost_mdev_sim_engine_ops *ops;
	/* Set by start under vmdev->lock, fixed until the next start. */
	enum vhost_mdev_sim_mode mode;
	/* Set by start/stop under vmdev->lock, read by kicks and batches. */
	bool running;
	unsigned long flags;
	/* Serializes batches, whoever runs them; stop waits on it. */
	struct mutex batch_lock;
	struct work_struct work;
	/* kthread mode: from the first start in that mode to release. */
	struct task_struct *thread;
	/* kthread mode: the busy-poll window in ns, adapted by the thread. */
	u64 poll_window;
	struct vhost_mdev_sim_tw *tw;
	atomic64_t poll_hits;
	atomic64_t poll_misses;
};

int vhost_mdev_sim_engine_init(struct vhost_mdev_sim_engine *e,
			       struct vhost_mdev_device *vmdev,
			       const struct vhost_mdev_sim_engine_ops *ops);
void vhost_mdev_sim_engine_release(struct vhost_mdev_sim_engine *e);
int vhost_mdev_sim_engine_start(struct vhost_mdev_sim_engine *e);
void vhost_mdev_sim_engine_stop(struct vhost_mdev_sim_engine *e);
void vhost_mdev_sim_engine_kick(struct vhost_mdev_sim_engine *e);
const char *vhost_mdev_sim_mode_name(enum vhost_mdev_sim_mode mode);

/* Ring entries read or written with one access. */
#define VHOST_MDEV_SIM_RING_BATCH	16
/* Descriptors read with one access: an aligned block of the table. */
#define VHOST_MDEV_SIM_DESC_BATCH	8

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
	bool event_idx;		/* VIRTIO_RING_F_EVENT_IDX negotiated */
	u16 last;		/* next avail index == next used index */
	u16 avail_seen;		/* avail->idx as last read and confirmed */
	u16 published;		/* used->idx as last written */
	u32 pending_used;	/* used entries added since the last call */
	/*
	 * What the device last wrote to ask for kicks: avail_event with
	 * EVENT_IDX, else VRING_USED_F_NO_NOTIFY in used->flags; unknown
	 * after a start.
	 */
	bool notify_known;
	bool no_notify;
	u16 avail_event;
	/* avail->ring[] entries read ahead: heads of [heads_from, +heads_n). */
	u16 heads_from;
	u16 heads_n;
	__virtio16 heads[VHOST_MDEV_SIM_RING_BATCH];
	/*
	 * Descriptors [descs_from, +descs_n) as read when avail->idx was
	 * descs_avail: good for the chains published before that.
	 */
	u16 descs_from;
	u16 descs_n;
	u16 descs_avail;
	struct vring_desc descs[VHOST_MDEV_SIM_DESC_BATCH];
	/* Used elements not written yet: those of [last - used_n, last). */
	u16 used_n;
	struct vring_used_elem used_buf[VHOST_MDEV_SIM_RING_BATCH];
	/* used->idx at the last interrupt decision, if valid. */
	u16 signalled;
	bool signalled_valid;
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
			      bool le, bool event_idx);
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
int vhost_mdev_sim_ring_publish(struct vhost_mdev_sim_ring *r);
int vhost_mdev_sim_ring_call(struct vhost_mdev_sim_ring *r, bool *called);
int vhost_mdev_sim_ring_disable_notify(struct vhost_mdev_sim_ring *r);
int vhost_mdev_sim_ring_enable_notify(struct vhost_mdev_sim_ring *r);

#endif /* _VHOST_MDEV_SIM_H */
