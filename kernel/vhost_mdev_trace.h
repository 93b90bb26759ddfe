/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints of vhost-mdev. The field names are ABI for the BPF tools,
 * perf and bpftrace scripts: add fields, never rename or remove them.
 * "dev" is the instance id shown in the mdev's vhost/id sysfs attribute.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM vhost_mdev

#if !defined(_VHOST_MDEV_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _VHOST_MDEV_TRACE_H

#include <linux/tracepoint.h>

TRACE_EVENT(vhost_mdev_set_state,
	TP_PROTO(u32 dev, u32 old, u32 new, int ret),
	TP_ARGS(dev, old, new, ret),
	TP_STRUCT__entry(
		__field(u32, dev)
		__field(u32, old)
		__field(u32, new)
		__field(int, ret)
	),
	TP_fast_assign(
		__entry->dev = dev;
		__entry->old = old;
		__entry->new = new;
		__entry->ret = ret;
	),
	TP_printk("dev=%u old=%u new=%u ret=%d", __entry->dev, __entry->old,
		  __entry->new, __entry->ret)
);

DECLARE_EVENT_CLASS(vhost_mdev_vq_event,
	TP_PROTO(u32 dev, u16 vq),
	TP_ARGS(dev, vq),
	TP_STRUCT__entry(
		__field(u32, dev)
		__field(u16, vq)
	),
	TP_fast_assign(
		__entry->dev = dev;
		__entry->vq = vq;
	),
	TP_printk("dev=%u vq=%u", __entry->dev, __entry->vq)
);

/* A kick reached the device: fired in the kick eventfd's wake-up. */
DEFINE_EVENT(vhost_mdev_vq_event, vhost_mdev_kick,
	TP_PROTO(u32 dev, u16 vq),
	TP_ARGS(dev, vq)
);

/* The parent started processing the vq after a kick. */
DEFINE_EVENT(vhost_mdev_vq_event, vhost_mdev_process,
	TP_PROTO(u32 dev, u16 vq),
	TP_ARGS(dev, vq)
);

/* The device raised the vq's interrupt (call eventfd signalled). */
DEFINE_EVENT(vhost_mdev_vq_event, vhost_mdev_call,
	TP_PROTO(u32 dev, u16 vq),
	TP_ARGS(dev, vq)
);

/* The device published count used entries on vq; used->idx is now idx. */
TRACE_EVENT(vhost_mdev_used,
	TP_PROTO(u32 dev, u16 vq, u16 idx, u16 count),
	TP_ARGS(dev, vq, idx, count),
	TP_STRUCT__entry(
		__field(u32, dev)
		__field(u16, vq)
		__field(u16, idx)
		__field(u16, count)
	),
	TP_fast_assign(
		__entry->dev = dev;
		__entry->vq = vq;
		__entry->idx = idx;
		__entry->count = count;
	),
	TP_printk("dev=%u vq=%u idx=%u count=%u", __entry->dev, __entry->vq,
		  __entry->idx, __entry->count)
);

DECLARE_EVENT_CLASS(vhost_mdev_vring_base_event,
	TP_PROTO(u32 dev, u16 vq, u32 value),
	TP_ARGS(dev, vq, value),
	TP_STRUCT__entry(
		__field(u32, dev)
		__field(u16, vq)
		__field(u32, value)
	),
	TP_fast_assign(
		__entry->dev = dev;
		__entry->vq = vq;
		__entry->value = value;
	),
	TP_printk("dev=%u vq=%u value=%u", __entry->dev, __entry->vq,
		  __entry->value)
);

DEFINE_EVENT(vhost_mdev_vring_base_event, vhost_mdev_get_vring_base,
	TP_PROTO(u32 dev, u16 vq, u32 value),
	TP_ARGS(dev, vq, value)
);

DEFINE_EVENT(vhost_mdev_vring_base_event, vhost_mdev_set_vring_base,
	TP_PROTO(u32 dev, u16 vq, u32 value),
	TP_ARGS(dev, vq, value)
);

TRACE_EVENT(vhost_mdev_features,
	TP_PROTO(u32 dev, u64 features, int ret),
	TP_ARGS(dev, features, ret),
	TP_STRUCT__entry(
		__field(u32, dev)
		__field(u64, features)
		__field(int, ret)
	),
	TP_fast_assign(
		__entry->dev = dev;
		__entry->features = features;
		__entry->ret = ret;
	),
	TP_printk("dev=%u features=%#llx ret=%d", __entry->dev,
		  __entry->features, __entry->ret)
);

TRACE_EVENT(vhost_mdev_config,
	TP_PROTO(u32 dev, bool write, u32 off, u32 len, int ret),
	TP_ARGS(dev, write, off, len, ret),
	TP_STRUCT__entry(
		__field(u32, dev)
		__field(u8, write)
		__field(u32, off)
		__field(u32, len)
		__field(int, ret)
	),
	TP_fast_assign(
		__entry->dev = dev;
		__entry->write = write;
		__entry->off = off;
		__entry->len = len;
		__entry->ret = ret;
	),
	TP_printk("dev=%u %s off=%u len=%u ret=%d", __entry->dev,
		  __entry->write ? "write" : "read", __entry->off,
		  __entry->len, __entry->ret)
);

/* A page entered the device's translation cache (pinned through VFIO). */
TRACE_EVENT(vhost_mdev_dma_map,
	TP_PROTO(u32 dev, u64 iova, int ret),
	TP_ARGS(dev, iova, ret),
	TP_STRUCT__entry(
		__field(u32, dev)
		__field(u64, iova)
		__field(int, ret)
	),
	TP_fast_assign(
		__entry->dev = dev;
		__entry->iova = iova;
		__entry->ret = ret;
	),
	TP_printk("dev=%u iova=%#llx ret=%d", __entry->dev, __entry->iova,
		  __entry->ret)
);

/* The container unmapped [iova, iova + len): pages dropped and unpinned. */
TRACE_EVENT(vhost_mdev_dma_unmap,
	TP_PROTO(u32 dev, u64 iova, u64 len, u32 pages),
	TP_ARGS(dev, iova, len, pages),
	TP_STRUCT__entry(
		__field(u32, dev)
		__field(u64, iova)
		__field(u64, len)
		__field(u32, pages)
	),
	TP_fast_assign(
		__entry->dev = dev;
		__entry->iova = iova;
		__entry->len = len;
		__entry->pages = pages;
	),
	TP_printk("dev=%u iova=%#llx len=%#llx pages=%u", __entry->dev,
		  __entry->iova, __entry->len, __entry->pages)
);

TRACE_EVENT(vhost_mdev_device_error,
	TP_PROTO(u32 dev, u16 vq, int err),
	TP_ARGS(dev, vq, err),
	TP_STRUCT__entry(
		__field(u32, dev)
		__field(u16, vq)
		__field(int, err)
	),
	TP_fast_assign(
		__entry->dev = dev;
		__entry->vq = vq;
		__entry->err = err;
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
