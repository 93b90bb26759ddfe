// SPDX-License-Identifier: GPL-2.0
/*
 * Test helper for the guest harness: loading it with warn=1 raises a kernel
 * WARNING on purpose, so the suite can prove that its dmesg guard fails the
 * run; spin=<seconds> spins that long at load with preemption off, a soft
 * lockup, and block=<seconds> sleeps that long uninterruptibly, a hung task:
 * reports the runner's console watch must catch; leak=1 allocates 64 bytes
 * at load and forgets them, a leak the suite's kmemleak check must report.
 * Loaded plainly it does nothing and checks that module BTF is present.
 */
#include <linux/module.h>
#include <linux/bug.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/preempt.h>
#include <linux/slab.h>
#include <asm/processor.h>

static bool vhm_selftest_warn;
module_param_named(warn, vhm_selftest_warn, bool, 0444);
MODULE_PARM_DESC(warn, "Raise a WARNING at load (default: false)");

static unsigned int vhm_selftest_spin;
module_param_named(spin, vhm_selftest_spin, uint, 0444);
MODULE_PARM_DESC(spin, "Spin this many seconds at load, preemption off (default: 0)");

static unsigned int vhm_selftest_block;
module_param_named(block, vhm_selftest_block, uint, 0444);
MODULE_PARM_DESC(block, "Sleep this many seconds at load, uninterruptibly (default: 0)");

static bool vhm_selftest_leak;
module_param_named(leak, vhm_selftest_leak, bool, 0444);
MODULE_PARM_DESC(leak, "Leak 64 bytes at load (default: false)");

/* A type only this module defines, for the module BTF check. */
struct vhm_selftest_marker {
	u64 magic;
};

static struct vhm_selftest_marker vhm_selftest_marker = { .magic = 0x76686d };

/* Hold this CPU: interrupts stay on, the watchdog's thread never runs. */
static void vhm_selftest_spin_cpu(unsigned int secs)
{
	unsigned long end = jiffies + secs * HZ;

	pr_warn("vhm_selftest: spinning %u s with preemption off\n", secs);
	preempt_disable();
	while (time_before(jiffies, end))
		cpu_relax();
	preempt_enable();
}

static int __init vhm_selftest_init(void)
{
	WARN(vhm_selftest_warn, "vhm_selftest: warning raised on request\n");
	if (vhm_selftest_spin)
		vhm_selftest_spin_cpu(vhm_selftest_spin);
	if (vhm_selftest_block) {
		pr_warn("vhm_selftest: sleeping %u s uninterruptibly\n", vhm_selftest_block);
		msleep(vhm_selftest_block * MSEC_PER_SEC);
	}
	if (vhm_selftest_leak) {
		void *p = kmalloc(64, GFP_KERNEL);

		/* Used as far as the compiler knows; kept nowhere. */
		OPTIMIZER_HIDE_VAR(p);
		pr_warn("vhm_selftest: leaked 64 bytes\n");
	}
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
