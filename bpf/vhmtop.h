/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VHMTOP_H
#define VHMTOP_H

struct vhmtop_key {
	__u32 dev;
	__u32 vq;
};

/* Running totals per vq; user space turns them into rates. */
struct vhmtop_stats {
	__u64 kicks;
	__u64 calls;
	__u64 buffers;		/* used entries published by the device */
	__u64 errors;
	__u32 used_idx;		/* last used index the device published */
	__u32 pad;
};

#endif /* VHMTOP_H */
