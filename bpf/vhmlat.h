/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VHMLAT_H
#define VHMLAT_H

#include "vhm_hist.h"

enum vhmlat_kind {
	VHMLAT_KICK_TO_CALL,	/* kick wake-up -> call eventfd signalled */
	VHMLAT_KICK_TO_PROCESS,	/* kick wake-up -> parent starts the ring */
	VHMLAT_PROCESS_TO_CALL,	/* parent starts the ring -> call signalled */
	VHMLAT_SET_STATE,	/* VHOST_MDEV_SET_STATE ioctl, entry -> exit */
	VHMLAT_KIND_MAX,
};

#define VHMLAT_KIND_BIT(k)	(1U << (k))
/* The kinds the call event answers; those that need the process event. */
#define VHMLAT_CALL_KINDS	(VHMLAT_KIND_BIT(VHMLAT_KICK_TO_CALL) |	\
				 VHMLAT_PROCESS_KINDS)
#define VHMLAT_PROCESS_KINDS	(VHMLAT_KIND_BIT(VHMLAT_KICK_TO_PROCESS) | \
				 VHMLAT_KIND_BIT(VHMLAT_PROCESS_TO_CALL))

/*
 * Histograms live in arrays indexed by
 *   kind + VHMLAT_KIND_MAX * (dev_part * vqs + vq_part)
 * where dev_part is the device with -D (else 0) and vq_part the vq with -Q
 * (else 0; device-wide kinds use 0), vqs VHM_MAX_VQ with -Q (else 1).
 */
struct vhmlat_key {
	__u32 dev;
	__u16 vq;	/* 0xffff when not split by vq or device-wide */
	__u16 kind;
};

#endif /* VHMLAT_H */
