// SPDX-License-Identifier: GPL-2.0
/*
 * vhost-mdev DMA: how a parent reaches the memory of whoever drives the
 * instance, confined to what that driver mapped.
 *
 * VFIO consumer: addresses are IOVAs of the container. Every access goes
 * through vfio_dma_rw(), which looks the IOVA up and copies under type1's
 * own lock, so an access and an UNMAP of the same range are serialized by
 * VFIO and nothing of ours is held across a VFIO call. No page is ever
 * pinned: type1 never has to call us back on an unmap (its notify path
 * takes device_list_lock and iommu->lock in both orders, which deadlocks
 * with a second unmap when a device holds pins), and nothing is charged
 * to the owner's RLIMIT_MEMLOCK.
 *
 * Virtio consumer: the instance offers VIRTIO_F_ACCESS_PLATFORM, so the
 * virtio driver maps every ring and buffer through the DMA API of the
 * mdev device. Our dma_map_ops record each mapping with the permission its
 * direction grants (the DMA address is the physical address); the device
 * reaches only a recorded range, and an unmap waits for an access in
 * flight.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dma-map-ops.h>
#include <linux/highmem.h>
#include <linux/interval_tree_generic.h>
#include <linux/kthread.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/vfio.h>

#include "vhost_mdev_internal.h"
#include "vhost_mdev_trace.h"

/* --- VFIO consumer ------------------------------------------------------ */

/*
 * vfio_dma_rw() from a kernel thread enters the address space that mapped
 * the IOVA and leaves it again, on every call. A batch enters the owner's
 * once (vhost_mdev_dma_begin()); vfio_dma_rw() then copies straight away.
 */
struct mm_struct *vhost_mdev_dma_begin(struct vhost_mdev_device *vmdev)
{
	struct mm_struct *mm = READ_ONCE(vmdev->mm);

	if (!mm || !(current->flags & PF_KTHREAD) || current->mm ||
	    !mmget_not_zero(mm))
		return NULL;
	kthread_use_mm(mm);
	return mm;
}
EXPORT_SYMBOL_GPL(vhost_mdev_dma_begin);

void vhost_mdev_dma_end(struct vhost_mdev_device *vmdev,
			struct mm_struct *entered)
{
	if (!entered)
		return;
	kthread_unuse_mm(entered);
	mmput(entered);
}
EXPORT_SYMBOL_GPL(vhost_mdev_dma_end);

/*
 * In an entered batch, a range mapped by another process (a container
 * shared across a fork) fails with EFAULT: try again from no address
 * space, as vfio_dma_rw() then picks the one that mapped it.
 */
static int vhost_mdev_vfio_dma_rw(struct vhost_mdev_device *vmdev, u64 iova,
				  void *buf, size_t len, bool write)
{
	struct mm_struct *mm = current->mm;
	int ret;

	ret = vfio_dma_rw(&vmdev->vdev, iova, buf, len, write);
	if (ret != -EFAULT || !mm || !(current->flags & PF_KTHREAD))
		return ret;
	kthread_unuse_mm(mm);
	ret = vfio_dma_rw(&vmdev->vdev, iova, buf, len, write);
	kthread_use_mm(mm);
	return ret;
}

int vhost_mdev_vfio_rw(struct vhost_mdev_device *vmdev, u64 iova, void *buf,
		       size_t len, bool write)
{
	if (!len)
		return 0;
	if (iova + len - 1 < iova)
		return -EFAULT;
	return vhost_mdev_vfio_dma_rw(vmdev, iova, buf, len, write);
}

/*
 * vfio_dma_rw() copies with copy_{from,to}_user(), which promises no
 * single-copy atomicity: the caller of a 16-bit read re-reads a value that
 * may be changing (see vhost_mdev_dma_get_u16()).
 */
int vhost_mdev_vfio_u16(struct vhost_mdev_device *vmdev, u64 iova, u16 *val,
			bool write)
{
	if (iova & 1)
		return -EFAULT;
	return vhost_mdev_vfio_dma_rw(vmdev, iova, val, sizeof(*val), write);
}

/* --- virtio consumer: the mappings the virtio driver made ---------------- */

#define VHOST_MDEV_KMAP_READ	BIT(0)	/* the device may read */
#define VHOST_MDEV_KMAP_WRITE	BIT(1)	/* the device may write */

struct vhost_mdev_kmap {
	struct rb_node rb;
	u64 start;		/* [start, last]: DMA (physical) addresses */
	u64 last;
	u64 subtree_last;
	unsigned int perm;
};

#define VHOST_MDEV_KMAP_START(map)	((map)->start)
#define VHOST_MDEV_KMAP_LAST(map)	((map)->last)
INTERVAL_TREE_DEFINE(struct vhost_mdev_kmap, rb, u64, subtree_last,
		     VHOST_MDEV_KMAP_START, VHOST_MDEV_KMAP_LAST, static,
		     vhost_mdev_kmap);

static unsigned int vhost_mdev_kmap_perm(enum dma_data_direction dir)
{
	switch (dir) {
	case DMA_TO_DEVICE:
		return VHOST_MDEV_KMAP_READ;
	case DMA_FROM_DEVICE:
		return VHOST_MDEV_KMAP_WRITE;
	case DMA_BIDIRECTIONAL:
		return VHOST_MDEV_KMAP_READ | VHOST_MDEV_KMAP_WRITE;
	default:
		return 0;
	}
}

static struct vhost_mdev_kdma *vhost_mdev_kdma_of(struct device *dev)
{
	return &vhost_mdev_from_dev(dev)->kdma;
}

static dma_addr_t vhost_mdev_kdma_add(struct vhost_mdev_kdma *kd,
				      phys_addr_t pa, size_t size,
				      unsigned int perm)
{
	struct vhost_mdev_kmap *map;
	unsigned long flags;

	if (!size || !perm || pa + size - 1 < pa)
		return DMA_MAPPING_ERROR;
	/* Drivers map from softirq and with spinlocks held. */
	map = kmalloc(sizeof(*map), GFP_ATOMIC);
	if (!map)
		return DMA_MAPPING_ERROR;
	map->start = pa;
	map->last = pa + size - 1;
	map->perm = perm;
	spin_lock_irqsave(&kd->lock, flags);
	vhost_mdev_kmap_insert(map, &kd->maps);
	kd->count++;
	spin_unlock_irqrestore(&kd->lock, flags);
	vhost_mdev_trace(dma_map, dma_map, .dev = kd->id, .iova = pa);
	return pa;
}

/* Drop the mapping made for exactly [addr, addr + size). */
static void vhost_mdev_kdma_del(struct vhost_mdev_kdma *kd, dma_addr_t addr,
				size_t size)
{
	struct vhost_mdev_kmap *map;
	u64 last = addr + size - 1;
	unsigned long flags;

	spin_lock_irqsave(&kd->lock, flags);
	for (map = vhost_mdev_kmap_iter_first(&kd->maps, addr, addr); map;
	     map = vhost_mdev_kmap_iter_next(map, addr, addr)) {
		if (map->start == addr && map->last == last) {
			vhost_mdev_kmap_remove(map, &kd->maps);
			kd->count--;
			break;
		}
	}
	spin_unlock_irqrestore(&kd->lock, flags);
	if (!map) {
		dev_err_ratelimited(kd->dev, "unmap of %pad+%zu never mapped\n",
				    &addr, size);
		return;
	}
	vhost_mdev_trace(dma_unmap, dma_unmap, .dev = kd->id, .iova = addr,
			 .len = size,
			 .pages = DIV_ROUND_UP(offset_in_page(addr) + size, PAGE_SIZE));
	kfree(map);
}

/*
 * The end of the mapped range with permission perm that contains addr, or
 * 0 with *ok false. The caller holds kd->lock.
 */
static u64 vhost_mdev_kdma_reach(struct vhost_mdev_kdma *kd, u64 addr,
				 unsigned int perm, bool *ok)
{
	struct vhost_mdev_kmap *map;
	u64 last = 0;

	lockdep_assert_held(&kd->lock);
	*ok = false;
	for (map = vhost_mdev_kmap_iter_first(&kd->maps, addr, addr); map;
	     map = vhost_mdev_kmap_iter_next(map, addr, addr)) {
		if ((map->perm & perm) == perm && (!*ok || map->last > last)) {
			last = map->last;
			*ok = true;
		}
	}
	return last;
}

/* Every byte of [addr, addr + len) is mapped with perm. Under kd->lock. */
static bool vhost_mdev_kdma_allowed(struct vhost_mdev_kdma *kd, u64 addr,
				    size_t len, unsigned int perm)
{
	u64 end = addr + len - 1;
	bool ok;

	while (true) {
		u64 last = vhost_mdev_kdma_reach(kd, addr, perm, &ok);

		if (!ok)
			return false;
		if (last >= end)
			return true;
		addr = last + 1;
	}
}

static void vhost_mdev_kdma_copy(u64 pa, void *buf, size_t len, bool write)
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
 * The copy runs under the lock, so the driver cannot unmap (and free) the
 * memory while the device is in it.
 */
int vhost_mdev_kdma_rw(struct vhost_mdev_device *vmdev, u64 addr, void *buf,
		       size_t len, bool write)
{
	struct vhost_mdev_kdma *kd = &vmdev->kdma;
	unsigned int perm = write ? VHOST_MDEV_KMAP_WRITE :
				    VHOST_MDEV_KMAP_READ;
	unsigned long flags;
	int ret = 0;

	if (!len)
		return 0;
	if (addr + len - 1 < addr)
		return -EFAULT;
	spin_lock_irqsave(&kd->lock, flags);
	if (vhost_mdev_kdma_allowed(kd, addr, len, perm))
		vhost_mdev_kdma_copy(addr, buf, len, write);
	else
		ret = -EFAULT;
	spin_unlock_irqrestore(&kd->lock, flags);
	return ret;
}

/* Single 16-bit accesses, as the driver's, so no index is seen torn. */
int vhost_mdev_kdma_u16(struct vhost_mdev_device *vmdev, u64 addr, u16 *val,
			bool write)
{
	struct vhost_mdev_kdma *kd = &vmdev->kdma;
	unsigned int perm = write ? VHOST_MDEV_KMAP_WRITE :
				    VHOST_MDEV_KMAP_READ;
	unsigned long flags;
	int ret = 0;
	u16 *p;

	if (addr & 1)
		return -EFAULT;
	spin_lock_irqsave(&kd->lock, flags);
	if (!vhost_mdev_kdma_allowed(kd, addr, sizeof(*val), perm)) {
		ret = -EFAULT;
		goto out;
	}
	p = kmap_local_page(pfn_to_page(PHYS_PFN(addr))) + offset_in_page(addr);
	if (write)
		WRITE_ONCE(*p, *val);
	else
		*val = READ_ONCE(*p);
	kunmap_local(p);
out:
	spin_unlock_irqrestore(&kd->lock, flags);
	return ret;
}

/* --- dma_map_ops of the mdev device, the virtio device's DMA device ------ */

static dma_addr_t vhost_mdev_kdma_map_page(struct device *dev,
					   struct page *page,
					   unsigned long offset, size_t size,
					   enum dma_data_direction dir,
					   unsigned long attrs)
{
	return vhost_mdev_kdma_add(vhost_mdev_kdma_of(dev),
				   page_to_phys(page) + offset, size,
				   vhost_mdev_kmap_perm(dir));
}

static void vhost_mdev_kdma_unmap_page(struct device *dev, dma_addr_t addr,
				       size_t size,
				       enum dma_data_direction dir,
				       unsigned long attrs)
{
	vhost_mdev_kdma_del(vhost_mdev_kdma_of(dev), addr, size);
}

static int vhost_mdev_kdma_map_sg(struct device *dev, struct scatterlist *sgl,
				  int nents, enum dma_data_direction dir,
				  unsigned long attrs)
{
	struct scatterlist *sg;
	int i;

	for_each_sg(sgl, sg, nents, i) {
		sg->dma_address = vhost_mdev_kdma_map_page(dev, sg_page(sg),
							   sg->offset,
							   sg->length, dir,
							   attrs);
		if (sg->dma_address == DMA_MAPPING_ERROR)
			goto err;
		sg_dma_len(sg) = sg->length;
	}
	return nents;

err:
	nents = i;
	for_each_sg(sgl, sg, nents, i)
		vhost_mdev_kdma_unmap_page(dev, sg->dma_address, sg->length,
					   dir, attrs);
	return -ENOMEM;
}

static void vhost_mdev_kdma_unmap_sg(struct device *dev,
				     struct scatterlist *sgl, int nents,
				     enum dma_data_direction dir,
				     unsigned long attrs)
{
	struct scatterlist *sg;
	int i;

	for_each_sg(sgl, sg, nents, i)
		vhost_mdev_kdma_unmap_page(dev, sg->dma_address, sg->length,
					   dir, attrs);
}

/* Rings: zeroed pages the device may read and write. */
static void *vhost_mdev_kdma_alloc(struct device *dev, size_t size,
				   dma_addr_t *addr, gfp_t gfp,
				   unsigned long attrs)
{
	void *va = alloc_pages_exact(size, gfp | __GFP_ZERO);

	*addr = DMA_MAPPING_ERROR;
	if (!va)
		return NULL;
	*addr = vhost_mdev_kdma_add(vhost_mdev_kdma_of(dev), virt_to_phys(va),
				    size, VHOST_MDEV_KMAP_READ |
					  VHOST_MDEV_KMAP_WRITE);
	if (*addr == DMA_MAPPING_ERROR) {
		free_pages_exact(va, size);
		return NULL;
	}
	return va;
}

static void vhost_mdev_kdma_free(struct device *dev, size_t size, void *va,
				 dma_addr_t addr, unsigned long attrs)
{
	vhost_mdev_kdma_del(vhost_mdev_kdma_of(dev), addr, size);
	free_pages_exact(va, size);
}

static const struct dma_map_ops vhost_mdev_kdma_map_ops = {
	.map_page	= vhost_mdev_kdma_map_page,
	.unmap_page	= vhost_mdev_kdma_unmap_page,
	.map_sg		= vhost_mdev_kdma_map_sg,
	.unmap_sg	= vhost_mdev_kdma_unmap_sg,
	.alloc		= vhost_mdev_kdma_alloc,
	.free		= vhost_mdev_kdma_free,
};

/* Make dev (the mdev device) the DMA device of a virtio consumer. */
int vhost_mdev_kdma_init(struct vhost_mdev_device *vmdev, struct device *dev)
{
	struct vhost_mdev_kdma *kd = &vmdev->kdma;

	spin_lock_init(&kd->lock);
	kd->maps = RB_ROOT_CACHED;
	kd->count = 0;
	kd->id = vmdev->id;
	kd->dev = dev;
	dev->dma_mask = &dev->coherent_dma_mask;
	if (dma_set_mask_and_coherent(dev, DMA_BIT_MASK(64)))
		return -EIO;
	set_dma_ops(dev, &vhost_mdev_kdma_map_ops);
	return 0;
}

/* After the virtio driver is gone: drop what it did not unmap. */
void vhost_mdev_kdma_exit(struct vhost_mdev_device *vmdev)
{
	struct vhost_mdev_kdma *kd = &vmdev->kdma;
	struct vhost_mdev_kmap *map;
	unsigned long leaked = 0;

	if (!kd->dev)
		return;
	set_dma_ops(kd->dev, NULL);
	while ((map = vhost_mdev_kmap_iter_first(&kd->maps, 0, U64_MAX))) {
		vhost_mdev_kmap_remove(map, &kd->maps);
		kfree(map);
		leaked++;
	}
	if (leaked)
		dev_info(kd->dev, "%lu DMA mappings left by the driver\n",
			 leaked);
	kd->dev = NULL;
}
