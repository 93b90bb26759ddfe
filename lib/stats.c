// SPDX-License-Identifier: GPL-2.0
/* Percentiles, histogram and the spread of repetitions. See stats.h. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

int vhm_samples_init(struct vhm_samples *s, size_t cap)
{
	memset(s, 0, sizeof(*s));
	if (!cap)
		cap = 1024;
	s->v = malloc(cap * sizeof(*s->v));
	if (!s->v)
		return -ENOMEM;
	s->cap = cap;
	return 0;
}

void vhm_samples_free(struct vhm_samples *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}

int vhm_samples_add(struct vhm_samples *s, uint64_t v)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 1024;
		uint64_t *nv = realloc(s->v, cap * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		s->v = nv;
		s->cap = cap;
	}
	s->v[s->n++] = v;
	s->sorted = 0;
	return 0;
}

int vhm_samples_merge(struct vhm_samples *dst, const struct vhm_samples *src)
{
	for (size_t i = 0; i < src->n; i++)
		if (vhm_samples_add(dst, src->v[i]))
			return -ENOMEM;
	return 0;
}

static int vhm_cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void vhm_samples_sort(struct vhm_samples *s)
{
	if (!s->sorted)
		qsort(s->v, s->n, sizeof(*s->v), vhm_cmp_u64);
	s->sorted = 1;
}

uint64_t vhm_percentile(struct vhm_samples *s, double p)
{
	size_t rank;

	if (!s->n)
		return 0;
	vhm_samples_sort(s);
	if (p <= 0)
		return s->v[0];
	/* Nearest rank: ceil(p/100 * n), 1-based; guard float fuzz. */
	rank = (size_t)ceil(p / 100.0 * (double)s->n - 1e-9);
	if (rank < 1)
		rank = 1;
	if (rank > s->n)
		rank = s->n;
	return s->v[rank - 1];
}

double vhm_mean(const struct vhm_samples *s)
{
	double sum = 0;

	if (!s->n)
		return 0;
	for (size_t i = 0; i < s->n; i++)
		sum += (double)s->v[i];
	return sum / (double)s->n;
}

double vhm_stddev(const struct vhm_samples *s)
{
	double mean = vhm_mean(s), acc = 0;

	if (s->n < 2)
		return 0;
	for (size_t i = 0; i < s->n; i++) {
		double d = (double)s->v[i] - mean;

		acc += d * d;
	}
	return sqrt(acc / (double)(s->n - 1));
}

void vhm_summarize(struct vhm_samples *s, struct vhm_latency_summary *sum)
{
	memset(sum, 0, sizeof(*sum));
	sum->n = s->n;
	if (!s->n)
		return;
	sum->min = vhm_percentile(s, 0);
	sum->p50 = vhm_percentile(s, 50);
	sum->p90 = vhm_percentile(s, 90);
	sum->p99 = vhm_percentile(s, 99);
	sum->p999 = vhm_percentile(s, 99.9);
	sum->max = vhm_percentile(s, 100);
	sum->mean = vhm_mean(s);
	sum->stddev = vhm_stddev(s);
}

unsigned int vhm_hist_bucket(uint64_t v)
{
	unsigned int msb, sub;

	/* Values below VHM_HIST_SUB get one exact bucket each. */
	if (v < VHM_HIST_SUB)
		return (unsigned int)v;
	msb = 63 - (unsigned int)__builtin_clzll(v);
	sub = (unsigned int)(v >> (msb - VHM_HIST_SUB_BITS)) & (VHM_HIST_SUB - 1);
	return (msb - VHM_HIST_SUB_BITS + 1) * VHM_HIST_SUB + sub;
}

void vhm_hist_bounds(unsigned int b, uint64_t *lo, uint64_t *hi)
{
	unsigned int group = b / VHM_HIST_SUB, sub = b % VHM_HIST_SUB, msb;
	uint64_t width;

	if (group == 0) {
		*lo = b;
		*hi = b + 1;
		return;
	}
	msb = group + VHM_HIST_SUB_BITS - 1;
	width = 1ull << (msb - VHM_HIST_SUB_BITS);
	*lo = (1ull << msb) + sub * width;
	/* The last bucket's end does not fit in 64 bits: saturate. */
	*hi = (*lo + width < *lo) ? UINT64_MAX : *lo + width;
}

void vhm_hist_add(struct vhm_hist *h, uint64_t v)
{
	h->count[vhm_hist_bucket(v)]++;
	h->total++;
}

void vhm_hist_from_samples(struct vhm_hist *h, const struct vhm_samples *s)
{
	memset(h, 0, sizeof(*h));
	for (size_t i = 0; i < s->n; i++)
		vhm_hist_add(h, s->v[i]);
}

int vhm_range(const double *x, size_t n, double *lo, double *hi)
{
	*lo = *hi = 0;
	if (n < 2)
		return -EINVAL;
	*lo = *hi = x[0];
	for (size_t i = 1; i < n; i++) {
		if (x[i] < *lo)
			*lo = x[i];
		if (x[i] > *hi)
			*hi = x[i];
	}
	return 0;
}
