/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Two-sample comparison of a benchmark metric over repetitions: exact
 * Mann-Whitney U test on the log of the values, Hodges-Lehmann estimate of
 * the ratio NEW/BASE and its distribution-free (Moses) confidence interval.
 * Pure functions, no I/O: the unit tests drive them on synthetic data.
 */
#ifndef VHM_CMP_STATS_H
#define VHM_CMP_STATS_H

#include <stdbool.h>
#include <stddef.h>

/* Largest sample size per side for the exact U distribution. */
#define VHM_CMP_EXACT_MAX	60

enum vhm_cmp_better {
	VHM_CMP_LOWER_IS_BETTER,	/* latency */
	VHM_CMP_HIGHER_IS_BETTER,	/* throughput */
};

enum vhm_cmp_verdict {
	VHM_CMP_NO_CHANGE,
	VHM_CMP_REGRESSION,
	VHM_CMP_IMPROVEMENT,
};

struct vhm_cmp_opts {
	double alpha;		/* family-wise error rate, e.g. 0.05 */
	double min_effect;	/* smallest relevant change, e.g. 0.05 for 5% */
	unsigned int family;	/* metrics compared together (Bonferroni), >= 1 */
};

struct vhm_cmp_result {
	size_t n_base, n_new;
	double base_median, new_median;
	/* Hodges-Lehmann estimate of NEW/BASE - 1, and its interval. */
	double change, ci_lo, ci_hi;
	/* Confidence the interval attains (exact; <= 1 - alpha / family). */
	double level;
	/* Exact two-sided Mann-Whitney p-value, not adjusted. */
	double p_value;
	/* The interval excludes 0 at the adjusted level. */
	bool significant;
	/* The sample sizes cannot reach the adjusted level at all. */
	bool too_few;
	/* Repetitions per side that would reach it (0: already enough). */
	unsigned int reps_needed;
	enum vhm_cmp_verdict verdict;
};

/* P(U <= u) under the null for sample sizes m and n (exact up to
 * VHM_CMP_EXACT_MAX, normal approximation above). */
double vhm_cmp_u_cdf(unsigned int m, unsigned int n, double u);

/* Median of x (copied, x untouched); NAN for n == 0. */
double vhm_cmp_median(const double *x, size_t n);

/*
 * Compares the repetitions of one metric. Values must be > 0. Returns 0,
 * or -EINVAL (fewer than 2 values a side, a value <= 0, bad options) or
 * -ENOMEM.
 */
int vhm_cmp_metric(const double *base, size_t nb, const double *new_, size_t nn,
		   enum vhm_cmp_better better, const struct vhm_cmp_opts *opts,
		   struct vhm_cmp_result *res);

/*
 * Runs on the virtual clock (QEMU -icount) repeat exactly: one repetition
 * is a measurement without noise. The change is the ratio of the medians
 * NEW/BASE - 1; a change of at least threshold (e.g. 0.01) in the bad
 * direction is a regression, in the good one an improvement. spread is
 * the largest max/min - 1 within a side: repetitions that differ at all
 * say the clock was not deterministic. Values must be > 0 and each side
 * needs one. Returns 0 or -EINVAL.
 */
struct vhm_cmp_exact {
	double base_median, new_median;
	double change, spread;
	enum vhm_cmp_verdict verdict;
};

int vhm_cmp_exact(const double *base, size_t nb, const double *new_, size_t nn,
		  enum vhm_cmp_better better, double threshold,
		  struct vhm_cmp_exact *res);

const char *vhm_cmp_verdict_name(enum vhm_cmp_verdict v);

#endif /* VHM_CMP_STATS_H */
