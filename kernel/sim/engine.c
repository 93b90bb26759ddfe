// SPDX-License-Identifier: GPL-2.0
/*
 * Where a simulated device does its work after a kick, a choice made at
 * every start (module parameter "mode"):
 *
 * workqueue: a work item on the simulator's unbound workqueue.
 * kthread:   a thread per instance, as vhost's worker, that may busy-poll
 *            the rings for a while before it sleeps (poll_ns), with the
 *            driver's kicks suppressed meanwhile.
 * task_work: on the kicker's own way back to user space: no context switch
 *            at all. Only for kicks from a user task that may process
 *            (vhost_mdev_kicker_may_process(): the VFIO owner's, or
 *            vhost_vdpa's user); any other kick (a kernel thread, an
 *            interrupt, the kernel's virtio drivers, another process) and a
 *            batch that used up its budget go to the workqueue.
 *
 * Whatever the mode, one batch runs at a time (batch_lock), and a stop
 * waits for it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/slab.h>
#include <linux/task_work.h>

#include "sim.h"

/* e->flags bits */
enum {
	VHOST_MDEV_SIM_PENDING,		/* a kick the thread has not seen */
};

/* Passes after a re-arm finds new work before the batch yields. */
#define VHOST_MDEV_SIM_REARM_PASSES	4

/* The task_work item: outlives the instance while a task holds it. */
struct vhost_mdev_sim_tw {
	struct callback_head cb;
	struct kref ref;
	/* Protects e: cleared when the instance goes away. */
	struct mutex lock;
	struct vhost_mdev_sim_engine *e;
	/* Set while cb is queued on some task. */
	unsigned long queued;
};

/*
 * Process until the rings are empty with notifications re-armed, or the
 * budget is used up. true: more may be pending. Under batch_lock.
 */
static bool vhost_mdev_sim_engine_run(struct vhost_mdev_sim_engine *e)
{
	unsigned int pass;
	int ret;

	lockdep_assert_held(&e->batch_lock);
	for (pass = 0; pass < VHOST_MDEV_SIM_REARM_PASSES; pass++) {
		ret = e->ops->batch(e);
		if (ret)
			return ret > 0;
		if (!e->ops->rearm(e))
			return false;
	}
	return true;
}

/* --- workqueue ------------------------------------------------------------ */

static void vhost_mdev_sim_engine_work(struct work_struct *work)
{
	struct vhost_mdev_sim_engine *e =
		container_of(work, struct vhost_mdev_sim_engine, work);
	struct mm_struct *mm;
	bool more;

	mutex_lock(&e->batch_lock);
	mm = vhost_mdev_dma_begin(e->vmdev);
	more = READ_ONCE(e->running) && vhost_mdev_sim_engine_run(e);
	vhost_mdev_dma_end(e->vmdev, mm);
	mutex_unlock(&e->batch_lock);
	/* Budget used up: yield and come back. */
	if (more && READ_ONCE(e->running))
		queue_work(vhost_mdev_sim_wq, &e->work);
}

/* --- kthread ------------------------------------------------------------- */

/*
 * The rings ran dry: look at them again for up to e->poll_ns, the kicks
 * still suppressed, giving the CPU away whenever someone else needs it.
 * Finding work keeps the window; a window spent in vain halves the next
 * one, down to 1/16 of poll_ns, so an idle device costs little.
 */
static bool vhost_mdev_sim_engine_poll(struct vhost_mdev_sim_engine *e)
{
	u64 max = vhost_mdev_sim_poll_ns();
	u64 deadline;

	if (!max)
		return false;
	if (!e->poll_window || e->poll_window > max)
		e->poll_window = max;
	deadline = local_clock() + e->poll_window;
	while (local_clock() < deadline) {
		if (kthread_should_stop() || !READ_ONCE(e->running))
			return false;
		if (test_bit(VHOST_MDEV_SIM_PENDING, &e->flags) ||
		    e->ops->has_work(e)) {
			e->poll_window = max;
			atomic64_inc(&e->poll_hits);
			return true;
		}
		/* One vCPU: the driver needs it to publish anything. */
		cond_resched();
		cpu_relax();
	}
	e->poll_window = max_t(u64, e->poll_window / 2, max / 16);
	atomic64_inc(&e->poll_misses);
	return false;
}

/* Batches, polling between them, until the rings stay empty. */
static bool vhost_mdev_sim_engine_thread_run(struct vhost_mdev_sim_engine *e)
{
	int ret;

	for (;;) {
		ret = e->ops->batch(e);
		if (ret)
			return ret > 0;
		if (vhost_mdev_sim_engine_poll(e))
			continue;
		if (!e->ops->rearm(e))
			return false;
	}
}

static int vhost_mdev_sim_engine_thread(void *data)
{
	struct vhost_mdev_sim_engine *e = data;
	struct mm_struct *mm;
	bool more;

	for (;;) {
		/* TASK_IDLE: an idle device is neither load nor a hung task. */
		set_current_state(TASK_IDLE);
		if (kthread_should_stop())
			break;
		if (!test_and_clear_bit(VHOST_MDEV_SIM_PENDING, &e->flags)) {
			schedule();
			continue;
		}
		__set_current_state(TASK_RUNNING);
		mutex_lock(&e->batch_lock);
		mm = vhost_mdev_dma_begin(e->vmdev);
		more = READ_ONCE(e->running) &&
		       vhost_mdev_sim_engine_thread_run(e);
		vhost_mdev_dma_end(e->vmdev, mm);
		mutex_unlock(&e->batch_lock);
		if (more)
			set_bit(VHOST_MDEV_SIM_PENDING, &e->flags);
		cond_resched();
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

/* The thread lives from the first start in this mode to the release. */
static int vhost_mdev_sim_engine_thread_start(struct vhost_mdev_sim_engine *e)
{
	struct task_struct *t;

	e->poll_window = 0;
	if (e->thread)
		return 0;
	t = kthread_run(vhost_mdev_sim_engine_thread, e, "vhm-sim-%u",
			e->vmdev->id);
	if (IS_ERR(t))
		return PTR_ERR(t);
	e->thread = t;
	return 0;
}

/* --- task_work ----------------------------------------------------------- */

static void vhost_mdev_sim_tw_free(struct kref *ref)
{
	kfree(container_of(ref, struct vhost_mdev_sim_tw, ref));
}

/* On the kicker's way back to user space: its own address space. */
static void vhost_mdev_sim_tw_func(struct callback_head *cb)
{
	struct vhost_mdev_sim_tw *tw =
		container_of(cb, struct vhost_mdev_sim_tw, cb);
	struct vhost_mdev_sim_engine *e;
	bool more = false;

	/* Cleared before the run: a kick during it queues the item again. */
	clear_bit(0, &tw->queued);
	mutex_lock(&tw->lock);
	e = tw->e;
	if (!e)
		goto out;
	/*
	 * An exiting task runs its task_work after it left its address
	 * space: the workqueue does that batch.
	 */
	if (!vhost_mdev_kicker_may_process(e->vmdev)) {
		more = true;
	} else {
		mutex_lock(&e->batch_lock);
		more = READ_ONCE(e->running) && vhost_mdev_sim_engine_run(e);
		mutex_unlock(&e->batch_lock);
	}
	if (more && READ_ONCE(e->running))
		queue_work(vhost_mdev_sim_wq, &e->work);
out:
	mutex_unlock(&tw->lock);
	kref_put(&tw->ref, vhost_mdev_sim_tw_free);
}

/*
 * Queue the batch on current's return to user space when current may do
 * the device's work; false when it cannot be.
 */
static bool vhost_mdev_sim_tw_queue(struct vhost_mdev_sim_engine *e)
{
	struct vhost_mdev_sim_tw *tw = e->tw;

	if (!vhost_mdev_kicker_may_process(e->vmdev))
		return false;
	if (test_and_set_bit(0, &tw->queued))
		return true;
	kref_get(&tw->ref);
	if (task_work_add(current, &tw->cb, TWA_RESUME)) {
		clear_bit(0, &tw->queued);
		kref_put(&tw->ref, vhost_mdev_sim_tw_free);
		return false;
	}
	return true;
}

/* --- the engine ---------------------------------------------------------- */

int vhost_mdev_sim_engine_init(struct vhost_mdev_sim_engine *e,
			       struct vhost_mdev_device *vmdev,
			       const struct vhost_mdev_sim_engine_ops *ops)
{
	e->tw = kzalloc(sizeof(*e->tw), GFP_KERNEL);
	if (!e->tw)
		return -ENOMEM;
	init_task_work(&e->tw->cb, vhost_mdev_sim_tw_func);
	kref_init(&e->tw->ref);
	mutex_init(&e->tw->lock);
	e->tw->e = e;
	e->vmdev = vmdev;
	e->ops = ops;
	e->mode = vhost_mdev_sim_mode();
	mutex_init(&e->batch_lock);
	INIT_WORK(&e->work, vhost_mdev_sim_engine_work);
	return 0;
}

/* After the last stop: a task_work item still queued finds no engine. */
void vhost_mdev_sim_engine_release(struct vhost_mdev_sim_engine *e)
{
	if (e->thread)
		kthread_stop(e->thread);
	e->thread = NULL;
	cancel_work_sync(&e->work);
	mutex_lock(&e->tw->lock);
	e->tw->e = NULL;
	mutex_unlock(&e->tw->lock);
	kref_put(&e->tw->ref, vhost_mdev_sim_tw_free);
	e->tw = NULL;
}

/* Under vmdev->lock, the rings set up: process what is already there. */
int vhost_mdev_sim_engine_start(struct vhost_mdev_sim_engine *e)
{
	int ret;

	lockdep_assert_held(&e->vmdev->lock);
	e->mode = vhost_mdev_sim_mode();
	if (e->mode == VHOST_MDEV_SIM_MODE_KTHREAD) {
		ret = vhost_mdev_sim_engine_thread_start(e);
		if (ret)
			return ret;
	}
	/* The mode and the thread before running: pairs with the kick. */
	smp_store_release(&e->running, true);
	/*
	 * Not on the caller's way out, even in task_work mode: it is no
	 * kicker, and may be the virtio driver's probe.
	 */
	if (e->mode == VHOST_MDEV_SIM_MODE_KTHREAD) {
		set_bit(VHOST_MDEV_SIM_PENDING, &e->flags);
		wake_up_process(e->thread);
	} else {
		queue_work(vhost_mdev_sim_wq, &e->work);
	}
	return 0;
}

/*
 * Under vmdev->lock: when this returns no batch runs, and none starts
 * until the next start (a late one sees running false and does nothing).
 */
void vhost_mdev_sim_engine_stop(struct vhost_mdev_sim_engine *e)
{
	lockdep_assert_held(&e->vmdev->lock);
	WRITE_ONCE(e->running, false);
	cancel_work_sync(&e->work);
	/* A batch of the thread or of a task_work item in progress. */
	mutex_lock(&e->batch_lock);
	mutex_unlock(&e->batch_lock);
}

/* Any context: the kick's eventfd wake-up or virtqueue_notify(). */
void vhost_mdev_sim_engine_kick(struct vhost_mdev_sim_engine *e)
{
	/* mode and thread are set before running: pairs with start. */
	if (!smp_load_acquire(&e->running))
		return;
	switch (e->mode) {
	case VHOST_MDEV_SIM_MODE_KTHREAD:
		set_bit(VHOST_MDEV_SIM_PENDING, &e->flags);
		wake_up_process(e->thread);
		return;
	case VHOST_MDEV_SIM_MODE_TASK_WORK:
		if (vhost_mdev_sim_tw_queue(e))
			return;
		fallthrough;
	case VHOST_MDEV_SIM_MODE_WORKQUEUE:
		queue_work(vhost_mdev_sim_wq, &e->work);
		return;
	}
}

const char *vhost_mdev_sim_mode_name(enum vhost_mdev_sim_mode mode)
{
	static const char * const names[] = {
		[VHOST_MDEV_SIM_MODE_WORKQUEUE] = "workqueue",
		[VHOST_MDEV_SIM_MODE_KTHREAD] = "kthread",
		[VHOST_MDEV_SIM_MODE_TASK_WORK] = "task_work",
	};

	return mode < ARRAY_SIZE(names) ? names[mode] : "?";
}
