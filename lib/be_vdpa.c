// SPDX-License-Identifier: GPL-2.0
/*
 * vhost-vdpa backend: upstream's successor of the vhost-mdev design. A vDPA
 * device bound to vhost_vdpa is /dev/vhost-vdpa-N; the driver maps its
 * memory with IOTLB messages written to that fd (VHOST_IOTLB_MSG_V2), rings
 * and buffers are IOVAs as with vhost-mdev, and the device runs by virtio
 * status (VHOST_VDPA_SET_STATUS) instead of SET_STATE. On Debian's 6.12 the
 * peer is the kernel's vDPA simulator, vdpa_sim_net (TX looped to RX).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/vhost.h>
#include <linux/virtio_config.h>

#include "dev.h"
#include "vhost.h"

#define VHM_VDPA_DRIVER		"/sys/bus/vdpa/drivers/vhost_vdpa"

struct vhm_vdpa {
	uint8_t status;
	bool suspend;		/* VHOST_BACKEND_F_SUSPEND negotiated */
	char name[NAME_MAX + 1];	/* the vdpa device */
};

/* The only vdpa device bound to vhost_vdpa, in name; -ENODEV or -EEXIST. */
static int vhm_vdpa_find(char *name, size_t size)
{
	DIR *dir = opendir(VHM_VDPA_DRIVER);
	struct dirent *e;
	int n = 0;

	if (!dir)
		return -ENODEV;
	while ((e = readdir(dir))) {
		char path[PATH_MAX];

		snprintf(path, sizeof(path), VHM_VDPA_DRIVER "/%s/driver_override",
			 e->d_name);
		if (e->d_name[0] == '.' || e->d_type != DT_LNK || access(path, F_OK))
			continue;
		if (n++ == 0)
			snprintf(name, size, "%s", e->d_name);
	}
	closedir(dir);
	return n == 0 ? -ENODEV : n == 1 ? 0 : -EEXIST;
}

/* /dev/vhost-vdpa-N of the vdpa device name, into path. */
static int vhm_vdpa_chardev(const char *name, char *path, size_t size)
{
	char dir[PATH_MAX];
	struct dirent *e;
	DIR *d;
	int err = -ENODEV;

	snprintf(dir, sizeof(dir), "/sys/bus/vdpa/devices/%s", name);
	d = opendir(dir);
	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, "vhost-vdpa-", 11))
			continue;
		snprintf(path, size, "/dev/%s", e->d_name);
		err = 0;
		break;
	}
	closedir(d);
	return err;
}

/* The device: "vhost-vdpa@NAME", else --vdpa NAME, else the only one. */
static int vhm_vdpa_pick(struct vhm_dev *d, struct vhm_vdpa *v)
{
	const char *name = vhm_backend_variant(d->opts.backend);
	int err;

	if (!name || !name[0])
		name = d->opts.vdpa;
	if (name && name[0]) {
		snprintf(v->name, sizeof(v->name), "%s", name);
		return 0;
	}
	err = vhm_vdpa_find(v->name, sizeof(v->name));
	if (err == -ENODEV)
		fprintf(stderr, "vhost-vdpa: no vdpa device bound to vhost_vdpa: "
			"create one with 'vdpa dev add name NAME mgmtdev MGMTDEV' "
			"(modprobe vhost_vdpa first; on 6.12 'scripts/vhm-modules "
			"load' loads vdpa_sim_net)\n");
	else if (err == -EEXIST)
		fprintf(stderr, "vhost-vdpa: several vdpa devices are bound to "
			"vhost_vdpa: name one with --vdpa NAME\n");
	return err;
}

static int vhm_vdpa_set_status(struct vhm_dev *d, uint8_t status)
{
	struct vhm_vdpa *v = d->priv;
	int err;

	err = vhm_vhost_ioctl(d, VHOST_VDPA_SET_STATUS, &status,
			      "VHOST_VDPA_SET_STATUS");
	if (!err)
		v->status = status;
	return err;
}

/* IOTLB messages, and suspend where the device can (GET_VRING_BASE then). */
static int vhm_vdpa_backend_features(struct vhm_dev *d)
{
	struct vhm_vdpa *v = d->priv;
	uint64_t offered = 0, want = 1ull << VHOST_BACKEND_F_IOTLB_MSG_V2;
	int err;

	err = vhm_vhost_ioctl(d, VHOST_GET_BACKEND_FEATURES, &offered,
			      "VHOST_GET_BACKEND_FEATURES");
	if (err)
		return err;
	if (!(offered & want)) {
		fprintf(stderr, "vhost-vdpa: %s offers no IOTLB v2 messages\n",
			v->name);
		return -ENOTSUP;
	}
	want |= offered & (1ull << VHOST_BACKEND_F_SUSPEND);
	v->suspend = want & (1ull << VHOST_BACKEND_F_SUSPEND);
	return vhm_vhost_ioctl(d, VHOST_SET_BACKEND_FEATURES, &want,
			       "VHOST_SET_BACKEND_FEATURES");
}

static int vhm_vdpa_open(struct vhm_dev *d)
{
	struct vhm_vdpa *v = calloc(1, sizeof(*v));
	char path[PATH_MAX];
	int err;

	if (!v)
		return -ENOMEM;
	d->priv = v;
	err = vhm_vdpa_pick(d, v);
	if (err)
		return err;
	err = vhm_vdpa_chardev(v->name, path, sizeof(path));
	if (err == -ENOENT && access("/sys/bus/vdpa/devices", F_OK) == 0) {
		fprintf(stderr, "vhost-vdpa: no vdpa device %s ('vdpa dev show' "
			"lists them)\n", v->name);
		return err;
	}
	if (err) {
		fprintf(stderr, "vhost-vdpa: vdpa device %s has no vhost-vdpa "
			"character device (is it bound to vhost_vdpa?): %s\n",
			v->name, strerror(-err));
		return err;
	}
	d->fd = open(path, O_RDWR | O_CLOEXEC);
	if (d->fd < 0) {
		err = -errno;
		fprintf(stderr, "vhost-vdpa: failed to open %s: %s\n", path,
			strerror(-err));
		return err;
	}
	d->has_rx = true;
	/*
	 * A device that takes process addresses (vdpa_sim's use_va, the
	 * default) gets only shared file-backed mappings from vhost-vdpa's
	 * IOTLB: it skips private ones without an error.
	 */
	d->shared_mem = true;
	err = vhm_vhost_ioctl(d, VHOST_SET_OWNER, NULL, "VHOST_SET_OWNER") ?:
	      vhm_vdpa_backend_features(d) ?:
	      vhm_vhost_probe_net(d, v->name);
	if (err)
		return err;
	/* From reset: the driver has found the device and knows how to drive it. */
	return vhm_vdpa_set_status(d, 0) ?:
	       vhm_vdpa_set_status(d, VIRTIO_CONFIG_S_ACKNOWLEDGE |
				   VIRTIO_CONFIG_S_DRIVER);
}

static int vhm_vdpa_iotlb(struct vhm_dev *d, uint8_t type)
{
	struct vhost_msg_v2 msg = {
		.type = VHOST_IOTLB_MSG_V2,
		.iotlb = {
			.iova = d->mem.iova,
			.size = d->mem.size,
			.uaddr = (uintptr_t)d->mem.va,
			.perm = VHOST_ACCESS_RW,
			.type = type,
		},
	};
	ssize_t n = write(d->fd, &msg, sizeof(msg));

	if (n == (ssize_t)sizeof(msg))
		return 0;
	n = n < 0 ? -errno : -EIO;
	fprintf(stderr, "vhost-vdpa: IOTLB %s of 0x%llx+0x%zx failed: %s\n",
		type == VHOST_IOTLB_UPDATE ? "update" : "invalidate",
		(unsigned long long)d->mem.iova, d->mem.size, strerror((int)-n));
	return (int)n;
}

static int vhm_vdpa_map(struct vhm_dev *d)
{
	return vhm_vdpa_iotlb(d, VHOST_IOTLB_UPDATE);
}

/* IOVAs need VIRTIO_F_ACCESS_PLATFORM, which vdpa devices insist on. */
static int vhm_vdpa_set_features(struct vhm_dev *d, uint64_t features)
{
	struct vhm_vdpa *v = d->priv;
	uint8_t status;
	int err;

	features |= d->features_offered & (1ull << VIRTIO_F_ACCESS_PLATFORM);
	err = vhm_vhost_ioctl(d, VHOST_SET_FEATURES, &features,
			      "VHOST_SET_FEATURES") ?:
	      vhm_vdpa_set_status(d, v->status | VIRTIO_CONFIG_S_FEATURES_OK) ?:
	      vhm_vhost_ioctl(d, VHOST_VDPA_GET_STATUS, &status,
			      "VHOST_VDPA_GET_STATUS");
	if (err)
		return err;
	if (!(status & VIRTIO_CONFIG_S_FEATURES_OK)) {
		fprintf(stderr, "vhost-vdpa: %s refused features 0x%llx\n",
			v->name, (unsigned long long)features);
		return -ENOTSUP;
	}
	return 0;
}

static int vhm_vdpa_setup_vq(struct vhm_dev *d, unsigned int qi)
{
	struct vhost_vring_state on = { .index = qi, .num = 1 };

	return vhm_vhost_setup_vq(d, qi, false) ?:
	       vhm_vhost_ioctl(d, VHOST_VDPA_SET_VRING_ENABLE, &on,
			       "VHOST_VDPA_SET_VRING_ENABLE");
}

static int vhm_vdpa_start(struct vhm_dev *d)
{
	struct vhm_vdpa *v = d->priv;

	return vhm_vdpa_set_status(d, v->status | VIRTIO_CONFIG_S_DRIVER_OK);
}

/* Suspended, the device keeps its ring state for GET_VRING_BASE; reset loses it. */
static int vhm_vdpa_stop(struct vhm_dev *d)
{
	struct vhm_vdpa *v = d->priv;

	if (v->suspend)
		return vhm_vhost_ioctl(d, VHOST_VDPA_SUSPEND, NULL,
				       "VHOST_VDPA_SUSPEND");
	return vhm_vdpa_set_status(d, 0);
}

static void vhm_vdpa_close(struct vhm_dev *d)
{
	if (d->fd >= 0) {
		vhm_vdpa_set_status(d, 0);
		if (d->mapped)
			vhm_vdpa_iotlb(d, VHOST_IOTLB_INVALIDATE);
		close(d->fd);
	}
	d->mapped = false;
	d->fd = -1;
	free(d->priv);
	d->priv = NULL;
}

const struct vhm_backend_ops vhm_backend_vdpa = {
	.name = "vhost-vdpa",
	.summary = "vDPA device through /dev/vhost-vdpa-N (IOTLB messages, virtio status)",
	.open = vhm_vdpa_open,
	.map = vhm_vdpa_map,
	.set_features = vhm_vdpa_set_features,
	.setup_vq = vhm_vdpa_setup_vq,
	.start = vhm_vdpa_start,
	.stop = vhm_vdpa_stop,
	.close = vhm_vdpa_close,
	.vring_base = vhm_vhost_vring_base,
	.variant_is_device = true,
};
