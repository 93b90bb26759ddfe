/* SPDX-License-Identifier: GPL-2.0 */
/* VFIO container, group and device of one mediated device. */
#ifndef VHM_VFIO_H
#define VHM_VFIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vhm_vfio {
	int container;
	int group;
	int device;
	int group_id;
};

/*
 * Open the mdev instance named uuid (under /sys/bus/mdev/devices): the
 * container with a type1 IOMMU, its group and the device fd. On failure
 * prints why to stderr and returns -errno.
 */
int vhm_vfio_open(struct vhm_vfio *v, const char *uuid);
void vhm_vfio_close(struct vhm_vfio *v);

/*
 * The first half of vhm_vfio_open(): container and group, no device fd
 * yet (tests open the device themselves to check who may).
 */
int vhm_vfio_open_group(struct vhm_vfio *v, const char *uuid);
/* A device fd of the group: the ioctl's own result, -1 with errno set. */
int vhm_vfio_device_fd(struct vhm_vfio *v, const char *uuid);

/* Map [vaddr, vaddr + size) at iova, readable and writable by the device. */
int vhm_vfio_map(struct vhm_vfio *v, void *vaddr, uint64_t iova, size_t size);
/*
 * Map without a message on failure, for callers that expect some (tests
 * racing the device); writable false maps it device-readable only.
 */
int vhm_vfio_try_map(struct vhm_vfio *v, void *vaddr, uint64_t iova,
		     size_t size, bool writable);
/* -errno, with errno set too. */
int vhm_vfio_unmap(struct vhm_vfio *v, uint64_t iova, size_t size);

#endif /* VHM_VFIO_H */
