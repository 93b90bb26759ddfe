/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vhost-mdev: the kernel APIs that changed between the releases the modules
 * build against (Debian 12's 6.1 and the 6.12 LTS), each behind one helper,
 * so the version checks stay in this file. On 6.1 every helper is exactly
 * the call it replaces.
 */
#ifndef _VHOST_MDEV_COMPAT_H
#define _VHOST_MDEV_COMPAT_H

#include <linux/device.h>
#include <linux/eventfd.h>
#include <linux/mm.h>
#include <linux/version.h>
#include <linux/vfio.h>
#include <linux/virtio_config.h>

/* 6.8: eventfd_signal() lost its count (every caller passed 1). */
static inline void vhost_mdev_eventfd_signal(struct eventfd_ctx *ctx)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
	eventfd_signal(ctx);
#else
	eventfd_signal(ctx, 1);
#endif
}

/*
 * 6.3: vm_flags may only change through vm_flags_set(), which also
 * write-locks the VMA for the per-VMA lock.
 */
static inline void vhost_mdev_vm_flags_set(struct vm_area_struct *vma,
					   vm_flags_t flags)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
	vm_flags_set(vma, flags);
#else
	vma->vm_flags |= flags;
#endif
}

/*
 * 6.4: class_create() lost its owner. A macro, as class_create() was one
 * before: its lockdep key is per call site.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
#define vhost_mdev_class_create(name) class_create(name)
#else
#define vhost_mdev_class_create(name) class_create(THIS_MODULE, name)
#endif

/*
 * 6.2: the VFIO core frees the device after ->release(); before, the
 * driver's ->release() had to.
 */
static inline void vhost_mdev_vfio_free_device(struct vfio_device *vdev)
{
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 2, 0)
	vfio_free_device(vdev);
#endif
}

/*
 * 6.11: virtio's find_vqs() takes one array of struct virtqueue_info
 * (name, callback, ctx per queue) instead of three arrays. The transport
 * reads queue i through the accessors below, and
 * VHOST_MDEV_DEFINE_FIND_VQS(fn, impl) defines the find_vqs() of the
 * running kernel as a call of
 *	impl(vdev, nvqs, vqs, const struct vhost_mdev_vqs_info *vi, desc).
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
struct vhost_mdev_vqs_info {
	struct virtqueue_info *info;
};

static inline const char *
vhost_mdev_vq_name(const struct vhost_mdev_vqs_info *vi, unsigned int i)
{
	return vi->info[i].name;
}

static inline vq_callback_t *
vhost_mdev_vq_callback(const struct vhost_mdev_vqs_info *vi, unsigned int i)
{
	return vi->info[i].callback;
}

static inline bool vhost_mdev_vq_ctx(const struct vhost_mdev_vqs_info *vi,
				     unsigned int i)
{
	return vi->info[i].ctx;
}

#define VHOST_MDEV_DEFINE_FIND_VQS(fn, impl)				\
static int fn(struct virtio_device *vdev, unsigned int nvqs,		\
	      struct virtqueue *vqs[], struct virtqueue_info info[],	\
	      struct irq_affinity *desc)				\
{									\
	const struct vhost_mdev_vqs_info vi = { .info = info };		\
									\
	return impl(vdev, nvqs, vqs, &vi, desc);			\
}
#else
struct vhost_mdev_vqs_info {
	vq_callback_t **callbacks;
	const char * const *names;
	const bool *ctx;
};

static inline const char *
vhost_mdev_vq_name(const struct vhost_mdev_vqs_info *vi, unsigned int i)
{
	return vi->names[i];
}

static inline vq_callback_t *
vhost_mdev_vq_callback(const struct vhost_mdev_vqs_info *vi, unsigned int i)
{
	return vi->callbacks[i];
}

static inline bool vhost_mdev_vq_ctx(const struct vhost_mdev_vqs_info *vi,
				     unsigned int i)
{
	return vi->ctx ? vi->ctx[i] : false;
}

#define VHOST_MDEV_DEFINE_FIND_VQS(fn, impl)				\
static int fn(struct virtio_device *vdev, unsigned int nvqs,		\
	      struct virtqueue *vqs[], vq_callback_t *callbacks[],	\
	      const char * const names[], const bool *ctx,		\
	      struct irq_affinity *desc)				\
{									\
	const struct vhost_mdev_vqs_info vi = {				\
		.callbacks = callbacks, .names = names, .ctx = ctx,	\
	};								\
									\
	return impl(vdev, nvqs, vqs, &vi, desc);			\
}
#endif

/*
 * The vDPA bus (CONFIG_VDPA, a module in Debian's 6.12, absent from its
 * 6.1): whether the vDPA consumer is built (kernel/Kbuild).
 */
static inline bool vhost_mdev_have_vdpa(void)
{
	return IS_ENABLED(CONFIG_VDPA);
}

#endif /* _VHOST_MDEV_COMPAT_H */
