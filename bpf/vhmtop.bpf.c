// SPDX-License-Identifier: GPL-2.0
/* Per-vq counters of the vhost_mdev data path, for a top-style rate view. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "vhmtop.h"
#include "vhm_tp.bpf.h"
#include "vhm_filter.bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, VHM_MAX_DEV * VHM_MAX_VQ);
	__type(key, __u32);
	__type(value, struct vhmtop_stats);
} stats SEC(".maps");

/* The last used index each vq published (not per CPU: the latest wins). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, VHM_MAX_DEV * VHM_MAX_VQ);
	__type(key, __u32);
	__type(value, __u32);
} used_idx SEC(".maps");

/* Events of devices or vqs beyond the arrays' size (vhm_events.h). */
__u64 out_of_range = 0;

static __always_inline int vq_slot(__u32 dev, __u16 vq)
{
	int slot;

	if (!vhm_wanted(dev, vq))
		return -1;
	slot = vhm_vq_slot(dev, vq);
	if (slot < 0)
		__sync_fetch_and_add(&out_of_range, 1);
	return slot;
}

static __always_inline struct vhmtop_stats *vq_stats(__u32 dev, __u16 vq)
{
	int slot = vq_slot(dev, vq);

	return slot < 0 ? NULL : bpf_map_lookup_elem(&stats, &slot);
}

static __always_inline int count_kick(__u32 dev, __u16 vq, __u16 published)
{
	struct vhmtop_stats *s;

	vhm_note_driver(dev, false);
	s = vq_stats(dev, vq);
	if (s)
		s->kicks++;
	return 0;
}

static __always_inline int count_call(__u32 dev, __u16 vq, __u16 published)
{
	struct vhmtop_stats *s = vq_stats(dev, vq);

	if (s)
		s->calls++;
	return 0;
}

static __always_inline int count_error(__u32 dev, __u16 vq, int err)
{
	struct vhmtop_stats *s = vq_stats(dev, vq);

	if (s)
		s->errors++;
	return 0;
}

static __always_inline int count_used(__u32 dev, __u16 vq, __u16 idx, __u16 n)
{
	int slot = vq_slot(dev, vq);
	struct vhmtop_stats *s;
	__u32 *last;

	if (slot < 0)
		return 0;
	s = bpf_map_lookup_elem(&stats, &slot);
	if (s)
		s->buffers += n;
	last = bpf_map_lookup_elem(&used_idx, &slot);
	if (last)
		*last = idx;
	return 0;
}

/* Only with -p / -c: a state change tells who drives the device. */
static __always_inline int note_state(__u32 dev, __u32 old, __u32 new, int ret)
{
	vhm_note_driver(dev, true);
	return 0;
}

VHM_TP_VQ(vhost_mdev_kick, VHM_EV_KICK, count_kick)
VHM_TP_VQ(vhost_mdev_call, VHM_EV_CALL, count_call)
VHM_TP_ERROR(vhost_mdev_device_error, VHM_EV_ERROR, count_error)
VHM_TP_USED(vhost_mdev_used, VHM_EV_USED, count_used)
VHM_TP_STATE(vhost_mdev_set_state, VHM_EV_SET_STATE, note_state)

char LICENSE[] SEC("license") = "GPL";
