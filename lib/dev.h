/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A virtio-net device driven from userspace through one of several
 * backends, and the TX path the benchmarks measure.
 *
 * Backends differ only in the control path (how the device learns about
 * memory, rings and eventfds); the data path is the same split ring, kick
 * eventfd and call eventfd for all of them, so the same workload code
 * measures each one.
 */
#ifndef VHM_DEV_H
#define VHM_DEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mem.h"
#include "vfio.h"
#include "vring.h"

struct vhm_dev;

/* Control path of one kind of device. Every op returns 0 or -errno. */
struct vhm_backend_ops {
	const char *name;
	const char *summary;
	/* Open the device; set nvqs, vq_num_max, offered features, rx. */
	int (*open)(struct vhm_dev *d);
	/* Make d->mem reachable by the device at d->mem_iova. */
	int (*map)(struct vhm_dev *d);
	int (*set_features)(struct vhm_dev *d, uint64_t features);
	/* Ring size, addresses, base, kick/call eventfds of queue qi. */
	int (*setup_vq)(struct vhm_dev *d, unsigned int qi);
	int (*start)(struct vhm_dev *d);
	int (*stop)(struct vhm_dev *d);
	void (*close)(struct vhm_dev *d);
	/* Device-side next avail index of queue qi after stop (optional). */
	int (*vring_base)(struct vhm_dev *d, unsigned int qi, uint16_t *base);
	/* Map queue qi's doorbell page (optional; --doorbell). */
	volatile uint32_t *(*doorbell)(struct vhm_dev *d, unsigned int qi);
	/* Variants as "name@variant", NULL-terminated (optional). */
	const char *const *variants;
	/* Any "name@X" names device X: a row per device in one run. */
	bool variant_is_device;
};

extern const struct vhm_backend_ops vhm_backend_mdev;
extern const struct vhm_backend_ops vhm_backend_vhost_net;
extern const struct vhm_backend_ops vhm_backend_floor;
extern const struct vhm_backend_ops vhm_backend_vdpa;

/*
 * Look a backend up by name ("vhost-mdev", "vhost-net", "vhost-vdpa",
 * "floor"), with or without one of its variants ("vhost-mdev@kthread",
 * "vhost-vdpa@DEVICE").
 */
const struct vhm_backend_ops *vhm_backend_find(const char *name);
/* The variant part of a backend name, or NULL. */
const char *vhm_backend_variant(const char *name);

/* First vhost-mdev instance in sysfs: its UUID in uuid, or -ENODEV. */
int vhm_mdev_find(char *uuid, size_t size);

struct vhm_queue {
	unsigned int index;		/* virtqueue index on the device */
	struct vhm_vring vr;
	int kick_fd;
	int call_fd;
	bool started;
	/* The device's doorbell page for this vq (--doorbell), or NULL. */
	volatile uint32_t *doorbell;

	uint8_t *bufs;			/* one buffer per descriptor */
	uint64_t bufs_iova;
	uint32_t buf_size;

	/* Driver-side counts of the measured path. */
	uint64_t frames;		/* chains completed */
	uint64_t bytes;
	uint64_t kicks;			/* eventfd writes */
	uint64_t kicks_suppressed;	/* publishes the device asked us to skip */
	uint64_t interrupts;		/* call eventfd reads that woke us */
	uint64_t call_signals;		/* signals those reads covered (eventfds coalesce) */
	uint64_t polls;			/* empty used-ring checks while polling */
};

struct vhm_dev_opts {
	const char *backend;		/* backend name */
	const char *device;		/* mdev UUID (vhost-mdev) */
	const char *tap;		/* tap name (vhost-net), "" for a new one */
	const char *vdpa;		/* vdpa device (vhost-vdpa), "": the only one */
	unsigned int ring_size;
	unsigned int frame_len;		/* Ethernet frame bytes, no virtio header */
	uint16_t vring_base;		/* first ring index (tests the wrap) */
	bool busy_poll;			/* spin on the used ring, no call reads */
	bool no_event_idx;		/* refuse VIRTIO_RING_F_EVENT_IDX */
	bool doorbell;			/* ring the vq's doorbell page on publish */
	int peer_cpu;			/* floor responder CPU, -1: any */
};

struct vhm_dev {
	const struct vhm_backend_ops *ops;
	struct vhm_dev_opts opts;
	void *priv;			/* the backend's state */
	int fd;				/* vhost fd (device fd, /dev/vhost-net, -vdpa-N) */
	struct vhm_vfio vfio;

	uint32_t nvqs;
	uint16_t vq_num_max;
	uint64_t features_offered;
	uint64_t features;
	unsigned int hdr_len;		/* virtio-net header bytes */
	uint8_t mac[6];
	bool has_rx;			/* TX frames come back on RX (loopback) */
	bool shared_mem;		/* d->mem must be a shared mapping */

	/* All memory the device reaches: one region, bump-allocated. */
	struct vhm_mem mem;
	bool mapped;

	struct vhm_queue rx, tx;	/* queue 0 and 1 of virtio-net */
};

/*
 * Open, negotiate, lay out and start a device: after it returns 0 frames
 * can be sent. Prints the cause of any failure on stderr.
 */
int vhm_dev_open(struct vhm_dev *d, const struct vhm_dev_opts *opts);
void vhm_dev_close(struct vhm_dev *d);

/*
 * Queue up to n frames on TX, publish them and kick when the device asks.
 * Returns the number queued (0 when the ring is full).
 */
unsigned int vhm_tx_send(struct vhm_dev *d, unsigned int n);

/*
 * Consume TX completions and recycle RX buffers. With wait set and nothing
 * completed, block on the call eventfd (or spin on the used ring when
 * busy-polling) until something completes. Returns the number completed
 * or -errno.
 */
int vhm_tx_complete(struct vhm_dev *d, bool wait);

/* Frames in flight on TX. */
static inline unsigned int vhm_tx_inflight(const struct vhm_dev *d)
{
	return d->tx.vr.num - d->tx.vr.num_free;
}

/*
 * After stopping the device: count the call signals still pending on TX
 * (raised after the last wait), so call_signals matches the device's count.
 */
int vhm_dev_drain_calls(struct vhm_dev *d);

/* Reset the driver-side counters of both queues. */
void vhm_dev_reset_counters(struct vhm_dev *d);

#endif /* VHM_DEV_H */
