// SPDX-License-Identifier: GPL-2.0
/*
 * The cost of tracing from saved rounds, without the guest: the rounds of
 * tests/fixtures/overhead (five tools, one round a side, bpf_stats of two)
 * through scripts/bench-overhead --report, then scripts/goals and
 * scripts/dashboard on the overhead.json it writes; and what a broken
 * overhead.json or tool list does to them.
 */
#include <sys/stat.h>

#include "harness.h"
#include "script_test.h"


#define RUN	"20261201T000000Z-vm-overhead"
#define RUN_B	"20261130T034942Z-vm-3858e11-dirty"

/* A results tree with the overhead fixture's rounds, reported: RUN/overhead.json. */
static void make_run(struct __test_metadata *_metadata, char *tmpl)
{
	find_top();
	ASSERT_NE(mkdtemp(tmpl), NULL);
	ASSERT_EQ(sh("cp -r '%s/tests/fixtures/overhead/.' %s/", top, tmpl), 0);
	ASSERT_EQ(sh("'%s/scripts/bench-overhead' --report %s/" RUN " > %s/report.txt 2>&1",
		     top, tmpl, tmpl), 0);
}

/* jq -e EXPR on RUN/overhead.json */
static int ov(const char *tree, const char *expr)
{
	return sh("jq -e '%s' %s/" RUN "/overhead.json > /dev/null", expr, tree);
}

/* jq -e EXPR on the goals of RUN (goals.json, written by scripts/goals) */
static int goals(const char *tree, const char *expr)
{
	return sh("jq -e '%s' %s/" RUN "/goals.json > /dev/null", expr, tree);
}

TEST(overhead_json_from_the_rounds)
{
	char tmpl[] = "/tmp/vhm-ov-XXXXXX";

	make_run(_metadata, tmpl);
	/* one entry per tool of the list, in its order, ratios traced/untraced */
	EXPECT_EQ(ov(tmpl, "[.tools[].tool] == [\"vhmlat\", \"vhmlat-full\", \"vhmtop\", \"vhmtrace\", \"bpftrace\"]"), 0);
	EXPECT_EQ(ov(tmpl, ".tools[0] | .command == \"vhmlat\" and .args == \"-k kick_to_call -j\""), 0);
	EXPECT_EQ(ov(tmpl, ".tools[4] | .command == \"bpftrace\" and .args == \"-q scripts/kick_to_call.bt\""), 0);
	EXPECT_EQ(ov(tmpl, ".tools[0] | .latency_p50_ratio == 1.02 and .latency_p99_ratio == 1.03 "
		      "and (.throughput_ratio * 1e6 | round) == 993023"), 0);
	EXPECT_EQ(ov(tmpl, ".tools[4] | .latency_p50_ratio == 1.4 and .latency_p50_ns.untraced == [9000] "
		      "and .latency_p50_ns.traced_median == 12600"), 0);
	EXPECT_EQ(ov(tmpl, "all(.tools[]; .error == null)"), 0);
	/* bpf_stats: the tool's programs only (not one loaded before it) */
	EXPECT_EQ(ov(tmpl, ".tools[0].bpf_stats | .run_cnt == 6600 and .run_time_ns == 1500000 "
		      "and (.ns_per_event | round) == 227 and (.programs | length) == 3 "
		      "and .latency_p50_ns_with_stats == 9400"), 0);
	EXPECT_EQ(ov(tmpl, ".tools[4].bpf_stats.run_cnt == 6600 and .tools[2].bpf_stats == null"), 0);
	/* the single-tool keys stay: the first tool's */
	EXPECT_EQ(ov(tmpl, ".tool == \"vhmlat -k kick_to_call -j\" and .latency_p50_ns.ratio == 1.02 "
		      "and .throughput_frames_per_s.untraced_median == 430000 and .rounds == 1 "
		      "and .env.clock == \"virtual\""), 0);
	/* vhmlat's fullest summary is the in-kernel breakdown */
	EXPECT_EQ(sh("jq -e '[.hists[].kind] | index(\"kick_to_process\") != null' %s/" RUN "/bpf-latency.json > /dev/null",
		     tmpl), 0);
	/* the table and the tracing goals are printed */
	EXPECT_EQ(sh("grep -Eq '^vhmlat +vhmlat -k kick_to_call -j +9 +9.18 +1.02 +1.03 +0.993 +227 +6600$' %s/report.txt",
		     tmpl), 0);
	EXPECT_EQ(sh("grep -q '^5 of 8 met$' %s/report.txt", tmpl), 0);
	sh("rm -rf %s", tmpl);
}

TEST(tracing_goals)
{
	char tmpl[] = "/tmp/vhm-ovg-XXXXXX";

	make_run(_metadata, tmpl);
	ASSERT_EQ(sh("'%s/scripts/goals' %s/" RUN " > %s/goals.txt 2>&1", top, tmpl, tmpl), 0);
	EXPECT_EQ(goals(tmpl, "[.goals[] | select(.tool != null)] | length == 8"), 0);
	/* vhmlat's default mode: p50 1.02 <= 1.03 */
	EXPECT_EQ(goals(tmpl, "[.goals[] | select(.goal == \"tracing: p50 traced / untraced, vhmlat\")] "
			"| length == 1 and .[0].met and .[0].bound == 1.03 and .[0].args == \"vhmlat -k kick_to_call -j\""), 0);
	/* every project tool against bpftrace's 1.4: vhmlat -k all's 1.444 is not below */
	EXPECT_EQ(goals(tmpl, "[.goals[] | select(.goal | startswith(\"tracing: p50 traced / untraced below\")) | {(.tool): .met}] | add "
			"== {\"vhmlat\": true, \"vhmlat-full\": false, \"vhmtop\": true, \"vhmtrace\": true}"), 0);
	EXPECT_EQ(goals(tmpl, "[.goals[] | select(.goal | startswith(\"tracing: p50 traced / untraced below\")) | .bound] | unique == [1.4]"), 0);
	/* frames/s >= 0.99x for vhmlat (both modes) and vhmtop */
	EXPECT_EQ(goals(tmpl, "[.goals[] | select(.goal | startswith(\"tracing: frames/s\")) | {(.tool): .met}] | add "
			"== {\"vhmlat\": true, \"vhmlat-full\": false, \"vhmtop\": false}"), 0);
	EXPECT_EQ(sh("grep -q '^5 of 8 met$' %s/goals.txt", tmpl), 0);

	/* a tool that failed: its goals are not met, its value says so */
	ASSERT_EQ(sh("cd %s/" RUN "/overhead && rm -r traced-vhmtop-1 && echo 'did not attach: bad option' > vhmtop.error && "
		     "'%s/scripts/bench-overhead' --report .. > /dev/null 2>&1", tmpl, top), 0);
	EXPECT_EQ(ov(tmpl, ".tools[2] | .error == \"did not attach: bad option\" and .latency_p50_ratio == null"), 0);
	ASSERT_EQ(sh("'%s/scripts/goals' %s/" RUN " > %s/goals.txt 2>&1", top, tmpl, tmpl), 0);
	EXPECT_EQ(goals(tmpl, "[.goals[] | select(.tool == \"vhmtop\") | .met] == [false, false]"), 0);
	EXPECT_EQ(sh("grep -Eq '^tracing: frames/s traced / untraced, vhmtop +vhost-mdev +failed +>= 0.99 +NO$' %s/goals.txt",
		     tmpl), 0);

	/* bpftrace failed: no tool can be shown to cost less */
	ASSERT_EQ(sh("cd %s/" RUN "/overhead && rm -r traced-bpftrace-1 && echo 'did not stop' > bpftrace.error && "
		     "'%s/scripts/bench-overhead' --report .. > /dev/null 2>&1 && '%s/scripts/goals' .. > /dev/null 2>&1",
		     tmpl, top, top), 0);
	EXPECT_EQ(goals(tmpl, "[.goals[] | select(.goal | startswith(\"tracing: p50 traced / untraced below\")) | .met] "
			"== [false, false, false, false]"), 0);

	/* --overhead: the tracing goals alone, goals.json untouched */
	ASSERT_EQ(sh("rm %s/" RUN "/goals.json && '%s/scripts/goals' --overhead %s/" RUN " > %s/goals.txt 2>&1",
		     tmpl, top, tmpl, tmpl), 0);
	EXPECT_EQ(sh("test -e %s/" RUN "/goals.json", tmpl), 1);
	EXPECT_EQ(sh("grep -c '^tracing: ' %s/goals.txt | grep -qx 8", tmpl), 0);
	sh("rm -rf %s", tmpl);
}

TEST(broken_overhead_json_fails_goals)
{
	char tmpl[] = "/tmp/vhm-ovb-XXXXXX";
	static const char *const breaks[] = {
		"del(.tools, .latency_p50_ns)",			/* no tools, no single-tool keys */
		".tools = []",
		".tools[1].latency_p50_ratio = null",		/* no ratio and no error */
		".tools[0].throughput_ratio = \"0.99\"",
		".tools[3] |= del(.args)",
		".tools[2].latency_p99_ratio = 0",
	};

	make_run(_metadata, tmpl);
	for (size_t i = 0; i < sizeof(breaks) / sizeof(breaks[0]); i++) {
		ASSERT_EQ(sh("cd %s/" RUN " && cp overhead.json good.json && jq '%s' good.json > overhead.json",
			     tmpl, breaks[i]), 0);
		EXPECT_EQ(sh("'%s/scripts/goals' %s/" RUN " > %s/out.txt 2>&1 && exit 0; grep -q 'overhead.json is malformed' %s/out.txt && exit 3",
			     top, tmpl, tmpl, tmpl), 3);
		ASSERT_EQ(sh("cd %s/" RUN " && mv good.json overhead.json", tmpl), 0);
	}
	/* a file from before the tool list: no tracing goals, no error */
	ASSERT_EQ(sh("cd %s/" RUN " && jq 'del(.tools)' overhead.json > o && mv o overhead.json && "
		     "'%s/scripts/goals' . > /dev/null 2>&1", tmpl, top), 0);
	EXPECT_EQ(goals(tmpl, "[.goals[] | select(.tool != null)] == []"), 0);

	/* a bad tool list or an unknown label stops before anything runs */
	EXPECT_NE(sh("printf 'vhmlat vhmlat -j\\n' > %s/list && OVERHEAD_TOOLS=%s/list "
		     "'%s/scripts/bench-overhead' dev %s/out > /dev/null 2>&1", tmpl, tmpl, top, tmpl), 0);
	EXPECT_EQ(sh("! '%s/scripts/bench-overhead' dev %s/out nosuchtool 2> %s/err.txt && "
		     "grep -q \"no tool 'nosuchtool'\" %s/err.txt", top, tmpl, tmpl, tmpl), 0);
	/* a peer that is not in the list */
	EXPECT_EQ(sh("printf 'vhmlat|vhmlat -j|bpftrace-x\\nbpftrace|bpftrace -q x.bt\\n' > %s/list && "
		     "! OVERHEAD_TOOLS=%s/list '%s/scripts/bench-overhead' dev %s/out 2> %s/err.txt && "
		     "grep -q \"no tool 'bpftrace-x' to compare with\" %s/err.txt",
		     tmpl, tmpl, top, tmpl, tmpl, tmpl), 0);
	EXPECT_EQ(sh("test -e %s/out/overhead", tmpl), 1);
	sh("rm -rf %s", tmpl);
}

/* A tool with a peer is held to the peer's cost, not bpftrace's. */
TEST(tracing_goals_against_each_peer)
{
	char tmpl[] = "/tmp/vhm-ovp-XXXXXX";

	make_run(_metadata, tmpl);
	/* vhmtrace against vhmlat-full (1.444), vhmtop against bpftrace */
	ASSERT_EQ(sh("cd %s/" RUN "/overhead && sed -i 's/^vhmtrace|vhmtrace$/&|vhmlat-full/; s/^vhmtop|vhmtop$/&|bpftrace/' tools.txt && "
		     "'%s/scripts/bench-overhead' --report .. > /dev/null 2>&1 && '%s/scripts/goals' .. > /dev/null 2>&1",
		     tmpl, top, top), 0);
	EXPECT_EQ(ov(tmpl, "[.tools[] | .peer] == [null, null, \"bpftrace\", \"vhmlat-full\", null]"), 0);
	EXPECT_EQ(goals(tmpl, "[.goals[] | select(.goal == \"tracing: p50 traced / untraced below vhmlat-full, vhmtrace\")] "
			"| length == 1 and (.[0].bound * 1000 | round) == 1444 and .[0].met"), 0);
	EXPECT_EQ(goals(tmpl, "[.goals[] | select(.goal == \"tracing: p50 traced / untraced below bpftrace, vhmtop\")] "
			"| length == 1 and .[0].bound == 1.4"), 0);
	sh("rm -rf %s", tmpl);
}

TEST(dashboard_shows_the_cost_of_tracing)
{
	char tmpl[] = "/tmp/vhm-ovd-XXXXXX", page[256];

	make_run(_metadata, tmpl);
	/* the overhead rounds as part of a full run, the latest of the tree */
	ASSERT_EQ(sh("cd %s && cp -r '%s/tests/fixtures/results/" RUN_B "/.' " RUN "/ && "
		     "'%s/scripts/goals' " RUN " > /dev/null 2>&1", tmpl, top, top), 0);
	ASSERT_EQ(sh("VHM_RESULTS=%s '%s/scripts/dashboard' > /dev/null 2>&1", tmpl, top), 0);
	snprintf(page, sizeof(page), "%s/index.html", tmpl);
	EXPECT_EQ(sh("grep -q 'data-run=\"" RUN "\"' %s", page), 0);
	EXPECT_EQ(sh("grep -q 'id=\"overhead-table\"' %s", page), 0);
	EXPECT_EQ(sh("grep -q '<td class=l>vhmlat</td><td class=l><code>vhmlat -k kick_to_call -j</code></td><td>9</td><td>9.18</td><td>1.02</td>' %s",
		     page), 0);
	EXPECT_EQ(sh("grep -q '<td class=l>bpftrace</td>.*<td>1087</td><td>6600</td>' %s", page), 0);
	/* the tracing goals in the goals table, the unmet ones marked */
	EXPECT_EQ(sh("grep -q '<tr class=\"\"><td class=l>tracing: p50 traced / untraced, vhmlat</td><td class=l>vhost-mdev</td><td>1.02</td><td>&lt;= 1.03</td><td class=l>yes</td>' %s",
		     page), 0);
	EXPECT_EQ(sh("grep -q '<tr class=\"regression\"><td class=l>tracing: p50 traced / untraced below bpftrace, vhmlat-full</td>' %s",
		     page), 0);
	sh("rm -rf %s", tmpl);
}

TEST_HARNESS_MAIN
