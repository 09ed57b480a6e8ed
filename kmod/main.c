// SPDX-License-Identifier: GPL-2.0
/*
 * modtrace: records every attempt to load or unload a kernel module
 * (init_module, finit_module, delete_module and the obsolete module
 * syscalls) with who made it and what the kernel did with it, and streams
 * the records to readers over generic netlink. See modtrace.yaml for the
 * protocol (uapi/modtrace.h is generated from it).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/random.h>
#include <linux/string.h>

#include "modtrace.h"

unsigned int modtrace_buffer_records = 4096;
module_param_named(buffer_records, modtrace_buffer_records, uint, 0444);
MODULE_PARM_DESC(buffer_records,
		 "records the buffer between probes and readers holds (16-65536, default 4096)");

unsigned int modtrace_reserved_records = 64;
module_param_named(reserved_records, modtrace_reserved_records, uint, 0444);
MODULE_PARM_DESC(reserved_records,
		 "of those, kept for the records of module loads (at most half, default 64)");

unsigned int modtrace_history_records = 2048;
module_param_named(history_records, modtrace_history_records, uint, 0444);
MODULE_PARM_DESC(history_records,
		 "records kept after they were sent, for readers that ask for them later (0-65536, default 2048)");

unsigned int modtrace_string_max = 1024;
module_param_named(string_max, modtrace_string_max, uint, 0444);
MODULE_PARM_DESC(string_max,
		 "bytes kept of each parameter string and path (64-16384, default 1024)");

unsigned long modtrace_capture_max_bytes;
module_param_named(capture_max_bytes, modtrace_capture_max_bytes, ulong, 0644);
MODULE_PARM_DESC(capture_max_bytes,
		 "bytes of loaded images held at once for readers that capture them (0: off, the default)");

u64 modtrace_instance;

/*
 * locked: while 1, modtrace holds a reference on itself, so delete_module()
 * refuses to unload it (EWOULDBLOCK, "in use") until reboot. Settable at load
 * and once at run time, from 0 to 1 only. The reference is taken when the
 * module is live: by init for a value given at load, else by the write.
 */
static bool mt_locked;
static bool mt_live;		/* init has finished */
static DEFINE_MUTEX(mt_lock_mutex);	/* guards mt_locked, mt_live */

static int mt_set_locked(const char *val, const struct kernel_param *kp)
{
	bool on;
	int err = kstrtobool(val, &on);

	if (err)
		return err;
	mutex_lock(&mt_lock_mutex);
	if (mt_locked && !on) {
		err = -EPERM;
	} else if (on && !mt_locked) {
		if (mt_live)
			__module_get(THIS_MODULE);
		mt_locked = true;
	}
	mutex_unlock(&mt_lock_mutex);
	return err;
}

static int mt_get_locked(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%d\n", modtrace_is_locked());
}

static const struct kernel_param_ops mt_locked_ops = {
	.set = mt_set_locked,
	.get = mt_get_locked,
};

module_param_cb(locked, &mt_locked_ops, NULL, 0644);
MODULE_PARM_DESC(locked,
		 "1: modtrace cannot be unloaded until reboot; can be set from 0 to 1, never back (default 0)");

bool modtrace_is_locked(void)
{
	bool locked;

	mutex_lock(&mt_lock_mutex);
	locked = mt_locked;
	mutex_unlock(&mt_lock_mutex);
	return locked;
}

static int __init mt_check_params(void)
{
	if (modtrace_buffer_records < 16 || modtrace_buffer_records > 65536) {
		pr_err("buffer_records=%u: must be 16-65536\n",
		       modtrace_buffer_records);
		return -EINVAL;
	}
	if (modtrace_reserved_records > modtrace_buffer_records / 2) {
		pr_err("reserved_records=%u: must be at most buffer_records/2\n",
		       modtrace_reserved_records);
		return -EINVAL;
	}
	if (modtrace_history_records > 65536) {
		pr_err("history_records=%u: must be 0-65536\n",
		       modtrace_history_records);
		return -EINVAL;
	}
	if (modtrace_string_max < 64 || modtrace_string_max > 16384) {
		pr_err("string_max=%u: must be 64-16384\n", modtrace_string_max);
		return -EINVAL;
	}
	return 0;
}

static int __init modtrace_init(void)
{
	int err;

	err = mt_check_params();
	if (err)
		return err;
	modtrace_instance = get_random_u64();
	err = modtrace_ring_init();
	if (err)
		return err;
	err = modtrace_history_init();
	if (err)
		goto free_ring;
	err = modtrace_hidden_init();
	if (err)
		goto free_history;
	err = modtrace_netlink_init();
	if (err)
		goto exit_hidden;
	err = modtrace_probes_register();
	if (err)
		goto stop_netlink;
	err = modtrace_netlink_register();
	if (err)
		goto unregister_probes;
	mutex_lock(&mt_lock_mutex);
	mt_live = true;
	if (mt_locked)
		__module_get(THIS_MODULE);
	mutex_unlock(&mt_lock_mutex);
	pr_info("loaded, protocol %d%s\n", MODTRACE_GENL_VERSION,
		mt_locked ? ", locked" : "");
	return 0;

unregister_probes:
	modtrace_probes_unregister();
stop_netlink:
	modtrace_netlink_stop();
	modtrace_netlink_exit();
exit_hidden:
	modtrace_hidden_exit();
free_history:
	modtrace_history_free();
free_ring:
	modtrace_ring_free();
	return err;
}

/*
 * Reached from a delete_module() of modtrace: normally only when it is
 * unlocked, or forced (O_TRUNC, CONFIG_MODULE_FORCE_UNLOAD) whatever the
 * lock. That call's return record goes out before the shutdown notice.
 */
static void __exit modtrace_exit(void)
{
	modtrace_probes_unregister();
	modtrace_probes_self_exit();
	modtrace_netlink_stop();
	modtrace_netlink_exit();
	modtrace_hidden_exit();
	modtrace_history_free();
	modtrace_ring_free();
	pr_info("unloaded\n");
}

module_init(modtrace_init);
module_exit(modtrace_exit);

MODULE_DESCRIPTION("Records every kernel module load attempt and streams it over generic netlink");
MODULE_AUTHOR("The modtrace authors");
MODULE_LICENSE("GPL");
MODULE_VERSION(MODTRACE_VERSION);
