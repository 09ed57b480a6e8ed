// SPDX-License-Identifier: GPL-2.0
/*
 * A test payload whose name is as long as a module name can be: 55 bytes,
 * MODULE_NAME_LEN less its NUL. It loads and unloads and does nothing else.
 */

#include <linux/init.h>
#include <linux/module.h>

static int __init mt_long_name_init(void)
{
	return 0;
}

static void __exit mt_long_name_exit(void)
{
}

module_init(mt_long_name_init);
module_exit(mt_long_name_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("modtrace test payload: a 55-byte module name");
MODULE_VERSION("1.0");
