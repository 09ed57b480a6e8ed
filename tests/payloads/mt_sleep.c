// SPDX-License-Identifier: GPL-2.0
/*
 * mt_sleep: test payload whose init sleeps for delay_ms milliseconds, keeping
 * the module in MODULE_STATE_COMING long enough to race other loads and
 * unloads against it.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/moduleparam.h>

static unsigned int delay_ms = 1000;
module_param(delay_ms, uint, 0444);
MODULE_PARM_DESC(delay_ms, "How long init sleeps, in ms (default 1000)");

static int __init mt_sleep_init(void)
{
	ktime_t start = ktime_get();

	pr_info("init sleeping %u ms\n", delay_ms);
	msleep(delay_ms);
	pr_info("init done after %lld ms\n",
		ktime_ms_delta(ktime_get(), start));
	return 0;
}

static void __exit mt_sleep_exit(void)
{
	pr_info("unloaded\n");
}

module_init(mt_sleep_init);
module_exit(mt_sleep_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("modtrace test payload: init sleeps delay_ms");
MODULE_VERSION("1.0");
