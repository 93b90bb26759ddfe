// SPDX-License-Identifier: GPL-2.0
/*
 * Test helper: loaded with ifname=<a virtio_net interface on a net-virtio
 * instance>, it tries the device's DMA as the parent would and fails to
 * load (-EPERM) unless the device reaches what the virtio driver mapped
 * (its rings) and nothing else (a page the driver never mapped). It never
 * stays loaded: -EAGAIN when every check held.
 */
#include <linux/device.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <net/net_namespace.h>

#include "vhost_mdev.h"

static char *vhm_kdma_ifname;
module_param_named(ifname, vhm_kdma_ifname, charp, 0444);
MODULE_PARM_DESC(ifname, "virtio_net interface of the instance (default: none)");

static int vhm_kdma_expect(struct vhost_mdev_device *vmdev, const char *what,
			   u64 addr, int want)
{
	u8 buf[16];
	int ret = vhost_mdev_dma_read(vmdev, addr, buf, sizeof(buf));

	pr_info("vhm_kdma_probe: %s %#llx: %d (want %d)\n", what, addr, ret,
		want);
	return ret == want ? 0 : -EPERM;
}

static int vhm_kdma_probe_one(struct vhost_mdev_device *vmdev)
{
	struct vhost_mdev_vq *vq = &vmdev->vqs[0];
	struct page *page;
	int ret;

	if (!vq->addr_set)
		return -ENODEV;
	ret = vhm_kdma_expect(vmdev, "mapped ring", vq->desc, 0);
	page = alloc_page(GFP_KERNEL);
	if (!page)
		return -ENOMEM;
	ret = ret ?: vhm_kdma_expect(vmdev, "never mapped",
				     page_to_phys(page), -EFAULT);
	__free_page(page);
	return ret;
}

static int __init vhm_kdma_probe_init(void)
{
	struct net_device *ndev;
	struct device *vdev;
	int ret = -ENODEV;

	if (!vhm_kdma_ifname)
		return -EINVAL;
	ndev = dev_get_by_name(&init_net, vhm_kdma_ifname);
	if (!ndev)
		return -ENODEV;
	/* netdev -> virtio device -> mdev device, whose drvdata we set. */
	vdev = ndev->dev.parent;
	if (vdev && vdev->parent && vdev->parent->driver &&
	    !strcmp(vdev->parent->driver->name, "vhost_mdev"))
		ret = vhm_kdma_probe_one(vhost_mdev_from_dev(vdev->parent));
	dev_put(ndev);
	/* A probe, not a driver: never stay loaded. */
	return ret ?: -EAGAIN;
}

module_init(vhm_kdma_probe_init);
MODULE_DESCRIPTION("vhost-mdev test helper: virtio consumer DMA confinement");
MODULE_LICENSE("GPL");
