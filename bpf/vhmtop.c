// SPDX-License-Identifier: GPL-2.0
/*
 * vhmtop: per-vq rates of the vhost_mdev data path, refreshed top-style:
 * kicks/s, interrupts/s, buffers/s, buffers per kick and per interrupt, the
 * used index (vring base) and errors. --json for one object per interval.
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

#define MAX_ROWS 1024

static struct env {
	long long dev;
	int interval;
	long times;
	int rows;
	bool json;
	bool clear;
} env = {
	.dev = -1,
	.interval = 1,
	.rows = 20,
	.clear = true,
};

struct row {
	struct vhmtop_key key;
	struct vhmtop_stats now;	/* totals read this interval */
	struct vhmtop_stats prev;	/* totals read the interval before */
	double kicks, calls, buffers;	/* per second over the interval */
};

static struct row rows[MAX_ROWS];
static int nrows;

const char *argp_program_version = "vhmtop 0.1";
static const char doc[] =
"Show per-vq rates of vhost_mdev devices, refreshed every interval:\n"
"kicks/s, interrupts/s, buffers/s, buffers per kick and per interrupt,\n"
"the used index and device errors.\n"
"\n"
"USAGE: vhmtop [-d DEV] [-r ROWS] [-C] [-j] [interval [count]]\n"
"\n"
"EXAMPLES:\n"
"    vhmtop             # refresh every second until Ctrl-C\n"
"    vhmtop -d 0 5      # device 0, every 5 seconds\n"
"    vhmtop -j 1 10     # ten JSON lines, one per second\n";

static const struct argp_option opts[] = {
	{ "dev", 'd', "DEV", 0, "Only this device", 0 },
	{ "rows", 'r', "ROWS", 0, "Rows to print (default 20)", 0 },
	{ "noclear", 'C', NULL, 0, "Do not clear the screen between intervals", 0 },
	{ "json", 'j', NULL, 0, "One JSON object per interval, then a summary", 0 },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	static int pos;

	switch (key) {
	case 'd':
		env.dev = vhm_parse_num(arg, "device", 0, UINT32_MAX, state);
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

static void sample(int fd, double secs)
{
	struct vhmtop_key key, *prev = NULL;
	struct vhmtop_stats st;
	struct row *r;
	int i;

	while (!bpf_map_get_next_key(fd, prev, &key)) {
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, &st))
			continue;
		r = find_row(&key);
		if (!r)
			break;
		r->now = st;
	}
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

	if (totals)
		return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
				 "dev", (json_int_t)r->key.dev, "vq", (json_int_t)r->key.vq,
				 "kicks", (json_int_t)s->kicks, "calls", (json_int_t)s->calls,
				 "buffers", (json_int_t)s->buffers,
				 "used_idx", (json_int_t)s->used_idx,
				 "errors", (json_int_t)s->errors);
	return json_pack("{s:I, s:I, s:f, s:f, s:f, s:f, s:f, s:I, s:I}",
			 "dev", (json_int_t)r->key.dev, "vq", (json_int_t)r->key.vq,
			 "kicks_per_s", r->kicks, "calls_per_s", r->calls,
			 "buffers_per_s", r->buffers,
			 "buffers_per_kick", ratio(r->buffers, r->kicks),
			 "buffers_per_call", ratio(r->buffers, r->calls),
			 "used_idx", (json_int_t)s->used_idx,
			 "errors", (json_int_t)s->errors);
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
	printf("%s vhost_mdev, %d s interval, %d vqs\n\n", ts, env.interval, nrows);
	printf("%-4s %-4s %11s %11s %11s %9s %9s %8s %7s\n", "DEV", "VQ",
	       "KICKS/s", "CALLS/s", "BUFS/s", "BUF/KICK", "BUF/CALL",
	       "USED_IDX", "ERRORS");
	for (i = 0; i < nrows && i < env.rows; i++) {
		const struct row *r = &rows[i];

		printf("%-4u %-4u %11.0f %11.0f %11.0f %9.2f %9.2f %8u %7llu\n",
		       r->key.dev, r->key.vq, r->kicks, r->calls, r->buffers,
		       ratio(r->buffers, r->kicks), ratio(r->buffers, r->calls),
		       r->now.used_idx, (unsigned long long)r->now.errors);
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

		printf("%-4u %-4u %12llu %12llu %12llu %9.2f %9.2f %7llu\n",
		       rows[i].key.dev, rows[i].key.vq,
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
	int err, fd;
	long done = 0;

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
	obj->rodata->targ_dev = env.dev;
	err = vhm_load_attach(obj->skeleton, vhm_mode, "rates");
	if (err)
		goto cleanup;
	fflush(stdout);

	fd = bpf_map__fd(obj->maps.stats);
	last = vhm_now_ns();
	vhm_rel_time(last);
	next = last + env.interval * 1000000000ULL;
	while (!vhm_exiting) {
		usleep(50000);
		now = vhm_now_ns();
		if (now < next)
			continue;
		next += env.interval * 1000000000ULL;
		sample(fd, (now - last) / 1e9);
		last = now;
		qsort(rows, nrows, sizeof(rows[0]), row_cmp);
		if (env.json)
			print_json("interval", false);
		else
			print_table();
		if (env.times && ++done >= env.times)
			break;
	}
	sample(fd, (vhm_now_ns() - last) / 1e9 ?: 1);
	print_summary();
	err = 0;

cleanup:
	vhmtop_bpf__destroy(obj);
	return err != 0;
}
