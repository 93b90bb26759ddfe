// SPDX-License-Identifier: GPL-2.0
/*
 * The comparison statistics (tools/compare/cmp_stats.c) on synthetic
 * repetitions with a known shift, and vhm-compare's exit status on runs
 * written in the results schema.
 */
#include <math.h>
#include <jansson.h>

#include "harness.h"
#include "cmp_stats.h"

static uint64_t rng_state;

static uint64_t rng_next(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static double rng_unit(void)
{
	return ((rng_next() >> 11) + 0.5) / 9007199254740992.0;
}

/* Log-normal repetitions: median m, log sd sigma. */
static void draw(double *x, size_t n, double m, double sigma)
{
	for (size_t i = 0; i < n; i++) {
		double z = sqrt(-2 * log(rng_unit())) * cos(2 * M_PI * rng_unit());

		x[i] = m * exp(sigma * z);
	}
}

#define REPS	10
#define SIGMA	0.03

static const struct vhm_cmp_opts opts = { .alpha = 0.05, .min_effect = 0.05, .family = 1 };

TEST(u_distribution_exact)
{
	/* 3 vs 3: 20 arrangements, one with U = 0, one with U = 1. */
	EXPECT_TRUE(fabs(vhm_cmp_u_cdf(3, 3, 0) - 1 / 20.0) < 1e-12);
	EXPECT_TRUE(fabs(vhm_cmp_u_cdf(3, 3, 1) - 2 / 20.0) < 1e-12);
	EXPECT_TRUE(fabs(vhm_cmp_u_cdf(3, 3, 9) - 1) < 1e-12);
	/* symmetric around mn/2 */
	EXPECT_TRUE(fabs(vhm_cmp_u_cdf(5, 7, 10) + vhm_cmp_u_cdf(5, 7, 24) - 1) < 1e-12);
	/* large samples: the normal approximation is close to 1/2 at the mean */
	EXPECT_TRUE(fabs(vhm_cmp_u_cdf(80, 80, 3200) - 0.5) < 0.01);
}

TEST(shift_of_10_percent_is_a_regression_every_time)
{
	double a[REPS], b[REPS];
	struct vhm_cmp_result r;

	for (int seed = 1; seed <= 20; seed++) {
		rng_state = seed;
		draw(a, REPS, 100e3, SIGMA);
		draw(b, REPS, 110e3, SIGMA);
		ASSERT_EQ(vhm_cmp_metric(a, REPS, b, REPS, VHM_CMP_LOWER_IS_BETTER, &opts, &r), 0);
		EXPECT_EQ(r.verdict, VHM_CMP_REGRESSION);
		EXPECT_TRUE(r.ci_lo > 0 && r.ci_lo < r.change && r.ci_hi > r.change);
		EXPECT_TRUE(fabs(r.change - 0.10) < 0.04);
	}
}

TEST(same_distribution_is_no_change_in_19_of_20_seeds)
{
	double a[REPS], b[REPS];
	struct vhm_cmp_result r;
	int same = 0;

	for (int seed = 1; seed <= 20; seed++) {
		rng_state = 1000 + seed;
		draw(a, REPS, 100e3, SIGMA);
		draw(b, REPS, 100e3, SIGMA);
		ASSERT_EQ(vhm_cmp_metric(a, REPS, b, REPS, VHM_CMP_LOWER_IS_BETTER, &opts, &r), 0);
		same += r.verdict == VHM_CMP_NO_CHANGE;
	}
	EXPECT_GE(same, 19);
}

TEST(throughput_direction)
{
	double a[REPS], b[REPS], c[REPS];
	struct vhm_cmp_result r;

	rng_state = 7;
	draw(a, REPS, 50e3, SIGMA);
	draw(b, REPS, 45e3, SIGMA);	/* 10% fewer frames/s */
	draw(c, REPS, 55e3, SIGMA);
	ASSERT_EQ(vhm_cmp_metric(a, REPS, b, REPS, VHM_CMP_HIGHER_IS_BETTER, &opts, &r), 0);
	EXPECT_EQ(r.verdict, VHM_CMP_REGRESSION);
	ASSERT_EQ(vhm_cmp_metric(a, REPS, c, REPS, VHM_CMP_HIGHER_IS_BETTER, &opts, &r), 0);
	EXPECT_EQ(r.verdict, VHM_CMP_IMPROVEMENT);
}

TEST(significant_but_below_min_effect_is_no_change)
{
	double a[REPS], b[REPS];
	struct vhm_cmp_result r;

	rng_state = 11;
	draw(a, REPS, 100e3, 0.002);
	draw(b, REPS, 102e3, 0.002);
	ASSERT_EQ(vhm_cmp_metric(a, REPS, b, REPS, VHM_CMP_LOWER_IS_BETTER, &opts, &r), 0);
	EXPECT_TRUE(r.significant);
	EXPECT_EQ(r.verdict, VHM_CMP_NO_CHANGE);
}

TEST(three_reps_cannot_reach_95_percent)
{
	double a[3] = { 100, 101, 102 }, b[3] = { 200, 201, 202 };
	struct vhm_cmp_opts o = opts;
	struct vhm_cmp_result r;

	/* Even complete separation of 3 vs 3 has p = 0.1. */
	ASSERT_EQ(vhm_cmp_metric(a, 3, b, 3, VHM_CMP_LOWER_IS_BETTER, &o, &r), 0);
	EXPECT_TRUE(r.too_few);
	EXPECT_EQ(r.verdict, VHM_CMP_NO_CHANGE);
	EXPECT_EQ(r.reps_needed, 4);
	o.family = 6;
	ASSERT_EQ(vhm_cmp_metric(a, 3, b, 3, VHM_CMP_LOWER_IS_BETTER, &o, &r), 0);
	EXPECT_EQ(r.reps_needed, 5);
	EXPECT_EQ(vhm_cmp_metric(a, 1, b, 3, VHM_CMP_LOWER_IS_BETTER, &o, &r), -EINVAL);
}

TEST(virtual_clock_one_repetition_is_a_verdict)
{
	double base = 21319, slower = 21533, faster = 21000, same = 21330;
	double reps[2] = { 21319, 21319 }, noisy[2] = { 21319, 22000 };
	struct vhm_cmp_exact r;

	/* +1.0%: a regression at the default 1% threshold. */
	ASSERT_EQ(vhm_cmp_exact(&base, 1, &slower, 1, VHM_CMP_LOWER_IS_BETTER, 0.01, &r), 0);
	EXPECT_EQ(r.verdict, VHM_CMP_REGRESSION);
	EXPECT_TRUE(fabs(r.change - 0.01) < 1e-4);
	/* -1.5% latency: an improvement; +0.05%: nothing. */
	ASSERT_EQ(vhm_cmp_exact(&base, 1, &faster, 1, VHM_CMP_LOWER_IS_BETTER, 0.01, &r), 0);
	EXPECT_EQ(r.verdict, VHM_CMP_IMPROVEMENT);
	ASSERT_EQ(vhm_cmp_exact(&base, 1, &same, 1, VHM_CMP_LOWER_IS_BETTER, 0.01, &r), 0);
	EXPECT_EQ(r.verdict, VHM_CMP_NO_CHANGE);
	/* frames/s: fewer is the regression. */
	ASSERT_EQ(vhm_cmp_exact(&base, 1, &faster, 1, VHM_CMP_HIGHER_IS_BETTER, 0.01, &r), 0);
	EXPECT_EQ(r.verdict, VHM_CMP_REGRESSION);
	/* Identical repetitions: no spread; differing ones show it. */
	ASSERT_EQ(vhm_cmp_exact(reps, 2, &same, 1, VHM_CMP_LOWER_IS_BETTER, 0.01, &r), 0);
	EXPECT_TRUE(r.spread == 0);
	ASSERT_EQ(vhm_cmp_exact(noisy, 2, &same, 1, VHM_CMP_LOWER_IS_BETTER, 0.01, &r), 0);
	EXPECT_TRUE(fabs(r.spread - (22000.0 / 21319 - 1)) < 1e-9);
	EXPECT_EQ(vhm_cmp_exact(&base, 0, &same, 1, VHM_CMP_LOWER_IS_BETTER, 0.01, &r), -EINVAL);
}

/* A latency.json in the results schema: one backend, given p50 values,
 * on the clock named (NULL: a run from before env.clock existed). */
static void write_run_on(const char *dir, const double *p50, size_t n, const char *clock)
{
	json_t *reps = json_array(), *doc;
	char path[512];

	for (size_t i = 0; i < n; i++)
		json_array_append_new(reps, json_pack("{s:I, s:I}", "p50_ns", (json_int_t)p50[i],
						      "p99_ns", (json_int_t)(3 * p50[i])));
	doc = json_pack("{s:i, s:s, s:{}, s:[{s:s, s:o}]}", "schema_version", 1,
			"tool", "vhm-latency", "params", "results", "backend", "vhost-mdev",
			"repetitions", reps);
	if (clock)
		json_object_set_new(doc, "env", json_pack("{s:s, s:i}", "clock", clock,
							  "icount_shift", 0));
	snprintf(path, sizeof(path), "mkdir -p %s", dir);
	if (system(path))
		return;
	snprintf(path, sizeof(path), "%s/latency.json", dir);
	json_dump_file(doc, path, JSON_INDENT(1));
	json_decref(doc);
}

static void write_run(const char *dir, const double *p50, size_t n)
{
	write_run_on(dir, p50, n, NULL);
}

static int run_compare(const char *args)
{
	char cmd[1024];
	const char *out = getenv("OUT");
	int st;

	snprintf(cmd, sizeof(cmd), "%s/tools/vhm-compare -q %s > /dev/null 2>&1",
		 out ? out : ".output", args);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

TEST(cli_exit_status)
{
	char tmpl[] = "/tmp/vhm-cmp-XXXXXX", a[256], b[256], c[256], args[1024];
	double x[REPS], y[REPS], z[REPS];

	ASSERT_NE(mkdtemp(tmpl), NULL);
	rng_state = 3;
	draw(x, REPS, 40e3, SIGMA);
	draw(y, REPS, 40e3, SIGMA);
	draw(z, REPS, 44e3, SIGMA);
	snprintf(a, sizeof(a), "%s/a", tmpl);
	snprintf(b, sizeof(b), "%s/b", tmpl);
	snprintf(c, sizeof(c), "%s/c", tmpl);
	write_run(a, x, REPS);
	write_run(b, y, REPS);
	write_run(c, z, REPS);
	snprintf(args, sizeof(args), "%s %s", a, b);
	EXPECT_EQ(run_compare(args), 0);
	snprintf(args, sizeof(args), "%s %s", a, c);
	EXPECT_EQ(run_compare(args), 1);
	snprintf(args, sizeof(args), "-m 'latency.*.p50' %s %s", c, a);
	EXPECT_EQ(run_compare(args), 0);	/* an improvement */
	snprintf(args, sizeof(args), "%s %s/missing", a, tmpl);
	EXPECT_EQ(run_compare(args), 2);
	snprintf(args, sizeof(args), "rm -rf %s", tmpl);
	EXPECT_EQ(system(args), 0);
}

/*
 * One number per name: base and new are the runs' own p50s (all samples
 * merged, as their tables show), not the median of the repetitions' p50s.
 */
TEST(cli_shows_the_merged_p50)
{
	char tmpl[] = "/tmp/vhm-cmp-XXXXXX", a[256], args[2048];
	double x[3] = { 100000, 200000, 600000 };

	ASSERT_NE(mkdtemp(tmpl), NULL);
	snprintf(a, sizeof(a), "%s/a", tmpl);
	write_run(a, x, 3);
	snprintf(args, sizeof(args), "cd %s && jq '.results[0].summary = {\"p50_ns\": 150000, "
		 "\"p99_ns\": 900000}' latency.json > l && mv l latency.json", a);
	ASSERT_EQ(system(args), 0);
	snprintf(args, sizeof(args), "-j %s/c.json %s %s", tmpl, a, a);
	EXPECT_EQ(run_compare(args), 0);
	snprintf(args, sizeof(args), "jq -e '.metrics[] | select(.key == \"latency.vhost-mdev.p50\") | "
		 ".base_value == 150 and .new_value == 150 and .base_median == 200' %s/c.json > /dev/null",
		 tmpl);
	EXPECT_EQ(system(args), 0);
	/* pooled runs have no one merged figure: the median of the repetitions */
	snprintf(args, sizeof(args), "-j %s/c.json %s,%s %s", tmpl, a, a, a);
	EXPECT_EQ(run_compare(args), 0);
	snprintf(args, sizeof(args), "jq -e '.metrics[] | select(.key == \"latency.vhost-mdev.p50\") | "
		 ".base_value == 200 and .new_value == 150' %s/c.json > /dev/null", tmpl);
	EXPECT_EQ(system(args), 0);
	snprintf(args, sizeof(args), "rm -rf %s", tmpl);
	EXPECT_EQ(system(args), 0);
}

TEST(cli_virtual_clock)
{
	char tmpl[] = "/tmp/vhm-cmp-XXXXXX", a[256], b[256], c[256], r[256], args[1024];
	double x = 21319, y = 21320, z = 21533;

	ASSERT_NE(mkdtemp(tmpl), NULL);
	snprintf(a, sizeof(a), "%s/a", tmpl);
	snprintf(b, sizeof(b), "%s/b", tmpl);
	snprintf(c, sizeof(c), "%s/c", tmpl);
	snprintf(r, sizeof(r), "%s/r", tmpl);
	write_run_on(a, &x, 1, "virtual");
	write_run_on(b, &y, 1, "virtual");
	write_run_on(c, &z, 1, "virtual");
	write_run_on(r, &x, 1, "real");
	/* One repetition a side is enough; +1% is flagged, -1% is not. */
	snprintf(args, sizeof(args), "-m 'latency.*.p50' %s %s", a, b);
	EXPECT_EQ(run_compare(args), 0);
	snprintf(args, sizeof(args), "-m 'latency.*.p50' %s %s", a, c);
	EXPECT_EQ(run_compare(args), 1);
	snprintf(args, sizeof(args), "-m 'latency.*.p50' %s %s", c, a);
	EXPECT_EQ(run_compare(args), 0);
	/* A higher threshold lets it pass. */
	snprintf(args, sizeof(args), "-t 2 -m 'latency.*.p50' %s %s", a, c);
	EXPECT_EQ(run_compare(args), 0);
	/* Virtual against real time: refused. */
	snprintf(args, sizeof(args), "%s %s", a, r);
	EXPECT_EQ(run_compare(args), 2);
	snprintf(args, sizeof(args), "rm -rf %s", tmpl);
	EXPECT_EQ(system(args), 0);
}

/* Runs of two kernels: compared, with a warning that says so. */
TEST(cli_warns_when_the_kernels_differ)
{
	char tmpl[] = "/tmp/vhm-cmp-XXXXXX", cmd[2048];
	const char *out = getenv("OUT");
	double x = 21319;
	const char *kernels[] = { "6.1.0-57-amd64", "6.1.0-57-amd64", "6.12.117+deb12-amd64" };

	ASSERT_NE(mkdtemp(tmpl), NULL);
	for (int i = 0; i < 3; i++) {
		snprintf(cmd, sizeof(cmd), "%s/%c", tmpl, 'a' + i);
		write_run_on(cmd, &x, 1, "virtual");
		snprintf(cmd, sizeof(cmd), "cd %s/%c && jq '.env.kernel = \"%s\"' latency.json > l "
			 "&& mv l latency.json", tmpl, 'a' + i, kernels[i]);
		ASSERT_EQ(system(cmd), 0);
	}
	snprintf(cmd, sizeof(cmd), "%s/tools/vhm-compare -q %s/a %s/b 2>&1 | grep -q 'kernels differ'",
		 out ? out : ".output", tmpl, tmpl);
	EXPECT_NE(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "%s/tools/vhm-compare -q %s/a %s/c 2>&1 | grep -q "
		 "'kernels differ (6.1.0-57-amd64, then 6.12.117+deb12-amd64)'",
		 out ? out : ".output", tmpl, tmpl);
	EXPECT_EQ(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpl);
	EXPECT_EQ(system(cmd), 0);
}

TEST_HARNESS_MAIN
