/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * vhost-mdev: a VFIO mediated device whose device fd speaks the vhost ioctl
 * API. Ring and buffer addresses are IOVAs of the VFIO container the device's
 * group is attached to (VFIO_IOMMU_MAP_DMA).
 *
 * The device fd also accepts these standard ioctls of <linux/vhost.h>, with
 * the semantics documented in docs/ABI.md:
 *   VHOST_GET_FEATURES, VHOST_SET_FEATURES,
 *   VHOST_SET_VRING_NUM, VHOST_SET_VRING_ADDR, VHOST_SET_VRING_BASE,
 *   VHOST_GET_VRING_BASE, VHOST_SET_VRING_KICK, VHOST_SET_VRING_CALL,
 *   VHOST_SET_VRING_ERR, VHOST_VDPA_GET_DEVICE_ID, VHOST_VDPA_GET_CONFIG,
 *   VHOST_VDPA_SET_CONFIG, VHOST_VDPA_GET_CONFIG_SIZE,
 *   VHOST_VDPA_GET_VRING_NUM, VHOST_VDPA_GET_VQS_COUNT,
 *   VHOST_VDPA_GET_IOVA_RANGE
 * and VFIO_DEVICE_GET_INFO, VFIO_DEVICE_RESET of <linux/vfio.h>.
 */
#ifndef _UAPI_LINUX_VHOST_MDEV_H
#define _UAPI_LINUX_VHOST_MDEV_H

#include <linux/types.h>
#include <linux/ioctl.h>

/* The mdev type's device_api attribute. */
#define VFIO_DEVICE_API_VHOST_STRING	"vfio-vhost"

/*
 * VFIO_DEVICE_GET_INFO flag of a vhost-mdev device. Bits 0-7 belong to
 * <linux/vfio.h> (RESET ... CAPS) and bit 8 is CDX in newer kernels.
 */
#define VFIO_DEVICE_FLAGS_VHOST		(1 << 9)

/* Device states: the argument of VHOST_MDEV_SET_STATE. */
#define VHOST_MDEV_S_STOPPED		0
#define VHOST_MDEV_S_RUNNING		1
/*
 * Reported by VHOST_MDEV_GET_STATE only: the device stopped itself on a DMA
 * or ring error (the vq's err eventfd was signalled). Leave it with
 * SET_STATE(STOPPED) or VFIO_DEVICE_RESET.
 */
#define VHOST_MDEV_S_ERROR		2

/*
 * Numbers 0x90 and up of the vhost ioctl space (VHOST_VIRTIO, 0xAF): 0x70 to
 * 0x82 belong to vhost-vdpa.
 */
#define VHOST_MDEV_SET_STATE		_IOW(0xAF, 0x90, __u32)
#define VHOST_MDEV_GET_STATE		_IOR(0xAF, 0x91, __u32)

#endif /* _UAPI_LINUX_VHOST_MDEV_H */
