/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Driver memory for tests and tools: one anonymous region the device sees
 * at one IOVA once mapped, handed out by a bump allocator.
 */
#ifndef VHM_MEM_H
#define VHM_MEM_H

#include <stddef.h>
#include <stdint.h>

struct vhm_mem {
	uint8_t *va;
	uint64_t iova;
	size_t size;
	size_t used;
};

/* size bytes of zeroed memory whose device address will be iova. */
int vhm_mem_init(struct vhm_mem *m, size_t size, uint64_t iova);
void vhm_mem_free(struct vhm_mem *m);

/* size bytes at an align boundary (a power of 2), or NULL when full. */
void *vhm_mem_alloc(struct vhm_mem *m, size_t size, size_t align,
		    uint64_t *iova);

static inline uint64_t vhm_mem_iova(const struct vhm_mem *m, const void *p)
{
	return m->iova + (uint64_t)((const uint8_t *)p - m->va);
}

#endif /* VHM_MEM_H */
