// SPDX-License-Identifier: GPL-2.0
/* vhost ioctls shared by the backends. See vhost.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/vhost.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_net.h>

#include "vhost.h"

int vhm_vhost_ioctl(struct vhm_dev *d, unsigned long req, void *arg,
		    const char *what)
{
	if (ioctl(d->fd, req, arg)) {
		int err = errno;

		fprintf(stderr, "%s: %s failed: %s\n", d->ops->name, what,
			strerror(err));
		return -err;
	}
	return 0;
}

int vhm_vhost_setup_vq(struct vhm_dev *d, unsigned int qi, bool user_addr)
{
	struct vhm_queue *q = vhm_queue_of(d, qi);
	struct vhost_vring_state num = { .index = qi, .num = q->vr.num };
	struct vhost_vring_state base = { .index = qi, .num = q->vr.avail_idx };
	struct vhost_vring_addr addr = {
		.index = qi,
		.desc_user_addr = user_addr ? (uintptr_t)q->vr.desc : q->vr.desc_iova,
		.avail_user_addr = user_addr ? (uintptr_t)q->vr.avail : q->vr.avail_iova,
		.used_user_addr = user_addr ? (uintptr_t)q->vr.used : q->vr.used_iova,
	};
	struct vhost_vring_file kick = { .index = qi, .fd = q->kick_fd };
	struct vhost_vring_file call = { .index = qi, .fd = q->call_fd };

	return vhm_vhost_ioctl(d, VHOST_SET_VRING_NUM, &num, "VHOST_SET_VRING_NUM") ?:
	       vhm_vhost_ioctl(d, VHOST_SET_VRING_ADDR, &addr, "VHOST_SET_VRING_ADDR") ?:
	       vhm_vhost_ioctl(d, VHOST_SET_VRING_BASE, &base, "VHOST_SET_VRING_BASE") ?:
	       vhm_vhost_ioctl(d, VHOST_SET_VRING_KICK, &kick, "VHOST_SET_VRING_KICK") ?:
	       vhm_vhost_ioctl(d, VHOST_SET_VRING_CALL, &call, "VHOST_SET_VRING_CALL");
}

int vhm_vhost_vring_base(struct vhm_dev *d, unsigned int qi, uint16_t *base)
{
	struct vhost_vring_state s = { .index = qi };
	int err = vhm_vhost_ioctl(d, VHOST_GET_VRING_BASE, &s,
				  "VHOST_GET_VRING_BASE");

	*base = (uint16_t)s.num;
	return err;
}

int vhm_vhost_probe_net(struct vhm_dev *d, const char *what)
{
	uint8_t cfg_buf[sizeof(struct vhost_vdpa_config) + 6];
	struct vhost_vdpa_config *cfg = (void *)cfg_buf;
	uint32_t id = 0, nvqs = 0;
	uint16_t num = 0;
	int err;

	err = vhm_vhost_ioctl(d, VHOST_VDPA_GET_DEVICE_ID, &id,
			      "VHOST_VDPA_GET_DEVICE_ID");
	if (err)
		return err;
	if (id != VIRTIO_ID_NET) {
		fprintf(stderr, "%s: device %s is virtio device %u, the benchmarks "
			"drive virtio-net (%u)\n", d->ops->name, what, id,
			VIRTIO_ID_NET);
		return -ENODEV;
	}
	err = vhm_vhost_ioctl(d, VHOST_VDPA_GET_VQS_COUNT, &nvqs,
			      "VHOST_VDPA_GET_VQS_COUNT") ?:
	      vhm_vhost_ioctl(d, VHOST_VDPA_GET_VRING_NUM, &num,
			      "VHOST_VDPA_GET_VRING_NUM") ?:
	      vhm_vhost_ioctl(d, VHOST_GET_FEATURES, &d->features_offered,
			      "VHOST_GET_FEATURES");
	if (err)
		return err;
	d->nvqs = nvqs;
	d->vq_num_max = num;

	/* A loopback may deliver only frames sent to its own address. */
	cfg->off = offsetof(struct virtio_net_config, mac);
	cfg->len = 6;
	err = vhm_vhost_ioctl(d, VHOST_VDPA_GET_CONFIG, cfg,
			      "VHOST_VDPA_GET_CONFIG");
	if (!err)
		memcpy(d->mac, cfg->buf, 6);
	return err;
}
