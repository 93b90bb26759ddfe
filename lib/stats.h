/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Latency samples: exact percentiles (nearest rank over the sorted samples)
 * and a log-linear histogram for display and plots.
 */
#ifndef VHM_STATS_H
#define VHM_STATS_H

#include <stddef.h>
#include <stdint.h>

struct vhm_samples {
	uint64_t *v;
	size_t n, cap;
	int sorted;
};

int vhm_samples_init(struct vhm_samples *s, size_t cap);
void vhm_samples_free(struct vhm_samples *s);
/* Appends; grows the buffer. 0 or -ENOMEM. */
int vhm_samples_add(struct vhm_samples *s, uint64_t v);
/* Appends every sample of src. */
int vhm_samples_merge(struct vhm_samples *dst, const struct vhm_samples *src);

/*
 * Nearest-rank percentile, p in [0, 100]: the smallest sample with at least
 * p% of the samples at or below it. 0 for no samples.
 */
uint64_t vhm_percentile(struct vhm_samples *s, double p);
double vhm_mean(const struct vhm_samples *s);
double vhm_stddev(const struct vhm_samples *s);

struct vhm_latency_summary {
	size_t n;
	uint64_t min, p50, p90, p99, p999, max;
	double mean, stddev;
};

void vhm_summarize(struct vhm_samples *s, struct vhm_latency_summary *sum);

/*
 * Log-linear buckets: every power of 2 split into VHM_HIST_SUB equal
 * sub-buckets, so a bucket is at most 1/VHM_HIST_SUB of its value wide.
 */
#define VHM_HIST_SUB_BITS	2
#define VHM_HIST_SUB		(1u << VHM_HIST_SUB_BITS)
#define VHM_HIST_BUCKETS	(64 * VHM_HIST_SUB)

struct vhm_hist {
	uint64_t count[VHM_HIST_BUCKETS];
	uint64_t total;
};

unsigned int vhm_hist_bucket(uint64_t v);
/* [lo, hi) of bucket b. */
void vhm_hist_bounds(unsigned int b, uint64_t *lo, uint64_t *hi);
void vhm_hist_add(struct vhm_hist *h, uint64_t v);
void vhm_hist_from_samples(struct vhm_hist *h, const struct vhm_samples *s);

/*
 * The spread of n per-repetition values: smallest and largest. Returns 0,
 * or -EINVAL for fewer than two values, which have no spread (the callers
 * then write null, not a range of width 0). No Student-t interval: with 2-3
 * repetitions it is either huge (t = 12.7 for 2) or, for a skewed metric,
 * below zero.
 */
int vhm_range(const double *x, size_t n, double *lo, double *hi);

#endif /* VHM_STATS_H */
