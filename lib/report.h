/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The environment of a run and the JSON results (docs/results-schema.md).
 */
#ifndef VHM_REPORT_H
#define VHM_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <jansson.h>

#include "perf.h"
#include "stats.h"

#define VHM_SCHEMA_VERSION	1

struct vhm_env {
	char run_id[192];
	char timestamp[32];	/* UTC, ISO 8601 */
	char host[72];
	char kernel[128];
	char cpu_model[128];
	char commit[48];
	char accel[16];		/* tcg, kvm or none (native) */
	char clock[16];		/* virtual (icount) or real */
	int icount_shift;	/* virtual: 2^shift ns per instruction, else -1 */
	char mode[16];		/* quick or full (scripts/bench), else empty */
	bool guest;
	int ncpus;
};

/*
 * Fill env from the system. VHM_RUN_ID and VHM_COMMIT override the run id
 * and commit (scripts/bench sets them once for all tools); VHM_GUEST and
 * VHM_ACCEL, VHM_CLOCK and VHM_ICOUNT_SHIFT come from the guest runner;
 * VHM_RUN_MODE (quick or full) from scripts/bench.
 */
void vhm_env_collect(struct vhm_env *env);
json_t *vhm_env_json(const struct vhm_env *env);

/* The run ran on QEMU's instruction-count clock: times are guest time. */
bool vhm_env_virtual(const struct vhm_env *env);
/*
 * The run in one phrase for a table's title, e.g. "guest tcg, virtual
 * clock (icount shift 0), 1 vCPU" or "native, real clock, 8 CPUs"; buf.
 */
const char *vhm_env_describe(const struct vhm_env *env, char *buf, size_t size);
/*
 * Units of the tables: "us" and "/s" on the real clock, "vus" and "/vs"
 * (virtual microseconds, per virtual second) on the virtual one.
 */
const char *vhm_unit_us(const struct vhm_env *env);
const char *vhm_unit_per_s(const struct vhm_env *env);
/* On the virtual clock, a line saying what the virtual units are. */
void vhm_print_clock_note(FILE *f, const struct vhm_env *env);

/* {"schema_version", "tool", "run_id", "env", "params", "results": []} */
json_t *vhm_report_new(const char *tool, const struct vhm_env *env,
		       json_t *params);
json_t *vhm_latency_json(const struct vhm_latency_summary *s);
/* Non-empty buckets: [{"lo_ns", "hi_ns", "count"}] */
json_t *vhm_hist_json(const struct vhm_hist *h);
/* {"<counter>": {"total", "per_op"}} for the counters that worked. */
json_t *vhm_perf_json(const struct vhm_perf *p, uint64_t ops);

/* mkdir -p; 0 or -errno. */
int vhm_mkdir_p(const char *dir);
/* Write doc to dir/name, creating dir. 0 or -errno (message printed). */
int vhm_report_write(json_t *doc, const char *dir, const char *name);
/* fopen(dir/name, "w") after creating dir, with a message on failure. */
FILE *vhm_report_open(const char *dir, const char *name);

#endif /* VHM_REPORT_H */
