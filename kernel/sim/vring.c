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
			      bool le)
{
	struct vhost_mdev_vq *vq = &vmdev->vqs[index];

	r->vmdev = vmdev;
	r->index = index;
	r->ready = vq->num && vq->addr_set;
	r->le = le;
	r->num = vq->num;
	r->desc = vq->desc;
	r->avail = vq->avail;
	r->used = vq->used;
	r->last = vq->base;
	r->avail_seen = vq->base;
	r->pending_used = 0;
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

/* The head descriptor of the next avail entry. */
int vhost_mdev_sim_ring_head(struct vhost_mdev_sim_ring *r, u16 *head)
{
	u64 slot = r->avail + offsetof(struct vring_avail, ring) +
		   sizeof(__virtio16) * (r->last & (r->num - 1));
	int ret;

	ret = vhost_mdev_sim_get16(r, slot, head);
	if (ret)
		return ret;
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
	ret = vhost_mdev_dma_read(r->vmdev, r->desc + sizeof(desc) * c->next,
				  &desc, sizeof(desc));
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

/* Complete the chain at head with len bytes written, in order. */
int vhost_mdev_sim_ring_push(struct vhost_mdev_sim_ring *r, u16 head,
			     u32 len)
{
	struct vring_used_elem elem = {
		.id = __cpu_to_virtio32(r->le, head),
		.len = __cpu_to_virtio32(r->le, len),
	};
	u64 slot = r->used + offsetof(struct vring_used, ring) +
		   sizeof(elem) * (r->last & (r->num - 1));
	u16 idx = r->last + 1;
	int ret;

	ret = vhost_mdev_dma_write(r->vmdev, slot, &elem, sizeof(elem));
	if (ret)
		return ret;
	/*
	 * The element must be visible before the index that publishes it:
	 * pairs with the driver's read barrier after it reads used->idx.
	 */
	smp_wmb();
	ret = vhost_mdev_dma_put_u16(r->vmdev,
				     r->used + offsetof(struct vring_used, idx),
				     (__force u16)__cpu_to_virtio16(r->le, idx));
	if (ret)
		return ret;
	WRITE_ONCE(r->last, idx);
	r->pending_used++;
	return 0;
}

/*
 * After a batch: report the entries used since the last call, and signal
 * the call eventfd if there were some and the driver wants it.
 */
int vhost_mdev_sim_ring_call(struct vhost_mdev_sim_ring *r, bool *called)
{
	u16 flags;
	int ret;

	*called = false;
	if (!r->pending_used)
		return 0;
	vhost_mdev_vq_used(r->vmdev, r->index, r->last, r->pending_used);
	r->pending_used = 0;
	/*
	 * The used->idx store must be visible before avail->flags is read:
	 * pairs with the driver's full barrier between clearing
	 * VRING_AVAIL_F_NO_INTERRUPT and its last look at used->idx.
	 */
	smp_mb();
	ret = vhost_mdev_sim_get16(r, r->avail +
				   offsetof(struct vring_avail, flags), &flags);
	if (ret)
		return ret;
	if (flags & VRING_AVAIL_F_NO_INTERRUPT)
		return 0;
	vhost_mdev_vq_call(r->vmdev, r->index);
	*called = true;
	return 0;
}
