// SPDX-License-Identifier: GPL-2.0
/*
 * Repetitions are the independent unit: each value handed in is one
 * repetition's statistic (its median, its p99, its frames/s). Changes are
 * multiplicative, so the test works on log(value): the Hodges-Lehmann
 * shift of the logs is the median of the pairwise log ratios NEW/BASE, and
 * the Moses interval takes order statistics of those ratios chosen from
 * the exact null distribution of the Mann-Whitney U statistic. The interval
 * excludes 0 exactly when the two-sided U test rejects at that level.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cmp_stats.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double vhm_cmp_median(const double *x, size_t n)
{
	double *s, m;

	if (!n)
		return NAN;
	s = malloc(n * sizeof(*s));
	if (!s)
		return NAN;
	memcpy(s, x, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_double);
	m = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
	free(s);
	return m;
}

/*
 * Null distribution of U for sizes m and n: pmf[u], u = 0..m*n. N(i, j, u),
 * the arrangements of i + j values with U = u, satisfies
 * N(i, j, u) = N(i - 1, j, u - j) + N(i, j - 1, u); two layers over i.
 */
static double *u_pmf(unsigned int m, unsigned int n)
{
	size_t w = (size_t)m * n + 1, i, j, u;
	double *prev, *cur, *pmf, total = 0;

	prev = calloc((n + 1) * w, sizeof(double));
	cur = calloc((n + 1) * w, sizeof(double));
	pmf = calloc(w, sizeof(double));
	if (!prev || !cur || !pmf)
		goto fail;
	for (j = 0; j <= n; j++)
		prev[j * w] = 1;		/* i = 0: U is 0 */
	for (i = 1; i <= m; i++) {
		memset(cur, 0, (n + 1) * w * sizeof(double));
		cur[0] = 1;			/* j = 0: U is 0 */
		for (j = 1; j <= n; j++)
			for (u = 0; u <= i * j; u++)
				cur[j * w + u] = (u >= j ? prev[j * w + u - j] : 0) +
						 cur[(j - 1) * w + u];
		double *t = prev;
		prev = cur;
		cur = t;
	}
	for (u = 0; u < w; u++)
		total += prev[n * w + u];
	for (u = 0; u < w; u++)
		pmf[u] = prev[n * w + u] / total;
	free(prev);
	free(cur);
	return pmf;
fail:
	free(prev);
	free(cur);
	free(pmf);
	return NULL;
}

static double normal_cdf(unsigned int m, unsigned int n, double u)
{
	double mean = (double)m * n / 2;
	double sd = sqrt((double)m * n * (m + n + 1) / 12.0);

	return 0.5 * erfc(-(u + 0.5 - mean) / (sd * M_SQRT2));
}

/* P(U <= u) from pmf (NULL: normal approximation). */
static double cdf_at(const double *pmf, unsigned int m, unsigned int n, double u)
{
	double s = 0;
	long k, top;

	u = floor(u);
	if (u < 0)
		return 0;
	if (u >= (double)m * n)
		return 1;
	if (!pmf)
		return normal_cdf(m, n, u);
	top = (long)u;
	for (k = 0; k <= top; k++)
		s += pmf[k];
	return s > 1 ? 1 : s;
}

double vhm_cmp_u_cdf(unsigned int m, unsigned int n, double u)
{
	double *pmf = NULL, p;

	if (m <= VHM_CMP_EXACT_MAX && n <= VHM_CMP_EXACT_MAX)
		pmf = u_pmf(m, n);
	p = cdf_at(pmf, m, n, u);
	free(pmf);
	return p;
}

const char *vhm_cmp_verdict_name(enum vhm_cmp_verdict v)
{
	switch (v) {
	case VHM_CMP_REGRESSION:
		return "regression";
	case VHM_CMP_IMPROVEMENT:
		return "improvement";
	default:
		return "no significant change";
	}
}

/* Smallest equal repetition count whose most extreme outcome reaches a. */
static unsigned int reps_for(double a)
{
	unsigned int r;
	double c;

	for (r = 2; r < 40; r++) {
		/* C(2r, r) */
		c = 1;
		for (unsigned int i = 1; i <= r; i++)
			c = c * (r + i) / i;
		if (1 / c <= a / 2)
			return r;
	}
	return r;
}

int vhm_cmp_metric(const double *base, size_t nb, const double *new_, size_t nn,
		   enum vhm_cmp_better better, const struct vhm_cmp_opts *opts,
		   struct vhm_cmp_result *res)
{
	double *d, *pmf = NULL, a, pos = 0, hl, plo, phi;
	size_t nd = nb * nn, i, j, k = 0, kk;

	memset(res, 0, sizeof(*res));
	if (nb < 2 || nn < 2 || !opts || opts->alpha <= 0 || opts->alpha >= 1 ||
	    opts->min_effect < 0 || !opts->family)
		return -EINVAL;
	for (i = 0; i < nb; i++)
		if (!(base[i] > 0))
			return -EINVAL;
	for (j = 0; j < nn; j++)
		if (!(new_[j] > 0))
			return -EINVAL;

	d = malloc(nd * sizeof(*d));
	if (!d)
		return -ENOMEM;
	for (i = 0; i < nb; i++)
		for (j = 0; j < nn; j++) {
			double x = log(new_[j]) - log(base[i]);

			d[i * nn + j] = x;
			pos += x > 0 ? 1 : x == 0 ? 0.5 : 0;
		}
	qsort(d, nd, sizeof(*d), cmp_double);
	if (nb <= VHM_CMP_EXACT_MAX && nn <= VHM_CMP_EXACT_MAX) {
		pmf = u_pmf(nb, nn);
		if (!pmf) {
			free(d);
			return -ENOMEM;
		}
	}

	res->n_base = nb;
	res->n_new = nn;
	res->base_median = vhm_cmp_median(base, nb);
	res->new_median = vhm_cmp_median(new_, nn);
	hl = nd % 2 ? d[nd / 2] : (d[nd / 2 - 1] + d[nd / 2]) / 2;
	res->change = expm1(hl);

	plo = cdf_at(pmf, nb, nn, pos);
	phi = 1 - cdf_at(pmf, nb, nn, ceil(pos) - 1);
	res->p_value = fmin(1, 2 * fmin(plo, phi));

	/* Largest k with P(U <= k - 1) <= a / 2: [d(k), d(nd + 1 - k)]. */
	a = opts->alpha / opts->family;
	for (kk = 1; kk <= nd / 2; kk++) {
		if (cdf_at(pmf, nb, nn, kk - 1) > a / 2)
			break;
		k = kk;
	}
	if (!k) {
		res->too_few = true;
		res->reps_needed = reps_for(a);
		res->level = 1 - 2 * cdf_at(pmf, nb, nn, 0);
		res->ci_lo = -INFINITY;
		res->ci_hi = INFINITY;
	} else {
		res->level = 1 - 2 * cdf_at(pmf, nb, nn, k - 1);
		res->ci_lo = expm1(d[k - 1]);
		res->ci_hi = expm1(d[nd - k]);
		res->significant = d[k - 1] > 0 || d[nd - k] < 0;
	}

	res->verdict = VHM_CMP_NO_CHANGE;
	if (res->significant && fabs(res->change) >= opts->min_effect) {
		bool worse = better == VHM_CMP_LOWER_IS_BETTER ? res->change > 0
							       : res->change < 0;

		res->verdict = worse ? VHM_CMP_REGRESSION : VHM_CMP_IMPROVEMENT;
	}
	free(pmf);
	free(d);
	return 0;
}

/* max/min - 1 of x[0..n), or -1 when a value is not positive. */
static double spread_of(const double *x, size_t n)
{
	double lo = x[0], hi = x[0];

	for (size_t i = 0; i < n; i++) {
		if (!(x[i] > 0))
			return -1;
		lo = fmin(lo, x[i]);
		hi = fmax(hi, x[i]);
	}
	return hi / lo - 1;
}

int vhm_cmp_exact(const double *base, size_t nb, const double *new_, size_t nn,
		  enum vhm_cmp_better better, double threshold,
		  struct vhm_cmp_exact *res)
{
	double sb, sn, worse;

	if (!nb || !nn || !(threshold >= 0))
		return -EINVAL;
	sb = spread_of(base, nb);
	sn = spread_of(new_, nn);
	if (sb < 0 || sn < 0)
		return -EINVAL;
	res->spread = fmax(sb, sn);
	res->base_median = vhm_cmp_median(base, nb);
	res->new_median = vhm_cmp_median(new_, nn);
	res->change = res->new_median / res->base_median - 1;
	worse = better == VHM_CMP_LOWER_IS_BETTER ? res->change : -res->change;
	/* The threshold is relative to BASE, in either direction. */
	if (worse >= threshold)
		res->verdict = VHM_CMP_REGRESSION;
	else if (-worse >= threshold)
		res->verdict = VHM_CMP_IMPROVEMENT;
	else
		res->verdict = VHM_CMP_NO_CHANGE;
	return 0;
}
