// SPDX-License-Identifier: GPL-2.0
/*
 * Eventfd floor: a thread of this process plays the device. It sleeps on
 * the kick eventfd, completes every published chain in place (no data is
 * touched) and writes the call eventfd. What remains is the bare cost of
 * the two wake-ups every backend pays on this path: no backend can beat it.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dev.h"

struct vhm_floor {
	pthread_t thread;
	bool running;
	volatile bool stop;
	uint16_t last_avail;	/* next avail entry to complete */
	uint64_t kicks;		/* wake-ups of the responder */
	uint64_t calls;		/* call eventfd writes */
};

static int vhm_floor_open(struct vhm_dev *d)
{
	struct vhm_floor *f = calloc(1, sizeof(*f));

	if (!f)
		return -ENOMEM;
	d->priv = f;
	d->nvqs = 2;
	d->vq_num_max = 32768;
	d->has_rx = false;
	/* VERSION_1 only: no suppression to honour, every batch is signalled. */
	d->features_offered = 1ull << 32;
	return 0;
}

static int vhm_floor_nop(struct vhm_dev *d)
{
	return 0;
}

static int vhm_floor_set_features(struct vhm_dev *d, uint64_t features)
{
	return 0;
}

static int vhm_floor_setup_vq(struct vhm_dev *d, unsigned int qi)
{
	struct vhm_floor *f = d->priv;

	f->last_avail = d->opts.vring_base;
	return 0;
}

/* Complete what the driver published; returns how many. */
static unsigned int vhm_floor_complete(struct vhm_floor *f, struct vhm_vring *vr)
{
	uint16_t avail = __atomic_load_n(&vr->avail->idx, __ATOMIC_ACQUIRE);
	uint16_t used = vr->used->idx, n = 0;

	/* acquire above: avail entries read after the index that covers them. */
	while (f->last_avail != avail) {
		struct vring_used_elem *e = &vr->used->ring[used & (vr->num - 1)];

		e->id = vr->avail->ring[f->last_avail & (vr->num - 1)];
		e->len = 0;
		f->last_avail++;
		used++;
		n++;
	}
	/* release: used entries visible before the used index. */
	__atomic_store_n(&vr->used->idx, used, __ATOMIC_RELEASE);
	return n;
}

static void *vhm_floor_thread(void *arg)
{
	struct vhm_dev *d = arg;
	struct vhm_floor *f = d->priv;
	struct vhm_queue *q = &d->tx;
	uint64_t count, one = 1;

	if (d->opts.peer_cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(d->opts.peer_cpu, &set);
		pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	}
	while (read(q->kick_fd, &count, sizeof(count)) == sizeof(count)) {
		if (f->stop)
			break;
		f->kicks++;
		if (!vhm_floor_complete(f, &q->vr))
			continue;
		/* seq_cst: used idx before the driver's interrupt request. */
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (__atomic_load_n(&q->vr.avail->flags, __ATOMIC_RELAXED) &
		    VRING_AVAIL_F_NO_INTERRUPT)
			continue;
		if (write(q->call_fd, &one, sizeof(one)) == sizeof(one))
			f->calls++;
	}
	return NULL;
}

static int vhm_floor_start(struct vhm_dev *d)
{
	struct vhm_floor *f = d->priv;
	int err = pthread_create(&f->thread, NULL, vhm_floor_thread, d);

	if (err)
		return -err;
	f->running = true;
	return 0;
}

static int vhm_floor_stop(struct vhm_dev *d)
{
	struct vhm_floor *f = d->priv;
	uint64_t one = 1;

	if (!f->running)
		return 0;
	f->stop = true;
	/* Wake the responder so it sees stop. */
	if (write(d->tx.kick_fd, &one, sizeof(one)) != sizeof(one))
		return -errno;
	pthread_join(f->thread, NULL);
	f->running = false;
	return 0;
}

static int vhm_floor_vring_base(struct vhm_dev *d, unsigned int qi, uint16_t *base)
{
	struct vhm_floor *f = d->priv;

	*base = f->last_avail;
	return 0;
}

static void vhm_floor_close(struct vhm_dev *d)
{
	free(d->priv);
	d->priv = NULL;
}

const struct vhm_backend_ops vhm_backend_floor = {
	.name = "floor",
	.summary = "eventfd ping-pong with a userspace responder thread",
	.open = vhm_floor_open,
	.map = vhm_floor_nop,
	.set_features = vhm_floor_set_features,
	.setup_vq = vhm_floor_setup_vq,
	.start = vhm_floor_start,
	.stop = vhm_floor_stop,
	.close = vhm_floor_close,
	.vring_base = vhm_floor_vring_base,
};
