// SPDX-License-Identifier: GPL-2.0
/*
 * vhost-mdev simulator: a virtio-blk device backed by RAM. One request
 * queue; requests complete in order, one at a time, where the engine's
 * mode says (engine.c). The backing store is sparse: a page is allocated on its first
 * write, an unwritten page reads as zeroes.
 *
 * Every request is checked before it touches the store: the header must be
 * there, IN/OUT data a whole number of sectors within the capacity, the
 * status byte present; an unknown type gets VIRTIO_BLK_S_UNSUPP. A request
 * the device cannot answer (no status byte) is completed with used length 0
 * and counted; only a ring or DMA fault stops the device.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/device.h>
#include <linux/highmem.h>
#include <linux/memcontrol.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/virtio_blk.h>
#include <linux/virtio_byteorder.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_ring.h>
#include <linux/xarray.h>

#include "sim.h"

#define VHOST_MDEV_SIM_BLK_SECTOR	512
#define VHOST_MDEV_SIM_BLK_HDR		sizeof(struct virtio_blk_outhdr)
/* Smallest ring that carries a request of a few segments without indirect. */
#define VHOST_MDEV_SIM_BLK_RING_MIN	8
/* Capacity limit of the knob: 1 TiB in MiB. */
#define VHOST_MDEV_SIM_BLK_CAP_MAX	(1U << 20)

#define VHOST_MDEV_SIM_BLK_FEATURES \
	(BIT_ULL(VIRTIO_F_VERSION_1) | BIT_ULL(VIRTIO_BLK_F_FLUSH) | \
	 BIT_ULL(VIRTIO_BLK_F_SEG_MAX) | BIT_ULL(VIRTIO_BLK_F_BLK_SIZE) | \
	 BIT_ULL(VIRTIO_RING_F_EVENT_IDX))

static int vhost_mdev_sim_blk_param_capacity(const char *val,
					     const struct kernel_param *kp)
{
	unsigned int v;
	int ret;

	ret = kstrtouint(val, 0, &v);
	if (ret)
		return ret;
	if (!v || v > VHOST_MDEV_SIM_BLK_CAP_MAX)
		return -EINVAL;
	*(unsigned int *)kp->arg = v;
	return 0;
}

static const struct kernel_param_ops vhost_mdev_sim_blk_capacity_ops = {
	.set = vhost_mdev_sim_blk_param_capacity,
	.get = param_get_uint,
};

static unsigned int vhost_mdev_sim_blk_capacity_mb = 128;
module_param_cb(blk_capacity_mb, &vhost_mdev_sim_blk_capacity_ops,
		&vhost_mdev_sim_blk_capacity_mb, 0644);
MODULE_PARM_DESC(blk_capacity_mb,
		 "Disk size of new blk instances in MiB, 1..1048576 (default: 128)");

struct vhost_mdev_sim_blk {
	struct vhost_mdev_device *vmdev;
	struct vhost_mdev_sim_engine engine;
	u16 num_max;
	u64 capacity;			/* sectors, fixed at creation */

	/* Under vmdev->lock; frozen while running. */
	u64 features;
	struct virtio_blk_config config;

	/* Kicked since its processing last started. */
	unsigned long kicked;

	/* Owned by the engine's batch while running, by start/stop else. */
	struct vhost_mdev_sim_ring ring;
	struct vhost_mdev_sim_desc *segs;	/* num_max entries */

	/* Page index -> page; the xarray's own lock guards it. */
	struct xarray store;
	/* The owner's memory cgroup, charged for the store; set by start. */
	struct mem_cgroup *memcg;

	atomic64_t reads;
	atomic64_t writes;
	atomic64_t flushes;
	atomic64_t get_ids;
	atomic64_t read_bytes;
	atomic64_t write_bytes;
	atomic64_t bad_requests;
	atomic64_t unsupported;
	atomic64_t kicks;
	atomic64_t interrupts;
	atomic64_t errors;
	atomic64_t stored_pages;
};

/* A request as parsed from its chain: readable part, then writable part. */
struct vhost_mdev_sim_blk_req {
	u16 head;
	unsigned int nsegs;
	unsigned int nread;		/* segs[0, nread) are readable */
	u64 rlen;			/* bytes readable */
	u64 wlen;			/* bytes writable */
};

static struct vhost_mdev_sim_blk *vhost_mdev_sim_blk_of(struct vhost_mdev_device *v)
{
	return v->priv;
}

static void vhost_mdev_sim_blk_default_config(struct vhost_mdev_sim_blk *blk)
{
	memset(&blk->config, 0, sizeof(blk->config));
	/* Modern virtio is little-endian; legacy x86 too. */
	blk->config.capacity = (__force __virtio64)cpu_to_le64(blk->capacity);
	blk->config.seg_max =
		(__force __virtio32)cpu_to_le32(blk->num_max / 2 - 2);
	blk->config.blk_size =
		(__force __virtio32)cpu_to_le32(VHOST_MDEV_SIM_BLK_SECTOR);
}

/*
 * The backing page of disk page index idx: NULL if never written and alloc
 * is false, an ERR_PTR if it cannot be allocated.
 */
static struct page *vhost_mdev_sim_blk_page(struct vhost_mdev_sim_blk *blk,
					    unsigned long idx, bool alloc)
{
	struct mem_cgroup *old_memcg;
	struct page *page, *old;

	page = xa_load(&blk->store, idx);
	if (page || !alloc)
		return page;
	/*
	 * Zero-filled: a partial write leaves the rest of the page zero.
	 * Charged to the owner: the disk grows with what it writes.
	 */
	old_memcg = set_active_memcg(blk->memcg);
	page = alloc_page(GFP_NOIO | __GFP_ZERO | __GFP_ACCOUNT);
	set_active_memcg(old_memcg);
	if (!page)
		return ERR_PTR(-ENOMEM);
	old = xa_store(&blk->store, idx, page, GFP_NOIO);
	if (xa_is_err(old)) {
		__free_page(page);
		return ERR_PTR(xa_err(old));
	}
	atomic64_inc(&blk->stored_pages);
	return page;
}

/*
 * Move len bytes between the disk at byte offset pos and the part of the
 * chain that starts at byte off of segs[first, last). Returns a negative
 * errno for a DMA fault (a device error), -ENOSPC when the store cannot
 * grow (an I/O error for this request only), else 0.
 */
static int vhost_mdev_sim_blk_xfer(struct vhost_mdev_sim_blk *blk,
				   unsigned int first, unsigned int last,
				   u64 off, u64 pos, u64 len, bool to_disk)
{
	unsigned int i;
	int ret = 0;

	for (i = first; i < last && len; i++) {
		const struct vhost_mdev_sim_desc *d = &blk->segs[i];
		u64 addr = d->addr, left = d->len;

		if (off >= left) {
			off -= left;
			continue;
		}
		addr += off;
		left -= off;
		off = 0;
		while (left && len) {
			size_t poff = offset_in_page(pos);
			size_t n = min_t(u64, min(left, len), PAGE_SIZE - poff);
			struct page *page;
			void *va;

			page = vhost_mdev_sim_blk_page(blk, pos >> PAGE_SHIFT,
						       to_disk);
			if (IS_ERR(page))
				return -ENOSPC;
			if (!page)
				page = ZERO_PAGE(0);
			va = kmap_local_page(page);
			if (to_disk)
				ret = vhost_mdev_dma_read(blk->vmdev, addr,
							  va + poff, n);
			else
				ret = vhost_mdev_dma_write(blk->vmdev, addr,
							   va + poff, n);
			kunmap_local(va);
			if (ret)
				return ret;
			addr += n;
			pos += n;
			left -= n;
			len -= n;
		}
	}
	return 0;
}

/*
 * Copy between buf and the chain's segments [first, last) starting at byte
 * off of that part: the readable part (write false) or the writable part
 * (write true). The caller checked the part is long enough.
 */
static int vhost_mdev_sim_blk_copy_chain(struct vhost_mdev_sim_blk *blk,
					 unsigned int first, unsigned int last,
					 u64 off, void *buf, size_t len,
					 bool write)
{
	unsigned int i;
	int ret;

	for (i = first; i < last && len; i++) {
		const struct vhost_mdev_sim_desc *d = &blk->segs[i];
		size_t n;

		if (off >= d->len) {
			off -= d->len;
			continue;
		}
		n = min_t(u64, len, d->len - off);
		if (write)
			ret = vhost_mdev_dma_write(blk->vmdev, d->addr + off,
						   buf, n);
		else
			ret = vhost_mdev_dma_read(blk->vmdev, d->addr + off,
						  buf, n);
		if (ret)
			return ret;
		buf += n;
		len -= n;
		off = 0;
	}
	return 0;
}

static int vhost_mdev_sim_blk_read_chain(struct vhost_mdev_sim_blk *blk,
					 const struct vhost_mdev_sim_blk_req *rq,
					 u64 off, void *buf, size_t len)
{
	return vhost_mdev_sim_blk_copy_chain(blk, 0, rq->nread, off, buf, len,
					     false);
}

static int vhost_mdev_sim_blk_write_chain(struct vhost_mdev_sim_blk *blk,
					  const struct vhost_mdev_sim_blk_req *rq,
					  u64 off, const void *buf, size_t len)
{
	return vhost_mdev_sim_blk_copy_chain(blk, rq->nread, rq->nsegs, off,
					     (void *)buf, len, true);
}

/* Sector and length within the capacity, without overflowing. */
static bool vhost_mdev_sim_blk_range_ok(struct vhost_mdev_sim_blk *blk,
					u64 sector, u64 len)
{
	if (len % VHOST_MDEV_SIM_BLK_SECTOR)
		return false;
	return sector <= blk->capacity &&
	       len / VHOST_MDEV_SIM_BLK_SECTOR <= blk->capacity - sector;
}

/*
 * Execute a parsed request that has its status byte. Sets *status and
 * *written (data bytes written into the writable part, status excluded).
 * Returns a negative errno only for a DMA fault.
 */
static int vhost_mdev_sim_blk_exec(struct vhost_mdev_sim_blk *blk,
				   const struct vhost_mdev_sim_blk_req *rq,
				   u8 *status, u64 *written)
{
	bool le = blk->ring.le;
	struct virtio_blk_outhdr hdr;
	u64 sector, dlen;
	u32 type;
	int ret;

	*written = 0;
	*status = VIRTIO_BLK_S_IOERR;
	if (rq->rlen < VHOST_MDEV_SIM_BLK_HDR)
		return 0;
	ret = vhost_mdev_sim_blk_read_chain(blk, rq, 0, &hdr, sizeof(hdr));
	if (ret)
		return ret;
	type = __virtio32_to_cpu(le, hdr.type);
	sector = __virtio64_to_cpu(le, hdr.sector);

	switch (type) {
	case VIRTIO_BLK_T_IN:
		dlen = rq->wlen - 1;
		if (rq->rlen != VHOST_MDEV_SIM_BLK_HDR ||
		    !vhost_mdev_sim_blk_range_ok(blk, sector, dlen))
			return 0;
		ret = vhost_mdev_sim_blk_xfer(blk, rq->nread, rq->nsegs, 0,
					      sector * VHOST_MDEV_SIM_BLK_SECTOR,
					      dlen, false);
		if (ret)
			return ret == -ENOSPC ? 0 : ret;
		*written = dlen;
		atomic64_inc(&blk->reads);
		atomic64_add(dlen, &blk->read_bytes);
		break;
	case VIRTIO_BLK_T_OUT:
		dlen = rq->rlen - VHOST_MDEV_SIM_BLK_HDR;
		if (rq->wlen != 1 ||
		    !vhost_mdev_sim_blk_range_ok(blk, sector, dlen))
			return 0;
		ret = vhost_mdev_sim_blk_xfer(blk, 0, rq->nread,
					      VHOST_MDEV_SIM_BLK_HDR,
					      sector * VHOST_MDEV_SIM_BLK_SECTOR,
					      dlen, true);
		if (ret)
			return ret == -ENOSPC ? 0 : ret;
		atomic64_inc(&blk->writes);
		atomic64_add(dlen, &blk->write_bytes);
		break;
	case VIRTIO_BLK_T_FLUSH:
		/* RAM: nothing is volatile. The sector field is ignored. */
		if (rq->rlen != VHOST_MDEV_SIM_BLK_HDR || rq->wlen != 1)
			return 0;
		atomic64_inc(&blk->flushes);
		break;
	case VIRTIO_BLK_T_GET_ID: {
		char id[VIRTIO_BLK_ID_BYTES] = {};

		if (rq->rlen != VHOST_MDEV_SIM_BLK_HDR)
			return 0;
		/* Not NUL-terminated when it fills the 20 bytes. */
		snprintf(id, sizeof(id), "vhmsim-blk-%u", blk->vmdev->id);
		dlen = min_t(u64, rq->wlen - 1, sizeof(id));
		ret = vhost_mdev_sim_blk_write_chain(blk, rq, 0, id, dlen);
		if (ret)
			return ret;
		*written = dlen;
		atomic64_inc(&blk->get_ids);
		break;
	}
	default:
		*status = VIRTIO_BLK_S_UNSUPP;
		atomic64_inc(&blk->unsupported);
		return 0;
	}
	*status = VIRTIO_BLK_S_OK;
	return 0;
}

/*
 * Take one request off the ring and complete it. Returns 1 when one was
 * consumed, 0 when the ring is empty, a negative errno on a ring or DMA
 * fault.
 */
static int vhost_mdev_sim_blk_one(struct vhost_mdev_sim_blk *blk)
{
	struct vhost_mdev_sim_ring *r = &blk->ring;
	struct vhost_mdev_sim_blk_req rq = {};
	struct vhost_mdev_sim_chain c;
	struct vhost_mdev_sim_desc d;
	u64 written = 0;
	u16 pending;
	u8 status;
	int ret;

	if (!r->ready)
		return 0;
	ret = vhost_mdev_sim_ring_pending(r, &pending);
	if (ret || !pending)
		return ret;
	ret = vhost_mdev_sim_ring_head(r, &rq.head);
	if (ret)
		return ret;

	/* The chain walker bounds the chain by the ring size: segs fits. */
	vhost_mdev_sim_chain_init_mixed(&c, rq.head);
	while ((ret = vhost_mdev_sim_chain_next(r, &c, &d)) > 0) {
		blk->segs[rq.nsegs++] = d;
		if (d.write) {
			rq.wlen += d.len;
		} else {
			rq.nread++;
			rq.rlen += d.len;
		}
	}
	if (ret)
		return ret;

	/* The status byte: the last byte of a non-empty last descriptor. */
	if (!rq.nsegs || !blk->segs[rq.nsegs - 1].write ||
	    !blk->segs[rq.nsegs - 1].len) {
		atomic64_inc(&blk->bad_requests);
		ret = vhost_mdev_sim_ring_push(r, rq.head, 0);
		return ret ? ret : 1;
	}

	ret = vhost_mdev_sim_blk_exec(blk, &rq, &status, &written);
	if (ret)
		return ret;
	if (status == VIRTIO_BLK_S_IOERR)
		atomic64_inc(&blk->bad_requests);
	d = blk->segs[rq.nsegs - 1];
	ret = vhost_mdev_dma_write(blk->vmdev, d.addr + d.len - 1, &status, 1);
	if (!ret)
		ret = vhost_mdev_sim_ring_push(r, rq.head, written + 1);
	return ret ? ret : 1;
}

static void vhost_mdev_sim_blk_fail(struct vhost_mdev_sim_blk *blk, int err)
{
	atomic64_inc(&blk->errors);
	vhost_mdev_vq_error(blk->vmdev, 0, err);
}

static struct vhost_mdev_sim_blk *
vhost_mdev_sim_blk_of_engine(struct vhost_mdev_sim_engine *e)
{
	return container_of(e, struct vhost_mdev_sim_blk, engine);
}

/*
 * One batch: at most budget requests, the driver's kicks suppressed, then
 * the interrupt they owe. See vhost_mdev_sim_engine_ops.
 */
static int vhost_mdev_sim_blk_batch(struct vhost_mdev_sim_engine *e)
{
	struct vhost_mdev_sim_blk *blk = vhost_mdev_sim_blk_of_engine(e);
	unsigned int budget = vhost_mdev_sim_budget();
	bool stopping = false;
	unsigned int n;
	bool called;
	int ret;

	if (test_and_clear_bit(0, &blk->kicked))
		vhost_mdev_vq_process(blk->vmdev, 0);

	ret = vhost_mdev_sim_ring_disable_notify(&blk->ring);
	for (n = 0; !ret && n < budget; n++) {
		if (vhost_mdev_failed(blk->vmdev))
			return -EIO;
		/*
		 * Stopping: leave the loop but still signal what this run
		 * completed, or the next start would forget it.
		 */
		if (!READ_ONCE(e->running)) {
			stopping = true;
			break;
		}
		ret = vhost_mdev_sim_blk_one(blk);
		if (ret <= 0)
			break;
		ret = vhost_mdev_sim_delaying() ?
		      vhost_mdev_sim_ring_publish(&blk->ring) : 0;
		vhost_mdev_sim_delay();
		cond_resched();
	}
	if (!ret)
		ret = vhost_mdev_sim_ring_call(&blk->ring, &called);
	if (ret) {
		vhost_mdev_sim_blk_fail(blk, ret);
		return ret;
	}
	if (called)
		atomic64_inc(&blk->interrupts);
	if (stopping)
		return -ESHUTDOWN;
	return n == budget;
}

static bool vhost_mdev_sim_blk_has_work(struct vhost_mdev_sim_engine *e)
{
	struct vhost_mdev_sim_blk *blk = vhost_mdev_sim_blk_of_engine(e);
	u16 pending;

	if (!blk->ring.ready)
		return false;
	/* A ring error: let the batch find it and fail the device. */
	return vhost_mdev_sim_ring_pending(&blk->ring, &pending) || pending;
}

/* Out of work: ask for kicks again, then look once more. */
static bool vhost_mdev_sim_blk_rearm(struct vhost_mdev_sim_engine *e)
{
	struct vhost_mdev_sim_blk *blk = vhost_mdev_sim_blk_of_engine(e);
	int ret;

	ret = vhost_mdev_sim_ring_enable_notify(&blk->ring);
	if (ret < 0) {
		vhost_mdev_sim_blk_fail(blk, ret);
		return false;
	}
	return ret && vhost_mdev_sim_blk_has_work(e);
}

static const struct vhost_mdev_sim_engine_ops vhost_mdev_sim_blk_engine_ops = {
	.batch		= vhost_mdev_sim_blk_batch,
	.rearm		= vhost_mdev_sim_blk_rearm,
	.has_work	= vhost_mdev_sim_blk_has_work,
};

/* --- vhost_mdev_ops ------------------------------------------------------ */

static int vhost_mdev_sim_blk_init(struct vhost_mdev_device *vmdev)
{
	struct vhost_mdev_sim_blk *blk;

	blk = kzalloc(sizeof(*blk), GFP_KERNEL);
	if (!blk)
		return -ENOMEM;
	blk->num_max = max_t(u16, vhost_mdev_sim_queue_size(),
			     VHOST_MDEV_SIM_BLK_RING_MIN);
	blk->segs = kvcalloc(blk->num_max, sizeof(*blk->segs), GFP_KERNEL);
	if (!blk->segs) {
		kfree(blk);
		return -ENOMEM;
	}
	blk->vmdev = vmdev;
	blk->capacity = (u64)READ_ONCE(vhost_mdev_sim_blk_capacity_mb) *
			(SZ_1M / VHOST_MDEV_SIM_BLK_SECTOR);
	xa_init(&blk->store);
	if (vhost_mdev_sim_engine_init(&blk->engine, vmdev,
				       &vhost_mdev_sim_blk_engine_ops)) {
		kvfree(blk->segs);
		kfree(blk);
		return -ENOMEM;
	}
	vhost_mdev_sim_blk_default_config(blk);
	vmdev->priv = blk;
	return 0;
}

static void vhost_mdev_sim_blk_release(struct vhost_mdev_device *vmdev)
{
	struct vhost_mdev_sim_blk *blk = vhost_mdev_sim_blk_of(vmdev);
	struct page *page;
	unsigned long idx;

	vhost_mdev_sim_engine_release(&blk->engine);
	xa_for_each(&blk->store, idx, page)
		__free_page(page);
	xa_destroy(&blk->store);
	kvfree(blk->segs);
	kfree(blk);
	vmdev->priv = NULL;
}

static u32 vhost_mdev_sim_blk_get_device_id(struct vhost_mdev_device *vmdev)
{
	return VIRTIO_ID_BLOCK;
}

static u32 vhost_mdev_sim_blk_get_vq_count(struct vhost_mdev_device *vmdev)
{
	return 1;
}

static u16 vhost_mdev_sim_blk_get_vq_num_max(struct vhost_mdev_device *vmdev)
{
	return vhost_mdev_sim_blk_of(vmdev)->num_max;
}

static u64 vhost_mdev_sim_blk_get_features(struct vhost_mdev_device *vmdev)
{
	return VHOST_MDEV_SIM_BLK_FEATURES;
}

static int vhost_mdev_sim_blk_set_features(struct vhost_mdev_device *vmdev,
					   u64 features)
{
	vhost_mdev_sim_blk_of(vmdev)->features = features;
	return 0;
}

/*
 * Up to write_zeroes_may_unmap and its padding: the fields of the features
 * offered. Later kernels grew the struct (secure erase, zoned); the size
 * the device reports must not follow the headers it was built with.
 */
#define VHOST_MDEV_SIM_BLK_CONFIG_SIZE \
	offsetofend(struct virtio_blk_config, unused1)

static u32 vhost_mdev_sim_blk_get_config_size(struct vhost_mdev_device *vmdev)
{
	BUILD_BUG_ON(VHOST_MDEV_SIM_BLK_CONFIG_SIZE != 60);
	return VHOST_MDEV_SIM_BLK_CONFIG_SIZE;
}

static void vhost_mdev_sim_blk_get_config(struct vhost_mdev_device *vmdev,
					  unsigned int off, void *buf,
					  unsigned int len)
{
	memcpy(buf, (u8 *)&vhost_mdev_sim_blk_of(vmdev)->config + off, len);
}

/* No writable field is offered (no CONFIG_WCE). */
static int vhost_mdev_sim_blk_set_config(struct vhost_mdev_device *vmdev,
					 unsigned int off, const void *buf,
					 unsigned int len)
{
	return -EPERM;
}

static int vhost_mdev_sim_blk_start(struct vhost_mdev_device *vmdev)
{
	struct vhost_mdev_sim_blk *blk = vhost_mdev_sim_blk_of(vmdev);
	bool le = (blk->features & BIT_ULL(VIRTIO_F_VERSION_1)) ||
		  virtio_legacy_is_little_endian();
	bool event_idx = blk->features & BIT_ULL(VIRTIO_RING_F_EVENT_IDX);
	int ret;

	lockdep_assert_held(&vmdev->lock);
	vhost_mdev_sim_ring_init(&blk->ring, vmdev, 0, le, event_idx);
	/* Called by the owner (SET_STATE) or the virtio driver's probe. */
	blk->memcg = get_mem_cgroup_from_mm(current->mm);
	/* Processes whatever the driver published before the start. */
	ret = vhost_mdev_sim_engine_start(&blk->engine);
	if (ret) {
		mem_cgroup_put(blk->memcg);
		blk->memcg = NULL;
	}
	return ret;
}

static void vhost_mdev_sim_blk_stop(struct vhost_mdev_device *vmdev)
{
	struct vhost_mdev_sim_blk *blk = vhost_mdev_sim_blk_of(vmdev);

	lockdep_assert_held(&vmdev->lock);
	vhost_mdev_sim_engine_stop(&blk->engine);
	mem_cgroup_put(blk->memcg);
	blk->memcg = NULL;
}

/* Any context: the kick eventfd's wake-up or virtqueue_notify(). */
static void vhost_mdev_sim_blk_notify(struct vhost_mdev_device *vmdev, u16 vq)
{
	struct vhost_mdev_sim_blk *blk = vhost_mdev_sim_blk_of(vmdev);

	atomic64_inc(&blk->kicks);
	set_bit(0, &blk->kicked);
	vhost_mdev_sim_engine_kick(&blk->engine);
}

static u16 vhost_mdev_sim_blk_get_vring_base(struct vhost_mdev_device *vmdev,
					     u16 vq)
{
	return READ_ONCE(vhost_mdev_sim_blk_of(vmdev)->ring.published);
}

/* The disk's content survives a reset, as a real disk's does. */
static void vhost_mdev_sim_blk_reset(struct vhost_mdev_device *vmdev)
{
	struct vhost_mdev_sim_blk *blk = vhost_mdev_sim_blk_of(vmdev);

	lockdep_assert_held(&vmdev->lock);
	blk->features = 0;
	vhost_mdev_sim_blk_default_config(blk);
}

/* --- sysfs: sim/ counters on every instance ----------------------------- */

#define VHOST_MDEV_SIM_BLK_COUNTER(name)				\
static ssize_t name##_show(struct device *dev,				\
			   struct device_attribute *attr, char *buf)	\
{									\
	struct vhost_mdev_sim_blk *blk =				\
		vhost_mdev_sim_blk_of(vhost_mdev_from_dev(dev));	\
									\
	return sysfs_emit(buf, "%lld\n", atomic64_read(&blk->name));	\
}									\
static struct device_attribute vhost_mdev_sim_blk_attr_##name =	\
	__ATTR_RO(name)

VHOST_MDEV_SIM_BLK_COUNTER(reads);
VHOST_MDEV_SIM_BLK_COUNTER(writes);
VHOST_MDEV_SIM_BLK_COUNTER(flushes);
VHOST_MDEV_SIM_BLK_COUNTER(get_ids);
VHOST_MDEV_SIM_BLK_COUNTER(read_bytes);
VHOST_MDEV_SIM_BLK_COUNTER(write_bytes);
VHOST_MDEV_SIM_BLK_COUNTER(bad_requests);
VHOST_MDEV_SIM_BLK_COUNTER(unsupported);
VHOST_MDEV_SIM_BLK_COUNTER(kicks);
VHOST_MDEV_SIM_BLK_COUNTER(interrupts);
VHOST_MDEV_SIM_BLK_COUNTER(errors);
VHOST_MDEV_SIM_BLK_COUNTER(stored_pages);

static ssize_t capacity_show(struct device *dev,
			     struct device_attribute *attr, char *buf)
{
	struct vhost_mdev_sim_blk *blk =
		vhost_mdev_sim_blk_of(vhost_mdev_from_dev(dev));

	return sysfs_emit(buf, "%llu\n", blk->capacity);
}
static struct device_attribute vhost_mdev_sim_blk_attr_capacity =
	__ATTR_RO(capacity);

static ssize_t max_queue_size_show(struct device *dev,
				   struct device_attribute *attr, char *buf)
{
	struct vhost_mdev_sim_blk *blk =
		vhost_mdev_sim_blk_of(vhost_mdev_from_dev(dev));

	return sysfs_emit(buf, "%u\n", blk->num_max);
}
static struct device_attribute vhost_mdev_sim_blk_attr_max_queue_size =
	__ATTR_RO(max_queue_size);

static struct attribute *vhost_mdev_sim_blk_attrs[] = {
	&vhost_mdev_sim_blk_attr_reads.attr,
	&vhost_mdev_sim_blk_attr_writes.attr,
	&vhost_mdev_sim_blk_attr_flushes.attr,
	&vhost_mdev_sim_blk_attr_get_ids.attr,
	&vhost_mdev_sim_blk_attr_read_bytes.attr,
	&vhost_mdev_sim_blk_attr_write_bytes.attr,
	&vhost_mdev_sim_blk_attr_bad_requests.attr,
	&vhost_mdev_sim_blk_attr_unsupported.attr,
	&vhost_mdev_sim_blk_attr_kicks.attr,
	&vhost_mdev_sim_blk_attr_interrupts.attr,
	&vhost_mdev_sim_blk_attr_errors.attr,
	&vhost_mdev_sim_blk_attr_stored_pages.attr,
	&vhost_mdev_sim_blk_attr_capacity.attr,
	&vhost_mdev_sim_blk_attr_max_queue_size.attr,
	NULL,
};

static const struct attribute_group vhost_mdev_sim_blk_group = {
	.name = "sim",
	.attrs = vhost_mdev_sim_blk_attrs,
};

static const struct attribute_group *vhost_mdev_sim_blk_groups[] = {
	&vhost_mdev_sim_blk_group,
	NULL,
};

const struct vhost_mdev_ops vhost_mdev_sim_blk_ops = {
	.init			= vhost_mdev_sim_blk_init,
	.release		= vhost_mdev_sim_blk_release,
	.get_device_id		= vhost_mdev_sim_blk_get_device_id,
	.get_vq_count		= vhost_mdev_sim_blk_get_vq_count,
	.get_vq_num_max		= vhost_mdev_sim_blk_get_vq_num_max,
	.get_features		= vhost_mdev_sim_blk_get_features,
	.set_features		= vhost_mdev_sim_blk_set_features,
	.get_config_size	= vhost_mdev_sim_blk_get_config_size,
	.get_config		= vhost_mdev_sim_blk_get_config,
	.set_config		= vhost_mdev_sim_blk_set_config,
	.start			= vhost_mdev_sim_blk_start,
	.stop			= vhost_mdev_sim_blk_stop,
	.notify			= vhost_mdev_sim_blk_notify,
	.get_vring_base		= vhost_mdev_sim_blk_get_vring_base,
	.reset			= vhost_mdev_sim_blk_reset,
	.dev_groups		= vhost_mdev_sim_blk_groups,
};
