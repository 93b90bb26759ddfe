// SPDX-License-Identifier: GPL-2.0
/*
 * vhm-latency: one frame in flight. Queue it, kick, wait for the TX
 * completion (interrupt or busy-poll), repeat; per backend: warm-up, then
 * repetitions of N samples (or a duration) with perf counters around each.
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

static struct {
	const char *backends;
	const char *device;
	const char *tap;
	const char *vdpa;
	const char *output;
	unsigned int samples;
	unsigned int warmup;
	unsigned int reps;
	double duration;
	unsigned int ring_size;
	unsigned int frame_size;
	int vring_base;
	int cpu;
	int peer_cpu;
	int fifo;
	bool busy_poll;
	bool no_event_idx;
	bool doorbell;
} cfg;

/* The run's environment: its clock names the unit of every time printed. */
static struct vhm_env env;

static const struct vhm_opt vhm_latency_opts[] = {
	{ "backend", 'b', "LIST", VHM_OPT_STR, &cfg.backends, "all",
	  "backends to measure: all, or a comma list of vhost-mdev, vhost-net, vhost-vdpa, floor" },
	{ "device", 'd', "UUID", VHM_OPT_STR, &cfg.device, "",
	  "vhost-mdev instance (default: the first one in /sys/bus/mdev/devices)" },
	{ "tap", 't', "NAME", VHM_OPT_STR, &cfg.tap, "",
	  "tap device of the vhost-net backend (default: a new vhmtapN)" },
	{ "vdpa", 'V', "NAME", VHM_OPT_STR, &cfg.vdpa, "",
	  "vdpa device of the vhost-vdpa backend (default: the only one bound to vhost_vdpa)" },
	{ "samples", 'n', "N", VHM_OPT_UINT, &cfg.samples, "5000",
	  "round trips measured per repetition" },
	{ "duration", 'D', "SECS", VHM_OPT_DOUBLE, &cfg.duration, "0",
	  "measure each repetition for SECS instead of N samples (0: use -n)" },
	{ "warmup", 'w', "N", VHM_OPT_UINT, &cfg.warmup, "500",
	  "round trips before measuring" },
	{ "reps", 'r', "N", VHM_OPT_UINT, &cfg.reps, "3",
	  "repetitions per backend" },
	{ "ring-size", 'q', "N", VHM_OPT_UINT, &cfg.ring_size, "256",
	  "virtqueue size (capped by the device)" },
	{ "frame-size", 's', "BYTES", VHM_OPT_UINT, &cfg.frame_size, "64",
	  "Ethernet frame size, virtio-net header excluded" },
	{ "vring-base", 'B', "IDX", VHM_OPT_INT, &cfg.vring_base, "0",
	  "first ring index (e.g. 65500 crosses the 16-bit wrap)" },
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
	  "write latency.json and CSVs to DIR, '-' for none (default: results/<run-id>)" },
	{ 0 },
};

static const char vhm_latency_doc[] =
	"Round-trip latency of one frame on the TX completion path: kick, wait "
	"for the interrupt, repeat. Compares vhost-mdev with the in-kernel "
	"vhost-net and with the eventfd floor.\v"
	"Examples:\n"
	"  vhm-latency                          # every backend, defaults\n"
	"  vhm-latency -b vhost-mdev -n 100000  # one backend, more samples\n"
	"  vhm-latency -D 5 -r 5 -c 0 -p 1      # 5 x 5 s, pinned to CPUs 0 and 1\n"
	"  vhm-latency -P -b floor,vhost-mdev   # busy-poll instead of sleeping\n"
	"  vhm-latency -o /tmp/run -B 65500     # across the ring index wrap";

struct vhm_latency_result {
	const char *backend;
	struct vhm_latency_summary sum;
	double ctx_per_op, sys_ctx_per_op;
	bool perf_valid;
};

static json_t *vhm_latency_params(void)
{
	return json_pack("{s:s, s:I, s:f, s:I, s:I, s:I, s:I, s:i, s:i, s:i, s:i, s:b, s:b, s:b}",
			 "backends", cfg.backends,
			 "samples", (json_int_t)cfg.samples,
			 "duration_s", cfg.duration,
			 "warmup", (json_int_t)cfg.warmup,
			 "repetitions", (json_int_t)cfg.reps,
			 "ring_size", (json_int_t)cfg.ring_size,
			 "frame_size", (json_int_t)cfg.frame_size,
			 "vring_base", cfg.vring_base,
			 "cpu", cfg.cpu,
			 "peer_cpu", cfg.peer_cpu,
			 "fifo", cfg.fifo,
			 "busy_poll", cfg.busy_poll,
			 "event_idx", !cfg.no_event_idx,
			 "doorbell", cfg.doorbell);
}

/* One frame out and back: the time from queueing it to seeing it used. */
static int vhm_round_trip(struct vhm_dev *d, uint64_t *ns)
{
	uint64_t t0 = vhm_now_ns();
	int n;

	if (vhm_tx_send(d, 1) != 1)
		return -ENOSPC;
	do {
		n = vhm_tx_complete(d, true);
	} while (n == 0);
	*ns = vhm_now_ns() - t0;
	return n < 0 ? n : 0;
}

/*
 * Progress: the work is round trips (warm-up and measured), or with
 * --duration the measured nanoseconds; step is the backend, k of n.
 */
static struct {
	int step, steps;
	uint64_t base;		/* units of the backends before this one */
} prog;

static uint64_t vhm_latency_units(void)
{
	if (cfg.duration > 0)
		return (uint64_t)(cfg.duration * 1e9) * cfg.reps;
	return (uint64_t)cfg.warmup + (uint64_t)cfg.samples * cfg.reps;
}

static void vhm_latency_progress(const char *name, unsigned int rep,
				 uint64_t done, unsigned int samples)
{
	if (rep == -1u)
		vhm_progress(prog.base + done, "%s (backend %d/%d), warm-up", name,
			     prog.step, prog.steps);
	else
		vhm_progress(prog.base + done, "%s (backend %d/%d), repetition %u/%u, "
			     "%u samples", name, prog.step, prog.steps, rep + 1,
			     cfg.reps, samples);
}

/* One repetition into s; perf counters around it. */
static int vhm_latency_rep(struct vhm_dev *d, struct vhm_samples *s,
			   struct vhm_perf *perf, const char *name, unsigned int rep)
{
	uint64_t dur = (uint64_t)(cfg.duration * 1e9), start = vhm_now_ns();
	uint64_t end = cfg.duration > 0 ? start + dur : 0;
	uint64_t ns, done;
	int err = 0;

	vhm_perf_start(perf);
	for (unsigned int i = 0; end ? vhm_now_ns() < end : i < cfg.samples; i++) {
		err = vhm_round_trip(d, &ns);
		if (err)
			break;
		err = vhm_samples_add(s, ns);
		if (err)
			break;
		if (i & 255)
			continue;
		/* Between two round trips: outside every timed interval. */
		if (end)
			done = rep * dur + (vhm_now_ns() - start);
		else
			done = cfg.warmup + (uint64_t)rep * cfg.samples + i;
		vhm_latency_progress(name, rep, done, i);
	}
	vhm_perf_stop(perf);
	return err;
}

static json_t *vhm_rep_json(struct vhm_samples *s, const struct vhm_perf *perf)
{
	struct vhm_latency_summary sum;
	json_t *obj;

	vhm_summarize(s, &sum);
	obj = vhm_latency_json(&sum);
	json_object_set_new(obj, "perf", vhm_perf_json(perf, sum.n));
	return obj;
}

static void vhm_csv_rep(FILE *csv, const char *backend, unsigned int rep,
			struct vhm_samples *s, const struct vhm_perf *perf)
{
	struct vhm_latency_summary sum;

	if (!csv)
		return;
	vhm_summarize(s, &sum);
	fprintf(csv, "%s,%u,%zu,%llu,%llu,%llu,%llu,%llu,%llu,%.1f,%.3f,%.3f,%s\n",
		backend, rep, sum.n, (unsigned long long)sum.min,
		(unsigned long long)sum.p50, (unsigned long long)sum.p90,
		(unsigned long long)sum.p99, (unsigned long long)sum.p999,
		(unsigned long long)sum.max, sum.mean,
		sum.n ? (double)perf->value[VHM_PERF_CONTEXT_SWITCHES] / (double)sum.n : 0,
		sum.n ? (double)perf->value[VHM_PERF_SYS_CONTEXT_SWITCHES] / (double)sum.n : 0,
		env.clock);
}

static int vhm_latency_backend(const char *name, json_t *results, FILE *csv,
			       FILE *hist_csv, struct vhm_latency_result *res)
{
	struct vhm_dev_opts dopts = {
		.backend = name, .device = cfg.device, .tap = cfg.tap,
		.vdpa = cfg.vdpa,
		.ring_size = cfg.ring_size, .frame_len = cfg.frame_size,
		.vring_base = (uint16_t)cfg.vring_base, .busy_poll = cfg.busy_poll,
		.no_event_idx = cfg.no_event_idx, .peer_cpu = cfg.peer_cpu,
		.doorbell = cfg.doorbell,
	};
	struct vhm_samples all, rep;
	double *medians = calloc(cfg.reps ? cfg.reps : 1, sizeof(double));
	uint64_t ctx = 0, sys_ctx = 0, ns;
	json_t *jr, *jreps;
	struct vhm_perf perf;
	struct vhm_hist hist;
	struct vhm_dev d;
	uint16_t base = 0;
	json_t *range;
	double lo, hi;
	int err;

	memset(res, 0, sizeof(*res));
	res->backend = name;
	if (!medians || vhm_samples_init(&all, (size_t)cfg.samples * cfg.reps) ||
	    vhm_samples_init(&rep, cfg.samples)) {
		free(medians);
		return -ENOMEM;
	}
	vhm_perf_open(&perf);
	err = vhm_dev_open(&d, &dopts);
	if (err)
		goto out;

	for (unsigned int i = 0; i < cfg.warmup && !err; i++) {
		err = vhm_round_trip(&d, &ns);
		if (!(i & 255) && cfg.duration <= 0)
			vhm_latency_progress(name, -1u, i, 0);
	}
	jreps = json_array();
	for (unsigned int r = 0; r < cfg.reps && !err; r++) {
		rep.n = 0;
		err = vhm_latency_rep(&d, &rep, &perf, name, r);
		medians[r] = (double)vhm_percentile(&rep, 50);
		json_array_append_new(jreps, vhm_rep_json(&rep, &perf));
		vhm_csv_rep(csv, name, r, &rep, &perf);
		ctx += perf.value[VHM_PERF_CONTEXT_SWITCHES];
		sys_ctx += perf.value[VHM_PERF_SYS_CONTEXT_SWITCHES];
		if (!err)
			err = vhm_samples_merge(&all, &rep);
	}
	vhm_progress_done();
	if (err) {
		fprintf(stderr, "%s: round trip failed: %s\n", name, strerror(-err));
		json_decref(jreps);
		goto close;
	}

	vhm_summarize(&all, &res->sum);
	res->perf_valid = perf.valid[VHM_PERF_CONTEXT_SWITCHES];
	res->ctx_per_op = all.n ? (double)ctx / (double)all.n : 0;
	res->sys_ctx_per_op = all.n ? (double)sys_ctx / (double)all.n : 0;
	vhm_hist_from_samples(&hist, &all);
	/* The per-repetition spread of p50; null for one repetition. */
	range = vhm_range(medians, cfg.reps, &lo, &hi) ? json_null() :
		json_pack("{s:f, s:f}", "min", lo, "max", hi);
	/* Stopped, the device is quiet: read where it stopped and what it sent. */
	d.ops->stop(&d);
	d.tx.started = false;
	if (d.ops->vring_base)
		d.ops->vring_base(&d, 1, &base);
	vhm_dev_drain_calls(&d);

	jr = json_pack("{s:s, s:s, s:I, s:b, s:b, s:o, s:o, s:o, s:o, s:f, s:f, s:o, s:i, s:i}",
		       "backend", name,
		       "device", d.opts.device ? d.opts.device : "",
		       "features", (json_int_t)d.features,
		       "event_idx", d.tx.vr.event_idx,
		       "busy_poll", cfg.busy_poll,
		       "summary", vhm_latency_json(&res->sum),
		       "repetitions", jreps,
		       "p50_reps_range_ns", range,
		       "histogram", vhm_hist_json(&hist),
		       "context_switches_per_op", res->ctx_per_op,
		       "system_context_switches_per_op", res->sys_ctx_per_op,
		       "driver_counters", vhm_dev_counters_json(&d),
		       "vring_base_end", base,
		       "driver_avail_idx", d.tx.vr.avail_idx);
	if (!strcmp(name, "vhost-mdev"))
		json_object_set_new(jr, "device_counters", vhm_sim_counters(d.opts.device) ?: json_null());
	json_array_append_new(results, jr);

	for (unsigned int b = 0; hist_csv && b < VHM_HIST_BUCKETS; b++) {
		uint64_t lo, hi;

		if (!hist.count[b])
			continue;
		vhm_hist_bounds(b, &lo, &hi);
		fprintf(hist_csv, "%s,%llu,%llu,%llu,%s\n", name, (unsigned long long)lo,
			(unsigned long long)hi, (unsigned long long)hist.count[b], env.clock);
	}
close:
	vhm_dev_close(&d);
out:
	vhm_perf_close(&perf);
	vhm_samples_free(&all);
	vhm_samples_free(&rep);
	free(medians);
	return err;
}

static const struct vhm_latency_result *
vhm_find_result(const struct vhm_latency_result *r, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(r[i].backend, name) && r[i].sum.n)
			return &r[i];
	return NULL;
}

static void vhm_print_ratio(const struct vhm_latency_result *a,
			    const struct vhm_latency_result *b)
{
	if (!a || !b || !b->sum.p50 || !b->sum.p99)
		return;
	printf("%s / %s: p50 %.2fx, p99 %.2fx\n", a->backend, b->backend,
	       (double)a->sum.p50 / (double)b->sum.p50,
	       (double)a->sum.p99 / (double)b->sum.p99);
}

static void vhm_print_table(const struct vhm_latency_result *r, int n)
{
	static const char *const cols[] = { "min", "p50", "p90", "p99", "p99.9", "max" };
	/* "p99.9(vus)" needs one more column than "p99.9(us)" */
	int w = vhm_env_virtual(&env) ? 10 : 9;
	char head[sizeof(cols) / sizeof(cols[0])][16];

	for (size_t c = 0; c < sizeof(cols) / sizeof(cols[0]); c++)
		snprintf(head[c], sizeof(head[c]), "%s(%s)", cols[c], vhm_unit_us(&env));
	vhm_print_clock_note(stdout, &env);
	printf("%-20s %8s %*s %*s %*s %*s %*s %*s %7s %7s\n", "backend", "samples",
	       w, head[0], w, head[1], w, head[2], w, head[3], w, head[4], w, head[5],
	       "cs/op", "syscs/op");
	for (int i = 0; i < n; i++) {
		const struct vhm_latency_summary *s = &r[i].sum;

		if (!s->n) {
			printf("%-20s %8s\n", r[i].backend, "failed");
			continue;
		}
		printf("%-20s %8zu %*.2f %*.2f %*.2f %*.2f %*.2f %*.2f %7.2f %7.2f\n",
		       r[i].backend, s->n, w, s->min / 1e3, w, s->p50 / 1e3,
		       w, s->p90 / 1e3, w, s->p99 / 1e3, w, s->p999 / 1e3,
		       w, s->max / 1e3, r[i].ctx_per_op, r[i].sys_ctx_per_op);
	}
	vhm_print_ratio(vhm_find_result(r, n, "vhost-mdev"), vhm_find_result(r, n, "vhost-net"));
	vhm_print_ratio(vhm_find_result(r, n, "vhost-mdev"), vhm_find_result(r, n, "floor"));
	vhm_print_ratio(vhm_find_result(r, n, "vhost-net"), vhm_find_result(r, n, "floor"));
}

int main(int argc, char **argv)
{
	struct vhm_latency_result res[VHM_MAX_BACKENDS];
	const char *names[VHM_MAX_BACKENDS];
	FILE *csv = NULL, *hist_csv = NULL;
	char outdir[512], desc[160];
	json_t *doc;
	int n, failed = 0, err;

	err = vhm_opts_parse(vhm_latency_opts, argc, argv, vhm_latency_doc);
	if (err)
		return 2;
	n = vhm_backends_parse(cfg.backends, names, VHM_MAX_BACKENDS);
	if (n < 0)
		return 2;
	if (!cfg.samples && cfg.duration <= 0) {
		fprintf(stderr, "nothing to measure: give --samples or --duration\n");
		return 2;
	}
	if (cfg.vring_base < 0 || cfg.vring_base > 65535) {
		fprintf(stderr, "--vring-base %d is not a 16-bit index\n", cfg.vring_base);
		return 2;
	}
	cfg.fifo = vhm_sched_driver(cfg.fifo);
	if (cfg.fifo < 0)
		return 1;
	if (vhm_pin_cpu(cfg.cpu))
		return 1;

	vhm_env_collect(&env);
	snprintf(outdir, sizeof(outdir), "%s", cfg.output[0] ? cfg.output : "results/");
	if (!cfg.output[0])
		snprintf(outdir, sizeof(outdir), "results/%s", env.run_id);
	if (strcmp(outdir, "-")) {
		csv = vhm_report_open(outdir, "latency.csv");
		hist_csv = vhm_report_open(outdir, "latency-hist.csv");
		if (!csv || !hist_csv)
			return 1;
		/* clock: virtual when the _ns columns are virtual ns */
		fprintf(csv, "backend,rep,samples,min_ns,p50_ns,p90_ns,p99_ns,p999_ns,"
			"max_ns,mean_ns,cs_per_op,sys_cs_per_op,clock\n");
		fprintf(hist_csv, "backend,lo_ns,hi_ns,count,clock\n");
	}

	doc = vhm_report_new("vhm-latency", &env, vhm_latency_params());
	vhm_progress_begin("vhm-latency", vhm_latency_units() * n);
	prog.steps = n;
	for (int i = 0; i < n; i++) {
		prog.step = i + 1;
		prog.base = vhm_latency_units() * i;
		if (vhm_latency_backend(names[i], json_object_get(doc, "results"),
					csv, hist_csv, &res[i])) {
			fprintf(stderr, "%s: no result\n", names[i]);
			failed++;
		}
	}

	printf("latency, one frame in flight, %u-byte frames, %s%s (%s)\n",
	       cfg.frame_size, cfg.busy_poll ? "busy-poll" : "interrupts",
	       cfg.fifo ? ", driver SCHED_FIFO" : "",
	       vhm_env_describe(&env, desc, sizeof(desc)));
	vhm_print_table(res, n);

	if (csv)
		fclose(csv);
	if (hist_csv)
		fclose(hist_csv);
	if (strcmp(outdir, "-")) {
		if (vhm_report_write(doc, outdir, "latency.json"))
			failed++;
		else
			printf("results: %s/latency.json\n", outdir);
	}
	json_decref(doc);
	return failed ? 1 : 0;
}
