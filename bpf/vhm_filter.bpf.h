/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The filters every tool takes (-d DEV, -q VQ, -p PID, -c COMM), applied in
 * the kernel. A task filter selects devices, not events: the device side of
 * the data path runs in kworkers and kthreads, so a device is traced once a
 * matching task kicked it or changed its state, until another task changes
 * its state.
 */
#ifndef VHM_FILTER_BPF_H
#define VHM_FILTER_BPF_H

#include "vhm_events.h"

const volatile __s64 targ_dev = -1;
const volatile __s32 targ_vq = -1;
const volatile __s32 targ_tgid = -1;
const volatile char targ_comm[16] = {};

/* Devices a matching task drives: 1 when selected (-p / -c only). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, VHM_MAX_DEV);
	__type(key, __u32);
	__type(value, __u32);
} vhm_dev_selected SEC(".maps");

static __always_inline bool vhm_task_filter(void)
{
	return targ_tgid >= 0 || targ_comm[0];
}

static __always_inline bool vhm_task_matches(void)
{
	char comm[16];
	int i;

	if (targ_tgid >= 0 && (bpf_get_current_pid_tgid() >> 32) != targ_tgid)
		return false;
	if (!targ_comm[0])
		return true;
	bpf_get_current_comm(comm, sizeof(comm));
	for (i = 0; i < sizeof(comm); i++) {
		if (comm[i] != targ_comm[i])
			return false;
		if (!comm[i])
			break;
	}
	return true;
}

/*
 * The task in this event drives dev (a kick: select it if it matches; a
 * state change: select it or not).
 */
static __always_inline void vhm_note_driver(__u32 dev, bool owner)
{
	__u32 *sel;

	if (!vhm_task_filter())
		return;
	sel = bpf_map_lookup_elem(&vhm_dev_selected, &dev);
	if (!sel)
		return;
	if (vhm_task_matches())
		*sel = 1;
	else if (owner)
		*sel = 0;
}

/* Does the user want events of (dev, vq)? vq -1: a device-wide event. */
static __always_inline bool vhm_wanted(__u32 dev, int vq)
{
	__u32 *sel;

	if (targ_dev >= 0 && dev != targ_dev)
		return false;
	/* -q: that vq's events only, no device-wide ones. */
	if (targ_vq >= 0 && vq != targ_vq)
		return false;
	if (!vhm_task_filter())
		return true;
	sel = bpf_map_lookup_elem(&vhm_dev_selected, &dev);
	return sel && *sel;
}

/* Index of (dev, vq) in the per-vq arrays, or -1 beyond their size. */
static __always_inline int vhm_vq_slot(__u32 dev, __u32 vq)
{
	if (dev >= VHM_MAX_DEV || vq >= VHM_MAX_VQ)
		return -1;
	return dev * VHM_MAX_VQ + vq;
}

#endif /* VHM_FILTER_BPF_H */
