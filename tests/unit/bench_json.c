// SPDX-License-Identifier: GPL-2.0
/*
 * JSON output against docs/results-schema.md: the keys and types a consumer
 * relies on, and the floor backend's latency run end to end on the host.
 */
#include <jansson.h>
#include <stdlib.h>

#include "harness.h"
#include "report.h"
#include "stats.h"

static bool has(json_t *obj, const char *key, json_type type)
{
	json_t *v = json_object_get(obj, key);

	if (!v)
		fprintf(stderr, "# missing key %s\n", key);
	else if (json_typeof(v) != type && !(type == JSON_REAL && json_is_integer(v)))
		fprintf(stderr, "# key %s has type %d, want %d\n", key, json_typeof(v), type);
	return v && (json_typeof(v) == type || (type == JSON_REAL && json_is_integer(v)));
}

static bool latency_ok(json_t *l)
{
	static const char *const ints[] = { "samples", "min_ns", "p50_ns", "p90_ns",
					    "p99_ns", "p999_ns", "max_ns" };
	bool ok = has(l, "mean_ns", JSON_REAL) && has(l, "stddev_ns", JSON_REAL);

	for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++)
		ok &= has(l, ints[i], JSON_INTEGER);
	return ok && json_integer_value(json_object_get(l, "min_ns")) <=
		     json_integer_value(json_object_get(l, "p50_ns")) &&
	       json_integer_value(json_object_get(l, "p99_ns")) <=
		     json_integer_value(json_object_get(l, "max_ns"));
}

static bool top_ok(json_t *doc, const char *tool)
{
	json_t *env = json_object_get(doc, "env");

	return has(doc, "schema_version", JSON_INTEGER) &&
	       json_integer_value(json_object_get(doc, "schema_version")) == VHM_SCHEMA_VERSION &&
	       !strcmp(json_string_value(json_object_get(doc, "tool")), tool) &&
	       has(doc, "run_id", JSON_STRING) && has(doc, "params", JSON_OBJECT) &&
	       has(doc, "results", JSON_ARRAY) && has(doc, "env", JSON_OBJECT) &&
	       has(env, "kernel", JSON_STRING) && has(env, "cpu_model", JSON_STRING) &&
	       has(env, "commit", JSON_STRING) && has(env, "accel", JSON_STRING) &&
	       has(env, "vcpus", JSON_INTEGER) && has(env, "timestamp", JSON_STRING) &&
	       (json_is_boolean(json_object_get(env, "guest")));
}

TEST(report_skeleton)
{
	struct vhm_env env;
	json_t *doc;

	setenv("VHM_RUN_ID", "test-run", 1);
	setenv("VHM_COMMIT", "abc1234", 1);
	vhm_env_collect(&env);
	ASSERT_STREQ(env.run_id, "test-run");
	ASSERT_STREQ(env.commit, "abc1234");
	doc = vhm_report_new("vhm-latency", &env, json_object());
	ASSERT_TRUE(doc != NULL);
	EXPECT_TRUE(top_ok(doc, "vhm-latency"));
	json_decref(doc);
}

TEST(latency_and_histogram_objects)
{
	struct vhm_latency_summary sum;
	struct vhm_samples s;
	struct vhm_hist h;
	json_t *l, *hist;
	json_int_t total = 0;
	size_t i;
	json_t *b;

	vhm_samples_init(&s, 16);
	for (unsigned int v = 1; v <= 100; v++)
		vhm_samples_add(&s, v * 100);
	vhm_summarize(&s, &sum);
	l = vhm_latency_json(&sum);
	EXPECT_TRUE(latency_ok(l));
	EXPECT_EQ(json_integer_value(json_object_get(l, "p50_ns")), 5000);
	vhm_hist_from_samples(&h, &s);
	hist = vhm_hist_json(&h);
	json_array_foreach(hist, i, b) {
		EXPECT_LT(json_integer_value(json_object_get(b, "lo_ns")),
			  json_integer_value(json_object_get(b, "hi_ns")));
		total += json_integer_value(json_object_get(b, "count"));
	}
	EXPECT_EQ(total, 100);
	json_decref(l);
	json_decref(hist);
	vhm_samples_free(&s);
}

/* The floor backend needs no device: run the real tool on the host. */
TEST(latency_tool_floor)
{
	char dir[] = "/tmp/vhm-json-XXXXXX", cmd[512], path[600];
	const char *bin = getenv("OUT");
	json_error_t jerr;
	json_t *doc, *r, *c;

	ASSERT_TRUE(mkdtemp(dir) != NULL);
	snprintf(cmd, sizeof(cmd), "%s/bench/vhm-latency -b floor -n 200 -w 10 -r 2 "
		 "-B 65500 -o %s > /dev/null", bin ? bin : ".output", dir);
	ASSERT_EQ(system(cmd), 0);
	snprintf(path, sizeof(path), "%s/latency.json", dir);
	doc = json_load_file(path, 0, &jerr);
	ASSERT_TRUE(doc != NULL);
	EXPECT_TRUE(top_ok(doc, "vhm-latency"));
	r = json_array_get(json_object_get(doc, "results"), 0);
	ASSERT_TRUE(r != NULL);
	ASSERT_STREQ(json_string_value(json_object_get(r, "backend")), "floor");
	EXPECT_TRUE(latency_ok(json_object_get(r, "summary")));
	EXPECT_EQ(json_array_size(json_object_get(r, "repetitions")), 2u);
	EXPECT_EQ(json_integer_value(json_object_get(json_object_get(r, "summary"), "samples")), 400);
	c = json_object_get(r, "driver_counters");
	EXPECT_EQ(json_integer_value(json_object_get(c, "tx_frames")), 410);
	/* 65500 + 410 wraps to 374 */
	EXPECT_EQ(json_integer_value(json_object_get(r, "vring_base_end")), 374);
	EXPECT_EQ(json_integer_value(json_object_get(r, "driver_avail_idx")), 374);
	json_decref(doc);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	EXPECT_EQ(system(cmd), 0);
}

TEST_HARNESS_MAIN
