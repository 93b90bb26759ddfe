/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VHMTOP_H
#define VHMTOP_H

/*
 * Running totals per vq, in a per-CPU array indexed by vhm_vq_slot(); user
 * space sums the CPUs and turns them into rates.
 */
struct vhmtop_stats {
	__u64 kicks;
	__u64 calls;
	__u64 buffers;		/* used entries published by the device */
	__u64 errors;
};

#endif /* VHMTOP_H */
