// SPDX-License-Identifier: GPL-2.0
/*
 * The probes: kretprobes on the module syscalls and do_init_module(), and a
 * kprobe on the x86-64 stub for unimplemented syscalls. Each probe tries a
 * list of kernel functions in order and keeps the first it can attach to,
 * because kernels inline or rename them (see the targets below).
 *
 * Handlers run with preemption disabled, and those attached by breakpoint
 * in NMI context: they never sleep, allocate or take a sleeping lock. They
 * copy what they need into a buffer slot (ring.c) and commit it; the worker
 * (netlink.c) does the rest. User memory is read with
 * copy_from_user_nofault(): a pointer that is unmapped or not resident is
 * recorded as unreadable.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/audit.h>
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/kprobes.h>
#include <linux/pid_namespace.h>
#include <linux/ptrace.h>
#include <linux/rcupdate.h>
#include <linux/sched/clock.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <net/netlink.h>

#include "compat.h"
#include "modtrace.h"

/* The obsolete module syscalls, x86-64 numbers */
#define MT_NR_CREATE_MODULE	174
#define MT_NR_GET_KERNEL_SYMS	177
#define MT_NR_QUERY_MODULE	178

/* How a probed function receives the syscall's arguments */
enum mt_style {
	MT_STYLE_ARGS,		/* as its own C arguments */
	MT_STYLE_PT_REGS,	/* a syscall wrapper: one struct pt_regs * */
	MT_STYLE_FILE,		/* idempotent_init_module(file, uargs, flags) */
};

struct mt_target {
	const char *symbol;
	enum mt_style style;
	bool int_ret;		/* returns int: sign-extend the low 32 bits */
};

struct mt_probe {
	u32 id;
	u32 enter_type;		/* enum modtrace_record_type of the entry */
	bool is_ret;		/* kretprobe; else kprobe with @pre */
	kprobe_pre_handler_t pre;
	const struct mt_target *targets;	/* ends with a NULL symbol */
	const struct mt_target *attached;
	int register_error;
	atomic64_t hits;
	struct kretprobe rp;	/* rp.kp alone for a kprobe */
};

/* Bytes of the parameter string kept in a deferred entry */
#define MT_SAVED_STR	256

/* A syscall entry that found the buffer full, kept until the return */
struct mt_saved_entry {
	struct mt_record rec;
	char str[MT_SAVED_STR];	/* mt_rec_str(&rec): must follow it */
};

/* Per call, kept by the kretprobe instance from entry to return */
struct mt_call {
	u64 seq;
	u64 ts;			/* the entry's CLOCK_MONOTONIC time */
	u64 clock;		/* and its local_clock(), for the duration */
	char name[MODULE_NAME_LEN];
	bool deferred;		/* the entry is in @saved, not in the buffer */
	struct mt_saved_entry saved;
};

/*
 * __do_sys_* are the syscall bodies shared by the 64-bit and 32-bit entry
 * points; they are notrace and attach by breakpoint. 6.12 inlines
 * __do_sys_finit_module: its 64-bit wrapper still sees every call, and
 * idempotent_init_module() (6.6+) the calls that passed the syscall's own
 * checks.
 */
static const struct mt_target mt_init_targets[] = {
	{ "__do_sys_init_module", MT_STYLE_ARGS },
	{ "__x64_sys_init_module", MT_STYLE_PT_REGS },
	{ }
};

static const struct mt_target mt_finit_targets[] = {
	{ "__do_sys_finit_module", MT_STYLE_ARGS },
	{ "__x64_sys_finit_module", MT_STYLE_PT_REGS },
	{ "idempotent_init_module", MT_STYLE_FILE, true },
	{ }
};

static const struct mt_target mt_do_init_targets[] = {
	{ "do_init_module", MT_STYLE_ARGS, true },
	{ }
};

static const struct mt_target mt_delete_targets[] = {
	{ "__do_sys_delete_module", MT_STYLE_ARGS },
	{ "__x64_sys_delete_module", MT_STYLE_PT_REGS },
	{ }
};

static const struct mt_target mt_ni_targets[] = {
	{ "__x64_sys_ni_syscall", MT_STYLE_PT_REGS },
	{ }
};

static const struct mt_target mt_parse_args_targets[] = {
	{ "parse_args", MT_STYLE_ARGS },
	{ }
};

static int mt_ni_handler(struct kprobe *kp, struct pt_regs *regs);
static int mt_parse_args_handler(struct kprobe *kp, struct pt_regs *regs);
static void mt_take_args(const struct module *mod, struct mt_record *rec);

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
};

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
	char *buf;		/* nr_slots strings of mt_string_max + 1 */
} mt_args = {
	.lock = __RAW_SPIN_LOCK_UNLOCKED(mt_args.lock),
};

static char *mt_args_buf(unsigned int slot)
{
	return mt_args.buf + slot * ((size_t)mt_string_max + 1);
}

/* Argument @n of the probed call, as the caller of the syscall gave it. */
static unsigned long mt_arg(const struct mt_probe *p, struct pt_regs *regs,
			    unsigned int n)
{
	if (p->attached->style != MT_STYLE_PT_REGS)
		return regs_get_kernel_argument(regs, n);

	/* The wrapper's only argument is the syscall's saved user registers. */
	regs = (struct pt_regs *)regs_get_kernel_argument(regs, 0);
	switch (n) {
	case 0:
		return regs->di;
	case 1:
		return regs->si;
	case 2:
		return regs->dx;
	case 3:
		return regs->r10;
	case 4:
		return regs->r8;
	default:
		return regs->r9;
	}
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

static void mt_fill_task(struct mt_task *t, bool syscall)
{
	struct task_struct *task = current;
	const struct cred *cred;
	struct pid_namespace *pidns;

	t->tgid = task_tgid_nr(task);
	t->tid = task_pid_nr(task);
	/* comm without task_lock(), which sleeps on PREEMPT_RT */
	strscpy(t->comm, task->comm, sizeof(t->comm));
	t->loginuid = from_kuid(&init_user_ns, audit_get_loginuid(task));
	t->sessionid = audit_get_sessionid(task);
	t->abi = syscall ? mt_current_abi() : MODTRACE_ABI_UNSPEC;

	rcu_read_lock();
	t->ppid = task_tgid_nr(rcu_dereference(task->real_parent));
	cred = __task_cred(task);
	t->uid = from_kuid_munged(&init_user_ns, cred->uid);
	t->euid = from_kuid_munged(&init_user_ns, cred->euid);
	t->gid = from_kgid_munged(&init_user_ns, cred->gid);
	t->cgroup_id = mt_task_cgroup_id(task);
	pidns = task_active_pid_ns(task);
	t->pidns_ino = pidns ? pidns->ns.inum : 0;
	t->mntns_ino = mt_mntns_inum(task);
	rcu_read_unlock();
}

static void mt_fill_common(const struct mt_probe *p, struct mt_record *rec,
			   u64 ts)
{
	rec->probe = p->id;
	rec->ts = ts;
	rec->cpu = raw_smp_processor_id();
	mt_fill_task(&rec->task, p->id != MODTRACE_PROBE_DO_INIT_MODULE);
}

/*
 * Reserve a slot for @p's record of @type and fill the common part, @ts
 * (CLOCK_MONOTONIC) included.
 * @for_load: a record of a module load, which may use the reserved slots.
 */
static struct mt_record *mt_begin(const struct mt_probe *p, u32 type,
				  bool for_load, bool may_defer, u64 *seq,
				  u64 ts)
{
	struct mt_record *rec;

	rec = mt_ring_reserve(type, for_load, may_defer, seq);
	if (rec)
		mt_fill_common(p, rec, ts);
	return rec;
}

/* The probes whose entry is worth keeping for a call that succeeds */
static bool mt_may_defer(const struct mt_probe *p)
{
	return p->id == MODTRACE_PROBE_INIT_MODULE ||
	       p->id == MODTRACE_PROBE_FINIT_MODULE;
}

static void mt_enter_init(const struct mt_probe *p, struct pt_regs *regs,
			  struct mt_record *rec, size_t str_size)
{
	rec->init.len = mt_arg(p, regs, 1);
	rec->has_str = mt_copy_user_string(mt_rec_str(rec),
					   (const char __user *)mt_arg(p, regs, 2),
					   str_size, &rec->flags,
					   MODTRACE_RECORD_F_PARAMS_TRUNCATED,
					   MODTRACE_RECORD_F_PARAMS_UNREADABLE);
}

/*
 * @str_size: room for the parameter string
 * @with_file: take a reference to the file for the worker (not for an entry
 * kept in a kretprobe instance, which is freed without us at unload)
 */
static void mt_enter_finit(const struct mt_probe *p, struct pt_regs *regs,
			   struct mt_record *rec, size_t str_size,
			   bool with_file)
{
	struct file *file = NULL;

	if (!with_file) {
		if (p->attached->style != MT_STYLE_FILE) {
			rec->finit.fd = (int)mt_arg(p, regs, 0);
			rec->finit.has_fd = true;
		}
	} else if (p->attached->style == MT_STYLE_FILE) {
		file = (struct file *)mt_arg(p, regs, 0);
		if (file)
			get_file(file);
	} else {
		rec->finit.fd = (int)mt_arg(p, regs, 0);
		rec->finit.has_fd = true;
		/* fget() is RCU and atomics only: fine in NMI context. */
		file = fget(rec->finit.fd);
	}
	if (file) {
		struct inode *inode = file_inode(file);

		rec->finit.file = file;
		rec->finit.ino = inode->i_ino;
		rec->finit.dev = new_encode_dev(inode->i_sb->s_dev);
	} else {
		rec->flags |= MODTRACE_RECORD_F_PATH_UNAVAILABLE;
	}
	rec->finit.flags = (u32)mt_arg(p, regs, 2);
	rec->has_str = mt_copy_user_string(mt_rec_str(rec),
					   (const char __user *)mt_arg(p, regs, 1),
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
static void mt_enter_do_init(const struct mt_probe *p, struct pt_regs *regs,
			     struct mt_record *rec, struct mt_call *call)
{
	const struct module *mod = (const struct module *)mt_arg(p, regs, 0);
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

static void mt_enter_delete(const struct mt_probe *p, struct pt_regs *regs,
			    struct mt_record *rec)
{
	mt_copy_user_string(rec->del.name,
			    (const char __user *)mt_arg(p, regs, 0),
			    sizeof(rec->del.name), &rec->flags,
			    MODTRACE_RECORD_F_NAME_TRUNCATED,
			    MODTRACE_RECORD_F_NAME_UNREADABLE);
	rec->del.flags = (u32)mt_arg(p, regs, 1);
}

/*
 * The buffer is full: keep a syscall entry in the kretprobe instance, to be
 * sent before the return if the call succeeds (mt_send_deferred()).
 */
static void mt_defer_entry(const struct mt_probe *p, struct pt_regs *regs,
			   struct mt_call *call)
{
	struct mt_record *rec = &call->saved.rec;

	BUILD_BUG_ON(offsetof(struct mt_saved_entry, str) !=
		     sizeof(struct mt_record));
	memset(rec, 0, sizeof(*rec));
	rec->seq = call->seq;
	rec->type = p->enter_type;
	mt_fill_common(p, rec, call->ts);
	if (p->id == MODTRACE_PROBE_INIT_MODULE)
		mt_enter_init(p, regs, rec, MT_SAVED_STR);
	else
		mt_enter_finit(p, regs, rec, MT_SAVED_STR, false);
	rec->flags |= MODTRACE_RECORD_F_DEFERRED;
	call->deferred = true;
}

static int mt_entry_handler(struct kretprobe_instance *ri,
			    struct pt_regs *regs)
{
	struct mt_probe *p = container_of(get_kretprobe(ri), struct mt_probe,
					  rp);
	struct mt_call *call = (struct mt_call *)ri->data;
	bool may_defer = mt_may_defer(p);
	struct mt_record *rec;

	atomic64_inc(&p->hits);
	call->seq = 0;
	call->deferred = false;
	call->name[0] = '\0';
	/*
	 * The clocksource is read once per call, here: the return takes its
	 * time from local_clock() (sched_clock), which is cheap where the
	 * clocksource is not (HPET, acpi_pm: an I/O access per read).
	 */
	call->ts = ktime_get_mono_fast_ns();
	call->clock = local_clock();
	rec = mt_begin(p, p->enter_type,
		       p->id == MODTRACE_PROBE_DO_INIT_MODULE, may_defer,
		       &call->seq, call->ts);
	if (!rec) {
		if (may_defer && call->seq) {
			mt_defer_entry(p, regs, call);
		} else if (p->id == MODTRACE_PROBE_DO_INIT_MODULE) {
			const struct module *mod;

			mod = (const struct module *)mt_arg(p, regs, 0);
			strscpy(call->name, mod->name, sizeof(call->name));
		}
		return 0;
	}

	switch (p->id) {
	case MODTRACE_PROBE_INIT_MODULE:
		mt_enter_init(p, regs, rec, mt_string_max + 1);
		break;
	case MODTRACE_PROBE_FINIT_MODULE:
		mt_enter_finit(p, regs, rec, mt_string_max + 1, true);
		break;
	case MODTRACE_PROBE_DO_INIT_MODULE:
		mt_enter_do_init(p, regs, rec, call);
		break;
	case MODTRACE_PROBE_DELETE_MODULE:
		mt_enter_delete(p, regs, rec);
		break;
	}
	mt_ring_commit(rec);
	return 0;
}

/* Send a deferred entry, with its own seq, from the reserved slots. */
static void mt_send_deferred(struct mt_call *call)
{
	struct mt_record *saved = &call->saved.rec;
	struct mt_record *rec;
	u64 seq = call->seq;

	rec = mt_ring_reserve(saved->type, true, false, &seq);
	if (!rec)
		return;
	memcpy(rec, saved, sizeof(*rec));
	strscpy(mt_rec_str(rec), call->saved.str, mt_string_max + 1);
	mt_ring_commit(rec);
}

static int mt_return_handler(struct kretprobe_instance *ri,
			     struct pt_regs *regs)
{
	struct mt_probe *p = container_of(get_kretprobe(ri), struct mt_probe,
					  rp);
	struct mt_call *call = (struct mt_call *)ri->data;
	unsigned long raw = regs_return_value(regs);
	s64 ret = p->attached->int_ret ? (s64)(int)raw : (s64)(long)raw;
	s64 elapsed = (s64)(local_clock() - call->clock);
	struct mt_record *rec;
	u64 seq = 0;

	/* local_clock() of another CPU, if the call moved, may lag a little */
	if (elapsed < 0)
		elapsed = 0;
	if (call->deferred) {
		if (ret == 0)
			mt_send_deferred(call);
		else
			mt_ring_count_lost();
	}
	/* A load that worked, or any init, may use the reserved slots. */
	rec = mt_begin(p, p->enter_type + 1,
		       ret == 0 || p->id == MODTRACE_PROBE_DO_INIT_MODULE,
		       false, &seq, call->ts + elapsed);
	if (!rec)
		return 0;
	rec->exit.ret = ret;
	rec->exit.entry_seq = call->seq;
	rec->exit.duration = elapsed;
	strscpy(rec->exit.name, call->name, sizeof(rec->exit.name));
	mt_ring_commit(rec);
	return 0;
}

static int mt_ni_handler(struct kprobe *kp, struct pt_regs *regs)
{
	struct mt_probe *p = container_of(kp, struct mt_probe, rp.kp);
	const struct pt_regs *user;
	struct mt_record *rec;
	unsigned int i;
	u64 seq = 0;
	u32 nr;

	atomic64_inc(&p->hits);
	user = (const struct pt_regs *)regs_get_kernel_argument(regs, 0);
	nr = (u32)user->orig_ax & ~MT_X32_SYSCALL_BIT;
	if (nr != MT_NR_CREATE_MODULE && nr != MT_NR_GET_KERNEL_SYMS &&
	    nr != MT_NR_QUERY_MODULE)
		return 0;

	rec = mt_begin(p, MODTRACE_REC_OBSOLETE_SYSCALL, false, false, &seq,
		       ktime_get_mono_fast_ns());
	if (!rec)
		return 0;
	rec->obsolete.nr = nr;
	for (i = 0; i < MT_NR_SYSCALL_ARGS; i++)
		rec->obsolete.args[i] = mt_arg(p, regs, i);
	mt_ring_commit(rec);
	return 0;
}

/* Neither handler below runs in NMI context: both functions are traceable. */
static int mt_parse_args_handler(struct kprobe *kp, struct pt_regs *regs)
{
	struct mt_probe *p = container_of(kp, struct mt_probe, rp.kp);
	const char *doing = (const char *)mt_arg(p, regs, 0);
	const char *args = (const char *)mt_arg(p, regs, 1);
	unsigned int i, slot = 0;
	unsigned long flags;

	atomic64_inc(&p->hits);
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
					  mt_string_max + 1) < 0;
	raw_spin_unlock_irqrestore(&mt_args.lock, flags);
	return 0;
}

static bool mt_parse_args_attached(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(mt_probes); i++)
		if (mt_probes[i].id == MODTRACE_PROBE_PARSE_ARGS)
			return mt_probes[i].attached;
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
		strscpy(mt_rec_str(rec), mt_args_buf(i), mt_string_max + 1);
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

/* How many calls of one kind the probes follow at once. */
static unsigned int mt_in_flight(void)
{
	return max_t(unsigned int, 64, 4 * num_possible_cpus());
}

static int mt_alloc_args(void)
{
	unsigned int n = mt_in_flight();

	mt_args.key = kcalloc(n, sizeof(*mt_args.key), GFP_KERNEL);
	mt_args.stamp = kcalloc(n, sizeof(*mt_args.stamp), GFP_KERNEL);
	mt_args.truncated = kcalloc(n, sizeof(*mt_args.truncated), GFP_KERNEL);
	mt_args.buf = kvcalloc(n, (size_t)mt_string_max + 1, GFP_KERNEL);
	if (!mt_args.key || !mt_args.stamp || !mt_args.truncated ||
	    !mt_args.buf)
		return -ENOMEM;
	mt_args.nr_slots = n;
	return 0;
}

static void mt_free_args(void)
{
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

static int mt_probe_try(struct mt_probe *p, const struct mt_target *t)
{
	memset(&p->rp, 0, sizeof(p->rp));
	p->rp.kp.symbol_name = t->symbol;
	/* mt_arg() needs to know the style before the first hit. */
	p->attached = t;
	if (!p->is_ret) {
		p->rp.kp.pre_handler = p->pre;
		return register_kprobe(&p->rp.kp);
	}
	p->rp.entry_handler = mt_entry_handler;
	p->rp.handler = mt_return_handler;
	p->rp.data_size = sizeof(struct mt_call);
	/*
	 * An instance is held for the whole call: a module whose init sleeps
	 * holds two. Enough for many concurrent loads; the rest count as
	 * missed.
	 */
	p->rp.maxactive = mt_in_flight();
	return register_kretprobe(&p->rp);
}

static void mt_probe_unregister(struct mt_probe *p)
{
	if (!p->attached)
		return;
	if (p->is_ret)
		unregister_kretprobe(&p->rp);
	else
		unregister_kprobe(&p->rp.kp);
	p->attached = NULL;
}

int mt_probes_register(void)
{
	const struct mt_target *t;
	unsigned int i, attached = 0;
	int err;

	if (mt_alloc_args()) {
		mt_free_args();
		return -ENOMEM;
	}
	for (i = 0; i < ARRAY_SIZE(mt_probes); i++) {
		struct mt_probe *p = &mt_probes[i];

		atomic64_set(&p->hits, 0);
		p->register_error = 0;
		for (t = p->targets; t->symbol; t++) {
			err = mt_probe_try(p, t);
			if (!err)
				break;
			p->attached = NULL;
			p->register_error = -err;
		}
		if (p->attached) {
			attached++;
			pr_debug("probe %u on %s\n", p->id, p->attached->symbol);
		} else {
			pr_warn("probe %u attached nowhere (error %d): not recorded\n",
				p->id, -p->register_error);
		}
	}
	if (!attached) {
		pr_err("no probe could be attached\n");
		mt_free_args();
		return -ENOENT;
	}
	return 0;
}

void mt_probes_unregister(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(mt_probes); i++)
		mt_probe_unregister(&mt_probes[i]);
	mt_free_args();
}

static u64 mt_probe_nmissed(const struct mt_probe *p)
{
	u64 n = p->rp.kp.nmissed;

	if (p->is_ret)
		n += p->rp.nmissed;
	return n;
}

u64 mt_probes_nmissed(void)
{
	unsigned int i;
	u64 n = 0;

	for (i = 0; i < ARRAY_SIZE(mt_probes); i++)
		n += mt_probe_nmissed(&mt_probes[i]);
	return n;
}

int mt_probes_put_status(struct sk_buff *skb)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(mt_probes); i++) {
		const struct mt_probe *p = &mt_probes[i];
		struct nlattr *nest;

		nest = nla_nest_start(skb, MODTRACE_ATTR_PROBE_STATUS);
		if (!nest)
			return -EMSGSIZE;
		if (nla_put_u32(skb, MODTRACE_PROBE_ATTR_ID, p->id) ||
		    nla_put_u32(skb, MODTRACE_PROBE_ATTR_STATE,
				p->attached ? MODTRACE_PROBE_STATE_ATTACHED :
					      MODTRACE_PROBE_STATE_MISSING) ||
		    nla_put_u64_64bit(skb, MODTRACE_PROBE_ATTR_HITS,
				      atomic64_read(&p->hits),
				      MODTRACE_PROBE_ATTR_PAD) ||
		    nla_put_u64_64bit(skb, MODTRACE_PROBE_ATTR_NMISSED,
				      mt_probe_nmissed(p),
				      MODTRACE_PROBE_ATTR_PAD))
			return -EMSGSIZE;
		if (p->attached &&
		    nla_put_string(skb, MODTRACE_PROBE_ATTR_SYMBOL,
				   p->attached->symbol))
			return -EMSGSIZE;
		if (!p->attached &&
		    nla_put_u32(skb, MODTRACE_PROBE_ATTR_REGISTER_ERROR,
				p->register_error))
			return -EMSGSIZE;
		nla_nest_end(skb, nest);
	}
	return 0;
}
