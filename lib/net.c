// SPDX-License-Identifier: GPL-2.0
/* The virtio-net loopback for tests. See net.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/vhost.h>

#include "net.h"

void vhm_net_init(struct vhm_net *n)
{
	memset(n, 0, sizeof(*n));
	n->vfio.container = n->vfio.group = n->vfio.device = -1;
	vhm_vq_init(&n->rx);
	vhm_vq_init(&n->tx);
}

static int vhm_net_set_features(struct vhm_net *n, uint64_t features)
{
	if (ioctl(n->vfio.device, VHOST_SET_FEATURES, &features))
		return errno ? -errno : -EIO;
	return 0;
}

int vhm_net_open(struct vhm_net *n, const char *uuid, unsigned int num,
		 size_t buf_size, size_t mem_size)
{
	int err;

	vhm_net_init(n);
	snprintf(n->uuid, sizeof(n->uuid), "%s", uuid);
	err = vhm_vfio_open(&n->vfio, uuid);
	if (err)
		goto fail;
	err = vhm_mem_init(&n->mem, mem_size, VHM_NET_IOVA);
	if (err)
		goto fail;
	err = vhm_vfio_map(&n->vfio, n->mem.va, n->mem.iova, n->mem.size) ?:
	      vhm_vq_alloc(&n->rx, &n->mem, VHM_NET_RX, num, buf_size) ?:
	      vhm_vq_alloc(&n->tx, &n->mem, VHM_NET_TX, num, buf_size) ?:
	      vhm_net_set_features(n, VHM_NET_FEATURES) ?:
	      vhm_vq_setup(n->vfio.device, &n->rx) ?:
	      vhm_vq_setup(n->vfio.device, &n->tx);
	if (err)
		goto fail;
	return 0;

fail:
	errno = -err;
	return err;
}

void vhm_net_close(struct vhm_net *n)
{
	vhm_vfio_close(&n->vfio);
	vhm_vq_free(&n->rx);
	vhm_vq_free(&n->tx);
	vhm_mem_free(&n->mem);
}

int vhm_net_fill_rx(struct vhm_net *n, unsigned int count)
{
	unsigned int i;
	int err;

	for (i = 0; i < count; i++) {
		err = vhm_vq_add(&n->rx, n->rx.buf_size, true);
		if (err)
			return err;
	}
	return vhm_vq_kick(&n->rx);
}

int vhm_net_queue(struct vhm_net *n, const void *frame, size_t len)
{
	uint8_t *buf = vhm_vq_buf(&n->tx, vhm_vq_slot(&n->tx));

	if (len + VHM_NET_HDR_LEN > n->tx.buf_size) {
		errno = EMSGSIZE;
		return -EMSGSIZE;
	}
	memset(buf, 0, VHM_NET_HDR_LEN);
	memcpy(buf + VHM_NET_HDR_LEN, frame, len);
	return vhm_vq_add(&n->tx, len + VHM_NET_HDR_LEN, false);
}

void vhm_frame_fill(uint8_t *p, size_t len, unsigned int i)
{
	size_t k;

	for (k = 0; k < len; k++)
		p[k] = (uint8_t)(i * 31 + k * 7 + (k >> 8));
}

size_t vhm_frame_len(unsigned int i)
{
	static const size_t sizes[] = { 60, 64, 128, 333, 512, 1000, 1514 };

	return sizes[i % (sizeof(sizes) / sizeof(sizes[0]))];
}
