// SPDX-License-Identifier: GPL-2.0
/*
 * In-kernel latency of the vhost_mdev data and control paths, as log-linear
 * histograms: kick to the interrupt that answers it, split at the parent's
 * processing start, and SET_STATE duration. The module pairs each interrupt
 * with its kick and its call_latency event carries the times, so the data
 * path costs one event a round trip; the process event is attached only
 * for the split, the kick event only for a task filter (the loader
 * decides).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "vhmlat.h"
#include "vhm_tp.bpf.h"
#include "vhm_filter.bpf.h"

const volatile bool split_dev;
const volatile bool split_vq;
/* Any of -d, -q, -p, -c, -D or -Q: the call's dev and vq are read. */
const volatile bool by_vq;
/*
 * vhm_hist_slot() of 0..1023, filled by the loader: a value is shifted
 * right by whole bytes until below 1024 (keeping its top three bits), and
 * its slot is this one's plus 4 per bit shifted. BPF has no clz; this takes
 * three compares and a load where a binary search takes six rounds of
 * variable shifts.
 */
const volatile __u8 slot_of[1024];
const volatile __u32 kinds = ~0U;
/* VHOST_MDEV_SET_STATE, from the uapi header, set by the loader. */
const volatile __u32 set_state_cmd;

/*
 * The histograms only grow: the loader reads an interval as the difference
 * from the last read (nothing is lost or counted twice), and takes min and
 * max by exchange. Unsplit (no -D, -Q), one per kind at a fixed address;
 * split, one per index (vhmlat.h) in an array the loader sizes.
 */
struct vhm_hist hist_all[VHMLAT_KIND_MAX] = {};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct vhm_hist);
} hists SEC(".maps");

/* SET_STATE ioctls in flight, per thread: start time and device. */
struct ioctl_start {
	__u64 ts;
	__s64 dev;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, struct ioctl_start);
} ioctl_ts SEC(".maps");

/* Kicks dropped: the publication after them raised no interrupt. */
__u64 unanswered = 0;
/* Kicks dropped: they landed after the device took their entries. */
__u64 overtaken = 0;
/* Events of devices or vqs beyond the split arrays' size (vhm_events.h). */
__u64 out_of_range = 0;

static __always_inline unsigned int hist_slot(__u64 v)
{
	unsigned int shift = 0;

	if (v >> 34) {
		v >>= 32;
		shift = 32;
	}
	if (v >> 18) {
		v >>= 16;
		shift += 16;
	}
	if (v >> 10) {
		v >>= 8;
		shift += 8;
	}
	return slot_of[v & 1023] + (shift << VHM_HIST_SUB_BITS);
}

/*
 * A sample of kind. plain: the caller checked that nothing is filtered or
 * split and that kind is asked.
 */
static __always_inline void hist_add(__u32 dev, __u32 vq, __u32 kind, __u64 v,
				     bool plain)
{
	__u32 idx = kind, slot;
	struct vhm_hist *h;

	if (!plain && !(kinds & (1U << kind)))
		return;
	if (!plain && (split_dev || split_vq)) {
		idx += VHMLAT_KIND_MAX *
		       ((split_dev ? dev : 0) * (split_vq ? VHM_MAX_VQ : 1) +
			(split_vq ? vq : 0));
		h = bpf_map_lookup_elem(&hists, &idx);
		if (!h)
			return;
	} else {
		h = &hist_all[kind];
	}
	slot = hist_slot(v);
	/*
	 * Hide slot from the compiler so it keeps the mask: the verifier
	 * needs to see the bound on the register it indexes with.
	 */
	asm volatile("" : "+r"(slot));
	slot &= VHM_HIST_SLOTS - 1;
	/* The count is the slots' sum: the loader adds them up. */
	__sync_fetch_and_add(&h->slots[slot], 1);
	__sync_fetch_and_add(&h->sum, v);
	/* min/max race between CPUs; a lost update only widens the error. */
	if (!h->min || v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
}

/* A kick: only with -p or -c, to learn which devices the task drives. */
static __always_inline int on_kick(__u32 dev, __u16 vq, __u16 published)
{
	vhm_note_driver(dev, false);
	return 0;
}

/* Attached only so the module times the processing start (the split). */
static __always_inline int on_process(__u32 dev, __u16 vq, __u16 published)
{
	return 0;
}

/*
 * A field of the call_latency event: from its struct (tp_btf, e set) or its
 * record (tracepoint, e NULL). Read only where used: each read from the
 * struct is a checked load.
 */
#define CALL_FIELD(e, rec, f, id, type)					\
	((e) ? (type)(e)->f : (type)vhm_rec(rec, VHM_EV_CALL_LATENCY, id, sizeof(type)))

/* plain: nothing filtered or split, kick_to_call only (the loader's pick). */
static __always_inline int
on_call(const struct vhost_mdev_tp_call_latency *e, void *rec, bool plain)
{
	__u64 to_call, to_process;
	__u32 dev = 0, vq = 0;
	__u16 dropped;

	if (!plain && by_vq) {
		dev = CALL_FIELD(e, rec, dev, VHM_F_DEV, __u32);
		vq = CALL_FIELD(e, rec, vq, VHM_F_VQ, __u16);
		if (!vhm_wanted(dev, vq))
			return 0;
		if ((split_dev && dev >= VHM_MAX_DEV) ||
		    (split_vq && vq >= VHM_MAX_VQ)) {
			__sync_fetch_and_add(&out_of_range, 1);
			return 0;
		}
	}
	dropped = CALL_FIELD(e, rec, overtaken, VHM_F_OVERTAKEN, __u16);
	if (dropped)
		__sync_fetch_and_add(&overtaken, dropped);
	to_call = CALL_FIELD(e, rec, kick_to_call_ns, VHM_F_KICK_TO_CALL, __u64);
	if (!to_call) {
		if (CALL_FIELD(e, rec, unanswered, VHM_F_UNANSWERED, __u8))
			__sync_fetch_and_add(&unanswered, 1);
		return 0;
	}
	hist_add(dev, vq, VHMLAT_KICK_TO_CALL, to_call, plain);
	if (plain || !(kinds & VHMLAT_PROCESS_KINDS))
		return 0;
	to_process = CALL_FIELD(e, rec, kick_to_process_ns,
				VHM_F_KICK_TO_PROCESS, __u64);
	if (to_process) {
		hist_add(dev, vq, VHMLAT_KICK_TO_PROCESS, to_process, false);
		hist_add(dev, vq, VHMLAT_PROCESS_TO_CALL, to_call - to_process,
			 false);
	}
	return 0;
}

/* A state change names the ioctl's device (and selects it for -p / -c). */
static __always_inline int on_set_state(__u32 dev, __u32 old, __u32 new,
					int ret)
{
	__u32 tid = bpf_get_current_pid_tgid();
	struct ioctl_start *s;

	vhm_note_driver(dev, true);
	s = bpf_map_lookup_elem(&ioctl_ts, &tid);
	if (s)
		s->dev = dev;
	return 0;
}

static __always_inline int on_ioctl_entry(unsigned int cmd)
{
	struct ioctl_start s = { .dev = -1 };
	__u32 tid = bpf_get_current_pid_tgid();

	if (cmd != set_state_cmd)
		return 0;
	s.ts = bpf_ktime_get_ns();
	bpf_map_update_elem(&ioctl_ts, &tid, &s, BPF_ANY);
	return 0;
}

static __always_inline int on_ioctl_exit(void)
{
	__u32 tid = bpf_get_current_pid_tgid();
	struct ioctl_start *s = bpf_map_lookup_elem(&ioctl_ts, &tid);

	if (!s)
		return 0;
	if (s->dev >= 0 && s->dev < VHM_MAX_DEV && vhm_wanted(s->dev, -1))
		hist_add(s->dev, 0, VHMLAT_SET_STATE,
			 bpf_ktime_get_ns() - s->ts, false);
	bpf_map_delete_elem(&ioctl_ts, &tid);
	return 0;
}

VHM_TP_VQ(vhost_mdev_kick, VHM_EV_KICK, on_kick)
VHM_TP_VQ(vhost_mdev_process, VHM_EV_PROCESS, on_process)
/* Both attach modes, general and plain: the loader keeps one. */
#define VHMLAT_CALL_PROGS(suffix, plain)				\
	SEC("tp_btf/vhost_mdev_call_latency")				\
	int BPF_PROG(btf_vhost_mdev_call_latency##suffix,		\
		     const struct vhost_mdev_tp_call_latency *e)	\
	{								\
		/* 6.12's verifier takes any tp_btf pointer for nullable. */ \
		return e ? on_call(e, NULL, plain) : 0;			\
	}								\
	SEC("tracepoint/vhost_mdev/vhost_mdev_call_latency")		\
	int fb_vhost_mdev_call_latency##suffix(void *ctx)		\
	{								\
		return on_call(NULL, ctx, plain);			\
	}

VHMLAT_CALL_PROGS(, false)
VHMLAT_CALL_PROGS(_plain, true)
VHM_TP_STATE(vhost_mdev_set_state, VHM_EV_SET_STATE, on_set_state)

struct vfio_device;

SEC("fentry/vhost_mdev_ioctl")
int BPF_PROG(btf_ioctl_entry, struct vfio_device *vdev, unsigned int cmd)
{
	return on_ioctl_entry(cmd);
}

SEC("fexit/vhost_mdev_ioctl")
int BPF_PROG(btf_ioctl_exit)
{
	return on_ioctl_exit();
}

SEC("kprobe/vhost_mdev_ioctl")
int BPF_KPROBE(kp_ioctl_entry, struct vfio_device *vdev, unsigned int cmd)
{
	return on_ioctl_entry(cmd);
}

SEC("kretprobe/vhost_mdev_ioctl")
int BPF_KRETPROBE(kp_ioctl_exit)
{
	return on_ioctl_exit();
}

char LICENSE[] SEC("license") = "GPL";
