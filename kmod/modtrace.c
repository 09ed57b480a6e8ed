// SPDX-License-Identifier: GPL-2.0
/*
 * modtrace: records every attempt to load a kernel module. This is the
 * skeleton the lab builds and boots; the probes come next.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>

static int __init modtrace_init(void)
{
	pr_info("loaded\n");
	return 0;
}

static void __exit modtrace_exit(void)
{
	pr_info("unloaded\n");
}

module_init(modtrace_init);
module_exit(modtrace_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Record every kernel module load attempt");
