// SPDX-License-Identifier: GPL-2.0
/* Run environment and JSON output. See report.h. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "report.h"

static void vhm_copy(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src ? src : "");
}

static void vhm_cpu_model(char *buf, size_t size)
{
	char line[256];
	FILE *f = fopen("/proc/cpuinfo", "r");

	vhm_copy(buf, size, "unknown");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (strncmp(line, "model name", 10) || !colon)
			continue;
		colon += 1 + (colon[1] == ' ');
		colon[strcspn(colon, "\n")] = '\0';
		vhm_copy(buf, size, colon);
		break;
	}
	fclose(f);
}

static void vhm_git_commit(char *buf, size_t size)
{
	const char *env = getenv("VHM_COMMIT");
	FILE *p;

	if (env && env[0]) {
		vhm_copy(buf, size, env);
		return;
	}
	vhm_copy(buf, size, "unknown");
	p = popen("git rev-parse --short HEAD 2>/dev/null", "r");
	if (!p)
		return;
	if (fgets(buf, (int)size, p))
		buf[strcspn(buf, "\n")] = '\0';
	if (pclose(p) != 0 || !buf[0])
		vhm_copy(buf, size, "unknown");
}

void vhm_env_collect(struct vhm_env *env)
{
	const char *run_id = getenv("VHM_RUN_ID");
	const char *guest = getenv("VHM_GUEST");
	const char *accel = getenv("VHM_ACCEL");
	const char *clock = getenv("VHM_CLOCK");
	const char *shift = getenv("VHM_ICOUNT_SHIFT");
	const char *stamp_env = getenv("VHM_TIMESTAMP");
	const char *host_env = getenv("VHM_HOST");
	const char *mode = getenv("VHM_RUN_MODE");
	time_t now = time(NULL);
	char stamp[32];
	struct utsname u;
	struct tm tm;

	memset(env, 0, sizeof(env[0]));
	/* The host's start time (scripts/bench): on the virtual clock the
	 * guest's own runs ahead, jumping over every wait on the host. */
	if (stamp_env && stamp_env[0]) {
		memset(&tm, 0, sizeof(tm));
		if (strptime(stamp_env, "%Y-%m-%dT%H:%M:%SZ", &tm))
			now = timegm(&tm);
	}
	gmtime_r(&now, &tm);
	strftime(env->timestamp, sizeof(env->timestamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	if (!uname(&u)) {
		vhm_copy(env->kernel, sizeof(env->kernel), u.release);
		vhm_copy(env->host, sizeof(env->host), u.nodename);
	}
	/* In a guest: the machine it runs on (guest-run), not "vhm-guest". */
	if (host_env && host_env[0])
		vhm_copy(env->host, sizeof(env->host), host_env);
	vhm_cpu_model(env->cpu_model, sizeof(env->cpu_model));
	vhm_git_commit(env->commit, sizeof(env->commit));
	env->guest = guest && !strcmp(guest, "1");
	vhm_copy(env->accel, sizeof(env->accel),
		 env->guest ? (accel && accel[0] ? accel : "unknown") : "none");
	env->icount_shift = -1;
	if (env->guest && clock && !strcmp(clock, "virtual")) {
		vhm_copy(env->clock, sizeof(env->clock), "virtual");
		env->icount_shift = shift && shift[0] ? atoi(shift) : 0;
	} else {
		vhm_copy(env->clock, sizeof(env->clock), "real");
	}
	/* Quick runs are smoke tests: never in one series with full ones. */
	if (mode && (!strcmp(mode, "quick") || !strcmp(mode, "full")))
		vhm_copy(env->mode, sizeof(env->mode), mode);
	env->ncpus = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (run_id && run_id[0])
		vhm_copy(env->run_id, sizeof(env->run_id), run_id);
	else
		snprintf(env->run_id, sizeof(env->run_id), "%s-%s-%s", stamp,
			 env->host, env->commit);
}

json_t *vhm_env_json(const struct vhm_env *env)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:s, s:s, s:i}",
			      "timestamp", env->timestamp,
			      "host", env->host,
			      "kernel", env->kernel,
			      "cpu_model", env->cpu_model,
			      "commit", env->commit,
			      "guest", env->guest,
			      "accel", env->accel,
			      "clock", env->clock,
			      "vcpus", env->ncpus);

	if (o && env->icount_shift >= 0)
		json_object_set_new(o, "icount_shift",
				    json_integer(env->icount_shift));
	if (o && env->mode[0])
		json_object_set_new(o, "mode", json_string(env->mode));
	return o;
}

bool vhm_env_virtual(const struct vhm_env *env)
{
	return !strcmp(env->clock, "virtual");
}

const char *vhm_env_describe(const struct vhm_env *env, char *buf, size_t size)
{
	char clock[48];

	if (vhm_env_virtual(env))
		snprintf(clock, sizeof(clock), "virtual clock (icount shift %d)",
			 env->icount_shift);
	else
		snprintf(clock, sizeof(clock), "real clock");
	snprintf(buf, size, "%s%s, %s, %d %s%s%s", env->guest ? "guest " : "native",
		 env->guest ? env->accel : "", clock, env->ncpus,
		 env->guest ? "vCPU" : "CPU", env->ncpus == 1 ? "" : "s",
		 strcmp(env->mode, "quick") ? "" : ", QUICK run (smoke test)");
	return buf;
}

const char *vhm_unit_us(const struct vhm_env *env)
{
	return vhm_env_virtual(env) ? "vus" : "us";
}

const char *vhm_unit_per_s(const struct vhm_env *env)
{
	return vhm_env_virtual(env) ? "/vs" : "/s";
}

void vhm_print_clock_note(FILE *f, const struct vhm_env *env)
{
	int shift = env->icount_shift;

	if (!vhm_env_virtual(env))
		return;
	if (shift < 0 || shift > 30)
		shift = 0;
	fprintf(f, "vus = virtual us, /vs = per virtual s: guest time at %d ns per "
		"instruction executed, idle skipped; path length, not real time (docs/bench.md)\n",
		1 << shift);
}

json_t *vhm_report_new(const char *tool, const struct vhm_env *env,
		       json_t *params)
{
	return json_pack("{s:i, s:s, s:s, s:o, s:o, s:[]}",
			 "schema_version", VHM_SCHEMA_VERSION,
			 "tool", tool,
			 "run_id", env->run_id,
			 "env", vhm_env_json(env),
			 "params", params,
			 "results");
}

json_t *vhm_latency_json(const struct vhm_latency_summary *s)
{
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:f, s:f}",
			 "samples", (json_int_t)s->n,
			 "min_ns", (json_int_t)s->min,
			 "p50_ns", (json_int_t)s->p50,
			 "p90_ns", (json_int_t)s->p90,
			 "p99_ns", (json_int_t)s->p99,
			 "p999_ns", (json_int_t)s->p999,
			 "max_ns", (json_int_t)s->max,
			 "mean_ns", s->mean,
			 "stddev_ns", s->stddev);
}

json_t *vhm_hist_json(const struct vhm_hist *h)
{
	json_t *arr = json_array();

	for (unsigned int b = 0; b < VHM_HIST_BUCKETS && arr; b++) {
		uint64_t lo, hi;

		if (!h->count[b])
			continue;
		vhm_hist_bounds(b, &lo, &hi);
		json_array_append_new(arr, json_pack("{s:I, s:I, s:I}",
						     "lo_ns", (json_int_t)lo,
						     "hi_ns", (json_int_t)hi,
						     "count", (json_int_t)h->count[b]));
	}
	return arr;
}

json_t *vhm_perf_json(const struct vhm_perf *p, uint64_t ops)
{
	json_t *obj = json_object();

	for (int c = 0; c < VHM_PERF_NR && obj; c++) {
		if (!p->valid[c])
			continue;
		json_object_set_new(obj, vhm_perf_names[c],
				    json_pack("{s:I, s:f}",
					      "total", (json_int_t)p->value[c],
					      "per_op", ops ? (double)p->value[c] / (double)ops : 0.0));
	}
	return obj;
}

int vhm_mkdir_p(const char *dir)
{
	char path[PATH_MAX];
	size_t len;

	if (snprintf(path, sizeof(path), "%s", dir) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	len = strlen(path);
	for (size_t i = 1; i <= len; i++) {
		if (path[i] != '/' && path[i] != '\0')
			continue;
		path[i] = '\0';
		if (mkdir(path, 0755) && errno != EEXIST)
			return -errno;
		path[i] = i == len ? '\0' : '/';
	}
	return 0;
}

FILE *vhm_report_open(const char *dir, const char *name)
{
	char path[PATH_MAX];
	int err = vhm_mkdir_p(dir);
	FILE *f;

	if (err) {
		fprintf(stderr, "failed to create %s: %s\n", dir, strerror(-err));
		return NULL;
	}
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		fprintf(stderr, "failed to write %s: %s\n", path, strerror(errno));
	return f;
}

int vhm_report_write(json_t *doc, const char *dir, const char *name)
{
	FILE *f = vhm_report_open(dir, name);
	int err = 0;

	if (!f)
		return -EIO;
	if (json_dumpf(doc, f, JSON_INDENT(2) | JSON_SORT_KEYS) ||
	    fputc('\n', f) == EOF)
		err = -EIO;
	if (fclose(f) && !err)
		err = -errno;
	if (err)
		fprintf(stderr, "failed to write %s/%s\n", dir, name);
	return err;
}
