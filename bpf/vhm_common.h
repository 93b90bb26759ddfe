/* SPDX-License-Identifier: GPL-2.0 */
/* Loader helpers shared by the vhost_mdev BPF tools. */
#ifndef VHM_COMMON_H
#define VHM_COMMON_H

#include <argp.h>
#include <stdbool.h>
#include <stdint.h>
#include <bpf/libbpf.h>
#include "vhm_events.h"

#define VHM_MODULE "vhost_mdev"

enum vhm_attach_mode {
	VHM_ATTACH_AUTO,	/* BTF-typed programs when module BTF exists */
	VHM_ATTACH_BTF,		/* tp_btf / fentry only */
	VHM_ATTACH_FALLBACK,	/* raw_tp / kprobe only */
};

/* What -d, -q, -p and -c asked (vhm_filter.bpf.h applies it). */
struct vhm_filter {
	long long dev;		/* -1: any */
	int vq;			/* -1: any */
	int pid;		/* -1: any */
	char comm[16];		/* "": any */
};

extern struct vhm_filter vhm_filter;
extern bool vhm_verbose;
/* The attach mode the common options (--fallback, --btf) chose. */
extern enum vhm_attach_mode vhm_mode;
/*
 * Options every tool takes: the filters (-d, -q, -p, -c) and --fallback,
 * --btf, -v; hang under .children.
 */
extern const struct argp_child vhm_argp_children[];

/* Set a skeleton's filter globals (those of vhm_filter.bpf.h). */
#define VHM_SET_FILTER(rodata) do {					\
	(rodata)->targ_dev = vhm_filter.dev;				\
	(rodata)->targ_vq = vhm_filter.vq;				\
	(rodata)->targ_tgid = vhm_filter.pid;				\
	memcpy((void *)(rodata)->targ_comm, vhm_filter.comm,		\
	       sizeof(vhm_filter.comm));				\
} while (0)
extern volatile bool vhm_exiting;

/* libbpf messages only with -v; Ctrl-C / SIGTERM set vhm_exiting. */
void vhm_setup(void);

/* 0 when the module is loaded, else prints what to do and returns -1. */
int vhm_check_module(void);
bool vhm_have_module_btf(void);

/*
 * Keep the programs of one attach flavour: btf_* (tp_btf, fentry/fexit) or
 * fb_* / kp_* (tracepoint, kprobe/kretprobe); a program the tool turned off
 * stays off. Returns the mode chosen, or -1 after printing why the asked
 * one is impossible.
 */
int vhm_choose_programs(struct bpf_object *obj, enum vhm_attach_mode mode);
const char *vhm_mode_name(enum vhm_attach_mode mode);

/*
 * Choose the programs for mode, load and attach the skeleton, then say on
 * stderr that tracing runs (scripts wait for that line). In fallback mode
 * rec_off (the skeleton's vhm_rec_off of vhm_tp.bpf.h) gets the record
 * offsets from tracefs first. 0 or an errno, after printing what failed.
 */
int vhm_load_attach(struct bpf_object_skeleton *skel,
		    enum vhm_attach_mode mode, const char *what,
		    volatile __u16 (*rec_off)[VHM_F_MAX]);

/* vhm_load_attach() in two steps: the mode chosen (>= 0), or an errno. */
int vhm_load(struct bpf_object_skeleton *skel, enum vhm_attach_mode mode,
	     volatile __u16 (*rec_off)[VHM_F_MAX]);
int vhm_attach(struct bpf_object_skeleton *skel, enum vhm_attach_mode chosen,
	       const char *what);

/* For a failed bpf() call (-errno): how to get the privileges, if that was it. */
void vhm_permission_hint(int err);

/* Leave out the programs named btf_<name>, fb_<name> and kp_<name>. */
void vhm_skip_programs(struct bpf_object *obj, const char *name);

/* A number option in [min, max], or argp_error() naming what is wrong. */
long vhm_parse_num(const char *arg, const char *what, long min, long max,
		   struct argp_state *state);

const char *vhm_event_name(int type);
/* Comma-separated event names -> bit mask; -1 with a message on error. */
long long vhm_parse_events(const char *list);

/* Seconds since the first call, from CLOCK_MONOTONIC (bpf_ktime_get_ns). */
double vhm_rel_time(uint64_t ts_ns);
uint64_t vhm_now_ns(void);

#include "vhm_hist.h"

/* Print the log2 rows (sub-buckets summed), bpftrace-style. */
void vhm_print_log2_hist(const struct vhm_hist *h, const char *unit);
/* Percentile p (0..100), interpolated inside its sub-bucket. */
double vhm_hist_percentile(const struct vhm_hist *h, double p);
uint64_t vhm_hist_total(const struct vhm_hist *h);

#endif /* VHM_COMMON_H */
