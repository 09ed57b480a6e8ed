/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernels modtrace runs on (Debian's 6.1 and 6.12,
 * generic, cloud and PREEMPT_RT), each next to the kernel change behind it.
 * Detected by configuration or feature where the headers allow, by version
 * where they do not.
 */
#ifndef _MODTRACE_COMPAT_H
#define _MODTRACE_COMPAT_H

#include <linux/cgroup.h>
#include <linux/module.h>
#include <linux/ns_common.h>
#include <linux/nsproxy.h>

#ifdef CONFIG_X86
#include <asm/compat.h>
#include <asm/syscall.h>
#endif

#include "uapi/modtrace.h"

/*
 * Oldest kernel supported: 6.1, which brought the generic netlink
 * reserved-header validation this family relies on (resv_start_op,
 * "genetlink: start to validate reserved header bytes"); older kernels fail
 * to build on that field.
 */

/*
 * The start of the kernel's struct load_info (kernel/module/internal.h,
 * not in the headers), the same on 6.1 and 6.12: load_module()'s first
 * argument, read by the load_module probe (image.c).
 */
struct mt_load_info_head {
	const char *name;
	struct module *mod;
	void *hdr;		/* Elf_Ehdr * */
	unsigned long len;
};

#ifndef CONFIG_KRETPROBES
#error "modtrace needs CONFIG_KRETPROBES"
#endif

/*
 * Module memory sizes. 6.4 replaced struct module's core_layout/init_layout
 * by mem[MOD_MEM_NUM_TYPES] ("module: replace module_layout with
 * module_memory", 6.4), and added for_each_mod_mem_type() with it. Text
 * counts core and init text, as the kernel's own CONFIG_MODULE_STATS does
 * in do_init_module() on 6.12; total counts every region.
 */
static inline void mt_module_sizes(const struct module *mod, u64 *text,
				   u64 *total)
{
#ifdef for_each_mod_mem_type
	int type;

	*text = mod->mem[MOD_TEXT].size + mod->mem[MOD_INIT_TEXT].size;
	*total = 0;
	for (type = 0; type < MOD_MEM_NUM_TYPES; type++)
		*total += mod->mem[type].size;
#else
	/*
	 * x86 does not select ARCH_WANTS_MODULES_DATA_IN_VMALLOC, so data
	 * lives in core_layout there.
	 */
	*text = mod->core_layout.text_size + mod->init_layout.text_size;
	*total = mod->core_layout.size + mod->init_layout.size;
#ifdef CONFIG_ARCH_WANTS_MODULES_DATA_IN_VMALLOC
	*total += mod->data_layout.size;
#endif
#endif
}

/* Signature verdict: struct module has sig_ok only with CONFIG_MODULE_SIG. */
static inline bool mt_module_sig_ok(const struct module *mod, bool *known)
{
#ifdef CONFIG_MODULE_SIG
	*known = true;
	return mod->sig_ok;
#else
	*known = false;
	return false;
#endif
}

/*
 * Mount namespace inode number. struct mnt_namespace is private to fs/
 * (fs/mount.h) and the exported accessor (mntns_operations.get) takes
 * task_lock(), a sleeping lock on PREEMPT_RT. struct ns_common is its first
 * member in 6.1 and 6.12 (checked in their fs/mount.h); recheck on a new
 * series.
 */
struct mt_mnt_namespace_head {
	struct ns_common ns;
};

static inline u32 mt_mntns_inum(const struct task_struct *task)
{
	const struct nsproxy *nsp = task->nsproxy;

	if (!nsp || !nsp->mnt_ns)
		return 0;
	return ((const struct mt_mnt_namespace_head *)nsp->mnt_ns)->ns.inum;
}

/*
 * cgroup v2 id of a task, as bpf_get_current_cgroup_id() computes it. The
 * caller holds rcu_read_lock(): task_dfl_cgroup() reads task->cgroups.
 */
static inline u64 mt_task_cgroup_id(struct task_struct *task)
{
#ifdef CONFIG_CGROUPS
	return cgroup_id(task_dfl_cgroup(task));
#else
	return 0;
#endif
}

/*
 * Syscall ABI of the current task. in_ia32_syscall() tests TS_COMPAT, set
 * on 32-bit entry; x32 syscalls carry __X32_SYSCALL_BIT in orig_ax.
 */
static inline u32 mt_current_abi(void)
{
#ifdef CONFIG_X86_64
	if (in_ia32_syscall())
		return MODTRACE_ABI_IA32;
	if (in_x32_syscall())
		return MODTRACE_ABI_X32;
	return MODTRACE_ABI_X86_64;
#else
	return MODTRACE_ABI_UNSPEC;
#endif
}

#ifdef CONFIG_X86_X32_ABI
#define MT_X32_SYSCALL_BIT	__X32_SYSCALL_BIT
#else
#define MT_X32_SYSCALL_BIT	0
#endif

#endif /* _MODTRACE_COMPAT_H */
