// SPDX-License-Identifier: GPL-2.0
/*
 * vhost-mdev: a VFIO mediated device whose device fd speaks the vhost ioctl
 * API. DMA goes through the VFIO container: ring and buffer addresses are
 * IOVAs, every access is a vfio_dma_rw() (see vhost_mdev_dma.c).
 *
 * The core owns the VFIO device, the state machine, the vring configuration
 * and the eventfds; a parent driver (see vhost_mdev.h) does the processing.
 * Instances of a virtio mdev type are virtio devices instead (see
 * vhost_mdev_virtio.c): same parent, same state machine, DMA confined to
 * what the virtio driver mapped.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/eventfd.h>
#include <linux/file.h>
#include <linux/highmem.h>
#include <linux/idr.h>
#include <linux/iommu.h>
#include <linux/mdev.h>
#include <linux/module.h>
#include <linux/nospec.h>
#include <linux/poll.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vfio.h>
#include <linux/vhost.h>
#include <linux/virtio_ring.h>
#include <linux/vhost_mdev.h>
#ifdef CONFIG_X86_TSC
#include <asm/tsc.h>
#endif

#include "vhost_mdev_compat.h"
#include "vhost_mdev_internal.h"

#define CREATE_TRACE_POINTS
#include "vhost_mdev_trace.h"

static DEFINE_IDA(vhost_mdev_ida);

static struct vhost_mdev_device *vhost_mdev_from_vfio(struct vfio_device *vdev)
{
	return container_of(vdev, struct vhost_mdev_device, vdev);
}

static bool vhost_mdev_vq_ready(const struct vhost_mdev_vq *vq)
{
	return vq->num && vq->addr_set;
}

/* --- DMA: through the consumer (vhost_mdev_dma.c) ---------------------- */

int vhost_mdev_dma_read(struct vhost_mdev_device *vmdev, u64 iova,
			void *buf, size_t len)
{
	return vmdev->cops->rw(vmdev, iova, buf, len, false);
}
EXPORT_SYMBOL_GPL(vhost_mdev_dma_read);

int vhost_mdev_dma_write(struct vhost_mdev_device *vmdev, u64 iova,
			 const void *buf, size_t len)
{
	return vmdev->cops->rw(vmdev, iova, (void *)buf, len, true);
}
EXPORT_SYMBOL_GPL(vhost_mdev_dma_write);

int vhost_mdev_dma_get_u16(struct vhost_mdev_device *vmdev, u64 iova,
			   u16 *val)
{
	return vmdev->cops->u16(vmdev, iova, val, false);
}
EXPORT_SYMBOL_GPL(vhost_mdev_dma_get_u16);

int vhost_mdev_dma_put_u16(struct vhost_mdev_device *vmdev, u64 iova,
			   u16 val)
{
	return vmdev->cops->u16(vmdev, iova, &val, true);
}
EXPORT_SYMBOL_GPL(vhost_mdev_dma_put_u16);

/* --- interrupts and errors, called by the parent ------------------------ */

static void vhost_mdev_vfio_call(struct vhost_mdev_device *vmdev, u16 vq)
{
	struct eventfd_ctx *call = vmdev->vqs[vq].call;

	if (call)
		vhost_mdev_eventfd_signal(call);
}

/* A user driver over VFIO: container IOVAs, eventfd interrupts. */
static const struct vhost_mdev_consumer_ops vhost_mdev_vfio_consumer = {
	.rw	= vhost_mdev_vfio_rw,
	.u16	= vhost_mdev_vfio_u16,
	.call	= vhost_mdev_vfio_call,
};

/* The ops of a consumer, NULL when this kernel lacks it (vDPA on 6.1). */
static const struct vhost_mdev_consumer_ops *
vhost_mdev_consumer_ops(enum vhost_mdev_consumer consumer)
{
	switch (consumer) {
	case VHOST_MDEV_CONSUMER_VFIO:
		return &vhost_mdev_vfio_consumer;
	case VHOST_MDEV_CONSUMER_VIRTIO:
		return &vhost_mdev_virtio_consumer;
	case VHOST_MDEV_CONSUMER_VDPA:
		return vhost_mdev_vdpa_cops();
	}
	return NULL;
}

/*
 * Kick-to-interrupt timing, while the call_latency event is on: the core
 * pairs each interrupt with the kick it answers and the event carries the
 * time, so a tool needs one event a round trip, not two. A kick is stamped
 * with the vq's publication count; the interrupt of the first publication
 * after it answers it. A later one means that publication raised none (the
 * driver suppressed it): the kick is dropped, never paired with an
 * interrupt that answers other work. A state change starts afresh.
 *
 * A device that looks at its ring once more after an interrupt can take an
 * entry before the entry's kick lands: the kick then finds the count of an
 * interrupt after its own and is dropped as overtaken, instead of waiting
 * for a later publication and holding off the next kick.
 *
 * Times are kept as clock << 16 | count, for one cmpxchg; differences of
 * the shifted values are right modulo 2^48 ticks.
 */
#define VHOST_MDEV_STAMP_SHIFT	16
#define VHOST_MDEV_CALLED_SEEN	BIT(16)

/*
 * The clock: a kick and its interrupt may be on different CPUs. Where the
 * kernel trusts the TSC to be in step across CPUs it is read raw (one
 * instruction, where ktime takes some fifty) and only a difference is
 * turned into ns; elsewhere ktime. Chosen when the event goes on.
 */
static unsigned int vhost_mdev_timing_khz;	/* TSC kHz; 0: ktime */

/*
 * Each time the event goes on: a vq whose stamps are from before (a kick
 * stamped while it was last on) drops them when it next sees the event.
 */
static atomic_t vhost_mdev_timing_gen;

int vhost_mdev_call_latency_reg(void)
{
	atomic_inc(&vhost_mdev_timing_gen);
#ifdef CONFIG_X86_TSC
	WRITE_ONCE(vhost_mdev_timing_khz, check_tsc_unstable() ? 0 : tsc_khz);
#endif
	return 0;
}

static u64 vhost_mdev_stamp_now(void)
{
	u64 now;

#ifdef CONFIG_X86_TSC
	if (likely(READ_ONCE(vhost_mdev_timing_khz)))
		now = rdtsc();
	else
#endif
		now = ktime_get_ns();
	return now << VHOST_MDEV_STAMP_SHIFT;
}

static u64 vhost_mdev_stamp_ns(u64 from, u64 to)
{
	u64 mask = GENMASK_ULL(63, VHOST_MDEV_STAMP_SHIFT);
	u64 ticks = ((to & mask) - (from & mask)) >> VHOST_MDEV_STAMP_SHIFT;
#ifdef CONFIG_X86_TSC
	unsigned int khz = READ_ONCE(vhost_mdev_timing_khz);

	if (likely(khz))
		return mul_u64_u32_div(ticks, NSEC_PER_MSEC, khz);
#endif
	return ticks;
}

/* Has an interrupt of a publication after this count been raised? */
static bool vhost_mdev_kick_overtaken(struct vhost_mdev_vq *vq, u16 published)
{
	u32 called = READ_ONCE(vq->called);

	return (called & VHOST_MDEV_CALLED_SEEN) &&
	       (s16)((u16)called - published) > 0;
}

static void vhost_mdev_timing_reset(struct vhost_mdev_vq *vq)
{
	WRITE_ONCE(vq->kick_stamp, 0);
	WRITE_ONCE(vq->process_stamp, 0);
	WRITE_ONCE(vq->called, 0);
	atomic_set(&vq->overtaken, 0);
}

/* Drop the stamps of an earlier time the event was on. */
static void vhost_mdev_timing_fresh(struct vhost_mdev_vq *vq)
{
	u32 gen = atomic_read(&vhost_mdev_timing_gen);

	if (unlikely(READ_ONCE(vq->timing_gen) != gen)) {
		vhost_mdev_timing_reset(vq);
		WRITE_ONCE(vq->timing_gen, gen);
	}
}

static void vhost_mdev_stamp_kick(struct vhost_mdev_vq *vq)
{
	u16 published = READ_ONCE(vq->published);
	u64 stamp;

	vhost_mdev_timing_fresh(vq);
	if (vhost_mdev_kick_overtaken(vq, published))
		goto overtaken;
	stamp = vhost_mdev_stamp_now() | published;
	/* Keep the oldest unanswered kick: that is what the driver waits on. */
	if (cmpxchg(&vq->kick_stamp, 0, stamp))
		return;
	/* An interrupt between the check and the store did not see it. */
	if (!vhost_mdev_kick_overtaken(vq, published) ||
	    cmpxchg(&vq->kick_stamp, stamp, 0) != stamp)
		return;
overtaken:
	atomic_inc(&vq->overtaken);
}

/* The call_latency event's fields: which kick this interrupt answers. */
static void vhost_mdev_time_call(struct vhost_mdev_vq *vq,
				 struct vhost_mdev_tp_call_latency *tp)
{
	u64 kick, process, now;
	u16 after;

	vhost_mdev_timing_fresh(vq);
	WRITE_ONCE(vq->called, VHOST_MDEV_CALLED_SEEN | tp->published);
	if (unlikely(atomic_read(&vq->overtaken)))
		tp->overtaken = min_t(int, atomic_xchg(&vq->overtaken, 0),
				      U16_MAX);
	kick = xchg(&vq->kick_stamp, 0);
	if (!kick)
		return;
	after = tp->published - (u16)kick;
	/* Kicked after the publication this interrupt is for: keep waiting. */
	if (!after) {
		cmpxchg(&vq->kick_stamp, 0, kick);
		return;
	}
	process = xchg(&vq->process_stamp, 0);
	if (after != 1) {
		tp->unanswered = 1;
		return;
	}
	now = vhost_mdev_stamp_now();
	tp->kick_to_call_ns = vhost_mdev_stamp_ns(kick, now);
	/* A processing start older than the kick was for an earlier one. */
	if (process && vhost_mdev_stamp_ns(kick, process) <= tp->kick_to_call_ns)
		tp->kick_to_process_ns = vhost_mdev_stamp_ns(kick, process);
}

enum vhost_mdev_vq_event {
	VHOST_MDEV_VQ_KICK,
	VHOST_MDEV_VQ_PROCESS,
	VHOST_MDEV_VQ_CALL,
};

/*
 * The data path's tracepoints build their struct out of line: on the
 * callers' stacks it would cost each a stack canary, traced or not. They
 * pay the tracepoint's static branch only.
 */
static noinline void vhost_mdev_trace_vq(struct vhost_mdev_device *vmdev,
					 u16 vq, enum vhost_mdev_vq_event event)
{
	const struct vhost_mdev_tp_vq tp = {
		.dev = vmdev->id,
		.vq = vq,
		.published = READ_ONCE(vmdev->vqs[vq].published),
	};

	switch (event) {
	case VHOST_MDEV_VQ_KICK:
		trace_vhost_mdev_kick(&tp);
		break;
	case VHOST_MDEV_VQ_PROCESS:
		trace_vhost_mdev_process(&tp);
		break;
	case VHOST_MDEV_VQ_CALL:
		trace_vhost_mdev_call(&tp);
		break;
	}
}

void vhost_mdev_trace_kick(struct vhost_mdev_device *vmdev, u16 vq)
{
	if (trace_vhost_mdev_call_latency_enabled())
		vhost_mdev_stamp_kick(&vmdev->vqs[vq]);
	if (trace_vhost_mdev_kick_enabled())
		vhost_mdev_trace_vq(vmdev, vq, VHOST_MDEV_VQ_KICK);
}

/* The processing start of the kick waiting, for kick_to_process_ns. */
static void vhost_mdev_stamp_process(struct vhost_mdev_vq *vq)
{
	if (trace_vhost_mdev_call_latency_enabled() && READ_ONCE(vq->kick_stamp))
		cmpxchg(&vq->process_stamp, 0, vhost_mdev_stamp_now());
}

static noinline void
vhost_mdev_trace_call_latency(struct vhost_mdev_device *vmdev, u16 vq)
{
	struct vhost_mdev_vq *v = &vmdev->vqs[vq];
	struct vhost_mdev_tp_call_latency tp = {
		.dev = vmdev->id,
		.vq = vq,
		.published = READ_ONCE(v->published),
	};

	vhost_mdev_time_call(v, &tp);
	trace_vhost_mdev_call_latency(&tp);
}

static noinline void vhost_mdev_trace_used(struct vhost_mdev_device *vmdev,
					   u16 vq, u16 idx, u16 count)
{
	vhost_mdev_trace(used, used, .dev = vmdev->id, .vq = vq, .idx = idx,
			 .count = count);
}

void vhost_mdev_vq_call(struct vhost_mdev_device *vmdev, u16 vq)
{
	if (vq >= vmdev->nvqs)
		return;
	/* A parent bug: an interrupt from notify() (see vhost_mdev.h). */
	if (WARN_ON_ONCE(!eventfd_signal_allowed()))
		return;
	if (trace_vhost_mdev_call_enabled())
		vhost_mdev_trace_vq(vmdev, vq, VHOST_MDEV_VQ_CALL);
	if (trace_vhost_mdev_call_latency_enabled())
		vhost_mdev_trace_call_latency(vmdev, vq);
	vmdev->cops->call(vmdev, array_index_nospec(vq, vmdev->nvqs));
}
EXPORT_SYMBOL_GPL(vhost_mdev_vq_call);

void vhost_mdev_vq_process(struct vhost_mdev_device *vmdev, u16 vq)
{
	if (vq >= vmdev->nvqs)
		return;
	if (trace_vhost_mdev_process_enabled()) {
		vhost_mdev_stamp_process(&vmdev->vqs[vq]);
		vhost_mdev_trace_vq(vmdev, vq, VHOST_MDEV_VQ_PROCESS);
	}
}
EXPORT_SYMBOL_GPL(vhost_mdev_vq_process);

void vhost_mdev_vq_used(struct vhost_mdev_device *vmdev, u16 vq, u16 idx,
			u16 count)
{
	if (vq >= vmdev->nvqs)
		return;
	/* One writer: the parent's processing of the vq. */
	WRITE_ONCE(vmdev->vqs[vq].published, vmdev->vqs[vq].published + 1);
	if (trace_vhost_mdev_used_enabled())
		vhost_mdev_trace_used(vmdev, vq, idx, count);
}
EXPORT_SYMBOL_GPL(vhost_mdev_vq_used);

void vhost_mdev_vq_error(struct vhost_mdev_device *vmdev, u16 vq, int err)
{
	struct eventfd_ctx *ctx = NULL;

	if (test_and_set_bit(VHOST_MDEV_F_FAILED, &vmdev->flags))
		return;
	if (vq < vmdev->nvqs)
		ctx = vmdev->vqs[array_index_nospec(vq, vmdev->nvqs)].err;
	vhost_mdev_trace(device_error, error, .dev = vmdev->id, .vq = vq,
			 .err = err);
	dev_info_ratelimited(vhost_mdev_dev(vmdev),
			     "device error on vq %u: %d\n", vq, err);
	if (ctx)
		vhost_mdev_eventfd_signal(ctx);
	if (vmdev->cops->error)
		vmdev->cops->error(vmdev);
}
EXPORT_SYMBOL_GPL(vhost_mdev_vq_error);

/* --- kick: eventfd wake-up straight into the parent's notify() ---------- */

static int vhost_mdev_kick_wakeup(wait_queue_entry_t *wait, unsigned int mode,
				  int sync, void *key)
{
	struct vhost_mdev_vq *vq = container_of(wait, struct vhost_mdev_vq,
						kick_wait);
	struct vhost_mdev_device *vmdev = vq->vmdev;
	__poll_t flags = key_to_poll(key);
	u64 cnt;

	if (!(flags & EPOLLIN))
		return 0;
	/* Called with the eventfd's wait queue lock held, as do_read needs. */
	eventfd_ctx_do_read(vq->kick, &cnt);
	vhost_mdev_kicked(vmdev, vq->index);
	vmdev->ops->notify(vmdev, vq->index);
	return 0;
}

static void vhost_mdev_kick_queue(struct file *file, wait_queue_head_t *wqh,
				  poll_table *pt)
{
	struct vhost_mdev_vq *vq = container_of(pt, struct vhost_mdev_vq,
						kick_pt);

	vq->kick_wqh = wqh;
	add_wait_queue(wqh, &vq->kick_wait);
}

static void vhost_mdev_kick_hook(struct vhost_mdev_vq *vq)
{
	__poll_t events;

	lockdep_assert_held(&vq->vmdev->lock);
	if (!vq->kick_file || vq->kick_hooked)
		return;
	init_waitqueue_func_entry(&vq->kick_wait, vhost_mdev_kick_wakeup);
	init_poll_funcptr(&vq->kick_pt, vhost_mdev_kick_queue);
	vq->kick_wqh = NULL;
	events = vfs_poll(vq->kick_file, &vq->kick_pt);
	vq->kick_hooked = !!vq->kick_wqh;
	/* A kick written before the hook: deliver it now. */
	if (vq->kick_hooked && (events & EPOLLIN)) {
		vhost_mdev_kicked(vq->vmdev, vq->index);
		vq->vmdev->ops->notify(vq->vmdev, vq->index);
	}
}

/*
 * Unhooking takes the wait queue lock, so a wake-up running on another CPU
 * has finished calling notify() when this returns.
 */
static void vhost_mdev_kick_unhook(struct vhost_mdev_vq *vq)
{
	u64 cnt;

	lockdep_assert_held(&vq->vmdev->lock);
	if (!vq->kick_hooked)
		return;
	eventfd_ctx_remove_wait_queue(vq->kick, &vq->kick_wait, &cnt);
	vq->kick_hooked = false;
}

/* --- state machine ------------------------------------------------------ */

static bool vhost_mdev_range_ok(u64 addr, u64 size)
{
	return addr + size - 1 >= addr;
}

static int vhost_mdev_check_rings(struct vhost_mdev_device *vmdev)
{
	u32 i;

	for (i = 0; i < vmdev->nvqs; i++) {
		struct vhost_mdev_vq *vq = &vmdev->vqs[i];
		u64 num = vq->num;

		if (!vhost_mdev_vq_ready(vq))
			continue;
		if (!vhost_mdev_range_ok(vq->desc, num * 16) ||
		    !vhost_mdev_range_ok(vq->avail, 6 + num * 2) ||
		    !vhost_mdev_range_ok(vq->used, 6 + num * 8))
			return -EINVAL;
	}
	return 0;
}

int vhost_mdev_start(struct vhost_mdev_device *vmdev)
{
	u32 i;
	int ret;

	lockdep_assert_held(&vmdev->lock);
	ret = vhost_mdev_check_rings(vmdev);
	if (ret)
		return ret;

	clear_bit(VHOST_MDEV_F_FAILED, &vmdev->flags);

	/*
	 * Hook the kicks first: a kick before start() finds the parent not
	 * running and is dropped, but start() processes whatever the driver
	 * published before it.
	 */
	for (i = 0; i < vmdev->nvqs; i++) {
		vhost_mdev_timing_reset(&vmdev->vqs[i]);
		vhost_mdev_kick_hook(&vmdev->vqs[i]);
	}
	ret = vmdev->ops->start(vmdev);
	if (ret) {
		for (i = 0; i < vmdev->nvqs; i++)
			vhost_mdev_kick_unhook(&vmdev->vqs[i]);
		return ret;
	}
	vmdev->state = VHOST_MDEV_S_RUNNING;
	return 0;
}

void vhost_mdev_stop(struct vhost_mdev_device *vmdev)
{
	u32 i;

	lockdep_assert_held(&vmdev->lock);
	if (vmdev->state != VHOST_MDEV_S_RUNNING)
		return;
	for (i = 0; i < vmdev->nvqs; i++)
		vhost_mdev_kick_unhook(&vmdev->vqs[i]);
	vmdev->ops->stop(vmdev);
	for (i = 0; i < vmdev->nvqs; i++)
		vmdev->vqs[i].base = vmdev->ops->get_vring_base(vmdev, i);
	clear_bit(VHOST_MDEV_F_FAILED, &vmdev->flags);
	vmdev->state = VHOST_MDEV_S_STOPPED;
}

static void vhost_mdev_vq_clear(struct vhost_mdev_vq *vq)
{
	if (vq->kick_file)
		fput(vq->kick_file);
	if (vq->kick)
		eventfd_ctx_put(vq->kick);
	if (vq->call)
		eventfd_ctx_put(vq->call);
	if (vq->err)
		eventfd_ctx_put(vq->err);
	vq->kick_file = NULL;
	vq->kick = NULL;
	vq->call = NULL;
	vq->err = NULL;
	vq->num = 0;
	vq->desc = 0;
	vq->avail = 0;
	vq->used = 0;
	vq->addr_set = false;
	vq->base = 0;
}

/* Back to the state of a freshly opened device. */
void vhost_mdev_reset(struct vhost_mdev_device *vmdev)
{
	u32 i;

	lockdep_assert_held(&vmdev->lock);
	vhost_mdev_stop(vmdev);
	for (i = 0; i < vmdev->nvqs; i++)
		vhost_mdev_vq_clear(&vmdev->vqs[i]);
	vmdev->features = 0;
	clear_bit(VHOST_MDEV_F_FAILED, &vmdev->flags);
	if (vmdev->ops->reset)
		vmdev->ops->reset(vmdev);
}

static u32 vhost_mdev_state(struct vhost_mdev_device *vmdev)
{
	if (vmdev->state == VHOST_MDEV_S_RUNNING && vhost_mdev_failed(vmdev))
		return VHOST_MDEV_S_ERROR;
	return vmdev->state;
}

/* --- ioctl helpers: each runs with vmdev->lock held ---------------------- */

static int vhost_mdev_not_running(struct vhost_mdev_device *vmdev)
{
	lockdep_assert_held(&vmdev->lock);
	return vmdev->state == VHOST_MDEV_S_RUNNING ? -EBUSY : 0;
}

static struct vhost_mdev_vq *vhost_mdev_vq(struct vhost_mdev_device *vmdev,
					   u32 index)
{
	if (index >= vmdev->nvqs)
		return NULL;
	return &vmdev->vqs[array_index_nospec(index, vmdev->nvqs)];
}

static long vhost_mdev_set_state(struct vhost_mdev_device *vmdev,
				 u32 __user *argp)
{
	u32 old = vhost_mdev_state(vmdev), new;
	int ret = 0;

	lockdep_assert_held(&vmdev->lock);
	if (get_user(new, argp))
		return -EFAULT;

	switch (new) {
	case VHOST_MDEV_S_STOPPED:
		vhost_mdev_stop(vmdev);
		break;
	case VHOST_MDEV_S_RUNNING:
		if (old == VHOST_MDEV_S_ERROR)
			ret = -EIO;
		else if (old == VHOST_MDEV_S_STOPPED)
			ret = vhost_mdev_start(vmdev);
		break;
	default:
		ret = -EINVAL;
		break;
	}
	vhost_mdev_trace(set_state, state, .dev = vmdev->id, .old = old,
			 .new = new, .ret = ret);
	return ret;
}

static long vhost_mdev_get_state(struct vhost_mdev_device *vmdev,
				 u32 __user *argp)
{
	lockdep_assert_held(&vmdev->lock);
	return put_user(vhost_mdev_state(vmdev), argp) ? -EFAULT : 0;
}

static long vhost_mdev_get_features(struct vhost_mdev_device *vmdev,
				    u64 __user *argp)
{
	u64 features = vmdev->ops->get_features(vmdev);

	lockdep_assert_held(&vmdev->lock);
	return copy_to_user(argp, &features, sizeof(features)) ? -EFAULT : 0;
}

static long vhost_mdev_set_features(struct vhost_mdev_device *vmdev,
				    u64 __user *argp)
{
	u64 features;
	int ret;

	lockdep_assert_held(&vmdev->lock);
	if (copy_from_user(&features, argp, sizeof(features)))
		return -EFAULT;
	ret = vhost_mdev_not_running(vmdev);
	if (!ret && (features & ~vmdev->ops->get_features(vmdev)))
		ret = -EOPNOTSUPP;
	if (!ret)
		ret = vmdev->ops->set_features(vmdev, features);
	if (!ret)
		vmdev->features = features;
	vhost_mdev_trace(features, features, .dev = vmdev->id,
			 .features = features, .ret = ret);
	return ret;
}

static long vhost_mdev_set_vring_num(struct vhost_mdev_device *vmdev,
				     void __user *argp)
{
	struct vhost_vring_state s;
	struct vhost_mdev_vq *vq;
	u32 max = vmdev->ops->get_vq_num_max(vmdev);

	lockdep_assert_held(&vmdev->lock);
	if (copy_from_user(&s, argp, sizeof(s)))
		return -EFAULT;
	vq = vhost_mdev_vq(vmdev, s.index);
	if (!vq)
		return -ENOBUFS;
	if (vhost_mdev_not_running(vmdev))
		return -EBUSY;
	if (!s.num || s.num > max || (s.num & (s.num - 1)))
		return -EINVAL;
	vq->num = s.num;
	return 0;
}

static long vhost_mdev_set_vring_addr(struct vhost_mdev_device *vmdev,
				      void __user *argp)
{
	struct vhost_vring_addr a;
	struct vhost_mdev_vq *vq;

	lockdep_assert_held(&vmdev->lock);
	if (copy_from_user(&a, argp, sizeof(a)))
		return -EFAULT;
	vq = vhost_mdev_vq(vmdev, a.index);
	if (!vq)
		return -ENOBUFS;
	if (vhost_mdev_not_running(vmdev))
		return -EBUSY;
	/* Dirty logging is not supported. */
	if (a.flags)
		return -EOPNOTSUPP;
	/* Alignments required by the virtio split ring. */
	if ((a.desc_user_addr & (VRING_DESC_ALIGN_SIZE - 1)) ||
	    (a.avail_user_addr & (VRING_AVAIL_ALIGN_SIZE - 1)) ||
	    (a.used_user_addr & (VRING_USED_ALIGN_SIZE - 1)))
		return -EINVAL;
	vq->desc = a.desc_user_addr;
	vq->avail = a.avail_user_addr;
	vq->used = a.used_user_addr;
	vq->addr_set = true;
	return 0;
}

static long vhost_mdev_set_vring_base(struct vhost_mdev_device *vmdev,
				      void __user *argp)
{
	struct vhost_vring_state s;
	struct vhost_mdev_vq *vq;

	lockdep_assert_held(&vmdev->lock);
	if (copy_from_user(&s, argp, sizeof(s)))
		return -EFAULT;
	vq = vhost_mdev_vq(vmdev, s.index);
	if (!vq)
		return -ENOBUFS;
	if (vhost_mdev_not_running(vmdev))
		return -EBUSY;
	if (s.num > 0xffff)
		return -EINVAL;
	vq->base = s.num;
	vhost_mdev_trace(set_vring_base, vring_base, .dev = vmdev->id,
			 .vq = vq->index, .value = s.num);
	return 0;
}

static long vhost_mdev_get_vring_base(struct vhost_mdev_device *vmdev,
				      void __user *argp)
{
	struct vhost_vring_state s;
	struct vhost_mdev_vq *vq;

	lockdep_assert_held(&vmdev->lock);
	if (copy_from_user(&s, argp, sizeof(s)))
		return -EFAULT;
	vq = vhost_mdev_vq(vmdev, s.index);
	if (!vq)
		return -ENOBUFS;
	if (vmdev->state == VHOST_MDEV_S_RUNNING)
		s.num = vmdev->ops->get_vring_base(vmdev, vq->index);
	else
		s.num = vq->base;
	vhost_mdev_trace(get_vring_base, vring_base, .dev = vmdev->id,
			 .vq = vq->index, .value = s.num);
	return copy_to_user(argp, &s, sizeof(s)) ? -EFAULT : 0;
}

/*
 * The eventfd of a vhost_vring_file: NULL for VHOST_FILE_UNBIND, else an
 * ERR_PTR (EBADF: no such fd, EINVAL: not an eventfd) or a reference.
 */
static struct eventfd_ctx *vhost_mdev_eventfd(int fd, struct file **filep)
{
	struct eventfd_ctx *ctx;
	struct file *file;

	if (fd == VHOST_FILE_UNBIND)
		return NULL;
	if (fd < 0)
		return ERR_PTR(-EBADF);
	file = eventfd_fget(fd);
	if (IS_ERR(file))
		return ERR_CAST(file);
	ctx = eventfd_ctx_fileget(file);
	if (IS_ERR(ctx) || !filep)
		fput(file);
	else
		*filep = file;
	return ctx;
}

static long vhost_mdev_set_vring_file(struct vhost_mdev_device *vmdev,
				      unsigned int cmd, void __user *argp)
{
	struct eventfd_ctx *ctx, **slot;
	struct vhost_vring_file f;
	struct vhost_mdev_vq *vq;
	struct file *file = NULL;

	lockdep_assert_held(&vmdev->lock);
	if (copy_from_user(&f, argp, sizeof(f)))
		return -EFAULT;
	vq = vhost_mdev_vq(vmdev, f.index);
	if (!vq)
		return -ENOBUFS;
	if (vhost_mdev_not_running(vmdev))
		return -EBUSY;
	ctx = vhost_mdev_eventfd(f.fd, cmd == VHOST_SET_VRING_KICK ?
				 &file : NULL);
	if (IS_ERR(ctx))
		return PTR_ERR(ctx);

	switch (cmd) {
	case VHOST_SET_VRING_KICK:
		if (vq->kick_file)
			fput(vq->kick_file);
		vq->kick_file = file;
		slot = &vq->kick;
		break;
	case VHOST_SET_VRING_CALL:
		slot = &vq->call;
		break;
	default:
		slot = &vq->err;
		break;
	}
	if (*slot)
		eventfd_ctx_put(*slot);
	*slot = ctx;
	return 0;
}

static long vhost_mdev_get_u32(u32 val, u32 __user *argp)
{
	return put_user(val, argp) ? -EFAULT : 0;
}

static long vhost_mdev_get_vring_num(struct vhost_mdev_device *vmdev,
				     u16 __user *argp)
{
	lockdep_assert_held(&vmdev->lock);
	return put_user(vmdev->ops->get_vq_num_max(vmdev), argp) ? -EFAULT : 0;
}

static long vhost_mdev_get_iova_range(struct vhost_mdev_device *vmdev,
				      void __user *argp)
{
	struct vhost_vdpa_iova_range range = {
		.first = 0,
		.last = U64_MAX,
	};

	lockdep_assert_held(&vmdev->lock);
	return copy_to_user(argp, &range, sizeof(range)) ? -EFAULT : 0;
}

/* Same rules as vhost-vdpa: EINVAL for len 0 or off past the end, E2BIG. */
static int vhost_mdev_config_check(struct vhost_mdev_device *vmdev,
				   const struct vhost_vdpa_config *c)
{
	u32 size = vmdev->ops->get_config_size(vmdev);

	if (!c->len || c->off > size)
		return -EINVAL;
	if (c->len > size - c->off)
		return -E2BIG;
	return 0;
}

static long vhost_mdev_get_config(struct vhost_mdev_device *vmdev,
				  struct vhost_vdpa_config __user *argp)
{
	struct vhost_vdpa_config c;
	u8 *buf;
	int ret;

	lockdep_assert_held(&vmdev->lock);
	if (copy_from_user(&c, argp, sizeof(c)))
		return -EFAULT;
	ret = vhost_mdev_config_check(vmdev, &c);
	if (ret)
		goto out;
	buf = kzalloc(c.len, GFP_KERNEL);
	if (!buf) {
		ret = -ENOMEM;
		goto out;
	}
	vmdev->ops->get_config(vmdev, c.off, buf, c.len);
	if (copy_to_user(argp->buf, buf, c.len))
		ret = -EFAULT;
	kfree(buf);
out:
	vhost_mdev_trace(config, config, .dev = vmdev->id, .off = c.off,
			 .len = c.len, .ret = ret);
	return ret;
}

static long vhost_mdev_set_config(struct vhost_mdev_device *vmdev,
				  struct vhost_vdpa_config __user *argp)
{
	struct vhost_vdpa_config c;
	u8 *buf;
	int ret;

	lockdep_assert_held(&vmdev->lock);
	if (copy_from_user(&c, argp, sizeof(c)))
		return -EFAULT;
	ret = vhost_mdev_config_check(vmdev, &c);
	if (ret)
		goto out;
	buf = memdup_user(argp->buf, c.len);
	if (IS_ERR(buf)) {
		ret = PTR_ERR(buf);
		goto out;
	}
	ret = vmdev->ops->set_config(vmdev, c.off, buf, c.len);
	kfree(buf);
out:
	vhost_mdev_trace(config, config, .dev = vmdev->id, .write = true,
			 .off = c.off, .len = c.len, .ret = ret);
	return ret;
}

static long vhost_mdev_get_info(struct vhost_mdev_device *vmdev,
				void __user *argp)
{
	unsigned long minsz = offsetofend(struct vfio_device_info, num_irqs);
	struct vfio_device_info info;

	lockdep_assert_held(&vmdev->lock);
	if (copy_from_user(&info, argp, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;
	info.flags = VFIO_DEVICE_FLAGS_RESET | VFIO_DEVICE_FLAGS_VHOST;
	info.num_regions = 0;
	info.num_irqs = 0;
	return copy_to_user(argp, &info, minsz) ? -EFAULT : 0;
}

static long vhost_mdev_ioctl(struct vfio_device *vdev, unsigned int cmd,
			     unsigned long arg)
{
	struct vhost_mdev_device *vmdev = vhost_mdev_from_vfio(vdev);
	void __user *argp = (void __user *)arg;
	long ret;

	mutex_lock(&vmdev->lock);
	if (test_bit(VHOST_MDEV_F_REMOVING, &vmdev->flags)) {
		ret = -ENODEV;
		goto out;
	}

	switch (cmd) {
	case VFIO_DEVICE_GET_INFO:
		ret = vhost_mdev_get_info(vmdev, argp);
		break;
	case VFIO_DEVICE_RESET:
		vhost_mdev_reset(vmdev);
		ret = 0;
		break;
	case VHOST_MDEV_SET_STATE:
		ret = vhost_mdev_set_state(vmdev, argp);
		break;
	case VHOST_MDEV_GET_STATE:
		ret = vhost_mdev_get_state(vmdev, argp);
		break;
	case VHOST_GET_FEATURES:
		ret = vhost_mdev_get_features(vmdev, argp);
		break;
	case VHOST_SET_FEATURES:
		ret = vhost_mdev_set_features(vmdev, argp);
		break;
	case VHOST_SET_VRING_NUM:
		ret = vhost_mdev_set_vring_num(vmdev, argp);
		break;
	case VHOST_SET_VRING_ADDR:
		ret = vhost_mdev_set_vring_addr(vmdev, argp);
		break;
	case VHOST_SET_VRING_BASE:
		ret = vhost_mdev_set_vring_base(vmdev, argp);
		break;
	case VHOST_GET_VRING_BASE:
		ret = vhost_mdev_get_vring_base(vmdev, argp);
		break;
	case VHOST_SET_VRING_KICK:
	case VHOST_SET_VRING_CALL:
	case VHOST_SET_VRING_ERR:
		ret = vhost_mdev_set_vring_file(vmdev, cmd, argp);
		break;
	case VHOST_VDPA_GET_DEVICE_ID:
		ret = vhost_mdev_get_u32(vmdev->ops->get_device_id(vmdev),
					 argp);
		break;
	case VHOST_VDPA_GET_CONFIG_SIZE:
		ret = vhost_mdev_get_u32(vmdev->ops->get_config_size(vmdev),
					 argp);
		break;
	case VHOST_VDPA_GET_VQS_COUNT:
		ret = vhost_mdev_get_u32(vmdev->nvqs, argp);
		break;
	case VHOST_VDPA_GET_VRING_NUM:
		ret = vhost_mdev_get_vring_num(vmdev, argp);
		break;
	case VHOST_VDPA_GET_IOVA_RANGE:
		ret = vhost_mdev_get_iova_range(vmdev, argp);
		break;
	case VHOST_VDPA_GET_CONFIG:
		ret = vhost_mdev_get_config(vmdev, argp);
		break;
	case VHOST_VDPA_SET_CONFIG:
		ret = vhost_mdev_set_config(vmdev, argp);
		break;
	default:
		ret = -ENOTTY;
		break;
	}
out:
	mutex_unlock(&vmdev->lock);
	return ret;
}

/* --- VFIO device ops ---------------------------------------------------- */

static int vhost_mdev_open_device(struct vfio_device *vdev)
{
	struct vhost_mdev_device *vmdev = vhost_mdev_from_vfio(vdev);
	int ret = 0;

	mutex_lock(&vmdev->lock);
	if (test_bit(VHOST_MDEV_F_REMOVING, &vmdev->flags) ||
	    !try_module_get(vmdev->parent->owner)) {
		ret = -ENODEV;
		goto out;
	}
	WRITE_ONCE(vmdev->opened, true);
	/* Batches of DMA enter it (vhost_mdev_dma_begin()). */
	vmdev->mm = current->mm;
	if (vmdev->mm)
		mmgrab(vmdev->mm);
out:
	mutex_unlock(&vmdev->lock);
	return ret;
}

static void vhost_mdev_close_device(struct vfio_device *vdev)
{
	struct vhost_mdev_device *vmdev = vhost_mdev_from_vfio(vdev);

	/* Stopped before VFIO detaches the device from the container. */
	mutex_lock(&vmdev->lock);
	vhost_mdev_reset(vmdev);
	WRITE_ONCE(vmdev->opened, false);
	if (vmdev->mm)
		mmdrop(vmdev->mm);
	WRITE_ONCE(vmdev->mm, NULL);
	mutex_unlock(&vmdev->lock);
	module_put(vmdev->parent->owner);
}

/* One owner: a second VFIO_GROUP_GET_DEVICE_FD fails with EBUSY. */
static int vhost_mdev_match(struct vfio_device *vdev, char *buf)
{
	struct vhost_mdev_device *vmdev = vhost_mdev_from_vfio(vdev);

	if (strcmp(dev_name(vdev->dev), buf))
		return 0;
	return READ_ONCE(vmdev->opened) ? -EBUSY : 1;
}

/*
 * The mdev is being removed while its fd is open: stop the device, tell the
 * owner through every err eventfd, and fail further ioctls with ENODEV.
 * Removal completes when the owner closes the fd.
 */
static void vhost_mdev_request(struct vfio_device *vdev, unsigned int count)
{
	struct vhost_mdev_device *vmdev = vhost_mdev_from_vfio(vdev);
	u32 i;

	mutex_lock(&vmdev->lock);
	if (!test_and_set_bit(VHOST_MDEV_F_REMOVING, &vmdev->flags)) {
		dev_info(vhost_mdev_dev(vmdev),
			 "removal waits for the device fd to be closed\n");
		vhost_mdev_stop(vmdev);
		for (i = 0; i < vmdev->nvqs; i++)
			if (vmdev->vqs[i].err)
				vhost_mdev_eventfd_signal(vmdev->vqs[i].err);
	}
	mutex_unlock(&vmdev->lock);
}

/* Doorbell pages, for parents with one: offset = vq index * PAGE_SIZE. */
static int vhost_mdev_mmap(struct vfio_device *vdev,
			   struct vm_area_struct *vma)
{
	struct vhost_mdev_device *vmdev = vhost_mdev_from_vfio(vdev);
	unsigned long index = vma->vm_pgoff;
	phys_addr_t addr;
	size_t size;
	int ret;

	if (!vmdev->ops->get_notify_area)
		return -ENODEV;
	if (vma->vm_end - vma->vm_start != PAGE_SIZE ||
	    !(vma->vm_flags & VM_SHARED) || (vma->vm_flags & VM_READ) ||
	    index >= vmdev->nvqs)
		return -EINVAL;
	index = array_index_nospec(index, vmdev->nvqs);
	ret = vmdev->ops->get_notify_area(vmdev, index, &addr, &size);
	if (ret)
		return ret;
	if (!PAGE_ALIGNED(addr) || size < PAGE_SIZE)
		return -EINVAL;
	/*
	 * A doorbell in RAM (the simulator's): mapped cached, as the kernel
	 * maps it, and referenced so it outlives the parent's own.
	 */
	if (page_is_ram(PHYS_PFN(addr))) {
		vhost_mdev_vm_flags_set(vma, VM_DONTEXPAND | VM_DONTDUMP);
		return vm_insert_page(vma, vma->vm_start,
				      pfn_to_page(PHYS_PFN(addr)));
	}
	vhost_mdev_vm_flags_set(vma, VM_IO | VM_PFNMAP |
				     VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot);
	return io_remap_pfn_range(vma, vma->vm_start, PHYS_PFN(addr),
				  PAGE_SIZE, vma->vm_page_prot);
}

static void vhost_mdev_release(struct vfio_device *vdev)
{
	struct vhost_mdev_device *vmdev = vhost_mdev_from_vfio(vdev);

	kfree(vmdev->vqs);
	mutex_destroy(&vmdev->lock);
	ida_free(&vhost_mdev_ida, vmdev->id);
	vhost_mdev_vfio_free_device(vdev);
}

static const struct vfio_device_ops vhost_mdev_vfio_ops = {
	.name		= "vhost-mdev",
	.release	= vhost_mdev_release,
	.open_device	= vhost_mdev_open_device,
	.close_device	= vhost_mdev_close_device,
	.ioctl		= vhost_mdev_ioctl,
	.mmap		= vhost_mdev_mmap,
	.request	= vhost_mdev_request,
	.match		= vhost_mdev_match,
};

/* --- sysfs: vhost/ group on every instance ------------------------------ */

static ssize_t id_show(struct device *dev, struct device_attribute *attr,
		       char *buf)
{
	return sysfs_emit(buf, "%u\n", vhost_mdev_from_dev(dev)->id);
}
static DEVICE_ATTR_RO(id);

static ssize_t state_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	struct vhost_mdev_device *vmdev = vhost_mdev_from_dev(dev);
	u32 state;

	mutex_lock(&vmdev->lock);
	state = vhost_mdev_state(vmdev);
	mutex_unlock(&vmdev->lock);
	return sysfs_emit(buf, "%u\n", state);
}
static DEVICE_ATTR_RO(state);

static struct attribute *vhost_mdev_attrs[] = {
	&dev_attr_id.attr,
	&dev_attr_state.attr,
	NULL,
};

static const struct attribute_group vhost_mdev_group = {
	.name = "vhost",
	.attrs = vhost_mdev_attrs,
};

static const struct attribute_group *vhost_mdev_groups[] = {
	&vhost_mdev_group,
	NULL,
};

/* --- mdev driver -------------------------------------------------------- */

static struct vhost_mdev_parent *vhost_mdev_parent_of(struct mdev_type *type)
{
	return container_of(type->parent, struct vhost_mdev_parent, mdev);
}

static struct vhost_mdev_type *vhost_mdev_type_of(struct mdev_type *type)
{
	return container_of(type, struct vhost_mdev_type, mdev);
}

static int vhost_mdev_init_vqs(struct vhost_mdev_device *vmdev)
{
	u32 i, nvqs = vmdev->ops->get_vq_count(vmdev);
	u32 max = vmdev->ops->get_vq_num_max(vmdev);

	if (!nvqs || nvqs > U16_MAX || !max || max > VHOST_MDEV_VRING_MAX ||
	    (max & (max - 1)))
		return -EINVAL;
	vmdev->vqs = kcalloc(nvqs, sizeof(*vmdev->vqs), GFP_KERNEL);
	if (!vmdev->vqs)
		return -ENOMEM;
	vmdev->nvqs = nvqs;
	for (i = 0; i < nvqs; i++) {
		vmdev->vqs[i].vmdev = vmdev;
		vmdev->vqs[i].index = i;
	}
	return 0;
}

/*
 * A consumer on a kernel bus (virtio, vDPA): counters first, so they exist
 * when the driver starts I/O.
 */
static int vhost_mdev_probe_kernel(struct vhost_mdev_device *vmdev)
{
	struct vhost_mdev_parent *parent = vmdev->parent;
	struct mdev_device *mdev = vmdev->mdev;
	int ret;

	if (vmdev->ops->dev_groups) {
		ret = sysfs_create_groups(&mdev->dev.kobj,
					  vmdev->ops->dev_groups);
		if (ret)
			goto err_release;
	}
	if (vmdev->cops->probe)
		ret = vmdev->cops->probe(vmdev);
	else
		ret = vhost_mdev_virtio_probe(vmdev);
	if (ret)
		goto err_groups;
	return 0;

err_groups:
	if (vmdev->ops->dev_groups)
		sysfs_remove_groups(&mdev->dev.kobj, vmdev->ops->dev_groups);
err_release:
	vmdev->ops->release(vmdev);
	vfio_put_device(&vmdev->vdev);
	atomic_dec(&parent->instances);
	return ret;
}

static int vhost_mdev_probe(struct mdev_device *mdev)
{
	struct vhost_mdev_parent *parent = vhost_mdev_parent_of(mdev->type);
	struct vhost_mdev_type *type = vhost_mdev_type_of(mdev->type);
	struct vhost_mdev_device *vmdev;
	int id, ret;

	if (atomic_inc_return(&parent->instances) > parent->max_instances) {
		ret = -EUSERS;
		goto err_count;
	}
	id = ida_alloc(&vhost_mdev_ida, GFP_KERNEL);
	if (id < 0) {
		ret = id;
		goto err_count;
	}
	vmdev = vfio_alloc_device(vhost_mdev_device, vdev, &mdev->dev,
				  &vhost_mdev_vfio_ops);
	if (IS_ERR(vmdev)) {
		ida_free(&vhost_mdev_ida, id);
		ret = PTR_ERR(vmdev);
		goto err_count;
	}
	/* From here vfio_put_device() frees the id and the vqs. */
	vmdev->id = id;
	vmdev->mdev = mdev;
	vmdev->parent = parent;
	vmdev->ops = type->ops;
	vmdev->consumer = type->consumer;
	vmdev->state = VHOST_MDEV_S_STOPPED;
	vmdev->cops = vhost_mdev_consumer_ops(type->consumer);
	mutex_init(&vmdev->lock);

	ret = vmdev->ops->init(vmdev);
	if (ret)
		goto err_put;
	ret = vhost_mdev_init_vqs(vmdev);
	if (ret)
		goto err_release;
	dev_set_drvdata(&mdev->dev, vmdev);

	if (vmdev->consumer != VHOST_MDEV_CONSUMER_VFIO)
		return vhost_mdev_probe_kernel(vmdev);

	ret = vfio_register_emulated_iommu_dev(&vmdev->vdev);
	if (ret)
		goto err_release;
	if (vmdev->ops->dev_groups) {
		ret = sysfs_create_groups(&mdev->dev.kobj,
					  vmdev->ops->dev_groups);
		if (ret)
			goto err_unregister;
	}
	return 0;

err_unregister:
	vfio_unregister_group_dev(&vmdev->vdev);
err_release:
	vmdev->ops->release(vmdev);
err_put:
	vfio_put_device(&vmdev->vdev);
err_count:
	atomic_dec(&parent->instances);
	return ret;
}

static void vhost_mdev_remove(struct mdev_device *mdev)
{
	struct vhost_mdev_device *vmdev = dev_get_drvdata(&mdev->dev);
	struct vhost_mdev_parent *parent = vmdev->parent;

	if (vmdev->consumer != VHOST_MDEV_CONSUMER_VFIO) {
		/* Unbinds the driver, which resets (stops) the device. */
		if (vmdev->cops->remove)
			vmdev->cops->remove(vmdev);
		else
			vhost_mdev_virtio_remove(vmdev);
		mutex_lock(&vmdev->lock);
		vhost_mdev_reset(vmdev);
		mutex_unlock(&vmdev->lock);
	}
	if (vmdev->ops->dev_groups)
		sysfs_remove_groups(&mdev->dev.kobj, vmdev->ops->dev_groups);
	/* Waits for the device fd to be closed, see vhost_mdev_request(). */
	if (vmdev->consumer == VHOST_MDEV_CONSUMER_VFIO)
		vfio_unregister_group_dev(&vmdev->vdev);
	/* The parent's code is not called after this: its module may go. */
	vmdev->ops->release(vmdev);
	vfio_put_device(&vmdev->vdev);
	atomic_dec(&parent->instances);
}

static unsigned int vhost_mdev_get_available(struct mdev_type *type)
{
	struct vhost_mdev_parent *parent = vhost_mdev_parent_of(type);
	int used = atomic_read(&parent->instances);

	return used >= parent->max_instances ?
		0 : parent->max_instances - used;
}

/*
 * Every type draws on the parent's one pool of instances, which the line
 * says, as available_instances alone cannot.
 */
static ssize_t vhost_mdev_show_description(struct mdev_type *type, char *buf)
{
	struct vhost_mdev_type *vtype =
		container_of(type, struct vhost_mdev_type, mdev);
	struct vhost_mdev_parent *parent = vhost_mdev_parent_of(type);

	return sysfs_emit(buf, "%s; instances: %u shared by the parent's types\n",
			  vtype->description ?: vtype->mdev.pretty_name,
			  parent->max_instances);
}

static struct mdev_driver vhost_mdev_driver = {
	.device_api = VFIO_DEVICE_API_VHOST_STRING,
	.driver = {
		.name = "vhost_mdev",
		.owner = THIS_MODULE,
		.mod_name = KBUILD_MODNAME,
		.dev_groups = vhost_mdev_groups,
	},
	.probe = vhost_mdev_probe,
	.remove = vhost_mdev_remove,
	.get_available = vhost_mdev_get_available,
	.show_description = vhost_mdev_show_description,
};

static bool vhost_mdev_ops_valid(const struct vhost_mdev_ops *ops)
{
	return ops && ops->init && ops->release && ops->get_device_id &&
	       ops->get_vq_count && ops->get_vq_num_max &&
	       ops->get_features && ops->set_features &&
	       ops->get_config_size && ops->get_config && ops->set_config &&
	       ops->start && ops->stop && ops->notify && ops->get_vring_base;
}

int vhost_mdev_register_parent(struct vhost_mdev_parent *parent,
			       struct device *dev,
			       struct vhost_mdev_type *types,
			       unsigned int nr_types)
{
	unsigned int i, n;
	int ret;

	if (!parent->max_instances || !nr_types)
		return -EINVAL;
	for (i = 0; i < nr_types; i++)
		if (!vhost_mdev_ops_valid(types[i].ops) ||
		    types[i].consumer > VHOST_MDEV_CONSUMER_VDPA)
			return -EINVAL;
	/* The mdev core wants an array of pointers. */
	parent->mdev_types = kcalloc(nr_types, sizeof(*parent->mdev_types),
				     GFP_KERNEL);
	if (!parent->mdev_types)
		return -ENOMEM;
	/* A type whose consumer this kernel lacks is not offered. */
	for (i = 0, n = 0; i < nr_types; i++)
		if (vhost_mdev_consumer_ops(types[i].consumer))
			parent->mdev_types[n++] = &types[i].mdev;
	atomic_set(&parent->instances, 0);
	ret = mdev_register_parent(&parent->mdev, dev, &vhost_mdev_driver,
				   parent->mdev_types, n);
	if (ret) {
		kfree(parent->mdev_types);
		parent->mdev_types = NULL;
	}
	return ret;
}
EXPORT_SYMBOL_GPL(vhost_mdev_register_parent);

/* Removes every instance; waits for open device fds to be closed. */
void vhost_mdev_unregister_parent(struct vhost_mdev_parent *parent)
{
	mdev_unregister_parent(&parent->mdev);
	kfree(parent->mdev_types);
	parent->mdev_types = NULL;
}
EXPORT_SYMBOL_GPL(vhost_mdev_unregister_parent);

static int __init vhost_mdev_init(void)
{
	return mdev_register_driver(&vhost_mdev_driver);
}

static void __exit vhost_mdev_exit(void)
{
	mdev_unregister_driver(&vhost_mdev_driver);
	ida_destroy(&vhost_mdev_ida);
}

module_init(vhost_mdev_init);
module_exit(vhost_mdev_exit);
MODULE_DESCRIPTION("vhost over a VFIO mediated device");
MODULE_LICENSE("GPL");
