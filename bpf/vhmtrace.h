/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VHMTRACE_H
#define VHMTRACE_H

#include "vhm_events.h"

/* One vhost_mdev tracepoint hit; the meaning of a/b/c depends on type. */
struct vhmtrace_event {
	__u64 ts_ns;
	__u64 a;	/* old state, value, features, iova, off */
	__u64 b;	/* new state, len, write */
	__s32 ret;	/* ret or err; pages for dma_unmap */
	__u32 dev;
	__u32 pid;
	__u16 vq;
	__u16 type;	/* enum vhm_event */
	char comm[16];
};

#endif /* VHMTRACE_H */
