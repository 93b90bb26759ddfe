// SPDX-License-Identifier: GPL-2.0
/*
 * bench/fio/summarize.py on real fio output: fio's three latencies with
 * their percentiles per job, bandwidth with the block size, repetitions
 * merged (histograms added up, rates pooled). fio runs here on a file.
 */
#include "harness.h"
#include "script_test.h"


/* The lat job's options with a plain file and a synchronous engine. */
static int run_fio(const char *dir, const char *name)
{
	return sh("cd %s && fio --name=lat --filename=%s/disk --size=4M --rw=randread "
		  "--bs=4k --iodepth=1 --ioengine=psync --time_based --runtime=200ms "
		  "--lat_percentiles=1 --slat_percentiles=1 --clat_percentiles=1 "
		  "--percentile_list=50:99:99.9 --output-format=json+ --output=%s "
		  "> /dev/null 2>&1", dir, dir, name);
}

TEST(fio_latencies_bandwidth_and_repetitions)
{
	char tmpl[] = "/tmp/vhm-fio-XXXXXX";
	if (sh("command -v fio > /dev/null"))
		SKIP(return, "fio is not installed (make deps)");
	find_top();
	ASSERT_NE(top[0], 0);
	ASSERT_NE(mkdtemp(tmpl), NULL);
	ASSERT_EQ(run_fio(tmpl, "lat-kernel-libaio-r1.json"), 0);
	ASSERT_EQ(run_fio(tmpl, "lat-kernel-libaio-r2.json"), 0);
	ASSERT_EQ(sh("cd %s && cp lat-kernel-libaio-r1.json lat-user.json && "
		     "python3 '%s/bench/fio/summarize.py' one.json id c 0.2 1 lat-user.json > one.txt && "
		     "python3 '%s/bench/fio/summarize.py' two.json id c 0.2 1 "
		     "lat-kernel-libaio-r1.json lat-kernel-libaio-r2.json > two.txt",
		     tmpl, top, top), 0);

	/* one repetition: fio's own percentiles, for all three latencies */
	EXPECT_EQ(sh("cd %s && jq -e --slurpfile raw lat-user.json '.results[0].read as $s | "
		     "$raw[0].jobs[0].read as $f | $s.lat_ns.p50 == $f.lat_ns.percentile[\"50.000000\"] and "
		     "$s.clat_ns.p99 == $f.clat_ns.percentile[\"99.000000\"] and "
		     "$s.slat_ns.p999 == $f.slat_ns.percentile[\"99.900000\"] and "
		     "$s.lat_ns.p50 >= $s.clat_ns.p50' one.json > /dev/null", tmpl), 0);
	/* the block size beside the bandwidth */
	EXPECT_EQ(sh("cd %s && jq -e '.results[0] | .bs == \"4k\" and .read.bs_bytes == 4096 and "
		     ".read.bw_bytes > 0' one.json > /dev/null", tmpl), 0);
	/* two repetitions: one result, its I/Os the sum, both listed */
	EXPECT_EQ(sh("cd %s && jq -e --slurpfile a lat-kernel-libaio-r1.json "
		     "--slurpfile b lat-kernel-libaio-r2.json '(.results | length) == 1 and "
		     ".results[0].repetitions == 2 and (.results[0].read.repetitions | length) == 2 and "
		     ".results[0].read.ios == ($a[0].jobs[0].read.total_ios + $b[0].jobs[0].read.total_ios) and "
		     ".params.repetitions == 2' two.json > /dev/null", tmpl), 0);
	/* the table names every latency and says what they are */
	EXPECT_EQ(sh("grep -q 'lat p50.*clat p50.*slat p50' %s/two.txt && "
		     "grep -q 'lat = slat + clat' %s/two.txt && grep -q '^lat .* 4k read' %s/two.txt",
		     tmpl, tmpl, tmpl), 0);
	/*
	 * make compare takes fio's IOPS and total latency, per repetition,
	 * when asked: they are not deterministic, even on the virtual clock
	 */
	EXPECT_EQ(sh("cd %s && mkdir a b && cp two.json a/fio.json && cp two.json b/fio.json && "
		     "\"${OUT:-%s/.output}/tools/vhm-compare\" a b > /dev/null 2>&1", tmpl, top), 2);
	EXPECT_EQ(sh("cd %s && "
		     "\"${OUT:-%s/.output}/tools/vhm-compare\" -m 'fio.*' -j c.json a b > /dev/null 2>&1 && "
		     "jq -e '[.metrics[] | select(.n_base == 2) | .key] | "
		     "index(\"fio.lat.kernel-libaio.read.iops\") != null and "
		     "index(\"fio.lat.kernel-libaio.read.lat_p99\") != null' c.json > /dev/null",
		     tmpl, top), 0);
	sh("rm -rf %s", tmpl);
}

TEST_HARNESS_MAIN
