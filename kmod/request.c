// SPDX-License-Identifier: GPL-2.0
/*
 * Module requests: which task made the kernel run modprobe.
 *
 * __request_module() formats the name, asks the security hook, and hands
 * call_usermodehelper_exec() a struct subprocess_info whose argv runs
 * modprobe. The kernel's usermode helper starts a new task, a child of a
 * kernel thread, whose first function, call_usermodehelper_exec_async(), is
 * given that same subprocess_info. So a request is followed through four
 * probes (probes.c): the kretprobe on __request_module() claims a slot for
 * the calling thread, the security hook's probe copies the name, the probe
 * on call_usermodehelper_exec() notes the subprocess_info, and the probe on
 * the helper's first function finds the slot holding it and ties the new
 * task to it. Every record made by that task or a descendant of it (found
 * by walking real_parent) carries the request (MODTRACE_ATTR_REQUEST).
 *
 * A helper is known by its task pointer and its start time together: the
 * pointer alone could be a later task's, and neither is ever followed, only
 * compared with the tasks a record's thread descends from, which are alive.
 * A slot stays after its request returned, for the helpers that outlive it
 * (request_module_nowait(), descendants of modprobe), until a new request
 * needs it: the oldest finished one is taken. A request that finds every
 * slot in progress is counted (MODTRACE_COUNTER_ATTR_REQUEST_UNKEPT).
 *
 * The slots are guarded by a raw spinlock. The four probes attach through
 * ftrace (their functions are traceable) and take it normally; the lookup
 * also runs in probes attached by breakpoint, in NMI context, and there
 * only tries it, within a bound, like the buffer (ring.c).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/hardirq.h>
#include <linux/kprobes.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/umh.h>

#include "modtrace.h"

#define MT_REQUEST_SLOTS	64
/* Ancestors looked at for a helper: modprobe's children's children, and more */
#define MT_REQUEST_DEPTH	16
#define MT_REQUEST_SPIN_LIMIT	BIT(20)

enum mt_request_state {
	MT_REQ_FREE,
	MT_REQ_OPEN,		/* in __request_module(), @requester's */
	MT_REQ_DONE,		/* returned; kept for its helper */
};

struct mt_request_slot {
	enum mt_request_state state;
	struct task_struct *requester;	/* compared only */
	const void *sub_info;		/* until its helper starts */
	const struct task_struct *helper;	/* compared only, NULL: none */
	u64 helper_start;		/* its start_time */
	u64 stamp;			/* for taking the oldest */
	struct mt_request_info info;
};

static struct {
	raw_spinlock_t lock;	/* guards everything below */
	u64 next_stamp;
	unsigned int helpers;	/* slots with a helper */
	struct mt_request_slot slots[MT_REQUEST_SLOTS];
} mt_req = {
	.lock = __RAW_SPIN_LOCK_UNLOCKED(mt_req.lock),
};

static atomic64_t mt_request_unkept = ATOMIC64_INIT(0);

/* The open slot of the current thread, under the lock */
static struct mt_request_slot *mt_request_current(void)
{
	unsigned int i;

	for (i = 0; i < MT_REQUEST_SLOTS; i++)
		if (mt_req.slots[i].state == MT_REQ_OPEN &&
		    mt_req.slots[i].requester == current)
			return &mt_req.slots[i];
	return NULL;
}

static void mt_request_clear(struct mt_request_slot *slot)
{
	if (slot->helper)
		mt_req.helpers--;
	slot->helper = NULL;
	slot->sub_info = NULL;
	slot->state = MT_REQ_FREE;
}

/*
 * __request_module() entry, after its record took @seq: @t is the
 * requester. Claims a free slot, else the oldest finished one.
 */
void modtrace_request_enter(u64 seq, const struct mt_task *t)
{
	struct mt_request_slot *slot = NULL;
	unsigned long flags;
	unsigned int i;

	raw_spin_lock_irqsave(&mt_req.lock, flags);
	for (i = 0; i < MT_REQUEST_SLOTS; i++) {
		struct mt_request_slot *s = &mt_req.slots[i];

		if (s->state == MT_REQ_FREE) {
			slot = s;
			break;
		}
		if (s->state == MT_REQ_DONE &&
		    (!slot || s->stamp < slot->stamp))
			slot = s;
	}
	if (!slot) {
		raw_spin_unlock_irqrestore(&mt_req.lock, flags);
		atomic64_inc(&mt_request_unkept);
		return;
	}
	mt_request_clear(slot);
	slot->state = MT_REQ_OPEN;
	slot->requester = current;
	slot->stamp = ++mt_req.next_stamp;
	slot->info.seq = seq;
	slot->info.tgid = t->tgid;
	slot->info.tid = t->tid;
	slot->info.uid = t->uid;
	memcpy(slot->info.comm, t->comm, sizeof(slot->info.comm));
	slot->info.name[0] = '\0';
	raw_spin_unlock_irqrestore(&mt_req.lock, flags);
}

/*
 * The name the current thread's request asks for, from the security hook
 * or, if @only_if_none, from the helper's argv when the hook gave none.
 */
void modtrace_request_name(const char *name, bool only_if_none)
{
	struct mt_request_slot *slot;
	unsigned long flags;

	if (!name)
		return;
	raw_spin_lock_irqsave(&mt_req.lock, flags);
	slot = mt_request_current();
	if (slot && !(only_if_none && slot->info.name[0]))
		strscpy(slot->info.name, name, sizeof(slot->info.name));
	raw_spin_unlock_irqrestore(&mt_req.lock, flags);
}

/* call_usermodehelper_exec(@sub_info, ...) entry */
void modtrace_request_umh(const struct subprocess_info *sub_info)
{
	struct mt_request_slot *slot;
	unsigned long flags;

	raw_spin_lock_irqsave(&mt_req.lock, flags);
	slot = mt_request_current();
	if (slot && !slot->sub_info && !slot->helper)
		slot->sub_info = sub_info;
	raw_spin_unlock_irqrestore(&mt_req.lock, flags);
	/* call_modprobe()'s argv: {modprobe_path, "-q", "--", name, NULL} */
	if (slot && sub_info->argv && sub_info->argv[0] && sub_info->argv[1] &&
	    sub_info->argv[2] && !strcmp(sub_info->argv[2], "--"))
		modtrace_request_name(sub_info->argv[3], true);
}

/* call_usermodehelper_exec_async(@data) entry, in the new task */
void modtrace_request_helper(const void *data)
{
	unsigned long flags;
	unsigned int i;

	raw_spin_lock_irqsave(&mt_req.lock, flags);
	for (i = 0; i < MT_REQUEST_SLOTS; i++) {
		struct mt_request_slot *s = &mt_req.slots[i];

		if (s->state != MT_REQ_OPEN || !s->sub_info ||
		    s->sub_info != data)
			continue;
		s->sub_info = NULL;
		s->helper = current;
		s->helper_start = current->start_time;
		mt_req.helpers++;
		break;
	}
	raw_spin_unlock_irqrestore(&mt_req.lock, flags);
}

/*
 * __request_module() returns: copy the name into @name (MODULE_NAME_LEN
 * bytes, "" if unknown) and close the slot, which stays if a helper was
 * tied to it.
 */
void modtrace_request_exit(char *name)
{
	struct mt_request_slot *slot;
	unsigned long flags;

	name[0] = '\0';
	raw_spin_lock_irqsave(&mt_req.lock, flags);
	slot = mt_request_current();
	if (slot) {
		strscpy(name, slot->info.name, MODULE_NAME_LEN);
		slot->sub_info = NULL;
		if (slot->helper)
			slot->state = MT_REQ_DONE;
		else
			mt_request_clear(slot);
	}
	raw_spin_unlock_irqrestore(&mt_req.lock, flags);
}

static struct mt_request_slot *mt_request_helper_slot(const struct task_struct *t)
{
	unsigned int i;

	for (i = 0; i < MT_REQUEST_SLOTS; i++) {
		struct mt_request_slot *s = &mt_req.slots[i];

		if (s->helper == t && s->helper_start == t->start_time)
			return s;
	}
	return NULL;
}

/*
 * Whether the current thread is a request's helper or descends from one:
 * if so, the request into @info. Sets MODTRACE_RECORD_F_REQUEST_UNKNOWN in
 * @flags when it could not look.
 */
bool modtrace_request_of_current(struct mt_request_info *info, u32 *flags)
{
	const struct task_struct *t = current;
	struct mt_request_slot *slot = NULL;
	unsigned long irqflags;
	unsigned int depth;

	if (!READ_ONCE(mt_req.helpers))
		return false;
	if (in_nmi()) {
		unsigned int spins = 0;

		while (!raw_spin_trylock_irqsave(&mt_req.lock, irqflags)) {
			if (++spins == MT_REQUEST_SPIN_LIMIT) {
				*flags |= MODTRACE_RECORD_F_REQUEST_UNKNOWN;
				return false;
			}
			cpu_relax();
		}
	} else {
		raw_spin_lock_irqsave(&mt_req.lock, irqflags);
	}
	rcu_read_lock();
	for (depth = 0; depth < MT_REQUEST_DEPTH && mt_req.helpers; depth++) {
		const struct task_struct *parent;

		slot = mt_request_helper_slot(t);
		if (slot)
			break;
		parent = rcu_dereference(t->real_parent);
		if (parent == t || !parent->pid)
			break;
		t = parent;
	}
	rcu_read_unlock();
	if (slot)
		*info = slot->info;
	raw_spin_unlock_irqrestore(&mt_req.lock, irqflags);
	return slot;
}

u64 modtrace_request_unkept(void)
{
	return atomic64_read(&mt_request_unkept);
}

NOKPROBE_SYMBOL(mt_request_current);
NOKPROBE_SYMBOL(mt_request_clear);
NOKPROBE_SYMBOL(modtrace_request_enter);
NOKPROBE_SYMBOL(modtrace_request_name);
NOKPROBE_SYMBOL(modtrace_request_umh);
NOKPROBE_SYMBOL(modtrace_request_helper);
NOKPROBE_SYMBOL(modtrace_request_exit);
NOKPROBE_SYMBOL(mt_request_helper_slot);
NOKPROBE_SYMBOL(modtrace_request_of_current);
