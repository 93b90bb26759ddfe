/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Driver side of a virtio split virtqueue: descriptor table, avail ring
 * (driver -> device) and used ring (device -> driver) in memory the device
 * reaches by IOVA. Indexes are free-running 16-bit counters; only the ring
 * slot is taken modulo the (power of 2) ring size.
 */
#ifndef VHM_VRING_H
#define VHM_VRING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/virtio_ring.h>

/* One buffer of a chain: device-readable (out) or device-writable (in). */
struct vhm_sg {
	uint64_t iova;
	uint32_t len;
};

struct vhm_vring {
	uint16_t num;			/* ring size, a power of 2 */
	bool event_idx;			/* VIRTIO_RING_F_EVENT_IDX negotiated */
	bool cb_disabled;		/* vhm_vring_disable_cb() in force */

	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	uint64_t desc_iova, avail_iova, used_iova;

	/* Driver-private state, never read back from shared memory. */
	uint16_t free_head;		/* first free descriptor */
	uint16_t num_free;
	uint16_t avail_idx;		/* next avail index to publish */
	uint16_t kicked_idx;		/* avail index at the last kick check */
	uint16_t last_used;		/* next used entry to consume */
	uint16_t *next_free;		/* free list links, one per descriptor */
	struct vhm_vring_slot {
		void *cookie;		/* caller's token, NULL when free */
		uint16_t ndesc;		/* descriptors in the chain */
		uint16_t last;		/* last descriptor of the chain */
	} *slots;
};

/* Bytes of shared memory a ring of num entries needs (all three parts). */
size_t vhm_vring_mem_size(uint16_t num);

/*
 * Lay the ring out in mem (vhm_vring_mem_size() bytes, 4 KiB aligned, zeroed
 * here) whose device address is iova. base is the first avail/used index
 * (the value given to VHOST_SET_VRING_BASE). 0 or -errno.
 */
int vhm_vring_init(struct vhm_vring *vr, uint16_t num, void *mem,
		   uint64_t iova, uint16_t base, bool event_idx);
void vhm_vring_free(struct vhm_vring *vr);

/*
 * Start the ring over at base, as after a device reset: shared memory
 * zeroed, every descriptor free, chains in flight forgotten.
 */
void vhm_vring_reset(struct vhm_vring *vr, uint16_t base);

/*
 * Chain out_n device-readable then in_n device-writable buffers under one
 * head and queue it (not yet visible to the device). Returns the head
 * descriptor index or -ENOSPC.
 */
int vhm_vring_add(struct vhm_vring *vr, const struct vhm_sg *sg,
		  unsigned int out_n, unsigned int in_n, void *cookie);

/* Make every queued chain visible to the device. */
void vhm_vring_publish(struct vhm_vring *vr);

/*
 * After vhm_vring_publish(): does the device want a kick for what was
 * published since the previous call? Honours VRING_USED_F_NO_NOTIFY or,
 * with EVENT_IDX, the device's avail_event.
 */
bool vhm_vring_kick_needed(struct vhm_vring *vr);

/* Used entries the device has written and the driver not consumed yet. */
uint16_t vhm_vring_pending_used(const struct vhm_vring *vr);
/* The used index and flags as the device last wrote them (diagnostics). */
uint16_t vhm_vring_used_idx(const struct vhm_vring *vr);
uint16_t vhm_vring_used_flags(const struct vhm_vring *vr);

/*
 * Consume one used entry: returns its cookie (and the written length in
 * *len when len is not NULL) and frees its descriptors, or NULL when the
 * used ring holds nothing new.
 */
void *vhm_vring_get_used(struct vhm_vring *vr, uint32_t *len);

/*
 * Raw access for tests that check the device: consume the next used entry
 * as the device wrote it, its id and len even when the id is no chain we
 * queued (then nothing is freed). false when the used index has not moved.
 */
bool vhm_vring_take_used(struct vhm_vring *vr, uint32_t *id, uint32_t *len);

/* Ask the device not to interrupt (a hint: it may still do). */
void vhm_vring_disable_cb(struct vhm_vring *vr);
/*
 * Ask for an interrupt on the next used entry. Returns false when entries
 * arrived meanwhile (consume them instead of sleeping).
 */
bool vhm_vring_enable_cb(struct vhm_vring *vr);

/*
 * The EVENT_IDX rule (virtio 1.x 2.7.10): notify when event lies in
 * [old, new), that is when the other side asked to hear about an index
 * this batch crossed. All arithmetic modulo 2^16.
 */
static inline bool vhm_vring_need_event(uint16_t event, uint16_t new_idx,
					uint16_t old_idx)
{
	return (uint16_t)(new_idx - event - 1) < (uint16_t)(new_idx - old_idx);
}

/* Location of used_event (end of avail) and avail_event (end of used). */
static inline uint16_t *vhm_vring_used_event(struct vhm_vring *vr)
{
	return &vr->avail->ring[vr->num];
}

static inline uint16_t *vhm_vring_avail_event(struct vhm_vring *vr)
{
	return (uint16_t *)&vr->used->ring[vr->num];
}

#endif /* VHM_VRING_H */
