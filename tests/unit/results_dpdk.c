// SPDX-License-Identifier: GPL-2.0
/*
 * DPDK testpmd results without the guest: a run of make bench SUITE=dpdk
 * holds only dpdk.json (tests/fixtures/dpdk: made by scripts/bench-dpdk's
 * own aggregation from chosen rates, three repetitions, 64 and 1514 B).
 * scripts/plot draws dpdk-mpps and exports its metrics, scripts/goals
 * checks the DPDK goal, scripts/dashboard shows the section beside the
 * latest latency and throughput run (tests/fixtures/results) without
 * taking its place.
 */
#include <sys/stat.h>

#include "harness.h"
#include "script_test.h"


static off_t size_of(const char *dir, const char *name)
{
	char p[8192];
	struct stat st;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return stat(p, &st) ? -1 : st.st_size;
}

#define RUN	"20261202T040000Z-vm-157e12b"
#define RUN_B	"20261130T034942Z-vm-3858e11-dirty"

/* A results tree with the dpdk run alone; with ALL, the saved runs too. */
static void make_tree(struct __test_metadata *_metadata, char *tmpl, int all)
{
	find_top();
	ASSERT_NE(top[0], 0);
	ASSERT_NE(mkdtemp(tmpl), NULL);
	ASSERT_EQ(sh("cp -r '%s/tests/fixtures/dpdk/.' %s/", top, tmpl), 0);
	if (all)
		ASSERT_EQ(sh("cp -r '%s/tests/fixtures/results/.' %s/", top, tmpl), 0);
}

/* jq -e EXPR on FILE of RUN */
static int jq_run(const char *tree, const char *file, const char *expr)
{
	return sh("jq -e '%s' %s/" RUN "/%s > /dev/null", expr, tree, file);
}

/* grep -q PATTERN on FILE of RUN */
static int grep_run(const char *tree, const char *file, const char *pattern)
{
	return sh("grep -q -- '%s' %s/" RUN "/%s", pattern, tree, file);
}

TEST(plot_a_dpdk_only_run)
{
	char tmpl[] = "/tmp/vhm-dpdk-XXXXXX", dir[256];
	static const char *const files[] = {
		"dpdk-mpps.png", "dpdk-mpps.svg", "params.json", "metrics.prom",
	};

	make_tree(_metadata, tmpl, 0);
	snprintf(dir, sizeof(dir), "%s/%s", tmpl, RUN);
	ASSERT_EQ(sh("'%s/scripts/plot' %s > %s/plot.txt 2>&1", top, dir, tmpl), 0);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		EXPECT_GT(size_of(dir, files[i]), 200);
		if (size_of(dir, files[i]) <= 200)
			fprintf(stderr, "# missing or empty: %s\n", files[i]);
	}
	/* nothing else to draw */
	EXPECT_EQ(size_of(dir, "latency-hist.png"), -1);
	EXPECT_EQ(size_of(dir, "fio-iops.png"), -1);
	EXPECT_EQ(sh("head -c 8 %s/dpdk-mpps.png | od -An -tx1 | grep -q '89 50 4e 47'", dir), 0);

	/* the title: testpmd, the clock, vCPUs, repetitions; full: no QUICK */
	EXPECT_EQ(grep_run(tmpl, "dpdk-mpps.svg", "DPDK testpmd Mpps per mode and frame size"), 0);
	EXPECT_EQ(grep_run(tmpl, "dpdk-mpps.svg",
			   "DPDK 22.11.9-1~deb12u1, real clock, 2 vCPUs, median of 3 repetitions"), 0);
	EXPECT_EQ(grep_run(tmpl, "dpdk-mpps.svg", "QUICK"), 1);
	/* one cluster per mode and frame size with a rate: no rxonly */
	EXPECT_EQ(grep_run(tmpl, "dpdk-mpps.svg", ">txonly 64 B<"), 0);
	EXPECT_EQ(grep_run(tmpl, "dpdk-mpps.svg", ">io 1514 B<"), 0);
	EXPECT_EQ(grep_run(tmpl, "dpdk-mpps.svg", ">rxonly"), 1);
	/* the device colours: vhm_sim #1f77b4, vdpa_sim #9467bd */
	EXPECT_EQ(grep_run(tmpl, "dpdk-mpps.svg", "rgb( 31, 119, 180)"), 0);
	EXPECT_EQ(grep_run(tmpl, "dpdk-mpps.svg", "rgb(148, 103, 189)"), 0);

	/* params.json: dpdk's parameters as fio's, the mode of dpdk.json */
	EXPECT_EQ(jq_run(tmpl, "params.json", ".layout_version == 1 and .run_id == \"" RUN "\" and "
			 ".mode == \"full\" and .dpdk.repetitions == 3 and .dpdk.duration_s == 2 and "
			 ".env.clock == \"real\" and .latency == null"), 0);

	/* metrics.prom: the median rates in packets/s, both directions */
	EXPECT_EQ(sh("tail -1 %s/metrics.prom | grep -qx '# EOF'", dir), 0);
	EXPECT_EQ(grep_run(tmpl, "metrics.prom", "^# TYPE vhm_dpdk_packets_per_second gauge$"), 0);
	EXPECT_EQ(grep_run(tmpl, "metrics.prom",
			   "^vhm_dpdk_packets_per_second{.*mode=\"full\",clock=\"real\",device=\"vhm_sim\","
			   "fwd_mode=\"io\",frame_size=\"64\",dir=\"tx\"} 1500000$"), 0);
	EXPECT_EQ(grep_run(tmpl, "metrics.prom",
			   "^vhm_dpdk_packets_per_second{.*device=\"vdpa_sim\",fwd_mode=\"txonly\","
			   "frame_size=\"1514\",dir=\"tx\"} 600000$"), 0);
	/* rxonly: counts, no rate */
	EXPECT_EQ(grep_run(tmpl, "metrics.prom", "^vhm_dpdk_packets_per_second{.*fwd_mode=\"rxonly\""), 1);
	EXPECT_EQ(grep_run(tmpl, "metrics.prom",
			   "^vhm_dpdk_packets{.*device=\"vhm_sim\",fwd_mode=\"rxonly\",frame_size=\"64\",dir=\"rx\"} 128$"), 0);
	EXPECT_EQ(grep_run(tmpl, "metrics.prom",
			   "^vhm_dpdk_repetitions{.*device=\"vdpa_sim\",fwd_mode=\"io\",frame_size=\"1514\"} 3$"), 0);
	/* every sample has its clock, and no label twice */
	EXPECT_EQ(sh("grep -v '^#' %s/metrics.prom | grep -vq 'clock=\"real\"'", dir), 1);
	EXPECT_EQ(sh("grep -v '^#' %s/metrics.prom | sed 's/[{,]\\([a-z_]*\\)=\"[^\"]*\"/ \\1/g; s/}.*//' | "
		     "awk '{ delete s; for (i = 2; i <= NF; i++) if (s[$i]++) bad = 1 } END { exit !bad }'", dir), 1);

	/* a quick run, and the older env key "dpdk" */
	ASSERT_EQ(sh("cd %s && jq '.env.mode = \"quick\" | .env.dpdk = \"\" | del(.env.dpdk_version)' "
		     "dpdk.json > d.new && mv d.new dpdk.json && '%s/scripts/plot' . > /dev/null 2>&1",
		     dir, top), 0);
	EXPECT_EQ(grep_run(tmpl, "dpdk-mpps.svg", "QUICK run (smoke test)"), 0);
	EXPECT_EQ(grep_run(tmpl, "dpdk-mpps.svg", "DPDK (version unknown)"), 0);
	EXPECT_EQ(jq_run(tmpl, "params.json", ".mode == \"quick\""), 0);
	EXPECT_EQ(sh("grep -v '^#' %s/metrics.prom | grep -vq 'mode=\"quick\"'", dir), 1);

	/* one repetition: plain bars, the title says so */
	ASSERT_EQ(sh("cd %s && jq '.params.repetitions = 1 | .results[].repetitions |= .[:1]' "
		     "dpdk.json > d.new && mv d.new dpdk.json && '%s/scripts/plot' . > /dev/null 2>&1",
		     dir, top), 0);
	EXPECT_EQ(grep_run(tmpl, "dpdk-mpps.svg", "2 vCPUs, one repetition, QUICK run"), 0);
	sh("rm -rf %s", tmpl);
}

TEST(goals_of_a_dpdk_only_run)
{
	char tmpl[] = "/tmp/vhm-dpdkg-XXXXXX";

	make_tree(_metadata, tmpl, 0);
	ASSERT_EQ(sh("'%s/scripts/goals' %s/" RUN " > %s/goals.txt 2>&1", top, tmpl, tmpl), 0);
	/* io at 64 B: 1.5 Mpps against 1.0 */
	EXPECT_EQ(jq_run(tmpl, "goals.json", ".clock == \"real\" and (.goals | length) == 1 and "
			 "(.goals[0] | .goal == \"DPDK testpmd io Mpps at 64 B / vdpa_sim_net (vhost-vdpa)\" "
			 "and .backend == \"vhost-vdpa@vhm_sim\" and .value == 1.5 and .bound == 1.2 "
			 "and .op == \">=\" and .met)"), 0);
	EXPECT_EQ(sh("grep -q '^DPDK testpmd io Mpps at 64 B .* 1.5 .*>= 1.2 .*yes' %s/goals.txt && "
		     "grep -qx '1 of 1 met' %s/goals.txt", tmpl, tmpl), 0);
	/* slower than the bound: not met */
	ASSERT_EQ(sh("cd %s/" RUN " && jq '(.results[] | select(.device == \"vhm_sim\" and .mode == \"io\" "
		     "and .frame_size == 64) | .tx_mpps) = 1.1' dpdk.json > d.new && mv d.new dpdk.json && "
		     "'%s/scripts/goals' . > /dev/null 2>&1", tmpl, top), 0);
	EXPECT_EQ(jq_run(tmpl, "goals.json", ".goals[0] | (.value * 100 | round) == 110 and (.met | not)"), 0);
	/* no peer rate to divide by: the goal is left out, not failed */
	ASSERT_EQ(sh("cd %s/" RUN " && jq '(.results[] | select(.device == \"vdpa_sim\") | .tx_mpps) = 0' "
		     "dpdk.json > d.new && mv d.new dpdk.json && '%s/scripts/goals' . > /dev/null 2>&1",
		     tmpl, top), 0);
	EXPECT_EQ(jq_run(tmpl, "goals.json", ".goals == []"), 0);
	/* the tracing goals alone still want an overhead.json */
	EXPECT_NE(sh("'%s/scripts/goals' --overhead %s/" RUN " > /dev/null 2>&1", top, tmpl), 0);
	sh("rm -rf %s", tmpl);
}

TEST(dashboard_shows_the_dpdk_run)
{
	char tmpl[] = "/tmp/vhm-dpdkd-XXXXXX", page[256];

	/* the dpdk run the newest of the tree, with its goals */
	make_tree(_metadata, tmpl, 1);
	snprintf(page, sizeof(page), "%s/index.html", tmpl);
	ASSERT_EQ(sh("'%s/scripts/goals' %s/" RUN " > /dev/null 2>&1", top, tmpl), 0);
	ASSERT_EQ(sh("VHM_RESULTS=%s '%s/scripts/dashboard' > /dev/null 2>&1", tmpl, top), 0);
	/* the latest run of the other sections is still the latency run */
	EXPECT_EQ(sh("grep -q 'data-run=\"" RUN_B "\"' %s", page), 0);
	EXPECT_EQ(sh("grep -q 'id=\"latency-table\"' %s && grep -q 'id=\"throughput-table\"' %s",
		     page, page), 0);
	/* the run tables: latency and throughput runs only */
	EXPECT_EQ(sh("grep -q '<tr><td class=l><a href=\"" RUN_B "/\">' %s", page), 0);
	EXPECT_EQ(sh("grep -q '<tr><td class=l><a href=\"" RUN "/\">' %s", page), 1);
	/* the section, its run and what it measures */
	EXPECT_EQ(sh("grep -q '<h2 id=\"dpdk\">DPDK testpmd</h2>' %s", page), 0);
	EXPECT_EQ(sh("grep -q 'id=\"dpdk-run\">Run <a href=\"" RUN "/\"><code>" RUN "</code></a> "
		     "(<code>make bench SUITE=dpdk</code>, not the latest run above)' %s", page), 0);
	EXPECT_EQ(sh("grep -q 'real clock with 2 vCPUs</b> because testpmd busy-polls beside a device thread' %s",
		     page), 0);
	/* the table: rates, packets, repetitions and ours / vdpa_sim_net */
	EXPECT_EQ(sh("grep -q '<th class=l>device</th><th class=l>mode</th><th>frame (B)</th><th>tx Mpps</th>"
		     "<th>rx Mpps</th><th>tx packets</th><th>rx packets</th><th>reps</th><th>ours / vdpa_sim</th>' %s",
		     page), 0);
	EXPECT_EQ(sh("grep -q '<tr><td class=l>vhm_sim</td><td class=l>io</td><td>64</td><td>1.5</td>"
		     "<td>1.5</td><td>3825128</td><td>3825000</td><td>3</td><td>1.5x</td></tr>' %s", page), 0);
	EXPECT_EQ(sh("grep -q '<tr><td class=l>vhm_sim</td><td class=l>txonly</td><td>64</td><td>2.1</td>"
		     "<td>0</td>.*<td>2x</td></tr>' %s", page), 0);
	EXPECT_EQ(sh("grep -q '<td class=l>vhm_sim</td><td class=l>io</td><td>1514</td>.*<td>1.4x</td>' %s",
		     page), 0);
	EXPECT_EQ(sh("grep -q '<tr><td class=l>vdpa_sim</td><td class=l>io</td><td>64</td><td>1</td>"
		     "<td>1</td>.*<td>-</td></tr>' %s", page), 0);
	EXPECT_EQ(sh("grep -q '<td class=l>vhm_sim</td><td class=l>rxonly</td><td>64</td><td>-</td><td>-</td>"
		     "<td>128</td><td>128</td><td>3</td><td>-</td>' %s", page), 0);
	/* its goal, and the plot drawn for it */
	EXPECT_EQ(sh("grep -q 'id=\"dpdk-goal\" class=\"verdict-ok\">Goal: DPDK testpmd io Mpps at 64 B "
		     "/ vdpa_sim_net (vhost-vdpa) &gt;= 1.2: 1.5, met.' %s", page), 0);
	EXPECT_EQ(sh("grep -q 'img class=\"plot\" src=\"" RUN "/dpdk-mpps.png\"' %s", page), 0);
	EXPECT_GT(size_of(tmpl, RUN "/dpdk-mpps.png"), 200);

	/* without a dpdk run: no section */
	ASSERT_EQ(sh("rm -rf %s/" RUN " && VHM_RESULTS=%s '%s/scripts/dashboard' > /dev/null 2>&1",
		     tmpl, tmpl, top), 0);
	EXPECT_EQ(sh("grep -q 'id=\"dpdk' %s", page), 1);
	EXPECT_EQ(sh("grep -q 'data-run=\"" RUN_B "\"' %s", page), 0);
	sh("rm -rf %s", tmpl);
}

/* A tree of the dpdk run alone: the page shows it rather than dying. */
TEST(dashboard_of_a_dpdk_run_alone)
{
	char tmpl[] = "/tmp/vhm-dpdka-XXXXXX", page[256];

	make_tree(_metadata, tmpl, 0);
	snprintf(page, sizeof(page), "%s/index.html", tmpl);
	ASSERT_EQ(sh("VHM_RESULTS=%s '%s/scripts/dashboard' > /dev/null 2>&1", tmpl, top), 0);
	EXPECT_EQ(sh("grep -q 'data-run=\"" RUN "\"' %s && grep -q 'id=\"dpdk-table\"' %s", page, page), 0);
	EXPECT_EQ(sh("grep -q 'not the latest run above' %s", page), 1);
	EXPECT_EQ(sh("grep -q 'id=\"latency-table\"' %s", page), 1);
	sh("rm -rf %s", tmpl);
}

TEST_HARNESS_MAIN
