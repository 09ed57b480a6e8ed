// SPDX-License-Identifier: GPL-2.0
/*
 * mthide_later: test payload that loads as any module does and unlinks
 * itself from the kernel's module list (list_del(&THIS_MODULE->list), as
 * mthide_list does in its init) one second after its init, from a delayed
 * work: what a rootkit does to pass a check made as it loads. It has no
 * exit, so it is never unloaded (delete_module() could not find it once it
 * is off the list anyway); a lab boot loads it once.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jiffies.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/printk.h>
#include <linux/workqueue.h>

static void mthide_later_fn(struct work_struct *work)
{
	list_del(&THIS_MODULE->list);
	pr_info("unlinked from the module list\n");
}

static DECLARE_DELAYED_WORK(mthide_later_work, mthide_later_fn);

static int __init mthide_later_init(void)
{
	schedule_delayed_work(&mthide_later_work, HZ);
	return 0;
}

module_init(mthide_later_init);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("modtrace test payload: hides from the module list a second after its load");
MODULE_VERSION("1.0");
