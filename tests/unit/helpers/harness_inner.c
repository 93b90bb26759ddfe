// SPDX-License-Identifier: GPL-2.0
/*
 * Tests that pass, fail, skip, crash and hang on purpose, for
 * tests/unit/harness_selftest.c to run and check the TAP they produce.
 */
#include "harness.h"

TEST(inner_pass)
{
	ASSERT_EQ(2 + 2, 4);
}

TEST(inner_fail)
{
	EXPECT_EQ(1, 2);
}

TEST(inner_skip)
{
	SKIP(return, "skipped on purpose");
}

TEST(inner_crash)
{
	raise(SIGSEGV);
}

TEST(inner_hang)
{
	pause();
}

TEST(inner_errno)
{
	ASSERT_ERRNO(close(-1), EBADF);
	ASSERT_ERRNO(close(-1), EINVAL);
}

FIXTURE(counter) {
	int value;
};

FIXTURE_SETUP(counter)
{
	self->value = 41;
}

FIXTURE_TEARDOWN(counter)
{
	/* Reached even after a failed ASSERT in the body. */
	printf("# teardown saw %d\n", self->value);
}

TEST_F(counter, inner_fixture_fail)
{
	self->value++;
	ASSERT_EQ(self->value, 0);
}

TEST_HARNESS_MAIN
