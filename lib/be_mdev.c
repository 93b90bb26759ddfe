// SPDX-License-Identifier: GPL-2.0
/*
 * vhost-mdev backend: the device fd of a VFIO mediated device speaks the
 * vhost ioctls; rings and buffers are IOVAs of its VFIO container.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/vfio.h>
#include <linux/vhost.h>
#include <linux/vhost_mdev.h>

#include "dev.h"
#include "mdev.h"
#include "vhost.h"

/* Is the mdev instance uuid a vhost-mdev one (device_api "vfio-vhost")? */
static bool vhm_mdev_is_vhost(const char *uuid)
{
	char path[PATH_MAX], api[32];

	snprintf(path, sizeof(path), VHM_MDEV_DEVICES "/%s/mdev_type/device_api",
		 uuid);
	if (vhm_sysfs_read(path, api, sizeof(api)))
		return false;
	return !strcmp(api, VFIO_DEVICE_API_VHOST_STRING);
}

/* First vhost-mdev instance in sysfs, copied to uuid; -ENODEV if none. */
int vhm_mdev_find(char *uuid, size_t size)
{
	struct dirent *e;
	DIR *dir = opendir(VHM_MDEV_DEVICES);
	int err = -ENODEV;

	if (!dir)
		return -ENODEV;
	while ((e = readdir(dir))) {
		if (e->d_name[0] == '.' || !vhm_mdev_is_vhost(e->d_name))
			continue;
		snprintf(uuid, size, "%s", e->d_name);
		err = 0;
		break;
	}
	closedir(dir);
	return err;
}

static int vhm_mdev_probe(struct vhm_dev *d)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	int err;

	err = vhm_vhost_ioctl(d, VFIO_DEVICE_GET_INFO, &info, "VFIO_DEVICE_GET_INFO");
	if (err)
		return err;
	if (!(info.flags & VFIO_DEVICE_FLAGS_VHOST)) {
		fprintf(stderr, "%s: %s is not a vhost-mdev device (no "
			"VFIO_DEVICE_FLAGS_VHOST)\n", d->ops->name, d->opts.device);
		return -ENODEV;
	}
	return vhm_vhost_probe_net(d, d->opts.device);
}

/*
 * "vhost-mdev@MODE": the simulator processes the rings in MODE for this run
 * (its module parameters, read at every start); close restores them.
 */
#define VHM_SIM_POLL_NS	"50000"

static const char *const vhm_mdev_variants[] = {
	"workqueue", "kthread", "poll", "task_work", NULL,
};

static struct {
	bool saved;
	char mode[32];
	char poll_ns[32];
} vhm_sim_saved;

static int vhm_sim_param(const char *name, char *old, size_t size,
			 const char *val)
{
	char path[PATH_MAX];
	int err;

	snprintf(path, sizeof(path), VHM_SIM_PARAMS "/%s", name);
	if (old) {
		err = vhm_sysfs_read(path, old, size);
		if (err)
			return err;
	}
	return vhm_sysfs_write(path, val);
}

static int vhm_mdev_set_mode(const char *variant)
{
	bool poll = !strcmp(variant, "poll");
	int err;

	err = vhm_sim_param("mode", vhm_sim_saved.mode,
			    sizeof(vhm_sim_saved.mode),
			    poll ? "kthread" : variant) ?:
	      vhm_sim_param("poll_ns", vhm_sim_saved.poll_ns,
			    sizeof(vhm_sim_saved.poll_ns),
			    poll ? VHM_SIM_POLL_NS : "0");
	if (err) {
		fprintf(stderr, "vhost-mdev@%s: failed to set the simulator's mode "
			"(%s): %s; modes are the simulator's (vhost_mdev_sim)\n",
			variant, VHM_SIM_PARAMS, strerror(-err));
		return err;
	}
	vhm_sim_saved.saved = true;
	return 0;
}

static void vhm_mdev_restore_mode(void)
{
	if (!vhm_sim_saved.saved)
		return;
	vhm_sim_param("mode", NULL, 0, vhm_sim_saved.mode);
	vhm_sim_param("poll_ns", NULL, 0, vhm_sim_saved.poll_ns);
	vhm_sim_saved.saved = false;
}

static int vhm_mdev_open(struct vhm_dev *d)
{
	const char *variant = vhm_backend_variant(d->opts.backend);
	static char found[64];
	int err;


	if (!d->opts.device || !d->opts.device[0]) {
		if (vhm_mdev_find(found, sizeof(found))) {
			fprintf(stderr, "no vhost-mdev device: create one with "
				"'echo $(uuidgen) > /sys/class/mdev_bus/<parent>/"
				"mdev_supported_types/<type>/create' (in the guest, "
				"'scripts/vhm-modules load' loads the simulator) or "
				"name one with --device UUID\n");
			return -ENODEV;
		}
		d->opts.device = found;
	}
	if (variant) {
		err = vhm_mdev_set_mode(variant);
		if (err)
			return err;
	}
	err = vhm_vfio_open(&d->vfio, d->opts.device);
	if (err)
		goto err_mode;
	d->fd = d->vfio.device;
	d->has_rx = true;
	err = vhm_mdev_probe(d);
	if (err) {
		vhm_vfio_close(&d->vfio);
		d->fd = -1;
		goto err_mode;
	}
	return 0;

err_mode:
	vhm_mdev_restore_mode();
	return err;
}

static int vhm_mdev_map(struct vhm_dev *d)
{
	return vhm_vfio_map(&d->vfio, d->mem.va, d->mem.iova, d->mem.size);
}

static int vhm_mdev_set_features(struct vhm_dev *d, uint64_t features)
{
	return vhm_vhost_ioctl(d, VHOST_SET_FEATURES, &features, "VHOST_SET_FEATURES");
}

static int vhm_mdev_setup_vq(struct vhm_dev *d, unsigned int qi)
{
	return vhm_vhost_setup_vq(d, qi, false);
}

static int vhm_mdev_set_state(struct vhm_dev *d, uint32_t state)
{
	return vhm_vhost_ioctl(d, VHOST_MDEV_SET_STATE, &state, "VHOST_MDEV_SET_STATE");
}

static int vhm_mdev_start(struct vhm_dev *d)
{
	return vhm_mdev_set_state(d, VHOST_MDEV_S_RUNNING);
}

static int vhm_mdev_stop(struct vhm_dev *d)
{
	return vhm_mdev_set_state(d, VHOST_MDEV_S_STOPPED);
}

/* The doorbell page of queue qi: offset qi pages of the device fd. */
static volatile uint32_t *vhm_mdev_doorbell(struct vhm_dev *d, unsigned int qi)
{
	long page = sysconf(_SC_PAGESIZE);
	void *p;

	p = mmap(NULL, (size_t)page, PROT_WRITE, MAP_SHARED, d->fd,
		 (off_t)qi * page);
	if (p == MAP_FAILED) {
		fprintf(stderr, "%s: failed to map the doorbell of virtqueue %u: %s\n",
			d->ops->name, qi, strerror(errno));
		return NULL;
	}
	return p;
}

static void vhm_mdev_close(struct vhm_dev *d)
{
	if (d->mapped)
		vhm_vfio_unmap(&d->vfio, d->mem.iova, d->mem.size);
	d->mapped = false;
	vhm_vfio_close(&d->vfio);
	d->fd = -1;
	vhm_mdev_restore_mode();
}

const struct vhm_backend_ops vhm_backend_mdev = {
	.name = "vhost-mdev",
	.summary = "VFIO mediated device, vhost ioctls on the device fd",
	.open = vhm_mdev_open,
	.map = vhm_mdev_map,
	.set_features = vhm_mdev_set_features,
	.setup_vq = vhm_mdev_setup_vq,
	.start = vhm_mdev_start,
	.stop = vhm_mdev_stop,
	.close = vhm_mdev_close,
	.vring_base = vhm_vhost_vring_base,
	.doorbell = vhm_mdev_doorbell,
	.variants = vhm_mdev_variants,
};
