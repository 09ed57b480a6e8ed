// SPDX-License-Identifier: GPL-2.0
/*
 * mthide_sysfs: test payload that removes its /sys/module directory in its
 * init (kobject_del(&THIS_MODULE->mkobj.kobj)), as rootkits do. It has no
 * exit, so it is never unloaded (which would tear down sysfs entries that
 * are gone); a lab boot loads it once.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kobject.h>
#include <linux/module.h>
#include <linux/printk.h>

static int __init mthide_sysfs_init(void)
{
	kobject_del(&THIS_MODULE->mkobj.kobj);
	pr_info("removed from sysfs\n");
	return 0;
}

module_init(mthide_sysfs_init);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("modtrace test payload: hides from sysfs");
MODULE_VERSION("1.0");
