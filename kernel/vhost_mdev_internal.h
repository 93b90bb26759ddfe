/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vhost-mdev: what the core (vhost_mdev_core.c) and the virtio transport
 * (vhost_mdev_virtio.c) share inside the module. Not for parents.
 */
#ifndef _VHOST_MDEV_INTERNAL_H
#define _VHOST_MDEV_INTERNAL_H

#include <linux/vhost_mdev.h>

#include "vhost_mdev.h"
#include "vhost_mdev_compat.h"

/*
 * A kick reached vq: fire its tracepoint, and stamp it for the call_latency
 * event (the caller checked that either is on).
 */
void vhost_mdev_trace_kick(struct vhost_mdev_device *vmdev, u16 vq);

/* Every consumer's kick path; off, it costs two static branches. */
#define vhost_mdev_kicked(vmdev, vq)					\
	do {								\
		if (trace_vhost_mdev_kick_enabled() ||			\
		    trace_vhost_mdev_call_latency_enabled())		\
			vhost_mdev_trace_kick(vmdev, vq);		\
	} while (0)

/* State machine, vhost_mdev_core.c; the caller holds vmdev->lock. */
int vhost_mdev_start(struct vhost_mdev_device *vmdev);
void vhost_mdev_stop(struct vhost_mdev_device *vmdev);
void vhost_mdev_reset(struct vhost_mdev_device *vmdev);

/*
 * What differs between consumers, behind one table: how the device reaches
 * driver memory and how it raises an interrupt or reports an error; for a
 * consumer that registers the instance on a kernel bus, how it does and
 * undoes that (probe after the parent's sysfs groups exist, remove before
 * the core resets the device).
 */
struct vhost_mdev_consumer_ops {
	int (*rw)(struct vhost_mdev_device *vmdev, u64 addr, void *buf,
		  size_t len, bool write);
	int (*u16)(struct vhost_mdev_device *vmdev, u64 addr, u16 *val,
		   bool write);
	void (*call)(struct vhost_mdev_device *vmdev, u16 vq);
	void (*error)(struct vhost_mdev_device *vmdev);
	int (*probe)(struct vhost_mdev_device *vmdev);
	void (*remove)(struct vhost_mdev_device *vmdev);
};

extern const struct vhost_mdev_consumer_ops vhost_mdev_virtio_consumer;

/* The vDPA consumer, vhost_mdev_vdpa.c: built with the vDPA bus only. */
extern const struct vhost_mdev_consumer_ops vhost_mdev_vdpa_consumer;
int vhost_mdev_vdpa_probe(struct vhost_mdev_device *vmdev);
void vhost_mdev_vdpa_remove(struct vhost_mdev_device *vmdev);

/* The vDPA consumer's ops, NULL on a kernel without the vDPA bus. */
static inline const struct vhost_mdev_consumer_ops *vhost_mdev_vdpa_cops(void)
{
	return vhost_mdev_have_vdpa() ? &vhost_mdev_vdpa_consumer : NULL;
}

/* DMA, vhost_mdev_dma.c: VFIO container IOVAs. */
int vhost_mdev_vfio_rw(struct vhost_mdev_device *vmdev, u64 iova, void *buf,
		       size_t len, bool write);
int vhost_mdev_vfio_u16(struct vhost_mdev_device *vmdev, u64 iova, u16 *val,
			bool write);
/* DMA of virtio consumers: only what the driver mapped through our ops. */
int vhost_mdev_kdma_init(struct vhost_mdev_device *vmdev, struct device *dev);
void vhost_mdev_kdma_exit(struct vhost_mdev_device *vmdev);
int vhost_mdev_kdma_rw(struct vhost_mdev_device *vmdev, u64 addr, void *buf,
		       size_t len, bool write);
int vhost_mdev_kdma_u16(struct vhost_mdev_device *vmdev, u64 addr, u16 *val,
			bool write);

/* The virtio transport, vhost_mdev_virtio.c. */
int vhost_mdev_virtio_probe(struct vhost_mdev_device *vmdev);
void vhost_mdev_virtio_remove(struct vhost_mdev_device *vmdev);

#endif /* _VHOST_MDEV_INTERNAL_H */
