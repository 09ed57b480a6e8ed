// SPDX-License-Identifier: GPL-2.0
/*
 * mt_clean: test payload that loads and unloads cleanly, taking int, bool,
 * string and array parameters so loaders can check how a parameter string
 * reaches the module (/sys/module/mt_clean/parameters and the init log line).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>

#define MT_CLEAN_MAX_VALUES 4

static int count = 1;
module_param(count, int, 0444);
MODULE_PARM_DESC(count, "An int (default 1)");

static bool verbose;
module_param(verbose, bool, 0444);
MODULE_PARM_DESC(verbose, "A bool (default false)");

static char *label = "none";
module_param(label, charp, 0444);
MODULE_PARM_DESC(label, "A string (default \"none\")");

static int values[MT_CLEAN_MAX_VALUES];
static unsigned int nvalues;
module_param_array(values, int, &nvalues, 0444);
MODULE_PARM_DESC(values, "Up to 4 ints, comma-separated (default empty)");

static int __init mt_clean_init(void)
{
	/* Room for MT_CLEAN_MAX_VALUES ints of up to 11 chars, plus commas. */
	char list[MT_CLEAN_MAX_VALUES * 12 + 1] = "";
	size_t len = 0;
	unsigned int i;

	for (i = 0; i < nvalues; i++)
		len += scnprintf(list + len, sizeof(list) - len, "%s%d",
				 i ? "," : "", values[i]);

	pr_info("loaded count=%d verbose=%d label=%s values=%s (%u)\n",
		count, verbose, label, list, nvalues);
	return 0;
}

static void __exit mt_clean_exit(void)
{
	pr_info("unloaded\n");
}

module_init(mt_clean_init);
module_exit(mt_clean_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("modtrace test payload: clean load with parameters");
MODULE_VERSION("1.0");
