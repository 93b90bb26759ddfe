// SPDX-License-Identifier: GPL-2.0
/*
 * Test helper for the guest harness: loading it with warn=1 raises a kernel
 * WARNING on purpose, so the suite can prove that its dmesg guard fails the
 * run. Loaded plainly it does nothing and checks that module BTF is present.
 */
#include <linux/module.h>
#include <linux/bug.h>

static bool vhm_selftest_warn;
module_param_named(warn, vhm_selftest_warn, bool, 0444);
MODULE_PARM_DESC(warn, "Raise a WARNING at load (default: false)");

/* A type only this module defines, for the module BTF check. */
struct vhm_selftest_marker {
	u64 magic;
};

static struct vhm_selftest_marker vhm_selftest_marker = { .magic = 0x76686d };

static int __init vhm_selftest_init(void)
{
	WARN(vhm_selftest_warn, "vhm_selftest: warning raised on request\n");
	pr_debug("vhm_selftest: marker %llx\n", vhm_selftest_marker.magic);
	return 0;
}

static void __exit vhm_selftest_exit(void)
{
}

module_init(vhm_selftest_init);
module_exit(vhm_selftest_exit);
MODULE_DESCRIPTION("vhost-mdev test harness helper");
MODULE_LICENSE("GPL");
