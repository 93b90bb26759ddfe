// SPDX-License-Identifier: GPL-2.0
/*
 * vhm-compare: BASE and NEW benchmark runs, metric by metric, with an
 * exact Mann-Whitney test over the repetitions, a Hodges-Lehmann change
 * with its confidence interval (Bonferroni over the metrics compared) and a
 * minimum effect size. Runs on the virtual clock repeat exactly: those are
 * compared by the ratio of their values against a threshold, from one
 * repetition a side. Exit status 1 when a metric regressed.
 */
#include <errno.h>
#include <fnmatch.h>
#include <getopt.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmp_load.h"
#include "cmp_stats.h"

#define EXIT_REGRESSION	1
#define EXIT_USAGE	2

static const struct option long_opts[] = {
	{ "alpha", required_argument, NULL, 'a' },
	{ "min-effect", required_argument, NULL, 'e' },
	{ "threshold", required_argument, NULL, 't' },
	{ "metric", required_argument, NULL, 'm' },
	{ "json", required_argument, NULL, 'j' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ 0 },
};

static void usage(FILE *f)
{
	fprintf(f,
"usage: vhm-compare [options] BASE NEW\n"
"\n"
"Compares two benchmark runs (results/<run-id> directories; a comma list\n"
"pools the repetitions of several runs) metric by metric: latency p50 and\n"
"p99 per backend, frames/s per throughput point, fio IOPS and total\n"
"latency (lat) p50 and p99 per job, path and direction.\n"
"\n"
"  -a, --alpha A        family-wise error rate (default 0.05)\n"
"  -e, --min-effect PCT smallest change that counts, in percent (default 5)\n"
"  -m, --metric GLOB    compare only metrics whose key matches (repeatable),\n"
"                       e.g. 'latency.*.p50' or 'throughput.vhost-mdev.*';\n"
"                       fio's metrics only when named ('fio.*'): they are\n"
"                       not deterministic, even on the virtual clock, and\n"
"                       take the rank test over repetitions there too\n"
"  -j, --json FILE      also write the comparison as JSON\n"
"  -t, --threshold PCT  virtual clock: smallest change that counts, in\n"
"                       percent (default 1)\n"
"  -q, --quiet          print only regressions and the verdict line\n"
"\n"
"Method, real clock (env.clock \"real\": KVM, hardware, TCG timed by the\n"
"host): per metric, the repetitions are the samples; exact Mann-Whitney U\n"
"test on log values, Hodges-Lehmann ratio NEW/BASE with its Moses interval\n"
"at 1 - A/m (m metrics compared). A regression is significant and at least\n"
"the minimum effect in the bad direction.\n"
"\n"
"Method, virtual clock (both sides env.clock \"virtual\", the same icount\n"
"shift): a run repeats to the instruction, so one repetition a side is a\n"
"verdict: NEW/BASE - 1 of the medians, a regression or an improvement from\n"
"the threshold on. Repetitions that differ within a side are reported.\n"
"Virtual time counts instructions (2^shift ns each): it measures path\n"
"length, not caches, memory or contention.\n"
"\n"
"base and new are each run's own figures (p50 of all its samples merged,\n"
"frames/s of all its repetitions pooled), as its tables show them; with\n"
"several runs pooled on a side, the median of the repetitions. The change\n"
"and its interval come from the repetitions as described above.\n"
"\n"
"Exit 1 on a regression, 2 on bad input, else 0.\n");
}

static int load_side(struct vhm_metric_set *s, const char *list, json_t *names)
{
	char *copy = strdup(list), *save = NULL, *tok;
	int ret = 0;

	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, ",", &save); tok && !ret; tok = strtok_r(NULL, ",", &save)) {
		size_t l = strlen(tok);

		while (l > 1 && tok[l - 1] == '/')
			tok[--l] = 0;
		ret = vhm_metrics_load(s, tok);
		json_array_append_new(names, json_string(tok));
	}
	free(copy);
	return ret;
}

static bool matches(const char *key, char **globs, int nglobs)
{
	for (int i = 0; i < nglobs; i++)
		if (!fnmatch(globs[i], key, 0))
			return true;
	return false;
}

/* Every metric by default, but a noisy one only when a glob names it. */
static bool selected(const struct vhm_metric *m, char **globs, int nglobs)
{
	if (!nglobs)
		return !m->noisy;
	return matches(m->key, globs, nglobs);
}

/* The metrics selected are all noisy: the rank test, whatever the clock. */
static bool only_noisy(const struct vhm_metric_set *s, char **globs, int nglobs)
{
	bool any = false;

	for (size_t i = 0; i < s->n; i++) {
		if (!selected(&s->m[i], globs, nglobs))
			continue;
		if (!s->m[i].noisy)
			return false;
		any = true;
	}
	return any;
}

/* Warn when the two sides ran with different options. */
static void check_params(json_t *a, json_t *b)
{
	const char *tool, *k;
	json_t *pa, *v;

	json_object_foreach(a, tool, pa) {
		json_t *pb = json_object_get(b, tool);

		if (!pb)
			continue;
		json_object_foreach(pa, k, v)
			if (!json_equal(v, json_object_get(pb, k)))
				fprintf(stderr, "vhm-compare: warning: %s parameter '%s' differs\n",
					tool, k);
	}
}

static double pct(double x)
{
	return 100 * x;
}

static json_t *num_or_null(double x)
{
	return isfinite(x) ? json_real(x) : json_null();
}

struct exact_totals {
	int regressions, improvements;
	unsigned int compared;
	double spread;		/* largest within a side */
};

/* One metric on the virtual clock: printed, and its JSON object filled. */
static void compare_one_exact(const struct vhm_metric *b, const struct vhm_metric *n,
			      double threshold, bool quiet, json_t *o,
			      struct exact_totals *t)
{
	struct vhm_cmp_exact r;
	char label[160];
	const char *verdict;

	snprintf(label, sizeof(label), "%s (%s)", b->label, b->unit);
	if (vhm_cmp_exact(b->v, b->n, n->v, n->n, b->better, threshold, &r)) {
		json_object_set_new(o, "verdict", json_string("not compared"));
		if (!quiet)
			printf("%-52s %10s %10s %8s %9s  not compared (%zu/%zu repetitions)\n",
			       label, "-", "-", "-", "-", b->n, n->n);
		return;
	}
	t->compared++;
	t->spread = fmax(t->spread, r.spread);
	verdict = vhm_cmp_verdict_name(r.verdict);
	if (r.verdict == VHM_CMP_REGRESSION)
		t->regressions++;
	else if (r.verdict == VHM_CMP_IMPROVEMENT)
		t->improvements++;
	if (!quiet || r.verdict == VHM_CMP_REGRESSION)
		printf("%-52s %10.2f %10.2f %+7.2f%% %8.3f%%  %s\n", label,
		       vhm_metric_shown(b, r.base_median), vhm_metric_shown(n, r.new_median),
		       pct(r.change), pct(r.spread), verdict);
	json_object_update_new(o, json_pack("{s:f, s:f, s:f, s:f, s:f, s:f, s:s}",
		"base_value", vhm_metric_shown(b, r.base_median),
		"new_value", vhm_metric_shown(n, r.new_median),
		"base_median", r.base_median * b->scale,
		"new_median", r.new_median * n->scale,
		"change_pct", pct(r.change), "spread_pct", pct(r.spread),
		"verdict", verdict));
}

/*
 * Both sides on the virtual clock: every metric present on both, from one
 * repetition. Returns the exit status.
 */
static int compare_exact(const struct vhm_metric_set *base, const struct vhm_metric_set *cur,
			 char **globs, int nglobs, double threshold, bool quiet,
			 const char *json_out, json_t *bnames, json_t *nnames)
{
	struct exact_totals t = { 0 };
	json_t *metrics = json_array(), *doc;
	size_t i;

	if (!quiet)
		printf("%-52s %10s %10s %8s %9s  %s\n", "metric", "base", "new",
		       "change", "spread", "verdict");
	for (i = 0; i < base->n; i++) {
		const struct vhm_metric *b = &base->m[i];
		const struct vhm_metric *n = vhm_metrics_find(cur, b->key);
		json_t *o;

		/* Noisy metrics are never judged from one repetition. */
		if (!n || b->noisy || !selected(b, globs, nglobs))
			continue;
		o = json_pack("{s:s, s:s, s:s, s:s, s:I, s:I}", "key", b->key, "label", b->label,
			      "unit", b->unit,
			      "better", b->better == VHM_CMP_LOWER_IS_BETTER ? "lower" : "higher",
			      "n_base", (json_int_t)b->n, "n_new", (json_int_t)n->n);
		compare_one_exact(b, n, threshold, quiet, o, &t);
		json_array_append_new(metrics, o);
	}
	if (!t.compared) {
		fprintf(stderr, "vhm-compare: no metric on both sides\n");
		json_decref(metrics);
		return EXIT_USAGE;
	}
	printf("compare: %u metrics on the virtual clock (icount shift %d: deterministic, "
	       "one repetition is a verdict), threshold %.3g%%: %d regression%s, "
	       "%d improvement%s\n",
	       t.compared, base->icount_shift, pct(threshold),
	       t.regressions, t.regressions == 1 ? "" : "s",
	       t.improvements, t.improvements == 1 ? "" : "s");
	/* A tenth of the threshold: the clock is no longer exact. */
	if (t.spread > threshold / 10)
		printf("compare: warning: repetitions differ by up to %.3g%% within a side: "
		       "the runs were not deterministic\n", pct(t.spread));
	if (json_out) {
		doc = json_pack("{s:i, s:s, s:s, s:o, s:o, s:i, s:f, s:i, s:i, s:i, s:f, s:O}",
				"compare_version", 1,
				"method", "virtual clock: ratio of the medians against a threshold",
				"clock", "virtual", "base", bnames, "new", nnames,
				"icount_shift", base->icount_shift,
				"threshold_pct", pct(threshold), "family", (int)t.compared,
				"regressions", t.regressions, "improvements", t.improvements,
				"spread_pct", pct(t.spread), "metrics", metrics);
		if (!doc || json_dump_file(doc, json_out, JSON_INDENT(2) | JSON_SORT_KEYS)) {
			fprintf(stderr, "vhm-compare: failed to write %s\n", json_out);
			json_decref(doc);
			json_decref(metrics);
			return EXIT_USAGE;
		}
		json_decref(doc);
	}
	json_decref(metrics);
	return t.regressions ? EXIT_REGRESSION : 0;
}

/* Both sides on one clock; 0, or -EINVAL with a message. */
static int check_clocks(const struct vhm_metric_set *a, const struct vhm_metric_set *b)
{
	bool va = vhm_metrics_virtual(a), vb = vhm_metrics_virtual(b);

	if ((a->virtual_docs && a->real_docs) || (b->virtual_docs && b->real_docs) || va != vb) {
		fprintf(stderr, "vhm-compare: one side ran on the virtual clock and the other "
			"on the real one: their times are not comparable\n");
		return -EINVAL;
	}
	if (va && a->icount_shift != b->icount_shift) {
		fprintf(stderr, "vhm-compare: the virtual clocks differ (icount shift %d and %d)\n",
			a->icount_shift, b->icount_shift);
		return -EINVAL;
	}
	if (a->icount_shift == -2 || b->icount_shift == -2) {
		fprintf(stderr, "vhm-compare: runs of one side have different icount shifts\n");
		return -EINVAL;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct vhm_cmp_opts opts = { .alpha = 0.05, .min_effect = 0.05, .family = 1 };
	struct vhm_metric_set base = { 0 }, cur = { 0 };
	const char *json_out = NULL;
	double threshold = 0.01;
	char *globs[64];
	int nglobs = 0, c, regressions = 0, improvements = 0, quiet = 0;
	unsigned int family = 0, too_few = 0, reps_needed = 0;
	json_t *doc, *metrics, *bnames = json_array(), *nnames = json_array();
	size_t i;

	while ((c = getopt_long(argc, argv, "a:e:t:m:j:qh", long_opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			opts.alpha = strtod(optarg, NULL);
			break;
		case 'e':
			opts.min_effect = strtod(optarg, NULL) / 100;
			break;
		case 't':
			threshold = strtod(optarg, NULL) / 100;
			break;
		case 'm':
			if (nglobs < 64)
				globs[nglobs++] = optarg;
			break;
		case 'j':
			json_out = optarg;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (argc - optind != 2 || !(opts.alpha > 0 && opts.alpha < 1) || opts.min_effect < 0 ||
	    !(threshold >= 0)) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (load_side(&base, argv[optind], bnames) || load_side(&cur, argv[optind + 1], nnames))
		return EXIT_USAGE;
	check_params(base.params, cur.params);
	if (base.kernel[0] && cur.kernel[0] && strcmp(base.kernel, cur.kernel))
		fprintf(stderr, "vhm-compare: warning: the kernels differ (%s, then %s): "
			"the changes are the kernel's as much as the code's\n",
			base.kernel, cur.kernel);
	if (check_clocks(&base, &cur))
		return EXIT_USAGE;
	if (vhm_metrics_virtual(&base) && !only_noisy(&base, globs, nglobs)) {
		c = compare_exact(&base, &cur, globs, nglobs, threshold, quiet, json_out,
				  bnames, nnames);
		vhm_metrics_free(&base);
		vhm_metrics_free(&cur);
		return c;
	}

	/* The family: metrics on both sides with two repetitions or more. */
	for (i = 0; i < base.n; i++) {
		struct vhm_metric *b = &base.m[i], *n = vhm_metrics_find(&cur, b->key);

		if (n && selected(b, globs, nglobs) && b->n >= 2 && n->n >= 2)
			family++;
	}
	if (!family) {
		fprintf(stderr, "vhm-compare: no metric with 2 or more repetitions on both sides%s\n",
			only_noisy(&base, globs, nglobs) ? " (fio's metrics are not deterministic, "
			"even on the virtual clock: run fio with repetitions, e.g. "
			"BENCH_ARGS=\"-F '-R 5'\")" : "");
		return EXIT_USAGE;
	}
	opts.family = family;

	if (!quiet)
		printf("%-52s %10s %10s %8s %20s %7s  %s\n", "metric", "base", "new",
		       "change", "CI", "p", "verdict");
	metrics = json_array();
	for (i = 0; i < base.n; i++) {
		struct vhm_metric *b = &base.m[i], *n = vhm_metrics_find(&cur, b->key);
		struct vhm_cmp_result r;
		char label[160], ci[48];
		const char *verdict;
		json_t *o;

		if (!n || !selected(b, globs, nglobs))
			continue;
		snprintf(label, sizeof(label), "%s (%s)", b->label, b->unit);
		o = json_pack("{s:s, s:s, s:s, s:s, s:I, s:I}", "key", b->key, "label", b->label,
			      "unit", b->unit,
			      "better", b->better == VHM_CMP_LOWER_IS_BETTER ? "lower" : "higher",
			      "n_base", (json_int_t)b->n, "n_new", (json_int_t)n->n);
		if (b->n < 2 || n->n < 2 || vhm_cmp_metric(b->v, b->n, n->v, n->n, b->better, &opts, &r)) {
			json_object_set_new(o, "verdict", json_string("not compared"));
			json_array_append_new(metrics, o);
			if (!quiet)
				printf("%-52s %10s %10s %8s %20s %7s  not compared (%zu/%zu repetitions)\n",
				       label, "-", "-", "-", "-", "-", b->n, n->n);
			continue;
		}
		verdict = vhm_cmp_verdict_name(r.verdict);
		if (r.verdict == VHM_CMP_REGRESSION)
			regressions++;
		else if (r.verdict == VHM_CMP_IMPROVEMENT)
			improvements++;
		if (r.too_few) {
			too_few++;
			if (r.reps_needed > reps_needed)
				reps_needed = r.reps_needed;
			snprintf(ci, sizeof(ci), "(needs %u reps)", r.reps_needed);
		} else {
			snprintf(ci, sizeof(ci), "[%+.1f%%, %+.1f%%]", pct(r.ci_lo), pct(r.ci_hi));
		}
		if (!quiet || r.verdict == VHM_CMP_REGRESSION)
			printf("%-52s %10.2f %10.2f %+7.1f%% %20s %7.4f  %s\n", label,
			       vhm_metric_shown(b, r.base_median), vhm_metric_shown(n, r.new_median),
			       pct(r.change), ci, r.p_value, verdict);
		json_object_update_new(o, json_pack("{s:f, s:f, s:f, s:f, s:f, s:o, s:o, s:f, s:f, s:b, s:b, s:i, s:s}",
			"base_value", vhm_metric_shown(b, r.base_median),
			"new_value", vhm_metric_shown(n, r.new_median),
			"base_median", r.base_median * b->scale,
			"new_median", r.new_median * n->scale,
			"change_pct", pct(r.change),
			"ci_lo_pct", num_or_null(pct(r.ci_lo)),
			"ci_hi_pct", num_or_null(pct(r.ci_hi)),
			"level", r.level, "p_value", r.p_value,
			"significant", r.significant, "too_few", r.too_few,
			"reps_needed", (int)r.reps_needed, "verdict", verdict));
		json_array_append_new(metrics, o);
	}

	printf("compare: %u metrics, CIs at %.4g%% each (family-wise %.3g%%), min effect %.3g%%: "
	       "%d regression%s, %d improvement%s\n",
	       family, 100 * (1 - opts.alpha / family), 100 * (1 - opts.alpha), pct(opts.min_effect),
	       regressions, regressions == 1 ? "" : "s", improvements, improvements == 1 ? "" : "s");
	printf("compare: base and new are %s; change and CI are Hodges-Lehmann and Moses "
	       "over the repetitions\n", base.runs == 1 && cur.runs == 1 ?
	       "each run's own figures (p50 of its samples merged, frames/s pooled)" :
	       "per side the run's own figure, or the median of the repetitions where runs are pooled");
	if (too_few)
		printf("compare: %u metric%s cannot reach that confidence: use %u or more "
		       "repetitions a side (pool runs with BASE=a,b,c)\n",
		       too_few, too_few == 1 ? "" : "s", reps_needed);

	if (json_out) {
		doc = json_pack("{s:i, s:s, s:o, s:o, s:f, s:f, s:i, s:i, s:i, s:i, s:o}",
				"compare_version", 1,
				"method", "exact Mann-Whitney U on log values; Hodges-Lehmann ratio, "
					  "Moses interval, Bonferroni over the metrics",
				"base", bnames, "new", nnames,
				"alpha", opts.alpha, "min_effect_pct", pct(opts.min_effect),
				"family", (int)family, "regressions", regressions,
				"improvements", improvements, "insufficient", (int)too_few,
				"metrics", metrics);
		if (json_dump_file(doc, json_out, JSON_INDENT(2) | JSON_SORT_KEYS)) {
			fprintf(stderr, "vhm-compare: failed to write %s\n", json_out);
			return EXIT_USAGE;
		}
		json_decref(doc);
	} else {
		json_decref(metrics);
		json_decref(bnames);
		json_decref(nnames);
	}
	vhm_metrics_free(&base);
	vhm_metrics_free(&cur);
	return regressions ? EXIT_REGRESSION : 0;
}
