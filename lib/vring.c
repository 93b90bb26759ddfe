// SPDX-License-Identifier: GPL-2.0
/* Split virtqueue, driver side. See vring.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vring.h"

#define VHM_ALIGN(x, a)	(((x) + (a) - 1) & ~((size_t)(a) - 1))
/* The used ring on its own cache lines: the device writes it, we read. */
#define VHM_USED_ALIGN	4096

/*
 * Barriers, named after the kernel's:
 *  - smp_wmb: descriptors and ring entries visible before the index that
 *    publishes them (release);
 *  - smp_rmb: the used index read before the entries it covers (acquire);
 *  - smp_mb: our index store ordered before the load of the other side's
 *    flags or event index, or both sides may decide the other will act.
 */
static inline void vhm_smp_wmb(void) { __atomic_thread_fence(__ATOMIC_RELEASE); }
static inline void vhm_smp_rmb(void) { __atomic_thread_fence(__ATOMIC_ACQUIRE); }
static inline void vhm_smp_mb(void) { __atomic_thread_fence(__ATOMIC_SEQ_CST); }

/* Single-copy atomic 16-bit accesses to the shared ring indexes. */
static inline uint16_t vhm_read16(const uint16_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static inline void vhm_write16(uint16_t *p, uint16_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELAXED);
}

static size_t vhm_vring_avail_off(uint16_t num)
{
	return sizeof(struct vring_desc) * num;
}

static size_t vhm_vring_used_off(uint16_t num)
{
	/* flags, idx, ring[num], used_event */
	size_t avail_end = vhm_vring_avail_off(num) + 2 * (3 + (size_t)num);

	return VHM_ALIGN(avail_end, VHM_USED_ALIGN);
}

size_t vhm_vring_mem_size(uint16_t num)
{
	/* flags, idx, ring[num] of {id, len}, avail_event */
	size_t used_size = 6 + sizeof(struct vring_used_elem) * (size_t)num;

	return VHM_ALIGN(vhm_vring_used_off(num) + used_size, 4096);
}

int vhm_vring_init(struct vhm_vring *vr, uint16_t num, void *mem,
		   uint64_t iova, uint16_t base, bool event_idx)
{
	uint8_t *p = mem;

	memset(vr, 0, sizeof(*vr));
	if (!num || (num & (num - 1)))
		return -EINVAL;

	vr->next_free = calloc(num, sizeof(*vr->next_free));
	vr->slots = calloc(num, sizeof(*vr->slots));
	if (!vr->next_free || !vr->slots) {
		vhm_vring_free(vr);
		return -ENOMEM;
	}

	vr->num = num;
	vr->event_idx = event_idx;
	vr->desc = (struct vring_desc *)p;
	vr->avail = (struct vring_avail *)(p + vhm_vring_avail_off(num));
	vr->used = (struct vring_used *)(p + vhm_vring_used_off(num));
	vr->desc_iova = iova;
	vr->avail_iova = iova + vhm_vring_avail_off(num);
	vr->used_iova = iova + vhm_vring_used_off(num);
	vhm_vring_reset(vr, base);
	return 0;
}

void vhm_vring_reset(struct vhm_vring *vr, uint16_t base)
{
	memset(vr->desc, 0, vhm_vring_mem_size(vr->num));
	memset(vr->slots, 0, vr->num * sizeof(*vr->slots));
	for (uint16_t i = 0; i < vr->num; i++)
		vr->next_free[i] = (uint16_t)(i + 1);
	vr->free_head = 0;
	vr->num_free = vr->num;
	vr->cb_disabled = false;

	vr->avail_idx = base;
	vr->kicked_idx = base;
	vr->last_used = base;
	vr->avail->idx = base;
	vr->used->idx = base;
	/* Interrupt on the first used entry until told otherwise. */
	*vhm_vring_used_event(vr) = base;
}

void vhm_vring_free(struct vhm_vring *vr)
{
	free(vr->next_free);
	free(vr->slots);
	vr->next_free = NULL;
	vr->slots = NULL;
}

int vhm_vring_add(struct vhm_vring *vr, const struct vhm_sg *sg,
		  unsigned int out_n, unsigned int in_n, void *cookie)
{
	unsigned int total = out_n + in_n;
	uint16_t head = vr->free_head, i = head, last = head;

	if (!total || !cookie)
		return -EINVAL;
	if (total > vr->num_free)
		return -ENOSPC;

	/* The chain follows the free list, so its links are already there. */
	for (unsigned int n = 0; n < total; n++) {
		struct vring_desc *d = &vr->desc[i];

		d->addr = sg[n].iova;
		d->len = sg[n].len;
		d->flags = n >= out_n ? VRING_DESC_F_WRITE : 0;
		if (n + 1 < total) {
			d->flags |= VRING_DESC_F_NEXT;
			d->next = vr->next_free[i];
		} else {
			d->next = 0;
		}
		last = i;
		i = vr->next_free[i];
	}
	vr->free_head = i;
	vr->num_free -= total;
	vr->slots[head] = (struct vhm_vring_slot){
		.cookie = cookie, .ndesc = (uint16_t)total, .last = last,
	};

	vr->avail->ring[vr->avail_idx & (vr->num - 1)] = head;
	vr->avail_idx++;
	return head;
}

void vhm_vring_publish(struct vhm_vring *vr)
{
	/* smp_wmb: descriptors and avail entries before the new avail idx. */
	vhm_smp_wmb();
	vhm_write16(&vr->avail->idx, vr->avail_idx);
}

bool vhm_vring_kick_needed(struct vhm_vring *vr)
{
	uint16_t old = vr->kicked_idx, new_idx = vr->avail_idx;

	/*
	 * smp_mb: the avail idx store before reading the device's suppression
	 * state, pairing with the device's barrier between writing that state
	 * and re-reading avail idx.
	 */
	vhm_smp_mb();
	vr->kicked_idx = new_idx;
	if (vr->event_idx)
		return vhm_vring_need_event(vhm_read16(vhm_vring_avail_event(vr)),
					    new_idx, old);
	return !(vhm_read16(&vr->used->flags) & VRING_USED_F_NO_NOTIFY);
}

/*
 * A device that writes used->idx bytewise (vhost-mdev's VFIO path copies
 * with copy_to_user) can be seen half way through a store that carries
 * into the high byte: the value is then off by 256 or more, out of the
 * ring's range. Such a value is read again; the store completes within a
 * few instructions.
 */
#define VHM_USED_IDX_TRIES	100000

uint16_t vhm_vring_pending_used(const struct vhm_vring *vr)
{
	uint16_t pending;
	int i;

	for (i = 0; i < VHM_USED_IDX_TRIES; i++) {
		pending = (uint16_t)(vhm_read16(&vr->used->idx) - vr->last_used);
		if (pending <= vr->num)
			return pending;
	}
	return 0;	/* device bug: an index it can never have written */
}

/*
 * The used entry at last_used is consumed and head is a chain we queued:
 * give its descriptors back, and with EVENT_IDX ask for the next entry.
 */
static inline void *vhm_vring_retire(struct vhm_vring *vr, uint16_t head)
{
	struct vhm_vring_slot *s = &vr->slots[head];
	void *cookie = s->cookie;

	vr->next_free[s->last] = vr->free_head;
	vr->free_head = head;
	vr->num_free += s->ndesc;
	s->cookie = NULL;

	if (vr->event_idx && !vr->cb_disabled)
		/* Interrupts wanted: ask for the entry after this one. */
		vhm_write16(vhm_vring_used_event(vr), vr->last_used);
	return cookie;
}

void *vhm_vring_get_used(struct vhm_vring *vr, uint32_t *len)
{
	struct vring_used_elem *e;
	uint16_t head;

	if (!vhm_vring_pending_used(vr))
		return NULL;
	/* smp_rmb: the used idx before the entry it covers. */
	vhm_smp_rmb();

	e = &vr->used->ring[vr->last_used & (vr->num - 1)];
	head = (uint16_t)e->id;
	if (head >= vr->num || !vr->slots[head].cookie)
		return NULL;	/* device bug: not a chain we queued */
	if (len)
		*len = e->len;
	vr->last_used++;
	return vhm_vring_retire(vr, head);
}

bool vhm_vring_take_used(struct vhm_vring *vr, uint32_t *id, uint32_t *len)
{
	struct vring_used_elem *e;

	if (vhm_read16(&vr->used->idx) == vr->last_used)
		return false;
	/* smp_rmb: the used idx before the entry it covers. */
	vhm_smp_rmb();

	e = &vr->used->ring[vr->last_used & (vr->num - 1)];
	*id = e->id;
	*len = e->len;
	vr->last_used++;
	if (*id < vr->num && vr->slots[*id].cookie)
		vhm_vring_retire(vr, (uint16_t)*id);
	return true;
}

void vhm_vring_disable_cb(struct vhm_vring *vr)
{
	vr->cb_disabled = true;
	if (vr->event_idx)
		/* An event index far behind: the device will not reach it soon. */
		vhm_write16(vhm_vring_used_event(vr),
			    (uint16_t)(vr->last_used - 0x8000));
	else
		vhm_write16(&vr->avail->flags, VRING_AVAIL_F_NO_INTERRUPT);
}

bool vhm_vring_enable_cb(struct vhm_vring *vr)
{
	vr->cb_disabled = false;
	if (vr->event_idx)
		vhm_write16(vhm_vring_used_event(vr), vr->last_used);
	else
		vhm_write16(&vr->avail->flags, 0);
	/*
	 * smp_mb: the request for an interrupt before re-reading used idx; an
	 * entry written before the device saw the request raises none.
	 */
	vhm_smp_mb();
	return !vhm_vring_pending_used(vr);
}

uint16_t vhm_vring_used_idx(const struct vhm_vring *vr)
{
	return vhm_read16(&vr->used->idx);
}

uint16_t vhm_vring_used_flags(const struct vhm_vring *vr)
{
	return vhm_read16(&vr->used->flags);
}
