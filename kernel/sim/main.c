// SPDX-License-Identifier: GPL-2.0
/*
 * vhost-mdev simulator parent: one parent device offering the simulated
 * virtio-net and virtio-blk devices, each as mdev types sharing the same
 * ops: one for a user driver over VFIO, one ("-virtio") for the kernel's
 * virtio driver, one ("-vdpa", kernels with the vDPA bus) for vDPA. The
 * hardware-emulation knobs live here.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/device.h>
#include <linux/module.h>
#include <linux/moduleparam.h>

#include "vhost_mdev_compat.h"
#include "sim.h"

static int vhost_mdev_sim_param_pow2(const char *val,
				     const struct kernel_param *kp)
{
	unsigned int v;
	int ret;

	ret = kstrtouint(val, 0, &v);
	if (ret)
		return ret;
	if (!v || v > VHOST_MDEV_VRING_MAX || (v & (v - 1)))
		return -EINVAL;
	*(unsigned int *)kp->arg = v;
	return 0;
}

static const struct kernel_param_ops vhost_mdev_sim_pow2_ops = {
	.set = vhost_mdev_sim_param_pow2,
	.get = param_get_uint,
};

static int vhost_mdev_sim_param_positive(const char *val,
					 const struct kernel_param *kp)
{
	unsigned int v;
	int ret;

	ret = kstrtouint(val, 0, &v);
	if (ret)
		return ret;
	if (!v)
		return -EINVAL;
	*(unsigned int *)kp->arg = v;
	return 0;
}

static const struct kernel_param_ops vhost_mdev_sim_positive_ops = {
	.set = vhost_mdev_sim_param_positive,
	.get = param_get_uint,
};

/* A time in ns with its upper bound, for the parameters below. */
struct vhost_mdev_sim_ns_param {
	unsigned long ns;
	unsigned long max;
};

static int vhost_mdev_sim_param_ns_set(const char *val,
				       const struct kernel_param *kp)
{
	struct vhost_mdev_sim_ns_param *p = kp->arg;
	unsigned long v;
	int ret;

	ret = kstrtoul(val, 0, &v);
	if (ret)
		return ret;
	if (v > p->max)
		return -ERANGE;
	WRITE_ONCE(p->ns, v);
	return 0;
}

static int vhost_mdev_sim_param_ns_get(char *buf,
				       const struct kernel_param *kp)
{
	const struct vhost_mdev_sim_ns_param *p = kp->arg;

	return sysfs_emit(buf, "%lu\n", READ_ONCE(p->ns));
}

static const struct kernel_param_ops vhost_mdev_sim_ns_ops = {
	.set = vhost_mdev_sim_param_ns_set,
	.get = vhost_mdev_sim_param_ns_get,
};

/*
 * A stop waits for the frame in progress: bound the added time so it never
 * sleeps in D state for long.
 */
static struct vhost_mdev_sim_ns_param vhost_mdev_sim_latency = {
	.max = 10 * NSEC_PER_MSEC,
};
module_param_cb(latency_ns, &vhost_mdev_sim_ns_ops, &vhost_mdev_sim_latency,
		0644);
MODULE_PARM_DESC(latency_ns,
		 "Added processing time per frame or request in ns, at most 10000000 (default: 0)");

static unsigned int vhost_mdev_sim_batch = 64;
module_param_cb(batch, &vhost_mdev_sim_positive_ops, &vhost_mdev_sim_batch,
		0644);
MODULE_PARM_DESC(batch,
		 "Frames or requests processed before the worker yields (default: 64)");

static unsigned int vhost_mdev_sim_max_queue_size = 256;
module_param_cb(max_queue_size, &vhost_mdev_sim_pow2_ops,
		&vhost_mdev_sim_max_queue_size, 0644);
MODULE_PARM_DESC(max_queue_size,
		 "Largest ring size of new instances, a power of 2 (default: 256)");

static unsigned int vhost_mdev_sim_max_instances = 64;
module_param_named(max_instances, vhost_mdev_sim_max_instances, uint, 0444);
MODULE_PARM_DESC(max_instances, "Instances the parent offers (default: 64)");

static enum vhost_mdev_sim_mode vhost_mdev_sim_mode_param =
	VHOST_MDEV_SIM_MODE_TASK_WORK;

static int vhost_mdev_sim_param_mode(const char *val,
				     const struct kernel_param *kp)
{
	enum vhost_mdev_sim_mode m;

	for (m = VHOST_MDEV_SIM_MODE_WORKQUEUE;
	     m <= VHOST_MDEV_SIM_MODE_TASK_WORK; m++) {
		if (sysfs_streq(val, vhost_mdev_sim_mode_name(m))) {
			WRITE_ONCE(vhost_mdev_sim_mode_param, m);
			return 0;
		}
	}
	return -EINVAL;
}

static int vhost_mdev_sim_param_mode_get(char *buf,
					 const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n",
			  vhost_mdev_sim_mode_name(READ_ONCE(vhost_mdev_sim_mode_param)));
}

static const struct kernel_param_ops vhost_mdev_sim_mode_ops = {
	.set = vhost_mdev_sim_param_mode,
	.get = vhost_mdev_sim_param_mode_get,
};

module_param_cb(mode, &vhost_mdev_sim_mode_ops, NULL, 0644);
MODULE_PARM_DESC(mode,
		 "Where instances process their rings from their next start: workqueue, kthread or task_work (default: task_work)");

/* A thread that polls longer than this had better sleep. */
static struct vhost_mdev_sim_ns_param vhost_mdev_sim_poll = {
	.max = NSEC_PER_MSEC,
};
module_param_cb(poll_ns, &vhost_mdev_sim_ns_ops, &vhost_mdev_sim_poll, 0644);
MODULE_PARM_DESC(poll_ns,
		 "kthread mode: longest busy-poll of the rings before sleeping, in ns, at most 1000000 (default: 0)");

struct workqueue_struct *vhost_mdev_sim_wq;

enum vhost_mdev_sim_mode vhost_mdev_sim_mode(void)
{
	return READ_ONCE(vhost_mdev_sim_mode_param);
}

u64 vhost_mdev_sim_poll_ns(void)
{
	return READ_ONCE(vhost_mdev_sim_poll.ns);
}

unsigned int vhost_mdev_sim_budget(void)
{
	return READ_ONCE(vhost_mdev_sim_batch);
}

u16 vhost_mdev_sim_queue_size(void)
{
	return READ_ONCE(vhost_mdev_sim_max_queue_size);
}

bool vhost_mdev_sim_delaying(void)
{
	return READ_ONCE(vhost_mdev_sim_latency.ns);
}

void vhost_mdev_sim_delay(void)
{
	unsigned long ns = READ_ONCE(vhost_mdev_sim_latency.ns);

	if (!ns)
		return;
	if (ns < 10 * NSEC_PER_USEC)
		ndelay(ns);
	else
		usleep_range(ns / NSEC_PER_USEC, ns / NSEC_PER_USEC + 5);
}

static struct vhost_mdev_sim_parent {
	struct class *class;
	struct device dev;
	struct vhost_mdev_parent parent;
} vhost_mdev_sim_parent;

static struct vhost_mdev_type vhost_mdev_sim_types[] = {
	{
		.mdev = {
			.sysfs_name = "net",
			.pretty_name = "virtio-net loopback",
		},
		.ops = &vhost_mdev_sim_net_ops,
		.consumer = VHOST_MDEV_CONSUMER_VFIO,
		.description = "virtio-net loopback (every TX frame back on RX), vqs RX 0 and TX 1, for a user driver: VFIO device fd with the vhost ioctls",
	},
	{
		.mdev = {
			.sysfs_name = "net-virtio",
			.pretty_name = "virtio-net loopback, kernel virtio driver",
		},
		.ops = &vhost_mdev_sim_net_ops,
		.consumer = VHOST_MDEV_CONSUMER_VIRTIO,
		.description = "virtio-net loopback, vqs RX 0 and TX 1, for the kernel's virtio_net (a network interface; no VFIO device, device_api notwithstanding)",
	},
	{
		.mdev = {
			.sysfs_name = "blk",
			.pretty_name = "virtio-blk RAM disk",
		},
		.ops = &vhost_mdev_sim_blk_ops,
		.consumer = VHOST_MDEV_CONSUMER_VFIO,
		.description = "virtio-blk RAM disk, one request vq, for a user driver: VFIO device fd with the vhost ioctls",
	},
	{
		.mdev = {
			.sysfs_name = "blk-virtio",
			.pretty_name = "virtio-blk RAM disk, kernel virtio driver",
		},
		.ops = &vhost_mdev_sim_blk_ops,
		.consumer = VHOST_MDEV_CONSUMER_VIRTIO,
		.description = "virtio-blk RAM disk, one request vq, for the kernel's virtio_blk (a /dev/vdX disk; no VFIO device, device_api notwithstanding)",
	},
	/* Offered only where the kernel has the vDPA bus (6.12). */
	{
		.mdev = {
			.sysfs_name = "net-vdpa",
			.pretty_name = "virtio-net loopback, vDPA",
		},
		.ops = &vhost_mdev_sim_net_ops,
		.consumer = VHOST_MDEV_CONSUMER_VDPA,
		.description = "virtio-net loopback, vqs RX 0 and TX 1, as a vDPA management device (vdpa dev add mgmtdev mdev/<uuid>) for vhost_vdpa or virtio_vdpa; no VFIO device",
	},
	{
		.mdev = {
			.sysfs_name = "blk-vdpa",
			.pretty_name = "virtio-blk RAM disk, vDPA",
		},
		.ops = &vhost_mdev_sim_blk_ops,
		.consumer = VHOST_MDEV_CONSUMER_VDPA,
		.description = "virtio-blk RAM disk, one request vq, as a vDPA management device (vdpa dev add mgmtdev mdev/<uuid>) for vhost_vdpa or virtio_vdpa; no VFIO device",
	},
};

static void vhost_mdev_sim_dev_release(struct device *dev)
{
}

static int __init vhost_mdev_sim_module_init(void)
{
	struct vhost_mdev_sim_parent *p = &vhost_mdev_sim_parent;
	int ret;

	vhost_mdev_sim_wq = alloc_workqueue(VHOST_MDEV_SIM_NAME,
					    WQ_UNBOUND, 0);
	if (!vhost_mdev_sim_wq)
		return -ENOMEM;

	p->class = vhost_mdev_class_create(VHOST_MDEV_SIM_NAME);
	if (IS_ERR(p->class)) {
		ret = PTR_ERR(p->class);
		goto err_wq;
	}
	p->dev.class = p->class;
	p->dev.release = vhost_mdev_sim_dev_release;
	dev_set_name(&p->dev, VHOST_MDEV_SIM_NAME);
	ret = device_register(&p->dev);
	if (ret)
		goto err_put;

	p->parent.owner = THIS_MODULE;
	p->parent.max_instances = vhost_mdev_sim_max_instances;
	ret = vhost_mdev_register_parent(&p->parent, &p->dev,
					 vhost_mdev_sim_types,
					 ARRAY_SIZE(vhost_mdev_sim_types));
	if (ret)
		goto err_device;
	return 0;

err_device:
	device_unregister(&p->dev);
	goto err_class;
err_put:
	put_device(&p->dev);
err_class:
	class_destroy(p->class);
err_wq:
	destroy_workqueue(vhost_mdev_sim_wq);
	return ret;
}

static void __exit vhost_mdev_sim_module_exit(void)
{
	struct vhost_mdev_sim_parent *p = &vhost_mdev_sim_parent;

	/*
	 * Removes the instances: an open VFIO one pins this module, so none
	 * is; a virtio one unbinds its driver first.
	 */
	vhost_mdev_unregister_parent(&p->parent);
	device_unregister(&p->dev);
	class_destroy(p->class);
	destroy_workqueue(vhost_mdev_sim_wq);
}

module_init(vhost_mdev_sim_module_init);
module_exit(vhost_mdev_sim_module_exit);
MODULE_DESCRIPTION("vhost-mdev simulator: virtio-net loopback and virtio-blk RAM disk");
MODULE_LICENSE("GPL");
