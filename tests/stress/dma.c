// SPDX-License-Identifier: GPL-2.0
/*
 * vhm-dma: container MAP/UNMAP racing the device's DMA, until the deadline.
 *
 * One virtio-net instance loops frames; two thirds of its RX buffers lie in
 * two windows of IOVA space that two mapper threads keep mapping, touching
 * and unmapping, each its own window. The device pins window pages while
 * the threads unmap them: the path where the module's dma_lock meets VFIO
 * type1's locks. A window unmapped under the device sends it to ERROR (the
 * range stays blocked until the next start): the traffic thread then stops
 * the device, lays the rings out again and starts it.
 *
 * The contract checked: once UNMAP_DMA returned, the device writes nothing
 * into the range (each thread fills its window with a canary after the
 * unmap and checks it before the next map); traffic in RUNNING never stops
 * for --stall seconds; frames in the always-mapped buffers arrive intact.
 */
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <sys/mman.h>

#include "stress.h"
#include "net.h"

#define DMA_NUM		64u
#define DMA_BUFSZ	2048u
#define DMA_MEMSZ	(4u << 20)
#define DMA_WINDOWS	2
#define DMA_WIN_SIZE	(64u << 10)
#define DMA_WIN_IOVA	0x10000000ull

static struct {
	const char *device;
	const char *counts;
	double duration;
	double stall;
	uint64_t seed;
} cfg = { .duration = 10, .stall = 30 };

static struct {
	uint64_t frames;
	uint64_t maps;
	uint64_t unmaps;
	uint64_t map_failures;
	uint64_t canary_checks;
	uint64_t device_errors;
	uint64_t restarts;
	uint64_t violations;
} st;

struct dma_window {
	unsigned int index;
	uint8_t *va;
	uint64_t iova;
	struct vhm_net *n;
	struct vhm_rng rng;
	pthread_t th;
};

static struct dma_window windows[DMA_WINDOWS];

static void dma_inc(uint64_t *c)
{
	__atomic_fetch_add(c, 1, __ATOMIC_RELAXED);
}

/* RX buffer of ring slot k: the fixed buffers or one of the windows. */
static uint64_t dma_rx_iova(struct vhm_net *n, unsigned int slot)
{
	unsigned int w = slot % (DMA_WINDOWS + 1);

	if (!w)
		return n->rx.bufs_iova + (uint64_t)DMA_BUFSZ * slot;
	return windows[w - 1].iova + (uint64_t)DMA_BUFSZ * (slot / (DMA_WINDOWS + 1));
}

static void dma_rx_post(struct vhm_net *n)
{
	vhm_vq_add_at(&n->rx, dma_rx_iova(n, vhm_vq_slot(&n->rx)), DMA_BUFSZ,
		      true);
}

/* Rings from scratch, RX full, RUNNING: after ERROR or at the start. */
static int dma_restart(struct vhm_net *n)
{
	struct vhm_vq *qs[] = { &n->rx, &n->tx };
	int fd = n->vfio.device;

	if (vhm_set_state(fd, VHOST_MDEV_S_STOPPED))
		return -errno;
	for (int i = 0; i < 2; i++) {
		vhm_vring_reset(&qs[i]->vr, 0);
		if (vhm_vq_setup(fd, qs[i]))
			return -errno;
	}
	for (unsigned int i = 0; i < DMA_NUM; i++)
		dma_rx_post(n);
	if (vhm_set_state(fd, VHOST_MDEV_S_RUNNING))
		return -errno;
	dma_inc(&st.restarts);
	return vhm_vq_kick(&n->rx);
}

/* Map, touch, unmap, canary, check: one window, until the deadline. */
static void *dma_mapper_main(void *arg)
{
	struct dma_window *w = arg;
	uint8_t canary = 0xa5 ^ (uint8_t)w->index;

	while (!vhm_stress_done()) {
		if (vhm_vfio_try_map(&w->n->vfio, w->va, w->iova, DMA_WIN_SIZE,
				     true)) {
			dma_inc(&st.map_failures);
			vhm_stress_pause_us(&w->rng, 1000);
			continue;
		}
		dma_inc(&st.maps);
		/* The CPU writes the pages the device may be writing too. */
		for (unsigned int off = 0; off < DMA_WIN_SIZE; off += 4096)
			w->va[off + vhm_rng_below(&w->rng, 4096)] ^= 1;
		vhm_stress_pause_us(&w->rng, 3000);

		if (vhm_vfio_unmap(&w->n->vfio, w->iova, DMA_WIN_SIZE)) {
			vhm_stress_violation(&st.violations, "window %u: UNMAP_DMA "
					     "of a mapped range failed: %s", w->index,
					     strerror(errno));
			continue;
		}
		dma_inc(&st.unmaps);
		memset(w->va, canary, DMA_WIN_SIZE);
		vhm_stress_pause_us(&w->rng, 1000);
		for (unsigned int off = 0; off < DMA_WIN_SIZE; off++) {
			if (w->va[off] == canary)
				continue;
			vhm_stress_violation(&st.violations, "window %u: the device "
					     "wrote at IOVA 0x%" PRIx64 " after "
					     "UNMAP_DMA of it returned", w->index,
					     w->iova + off);
			break;
		}
		dma_inc(&st.canary_checks);
	}
	return NULL;
}

/* 1: a call or an error came, 0: timeout. */
static int dma_wait(struct vhm_net *n, int timeout_ms, bool *error)
{
	struct pollfd p[3] = {
		{ .fd = n->tx.call, .events = POLLIN },
		{ .fd = n->rx.call, .events = POLLIN },
		{ .fd = n->tx.err, .events = POLLIN },
	};
	uint64_t v;
	int ret = poll(p, 3, timeout_ms);

	if (ret <= 0)
		return 0;
	for (int i = 0; i < 3; i++)
		if ((p[i].revents & POLLIN) && read(p[i].fd, &v, sizeof(v)) == sizeof(v) &&
		    i == 2)
			*error = true;
	/* The RX err eventfd too: the device stops on either vq. */
	if (vhm_wait_fd(n->rx.err, 0) == 1)
		*error = true;
	return 1;
}

/* Frames through the device; restart it whenever it stopped itself. */
static void dma_traffic(struct vhm_net *n, struct vhm_rng *rng)
{
	uint64_t last_progress = vhm_stress_now_ns(), last_counts = 0;
	unsigned int sent = 0, received = 0;
	uint8_t frame[DMA_BUFSZ];

	while (!vhm_stress_done()) {
		bool error = false, progress = false;
		uint32_t id, len;

		while (vhm_vq_inflight(&n->tx) < DMA_NUM / 2) {
			size_t l = vhm_frame_len(sent);

			vhm_frame_fill(frame, l, sent);
			if (vhm_net_queue(n, frame, l))
				break;
			sent++;
		}
		vhm_vq_kick(&n->tx);
		if (!vhm_vq_ready(&n->tx) && !vhm_vq_ready(&n->rx))
			dma_wait(n, 200, &error);

		while (!vhm_vq_get(&n->tx, &id, &len))
			progress = true;
		while (!vhm_vq_get(&n->rx, &id, &len)) {
			size_t l = vhm_frame_len(received);

			/* Window buffers belong to the mappers too: length only. */
			vhm_frame_fill(frame, l, received);
			if (len != l + VHM_NET_HDR_LEN ||
			    (id % (DMA_WINDOWS + 1) == 0 && id < DMA_NUM &&
			     memcmp(vhm_vq_buf(&n->rx, id) + VHM_NET_HDR_LEN, frame, l)))
				vhm_stress_violation(&st.violations, "%s: frame %u "
						     "(slot %u): len %u, expected %zu, "
						     "or its bytes differ", n->uuid,
						     received, id, len, l + VHM_NET_HDR_LEN);
			received++;
			dma_inc(&st.frames);
			dma_rx_post(n);
			progress = true;
		}
		if (progress) {
			vhm_vq_kick(&n->rx);
			last_progress = vhm_stress_now_ns();
		}
		if (!error && vhm_get_state(n->vfio.device) == VHOST_MDEV_S_ERROR)
			error = true;
		if (error) {
			dma_inc(&st.device_errors);
			if (dma_restart(n)) {
				vhm_stress_violation(&st.violations, "%s: cannot "
						     "restart after a device error: %s",
						     n->uuid, strerror(errno));
				return;
			}
			/* The rings start over, and the frame numbers with them. */
			sent = received = 0;
			last_progress = vhm_stress_now_ns();
		} else if (vhm_stress_now_ns() - last_progress >
			   (uint64_t)(cfg.stall * 1e9)) {
			vhm_stress_violation(&st.violations, "%s: stall: RUNNING, %u "
					     "frames in flight, none done for %.0f s",
					     n->uuid, vhm_vq_inflight(&n->tx),
					     cfg.stall);
			last_progress = vhm_stress_now_ns();
		}
		if (vhm_stress_now_ns() - last_counts > 2000000000ull) {
			const struct vhm_stress_count c[] = {
				{ "frames", st.frames }, { "maps", st.maps },
				{ "unmaps", st.unmaps }, { "flips", 2 * st.restarts },
				{ "violations", st.violations },
			};

			vhm_stress_counts_write(cfg.counts, c, sizeof(c) / sizeof(c[0]));
			last_counts = vhm_stress_now_ns();
		}
		(void)rng;
	}
}

static void dma_usage(FILE *f)
{
	fprintf(f,
		"usage: vhm-dma -d UUID [-t SECS] [-s SEED] [-S SECS] [-c FILE]\n"
		"Two threads map, touch and unmap IOVA windows of a vhost-mdev net\n"
		"instance's container while the device DMAs RX frames into them;\n"
		"checks the device never writes into a window after its unmap.\n"
		"  -d UUID   the instance (vhost_mdev_sim-net; required)\n"
		"  -t SECS   run this long (default 10)\n"
		"  -s SEED   random seed (default: from the clock; printed)\n"
		"  -S SECS   RUNNING with no frame for this long is a stall (default 30)\n"
		"  -c FILE   write the counters here for scripts/stress\n");
}

int main(int argc, char **argv)
{
	struct vhm_rng rng;
	struct vhm_net n;
	int opt, err, bad = 0;

	cfg.seed = vhm_stress_auto_seed();
	while ((opt = getopt(argc, argv, "d:t:s:S:c:h")) != -1) {
		switch (opt) {
		case 'd': cfg.device = optarg; break;
		case 't': bad |= vhm_stress_parse_num(optarg, &cfg.duration); break;
		case 's': bad |= vhm_stress_parse_seed(optarg, &cfg.seed); break;
		case 'S': bad |= vhm_stress_parse_num(optarg, &cfg.stall); break;
		case 'c': cfg.counts = optarg; break;
		case 'h': dma_usage(stdout); return 0;
		default: dma_usage(stderr); return 2;
		}
	}
	if (bad) {
		fprintf(stderr, "%s: bad number in the options\n", argv[0]);
		dma_usage(stderr);
		return 2;
	}
	if (!cfg.device || optind != argc) {
		dma_usage(stderr);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("dma: seed 0x%016" PRIx64 ", %s, %.0f s\n", cfg.seed, cfg.device,
	       cfg.duration);
	vhm_rng_seed(&rng, cfg.seed);

	err = vhm_net_open(&n, cfg.device, DMA_NUM, DMA_BUFSZ, DMA_MEMSZ);
	if (err) {
		fprintf(stderr, "dma: cannot open %s: %s\n", cfg.device, strerror(-err));
		return 1;
	}
	for (unsigned int i = 0; i < DMA_WINDOWS; i++) {
		struct dma_window *w = &windows[i];

		w->index = i;
		w->n = &n;
		w->iova = DMA_WIN_IOVA + (uint64_t)i * 0x1000000;
		w->va = mmap(NULL, DMA_WIN_SIZE, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		if (w->va == MAP_FAILED) {
			fprintf(stderr, "dma: out of memory\n");
			return 1;
		}
		vhm_rng_seed(&w->rng, cfg.seed + 1 + i);
	}
	err = dma_restart(&n);
	if (err) {
		fprintf(stderr, "dma: cannot start %s: %s\n", cfg.device, strerror(-err));
		return 1;
	}

	vhm_stress_start(cfg.duration);
	for (unsigned int i = 0; i < DMA_WINDOWS; i++) {
		err = pthread_create(&windows[i].th, NULL, dma_mapper_main, &windows[i]);
		if (err) {
			fprintf(stderr, "dma: cannot start a mapper: %s\n", strerror(err));
			return 1;
		}
	}
	dma_traffic(&n, &rng);
	vhm_stress_stopping = 1;
	for (unsigned int i = 0; i < DMA_WINDOWS; i++)
		pthread_join(windows[i].th, NULL);
	vhm_set_state(n.vfio.device, VHOST_MDEV_S_STOPPED);

	{
		const struct vhm_stress_count c[] = {
			{ "frames", st.frames }, { "maps", st.maps },
			{ "unmaps", st.unmaps }, { "flips", 2 * st.restarts },
			{ "violations", st.violations },
		};

		vhm_stress_counts_write(cfg.counts, c, sizeof(c) / sizeof(c[0]));
	}
	printf("dma: %s: %" PRIu64 " frames, %" PRIu64 " maps, %" PRIu64
	       " unmaps (%" PRIu64 " map failures), %" PRIu64 " canary checks, %"
	       PRIu64 " device errors, %" PRIu64 " restarts, %" PRIu64
	       " violations\n", cfg.device, st.frames, st.maps, st.unmaps,
	       st.map_failures, st.canary_checks, st.device_errors, st.restarts,
	       st.violations);
	vhm_net_close(&n);
	return st.violations ? 1 : 0;
}
