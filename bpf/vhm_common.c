// SPDX-License-Identifier: GPL-2.0
/* Loader helpers shared by the vhost_mdev BPF tools. */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/types.h>
#include "vhm_common.h"

struct vhm_filter vhm_filter = { .dev = -1, .vq = -1, .pid = -1 };
bool vhm_verbose;
volatile bool vhm_exiting;
enum vhm_attach_mode vhm_mode = VHM_ATTACH_AUTO;

enum { VHM_OPT_FALLBACK = 0x100, VHM_OPT_BTF };

static const struct argp_option vhm_filter_opts[] = {
	{ "dev", 'd', "DEV", 0, "Only this device (its vhost/id)", 0 },
	{ "vq", 'q', "VQ", 0, "Only this virtqueue (and no device-wide events)", 0 },
	{ "pid", 'p', "PID", 0, "Only devices this process drives", 0 },
	{ "comm", 'c', "COMM", 0, "Only devices a task of this name drives", 0 },
	{},
};

static error_t vhm_filter_parse(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'd':
		vhm_filter.dev = vhm_parse_num(arg, "device", 0, UINT32_MAX,
					       state);
		break;
	case 'q':
		vhm_filter.vq = vhm_parse_num(arg, "vq", 0, 0xfffe, state);
		break;
	case 'p':
		vhm_filter.pid = vhm_parse_num(arg, "PID", 1, INT32_MAX, state);
		break;
	case 'c':
		if (!*arg || strlen(arg) >= sizeof(vhm_filter.comm))
			argp_error(state, "invalid COMM '%s' (1 to %zu characters, as in /proc/PID/comm)",
				   arg, sizeof(vhm_filter.comm) - 1);
		strcpy(vhm_filter.comm, arg);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp vhm_filter_argp = {
	.options = vhm_filter_opts,
	.parser = vhm_filter_parse,
};

static const struct argp_option vhm_common_opts[] = {
	{ "fallback", VHM_OPT_FALLBACK, NULL, 0,
	  "Attach tracepoints and kprobes (no module BTF needed)", 0 },
	{ "btf", VHM_OPT_BTF, NULL, 0,
	  "Require tp_btf and fentry programs (module BTF)", 0 },
	{ "verbose", 'v', NULL, 0, "Show libbpf messages", 0 },
	{ NULL, 'h', NULL, OPTION_HIDDEN, "Show the full help", 0 },
	{},
};

static error_t vhm_common_parse(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case VHM_OPT_FALLBACK:
		vhm_mode = VHM_ATTACH_FALLBACK;
		break;
	case VHM_OPT_BTF:
		vhm_mode = VHM_ATTACH_BTF;
		break;
	case 'v':
		vhm_verbose = true;
		break;
	case 'h':
		argp_state_help(state, stderr, ARGP_HELP_STD_HELP);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp vhm_common_argp = {
	.options = vhm_common_opts,
	.parser = vhm_common_parse,
};

const struct argp_child vhm_argp_children[] = {
	{ &vhm_filter_argp, 0, "Filters:", 0 },
	{ &vhm_common_argp, 0, "Attaching:", 0 },
	{},
};

static const char *const vhm_event_names[VHM_EV_MAX] = {
	[VHM_EV_SET_STATE] = "set_state",
	[VHM_EV_KICK] = "kick",
	[VHM_EV_CALL] = "call",
	[VHM_EV_GET_VRING_BASE] = "get_vring_base",
	[VHM_EV_SET_VRING_BASE] = "set_vring_base",
	[VHM_EV_FEATURES] = "features",
	[VHM_EV_CONFIG] = "config",
	[VHM_EV_DMA_MAP] = "dma_map",
	[VHM_EV_DMA_UNMAP] = "dma_unmap",
	[VHM_EV_ERROR] = "device_error",
	[VHM_EV_USED] = "used",
	[VHM_EV_PROCESS] = "process",
	[VHM_EV_CALL_LATENCY] = "call_latency",
};

static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list args)
{
	if (level == LIBBPF_DEBUG && !vhm_verbose)
		return 0;
	if (level == LIBBPF_INFO && !vhm_verbose)
		return 0;
	/* Unprivileged, libbpf's guesses mislead: one hint says it all. */
	if (geteuid() && !vhm_verbose)
		return 0;
	return vfprintf(stderr, fmt, args);
}

static void sig_handler(int sig)
{
	vhm_exiting = true;
}

void vhm_setup(void)
{
	libbpf_set_print(libbpf_print);
	signal(SIGINT, sig_handler);
	signal(SIGTERM, sig_handler);
}

int vhm_check_module(void)
{
	if (access("/sys/module/" VHM_MODULE, F_OK) == 0)
		return 0;
	fprintf(stderr,
		"module %s is not loaded: load it first (in the guest: scripts/vhm-modules load;\n"
		"on a host with the module installed: modprobe %s)\n",
		VHM_MODULE, VHM_MODULE);
	return -1;
}

bool vhm_have_module_btf(void)
{
	return access("/sys/kernel/btf/" VHM_MODULE, R_OK) == 0;
}

const char *vhm_mode_name(enum vhm_attach_mode mode)
{
	return mode == VHM_ATTACH_BTF ? "tp_btf/fentry" : "tracepoint/kprobe";
}

static bool prog_is_btf(const struct bpf_program *prog)
{
	return !strncmp(bpf_program__name(prog), "btf_", 4);
}

int vhm_choose_programs(struct bpf_object *obj, enum vhm_attach_mode mode)
{
	struct bpf_program *prog;
	bool btf = vhm_have_module_btf();

	if (mode == VHM_ATTACH_BTF && !btf) {
		fprintf(stderr,
			"no BTF for %s (/sys/kernel/btf/%s): rebuild the module with 'make modules'\n"
			"(it adds BTF with pahole), or run with --fallback\n",
			VHM_MODULE, VHM_MODULE);
		return -1;
	}
	if (mode == VHM_ATTACH_AUTO)
		mode = btf ? VHM_ATTACH_BTF : VHM_ATTACH_FALLBACK;
	if (mode == VHM_ATTACH_FALLBACK && !btf && vhm_verbose)
		fprintf(stderr, "no BTF for %s: using tracepoints and kprobes\n",
			VHM_MODULE);
	bpf_object__for_each_program(prog, obj)
		if (prog_is_btf(prog) != (mode == VHM_ATTACH_BTF))
			bpf_program__set_autoload(prog, false);
	return mode;
}

void vhm_skip_programs(struct bpf_object *obj, const char *name)
{
	static const char *const prefixes[] = { "btf_", "fb_", "kp_" };
	struct bpf_program *prog;
	char full[128];
	unsigned int i;

	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		snprintf(full, sizeof(full), "%s%s", prefixes[i], name);
		prog = bpf_object__find_program_by_name(obj, full);
		if (prog)
			bpf_program__set_autoload(prog, false);
	}
}

static const char *const vhm_field_names[VHM_F_MAX] = {
	[VHM_F_DEV] = "dev",		[VHM_F_VQ] = "vq",
	[VHM_F_IDX] = "idx",		[VHM_F_COUNT] = "count",
	[VHM_F_VALUE] = "value",	[VHM_F_OLD] = "old",
	[VHM_F_NEW] = "new",		[VHM_F_RET] = "ret",
	[VHM_F_FEATURES] = "features",	[VHM_F_WRITE] = "write",
	[VHM_F_OFF] = "off",		[VHM_F_LEN] = "len",
	[VHM_F_IOVA] = "iova",		[VHM_F_PAGES] = "pages",
	[VHM_F_ERR] = "err",		[VHM_F_PUBLISHED] = "published",
	[VHM_F_KICK_TO_CALL] = "kick_to_call_ns",
	[VHM_F_KICK_TO_PROCESS] = "kick_to_process_ns",
	[VHM_F_OVERTAKEN] = "overtaken", [VHM_F_UNANSWERED] = "unanswered",
};

static FILE *open_format(int ev)
{
	static const char *const roots[] = {
		"/sys/kernel/tracing", "/sys/kernel/debug/tracing",
	};
	char path[256];
	unsigned int i;
	FILE *f;

	for (i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
		snprintf(path, sizeof(path), "%s/events/%s/%s_%s/format",
			 roots[i], VHM_MODULE, VHM_MODULE,
			 vhm_event_names[ev]);
		f = fopen(path, "r");
		if (f)
			return f;
	}
	return NULL;
}

/*
 * The offset of every field the event's record has, from lines like
 * "\tfield:u32 dev;\toffset:8;\tsize:4;\tsigned:0;".
 */
static int read_format(int ev, volatile __u16 *off)
{
	char line[256], name[64];
	unsigned int o;
	FILE *f = open_format(ev);
	int i;

	if (!f) {
		fprintf(stderr, "cannot read the format of event %s_%s: is tracefs mounted (mount -t tracefs nodev /sys/kernel/tracing)?\n",
			VHM_MODULE, vhm_event_names[ev]);
		return -ENOENT;
	}
	while (fgets(line, sizeof(line), f)) {
		char *field = strstr(line, "field:"), *semi, *sp;

		if (!field || !(semi = strchr(field, ';')))
			continue;
		*semi = 0;
		sp = strrchr(field, ' ');
		if (!sp || sscanf(semi + 1, " offset:%u;", &o) != 1)
			continue;
		snprintf(name, sizeof(name), "%s", sp + 1);
		for (i = 0; i < VHM_F_MAX; i++)
			if (!strcmp(name, vhm_field_names[i]))
				off[i] = o;
	}
	fclose(f);
	return 0;
}

static int read_formats(volatile __u16 (*rec_off)[VHM_F_MAX])
{
	int ev, err;

	for (ev = 0; ev < VHM_EV_MAX; ev++) {
		err = read_format(ev, rec_off[ev]);
		if (err)
			return err;
	}
	return 0;
}

long vhm_parse_num(const char *arg, const char *what, long min, long max,
		   struct argp_state *state)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 0);
	if (errno || *end || v < min || v > max)
		argp_error(state, "invalid %s '%s' (%ld..%ld)", what, arg, min, max);
	return v;
}

void vhm_permission_hint(int err)
{
	if ((err == -EPERM || err == -EACCES) && geteuid())
		fprintf(stderr, "tracing needs root (or CAP_BPF, CAP_PERFMON and CAP_SYS_RESOURCE): try sudo\n");
}

int vhm_load(struct bpf_object_skeleton *skel, enum vhm_attach_mode mode,
	     volatile __u16 (*rec_off)[VHM_F_MAX])
{
	int chosen, err;

	chosen = vhm_choose_programs(*skel->obj, mode);
	if (chosen < 0)
		return -EINVAL;
	if (chosen == VHM_ATTACH_FALLBACK) {
		err = read_formats(rec_off);
		if (err)
			return err;
	}
	err = bpf_object__load_skeleton(skel);
	if (err) {
		fprintf(stderr, "failed to load BPF programs: %s\n", strerror(-err));
		vhm_permission_hint(err);
		return err;
	}
	return chosen;
}

int vhm_attach(struct bpf_object_skeleton *skel, enum vhm_attach_mode chosen,
	       const char *what)
{
	int err = bpf_object__attach_skeleton(skel);

	if (err) {
		fprintf(stderr, "failed to attach BPF programs (%s): %s\n",
			vhm_mode_name(chosen), strerror(-err));
		vhm_permission_hint(err);
		return err;
	}
	fprintf(stderr, "Tracing vhost_mdev %s (%s)... Hit Ctrl-C to end.\n",
		what, vhm_mode_name(chosen));
	return 0;
}

int vhm_load_attach(struct bpf_object_skeleton *skel,
		    enum vhm_attach_mode mode, const char *what,
		    volatile __u16 (*rec_off)[VHM_F_MAX])
{
	int chosen = vhm_load(skel, mode, rec_off);

	return chosen < 0 ? chosen : vhm_attach(skel, chosen, what);
}

const char *vhm_event_name(int type)
{
	if (type < 0 || type >= VHM_EV_MAX)
		return "?";
	return vhm_event_names[type];
}

long long vhm_parse_events(const char *list)
{
	char *copy = strdup(list), *tok, *save = NULL;
	long long mask = 0;
	int i;

	if (!copy)
		return -1;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < VHM_EV_MAX; i++)
			if (!strcmp(tok, vhm_event_names[i]))
				break;
		if (i == VHM_EV_MAX) {
			fprintf(stderr, "unknown event '%s'; events are:", tok);
			for (i = 0; i < VHM_EV_MAX; i++)
				fprintf(stderr, " %s", vhm_event_names[i]);
			fputc('\n', stderr);
			free(copy);
			return -1;
		}
		mask |= 1LL << i;
	}
	free(copy);
	return mask;
}

uint64_t vhm_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

double vhm_rel_time(uint64_t ts_ns)
{
	static uint64_t start;

	if (!start)
		start = ts_ns;
	return (double)(ts_ns - start) / 1e9;
}

uint64_t vhm_hist_total(const struct vhm_hist *h)
{
	uint64_t total = 0;
	int i;

	for (i = 0; i < VHM_HIST_SLOTS; i++)
		total += h->slots[i];
	return total;
}

double vhm_hist_percentile(const struct vhm_hist *h, double p)
{
	uint64_t total = vhm_hist_total(h), seen = 0;
	double rank;
	int i;

	if (!total)
		return 0;
	rank = p / 100.0 * total;
	for (i = 0; i < VHM_HIST_SLOTS; i++) {
		uint64_t lo, hi;

		if (!h->slots[i] || seen + h->slots[i] < rank) {
			seen += h->slots[i];
			continue;
		}
		lo = vhm_hist_slot_low(i);
		hi = i + 1 < VHM_HIST_SLOTS ? vhm_hist_slot_low(i + 1) : lo;
		/* Skip the unused slots between the direct and log-linear parts. */
		if (i + 1 < VHM_HIST_SLOTS && hi <= lo)
			hi = lo + 1;
		lo = lo < h->min && h->min < hi ? h->min : lo;
		hi = h->max < hi && h->max >= lo ? h->max + 1 : hi;
		return lo + (hi - lo) * ((rank - seen) / h->slots[i]);
	}
	return h->max;
}

static void print_stars(uint64_t val, uint64_t max, int width)
{
	int n = max ? (int)(val * width / max) : 0, i;

	for (i = 0; i < width; i++)
		putchar(i < n ? '*' : ' ');
}

void vhm_print_log2_hist(const struct vhm_hist *h, const char *unit)
{
	uint64_t rows[64] = { 0 }, max = 0;
	int i, first = -1, last = -1;

	for (i = 0; i < VHM_HIST_SLOTS; i++)
		rows[vhm_log2(vhm_hist_slot_low(i) | 1)] += h->slots[i];
	for (i = 0; i < 64; i++) {
		if (!rows[i])
			continue;
		if (first < 0)
			first = i;
		last = i;
		if (rows[i] > max)
			max = rows[i];
	}
	if (first < 0)
		return;
	printf("%24s : %-10s |%-40s|\n", unit, "count", "distribution");
	for (i = first; i <= last; i++) {
		uint64_t lo = i ? 1ULL << i : 0, hi = (1ULL << (i + 1)) - 1;

		printf("%10llu -> %-10llu : %-10llu |",
		       (unsigned long long)lo, (unsigned long long)hi,
		       (unsigned long long)rows[i]);
		print_stars(rows[i], max, 40);
		printf("|\n");
	}
}
