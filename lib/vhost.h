/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The vhost ioctls every backend issues the same way: a named ioctl that
 * says what failed, and one virtqueue's ring setup.
 */
#ifndef VHM_VHOST_H
#define VHM_VHOST_H

#include <stdbool.h>
#include <stdint.h>

#include "dev.h"

/* ioctl on d->fd; on failure print "<backend>: <what> failed" and -errno. */
int vhm_vhost_ioctl(struct vhm_dev *d, unsigned long req, void *arg,
		    const char *what);

/* Queue qi of d: 0 is RX, 1 is TX. */
static inline struct vhm_queue *vhm_queue_of(struct vhm_dev *d, unsigned int qi)
{
	return qi == 0 ? &d->rx : &d->tx;
}

/*
 * VHOST_SET_VRING_NUM, _ADDR, _BASE, _KICK and _CALL of queue qi. Ring
 * addresses are device IOVAs (vhost-mdev, vhost-vdpa) or, with user_addr,
 * process addresses (vhost-net, whose memory table translates them).
 */
int vhm_vhost_setup_vq(struct vhm_dev *d, unsigned int qi, bool user_addr);

/*
 * The vhost-vdpa device queries, which vhost-mdev answers too: a virtio-net
 * device (else -ENODEV, named by what), its vq count and size, features and
 * MAC (d->nvqs, vq_num_max, features_offered, mac).
 */
int vhm_vhost_probe_net(struct vhm_dev *d, const char *what);

/* VHOST_GET_VRING_BASE of queue qi. */
int vhm_vhost_vring_base(struct vhm_dev *d, unsigned int qi, uint16_t *base);

#endif /* VHM_VHOST_H */
