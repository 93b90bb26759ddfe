// SPDX-License-Identifier: GPL-2.0
/*
 * fio external ioengine "vhost-mdev-blk": fio drives the blk simulator from
 * userspace through vhost-mdev (VFIO DMA, lib/blk.c), so the same job file
 * runs on this path and on the kernel's virtio_blk.
 *
 *   ioengine=external:.output/fio/vhm-fio-engine.so
 *   filename=<UUID of a vhost_mdev_sim-blk instance>
 *
 * fio's I/O buffers are allocated here (iomem_alloc) and identity-mapped
 * into the device's VFIO container, so each request is one header, one
 * data and one status descriptor. Requests are queued on the ring by
 * queue(), published with one kick by commit(), reaped by getevents()
 * which sleeps on the call eventfd when it must wait.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "fio.h"
#include "optgroup.h"

#include "blk.h"

struct vhm_fio_options {
	void *pad;			/* fio wants the first member a pointer */
	unsigned int ring_size;
};

struct vhm_fio {
	struct vhm_blk b;
	bool open;
	struct io_u **events;		/* reaped, handed out by event() */
	unsigned int nevents;
	struct io_u **queued;		/* queued since the last commit */
	unsigned int nqueued;
	void *mem;			/* fio's buffers, mapped for the device */
	size_t mem_size;
};

static struct fio_option vhm_fio_options[] = {
	{
		.name	= "vhm_ring_size",
		.lname	= "vhost-mdev ring size",
		.type	= FIO_OPT_INT,
		.off1	= offsetof(struct vhm_fio_options, ring_size),
		.help	= "Request ring size, a power of 2 (0: the device's, at most 256)",
		.def	= "0",
		.category = FIO_OPT_C_ENGINE,
		.group	= FIO_OPT_G_INVALID,
	},
	{
		.name	= NULL,
	},
};

static int vhm_fio_init(struct thread_data *td)
{
	struct vhm_fio_options *o = td->eo;
	struct vhm_fio *v;
	const char *uuid;
	int err;

	if (td->o.nr_files != 1 || !td->files || !td->files[0]) {
		log_err("vhost-mdev-blk: one filename, the mdev UUID\n");
		return 1;
	}
	uuid = td->files[0]->file_name;
	v = calloc(1, sizeof(*v));
	if (!v)
		return 1;
	v->events = calloc(td->o.iodepth, sizeof(*v->events));
	v->queued = calloc(td->o.iodepth, sizeof(*v->queued));
	if (!v->events || !v->queued)
		goto err;
	err = vhm_blk_open(&v->b, uuid, o->ring_size, 0);
	if (err) {
		log_err("vhost-mdev-blk: cannot open %s: %s\n", uuid,
			strerror(-err));
		goto err;
	}
	v->open = true;
	/* Three descriptors per request. */
	if (td->o.iodepth * 3 > v->b.num) {
		log_err("vhost-mdev-blk: iodepth %u needs a ring of %u, the "
			"ring has %u\n", td->o.iodepth, td->o.iodepth * 3,
			v->b.num);
		goto err;
	}
	td->io_ops_data = v;
	return 0;

err:
	if (v->open)
		vhm_blk_close(&v->b);
	free(v->events);
	free(v->queued);
	free(v);
	return 1;
}

static void vhm_fio_cleanup(struct thread_data *td)
{
	struct vhm_fio *v = td->io_ops_data;

	if (!v)
		return;
	if (v->open)
		vhm_blk_close(&v->b);
	free(v->events);
	free(v->queued);
	free(v);
	td->io_ops_data = NULL;
}

static int vhm_fio_iomem_alloc(struct thread_data *td, size_t size)
{
	struct vhm_fio *v = td->io_ops_data;
	size_t page = 4096;

	v->mem_size = (size + page - 1) & ~(page - 1);
	v->mem = mmap(NULL, v->mem_size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (v->mem == MAP_FAILED) {
		v->mem = NULL;
		return 1;
	}
	if (vhm_blk_map(&v->b, v->mem, v->mem_size)) {
		munmap(v->mem, v->mem_size);
		v->mem = NULL;
		return 1;
	}
	td->orig_buffer = v->mem;
	return 0;
}

static void vhm_fio_iomem_free(struct thread_data *td)
{
	struct vhm_fio *v = td->io_ops_data;

	if (!v || !v->mem)
		return;
	vhm_blk_unmap(&v->b, v->mem, v->mem_size);
	munmap(v->mem, v->mem_size);
	v->mem = NULL;
}

static int vhm_fio_get_file_size(struct thread_data *td, struct fio_file *f)
{
	struct vhm_fio *v = td->io_ops_data;

	if (!v)
		return 0;
	f->real_file_size = v->b.capacity * VHM_BLK_SECTOR;
	fio_file_set_size_known(f);
	return 0;
}

static int vhm_fio_open_file(struct thread_data *td, struct fio_file *f)
{
	return 0;
}

static int vhm_fio_close_file(struct thread_data *td, struct fio_file *f)
{
	return 0;
}

static enum fio_q_status vhm_fio_queue(struct thread_data *td,
				       struct io_u *io_u)
{
	struct vhm_fio *v = td->io_ops_data;
	uint32_t type;
	int err;

	fio_ro_check(td, io_u);
	switch (io_u->ddir) {
	case DDIR_READ:
		type = VIRTIO_BLK_T_IN;
		break;
	case DDIR_WRITE:
		type = VIRTIO_BLK_T_OUT;
		break;
	case DDIR_SYNC:
	case DDIR_DATASYNC:
		type = VIRTIO_BLK_T_FLUSH;
		break;
	default:
		io_u->error = EOPNOTSUPP;
		return FIO_Q_COMPLETED;
	}
	if ((io_u->offset | io_u->xfer_buflen) % VHM_BLK_SECTOR) {
		io_u->error = EINVAL;
		return FIO_Q_COMPLETED;
	}
	if (v->nqueued >= td->o.iodepth)
		return FIO_Q_BUSY;
	err = vhm_blk_queue(&v->b, type, io_u->offset / VHM_BLK_SECTOR,
			    type == VIRTIO_BLK_T_FLUSH ? NULL : io_u->xfer_buf,
			    type == VIRTIO_BLK_T_FLUSH ? 0 : io_u->xfer_buflen,
			    io_u);
	if (err)
		return FIO_Q_BUSY;
	v->queued[v->nqueued++] = io_u;
	return FIO_Q_QUEUED;
}

static int vhm_fio_commit(struct thread_data *td)
{
	struct vhm_fio *v = td->io_ops_data;
	struct timespec now;
	unsigned int i;

	if (!v->nqueued)
		return 0;
	if (fio_fill_issue_time(td)) {
		fio_gettime(&now, NULL);
		for (i = 0; i < v->nqueued; i++) {
			memcpy(&v->queued[i]->issue_time, &now, sizeof(now));
			io_u_queued(td, v->queued[i]);
		}
	}
	v->nqueued = 0;
	vhm_blk_kick(&v->b);
	return 0;
}

static void vhm_fio_complete(struct io_u *io_u, uint8_t status, uint32_t used)
{
	switch (status) {
	case VIRTIO_BLK_S_OK:
		io_u->resid = 0;
		if (io_u->ddir == DDIR_READ && used != io_u->xfer_buflen + 1)
			io_u->error = EIO;
		break;
	case VIRTIO_BLK_S_UNSUPP:
		io_u->error = EOPNOTSUPP;
		break;
	default:
		io_u->error = EIO;
		break;
	}
}

static int vhm_fio_getevents(struct thread_data *td, unsigned int min,
			     unsigned int max, const struct timespec *t)
{
	struct vhm_fio *v = td->io_ops_data;
	int timeout = t ? (int)(t->tv_sec * 1000 + t->tv_nsec / 1000000) : -1;

	v->nevents = 0;
	for (;;) {
		struct io_u *io_u;
		uint8_t status;
		uint32_t used;
		int ret;

		while (v->nevents < max &&
		       (io_u = vhm_blk_reap(&v->b, &status, &used))) {
			vhm_fio_complete(io_u, status, used);
			v->events[v->nevents++] = io_u;
		}
		if (v->nevents >= min || v->nevents >= max)
			break;
		ret = vhm_blk_wait(&v->b, timeout);
		if (ret < 0)
			return ret;
		if (!ret)
			break;
	}
	return v->nevents;
}

static struct io_u *vhm_fio_event(struct thread_data *td, int event)
{
	struct vhm_fio *v = td->io_ops_data;

	return v->events[event];
}

struct ioengine_ops ioengine = {
	.name			= "vhost-mdev-blk",
	.version		= FIO_IOOPS_VERSION,
	.flags			= FIO_DISKLESSIO | FIO_NOEXTEND,
	.init			= vhm_fio_init,
	.cleanup		= vhm_fio_cleanup,
	.iomem_alloc		= vhm_fio_iomem_alloc,
	.iomem_free		= vhm_fio_iomem_free,
	.get_file_size		= vhm_fio_get_file_size,
	.open_file		= vhm_fio_open_file,
	.close_file		= vhm_fio_close_file,
	.queue			= vhm_fio_queue,
	.commit			= vhm_fio_commit,
	.getevents		= vhm_fio_getevents,
	.event			= vhm_fio_event,
	.options		= vhm_fio_options,
	.option_struct_size	= sizeof(struct vhm_fio_options),
};
