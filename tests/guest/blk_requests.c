// SPDX-License-Identifier: GPL-2.0
/*
 * The blk simulator from the user path (lib/blk.c over VFIO): good requests
 * read back what was written; bad ones (out of range, overflowing, partial
 * sectors, short or unknown headers, no status byte) get the documented
 * status and the device keeps serving requests afterwards.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "blk.h"
#include "mdev.h"

#define ARENA	(1u << 20)

FIXTURE(blk) {
	char uuid[VHM_UUID_LEN];
	struct vhm_blk b;
	uint8_t *buf;
};

FIXTURE_SETUP(blk)
{
	self->b.fd = -1;
	if (!vhm_sim_loaded(VHM_SIM_BLK))
		SKIP(return, "vhost_mdev_sim with the blk type is not loaded");
	ASSERT_EQ(vhm_mdev_create(VHM_SIM_BLK, self->uuid), 0);
	ASSERT_EQ(vhm_blk_open(&self->b, self->uuid, 0, ARENA), 0);
	self->buf = vhm_blk_alloc(&self->b, 64 * 1024, 4096);
	ASSERT_TRUE(self->buf != NULL);
	ASSERT_TRUE(vhm_mdev_exists(self->uuid));
}

FIXTURE_TEARDOWN(blk)
{
	if (self->b.fd >= 0)
		vhm_blk_close(&self->b);
	if (!self->uuid[0])
		return;
	EXPECT_EQ(vhm_mdev_remove(self->uuid), 0);
}

/* Queue one request, kick, wait for its completion: the status byte. */
static int blk_do(struct vhm_blk *b, uint32_t type, uint64_t sector,
		  void *buf, uint32_t len, uint32_t *used)
{
	uint8_t status = 0xee;
	int cookie;

	if (vhm_blk_queue(b, type, sector, buf, len, &cookie))
		return -1;
	vhm_blk_kick(b);
	if (vhm_blk_wait(b, 10000) != 1)
		return -2;
	if (vhm_blk_reap(b, &status, used) != &cookie)
		return -3;
	return status;
}

/* A raw chain: its status byte (0xff if the device wrote none). */
static int blk_raw(struct vhm_blk *b, const struct vhm_sg *sg,
		   unsigned int out_n, unsigned int in_n, uint32_t *used)
{
	struct vhm_blk_slot *s = vhm_blk_get_slot(b);
	uint8_t status = 0xee;

	if (!s || vhm_blk_queue_raw(b, s, sg, out_n, in_n))
		return -1;
	vhm_blk_kick(b);
	if (vhm_blk_wait(b, 10000) != 1)
		return -2;
	if (vhm_blk_reap(b, &status, used) != s)
		return -3;
	return status;
}

TEST_F(blk, write_read_flush_get_id)
{
	struct vhm_blk *b = &self->b;
	uint8_t *in = self->buf + 32 * 1024;
	uint32_t used = 0;
	unsigned int i;

	ASSERT_GT(b->capacity, 16);
	for (i = 0; i < 8192; i++)
		self->buf[i] = (uint8_t)(i * 7 + 3);
	EXPECT_EQ(blk_do(b, VIRTIO_BLK_T_OUT, 5, self->buf, 8192, &used),
		  VIRTIO_BLK_S_OK);
	EXPECT_EQ(used, 1);
	memset(in, 0, 8192);
	EXPECT_EQ(blk_do(b, VIRTIO_BLK_T_IN, 5, in, 8192, &used),
		  VIRTIO_BLK_S_OK);
	EXPECT_EQ(used, 8192 + 1);
	EXPECT_EQ(memcmp(in, self->buf, 8192), 0);
	/* Never written: zeroes. */
	memset(in, 0xaa, 512);
	EXPECT_EQ(blk_do(b, VIRTIO_BLK_T_IN, b->capacity - 1, in, 512, &used),
		  VIRTIO_BLK_S_OK);
	for (i = 0; i < 512; i++)
		if (in[i])
			break;
	EXPECT_EQ(i, 512);
	EXPECT_EQ(blk_do(b, VIRTIO_BLK_T_FLUSH, 0, NULL, 0, &used),
		  VIRTIO_BLK_S_OK);
	memset(in, 0, 32);
	EXPECT_EQ(blk_do(b, VIRTIO_BLK_T_GET_ID, 0, in, VIRTIO_BLK_ID_BYTES,
			 &used), VIRTIO_BLK_S_OK);
	EXPECT_EQ(strncmp((char *)in, "vhmsim-blk-", 11), 0);
	EXPECT_EQ(vhm_mdev_attr(self->uuid, "sim/writes"), 1);
	EXPECT_EQ(vhm_mdev_attr(self->uuid, "sim/reads"), 2);
	EXPECT_EQ(vhm_mdev_attr(self->uuid, "sim/write_bytes"), 8192);
	EXPECT_EQ(vhm_mdev_attr(self->uuid, "sim/read_bytes"), 8192 + 512);
	EXPECT_EQ(vhm_mdev_attr(self->uuid, "sim/flushes"), 1);
	EXPECT_EQ(vhm_mdev_attr(self->uuid, "sim/bad_requests"), 0);
	EXPECT_EQ(vhm_mdev_attr(self->uuid, "sim/errors"), 0);
}

TEST_F(blk, out_of_range_gets_ioerr)
{
	struct vhm_blk *b = &self->b;
	uint64_t cap = b->capacity;
	uint32_t used = 0;

	/* Starts at the end, crosses the end, wraps 64 bits, partial sector. */
	EXPECT_EQ(blk_do(b, VIRTIO_BLK_T_IN, cap, self->buf, 512, &used),
		  VIRTIO_BLK_S_IOERR);
	EXPECT_EQ(used, 1);
	EXPECT_EQ(blk_do(b, VIRTIO_BLK_T_OUT, cap - 1, self->buf, 1024, &used),
		  VIRTIO_BLK_S_IOERR);
	EXPECT_EQ(blk_do(b, VIRTIO_BLK_T_IN, UINT64_MAX, self->buf, 512, &used),
		  VIRTIO_BLK_S_IOERR);
	EXPECT_EQ(blk_do(b, VIRTIO_BLK_T_OUT, UINT64_MAX - 1, self->buf, 4096,
			 &used), VIRTIO_BLK_S_IOERR);
	EXPECT_EQ(blk_do(b, VIRTIO_BLK_T_IN, 0, self->buf, 100, &used),
		  VIRTIO_BLK_S_IOERR);
	EXPECT_EQ(vhm_mdev_attr(self->uuid, "sim/bad_requests"), 5);
	EXPECT_EQ(vhm_mdev_attr(self->uuid, "sim/reads"), 0);
	EXPECT_EQ(vhm_mdev_attr(self->uuid, "sim/writes"), 0);
	/* The last sectors themselves are fine, and the device still works. */
	EXPECT_EQ(blk_do(b, VIRTIO_BLK_T_OUT, cap - 2, self->buf, 1024, &used),
		  VIRTIO_BLK_S_OK);
	EXPECT_EQ(vhm_blk_state(b), 1);
	EXPECT_EQ(vhm_mdev_attr(self->uuid, "sim/errors"), 0);
}

TEST_F(blk, bad_headers)
{
	struct vhm_blk *b = &self->b;
	struct virtio_blk_outhdr *hdr = vhm_blk_alloc(b, sizeof(*hdr), 16);
	uint8_t *status = vhm_blk_alloc(b, 64, 1);
	uint8_t *data = self->buf;
	struct vhm_sg sg[4];
	uint32_t used = 0xdead;

	ASSERT_TRUE(hdr && status);
	/* A header of 8 bytes: IOERR. */
	hdr->type = VIRTIO_BLK_T_IN;
	hdr->sector = 0;
	sg[0] = (struct vhm_sg){ (uintptr_t)hdr, 8 };
	sg[1] = (struct vhm_sg){ (uintptr_t)status, 1 };
	*status = 0xff;
	EXPECT_EQ(blk_raw(b, sg, 1, 1, &used), 0xff);
	EXPECT_EQ(*status, VIRTIO_BLK_S_IOERR);
	EXPECT_EQ(used, 1);

	/* Unknown type, and discard (not offered): UNSUPP. */
	EXPECT_EQ(blk_do(b, 0x55, 0, NULL, 0, &used), VIRTIO_BLK_S_UNSUPP);
	EXPECT_EQ(blk_do(b, VIRTIO_BLK_T_DISCARD, 0, data, 16, &used),
		  VIRTIO_BLK_S_UNSUPP);
	EXPECT_EQ(vhm_mdev_attr(self->uuid, "sim/unsupported"), 2);

	/* OUT with device-writable data besides the status: IOERR. */
	hdr->type = VIRTIO_BLK_T_OUT;
	sg[0] = (struct vhm_sg){ (uintptr_t)hdr, sizeof(*hdr) };
	sg[1] = (struct vhm_sg){ (uintptr_t)data, 512 };
	sg[2] = (struct vhm_sg){ (uintptr_t)status, 1 };
	*status = 0xff;
	EXPECT_EQ(blk_raw(b, sg, 1, 2, &used), 0xff);
	EXPECT_EQ(*status, VIRTIO_BLK_S_IOERR);

	/* No status byte (nothing device-writable): completed, length 0. */
	hdr->type = VIRTIO_BLK_T_OUT;
	sg[1] = (struct vhm_sg){ (uintptr_t)data, 512 };
	EXPECT_EQ(blk_raw(b, sg, 2, 0, &used), 0xff);
	EXPECT_EQ(used, 0);
	EXPECT_EQ(vhm_mdev_attr(self->uuid, "sim/writes"), 0);

	/* A header split over two descriptors is fine. */
	hdr->type = VIRTIO_BLK_T_IN;
	hdr->sector = 3;
	sg[0] = (struct vhm_sg){ (uintptr_t)hdr, 4 };
	sg[1] = (struct vhm_sg){ (uintptr_t)hdr + 4, sizeof(*hdr) - 4 };
	sg[2] = (struct vhm_sg){ (uintptr_t)data, 1024 };
	sg[3] = (struct vhm_sg){ (uintptr_t)status, 1 };
	*status = 0xff;
	blk_raw(b, sg, 2, 2, &used);
	EXPECT_EQ(*status, VIRTIO_BLK_S_OK);
	EXPECT_EQ(used, 1025);

	EXPECT_EQ(vhm_mdev_attr(self->uuid, "sim/bad_requests"), 3);
	EXPECT_EQ(vhm_mdev_attr(self->uuid, "sim/errors"), 0);
	EXPECT_EQ(vhm_blk_state(b), 1);
	EXPECT_EQ(blk_do(b, VIRTIO_BLK_T_FLUSH, 0, NULL, 0, &used),
		  VIRTIO_BLK_S_OK);
}

TEST_HARNESS_MAIN
