/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The simulator's virtio-net loopback opened step by step, for tests and
 * stress tools: VFIO (vfio.h), one memory region mapped at VHM_NET_IOVA
 * (mem.h), RX and TX as hand-driven virtqueues (vq.h), features set
 * explicitly. The device is left STOPPED: starting it is the caller's.
 * Functions return 0 or -errno (errno set too).
 */
#ifndef VHM_NET_H
#define VHM_NET_H

#include <stddef.h>
#include <stdint.h>
#include <linux/virtio_config.h>
#include <linux/virtio_net.h>

#include "mdev.h"
#include "mem.h"
#include "vfio.h"
#include "vq.h"

#define VHM_NET_RX		0
#define VHM_NET_TX		1
#define VHM_NET_HDR_LEN		12	/* struct virtio_net_hdr_v1 */
#define VHM_NET_IOVA		0x100000ULL
/*
 * What tests negotiate, whatever the device offers: no EVENT_IDX, so
 * VRING_AVAIL_F_NO_INTERRUPT and VRING_USED_F_NO_NOTIFY are the rules.
 */
#define VHM_NET_FEATURES	((1ULL << VIRTIO_F_VERSION_1) | \
				 (1ULL << VIRTIO_NET_F_MAC) | \
				 (1ULL << VIRTIO_NET_F_STATUS))

struct vhm_net {
	char uuid[VHM_UUID_LEN];
	struct vhm_vfio vfio;		/* vfio.device: the vhost fd */
	struct vhm_mem mem;
	struct vhm_vq rx, tx;
};

/* A closed device: vhm_net_close() does nothing. */
void vhm_net_init(struct vhm_net *n);
/*
 * Open instance uuid, map mem_size bytes at VHM_NET_IOVA, set
 * VHM_NET_FEATURES and program rings of num buffers of buf_size bytes.
 */
int vhm_net_open(struct vhm_net *n, const char *uuid, unsigned int num,
		 size_t buf_size, size_t mem_size);
void vhm_net_close(struct vhm_net *n);

/* Post count RX buffers of the full buffer size, then kick RX. */
int vhm_net_fill_rx(struct vhm_net *n, unsigned int count);
/* Queue one frame (zeroed header + payload) on TX, without kicking. */
int vhm_net_queue(struct vhm_net *n, const void *frame, size_t len);

/* Test frame number i of len bytes: a pattern each frame has its own. */
void vhm_frame_fill(uint8_t *p, size_t len, unsigned int i);
/* The length of test frame i: varied, 60..1514 bytes. */
size_t vhm_frame_len(unsigned int i);

#endif /* VHM_NET_H */
