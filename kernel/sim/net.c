// SPDX-License-Identifier: GPL-2.0
/*
 * vhost-mdev simulator: a virtio-net device that loops every frame sent on
 * its TX queue back to its RX queue, through the core's DMA helpers like
 * real hardware would. Kicks arrive in atomic context and hand the rings to
 * the engine (engine.c), which runs bounded batches where the mode says.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/etherdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/virtio_byteorder.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_net.h>
#include <linux/virtio_ring.h>
#include <linux/workqueue.h>

#include "sim.h"

#define VHOST_MDEV_SIM_RX	0
#define VHOST_MDEV_SIM_TX	1
#define VHOST_MDEV_SIM_NVQS	2
/* Largest frame, virtio-net header excluded. */
#define VHOST_MDEV_SIM_FRAME_MAX	65536
/* Config space: mac, status, max_virtqueue_pairs. */
#define VHOST_MDEV_SIM_CONFIG_SIZE \
	offsetofend(struct virtio_net_config, max_virtqueue_pairs)

#define VHOST_MDEV_SIM_FEATURES \
	(BIT_ULL(VIRTIO_F_VERSION_1) | BIT_ULL(VIRTIO_NET_F_MAC) | \
	 BIT_ULL(VIRTIO_NET_F_STATUS) | BIT_ULL(VIRTIO_RING_F_EVENT_IDX))

struct vhost_mdev_sim {
	struct vhost_mdev_device *vmdev;
	struct vhost_mdev_sim_engine engine;
	u16 num_max;

	/* Under vmdev->lock; frozen while running. */
	u64 features;
	struct virtio_net_config config;

	/* vqs kicked since their processing last started, bit per vq. */
	unsigned long kicked;

	/* Owned by the engine's batch while running, by start/stop else. */
	struct vhost_mdev_sim_ring rings[VHOST_MDEV_SIM_NVQS];
	size_t hdr_len;
	u8 *frame;
	/* The RX chain being filled, read from the ring once: num_max. */
	struct vhost_mdev_sim_desc *rx_segs;

	/*
	 * Doorbell pages, one per vq, the driver may map (get_notify_area)
	 * and write after publishing: a polling thread watches them instead
	 * of reading avail->idx through DMA. Owned by the engine's batch.
	 */
	struct page *doorbell[VHOST_MDEV_SIM_NVQS];
	u32 doorbell_seen[VHOST_MDEV_SIM_NVQS];
	bool doorbell_used;

	atomic64_t frames;
	atomic64_t bytes;
	atomic64_t kicks;
	atomic64_t interrupts;
	atomic64_t errors;
	atomic64_t dropped;
};

static struct vhost_mdev_sim *vhost_mdev_sim_of(struct vhost_mdev_device *v)
{
	return v->priv;
}

static void vhost_mdev_sim_default_config(struct vhost_mdev_sim *sim)
{
	u32 id = sim->vmdev->id;

	/* Locally administered unicast: 02:76:68:6d:<id>. */
	sim->config.mac[0] = 0x02;
	sim->config.mac[1] = 0x76;
	sim->config.mac[2] = 0x68;
	sim->config.mac[3] = 0x6d;
	sim->config.mac[4] = id >> 8;
	sim->config.mac[5] = id;
	sim->config.status = cpu_to_le16(VIRTIO_NET_S_LINK_UP);
	sim->config.max_virtqueue_pairs = cpu_to_le16(1);
}

/* Copy the TX chain at head into sim->frame; returns its length. */
static int vhost_mdev_sim_gather(struct vhost_mdev_sim *sim, u16 head,
				 size_t *len)
{
	struct vhost_mdev_sim_ring *tx = &sim->rings[VHOST_MDEV_SIM_TX];
	size_t cap = sim->hdr_len + VHOST_MDEV_SIM_FRAME_MAX;
	struct vhost_mdev_sim_chain c;
	struct vhost_mdev_sim_desc d;
	size_t total = 0;
	bool oversize = false;
	int ret;

	vhost_mdev_sim_chain_init(&c, head, false);
	while ((ret = vhost_mdev_sim_chain_next(tx, &c, &d)) > 0) {
		if (oversize || d.len > cap - total) {
			/* Walk to the end anyway: a bad chain is an error. */
			oversize = true;
			continue;
		}
		ret = vhost_mdev_dma_read(sim->vmdev, d.addr,
					  sim->frame + total, d.len);
		if (ret)
			return ret;
		total += d.len;
	}
	if (ret)
		return ret;
	*len = oversize ? SIZE_MAX : total;
	return 0;
}

/*
 * Copy the RX chain at head into rx_segs, once: the driver may rewrite its
 * descriptors while the device fills them, so they are not read again.
 */
static int vhost_mdev_sim_rx_chain(struct vhost_mdev_sim *sim, u16 head,
				   unsigned int *nsegs, size_t *room)
{
	struct vhost_mdev_sim_ring *rx = &sim->rings[VHOST_MDEV_SIM_RX];
	struct vhost_mdev_sim_chain c;
	struct vhost_mdev_sim_desc d;
	int ret;

	*nsegs = 0;
	*room = 0;
	vhost_mdev_sim_chain_init(&c, head, true);
	/* The chain walker bounds the chain by the ring size: it fits. */
	while ((ret = vhost_mdev_sim_chain_next(rx, &c, &d)) > 0) {
		sim->rx_segs[(*nsegs)++] = d;
		*room += d.len;
	}
	return ret;
}

static int vhost_mdev_sim_scatter(struct vhost_mdev_sim *sim,
				  unsigned int nsegs, const u8 *src,
				  size_t len)
{
	unsigned int i;
	int ret;

	for (i = 0; i < nsegs && len; i++) {
		size_t n = min_t(size_t, len, sim->rx_segs[i].len);

		ret = vhost_mdev_dma_write(sim->vmdev, sim->rx_segs[i].addr,
					   src, n);
		if (ret)
			return ret;
		src += n;
		len -= n;
	}
	return 0;
}

/*
 * Entries of a kicked vq are about to be consumed: report the start of the
 * processing the kick asked for, once per kick. Here rather than when the
 * work starts, because a run may consume entries whose kick came after it
 * began.
 */
static void vhost_mdev_sim_processing(struct vhost_mdev_sim *sim, u16 vq)
{
	if (test_and_clear_bit(vq, &sim->kicked))
		vhost_mdev_vq_process(sim->vmdev, vq);
}

/* A frame can move: TX has one and RX a buffer for it. */
static int vhost_mdev_sim_can_xmit(struct vhost_mdev_sim *sim, u16 *err_vq)
{
	struct vhost_mdev_sim_ring *tx = &sim->rings[VHOST_MDEV_SIM_TX];
	struct vhost_mdev_sim_ring *rx = &sim->rings[VHOST_MDEV_SIM_RX];
	u16 pending;
	int ret;

	*err_vq = VHOST_MDEV_SIM_TX;
	if (!tx->ready || !rx->ready)
		return 0;
	ret = vhost_mdev_sim_ring_pending(tx, &pending);
	if (ret || !pending)
		return ret;
	*err_vq = VHOST_MDEV_SIM_RX;
	ret = vhost_mdev_sim_ring_pending(rx, &pending);
	if (ret || !pending)
		return ret;
	return 1;
}

/*
 * Move one frame from TX to RX. Returns 1 when a TX entry was consumed, 0
 * when there is nothing to do (TX empty, or no RX buffer: TX waits for an
 * RX kick), a negative errno on a ring or DMA error (errored_vq says where).
 */
static int vhost_mdev_sim_xmit_one(struct vhost_mdev_sim *sim, u16 *err_vq)
{
	struct vhost_mdev_sim_ring *tx = &sim->rings[VHOST_MDEV_SIM_TX];
	struct vhost_mdev_sim_ring *rx = &sim->rings[VHOST_MDEV_SIM_RX];
	struct virtio_net_hdr_v1 *hdr = (void *)sim->frame;
	u16 tx_head, rx_head;
	unsigned int nsegs;
	size_t len, room;
	int ret;

	ret = vhost_mdev_sim_can_xmit(sim, err_vq);
	if (ret <= 0)
		return ret;

	vhost_mdev_sim_processing(sim, VHOST_MDEV_SIM_TX);
	vhost_mdev_sim_processing(sim, VHOST_MDEV_SIM_RX);
	*err_vq = VHOST_MDEV_SIM_TX;
	ret = vhost_mdev_sim_ring_head(tx, &tx_head);
	if (!ret)
		ret = vhost_mdev_sim_gather(sim, tx_head, &len);
	if (ret)
		return ret;

	*err_vq = VHOST_MDEV_SIM_RX;
	ret = vhost_mdev_sim_ring_head(rx, &rx_head);
	if (!ret)
		ret = vhost_mdev_sim_rx_chain(sim, rx_head, &nsegs, &room);
	if (ret)
		return ret;

	if (len < sim->hdr_len || len > room) {
		/* Runt, oversize or too big for the RX buffer: drop it. */
		atomic64_inc(&sim->dropped);
	} else {
		/* No offloads are offered: a plain header, one buffer. */
		memset(hdr, 0, sim->hdr_len);
		hdr->gso_type = VIRTIO_NET_HDR_GSO_NONE;
		if (sim->hdr_len == sizeof(*hdr))
			hdr->num_buffers = __cpu_to_virtio16(rx->le, 1);
		ret = vhost_mdev_sim_scatter(sim, nsegs, sim->frame, len);
		if (!ret)
			ret = vhost_mdev_sim_ring_push(rx, rx_head, len);
		if (ret)
			return ret;
		atomic64_inc(&sim->frames);
		atomic64_add(len - sim->hdr_len, &sim->bytes);
	}

	*err_vq = VHOST_MDEV_SIM_TX;
	ret = vhost_mdev_sim_ring_push(tx, tx_head, 0);
	return ret ? ret : 1;
}

static void vhost_mdev_sim_fail(struct vhost_mdev_sim *sim, u16 vq, int err)
{
	atomic64_inc(&sim->errors);
	vhost_mdev_vq_error(sim->vmdev, vq, err);
}

static struct vhost_mdev_sim *vhost_mdev_sim_of_engine(struct vhost_mdev_sim_engine *e)
{
	return container_of(e, struct vhost_mdev_sim, engine);
}

/* Make every frame moved so far visible to the driver, on both rings. */
static int vhost_mdev_sim_publish(struct vhost_mdev_sim *sim, u16 *err_vq)
{
	int ret;

	for (*err_vq = 0; *err_vq < VHOST_MDEV_SIM_NVQS; (*err_vq)++) {
		ret = vhost_mdev_sim_ring_publish(&sim->rings[*err_vq]);
		if (ret)
			return ret;
	}
	return 0;
}

/* Signal the interrupts the batch owes, on both rings. */
static int vhost_mdev_sim_calls(struct vhost_mdev_sim *sim)
{
	bool called;
	int i, ret;

	for (i = 0; i < VHOST_MDEV_SIM_NVQS; i++) {
		ret = vhost_mdev_sim_ring_call(&sim->rings[i], &called);
		if (ret) {
			vhost_mdev_sim_fail(sim, i, ret);
			return ret;
		}
		if (called)
			atomic64_inc(&sim->interrupts);
	}
	return 0;
}

/*
 * One batch: at most budget frames, the driver's kicks suppressed, then
 * the interrupts they owe. See vhost_mdev_sim_engine_ops.
 */
static int vhost_mdev_sim_batch(struct vhost_mdev_sim_engine *e)
{
	struct vhost_mdev_sim *sim = vhost_mdev_sim_of_engine(e);
	unsigned int budget = vhost_mdev_sim_budget();
	bool stopping = false;
	unsigned int n;
	u16 vq = 0;
	int i, ret = 0;

	for (i = 0; i < VHOST_MDEV_SIM_NVQS; i++) {
		ret = vhost_mdev_sim_ring_disable_notify(&sim->rings[i]);
		if (ret) {
			vhost_mdev_sim_fail(sim, i, ret);
			return ret;
		}
	}
	for (n = 0; n < budget; n++) {
		if (vhost_mdev_failed(sim->vmdev))
			return -EIO;
		/*
		 * Stopping: leave the loop but still signal what this run
		 * completed, or the next start would forget it.
		 */
		if (!READ_ONCE(e->running)) {
			stopping = true;
			break;
		}
		ret = vhost_mdev_sim_xmit_one(sim, &vq);
		if (ret <= 0)
			break;
		if (vhost_mdev_sim_delaying()) {
			ret = vhost_mdev_sim_publish(sim, &vq);
			if (ret)
				break;
		}
		vhost_mdev_sim_delay();
		cond_resched();
	}
	if (ret < 0) {
		vhost_mdev_sim_fail(sim, vq, ret);
		return ret;
	}
	ret = vhost_mdev_sim_calls(sim);
	if (ret)
		return ret;
	if (stopping)
		return -ESHUTDOWN;
	return n == budget;
}

/* Did the driver write a doorbell since the last look? */
static bool vhost_mdev_sim_doorbell_rung(struct vhost_mdev_sim *sim)
{
	bool rung = false;
	u32 v;
	int i;

	for (i = 0; i < VHOST_MDEV_SIM_NVQS; i++) {
		v = READ_ONCE(*(u32 *)page_address(sim->doorbell[i]));
		if (v != sim->doorbell_seen[i]) {
			sim->doorbell_seen[i] = v;
			rung = true;
		}
	}
	if (rung)
		sim->doorbell_used = true;
	return rung;
}

static bool vhost_mdev_sim_has_work(struct vhost_mdev_sim_engine *e)
{
	struct vhost_mdev_sim *sim = vhost_mdev_sim_of_engine(e);
	u16 vq;
	int ret;

	/*
	 * A driver that rings the doorbells rings them after every publish:
	 * no ring, no work, and no DMA to find out. The look before the
	 * thread sleeps reads the rings anyway (rearm).
	 */
	if (!vhost_mdev_sim_doorbell_rung(sim) && sim->doorbell_used)
		return false;
	/* Read avail->idx afresh after the doorbell: pairs with its store. */
	smp_rmb();
	ret = vhost_mdev_sim_can_xmit(sim, &vq);
	/* A ring error: let the batch find it and fail the device. */
	return ret != 0;
}

/*
 * Out of work: kicks on TX always, on RX only while a TX frame waits for
 * an RX buffer (a refill is no work by itself), then look again.
 */
static bool vhost_mdev_sim_rearm(struct vhost_mdev_sim_engine *e)
{
	struct vhost_mdev_sim *sim = vhost_mdev_sim_of_engine(e);
	struct vhost_mdev_sim_ring *tx = &sim->rings[VHOST_MDEV_SIM_TX];
	struct vhost_mdev_sim_ring *rx = &sim->rings[VHOST_MDEV_SIM_RX];
	int tx_ret, rx_ret;
	u16 vq;

	tx_ret = vhost_mdev_sim_ring_enable_notify(tx);
	if (tx_ret < 0) {
		vhost_mdev_sim_fail(sim, VHOST_MDEV_SIM_TX, tx_ret);
		return false;
	}
	if (tx->avail_seen != tx->last)
		rx_ret = vhost_mdev_sim_ring_enable_notify(rx);
	else
		rx_ret = vhost_mdev_sim_ring_disable_notify(rx);
	if (rx_ret < 0) {
		vhost_mdev_sim_fail(sim, VHOST_MDEV_SIM_RX, rx_ret);
		return false;
	}
	if (!tx_ret && !rx_ret)
		return false;
	return vhost_mdev_sim_can_xmit(sim, &vq) != 0;
}

static const struct vhost_mdev_sim_engine_ops vhost_mdev_sim_engine_ops = {
	.batch		= vhost_mdev_sim_batch,
	.rearm		= vhost_mdev_sim_rearm,
	.has_work	= vhost_mdev_sim_has_work,
};

/* --- vhost_mdev_ops ------------------------------------------------------ */

/* A page mapped by a driver lives on until it unmaps it. */
static void vhost_mdev_sim_free_doorbells(struct vhost_mdev_sim *sim)
{
	int i;

	for (i = 0; i < VHOST_MDEV_SIM_NVQS; i++)
		if (sim->doorbell[i])
			put_page(sim->doorbell[i]);
}

static int vhost_mdev_sim_init(struct vhost_mdev_device *vmdev)
{
	struct vhost_mdev_sim *sim;
	int i;

	sim = kzalloc(sizeof(*sim), GFP_KERNEL);
	if (!sim)
		return -ENOMEM;
	sim->frame = kvmalloc(sizeof(struct virtio_net_hdr_v1) +
			      VHOST_MDEV_SIM_FRAME_MAX, GFP_KERNEL);
	if (!sim->frame) {
		kfree(sim);
		return -ENOMEM;
	}
	sim->vmdev = vmdev;
	sim->num_max = vhost_mdev_sim_queue_size();
	sim->rx_segs = kvcalloc(sim->num_max, sizeof(*sim->rx_segs),
				GFP_KERNEL);
	if (!sim->rx_segs)
		goto err_frame;
	for (i = 0; i < VHOST_MDEV_SIM_NVQS; i++) {
		sim->doorbell[i] = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!sim->doorbell[i])
			goto err_doorbell;
	}
	if (vhost_mdev_sim_engine_init(&sim->engine, vmdev,
				       &vhost_mdev_sim_engine_ops))
		goto err_doorbell;
	vhost_mdev_sim_default_config(sim);
	vmdev->priv = sim;
	return 0;

err_doorbell:
	vhost_mdev_sim_free_doorbells(sim);
	kvfree(sim->rx_segs);
err_frame:
	kvfree(sim->frame);
	kfree(sim);
	return -ENOMEM;
}

static void vhost_mdev_sim_release(struct vhost_mdev_device *vmdev)
{
	struct vhost_mdev_sim *sim = vhost_mdev_sim_of(vmdev);

	vhost_mdev_sim_engine_release(&sim->engine);
	vhost_mdev_sim_free_doorbells(sim);
	kvfree(sim->rx_segs);
	kvfree(sim->frame);
	kfree(sim);
	vmdev->priv = NULL;
}

static u32 vhost_mdev_sim_get_device_id(struct vhost_mdev_device *vmdev)
{
	return VIRTIO_ID_NET;
}

static u32 vhost_mdev_sim_get_vq_count(struct vhost_mdev_device *vmdev)
{
	return VHOST_MDEV_SIM_NVQS;
}

static u16 vhost_mdev_sim_get_vq_num_max(struct vhost_mdev_device *vmdev)
{
	return vhost_mdev_sim_of(vmdev)->num_max;
}

static u64 vhost_mdev_sim_get_features(struct vhost_mdev_device *vmdev)
{
	return VHOST_MDEV_SIM_FEATURES;
}

static int vhost_mdev_sim_set_features(struct vhost_mdev_device *vmdev,
				       u64 features)
{
	vhost_mdev_sim_of(vmdev)->features = features;
	return 0;
}

static u32 vhost_mdev_sim_get_config_size(struct vhost_mdev_device *vmdev)
{
	return VHOST_MDEV_SIM_CONFIG_SIZE;
}

static void vhost_mdev_sim_get_config(struct vhost_mdev_device *vmdev,
				      unsigned int off, void *buf,
				      unsigned int len)
{
	memcpy(buf, (u8 *)&vhost_mdev_sim_of(vmdev)->config + off, len);
}

/* Only the MAC is writable, as on a legacy virtio-net device. */
static int vhost_mdev_sim_set_config(struct vhost_mdev_device *vmdev,
				     unsigned int off, const void *buf,
				     unsigned int len)
{
	struct vhost_mdev_sim *sim = vhost_mdev_sim_of(vmdev);

	if (off + len > sizeof(sim->config.mac))
		return -EPERM;
	memcpy(sim->config.mac + off, buf, len);
	return 0;
}

static int vhost_mdev_sim_start(struct vhost_mdev_device *vmdev)
{
	struct vhost_mdev_sim *sim = vhost_mdev_sim_of(vmdev);
	bool version_1 = sim->features & BIT_ULL(VIRTIO_F_VERSION_1);
	bool le = version_1 || virtio_legacy_is_little_endian();
	bool event_idx = sim->features & BIT_ULL(VIRTIO_RING_F_EVENT_IDX);
	int i;

	lockdep_assert_held(&vmdev->lock);
	for (i = 0; i < VHOST_MDEV_SIM_NVQS; i++)
		vhost_mdev_sim_ring_init(&sim->rings[i], vmdev, i, le,
					 event_idx);
	sim->hdr_len = version_1 ? sizeof(struct virtio_net_hdr_v1) :
				   sizeof(struct virtio_net_hdr);
	/* Whether the driver rings the doorbells, it shows afresh. */
	sim->doorbell_used = false;
	for (i = 0; i < VHOST_MDEV_SIM_NVQS; i++)
		sim->doorbell_seen[i] =
			READ_ONCE(*(u32 *)page_address(sim->doorbell[i]));
	/* Processes whatever the driver published before the start. */
	return vhost_mdev_sim_engine_start(&sim->engine);
}

static void vhost_mdev_sim_stop(struct vhost_mdev_device *vmdev)
{
	struct vhost_mdev_sim *sim = vhost_mdev_sim_of(vmdev);

	lockdep_assert_held(&vmdev->lock);
	vhost_mdev_sim_engine_stop(&sim->engine);
}

/* Any context: the kick eventfd's wake-up or virtqueue_notify(). */
static void vhost_mdev_sim_notify(struct vhost_mdev_device *vmdev, u16 vq)
{
	struct vhost_mdev_sim *sim = vhost_mdev_sim_of(vmdev);

	atomic64_inc(&sim->kicks);
	set_bit(vq, &sim->kicked);
	vhost_mdev_sim_engine_kick(&sim->engine);
}

static int vhost_mdev_sim_get_notify_area(struct vhost_mdev_device *vmdev,
					  u16 vq, phys_addr_t *addr,
					  size_t *size)
{
	struct vhost_mdev_sim *sim = vhost_mdev_sim_of(vmdev);

	if (vq >= VHOST_MDEV_SIM_NVQS)
		return -EINVAL;
	*addr = page_to_phys(sim->doorbell[vq]);
	*size = PAGE_SIZE;
	return 0;
}

static u16 vhost_mdev_sim_get_vring_base(struct vhost_mdev_device *vmdev,
					 u16 vq)
{
	struct vhost_mdev_sim *sim = vhost_mdev_sim_of(vmdev);

	if (vq >= VHOST_MDEV_SIM_NVQS)
		return 0;
	return READ_ONCE(sim->rings[vq].published);
}

static void vhost_mdev_sim_reset(struct vhost_mdev_device *vmdev)
{
	struct vhost_mdev_sim *sim = vhost_mdev_sim_of(vmdev);

	lockdep_assert_held(&vmdev->lock);
	sim->features = 0;
	vhost_mdev_sim_default_config(sim);
}

/* --- sysfs: sim/ counters on every instance ----------------------------- */

#define VHOST_MDEV_SIM_COUNTER(name)					\
static ssize_t name##_show(struct device *dev,				\
			   struct device_attribute *attr, char *buf)	\
{									\
	struct vhost_mdev_sim *sim =					\
		vhost_mdev_sim_of(vhost_mdev_from_dev(dev));		\
									\
	return sysfs_emit(buf, "%lld\n", atomic64_read(&sim->name));	\
}									\
static DEVICE_ATTR_RO(name)

VHOST_MDEV_SIM_COUNTER(frames);
VHOST_MDEV_SIM_COUNTER(bytes);
VHOST_MDEV_SIM_COUNTER(kicks);
VHOST_MDEV_SIM_COUNTER(interrupts);
VHOST_MDEV_SIM_COUNTER(errors);
VHOST_MDEV_SIM_COUNTER(dropped);

/* The mode of the last start, and what busy polling found. */
static ssize_t mode_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	struct vhost_mdev_sim *sim =
		vhost_mdev_sim_of(vhost_mdev_from_dev(dev));

	return sysfs_emit(buf, "%s\n",
			  vhost_mdev_sim_mode_name(READ_ONCE(sim->engine.mode)));
}
static DEVICE_ATTR_RO(mode);

#define VHOST_MDEV_SIM_ENGINE_COUNTER(name)				\
static ssize_t name##_show(struct device *dev,				\
			   struct device_attribute *attr, char *buf)	\
{									\
	struct vhost_mdev_sim *sim =					\
		vhost_mdev_sim_of(vhost_mdev_from_dev(dev));		\
									\
	return sysfs_emit(buf, "%lld\n",				\
			  atomic64_read(&sim->engine.name));		\
}									\
static DEVICE_ATTR_RO(name)

VHOST_MDEV_SIM_ENGINE_COUNTER(poll_hits);
VHOST_MDEV_SIM_ENGINE_COUNTER(poll_misses);

static ssize_t max_queue_size_show(struct device *dev,
				   struct device_attribute *attr, char *buf)
{
	struct vhost_mdev_sim *sim =
		vhost_mdev_sim_of(vhost_mdev_from_dev(dev));

	return sysfs_emit(buf, "%u\n", sim->num_max);
}
static DEVICE_ATTR_RO(max_queue_size);

static struct attribute *vhost_mdev_sim_attrs[] = {
	&dev_attr_frames.attr,
	&dev_attr_bytes.attr,
	&dev_attr_kicks.attr,
	&dev_attr_interrupts.attr,
	&dev_attr_errors.attr,
	&dev_attr_dropped.attr,
	&dev_attr_max_queue_size.attr,
	&dev_attr_mode.attr,
	&dev_attr_poll_hits.attr,
	&dev_attr_poll_misses.attr,
	NULL,
};

static const struct attribute_group vhost_mdev_sim_group = {
	.name = "sim",
	.attrs = vhost_mdev_sim_attrs,
};

static const struct attribute_group *vhost_mdev_sim_groups[] = {
	&vhost_mdev_sim_group,
	NULL,
};

const struct vhost_mdev_ops vhost_mdev_sim_net_ops = {
	.init			= vhost_mdev_sim_init,
	.release		= vhost_mdev_sim_release,
	.get_device_id		= vhost_mdev_sim_get_device_id,
	.get_vq_count		= vhost_mdev_sim_get_vq_count,
	.get_vq_num_max		= vhost_mdev_sim_get_vq_num_max,
	.get_features		= vhost_mdev_sim_get_features,
	.set_features		= vhost_mdev_sim_set_features,
	.get_config_size	= vhost_mdev_sim_get_config_size,
	.get_config		= vhost_mdev_sim_get_config,
	.set_config		= vhost_mdev_sim_set_config,
	.start			= vhost_mdev_sim_start,
	.stop			= vhost_mdev_sim_stop,
	.notify			= vhost_mdev_sim_notify,
	.get_vring_base		= vhost_mdev_sim_get_vring_base,
	.get_notify_area	= vhost_mdev_sim_get_notify_area,
	.reset			= vhost_mdev_sim_reset,
	.dev_groups		= vhost_mdev_sim_groups,
};
