// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmp_load.h"

struct vhm_metric *vhm_metrics_find(const struct vhm_metric_set *s, const char *key)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->m[i].key, key))
			return &s->m[i];
	return NULL;
}

static struct vhm_metric *metric_get(struct vhm_metric_set *s, const char *key,
				     const char *label, const char *unit,
				     double scale, enum vhm_cmp_better better)
{
	struct vhm_metric *m = vhm_metrics_find(s, key);

	if (m)
		return m;
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 32;
		struct vhm_metric *p = realloc(s->m, cap * sizeof(*p));

		if (!p)
			return NULL;
		s->m = p;
		s->cap = cap;
	}
	m = &s->m[s->n++];
	memset(m, 0, sizeof(*m));
	snprintf(m->key, sizeof(m->key), "%s", key);
	snprintf(m->label, sizeof(m->label), "%s", label);
	m->unit = unit;
	m->scale = scale;
	m->better = better;
	return m;
}

double vhm_metric_shown(const struct vhm_metric *m, double median)
{
	return (m->merged_runs == 1 && m->merged > 0 ? m->merged : median) * m->scale;
}

static void metric_merged(struct vhm_metric *m, double v)
{
	if (v > 0) {
		m->merged = v;
		m->merged_runs++;
	}
}

static int metric_add(struct vhm_metric *m, double v)
{
	if (m->n == m->cap) {
		size_t cap = m->cap ? 2 * m->cap : 8;
		double *p = realloc(m->v, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		m->v = p;
		m->cap = cap;
	}
	m->v[m->n++] = v;
	return 0;
}

static json_t *load_doc(const char *dir, const char *name, const char *tool)
{
	char path[4096];
	json_error_t err;
	json_t *doc;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (access(path, F_OK))
		return NULL;
	doc = json_load_file(path, 0, &err);
	if (!doc) {
		fprintf(stderr, "vhm-compare: %s:%d: %s\n", path, err.line, err.text);
		return json_null();
	}
	if (json_integer_value(json_object_get(doc, "schema_version")) != 1 ||
	    strcmp(json_string_value(json_object_get(doc, "tool")) ?: "", tool)) {
		fprintf(stderr, "vhm-compare: %s: not a schema_version 1 %s document\n",
			path, tool);
		json_decref(doc);
		return json_null();
	}
	return doc;
}

bool vhm_metrics_virtual(const struct vhm_metric_set *s)
{
	return s->virtual_docs && !s->real_docs && s->icount_shift >= 0;
}

static void note_clock(struct vhm_metric_set *s, json_t *doc)
{
	json_t *env = json_object_get(doc, "env");
	const char *clock = json_string_value(json_object_get(env, "clock"));
	json_t *shift = json_object_get(env, "icount_shift");
	int v = json_is_integer(shift) ? (int)json_integer_value(shift) : -2;
	const char *kernel = json_string_value(json_object_get(env, "kernel"));

	if (kernel && !s->kernel[0])
		snprintf(s->kernel, sizeof(s->kernel), "%s", kernel);
	else if (kernel && strcmp(s->kernel, kernel))
		snprintf(s->kernel, sizeof(s->kernel), "several");
	if (!clock || strcmp(clock, "virtual")) {
		s->real_docs++;
		return;
	}
	if (!s->virtual_docs++)
		s->icount_shift = v;
	else if (s->icount_shift != v)
		s->icount_shift = -2;
}

/* The unit of a time metric: on the virtual clock, guest time. */
static const char *time_unit(json_t *doc, const char *real, const char *virt)
{
	const char *clock = json_string_value(json_object_get(json_object_get(doc, "env"),
							      "clock"));

	return clock && !strcmp(clock, "virtual") ? virt : real;
}

/* Repetition field as a number; < 0 when absent. */
static double num(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	return json_is_number(v) ? json_number_value(v) : -1;
}

static int load_latency(struct vhm_metric_set *s, json_t *doc)
{
	static const struct { const char *field, *name; } pct[] = {
		{ "p50_ns", "p50" }, { "p99_ns", "p99" },
	};
	size_t i, r;
	json_t *res, *rep;

	json_array_foreach(json_object_get(doc, "results"), i, res) {
		const char *be = json_string_value(json_object_get(res, "backend"));

		if (!be)
			continue;
		for (size_t p = 0; p < sizeof(pct) / sizeof(pct[0]); p++) {
			char key[128], label[128];
			struct vhm_metric *m;

			snprintf(key, sizeof(key), "latency.%s.%s", be, pct[p].name);
			snprintf(label, sizeof(label), "latency %s %s", pct[p].name, be);
			m = metric_get(s, key, label, time_unit(doc, "us", "virtual us"),
				       1e-3, VHM_CMP_LOWER_IS_BETTER);
			if (!m)
				return -ENOMEM;
			metric_merged(m, num(json_object_get(res, "summary"), pct[p].field));
			json_array_foreach(json_object_get(res, "repetitions"), r, rep) {
				double v = num(rep, pct[p].field);

				if (v > 0 && metric_add(m, v))
					return -ENOMEM;
			}
		}
	}
	return 0;
}

static int load_throughput(struct vhm_metric_set *s, json_t *doc)
{
	size_t i, r;
	json_t *res, *rep;

	json_array_foreach(json_object_get(doc, "results"), i, res) {
		const char *be = json_string_value(json_object_get(res, "backend"));
		long batch = (long)num(res, "batch"), size = (long)num(res, "frame_size");
		long depth = (long)num(res, "depth");
		char key[128], label[128];
		struct vhm_metric *m;

		if (!be)
			continue;
		snprintf(key, sizeof(key), "throughput.%s.b%ld.s%ld.d%ld", be, batch, size, depth);
		snprintf(label, sizeof(label), "frames/s %s batch %ld frame %ld depth %ld",
			 be, batch, size, depth);
		m = metric_get(s, key, label, time_unit(doc, "kf/s", "kf/virtual s"),
			       1e-3, VHM_CMP_HIGHER_IS_BETTER);
		if (!m)
			return -ENOMEM;
		metric_merged(m, num(res, "frames_per_s"));
		json_array_foreach(json_object_get(res, "repetitions"), r, rep) {
			double v = num(rep, "frames_per_s");

			if (v > 0 && metric_add(m, v))
				return -ENOMEM;
		}
	}
	return 0;
}

/* One fio metric of one job, path and direction: repetitions and merged. */
static int load_fio_metric(struct vhm_metric_set *s, json_t *doc, json_t *side,
			   const char *id, const char *what, const char *field,
			   double merged)
{
	bool iops = !strcmp(field, "iops");
	char key[128], label[128];
	struct vhm_metric *m;
	json_t *rep;
	size_t r;

	snprintf(key, sizeof(key), "fio.%s.%s", id, what);
	snprintf(label, sizeof(label), "fio %s %s", what, id);
	m = metric_get(s, key, label,
		       iops ? time_unit(doc, "IOPS", "IOPS/virtual s") :
			      time_unit(doc, "us", "virtual us"),
		       iops ? 1 : 1e-3,
		       iops ? VHM_CMP_HIGHER_IS_BETTER : VHM_CMP_LOWER_IS_BETTER);
	if (!m)
		return -ENOMEM;
	m->noisy = true;
	metric_merged(m, merged);
	json_array_foreach(json_object_get(side, "repetitions"), r, rep) {
		double v = num(rep, field);

		if (v > 0 && metric_add(m, v))
			return -ENOMEM;
	}
	return 0;
}

/*
 * fio.json: IOPS and total latency (lat) p50 and p99 per job section, path
 * and direction, keyed fio.<section>.<path>-<engine>.<dir>.<metric>. A
 * fio.json from before repetitions were recorded adds nothing.
 */
static int load_fio(struct vhm_metric_set *s, json_t *doc)
{
	static const char *const dirs[] = { "read", "write" };
	size_t i;
	json_t *res;
	int err = 0;

	json_array_foreach(json_object_get(doc, "results"), i, res) {
		const char *sec = json_string_value(json_object_get(res, "section"));
		const char *path = json_string_value(json_object_get(res, "path"));
		const char *eng = json_string_value(json_object_get(res, "engine"));

		for (size_t d = 0; d < 2 && !err && sec && path && eng; d++) {
			json_t *side = json_object_get(res, dirs[d]);
			json_t *lat = json_object_get(side, "lat_ns");
			char id[96];

			if (!json_is_array(json_object_get(side, "repetitions")))
				continue;
			snprintf(id, sizeof(id), "%s.%s-%s.%s", sec, path, eng, dirs[d]);
			err = load_fio_metric(s, doc, side, id, "iops", "iops", num(side, "iops"));
			if (!err && lat)
				err = load_fio_metric(s, doc, side, id, "lat_p50", "lat_p50_ns",
						      num(lat, "p50"));
			if (!err && lat)
				err = load_fio_metric(s, doc, side, id, "lat_p99", "lat_p99_ns",
						      num(lat, "p99"));
		}
	}
	return err;
}

int vhm_metrics_load(struct vhm_metric_set *s, const char *dir)
{
	json_t *lat = load_doc(dir, "latency.json", "vhm-latency");
	json_t *tput = load_doc(dir, "throughput.json", "vhm-throughput");
	json_t *fio = load_doc(dir, "fio.json", "fio");
	int ret = 0;

	if (json_is_null(lat) || json_is_null(tput) || json_is_null(fio)) {
		ret = -EINVAL;
		goto out;
	}
	if (!lat && !tput && !fio) {
		fprintf(stderr, "vhm-compare: %s: no latency.json, throughput.json or fio.json\n",
			dir);
		return -ENOENT;
	}
	if (!s->params)
		s->params = json_object();
	if (lat) {
		if (!json_object_get(s->params, "latency"))
			json_object_set(s->params, "latency", json_object_get(lat, "params"));
		note_clock(s, lat);
		ret = load_latency(s, lat);
	}
	if (!ret && tput) {
		if (!json_object_get(s->params, "throughput"))
			json_object_set(s->params, "throughput", json_object_get(tput, "params"));
		note_clock(s, tput);
		ret = load_throughput(s, tput);
	}
	if (!ret && fio) {
		if (!json_object_get(s->params, "fio"))
			json_object_set(s->params, "fio", json_object_get(fio, "params"));
		note_clock(s, fio);
		ret = load_fio(s, fio);
	}
	if (!ret)
		s->runs++;
out:
	json_decref(lat);
	json_decref(tput);
	json_decref(fio);
	return ret;
}

void vhm_metrics_free(struct vhm_metric_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->m[i].v);
	free(s->m);
	json_decref(s->params);
	memset(s, 0, sizeof(*s));
}
