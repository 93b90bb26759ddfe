// SPDX-License-Identifier: GPL-2.0
/*
 * Plots, metrics and the dashboard from saved runs (tests/fixtures/results,
 * copied from real runs), without the guest: scripts/plot, scripts/baseline,
 * scripts/dashboard, then the page rendered in headless Chromium.
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

#define RUN_A	"20261130T034634Z-vm-9ad6607"
#define RUN_B	"20261130T034942Z-vm-3858e11-dirty"

/* A results tree in a new temporary directory, from the fixtures. */
static void make_tree(struct __test_metadata *_metadata, char *tmpl)
{
	find_top();
	ASSERT_NE(mkdtemp(tmpl), NULL);
	ASSERT_EQ(sh("cp -r '%s/tests/fixtures/results/.' %s/", top, tmpl), 0);
}

#define RUN_V	"20261130T040000Z-vm-3858e11"

/*
 * RUN_B relabelled as a run on the virtual clock (icount shift 0), the
 * newest of the tree: its env and CSVs say so, its plots are drawn again.
 */
static void add_virtual_run(struct __test_metadata *_metadata, const char *tree,
			    const char *name)
{
	ASSERT_EQ(sh("cd %s && rm -rf %s && cp -r " RUN_B " %s && cd %s && "
		     "rm -f params.json metrics.prom *.png *.svg compare-baseline.json && "
		     "for f in latency.json throughput.json; do "
		     "jq '.env.clock = \"virtual\" | .env.icount_shift = 0 | .env.vcpus = 1' $f > $f.new && "
		     "mv $f.new $f; done && "
		     "for f in *.csv; do sed -i '1s/$/,clock/; 2,$s/$/,virtual/' $f; done",
		     tree, name, name, name), 0);
}

TEST(plot_from_a_saved_run)
{
	char tmpl[] = "/tmp/vhm-plot-XXXXXX", dir[256];
	static const char *const files[] = {
		"latency-hist.png", "latency-hist.svg", "latency-cdf.png", "latency-cdf.svg",
		"throughput-batch.png", "throughput-batch.svg", "bpf-latency.png",
		"bpf-latency.svg", "params.json", "metrics.prom",
	};

	make_tree(_metadata, tmpl);
	snprintf(dir, sizeof(dir), "%s/%s", tmpl, RUN_B);
	ASSERT_EQ(sh("'%s/scripts/plot' %s > /dev/null 2>&1", top, dir), 0);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		EXPECT_GT(size_of(dir, files[i]), 200);
		if (size_of(dir, files[i]) <= 200)
			fprintf(stderr, "# missing or empty: %s\n", files[i]);
	}
	/* PNG magic, SVG root, OpenMetrics end marker and families */
	EXPECT_EQ(sh("head -c 8 %s/latency-cdf.png | od -An -tx1 | grep -q '89 50 4e 47'", dir), 0);
	EXPECT_EQ(sh("grep -q '<svg' %s/latency-hist.svg", dir), 0);
	EXPECT_EQ(sh("tail -1 %s/metrics.prom | grep -qx '# EOF'", dir), 0);
	EXPECT_EQ(sh("grep -q '^vhm_latency_seconds{.*backend=\"vhost-mdev\",percentile=\"50\"} 0.000' %s/metrics.prom", dir), 0);
	EXPECT_EQ(sh("grep -q '^vhm_throughput_frames_per_second{.*batch=\"8\"' %s/metrics.prom", dir), 0);
	EXPECT_EQ(sh("jq -e '.layout_version == 1 and .latency.samples == 5000' %s/params.json > /dev/null", dir), 0);

	/* the real clock is a label of every sample */
	EXPECT_EQ(sh("grep -v '^#' %s/metrics.prom | grep -vq 'clock=\"real\"'", dir), 1);
	EXPECT_EQ(sh("grep -q 'round-trip latency (us, log scale)' %s/latency-hist.svg", dir), 0);

	/* no vhmlat data: no breakdown plot, and no error */
	snprintf(dir, sizeof(dir), "%s/%s", tmpl, RUN_A);
	ASSERT_EQ(sh("'%s/scripts/plot' %s > /dev/null 2>&1", top, dir), 0);
	EXPECT_EQ(size_of(dir, "bpf-latency.png"), -1);
	EXPECT_GT(size_of(dir, "latency-hist.png"), 200);
	sh("rm -rf %s", tmpl);
}

TEST(plot_labels_the_virtual_clock)
{
	char tmpl[] = "/tmp/vhm-plotv-XXXXXX", dir[256];

	make_tree(_metadata, tmpl);
	add_virtual_run(_metadata, tmpl, RUN_V);
	snprintf(dir, sizeof(dir), "%s/%s", tmpl, RUN_V);
	ASSERT_EQ(sh("'%s/scripts/plot' %s > /dev/null 2>&1", top, dir), 0);
	/* axes in guest time */
	EXPECT_EQ(sh("grep -q 'round-trip latency (virtual us, log scale)' %s/latency-hist.svg", dir), 0);
	EXPECT_EQ(sh("grep -q 'round-trip latency (virtual us, log scale)' %s/latency-cdf.svg", dir), 0);
	EXPECT_EQ(sh("grep -q 'thousand frames/virtual s' %s/throughput-batch.svg", dir), 0);
	EXPECT_EQ(sh("grep -q 'virtual clock (icount shift 0' %s/throughput-batch.svg", dir), 0);
	EXPECT_EQ(sh("grep -q 'time (virtual us)' %s/bpf-latency.svg", dir), 0);
	/* every sample says its clock, and the shift is exported */
	EXPECT_EQ(sh("grep -v '^#' %s/metrics.prom | grep -vq 'clock=\"virtual\"'", dir), 1);
	EXPECT_EQ(sh("grep -q '^vhm_run_icount_shift{.*clock=\"virtual\"} 0$' %s/metrics.prom", dir), 0);
	EXPECT_EQ(sh("grep -q '^vhm_latency_seconds{.*clock=\"virtual\",backend=\"vhost-mdev\",percentile=\"50\"} ' %s/metrics.prom", dir), 0);
	EXPECT_EQ(sh("jq -e '.env.clock == \"virtual\" and .env.icount_shift == 0' %s/params.json > /dev/null", dir), 0);
	sh("rm -rf %s", tmpl);
}

/*
 * The latest run on the virtual clock, the baseline on the real one: the
 * page says so instead of comparing, the units are virtual, the trend
 * leaves the real runs out. Then a virtual baseline: a verdict.
 */
TEST(dashboard_on_the_virtual_clock)
{
	char tmpl[] = "/tmp/vhm-dashv-XXXXXX", page[256];

	make_tree(_metadata, tmpl);
	snprintf(page, sizeof(page), "%s/index.html", tmpl);
	add_virtual_run(_metadata, tmpl, RUN_V);
	ASSERT_EQ(sh("VHM_RESULTS=%s '%s/scripts/baseline' " RUN_A " > /dev/null 2>&1", tmpl, top), 0);
	ASSERT_EQ(sh("VHM_RESULTS=%s '%s/scripts/dashboard' > /dev/null 2>&1", tmpl, top), 0);
	EXPECT_EQ(sh("grep -q 'data-run=\"" RUN_V "\"' %s", page), 0);
	EXPECT_EQ(sh("grep -q 'id=\"latest-clock\">virtual clock (icount shift 0)' %s", page), 0);
	EXPECT_EQ(sh("grep -q 'id=\"clock-note\"><b>Virtual time' %s", page), 0);
	EXPECT_EQ(sh("grep -q 'recorded on the real clock and the latest run on the virtual clock' %s && "
		     "grep -q 'make baseline RUN=" RUN_V "' %s", page, page), 0);
	EXPECT_EQ(sh("grep -q 'id=\"compare\"' %s", page), 1);
	EXPECT_EQ(size_of(tmpl, RUN_V "/compare-baseline.json"), -1);
	EXPECT_EQ(sh("grep -q '<th>p50 (virtual us)</th>' %s && grep -q '<th>frames/virtual s</th>' %s",
		     page, page), 0);
	/* the trend: the virtual run alone; every run in a table of its clock */
	EXPECT_EQ(sh("grep -q 'id=\"trend-note\">The trend plots show the 1 full run(s) on the virtual clock' %s",
		     page), 0);
	EXPECT_EQ(sh("grep -q 'round-trip latency (virtual us, log scale)' %s/trend-latency.svg", tmpl), 0);
	EXPECT_EQ(sh("grep -q '" RUN_A "' %s/trend-latency.svg", tmpl), 1);
	/* RUN_A is a quick run (-n 500 -w 50), RUN_B a full one: two tables */
	EXPECT_EQ(sh("grep -q 'id=\"runs\"' %s && grep -q 'id=\"runs-real-full\"' %s && "
		     "grep -q 'id=\"runs-real-quick\"' %s", page, page, page), 0);

	/* a baseline on the same clock: a verdict from one run a side */
	add_virtual_run(_metadata, tmpl, "20261130T030000Z-vm-3858e11");
	ASSERT_EQ(sh("VHM_RESULTS=%s '%s/scripts/baseline' 20261130T030000Z-vm-3858e11 > /dev/null 2>&1",
		     tmpl, top), 0);
	ASSERT_EQ(sh("VHM_RESULTS=%s '%s/scripts/dashboard' > /dev/null 2>&1", tmpl, top), 0);
	EXPECT_EQ(sh("grep -q 'id=\"compare\"' %s && grep -q 'metrics on the virtual clock (icount shift 0)' %s",
		     page, page), 0);
	EXPECT_EQ(sh("grep -q '<td>virtual us</td>' %s", page), 0);
	EXPECT_EQ(sh("grep -q 'id=\"verdict\">0 regression(s), 0 improvement(s)' %s", page), 0);
	EXPECT_EQ(sh("grep -q 'The trend plots show the 2 full run(s)' %s", page), 0);

	/* a quick run on the same clock stays out of the full runs' trend */
	add_virtual_run(_metadata, tmpl, "20261130T020000Z-vm-quick");
	ASSERT_EQ(sh("cd %s/20261130T020000Z-vm-quick && for f in latency.json throughput.json; do "
		     "jq '.env.mode = \"quick\"' $f > $f.new && mv $f.new $f; done", tmpl), 0);
	ASSERT_EQ(sh("VHM_RESULTS=%s '%s/scripts/dashboard' > /dev/null 2>&1", tmpl, top), 0);
	EXPECT_EQ(sh("grep -q 'The trend plots show the 2 full run(s)' %s", page), 0);
	EXPECT_EQ(sh("grep -q '20261130T020000Z-vm-quick' %s/trend-latency.svg", tmpl), 1);
	EXPECT_EQ(sh("grep -q 'id=\"runs-virtual-quick\"' %s", page), 0);
	EXPECT_EQ(sh("jq -e '.mode == \"quick\"' %s/20261130T020000Z-vm-quick/params.json > /dev/null",
		     tmpl), 0);
	EXPECT_EQ(sh("grep -v '^#' %s/20261130T020000Z-vm-quick/metrics.prom | grep -vq 'mode=\"quick\"'",
		     tmpl), 1);
	/* the repetitions' spread as min - max, never a t interval */
	EXPECT_EQ(sh("grep -Eq '<td>[0-9.]+ - [0-9.]+</td>' %s", page), 0);
	EXPECT_EQ(sh("grep -q 'plusmn' %s", page), 1);
	sh("rm -rf %s", tmpl);
}

TEST(dashboard_renders_in_chromium)
{
	char tmpl[] = "/tmp/vhm-dash-XXXXXX", prof[] = "/tmp/vhm-chromium-XXXXXX", latest[256];

	if (sh("command -v chromium > /dev/null"))
		SKIP(return, "chromium is not installed (make deps)");
	make_tree(_metadata, tmpl);
	snprintf(latest, sizeof(latest), "%s/%s", tmpl, RUN_B);
	ASSERT_EQ(sh("VHM_RESULTS=%s '%s/scripts/baseline' " RUN_A " > /dev/null 2>&1", tmpl, top), 0);
	EXPECT_EQ(sh("grep -qx " RUN_A " %s/baseline/SOURCE", tmpl), 0);
	ASSERT_EQ(sh("VHM_RESULTS=%s '%s/scripts/dashboard' --screenshot > /dev/null 2>&1", tmpl, top), 0);
	EXPECT_GT(size_of(tmpl, "index.html"), 1000);
	EXPECT_GT(size_of(tmpl, "trend-latency.png"), 200);
	EXPECT_GT(size_of(latest, "compare-baseline.json"), 100);
	/* the screenshot is kept with the run */
	EXPECT_GT(size_of(latest, "dashboard.png"), 10000);

	ASSERT_NE(mkdtemp(prof), NULL);
	EXPECT_EQ(sh("timeout 120 chromium --headless --no-sandbox --disable-gpu "
		     "--disable-background-networking --disable-component-update --disable-sync "
		     "--no-first-run --user-data-dir=%s --dump-dom file://%s/index.html "
		     "> %s/dom.html 2>/dev/null", prof, tmpl, tmpl), 0);
	/* loaded: the page's script ran after every image had loaded */
	EXPECT_EQ(sh("grep -q 'data-plots-total=\"[1-9]' %s/dom.html", tmpl), 0);
	EXPECT_EQ(sh("n=$(grep -o 'data-plots-loaded=\"[0-9]*\"' %s/dom.html | tr -dc 0-9); "
		     "t=$(grep -o 'data-plots-total=\"[0-9]*\"' %s/dom.html | tr -dc 0-9); "
		     "[ -n \"$n\" ] && [ \"$n\" = \"$t\" ] && [ \"$n\" -ge 6 ]", tmpl, tmpl), 0);
	EXPECT_EQ(sh("grep -q 'id=\"latency-table\"' %s/dom.html && grep -q '<td class=\"l\">vhost-mdev</td>' %s/dom.html",
		     tmpl, tmpl), 0);
	EXPECT_EQ(sh("grep -q 'id=\"compare\"' %s/dom.html && grep -q 'id=\"runs\"' %s/dom.html", tmpl, tmpl), 0);
	EXPECT_EQ(sh("grep -q 'img class=\"plot\" src=\"" RUN_B "/latency-cdf.png\"' %s/dom.html", tmpl), 0);
	sh("rm -rf %s %s", tmpl, prof);
}

TEST_HARNESS_MAIN
