// SPDX-License-Identifier: GPL-2.0
/*
 * Modules that hide after their load: a table of the modules that came
 * live since modtrace loaded (MODULE_STATE_LIVE notifier, in the loading
 * task), each with what a HIDDEN_MODULE record tells (name, when it came
 * live, who loaded it), removed as the module goes (MODULE_STATE_GOING).
 * A reader's CHECK_HIDDEN looks at each again and reports the places one
 * is newly missing from.
 *
 * The struct module * an entry holds stays valid for as long as the entry
 * is in the table: the kernel frees a live module only in delete_module(),
 * which calls the GOING notifiers first (a failed init frees a module that
 * never came live). A module that took itself off the module list cannot
 * even be found by delete_module(); one that left sysfs can, and goes
 * through GOING all the same. The table's mutex orders the notifiers and
 * the checks.
 *
 * Where a module is missing from is read as image.c's load-time check does
 * it: walking the list from modtrace's own entry, never through the
 * module's own pointers, and the kobject's state_in_sysfs. Live patches are
 * modules like the others: the livepatch core neither unlinks nor removes
 * them from sysfs, so they are not found missing.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/rcupdate.h>
#include <linux/sched/clock.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>

#include "modtrace.h"

#define MT_LIVE_MAX	512

struct mt_live {
	struct module *mod;	/* NULL: the entry is free */
	u64 ts;			/* came live, CLOCK_MONOTONIC */
	u32 reported;		/* MODTRACE_HIDDEN_F_*: reported already */
	struct mt_task task;	/* the loader, as the module came live */
	char name[MODULE_NAME_LEN];
};

static struct mt_live *mt_lives;
static unsigned int mt_nr_lives;
static DEFINE_MUTEX(mt_lives_lock);	/* guards the table and counters */
static u64 mt_hidden_checks;
static u64 mt_hidden_untracked;

/*
 * Whether @mod can be reached on the kernel's module list. Walked under RCU
 * from modtrace's own entry, which is on it for as long as modtrace is
 * loaded: every pointer followed is that of an entry on the list (or its
 * head), which list_del_rcu() and the RCU grace period before a module is
 * freed keep valid. A module that unlinked itself is not reached, whatever
 * its own pointers hold (poison, itself, stale neighbours), and they are
 * never followed; one that loads or unloads meanwhile changes nothing.
 * Only a module that unlinks itself while the walk stands on its entry is
 * followed (list_del() poisons its pointers then): that is caught.
 */
static bool mt_on_module_list(struct module *mod)
{
	struct list_head *head = &THIS_MODULE->list, *p;
	unsigned int left = 1U << 16;	/* a bound, should the list be corrupt */
	bool found = false;

	rcu_read_lock();
	for (p = rcu_dereference(list_next_rcu(head)); p != head && left;
	     p = rcu_dereference(list_next_rcu(p)), left--) {
		/*
		 * An entry list_del() poisoned while we stood on it (a module
		 * hiding now, without the kernel's lock): start again.
		 */
		if (p == LIST_POISON1 || p == LIST_POISON2) {
			p = head;
			continue;
		}
		if (p == &mod->list) {
			found = true;
			break;
		}
	}
	rcu_read_unlock();
	return found || mod == THIS_MODULE;
}

/* Where @mod, which the caller keeps from being freed, is missing from */
u32 modtrace_hidden_from(struct module *mod)
{
	u32 from = 0;

	if (!mt_on_module_list(mod))
		from |= MODTRACE_HIDDEN_F_MODULE_LIST;
	if (!mod->mkobj.kobj.state_in_sysfs)
		from |= MODTRACE_HIDDEN_F_SYSFS;
	return from;
}

static void mt_live_add(struct module *mod)
{
	struct mt_live *e = NULL;
	unsigned int i;

	mutex_lock(&mt_lives_lock);
	for (i = 0; i < MT_LIVE_MAX && !e; i++)
		if (!mt_lives[i].mod)
			e = &mt_lives[i];
	if (!e) {
		mt_hidden_untracked++;
		goto out;
	}
	e->mod = mod;
	e->ts = ktime_get_mono_fast_ns();
	/* what the load's return reports (HIDDEN_FROM) is not told again */
	e->reported = modtrace_hidden_from(mod);
	modtrace_task_fill(&e->task);
	strscpy(e->name, mod->name, sizeof(e->name));
	mt_nr_lives++;
out:
	mutex_unlock(&mt_lives_lock);
}

static void mt_live_remove(struct module *mod)
{
	unsigned int i;

	mutex_lock(&mt_lives_lock);
	for (i = 0; i < MT_LIVE_MAX; i++) {
		if (mt_lives[i].mod == mod) {
			mt_lives[i].mod = NULL;
			mt_nr_lives--;
			break;
		}
	}
	mutex_unlock(&mt_lives_lock);
}

static int mt_live_event(struct notifier_block *nb, unsigned long state,
			 void *data)
{
	if (state == MODULE_STATE_LIVE)
		mt_live_add(data);
	else if (state == MODULE_STATE_GOING)
		mt_live_remove(data);
	return NOTIFY_DONE;
}

static struct notifier_block mt_live_nb = {
	.notifier_call = mt_live_event,
};

/* A HIDDEN_MODULE record of @e, missing from @from; false if it is lost */
static bool mt_report(const struct mt_live *e, u32 from)
{
	struct mt_record *rec;
	u64 seq = 0;

	rec = modtrace_ring_reserve(MODTRACE_REC_HIDDEN_MODULE, true, false,
				    &seq);
	if (!rec)
		return false;
	rec->clock = local_clock();
	rec->cpu = raw_smp_processor_id();
	rec->task = e->task;
	strscpy(rec->hidden.name, e->name, sizeof(rec->hidden.name));
	rec->hidden.from = from;
	rec->hidden.load_ts = e->ts;
	modtrace_kick(modtrace_ring_commit(rec));
	return true;
}

/*
 * CHECK_HIDDEN, in the requester's context. A module found missing from a
 * place not reported yet gets a record; one whose record is lost (buffer
 * full: the seq shows the loss) is reported again by the next check.
 */
void modtrace_hidden_check(void)
{
	unsigned int i;

	mutex_lock(&mt_lives_lock);
	mt_hidden_checks++;
	for (i = 0; i < MT_LIVE_MAX; i++) {
		struct mt_live *e = &mt_lives[i];
		u32 from;

		/* unloading: off the list and out of sysfs soon, rightly */
		if (!e->mod || e->mod->state != MODULE_STATE_LIVE)
			continue;
		from = modtrace_hidden_from(e->mod);
		if ((from & ~e->reported) && mt_report(e, from))
			e->reported |= from;
	}
	mutex_unlock(&mt_lives_lock);
}

void modtrace_hidden_stats(struct mt_hidden_stats *st)
{
	mutex_lock(&mt_lives_lock);
	st->tracked = mt_nr_lives;
	st->checks = mt_hidden_checks;
	st->untracked = mt_hidden_untracked;
	mutex_unlock(&mt_lives_lock);
}

int modtrace_hidden_init(void)
{
	int err;

	mt_lives = kvcalloc(MT_LIVE_MAX, sizeof(*mt_lives), GFP_KERNEL);
	if (!mt_lives)
		return -ENOMEM;
	err = register_module_notifier(&mt_live_nb);
	if (err) {
		kvfree(mt_lives);
		mt_lives = NULL;
	}
	return err;
}

/* Once no command can run: the family is gone. */
void modtrace_hidden_exit(void)
{
	unregister_module_notifier(&mt_live_nb);
	kvfree(mt_lives);
	mt_lives = NULL;
	mt_nr_lives = 0;
}
