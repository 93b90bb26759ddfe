// SPDX-License-Identifier: GPL-2.0
/*
 * vhmlat: per-interval latency histograms of vhost_mdev, measured in the
 * kernel, per (device, vq): kick wake-up to call signal, kick to the parent
 * starting the ring, and SET_STATE duration. Percentiles as well as bars;
 * --json for one JSON object per interval.
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
#include "vhmlat.h"
#include "vhmlat.skel.h"
#include "vhm_common.h"

#define MAX_KEYS 1024

static struct env {
	long long dev;
	int vq;
	int interval;
	long times;
	bool json;
	bool nsec;
	bool cumulative;
	unsigned int kinds;
} env = {
	.dev = -1,
	.vq = -1,
	.interval = 99999999,
	.kinds = ~0U,
};

static const char *const kind_names[VHMLAT_KIND_MAX] = {
	[VHMLAT_KICK_TO_CALL] = "kick_to_call",
	[VHMLAT_KICK_TO_PROCESS] = "kick_to_process",
	[VHMLAT_PROCESS_TO_CALL] = "process_to_call",
	[VHMLAT_SET_STATE] = "set_state",
};

/* Everything seen since the start, for the summary at exit. */
static struct total {
	struct vhmlat_key key;
	struct vhm_hist hist;
} totals[MAX_KEYS];
static int ntotals;

const char *argp_program_version = "vhmlat 0.1";
static const char doc[] =
"Summarize vhost_mdev latency, measured in the kernel, as histograms per\n"
"(device, vq) with percentiles: kick to interrupt (kick_to_call), split in\n"
"kick to processing start (kick_to_process) and processing to interrupt\n"
"(process_to_call), and SET_STATE duration (set_state). A call answers the\n"
"vq's oldest unanswered kick: kicks a driver sends before the call of the\n"
"previous one (busy-polling) count as one.\n"
"\n"
"USAGE: vhmlat [-d DEV] [-q VQ] [-k KINDS] [-n] [-j] [interval [count]]\n"
"\n"
"EXAMPLES:\n"
"    vhmlat                 # until Ctrl-C, then the histograms\n"
"    vhmlat 1 10            # ten 1-second intervals\n"
"    vhmlat -d 0 -q 0 -n 1  # device 0, vq 0, nanoseconds, every second\n"
"    vhmlat -k kick_to_call -j 5   # JSON line every 5 seconds\n"
"    vhmlat --fallback      # raw tracepoints and kprobes (no module BTF)\n";

static const struct argp_option opts[] = {
	{ "dev", 'd', "DEV", 0, "Only this device", 0 },
	{ "vq", 'q', "VQ", 0, "Only this virtqueue", 0 },
	{ "kinds", 'k', "LIST", 0, "kick_to_call,kick_to_process,process_to_call,set_state", 0 },
	{ "nanoseconds", 'n', NULL, 0, "Nanoseconds (default: microseconds)", 0 },
	{ "cumulative", 'C', NULL, 0, "Do not reset the histograms each interval", 0 },
	{ "json", 'j', NULL, 0, "One JSON object per interval, then a summary", 0 },
	{},
};

static int parse_kinds(const char *list)
{
	char *copy = strdup(list), *tok, *save = NULL;
	int mask = 0, i;

	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < VHMLAT_KIND_MAX; i++)
			if (!strcmp(tok, kind_names[i]))
				break;
		if (i == VHMLAT_KIND_MAX) {
			free(copy);
			return -1;
		}
		mask |= 1 << i;
	}
	free(copy);
	return mask;
}

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	static int pos;
	int kinds;

	switch (key) {
	case 'd':
		env.dev = vhm_parse_num(arg, "device", 0, UINT32_MAX, state);
		break;
	case 'q':
		env.vq = vhm_parse_num(arg, "vq", 0, 0xfffe, state);
		break;
	case 'k':
		kinds = parse_kinds(arg);
		if (kinds < 0)
			argp_error(state, "bad kind list '%s' (kick_to_call, kick_to_process, process_to_call, set_state)", arg);
		env.kinds = kinds;
		break;
	case 'n':
		env.nsec = true;
		break;
	case 'C':
		env.cumulative = true;
		break;
	case 'j':
		env.json = true;
		break;
	case ARGP_KEY_ARG:
		if (pos == 0)
			env.interval = vhm_parse_num(arg, "interval", 1, 99999999, state);
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

static double scale(double ns)
{
	return env.nsec ? ns : ns / 1000.0;
}

static const char *unit(void)
{
	return env.nsec ? "nsecs" : "usecs";
}

static void merge_total(const struct vhmlat_key *key, const struct vhm_hist *h)
{
	struct total *t = NULL;
	int i;

	for (i = 0; i < ntotals; i++)
		if (!memcmp(&totals[i].key, key, sizeof(*key)))
			t = &totals[i];
	if (!t) {
		if (ntotals == MAX_KEYS)
			return;
		t = &totals[ntotals++];
		t->key = *key;
	}
	/* Cumulative maps already hold everything since the start. */
	if (env.cumulative) {
		t->hist = *h;
		return;
	}
	for (i = 0; i < VHM_HIST_SLOTS; i++)
		t->hist.slots[i] += h->slots[i];
	t->hist.count += h->count;
	t->hist.sum += h->sum;
	if (!t->hist.min || (h->min && h->min < t->hist.min))
		t->hist.min = h->min;
	if (h->max > t->hist.max)
		t->hist.max = h->max;
}

/* Divide a nanosecond histogram to the display unit for the bars. */
static void hist_in_unit(const struct vhm_hist *h, struct vhm_hist *out)
{
	int i;

	if (env.nsec) {
		*out = *h;
		return;
	}
	memset(out, 0, sizeof(*out));
	for (i = 0; i < VHM_HIST_SLOTS; i++)
		out->slots[vhm_hist_slot(vhm_hist_slot_low(i) / 1000)] += h->slots[i];
	out->count = h->count;
	out->min = h->min / 1000;
	out->max = h->max / 1000;
}

static json_t *hist_json(const struct vhmlat_key *key, const struct vhm_hist *h)
{
	json_t *o, *buckets = json_array();
	int i;

	for (i = 0; i < VHM_HIST_SLOTS; i++)
		if (h->slots[i])
			json_array_append_new(buckets, json_pack("[I,I]",
				(json_int_t)vhm_hist_slot_low(i), (json_int_t)h->slots[i]));
	o = json_pack("{s:I, s:s, s:s, s:I, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:o}",
		      "dev", (json_int_t)key->dev,
		      "kind", kind_names[key->kind], "unit", "ns",
		      "count", (json_int_t)h->count,
		      "min", (double)h->min,
		      "avg", h->count ? (double)h->sum / h->count : 0.0,
		      "p50", vhm_hist_percentile(h, 50),
		      "p90", vhm_hist_percentile(h, 90),
		      "p99", vhm_hist_percentile(h, 99),
		      "p99_9", vhm_hist_percentile(h, 99.9),
		      "max", (double)h->max,
		      "buckets", buckets);
	if (key->vq != 0xffff)
		json_object_set_new(o, "vq", json_integer(key->vq));
	return o;
}

static void print_hist(const struct vhmlat_key *key, const struct vhm_hist *h)
{
	struct vhm_hist disp;

	if (key->vq == 0xffff)
		printf("\ndev %u %s", key->dev, kind_names[key->kind]);
	else
		printf("\ndev %u vq %u %s", key->dev, key->vq, kind_names[key->kind]);
	printf(": count %llu, avg %.1f, p50 %.1f, p90 %.1f, p99 %.1f, max %.1f (%s)\n",
	       (unsigned long long)h->count,
	       scale(h->count ? (double)h->sum / h->count : 0),
	       scale(vhm_hist_percentile(h, 50)), scale(vhm_hist_percentile(h, 90)),
	       scale(vhm_hist_percentile(h, 99)), scale(h->max), unit());
	hist_in_unit(h, &disp);
	vhm_print_log2_hist(&disp, unit());
}

static int key_cmp(const void *a, const void *b)
{
	const struct vhmlat_key *x = a, *y = b;

	if (x->kind != y->kind)
		return x->kind - y->kind;
	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	return x->vq - y->vq;
}

static void print_set(struct vhmlat_key *keys, struct vhm_hist *hists, int n,
		      const char *title)
{
	struct vhmlat_key sorted[MAX_KEYS];
	json_t *arr;
	int i, j;

	memcpy(sorted, keys, n * sizeof(*keys));
	qsort(sorted, n, sizeof(*sorted), key_cmp);
	if (env.json) {
		arr = json_array();
		for (i = 0; i < n; i++)
			for (j = 0; j < n; j++)
				if (!memcmp(&keys[j], &sorted[i], sizeof(sorted[i])))
					json_array_append_new(arr, hist_json(&keys[j], &hists[j]));
		json_t *o = json_pack("{s:s, s:f, s:o}", "type", title,
				      "time", vhm_rel_time(vhm_now_ns()), "hists", arr);
		json_dumpf(o, stdout, JSON_COMPACT);
		putchar('\n');
		json_decref(o);
	} else {
		time_t t = time(NULL);
		char ts[16];

		strftime(ts, sizeof(ts), "%H:%M:%S", localtime(&t));
		printf("\n%s %s", title, ts);
		if (!n)
			printf(" (no events)");
		putchar('\n');
		for (i = 0; i < n; i++)
			for (j = 0; j < n; j++)
				if (!memcmp(&keys[j], &sorted[i], sizeof(sorted[i])))
					print_hist(&keys[j], &hists[j]);
	}
	fflush(stdout);
}

static int collect(int fd, struct vhmlat_key *keys, struct vhm_hist *hists)
{
	struct vhmlat_key key, next, *prev = NULL;
	int n = 0;

	while (n < MAX_KEYS && !bpf_map_get_next_key(fd, prev, &next)) {
		key = next;
		if (!bpf_map_lookup_elem(fd, &key, &hists[n]) &&
		    (env.kinds & (1U << key.kind)) && hists[n].count)
			keys[n++] = key;
		prev = &next;
	}
	if (!env.cumulative)
		for (int i = 0; i < n; i++)
			bpf_map_delete_elem(fd, &keys[i]);
	return n;
}

static void print_summary(void)
{
	static struct vhmlat_key keys[MAX_KEYS];
	static struct vhm_hist hists[MAX_KEYS];
	int i;

	for (i = 0; i < ntotals; i++) {
		keys[i] = totals[i].key;
		hists[i] = totals[i].hist;
	}
	print_set(keys, hists, ntotals, "summary");
}

int main(int argc, char **argv)
{
	static const struct argp argp = {
		.options = opts,
		.parser = parse_arg,
		.doc = doc,
		.children = vhm_argp_children,
	};
	static struct vhmlat_key keys[MAX_KEYS];
	static struct vhm_hist hists[MAX_KEYS];
	struct vhmlat_bpf *obj;
	uint64_t next;
	int err, fd, n, i;
	long done = 0;

	err = argp_parse(&argp, argc, argv, 0, NULL, NULL);
	if (err)
		return err;
	vhm_setup();
	if (vhm_check_module())
		return 1;

	obj = vhmlat_bpf__open();
	if (!obj) {
		fprintf(stderr, "failed to open BPF object: %s\n", strerror(errno));
		return 1;
	}
	obj->rodata->targ_dev = env.dev;
	obj->rodata->targ_vq = env.vq;
	err = vhm_load_attach(obj->skeleton, vhm_mode, "latency");
	if (err)
		goto cleanup;
	fflush(stdout);
	vhm_rel_time(vhm_now_ns());

	fd = bpf_map__fd(obj->maps.hists);
	next = vhm_now_ns() + env.interval * 1000000000ULL;
	while (!vhm_exiting) {
		usleep(100000);
		if (vhm_now_ns() < next)
			continue;
		next += env.interval * 1000000000ULL;
		n = collect(fd, keys, hists);
		for (i = 0; i < n; i++)
			merge_total(&keys[i], &hists[i]);
		print_set(keys, hists, n, "interval");
		if (env.times && ++done >= env.times)
			break;
	}
	/* What arrived since the last interval still counts. */
	if (vhm_exiting || !env.times) {
		n = collect(fd, keys, hists);
		for (i = 0; i < n; i++)
			merge_total(&keys[i], &hists[i]);
	}
	print_summary();
	err = 0;

cleanup:
	vhmlat_bpf__destroy(obj);
	return err != 0;
}
