// SPDX-License-Identifier: GPL-2.0
/*
 * vhm-flip: SET_STATE(STOPPED)/SET_STATE(RUNNING) flips on a virtio-net
 * instance while a sender thread keeps frames flowing through it, until
 * the deadline.
 *
 * The contract checked (docs/ABI.md, "Stop, resume, reset, close"): after
 * STOPPED returns, GET_VRING_BASE equals used->idx in memory for both vqs
 * and the used rings hold still; every frame arrives once, in order,
 * byte-exact; after RUNNING, used entries come with an interrupt (the
 * sender sleeps on the call eventfds, with a time limit: entries pending
 * for -L seconds with no call are a lost interrupt); traffic never stops
 * for -S seconds. Each breach is a violation (stderr, exit status 1).
 */
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>

#include "stress.h"
#include "net.h"

#define FLIP_NUM	64u
#define FLIP_BUFSZ	2048u
#define FLIP_MEMSZ	(4u << 20)

static struct {
	const char *device;
	const char *counts;
	double duration;
	double stall;
	double lost;
	uint64_t seed;
} cfg = { .duration = 10, .stall = 30, .lost = 10 };

static struct {
	uint64_t flips;
	uint64_t frames;
	uint64_t kicks;
	uint64_t interrupts;
	uint64_t violations;
} st;

struct flip_sender {
	struct vhm_net *n;
	struct vhm_rng rng;
	unsigned int sent, received;
	volatile bool stop;
};

/* Wait for a call on either vq; 1 signalled, 0 timeout. */
static int flip_wait_call(struct vhm_net *n, int timeout_ms)
{
	struct pollfd p[2] = {
		{ .fd = n->tx.call, .events = POLLIN },
		{ .fd = n->rx.call, .events = POLLIN },
	};
	uint64_t v;
	int ret = poll(p, 2, timeout_ms);

	if (ret <= 0)
		return 0;
	for (int i = 0; i < 2; i++)
		if ((p[i].revents & POLLIN) && read(p[i].fd, &v, sizeof(v)) == sizeof(v))
			__atomic_fetch_add(&st.interrupts, 1, __ATOMIC_RELAXED);
	return 1;
}

static void *flip_sender_main(void *arg)
{
	struct flip_sender *s = arg;
	struct vhm_net *n = s->n;
	uint64_t last_progress = vhm_stress_now_ns();
	uint8_t frame[FLIP_BUFSZ];

	while (!s->stop) {
		/* Sometimes one frame at a time: a stop mid-batch shows then. */
		unsigned int want = vhm_rng_one_in(&s->rng, 2) ? 1 : FLIP_NUM;
		bool progress = false;
		uint32_t id, len;

		while (vhm_vq_inflight(&n->tx) < want) {
			size_t l = vhm_frame_len(s->sent);

			vhm_frame_fill(frame, l, s->sent);
			if (vhm_net_queue(n, frame, l))
				break;
			s->sent++;
		}
		if (!vhm_vq_kick(&n->tx))
			__atomic_fetch_add(&st.kicks, 1, __ATOMIC_RELAXED);

		/* Everything in flight done, or the limit: sleep on the calls. */
		while (!s->stop && !vhm_vq_ready(&n->tx) && !vhm_vq_ready(&n->rx)) {
			if (flip_wait_call(n, 500))
				continue;
			if (vhm_vq_ready(&n->tx) || vhm_vq_ready(&n->rx)) {
				/*
				 * Entries came, the call did not (yet): it may
				 * be late on a loaded machine, not -L seconds.
				 */
				uint64_t seen = vhm_stress_now_ns();
				int called = 0;

				while (!s->stop && !(called = flip_wait_call(n, 100)) &&
				       vhm_stress_now_ns() - seen < (uint64_t)(cfg.lost * 1e9))
					;
				if (!called && !s->stop)
					vhm_stress_violation(&st.violations,
						"%s: lost interrupt: used entries "
						"pending %.0f s with no call (TX %u, "
						"RX %u ready; %u sent, %u received)",
						n->uuid, cfg.lost,
						vhm_vq_ready(&n->tx),
						vhm_vq_ready(&n->rx), s->sent,
						s->received);
				break;
			}
			if (vhm_stress_now_ns() - last_progress >
			    (uint64_t)(cfg.stall * 1e9)) {
				vhm_stress_violation(&st.violations,
					"%s: stall: no frame for %.0f s (%u in "
					"flight, state %d)", n->uuid, cfg.stall,
					vhm_vq_inflight(&n->tx),
					vhm_get_state(n->vfio.device));
				last_progress = vhm_stress_now_ns();
				/* A kick may be what got lost. */
				vhm_vq_kick(&n->tx);
			}
		}

		while (!vhm_vq_get(&n->tx, &id, &len))
			progress = true;
		while (!vhm_vq_get(&n->rx, &id, &len)) {
			size_t l = vhm_frame_len(s->received);

			vhm_frame_fill(frame, l, s->received);
			if (id >= FLIP_NUM || len != l + VHM_NET_HDR_LEN ||
			    memcmp(vhm_vq_buf(&n->rx, id) + VHM_NET_HDR_LEN, frame, l)) {
				vhm_stress_violation(&st.violations,
					"%s: frame %u: id %u len %u, expected len "
					"%zu: lost, reordered or corrupted",
					n->uuid, s->received, id, len,
					l + VHM_NET_HDR_LEN);
				/* Resynchronise on what came. */
			}
			s->received++;
			__atomic_fetch_add(&st.frames, 1, __ATOMIC_RELAXED);
			vhm_vq_add(&n->rx, FLIP_BUFSZ, true);
			vhm_vq_kick(&n->rx);
			progress = true;
		}
		if (progress)
			last_progress = vhm_stress_now_ns();
	}
	return NULL;
}

static void flip_counts(void)
{
	const struct vhm_stress_count c[] = {
		{ "flips", st.flips },
		{ "frames", st.frames },
		{ "kicks", st.kicks },
		{ "interrupts", st.interrupts },
		{ "violations", st.violations },
	};

	vhm_stress_counts_write(cfg.counts, c, sizeof(c) / sizeof(c[0]));
}

/* One stop, the checks of a quiescent device, one start. */
static void flip_once(struct vhm_net *n, struct vhm_rng *rng)
{
	int fd = n->vfio.device;
	uint16_t tx, rx;
	int btx, brx;

	vhm_stress_pause_us(rng, 3000);
	if (vhm_set_state(fd, VHOST_MDEV_S_STOPPED)) {
		vhm_stress_violation(&st.violations, "%s: SET_STATE(STOPPED): %s",
				     n->uuid, strerror(errno));
		return;
	}
	st.flips++;
	tx = __atomic_load_n(&n->tx.vr.used->idx, __ATOMIC_ACQUIRE);
	rx = __atomic_load_n(&n->rx.vr.used->idx, __ATOMIC_ACQUIRE);
	btx = vhm_get_base(fd, VHM_NET_TX);
	brx = vhm_get_base(fd, VHM_NET_RX);
	if (btx != tx || brx != rx)
		vhm_stress_violation(&st.violations, "%s: stopped, but GET_VRING_BASE "
				     "TX %d RX %d != used idx TX %u RX %u",
				     n->uuid, btx, brx, tx, rx);
	vhm_stress_pause_us(rng, 2000);
	if (n->tx.vr.used->idx != tx || n->rx.vr.used->idx != rx)
		vhm_stress_violation(&st.violations, "%s: used ring moved after "
				     "SET_STATE(STOPPED) returned (TX %u -> %u, RX "
				     "%u -> %u)", n->uuid, tx, n->tx.vr.used->idx,
				     rx, n->rx.vr.used->idx);
	if (vhm_set_state(fd, VHOST_MDEV_S_RUNNING))
		vhm_stress_violation(&st.violations, "%s: SET_STATE(RUNNING): %s",
				     n->uuid, strerror(errno));
	else
		st.flips++;
}

static void flip_usage(FILE *f)
{
	fprintf(f,
		"usage: vhm-flip -d UUID [-t SECS] [-s SEED] [-S SECS] [-L SECS] [-c FILE]\n"
		"SET_STATE flips with traffic on a vhost-mdev net instance; checks\n"
		"quiescence at every stop, lost interrupts, stalls, frame order.\n"
		"  -d UUID   the instance (vhost_mdev_sim-net; required)\n"
		"  -t SECS   run this long (default 10)\n"
		"  -s SEED   random seed (default: from the clock; printed)\n"
		"  -S SECS   no frame for this long is a stall (default 30)\n"
		"  -L SECS   used entries with no call this long: lost (default 10)\n"
		"  -c FILE   write the counters here for scripts/stress\n");
}

int main(int argc, char **argv)
{
	struct flip_sender s = { 0 };
	struct vhm_rng rng;
	struct vhm_net n;
	uint64_t last_counts = 0;
	pthread_t th;
	int opt, err, bad = 0;

	cfg.seed = vhm_stress_auto_seed();
	while ((opt = getopt(argc, argv, "d:t:s:S:L:c:h")) != -1) {
		switch (opt) {
		case 'd': cfg.device = optarg; break;
		case 't': bad |= vhm_stress_parse_num(optarg, &cfg.duration); break;
		case 's': bad |= vhm_stress_parse_seed(optarg, &cfg.seed); break;
		case 'S': bad |= vhm_stress_parse_num(optarg, &cfg.stall); break;
		case 'L': bad |= vhm_stress_parse_num(optarg, &cfg.lost); break;
		case 'c': cfg.counts = optarg; break;
		case 'h': flip_usage(stdout); return 0;
		default: flip_usage(stderr); return 2;
		}
	}
	if (bad) {
		fprintf(stderr, "%s: bad number in the options\n", argv[0]);
		flip_usage(stderr);
		return 2;
	}
	if (!cfg.device || optind != argc) {
		flip_usage(stderr);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("flip: seed 0x%016" PRIx64 ", %s, %.0f s\n", cfg.seed, cfg.device,
	       cfg.duration);
	vhm_rng_seed(&rng, cfg.seed);
	vhm_rng_seed(&s.rng, cfg.seed + 1);

	err = vhm_net_open(&n, cfg.device, FLIP_NUM, FLIP_BUFSZ, FLIP_MEMSZ);
	if (err) {
		fprintf(stderr, "flip: cannot open %s: %s\n", cfg.device,
			strerror(-err));
		return 1;
	}
	if (vhm_net_fill_rx(&n, FLIP_NUM) ||
	    vhm_set_state(n.vfio.device, VHOST_MDEV_S_RUNNING)) {
		fprintf(stderr, "flip: cannot start %s: %s\n", cfg.device,
			strerror(errno));
		return 1;
	}
	s.n = &n;
	vhm_stress_start(cfg.duration);
	err = pthread_create(&th, NULL, flip_sender_main, &s);
	if (err) {
		fprintf(stderr, "flip: cannot start the sender: %s\n", strerror(err));
		return 1;
	}
	while (!vhm_stress_done()) {
		flip_once(&n, &rng);
		if (vhm_stress_now_ns() - last_counts > 2000000000ull) {
			flip_counts();
			last_counts = vhm_stress_now_ns();
		}
	}
	s.stop = true;
	pthread_join(th, NULL);
	vhm_set_state(n.vfio.device, VHOST_MDEV_S_STOPPED);
	if (vhm_mdev_attr(cfg.device, "sim/errors") > 0)
		vhm_stress_violation(&st.violations, "%s: the simulator counted %lld "
				     "device errors", cfg.device,
				     vhm_mdev_attr(cfg.device, "sim/errors"));
	flip_counts();
	printf("flip: %s: %" PRIu64 " flips, %" PRIu64 " frames, %" PRIu64
	       " kicks, %" PRIu64 " interrupts, %" PRIu64 " violations\n",
	       cfg.device, st.flips, st.frames, st.kicks, st.interrupts,
	       st.violations);
	vhm_net_close(&n);
	return st.violations ? 1 : 0;
}
