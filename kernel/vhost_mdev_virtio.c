// SPDX-License-Identifier: GPL-2.0
/*
 * vhost-mdev virtio transport: an instance of a virtio mdev type is a
 * virtio device on the virtio bus, so the kernel's own virtio drivers
 * (virtio_net, virtio_blk) bind to the parent's device unmodified.
 *
 * The parent is called through the same vhost_mdev_ops as for a VFIO
 * consumer and sees the same state machine: DRIVER_OK starts it, a reset
 * stops it. What differs is below the parent: the virtqueues live in kernel
 * memory allocated by vring_create_virtqueue(); the device offers
 * VIRTIO_F_ACCESS_PLATFORM, so the driver maps rings and buffers through
 * the DMA API of the mdev device, whose ops record each mapping and confine
 * the device to them (vhost_mdev_dma.c); a kick calls the parent's notify()
 * directly and an interrupt runs vring_interrupt().
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/highmem.h>
#include <linux/interrupt.h>
#include <linux/mm.h>
#include <linux/nospec.h>
#include <linux/slab.h>
#include <linux/virtio.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ring.h>

#include "vhost_mdev_compat.h"
#include "vhost_mdev_internal.h"
#include "vhost_mdev_trace.h"

/* Red Hat's virtio vendor id: no driver matches on it, lspci-like tools do. */
#define VHOST_MDEV_VIRTIO_VENDOR	0x1af4

struct vhost_mdev_virtio {
	struct virtio_device vdev;
	struct vhost_mdev_device *vmdev;
	/* Under vmdev->lock. */
	u8 status;
	/*
	 * Virtqueue of each device queue index: set by find_vqs and cleared
	 * by del_vqs, both with the device stopped, so the parent's
	 * interrupts (only while started) see a stable array.
	 */
	struct virtqueue **vqs;
};

static struct vhost_mdev_virtio *vhost_mdev_virtio_of(struct virtio_device *v)
{
	return container_of(v, struct vhost_mdev_virtio, vdev);
}

/* --- interrupts from the parent ----------------------------------------- */

/*
 * The parent calls from its worker (process context). Virtio drivers expect
 * their callbacks with bottom halves off, as from a hard interrupt: NAPI
 * raises its softirq, and local_bh_enable() runs it.
 */
static void vhost_mdev_virtio_call(struct vhost_mdev_device *vmdev, u16 vq)
{
	struct vhost_mdev_virtio *vv = vmdev->virtio;
	struct virtqueue *q;

	q = vv->vqs[vq];
	if (!q)
		return;
	local_bh_disable();
	vring_interrupt(0, q);
	local_bh_enable();
}

/* The device stopped itself: the driver sees DEVICE_NEEDS_RESET. */
static void vhost_mdev_virtio_error(struct vhost_mdev_device *vmdev)
{
	virtio_config_changed(&vmdev->virtio->vdev);
}

/* The kernel's virtio driver: DMA API mappings, vring_interrupt(). */
const struct vhost_mdev_consumer_ops vhost_mdev_virtio_consumer = {
	.rw	= vhost_mdev_kdma_rw,
	.u16	= vhost_mdev_kdma_u16,
	.call	= vhost_mdev_virtio_call,
	.error	= vhost_mdev_virtio_error,
};

/* --- virtio_config_ops -------------------------------------------------- */

static bool vhost_mdev_virtio_config_ok(struct vhost_mdev_device *vmdev,
					unsigned int off, unsigned int len)
{
	u32 size = vmdev->ops->get_config_size(vmdev);

	return off <= size && len <= size - off;
}

static void vhost_mdev_virtio_get(struct virtio_device *vdev,
				  unsigned int off, void *buf, unsigned int len)
{
	struct vhost_mdev_device *vmdev = vhost_mdev_virtio_of(vdev)->vmdev;

	mutex_lock(&vmdev->lock);
	if (vhost_mdev_virtio_config_ok(vmdev, off, len))
		vmdev->ops->get_config(vmdev, off, buf, len);
	else
		memset(buf, 0, len);
	mutex_unlock(&vmdev->lock);
}

static void vhost_mdev_virtio_set(struct virtio_device *vdev,
				  unsigned int off, const void *buf,
				  unsigned int len)
{
	struct vhost_mdev_device *vmdev = vhost_mdev_virtio_of(vdev)->vmdev;
	int ret = -EINVAL;

	mutex_lock(&vmdev->lock);
	if (vhost_mdev_virtio_config_ok(vmdev, off, len))
		ret = vmdev->ops->set_config(vmdev, off, buf, len);
	mutex_unlock(&vmdev->lock);
	vhost_mdev_trace(config, config, .dev = vmdev->id, .write = true,
			 .off = off, .len = len, .ret = ret);
	if (ret)
		dev_info_ratelimited(&vdev->dev,
				     "config write [%u, +%u) refused: %d\n",
				     off, len, ret);
}

static u8 vhost_mdev_virtio_get_status(struct virtio_device *vdev)
{
	struct vhost_mdev_virtio *vv = vhost_mdev_virtio_of(vdev);
	struct vhost_mdev_device *vmdev = vv->vmdev;
	u8 status;

	mutex_lock(&vmdev->lock);
	status = vv->status;
	if (vhost_mdev_failed(vmdev))
		status |= VIRTIO_CONFIG_S_NEEDS_RESET;
	mutex_unlock(&vmdev->lock);
	return status;
}

static void vhost_mdev_virtio_set_status(struct virtio_device *vdev,
					 u8 status)
{
	struct vhost_mdev_virtio *vv = vhost_mdev_virtio_of(vdev);
	struct vhost_mdev_device *vmdev = vv->vmdev;
	u32 old;
	int ret = 0;

	mutex_lock(&vmdev->lock);
	old = vmdev->state;
	if ((status & VIRTIO_CONFIG_S_DRIVER_OK) &&
	    !(vv->status & VIRTIO_CONFIG_S_DRIVER_OK)) {
		ret = vhost_mdev_start(vmdev);
		vhost_mdev_trace(set_state, state, .dev = vmdev->id, .old = old,
				 .new = VHOST_MDEV_S_RUNNING, .ret = ret);
		if (ret) {
			dev_err(&vdev->dev, "cannot start the device: %d\n",
				ret);
			status &= ~VIRTIO_CONFIG_S_DRIVER_OK;
			status |= VIRTIO_CONFIG_S_NEEDS_RESET;
		}
	}
	vv->status = status;
	mutex_unlock(&vmdev->lock);
}

static void vhost_mdev_virtio_reset(struct virtio_device *vdev)
{
	struct vhost_mdev_virtio *vv = vhost_mdev_virtio_of(vdev);
	struct vhost_mdev_device *vmdev = vv->vmdev;
	u32 old;

	mutex_lock(&vmdev->lock);
	old = vmdev->state;
	/* Stops the parent first: no callback runs once this returns. */
	vhost_mdev_reset(vmdev);
	vv->status = 0;
	if (old != VHOST_MDEV_S_STOPPED)
		vhost_mdev_trace(set_state, state, .dev = vmdev->id, .old = old,
				 .new = VHOST_MDEV_S_STOPPED);
	mutex_unlock(&vmdev->lock);
}

/* The kick: straight into the parent, any context, as the eventfd path. */
static bool vhost_mdev_virtio_notify(struct virtqueue *vq)
{
	struct vhost_mdev_device *vmdev =
		vhost_mdev_virtio_of(vq->vdev)->vmdev;

	vhost_mdev_kicked(vmdev, vq->index);
	vmdev->ops->notify(vmdev, vq->index);
	return true;
}

/* Forget the rings of the device; the caller holds vmdev->lock. */
static void vhost_mdev_virtio_clear_rings(struct vhost_mdev_virtio *vv)
{
	struct vhost_mdev_device *vmdev = vv->vmdev;
	u32 i;

	lockdep_assert_held(&vmdev->lock);
	vhost_mdev_stop(vmdev);
	for (i = 0; i < vmdev->nvqs; i++) {
		vmdev->vqs[i].num = 0;
		vmdev->vqs[i].addr_set = false;
		vmdev->vqs[i].base = 0;
	}
}

static void vhost_mdev_virtio_del_vqs(struct virtio_device *vdev)
{
	struct vhost_mdev_virtio *vv = vhost_mdev_virtio_of(vdev);
	struct vhost_mdev_device *vmdev = vv->vmdev;
	struct virtqueue *vq, *n;

	mutex_lock(&vmdev->lock);
	vhost_mdev_virtio_clear_rings(vv);
	list_for_each_entry_safe(vq, n, &vdev->vqs, list) {
		if (vq->index < vmdev->nvqs)
			vv->vqs[vq->index] = NULL;
		vring_del_virtqueue(vq);
	}
	mutex_unlock(&vmdev->lock);
}

static int vhost_mdev_virtio_setup_vqs(struct virtio_device *vdev,
				       unsigned int nvqs,
				       struct virtqueue *vqs[],
				       const struct vhost_mdev_vqs_info *vi,
				       struct irq_affinity *desc)
{
	struct vhost_mdev_virtio *vv = vhost_mdev_virtio_of(vdev);
	struct vhost_mdev_device *vmdev = vv->vmdev;
	u32 max = vmdev->ops->get_vq_num_max(vmdev);
	unsigned int i, index = 0;
	int ret = 0;

	mutex_lock(&vmdev->lock);
	if (vmdev->state != VHOST_MDEV_S_STOPPED) {
		ret = -EBUSY;
		goto out;
	}
	for (i = 0; i < nvqs; i++) {
		struct vhost_mdev_vq *mvq;
		struct virtqueue *vq;

		/* A NULL name: the driver does not use this queue. */
		if (!vhost_mdev_vq_name(vi, i)) {
			vqs[i] = NULL;
			continue;
		}
		if (index >= vmdev->nvqs) {
			ret = -ENOENT;
			goto err;
		}
		vq = vring_create_virtqueue(index, max, SMP_CACHE_BYTES, vdev,
					    true, true, vhost_mdev_vq_ctx(vi, i),
					    vhost_mdev_virtio_notify,
					    vhost_mdev_vq_callback(vi, i),
					    vhost_mdev_vq_name(vi, i));
		if (!vq) {
			ret = -ENOMEM;
			goto err;
		}
		mvq = &vmdev->vqs[index];
		mvq->num = virtqueue_get_vring_size(vq);
		mvq->desc = virtqueue_get_desc_addr(vq);
		mvq->avail = virtqueue_get_avail_addr(vq);
		mvq->used = virtqueue_get_used_addr(vq);
		mvq->addr_set = true;
		mvq->base = 0;
		vv->vqs[index] = vq;
		vqs[i] = vq;
		index++;
	}
	goto out;

err:
	mutex_unlock(&vmdev->lock);
	vhost_mdev_virtio_del_vqs(vdev);
	return ret;
out:
	mutex_unlock(&vmdev->lock);
	return ret;
}

VHOST_MDEV_DEFINE_FIND_VQS(vhost_mdev_virtio_find_vqs,
			   vhost_mdev_virtio_setup_vqs)

static u64 vhost_mdev_virtio_get_features(struct virtio_device *vdev)
{
	struct vhost_mdev_device *vmdev = vhost_mdev_virtio_of(vdev)->vmdev;

	/* DMA goes through our dma_map_ops: the driver must map. */
	return vmdev->ops->get_features(vmdev) |
	       BIT_ULL(VIRTIO_F_ACCESS_PLATFORM);
}

static int vhost_mdev_virtio_finalize_features(struct virtio_device *vdev)
{
	struct vhost_mdev_device *vmdev = vhost_mdev_virtio_of(vdev)->vmdev;
	u64 features;
	int ret;

	/* Drop the transport bits this transport does not implement. */
	vring_transport_features(vdev);
	features = vdev->features;
	/* The transport speaks modern virtio only, through the DMA API. */
	if (!(features & BIT_ULL(VIRTIO_F_VERSION_1)) ||
	    !(features & BIT_ULL(VIRTIO_F_ACCESS_PLATFORM)))
		return -ENODEV;
	/* A transport feature: the parent never sees it. */
	features &= ~BIT_ULL(VIRTIO_F_ACCESS_PLATFORM);

	mutex_lock(&vmdev->lock);
	if (vmdev->state != VHOST_MDEV_S_STOPPED)
		ret = -EBUSY;
	else if (features & ~vmdev->ops->get_features(vmdev))
		ret = -EOPNOTSUPP;
	else
		ret = vmdev->ops->set_features(vmdev, features);
	if (!ret)
		vmdev->features = features;
	vhost_mdev_trace(features, features, .dev = vmdev->id,
			 .features = features, .ret = ret);
	mutex_unlock(&vmdev->lock);
	return ret;
}

static const char *vhost_mdev_virtio_bus_name(struct virtio_device *vdev)
{
	return dev_name(vdev->dev.parent);
}

static const struct virtio_config_ops vhost_mdev_virtio_config_ops = {
	.get			= vhost_mdev_virtio_get,
	.set			= vhost_mdev_virtio_set,
	.get_status		= vhost_mdev_virtio_get_status,
	.set_status		= vhost_mdev_virtio_set_status,
	.reset			= vhost_mdev_virtio_reset,
	.find_vqs		= vhost_mdev_virtio_find_vqs,
	.del_vqs		= vhost_mdev_virtio_del_vqs,
	.get_features		= vhost_mdev_virtio_get_features,
	.finalize_features	= vhost_mdev_virtio_finalize_features,
	.bus_name		= vhost_mdev_virtio_bus_name,
};

/* --- registration -------------------------------------------------------- */

/* The last reference to the virtio device is gone; vmdev may be gone too. */
static void vhost_mdev_virtio_release(struct device *dev)
{
	struct vhost_mdev_virtio *vv =
		container_of(dev, struct vhost_mdev_virtio, vdev.dev);

	kfree(vv->vqs);
	kfree(vv);
}

int vhost_mdev_virtio_probe(struct vhost_mdev_device *vmdev)
{
	struct vhost_mdev_virtio *vv;
	int ret;

	vv = kzalloc(sizeof(*vv), GFP_KERNEL);
	if (!vv)
		return -ENOMEM;
	vv->vqs = kcalloc(vmdev->nvqs, sizeof(*vv->vqs), GFP_KERNEL);
	if (!vv->vqs) {
		kfree(vv);
		return -ENOMEM;
	}
	vv->vmdev = vmdev;
	ret = vhost_mdev_kdma_init(vmdev, vhost_mdev_dev(vmdev));
	if (ret) {
		kfree(vv->vqs);
		kfree(vv);
		return ret;
	}
	vv->vdev.dev.parent = vhost_mdev_dev(vmdev);
	vv->vdev.dev.release = vhost_mdev_virtio_release;
	vv->vdev.config = &vhost_mdev_virtio_config_ops;
	vv->vdev.id.device = vmdev->ops->get_device_id(vmdev);
	vv->vdev.id.vendor = VHOST_MDEV_VIRTIO_VENDOR;
	vmdev->virtio = vv;

	ret = register_virtio_device(&vv->vdev);
	if (ret) {
		vmdev->virtio = NULL;
		/* The virtio core may hold a reference: release frees vv. */
		put_device(&vv->vdev.dev);
		vhost_mdev_kdma_exit(vmdev);
		return ret;
	}
	return 0;
}

void vhost_mdev_virtio_remove(struct vhost_mdev_device *vmdev)
{
	struct vhost_mdev_virtio *vv = vmdev->virtio;

	if (!vv)
		return;
	unregister_virtio_device(&vv->vdev);
	vmdev->virtio = NULL;
	vhost_mdev_kdma_exit(vmdev);
}
