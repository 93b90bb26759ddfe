// SPDX-License-Identifier: GPL-2.0
/*
 * vhm-traffic: keep one instance busy until the deadline with the
 * project's own userspace driver (lib/): virtio-net loopback frames of
 * random sizes and batches, or virtio-blk writes and read-backs of random
 * blocks (--blk). The device is closed and opened again every few seconds,
 * so set-up and tear-down race whatever else runs (tracers above all), and
 * net sessions stop and restart it now and then with frames in flight.
 *
 * It waits for completions the way a real driver does, interrupts on and a
 * call eventfd to sleep on, but never for ever: used entries that sit there
 * for --lost seconds with interrupts on and no call are a lost interrupt
 * (one that comes later than a second is counted as late), no progress for
 * --stall seconds is a stall, a read that does not return what was written
 * is corruption, ERROR on an instance nobody abuses is a device error, a net
 * session that ends with fewer frames received than sent lost frames. Each
 * is a violation: reported on stderr, exit status 1.
 */
#include <inttypes.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <linux/capability.h>
#include <linux/vhost_mdev.h>

#include "blk.h"
#include "dev.h"
#include "mdev.h"
#include "opts.h"
#include "stress.h"

#define TRAFFIC_BLOCKS		256
#define TRAFFIC_BLOCK_SIZE	4096u
#define TRAFFIC_DEPTH		32

static struct {
	const char *device;
	const char *seed;
	const char *counts;
	double duration;
	double reopen;
	double stall;
	double lost;
	unsigned int memlock_kb;
	unsigned int span_mb;
	double frames;
	bool blk;
	bool no_event_idx;
} cfg;

static const struct vhm_opt traffic_opts[] = {
	{ "device", 'd', "UUID", VHM_OPT_STR, &cfg.device, "",
	  "vhost-mdev instance (net, or blk with --blk; required)" },
	{ "time", 't', "SECS", VHM_OPT_DOUBLE, &cfg.duration, "10",
	  "run this long" },
	{ "blk", 'b', NULL, VHM_OPT_FLAG, &cfg.blk, NULL,
	  "drive a virtio-blk instance: writes, read-backs, flushes" },
	{ "reopen", 'r', "SECS", VHM_OPT_DOUBLE, &cfg.reopen, "3",
	  "close and open the device again after up to this long" },
	{ "stall", 'S', "SECS", VHM_OPT_DOUBLE, &cfg.stall, "30",
	  "no completion for this long with work in flight is a stall" },
	{ "lost", 'L', "SECS", VHM_OPT_DOUBLE, &cfg.lost, "10",
	  "used entries with no interrupt for this long: a lost interrupt" },
	{ "span", 'p', "MB", VHM_OPT_UINT, &cfg.span_mb, "16",
	  "blk: data buffers spread over this much mapped memory" },
	{ "memlock", 'm', "KB", VHM_OPT_UINT, &cfg.memlock_kb, "0",
	  "run as a driver without CAP_IPC_LOCK whose RLIMIT_MEMLOCK is KB "
	  "(8192: Debian's default for users; 0: keep the limits)" },
	{ "frames", 'f', "N", VHM_OPT_DOUBLE, &cfg.frames, "0",
	  "stop once this many frames or requests completed (0: at the deadline only)" },
	{ "no-event-idx", 'E', NULL, VHM_OPT_FLAG, &cfg.no_event_idx, NULL,
	  "do not negotiate VIRTIO_RING_F_EVENT_IDX" },
	{ "seed", 's', "N", VHM_OPT_STR, &cfg.seed, "",
	  "random seed (default: from the clock; printed either way)" },
	{ "counts", 'c', "FILE", VHM_OPT_STR, &cfg.counts, "",
	  "write the counters here for scripts/stress" },
	{ 0 },
};

static const char traffic_doc[] =
	"Traffic on one vhost-mdev instance until the deadline, through the "
	"project's userspace driver, reopening the device now and then; lost "
	"interrupts, stalls, device errors and corrupted reads are reported.\v"
	"Examples:\n"
	"  vhm-traffic -d $NET_UUID -t 60\n"
	"  vhm-traffic -d $BLK_UUID --blk -t 60\n"
	"  vhm-traffic -d $BLK_UUID --blk -m 8192  # as a user without CAP_IPC_LOCK\n";

static struct {
	uint64_t frames;		/* net: frames looped; blk: requests */
	uint64_t bytes;
	uint64_t interrupts;
	uint64_t late_interrupts;	/* came, but more than a second late */
	uint64_t max_late_ms;
	uint64_t opens;
	uint64_t violations;
} st;

static struct vhm_rng rng;

/* The deadline passed, or --frames were done. */
static bool traffic_done(void)
{
	return vhm_stress_done() || (cfg.frames > 0 && st.frames >= cfg.frames);
}

static void traffic_counts(void)
{
	const struct vhm_stress_count c[] = {
		{ "frames", st.frames },
		{ "bytes", st.bytes },
		{ "interrupts", st.interrupts },
		{ "late_interrupts", st.late_interrupts },
		{ "opens", st.opens },
		{ "violations", st.violations },
	};

	vhm_stress_counts_write(cfg.counts, c, sizeof(c) / sizeof(c[0]));
}

/* The simulator's count of interrupts it raised (sysfs), or -1. */
static long long traffic_sim_interrupts(void)
{
	return vhm_mdev_attr(cfg.device, "sim/interrupts");
}

/*
 * Sleep on the call eventfd until used entries are there. 1: entries
 * pending; 0: none came within timeout_ms; -1: entries came, interrupts
 * were on, and no call came for --lost seconds (a lost interrupt; what was
 * seen is in *why).
 */
static int traffic_wait(struct vhm_vring *vr, int call_fd, int timeout_ms,
			char *why, size_t why_size)
{
	struct pollfd p = { .fd = call_fd, .events = POLLIN };
	uint64_t cnt, seen = 0, now;
	long long irqs = -1;
	int ret;

	if (vhm_vring_pending_used(vr))
		return 1;
	/* Ask for an interrupt; an entry that raced in needs none. */
	if (!vhm_vring_enable_cb(vr))
		goto ready;
	ret = poll(&p, 1, timeout_ms);
	/*
	 * Entries but no call yet: it may come at the end of the device's
	 * batch, late when the guest (or its host) is overloaded. Wait up to
	 * --lost seconds, counting a call after more than a second as late.
	 */
	while (ret == 0 && vhm_vring_pending_used(vr)) {
		now = vhm_stress_now_ns();
		if (!seen) {
			seen = now;
			irqs = traffic_sim_interrupts();
		} else if (now - seen > (uint64_t)(cfg.lost * 1e9)) {
			long long irqs_now = traffic_sim_interrupts();

			snprintf(why, why_size, "%u used entries pending %.0f s with "
				 "interrupts on (avail flags %u) and no call; the "
				 "device counted %lld interrupts meanwhile",
				 vhm_vring_pending_used(vr), cfg.lost,
				 vr->avail->flags, irqs >= 0 && irqs_now >= 0 ?
				 irqs_now - irqs : -1);
			vhm_vring_disable_cb(vr);
			return -1;
		}
		ret = poll(&p, 1, 100);
	}
	if (seen) {
		uint64_t ms = (vhm_stress_now_ns() - seen) / 1000000 + 500;

		if (ms > 1000)
			st.late_interrupts++;
		if (ms > st.max_late_ms)
			st.max_late_ms = ms;
	}
	if (ret > 0 && read(call_fd, &cnt, sizeof(cnt)) == sizeof(cnt))
		st.interrupts++;
ready:
	vhm_vring_disable_cb(vr);
	return vhm_vring_pending_used(vr) ? 1 : 0;
}

/*
 * State of the device behind fd: a violation unless RUNNING. Returns
 * false when it is not.
 */
static bool traffic_check_state(int fd, const char *what)
{
	uint32_t state = 0;

	if (ioctl(fd, VHOST_MDEV_GET_STATE, &state)) {
		vhm_stress_violation(&st.violations, "%s %s: GET_STATE failed: %s",
				     what, cfg.device, strerror(errno));
		return false;
	}
	if (state == VHOST_MDEV_S_ERROR) {
		vhm_stress_violation(&st.violations, "%s %s: the device stopped "
				     "itself (ERROR, see the kernel log's 'device "
				     "error' line) under plain traffic", what,
				     cfg.device);
		return false;
	}
	if (state != VHOST_MDEV_S_RUNNING) {
		vhm_stress_violation(&st.violations, "%s %s: device in state %u, "
				     "not RUNNING", what, cfg.device, state);
		return false;
	}
	return true;
}

/* --- net --------------------------------------------------------------- */

/*
 * SET_STATE STOPPED then RUNNING with frames in flight: the used ring must
 * stand where GET_VRING_BASE says. false when the device is not RUNNING
 * again.
 */
static bool traffic_restart(struct vhm_dev *d)
{
	uint16_t base;

	if (d->ops->stop(d))
		return traffic_check_state(d->fd, "net stop");
	if (!d->ops->vring_base(d, d->tx.index, &base) &&
	    base != vhm_vring_used_idx(&d->tx.vr))
		vhm_stress_violation(&st.violations, "net %s: stopped with TX "
				     "used idx %u but GET_VRING_BASE %u",
				     cfg.device, vhm_vring_used_idx(&d->tx.vr),
				     base);
	if (d->ops->start(d))
		return traffic_check_state(d->fd, "net start");
	return true;
}

/*
 * End of a session: every frame in flight completes, and RX received as
 * many frames as TX sent (the loopback loses none).
 */
static void traffic_net_drain(struct vhm_dev *d, uint64_t last_progress)
{
	char why[256];
	int n, w;

	while (vhm_tx_inflight(d)) {
		n = vhm_tx_complete(d, false);
		if (n > 0) {
			st.frames += n;
			last_progress = vhm_stress_now_ns();
			continue;
		}
		w = traffic_wait(&d->tx.vr, d->tx.call_fd, 500, why, sizeof(why));
		if (w < 0)
			vhm_stress_violation(&st.violations, "net %s: lost interrupt "
					     "draining TX: %s", cfg.device, why);
		if (w <= 0 && vhm_stress_now_ns() - last_progress >
			      (uint64_t)(cfg.stall * 1e9)) {
			vhm_stress_violation(&st.violations, "net %s: stall draining: "
					     "%u frames in flight", cfg.device,
					     vhm_tx_inflight(d));
			return;
		}
	}
	if (d->rx.frames != d->tx.frames)
		vhm_stress_violation(&st.violations, "net %s: %" PRIu64 " frames "
				     "sent, %" PRIu64 " received", cfg.device,
				     d->tx.frames, d->rx.frames);
}

static int traffic_net_session(uint64_t until)
{
	static const unsigned int sizes[] = { 64, 128, 256 };
	struct vhm_dev_opts o = {
		.backend = "vhost-mdev",
		.device = cfg.device,
		.ring_size = sizes[vhm_rng_below(&rng, 3)],
		.frame_len = 60 + vhm_rng_below(&rng, 1455),
		.vring_base = (uint16_t)vhm_rng_next(&rng),
		.peer_cpu = -1,
		.no_event_idx = cfg.no_event_idx,
	};
	uint64_t last_progress = vhm_stress_now_ns();
	struct vhm_dev d;
	bool running = true;
	char why[256];
	int err;

	err = vhm_dev_open(&d, &o);
	if (err)
		return err;
	st.opens++;
	vhm_vring_disable_cb(&d.tx.vr);
	while (!traffic_done() && vhm_stress_now_ns() < until) {
		unsigned int batch = 1 + vhm_rng_below(&rng, 32);
		int n, w;

		if (!vhm_rng_below(&rng, 4096) &&
		    !(running = traffic_restart(&d)))
			break;
		if (vhm_tx_inflight(&d) + batch <= d.tx.vr.num)
			vhm_tx_send(&d, batch);
		n = vhm_tx_complete(&d, false);
		if (n > 0) {
			st.frames += n;
			st.bytes += (uint64_t)n * o.frame_len;
			last_progress = vhm_stress_now_ns();
			continue;
		}
		if (n < 0)
			break;
		if (!vhm_tx_inflight(&d))
			continue;
		w = traffic_wait(&d.tx.vr, d.tx.call_fd, 500, why, sizeof(why));
		if (w < 0 && !(running = traffic_check_state(d.fd, "net")))
			break;
		if (w < 0)
			vhm_stress_violation(&st.violations, "net %s: lost interrupt "
					     "on TX: %s (avail idx %u, used consumed %u)",
					     cfg.device, why, d.tx.vr.avail_idx,
					     d.tx.vr.last_used);
		if (w == 0 && vhm_stress_now_ns() - last_progress >
			      (uint64_t)(cfg.stall * 1e9)) {
			vhm_stress_violation(&st.violations, "net %s: stall: %u "
					     "frames in flight, no completion for "
					     "%.0f s", cfg.device, vhm_tx_inflight(&d),
					     cfg.stall);
			running = traffic_check_state(d.fd, "net");
			break;
		}
	}
	if (running && traffic_check_state(d.fd, "net"))
		traffic_net_drain(&d, last_progress);
	vhm_dev_close(&d);
	return 0;
}

/* --- blk --------------------------------------------------------------- */

struct traffic_req {
	uint32_t block;
	uint32_t type;
	uint32_t gen;
	uint8_t *buf;
};

static uint64_t traffic_lba[TRAFFIC_BLOCKS];
static uint32_t traffic_gen[TRAFFIC_BLOCKS];	/* 0: never written */
static bool traffic_busy[TRAFFIC_BLOCKS];

static void traffic_pattern(uint8_t *buf, uint32_t block, uint32_t gen)
{
	uint32_t *w = (uint32_t *)buf;

	for (unsigned int i = 0; i < TRAFFIC_BLOCK_SIZE / 4; i++)
		w[i] = (block * 0x9e3779b1u) ^ (gen * 0x85ebca6bu) ^ (i * 0xc2b2ae35u);
}

static void traffic_blk_done(struct traffic_req *r, uint8_t status)
{
	uint8_t expect[TRAFFIC_BLOCK_SIZE];

	traffic_busy[r->block] = false;
	st.frames++;
	if (status != VIRTIO_BLK_S_OK) {
		vhm_stress_violation(&st.violations, "blk %s: request type %u on "
				     "sector %" PRIu64 " failed with status %u",
				     cfg.device, r->type, traffic_lba[r->block],
				     status);
		return;
	}
	if (r->type == VIRTIO_BLK_T_OUT) {
		traffic_gen[r->block] = r->gen;
		st.bytes += TRAFFIC_BLOCK_SIZE;
	} else if (r->type == VIRTIO_BLK_T_IN) {
		st.bytes += TRAFFIC_BLOCK_SIZE;
		if (!r->gen)
			return;
		traffic_pattern(expect, r->block, r->gen);
		if (memcmp(expect, r->buf, TRAFFIC_BLOCK_SIZE))
			vhm_stress_violation(&st.violations, "blk %s: sector %"
					     PRIu64 " reads back other data than "
					     "written (generation %u)", cfg.device,
					     traffic_lba[r->block], r->gen);
	}
}

/*
 * The data buffers: one stripe of the span per request slot, a random
 * page of it per request, so the device reaches many distinct pages (a
 * device that pins them runs into RLIMIT_MEMLOCK) and no two requests in
 * flight share a buffer.
 */
static uint8_t *traffic_span;
static size_t traffic_span_size;

static uint8_t *traffic_blk_buf(unsigned int slot)
{
	size_t stripe = traffic_span_size / TRAFFIC_DEPTH / TRAFFIC_BLOCK_SIZE;

	return traffic_span + ((size_t)slot * stripe + vhm_rng_below(&rng, stripe)) *
	       TRAFFIC_BLOCK_SIZE;
}

static int traffic_blk_session(uint64_t until)
{
	static struct traffic_req reqs[TRAFFIC_DEPTH];
	uint64_t last_progress = vhm_stress_now_ns();
	unsigned int free_reqs[TRAFFIC_DEPTH], nfree = TRAFFIC_DEPTH;
	struct vhm_blk b;
	bool running = true;
	char why[256];
	int err;

	if (!traffic_span) {
		traffic_span_size = (size_t)(cfg.span_mb ? cfg.span_mb : 1) << 20;
		if (traffic_span_size < TRAFFIC_DEPTH * TRAFFIC_BLOCK_SIZE)
			traffic_span_size = TRAFFIC_DEPTH * TRAFFIC_BLOCK_SIZE;
		traffic_span = mmap(NULL, traffic_span_size, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (traffic_span == MAP_FAILED) {
			traffic_span = NULL;
			return -ENOMEM;
		}
	}
	err = vhm_blk_open(&b, cfg.device, 0, 4096);
	if (err)
		return err;
	err = vhm_blk_map(&b, traffic_span, traffic_span_size);
	if (err) {
		vhm_blk_close(&b);
		return err;
	}
	st.opens++;
	if (!traffic_lba[0] && !traffic_lba[1]) {
		uint64_t blocks = b.capacity / (TRAFFIC_BLOCK_SIZE / VHM_BLK_SECTOR);

		/*
		 * Distinct blocks: two that shared a sector would overwrite
		 * each other's data and read back as corruption.
		 */
		for (unsigned int i = 0; i < TRAFFIC_BLOCKS; i++) {
			unsigned int j;

			do {
				traffic_lba[i] = (uint64_t)vhm_rng_below(&rng, (uint32_t)blocks) *
						 (TRAFFIC_BLOCK_SIZE / VHM_BLK_SECTOR);
				for (j = 0; j < i && traffic_lba[j] != traffic_lba[i]; j++)
					;
			} while (j < i);
		}
	}
	memset(traffic_busy, 0, sizeof(traffic_busy));
	for (unsigned int i = 0; i < TRAFFIC_DEPTH; i++)
		free_reqs[i] = i;
	vhm_vring_disable_cb(&b.vr);

	while (!vhm_stress_done() && vhm_stress_now_ns() < until) {
		struct traffic_req *r;
		unsigned int queued = 0, want = 1 + vhm_rng_below(&rng, 8);
		uint8_t status;
		int w;

		while (queued < want && nfree) {
			uint32_t blk = vhm_rng_below(&rng, TRAFFIC_BLOCKS);
			uint32_t kind = vhm_rng_below(&rng, 16);

			if (traffic_busy[blk])
				break;
			r = &reqs[free_reqs[nfree - 1]];
			r->buf = traffic_blk_buf(free_reqs[nfree - 1]);
			r->block = blk;
			r->gen = traffic_gen[blk];
			if (kind < 7) {
				r->type = VIRTIO_BLK_T_OUT;
				r->gen = r->gen + 1;
				traffic_pattern(r->buf, blk, r->gen);
			} else if (kind < 15) {
				r->type = VIRTIO_BLK_T_IN;
				memset(r->buf, 0, TRAFFIC_BLOCK_SIZE);
			} else {
				r->type = VIRTIO_BLK_T_FLUSH;
			}
			if (vhm_blk_queue(&b, r->type, traffic_lba[blk], r->buf,
					  r->type == VIRTIO_BLK_T_FLUSH ? 0 :
					  TRAFFIC_BLOCK_SIZE, r))
				break;
			traffic_busy[blk] = true;
			nfree--;
			queued++;
		}
		if (queued)
			vhm_blk_kick(&b);
		while ((r = vhm_blk_reap(&b, &status, NULL))) {
			traffic_blk_done(r, status);
			free_reqs[nfree++] = (unsigned int)(r - reqs);
			last_progress = vhm_stress_now_ns();
		}
		if (nfree == TRAFFIC_DEPTH || queued)
			continue;
		w = traffic_wait(&b.vr, b.call_fd, 500, why, sizeof(why));
		if (w < 0 && !(running = traffic_check_state(b.fd, "blk")))
			break;
		if (w < 0)
			vhm_stress_violation(&st.violations, "blk %s: lost interrupt: "
					     "%s", cfg.device, why);
		if (w == 0 && vhm_stress_now_ns() - last_progress >
			      (uint64_t)(cfg.stall * 1e9)) {
			vhm_stress_violation(&st.violations, "blk %s: stall: %u "
					     "requests in flight, no completion for "
					     "%.0f s", cfg.device, vhm_blk_inflight(&b),
					     cfg.stall);
			traffic_check_state(b.fd, "blk");
			/* After a stall, draining would only stall again. */
			running = false;
			break;
		}
	}
	/* Drain what is in flight, so every block's content is known. */
	last_progress = vhm_stress_now_ns();
	while (running && nfree < TRAFFIC_DEPTH && vhm_stress_now_ns() - last_progress <
					(uint64_t)(cfg.stall * 1e9)) {
		struct traffic_req *r;
		uint8_t status;

		while ((r = vhm_blk_reap(&b, &status, NULL))) {
			traffic_blk_done(r, status);
			free_reqs[nfree++] = (unsigned int)(r - reqs);
			last_progress = vhm_stress_now_ns();
		}
		if (nfree < TRAFFIC_DEPTH &&
		    traffic_wait(&b.vr, b.call_fd, 500, why, sizeof(why)) < 0)
			vhm_stress_violation(&st.violations, "blk %s: lost interrupt "
					     "while draining: %s", cfg.device, why);
	}
	if (running)
		traffic_check_state(b.fd, "blk");
	/* Still in flight after a stall: those blocks hold unknown data. */
	for (unsigned int i = 0; i < TRAFFIC_BLOCKS; i++)
		if (traffic_busy[i])
			traffic_gen[i] = 0;
	vhm_blk_close(&b);
	return 0;
}

/* Be a driver without CAP_IPC_LOCK, limited to kb of locked memory. */
static int traffic_drop_memlock(unsigned int kb)
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

int main(int argc, char **argv)
{
	uint64_t seed, last_counts = 0;
	int err = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (vhm_opts_parse(traffic_opts, argc, argv, traffic_doc))
		return 2;
	if (!cfg.device[0]) {
		fprintf(stderr, "traffic: name the instance with --device UUID\n");
		return 2;
	}
	if (!cfg.seed[0]) {
		seed = vhm_stress_auto_seed();
	} else if (vhm_stress_parse_seed(cfg.seed, &seed)) {
		fprintf(stderr, "traffic: bad seed '%s'\n", cfg.seed);
		return 2;
	}
	vhm_rng_seed(&rng, seed);
	printf("traffic: seed 0x%016" PRIx64 ", %s %s, %.0f s\n", seed,
	       cfg.blk ? "blk" : "net", cfg.device, cfg.duration);
	/* Progress counters are the driver's: no progress lines. */
	setenv("VHM_NO_PROGRESS", "1", 1);
	if (cfg.memlock_kb) {
		err = traffic_drop_memlock(cfg.memlock_kb);
		if (err) {
			fprintf(stderr, "traffic: failed to drop CAP_IPC_LOCK: %s\n",
				strerror(-err));
			return 1;
		}
		printf("traffic: no CAP_IPC_LOCK, RLIMIT_MEMLOCK %u KiB\n",
		       cfg.memlock_kb);
	}

	vhm_stress_start(cfg.duration);
	while (!traffic_done()) {
		uint64_t until = vhm_stress_now_ns() +
				 (uint64_t)((0.2 + cfg.reopen * (vhm_rng_below(&rng, 1000) / 1000.0)) * 1e9);

		err = cfg.blk ? traffic_blk_session(until) :
				traffic_net_session(until);
		if (err) {
			fprintf(stderr, "traffic: cannot open %s: %s\n", cfg.device,
				strerror(-err));
			break;
		}
		if (vhm_stress_now_ns() - last_counts > 2000000000ull) {
			traffic_counts();
			last_counts = vhm_stress_now_ns();
		}
	}
	traffic_counts();
	printf("traffic: %s %s: %" PRIu64 " %s, %" PRIu64 " bytes, %" PRIu64
	       " interrupts (%" PRIu64 " late, the latest %" PRIu64 " ms), %"
	       PRIu64 " opens, %" PRIu64 " violations\n",
	       cfg.blk ? "blk" : "net", cfg.device, st.frames,
	       cfg.blk ? "requests" : "frames", st.bytes, st.interrupts,
	       st.late_interrupts, st.max_late_ms, st.opens, st.violations);
	return err ? 1 : st.violations ? 1 : 0;
}
