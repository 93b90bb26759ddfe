// SPDX-License-Identifier: GPL-2.0
/*
 * scripts/dmesg-guard against kernel log text: real splats fail it, the
 * ordinary noise of loading an out-of-tree module does not.
 */
#include "harness.h"

static int guard(const char *log)
{
	char path[] = "/tmp/vhm-dmesg-XXXXXX";
	char cmd[512];
	int fd, status;

	fd = mkstemp(path);
	if (fd < 0 || write(fd, log, strlen(log)) != (ssize_t)strlen(log))
		return -1;
	close(fd);
	snprintf(cmd, sizeof(cmd), "scripts/dmesg-guard < %s > /dev/null", path);
	status = system(cmd);
	unlink(path);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(clean_log_passes)
{
	ASSERT_EQ(guard("[    4.2] vhm_selftest: loading out-of-tree module taints kernel.\n"
			"[    4.3] vhm_selftest: module verification failed: signature and/or required key missing - tainting kernel\n"
			"[    5.0] vfio_mdev: registered\n"), 0);
}

TEST(warning_fails)
{
	ASSERT_EQ(guard("[    4.5] WARNING: CPU: 1 PID: 135 at kernel/foo.c:23 foo+0x1a/0x100\n"), 1);
}

TEST(bug_and_oops_fail)
{
	ASSERT_EQ(guard("[ 9.1] BUG: kernel NULL pointer dereference, address: 0000000000000008\n"), 1);
	ASSERT_EQ(guard("[ 9.2] Oops: 0000 [#1] PREEMPT SMP NOPTI\n"), 1);
	ASSERT_EQ(guard("[ 9.3] general protection fault, probably for non-canonical address\n"), 1);
}

TEST(refcount_and_lockdep_fail)
{
	ASSERT_EQ(guard("[ 3.3] refcount_t: underflow; use-after-free.\n"), 1);
	ASSERT_EQ(guard("[ 3.4] WARNING: possible circular locking dependency detected\n"), 1);
	ASSERT_EQ(guard("[ 3.5] INFO: task kworker/0:1:12 blocked for more than 120 seconds.\n"), 1);
}

TEST_HARNESS_MAIN
