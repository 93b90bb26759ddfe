// SPDX-License-Identifier: GPL-2.0
/*
 * In-kernel latency of the vhost_mdev data and control paths, as log-linear
 * histograms: kick to the interrupt that answers it, split at the parent's
 * processing start, and SET_STATE duration. Only the events the asked kinds
 * need are attached (the loader decides); state and histograms are in
 * arrays, the histograms behind a map-in-map the loader swaps to read an
 * interval whole.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "vhmlat.h"
#include "vhm_tp.bpf.h"
#include "vhm_filter.bpf.h"

const volatile bool split_dev;
const volatile bool split_vq;
/* The process event is attached: pair through it (all three kinds). */
const volatile bool with_process;
const volatile __u32 kinds = ~0U;
/* VHOST_MDEV_SET_STATE, from the uapi header, set by the loader. */
const volatile __u32 set_state_cmd;

/*
 * Pairing state of a vq: the oldest kick not yet answered, packed with the
 * vq's publication count at the kick (the kick, process and call events
 * carry it), and when the processing it asked for started. The call of the
 * first publication after the kick answers it; a later call means that
 * publication raised no interrupt (the driver suppressed it): the kick is
 * dropped, never paired with an interrupt that answers other work.
 *
 * A device that looks at its ring once more after an interrupt can take a
 * frame before the frame's kick lands: that call then finds no kick, and
 * the kick, which read the count from before, would wait for a later
 * publication and hold off the next kick. The count of the last call seen
 * tells such a kick (overtaken) apart; it is dropped and counted.
 */
#define TS_BITS		48
#define TS_MASK		((1ULL << TS_BITS) - 1)
#define CALLED_SEEN	(1U << 16)

struct vq_pair {
	__u64 kick;		/* time << 16 | published; 0: none */
	__u64 proc;		/* its processing start; 0: not seen */
	__u32 called;		/* CALLED_SEEN | published of the last call */
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, VHM_MAX_DEV * VHM_MAX_VQ);
	__type(key, __u32);
	__type(value, struct vq_pair);
} pairs SEC(".maps");

/*
 * The histograms being filled: an array of struct vhm_hist, one per index
 * (vhmlat.h). The loader makes two and swaps the other one in. A plain
 * array: its lookup is inlined, a per-CPU one's is a call on 6.1.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 1);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
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
/* Kicks dropped: a call after their publication count came first. */
__u64 overtaken = 0;
/* Events of devices or vqs beyond the arrays' size (vhm_events.h). */
__u64 out_of_range = 0;

static __always_inline void hist_add(__u32 dev, __u32 vq, __u32 kind, __u64 v)
{
	__u32 zero = 0, idx, slot;
	struct vhm_hist *h;
	void *inner;

	if (!(kinds & (1U << kind)))
		return;
	idx = (split_dev ? dev : 0) * (split_vq ? VHM_MAX_VQ : 1) +
	      (split_vq ? vq : 0);
	idx = kind + VHMLAT_KIND_MAX * idx;
	inner = bpf_map_lookup_elem(&hists, &zero);
	if (!inner)
		return;
	h = bpf_map_lookup_elem(inner, &idx);
	if (!h)
		return;
	slot = vhm_hist_slot(v);
	/*
	 * Hide slot from the compiler so it keeps the mask: the verifier
	 * needs to see the bound on the register it indexes with.
	 */
	asm volatile("" : "+r"(slot));
	slot &= VHM_HIST_SLOTS - 1;
	__sync_fetch_and_add(&h->slots[slot], 1);
	__sync_fetch_and_add(&h->count, 1);
	__sync_fetch_and_add(&h->sum, v);
	/* min/max race between CPUs; a lost update only widens the error. */
	if (!h->min || v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
}

static __always_inline struct vq_pair *pair_of(__u32 dev, __u32 vq)
{
	int slot;

	if (!vhm_wanted(dev, vq))
		return NULL;
	slot = vhm_vq_slot(dev, vq);
	if (slot < 0) {
		__sync_fetch_and_add(&out_of_range, 1);
		return NULL;
	}
	return bpf_map_lookup_elem(&pairs, &slot);
}

/* Has a call of a publication after this count been seen? */
static __always_inline bool overtaken_at(struct vq_pair *p, __u16 published)
{
	__u32 called = *(volatile __u32 *)&p->called;

	return (called & CALLED_SEEN) && (__s16)((__u16)called - published) > 0;
}

static __always_inline int on_kick(__u32 dev, __u16 vq, __u16 published)
{
	struct vq_pair *p;
	__u64 kick;

	vhm_note_driver(dev, false);
	p = pair_of(dev, vq);
	if (!p)
		return 0;
	if (overtaken_at(p, published))
		goto overtaken;
	/* Keep the oldest unanswered kick: that is what the driver waits on. */
	kick = bpf_ktime_get_ns() << 16 | published;
	if (__sync_val_compare_and_swap(&p->kick, 0, kick))
		return 0;
	/* A call between the check and the store did not see this kick. */
	if (!overtaken_at(p, published) ||
	    __sync_val_compare_and_swap(&p->kick, kick, 0) != kick)
		return 0;
overtaken:
	__sync_fetch_and_add(&overtaken, 1);
	return 0;
}

/* Entries of a kick are about to be consumed (once per kick). */
static __always_inline int on_process(__u32 dev, __u16 vq, __u16 published)
{
	struct vq_pair *p = pair_of(dev, vq);

	if (p && p->kick)
		__sync_val_compare_and_swap(&p->proc, 0, bpf_ktime_get_ns());
	return 0;
}

static __always_inline int on_call(__u32 dev, __u16 vq, __u16 published)
{
	struct vq_pair *p = pair_of(dev, vq);
	__u64 now, kick, kick_ts, proc;
	__u16 after;

	if (!p)
		return 0;
	*(volatile __u32 *)&p->called = CALLED_SEEN | published;
	kick = __sync_lock_test_and_set(&p->kick, 0);
	if (!kick)
		return 0;
	after = published - (__u16)kick;
	/* Kicked after the publication this call is for: keep waiting. */
	if (!after) {
		__sync_val_compare_and_swap(&p->kick, 0, kick);
		return 0;
	}
	proc = with_process ? __sync_lock_test_and_set(&p->proc, 0) : 0;
	if (after != 1) {
		__sync_fetch_and_add(&unanswered, 1);
		return 0;
	}
	now = bpf_ktime_get_ns();
	kick_ts = kick >> 16;
	hist_add(dev, vq, VHMLAT_KICK_TO_CALL, (now - kick_ts) & TS_MASK);
	if (with_process && proc) {
		hist_add(dev, vq, VHMLAT_KICK_TO_PROCESS,
			 (proc - kick_ts) & TS_MASK);
		hist_add(dev, vq, VHMLAT_PROCESS_TO_CALL, now - proc);
	}
	return 0;
}

/* A state change starts pairing afresh, and names the ioctl's device. */
static __always_inline int on_set_state(__u32 dev, __u32 old, __u32 new,
					int ret)
{
	__u32 tid = bpf_get_current_pid_tgid();
	struct ioctl_start *s;
	struct vq_pair *p;
	int vq, slot;

	vhm_note_driver(dev, true);
	s = bpf_map_lookup_elem(&ioctl_ts, &tid);
	if (s)
		s->dev = dev;
	for (vq = 0; vq < VHM_MAX_VQ; vq++) {
		slot = vhm_vq_slot(dev, vq);
		p = slot < 0 ? NULL : bpf_map_lookup_elem(&pairs, &slot);
		if (p)
			__builtin_memset(p, 0, sizeof(*p));
	}
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
			 bpf_ktime_get_ns() - s->ts);
	bpf_map_delete_elem(&ioctl_ts, &tid);
	return 0;
}

VHM_TP_VQ(vhost_mdev_kick, VHM_EV_KICK, on_kick)
VHM_TP_VQ(vhost_mdev_process, VHM_EV_PROCESS, on_process)
VHM_TP_VQ(vhost_mdev_call, VHM_EV_CALL, on_call)
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
