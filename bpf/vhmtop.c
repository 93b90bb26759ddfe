// SPDX-License-Identifier: GPL-2.0
/*
 * vhmtop: per-device (or, with -Q, per-vq) rates of the vhost_mdev data
 * path, refreshed top-style: kicks/s, interrupts/s, buffers/s, buffers per
 * kick and per interrupt, the used index (vring base) and errors. --json
 * for one object per interval.
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <jansson.h>
#include <linux/types.h>
#include <bpf/libbpf.h>
#include <bpf/bpf.h>
#include "vhmtop.h"
#include "vhmtop.skel.h"
#include "vhm_common.h"

#define MAX_ROWS (VHM_MAX_DEV * VHM_MAX_VQ)
#define ALL_VQS 0xffff

struct vhmtop_key {
	__u32 dev;
	__u32 vq;	/* ALL_VQS: the device's vqs summed */
};

static struct env {
	int interval;
	long times;
	int rows;
	bool json;
	bool clear;
	bool per_vq;
} env = {
	.interval = 1,
	.rows = 20,
	.clear = true,
};

struct row {
	struct vhmtop_key key;
	struct vhmtop_stats now;	/* totals read this interval */
	struct vhmtop_stats prev;	/* totals read the interval before */
	__u32 used_idx;			/* per vq only */
	double kicks, calls, buffers;	/* per second over the interval */
};

static struct row rows[MAX_ROWS];
static int nrows;

const char *argp_program_version = "vhmtop 0.2";
static const char doc[] =
"Show the rates of vhost_mdev devices, refreshed every interval: kicks/s,\n"
"interrupts/s, buffers/s, buffers per kick and per interrupt, device\n"
"errors; a row per device, or per vq with the used index (-Q). Then the\n"
"totals since the start.\n"
"\n"
"USAGE: vhmtop [-Q] [-r ROWS] [-C] [-j] [-d DEV] [-q VQ] [-p PID]\n"
"              [-c COMM] [interval [count]]\n"
"\n"
"EXAMPLES:\n"
"    vhmtop             # refresh every second until Ctrl-C\n"
"    vhmtop -Q -d 0 5   # device 0's vqs, every 5 seconds\n"
"    vhmtop -c vhm-throughput   # devices vhm-throughput drives\n"
"    vhmtop -j 1 10     # ten JSON lines, one per second\n";

static const struct argp_option opts[] = {
	{ "per-vq", 'Q', NULL, 0, "A row per virtqueue (default: per device)", 0 },
	{ "rows", 'r', "ROWS", 0, "Rows to print (default 20)", 0 },
	{ "noclear", 'C', NULL, 0, "Do not clear the screen between intervals", 0 },
	{ "json", 'j', NULL, 0, "One JSON object per interval, then a summary", 0 },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	static int pos;

	switch (key) {
	case 'Q':
		env.per_vq = true;
		break;
	case 'r':
		env.rows = vhm_parse_num(arg, "rows", 1, MAX_ROWS, state);
		break;
	case 'C':
		env.clear = false;
		break;
	case 'j':
		env.json = true;
		break;
	case ARGP_KEY_ARG:
		if (pos == 0)
			env.interval = vhm_parse_num(arg, "interval", 1, 86400, state);
		else if (pos == 1)
			env.times = vhm_parse_num(arg, "count", 1, __LONG_MAX__, state);
		else
			argp_error(state, "unexpected argument '%s'", arg);
		pos++;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static struct row *find_row(const struct vhmtop_key *key)
{
	int i;

	for (i = 0; i < nrows; i++)
		if (rows[i].key.dev == key->dev && rows[i].key.vq == key->vq)
			return &rows[i];
	if (nrows == MAX_ROWS)
		return NULL;
	memset(&rows[nrows], 0, sizeof(rows[nrows]));
	rows[nrows].key = *key;
	return &rows[nrows++];
}

static void stats_add(struct vhmtop_stats *to, const struct vhmtop_stats *s)
{
	to->kicks += s->kicks;
	to->calls += s->calls;
	to->buffers += s->buffers;
	to->errors += s->errors;
}

/* The totals of every CPU, per row, then the rates since the last call. */
static void sample(struct vhmtop_bpf *obj, double secs)
{
	int fd = bpf_map__fd(obj->maps.stats);
	int idx_fd = bpf_map__fd(obj->maps.used_idx);
	unsigned int ncpus = libbpf_num_possible_cpus(), c;
	struct vhmtop_stats *percpu = calloc(ncpus, sizeof(*percpu)), sum;
	struct vhmtop_key key;
	struct row *r;
	__u32 slot;
	int i;

	if (!percpu)
		return;
	for (i = 0; i < nrows; i++)
		memset(&rows[i].now, 0, sizeof(rows[i].now));
	for (slot = 0; slot < MAX_ROWS; slot++) {
		if (bpf_map_lookup_elem(fd, &slot, percpu))
			continue;
		memset(&sum, 0, sizeof(sum));
		for (c = 0; c < ncpus; c++)
			stats_add(&sum, &percpu[c]);
		if (!sum.kicks && !sum.calls && !sum.buffers && !sum.errors)
			continue;
		key.dev = slot / VHM_MAX_VQ;
		key.vq = env.per_vq ? slot % VHM_MAX_VQ : ALL_VQS;
		r = find_row(&key);
		if (!r)
			break;
		stats_add(&r->now, &sum);
		if (env.per_vq)
			bpf_map_lookup_elem(idx_fd, &slot, &r->used_idx);
	}
	free(percpu);
	for (i = 0; i < nrows; i++) {
		r = &rows[i];
		r->kicks = (r->now.kicks - r->prev.kicks) / secs;
		r->calls = (r->now.calls - r->prev.calls) / secs;
		r->buffers = (r->now.buffers - r->prev.buffers) / secs;
		r->prev = r->now;
	}
}

static int row_cmp(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->buffers != y->buffers)
		return x->buffers < y->buffers ? 1 : -1;
	if (x->key.dev != y->key.dev)
		return x->key.dev < y->key.dev ? -1 : 1;
	return (int)x->key.vq - (int)y->key.vq;
}

static double ratio(double a, double b)
{
	return b ? a / b : 0;
}

static json_t *row_json(const struct row *r, bool totals)
{
	const struct vhmtop_stats *s = &r->now;
	json_t *o;

	if (totals)
		o = json_pack("{s:I, s:I, s:I, s:I, s:I}",
			      "dev", (json_int_t)r->key.dev,
			      "kicks", (json_int_t)s->kicks,
			      "calls", (json_int_t)s->calls,
			      "buffers", (json_int_t)s->buffers,
			      "errors", (json_int_t)s->errors);
	else
		o = json_pack("{s:I, s:f, s:f, s:f, s:f, s:f, s:I}",
			      "dev", (json_int_t)r->key.dev,
			      "kicks_per_s", r->kicks, "calls_per_s", r->calls,
			      "buffers_per_s", r->buffers,
			      "buffers_per_kick", ratio(r->buffers, r->kicks),
			      "buffers_per_call", ratio(r->buffers, r->calls),
			      "errors", (json_int_t)s->errors);
	if (r->key.vq != ALL_VQS) {
		json_object_set_new(o, "vq", json_integer(r->key.vq));
		json_object_set_new(o, "used_idx", json_integer(r->used_idx));
	}
	return o;
}

/* "-" for a device row's vq. */
static const char *vq_text(const struct row *r, char *buf, size_t size)
{
	if (r->key.vq == ALL_VQS)
		return "-";
	snprintf(buf, size, "%u", r->key.vq);
	return buf;
}

static void print_json(const char *type, bool totals)
{
	json_t *arr = json_array(), *o;
	int i;

	for (i = 0; i < nrows; i++)
		json_array_append_new(arr, row_json(&rows[i], totals));
	o = json_pack("{s:s, s:f, s:o}", "type", type,
		      "time", vhm_rel_time(vhm_now_ns()), "vqs", arr);
	json_dumpf(o, stdout, JSON_COMPACT);
	putchar('\n');
	json_decref(o);
	fflush(stdout);
}

static void print_table(void)
{
	time_t t = time(NULL);
	char ts[16];
	int i;

	if (env.clear && isatty(STDOUT_FILENO))
		printf("\033[H\033[2J");
	strftime(ts, sizeof(ts), "%H:%M:%S", localtime(&t));
	printf("%s vhost_mdev, %d s interval, %d %s\n\n", ts, env.interval,
	       nrows, env.per_vq ? "vqs" : "devices");
	printf("%-4s %-4s %11s %11s %11s %9s %9s %8s %7s\n", "DEV", "VQ",
	       "KICKS/s", "CALLS/s", "BUFS/s", "BUF/KICK", "BUF/CALL",
	       "USED_IDX", "ERRORS");
	for (i = 0; i < nrows && i < env.rows; i++) {
		const struct row *r = &rows[i];
		char vq[8], idx[8] = "-";

		if (env.per_vq)
			snprintf(idx, sizeof(idx), "%u", r->used_idx);
		printf("%-4u %-4s %11.0f %11.0f %11.0f %9.2f %9.2f %8s %7llu\n",
		       r->key.dev, vq_text(r, vq, sizeof(vq)), r->kicks,
		       r->calls, r->buffers, ratio(r->buffers, r->kicks),
		       ratio(r->buffers, r->calls), idx,
		       (unsigned long long)r->now.errors);
	}
	fflush(stdout);
}

static void print_summary(void)
{
	int i;

	if (env.json) {
		print_json("summary", true);
		return;
	}
	printf("\nsummary since start\n%-4s %-4s %12s %12s %12s %9s %9s %7s\n",
	       "DEV", "VQ", "KICKS", "CALLS", "BUFFERS", "BUF/KICK", "BUF/CALL",
	       "ERRORS");
	for (i = 0; i < nrows; i++) {
		const struct vhmtop_stats *s = &rows[i].now;
		char vq[8];

		printf("%-4u %-4s %12llu %12llu %12llu %9.2f %9.2f %7llu\n",
		       rows[i].key.dev, vq_text(&rows[i], vq, sizeof(vq)),
		       (unsigned long long)s->kicks, (unsigned long long)s->calls,
		       (unsigned long long)s->buffers,
		       ratio(s->buffers, s->kicks), ratio(s->buffers, s->calls),
		       (unsigned long long)s->errors);
	}
}

int main(int argc, char **argv)
{
	static const struct argp argp = {
		.options = opts,
		.parser = parse_arg,
		.doc = doc,
		.children = vhm_argp_children,
	};
	struct vhmtop_bpf *obj;
	uint64_t last, next, now;
	long done = 0;
	int err;

	err = argp_parse(&argp, argc, argv, 0, NULL, NULL);
	if (err)
		return err;
	vhm_setup();
	if (vhm_check_module())
		return 1;

	obj = vhmtop_bpf__open();
	if (!obj) {
		fprintf(stderr, "failed to open BPF object: %s\n", strerror(errno));
		return 1;
	}
	VHM_SET_FILTER(obj->rodata);
	/* Only a task filter needs to see who changes a device's state. */
	if (vhm_filter.pid < 0 && !vhm_filter.comm[0])
		vhm_skip_programs(obj->obj, "vhost_mdev_set_state");
	err = vhm_load_attach(obj->skeleton, vhm_mode, "rates",
			      obj->rodata->vhm_rec_off);
	if (err)
		goto cleanup;
	fflush(stdout);

	last = vhm_now_ns();
	vhm_rel_time(last);
	next = last + env.interval * 1000000000ULL;
	while (!vhm_exiting) {
		usleep(50000);
		now = vhm_now_ns();
		if (now < next)
			continue;
		next += env.interval * 1000000000ULL;
		sample(obj, (now - last) / 1e9);
		last = now;
		qsort(rows, nrows, sizeof(rows[0]), row_cmp);
		if (env.json)
			print_json("interval", false);
		else
			print_table();
		if (env.times && ++done >= env.times)
			break;
	}
	sample(obj, (vhm_now_ns() - last) / 1e9 ?: 1);
	print_summary();
	err = 0;

cleanup:
	vhmtop_bpf__destroy(obj);
	return err != 0;
}
