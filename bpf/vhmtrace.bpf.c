// SPDX-License-Identifier: GPL-2.0
/* Stream every vhost_mdev tracepoint hit to user space, filtered in-kernel. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "vhmtrace.h"
#include "vhm_tp.bpf.h"
#include "vhm_filter.bpf.h"

const volatile __u32 targ_events = ~0U;	/* bit per enum vhm_event */

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} events SEC(".maps");

/* Events the ring buffer had no room for. */
__u64 dropped = 0;

static __always_inline int emit(__u16 type, __u32 dev, int vq, __u64 a,
				__u64 b, __s32 ret)
{
	struct vhmtrace_event *e;

	if (!(targ_events & (1U << type)) || !vhm_wanted(dev, vq))
		return 0;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		__sync_fetch_and_add(&dropped, 1);
		return 0;
	}
	e->ts_ns = bpf_ktime_get_ns();
	e->type = type;
	e->dev = dev;
	e->vq = vq < 0 ? 0xffff : vq;
	e->a = a;
	e->b = b;
	e->ret = ret;
	e->pid = bpf_get_current_pid_tgid() >> 32;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bpf_ringbuf_submit(e, 0);
	return 0;
}

static __always_inline int ev_set_state(__u32 dev, __u32 old, __u32 new,
					int ret)
{
	vhm_note_driver(dev, true);
	return emit(VHM_EV_SET_STATE, dev, -1, old, new, ret);
}

static __always_inline int ev_kick(__u32 dev, __u16 vq, __u16 published)
{
	vhm_note_driver(dev, false);
	return emit(VHM_EV_KICK, dev, vq, published, 0, 0);
}

static __always_inline int ev_call(__u32 dev, __u16 vq, __u16 published)
{
	return emit(VHM_EV_CALL, dev, vq, published, 0, 0);
}

/* a, b: the two latencies; ret: overtaken, unanswered in bit 16. */
static __always_inline int ev_call_latency(__u32 dev, __u16 vq, __u64 to_call,
					   __u64 to_process, __u16 overtaken,
					   __u8 unanswered)
{
	return emit(VHM_EV_CALL_LATENCY, dev, vq, to_call, to_process,
		    overtaken | (unanswered ? 1 << 16 : 0));
}

static __always_inline int ev_process(__u32 dev, __u16 vq, __u16 published)
{
	return emit(VHM_EV_PROCESS, dev, vq, published, 0, 0);
}

static __always_inline int ev_used(__u32 dev, __u16 vq, __u16 idx,
				   __u16 count)
{
	return emit(VHM_EV_USED, dev, vq, idx, count, 0);
}

static __always_inline int ev_get_base(__u32 dev, __u16 vq, __u32 value)
{
	return emit(VHM_EV_GET_VRING_BASE, dev, vq, value, 0, 0);
}

static __always_inline int ev_set_base(__u32 dev, __u16 vq, __u32 value)
{
	return emit(VHM_EV_SET_VRING_BASE, dev, vq, value, 0, 0);
}

static __always_inline int ev_features(__u32 dev, __u64 features, int ret)
{
	return emit(VHM_EV_FEATURES, dev, -1, features, 0, ret);
}

static __always_inline int ev_config(__u32 dev, __u8 write, __u32 off,
				     __u32 len, int ret)
{
	return emit(VHM_EV_CONFIG, dev, -1, off, ((__u64)write << 32) | len,
		    ret);
}

static __always_inline int ev_dma_map(__u32 dev, __u64 iova, int ret)
{
	return emit(VHM_EV_DMA_MAP, dev, -1, iova, 0, ret);
}

static __always_inline int ev_dma_unmap(__u32 dev, __u64 iova, __u64 len,
					__u32 pages)
{
	return emit(VHM_EV_DMA_UNMAP, dev, -1, iova, len, pages);
}

static __always_inline int ev_error(__u32 dev, __u16 vq, int err)
{
	return emit(VHM_EV_ERROR, dev, vq, 0, 0, err);
}

VHM_TP_STATE(vhost_mdev_set_state, VHM_EV_SET_STATE, ev_set_state)
VHM_TP_VQ(vhost_mdev_kick, VHM_EV_KICK, ev_kick)
VHM_TP_VQ(vhost_mdev_call, VHM_EV_CALL, ev_call)
VHM_TP_CALL_LATENCY(vhost_mdev_call_latency, VHM_EV_CALL_LATENCY,
		    ev_call_latency)
VHM_TP_VQ(vhost_mdev_process, VHM_EV_PROCESS, ev_process)
VHM_TP_USED(vhost_mdev_used, VHM_EV_USED, ev_used)
VHM_TP_VRING_BASE(vhost_mdev_get_vring_base, VHM_EV_GET_VRING_BASE,
		  ev_get_base)
VHM_TP_VRING_BASE(vhost_mdev_set_vring_base, VHM_EV_SET_VRING_BASE,
		  ev_set_base)
VHM_TP_FEATURES(vhost_mdev_features, VHM_EV_FEATURES, ev_features)
VHM_TP_CONFIG(vhost_mdev_config, VHM_EV_CONFIG, ev_config)
VHM_TP_DMA_MAP(vhost_mdev_dma_map, VHM_EV_DMA_MAP, ev_dma_map)
VHM_TP_DMA_UNMAP(vhost_mdev_dma_unmap, VHM_EV_DMA_UNMAP, ev_dma_unmap)
VHM_TP_ERROR(vhost_mdev_device_error, VHM_EV_ERROR, ev_error)

char LICENSE[] SEC("license") = "GPL";
