// SPDX-License-Identifier: GPL-2.0
/* Per-vq counters of the vhost_mdev data path, for a top-style rate view. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "vhmtop.h"
#include "vhm_attach.bpf.h"

const volatile __s64 targ_dev = -1;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct vhmtop_key);
	__type(value, struct vhmtop_stats);
} stats SEC(".maps");

static struct vhmtop_stats zero;

static __always_inline struct vhmtop_stats *vq_stats(__u32 dev, __u16 vq)
{
	struct vhmtop_key key = { .dev = dev, .vq = vq };
	struct vhmtop_stats *s;

	if (targ_dev >= 0 && dev != targ_dev)
		return NULL;
	s = bpf_map_lookup_elem(&stats, &key);
	if (s)
		return s;
	bpf_map_update_elem(&stats, &key, &zero, BPF_NOEXIST);
	return bpf_map_lookup_elem(&stats, &key);
}

static __always_inline int count_kick(__u32 dev, __u16 vq)
{
	struct vhmtop_stats *s = vq_stats(dev, vq);

	if (s)
		__sync_fetch_and_add(&s->kicks, 1);
	return 0;
}

static __always_inline int count_call(__u32 dev, __u16 vq)
{
	struct vhmtop_stats *s = vq_stats(dev, vq);

	if (s)
		__sync_fetch_and_add(&s->calls, 1);
	return 0;
}

static __always_inline int count_error(__u32 dev, __u16 vq)
{
	struct vhmtop_stats *s = vq_stats(dev, vq);

	if (s)
		__sync_fetch_and_add(&s->errors, 1);
	return 0;
}

static __always_inline int count_used(__u32 dev, __u16 vq, __u16 idx, __u16 n)
{
	struct vhmtop_stats *s = vq_stats(dev, vq);

	if (!s)
		return 0;
	__sync_fetch_and_add(&s->buffers, n);
	s->used_idx = idx;
	return 0;
}

VHM_TP(vhost_mdev_kick, count_kick(dev, vq), u32 dev, u16 vq)
VHM_TP(vhost_mdev_call, count_call(dev, vq), u32 dev, u16 vq)
VHM_TP(vhost_mdev_device_error, count_error(dev, vq), u32 dev, u16 vq, int err)
VHM_TP(vhost_mdev_used, count_used(dev, vq, idx, count),
       u32 dev, u16 vq, u16 idx, u16 count)

char LICENSE[] SEC("license") = "GPL";
