// SPDX-License-Identifier: GPL-2.0
/*
 * mt_fail: test payload whose init fails with -ENODEV, so loaders see the
 * init function's error returned by init_module(2) and finit_module(2).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/errno.h>
#include <linux/module.h>
#include <linux/printk.h>

static int __init mt_fail_init(void)
{
	pr_info("init failing with -ENODEV\n");
	return -ENODEV;
}

module_init(mt_fail_init);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("modtrace test payload: init fails with -ENODEV");
MODULE_VERSION("1.0");
