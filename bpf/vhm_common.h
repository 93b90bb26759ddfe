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

extern bool vhm_verbose;
/* The attach mode the common options (--fallback, --btf) chose. */
extern enum vhm_attach_mode vhm_mode;
/* Options every tool takes: --fallback, --btf, -v; hang under .children. */
extern const struct argp_child vhm_argp_children[];
extern volatile bool vhm_exiting;

/* libbpf messages only with -v; Ctrl-C / SIGTERM set vhm_exiting. */
void vhm_setup(void);

/* 0 when the module is loaded, else prints what to do and returns -1. */
int vhm_check_module(void);
bool vhm_have_module_btf(void);

/*
 * Keep the programs of one attach flavour: btf_* (tp_btf, fentry/fexit) or
 * raw_* / kp_* (raw_tp, kprobe/kretprobe). Returns the mode chosen, or -1
 * after printing why the asked one is impossible.
 */
int vhm_choose_programs(struct bpf_object *obj, enum vhm_attach_mode mode);
const char *vhm_mode_name(enum vhm_attach_mode mode);

/*
 * Choose the programs for mode, load and attach the skeleton, then say on
 * stderr that tracing runs (scripts wait for that line). 0 or an errno,
 * after printing what failed.
 */
int vhm_load_attach(struct bpf_object_skeleton *skel,
		    enum vhm_attach_mode mode, const char *what);

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
