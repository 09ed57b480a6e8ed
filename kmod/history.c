// SPDX-License-Identifier: GPL-2.0
/*
 * The history: the most recent records, kept after they were sent, so that a
 * reader that subscribes later (or again, after a restart) can ask for them
 * (SUBSCRIBE with FROM_SEQ). A fixed pool of history_records entries,
 * allocated at load, each with room for the largest message a record makes;
 * an entry holds the record's message attributes as they were sent.
 *
 * When the pool is full, the entry pushed out is the oldest one of a call
 * that did not load a module; only when every entry held belongs to a load
 * (or to a call still open, whose outcome is not known yet) does the oldest
 * entry go. So a flood of failing calls cannot push a load out of the
 * history. The records of one call are classified by the worker as they pass,
 * by thread, the way the readers' backlogs are (netlink.c): an entry record
 * is "open" until the call's return says whether it loaded a module.
 *
 * Only the worker and the commands touch the history, under the readers'
 * lock (netlink.c); it calls nothing above it.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/list.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <net/netlink.h>

#include "modtrace.h"

/* Calls whose entry is held open, waiting for their return */
#define MT_HIST_OPEN_MAX	64

enum mt_hist_class {
	MT_HIST_OPEN,		/* a syscall entry whose outcome is not known */
	MT_HIST_LOAD,		/* a record of a call that loaded a module */
	MT_HIST_OTHER,		/* anything else: pushed out first */
};

struct mt_hist_entry {
	struct list_head all;	/* on mt_hist.all, oldest first */
	struct list_head other;	/* MT_HIST_OTHER: on mt_hist.other */
	u64 seq;
	u64 ord;		/* the order it was added in, from 1 */
	u32 tid;
	u32 len;		/* bytes of attributes */
	enum mt_hist_class class;
	bool in_init;		/* MT_HIST_OPEN: its call's init ran */
};

static struct {
	struct list_head all;	/* every entry held */
	struct list_head other;	/* the MT_HIST_OTHER ones, oldest first */
	struct list_head free;
	u32 held;
	u64 next_ord;
	u64 added;		/* entries ever added */
	struct mt_hist_entry *entries;
	u8 *data;
	size_t slot;		/* bytes of data per entry */
	unsigned int nr_open;
	struct mt_hist_entry *open[MT_HIST_OPEN_MAX];	/* oldest first */
} mt_hist;

/* The largest message attributes a record makes: one string at most. */
static size_t mt_history_slot_size(void)
{
	return 512 + nla_total_size(modtrace_string_max + 1);
}

int modtrace_history_init(void)
{
	unsigned int i;

	INIT_LIST_HEAD(&mt_hist.all);
	INIT_LIST_HEAD(&mt_hist.other);
	INIT_LIST_HEAD(&mt_hist.free);
	mt_hist.next_ord = 1;
	if (!modtrace_history_records)
		return 0;
	mt_hist.slot = mt_history_slot_size();
	mt_hist.entries = kvcalloc(modtrace_history_records,
				   sizeof(*mt_hist.entries), GFP_KERNEL);
	if (!mt_hist.entries)
		return -ENOMEM;
	mt_hist.data = vmalloc(array_size(modtrace_history_records, mt_hist.slot));
	if (!mt_hist.data) {
		kvfree(mt_hist.entries);
		return -ENOMEM;
	}
	for (i = 0; i < modtrace_history_records; i++)
		list_add_tail(&mt_hist.entries[i].all, &mt_hist.free);
	return 0;
}

void modtrace_history_free(void)
{
	vfree(mt_hist.data);
	kvfree(mt_hist.entries);
}

size_t modtrace_history_bytes(void)
{
	if (!modtrace_history_records)
		return 0;
	return modtrace_history_records * (sizeof(*mt_hist.entries) + mt_hist.slot);
}

static u8 *mt_entry_data(const struct mt_hist_entry *e)
{
	return mt_hist.data + (e - mt_hist.entries) * mt_hist.slot;
}

const void *modtrace_history_data(const struct mt_hist_entry *e, u32 *len)
{
	*len = e->len;
	return mt_entry_data(e);
}

u64 modtrace_history_seq(const struct mt_hist_entry *e)
{
	return e->seq;
}

u64 modtrace_history_ord(const struct mt_hist_entry *e)
{
	return e->ord;
}

struct mt_hist_entry *modtrace_history_first(void)
{
	return list_first_entry_or_null(&mt_hist.all, struct mt_hist_entry,
					all);
}

struct mt_hist_entry *modtrace_history_last(void)
{
	if (list_empty(&mt_hist.all))
		return NULL;
	return list_last_entry(&mt_hist.all, struct mt_hist_entry, all);
}

struct mt_hist_entry *modtrace_history_next(struct mt_hist_entry *e)
{
	if (list_is_last(&e->all, &mt_hist.all))
		return NULL;
	return list_next_entry(e, all);
}

void modtrace_history_stats(struct mt_history_stats *st)
{
	struct mt_hist_entry *first = modtrace_history_first();

	st->held = mt_hist.held;
	st->added = mt_hist.added;
	st->first_seq = first ? first->seq : 0;
}

static void mt_set_class(struct mt_hist_entry *e, enum mt_hist_class class)
{
	if (e->class == MT_HIST_OTHER)
		list_del(&e->other);
	e->class = class;
	if (class == MT_HIST_OTHER)
		list_add_tail(&e->other, &mt_hist.other);
}

static int mt_open_index(u32 tid)
{
	unsigned int i;

	for (i = 0; i < mt_hist.nr_open; i++)
		if (mt_hist.open[i]->tid == tid)
			return i;
	return -1;
}

/* Forget open call @i; its entry becomes @class. */
static void mt_open_close(unsigned int i, enum mt_hist_class class)
{
	mt_set_class(mt_hist.open[i], class);
	memmove(&mt_hist.open[i], &mt_hist.open[i + 1],
		(mt_hist.nr_open - i - 1) * sizeof(mt_hist.open[0]));
	mt_hist.nr_open--;
}

/*
 * The entry that must go for a record to be added, or NULL if there is room
 * (or no history). The caller may look at it, then calls
 * modtrace_history_evict().
 */
struct mt_hist_entry *modtrace_history_victim(void)
{
	if (!modtrace_history_records || !list_empty(&mt_hist.free))
		return NULL;
	if (!list_empty(&mt_hist.other))
		return list_first_entry(&mt_hist.other, struct mt_hist_entry,
					other);
	return modtrace_history_first();
}

void modtrace_history_evict(struct mt_hist_entry *e)
{
	int i;

	if (e->class == MT_HIST_OPEN) {
		i = mt_open_index(e->tid);
		if (i >= 0 && mt_hist.open[i] == e)
			mt_open_close(i, MT_HIST_LOAD);
	}
	if (e->class == MT_HIST_OTHER)
		list_del(&e->other);
	list_move_tail(&e->all, &mt_hist.free);
	mt_hist.held--;
}

/*
 * The class of @rec, and what it tells of the entry of its thread's open
 * call (netlink.c's mt_is_load() decides the same for the backlogs).
 */
static enum mt_hist_class mt_classify(const struct mt_record *rec)
{
	int i = mt_open_index(rec->task.tid);
	bool load;

	switch (rec->type) {
	case MODTRACE_REC_INIT_MODULE_ENTER:
	case MODTRACE_REC_FINIT_MODULE_ENTER:
		/* an entry still open for this thread is from an earlier call */
		if (i >= 0)
			mt_open_close(i, MT_HIST_OTHER);
		return MT_HIST_OPEN;
	case MODTRACE_REC_DO_INIT_ENTER:
	case MODTRACE_REC_DO_INIT_EXIT:
		if (i >= 0)
			mt_hist.open[i]->in_init = true;
		return MT_HIST_LOAD;
	case MODTRACE_REC_INIT_MODULE_EXIT:
	case MODTRACE_REC_FINIT_MODULE_EXIT:
		load = rec->exit.ret == 0 || (i >= 0 && mt_hist.open[i]->in_init);
		if (i >= 0)
			mt_open_close(i, load ? MT_HIST_LOAD : MT_HIST_OTHER);
		return load ? MT_HIST_LOAD : MT_HIST_OTHER;
	default:
		return MT_HIST_OTHER;
	}
}

/*
 * The calls of the open entries with seqs below @seq have ended without a
 * return record (lost to a full buffer): they are loads if their init ran.
 */
void modtrace_history_forget_open(u64 seq)
{
	unsigned int i = 0;

	while (i < mt_hist.nr_open) {
		if (mt_hist.open[i]->seq < seq)
			mt_open_close(i, mt_hist.open[i]->in_init ?
					 MT_HIST_LOAD : MT_HIST_OTHER);
		else
			i++;
	}
}

/*
 * Keep @len bytes of @rec's message attributes at @attrs; call
 * modtrace_history_victim() first and evict what it names.
 */
void modtrace_history_add(const struct mt_record *rec, const void *attrs,
			  u32 len)
{
	struct mt_hist_entry *e;
	enum mt_hist_class class;

	if (!modtrace_history_records)
		return;
	e = list_first_entry_or_null(&mt_hist.free, struct mt_hist_entry,
				     all);
	/* mt_history_slot_size() is too small: a bug */
	if (WARN_ON_ONCE(!e || len > mt_hist.slot))
		return;
	class = mt_classify(rec);
	memcpy(mt_entry_data(e), attrs, len);
	e->len = len;
	e->seq = rec->seq;
	e->ord = mt_hist.next_ord++;
	e->tid = rec->task.tid;
	e->in_init = false;
	e->class = MT_HIST_LOAD;
	list_move_tail(&e->all, &mt_hist.all);
	mt_hist.held++;
	mt_hist.added++;
	if (class == MT_HIST_OPEN) {
		if (mt_hist.nr_open == MT_HIST_OPEN_MAX)
			mt_open_close(0, MT_HIST_OTHER);
		e->class = MT_HIST_OPEN;
		mt_hist.open[mt_hist.nr_open++] = e;
	} else {
		mt_set_class(e, class);
	}
}
