/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The vhost_mdev tracepoints as BPF programs see them, twice over:
 *  - tp_btf (btf_*): the tracepoint's struct vhost_mdev_tp_* argument, read
 *    by field name through the module's BTF: libbpf relocates every access
 *    (CO-RE), so fields added to the structs move nothing here;
 *  - tracepoint (fb_*), for a module without BTF: the trace record, at the
 *    offsets the loader read from the event's tracefs format file.
 * The loader keeps one set. Each VHM_TP_<class> defines both around a
 * handler that takes the fields as scalars.
 */
#ifndef VHM_TP_BPF_H
#define VHM_TP_BPF_H

#include "vhm_events.h"

#define __vhm_core __attribute__((preserve_access_index))

/* The module's types, as far as the tools read them (names must match). */
struct vhost_mdev_tp_state {
	__u32 dev;
	__u32 old;
	__u32 new;
	int ret;
} __vhm_core;

struct vhost_mdev_tp_vq {
	__u32 dev;
	__u16 vq;
	__u16 published;
} __vhm_core;

struct vhost_mdev_tp_call_latency {
	__u32 dev;
	__u16 vq;
	__u16 published;
	__u64 kick_to_call_ns;
	__u64 kick_to_process_ns;
	__u16 overtaken;
	__u8 unanswered;
} __vhm_core;

struct vhost_mdev_tp_used {
	__u32 dev;
	__u16 vq;
	__u16 idx;
	__u16 count;
} __vhm_core;

struct vhost_mdev_tp_vring_base {
	__u32 dev;
	__u16 vq;
	__u32 value;
} __vhm_core;

struct vhost_mdev_tp_features {
	__u32 dev;
	__u64 features;
	int ret;
} __vhm_core;

struct vhost_mdev_tp_config {
	__u32 dev;
	bool write;
	__u32 off;
	__u32 len;
	int ret;
} __vhm_core;

struct vhost_mdev_tp_dma_map {
	__u32 dev;
	__u64 iova;
	int ret;
} __vhm_core;

struct vhost_mdev_tp_dma_unmap {
	__u32 dev;
	__u64 iova;
	__u64 len;
	__u32 pages;
} __vhm_core;

struct vhost_mdev_tp_error {
	__u32 dev;
	__u16 vq;
	int err;
} __vhm_core;

/* Record offsets of each event's fields, set by the loader (fallback). */
const volatile __u16 vhm_rec_off[VHM_EV_MAX][VHM_F_MAX] = {};

static __always_inline __u64 vhm_rec(void *rec, int ev, int field, int size)
{
	__u64 v = 0;

	bpf_probe_read_kernel(&v, size, rec + vhm_rec_off[ev][field]);
	return v;
}

#define VHM_REC(ev, f, type) ((type)vhm_rec(ctx, ev, f, sizeof(type)))

/*
 * Both programs of one event around fn: btf_args is fn's argument list
 * read from the struct e, fb_args the same read from the record ctx.
 */
#define VHM_TP(name, cls, fn, btf_args, fb_args)			\
	SEC("tp_btf/" #name)						\
	int BPF_PROG(btf_##name, const struct vhost_mdev_tp_##cls *e)	\
	{								\
		/* 6.12's verifier takes any tp_btf pointer for nullable. */ \
		if (!e)							\
			return 0;					\
		return fn btf_args;					\
	}								\
	SEC("tracepoint/vhost_mdev/" #name)				\
	int fb_##name(void *ctx)					\
	{								\
		return fn fb_args;					\
	}

#define VHM_TP_STATE(name, ev, fn)					\
	VHM_TP(name, state, fn, (e->dev, e->old, e->new, e->ret),	\
	       (VHM_REC(ev, VHM_F_DEV, __u32),				\
		VHM_REC(ev, VHM_F_OLD, __u32),				\
		VHM_REC(ev, VHM_F_NEW, __u32),				\
		VHM_REC(ev, VHM_F_RET, int)))

#define VHM_TP_VQ(name, ev, fn)						\
	VHM_TP(name, vq, fn, (e->dev, e->vq, e->published),		\
	       (VHM_REC(ev, VHM_F_DEV, __u32),				\
		VHM_REC(ev, VHM_F_VQ, __u16),				\
		VHM_REC(ev, VHM_F_PUBLISHED, __u16)))

#define VHM_TP_CALL_LATENCY(name, ev, fn)				\
	VHM_TP(name, call_latency, fn,					\
	       (e->dev, e->vq, e->kick_to_call_ns,			\
		e->kick_to_process_ns, e->overtaken, e->unanswered),	\
	       (VHM_REC(ev, VHM_F_DEV, __u32),				\
		VHM_REC(ev, VHM_F_VQ, __u16),				\
		VHM_REC(ev, VHM_F_KICK_TO_CALL, __u64),			\
		VHM_REC(ev, VHM_F_KICK_TO_PROCESS, __u64),		\
		VHM_REC(ev, VHM_F_OVERTAKEN, __u16),			\
		VHM_REC(ev, VHM_F_UNANSWERED, __u8)))

#define VHM_TP_USED(name, ev, fn)					\
	VHM_TP(name, used, fn, (e->dev, e->vq, e->idx, e->count),	\
	       (VHM_REC(ev, VHM_F_DEV, __u32),				\
		VHM_REC(ev, VHM_F_VQ, __u16),				\
		VHM_REC(ev, VHM_F_IDX, __u16),				\
		VHM_REC(ev, VHM_F_COUNT, __u16)))

#define VHM_TP_VRING_BASE(name, ev, fn)					\
	VHM_TP(name, vring_base, fn, (e->dev, e->vq, e->value),	\
	       (VHM_REC(ev, VHM_F_DEV, __u32),				\
		VHM_REC(ev, VHM_F_VQ, __u16),				\
		VHM_REC(ev, VHM_F_VALUE, __u32)))

#define VHM_TP_FEATURES(name, ev, fn)					\
	VHM_TP(name, features, fn, (e->dev, e->features, e->ret),	\
	       (VHM_REC(ev, VHM_F_DEV, __u32),				\
		VHM_REC(ev, VHM_F_FEATURES, __u64),			\
		VHM_REC(ev, VHM_F_RET, int)))

#define VHM_TP_CONFIG(name, ev, fn)					\
	VHM_TP(name, config, fn,					\
	       (e->dev, e->write, e->off, e->len, e->ret),		\
	       (VHM_REC(ev, VHM_F_DEV, __u32),				\
		VHM_REC(ev, VHM_F_WRITE, __u8),				\
		VHM_REC(ev, VHM_F_OFF, __u32),				\
		VHM_REC(ev, VHM_F_LEN, __u32),				\
		VHM_REC(ev, VHM_F_RET, int)))

#define VHM_TP_DMA_MAP(name, ev, fn)					\
	VHM_TP(name, dma_map, fn, (e->dev, e->iova, e->ret),		\
	       (VHM_REC(ev, VHM_F_DEV, __u32),				\
		VHM_REC(ev, VHM_F_IOVA, __u64),				\
		VHM_REC(ev, VHM_F_RET, int)))

#define VHM_TP_DMA_UNMAP(name, ev, fn)					\
	VHM_TP(name, dma_unmap, fn,					\
	       (e->dev, e->iova, e->len, e->pages),			\
	       (VHM_REC(ev, VHM_F_DEV, __u32),				\
		VHM_REC(ev, VHM_F_IOVA, __u64),				\
		VHM_REC(ev, VHM_F_LEN, __u64),				\
		VHM_REC(ev, VHM_F_PAGES, __u32)))

#define VHM_TP_ERROR(name, ev, fn)					\
	VHM_TP(name, error, fn, (e->dev, e->vq, e->err),		\
	       (VHM_REC(ev, VHM_F_DEV, __u32),				\
		VHM_REC(ev, VHM_F_VQ, __u16),				\
		VHM_REC(ev, VHM_F_ERR, int)))

#endif /* VHM_TP_BPF_H */
