// SPDX-License-Identifier: GPL-2.0
/*
 * In-kernel latency of the vhost_mdev data and control paths, as log-linear
 * histograms per (device, vq): kick wake-up to call signal, kick to the
 * parent starting the ring, and SET_STATE ioctl duration.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "vhmlat.h"
#include "vhm_attach.bpf.h"

/* _IOW(0xAF, 0x90, __u32): VHOST_MDEV_SET_STATE of linux/vhost_mdev.h. */
#define VHOST_MDEV_SET_STATE_CMD 0x4004af90U

const volatile __s64 targ_dev = -1;
const volatile __s32 targ_vq = -1;

struct vq_key {
	__u32 dev;
	__u32 vq;
};

/* First kick not yet answered by a call, per vq. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct vq_key);
	__type(value, __u64);
} kick_ts SEC(".maps");

/* First kick not yet picked up by the parent's processing, per vq. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct vq_key);
	__type(value, __u64);
} notify_ts SEC(".maps");

/* Processing started after a kick, not yet answered by a call, per vq. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct vq_key);
	__type(value, __u64);
} process_ts SEC(".maps");

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

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct vhmlat_key);
	__type(value, struct vhm_hist);
} hists SEC(".maps");

static struct vhm_hist zero;

static __always_inline bool wanted(__u32 dev, __u32 vq)
{
	if (targ_dev >= 0 && dev != targ_dev)
		return false;
	if (targ_vq >= 0 && vq != 0xffff && vq != targ_vq)
		return false;
	return true;
}

static __always_inline void hist_add(__u32 dev, __u16 vq, __u16 kind, __u64 v)
{
	struct vhmlat_key key = { .dev = dev, .vq = vq, .kind = kind };
	struct vhm_hist *h;
	unsigned int slot;

	h = bpf_map_lookup_elem(&hists, &key);
	if (!h) {
		bpf_map_update_elem(&hists, &key, &zero, BPF_NOEXIST);
		h = bpf_map_lookup_elem(&hists, &key);
		if (!h)
			return;
	}
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

static __always_inline int on_kick(__u32 dev, __u16 vq)
{
	struct vq_key key = { .dev = dev, .vq = vq };
	__u64 now;

	if (!wanted(dev, vq))
		return 0;
	now = bpf_ktime_get_ns();
	/* Keep the oldest unanswered kick: that is what the driver waits on. */
	bpf_map_update_elem(&kick_ts, &key, &now, BPF_NOEXIST);
	bpf_map_update_elem(&notify_ts, &key, &now, BPF_NOEXIST);
	return 0;
}

static __always_inline int since(void *map, __u32 dev, __u16 vq, __u16 kind)
{
	struct vq_key key = { .dev = dev, .vq = vq };
	__u64 *ts;

	if (!wanted(dev, vq))
		return 0;
	ts = bpf_map_lookup_elem(map, &key);
	if (!ts)
		return 0;
	hist_add(dev, vq, kind, bpf_ktime_get_ns() - *ts);
	bpf_map_delete_elem(map, &key);
	return 0;
}

/* Processing that follows a kick splits kick_to_call in two. */
static __always_inline int on_process(__u32 dev, __u16 vq)
{
	struct vq_key key = { .dev = dev, .vq = vq };
	__u64 *ts, now;

	if (!wanted(dev, vq))
		return 0;
	ts = bpf_map_lookup_elem(&notify_ts, &key);
	if (!ts)
		return 0;
	now = bpf_ktime_get_ns();
	hist_add(dev, vq, VHMLAT_KICK_TO_PROCESS, now - *ts);
	bpf_map_delete_elem(&notify_ts, &key);
	bpf_map_update_elem(&process_ts, &key, &now, BPF_NOEXIST);
	return 0;
}

/*
 * A call answers every kick before it. A device that was already running
 * may start on a vq's entries before their kick arrives; that kick then
 * has no processing start of its own, and is dropped here rather than
 * paired with a later one.
 */
static __always_inline int on_call(__u32 dev, __u16 vq)
{
	struct vq_key key = { .dev = dev, .vq = vq };

	since(&process_ts, dev, vq, VHMLAT_PROCESS_TO_CALL);
	since(&kick_ts, dev, vq, VHMLAT_KICK_TO_CALL);
	bpf_map_delete_elem(&notify_ts, &key);
	return 0;
}

static __always_inline int on_ioctl_entry(unsigned int cmd)
{
	struct ioctl_start s = { .dev = -1 };
	__u32 tid = bpf_get_current_pid_tgid();

	if (cmd != VHOST_MDEV_SET_STATE_CMD)
		return 0;
	s.ts = bpf_ktime_get_ns();
	bpf_map_update_elem(&ioctl_ts, &tid, &s, BPF_ANY);
	return 0;
}

/* The set_state tracepoint, inside the ioctl, names the device. */
static __always_inline int on_set_state(__u32 dev)
{
	__u32 tid = bpf_get_current_pid_tgid();
	struct ioctl_start *s = bpf_map_lookup_elem(&ioctl_ts, &tid);

	if (s)
		s->dev = dev;
	return 0;
}

static __always_inline int on_ioctl_exit(void)
{
	__u32 tid = bpf_get_current_pid_tgid();
	struct ioctl_start *s = bpf_map_lookup_elem(&ioctl_ts, &tid);

	if (!s)
		return 0;
	if (s->dev >= 0 && wanted(s->dev, 0xffff))
		hist_add(s->dev, 0xffff, VHMLAT_SET_STATE, bpf_ktime_get_ns() - s->ts);
	bpf_map_delete_elem(&ioctl_ts, &tid);
	return 0;
}

VHM_TP(vhost_mdev_kick, on_kick(dev, vq), u32 dev, u16 vq)
VHM_TP(vhost_mdev_process, on_process(dev, vq), u32 dev, u16 vq)
VHM_TP(vhost_mdev_call, on_call(dev, vq), u32 dev, u16 vq)
VHM_TP(vhost_mdev_set_state, on_set_state(dev),
       u32 dev, u32 old, u32 new, int ret)

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
