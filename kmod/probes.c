// SPDX-License-Identifier: GPL-2.0
/*
 * The probes: kretprobes on the module syscalls and do_init_module(),
 * kprobes on the stubs for unimplemented syscalls, on the parameter parser,
 * on the kernel freeing a module and on it reading a module's file. Each
 * probe tries groups of kernel functions in order and keeps the first group
 * it can attach to, because kernels inline or rename them (see the targets
 * below).
 *
 * Handlers run with preemption disabled, and those attached by breakpoint
 * in NMI context: they never sleep, allocate or take a sleeping lock. They
 * copy what they need into a buffer slot (ring.c) and commit it; the worker
 * (netlink.c) does the rest. User memory is read with
 * copy_from_user_nofault(): a pointer that is unmapped or not resident is
 * recorded as unreadable. The one thing done later in the caller's own
 * context is finit_module's file (see mt_files).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/audit.h>
#include <linux/cred.h>
#include <linux/dcache.h>
#include <linux/file.h>
#include <linux/kernel_read_file.h>
#include <linux/kprobes.h>
#include <linux/mutex.h>
#include <linux/pid_namespace.h>
#include <linux/ptrace.h>
#include <linux/rcupdate.h>
#include <linux/sched/clock.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/task_work.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <linux/wait_bit.h>
#include <net/netlink.h>

#include "compat.h"
#include "modtrace.h"

/* The obsolete module syscalls, x86-64 (and x32) and ia32 numbers */
#define MT_NR_CREATE_MODULE	174
#define MT_NR_GET_KERNEL_SYMS	177
#define MT_NR_QUERY_MODULE	178
#define MT_NR32_CREATE_MODULE	127
#define MT_NR32_GET_KERNEL_SYMS	130
#define MT_NR32_QUERY_MODULE	167

/* How a probed function receives the syscall's arguments */
enum mt_style {
	MT_STYLE_ARGS,		/* as its own C arguments */
	MT_STYLE_PT_REGS,	/* a 64-bit syscall wrapper: one struct pt_regs * */
	MT_STYLE_IA32_REGS,	/* a 32-bit syscall wrapper: the same, i386 order */
	MT_STYLE_FILE,		/* idempotent_init_module(file, uargs, flags) */
};

/*
 * A function a probe can attach to. Consecutive targets with @with_next set
 * form one group: the entry points that together see every ABI's calls
 * (one per ABI where the kernel has no common body). A probe takes the
 * first group in which anything attaches.
 */
struct mt_target {
	const char *symbol;
	enum mt_style style;
	bool int_ret;		/* returns int: sign-extend the low 32 bits */
	bool with_next;		/* the next target is of the same group */
};

#define MT_POINTS_MAX	2

struct mt_probe;

/* One place a probe is attached (or failed to attach) */
struct mt_point {
	struct kretprobe rp;	/* rp.kp alone for a kprobe */
	struct mt_probe *probe;
	const struct mt_target *target;
	atomic64_t hits;
	int register_error;	/* positive errno, when not attached */
	bool attached;
};

struct mt_probe {
	u32 id;
	u32 enter_type;		/* enum modtrace_record_type of the entry */
	bool is_ret;		/* kretprobe; else kprobe with @pre */
	kprobe_pre_handler_t pre;
	const struct mt_target *targets;	/* ends with a NULL symbol */
	unsigned int nr_points;	/* of the group in use, or the last tried */
	struct mt_point points[MT_POINTS_MAX];
};

/* Bytes of the parameter string kept in a deferred entry */
#define MT_SAVED_STR	256

/* A syscall entry that found the buffer full, kept until the return */
struct mt_saved_entry {
	struct mt_record rec;
	char str[MT_SAVED_STR];	/* modtrace_rec_str(&rec): must follow it */
};

/* Per call, kept by the kretprobe instance from entry to return */
struct mt_call {
	u64 seq;
	u64 clock;		/* the entry's local_clock() */
	char name[MODULE_NAME_LEN];
	int file_slot;		/* finit_module: in mt_files, or -1 */
	bool deferred;		/* the entry is in @saved, not in the buffer */
	struct mt_saved_entry saved;
};

/*
 * The delete_module() calls that name modtrace itself, from entry to
 * return. If one gets as far as modtrace's exit (it is unloading us), the
 * kretprobe is gone before its return: modtrace_probes_self_exit() makes the
 * return record instead, which cannot be anything but 0 by then.
 */
#define MT_SELF_CALLS	4

static struct mt_self_call {
	atomic_t tid;		/* of the calling thread, 0 when free */
	u64 seq;		/* of its entry record */
	u64 clock;
} mt_self_calls[MT_SELF_CALLS];

/*
 * __do_sys_* are the syscall bodies shared by every ABI's entry point; they
 * are notrace and attach by breakpoint. Where a kernel inlines one (6.12
 * inlines __do_sys_finit_module) the probe attaches to each ABI's wrapper:
 * __x64_sys_* serves x86_64 and x32, __ia32_sys_* 32-bit callers.
 * idempotent_init_module() (6.6+) is the last resort: it sees only the
 * calls that passed the syscall's own checks.
 */
static const struct mt_target mt_init_targets[] = {
	{ "__do_sys_init_module", MT_STYLE_ARGS },
	{ "__x64_sys_init_module", MT_STYLE_PT_REGS, .with_next = true },
	{ "__ia32_sys_init_module", MT_STYLE_IA32_REGS },
	{ }
};

static const struct mt_target mt_finit_targets[] = {
	{ "__do_sys_finit_module", MT_STYLE_ARGS },
	{ "__x64_sys_finit_module", MT_STYLE_PT_REGS, .with_next = true },
	{ "__ia32_sys_finit_module", MT_STYLE_IA32_REGS },
	{ "idempotent_init_module", MT_STYLE_FILE, true },
	{ }
};

static const struct mt_target mt_do_init_targets[] = {
	{ "do_init_module", MT_STYLE_ARGS, true },
	{ }
};

static const struct mt_target mt_delete_targets[] = {
	{ "__do_sys_delete_module", MT_STYLE_ARGS },
	{ "__x64_sys_delete_module", MT_STYLE_PT_REGS, .with_next = true },
	{ "__ia32_sys_delete_module", MT_STYLE_IA32_REGS },
	{ }
};

/* Unimplemented syscalls land here, one stub per syscall table. */
static const struct mt_target mt_ni_targets[] = {
	{ "__x64_sys_ni_syscall", MT_STYLE_PT_REGS, .with_next = true },
	{ "__ia32_sys_ni_syscall", MT_STYLE_IA32_REGS },
	{ }
};

static const struct mt_target mt_parse_args_targets[] = {
	{ "parse_args", MT_STYLE_ARGS },
	{ }
};

static const struct mt_target mt_free_targets[] = {
	{ "free_module", MT_STYLE_ARGS },
	{ }
};

static const struct mt_target mt_read_file_targets[] = {
	{ "kernel_read_file", MT_STYLE_ARGS },
	{ }
};

static const struct mt_target mt_load_targets[] = {
	{ "load_module", MT_STYLE_ARGS },
	{ }
};

static const struct mt_target mt_request_targets[] = {
	{ "__request_module", MT_STYLE_ARGS, true },
	{ }
};

static const struct mt_target mt_request_name_targets[] = {
	{ "security_kernel_module_request", MT_STYLE_ARGS },
	{ }
};

static const struct mt_target mt_umh_exec_targets[] = {
	{ "call_usermodehelper_exec", MT_STYLE_ARGS },
	{ }
};

/* static in kernel/umh.c, but a thread function: never inlined */
static const struct mt_target mt_umh_start_targets[] = {
	{ "call_usermodehelper_exec_async", MT_STYLE_ARGS },
	{ }
};

static int mt_ni_handler(struct kprobe *kp, struct pt_regs *regs);
static int mt_load_handler(struct kprobe *kp, struct pt_regs *regs);
static int mt_parse_args_handler(struct kprobe *kp, struct pt_regs *regs);
static int mt_free_handler(struct kprobe *kp, struct pt_regs *regs);
static int mt_read_file_handler(struct kprobe *kp, struct pt_regs *regs);
static int mt_request_name_handler(struct kprobe *kp, struct pt_regs *regs);
static int mt_umh_exec_handler(struct kprobe *kp, struct pt_regs *regs);
static int mt_umh_start_handler(struct kprobe *kp, struct pt_regs *regs);
static void mt_take_args(const struct module *mod, struct mt_record *rec);
static void mt_drop_args(const struct module *mod);

static struct mt_probe mt_probes[] = {
	{
		.id = MODTRACE_PROBE_INIT_MODULE,
		.enter_type = MODTRACE_REC_INIT_MODULE_ENTER,
		.is_ret = true,
		.targets = mt_init_targets,
	},
	{
		.id = MODTRACE_PROBE_FINIT_MODULE,
		.enter_type = MODTRACE_REC_FINIT_MODULE_ENTER,
		.is_ret = true,
		.targets = mt_finit_targets,
	},
	{
		.id = MODTRACE_PROBE_DO_INIT_MODULE,
		.enter_type = MODTRACE_REC_DO_INIT_ENTER,
		.is_ret = true,
		.targets = mt_do_init_targets,
	},
	{
		.id = MODTRACE_PROBE_DELETE_MODULE,
		.enter_type = MODTRACE_REC_DELETE_MODULE_ENTER,
		.is_ret = true,
		.targets = mt_delete_targets,
	},
	{
		.id = MODTRACE_PROBE_NI_SYSCALL,
		.enter_type = MODTRACE_REC_OBSOLETE_SYSCALL,
		.pre = mt_ni_handler,
		.targets = mt_ni_targets,
	},
	{
		.id = MODTRACE_PROBE_PARSE_ARGS,
		.pre = mt_parse_args_handler,
		.targets = mt_parse_args_targets,
	},
	{
		.id = MODTRACE_PROBE_FREE_MODULE,
		.enter_type = MODTRACE_REC_MODULE_FREE,
		.pre = mt_free_handler,
		.targets = mt_free_targets,
	},
	{
		.id = MODTRACE_PROBE_READ_FILE,
		.pre = mt_read_file_handler,
		.targets = mt_read_file_targets,
	},
	{
		.id = MODTRACE_PROBE_LOAD_MODULE,
		.pre = mt_load_handler,
		.targets = mt_load_targets,
	},
	{
		.id = MODTRACE_PROBE_REQUEST_MODULE,
		.enter_type = MODTRACE_REC_REQUEST_MODULE_ENTER,
		.is_ret = true,
		.targets = mt_request_targets,
	},
	{
		.id = MODTRACE_PROBE_REQUEST_NAME,
		.pre = mt_request_name_handler,
		.targets = mt_request_name_targets,
	},
	{
		.id = MODTRACE_PROBE_UMH_EXEC,
		.pre = mt_umh_exec_handler,
		.targets = mt_umh_exec_targets,
	},
	{
		.id = MODTRACE_PROBE_UMH_START,
		.pre = mt_umh_start_handler,
		.targets = mt_umh_start_targets,
	},
};

/* Serializes attaching and detaching with GET_STATUS reading the probes. */
static DEFINE_MUTEX(mt_probes_lock);

/*
 * The files of the finit_module calls in flight: the one the fd referred to
 * at entry, and the one the kernel read the module from (normally the
 * same). References are taken in the probes and all dropped before the
 * call returns to user space: the return queues a task work, which the
 * task runs as it leaves the kernel, and which resolves the path, puts the
 * files and only then puts the exit record in the buffer. So no caller's
 * file, mount or deleted inode outlives the call because of modtrace (see
 * the README for the one window on 6.1), and a task held up on its way out
 * (a tracer stopping it at syscall exit) holds up nothing but its record.
 *
 * A slot is claimed by cmpxchg of its task, which works in NMI context;
 * afterwards only that task touches it, one probe or work at a time.
 */
struct mt_file_slot {
	struct task_struct *task;	/* NULL: free */
	struct file *entry;
	struct file *kernel;
	struct callback_head twork;
	bool for_load;			/* the exit may use the reserved slots */
	struct mt_record exit;		/* the exit record, until the work */
};

static struct mt_file_slot *mt_files;
static unsigned int mt_nr_files;

/* Task works queued and not yet run; module exit waits for none. */
static atomic_t mt_works = ATOMIC_INIT(0);

/*
 * init_module() and finit_module() calls from their entry handler until
 * their return record is committed or lost. While none is open, every
 * record such a call made is in the buffer or counted lost, which tells the
 * worker that an entry still waiting for its return will wait in vain
 * (modtrace_probes_calls_open()).
 */
static atomic_t mt_open_calls = ATOMIC_INIT(0);

static bool mt_counts_open(const struct mt_probe *p)
{
	return p->id == MODTRACE_PROBE_INIT_MODULE ||
	       p->id == MODTRACE_PROBE_FINIT_MODULE;
}

/* A call mt_counts_open() counts has its return record in place, or lost. */
static void mt_call_closed(void)
{
	/* Pairs with the acquire in modtrace_probes_calls_open(): the record first. */
	smp_mb__before_atomic();
	atomic_dec(&mt_open_calls);
}

/*
 * The kernel's copy of a module's parameters. load_module() hands mod->args
 * to parse_args(), which cuts it up in place (NULs for spaces and '=',
 * quotes removed), before do_init_module() runs. So the parse_args probe
 * copies it first, keyed by the module (parse_args()' first argument is
 * mod->name), and do_init_module's probe takes the copy. A slot is taken
 * only between the two, within one load_module(), but loads can wait there
 * (sysfs, locks) in any number: there are as many slots as the kretprobes
 * follow calls at once (mt_in_flight()). Past that the oldest copy goes,
 * and its do_init_module record says so (MODTRACE_RECORD_F_ARGS_UNAVAILABLE).
 */
static struct {
	raw_spinlock_t lock;	/* guards everything below */
	unsigned int nr_slots;
	const char **key;	/* mod->name, NULL: free */
	u64 *stamp;		/* for evicting the oldest */
	bool *truncated;
	u64 next_stamp;
	char *buf;		/* nr_slots strings of modtrace_string_max + 1 */
} mt_args = {
	.lock = __RAW_SPIN_LOCK_UNLOCKED(mt_args.lock),
};

static char *mt_args_buf(unsigned int slot)
{
	return mt_args.buf + slot * ((size_t)modtrace_string_max + 1);
}

/* Argument @n of the probed call, as the caller of the syscall gave it. */
static unsigned long mt_arg(const struct mt_point *pt, struct pt_regs *regs,
			    unsigned int n)
{
	static const unsigned int ia32[] = {
		offsetof(struct pt_regs, bx), offsetof(struct pt_regs, cx),
		offsetof(struct pt_regs, dx), offsetof(struct pt_regs, si),
		offsetof(struct pt_regs, di), offsetof(struct pt_regs, bp),
	};
	static const unsigned int x64[] = {
		offsetof(struct pt_regs, di), offsetof(struct pt_regs, si),
		offsetof(struct pt_regs, dx), offsetof(struct pt_regs, r10),
		offsetof(struct pt_regs, r8), offsetof(struct pt_regs, r9),
	};
	const struct pt_regs *user;

	if (pt->target->style != MT_STYLE_PT_REGS &&
	    pt->target->style != MT_STYLE_IA32_REGS)
		return regs_get_kernel_argument(regs, n);

	/* A wrapper's only argument is the syscall's saved user registers. */
	user = (const struct pt_regs *)regs_get_kernel_argument(regs, 0);
	if (n >= ARRAY_SIZE(x64))
		return 0;
	if (pt->target->style == MT_STYLE_IA32_REGS)
		/* 32-bit arguments: the wrappers take the low halves */
		return *(const u32 *)((const u8 *)user + ia32[n]);
	return *(const unsigned long *)((const u8 *)user + x64[n]);
}

/* A syscall's int argument (an fd): a 32-bit caller's is sign-extended too */
static int mt_arg_int(const struct mt_point *pt, struct pt_regs *regs,
		      unsigned int n)
{
	return (int)mt_arg(pt, regs, n);
}

/*
 * Copy a NUL-terminated user string of at most @size - 1 bytes into @dst,
 * page by page so that a short string next to an unmapped page is still
 * read. Sets @f_trunc when it was cut, @f_unreadable when a fault stopped
 * it. Return: whether @dst holds something worth sending.
 */
static bool mt_copy_user_string(char *dst, const char __user *src,
				size_t size, u32 *flags, u32 f_trunc,
				u32 f_unreadable)
{
	size_t done = 0;
	char next;

	dst[0] = '\0';
	while (done < size - 1) {
		unsigned long addr = (unsigned long)src + done;
		size_t chunk = min_t(size_t, size - 1 - done,
				     PAGE_SIZE - offset_in_page(addr));

		if (copy_from_user_nofault(dst + done, src + done, chunk)) {
			dst[done] = '\0';
			*flags |= f_unreadable;
			return done > 0;
		}
		if (memchr(dst + done, '\0', chunk))
			return true;
		done += chunk;
	}
	dst[done] = '\0';
	if (copy_from_user_nofault(&next, src + done, 1) || next != '\0')
		*flags |= f_trunc;
	return true;
}

/*
 * Ids as init_user_ns sees them, which is what from_kuid_munged() and
 * from_kgid_munged() return there without the map lookup: the map of
 * init_user_ns is the identity, and only the invalid id is not in it.
 */
static u32 mt_uid(kuid_t uid)
{
	return uid_valid(uid) ? __kuid_val(uid) : overflowuid;
}

static u32 mt_gid(kgid_t gid)
{
	return gid_valid(gid) ? __kgid_val(gid) : overflowgid;
}

static void mt_fill_task(struct mt_task *t, bool syscall)
{
	struct task_struct *task = current;
	const struct cred *cred;
	struct pid_namespace *pidns;

	t->tgid = task_tgid_nr(task);
	t->tid = task_pid_nr(task);
	/* comm without task_lock(), which sleeps on PREEMPT_RT */
	strscpy(t->comm, task->comm, sizeof(t->comm));
	t->loginuid = __kuid_val(audit_get_loginuid(task));
	t->sessionid = audit_get_sessionid(task);
	t->abi = syscall ? mt_current_abi() : MODTRACE_ABI_UNSPEC;

	rcu_read_lock();
	t->ppid = task_tgid_nr(rcu_dereference(task->real_parent));
	cred = __task_cred(task);
	t->uid = mt_uid(cred->uid);
	t->euid = mt_uid(cred->euid);
	t->gid = mt_gid(cred->gid);
	t->cgroup_id = mt_task_cgroup_id(task);
	pidns = task_active_pid_ns(task);
	t->pidns_ino = pidns ? pidns->ns.inum : 0;
	t->mntns_ino = mt_mntns_inum(task);
	rcu_read_unlock();
}

/* Who current is, for a record made outside the probes */
void modtrace_task_fill(struct mt_task *t)
{
	mt_fill_task(t, false);
}

/* The syscall probes: their records say which ABI the caller used. */
static bool mt_is_syscall(const struct mt_probe *p)
{
	return p->id == MODTRACE_PROBE_INIT_MODULE ||
	       p->id == MODTRACE_PROBE_FINIT_MODULE ||
	       p->id == MODTRACE_PROBE_DELETE_MODULE ||
	       p->id == MODTRACE_PROBE_NI_SYSCALL;
}

static void mt_fill_common(const struct mt_probe *p, struct mt_record *rec,
			   u64 clock)
{
	rec->probe = p->id;
	rec->clock = clock;
	rec->cpu = raw_smp_processor_id();
	mt_fill_task(&rec->task, mt_is_syscall(p));
	rec->has_request = modtrace_request_of_current(&rec->request,
						       &rec->flags);
}

/*
 * Reserve a slot for @p's record of @type and fill the common part, its
 * time (@clock, a local_clock()) included.
 * @for_load: a record of a module load, which may use the reserved slots.
 */
static struct mt_record *mt_begin(const struct mt_probe *p, u32 type,
				  bool for_load, bool may_defer, u64 *seq,
				  u64 clock)
{
	struct mt_record *rec;

	rec = modtrace_ring_reserve(type, for_load, may_defer, seq);
	if (rec)
		mt_fill_common(p, rec, clock);
	return rec;
}

/* Hand a filled record to the worker, at once if the buffer fills up. */
static void mt_commit(struct mt_record *rec)
{
	modtrace_kick(modtrace_ring_commit(rec));
}

/* The probes whose entry is worth keeping for a call that succeeds */
static bool mt_may_defer(const struct mt_probe *p)
{
	return p->id == MODTRACE_PROBE_INIT_MODULE ||
	       p->id == MODTRACE_PROBE_FINIT_MODULE;
}

/*
 * Claim a slot of mt_files for the current finit_module call. Return: its
 * index, or -1 if none is free (the call's file is then not reported).
 */
static int mt_file_claim(void)
{
	unsigned int i;

	for (i = 0; i < mt_nr_files; i++) {
		struct mt_file_slot *slot = &mt_files[i];

		if (READ_ONCE(slot->task) ||
		    cmpxchg(&slot->task, NULL, current))
			continue;
		slot->entry = NULL;
		slot->kernel = NULL;
		return i;
	}
	return -1;
}

static void mt_file_release(struct mt_file_slot *slot)
{
	/* pairs with the claim's cmpxchg: done with the contents first */
	smp_store_release(&slot->task, NULL);
}

/* The current task's slot, if it has one. */
static struct mt_file_slot *mt_file_current(void)
{
	unsigned int i;

	for (i = 0; i < mt_nr_files; i++)
		if (READ_ONCE(mt_files[i].task) == current)
			return &mt_files[i];
	return NULL;
}

static void mt_enter_init(const struct mt_point *pt, struct pt_regs *regs,
			  struct mt_record *rec, size_t str_size)
{
	rec->init.len = mt_arg(pt, regs, 1);
	rec->has_str = mt_copy_user_string(modtrace_rec_str(rec),
					   (const char __user *)mt_arg(pt, regs, 2),
					   str_size, &rec->flags,
					   MODTRACE_RECORD_F_PARAMS_TRUNCATED,
					   MODTRACE_RECORD_F_PARAMS_UNREADABLE);
}

/*
 * finit_module's file at entry: a reference in a slot of mt_files, kept
 * until the return (mt_return_file()). Called before any record is made.
 * The slot comes first: a reference taken here is never put here, where
 * (in NMI context) putting the last one would not be safe.
 */
static void mt_enter_finit_file(const struct mt_point *pt,
				struct pt_regs *regs, struct mt_call *call)
{
	struct file *file;
	int i = mt_file_claim();

	if (i < 0)
		return;
	if (pt->target->style == MT_STYLE_FILE) {
		file = (struct file *)mt_arg(pt, regs, 0);
		if (file)
			get_file(file);
	} else {
		/* fget() is RCU and atomics only: fine in NMI context. */
		file = fget(mt_arg_int(pt, regs, 0));
	}
	if (!file) {
		mt_file_release(&mt_files[i]);
		return;
	}
	mt_files[i].entry = file;
	call->file_slot = i;
}

/* @str_size: room for the parameter string */
static void mt_enter_finit(const struct mt_point *pt, struct pt_regs *regs,
			   struct mt_record *rec, size_t str_size,
			   const struct mt_call *call)
{
	if (pt->target->style != MT_STYLE_FILE) {
		rec->finit.fd = mt_arg_int(pt, regs, 0);
		rec->finit.has_fd = true;
	}
	if (call->file_slot >= 0) {
		struct inode *inode = file_inode(mt_files[call->file_slot].entry);

		rec->finit.has_file = true;
		rec->finit.ino = inode->i_ino;
		rec->finit.dev = new_encode_dev(inode->i_sb->s_dev);
	} else {
		rec->flags |= MODTRACE_RECORD_F_PATH_UNAVAILABLE;
	}
	rec->finit.flags = (u32)mt_arg(pt, regs, 2);
	rec->has_str = mt_copy_user_string(modtrace_rec_str(rec),
					   (const char __user *)mt_arg(pt, regs, 1),
					   str_size, &rec->flags,
					   MODTRACE_RECORD_F_PARAMS_TRUNCATED,
					   MODTRACE_RECORD_F_PARAMS_UNREADABLE);
}

static void mt_copy_version(char *dst, const char *src, u32 *flags)
{
	if (src && strscpy(dst, src, MT_VERSION_MAX) < 0)
		*flags |= MODTRACE_RECORD_F_VERSION_TRUNCATED;
}

/* Copy everything now: do_init_module() frees the module if init fails. */
static void mt_enter_do_init(const struct mt_point *pt, struct pt_regs *regs,
			     struct mt_record *rec, struct mt_call *call)
{
	const struct module *mod = (const struct module *)mt_arg(pt, regs, 0);
	struct mt_module_info *info = &rec->mod;

	strscpy(info->name, mod->name, sizeof(info->name));
	mt_copy_version(info->version, mod->version, &rec->flags);
	mt_copy_version(info->srcversion, mod->srcversion, &rec->flags);
	info->taints = mod->taints;
	info->sig_ok = mt_module_sig_ok(mod, &info->has_sig);
	mt_module_sizes(mod, &info->text_size, &info->total_size);
	mt_take_args(mod, rec);
	strscpy(call->name, mod->name, sizeof(call->name));
}

static void mt_enter_delete(const struct mt_point *pt, struct pt_regs *regs,
			    struct mt_record *rec)
{
	mt_copy_user_string(rec->del.name,
			    (const char __user *)mt_arg(pt, regs, 0),
			    sizeof(rec->del.name), &rec->flags,
			    MODTRACE_RECORD_F_NAME_TRUNCATED,
			    MODTRACE_RECORD_F_NAME_UNREADABLE);
	rec->del.flags = (u32)mt_arg(pt, regs, 1);
}

/*
 * __request_module(wait, fmt, ...): the requester's slot (request.c), with
 * its entry's seq even if the record was lost (@rec NULL).
 */
static void mt_enter_request(const struct mt_point *pt, struct pt_regs *regs,
			     struct mt_record *rec, struct mt_call *call)
{
	struct mt_task task;

	if (rec) {
		rec->req.wait = (bool)mt_arg(pt, regs, 0);
		modtrace_request_enter(call->seq, &rec->task);
		mt_commit(rec);
		return;
	}
	mt_fill_task(&task, false);
	modtrace_request_enter(call->seq, &task);
}

/*
 * The buffer is full: keep a syscall entry in the kretprobe instance, to be
 * sent before the return if the call succeeds (mt_send_deferred()).
 */
static void mt_defer_entry(const struct mt_point *pt, struct pt_regs *regs,
			   struct mt_call *call)
{
	const struct mt_probe *p = pt->probe;
	struct mt_record *rec = &call->saved.rec;

	BUILD_BUG_ON(offsetof(struct mt_saved_entry, str) !=
		     sizeof(struct mt_record));
	memset(rec, 0, sizeof(*rec));
	rec->seq = call->seq;
	rec->type = p->enter_type;
	mt_fill_common(p, rec, call->clock);
	if (p->id == MODTRACE_PROBE_INIT_MODULE)
		mt_enter_init(pt, regs, rec, MT_SAVED_STR);
	else
		mt_enter_finit(pt, regs, rec, MT_SAVED_STR, call);
	rec->flags |= MODTRACE_RECORD_F_DEFERRED;
	call->deferred = true;
}

/* A delete_module() of modtrace itself begins: note it, if room. */
static void mt_self_enter(const struct mt_call *call)
{
	struct mt_self_call *self;

	for (self = mt_self_calls; self < mt_self_calls + MT_SELF_CALLS;
	     self++) {
		if (atomic_cmpxchg(&self->tid, 0, current->pid) == 0) {
			self->seq = call->seq;
			self->clock = call->clock;
			return;
		}
	}
}

/* The calling thread's delete_module() of modtrace, or NULL */
static struct mt_self_call *mt_self_find(void)
{
	struct mt_self_call *self;

	for (self = mt_self_calls; self < mt_self_calls + MT_SELF_CALLS;
	     self++)
		if (atomic_read(&self->tid) == current->pid)
			return self;
	return NULL;
}

static int mt_entry_handler(struct kretprobe_instance *ri,
			    struct pt_regs *regs)
{
	struct mt_point *pt = container_of(get_kretprobe(ri), struct mt_point,
					   rp);
	const struct mt_probe *p = pt->probe;
	struct mt_call *call = (struct mt_call *)ri->data;
	bool may_defer = mt_may_defer(p);
	struct mt_record *rec;

	atomic64_inc(&pt->hits);
	/* before the seq is given out: see modtrace_probes_calls_open() */
	if (mt_counts_open(p))
		atomic_inc(&mt_open_calls);
	call->seq = 0;
	call->deferred = false;
	call->name[0] = '\0';
	call->file_slot = -1;
	/*
	 * local_clock() (sched_clock), as the kernel's tracing does: cheap
	 * where the clocksource is not (HPET, acpi_pm: an I/O access per
	 * read). The worker turns it into CLOCK_MONOTONIC.
	 */
	call->clock = local_clock();
	if (p->id == MODTRACE_PROBE_FINIT_MODULE)
		mt_enter_finit_file(pt, regs, call);
	rec = mt_begin(p, p->enter_type,
		       p->id == MODTRACE_PROBE_DO_INIT_MODULE, may_defer,
		       &call->seq, call->clock);
	if (p->id == MODTRACE_PROBE_REQUEST_MODULE) {
		mt_enter_request(pt, regs, rec, call);
		return 0;
	}
	if (!rec) {
		if (may_defer && call->seq) {
			mt_defer_entry(pt, regs, call);
		} else if (p->id == MODTRACE_PROBE_DO_INIT_MODULE) {
			const struct module *mod;

			mod = (const struct module *)mt_arg(pt, regs, 0);
			strscpy(call->name, mod->name, sizeof(call->name));
			/* no record will take the kernel's copy: free its slot */
			mt_drop_args(mod);
		}
		return 0;
	}

	switch (p->id) {
	case MODTRACE_PROBE_INIT_MODULE:
		mt_enter_init(pt, regs, rec, modtrace_string_max + 1);
		break;
	case MODTRACE_PROBE_FINIT_MODULE:
		mt_enter_finit(pt, regs, rec, modtrace_string_max + 1, call);
		break;
	case MODTRACE_PROBE_DO_INIT_MODULE:
		mt_enter_do_init(pt, regs, rec, call);
		break;
	case MODTRACE_PROBE_DELETE_MODULE:
		mt_enter_delete(pt, regs, rec);
		if (!strcmp(rec->del.name, THIS_MODULE->name))
			mt_self_enter(call);
		break;
	}
	mt_commit(rec);
	return 0;
}

/* Send a deferred entry, with its own seq, from the reserved slots. */
static void mt_send_deferred(struct mt_call *call)
{
	struct mt_record *saved = &call->saved.rec;
	struct mt_record *rec;
	u64 seq = call->seq;

	rec = modtrace_ring_reserve(saved->type, true, false, &seq);
	if (!rec)
		return;
	memcpy(rec, saved, sizeof(*rec));
	strscpy(modtrace_rec_str(rec), call->saved.str, modtrace_string_max + 1);
	mt_commit(rec);
}

/* Resolve the path of @file into @rec and put @file; process context. */
static void mt_put_path(struct mt_record *rec, struct file *file)
{
	char *buf = __getname();
	char *path = buf ? d_path(&file->f_path, buf, PATH_MAX) :
			   ERR_PTR(-ENOMEM);
	size_t len;

	fput(file);
	if (IS_ERR(path)) {
		rec->flags |= MODTRACE_RECORD_F_PATH_UNAVAILABLE;
	} else {
		len = strlen(path);
		if (len > modtrace_string_max) {
			len = modtrace_string_max;
			rec->flags |= MODTRACE_RECORD_F_PATH_TRUNCATED;
		}
		memcpy(modtrace_rec_path(rec), path, len);
		modtrace_rec_path(rec)[len] = '\0';
	}
	if (buf)
		__putname(buf);
}

/*
 * The task work of a finit_module return, run by the calling task as it
 * leaves the kernel, where it may sleep: the exit record goes into the
 * buffer with the path of its file, and the file is put.
 */
static void mt_path_work(struct callback_head *head)
{
	struct mt_file_slot *slot = container_of(head, struct mt_file_slot,
						 twork);
	struct file *file = slot->kernel ? slot->kernel : slot->entry;
	struct mt_record *rec;
	u64 seq = 0;

	rec = modtrace_ring_reserve(slot->exit.type, slot->for_load, false, &seq);
	if (rec) {
		memcpy(rec, &slot->exit, sizeof(*rec));
		rec->seq = seq;
		mt_put_path(rec, file);
		mt_commit(rec);
	} else {
		fput(file);
	}
	mt_call_closed();
	mt_file_release(slot);
	/* module exit waits for mt_works, then for this RCU section */
	rcu_read_lock();
	if (atomic_dec_and_test(&mt_works))
		wake_up_var(&mt_works);
	rcu_read_unlock();
}

/*
 * finit_module returns with @ret. Its file (the kernel's, else the fd's at
 * entry) and exit record go to a task work, and any other reference is put
 * now. Return: whether the task work took the exit record over; if not,
 * the caller makes it as for any probe.
 */
static bool mt_return_file(const struct mt_probe *p, struct mt_call *call,
			   s64 ret, s64 elapsed)
{
	struct mt_file_slot *slot;
	struct mt_record *rec;
	struct file *keep;
	struct inode *inode;

	if (call->file_slot < 0)
		return false;
	slot = &mt_files[call->file_slot];
	keep = slot->kernel ? slot->kernel : slot->entry;
	rec = &slot->exit;
	memset(rec, 0, sizeof(*rec));
	rec->type = p->enter_type + 1;
	mt_fill_common(p, rec, call->clock + elapsed);
	rec->exit.ret = ret;
	rec->exit.entry_seq = call->seq;
	rec->exit.duration = elapsed;
	modtrace_image_take(rec);
	inode = file_inode(keep);
	rec->exit.has_file = true;
	rec->exit.ino = inode->i_ino;
	rec->exit.dev = new_encode_dev(inode->i_sb->s_dev);
	if (slot->kernel && slot->kernel != slot->entry)
		rec->flags |= MODTRACE_RECORD_F_FILE_CHANGED;
	/* In the calling task, fput() defers the last put to its way out. */
	if (slot->kernel) {
		fput(slot->entry);
		slot->entry = NULL;
	}
	slot->for_load = ret == 0;
	init_task_work(&slot->twork, mt_path_work);
	atomic_inc(&mt_works);
	if (!task_work_add(current, &slot->twork, TWA_RESUME))
		return true;
	/* The task is exiting: a record without the path, then. */
	atomic_dec(&mt_works);
	fput(keep);
	mt_file_release(slot);
	return false;
}

static int mt_return_handler(struct kretprobe_instance *ri,
			     struct pt_regs *regs)
{
	struct mt_point *pt = container_of(get_kretprobe(ri), struct mt_point,
					   rp);
	const struct mt_probe *p = pt->probe;
	struct mt_call *call = (struct mt_call *)ri->data;
	unsigned long raw = regs_return_value(regs);
	s64 ret = pt->target->int_ret ? (s64)(int)raw : (s64)(long)raw;
	s64 elapsed = (s64)(local_clock() - call->clock);
	struct mt_record *rec;
	u64 seq = 0;

	/* local_clock() of another CPU, if the call moved, may lag a little */
	if (elapsed < 0)
		elapsed = 0;
	if (p->id == MODTRACE_PROBE_DELETE_MODULE) {
		struct mt_self_call *self = mt_self_find();

		/* modtrace is still here: that unload failed */
		if (self)
			atomic_set(&self->tid, 0);
	}
	if (call->deferred) {
		if (ret == 0)
			mt_send_deferred(call);
		else
			modtrace_ring_count_lost();
	}
	if (p->id == MODTRACE_PROBE_FINIT_MODULE &&
	    mt_return_file(p, call, ret, elapsed))
		return 0;
	if (p->id == MODTRACE_PROBE_REQUEST_MODULE)
		modtrace_request_exit(call->name);
	/* A load that worked, or any init, may use the reserved slots. */
	rec = mt_begin(p, p->enter_type + 1,
		       ret == 0 || p->id == MODTRACE_PROBE_DO_INIT_MODULE,
		       false, &seq, call->clock + elapsed);
	if (rec) {
		rec->exit.ret = ret;
		rec->exit.entry_seq = call->seq;
		rec->exit.duration = elapsed;
		strscpy(rec->exit.name, call->name, sizeof(rec->exit.name));
		if (p->id == MODTRACE_PROBE_FINIT_MODULE)
			rec->flags |= MODTRACE_RECORD_F_PATH_UNAVAILABLE;
		if (mt_counts_open(p))
			modtrace_image_take(rec);
		mt_commit(rec);
	} else if (mt_counts_open(p)) {
		/* the record is lost; its image slot is freed all the same */
		modtrace_image_take(NULL);
	}
	if (mt_counts_open(p))
		mt_call_closed();
	return 0;
}

static int mt_ni_handler(struct kprobe *kp, struct pt_regs *regs)
{
	struct mt_point *pt = container_of(kp, struct mt_point, rp.kp);
	bool ia32_point = pt->target->style == MT_STYLE_IA32_REGS;
	bool ia32 = mt_current_abi() == MODTRACE_ABI_IA32;
	const struct pt_regs *user;
	struct mt_record *rec;
	unsigned int i;
	u64 seq = 0;
	u32 nr;

	/*
	 * Where the kernel makes one stub serve both tables (6.12 aliases
	 * them), both points fire for every call: each takes its own ABI's.
	 */
	if (ia32 != ia32_point)
		return 0;
	atomic64_inc(&pt->hits);
	user = (const struct pt_regs *)regs_get_kernel_argument(regs, 0);
	if (ia32) {
		nr = (u32)user->orig_ax;
		if (nr != MT_NR32_CREATE_MODULE &&
		    nr != MT_NR32_GET_KERNEL_SYMS && nr != MT_NR32_QUERY_MODULE)
			return 0;
	} else {
		nr = (u32)user->orig_ax & ~MT_X32_SYSCALL_BIT;
		if (nr != MT_NR_CREATE_MODULE && nr != MT_NR_GET_KERNEL_SYMS &&
		    nr != MT_NR_QUERY_MODULE)
			return 0;
	}

	rec = mt_begin(pt->probe, MODTRACE_REC_OBSOLETE_SYSCALL, false, false,
		       &seq, local_clock());
	if (!rec)
		return 0;
	rec->obsolete.nr = nr;
	for (i = 0; i < MT_NR_SYSCALL_ARGS; i++)
		rec->obsolete.args[i] = mt_arg(pt, regs, i);
	mt_commit(rec);
	return 0;
}

/*
 * None of the handlers below runs in NMI context: their functions are
 * traceable, so the probes attach through ftrace.
 */
static int mt_parse_args_handler(struct kprobe *kp, struct pt_regs *regs)
{
	struct mt_point *pt = container_of(kp, struct mt_point, rp.kp);
	const char *doing = (const char *)mt_arg(pt, regs, 0);
	const char *args = (const char *)mt_arg(pt, regs, 1);
	unsigned int i, slot = 0;
	unsigned long flags;

	atomic64_inc(&pt->hits);
	if (!mt_args.buf || !doing || !args || in_nmi())
		return 0;
	raw_spin_lock_irqsave(&mt_args.lock, flags);
	for (i = 0; i < mt_args.nr_slots; i++) {
		if (mt_args.key[i] == doing || !mt_args.key[i]) {
			slot = i;
			break;
		}
		if (mt_args.stamp[i] < mt_args.stamp[slot])
			slot = i;
	}
	mt_args.key[slot] = doing;
	mt_args.stamp[slot] = ++mt_args.next_stamp;
	mt_args.truncated[slot] = strscpy(mt_args_buf(slot), args,
					  modtrace_string_max + 1) < 0;
	raw_spin_unlock_irqrestore(&mt_args.lock, flags);
	return 0;
}

/* The kernel frees a module: after an unload, or an init that failed. */
static int mt_free_handler(struct kprobe *kp, struct pt_regs *regs)
{
	struct mt_point *pt = container_of(kp, struct mt_point, rp.kp);
	const struct module *mod = (const struct module *)mt_arg(pt, regs, 0);
	struct mt_record *rec;
	u64 seq = 0;

	atomic64_inc(&pt->hits);
	rec = mt_begin(pt->probe, MODTRACE_REC_MODULE_FREE, true, false, &seq,
		       local_clock());
	if (!rec)
		return 0;
	strscpy(rec->freed.name, mod->name, sizeof(rec->freed.name));
	mt_commit(rec);
	return 0;
}

/*
 * The kernel reads a file: for a module, in a finit_module call, that is
 * the file it loads, whatever the fd referred to at entry.
 */
static int mt_read_file_handler(struct kprobe *kp, struct pt_regs *regs)
{
	struct mt_point *pt = container_of(kp, struct mt_point, rp.kp);
	struct file *file = (struct file *)mt_arg(pt, regs, 0);
	struct mt_file_slot *slot;

	if (mt_arg(pt, regs, 5) != READING_MODULE || !file)
		return 0;
	atomic64_inc(&pt->hits);
	slot = mt_file_current();
	if (!slot || slot->kernel)
		return 0;
	get_file(file);
	slot->kernel = file;
	return 0;
}

/* load_module(info, uargs, flags): the image, for its hash (image.c) */
static int mt_load_handler(struct kprobe *kp, struct pt_regs *regs)
{
	struct mt_point *pt = container_of(kp, struct mt_point, rp.kp);

	atomic64_inc(&pt->hits);
	modtrace_image_enter((const struct mt_load_info_head *)
			     mt_arg(pt, regs, 0));
	return 0;
}

/* security_kernel_module_request(name): the name a request formatted */
static int mt_request_name_handler(struct kprobe *kp, struct pt_regs *regs)
{
	struct mt_point *pt = container_of(kp, struct mt_point, rp.kp);

	atomic64_inc(&pt->hits);
	modtrace_request_name((const char *)mt_arg(pt, regs, 0), false);
	return 0;
}

/* call_usermodehelper_exec(sub_info, wait), by a request or anyone else */
static int mt_umh_exec_handler(struct kprobe *kp, struct pt_regs *regs)
{
	struct mt_point *pt = container_of(kp, struct mt_point, rp.kp);
	const struct subprocess_info *info;

	info = (const struct subprocess_info *)mt_arg(pt, regs, 0);
	atomic64_inc(&pt->hits);
	if (info)
		modtrace_request_umh(info);
	return 0;
}

/* call_usermodehelper_exec_async(sub_info): a helper task starts */
static int mt_umh_start_handler(struct kprobe *kp, struct pt_regs *regs)
{
	struct mt_point *pt = container_of(kp, struct mt_point, rp.kp);

	atomic64_inc(&pt->hits);
	modtrace_request_helper((const void *)mt_arg(pt, regs, 0));
	return 0;
}

static bool mt_parse_args_attached(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(mt_probes); i++)
		if (mt_probes[i].id == MODTRACE_PROBE_PARSE_ARGS)
			return mt_probes[i].nr_points &&
			       mt_probes[i].points[0].attached;
	return false;
}

/* Move the parameters parse_args() saw for @mod into @rec, if any. */
static void mt_take_args(const struct module *mod, struct mt_record *rec)
{
	unsigned long flags;
	unsigned int i;

	if (!mt_args.buf || in_nmi())
		return;
	raw_spin_lock_irqsave(&mt_args.lock, flags);
	for (i = 0; i < mt_args.nr_slots; i++) {
		if (mt_args.key[i] != mod->name)
			continue;
		strscpy(modtrace_rec_str(rec), mt_args_buf(i), modtrace_string_max + 1);
		rec->has_str = true;
		if (mt_args.truncated[i])
			rec->flags |= MODTRACE_RECORD_F_ARGS_TRUNCATED;
		mt_args.key[i] = NULL;
		break;
	}
	raw_spin_unlock_irqrestore(&mt_args.lock, flags);
	if (!rec->has_str && mt_parse_args_attached())
		rec->flags |= MODTRACE_RECORD_F_ARGS_UNAVAILABLE;
}

/*
 * Forget the parameters kept for @mod: its do_init_module record was lost,
 * and a later module at the same address must not inherit them.
 */
static void mt_drop_args(const struct module *mod)
{
	unsigned long flags;
	unsigned int i;

	if (!mt_args.buf || in_nmi())
		return;
	raw_spin_lock_irqsave(&mt_args.lock, flags);
	for (i = 0; i < mt_args.nr_slots; i++)
		if (mt_args.key[i] == mod->name)
			mt_args.key[i] = NULL;
	raw_spin_unlock_irqrestore(&mt_args.lock, flags);
}

/* How many calls of one kind the probes follow at once. */
static unsigned int mt_in_flight(void)
{
	return max_t(unsigned int, 64, 4 * num_possible_cpus());
}

static void mt_free_tables(void)
{
	mt_nr_files = 0;
	kvfree(mt_files);
	mt_files = NULL;
	mt_args.nr_slots = 0;
	kvfree(mt_args.buf);
	mt_args.buf = NULL;
	kfree(mt_args.truncated);
	mt_args.truncated = NULL;
	kfree(mt_args.stamp);
	mt_args.stamp = NULL;
	kfree(mt_args.key);
	mt_args.key = NULL;
}

static int mt_alloc_tables(void)
{
	unsigned int n = mt_in_flight();

	mt_args.key = kcalloc(n, sizeof(*mt_args.key), GFP_KERNEL);
	mt_args.stamp = kcalloc(n, sizeof(*mt_args.stamp), GFP_KERNEL);
	mt_args.truncated = kcalloc(n, sizeof(*mt_args.truncated), GFP_KERNEL);
	mt_args.buf = kvcalloc(n, (size_t)modtrace_string_max + 1, GFP_KERNEL);
	mt_files = kvcalloc(n, sizeof(*mt_files), GFP_KERNEL);
	if (!mt_args.key || !mt_args.stamp || !mt_args.truncated ||
	    !mt_args.buf || !mt_files) {
		mt_free_tables();
		return -ENOMEM;
	}
	mt_args.nr_slots = n;
	mt_nr_files = n;
	return 0;
}

static int mt_point_register(struct mt_probe *p, struct mt_point *pt,
			     const struct mt_target *t)
{
	int err;

	memset(&pt->rp, 0, sizeof(pt->rp));
	pt->rp.kp.symbol_name = t->symbol;
	/* The handlers need both before the first hit. */
	pt->probe = p;
	pt->target = t;
	atomic64_set(&pt->hits, 0);
	if (!p->is_ret) {
		pt->rp.kp.pre_handler = p->pre;
		err = register_kprobe(&pt->rp.kp);
	} else {
		pt->rp.entry_handler = mt_entry_handler;
		pt->rp.handler = mt_return_handler;
		pt->rp.data_size = sizeof(struct mt_call);
		/*
		 * An instance is held for the whole call: a module whose init
		 * sleeps holds two. Enough for many concurrent loads; the rest
		 * count as missed.
		 */
		pt->rp.maxactive = mt_in_flight();
		err = register_kretprobe(&pt->rp);
	}
	pt->attached = !err;
	pt->register_error = -err;
	return err;
}

static void mt_point_unregister(struct mt_probe *p, struct mt_point *pt)
{
	if (!pt->attached)
		return;
	if (p->is_ret)
		unregister_kretprobe(&pt->rp);
	else
		unregister_kprobe(&pt->rp.kp);
	pt->attached = false;
}

/* Attach @p to the first group of its targets where anything attaches. */
static bool mt_probe_register(struct mt_probe *p)
{
	const struct mt_target *t = p->targets;
	unsigned int i, n;
	bool any;

	while (t->symbol) {
		n = 0;
		any = false;
		do {
			if (!WARN_ON_ONCE(n == MT_POINTS_MAX))
				any |= !mt_point_register(p, &p->points[n++],
							  t);
		} while ((t++)->with_next);
		p->nr_points = n;
		if (any)
			break;
	}
	for (i = 0; i < p->nr_points; i++) {
		const struct mt_point *pt = &p->points[i];

		if (pt->attached)
			pr_debug("probe %u on %s\n", p->id, pt->target->symbol);
		else if (any)
			pr_warn("probe %u: %s not attached (error %d): its callers are not recorded\n",
				p->id, pt->target->symbol, pt->register_error);
	}
	if (!any)
		pr_warn("probe %u attached nowhere (error %d): not recorded\n",
			p->id, p->nr_points ?
			p->points[p->nr_points - 1].register_error : 0);
	return any;
}

int modtrace_probes_register(void)
{
	unsigned int i, attached = 0;
	int err;

	err = mt_alloc_tables();
	if (err)
		return err;
	err = modtrace_image_init();
	if (err) {
		mt_free_tables();
		return err;
	}
	mutex_lock(&mt_probes_lock);
	for (i = 0; i < ARRAY_SIZE(mt_probes); i++)
		attached += mt_probe_register(&mt_probes[i]);
	mutex_unlock(&mt_probes_lock);
	if (!attached) {
		pr_err("no probe could be attached\n");
		modtrace_image_exit();
		mt_free_tables();
		return -ENOENT;
	}
	return 0;
}

/*
 * Detach every probe, then wait for the task works they queued (each runs
 * as its task leaves the kernel; a task stopped by a tracer at syscall exit
 * holds this up until it goes on), and put the files of calls whose return
 * no handler will see.
 */
void modtrace_probes_unregister(void)
{
	unsigned int i, j;

	mutex_lock(&mt_probes_lock);
	for (i = 0; i < ARRAY_SIZE(mt_probes); i++)
		for (j = 0; j < mt_probes[i].nr_points; j++)
			mt_point_unregister(&mt_probes[i],
					    &mt_probes[i].points[j]);
	mutex_unlock(&mt_probes_lock);
	wait_var_event(&mt_works, !atomic_read(&mt_works));
	synchronize_rcu();
	for (i = 0; i < mt_nr_files; i++) {
		struct mt_file_slot *slot = &mt_files[i];

		if (!slot->task)
			continue;
		if (slot->kernel)
			fput(slot->kernel);
		if (slot->entry)
			fput(slot->entry);
		slot->task = NULL;
	}
	modtrace_image_exit();
	mt_free_tables();
}

/*
 * Module exit, with the probes detached: if the calling thread's
 * delete_module() is the one unloading modtrace, make its return record,
 * the last record of this instance. The call returns 0 once exit is
 * reached, forced or not: nothing after it can fail.
 */
void modtrace_probes_self_exit(void)
{
	struct mt_self_call *self = mt_self_find();
	const struct mt_probe *p = NULL;
	struct mt_record *rec;
	unsigned int i;
	s64 elapsed;
	u64 seq = 0;

	if (!self)
		return;
	for (i = 0; i < ARRAY_SIZE(mt_probes); i++)
		if (mt_probes[i].id == MODTRACE_PROBE_DELETE_MODULE)
			p = &mt_probes[i];
	elapsed = max_t(s64, 0, (s64)(local_clock() - self->clock));
	rec = mt_begin(p, MODTRACE_REC_DELETE_MODULE_EXIT, true, false, &seq,
		       self->clock + elapsed);
	if (rec) {
		rec->exit.ret = 0;
		rec->exit.entry_seq = self->seq;
		rec->exit.duration = elapsed;
		modtrace_ring_commit(rec);
	}
	atomic_set(&self->tid, 0);
}

static u64 mt_point_nmissed(const struct mt_probe *p,
			    const struct mt_point *pt)
{
	u64 n = pt->rp.kp.nmissed;

	if (p->is_ret)
		n += pt->rp.nmissed;
	return n;
}

/*
 * Whether an init_module() or finit_module() call may still make a record.
 * Read after a seq was taken from the buffer (modtrace_ring_stats()): if
 * none is open, every such call whose records have lower seqs has ended, and
 * its records are committed or counted lost.
 */
bool modtrace_probes_calls_open(void)
{
	return atomic_read_acquire(&mt_open_calls) != 0;
}

u64 modtrace_probes_nmissed(void)
{
	unsigned int i, j;
	u64 n = 0;

	for (i = 0; i < ARRAY_SIZE(mt_probes); i++)
		for (j = 0; j < mt_probes[i].nr_points; j++)
			n += mt_point_nmissed(&mt_probes[i],
					      &mt_probes[i].points[j]);
	return n;
}

static int mt_put_point(struct sk_buff *skb, const struct mt_probe *p,
			const struct mt_point *pt)
{
	struct nlattr *nest = nla_nest_start(skb, MODTRACE_ATTR_PROBE_STATUS);

	if (!nest ||
	    nla_put_u32(skb, MODTRACE_PROBE_ATTR_ID, p->id) ||
	    nla_put_u32(skb, MODTRACE_PROBE_ATTR_STATE,
			pt && pt->attached ? MODTRACE_PROBE_STATE_ATTACHED :
					     MODTRACE_PROBE_STATE_MISSING) ||
	    nla_put_u64_64bit(skb, MODTRACE_PROBE_ATTR_HITS,
			      pt ? atomic64_read(&pt->hits) : 0,
			      MODTRACE_PROBE_ATTR_PAD) ||
	    nla_put_u64_64bit(skb, MODTRACE_PROBE_ATTR_NMISSED,
			      pt ? mt_point_nmissed(p, pt) : 0,
			      MODTRACE_PROBE_ATTR_PAD))
		return -EMSGSIZE;
	if (pt && pt->attached &&
	    nla_put_string(skb, MODTRACE_PROBE_ATTR_SYMBOL, pt->target->symbol))
		return -EMSGSIZE;
	if (pt && !pt->attached &&
	    nla_put_u32(skb, MODTRACE_PROBE_ATTR_REGISTER_ERROR,
			pt->register_error))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/*
 * One PROBE_STATUS nest per point of the group in use; a probe attached
 * nowhere has one, with the error of the last candidate tried.
 */
int modtrace_probes_put_status(struct sk_buff *skb)
{
	unsigned int i, j;
	int err = 0;

	mutex_lock(&mt_probes_lock);
	for (i = 0; i < ARRAY_SIZE(mt_probes) && !err; i++) {
		const struct mt_probe *p = &mt_probes[i];
		bool any = false;

		for (j = 0; j < p->nr_points; j++)
			any |= p->points[j].attached;
		if (!any) {
			err = mt_put_point(skb, p, p->nr_points ?
					   &p->points[p->nr_points - 1] : NULL);
			continue;
		}
		for (j = 0; j < p->nr_points && !err; j++)
			err = mt_put_point(skb, p, &p->points[j]);
	}
	mutex_unlock(&mt_probes_lock);
	return err;
}

/*
 * What the probe handlers run must not be probed itself: a hit there would
 * re-enter the handlers.
 */
NOKPROBE_SYMBOL(mt_arg);
NOKPROBE_SYMBOL(mt_arg_int);
NOKPROBE_SYMBOL(mt_copy_user_string);
NOKPROBE_SYMBOL(mt_fill_task);
NOKPROBE_SYMBOL(mt_is_syscall);
NOKPROBE_SYMBOL(mt_fill_common);
NOKPROBE_SYMBOL(mt_begin);
NOKPROBE_SYMBOL(mt_commit);
NOKPROBE_SYMBOL(mt_counts_open);
NOKPROBE_SYMBOL(mt_call_closed);
NOKPROBE_SYMBOL(mt_may_defer);
NOKPROBE_SYMBOL(mt_file_claim);
NOKPROBE_SYMBOL(mt_file_release);
NOKPROBE_SYMBOL(mt_file_current);
NOKPROBE_SYMBOL(mt_enter_init);
NOKPROBE_SYMBOL(mt_enter_finit_file);
NOKPROBE_SYMBOL(mt_enter_finit);
NOKPROBE_SYMBOL(mt_copy_version);
NOKPROBE_SYMBOL(mt_enter_do_init);
NOKPROBE_SYMBOL(mt_enter_delete);
NOKPROBE_SYMBOL(mt_self_enter);
NOKPROBE_SYMBOL(mt_self_find);
NOKPROBE_SYMBOL(mt_defer_entry);
NOKPROBE_SYMBOL(mt_enter_request);
NOKPROBE_SYMBOL(mt_entry_handler);
NOKPROBE_SYMBOL(mt_send_deferred);
NOKPROBE_SYMBOL(mt_return_file);
NOKPROBE_SYMBOL(mt_return_handler);
NOKPROBE_SYMBOL(mt_ni_handler);
NOKPROBE_SYMBOL(mt_parse_args_handler);
NOKPROBE_SYMBOL(mt_free_handler);
NOKPROBE_SYMBOL(mt_read_file_handler);
NOKPROBE_SYMBOL(mt_request_name_handler);
NOKPROBE_SYMBOL(mt_umh_exec_handler);
NOKPROBE_SYMBOL(mt_umh_start_handler);
NOKPROBE_SYMBOL(mt_parse_args_attached);
NOKPROBE_SYMBOL(mt_take_args);
NOKPROBE_SYMBOL(mt_drop_args);
