// SPDX-License-Identifier: GPL-2.0
/* VFIO setup for a vhost-mdev instance. See vfio.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/vfio.h>

#include "mdev.h"
#include "vfio.h"

static int vhm_vfio_group_id(const char *uuid)
{
	char path[PATH_MAX], target[PATH_MAX];
	const char *base;
	ssize_t n;

	snprintf(path, sizeof(path), VHM_MDEV_DEVICES "/%s/iommu_group", uuid);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0) {
		int err = errno;

		fprintf(stderr, "no mdev instance %s (%s: %s): create one with "
			"'echo $(uuidgen) > /sys/class/mdev_bus/<parent>/"
			"mdev_supported_types/<type>/create'\n",
			uuid, path, strerror(err));
		return -err;
	}
	target[n] = '\0';
	base = strrchr(target, '/');
	return atoi(base ? base + 1 : target);
}

static int vhm_vfio_set_iommu(struct vhm_vfio *v)
{
	static const int types[] = { VFIO_TYPE1v2_IOMMU, VFIO_TYPE1_IOMMU };

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		if (ioctl(v->container, VFIO_CHECK_EXTENSION, types[i]) <= 0)
			continue;
		if (!ioctl(v->container, VFIO_SET_IOMMU, types[i]))
			return 0;
	}
	fprintf(stderr, "VFIO container offers no usable type1 IOMMU: "
		"load vfio_iommu_type1 (%s)\n", strerror(errno));
	return -ENODEV;
}

int vhm_vfio_open_group(struct vhm_vfio *v, const char *uuid)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	char path[64];
	int err;

	v->container = v->group = v->device = -1;
	v->group_id = vhm_vfio_group_id(uuid);
	if (v->group_id < 0)
		return v->group_id;

	v->container = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	if (v->container < 0) {
		err = -errno;
		fprintf(stderr, "failed to open /dev/vfio/vfio: %s (is the vfio "
			"module loaded?)\n", strerror(-err));
		goto fail;
	}
	if (ioctl(v->container, VFIO_GET_API_VERSION) != VFIO_API_VERSION) {
		err = -EINVAL;
		fprintf(stderr, "unknown VFIO API version\n");
		goto fail;
	}

	snprintf(path, sizeof(path), "/dev/vfio/%d", v->group_id);
	v->group = open(path, O_RDWR | O_CLOEXEC);
	if (v->group < 0) {
		err = -errno;
		fprintf(stderr, "failed to open %s: %s%s\n", path, strerror(-err),
			err == -EBUSY ? " (another process holds the group)" : "");
		goto fail;
	}
	if (ioctl(v->group, VFIO_GROUP_GET_STATUS, &status) ||
	    !(status.flags & VFIO_GROUP_FLAGS_VIABLE)) {
		err = -EINVAL;
		fprintf(stderr, "VFIO group %d is not viable\n", v->group_id);
		goto fail;
	}
	if (ioctl(v->group, VFIO_GROUP_SET_CONTAINER, &v->container)) {
		err = -errno;
		fprintf(stderr, "failed to attach group %d to a container: %s\n",
			v->group_id, strerror(-err));
		goto fail;
	}
	err = vhm_vfio_set_iommu(v);
	if (err)
		goto fail;
	return 0;

fail:
	vhm_vfio_close(v);
	return err;
}

int vhm_vfio_device_fd(struct vhm_vfio *v, const char *uuid)
{
	return ioctl(v->group, VFIO_GROUP_GET_DEVICE_FD, uuid);
}

int vhm_vfio_open(struct vhm_vfio *v, const char *uuid)
{
	int err = vhm_vfio_open_group(v, uuid);

	if (err)
		return err;
	v->device = vhm_vfio_device_fd(v, uuid);
	if (v->device < 0) {
		err = -errno;
		fprintf(stderr, "failed to get the device fd of %s: %s%s\n", uuid,
			strerror(-err), err == -EBUSY ? " (already open)" : "");
		vhm_vfio_close(v);
		return err;
	}
	return 0;
}

void vhm_vfio_close(struct vhm_vfio *v)
{
	if (v->device >= 0)
		close(v->device);
	if (v->group >= 0)
		close(v->group);
	if (v->container >= 0)
		close(v->container);
	v->container = v->group = v->device = -1;
}

int vhm_vfio_try_map(struct vhm_vfio *v, void *vaddr, uint64_t iova,
		     size_t size, bool writable)
{
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map),
		.flags = VFIO_DMA_MAP_FLAG_READ |
			 (writable ? VFIO_DMA_MAP_FLAG_WRITE : 0),
		.vaddr = (uintptr_t)vaddr,
		.iova = iova,
		.size = size,
	};

	return ioctl(v->container, VFIO_IOMMU_MAP_DMA, &map) ? -errno : 0;
}

int vhm_vfio_map(struct vhm_vfio *v, void *vaddr, uint64_t iova, size_t size)
{
	int err = vhm_vfio_try_map(v, vaddr, iova, size, true);

	if (err)
		fprintf(stderr, "failed to map %zu bytes at IOVA 0x%llx: %s\n",
			size, (unsigned long long)iova, strerror(-err));
	return err;
}

int vhm_vfio_unmap(struct vhm_vfio *v, uint64_t iova, size_t size)
{
	struct vfio_iommu_type1_dma_unmap unmap = {
		.argsz = sizeof(unmap),
		.iova = iova,
		.size = size,
	};

	return ioctl(v->container, VFIO_IOMMU_UNMAP_DMA, &unmap) ? -errno : 0;
}
