/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vhost-mdev: what the core (vhost_mdev_core.c) and the virtio transport
 * (vhost_mdev_virtio.c) share inside the module. Not for parents.
 */
#ifndef _VHOST_MDEV_INTERNAL_H
#define _VHOST_MDEV_INTERNAL_H

#include <linux/vhost_mdev.h>

#include "vhost_mdev.h"

/* State machine, vhost_mdev_core.c; the caller holds vmdev->lock. */
int vhost_mdev_start(struct vhost_mdev_device *vmdev);
void vhost_mdev_stop(struct vhost_mdev_device *vmdev);
void vhost_mdev_reset(struct vhost_mdev_device *vmdev);

/*
 * Kernel-memory DMA of virtio consumers: addresses are physical addresses
 * of pages the virtio driver owns (no VIRTIO_F_ACCESS_PLATFORM, so the
 * driver passes physical addresses and no IOMMU sits in between).
 */
int vhost_mdev_kdma_rw(struct vhost_mdev_device *vmdev, u64 pa, void *buf,
		       size_t len, bool write);
int vhost_mdev_kdma_u16(struct vhost_mdev_device *vmdev, u64 pa, u16 *val,
			bool write);

/* The virtio transport, vhost_mdev_virtio.c. */
int vhost_mdev_virtio_probe(struct vhost_mdev_device *vmdev);
void vhost_mdev_virtio_remove(struct vhost_mdev_device *vmdev);
void vhost_mdev_virtio_call(struct vhost_mdev_device *vmdev, u16 vq);
void vhost_mdev_virtio_error(struct vhost_mdev_device *vmdev);

#endif /* _VHOST_MDEV_INTERNAL_H */
