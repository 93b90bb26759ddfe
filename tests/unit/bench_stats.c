// SPDX-License-Identifier: GPL-2.0
/* Percentiles, histogram buckets and confidence intervals on known data. */
#include <errno.h>
#include <math.h>

#include "harness.h"
#include "stats.h"

TEST(percentiles_nearest_rank)
{
	struct vhm_samples s;

	ASSERT_EQ(vhm_samples_init(&s, 4), 0);
	/* 1..1000 shuffled: p50 = 500, p90 = 900, p99 = 990, p99.9 = 999 */
	for (unsigned int i = 0; i < 1000; i++)
		ASSERT_EQ(vhm_samples_add(&s, (i * 7919) % 1000 + 1), 0);
	EXPECT_EQ(vhm_percentile(&s, 0), 1u);
	EXPECT_EQ(vhm_percentile(&s, 50), 500u);
	EXPECT_EQ(vhm_percentile(&s, 90), 900u);
	EXPECT_EQ(vhm_percentile(&s, 99), 990u);
	EXPECT_EQ(vhm_percentile(&s, 99.9), 999u);
	EXPECT_EQ(vhm_percentile(&s, 100), 1000u);
	vhm_samples_free(&s);
}

TEST(percentiles_small_sets)
{
	struct vhm_samples s;
	struct vhm_latency_summary sum;

	ASSERT_EQ(vhm_samples_init(&s, 1), 0);
	EXPECT_EQ(vhm_percentile(&s, 50), 0u);
	vhm_samples_add(&s, 30);
	vhm_samples_add(&s, 10);
	vhm_samples_add(&s, 20);
	vhm_samples_add(&s, 40);
	/* ranks ceil(p*n): p50 -> 2nd, p90 -> 4th */
	vhm_summarize(&s, &sum);
	EXPECT_EQ(sum.n, 4u);
	EXPECT_EQ(sum.min, 10u);
	EXPECT_EQ(sum.p50, 20u);
	EXPECT_EQ(sum.p90, 40u);
	EXPECT_EQ(sum.max, 40u);
	EXPECT_EQ((int)sum.mean, 25);
	EXPECT_EQ((int)(sum.stddev * 1000), 12909);	/* sqrt(500/3) */
	vhm_samples_free(&s);
}

TEST(histogram_buckets)
{
	struct vhm_hist h;
	uint64_t lo, hi;

	for (uint64_t v = 0; v < 4; v++)
		EXPECT_EQ(vhm_hist_bucket(v), v);
	/* every value lies in its bucket, buckets are contiguous */
	for (uint64_t v = 1; v < 100000; v = v * 3 / 2 + 1) {
		unsigned int b = vhm_hist_bucket(v);

		vhm_hist_bounds(b, &lo, &hi);
		EXPECT_LE(lo, v);
		EXPECT_LT(v, hi);
		/* at most a quarter of the value wide */
		EXPECT_LE(hi - lo, v / 4 + 1);
	}
	for (unsigned int b = 0; b + 1 < 200; b++) {
		uint64_t lo2, hi2;

		vhm_hist_bounds(b, &lo, &hi);
		vhm_hist_bounds(b + 1, &lo2, &hi2);
		EXPECT_EQ(hi, lo2);
	}
	EXPECT_LT(vhm_hist_bucket(UINT64_MAX), VHM_HIST_BUCKETS);

	memset(&h, 0, sizeof(h));
	vhm_hist_add(&h, 1000);
	vhm_hist_add(&h, 1001);
	vhm_hist_add(&h, 5000);
	EXPECT_EQ(h.total, 3u);
	EXPECT_EQ(h.count[vhm_hist_bucket(1000)], 2u);
	EXPECT_EQ(h.count[vhm_hist_bucket(5000)], 1u);
}

TEST(repetition_range)
{
	const double x[] = { 14, 10, 12 };
	double lo, hi;

	EXPECT_EQ(vhm_range(x, 3, &lo, &hi), 0);
	EXPECT_EQ((int)lo, 10);
	EXPECT_EQ((int)hi, 14);
	/* One repetition has no spread: no range of width 0. */
	EXPECT_EQ(vhm_range(x, 1, &lo, &hi), -EINVAL);
	EXPECT_EQ(vhm_range(x, 0, &lo, &hi), -EINVAL);
}

TEST_HARNESS_MAIN
