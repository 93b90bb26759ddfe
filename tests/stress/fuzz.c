// SPDX-License-Identifier: GPL-2.0
/*
 * vhm-fuzz: a seeded random fuzzer over the whole vhost-mdev ABI of one
 * instance. Every ioctl the device fd accepts (docs/ABI.md) and the VFIO
 * device, group and container ioctls around it, with good and bad
 * pointers (NULL, kernel, unmapped, straddling a guard page, read-only),
 * bad vq indexes, random fds and eventfds, random ring addresses and sizes,
 * random SET_STATE sequences, random MAP/UNMAP of the container (some of
 * process memory that is gone), and random bytes written into the rings
 * while the device runs them. Several threads share the device and its
 * container, so the calls also race each other.
 *
 * No per-call output: counts per op and per errno at the end, calls per
 * second every --interval seconds. The seed is printed first; the same
 * seed replays each thread's sequence of calls (their interleaving is the
 * scheduler's).
 */
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <linux/capability.h>
#include <linux/vfio.h>
#include <linux/vhost.h>
#include <linux/vhost_mdev.h>
#include <linux/virtio_ring.h>

#include "opts.h"
#include "stress.h"
#include "vfio.h"

#define FUZZ_PAGE		4096ul
/* Host buffer: the first MAIN_SIZE bytes are mapped at MAIN_IOVA. */
#define FUZZ_MEM_SIZE		(2ul << 20)
#define FUZZ_MAIN_IOVA		0x100000ull
#define FUZZ_MAIN_SIZE		(1ul << 20)
/* Random MAP_DMA of pieces of the buffer land in this window. */
#define FUZZ_WIN_IOVA		0x1000000ull
#define FUZZ_WIN_SIZE		(16ull << 20)
/* Per-thread chunks of process memory, mapped then freed by the process. */
#define FUZZ_CHUNK_IOVA		0x4000000ull
#define FUZZ_CHUNK_SIZE		(64ul << 10)
#define FUZZ_CHUNKS		4
#define FUZZ_EFDS		8
#define FUZZ_MAX_THREADS	16
#define FUZZ_MAX_VQS		8
#define FUZZ_ERRNO_MAX		160

static struct {
	const char *device;
	const char *seed;
	const char *counts;
	double duration;
	double interval;
	unsigned int threads;
	unsigned int memlock_kb;
} cfg;

static const struct vhm_opt fuzz_opts[] = {
	{ "device", 'd', "UUID", VHM_OPT_STR, &cfg.device, "",
	  "vhost-mdev instance to fuzz (net or blk; required)" },
	{ "time", 't', "SECS", VHM_OPT_DOUBLE, &cfg.duration, "10",
	  "run this long, then print the totals" },
	{ "seed", 's', "N", VHM_OPT_STR, &cfg.seed, "",
	  "random seed (default: from the clock; printed either way)" },
	{ "threads", 'j', "N", VHM_OPT_UINT, &cfg.threads, "2",
	  "threads issuing calls on the same device and container" },
	{ "memlock", 'm', "KB", VHM_OPT_UINT, &cfg.memlock_kb, "0",
	  "drop CAP_IPC_LOCK and set RLIMIT_MEMLOCK to KB, so the device's "
	  "page pins fail past it (0: keep the limits)" },
	{ "interval", 'i', "SECS", VHM_OPT_DOUBLE, &cfg.interval, "10",
	  "print calls per second this often (0: only the totals)" },
	{ "counts", 'c', "FILE", VHM_OPT_STR, &cfg.counts, "",
	  "write the counters here for scripts/stress" },
	{ 0 },
};

static const char fuzz_doc[] =
	"Seeded random fuzzer over the vhost-mdev ABI: every vhost and VFIO "
	"ioctl of the device fd, the group and container ioctls, bad pointers, "
	"indexes and fds, random ring addresses and contents written while "
	"the device runs, random state changes and DMA maps.\v"
	"Examples:\n"
	"  vhm-fuzz -d $UUID -t 60                 # two threads, a minute\n"
	"  vhm-fuzz -d $UUID -t 60 -s 0x1234abcd   # replay a seed\n"
	"  vhm-fuzz -d $UUID -j 1 -m 64            # pins fail past 64 KiB\n";

/* One vq's ring as the fuzzer last configured it (racy by design). */
struct fuzz_ring {
	uint64_t desc, avail, used;
	uint32_t num;
	int kick;
};

struct fuzz_ctx {
	const char *uuid;
	struct vhm_vfio v;
	/* Write-held while the fds are closed and opened again. */
	pthread_rwlock_t fd_lock;

	uint32_t nvqs;
	uint16_t num_max;
	uint64_t features;
	uint32_t config_size;

	uint8_t *mem;			/* FUZZ_MEM_SIZE, MAIN part mapped */
	uint8_t *ro;			/* a read-only page of random bytes */
	int devnull;
	struct fuzz_ring rings[FUZZ_MAX_VQS];
};

enum fuzz_op {
	OP_SET_STATE, OP_GET_STATE, OP_FEATURES, OP_VRING_NUM, OP_VRING_ADDR,
	OP_VRING_BASE, OP_VRING_FILE, OP_VDPA_GET, OP_CONFIG, OP_INFO,
	OP_RESET, OP_VFIO_OTHER, OP_RANDOM_CMD, OP_BRINGUP, OP_SCRIBBLE,
	OP_KICK, OP_MAP, OP_UNMAP, OP_IOMMU, OP_GROUP, OP_RW, OP_MMAP,
	OP_EFD_RECYCLE, OP_CHUNK, OP_REMAP_MAIN, OP_REOPEN,
	OP_COUNT
};

static const struct {
	const char *name;
	unsigned int weight;
} fuzz_ops[OP_COUNT] = {
	[OP_SET_STATE]	= { "set_state", 60 },
	[OP_GET_STATE]	= { "get_state", 20 },
	[OP_FEATURES]	= { "features", 30 },
	[OP_VRING_NUM]	= { "vring_num", 30 },
	[OP_VRING_ADDR]	= { "vring_addr", 30 },
	[OP_VRING_BASE]	= { "vring_base", 40 },
	[OP_VRING_FILE]	= { "vring_file", 40 },
	[OP_VDPA_GET]	= { "vdpa_get", 40 },
	[OP_CONFIG]	= { "config", 40 },
	[OP_INFO]	= { "device_info", 15 },
	[OP_RESET]	= { "reset", 4 },
	[OP_VFIO_OTHER]	= { "vfio_other", 15 },
	[OP_RANDOM_CMD]	= { "random_cmd", 25 },
	[OP_BRINGUP]	= { "bringup", 12 },
	[OP_SCRIBBLE]	= { "scribble", 60 },
	[OP_KICK]	= { "kick", 40 },
	[OP_MAP]	= { "map", 10 },
	[OP_UNMAP]	= { "unmap", 10 },
	[OP_IOMMU]	= { "iommu", 10 },
	[OP_GROUP]	= { "group", 6 },
	[OP_RW]		= { "read_write", 10 },
	[OP_MMAP]	= { "mmap", 5 },
	[OP_EFD_RECYCLE] = { "efd_recycle", 3 },
	[OP_CHUNK]	= { "chunk", 4 },
	[OP_REMAP_MAIN]	= { "remap_main", 3 },
	[OP_REOPEN]	= { "reopen", 1 },
};

struct fuzz_thread {
	struct fuzz_ctx *c;
	pthread_t th;
	unsigned int id;
	struct vhm_rng rng;
	int efd[FUZZ_EFDS];
	uint8_t *arg;			/* a RW page, then a PROT_NONE page */
	struct {
		uint8_t *va;
		int state;		/* 0 free, 1 mapped, 2 process memory gone */
	} chunk[FUZZ_CHUNKS];

	/* Written by this thread, read by the reporter: relaxed atomics. */
	uint64_t calls;			/* syscalls on device/group/container */
	uint64_t kicks;			/* eventfd writes */
	uint64_t scribbles;		/* ring bytes rewritten */
	uint64_t maps, unmaps, reopens, flips;
	uint64_t ops[OP_COUNT];
	uint64_t errnos[FUZZ_ERRNO_MAX + 1];	/* [0]: success */
};

static unsigned int fuzz_weight_total;

static inline void fuzz_add(uint64_t *c, uint64_t n)
{
	__atomic_fetch_add(c, n, __ATOMIC_RELAXED);
}

static inline uint64_t fuzz_get(const uint64_t *c)
{
	return __atomic_load_n(c, __ATOMIC_RELAXED);
}

/* A syscall's result into the counters; returns it unchanged. */
static long fuzz_count(struct fuzz_thread *t, long ret)
{
	int e = ret < 0 ? errno : 0;

	fuzz_add(&t->calls, 1);
	fuzz_add(&t->errnos[e > 0 && e < FUZZ_ERRNO_MAX ? e :
			    (e ? FUZZ_ERRNO_MAX : 0)], 1);
	return ret;
}

static long fuzz_ioctl(struct fuzz_thread *t, int fd, unsigned long cmd,
		       void *arg)
{
	return fuzz_count(t, ioctl(fd, cmd, arg));
}

/* --- argument generators ------------------------------------------------ */

/*
 * Where the kernel finds the argument: usually the real struct, else a
 * pointer it must refuse or only partly reach. good holds size bytes.
 */
static void *fuzz_ptr(struct fuzz_thread *t, void *good, size_t size)
{
	uint8_t *edge;

	if (!vhm_rng_one_in(&t->rng, 8))
		return good;
	switch (vhm_rng_below(&t->rng, 8)) {
	case 0:
		return NULL;
	case 1:
		return (void *)(uintptr_t)(1 + vhm_rng_below(&t->rng, 4095));
	case 2:
		return (void *)(uintptr_t)0xffff888000000000ull;
	case 3:
		return t->arg + FUZZ_PAGE;		/* PROT_NONE */
	case 4:
		/* The struct runs into the PROT_NONE page half-way. */
		edge = t->arg + FUZZ_PAGE - (size + 1) / 2;
		memcpy(edge, good, (size + 1) / 2);
		return edge;
	case 5:
		return t->c->ro;			/* read-only */
	case 6:
		/* Misaligned but whole. */
		memcpy(t->arg + 1, good, size);
		return t->arg + 1;
	default:
		return (void *)(uintptr_t)vhm_rng_next(&t->rng);
	}
}

static uint32_t fuzz_index(struct fuzz_thread *t)
{
	static const uint32_t bad[] = { 0xffff, 0x10000, 0x7fffffff,
					0xffffffff };
	uint32_t r = vhm_rng_below(&t->rng, 16);

	if (r < 13)
		return vhm_rng_below(&t->rng, t->c->nvqs);
	if (r == 13)
		return t->c->nvqs;
	if (r == 14)
		return bad[vhm_rng_below(&t->rng, 4)];
	return (uint32_t)vhm_rng_next(&t->rng);
}

/* An fd for SET_VRING_KICK/CALL/ERR or SET_CONTAINER. */
static int fuzz_fd(struct fuzz_thread *t)
{
	switch (vhm_rng_below(&t->rng, 16)) {
	case 0:
		return -1;
	case 1:
		return -2 - (int)vhm_rng_below(&t->rng, 100);
	case 2:
		return INT_MIN;
	case 3:
		return (int)vhm_rng_below(&t->rng, 1024);
	case 4:
		return t->c->devnull;
	case 5:
		return t->c->v.device;
	case 6:
		return t->c->v.container;
	case 7:
		return t->c->v.group;
	default:
		return t->efd[vhm_rng_below(&t->rng, FUZZ_EFDS)];
	}
}

static uint32_t fuzz_ring_size(struct fuzz_thread *t)
{
	uint32_t max = t->c->num_max ? t->c->num_max : 256;
	uint32_t r = vhm_rng_below(&t->rng, 16), n = 1;

	if (r < 12) {
		/* A power of 2 in [1, max], mostly small. */
		while (n < max && vhm_rng_below(&t->rng, 3))
			n <<= 1;
		return n;
	}
	switch (r) {
	case 12:
		return 0;
	case 13:
		return max * 2;
	case 14:
		return 3 + 2 * vhm_rng_below(&t->rng, 100);
	default:
		return (uint32_t)vhm_rng_next(&t->rng);
	}
}

/* A page-aligned IOVA in the main mapping, room for a ring left. */
static uint64_t fuzz_main_iova(struct fuzz_thread *t)
{
	return FUZZ_MAIN_IOVA + FUZZ_PAGE *
	       vhm_rng_below(&t->rng, FUZZ_MAIN_SIZE / FUZZ_PAGE - 2);
}

/* An IOVA the device may be told to use: mapped, maybe, or anything. */
static uint64_t fuzz_iova(struct fuzz_thread *t)
{
	switch (vhm_rng_below(&t->rng, 16)) {
	case 0:
		return vhm_rng_next(&t->rng);
	case 1:
		return UINT64_MAX - vhm_rng_below(&t->rng, 1 << 16);
	case 2:
		return FUZZ_WIN_IOVA + vhm_rng_below(&t->rng, FUZZ_WIN_SIZE);
	case 3:
		return FUZZ_CHUNK_IOVA +
		       vhm_rng_below(&t->rng, FUZZ_MAX_THREADS * FUZZ_CHUNKS *
					      FUZZ_CHUNK_SIZE);
	case 4:
		return 0;
	default:
		return FUZZ_MAIN_IOVA + vhm_rng_below(&t->rng, FUZZ_MAIN_SIZE);
	}
}

/* Host address of a main-mapping IOVA range, or NULL. */
static uint8_t *fuzz_host(struct fuzz_ctx *c, uint64_t iova, size_t len)
{
	if (iova < FUZZ_MAIN_IOVA || len > FUZZ_MAIN_SIZE ||
	    iova - FUZZ_MAIN_IOVA > FUZZ_MAIN_SIZE - len)
		return NULL;
	return c->mem + (iova - FUZZ_MAIN_IOVA);
}

/* --- ops ---------------------------------------------------------------- */

static void op_set_state(struct fuzz_thread *t)
{
	static const uint32_t states[] = { 0, 1, 1, 1, 0, 2, 3 };
	uint32_t s = vhm_rng_one_in(&t->rng, 16) ? (uint32_t)vhm_rng_next(&t->rng) :
		     states[vhm_rng_below(&t->rng, 7)];

	if (!fuzz_ioctl(t, t->c->v.device, VHOST_MDEV_SET_STATE,
			fuzz_ptr(t, &s, sizeof(s))))
		fuzz_add(&t->flips, 1);
}

static void op_get_state(struct fuzz_thread *t)
{
	uint32_t s;

	fuzz_ioctl(t, t->c->v.device, VHOST_MDEV_GET_STATE,
		   fuzz_ptr(t, &s, sizeof(s)));
}

static void op_features(struct fuzz_thread *t)
{
	uint64_t f = t->c->features;

	if (vhm_rng_one_in(&t->rng, 3)) {
		fuzz_ioctl(t, t->c->v.device, VHOST_GET_FEATURES,
			   fuzz_ptr(t, &f, sizeof(f)));
		return;
	}
	if (vhm_rng_one_in(&t->rng, 2))
		f &= vhm_rng_next(&t->rng);
	if (vhm_rng_one_in(&t->rng, 4))
		f |= 1ull << vhm_rng_below(&t->rng, 64);
	fuzz_ioctl(t, t->c->v.device, VHOST_SET_FEATURES,
		   fuzz_ptr(t, &f, sizeof(f)));
}

static void op_vring_num(struct fuzz_thread *t)
{
	struct vhost_vring_state s = {
		.index = fuzz_index(t),
		.num = fuzz_ring_size(t),
	};

	if (!fuzz_ioctl(t, t->c->v.device, VHOST_SET_VRING_NUM,
			fuzz_ptr(t, &s, sizeof(s))) && s.index < t->c->nvqs &&
	    s.index < FUZZ_MAX_VQS)
		t->c->rings[s.index].num = s.num;
}

static void op_vring_addr(struct fuzz_thread *t)
{
	struct vhost_vring_addr a = { .index = fuzz_index(t) };
	uint64_t base = fuzz_main_iova(t);

	switch (vhm_rng_below(&t->rng, 8)) {
	case 0:
		/* Anywhere, aligned. */
		a.desc_user_addr = fuzz_iova(t) & ~15ull;
		a.avail_user_addr = fuzz_iova(t) & ~1ull;
		a.used_user_addr = fuzz_iova(t) & ~3ull;
		break;
	case 1:
		/* Misaligned somewhere. */
		a.desc_user_addr = base + vhm_rng_below(&t->rng, 16);
		a.avail_user_addr = base + 4096 + vhm_rng_below(&t->rng, 2);
		a.used_user_addr = base + 6144 + vhm_rng_below(&t->rng, 4);
		break;
	case 2:
		/* Near the end of the IOVA space: start must refuse. */
		a.desc_user_addr = (UINT64_MAX - vhm_rng_below(&t->rng, 8192)) & ~15ull;
		a.avail_user_addr = base + 4096;
		a.used_user_addr = base + 6144;
		break;
	default:
		/* Overlapping pieces of one mapped area. */
		a.desc_user_addr = base;
		a.avail_user_addr = base + 2 * vhm_rng_below(&t->rng, 2048);
		a.used_user_addr = base + 4 * vhm_rng_below(&t->rng, 2048);
		break;
	}
	if (vhm_rng_one_in(&t->rng, 16))
		a.flags = (uint32_t)vhm_rng_next(&t->rng);
	a.log_guest_addr = vhm_rng_next(&t->rng);
	if (!fuzz_ioctl(t, t->c->v.device, VHOST_SET_VRING_ADDR,
			fuzz_ptr(t, &a, sizeof(a))) && a.index < t->c->nvqs &&
	    a.index < FUZZ_MAX_VQS) {
		struct fuzz_ring *r = &t->c->rings[a.index];

		r->desc = a.desc_user_addr;
		r->avail = a.avail_user_addr;
		r->used = a.used_user_addr;
	}
}

static void op_vring_base(struct fuzz_thread *t)
{
	struct vhost_vring_state s = { .index = fuzz_index(t) };

	if (vhm_rng_one_in(&t->rng, 2)) {
		fuzz_ioctl(t, t->c->v.device, VHOST_GET_VRING_BASE,
			   fuzz_ptr(t, &s, sizeof(s)));
		return;
	}
	s.num = vhm_rng_one_in(&t->rng, 8) ? (uint32_t)vhm_rng_next(&t->rng) :
		vhm_rng_below(&t->rng, 0x10000);
	fuzz_ioctl(t, t->c->v.device, VHOST_SET_VRING_BASE,
		   fuzz_ptr(t, &s, sizeof(s)));
}

static void op_vring_file(struct fuzz_thread *t)
{
	static const unsigned long cmds[] = {
		VHOST_SET_VRING_KICK, VHOST_SET_VRING_CALL, VHOST_SET_VRING_ERR,
	};
	unsigned int which = vhm_rng_below(&t->rng, 3);
	struct vhost_vring_file f = {
		.index = fuzz_index(t),
		.fd = fuzz_fd(t),
	};

	if (!fuzz_ioctl(t, t->c->v.device, cmds[which],
			fuzz_ptr(t, &f, sizeof(f))) && which == 0 &&
	    f.index < t->c->nvqs && f.index < FUZZ_MAX_VQS)
		t->c->rings[f.index].kick = f.fd;
}

static void op_vdpa_get(struct fuzz_thread *t)
{
	static const unsigned long cmds[] = {
		VHOST_VDPA_GET_DEVICE_ID, VHOST_VDPA_GET_VRING_NUM,
		VHOST_VDPA_GET_VQS_COUNT, VHOST_VDPA_GET_CONFIG_SIZE,
		VHOST_VDPA_GET_IOVA_RANGE,
	};
	struct vhost_vdpa_iova_range out;

	fuzz_ioctl(t, t->c->v.device, cmds[vhm_rng_below(&t->rng, 5)],
		   fuzz_ptr(t, &out, sizeof(out)));
}

static void op_config(struct fuzz_thread *t)
{
	struct {
		struct vhost_vdpa_config hdr;
		uint8_t buf[256];
	} c;
	uint32_t size = t->c->config_size;

	c.hdr.off = vhm_rng_one_in(&t->rng, 8) ? (uint32_t)vhm_rng_next(&t->rng) :
		    vhm_rng_below(&t->rng, size + 2);
	c.hdr.len = vhm_rng_one_in(&t->rng, 8) ? (uint32_t)vhm_rng_next(&t->rng) :
		    vhm_rng_below(&t->rng, size + 2);
	vhm_rng_fill(&t->rng, c.buf, sizeof(c.buf));
	/* The kernel reads or writes len bytes after the header: keep them ours. */
	if (c.hdr.len > sizeof(c.buf) && c.hdr.off <= size &&
	    c.hdr.len <= size - c.hdr.off)
		c.hdr.len = sizeof(c.buf);
	if (vhm_rng_one_in(&t->rng, 2)) {
		fuzz_ioctl(t, t->c->v.device, VHOST_VDPA_GET_CONFIG,
			   fuzz_ptr(t, &c, sizeof(c)));
	} else {
		/* The MAC only, mostly: keep the device usable. */
		if (vhm_rng_below(&t->rng, 4))
			c.buf[0] &= 0xfe;
		fuzz_ioctl(t, t->c->v.device, VHOST_VDPA_SET_CONFIG,
			   fuzz_ptr(t, &c, sizeof(c)));
	}
}

static void op_info(struct fuzz_thread *t)
{
	struct vfio_device_info info = {
		.argsz = vhm_rng_one_in(&t->rng, 4) ?
			 (uint32_t)vhm_rng_next(&t->rng) % 64 : sizeof(info),
	};

	/* argsz larger than the struct is fine: the kernel copies minsz. */
	fuzz_ioctl(t, t->c->v.device, VFIO_DEVICE_GET_INFO,
		   fuzz_ptr(t, &info, sizeof(info)));
}

static void op_reset(struct fuzz_thread *t)
{
	fuzz_ioctl(t, t->c->v.device, VFIO_DEVICE_RESET,
		   vhm_rng_one_in(&t->rng, 4) ? (void *)vhm_rng_next(&t->rng) : NULL);
}

/* VFIO device ioctls this device does not implement: ENOTTY or EINVAL. */
static void op_vfio_other(struct fuzz_thread *t)
{
	static const unsigned long cmds[] = {
		VFIO_DEVICE_GET_REGION_INFO, VFIO_DEVICE_GET_IRQ_INFO,
		VFIO_DEVICE_SET_IRQS, VFIO_DEVICE_GET_PCI_HOT_RESET_INFO,
		VFIO_DEVICE_PCI_HOT_RESET, VFIO_DEVICE_QUERY_GFX_PLANE,
		VFIO_DEVICE_GET_GFX_DMABUF, VFIO_DEVICE_IOEVENTFD,
		VFIO_DEVICE_FEATURE,
	};
	uint8_t arg[256];

	vhm_rng_fill(&t->rng, arg, sizeof(arg));
	/* argsz first in every VFIO struct: mostly plausible. */
	if (vhm_rng_below(&t->rng, 4))
		*(uint32_t *)arg = 16 + vhm_rng_below(&t->rng, 64);
	fuzz_ioctl(t, t->c->v.device, cmds[vhm_rng_below(&t->rng, 9)],
		   fuzz_ptr(t, arg, sizeof(arg)));
}

/* Any number in the vhost (0xAF) or VFIO (';') space, any size bits. */
static void op_random_cmd(struct fuzz_thread *t)
{
	uint8_t arg[512];
	unsigned long cmd;
	unsigned int type = vhm_rng_one_in(&t->rng, 3) ? VFIO_TYPE : VHOST_VIRTIO;
	unsigned int size = vhm_rng_one_in(&t->rng, 4) ?
			    vhm_rng_below(&t->rng, 1 << 14) :
			    vhm_rng_below(&t->rng, sizeof(arg));

	cmd = _IOC(vhm_rng_below(&t->rng, 4), type, vhm_rng_below(&t->rng, 256),
		   size);
	/* Never the documented ioctls with a wrong pointer here: op_* do that. */
	vhm_rng_fill(&t->rng, arg, sizeof(arg));
	fuzz_ioctl(t, t->c->v.device, cmd, size <= sizeof(arg) ?
		   fuzz_ptr(t, arg, sizeof(arg)) : t->arg);
}

/*
 * A coherent configuration, so the device really runs: stop, features,
 * every vq on rings in the main mapping with our eventfds, start, kick.
 */
static void op_bringup(struct fuzz_thread *t)
{
	struct fuzz_ctx *c = t->c;
	uint32_t state = VHOST_MDEV_S_STOPPED;
	uint64_t f = c->features;
	int fd = c->v.device;

	fuzz_ioctl(t, fd, VHOST_MDEV_SET_STATE, &state);
	fuzz_ioctl(t, fd, VHOST_SET_FEATURES, &f);
	for (uint32_t i = 0; i < c->nvqs && i < FUZZ_MAX_VQS; i++) {
		struct fuzz_ring *r = &c->rings[i];
		uint32_t num = c->num_max ? c->num_max : 256;
		uint64_t base = fuzz_main_iova(t);
		struct vhost_vring_state s;
		struct vhost_vring_addr a;
		struct vhost_vring_file file;
		uint8_t *host;

		while (num > 2 && vhm_rng_one_in(&t->rng, 2))
			num >>= 1;
		/* desc in one page, avail and used in the next one. */
		a = (struct vhost_vring_addr){
			.index = i,
			.desc_user_addr = base,
			.avail_user_addr = base + FUZZ_PAGE,
			.used_user_addr = base + FUZZ_PAGE + 1024,
		};
		if (num * 16 > FUZZ_PAGE) {
			a.avail_user_addr = base + num * 16;
			a.used_user_addr = (a.avail_user_addr + 6 + 2 * num + 3) & ~3ull;
		}
		host = fuzz_host(c, base, num * 16 + 8 * num + 4096);
		if (host && vhm_rng_below(&t->rng, 4))
			memset(host, 0, num * 16 + 8 * num + 4096);
		s = (struct vhost_vring_state){ .index = i, .num = num };
		fuzz_ioctl(t, fd, VHOST_SET_VRING_NUM, &s);
		fuzz_ioctl(t, fd, VHOST_SET_VRING_ADDR, &a);
		s.num = vhm_rng_one_in(&t->rng, 2) ? 0 :
			vhm_rng_below(&t->rng, 0x10000);
		fuzz_ioctl(t, fd, VHOST_SET_VRING_BASE, &s);
		file = (struct vhost_vring_file){ .index = i,
			.fd = t->efd[(2 * i) % FUZZ_EFDS] };
		if (!fuzz_ioctl(t, fd, VHOST_SET_VRING_KICK, &file))
			r->kick = file.fd;
		file.fd = t->efd[(2 * i + 1) % FUZZ_EFDS];
		fuzz_ioctl(t, fd, VHOST_SET_VRING_CALL, &file);
		file.fd = t->efd[(2 * i + 2) % FUZZ_EFDS];
		fuzz_ioctl(t, fd, VHOST_SET_VRING_ERR, &file);
		r->desc = a.desc_user_addr;
		r->avail = a.avail_user_addr;
		r->used = a.used_user_addr;
		r->num = num;
	}
	state = VHOST_MDEV_S_RUNNING;
	if (!fuzz_ioctl(t, fd, VHOST_MDEV_SET_STATE, &state))
		fuzz_add(&t->flips, 1);
}

/* Rewrite part of a ring while the device may be running it, then kick. */
static void op_scribble(struct fuzz_thread *t)
{
	struct fuzz_ctx *c = t->c;
	uint32_t vq = vhm_rng_below(&t->rng, c->nvqs < FUZZ_MAX_VQS ?
					     c->nvqs : FUZZ_MAX_VQS);
	struct fuzz_ring r = c->rings[vq];
	uint32_t num = r.num && r.num <= 32768 ? r.num : 1;
	uint64_t one = 1;
	uint8_t *p;

	switch (vhm_rng_below(&t->rng, 6)) {
	case 0:
	case 1: {
		/* Descriptors: plausible addresses, random lengths and flags. */
		struct vring_desc *d = (void *)fuzz_host(c, r.desc, 16 * num);
		uint32_t n = 1 + vhm_rng_below(&t->rng, 8);

		if (!d)
			break;
		for (uint32_t i = 0; i < n; i++) {
			struct vring_desc *e = &d[vhm_rng_below(&t->rng, num)];
			uint32_t fl = vhm_rng_below(&t->rng, 16);

			e->addr = fuzz_iova(t);
			e->len = vhm_rng_one_in(&t->rng, 8) ?
				 (uint32_t)vhm_rng_next(&t->rng) :
				 vhm_rng_below(&t->rng, 4097);
			e->flags = (fl & 1 ? VRING_DESC_F_NEXT : 0) |
				   (fl & 2 ? VRING_DESC_F_WRITE : 0) |
				   (fl == 15 ? VRING_DESC_F_INDIRECT : 0);
			e->next = vhm_rng_one_in(&t->rng, 8) ?
				  (uint16_t)vhm_rng_next(&t->rng) :
				  vhm_rng_below(&t->rng, num);
		}
		break;
	}
	case 2: {
		/* Avail: entries, then the index moves by up to a ring. */
		struct vring_avail *a = (void *)fuzz_host(c, r.avail, 6 + 2 * num);
		uint32_t n = 1 + vhm_rng_below(&t->rng, 8);

		if (!a)
			break;
		for (uint32_t i = 0; i < n; i++)
			a->ring[vhm_rng_below(&t->rng, num)] =
				vhm_rng_one_in(&t->rng, 8) ?
				(uint16_t)vhm_rng_next(&t->rng) :
				vhm_rng_below(&t->rng, num);
		if (vhm_rng_one_in(&t->rng, 4))
			a->flags ^= VRING_AVAIL_F_NO_INTERRUPT;
		__atomic_store_n(&a->idx, (uint16_t)(a->idx + (vhm_rng_one_in(&t->rng, 8) ?
			(uint16_t)vhm_rng_next(&t->rng) : 1 + vhm_rng_below(&t->rng, num))),
			__ATOMIC_RELEASE);
		break;
	}
	case 3: {
		struct vring_used *u = (void *)fuzz_host(c, r.used, 6 + 8 * num);

		if (!u)
			break;
		if (vhm_rng_one_in(&t->rng, 2))
			u->flags = (uint16_t)vhm_rng_next(&t->rng);
		else
			u->idx = (uint16_t)vhm_rng_next(&t->rng);
		break;
	}
	default:
		/* Plain random bytes anywhere in the ring pages. */
		p = fuzz_host(c, r.desc & ~(FUZZ_PAGE - 1), 2 * FUZZ_PAGE);
		if (!p)
			break;
		vhm_rng_fill(&t->rng, p + vhm_rng_below(&t->rng, 2 * FUZZ_PAGE - 64),
			     1 + vhm_rng_below(&t->rng, 64));
		break;
	}
	fuzz_add(&t->scribbles, 1);
	if (r.kick >= 0 && write(r.kick, &one, sizeof(one)) == sizeof(one))
		fuzz_add(&t->kicks, 1);
}

static void op_kick(struct fuzz_thread *t)
{
	int fd = t->efd[vhm_rng_below(&t->rng, FUZZ_EFDS)];
	uint64_t v = vhm_rng_one_in(&t->rng, 16) ? vhm_rng_below(&t->rng, 1000) : 1;

	if (vhm_rng_one_in(&t->rng, 3)) {
		/* Drain: the device signals calls and errors here. */
		if (read(fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
			v = 0;
		return;
	}
	if (write(fd, &v, sizeof(v)) == sizeof(v))
		fuzz_add(&t->kicks, 1);
}

static void op_map(struct fuzz_thread *t)
{
	struct fuzz_ctx *c = t->c;
	uint64_t pages = 1 + vhm_rng_below(&t->rng, 64);
	struct vfio_iommu_type1_dma_map m = {
		.argsz = sizeof(m),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.iova = FUZZ_WIN_IOVA + FUZZ_PAGE *
			vhm_rng_below(&t->rng, FUZZ_WIN_SIZE / FUZZ_PAGE - 64),
		.size = pages * FUZZ_PAGE,
	};

	m.vaddr = (uintptr_t)c->mem + FUZZ_PAGE *
		  vhm_rng_below(&t->rng, FUZZ_MEM_SIZE / FUZZ_PAGE - 64);
	switch (vhm_rng_below(&t->rng, 12)) {
	case 0:
		m.flags = VFIO_DMA_MAP_FLAG_READ;	/* device reads only */
		break;
	case 1:
		m.flags = (uint32_t)vhm_rng_next(&t->rng);
		break;
	case 2:
		m.vaddr = (uintptr_t)c->ro;		/* write pins must fail */
		m.size = FUZZ_PAGE;
		break;
	case 3:
		m.vaddr = (uintptr_t)t->arg + FUZZ_PAGE;	/* PROT_NONE */
		m.size = FUZZ_PAGE;
		break;
	case 4:
		m.iova += vhm_rng_below(&t->rng, FUZZ_PAGE);	/* misaligned */
		break;
	case 5:
		m.size = vhm_rng_next(&t->rng);
		break;
	case 6:
		m.argsz = vhm_rng_below(&t->rng, sizeof(m));
		break;
	default:
		break;
	}
	if (!fuzz_ioctl(t, c->v.container, VFIO_IOMMU_MAP_DMA,
			fuzz_ptr(t, &m, sizeof(m))))
		fuzz_add(&t->maps, 1);
}

static void op_unmap(struct fuzz_thread *t)
{
	struct vfio_iommu_type1_dma_unmap u = {
		.argsz = sizeof(u),
		.iova = FUZZ_WIN_IOVA + FUZZ_PAGE *
			vhm_rng_below(&t->rng, FUZZ_WIN_SIZE / FUZZ_PAGE),
		.size = FUZZ_PAGE * (1 + vhm_rng_below(&t->rng, 1024)),
	};

	switch (vhm_rng_below(&t->rng, 16)) {
	case 0:
		/* The rings' own mapping: the device must stop touching it. */
		u.iova = FUZZ_MAIN_IOVA;
		u.size = FUZZ_MAIN_SIZE;
		break;
	case 1:
		u.iova = FUZZ_WIN_IOVA;
		u.size = FUZZ_WIN_SIZE;
		break;
	case 2:
		u.flags = (uint32_t)vhm_rng_next(&t->rng) &
			  (VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP |
			   VFIO_DMA_UNMAP_FLAG_ALL | VFIO_DMA_UNMAP_FLAG_VADDR);
		break;
	case 3:
		u.iova = 0;
		u.size = 0;
		u.flags = VFIO_DMA_UNMAP_FLAG_ALL;
		break;
	case 4:
		u.iova = vhm_rng_next(&t->rng);
		u.size = vhm_rng_next(&t->rng);
		break;
	case 5:
		u.argsz = vhm_rng_below(&t->rng, sizeof(u));
		break;
	default:
		break;
	}
	if (!fuzz_ioctl(t, t->c->v.container, VFIO_IOMMU_UNMAP_DMA,
			fuzz_ptr(t, &u, sizeof(u))))
		fuzz_add(&t->unmaps, 1);
}

static void op_iommu(struct fuzz_thread *t)
{
	uint8_t arg[256];
	int fd = t->c->v.container;

	vhm_rng_fill(&t->rng, arg, sizeof(arg));
	*(uint32_t *)arg = vhm_rng_below(&t->rng, 4) ? 8 + vhm_rng_below(&t->rng, 128) :
			   (uint32_t)vhm_rng_next(&t->rng);
	switch (vhm_rng_below(&t->rng, 5)) {
	case 0:
		fuzz_ioctl(t, fd, VFIO_IOMMU_GET_INFO, fuzz_ptr(t, arg, sizeof(arg)));
		break;
	case 1:
		fuzz_count(t, ioctl(fd, VFIO_CHECK_EXTENSION,
				    (unsigned long)vhm_rng_below(&t->rng, 16)));
		break;
	case 2:
		fuzz_ioctl(t, fd, VFIO_IOMMU_DIRTY_PAGES, fuzz_ptr(t, arg, sizeof(arg)));
		break;
	case 3:
		fuzz_count(t, ioctl(fd, VFIO_GET_API_VERSION));
		break;
	default:
		/* Already set: EBUSY or EINVAL. */
		fuzz_count(t, ioctl(fd, VFIO_SET_IOMMU,
				    (unsigned long)vhm_rng_below(&t->rng, 16)));
		break;
	}
}

static void op_group(struct fuzz_thread *t)
{
	struct fuzz_ctx *c = t->c;
	struct vfio_group_status st = { .argsz = sizeof(st) };
	char name[64];
	int fd;

	switch (vhm_rng_below(&t->rng, 5)) {
	case 0:
		fuzz_ioctl(t, c->v.group, VFIO_GROUP_GET_STATUS,
			   fuzz_ptr(t, &st, sizeof(st)));
		break;
	case 1:
		/* One owner: the second device fd must be refused. */
		fd = fuzz_count(t, ioctl(c->v.group, VFIO_GROUP_GET_DEVICE_FD,
					 c->uuid));
		if (fd >= 0)
			close(fd);
		break;
	case 2:
		vhm_rng_fill(&t->rng, name, sizeof(name));
		name[vhm_rng_below(&t->rng, sizeof(name))] = 0;
		fd = fuzz_ioctl(t, c->v.group, VFIO_GROUP_GET_DEVICE_FD,
				fuzz_ptr(t, name, sizeof(name)));
		if (fd >= 0)
			close(fd);
		break;
	case 3:
		fd = fuzz_fd(t);
		fuzz_ioctl(t, c->v.group, VFIO_GROUP_SET_CONTAINER,
			   fuzz_ptr(t, &fd, sizeof(fd)));
		break;
	default:
		/* The device is open: EBUSY. */
		fuzz_count(t, ioctl(c->v.group, VFIO_GROUP_UNSET_CONTAINER));
		break;
	}
}

static void op_rw(struct fuzz_thread *t)
{
	uint8_t buf[64] = { 0 };
	off_t off = vhm_rng_one_in(&t->rng, 2) ? 0 : (off_t)(vhm_rng_next(&t->rng) >> 1);
	int fd = t->c->v.device;

	switch (vhm_rng_below(&t->rng, 4)) {
	case 0:
		fuzz_count(t, read(fd, buf, sizeof(buf)));
		break;
	case 1:
		fuzz_count(t, write(fd, buf, sizeof(buf)));
		break;
	case 2:
		fuzz_count(t, pread(fd, buf, sizeof(buf), off));
		break;
	default:
		fuzz_count(t, pwrite(fd, buf, sizeof(buf), off));
		break;
	}
}

static void op_mmap(struct fuzz_thread *t)
{
	static const int prots[] = { PROT_WRITE, PROT_READ, PROT_READ | PROT_WRITE,
				     PROT_NONE };
	size_t len = FUZZ_PAGE * (1 + vhm_rng_below(&t->rng, 2));
	off_t off = (off_t)FUZZ_PAGE * vhm_rng_below(&t->rng, 4);
	void *p;

	p = mmap(NULL, len, prots[vhm_rng_below(&t->rng, 4)],
		 vhm_rng_one_in(&t->rng, 4) ? MAP_PRIVATE : MAP_SHARED,
		 t->c->v.device, off);
	fuzz_count(t, p == MAP_FAILED ? -1 : 0);
	if (p == MAP_FAILED)
		return;
	/* A doorbell page: ring it with any value, as a driver may. */
	if (mprotect(p, len, PROT_WRITE) == 0)
		*(volatile uint32_t *)p = (uint32_t)vhm_rng_next(&t->rng);
	munmap(p, len);
}

static void op_efd_recycle(struct fuzz_thread *t)
{
	unsigned int i = vhm_rng_below(&t->rng, FUZZ_EFDS);
	int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);

	/* The device may hold the old one: closing must not matter. */
	if (fd < 0)
		return;
	close(t->efd[i]);
	t->efd[i] = fd;
}

/*
 * A chunk of process memory: mmap, MAP_DMA, then munmap it from the
 * process while the container still maps it (an mdev container pins
 * nothing at map time), then UNMAP_DMA.
 */
static void op_chunk(struct fuzz_thread *t)
{
	unsigned int i = vhm_rng_below(&t->rng, FUZZ_CHUNKS);
	uint64_t iova = FUZZ_CHUNK_IOVA +
			(t->id * FUZZ_CHUNKS + i) * FUZZ_CHUNK_SIZE;
	struct vfio_iommu_type1_dma_map m = {
		.argsz = sizeof(m),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.iova = iova,
		.size = FUZZ_CHUNK_SIZE,
	};
	struct vfio_iommu_type1_dma_unmap u = {
		.argsz = sizeof(u),
		.iova = iova,
		.size = FUZZ_CHUNK_SIZE,
	};

	switch (t->chunk[i].state) {
	case 0:
		t->chunk[i].va = mmap(NULL, FUZZ_CHUNK_SIZE, PROT_READ | PROT_WRITE,
				      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (t->chunk[i].va == MAP_FAILED)
			return;
		m.vaddr = (uintptr_t)t->chunk[i].va;
		if (fuzz_ioctl(t, t->c->v.container, VFIO_IOMMU_MAP_DMA, &m)) {
			munmap(t->chunk[i].va, FUZZ_CHUNK_SIZE);
			return;
		}
		fuzz_add(&t->maps, 1);
		t->chunk[i].state = 1;
		break;
	case 1:
		munmap(t->chunk[i].va, FUZZ_CHUNK_SIZE);
		t->chunk[i].state = 2;
		break;
	default:
		if (!fuzz_ioctl(t, t->c->v.container, VFIO_IOMMU_UNMAP_DMA, &u))
			fuzz_add(&t->unmaps, 1);
		t->chunk[i].state = 0;
		break;
	}
}

static int fuzz_map_main(struct fuzz_thread *t)
{
	struct vfio_iommu_type1_dma_unmap u = {
		.argsz = sizeof(u),
		.iova = FUZZ_MAIN_IOVA,
		.size = FUZZ_MAIN_SIZE,
	};
	struct vfio_iommu_type1_dma_map m = {
		.argsz = sizeof(m),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = (uintptr_t)t->c->mem,
		.iova = FUZZ_MAIN_IOVA,
		.size = FUZZ_MAIN_SIZE,
	};

	if (!fuzz_ioctl(t, t->c->v.container, VFIO_IOMMU_UNMAP_DMA, &u))
		fuzz_add(&t->unmaps, 1);
	if (fuzz_ioctl(t, t->c->v.container, VFIO_IOMMU_MAP_DMA, &m))
		return -errno;
	fuzz_add(&t->maps, 1);
	return 0;
}

static void op_remap_main(struct fuzz_thread *t)
{
	fuzz_map_main(t);
}

/*
 * Close and open again, with every other thread held off: the device fd
 * alone (close resets and unpins), or now and then all of VFIO.
 */
static void op_reopen(struct fuzz_thread *t)
{
	struct fuzz_ctx *c = t->c;
	int fd;

	if (t->id != 0)
		return;
	pthread_rwlock_unlock(&c->fd_lock);
	pthread_rwlock_wrlock(&c->fd_lock);
	fuzz_add(&t->reopens, 1);
	if (!vhm_rng_one_in(&t->rng, 8)) {
		close(c->v.device);
		fd = fuzz_count(t, ioctl(c->v.group, VFIO_GROUP_GET_DEVICE_FD,
					 c->uuid));
		if (fd >= 0) {
			c->v.device = fd;
			goto out;
		}
		c->v.device = -1;
	}
	vhm_vfio_close(&c->v);
	if (vhm_vfio_open(&c->v, c->uuid) == 0)
		fuzz_map_main(t);
	else
		fprintf(stderr, "fuzz: cannot open %s again\n", c->uuid);
out:
	pthread_rwlock_unlock(&c->fd_lock);
	pthread_rwlock_rdlock(&c->fd_lock);
}

static void (*const fuzz_fns[OP_COUNT])(struct fuzz_thread *t) = {
	[OP_SET_STATE] = op_set_state,
	[OP_GET_STATE] = op_get_state,
	[OP_FEATURES] = op_features,
	[OP_VRING_NUM] = op_vring_num,
	[OP_VRING_ADDR] = op_vring_addr,
	[OP_VRING_BASE] = op_vring_base,
	[OP_VRING_FILE] = op_vring_file,
	[OP_VDPA_GET] = op_vdpa_get,
	[OP_CONFIG] = op_config,
	[OP_INFO] = op_info,
	[OP_RESET] = op_reset,
	[OP_VFIO_OTHER] = op_vfio_other,
	[OP_RANDOM_CMD] = op_random_cmd,
	[OP_BRINGUP] = op_bringup,
	[OP_SCRIBBLE] = op_scribble,
	[OP_KICK] = op_kick,
	[OP_MAP] = op_map,
	[OP_UNMAP] = op_unmap,
	[OP_IOMMU] = op_iommu,
	[OP_GROUP] = op_group,
	[OP_RW] = op_rw,
	[OP_MMAP] = op_mmap,
	[OP_EFD_RECYCLE] = op_efd_recycle,
	[OP_CHUNK] = op_chunk,
	[OP_REMAP_MAIN] = op_remap_main,
	[OP_REOPEN] = op_reopen,
};

static enum fuzz_op fuzz_pick(struct fuzz_thread *t)
{
	uint32_t r = vhm_rng_below(&t->rng, fuzz_weight_total);
	enum fuzz_op op;

	for (op = 0; op < OP_COUNT - 1; op++) {
		if (r < fuzz_ops[op].weight)
			break;
		r -= fuzz_ops[op].weight;
	}
	return op;
}

static void *fuzz_thread_main(void *arg)
{
	struct fuzz_thread *t = arg;
	unsigned int n = 0;

	pthread_rwlock_rdlock(&t->c->fd_lock);
	while (!(++n % 64 == 0 && vhm_stress_done()) && !vhm_stress_stopping) {
		enum fuzz_op op = fuzz_pick(t);

		if (t->c->v.device < 0 && op != OP_REOPEN)
			continue;
		fuzz_fns[op](t);
		fuzz_add(&t->ops[op], 1);
	}
	pthread_rwlock_unlock(&t->c->fd_lock);
	return NULL;
}

/* --- setup, report ------------------------------------------------------ */

static int fuzz_drop_memlock(unsigned int kb)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];
	struct rlimit rl = { .rlim_cur = (rlim_t)kb << 10, .rlim_max = (rlim_t)kb << 10 };

	if (syscall(SYS_capget, &h, d))
		return -errno;
	d[0].effective &= ~(1u << CAP_IPC_LOCK);
	d[0].permitted &= ~(1u << CAP_IPC_LOCK);
	d[0].inheritable &= ~(1u << CAP_IPC_LOCK);
	if (syscall(SYS_capset, &h, d))
		return -errno;
	return setrlimit(RLIMIT_MEMLOCK, &rl) ? -errno : 0;
}

static int fuzz_probe(struct fuzz_ctx *c)
{
	uint32_t nvqs = 0, size = 0;
	uint16_t num = 0;
	uint64_t f = 0;

	if (ioctl(c->v.device, VHOST_VDPA_GET_VQS_COUNT, &nvqs) ||
	    ioctl(c->v.device, VHOST_VDPA_GET_VRING_NUM, &num) ||
	    ioctl(c->v.device, VHOST_VDPA_GET_CONFIG_SIZE, &size) ||
	    ioctl(c->v.device, VHOST_GET_FEATURES, &f)) {
		fprintf(stderr, "fuzz: %s does not answer the vhost-mdev ioctls: %s\n",
			c->uuid, strerror(errno));
		return -errno;
	}
	if (!nvqs) {
		fprintf(stderr, "fuzz: %s has no virtqueues\n", c->uuid);
		return -ENODEV;
	}
	c->nvqs = nvqs;
	c->num_max = num;
	c->config_size = size;
	c->features = f;
	for (unsigned int i = 0; i < FUZZ_MAX_VQS; i++)
		c->rings[i].kick = -1;
	return 0;
}

static const char *fuzz_errno_name(int e)
{
	static char buf[16];

	switch (e) {
	case 0: return "ok";
	case EFAULT: return "EFAULT";
	case EINVAL: return "EINVAL";
	case ENOTTY: return "ENOTTY";
	case ENOBUFS: return "ENOBUFS";
	case EBUSY: return "EBUSY";
	case EBADF: return "EBADF";
	case EPERM: return "EPERM";
	case E2BIG: return "E2BIG";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case EIO: return "EIO";
	case ENODEV: return "ENODEV";
	case EEXIST: return "EEXIST";
	case ENOMEM: return "ENOMEM";
	case ENOSPC: return "ENOSPC";
	case EACCES: return "EACCES";
	case FUZZ_ERRNO_MAX: return "other";
	default:
		snprintf(buf, sizeof(buf), "errno%d", e);
		return buf;
	}
}

struct fuzz_totals {
	uint64_t calls, kicks, scribbles, maps, unmaps, reopens, flips;
	uint64_t ops[OP_COUNT];
	uint64_t errnos[FUZZ_ERRNO_MAX + 1];
};

static void fuzz_sum(struct fuzz_thread *th, unsigned int n,
		     struct fuzz_totals *s)
{
	memset(s, 0, sizeof(*s));
	for (unsigned int i = 0; i < n; i++) {
		struct fuzz_thread *t = &th[i];

		s->calls += fuzz_get(&t->calls);
		s->kicks += fuzz_get(&t->kicks);
		s->scribbles += fuzz_get(&t->scribbles);
		s->maps += fuzz_get(&t->maps);
		s->unmaps += fuzz_get(&t->unmaps);
		s->reopens += fuzz_get(&t->reopens);
		s->flips += fuzz_get(&t->flips);
		for (unsigned int op = 0; op < OP_COUNT; op++)
			s->ops[op] += fuzz_get(&t->ops[op]);
		for (unsigned int e = 0; e <= FUZZ_ERRNO_MAX; e++)
			s->errnos[e] += fuzz_get(&t->errnos[e]);
	}
}

static void fuzz_write_counts(const struct fuzz_totals *s)
{
	const struct vhm_stress_count c[] = {
		{ "calls", s->calls },
		{ "kicks", s->kicks },
		{ "scribbles", s->scribbles },
		{ "maps", s->maps },
		{ "unmaps", s->unmaps },
		{ "flips", s->flips },
		{ "reopens", s->reopens },
	};

	vhm_stress_counts_write(cfg.counts, c, sizeof(c) / sizeof(c[0]));
}

static void fuzz_report(const struct fuzz_totals *s, double secs,
			uint64_t seed)
{
	printf("fuzz: seed 0x%016" PRIx64 ", %u threads, %.1f s: %" PRIu64
	       " calls (%.0f/s), %" PRIu64 " kicks, %" PRIu64 " ring scribbles, %"
	       PRIu64 " maps, %" PRIu64 " unmaps, %" PRIu64 " state changes, %"
	       PRIu64 " reopens\n", seed, cfg.threads, secs, s->calls,
	       secs > 0 ? s->calls / secs : 0.0, s->kicks, s->scribbles, s->maps,
	       s->unmaps, s->flips, s->reopens);
	printf("fuzz: results:");
	for (unsigned int e = 0; e <= FUZZ_ERRNO_MAX; e++)
		if (s->errnos[e])
			printf(" %s %" PRIu64, fuzz_errno_name(e), s->errnos[e]);
	printf("\nfuzz: ops:");
	for (unsigned int op = 0; op < OP_COUNT; op++)
		printf(" %s %" PRIu64, fuzz_ops[op].name, s->ops[op]);
	printf("\n");
}

int main(int argc, char **argv)
{
	static struct fuzz_thread th[FUZZ_MAX_THREADS];
	pthread_rwlockattr_t attr;
	struct fuzz_ctx c = { 0 };
	struct fuzz_totals s;
	uint64_t seed, start, last, last_calls = 0, next_report;
	int err;

	if (vhm_opts_parse(fuzz_opts, argc, argv, fuzz_doc))
		return 2;
	if (!cfg.device[0]) {
		fprintf(stderr, "fuzz: name the instance with --device UUID\n");
		return 2;
	}
	if (!cfg.threads || cfg.threads > FUZZ_MAX_THREADS) {
		fprintf(stderr, "fuzz: --threads must be 1..%d\n", FUZZ_MAX_THREADS);
		return 2;
	}
	if (cfg.seed[0]) {
		char *end;

		errno = 0;
		seed = strtoull(cfg.seed, &end, 0);
		if (errno || *end) {
			fprintf(stderr, "fuzz: bad seed '%s'\n", cfg.seed);
			return 2;
		}
	} else {
		seed = vhm_stress_auto_seed();
	}
	printf("fuzz: seed 0x%016" PRIx64 " (replay with --seed 0x%016" PRIx64
	       "), device %s, %u threads, %.0f s\n", seed, seed, cfg.device,
	       cfg.threads, cfg.duration);
	fflush(stdout);

	for (unsigned int op = 0; op < OP_COUNT; op++)
		fuzz_weight_total += fuzz_ops[op].weight;
	if (cfg.memlock_kb) {
		err = fuzz_drop_memlock(cfg.memlock_kb);
		if (err) {
			fprintf(stderr, "fuzz: failed to drop CAP_IPC_LOCK: %s\n",
				strerror(-err));
			return 1;
		}
	}

	c.uuid = cfg.device;
	c.devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	c.mem = mmap(NULL, FUZZ_MEM_SIZE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	c.ro = mmap(NULL, FUZZ_PAGE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (c.mem == MAP_FAILED || c.ro == MAP_FAILED) {
		fprintf(stderr, "fuzz: failed to allocate memory\n");
		return 1;
	}
	memset(c.mem, 0, FUZZ_MEM_SIZE);
	pthread_rwlockattr_init(&attr);
	pthread_rwlockattr_setkind_np(&attr,
				      PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&c.fd_lock, &attr);

	err = vhm_vfio_open(&c.v, c.uuid);
	if (err)
		return 1;
	err = fuzz_probe(&c);
	if (err)
		return 1;

	for (unsigned int i = 0; i < cfg.threads; i++) {
		struct fuzz_thread *t = &th[i];

		t->c = &c;
		t->id = i;
		vhm_rng_seed(&t->rng, seed + i * 0x1000193ull);
		t->arg = mmap(NULL, 2 * FUZZ_PAGE, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (t->arg == MAP_FAILED ||
		    mprotect(t->arg + FUZZ_PAGE, FUZZ_PAGE, PROT_NONE)) {
			fprintf(stderr, "fuzz: failed to allocate memory\n");
			return 1;
		}
		for (unsigned int e = 0; e < FUZZ_EFDS; e++)
			t->efd[e] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	}
	vhm_rng_fill(&th[0].rng, c.ro, FUZZ_PAGE);
	mprotect(c.ro, FUZZ_PAGE, PROT_READ);
	if (fuzz_map_main(&th[0])) {
		fprintf(stderr, "fuzz: failed to map the ring memory: %s\n",
			strerror(errno));
		return 1;
	}

	vhm_stress_start(cfg.duration);
	start = last = vhm_stress_now_ns();
	for (unsigned int i = 0; i < cfg.threads; i++) {
		err = pthread_create(&th[i].th, NULL, fuzz_thread_main, &th[i]);
		if (err) {
			fprintf(stderr, "fuzz: failed to create a thread: %s\n",
				strerror(err));
			vhm_stress_stopping = 1;
			cfg.threads = i;
			break;
		}
	}

	/* Report every interval, write the counts every 2 s. */
	next_report = start + (uint64_t)(cfg.interval * 1e9);
	while (!vhm_stress_done()) {
		uint64_t now;

		usleep(200000);
		now = vhm_stress_now_ns();
		fuzz_sum(th, cfg.threads, &s);
		if (now - last >= 2000000000ull || vhm_stress_stopping)
			fuzz_write_counts(&s);
		if (cfg.interval > 0 && now >= next_report) {
			printf("fuzz: %.0f s: %" PRIu64 " calls, %.0f calls/s\n",
			       (now - start) / 1e9, s.calls,
			       (s.calls - last_calls) / ((now - last) / 1e9));
			fflush(stdout);
			next_report += (uint64_t)(cfg.interval * 1e9);
			last_calls = s.calls;
			last = now;
		}
	}
	for (unsigned int i = 0; i < cfg.threads; i++)
		pthread_join(th[i].th, NULL);

	/* Back to a quiet device before close (close resets it anyway). */
	if (c.v.device >= 0) {
		uint32_t state = VHOST_MDEV_S_STOPPED;

		ioctl(c.v.device, VHOST_MDEV_SET_STATE, &state);
	}
	fuzz_sum(th, cfg.threads, &s);
	fuzz_write_counts(&s);
	fuzz_report(&s, (vhm_stress_now_ns() - start) / 1e9, seed);
	vhm_vfio_close(&c.v);
	return 0;
}
