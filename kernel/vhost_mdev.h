/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vhost-mdev parent-driver API.
 *
 * A parent (hardware driver or the simulator) registers a vhost_mdev_parent
 * with its mdev types. The core creates one vhost_mdev_device per mdev
 * instance, owns the consumer side (a VFIO device speaking vhost ioctls, or
 * a virtio device for the kernel's virtio drivers), the state machine and
 * the vring configuration, and calls the parent through vhost_mdev_ops.
 *
 * Between ops->start() and ops->stop() the vring configuration in
 * vhost_mdev_device.vqs[] is frozen (the ioctls that change it return EBUSY),
 * so the parent reads it without locks. The parent reaches driver memory only
 * through vhost_mdev_dma_read()/vhost_mdev_dma_write() and the 16-bit
 * accessors: for a VFIO consumer addresses are IOVAs of the container
 * (vfio_dma_rw, nothing pinned), for a virtio consumer DMA addresses the
 * virtio driver mapped through the DMA API. Either way an address the
 * driver did not map fails the access. The parent does not know which
 * consumer it serves.
 */
#ifndef _VHOST_MDEV_H
#define _VHOST_MDEV_H

#include <linux/eventfd.h>
#include <linux/mdev.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/rbtree.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/vfio.h>
#include <linux/wait.h>

struct vhost_mdev_device;

/* Largest ring size any parent may offer (virtio split ring limit). */
#define VHOST_MDEV_VRING_MAX	32768U

struct vhost_mdev_vq {
	struct vhost_mdev_device *vmdev;
	u16 index;

	/* Set by ioctls under vmdev->lock while the device is not RUNNING. */
	u32 num;		/* ring size, 0 = not configured */
	u64 desc;		/* IOVAs of the three ring parts */
	u64 avail;
	u64 used;
	bool addr_set;
	u16 base;		/* next avail (== next used) index */
	struct eventfd_ctx *call;
	struct eventfd_ctx *err;

	/* Kick: hooked to the eventfd's wait queue only while RUNNING. */
	struct file *kick_file;
	struct eventfd_ctx *kick;
	wait_queue_entry_t kick_wait;
	poll_table kick_pt;
	wait_queue_head_t *kick_wqh;
	bool kick_hooked;

	/*
	 * Used-entry publications the parent reported so far, free-running:
	 * the kick and call tracepoints carry it, so a tool pairs a kick
	 * with the interrupt of the first publication after it, and knows
	 * when that publication raised none (the driver suppressed it).
	 */
	u16 published;

	/*
	 * Kick-to-interrupt timing, kept by the core while the call_latency
	 * event is on: the oldest kick not answered yet (clock << 16 |
	 * published at the kick, 0: none), the start of its processing, the
	 * count of the last interrupt, the kicks dropped since, and the
	 * time the event went on that they are from.
	 */
	u64 kick_stamp;
	u64 process_stamp;
	u32 called;
	atomic_t overtaken;
	u32 timing_gen;
};

/**
 * struct vhost_mdev_ops - what a parent provides
 * @init: allocate the parent's state of a new instance (set vmdev->priv)
 * @release: free what @init allocated; no other op runs afterwards
 * @get_device_id: virtio device id (VIRTIO_ID_NET, ...)
 * @get_vq_count: number of virtqueues, fixed for the instance's life
 * @get_vq_num_max: largest ring size, a power of 2 <= VHOST_MDEV_VRING_MAX
 * @get_features: virtio feature bits the device offers
 * @set_features: the driver's feature set changed (already checked to be a
 *	subset of @get_features); may refuse a combination with an errno
 * @get_config_size: size of the device config space in bytes
 * @get_config: copy [off, off + len) of the config space (range checked)
 * @set_config: write [off, off + len) (range checked); errno for read-only
 * @start: begin processing the rings described by vmdev->vqs[]; each vq
 *	starts at its base. Called with vmdev->lock held.
 * @stop: quiesce: when it returns the parent touches no guest memory and
 *	signals no eventfd. Called with vmdev->lock held. Must not fail.
 * @notify: a kick on vq arrived. Atomic context, inside the kick eventfd's
 *	wake-up: do not sleep and do not raise interrupts
 *	(vhost_mdev_vq_call()): eventfd wake-ups do not nest, 6.1 refuses an
 *	eventfd_signal() there. Defer the processing to a context that may
 *	sleep.
 * @get_vring_base: the next avail index of vq; a snapshot while running,
 *	exact after @stop
 * @get_notify_area: optional; physical doorbell page of vq for mmap
 * @reset: optional; restore the power-on config space
 * @dev_groups: optional sysfs attribute groups for the mdev device
 */
struct vhost_mdev_ops {
	int (*init)(struct vhost_mdev_device *vmdev);
	void (*release)(struct vhost_mdev_device *vmdev);
	u32 (*get_device_id)(struct vhost_mdev_device *vmdev);
	u32 (*get_vq_count)(struct vhost_mdev_device *vmdev);
	u16 (*get_vq_num_max)(struct vhost_mdev_device *vmdev);
	u64 (*get_features)(struct vhost_mdev_device *vmdev);
	int (*set_features)(struct vhost_mdev_device *vmdev, u64 features);
	u32 (*get_config_size)(struct vhost_mdev_device *vmdev);
	void (*get_config)(struct vhost_mdev_device *vmdev, unsigned int off,
			   void *buf, unsigned int len);
	int (*set_config)(struct vhost_mdev_device *vmdev, unsigned int off,
			  const void *buf, unsigned int len);
	int (*start)(struct vhost_mdev_device *vmdev);
	void (*stop)(struct vhost_mdev_device *vmdev);
	void (*notify)(struct vhost_mdev_device *vmdev, u16 vq);
	u16 (*get_vring_base)(struct vhost_mdev_device *vmdev, u16 vq);
	int (*get_notify_area)(struct vhost_mdev_device *vmdev, u16 vq,
			       phys_addr_t *addr, size_t *size);
	void (*reset)(struct vhost_mdev_device *vmdev);
	const struct attribute_group **dev_groups;
};

/* Who drives an instance; fixed by its mdev type. */
enum vhost_mdev_consumer {
	/* A user driver: vhost ioctls on a VFIO device fd, IOVAs. */
	VHOST_MDEV_CONSUMER_VFIO,
	/* The kernel's virtio driver on the virtio bus, physical addresses. */
	VHOST_MDEV_CONSUMER_VIRTIO,
	/*
	 * A vDPA management device: vhost_vdpa or virtio_vdpa on the vdpa
	 * device created over it. Offered on kernels with the vDPA bus only.
	 */
	VHOST_MDEV_CONSUMER_VDPA,
};

/**
 * struct vhost_mdev_type - one mdev type of a parent
 * @mdev: sysfs_name and pretty_name set by the parent
 * @ops: the device's operations; several types may share them
 * @consumer: whether instances are VFIO devices or virtio devices
 * @description: the type's sysfs "description" (what the device is, its
 *	queues, who drives it), one line
 */
struct vhost_mdev_type {
	struct mdev_type mdev;
	const struct vhost_mdev_ops *ops;
	enum vhost_mdev_consumer consumer;
	const char *description;
};

struct vhost_mdev_parent {
	struct mdev_parent mdev;
	struct module *owner;
	unsigned int max_instances;
	atomic_t instances;
	struct mdev_type **mdev_types;	/* set by register, for the mdev core */
};

/* vhost_mdev_device.flags bits, atomic: set from the parent's context. */
enum {
	VHOST_MDEV_F_FAILED,	/* a DMA or ring error stopped the device */
	VHOST_MDEV_F_REMOVING,	/* the mdev is being removed */
	VHOST_MDEV_F_USER_KICKS, /* vDPA: vhost_vdpa's user tasks kick */
};

struct vhost_mdev_virtio;
struct vhost_mdev_vdpa;
struct vhost_mdev_consumer_ops;

/* Core-private: the DMA mappings of a virtio consumer's driver. */
struct vhost_mdev_kdma {
	spinlock_t lock;		/* protects maps and count */
	struct rb_root_cached maps;
	unsigned long count;
	struct device *dev;		/* the DMA device, NULL when unused */
	u32 id;
};

struct vhost_mdev_device {
	struct vfio_device vdev;	/* registered with VFIO consumers only */
	struct mdev_device *mdev;
	struct vhost_mdev_parent *parent;
	const struct vhost_mdev_ops *ops;
	enum vhost_mdev_consumer consumer;
	const struct vhost_mdev_consumer_ops *cops;
	union {				/* by consumer: */
		struct vhost_mdev_virtio *virtio;	/* virtio */
		struct vhost_mdev_vdpa *vdpa;		/* vDPA */
	};
	struct vhost_mdev_kdma kdma;		/* virtio and vDPA consumers */
	void *priv;			/* the parent's per-instance state */
	u32 id;				/* the "dev" field of every tracepoint */

	/*
	 * Protects state, features, opened, every vqs[] field set by ioctls
	 * and the calls into ops other than notify and get_vring_base.
	 */
	struct mutex lock;
	u32 state;
	u64 features;
	bool opened;
	/* The VFIO owner's address space while open (mmgrab), else NULL. */
	struct mm_struct *mm;
	unsigned long flags;

	u32 nvqs;
	struct vhost_mdev_vq *vqs;
};

int vhost_mdev_register_parent(struct vhost_mdev_parent *parent,
			       struct device *dev,
			       struct vhost_mdev_type *types,
			       unsigned int nr_types);
void vhost_mdev_unregister_parent(struct vhost_mdev_parent *parent);

/*
 * Driver memory access by IOVA (VFIO consumer) or DMA address (virtio
 * consumer); may sleep. 0 or a negative errno (-EFAULT: not mapped, or
 * mapped without the permission the access needs).
 */
int vhost_mdev_dma_read(struct vhost_mdev_device *vmdev, u64 iova,
			void *buf, size_t len);
int vhost_mdev_dma_write(struct vhost_mdev_device *vmdev, u64 iova,
			 const void *buf, size_t len);
/*
 * 16-bit ring index access; iova must be 2-aligned. Single-copy atomic for
 * virtio consumers only: a VFIO consumer's memory is copied bytewise by
 * copy_{from,to}_user(), so a read racing with the driver's store of an
 * index may return a torn value (confirm a changed index by reading it
 * again), and the driver may see the device's store half done.
 */
int vhost_mdev_dma_get_u16(struct vhost_mdev_device *vmdev, u64 iova,
			   u16 *val);
int vhost_mdev_dma_put_u16(struct vhost_mdev_device *vmdev, u64 iova,
			   u16 val);

/*
 * Bracket a batch of DMA in a kernel thread (a work item, a kthread): for a
 * VFIO consumer the owner's address space is entered once for the batch
 * instead of once per access. Pass what begin returned to end, in the same
 * thread; the batch must not sleep for long in between.
 */
struct mm_struct *vhost_mdev_dma_begin(struct vhost_mdev_device *vmdev);
void vhost_mdev_dma_end(struct vhost_mdev_device *vmdev,
			struct mm_struct *entered);

/*
 * In a kick, or in task_work it queued: may current, the user task that
 * kicked, do the device's work on its way back to user space? A task of
 * the VFIO owner's address space may (vfio_dma_rw() goes through it);
 * under vhost_vdpa any user task may (its IOTLB holds physical
 * addresses); the kernel's virtio drivers never.
 */
static inline bool
vhost_mdev_kicker_may_process(struct vhost_mdev_device *vmdev)
{
	if (!in_task() || !current->mm ||
	    (current->flags & (PF_KTHREAD | PF_EXITING)))
		return false;
	return current->mm == READ_ONCE(vmdev->mm) ||
	       test_bit(VHOST_MDEV_F_USER_KICKS, &vmdev->flags);
}

/*
 * The parent starts processing vq after a kick: with the kick and call
 * tracepoints it splits kick-to-interrupt into queueing and processing.
 */
void vhost_mdev_vq_process(struct vhost_mdev_device *vmdev, u16 vq);
/* The parent published count used entries on vq, up to index idx. */
void vhost_mdev_vq_used(struct vhost_mdev_device *vmdev, u16 vq, u16 idx,
			u16 count);
/*
 * Raise the vq's interrupt: signal its call eventfd (VFIO consumer) or run
 * the virtqueue's callback (virtio consumer). Process context.
 */
void vhost_mdev_vq_call(struct vhost_mdev_device *vmdev, u16 vq);
/*
 * The device hit a DMA or ring error on vq: mark it failed, signal the vq's
 * err eventfd. The parent stops processing by itself.
 */
void vhost_mdev_vq_error(struct vhost_mdev_device *vmdev, u16 vq, int err);

static inline bool vhost_mdev_failed(struct vhost_mdev_device *vmdev)
{
	return test_bit(VHOST_MDEV_F_FAILED, &vmdev->flags);
}

static inline struct device *vhost_mdev_dev(struct vhost_mdev_device *vmdev)
{
	return &vmdev->mdev->dev;
}

static inline struct vhost_mdev_device *
vhost_mdev_from_dev(struct device *dev)
{
	return dev_get_drvdata(dev);
}

#endif /* _VHOST_MDEV_H */
