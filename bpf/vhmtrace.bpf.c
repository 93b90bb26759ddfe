// SPDX-License-Identifier: GPL-2.0
/* Stream every vhost_mdev tracepoint hit to user space, filtered in-kernel. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "vhmtrace.h"
#include "vhm_attach.bpf.h"

const volatile __s64 targ_dev = -1;
const volatile __s32 targ_vq = -1;
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

	if (!(targ_events & (1U << type)))
		return 0;
	if (targ_dev >= 0 && dev != targ_dev)
		return 0;
	if (targ_vq >= 0 && vq >= 0 && vq != targ_vq)
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

VHM_TP(vhost_mdev_set_state,
       emit(VHM_EV_SET_STATE, dev, -1, old, new, ret),
       u32 dev, u32 old, u32 new, int ret)
VHM_TP(vhost_mdev_kick,
       emit(VHM_EV_KICK, dev, vq, 0, 0, 0),
       u32 dev, u16 vq)
VHM_TP(vhost_mdev_call,
       emit(VHM_EV_CALL, dev, vq, 0, 0, 0),
       u32 dev, u16 vq)
VHM_TP(vhost_mdev_get_vring_base,
       emit(VHM_EV_GET_VRING_BASE, dev, vq, value, 0, 0),
       u32 dev, u16 vq, u32 value)
VHM_TP(vhost_mdev_set_vring_base,
       emit(VHM_EV_SET_VRING_BASE, dev, vq, value, 0, 0),
       u32 dev, u16 vq, u32 value)
VHM_TP(vhost_mdev_features,
       emit(VHM_EV_FEATURES, dev, -1, features, 0, ret),
       u32 dev, u64 features, int ret)
VHM_TP(vhost_mdev_config,
       emit(VHM_EV_CONFIG, dev, -1, off, ((__u64)write << 32) | len, ret),
       u32 dev, bool write, u32 off, u32 len, int ret)
VHM_TP(vhost_mdev_dma_map,
       emit(VHM_EV_DMA_MAP, dev, -1, iova, 0, ret),
       u32 dev, u64 iova, int ret)
VHM_TP(vhost_mdev_dma_unmap,
       emit(VHM_EV_DMA_UNMAP, dev, -1, iova, len, pages),
       u32 dev, u64 iova, u64 len, u32 pages)
VHM_TP(vhost_mdev_device_error,
       emit(VHM_EV_ERROR, dev, vq, 0, 0, err),
       u32 dev, u16 vq, int err)

VHM_TP(vhost_mdev_used,
       emit(VHM_EV_USED, dev, vq, idx, count, 0),
       u32 dev, u16 vq, u16 idx, u16 count)

VHM_TP(vhost_mdev_process,
       emit(VHM_EV_PROCESS, dev, vq, 0, 0, 0),
       u32 dev, u16 vq)

char LICENSE[] SEC("license") = "GPL";
