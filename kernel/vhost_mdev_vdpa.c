// SPDX-License-Identifier: GPL-2.0
/*
 * vhost-mdev vDPA consumer (kernels with the vDPA bus, CONFIG_VDPA): an
 * instance of a "-vdpa" mdev type is a vDPA management device, and
 * `vdpa dev add name X mgmtdev mdev/<uuid>` creates one vdpa_device over it,
 * as a hardware function offers one. vhost_vdpa (/dev/vhost-vdpa-N, what
 * QEMU and DPDK speak) or virtio_vdpa (the kernel's virtio drivers) binds
 * to it.
 *
 * The vdpa_config_ops call the parent through the same vhost_mdev_ops and
 * state machine as the VFIO and virtio consumers: DRIVER_OK starts it,
 * suspend stops it (quiesced, bases read back), resume starts it again,
 * reset stops and resets it.
 *
 * DMA: vhost_vdpa passes every IOTLB update (VHOST_IOTLB_MSG_V2) to
 * .dma_map with the physical address of the pinned user pages, and every
 * invalidation to .dma_unmap; the consumer keeps them in its own IOTLB and
 * the device reaches only a mapped IOVA with the permission the map grants.
 * virtio_vdpa maps through the DMA API of the mdev device instead (the
 * table of vhost_mdev_dma.c, as the virtio consumer). One driver is bound
 * at a time: the device uses the IOTLB when it holds a map, else the DMA
 * API table. Both are confined, and an unmap waits for an access in flight.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/highmem.h>
#include <linux/interval_tree_generic.h>
#include <linux/nospec.h>
#include <linux/slab.h>
#include <linux/vdpa.h>
#include <linux/vhost_types.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ring.h>

#include "vhost_mdev_compat.h"
#include "vhost_mdev_internal.h"
#include "vhost_mdev_trace.h"

/* Red Hat's virtio vendor id, as the virtio transport reports. */
#define VHOST_MDEV_VDPA_VENDOR		0x1af4
/* The IOVAs a driver may map: what the VFIO path's GET_IOVA_RANGE says. */
#define VHOST_MDEV_VDPA_IOVA_LAST	U64_MAX

/* What the driver set for one vq; copied to vmdev->vqs[] at each start. */
struct vhost_mdev_vdpa_vq {
	u64 desc;
	u64 driver;
	u64 device;
	u32 num;
	bool addr_set;
	bool ready;
	struct vdpa_callback cb;	/* under vv->cb_lock */
};

struct vhost_mdev_vdpa_dev;

struct vhost_mdev_vdpa {
	struct vhost_mdev_device *vmdev;
	struct vdpa_mgmt_dev mgmt;
	struct virtio_device_id id_table[2];
	/* The vdpa device over the instance: set and cleared under vdpa_dev_lock. */
	struct vhost_mdev_vdpa_dev *dev;

	/* Under vmdev->lock. */
	u8 status;
	bool suspended;
	u64 driver_features;
	struct vhost_mdev_vdpa_vq *vqs;

	/* Protects the callbacks: the parent's interrupts read them. */
	spinlock_t cb_lock;
	struct vdpa_callback config_cb;

	/* Protects iotlb; held across every access, so an unmap waits. */
	spinlock_t iotlb_lock;
	struct rb_root_cached iotlb;
	unsigned long nmaps;
};

struct vhost_mdev_vdpa_dev {
	struct vdpa_device vdpa;	/* first: vdpa_alloc_device() */
	struct vhost_mdev_vdpa *vv;
};

static struct vhost_mdev_vdpa *vhost_mdev_vdpa_of(struct vdpa_device *vdpa)
{
	return container_of(vdpa, struct vhost_mdev_vdpa_dev, vdpa)->vv;
}

static struct vhost_mdev_vdpa_vq *
vhost_mdev_vdpa_vq(struct vhost_mdev_vdpa *vv, u16 idx)
{
	u32 nvqs = vv->vmdev->nvqs;

	if (idx >= nvqs)
		return NULL;
	return &vv->vqs[array_index_nospec(idx, nvqs)];
}

/* --- IOTLB: vhost-vdpa's maps ------------------------------------------- */

struct vhost_mdev_vdpa_map {
	struct rb_node rb;
	u64 start;		/* [start, last]: IOVAs */
	u64 last;
	u64 subtree_last;
	u64 pa;			/* physical address of start */
	u32 perm;		/* VHOST_MAP_RO, _WO or _RW */
};

#define VHOST_MDEV_VDPA_MAP_START(map)	((map)->start)
#define VHOST_MDEV_VDPA_MAP_LAST(map)	((map)->last)
INTERVAL_TREE_DEFINE(struct vhost_mdev_vdpa_map, rb, u64, subtree_last,
		     VHOST_MDEV_VDPA_MAP_START, VHOST_MDEV_VDPA_MAP_LAST, static,
		     vhost_mdev_vdpa_map);

/* Drop the maps that intersect [first, last]; the caller holds iotlb_lock. */
static unsigned long vhost_mdev_vdpa_iotlb_del(struct vhost_mdev_vdpa *vv,
					       u64 first, u64 last)
{
	struct vhost_mdev_vdpa_map *map, *next;
	unsigned long n = 0;

	lockdep_assert_held(&vv->iotlb_lock);
	map = vhost_mdev_vdpa_map_iter_first(&vv->iotlb, first, last);
	for (; map; map = next) {
		/* Nodes stay valid across the rebalancing of a removal. */
		next = vhost_mdev_vdpa_map_iter_next(map, first, last);
		vhost_mdev_vdpa_map_remove(map, &vv->iotlb);
		kfree(map);
		n++;
	}
	WRITE_ONCE(vv->nmaps, vv->nmaps - n);
	return n;
}

static void vhost_mdev_vdpa_copy(u64 pa, void *buf, size_t len, bool write)
{
	while (len) {
		size_t off = offset_in_page(pa);
		size_t n = min_t(size_t, len, PAGE_SIZE - off);
		void *va = kmap_local_page(pfn_to_page(PHYS_PFN(pa)));

		if (write)
			memcpy(va + off, buf, n);
		else
			memcpy(buf, va + off, n);
		kunmap_local(va);
		buf += n;
		pa += n;
		len -= n;
	}
}

/*
 * The map holding iova with permission perm, and how many bytes of it from
 * iova on (at most len), or NULL. The caller holds iotlb_lock.
 */
static struct vhost_mdev_vdpa_map *
vhost_mdev_vdpa_lookup(struct vhost_mdev_vdpa *vv, u64 iova, size_t len,
		       u32 perm, size_t *n)
{
	struct vhost_mdev_vdpa_map *map;
	u64 left;

	map = vhost_mdev_vdpa_map_iter_first(&vv->iotlb, iova, iova);
	if (!map || (map->perm & perm) != perm ||
	    !pfn_valid(PHYS_PFN(map->pa + (iova - map->start))))
		return NULL;
	left = map->last - iova;	/* bytes after the first, no overflow */
	*n = len - 1 <= left ? len : left + 1;
	return map;
}

static int vhost_mdev_vdpa_iotlb_rw(struct vhost_mdev_vdpa *vv, u64 iova,
				    void *buf, size_t len, bool write)
{
	u32 perm = write ? VHOST_MAP_WO : VHOST_MAP_RO;
	struct vhost_mdev_vdpa_map *map;
	int ret = 0;

	spin_lock(&vv->iotlb_lock);
	while (len) {
		size_t n;

		map = vhost_mdev_vdpa_lookup(vv, iova, len, perm, &n);
		if (!map) {
			ret = -EFAULT;
			break;
		}
		vhost_mdev_vdpa_copy(map->pa + (iova - map->start), buf, n,
				     write);
		buf += n;
		iova += n;
		len -= n;
	}
	spin_unlock(&vv->iotlb_lock);
	return ret;
}

/* Does the IOTLB hold a map (vhost_vdpa bound and mapping)? */
static bool vhost_mdev_vdpa_iotlb_used(struct vhost_mdev_vdpa *vv)
{
	return READ_ONCE(vv->nmaps);
}

static int vhost_mdev_vdpa_rw(struct vhost_mdev_device *vmdev, u64 addr,
			      void *buf, size_t len, bool write)
{
	struct vhost_mdev_vdpa *vv = vmdev->vdpa;

	if (!vhost_mdev_vdpa_iotlb_used(vv))
		return vhost_mdev_kdma_rw(vmdev, addr, buf, len, write);
	if (!len)
		return 0;
	if (addr + len - 1 < addr)
		return -EFAULT;
	return vhost_mdev_vdpa_iotlb_rw(vv, addr, buf, len, write);
}

/* Single 16-bit accesses, so no index is seen torn. */
static int vhost_mdev_vdpa_u16(struct vhost_mdev_device *vmdev, u64 addr,
			       u16 *val, bool write)
{
	struct vhost_mdev_vdpa *vv = vmdev->vdpa;
	u32 perm = write ? VHOST_MAP_WO : VHOST_MAP_RO;
	struct vhost_mdev_vdpa_map *map;
	int ret = -EFAULT;
	size_t n;
	u64 pa;
	u16 *p;

	if (!vhost_mdev_vdpa_iotlb_used(vv))
		return vhost_mdev_kdma_u16(vmdev, addr, val, write);
	if (addr & 1)
		return -EFAULT;
	spin_lock(&vv->iotlb_lock);
	map = vhost_mdev_vdpa_lookup(vv, addr, sizeof(*val), perm, &n);
	if (!map || n != sizeof(*val))
		goto out;
	pa = map->pa + (addr - map->start);
	if (pa & 1)
		goto out;
	p = kmap_local_page(pfn_to_page(PHYS_PFN(pa))) + offset_in_page(pa);
	if (write)
		WRITE_ONCE(*p, *val);
	else
		*val = READ_ONCE(*p);
	kunmap_local(p);
	ret = 0;
out:
	spin_unlock(&vv->iotlb_lock);
	return ret;
}

/* --- interrupts from the parent ----------------------------------------- */

/*
 * The parent calls from process context. virtio_vdpa's callback is
 * vring_interrupt(), which expects bottom halves off (NAPI); vhost_vdpa's
 * signals the call eventfd. The lock keeps the driver from changing the
 * callback under the call.
 */
static void vhost_mdev_vdpa_call(struct vhost_mdev_device *vmdev, u16 vq)
{
	struct vhost_mdev_vdpa *vv = vmdev->vdpa;
	struct vdpa_callback *cb = &vv->vqs[vq].cb;

	local_bh_disable();
	spin_lock(&vv->cb_lock);
	if (cb->callback)
		cb->callback(cb->private);
	spin_unlock(&vv->cb_lock);
	local_bh_enable();
}

/* The device stopped itself: the status reads NEEDS_RESET; tell the driver. */
static void vhost_mdev_vdpa_error(struct vhost_mdev_device *vmdev)
{
	struct vhost_mdev_vdpa *vv = vmdev->vdpa;

	local_bh_disable();
	spin_lock(&vv->cb_lock);
	if (vv->config_cb.callback)
		vv->config_cb.callback(vv->config_cb.private);
	spin_unlock(&vv->cb_lock);
	local_bh_enable();
}

/* --- vdpa_config_ops: virtqueues ---------------------------------------- */

static bool vhost_mdev_vdpa_running(struct vhost_mdev_vdpa *vv)
{
	lockdep_assert_held(&vv->vmdev->lock);
	return vv->vmdev->state == VHOST_MDEV_S_RUNNING;
}

static int vhost_mdev_vdpa_set_vq_address(struct vdpa_device *vdpa, u16 idx,
					  u64 desc, u64 driver, u64 device)
{
	struct vhost_mdev_vdpa *vv = vhost_mdev_vdpa_of(vdpa);
	struct vhost_mdev_vdpa_vq *vq = vhost_mdev_vdpa_vq(vv, idx);
	int ret = 0;

	if (!vq)
		return -EINVAL;
	/* Alignments required by the virtio split ring. */
	if ((desc & (VRING_DESC_ALIGN_SIZE - 1)) ||
	    (driver & (VRING_AVAIL_ALIGN_SIZE - 1)) ||
	    (device & (VRING_USED_ALIGN_SIZE - 1)))
		return -EINVAL;
	mutex_lock(&vv->vmdev->lock);
	if (vhost_mdev_vdpa_running(vv)) {
		ret = -EBUSY;
	} else {
		vq->desc = desc;
		vq->driver = driver;
		vq->device = device;
		vq->addr_set = true;
	}
	mutex_unlock(&vv->vmdev->lock);
	return ret;
}

/* A bad size is refused when DRIVER_OK starts the device. */
static void vhost_mdev_vdpa_set_vq_num(struct vdpa_device *vdpa, u16 idx,
				       u32 num)
{
	struct vhost_mdev_vdpa *vv = vhost_mdev_vdpa_of(vdpa);
	struct vhost_mdev_vdpa_vq *vq = vhost_mdev_vdpa_vq(vv, idx);

	if (!vq)
		return;
	mutex_lock(&vv->vmdev->lock);
	if (!vhost_mdev_vdpa_running(vv))
		vq->num = num;
	mutex_unlock(&vv->vmdev->lock);
}

/* The kick: straight into the parent, any context, as the other consumers. */
static void vhost_mdev_vdpa_kick_vq(struct vdpa_device *vdpa, u16 idx)
{
	struct vhost_mdev_vdpa *vv = vhost_mdev_vdpa_of(vdpa);
	struct vhost_mdev_device *vmdev = vv->vmdev;

	if (idx >= vmdev->nvqs)
		return;
	idx = array_index_nospec(idx, vmdev->nvqs);
	vhost_mdev_kicked(vmdev, idx);
	vmdev->ops->notify(vmdev, idx);
}

static void vhost_mdev_vdpa_set_vq_cb(struct vdpa_device *vdpa, u16 idx,
				      struct vdpa_callback *cb)
{
	struct vhost_mdev_vdpa *vv = vhost_mdev_vdpa_of(vdpa);
	struct vhost_mdev_vdpa_vq *vq = vhost_mdev_vdpa_vq(vv, idx);

	if (!vq)
		return;
	spin_lock_bh(&vv->cb_lock);
	vq->cb.callback = cb->callback;
	vq->cb.private = cb->private;
	spin_unlock_bh(&vv->cb_lock);
}

/* Readiness takes effect at the next start (DRIVER_OK or resume). */
static void vhost_mdev_vdpa_set_vq_ready(struct vdpa_device *vdpa, u16 idx,
					 bool ready)
{
	struct vhost_mdev_vdpa *vv = vhost_mdev_vdpa_of(vdpa);
	struct vhost_mdev_vdpa_vq *vq = vhost_mdev_vdpa_vq(vv, idx);

	if (!vq)
		return;
	mutex_lock(&vv->vmdev->lock);
	vq->ready = ready;
	mutex_unlock(&vv->vmdev->lock);
}

static bool vhost_mdev_vdpa_get_vq_ready(struct vdpa_device *vdpa, u16 idx)
{
	struct vhost_mdev_vdpa *vv = vhost_mdev_vdpa_of(vdpa);
	struct vhost_mdev_vdpa_vq *vq = vhost_mdev_vdpa_vq(vv, idx);
	bool ready;

	if (!vq)
		return false;
	mutex_lock(&vv->vmdev->lock);
	ready = vq->ready;
	mutex_unlock(&vv->vmdev->lock);
	return ready;
}

static int vhost_mdev_vdpa_set_vq_state(struct vdpa_device *vdpa, u16 idx,
					const struct vdpa_vq_state *state)
{
	struct vhost_mdev_vdpa *vv = vhost_mdev_vdpa_of(vdpa);
	struct vhost_mdev_device *vmdev = vv->vmdev;
	int ret = 0;

	if (idx >= vmdev->nvqs)
		return -EINVAL;
	idx = array_index_nospec(idx, vmdev->nvqs);
	mutex_lock(&vmdev->lock);
	if (vhost_mdev_vdpa_running(vv)) {
		ret = -EBUSY;
	} else {
		vmdev->vqs[idx].base = state->split.avail_index;
		vhost_mdev_trace(set_vring_base, vring_base, .dev = vmdev->id,
				 .vq = idx, .value = state->split.avail_index);
	}
	mutex_unlock(&vmdev->lock);
	return ret;
}

/* A snapshot while running, exact when stopped or suspended. */
static int vhost_mdev_vdpa_get_vq_state(struct vdpa_device *vdpa, u16 idx,
					struct vdpa_vq_state *state)
{
	struct vhost_mdev_vdpa *vv = vhost_mdev_vdpa_of(vdpa);
	struct vhost_mdev_device *vmdev = vv->vmdev;
	u16 base;

	if (idx >= vmdev->nvqs)
		return -EINVAL;
	idx = array_index_nospec(idx, vmdev->nvqs);
	mutex_lock(&vmdev->lock);
	if (vhost_mdev_vdpa_running(vv))
		base = vmdev->ops->get_vring_base(vmdev, idx);
	else
		base = vmdev->vqs[idx].base;
	mutex_unlock(&vmdev->lock);
	state->split.avail_index = base;
	vhost_mdev_trace(get_vring_base, vring_base, .dev = vmdev->id,
			 .vq = idx, .value = base);
	return 0;
}

/* --- vdpa_config_ops: device -------------------------------------------- */

static u32 vhost_mdev_vdpa_get_vq_align(struct vdpa_device *vdpa)
{
	return SMP_CACHE_BYTES;
}

/* The parent's features; the device reaches memory only through maps. */
static u64 vhost_mdev_vdpa_get_device_features(struct vdpa_device *vdpa)
{
	struct vhost_mdev_device *vmdev = vhost_mdev_vdpa_of(vdpa)->vmdev;

	return vmdev->ops->get_features(vmdev) |
	       BIT_ULL(VIRTIO_F_ACCESS_PLATFORM);
}

/* Maps outlive a reset: vhost_vdpa removes its own. */
static u64 vhost_mdev_vdpa_get_backend_features(const struct vdpa_device *vdpa)
{
	return BIT_ULL(VHOST_BACKEND_F_IOTLB_PERSIST);
}

static int vhost_mdev_vdpa_set_driver_features(struct vdpa_device *vdpa,
					       u64 features)
{
	struct vhost_mdev_vdpa *vv = vhost_mdev_vdpa_of(vdpa);
	struct vhost_mdev_device *vmdev = vv->vmdev;
	/* A transport feature: the parent never sees it. */
	u64 dev = features & ~BIT_ULL(VIRTIO_F_ACCESS_PLATFORM);
	int ret;

	mutex_lock(&vmdev->lock);
	if (vhost_mdev_vdpa_running(vv) ||
	    (vv->status & VIRTIO_CONFIG_S_FEATURES_OK))
		ret = -EBUSY;
	else if (dev & ~vmdev->ops->get_features(vmdev))
		ret = -EINVAL;
	else
		ret = vmdev->ops->set_features(vmdev, dev);
	if (!ret) {
		vmdev->features = dev;
		vv->driver_features = features;
	}
	vhost_mdev_trace(features, features, .dev = vmdev->id,
			 .features = dev, .ret = ret);
	mutex_unlock(&vmdev->lock);
	return ret;
}

static u64 vhost_mdev_vdpa_get_driver_features(struct vdpa_device *vdpa)
{
	struct vhost_mdev_vdpa *vv = vhost_mdev_vdpa_of(vdpa);
	u64 features;

	mutex_lock(&vv->vmdev->lock);
	features = vv->driver_features;
	mutex_unlock(&vv->vmdev->lock);
	return features;
}

static void vhost_mdev_vdpa_set_config_cb(struct vdpa_device *vdpa,
					  struct vdpa_callback *cb)
{
	struct vhost_mdev_vdpa *vv = vhost_mdev_vdpa_of(vdpa);

	spin_lock_bh(&vv->cb_lock);
	vv->config_cb.callback = cb->callback;
	vv->config_cb.private = cb->private;
	spin_unlock_bh(&vv->cb_lock);
}

static u16 vhost_mdev_vdpa_get_vq_num_max(struct vdpa_device *vdpa)
{
	struct vhost_mdev_device *vmdev = vhost_mdev_vdpa_of(vdpa)->vmdev;

	return vmdev->ops->get_vq_num_max(vmdev);
}

static u32 vhost_mdev_vdpa_get_device_id(struct vdpa_device *vdpa)
{
	struct vhost_mdev_device *vmdev = vhost_mdev_vdpa_of(vdpa)->vmdev;

	return vmdev->ops->get_device_id(vmdev);
}

static u32 vhost_mdev_vdpa_get_vendor_id(struct vdpa_device *vdpa)
{
	return VHOST_MDEV_VDPA_VENDOR;
}

static u8 vhost_mdev_vdpa_get_status(struct vdpa_device *vdpa)
{
	struct vhost_mdev_vdpa *vv = vhost_mdev_vdpa_of(vdpa);
	u8 status;

	mutex_lock(&vv->vmdev->lock);
	status = vv->status;
	if (vhost_mdev_failed(vv->vmdev))
		status |= VIRTIO_CONFIG_S_NEEDS_RESET;
	mutex_unlock(&vv->vmdev->lock);
	return status;
}

/*
 * The vq configuration the driver set, as the core's: a vq is processed
 * only when ready with its size and addresses set. A size the parent
 * cannot take refuses the start. The caller holds vmdev->lock.
 */
static int vhost_mdev_vdpa_start(struct vhost_mdev_vdpa *vv)
{
	struct vhost_mdev_device *vmdev = vv->vmdev;
	u32 max = vmdev->ops->get_vq_num_max(vmdev);
	u32 i;

	lockdep_assert_held(&vmdev->lock);
	for (i = 0; i < vmdev->nvqs; i++) {
		struct vhost_mdev_vdpa_vq *vq = &vv->vqs[i];
		struct vhost_mdev_vq *mvq = &vmdev->vqs[i];
		bool on = vq->ready && vq->num && vq->addr_set;

		if (on && (vq->num > max || (vq->num & (vq->num - 1))))
			return -EINVAL;
		mvq->num = on ? vq->num : 0;
		mvq->desc = vq->desc;
		mvq->avail = vq->driver;
		mvq->used = vq->device;
		mvq->addr_set = on;
	}
	return vhost_mdev_start(vmdev);
}

/*
 * Back to the power-on state; the maps stay. The callbacks go, the config
 * one too (as vduse's and pds's): a driver unbinding resets the device,
 * and nothing of it may be called afterwards (virtio_vdpa sets its config
 * callback again in find_vqs, vhost_vdpa at SET_CONFIG_CALL). The caller
 * holds vmdev->lock.
 */
static void vhost_mdev_vdpa_reset_locked(struct vhost_mdev_vdpa *vv)
{
	struct vhost_mdev_device *vmdev = vv->vmdev;
	u32 old = vmdev->state, i;

	lockdep_assert_held(&vmdev->lock);
	/* Stops the parent first: no callback runs once this returns. */
	vhost_mdev_reset(vmdev);
	if (old != VHOST_MDEV_S_STOPPED)
		vhost_mdev_trace(set_state, state, .dev = vmdev->id, .old = old,
				 .new = VHOST_MDEV_S_STOPPED);
	vv->status = 0;
	vv->suspended = false;
	clear_bit(VHOST_MDEV_F_USER_KICKS, &vmdev->flags);
	vv->driver_features = 0;
	spin_lock_bh(&vv->cb_lock);
	for (i = 0; i < vmdev->nvqs; i++)
		vv->vqs[i] = (struct vhost_mdev_vdpa_vq){ };
	vv->config_cb = (struct vdpa_callback){ };
	spin_unlock_bh(&vv->cb_lock);
}

/*
 * vhost_vdpa passes the kick eventfd's wake-up straight on: the kicker is
 * its user's task, which may process on its way back to user space, as a
 * VFIO owner's does. virtio_vdpa kicks from the kernel's virtio drivers.
 */
static bool vhost_mdev_vdpa_user_kicks(struct vdpa_device *vdpa)
{
	const struct device_driver *drv = READ_ONCE(vdpa->dev.driver);

	return drv && !strcmp(drv->name, "vhost_vdpa");
}

static void vhost_mdev_vdpa_set_status(struct vdpa_device *vdpa, u8 status)
{
	struct vhost_mdev_vdpa *vv = vhost_mdev_vdpa_of(vdpa);
	struct vhost_mdev_device *vmdev = vv->vmdev;
	u32 old;
	int ret = 0;

	mutex_lock(&vmdev->lock);
	if (!status) {
		vhost_mdev_vdpa_reset_locked(vv);
		goto out;
	}
	old = vmdev->state;
	if ((status & VIRTIO_CONFIG_S_DRIVER_OK) &&
	    !(vv->status & VIRTIO_CONFIG_S_DRIVER_OK)) {
		assign_bit(VHOST_MDEV_F_USER_KICKS, &vmdev->flags,
			   vhost_mdev_vdpa_user_kicks(vdpa));
		/* DRIVER_OK before FEATURES_OK: no feature set was agreed. */
		if (!(status & VIRTIO_CONFIG_S_FEATURES_OK))
			ret = -EINVAL;
		else
			ret = vhost_mdev_vdpa_start(vv);
		vhost_mdev_trace(set_state, state, .dev = vmdev->id, .old = old,
				 .new = VHOST_MDEV_S_RUNNING, .ret = ret);
		if (ret) {
			dev_info_ratelimited(&vdpa->dev,
					     "cannot start the device: %d\n",
					     ret);
			status &= ~VIRTIO_CONFIG_S_DRIVER_OK;
			status |= VIRTIO_CONFIG_S_NEEDS_RESET;
		}
	} else if (!(status & VIRTIO_CONFIG_S_DRIVER_OK) &&
		   (vv->status & VIRTIO_CONFIG_S_DRIVER_OK)) {
		/* Not a transition drivers make; quiesce all the same. */
		vhost_mdev_stop(vmdev);
	}
	vv->status = status;
out:
	mutex_unlock(&vmdev->lock);
}

static int vhost_mdev_vdpa_reset(struct vdpa_device *vdpa)
{
	struct vhost_mdev_vdpa *vv = vhost_mdev_vdpa_of(vdpa);

	mutex_lock(&vv->vmdev->lock);
	vhost_mdev_vdpa_reset_locked(vv);
	mutex_unlock(&vv->vmdev->lock);
	return 0;
}

/* Quiesce as SET_STATE(STOPPED): bases read back, no memory touched. */
static int vhost_mdev_vdpa_suspend(struct vdpa_device *vdpa)
{
	struct vhost_mdev_vdpa *vv = vhost_mdev_vdpa_of(vdpa);
	struct vhost_mdev_device *vmdev = vv->vmdev;
	u32 old;

	mutex_lock(&vmdev->lock);
	old = vmdev->state;
	if (vhost_mdev_vdpa_running(vv)) {
		vhost_mdev_stop(vmdev);
		vv->suspended = true;
		vhost_mdev_trace(set_state, state, .dev = vmdev->id, .old = old,
				 .new = VHOST_MDEV_S_STOPPED);
	}
	mutex_unlock(&vmdev->lock);
	return 0;
}

static int vhost_mdev_vdpa_resume(struct vdpa_device *vdpa)
{
	struct vhost_mdev_vdpa *vv = vhost_mdev_vdpa_of(vdpa);
	struct vhost_mdev_device *vmdev = vv->vmdev;
	int ret = 0;

	mutex_lock(&vmdev->lock);
	if (vv->suspended && (vv->status & VIRTIO_CONFIG_S_DRIVER_OK)) {
		ret = vhost_mdev_vdpa_start(vv);
		vhost_mdev_trace(set_state, state, .dev = vmdev->id,
				 .old = VHOST_MDEV_S_STOPPED,
				 .new = VHOST_MDEV_S_RUNNING, .ret = ret);
		if (!ret)
			vv->suspended = false;
	}
	mutex_unlock(&vmdev->lock);
	return ret;
}

static size_t vhost_mdev_vdpa_get_config_size(struct vdpa_device *vdpa)
{
	struct vhost_mdev_device *vmdev = vhost_mdev_vdpa_of(vdpa)->vmdev;

	return vmdev->ops->get_config_size(vmdev);
}

static bool vhost_mdev_vdpa_config_ok(struct vhost_mdev_device *vmdev,
				      unsigned int off, unsigned int len)
{
	u32 size = vmdev->ops->get_config_size(vmdev);

	return off <= size && len <= size - off;
}

/*
 * The part of [off, off + len) inside the config space, zeroes for the
 * rest: `vdpa dev config show` reads a whole struct virtio_net_config,
 * longer than a device without its optional fields (vhost_vdpa checks the
 * range itself).
 */
static void vhost_mdev_vdpa_get_config(struct vdpa_device *vdpa,
				       unsigned int off, void *buf,
				       unsigned int len)
{
	struct vhost_mdev_device *vmdev = vhost_mdev_vdpa_of(vdpa)->vmdev;
	u32 size = vmdev->ops->get_config_size(vmdev);
	unsigned int n = off < size ? min(len, size - off) : 0;

	memset(buf + n, 0, len - n);
	if (!n)
		return;
	mutex_lock(&vmdev->lock);
	vmdev->ops->get_config(vmdev, off, buf, n);
	mutex_unlock(&vmdev->lock);
}

static void vhost_mdev_vdpa_set_config(struct vdpa_device *vdpa,
				       unsigned int off, const void *buf,
				       unsigned int len)
{
	struct vhost_mdev_device *vmdev = vhost_mdev_vdpa_of(vdpa)->vmdev;
	int ret = -EINVAL;

	mutex_lock(&vmdev->lock);
	if (vhost_mdev_vdpa_config_ok(vmdev, off, len))
		ret = vmdev->ops->set_config(vmdev, off, buf, len);
	mutex_unlock(&vmdev->lock);
	vhost_mdev_trace(config, config, .dev = vmdev->id, .write = true,
			 .off = off, .len = len, .ret = ret);
	if (ret)
		dev_info_ratelimited(&vdpa->dev,
				     "config write [%u, +%u) refused: %d\n",
				     off, len, ret);
}

static struct vdpa_iova_range
vhost_mdev_vdpa_get_iova_range(struct vdpa_device *vdpa)
{
	return (struct vdpa_iova_range){
		.first = 0,
		.last = VHOST_MDEV_VDPA_IOVA_LAST,
	};
}

/* --- vdpa_config_ops: DMA ------------------------------------------------ */

static int vhost_mdev_vdpa_dma_map(struct vdpa_device *vdpa, unsigned int asid,
				   u64 iova, u64 size, u64 pa, u32 perm,
				   void *opaque)
{
	struct vhost_mdev_vdpa *vv = vhost_mdev_vdpa_of(vdpa);
	struct vhost_mdev_vdpa_map *map;
	int ret = 0;

	if (asid || !size || iova + size - 1 < iova || pa + size - 1 < pa ||
	    iova + size - 1 > VHOST_MDEV_VDPA_IOVA_LAST ||
	    !perm || (perm & ~VHOST_MAP_RW))
		ret = -EINVAL;
	if (ret)
		goto out;
	map = kmalloc(sizeof(*map), GFP_KERNEL);
	if (!map) {
		ret = -ENOMEM;
		goto out;
	}
	map->start = iova;
	map->last = iova + size - 1;
	map->pa = pa;
	map->perm = perm;
	spin_lock(&vv->iotlb_lock);
	if (vhost_mdev_vdpa_map_iter_first(&vv->iotlb, map->start,
					   map->last)) {
		ret = -EEXIST;
	} else {
		vhost_mdev_vdpa_map_insert(map, &vv->iotlb);
		WRITE_ONCE(vv->nmaps, vv->nmaps + 1);
	}
	spin_unlock(&vv->iotlb_lock);
	if (ret)
		kfree(map);
out:
	vhost_mdev_trace(dma_map, dma_map, .dev = vv->vmdev->id, .iova = iova,
			 .ret = ret);
	return ret;
}

/* Returns once no access to the range is in flight: the pages may go. */
static int vhost_mdev_vdpa_dma_unmap(struct vdpa_device *vdpa,
				     unsigned int asid, u64 iova, u64 size)
{
	struct vhost_mdev_vdpa *vv = vhost_mdev_vdpa_of(vdpa);
	u64 last = iova + size - 1;

	if (asid || !size || last < iova)
		return -EINVAL;
	spin_lock(&vv->iotlb_lock);
	vhost_mdev_vdpa_iotlb_del(vv, iova, last);
	spin_unlock(&vv->iotlb_lock);
	vhost_mdev_trace(dma_unmap, dma_unmap, .dev = vv->vmdev->id,
			 .iova = iova, .len = size,
			 .pages = DIV_ROUND_UP(offset_in_page(iova) + size,
					       PAGE_SIZE));
	return 0;
}

static const struct vdpa_config_ops vhost_mdev_vdpa_config_ops = {
	.set_vq_address		= vhost_mdev_vdpa_set_vq_address,
	.set_vq_num		= vhost_mdev_vdpa_set_vq_num,
	.kick_vq		= vhost_mdev_vdpa_kick_vq,
	.set_vq_cb		= vhost_mdev_vdpa_set_vq_cb,
	.set_vq_ready		= vhost_mdev_vdpa_set_vq_ready,
	.get_vq_ready		= vhost_mdev_vdpa_get_vq_ready,
	.set_vq_state		= vhost_mdev_vdpa_set_vq_state,
	.get_vq_state		= vhost_mdev_vdpa_get_vq_state,
	.get_vq_align		= vhost_mdev_vdpa_get_vq_align,
	.get_device_features	= vhost_mdev_vdpa_get_device_features,
	.get_backend_features	= vhost_mdev_vdpa_get_backend_features,
	.set_driver_features	= vhost_mdev_vdpa_set_driver_features,
	.get_driver_features	= vhost_mdev_vdpa_get_driver_features,
	.set_config_cb		= vhost_mdev_vdpa_set_config_cb,
	.get_vq_num_max		= vhost_mdev_vdpa_get_vq_num_max,
	.get_device_id		= vhost_mdev_vdpa_get_device_id,
	.get_vendor_id		= vhost_mdev_vdpa_get_vendor_id,
	.get_status		= vhost_mdev_vdpa_get_status,
	.set_status		= vhost_mdev_vdpa_set_status,
	.reset			= vhost_mdev_vdpa_reset,
	.suspend		= vhost_mdev_vdpa_suspend,
	.resume			= vhost_mdev_vdpa_resume,
	.get_config_size	= vhost_mdev_vdpa_get_config_size,
	.get_config		= vhost_mdev_vdpa_get_config,
	.set_config		= vhost_mdev_vdpa_set_config,
	.get_iova_range		= vhost_mdev_vdpa_get_iova_range,
	.dma_map		= vhost_mdev_vdpa_dma_map,
	.dma_unmap		= vhost_mdev_vdpa_dma_unmap,
};

/* --- management device: one vdpa device per instance --------------------- */

static int vhost_mdev_vdpa_dev_add(struct vdpa_mgmt_dev *mgmt,
				   const char *name,
				   const struct vdpa_dev_set_config *config)
{
	struct vhost_mdev_vdpa *vv =
		container_of(mgmt, struct vhost_mdev_vdpa, mgmt);
	struct vhost_mdev_device *vmdev = vv->vmdev;
	struct vhost_mdev_vdpa_dev *d;
	int ret;

	/* One function, one device: vdpa_dev_lock serializes add and del. */
	if (vv->dev)
		return -EEXIST;
	d = vdpa_alloc_device(struct vhost_mdev_vdpa_dev, vdpa,
			      vhost_mdev_dev(vmdev),
			      &vhost_mdev_vdpa_config_ops, 1, 1, name, false);
	if (IS_ERR(d))
		return PTR_ERR(d);
	d->vv = vv;
	d->vdpa.mdev = mgmt;
	/* virtio_vdpa maps through the mdev device's recording DMA ops. */
	d->vdpa.dma_dev = vhost_mdev_dev(vmdev);

	mutex_lock(&vmdev->lock);
	vhost_mdev_vdpa_reset_locked(vv);
	mutex_unlock(&vmdev->lock);
	vv->dev = d;
	ret = _vdpa_register_device(&d->vdpa, vmdev->nvqs);
	if (ret) {
		vv->dev = NULL;
		put_device(&d->vdpa.dev);
	}
	return ret;
}

static void vhost_mdev_vdpa_dev_del(struct vdpa_mgmt_dev *mgmt,
				    struct vdpa_device *vdpa)
{
	struct vhost_mdev_vdpa *vv =
		container_of(mgmt, struct vhost_mdev_vdpa, mgmt);
	struct vhost_mdev_device *vmdev = vv->vmdev;
	unsigned long left;

	/* Unbinds the driver (vhost_vdpa waits for its fd to close). */
	_vdpa_unregister_device(vdpa);
	mutex_lock(&vmdev->lock);
	vhost_mdev_vdpa_reset_locked(vv);
	mutex_unlock(&vmdev->lock);
	spin_lock(&vv->iotlb_lock);
	left = vhost_mdev_vdpa_iotlb_del(vv, 0, U64_MAX);
	spin_unlock(&vv->iotlb_lock);
	if (left)
		dev_info(vhost_mdev_dev(vmdev),
			 "%lu IOTLB maps left by the driver\n", left);
	vv->dev = NULL;
}

static const struct vdpa_mgmtdev_ops vhost_mdev_vdpa_mgmt_ops = {
	.dev_add	= vhost_mdev_vdpa_dev_add,
	.dev_del	= vhost_mdev_vdpa_dev_del,
};

/* The kernel's vDPA bus: IOTLB or DMA API maps, vdpa callbacks. */
const struct vhost_mdev_consumer_ops vhost_mdev_vdpa_consumer = {
	.rw	= vhost_mdev_vdpa_rw,
	.u16	= vhost_mdev_vdpa_u16,
	.call	= vhost_mdev_vdpa_call,
	.error	= vhost_mdev_vdpa_error,
	.probe	= vhost_mdev_vdpa_probe,
	.remove	= vhost_mdev_vdpa_remove,
};

int vhost_mdev_vdpa_probe(struct vhost_mdev_device *vmdev)
{
	struct vhost_mdev_vdpa *vv;
	int ret;

	vv = kzalloc(sizeof(*vv), GFP_KERNEL);
	if (!vv)
		return -ENOMEM;
	vv->vqs = kcalloc(vmdev->nvqs, sizeof(*vv->vqs), GFP_KERNEL);
	if (!vv->vqs) {
		ret = -ENOMEM;
		goto err_free;
	}
	vv->vmdev = vmdev;
	spin_lock_init(&vv->cb_lock);
	spin_lock_init(&vv->iotlb_lock);
	vv->iotlb = RB_ROOT_CACHED;
	ret = vhost_mdev_kdma_init(vmdev, vhost_mdev_dev(vmdev));
	if (ret)
		goto err_free;

	vv->id_table[0].device = vmdev->ops->get_device_id(vmdev);
	vv->id_table[0].vendor = VIRTIO_DEV_ANY_ID;
	vv->mgmt.device = vhost_mdev_dev(vmdev);
	vv->mgmt.ops = &vhost_mdev_vdpa_mgmt_ops;
	vv->mgmt.id_table = vv->id_table;
	vv->mgmt.max_supported_vqs = vmdev->nvqs;
	vv->mgmt.supported_features = vmdev->ops->get_features(vmdev) |
				      BIT_ULL(VIRTIO_F_ACCESS_PLATFORM);
	vmdev->vdpa = vv;
	ret = vdpa_mgmtdev_register(&vv->mgmt);
	if (ret)
		goto err_kdma;
	return 0;

err_kdma:
	vmdev->vdpa = NULL;
	vhost_mdev_kdma_exit(vmdev);
err_free:
	kfree(vv->vqs);
	kfree(vv);
	return ret;
}

/* Deletes the vdpa device, if any: waits for a vhost-vdpa fd to close. */
void vhost_mdev_vdpa_remove(struct vhost_mdev_device *vmdev)
{
	struct vhost_mdev_vdpa *vv = vmdev->vdpa;

	if (!vv)
		return;
	vdpa_mgmtdev_unregister(&vv->mgmt);
	vhost_mdev_kdma_exit(vmdev);
	vmdev->vdpa = NULL;
	kfree(vv->vqs);
	kfree(vv);
}
