// SPDX-License-Identifier: GPL-2.0
/*
 * vhm-throughput: keep up to DEPTH frames in flight, queued BATCH at a
 * time with one kick per batch (when the device wants it), reaping
 * completions on interrupt or by polling. Sweeps batch, frame size and
 * depth; per point: frames/s, Gbit/s, kicks/s, interrupts/s, frames per
 * kick and per interrupt, perf counters per frame.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dev.h"
#include "opts.h"
#include "perf.h"
#include "report.h"
#include "run.h"
#include "stats.h"

#define VHM_MAX_BACKENDS	8
#define VHM_MAX_POINTS		(VHM_MAX_BACKENDS * 64)

static struct {
	const char *backends;
	const char *device;
	const char *tap;
	const char *vdpa;
	const char *output;
	struct vhm_uint_list batch;
	struct vhm_uint_list frame;
	struct vhm_uint_list depth;
	double duration;
	double warmup;
	unsigned int reps;
	unsigned int queues;
	int cpu;
	int peer_cpu;
	int fifo;
	bool busy_poll;
	bool no_event_idx;
	bool doorbell;
} cfg;

/* The run's environment: its clock names the unit of every rate printed. */
static struct vhm_env env;

static const struct vhm_opt vhm_tput_opts[] = {
	{ "backend", 'b', "LIST", VHM_OPT_STR, &cfg.backends, "all",
	  "backends to measure: all, or a comma list of vhost-mdev, vhost-net, vhost-vdpa, floor" },
	{ "device", 'd', "UUID", VHM_OPT_STR, &cfg.device, "",
	  "vhost-mdev instance (default: the first one in /sys/bus/mdev/devices)" },
	{ "tap", 't', "NAME", VHM_OPT_STR, &cfg.tap, "",
	  "tap device of the vhost-net backend (default: a new vhmtapN)" },
	{ "vdpa", 'V', "NAME", VHM_OPT_STR, &cfg.vdpa, "",
	  "vdpa device of the vhost-vdpa backend (default: the only one bound to vhost_vdpa)" },
	{ "batch", 'k', "LIST", VHM_OPT_LIST, &cfg.batch, "1,8,32",
	  "frames queued per kick, a sweep" },
	{ "frame-size", 's', "LIST", VHM_OPT_LIST, &cfg.frame, "64,1514",
	  "Ethernet frame sizes, a sweep" },
	{ "depth", 'q', "LIST", VHM_OPT_LIST, &cfg.depth, "256",
	  "frames in flight at most (ring size: next power of 2), a sweep" },
	{ "queues", 'Q', "N", VHM_OPT_UINT, &cfg.queues, "1",
	  "queue pairs (the simulator and the tap peer offer 1)" },
	{ "duration", 'D', "SECS", VHM_OPT_DOUBLE, &cfg.duration, "0.5",
	  "measured time per point and repetition" },
	{ "warmup", 'w', "SECS", VHM_OPT_DOUBLE, &cfg.warmup, "0.1",
	  "unmeasured time before each point" },
	{ "reps", 'r', "N", VHM_OPT_UINT, &cfg.reps, "2",
	  "repetitions per point" },
	{ "cpu", 'c', "CPU", VHM_OPT_INT, &cfg.cpu, "-1",
	  "pin the driver thread to CPU (-1: no pinning)" },
	{ "peer-cpu", 'p', "CPU", VHM_OPT_INT, &cfg.peer_cpu, "-1",
	  "pin the floor's responder thread to CPU (-1: no pinning)" },
	{ "fifo", 'R', "PRIO", VHM_OPT_INT, &cfg.fifo, "-1",
	  "run SCHED_FIFO at PRIO, 0 for the fair scheduler; -1: 10 on the virtual "
	  "clock (one vCPU runs driver and device in turns, and the fair scheduler "
	  "makes round trips bimodal there), else 0" },
	{ "busy-poll", 'P', NULL, VHM_OPT_FLAG, &cfg.busy_poll, NULL,
	  "spin on the used ring instead of sleeping on the call eventfd" },
	{ "no-event-idx", 'E', NULL, VHM_OPT_FLAG, &cfg.no_event_idx, NULL,
	  "do not negotiate VIRTIO_RING_F_EVENT_IDX" },
	{ "doorbell", 'y', NULL, VHM_OPT_FLAG, &cfg.doorbell, NULL,
	  "vhost-mdev: also write the vq's doorbell page (mmap of the device fd) "
	  "on every publish, which a polling device watches (docs/ABI.md)" },
	{ "output", 'o', "DIR", VHM_OPT_STR, &cfg.output, "",
	  "write throughput.json and .csv to DIR, '-' for none (default: results/<run-id>)" },
	{ 0 },
};

static const char vhm_tput_doc[] =
	"TX throughput with many frames in flight, swept over batch size, frame "
	"size and queue depth, for vhost-mdev, vhost-net and the eventfd floor.\v"
	"Examples:\n"
	"  vhm-throughput                            # default sweep, every backend\n"
	"  vhm-throughput -b vhost-mdev -k 1,4,16,64 # batch sweep on one backend\n"
	"  vhm-throughput -s 64,512,1514 -q 64,256   # frame size x depth\n"
	"  vhm-throughput -D 5 -r 5 -P               # longer, busy-polling";

struct vhm_tput_point {
	const char *backend;
	unsigned int batch, frame, depth;
	double fps, gbps, kicks_ps, irqs_ps, per_kick, per_irq;
	double fps_lo, fps_hi;	/* repetitions' spread, when spread */
	unsigned int reps;
	bool ok, spread;
};

struct vhm_tput_counts {
	uint64_t frames, kicks, irqs;
};

/* Progress: the work is the sweep's nanoseconds of warm-up and measuring. */
static struct {
	int point, points;
	uint64_t done, per_point;
} prog;

static uint64_t vhm_ns(double secs)
{
	return secs > 0 ? (uint64_t)(secs * 1e9) : 0;
}

static void vhm_tput_snap(const struct vhm_dev *d, struct vhm_tput_counts *c)
{
	c->frames = d->tx.frames;
	c->kicks = d->tx.kicks + d->rx.kicks;
	c->irqs = d->tx.interrupts;
}

/* Run the pipeline for secs; 0 or -errno. */
static int vhm_tput_run(struct vhm_dev *d, unsigned int batch,
			unsigned int depth, double secs)
{
	uint64_t end = vhm_now_ns() + (uint64_t)(secs * 1e9);
	int n;

	while (vhm_now_ns() < end) {
		while (vhm_tx_inflight(d) + batch <= depth)
			if (!vhm_tx_send(d, batch))
				break;
		n = vhm_tx_complete(d, true);
		if (n < 0)
			return n;
	}
	/* Let what is in flight finish: the device counters then match ours. */
	while (vhm_tx_inflight(d)) {
		n = vhm_tx_complete(d, true);
		if (n < 0)
			return n;
	}
	return 0;
}

static unsigned int vhm_pow2_at_least(unsigned int v)
{
	unsigned int p = 1;

	while (p < v && p < 32768)
		p <<= 1;
	return p;
}

/* One row; the spread columns are empty (null) for one repetition. */
static void vhm_tput_csv(FILE *csv, const struct vhm_tput_point *pt)
{
	char lo[32] = "", hi[32] = "";

	if (!csv)
		return;
	if (pt->spread) {
		snprintf(lo, sizeof(lo), "%.1f", pt->fps_lo);
		snprintf(hi, sizeof(hi), "%.1f", pt->fps_hi);
	}
	fprintf(csv, "%s,%u,%u,%u,%.1f,%u,%s,%s,%.4f,%.1f,%.1f,%.2f,%.2f,%s\n",
		pt->backend, pt->batch, pt->frame, pt->depth, pt->fps, pt->reps, lo, hi,
		pt->gbps, pt->kicks_ps, pt->irqs_ps, pt->per_kick, pt->per_irq, env.clock);
}

static int vhm_tput_point(const char *name, struct vhm_tput_point *pt,
			  json_t *results, FILE *csv)
{
	struct vhm_dev_opts dopts = {
		.backend = name, .device = cfg.device, .tap = cfg.tap,
		.vdpa = cfg.vdpa,
		.ring_size = vhm_pow2_at_least(pt->depth), .frame_len = pt->frame,
		.busy_poll = cfg.busy_poll, .no_event_idx = cfg.no_event_idx,
		.doorbell = cfg.doorbell,
		.peer_cpu = cfg.peer_cpu,
	};
	double fps[64] = { 0 };
	struct vhm_tput_counts a, b, sum = { 0 };
	unsigned int depth = pt->depth, reps = cfg.reps > 64 ? 64 : cfg.reps;
	double elapsed = 0;
	struct vhm_perf perf;
	json_t *jreps, *jr;
	struct vhm_dev d;
	int err;

	pt->backend = name;
	err = vhm_dev_open(&d, &dopts);
	if (err)
		return err;
	if (depth > d.tx.vr.num)
		depth = d.tx.vr.num;	/* the device caps the ring */
	if (pt->batch > depth)
		pt->batch = depth;
	vhm_perf_open(&perf);
	jreps = json_array();

	vhm_progress(prog.done, "point %d/%d: %s batch %u frame %u depth %u, warm-up",
		     prog.point, prog.points, name, pt->batch, pt->frame, depth);
	err = vhm_tput_run(&d, pt->batch, depth, cfg.warmup);
	prog.done += vhm_ns(cfg.warmup);
	for (unsigned int r = 0; r < reps && !err; r++) {
		uint64_t t0, t1;

		/* Before the repetition's clock starts: not in its time. */
		vhm_progress(prog.done, "point %d/%d: %s batch %u frame %u depth %u, "
			     "repetition %u/%u", prog.point, prog.points, name,
			     pt->batch, pt->frame, depth, r + 1, reps);
		vhm_tput_snap(&d, &a);
		vhm_perf_start(&perf);
		t0 = vhm_now_ns();
		err = vhm_tput_run(&d, pt->batch, depth, cfg.duration);
		t1 = vhm_now_ns();
		vhm_perf_stop(&perf);
		vhm_tput_snap(&d, &b);
		prog.done += vhm_ns(cfg.duration);
		fps[r] = (double)(b.frames - a.frames) * 1e9 / (double)(t1 - t0);
		elapsed += (double)(t1 - t0) / 1e9;
		sum.frames += b.frames - a.frames;
		sum.kicks += b.kicks - a.kicks;
		sum.irqs += b.irqs - a.irqs;
		json_array_append_new(jreps, json_pack("{s:I, s:I, s:I, s:f, s:f, s:o}",
			"frames", (json_int_t)(b.frames - a.frames),
			"kicks", (json_int_t)(b.kicks - a.kicks),
			"interrupts", (json_int_t)(b.irqs - a.irqs),
			"seconds", (double)(t1 - t0) / 1e9,
			"frames_per_s", fps[r],
			"perf", vhm_perf_json(&perf, b.frames - a.frames)));
	}
	vhm_progress_done();
	if (err) {
		fprintf(stderr, "%s: throughput run failed: %s\n", name, strerror(-err));
		json_decref(jreps);
		goto out;
	}

	d.ops->stop(&d);
	d.tx.started = false;
	vhm_dev_drain_calls(&d);
	pt->reps = reps;
	pt->spread = !vhm_range(fps, reps, &pt->fps_lo, &pt->fps_hi);
	pt->depth = depth;
	pt->fps = elapsed > 0 ? (double)sum.frames / elapsed : 0;
	pt->gbps = pt->fps * pt->frame * 8 / 1e9;
	pt->kicks_ps = elapsed > 0 ? (double)sum.kicks / elapsed : 0;
	pt->irqs_ps = elapsed > 0 ? (double)sum.irqs / elapsed : 0;
	pt->per_kick = sum.kicks ? (double)sum.frames / (double)sum.kicks : 0;
	pt->per_irq = sum.irqs ? (double)sum.frames / (double)sum.irqs : 0;
	pt->ok = true;

	jr = json_pack("{s:s, s:I, s:I, s:I, s:I, s:b, s:b, s:f, s:o, s:o, s:f, s:f, s:f, s:f, s:f, s:o, s:o}",
		       "backend", name,
		       "batch", (json_int_t)pt->batch,
		       "frame_size", (json_int_t)pt->frame,
		       "depth", (json_int_t)depth,
		       "ring_size", (json_int_t)d.tx.vr.num,
		       "event_idx", d.tx.vr.event_idx,
		       "busy_poll", cfg.busy_poll,
		       "frames_per_s", pt->fps,
		       /* The repetitions' slowest and fastest; null for one. */
		       "frames_per_s_rep_min", pt->spread ? json_real(pt->fps_lo) : json_null(),
		       "frames_per_s_rep_max", pt->spread ? json_real(pt->fps_hi) : json_null(),
		       "gbit_per_s", pt->gbps,
		       "kicks_per_s", pt->kicks_ps,
		       "interrupts_per_s", pt->irqs_ps,
		       "frames_per_kick", pt->per_kick,
		       "frames_per_interrupt", pt->per_irq,
		       "repetitions", jreps,
		       "driver_counters", vhm_dev_counters_json(&d));
	if (!strcmp(name, "vhost-mdev"))
		json_object_set_new(jr, "device_counters",
				    vhm_sim_counters(d.opts.device) ?: json_null());
	json_array_append_new(results, jr);
	vhm_tput_csv(csv, pt);
out:
	vhm_perf_close(&perf);
	vhm_dev_close(&d);
	return err;
}

static const struct vhm_tput_point *
vhm_tput_peer(const struct vhm_tput_point *pts, int n, const struct vhm_tput_point *p,
	      const char *backend)
{
	for (int i = 0; i < n; i++)
		if (pts[i].ok && !strcmp(pts[i].backend, backend) &&
		    pts[i].batch == p->batch && pts[i].frame == p->frame &&
		    pts[i].depth == p->depth)
			return &pts[i];
	return NULL;
}

/* Frames per kick or interrupt; "none" when there was no such event. */
static const char *vhm_per_event(char *buf, double per, double events_ps)
{
	if (events_ps <= 0)
		return "none";
	snprintf(buf, 16, "%.2f", per);
	return buf;
}

static void vhm_tput_print(const struct vhm_tput_point *pts, int n)
{
	const char *per_s = vhm_unit_per_s(&env);
	char fps[16], gbps[16], kps[16], ips[16];

	snprintf(fps, sizeof(fps), "frames%s", per_s);
	snprintf(gbps, sizeof(gbps), "Gbit%s", per_s);
	snprintf(kps, sizeof(kps), "kicks%s", per_s);
	snprintf(ips, sizeof(ips), "irqs%s", per_s);
	vhm_print_clock_note(stdout, &env);
	printf("%-20s %5s %5s %5s %11s %8s %10s %10s %7s %7s %8s %8s\n", "backend",
	       "batch", "frame", "depth", fps, gbps, kps, ips,
	       "f/kick", "f/irq", "/vh-net", "/floor");
	for (int i = 0; i < n; i++) {
		const struct vhm_tput_point *p = &pts[i], *net, *floor;
		char rn[16] = "", rf[16] = "", fk[16], fi[16];

		if (!p->ok) {
			printf("%-20s %5u %5u %5u %11s\n", p->backend, p->batch,
			       p->frame, p->depth, "failed");
			continue;
		}
		net = vhm_tput_peer(pts, n, p, "vhost-net");
		floor = vhm_tput_peer(pts, n, p, "floor");
		if (net && net != p && net->fps > 0)
			snprintf(rn, sizeof(rn), "%.2fx", p->fps / net->fps);
		if (floor && floor != p && floor->fps > 0)
			snprintf(rf, sizeof(rf), "%.2fx", p->fps / floor->fps);
		printf("%-20s %5u %5u %5u %11.0f %8.3f %10.0f %10.0f %7s %7s %8s %8s\n",
		       p->backend, p->batch, p->frame, p->depth, p->fps, p->gbps,
		       p->kicks_ps, p->irqs_ps, vhm_per_event(fk, p->per_kick, p->kicks_ps),
		       vhm_per_event(fi, p->per_irq, p->irqs_ps), rn, rf);
	}
}

static json_t *vhm_list_json(const struct vhm_uint_list *l)
{
	json_t *a = json_array();

	for (unsigned int i = 0; i < l->n; i++)
		json_array_append_new(a, json_integer(l->v[i]));
	return a;
}

int main(int argc, char **argv)
{
	static struct vhm_tput_point pts[VHM_MAX_POINTS];
	const char *names[VHM_MAX_BACKENDS];
	char outdir[512], desc[160];
	FILE *csv = NULL;
	int n, npts = 0, failed = 0;
	json_t *doc, *params;

	if (vhm_opts_parse(vhm_tput_opts, argc, argv, vhm_tput_doc))
		return 2;
	n = vhm_backends_parse(cfg.backends, names, VHM_MAX_BACKENDS);
	if (n < 0)
		return 2;
	if (cfg.queues != 1) {
		fprintf(stderr, "--queues %u: the simulator and the vhost-net tap "
			"peer offer one queue pair\n", cfg.queues);
		return 2;
	}
	if (cfg.duration <= 0 || !cfg.reps) {
		fprintf(stderr, "nothing to measure: --duration and --reps must be > 0\n");
		return 2;
	}
	if ((size_t)n * cfg.batch.n * cfg.frame.n * cfg.depth.n > VHM_MAX_POINTS) {
		fprintf(stderr, "sweep too large: at most %d points\n", VHM_MAX_POINTS);
		return 2;
	}
	for (unsigned int i = 0; i < cfg.batch.n; i++)
		if (!cfg.batch.v[i]) {
			fprintf(stderr, "--batch 0 sends nothing\n");
			return 2;
		}
	cfg.fifo = vhm_sched_driver(cfg.fifo);
	if (cfg.fifo < 0)
		return 1;
	if (vhm_pin_cpu(cfg.cpu))
		return 1;

	vhm_env_collect(&env);
	if (cfg.output[0])
		snprintf(outdir, sizeof(outdir), "%s", cfg.output);
	else
		snprintf(outdir, sizeof(outdir), "results/%s", env.run_id);
	if (strcmp(outdir, "-")) {
		csv = vhm_report_open(outdir, "throughput.csv");
		if (!csv)
			return 1;
		/* clock: virtual when the _per_s columns are per virtual second */
		fprintf(csv, "backend,batch,frame_size,depth,frames_per_s,reps,rep_min,rep_max,"
			"gbit_per_s,kicks_per_s,interrupts_per_s,frames_per_kick,"
			"frames_per_interrupt,clock\n");
	}
	params = json_pack("{s:s, s:o, s:o, s:o, s:I, s:f, s:f, s:I, s:i, s:i, s:i, s:b, s:b, s:b}",
			   "backends", cfg.backends,
			   "batch", vhm_list_json(&cfg.batch),
			   "frame_size", vhm_list_json(&cfg.frame),
			   "depth", vhm_list_json(&cfg.depth),
			   "queues", (json_int_t)cfg.queues,
			   "duration_s", cfg.duration,
			   "warmup_s", cfg.warmup,
			   "repetitions", (json_int_t)cfg.reps,
			   "cpu", cfg.cpu,
			   "peer_cpu", cfg.peer_cpu,
			   "fifo", cfg.fifo,
			   "busy_poll", cfg.busy_poll,
			   "event_idx", !cfg.no_event_idx,
			   "doorbell", cfg.doorbell);
	doc = vhm_report_new("vhm-throughput", &env, params);

	prog.points = n * cfg.batch.n * cfg.frame.n * cfg.depth.n;
	prog.per_point = vhm_ns(cfg.warmup) +
			 vhm_ns(cfg.duration) * (cfg.reps > 64 ? 64 : cfg.reps);
	vhm_progress_begin("vhm-throughput", prog.points * prog.per_point);
	for (unsigned int f = 0; f < cfg.frame.n; f++)
		for (unsigned int q = 0; q < cfg.depth.n; q++)
			for (unsigned int k = 0; k < cfg.batch.n; k++)
				for (int b = 0; b < n; b++) {
					struct vhm_tput_point *p = &pts[npts++];

					p->backend = names[b];
					p->batch = cfg.batch.v[k];
					p->frame = cfg.frame.v[f];
					p->depth = cfg.depth.v[q];
					prog.point = npts;
					prog.done = (npts - 1) * prog.per_point;
					if (vhm_tput_point(names[b], p,
							   json_object_get(doc, "results"), csv))
						failed++;
				}

	printf("throughput, %s%s (%s), %.1f %ss x %u per point\n",
	       cfg.busy_poll ? "busy-poll" : "interrupts",
	       cfg.fifo ? ", driver SCHED_FIFO" : "",
	       vhm_env_describe(&env, desc, sizeof(desc)), cfg.duration,
	       vhm_env_virtual(&env) ? "virtual " : "", cfg.reps);
	vhm_tput_print(pts, npts);
	if (csv)
		fclose(csv);
	if (strcmp(outdir, "-")) {
		if (vhm_report_write(doc, outdir, "throughput.json"))
			failed++;
		else
			printf("results: %s/throughput.json\n", outdir);
	}
	json_decref(doc);
	return failed ? 1 : 0;
}
