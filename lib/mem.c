// SPDX-License-Identifier: GPL-2.0
/* Driver memory at an IOVA. See mem.h. */
#include <errno.h>
#include <sys/mman.h>

#include "mem.h"

int vhm_mem_init(struct vhm_mem *m, size_t size, uint64_t iova)
{
	m->va = mmap(NULL, size, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m->va == MAP_FAILED) {
		m->va = NULL;
		return -errno;
	}
	m->iova = iova;
	m->size = size;
	m->used = 0;
	return 0;
}

void vhm_mem_free(struct vhm_mem *m)
{
	if (m->va)
		munmap(m->va, m->size);
	m->va = NULL;
}

void *vhm_mem_alloc(struct vhm_mem *m, size_t size, size_t align,
		    uint64_t *iova)
{
	size_t off = (m->used + align - 1) & ~(align - 1);

	if (off + size > m->size)
		return NULL;
	m->used = off + size;
	*iova = m->iova + off;
	return m->va + off;
}
