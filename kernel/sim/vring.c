// SPDX-License-Identifier: GPL-2.0
/*
 * Split virtqueue, device side, for the vhost-mdev simulator. Every access
 * to the rings goes through the core's DMA helpers, so for a VFIO consumer
 * an IOVA the container does not map fails the access instead of touching
 * memory.
 */
#include <asm/byteorder.h>
#include <linux/virtio_byteorder.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ring.h>

#include "sim.h"

void vhost_mdev_sim_ring_init(struct vhost_mdev_sim_ring *r,
			      struct vhost_mdev_device *vmdev, u16 index,
			      bool le, bool event_idx)
{
	struct vhost_mdev_vq *vq = &vmdev->vqs[index];

	r->vmdev = vmdev;
	r->index = index;
	r->ready = vq->num && vq->addr_set;
	r->le = le;
	r->event_idx = event_idx;
	r->num = vq->num;
	r->desc = vq->desc;
	r->avail = vq->avail;
	r->used = vq->used;
	r->last = vq->base;
	r->avail_seen = vq->base;
	r->published = vq->base;
	r->pending_used = 0;
	r->heads_n = 0;
	r->descs_n = 0;
	r->used_n = 0;
	r->notify_known = false;
	r->signalled_valid = false;
}

static int vhost_mdev_sim_get16(struct vhost_mdev_sim_ring *r, u64 iova,
				u16 *val)
{
	u16 raw;
	int ret;

	ret = vhost_mdev_dma_get_u16(r->vmdev, iova, &raw);
	if (ret)
		return ret;
	*val = __virtio16_to_cpu(r->le, (__force __virtio16)raw);
	return 0;
}

/* Reads of a moving avail->idx before the device gives up on it. */
#define VHOST_MDEV_SIM_IDX_TRIES	16

/*
 * avail->idx, never torn: a VFIO consumer's index is read bytewise, so a
 * value that moved since the last look counts once two reads agree.
 */
static int vhost_mdev_sim_avail_idx(struct vhost_mdev_sim_ring *r, u16 *idx)
{
	u64 iova = r->avail + offsetof(struct vring_avail, idx);
	unsigned int i;
	u16 prev;
	int ret;

	ret = vhost_mdev_sim_get16(r, iova, idx);
	for (i = 0; !ret && *idx != r->avail_seen; i++) {
		if (i == VHOST_MDEV_SIM_IDX_TRIES)
			return -EAGAIN;
		prev = *idx;
		ret = vhost_mdev_sim_get16(r, iova, idx);
		if (!ret && *idx == prev)
			r->avail_seen = prev;
	}
	return ret;
}

/* Number of avail entries the device has not consumed yet. */
int vhost_mdev_sim_ring_pending(struct vhost_mdev_sim_ring *r, u16 *pending)
{
	u16 idx;
	int ret;

	/* Entries seen before and not consumed yet need no new look. */
	*pending = r->avail_seen - r->last;
	if (*pending && *pending <= r->num)
		return 0;
	ret = vhost_mdev_sim_avail_idx(r, &idx);
	if (ret)
		return ret;
	*pending = idx - r->last;
	if (*pending > r->num)
		return -EINVAL;
	/*
	 * Read the ring entries and descriptors only after the index: pairs
	 * with the driver's write barrier before it publishes avail->idx.
	 */
	smp_rmb();
	return 0;
}

/*
 * The head descriptor of the next avail entry, which the caller knows is
 * there (vhost_mdev_sim_ring_pending()). Up to VHOST_MDEV_SIM_RING_BATCH
 * published entries are read at once: the driver does not change them
 * until they are used.
 */
int vhost_mdev_sim_ring_head(struct vhost_mdev_sim_ring *r, u16 *head)
{
	u16 off = r->last - r->heads_from;
	u16 slot = r->last & (r->num - 1);
	u16 n;
	int ret;

	if (off >= r->heads_n) {
		n = min_t(u16, r->avail_seen - r->last, r->num - slot);
		n = clamp_t(u16, n, 1, VHOST_MDEV_SIM_RING_BATCH);
		ret = vhost_mdev_dma_read(r->vmdev, r->avail +
					  offsetof(struct vring_avail, ring) +
					  sizeof(__virtio16) * slot, r->heads,
					  sizeof(__virtio16) * n);
		if (ret)
			return ret;
		r->heads_from = r->last;
		r->heads_n = n;
		off = 0;
	}
	*head = __virtio16_to_cpu(r->le, r->heads[off]);
	return *head < r->num ? 0 : -EINVAL;
}

void vhost_mdev_sim_chain_init(struct vhost_mdev_sim_chain *c, u16 head,
			       bool write)
{
	c->next = head;
	c->seen = 0;
	c->write = write;
	c->mixed = false;
	c->done = false;
}

void vhost_mdev_sim_chain_init_mixed(struct vhost_mdev_sim_chain *c,
				     u16 head)
{
	vhost_mdev_sim_chain_init(c, head, false);
	c->mixed = true;
}

/*
 * Descriptor i of a chain at r->last. Drivers hand out neighbouring
 * descriptors to the chains they publish together: the aligned block
 * around i is read at once, and serves every chain published by then,
 * whose descriptors the driver no longer changes.
 */
static int vhost_mdev_sim_desc(struct vhost_mdev_sim_ring *r, u16 i,
			       struct vring_desc *desc)
{
	u16 off = i - r->descs_from;
	u16 from;
	int ret;

	if (off >= r->descs_n || (s16)(r->last - r->descs_avail) >= 0) {
		from = i & ~(VHOST_MDEV_SIM_DESC_BATCH - 1);
		r->descs_n = 0;
		ret = vhost_mdev_dma_read(r->vmdev, r->desc + sizeof(*desc) * from,
					  r->descs, sizeof(*desc) *
					  min_t(u32, VHOST_MDEV_SIM_DESC_BATCH,
						r->num - from));
		if (ret)
			return ret;
		r->descs_from = from;
		r->descs_n = min_t(u32, VHOST_MDEV_SIM_DESC_BATCH, r->num - from);
		r->descs_avail = r->avail_seen;
		off = i - from;
	}
	*desc = r->descs[off];
	return 0;
}

/*
 * The next descriptor of the chain: 1 and *d filled, 0 past the end, or a
 * negative errno for a ring error (bad index, loop, indirect descriptor,
 * wrong direction, readable after writable in a mixed chain, a buffer that
 * wraps) or a DMA failure.
 */
int vhost_mdev_sim_chain_next(struct vhost_mdev_sim_ring *r,
			      struct vhost_mdev_sim_chain *c,
			      struct vhost_mdev_sim_desc *d)
{
	struct vring_desc desc;
	u16 flags;
	int ret;

	if (c->done)
		return 0;
	if (c->next >= r->num || ++c->seen > r->num)
		return -EINVAL;
	ret = vhost_mdev_sim_desc(r, c->next, &desc);
	if (ret)
		return ret;
	flags = __virtio16_to_cpu(r->le, desc.flags);
	if (flags & VRING_DESC_F_INDIRECT)
		return -EINVAL;
	d->write = flags & VRING_DESC_F_WRITE;
	/* Mixed: once writable, the rest of the chain must be writable. */
	if (c->mixed && d->write)
		c->write = true;
	else if (d->write != c->write)
		return -EINVAL;
	d->addr = __virtio64_to_cpu(r->le, desc.addr);
	d->len = __virtio32_to_cpu(r->le, desc.len);
	/* A buffer that wraps the address space is no buffer. */
	if (d->len && d->addr + d->len - 1 < d->addr)
		return -EINVAL;
	if (flags & VRING_DESC_F_NEXT)
		c->next = __virtio16_to_cpu(r->le, desc.next);
	else
		c->done = true;
	return 1;
}

/* Write the used elements held back, in one access. */
static int vhost_mdev_sim_ring_flush_used(struct vhost_mdev_sim_ring *r)
{
	u16 slot = (u16)(r->last - r->used_n) & (r->num - 1);
	int ret;

	if (!r->used_n)
		return 0;
	ret = vhost_mdev_dma_write(r->vmdev, r->used +
				   offsetof(struct vring_used, ring) +
				   sizeof(struct vring_used_elem) * slot,
				   r->used_buf,
				   sizeof(struct vring_used_elem) * r->used_n);
	if (ret)
		return ret;
	r->used_n = 0;
	return 0;
}

/*
 * Complete the chain at head with len bytes written, in order. The entry
 * reaches the ring with the next ones (up to VHOST_MDEV_SIM_RING_BATCH or
 * the end of the ring) and is published with the others of the batch by
 * vhost_mdev_sim_ring_call().
 */
int vhost_mdev_sim_ring_push(struct vhost_mdev_sim_ring *r, u16 head,
			     u32 len)
{
	struct vring_used_elem *elem = &r->used_buf[r->used_n++];

	elem->id = __cpu_to_virtio32(r->le, head);
	elem->len = __cpu_to_virtio32(r->le, len);
	WRITE_ONCE(r->last, r->last + 1);
	r->pending_used++;
	if (r->used_n == VHOST_MDEV_SIM_RING_BATCH ||
	    !(r->last & (r->num - 1)))
		return vhost_mdev_sim_ring_flush_used(r);
	return 0;
}

static int vhost_mdev_sim_put16(struct vhost_mdev_sim_ring *r, u64 iova,
				u16 val)
{
	return vhost_mdev_dma_put_u16(r->vmdev, iova,
				      (__force u16)__cpu_to_virtio16(r->le,
								     val));
}

/* used->idx = last: every entry pushed becomes the driver's. */
int vhost_mdev_sim_ring_publish(struct vhost_mdev_sim_ring *r)
{
	int ret;

	ret = vhost_mdev_sim_ring_flush_used(r);
	if (ret || r->published == r->last)
		return ret;
	/*
	 * The elements must be visible before the index that publishes
	 * them: pairs with the driver's read barrier after it reads
	 * used->idx.
	 */
	smp_wmb();
	ret = vhost_mdev_sim_put16(r, r->used + offsetof(struct vring_used, idx),
				   r->last);
	if (ret)
		return ret;
	WRITE_ONCE(r->published, r->last);
	return 0;
}

/*
 * Does the driver want an interrupt for the entries published since the
 * last decision? With EVENT_IDX, when used->idx crossed its used_event
 * since then, or when that decision is unknown (a start) or ambiguous (a
 * whole lap of the 16-bit index ago); otherwise unless it set
 * VRING_AVAIL_F_NO_INTERRUPT.
 */
static int vhost_mdev_sim_ring_wants_call(struct vhost_mdev_sim_ring *r,
					  u32 count, bool *call)
{
	u16 old = r->signalled, new = r->last;
	bool valid = r->signalled_valid && count < 0x10000;
	u16 val;
	int ret;

	if (!r->event_idx) {
		ret = vhost_mdev_sim_get16(r, r->avail +
					   offsetof(struct vring_avail, flags),
					   &val);
		*call = !ret && !(val & VRING_AVAIL_F_NO_INTERRUPT);
		return ret;
	}
	ret = vhost_mdev_sim_get16(r, r->avail +
				   offsetof(struct vring_avail, ring) +
				   sizeof(__virtio16) * r->num, &val);
	if (ret)
		return ret;
	r->signalled = new;
	r->signalled_valid = true;
	*call = !valid || vring_need_event(val, new, old);
	return 0;
}

/*
 * After a batch: publish the entries used since the last call, and signal
 * the call eventfd if there were some and the driver wants it. Every batch
 * that pushed an entry ends here, stopping or not, or the interrupt it owes
 * would be lost.
 */
int vhost_mdev_sim_ring_call(struct vhost_mdev_sim_ring *r, bool *called)
{
	u32 count = r->pending_used;
	bool call;
	int ret;

	*called = false;
	if (!count)
		return 0;
	ret = vhost_mdev_sim_ring_publish(r);
	if (ret)
		return ret;
	vhost_mdev_vq_used(r->vmdev, r->index, r->last,
			   min_t(u32, count, U16_MAX));
	r->pending_used = 0;
	/*
	 * The used->idx store must be visible before avail->flags or
	 * used_event is read: pairs with the driver's full barrier between
	 * asking for an interrupt and its last look at used->idx.
	 */
	smp_mb();
	ret = vhost_mdev_sim_ring_wants_call(r, count, &call);
	if (ret || !call)
		return ret;
	vhost_mdev_vq_call(r->vmdev, r->index);
	*called = true;
	return 0;
}

/*
 * The device is busy with the ring: the driver need not kick. With
 * EVENT_IDX an avail_event left behind says so by itself; otherwise
 * VRING_USED_F_NO_NOTIFY does.
 */
int vhost_mdev_sim_ring_disable_notify(struct vhost_mdev_sim_ring *r)
{
	int ret;

	if (r->event_idx || !r->ready || (r->notify_known && r->no_notify))
		return 0;
	ret = vhost_mdev_sim_put16(r, r->used + offsetof(struct vring_used,
							 flags),
				   VRING_USED_F_NO_NOTIFY);
	if (ret)
		return ret;
	r->notify_known = true;
	r->no_notify = true;
	return 0;
}

/*
 * The device goes idle on the ring: ask for a kick on the next entry (with
 * EVENT_IDX, avail_event = the next avail index it will look at). The
 * caller must then look at avail->idx again, as an entry published before
 * the driver could see this went unkicked. 1 when the request was written
 * (look again), 0 when it stood already, or a negative errno.
 */
int vhost_mdev_sim_ring_enable_notify(struct vhost_mdev_sim_ring *r)
{
	u64 at;
	int ret;

	if (!r->ready)
		return 0;
	if (r->event_idx) {
		if (r->notify_known && r->avail_event == r->last)
			return 0;
		at = r->used + offsetof(struct vring_used, ring) +
		     sizeof(struct vring_used_elem) * r->num;
		ret = vhost_mdev_sim_put16(r, at, r->last);
	} else {
		if (r->notify_known && !r->no_notify)
			return 0;
		at = r->used + offsetof(struct vring_used, flags);
		ret = vhost_mdev_sim_put16(r, at, 0);
	}
	if (ret)
		return ret;
	r->notify_known = true;
	r->no_notify = false;
	r->avail_event = r->last;
	/*
	 * The request must be visible before avail->idx is read again:
	 * pairs with the driver's full barrier between publishing avail->idx
	 * and reading avail_event or used->flags to decide on a kick.
	 */
	smp_mb();
	return 1;
}
