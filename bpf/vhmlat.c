// SPDX-License-Identifier: GPL-2.0
/*
 * vhmlat: latency histograms of vhost_mdev, measured in the kernel: kick to
 * the interrupt that answers it, split at the parent's processing start,
 * and SET_STATE duration. Aggregated by default; -D and -Q split per device
 * and per vq. Percentiles as well as bars; --json for one JSON object per
 * interval.
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <jansson.h>
#include <linux/types.h>
#include <linux/vhost_mdev.h>
#include <bpf/libbpf.h>
#include <bpf/bpf.h>
#include "vhmlat.h"
#include "vhmlat.skel.h"
#include "vhm_common.h"

static struct env {
	int interval;
	long times;
	bool json;
	bool nsec;
	bool msec;
	bool timestamp;
	bool cumulative;
	bool per_dev;
	bool per_vq;
	unsigned int kinds;
} env = {
	.interval = 99999999,
	.kinds = VHMLAT_KIND_BIT(VHMLAT_KICK_TO_CALL),
};

static const char *const kind_names[VHMLAT_KIND_MAX] = {
	[VHMLAT_KICK_TO_CALL] = "kick_to_call",
	[VHMLAT_KICK_TO_PROCESS] = "kick_to_process",
	[VHMLAT_PROCESS_TO_CALL] = "process_to_call",
	[VHMLAT_SET_STATE] = "set_state",
};

/*
 * One histogram per array index: the last interval's, the totals since the
 * start, and the array as last read (an interval is the difference).
 */
static struct vhm_hist *cur, *total, *last;
static unsigned int nhists;
/* The programs' histograms, mapped into this process. */
static struct vhm_hist *hist_mem;
static size_t hist_len;

const char *argp_program_version = "vhmlat 0.2";
static const char doc[] =
"Summarize vhost_mdev latency, measured in the kernel, as histograms with\n"
"percentiles: kick to the interrupt that answers it (kick_to_call), split\n"
"in kick to processing start (kick_to_process) and processing to interrupt\n"
"(process_to_call), and SET_STATE duration (set_state). The module pairs\n"
"each interrupt with the kick it answers, the oldest one before the\n"
"device's first publication of used entries after it; a kick whose\n"
"publication raised no interrupt (the driver suppressed it) is dropped and\n"
"counted as unanswered; one that lands after the device already answered\n"
"its frame (the device looked at its ring again first) is counted as\n"
"overtaken. The split kinds are taken over the kicks whose processing\n"
"start was seen, out of the same events, so they add up. Only the events\n"
"the kinds need are traced: the default, kick_to_call, takes one a round\n"
"trip (the interrupt), the split two, -p and -c add the kick.\n"
"\n"
"USAGE: vhmlat [-k KINDS] [-D] [-Q] [-m|-n] [-T] [-j] [-d DEV] [-q VQ]\n"
"              [-p PID] [-c COMM] [interval [count]]\n"
"\n"
"EXAMPLES:\n"
"    vhmlat                 # kick to interrupt until Ctrl-C, all devices\n"
"    vhmlat 1 10            # ten 1-second intervals\n"
"    vhmlat -k all -D -Q    # every kind, per device and vq\n"
"    vhmlat -d 0 -q 0 -n 1  # device 0, vq 0, nanoseconds, every second\n"
"    vhmlat -p 1234 -T 1    # devices process 1234 drives, timestamps\n"
"    vhmlat -j 5            # JSON line every 5 seconds\n"
"    vhmlat --fallback      # tracepoints and kprobes (no module BTF)\n";

enum { OPT_CUMULATIVE = 0x200 };

static const struct argp_option opts[] = {
	{ "kinds", 'k', "LIST", 0, "kick_to_call (default), kick_to_process, process_to_call, set_state, or all", 0 },
	{ "per-dev", 'D', NULL, 0, "A histogram per device", 0 },
	{ "per-vq", 'Q', NULL, 0, "A histogram per virtqueue", 0 },
	{ "milliseconds", 'm', NULL, 0, "Milliseconds (default: microseconds)", 0 },
	{ "nanoseconds", 'n', NULL, 0, "Nanoseconds (default: microseconds)", 0 },
	{ "timestamp", 'T', NULL, 0, "Time of day on every interval", 0 },
	{ "cumulative", OPT_CUMULATIVE, NULL, 0, "Do not reset the histograms each interval", 0 },
	{ "json", 'j', NULL, 0, "One JSON object per interval, then a summary", 0 },
	{},
};

static int parse_kinds(const char *list)
{
	char *copy = strdup(list), *tok, *save = NULL;
	int mask = 0, i;

	if (!strcmp(list, "all")) {
		free(copy);
		return VHMLAT_KIND_BIT(VHMLAT_KIND_MAX) - 1;
	}
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < VHMLAT_KIND_MAX; i++)
			if (!strcmp(tok, kind_names[i]))
				break;
		if (i == VHMLAT_KIND_MAX) {
			free(copy);
			return -1;
		}
		mask |= VHMLAT_KIND_BIT(i);
	}
	free(copy);
	return mask ? mask : -1;
}

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	static int pos;
	int kinds;

	switch (key) {
	case 'k':
		kinds = parse_kinds(arg);
		if (kinds < 0)
			argp_error(state, "bad kind list '%s' (kick_to_call, kick_to_process, process_to_call, set_state, all)", arg);
		env.kinds = kinds;
		break;
	case 'D':
		env.per_dev = true;
		break;
	case 'Q':
		env.per_vq = true;
		break;
	case 'm':
		env.msec = true;
		break;
	case 'n':
		env.nsec = true;
		break;
	case 'T':
		env.timestamp = true;
		break;
	case OPT_CUMULATIVE:
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
	case ARGP_KEY_END:
		if (env.msec && env.nsec)
			argp_error(state, "-m and -n exclude each other");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static double scale(double ns)
{
	if (env.nsec)
		return ns;
	return ns / (env.msec ? 1e6 : 1e3);
}

static const char *unit(void)
{
	return env.nsec ? "nsecs" : env.msec ? "msecs" : "usecs";
}

static unsigned int vq_parts(void)
{
	return env.per_vq ? VHM_MAX_VQ : 1;
}

/* The (dev, vq, kind) an array index stands for; 0xffff: not split. */
static struct vhmlat_key key_of(unsigned int idx)
{
	struct vhmlat_key key = { .dev = UINT32_MAX, .vq = 0xffff };
	unsigned int part = idx / VHMLAT_KIND_MAX;

	key.kind = idx % VHMLAT_KIND_MAX;
	if (env.per_dev)
		key.dev = part / vq_parts();
	if (env.per_vq && key.kind != VHMLAT_SET_STATE)
		key.vq = part % vq_parts();
	return key;
}

static void hist_merge(struct vhm_hist *to, const struct vhm_hist *h)
{
	int i;

	for (i = 0; i < VHM_HIST_SLOTS; i++)
		to->slots[i] += h->slots[i];
	to->count += h->count;
	to->sum += h->sum;
	if (!to->min || (h->min && h->min < to->min))
		to->min = h->min;
	if (h->max > to->max)
		to->max = h->max;
}

/*
 * What histogram idx took since the last read into cur[idx]: the slots and
 * sum as differences, so nothing is lost or counted twice whatever runs
 * meanwhile; min and max by exchange (a sample racing with it may count
 * for the next interval's).
 */
static void read_hist(unsigned int idx)
{
	struct vhm_hist *h = &hist_mem[idx], *out = &cur[idx], *prev = &last[idx];
	__u64 now;
	int i;

	out->count = 0;
	for (i = 0; i < VHM_HIST_SLOTS; i++) {
		now = __atomic_load_n(&h->slots[i], __ATOMIC_RELAXED);
		out->slots[i] = now - prev->slots[i];
		out->count += out->slots[i];
		prev->slots[i] = now;
	}
	now = __atomic_load_n(&h->sum, __ATOMIC_RELAXED);
	out->sum = now - prev->sum;
	prev->sum = now;
	out->min = __atomic_exchange_n(&h->min, 0, __ATOMIC_RELAXED);
	out->max = __atomic_exchange_n(&h->max, 0, __ATOMIC_RELAXED);
}

/*
 * One interval's histograms into cur[], through the mapping: no system
 * call, and a split by device and vq (2,048 histograms) costs a pass over
 * 4 MB.
 */
static void collect(void)
{
	unsigned int idx;

	for (idx = 0; idx < nhists; idx++)
		read_hist(idx);
}

static json_t *hist_json(const struct vhmlat_key *key, const struct vhm_hist *h)
{
	json_t *o, *buckets = json_array();
	int i;

	for (i = 0; i < VHM_HIST_SLOTS; i++)
		if (h->slots[i])
			json_array_append_new(buckets, json_pack("[I,I]",
				(json_int_t)vhm_hist_slot_low(i), (json_int_t)h->slots[i]));
	o = json_pack("{s:s, s:s, s:I, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:o}",
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
	if (key->dev != UINT32_MAX)
		json_object_set_new(o, "dev", json_integer(key->dev));
	if (key->vq != 0xffff)
		json_object_set_new(o, "vq", json_integer(key->vq));
	return o;
}

/* Divide a nanosecond histogram to the display unit for the bars. */
static void hist_in_unit(const struct vhm_hist *h, struct vhm_hist *out)
{
	double div = env.nsec ? 1 : env.msec ? 1e6 : 1e3;
	int i;

	if (env.nsec) {
		*out = *h;
		return;
	}
	memset(out, 0, sizeof(*out));
	for (i = 0; i < VHM_HIST_SLOTS; i++)
		out->slots[vhm_hist_slot(vhm_hist_slot_low(i) / div)] += h->slots[i];
	out->count = h->count;
	out->min = h->min / div;
	out->max = h->max / div;
}

static void print_hist(const struct vhmlat_key *key, const struct vhm_hist *h)
{
	struct vhm_hist disp;

	putchar('\n');
	if (key->dev != UINT32_MAX)
		printf("dev %u ", key->dev);
	if (key->vq != 0xffff)
		printf("vq %u ", key->vq);
	printf("%s: count %llu, avg %.1f, p50 %.1f, p90 %.1f, p99 %.1f, max %.1f (%s)\n",
	       kind_names[key->kind], (unsigned long long)h->count,
	       scale(h->count ? (double)h->sum / h->count : 0),
	       scale(vhm_hist_percentile(h, 50)), scale(vhm_hist_percentile(h, 90)),
	       scale(vhm_hist_percentile(h, 99)), scale(h->max), unit());
	hist_in_unit(h, &disp);
	vhm_print_log2_hist(&disp, unit());
}

/* Histograms in kind order, then device, then vq. */
static bool next_index(const struct vhm_hist *hists, int kind, unsigned int *idx)
{
	for (; *idx < nhists; (*idx)++)
		if (*idx % VHMLAT_KIND_MAX == (unsigned int)kind && hists[*idx].count)
			return true;
	return false;
}

static void print_set(const struct vhm_hist *hists, const char *title,
		      const struct vhmlat_bpf__bss *bss)
{
	struct vhmlat_key key;
	unsigned int idx, n = 0;
	int kind;

	if (env.json) {
		json_t *arr = json_array(), *o;

		for (kind = 0; kind < VHMLAT_KIND_MAX; kind++)
			for (idx = 0; next_index(hists, kind, &idx); idx++) {
				key = key_of(idx);
				json_array_append_new(arr, hist_json(&key, &hists[idx]));
			}
		o = json_pack("{s:s, s:f, s:I, s:I, s:I, s:o}", "type", title,
			      "time", vhm_rel_time(vhm_now_ns()),
			      "unanswered", (json_int_t)bss->unanswered,
			      "overtaken", (json_int_t)bss->overtaken,
			      "out_of_range", (json_int_t)bss->out_of_range,
			      "hists", arr);
		json_dumpf(o, stdout, JSON_COMPACT);
		putchar('\n');
		json_decref(o);
		fflush(stdout);
		return;
	}
	printf("\n%s", title);
	if (env.timestamp) {
		time_t t = time(NULL);
		char ts[16];

		strftime(ts, sizeof(ts), "%H:%M:%S", localtime(&t));
		printf(" %s", ts);
	}
	for (kind = 0; kind < VHMLAT_KIND_MAX; kind++)
		for (idx = 0; next_index(hists, kind, &idx); idx++) {
			key = key_of(idx);
			if (!n++)
				putchar('\n');
			print_hist(&key, &hists[idx]);
		}
	if (!n)
		printf(" (no events)\n");
	if (bss->unanswered || bss->overtaken || bss->out_of_range)
		printf("\n%llu kicks unanswered (interrupt suppressed), %llu overtaken (answered before they landed), %llu events beyond device %d / vq %d\n",
		       (unsigned long long)bss->unanswered,
		       (unsigned long long)bss->overtaken,
		       (unsigned long long)bss->out_of_range,
		       VHM_MAX_DEV - 1, VHM_MAX_VQ - 1);
	fflush(stdout);
}

static void add_to_total(void)
{
	unsigned int idx;

	for (idx = 0; idx < nhists; idx++)
		if (cur[idx].count)
			hist_merge(&total[idx], &cur[idx]);
}

/* Leave out what the asked kinds do not need; size the arrays. */
static int setup(struct vhmlat_bpf *obj)
{
	struct bpf_object *bo = obj->obj;
	bool process = env.kinds & VHMLAT_PROCESS_KINDS;
	bool split = env.per_dev || env.per_vq;
	bool by_vq = split || vhm_filter.dev >= 0 || vhm_filter.vq >= 0 ||
		     vhm_filter.pid >= 0 || vhm_filter.comm[0];
	bool plain = !by_vq && !process;
	int i;

	if (!(env.kinds & VHMLAT_CALL_KINDS) || plain)
		vhm_skip_programs(bo, "vhost_mdev_call_latency");
	if (!(env.kinds & VHMLAT_CALL_KINDS) || !plain)
		vhm_skip_programs(bo, "vhost_mdev_call_latency_plain");
	/* The kick tells which devices a task drives: -p and -c only. */
	if (!(env.kinds & VHMLAT_CALL_KINDS) ||
	    (vhm_filter.pid < 0 && !vhm_filter.comm[0]))
		vhm_skip_programs(bo, "vhost_mdev_kick");
	if (!process)
		vhm_skip_programs(bo, "vhost_mdev_process");
	if (!(env.kinds & VHMLAT_KIND_BIT(VHMLAT_SET_STATE))) {
		vhm_skip_programs(bo, "ioctl_entry");
		vhm_skip_programs(bo, "ioctl_exit");
	}
	obj->rodata->kinds = env.kinds;
	obj->rodata->split_dev = env.per_dev;
	obj->rodata->split_vq = env.per_vq;
	obj->rodata->by_vq = by_vq;
	for (i = 0; i < (int)sizeof(obj->rodata->slot_of); i++)
		obj->rodata->slot_of[i] = vhm_hist_slot(i);
	obj->rodata->set_state_cmd = VHOST_MDEV_SET_STATE;
	VHM_SET_FILTER(obj->rodata);

	nhists = VHMLAT_KIND_MAX * (env.per_dev ? VHM_MAX_DEV : 1) * vq_parts();
	hist_len = nhists * sizeof(struct vhm_hist);
	/* Unsplit, the histograms are hist_all[] (.bss): the array idles. */
	if (split && bpf_map__set_max_entries(obj->maps.hists, nhists))
		return -EINVAL;
	cur = calloc(nhists, sizeof(*cur));
	total = calloc(nhists, sizeof(*total));
	last = calloc(nhists, sizeof(*last));
	return cur && total && last ? 0 : -ENOMEM;
}

int main(int argc, char **argv)
{
	static const struct argp argp = {
		.options = opts,
		.parser = parse_arg,
		.doc = doc,
		.children = vhm_argp_children,
	};
	struct vhmlat_bpf *obj;
	int err, mode;
	uint64_t next;
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
	err = setup(obj);
	if (err) {
		fprintf(stderr, "failed to set up the histograms: %s\n",
			strerror(-err));
		goto cleanup;
	}
	mode = vhm_load(obj->skeleton, vhm_mode, obj->rodata->vhm_rec_off);
	if (mode < 0) {
		err = mode;
		goto cleanup;
	}
	if (env.per_dev || env.per_vq) {
		hist_mem = mmap(NULL, hist_len, PROT_READ | PROT_WRITE,
				MAP_SHARED, bpf_map__fd(obj->maps.hists), 0);
		if (hist_mem == MAP_FAILED) {
			hist_mem = NULL;
			err = -errno;
			fprintf(stderr, "failed to map the histograms: %s\n",
				strerror(errno));
			goto cleanup;
		}
	} else {
		hist_mem = obj->bss->hist_all;
	}
	err = vhm_attach(obj->skeleton, mode, "latency");
	if (err)
		goto cleanup;
	fflush(stdout);
	vhm_rel_time(vhm_now_ns());

	next = vhm_now_ns() + env.interval * 1000000000ULL;
	while (!vhm_exiting) {
		usleep(100000);
		if (vhm_now_ns() < next)
			continue;
		next += env.interval * 1000000000ULL;
		collect();
		add_to_total();
		print_set(env.cumulative ? total : cur, "interval", obj->bss);
		if (env.times && ++done >= env.times)
			break;
	}
	/* What arrived since the last interval still counts. */
	if (vhm_exiting || !env.times) {
		collect();
		add_to_total();
	}
	print_set(total, "summary", obj->bss);

cleanup:
	if (hist_mem && hist_mem != obj->bss->hist_all)
		munmap(hist_mem, hist_len);
	vhmlat_bpf__destroy(obj);
	free(cur);
	free(total);
	free(last);
	return err != 0;
}
