// SPDX-License-Identifier: GPL-2.0
/*
 * vhost-net backend: the in-kernel peer. /dev/vhost-net with a tap device as
 * its socket; the memory table maps the process's buffer region, so ring
 * addresses are process addresses and descriptors carry "guest physical"
 * addresses equal to the same IOVAs the vhost-mdev backend uses. Only the
 * TX queue is set up: frames leave through the tap (up, with no address,
 * so the stack drops them) and the measured path is TX completion.
 *
 * The tap carries the virtio-net header (IFF_VNET_HDR), as with QEMU's
 * default vnet_hdr=on: vhost passes the driver's header to the socket. With
 * VHOST_NET_F_VIRTIO_NET_HDR instead (vhost strips the header, the socket
 * gets none), 6.1's vhost_net_build_xdp() parses a header it never wrote
 * (fixed upstream by f6baca2d32ea, "vhost: Added pad cleanup if vnet_hdr is
 * not present", v6.9, not in 6.1): on a kernel that does not zero new pages
 * (init_on_alloc off, as on the debug kernel) stale bytes read as
 * NEEDS_CSUM, the frame fails with EINVAL and vhost retries it forever.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/if_tun.h>
#include <linux/vhost.h>
#include <linux/virtio_config.h>
#include <linux/virtio_net.h>

#include "dev.h"
#include "vhost.h"

struct vhm_vhost_net {
	int tap_fd;
	char tap_name[IFNAMSIZ];
};

static int vhm_tap_up(const char *name)
{
	struct ifreq ifr = { 0 };
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), err = 0;

	if (s < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(s, SIOCGIFFLAGS, &ifr))
		err = -errno;
	ifr.ifr_flags |= IFF_UP;
	if (!err && ioctl(s, SIOCSIFFLAGS, &ifr))
		err = -errno;
	close(s);
	return err;
}

static int vhm_tap_open(struct vhm_vhost_net *vn, const char *name)
{
	struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR };
	int err;

	vn->tap_fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (vn->tap_fd < 0) {
		err = -errno;
		fprintf(stderr, "vhost-net: failed to open /dev/net/tun: %s "
			"(modprobe tun)\n", strerror(-err));
		return err;
	}
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s",
		 name && name[0] ? name : "vhmtap%d");
	if (ioctl(vn->tap_fd, TUNSETIFF, &ifr)) {
		err = -errno;
		fprintf(stderr, "vhost-net: failed to create tap %s: %s\n",
			ifr.ifr_name, strerror(-err));
		return err;
	}
	snprintf(vn->tap_name, sizeof(vn->tap_name), "%s", ifr.ifr_name);
	err = vhm_tap_up(vn->tap_name);
	if (err)
		fprintf(stderr, "vhost-net: failed to bring %s up: %s\n",
			vn->tap_name, strerror(-err));
	return err;
}

static int vhm_vhost_net_open(struct vhm_dev *d)
{
	struct vhm_vhost_net *vn = calloc(1, sizeof(*vn));
	int err;

	if (!vn)
		return -ENOMEM;
	vn->tap_fd = -1;
	d->priv = vn;

	d->fd = open("/dev/vhost-net", O_RDWR | O_CLOEXEC);
	if (d->fd < 0) {
		err = -errno;
		fprintf(stderr, "vhost-net: failed to open /dev/vhost-net: %s "
			"(modprobe vhost_net)\n", strerror(-err));
		return err;
	}
	err = vhm_vhost_ioctl(d, VHOST_SET_OWNER, NULL, "VHOST_SET_OWNER") ?:
	      vhm_vhost_ioctl(d, VHOST_GET_FEATURES, &d->features_offered,
			      "VHOST_GET_FEATURES");
	if (err)
		return err;
	d->nvqs = 2;
	d->vq_num_max = 32768;
	d->has_rx = false;
	/* A locally administered MAC: the tap drops nothing by address. */
	memcpy(d->mac, (uint8_t[6]){ 0x02, 0x76, 0x68, 0x6d, 0x00, 0x02 }, 6);
	return vhm_tap_open(vn, d->opts.tap);
}

static int vhm_vhost_net_map(struct vhm_dev *d)
{
	struct vhost_memory *mem = calloc(1, sizeof(*mem) + sizeof(mem->regions[0]));
	int err;

	if (!mem)
		return -ENOMEM;
	mem->nregions = 1;
	mem->regions[0] = (struct vhost_memory_region){
		.guest_phys_addr = d->mem.iova,
		.memory_size = d->mem.size,
		.userspace_addr = (uintptr_t)d->mem.va,
	};
	err = vhm_vhost_ioctl(d, VHOST_SET_MEM_TABLE, mem, "VHOST_SET_MEM_TABLE");
	free(mem);
	return err;
}

static int vhm_vhost_net_set_features(struct vhm_dev *d, uint64_t features)
{
	struct vhm_vhost_net *vn = d->priv;
	/* The header vhost passes to the tap: its size follows the features. */
	int hdr_len = (features & (1ull << VIRTIO_F_VERSION_1)) ?
		      (int)sizeof(struct virtio_net_hdr_mrg_rxbuf) :
		      (int)sizeof(struct virtio_net_hdr);

	if (ioctl(vn->tap_fd, TUNSETVNETHDRSZ, &hdr_len)) {
		int err = errno;

		fprintf(stderr, "vhost-net: TUNSETVNETHDRSZ %d failed: %s\n",
			hdr_len, strerror(err));
		return -err;
	}
	return vhm_vhost_ioctl(d, VHOST_SET_FEATURES, &features, "VHOST_SET_FEATURES");
}

/* vhost takes the rings at process addresses, unlike a device. */
static int vhm_vhost_net_setup_vq(struct vhm_dev *d, unsigned int qi)
{
	return vhm_vhost_setup_vq(d, qi, true);
}

static int vhm_vhost_net_backend(struct vhm_dev *d, int fd)
{
	struct vhost_vring_file be = { .index = d->tx.index, .fd = fd };

	return vhm_vhost_ioctl(d, VHOST_NET_SET_BACKEND, &be, "VHOST_NET_SET_BACKEND");
}

static int vhm_vhost_net_start(struct vhm_dev *d)
{
	struct vhm_vhost_net *vn = d->priv;

	return vhm_vhost_net_backend(d, vn->tap_fd);
}

static int vhm_vhost_net_stop(struct vhm_dev *d)
{
	return vhm_vhost_net_backend(d, -1);
}

static void vhm_vhost_net_close(struct vhm_dev *d)
{
	struct vhm_vhost_net *vn = d->priv;

	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
	if (vn && vn->tap_fd >= 0)
		close(vn->tap_fd);
	free(vn);
	d->priv = NULL;
}

const struct vhm_backend_ops vhm_backend_vhost_net = {
	.name = "vhost-net",
	.summary = "in-kernel vhost-net with a tap backend (TX completion)",
	.open = vhm_vhost_net_open,
	.map = vhm_vhost_net_map,
	.set_features = vhm_vhost_net_set_features,
	.setup_vq = vhm_vhost_net_setup_vq,
	.start = vhm_vhost_net_start,
	.stop = vhm_vhost_net_stop,
	.close = vhm_vhost_net_close,
	.vring_base = vhm_vhost_vring_base,
};
