// SPDX-License-Identifier: GPL-2.0
/* Split virtqueue driver logic: index wrap, chaining, EVENT_IDX rule. */
#include <stdlib.h>

#include "harness.h"
#include "vring.h"

static void *ring_mem(uint16_t num)
{
	void *p = aligned_alloc(4096, vhm_vring_mem_size(num));

	memset(p, 0xa5, vhm_vring_mem_size(num));
	return p;
}

/* Play the device: complete the next avail entry with len. */
static void device_complete(struct vhm_vring *vr, uint16_t *dev_last, uint32_t len)
{
	uint16_t head = vr->avail->ring[*dev_last & (vr->num - 1)];
	struct vring_used_elem *e = &vr->used->ring[vr->used->idx & (vr->num - 1)];

	e->id = head;
	e->len = len;
	vr->used->idx++;
	(*dev_last)++;
}

TEST(need_event_rule)
{
	/* event in [old, new): notify */
	EXPECT_TRUE(vhm_vring_need_event(5, 6, 5));
	EXPECT_TRUE(vhm_vring_need_event(5, 10, 0));
	EXPECT_FALSE(vhm_vring_need_event(10, 10, 5));
	EXPECT_FALSE(vhm_vring_need_event(4, 10, 5));
	/* across the 16-bit wrap */
	EXPECT_TRUE(vhm_vring_need_event(65535, 2, 65534));
	EXPECT_TRUE(vhm_vring_need_event(0, 1, 65535));
	EXPECT_FALSE(vhm_vring_need_event(1, 1, 65535));
	EXPECT_FALSE(vhm_vring_need_event(65533, 2, 65534));
	/* nothing published: never */
	EXPECT_FALSE(vhm_vring_need_event(7, 7, 7));
}

TEST(chain_links_and_flags)
{
	struct vhm_vring vr;
	void *mem = ring_mem(8);
	struct vhm_sg sg[3] = { { 0x1000, 10 }, { 0x2000, 20 }, { 0x3000, 30 } };
	int head, i;

	ASSERT_EQ(vhm_vring_init(&vr, 8, mem, 0x10000, 0, false), 0);
	head = vhm_vring_add(&vr, sg, 2, 1, (void *)1);
	ASSERT_EQ(head, 0);
	EXPECT_EQ(vr.num_free, 5u);
	i = head;
	EXPECT_EQ(vr.desc[i].addr, 0x1000u);
	EXPECT_EQ(vr.desc[i].flags, VRING_DESC_F_NEXT);
	i = vr.desc[i].next;
	EXPECT_EQ(vr.desc[i].addr, 0x2000u);
	EXPECT_EQ(vr.desc[i].flags, VRING_DESC_F_NEXT);
	i = vr.desc[i].next;
	EXPECT_EQ(vr.desc[i].addr, 0x3000u);
	EXPECT_EQ(vr.desc[i].len, 30u);
	EXPECT_EQ(vr.desc[i].flags, VRING_DESC_F_WRITE);
	/* not visible before publish */
	EXPECT_EQ(vr.avail->idx, 0u);
	vhm_vring_publish(&vr);
	EXPECT_EQ(vr.avail->idx, 1u);
	EXPECT_EQ(vr.avail->ring[0], 0u);
	/* too long for what is left */
	struct vhm_sg many[6] = { 0 };
	EXPECT_EQ(vhm_vring_add(&vr, many, 6, 0, (void *)2), -ENOSPC);
	vhm_vring_free(&vr);
	free(mem);
}

TEST(index_wrap_and_free_list)
{
	struct vhm_vring vr;
	void *mem = ring_mem(4);
	uint16_t dev_last = 65530;
	struct vhm_sg sg = { 0x1000, 64 };
	uint32_t len;

	ASSERT_EQ(vhm_vring_init(&vr, 4, mem, 0, 65530, false), 0);
	EXPECT_EQ(vr.avail->idx, 65530u);
	/* 40 rounds of 1..3 chains (79 in all): crosses 65535 -> 0 */
	for (int round = 0; round < 40; round++) {
		int n = 1 + round % 3;

		for (int i = 0; i < n; i++)
			ASSERT_GE(vhm_vring_add(&vr, &sg, 1, 0, (void *)(uintptr_t)(100 + i)), 0);
		vhm_vring_publish(&vr);
		EXPECT_EQ(vhm_vring_pending_used(&vr), 0u);
		for (int i = 0; i < n; i++)
			device_complete(&vr, &dev_last, 7);
		EXPECT_EQ(vhm_vring_pending_used(&vr), n);
		for (int i = 0; i < n; i++) {
			void *c = vhm_vring_get_used(&vr, &len);

			ASSERT_EQ((uintptr_t)c, (uintptr_t)(100 + i));
			EXPECT_EQ(len, 7u);
		}
		EXPECT_EQ(vhm_vring_get_used(&vr, NULL), NULL);
		EXPECT_EQ(vr.num_free, 4u);
	}
	EXPECT_EQ(vr.avail_idx, (uint16_t)(65530 + 79));
	EXPECT_EQ(vr.last_used, vr.avail_idx);
	vhm_vring_free(&vr);
	free(mem);
}

TEST(kick_suppression_flags)
{
	struct vhm_vring vr;
	void *mem = ring_mem(8);
	struct vhm_sg sg = { 0x1000, 64 };

	ASSERT_EQ(vhm_vring_init(&vr, 8, mem, 0, 0, false), 0);
	vhm_vring_add(&vr, &sg, 1, 0, (void *)1);
	vhm_vring_publish(&vr);
	EXPECT_TRUE(vhm_vring_kick_needed(&vr));
	vr.used->flags = VRING_USED_F_NO_NOTIFY;
	vhm_vring_add(&vr, &sg, 1, 0, (void *)1);
	vhm_vring_publish(&vr);
	EXPECT_FALSE(vhm_vring_kick_needed(&vr));
	vhm_vring_disable_cb(&vr);
	EXPECT_EQ(vr.avail->flags, VRING_AVAIL_F_NO_INTERRUPT);
	EXPECT_TRUE(vhm_vring_enable_cb(&vr));
	EXPECT_EQ(vr.avail->flags, 0u);
	vhm_vring_free(&vr);
	free(mem);
}

TEST(event_idx_kick_and_interrupt)
{
	struct vhm_vring vr;
	void *mem = ring_mem(8);
	struct vhm_sg sg = { 0x1000, 64 };
	uint16_t dev_last = 65534;

	ASSERT_EQ(vhm_vring_init(&vr, 8, mem, 0, 65534, true), 0);
	/* the device wants a kick when avail reaches 65535 (crosses it) */
	*vhm_vring_avail_event(&vr) = 65534;
	vhm_vring_add(&vr, &sg, 1, 0, (void *)1);
	vhm_vring_publish(&vr);
	EXPECT_TRUE(vhm_vring_kick_needed(&vr));
	/* avail_event stays behind: the device is still busy, no kick */
	vhm_vring_add(&vr, &sg, 1, 0, (void *)1);
	vhm_vring_add(&vr, &sg, 1, 0, (void *)1);
	vhm_vring_publish(&vr);
	EXPECT_FALSE(vhm_vring_kick_needed(&vr));
	/* the device asks for index 1 (past the wrap): this batch crosses it */
	*vhm_vring_avail_event(&vr) = 1;
	vhm_vring_add(&vr, &sg, 1, 0, (void *)1);
	vhm_vring_publish(&vr);
	EXPECT_TRUE(vhm_vring_kick_needed(&vr));

	/* interrupts: used_event follows consumption while enabled */
	EXPECT_TRUE(vhm_vring_enable_cb(&vr));
	EXPECT_EQ(*vhm_vring_used_event(&vr), 65534u);
	device_complete(&vr, &dev_last, 0);
	device_complete(&vr, &dev_last, 0);
	EXPECT_FALSE(vhm_vring_enable_cb(&vr));	/* entries arrived */
	vhm_vring_get_used(&vr, NULL);
	vhm_vring_get_used(&vr, NULL);
	EXPECT_EQ(*vhm_vring_used_event(&vr), 0u);
	vhm_vring_disable_cb(&vr);
	EXPECT_EQ(*vhm_vring_used_event(&vr), (uint16_t)(0 - 0x8000));
	vhm_vring_free(&vr);
	free(mem);
}

TEST(layout_alignment)
{
	struct vhm_vring vr;
	void *mem = ring_mem(256);

	ASSERT_EQ(vhm_vring_init(&vr, 256, mem, 0x100000, 0, false), 0);
	EXPECT_EQ(vr.avail_iova - vr.desc_iova, 256u * 16);
	EXPECT_EQ(vr.used_iova % 4096, 0u);
	EXPECT_LE((uint8_t *)vhm_vring_avail_event(&vr) + 2,
		  (uint8_t *)mem + vhm_vring_mem_size(256));
	EXPECT_EQ(vhm_vring_init(&vr, 6, mem, 0, 0, false), -EINVAL);
	free(mem);
}

/* A ring started over: every descriptor free, indexes at the new base. */
TEST(reset_frees_everything)
{
	struct vhm_vring vr;
	void *mem = ring_mem(8);
	struct vhm_sg sg = { 0x1000, 64 };
	uint16_t dev_last = 0;

	ASSERT_EQ(vhm_vring_init(&vr, 8, mem, 0x10000, 0, false), 0);
	for (int i = 0; i < 5; i++)
		ASSERT_GE(vhm_vring_add(&vr, &sg, 1, 0, (void *)1), 0);
	vhm_vring_publish(&vr);
	device_complete(&vr, &dev_last, 0);
	ASSERT_TRUE(vhm_vring_get_used(&vr, NULL) != NULL);

	vhm_vring_reset(&vr, 65534);
	EXPECT_EQ(vr.num_free, 8u);
	EXPECT_EQ(vr.free_head, 0u);
	EXPECT_EQ(vr.avail_idx, 65534u);
	EXPECT_EQ(vr.last_used, 65534u);
	EXPECT_EQ(vr.avail->idx, 65534u);
	EXPECT_EQ(vr.used->idx, 65534u);
	EXPECT_EQ(vr.desc[0].addr, 0u);
	EXPECT_EQ(vhm_vring_pending_used(&vr), 0u);
	/* The whole ring again, across the wrap. */
	for (int i = 0; i < 8; i++)
		ASSERT_EQ(vhm_vring_add(&vr, &sg, 1, 0, (void *)1), i);
	EXPECT_EQ(vhm_vring_add(&vr, &sg, 1, 0, (void *)1), -ENOSPC);
	vhm_vring_free(&vr);
	free(mem);
}

/* Raw consumption: ids the driver never queued come back as written. */
TEST(take_used_reports_bad_ids)
{
	struct vhm_vring vr;
	void *mem = ring_mem(8);
	struct vhm_sg sg = { 0x1000, 64 };
	uint16_t dev_last = 0;
	uint32_t id, len;

	ASSERT_EQ(vhm_vring_init(&vr, 8, mem, 0x10000, 0, false), 0);
	EXPECT_FALSE(vhm_vring_take_used(&vr, &id, &len));
	ASSERT_EQ(vhm_vring_add(&vr, &sg, 1, 0, (void *)1), 0);
	vhm_vring_publish(&vr);
	device_complete(&vr, &dev_last, 42);
	ASSERT_TRUE(vhm_vring_take_used(&vr, &id, &len));
	EXPECT_EQ(id, 0u);
	EXPECT_EQ(len, 42u);
	EXPECT_EQ(vr.num_free, 8u);

	/* A used entry for descriptor 3 (free) and one past the ring. */
	vr.used->ring[1] = (struct vring_used_elem){ .id = 3, .len = 7 };
	vr.used->ring[2] = (struct vring_used_elem){ .id = 100, .len = 9 };
	vr.used->idx = 3;
	ASSERT_TRUE(vhm_vring_take_used(&vr, &id, &len));
	EXPECT_EQ(id, 3u);
	EXPECT_EQ(len, 7u);
	ASSERT_TRUE(vhm_vring_take_used(&vr, &id, &len));
	EXPECT_EQ(id, 100u);
	EXPECT_EQ(len, 9u);
	EXPECT_FALSE(vhm_vring_take_used(&vr, &id, &len));
	/* Nothing was freed twice. */
	EXPECT_EQ(vr.num_free, 8u);
	vhm_vring_free(&vr);
	free(mem);
}

TEST_HARNESS_MAIN
