// SPDX-License-Identifier: GPL-2.0
/*
 * The harness must report what it is told: run helpers/harness_inner, whose
 * tests pass, fail, skip, crash and hang on purpose, and check its TAP.
 */
#include "harness.h"

static char *run_inner(const char *test)
{
	static char buf[8192];
	char self[400], cmd[1024];
	ssize_t len;
	size_t n;
	FILE *p;

	/* The helper is built beside this binary's folder. */
	len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (len < 0)
		return NULL;
	self[len] = 0;
	*strrchr(self, '/') = 0;
	snprintf(cmd, sizeof(cmd), "HARNESS_TIMEOUT=1 %s/helpers/harness_inner %s 2>&1",
		 self, test);
	p = popen(cmd, "r");
	if (!p)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, p);
	buf[n] = 0;
	pclose(p);
	return buf;
}

#define EXPECT_INNER(test, line)					\
	do {								\
		char *out = run_inner(test);				\
		ASSERT_NE(out, NULL);					\
		if (!strstr(out, line))					\
			FAIL("%s: no \"%s\" in:\n%s", test, line, out);	\
	} while (0)

TEST(reports_pass)
{
	EXPECT_INNER("inner_pass", "ok 1 inner_pass\n");
}

TEST(reports_failed_expect)
{
	EXPECT_INNER("inner_fail", "not ok 1 inner_fail\n");
	EXPECT_INNER("inner_fail", "expected 1 (1) == 2 (2)");
}

TEST(reports_skip_with_reason)
{
	EXPECT_INNER("inner_skip", "ok 1 inner_skip # SKIP skipped on purpose\n");
}

TEST(survives_a_crash)
{
	EXPECT_INNER("inner_crash inner_pass", "ok 1 inner_pass\n");
	EXPECT_INNER("inner_crash inner_pass", "not ok 2 inner_crash\n");
	EXPECT_INNER("inner_crash", "killed by Segmentation fault");
}

TEST(times_out_a_hang)
{
	EXPECT_INNER("inner_hang", "not ok 1 inner_hang\n");
	EXPECT_INNER("inner_hang", "(timeout)");
}

TEST(checks_errno)
{
	EXPECT_INNER("inner_errno", "not ok 1 inner_errno\n");
	EXPECT_INNER("inner_errno", "to fail with Invalid argument");
}

TEST(fixture_teardown_after_failed_assert)
{
	EXPECT_INNER("counter.inner_fixture_fail", "not ok 1 counter.inner_fixture_fail\n");
	EXPECT_INNER("counter.inner_fixture_fail", "# teardown saw 42\n");
}

TEST_HARNESS_MAIN
