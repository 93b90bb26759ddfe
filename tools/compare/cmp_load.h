/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Metrics of a benchmark run (results/<run-id>/latency.json,
 * throughput.json and fio.json, docs/results-schema.md) as per-repetition
 * values, keyed so that two runs line up: latency.<backend>.p50,
 * latency.<backend>.p99, throughput.<backend>.b<batch>.s<frame>.d<depth>,
 * fio.<section>.<path>-<engine>.<dir>.{iops,lat_p50,lat_p99}.
 */
#ifndef VHM_CMP_LOAD_H
#define VHM_CMP_LOAD_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "cmp_stats.h"

struct vhm_metric {
	char key[128];
	char label[128];
	const char *unit;	/* of the displayed value */
	double scale;		/* displayed = value * scale */
	enum vhm_cmp_better better;
	/*
	 * Not deterministic on the virtual clock either (fio: an A/A pair of
	 * virtual runs differed by up to 18%): compared only when a -m glob
	 * names it, and always by the rank test over repetitions.
	 */
	bool noisy;
	double *v;		/* one value per repetition */
	size_t n, cap;
	/*
	 * The run's own figure: the percentile of all repetitions' samples
	 * merged, frames/s of all repetitions pooled; what its tables show.
	 * Only one run's: merged_runs > 1 (pooled runs) leaves the median of
	 * the repetitions to show.
	 */
	double merged;
	unsigned int merged_runs;
};

/*
 * The value to show for a side: the run's merged figure, or with several
 * runs pooled the median of the repetitions (median). Scaled for display.
 */
double vhm_metric_shown(const struct vhm_metric *m, double median);

struct vhm_metric_set {
	struct vhm_metric *m;
	size_t n, cap;
	json_t *params;		/* {"latency": {...}, "throughput": {...}} */
	unsigned int runs;	/* directories loaded */
	/* Documents on each clock (env.clock; before it existed: real). */
	unsigned int virtual_docs, real_docs;
	/* env.icount_shift of the virtual ones; -2 when they differ. */
	int icount_shift;
	/* env.kernel of the documents, "several" when they differ. */
	char kernel[96];
};

/* Every document loaded ran on the virtual clock, with one icount shift. */
bool vhm_metrics_virtual(const struct vhm_metric_set *s);

/* Adds the repetitions of the run in dir. 0, or -errno with a message on
 * stderr; a run with neither file is an error. */
int vhm_metrics_load(struct vhm_metric_set *s, const char *dir);
struct vhm_metric *vhm_metrics_find(const struct vhm_metric_set *s, const char *key);
void vhm_metrics_free(struct vhm_metric_set *s);

#endif /* VHM_CMP_LOAD_H */
