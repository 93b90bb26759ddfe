// SPDX-License-Identifier: GPL-2.0
/*
 * vhmtrace: one line per vhost_mdev event (set_state, kick, call, vring
 * base get/set, features, config, DMA map/unmap, device errors), filtered in
 * the kernel by device, vq and event; --json for JSON lines.
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>
#include <linux/types.h>
#include <bpf/libbpf.h>
#include <bpf/bpf.h>
#include "vhmtrace.h"
#include "vhmtrace.skel.h"
#include "vhm_common.h"

static struct env {
	long long events;
	bool json;
	long count;
	int duration;
} env = {
	/* call_latency repeats call and costs a stamp per kick: if asked. */
	.events = ((1LL << VHM_EV_MAX) - 1) & ~(1LL << VHM_EV_CALL_LATENCY),
};

static uint64_t counts[VHM_EV_MAX], seen;

const char *argp_program_version = "vhmtrace 0.1";
static const char doc[] =
"Trace vhost_mdev events live: one line per set_state, kick, processing\n"
"start, used entries published, call, vring base get/set, features, config\n"
"access, DMA map/unmap and device error; with -e call_latency, each\n"
"interrupt with the time the kick it answers waited (the module then\n"
"stamps every kick, so it is left out unless asked).\n"
"\n"
"Only the events asked for are traced. At the end, the count of each.\n"
"\n"
"USAGE: vhmtrace [-e EVENTS] [-j] [-n COUNT] [--duration SEC] [-d DEV]\n"
"                [-q VQ] [-p PID] [-c COMM]\n"
"\n"
"EXAMPLES:\n"
"    vhmtrace                      # every event of every device\n"
"    vhmtrace -d 0 -q 1            # device 0, vq 1 only\n"
"    vhmtrace -e set_state,device_error   # control path and errors\n"
"    vhmtrace -e call_latency -q 1 # each interrupt's kick latency\n"
"    vhmtrace -c vhm-latency       # devices vhm-latency drives\n"
"    vhmtrace -j -n 100            # 100 events as JSON lines, then exit\n"
"    vhmtrace --fallback           # tracepoints (no module BTF needed)\n"
"\n"
"Events: set_state kick process used call get_vring_base set_vring_base\n"
"        features config dma_map dma_unmap device_error call_latency\n";

enum { OPT_DURATION = 0x200 };

static const struct argp_option opts[] = {
	{ "events", 'e', "LIST", 0, "Only these events (comma-separated)", 0 },
	{ "json", 'j', NULL, 0, "JSON lines: one object per event, then a summary", 0 },
	{ "count", 'n', "N", 0, "Exit after N events", 0 },
	{ "duration", OPT_DURATION, "SEC", 0, "Exit after SEC seconds", 0 },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'e':
		env.events = vhm_parse_events(arg);
		if (env.events < 0)
			argp_error(state, "bad event list");
		break;
	case 'j':
		env.json = true;
		break;
	case 'n':
		env.count = vhm_parse_num(arg, "count", 1, __LONG_MAX__, state);
		break;
	case OPT_DURATION:
		env.duration = vhm_parse_num(arg, "duration", 1, 1 << 30, state);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const char *state_name(uint64_t s)
{
	switch (s) {
	case 0: return "STOPPED";
	case 1: return "RUNNING";
	case 2: return "ERROR";
	default: return "?";
	}
}

static void format_details(const struct vhmtrace_event *e, char *buf, size_t len)
{
	switch (e->type) {
	case VHM_EV_SET_STATE:
		snprintf(buf, len, "%s -> %s ret=%d", state_name(e->a),
			 state_name(e->b), e->ret);
		break;
	case VHM_EV_GET_VRING_BASE:
	case VHM_EV_SET_VRING_BASE:
		snprintf(buf, len, "value=%llu", (unsigned long long)e->a);
		break;
	case VHM_EV_FEATURES:
		snprintf(buf, len, "features=%#llx ret=%d",
			 (unsigned long long)e->a, e->ret);
		break;
	case VHM_EV_CONFIG:
		snprintf(buf, len, "%s off=%llu len=%u ret=%d",
			 e->b >> 32 ? "write" : "read", (unsigned long long)e->a,
			 (unsigned int)e->b, e->ret);
		break;
	case VHM_EV_DMA_MAP:
		snprintf(buf, len, "iova=%#llx ret=%d", (unsigned long long)e->a,
			 e->ret);
		break;
	case VHM_EV_DMA_UNMAP:
		snprintf(buf, len, "iova=%#llx len=%#llx pages=%d",
			 (unsigned long long)e->a, (unsigned long long)e->b, e->ret);
		break;
	case VHM_EV_ERROR:
		snprintf(buf, len, "err=%d (%s)", e->ret, strerror(-e->ret));
		break;
	case VHM_EV_USED:
		snprintf(buf, len, "idx=%llu count=%llu", (unsigned long long)e->a,
			 (unsigned long long)e->b);
		break;
	case VHM_EV_KICK:
	case VHM_EV_PROCESS:
	case VHM_EV_CALL:
		snprintf(buf, len, "published=%llu", (unsigned long long)e->a);
		break;
	case VHM_EV_CALL_LATENCY:
		snprintf(buf, len, "kick_to_call_ns=%llu kick_to_process_ns=%llu overtaken=%u unanswered=%u",
			 (unsigned long long)e->a, (unsigned long long)e->b,
			 e->ret & 0xffff, e->ret >> 16);
		break;
	default:
		buf[0] = 0;
	}
}

static json_t *event_json(const struct vhmtrace_event *e)
{
	json_t *o = json_pack("{s:f, s:I, s:s, s:s, s:I}",
			      "time", vhm_rel_time(e->ts_ns), "dev", (json_int_t)e->dev,
			      "event", vhm_event_name(e->type), "comm", e->comm,
			      "pid", (json_int_t)e->pid);

	if (!o)
		return NULL;
	if (e->vq != 0xffff)
		json_object_set_new(o, "vq", json_integer(e->vq));
	switch (e->type) {
	case VHM_EV_SET_STATE:
		json_object_set_new(o, "old", json_string(state_name(e->a)));
		json_object_set_new(o, "new", json_string(state_name(e->b)));
		json_object_set_new(o, "ret", json_integer(e->ret));
		break;
	case VHM_EV_GET_VRING_BASE:
	case VHM_EV_SET_VRING_BASE:
		json_object_set_new(o, "value", json_integer(e->a));
		break;
	case VHM_EV_FEATURES:
		json_object_set_new(o, "features", json_integer(e->a));
		json_object_set_new(o, "ret", json_integer(e->ret));
		break;
	case VHM_EV_CONFIG:
		json_object_set_new(o, "write", json_boolean(e->b >> 32));
		json_object_set_new(o, "off", json_integer(e->a));
		json_object_set_new(o, "len", json_integer((uint32_t)e->b));
		json_object_set_new(o, "ret", json_integer(e->ret));
		break;
	case VHM_EV_DMA_MAP:
		json_object_set_new(o, "iova", json_integer(e->a));
		json_object_set_new(o, "ret", json_integer(e->ret));
		break;
	case VHM_EV_DMA_UNMAP:
		json_object_set_new(o, "iova", json_integer(e->a));
		json_object_set_new(o, "len", json_integer(e->b));
		json_object_set_new(o, "pages", json_integer(e->ret));
		break;
	case VHM_EV_ERROR:
		json_object_set_new(o, "err", json_integer(e->ret));
		break;
	case VHM_EV_USED:
		json_object_set_new(o, "idx", json_integer(e->a));
		json_object_set_new(o, "count", json_integer(e->b));
		break;
	case VHM_EV_KICK:
	case VHM_EV_PROCESS:
	case VHM_EV_CALL:
		json_object_set_new(o, "published", json_integer(e->a));
		break;
	case VHM_EV_CALL_LATENCY:
		json_object_set_new(o, "kick_to_call_ns", json_integer(e->a));
		json_object_set_new(o, "kick_to_process_ns", json_integer(e->b));
		json_object_set_new(o, "overtaken", json_integer(e->ret & 0xffff));
		json_object_set_new(o, "unanswered", json_integer(e->ret >> 16));
		break;
	}
	return o;
}

static void print_json(json_t *o)
{
	json_dumpf(o, stdout, JSON_COMPACT);
	putchar('\n');
	json_decref(o);
}

/* After Ctrl-C: when to stop draining the ring buffer. */
static uint64_t drain_deadline;

static int handle_event(void *ctx, void *data, size_t size)
{
	const struct vhmtrace_event *e = data;
	char details[96], vq[8];

	/*
	 * A busy device fills the ring buffer faster than one poll drains
	 * it: after Ctrl-C, drain what is there for at most a second, or
	 * the poll never returns.
	 */
	if (vhm_exiting) {
		if (!drain_deadline)
			drain_deadline = vhm_now_ns() + 1000000000ULL;
		else if (vhm_now_ns() > drain_deadline)
			return -EINTR;
	}
	if (e->type >= VHM_EV_MAX || (env.count && seen >= (uint64_t)env.count))
		return 0;
	counts[e->type]++;
	if (env.json) {
		print_json(event_json(e));
	} else {
		format_details(e, details, sizeof(details));
		if (e->vq == 0xffff)
			strcpy(vq, "-");
		else
			snprintf(vq, sizeof(vq), "%u", e->vq);
		printf("%-12.6f %-4u %-4s %-15s %-40s %-16s %u\n",
		       vhm_rel_time(e->ts_ns), e->dev, vq,
		       vhm_event_name(e->type), details, e->comm, e->pid);
	}
	if (env.count && ++seen >= (uint64_t)env.count)
		vhm_exiting = true;
	return 0;
}

static void print_summary(uint64_t dropped)
{
	json_t *o, *c;
	int i;

	if (env.json) {
		c = json_object();
		for (i = 0; i < VHM_EV_MAX; i++)
			json_object_set_new(c, vhm_event_name(i), json_integer(counts[i]));
		o = json_pack("{s:o, s:I}", "summary", c, "dropped", (json_int_t)dropped);
		print_json(o);
		return;
	}
	printf("\n%-16s %s\n", "EVENT", "COUNT");
	for (i = 0; i < VHM_EV_MAX; i++)
		printf("%-16s %llu\n", vhm_event_name(i),
		       (unsigned long long)counts[i]);
	if (dropped)
		printf("dropped %llu events (ring buffer full)\n",
		       (unsigned long long)dropped);
}

/*
 * Attach only the events asked for; set_state and kick also tell who drives
 * a device, so a task filter keeps them.
 */
static void skip_unasked(struct bpf_object *obj)
{
	bool task = vhm_filter.pid >= 0 || vhm_filter.comm[0];
	char name[64];
	int i;

	for (i = 0; i < VHM_EV_MAX; i++) {
		if (env.events & (1LL << i))
			continue;
		if (task && (i == VHM_EV_SET_STATE || i == VHM_EV_KICK))
			continue;
		snprintf(name, sizeof(name), "vhost_mdev_%s", vhm_event_name(i));
		vhm_skip_programs(obj, name);
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
	struct ring_buffer *rb = NULL;
	struct vhmtrace_bpf *obj;
	uint64_t deadline = 0;
	int err;

	err = argp_parse(&argp, argc, argv, 0, NULL, NULL);
	if (err)
		return err;
	vhm_setup();
	if (vhm_check_module())
		return 1;

	obj = vhmtrace_bpf__open();
	if (!obj) {
		fprintf(stderr, "failed to open BPF object: %s\n", strerror(errno));
		return 1;
	}
	VHM_SET_FILTER(obj->rodata);
	if (env.events >= 0) {
		obj->rodata->targ_events = env.events;
		skip_unasked(obj->obj);
	}

	err = vhm_load_attach(obj->skeleton, vhm_mode, "events",
			      obj->rodata->vhm_rec_off);
	if (err)
		goto cleanup;
	/* Events since the attach wait in the map until this subscribes. */
	rb = ring_buffer__new(bpf_map__fd(obj->maps.events), handle_event, NULL, NULL);
	if (!rb) {
		err = -errno;
		fprintf(stderr, "failed to create ring buffer: %s\n", strerror(errno));
		goto cleanup;
	}
	if (!env.json)
		printf("%-12s %-4s %-4s %-15s %-40s %-16s %s\n", "TIME(s)", "DEV",
		       "VQ", "EVENT", "DETAILS", "COMM", "PID");
	fflush(stdout);
	if (env.duration)
		deadline = vhm_now_ns() + env.duration * 1000000000ULL;
	while (!vhm_exiting) {
		err = ring_buffer__poll(rb, 100);
		if (err == -EINTR) {
			err = 0;
			break;
		}
		if (err < 0) {
			fprintf(stderr, "failed to poll ring buffer: %s\n", strerror(-err));
			goto cleanup;
		}
		fflush(stdout);
		if (deadline && vhm_now_ns() >= deadline)
			break;
	}
	/* What arrived before the stop still counts. */
	ring_buffer__consume(rb);
	print_summary(obj->bss->dropped);
	err = 0;

cleanup:
	ring_buffer__free(rb);
	vhmtrace_bpf__destroy(obj);
	return err != 0;
}
