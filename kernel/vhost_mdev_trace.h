/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints of vhost-mdev. The field names are ABI for the BPF tools,
 * perf and bpftrace scripts: add fields, never rename or remove them.
 * "dev" is the instance id shown in the mdev's vhost/id sysfs attribute.
 *
 * Each tracepoint passes one struct vhost_mdev_tp_* by pointer, with the
 * same fields as its trace record: BPF programs attached with tp_btf read
 * them by name through the module's BTF (CO-RE), so a field added anywhere
 * moves nothing under them. A build with VHOST_MDEV_TRACE_PAD defined puts
 * an extra field after "dev" in every struct and record, to prove that.
 */
#ifndef _VHOST_MDEV_TRACE_TYPES_H
#define _VHOST_MDEV_TRACE_TYPES_H

#include <linux/types.h>

#ifdef VHOST_MDEV_TRACE_PAD
#define VHOST_MDEV_TP_PAD_FIELD		__field(u32, pad)
#define VHOST_MDEV_TP_PAD_ASSIGN	(__entry->pad = 0xdead)
#else
#define VHOST_MDEV_TP_PAD_FIELD
#define VHOST_MDEV_TP_PAD_ASSIGN	((void)0)
#endif

struct vhost_mdev_tp_state {
	u32 dev;
#ifdef VHOST_MDEV_TRACE_PAD
	u32 pad;
#endif
	u32 old;
	u32 new;
	int ret;
};

struct vhost_mdev_tp_vq {
	u32 dev;
#ifdef VHOST_MDEV_TRACE_PAD
	u32 pad;
#endif
	u16 vq;
	u16 published;	/* the vq's used-entry publications so far */
};

/*
 * The call_latency event times the kick an interrupt answers (the core
 * pairs them while the event is on, see vhost_mdev_core.c): one event a
 * round trip is enough for a latency histogram.
 */
struct vhost_mdev_tp_call_latency {
	u32 dev;
#ifdef VHOST_MDEV_TRACE_PAD
	u32 pad;
#endif
	u16 vq;
	u16 published;
	u64 kick_to_call_ns;
	u64 kick_to_process_ns;
	u16 overtaken;
	u8 unanswered;
};

/* The call_latency event going on: the core picks its clock (core.c). */
int vhost_mdev_call_latency_reg(void);

struct vhost_mdev_tp_used {
	u32 dev;
#ifdef VHOST_MDEV_TRACE_PAD
	u32 pad;
#endif
	u16 vq;
	u16 idx;
	u16 count;
};

struct vhost_mdev_tp_vring_base {
	u32 dev;
#ifdef VHOST_MDEV_TRACE_PAD
	u32 pad;
#endif
	u16 vq;
	u32 value;
};

struct vhost_mdev_tp_features {
	u32 dev;
#ifdef VHOST_MDEV_TRACE_PAD
	u32 pad;
#endif
	u64 features;
	int ret;
};

struct vhost_mdev_tp_config {
	u32 dev;
#ifdef VHOST_MDEV_TRACE_PAD
	u32 pad;
#endif
	bool write;
	u32 off;
	u32 len;
	int ret;
};

struct vhost_mdev_tp_dma_map {
	u32 dev;
#ifdef VHOST_MDEV_TRACE_PAD
	u32 pad;
#endif
	u64 iova;
	int ret;
};

struct vhost_mdev_tp_dma_unmap {
	u32 dev;
#ifdef VHOST_MDEV_TRACE_PAD
	u32 pad;
#endif
	u64 iova;
	u64 len;
	u32 pages;
};

struct vhost_mdev_tp_error {
	u32 dev;
#ifdef VHOST_MDEV_TRACE_PAD
	u32 pad;
#endif
	u16 vq;
	int err;
};

/*
 * Fire tracepoint vhost_mdev_<event> with a struct vhost_mdev_tp_<type> of
 * the given fields, built only while the tracepoint is on: off, a trace
 * site costs its static branch and nothing more.
 */
#define vhost_mdev_trace(event, type, ...)				\
	do {								\
		if (trace_vhost_mdev_##event##_enabled())		\
			trace_vhost_mdev_##event(&(const struct vhost_mdev_tp_##type){ \
				__VA_ARGS__ });				\
	} while (0)

#endif /* _VHOST_MDEV_TRACE_TYPES_H */

#undef TRACE_SYSTEM
#define TRACE_SYSTEM vhost_mdev

#if !defined(_VHOST_MDEV_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _VHOST_MDEV_TRACE_H

#include <linux/tracepoint.h>

TRACE_EVENT(vhost_mdev_set_state,
	TP_PROTO(const struct vhost_mdev_tp_state *ev),
	TP_ARGS(ev),
	TP_STRUCT__entry(
		__field(u32, dev)
		VHOST_MDEV_TP_PAD_FIELD
		__field(u32, old)
		__field(u32, new)
		__field(int, ret)
	),
	TP_fast_assign(
		__entry->dev = ev->dev;
		VHOST_MDEV_TP_PAD_ASSIGN;
		__entry->old = ev->old;
		__entry->new = ev->new;
		__entry->ret = ev->ret;
	),
	TP_printk("dev=%u old=%u new=%u ret=%d", __entry->dev, __entry->old,
		  __entry->new, __entry->ret)
);

DECLARE_EVENT_CLASS(vhost_mdev_vq_event,
	TP_PROTO(const struct vhost_mdev_tp_vq *ev),
	TP_ARGS(ev),
	TP_STRUCT__entry(
		__field(u32, dev)
		VHOST_MDEV_TP_PAD_FIELD
		__field(u16, vq)
		__field(u16, published)
	),
	TP_fast_assign(
		__entry->dev = ev->dev;
		VHOST_MDEV_TP_PAD_ASSIGN;
		__entry->vq = ev->vq;
		__entry->published = ev->published;
	),
	TP_printk("dev=%u vq=%u published=%u", __entry->dev, __entry->vq,
		  __entry->published)
);

/*
 * A kick reached the device: fired in the kick eventfd's wake-up. In the
 * three vq events, "published" counts the vq's used-entry publications so
 * far (16 bits, wrapping): a call whose count is one more than a kick's
 * answers it; more means the publications between raised no interrupt.
 */
DEFINE_EVENT(vhost_mdev_vq_event, vhost_mdev_kick,
	TP_PROTO(const struct vhost_mdev_tp_vq *ev),
	TP_ARGS(ev)
);

/* The parent started processing the vq after a kick. */
DEFINE_EVENT(vhost_mdev_vq_event, vhost_mdev_process,
	TP_PROTO(const struct vhost_mdev_tp_vq *ev),
	TP_ARGS(ev)
);

/* The device raised the vq's interrupt (call eventfd signalled). */
DEFINE_EVENT(vhost_mdev_vq_event, vhost_mdev_call,
	TP_PROTO(const struct vhost_mdev_tp_vq *ev),
	TP_ARGS(ev)
);

/*
 * The device raised the vq's interrupt, as vhost_mdev_call, with the time
 * the kick it answers waited. While this event is on, the core stamps
 * kicks (and processing starts, while vhost_mdev_process is on too).
 * kick_to_call_ns: since the kick this interrupt answers, the oldest one
 * before the publication it signals; 0 when no kick waited for it (or
 * the kick came before the event went on).
 * kick_to_process_ns: from that kick to the start of its processing, while
 * vhost_mdev_process is on too; else 0.
 * overtaken: kicks dropped since the vq's last interrupt because they
 * landed after the device had taken their entries (it looked at its ring
 * once more).
 * unanswered: 1 when the kick waiting was dropped here: the publication
 * after it raised no interrupt (the driver suppressed it).
 */
TRACE_EVENT_FN(vhost_mdev_call_latency,
	TP_PROTO(const struct vhost_mdev_tp_call_latency *ev),
	TP_ARGS(ev),
	TP_STRUCT__entry(
		__field(u32, dev)
		VHOST_MDEV_TP_PAD_FIELD
		__field(u16, vq)
		__field(u16, published)
		__field(u64, kick_to_call_ns)
		__field(u64, kick_to_process_ns)
		__field(u16, overtaken)
		__field(u8, unanswered)
	),
	TP_fast_assign(
		__entry->dev = ev->dev;
		VHOST_MDEV_TP_PAD_ASSIGN;
		__entry->vq = ev->vq;
		__entry->published = ev->published;
		__entry->kick_to_call_ns = ev->kick_to_call_ns;
		__entry->kick_to_process_ns = ev->kick_to_process_ns;
		__entry->overtaken = ev->overtaken;
		__entry->unanswered = ev->unanswered;
	),
	TP_printk("dev=%u vq=%u published=%u kick_to_call_ns=%llu kick_to_process_ns=%llu overtaken=%u unanswered=%u",
		  __entry->dev, __entry->vq, __entry->published,
		  __entry->kick_to_call_ns, __entry->kick_to_process_ns,
		  __entry->overtaken, __entry->unanswered),
	vhost_mdev_call_latency_reg, NULL
);

/* The device published count used entries on vq; used->idx is now idx. */
TRACE_EVENT(vhost_mdev_used,
	TP_PROTO(const struct vhost_mdev_tp_used *ev),
	TP_ARGS(ev),
	TP_STRUCT__entry(
		__field(u32, dev)
		VHOST_MDEV_TP_PAD_FIELD
		__field(u16, vq)
		__field(u16, idx)
		__field(u16, count)
	),
	TP_fast_assign(
		__entry->dev = ev->dev;
		VHOST_MDEV_TP_PAD_ASSIGN;
		__entry->vq = ev->vq;
		__entry->idx = ev->idx;
		__entry->count = ev->count;
	),
	TP_printk("dev=%u vq=%u idx=%u count=%u", __entry->dev, __entry->vq,
		  __entry->idx, __entry->count)
);

DECLARE_EVENT_CLASS(vhost_mdev_vring_base_event,
	TP_PROTO(const struct vhost_mdev_tp_vring_base *ev),
	TP_ARGS(ev),
	TP_STRUCT__entry(
		__field(u32, dev)
		VHOST_MDEV_TP_PAD_FIELD
		__field(u16, vq)
		__field(u32, value)
	),
	TP_fast_assign(
		__entry->dev = ev->dev;
		VHOST_MDEV_TP_PAD_ASSIGN;
		__entry->vq = ev->vq;
		__entry->value = ev->value;
	),
	TP_printk("dev=%u vq=%u value=%u", __entry->dev, __entry->vq,
		  __entry->value)
);

DEFINE_EVENT(vhost_mdev_vring_base_event, vhost_mdev_get_vring_base,
	TP_PROTO(const struct vhost_mdev_tp_vring_base *ev),
	TP_ARGS(ev)
);

DEFINE_EVENT(vhost_mdev_vring_base_event, vhost_mdev_set_vring_base,
	TP_PROTO(const struct vhost_mdev_tp_vring_base *ev),
	TP_ARGS(ev)
);

TRACE_EVENT(vhost_mdev_features,
	TP_PROTO(const struct vhost_mdev_tp_features *ev),
	TP_ARGS(ev),
	TP_STRUCT__entry(
		__field(u32, dev)
		VHOST_MDEV_TP_PAD_FIELD
		__field(u64, features)
		__field(int, ret)
	),
	TP_fast_assign(
		__entry->dev = ev->dev;
		VHOST_MDEV_TP_PAD_ASSIGN;
		__entry->features = ev->features;
		__entry->ret = ev->ret;
	),
	TP_printk("dev=%u features=%#llx ret=%d", __entry->dev,
		  __entry->features, __entry->ret)
);

TRACE_EVENT(vhost_mdev_config,
	TP_PROTO(const struct vhost_mdev_tp_config *ev),
	TP_ARGS(ev),
	TP_STRUCT__entry(
		__field(u32, dev)
		VHOST_MDEV_TP_PAD_FIELD
		__field(u8, write)
		__field(u32, off)
		__field(u32, len)
		__field(int, ret)
	),
	TP_fast_assign(
		__entry->dev = ev->dev;
		VHOST_MDEV_TP_PAD_ASSIGN;
		__entry->write = ev->write;
		__entry->off = ev->off;
		__entry->len = ev->len;
		__entry->ret = ev->ret;
	),
	TP_printk("dev=%u %s off=%u len=%u ret=%d", __entry->dev,
		  __entry->write ? "write" : "read", __entry->off,
		  __entry->len, __entry->ret)
);

/* A page entered the device's translation cache (pinned through VFIO). */
TRACE_EVENT(vhost_mdev_dma_map,
	TP_PROTO(const struct vhost_mdev_tp_dma_map *ev),
	TP_ARGS(ev),
	TP_STRUCT__entry(
		__field(u32, dev)
		VHOST_MDEV_TP_PAD_FIELD
		__field(u64, iova)
		__field(int, ret)
	),
	TP_fast_assign(
		__entry->dev = ev->dev;
		VHOST_MDEV_TP_PAD_ASSIGN;
		__entry->iova = ev->iova;
		__entry->ret = ev->ret;
	),
	TP_printk("dev=%u iova=%#llx ret=%d", __entry->dev, __entry->iova,
		  __entry->ret)
);

/* The container unmapped [iova, iova + len): pages dropped and unpinned. */
TRACE_EVENT(vhost_mdev_dma_unmap,
	TP_PROTO(const struct vhost_mdev_tp_dma_unmap *ev),
	TP_ARGS(ev),
	TP_STRUCT__entry(
		__field(u32, dev)
		VHOST_MDEV_TP_PAD_FIELD
		__field(u64, iova)
		__field(u64, len)
		__field(u32, pages)
	),
	TP_fast_assign(
		__entry->dev = ev->dev;
		VHOST_MDEV_TP_PAD_ASSIGN;
		__entry->iova = ev->iova;
		__entry->len = ev->len;
		__entry->pages = ev->pages;
	),
	TP_printk("dev=%u iova=%#llx len=%#llx pages=%u", __entry->dev,
		  __entry->iova, __entry->len, __entry->pages)
);

TRACE_EVENT(vhost_mdev_device_error,
	TP_PROTO(const struct vhost_mdev_tp_error *ev),
	TP_ARGS(ev),
	TP_STRUCT__entry(
		__field(u32, dev)
		VHOST_MDEV_TP_PAD_FIELD
		__field(u16, vq)
		__field(int, err)
	),
	TP_fast_assign(
		__entry->dev = ev->dev;
		VHOST_MDEV_TP_PAD_ASSIGN;
		__entry->vq = ev->vq;
		__entry->err = ev->err;
	),
	TP_printk("dev=%u vq=%u err=%d", __entry->dev, __entry->vq,
		  __entry->err)
);

#endif /* _VHOST_MDEV_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE vhost_mdev_trace
#include <trace/define_trace.h>
