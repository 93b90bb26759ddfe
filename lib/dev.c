// SPDX-License-Identifier: GPL-2.0
/* Device setup and the TX path shared by every backend. See dev.h. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/virtio_config.h>
#include <linux/virtio_net.h>

#include "dev.h"
#include "run.h"

#define VHM_MEM_IOVA	0x100000ull	/* where the device sees d->mem */
#define VHM_RX_BUF_MIN	1518		/* an untagged Ethernet frame + FCS room */
#define VHM_ETH_TYPE	0x88b5		/* IEEE local experimental ethertype */

static const struct vhm_backend_ops *const vhm_backends[] = {
	&vhm_backend_mdev,
	&vhm_backend_vhost_net,
	&vhm_backend_vdpa,
	&vhm_backend_floor,
};

const char *vhm_backend_variant(const char *name)
{
	const char *at = strchr(name, '@');

	return at ? at + 1 : NULL;
}

static bool vhm_backend_has_variant(const struct vhm_backend_ops *ops,
				    const char *variant)
{
	for (const char *const *v = ops->variants; v && *v; v++)
		if (!strcmp(*v, variant))
			return true;
	return false;
}

const struct vhm_backend_ops *vhm_backend_find(const char *name)
{
	const char *variant = vhm_backend_variant(name);
	size_t len = variant ? (size_t)(variant - 1 - name) : strlen(name);

	for (size_t i = 0; i < sizeof(vhm_backends) / sizeof(vhm_backends[0]); i++) {
		const struct vhm_backend_ops *ops = vhm_backends[i];

		if (strlen(ops->name) != len || strncmp(ops->name, name, len))
			continue;
		if (!variant || (ops->variant_is_device && variant[0]) ||
		    vhm_backend_has_variant(ops, variant))
			return ops;
	}
	return NULL;
}

static inline void vhm_cpu_relax(void)
{
	__builtin_ia32_pause();
}

static size_t vhm_buf_size(const struct vhm_dev *d)
{
	size_t len = d->opts.frame_len > VHM_RX_BUF_MIN ? d->opts.frame_len :
							   VHM_RX_BUF_MIN;

	return (d->hdr_len + len + 63) & ~(size_t)63;
}

static int vhm_dev_mem_create(struct vhm_dev *d, unsigned int num)
{
	size_t ring = vhm_vring_mem_size((uint16_t)num);
	struct vhm_mem *m = &d->mem;

	m->size = 2 * (ring + 4096 + (size_t)num * vhm_buf_size(d)) + 65536;
	m->size = (m->size + 0x1fffff) & ~(size_t)0x1fffff;
	m->va = mmap(NULL, m->size, PROT_READ | PROT_WRITE,
		     (d->shared_mem ? MAP_SHARED : MAP_PRIVATE) | MAP_ANONYMOUS |
		     MAP_POPULATE, -1, 0);
	if (m->va == MAP_FAILED) {
		m->va = NULL;
		fprintf(stderr, "failed to allocate %zu bytes of ring memory: %s\n",
			m->size, strerror(errno));
		return -ENOMEM;
	}
	/* Page faults would show up as latency outliers: keep it resident. */
	mlock(m->va, m->size);
	m->iova = VHM_MEM_IOVA;
	m->used = 0;
	return 0;
}

static int vhm_negotiate(struct vhm_dev *d)
{
	uint64_t want = (1ull << VIRTIO_F_VERSION_1) |
			(1ull << VIRTIO_NET_F_MAC) |
			(1ull << VIRTIO_RING_F_EVENT_IDX);
	int err;

	if (d->opts.no_event_idx)
		want &= ~(1ull << VIRTIO_RING_F_EVENT_IDX);
	d->features = d->features_offered & want;
	err = d->ops->set_features(d, d->features);
	if (err) {
		fprintf(stderr, "%s: failed to set features 0x%llx: %s\n",
			d->ops->name, (unsigned long long)d->features, strerror(-err));
		return err;
	}
	/* num_buffers is part of the header with VERSION_1 (or MRG_RXBUF). */
	d->hdr_len = (d->features & (1ull << VIRTIO_F_VERSION_1)) ?
		     sizeof(struct virtio_net_hdr_mrg_rxbuf) :
		     sizeof(struct virtio_net_hdr);
	return 0;
}

static int vhm_queue_init(struct vhm_dev *d, struct vhm_queue *q,
			  unsigned int index, unsigned int num)
{
	uint64_t ring_iova = 0;
	void *ring;
	int err;

	q->index = index;
	q->kick_fd = q->call_fd = -1;
	q->buf_size = (uint32_t)vhm_buf_size(d);
	ring = vhm_mem_alloc(&d->mem, vhm_vring_mem_size((uint16_t)num), 4096,
			     &ring_iova);
	q->bufs = vhm_mem_alloc(&d->mem, (size_t)num * q->buf_size, 4096,
				&q->bufs_iova);
	if (!ring || !q->bufs)
		return -ENOMEM;
	err = vhm_vring_init(&q->vr, (uint16_t)num, ring, ring_iova,
			     d->opts.vring_base,
			     d->features & (1ull << VIRTIO_RING_F_EVENT_IDX));
	if (err)
		return err;

	q->kick_fd = eventfd(0, EFD_CLOEXEC);
	q->call_fd = eventfd(0, EFD_CLOEXEC);
	if (q->kick_fd < 0 || q->call_fd < 0)
		return -errno;
	err = d->ops->setup_vq(d, index);
	if (err) {
		fprintf(stderr, "%s: failed to set up virtqueue %u: %s\n",
			d->ops->name, index, strerror(-err));
		return err;
	}
	if (d->opts.doorbell) {
		q->doorbell = d->ops->doorbell ? d->ops->doorbell(d, index) : NULL;
		if (!q->doorbell) {
			fprintf(stderr, "%s: no doorbell page for virtqueue %u\n",
				d->ops->name, index);
			return -ENODEV;
		}
	}
	return 0;
}

static void vhm_queue_fini(struct vhm_queue *q)
{
	if (q->kick_fd >= 0)
		close(q->kick_fd);
	if (q->call_fd >= 0)
		close(q->call_fd);
	q->kick_fd = q->call_fd = -1;
	if (q->doorbell)
		munmap((void *)q->doorbell, (size_t)sysconf(_SC_PAGESIZE));
	q->doorbell = NULL;
	vhm_vring_free(&q->vr);
}

/* Header zeroed (no offloads), then an Ethernet frame to the device's MAC. */
static void vhm_tx_fill_frames(struct vhm_dev *d)
{
	static const uint8_t src[6] = { 0x02, 0x76, 0x68, 0x6d, 0x00, 0x01 };
	struct vhm_queue *q = &d->tx;

	for (unsigned int i = 0; i < q->vr.num; i++) {
		uint8_t *b = q->bufs + (size_t)i * q->buf_size, *eth = b + d->hdr_len;

		memset(b, 0, d->hdr_len);
		memcpy(eth, d->mac, 6);
		memcpy(eth + 6, src, 6);
		eth[12] = VHM_ETH_TYPE >> 8;
		eth[13] = VHM_ETH_TYPE & 0xff;
		for (unsigned int j = 14; j < d->opts.frame_len; j++)
			eth[j] = (uint8_t)(i + j);
	}
}

static int vhm_rx_post(struct vhm_dev *d, uint16_t slot)
{
	struct vhm_queue *q = &d->rx;
	struct vhm_sg sg = {
		.iova = q->bufs_iova + (uint64_t)slot * q->buf_size,
		.len = q->buf_size,
	};

	return vhm_vring_add(&q->vr, &sg, 0, 1, q->bufs + (size_t)slot * q->buf_size);
}

static int vhm_rx_fill(struct vhm_dev *d)
{
	struct vhm_queue *q = &d->rx;

	/* The driver never waits on RX: it recycles buffers after TX. */
	vhm_vring_disable_cb(&q->vr);
	while (q->vr.num_free) {
		int head = vhm_rx_post(d, q->vr.free_head);

		if (head < 0)
			return head;
	}
	vhm_vring_publish(&q->vr);
	return 0;
}

int vhm_dev_open(struct vhm_dev *d, const struct vhm_dev_opts *opts)
{
	const struct vhm_backend_ops *ops = vhm_backend_find(opts->backend);
	unsigned int num;
	int err;

	memset(d, 0, sizeof(*d));
	d->fd = -1;
	d->vfio.container = d->vfio.group = d->vfio.device = -1;
	d->rx.kick_fd = d->rx.call_fd = d->tx.kick_fd = d->tx.call_fd = -1;
	d->opts = *opts;
	if (!ops) {
		fprintf(stderr, "unknown backend '%s' (vhost-mdev, vhost-net, "
			"vhost-vdpa, floor)\n",
			opts->backend);
		return -EINVAL;
	}
	d->ops = ops;
	if (d->opts.frame_len < 60)
		d->opts.frame_len = 60;

	err = ops->open(d);
	if (err)
		goto fail;
	if (d->nvqs < 2 && d->has_rx) {
		fprintf(stderr, "%s: device has %u virtqueues, virtio-net needs 2\n",
			ops->name, d->nvqs);
		err = -ENODEV;
		goto fail;
	}
	num = opts->ring_size;
	if (d->vq_num_max && num > d->vq_num_max)
		num = d->vq_num_max;
	if (!num || (num & (num - 1))) {
		fprintf(stderr, "ring size %u is not a power of 2\n", num);
		err = -EINVAL;
		goto fail;
	}

	err = vhm_negotiate(d);
	if (err)
		goto fail;
	err = vhm_dev_mem_create(d, num);
	if (err)
		goto fail;
	err = ops->map(d);
	if (err)
		goto fail;
	d->mapped = true;

	if (d->has_rx) {
		err = vhm_queue_init(d, &d->rx, 0, num);
		if (!err)
			err = vhm_rx_fill(d);
		if (err)
			goto fail;
	}
	err = vhm_queue_init(d, &d->tx, 1, num);
	if (err)
		goto fail;
	vhm_tx_fill_frames(d);
	if (opts->busy_poll)
		vhm_vring_disable_cb(&d->tx.vr);

	err = ops->start(d);
	if (err) {
		fprintf(stderr, "%s: failed to start the device: %s\n", ops->name,
			strerror(-err));
		goto fail;
	}
	d->tx.started = true;
	return 0;

fail:
	vhm_dev_close(d);
	return err;
}

void vhm_dev_close(struct vhm_dev *d)
{
	if (!d->ops)
		return;
	if (d->tx.started)
		d->ops->stop(d);
	d->tx.started = false;
	if (d->fd >= 0 || d->priv)
		d->ops->close(d);
	vhm_queue_fini(&d->tx);
	vhm_queue_fini(&d->rx);
	vhm_mem_free(&d->mem);
	d->ops = NULL;
}

void vhm_dev_reset_counters(struct vhm_dev *d)
{
	struct vhm_queue *qs[] = { &d->rx, &d->tx };

	for (size_t i = 0; i < 2; i++) {
		qs[i]->frames = qs[i]->bytes = qs[i]->kicks = 0;
		qs[i]->kicks_suppressed = qs[i]->interrupts = qs[i]->polls = 0;
		qs[i]->call_signals = 0;
	}
}

unsigned int vhm_tx_send(struct vhm_dev *d, unsigned int n)
{
	struct vhm_queue *q = &d->tx;
	uint32_t len = d->hdr_len + d->opts.frame_len;
	uint64_t one = 1;
	unsigned int sent;

	for (sent = 0; sent < n && q->vr.num_free; sent++) {
		uint16_t slot = q->vr.free_head;
		struct vhm_sg sg = {
			.iova = q->bufs_iova + (uint64_t)slot * q->buf_size,
			.len = len,
		};

		vhm_vring_add(&q->vr, &sg, 1, 0, q->bufs + (size_t)slot * q->buf_size);
	}
	if (!sent)
		return 0;

	vhm_vring_publish(&q->vr);
	if (q->doorbell)
		/* After the publish: the device reads avail->idx after it. */
		__atomic_store_n(q->doorbell, q->vr.avail_idx, __ATOMIC_RELEASE);
	if (!vhm_vring_kick_needed(&q->vr)) {
		q->kicks_suppressed++;
		return sent;
	}
	if (write(q->kick_fd, &one, sizeof(one)) == sizeof(one))
		q->kicks++;
	return sent;
}

/* Recycle what the device delivered on RX (the loopback of our TX). */
static void vhm_rx_recycle(struct vhm_dev *d)
{
	struct vhm_queue *q = &d->rx;
	unsigned int n = 0;
	uint32_t len;
	uint8_t *buf;

	while ((buf = vhm_vring_get_used(&q->vr, &len))) {
		q->frames++;
		q->bytes += len > d->hdr_len ? len - d->hdr_len : 0;
		vhm_rx_post(d, (uint16_t)((buf - q->bufs) / q->buf_size));
		n++;
	}
	/*
	 * Publish without a kick: RX has as many buffers as TX has slots and
	 * is recycled before more TX is queued, so the device never finds RX
	 * empty while a TX frame waits for it.
	 */
	if (n)
		vhm_vring_publish(&q->vr);
}

static unsigned int vhm_tx_reap(struct vhm_dev *d)
{
	struct vhm_queue *q = &d->tx;
	unsigned int n = 0;

	while (vhm_vring_get_used(&q->vr, NULL))
		n++;
	q->frames += n;
	q->bytes += (uint64_t)n * d->opts.frame_len;
	if (d->has_rx)
		vhm_rx_recycle(d);
	return n;
}

/*
 * A wait this long is a lost interrupt or a stuck device, not a latency:
 * the driver says what the ring looked like and gives up instead of hanging.
 */
#define VHM_WAIT_TIMEOUT_MS	10000

static void vhm_report_stall(struct vhm_dev *d, const char *how)
{
	struct vhm_queue *q = &d->tx;
	struct vhm_vring *vr = &q->vr;

	fprintf(stderr,
		"%s: no used entry for %d s (%s): avail idx %u, used idx %u, next used %u, "
		"used flags 0x%x, %s %u, %llu kicks, %llu interrupts\n",
		d->opts.backend, VHM_WAIT_TIMEOUT_MS / 1000, how, vr->avail_idx,
		vhm_vring_used_idx(vr), vr->last_used, vhm_vring_used_flags(vr),
		vr->event_idx ? "used_event" : "avail flags",
		vr->event_idx ? *vhm_vring_used_event(vr) : vr->avail->flags,
		(unsigned long long)q->kicks, (unsigned long long)q->interrupts);
}

/* Sleep until the call eventfd fires. 0 (also on a signal) or -errno. */
static int vhm_wait_call(struct vhm_dev *d)
{
	struct vhm_queue *q = &d->tx;
	struct pollfd p = { .fd = q->call_fd, .events = POLLIN };
	uint64_t count;
	int ret;

	ret = poll(&p, 1, VHM_WAIT_TIMEOUT_MS);
	if (ret < 0)
		return errno == EINTR ? 0 : -errno;
	if (ret == 0) {
		vhm_report_stall(d, "no interrupt");
		return -ETIMEDOUT;
	}
	if (read(q->call_fd, &count, sizeof(count)) != sizeof(count))
		return errno == EINTR || errno == EAGAIN ? 0 : -errno;
	q->interrupts++;
	q->call_signals += count;
	return 0;
}

/* Spin on the used ring; -ETIMEDOUT when nothing comes. */
static int vhm_poll_used(struct vhm_dev *d)
{
	struct vhm_queue *q = &d->tx;
	uint64_t deadline = vhm_now_ns() + VHM_WAIT_TIMEOUT_MS * 1000000ull;

	while (!vhm_vring_pending_used(&q->vr)) {
		q->polls++;
		vhm_cpu_relax();
		if (!(q->polls & 4095) && vhm_now_ns() > deadline) {
			vhm_report_stall(d, "busy polling");
			return -ETIMEDOUT;
		}
	}
	return 0;
}

int vhm_tx_complete(struct vhm_dev *d, bool wait)
{
	struct vhm_queue *q = &d->tx;
	unsigned int n = vhm_tx_reap(d);
	int err;

	if (n || !wait)
		return (int)n;

	for (;;) {
		if (d->opts.busy_poll) {
			err = vhm_poll_used(d);
			if (err)
				return err;
		} else if (vhm_vring_enable_cb(&q->vr)) {
			/* Still empty with interrupts on: sleep. */
			err = vhm_wait_call(d);
			if (err)
				return err;
			vhm_vring_disable_cb(&q->vr);
		} else {
			vhm_vring_disable_cb(&q->vr);
		}
		n = vhm_tx_reap(d);
		if (n)
			return (int)n;
	}
}

static int vhm_queue_drain_call(struct vhm_queue *q)
{
	struct pollfd p = { .fd = q->call_fd, .events = POLLIN };
	uint64_t count;

	if (q->call_fd < 0)
		return 0;
	if (poll(&p, 1, 0) == 1 && read(q->call_fd, &count, sizeof(count)) == sizeof(count)) {
		q->call_signals += count;
		return 1;
	}
	return 0;
}

/*
 * Drain signals still pending on the call eventfds. RX interrupts are never
 * asked for, but a device may send one (with EVENT_IDX, the first decision
 * after a start): counted apart.
 */
int vhm_dev_drain_calls(struct vhm_dev *d)
{
	int tx = vhm_queue_drain_call(&d->tx);

	vhm_queue_drain_call(&d->rx);
	return tx;
}
