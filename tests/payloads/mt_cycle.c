// SPDX-License-Identifier: GPL-2.0
/*
 * mt_cycle: the payload of the concurrency scenario, built 32 times as
 * mt_cycle_00 ... mt_cycle_31 (see Kbuild) so that each loader thread has a
 * module of its own. It takes the loader's round as a parameter, which the
 * scenario finds again in the kernel's copy of the parameters.
 */

#include <linux/module.h>
#include <linux/moduleparam.h>

static unsigned int round;
module_param(round, uint, 0444);
MODULE_PARM_DESC(round, "The loader's round number");

static int __init mt_cycle_init(void)
{
	return 0;
}

static void __exit mt_cycle_exit(void)
{
}

module_init(mt_cycle_init);
module_exit(mt_cycle_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("modtrace test payload: one of 32 for concurrent loads");
MODULE_VERSION("1.0");
