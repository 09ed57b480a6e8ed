// SPDX-License-Identifier: GPL-2.0
/*
 * The record buffer between the probes and the worker: a fixed array of
 * slots allocated at load. A probe reserves a slot and a sequence number
 * under a raw spinlock, fills the slot without the lock and commits it; the
 * worker consumes slots strictly in the order they were handed out, which is
 * seq order.
 *
 * A raw spinlock because probe handlers run with preemption disabled, where
 * PREEMPT_RT's sleeping spinlock_t must not be taken. It only guards index
 * and counter updates, never a copy.
 *
 * Probes on functions ftrace cannot trace (the __do_sys_* bodies) run from
 * the int3 handler, which x86 treats as NMI context: there the lock is only
 * taken with trylock, as lockdep requires. The holder is then always another
 * CPU (no code that holds the lock runs a probed function), so spinning on
 * trylock ends quickly; the bound is only a safety net, and a hit that
 * reaches it is counted as busy (it has no sequence number).
 *
 * The buffer knows nothing of its consumers: modtrace_ring_commit() only says
 * whether the worker is wanted at once, and the probes kick it.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/file.h>
#include <linux/hardirq.h>
#include <linux/kprobes.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "modtrace.h"

#define MT_NMI_SPIN_LIMIT	BIT(20)
/* records waiting that have the worker started at once, at most */
#define MT_RING_HURRY	256

enum mt_slot_state {
	MT_SLOT_FREE,
	MT_SLOT_FILLING,
	MT_SLOT_READY,
};

static struct {
	raw_spinlock_t lock;	/* guards head, tail, used, next_seq, queued */
	u32 head;		/* next slot to hand out */
	u32 tail;		/* oldest slot not yet consumed */
	u32 used;		/* written under the lock, read without by modtrace_ring_commit() */
	u64 next_seq;
	u64 queued;
	/*
	 * Records dropped for want of a slot. Counted under the lock when the
	 * seq is given out, so that next_seq and lost read together say which
	 * losses concern which seqs (a reader subscribing in between).
	 */
	atomic64_t lost;
	atomic64_t busy;	/* hits dropped: no lock in NMI context */
	u32 *state;		/* enum mt_slot_state, per slot */
	u8 *slots;
	size_t stride;
} mt_ring = {
	.lock = __RAW_SPIN_LOCK_UNLOCKED(mt_ring.lock),
};

static size_t mt_str_size(void)
{
	return (size_t)modtrace_string_max + 1;
}

int modtrace_ring_init(void)
{
	mt_ring.stride = ALIGN(sizeof(struct mt_record) + mt_str_size(),
			       sizeof(u64));
	mt_ring.slots = vzalloc(array_size(modtrace_buffer_records, mt_ring.stride));
	if (!mt_ring.slots)
		return -ENOMEM;
	mt_ring.state = kvcalloc(modtrace_buffer_records, sizeof(*mt_ring.state),
				 GFP_KERNEL);
	if (!mt_ring.state) {
		vfree(mt_ring.slots);
		return -ENOMEM;
	}
	mt_ring.next_seq = 1;
	return 0;
}

static struct mt_record *mt_slot(u32 idx)
{
	return (struct mt_record *)(mt_ring.slots + idx * mt_ring.stride);
}

/* The records hold no references: whatever is left is only memory. */
void modtrace_ring_free(void)
{
	kvfree(mt_ring.state);
	vfree(mt_ring.slots);
}

char *modtrace_rec_str(struct mt_record *rec)
{
	return (char *)(rec + 1);
}

/* The same area: no record has both a parameter string and a path. */
char *modtrace_rec_path(struct mt_record *rec)
{
	return modtrace_rec_str(rec);
}

/**
 * modtrace_ring_reserve() - hand out a slot and the next sequence number
 * @type: enum modtrace_record_type
 * @may_use_reserve: the record may take the slots kept for module loads
 * @may_defer: if no slot is free, do not count the loss yet: the caller
 *	keeps the record and later calls modtrace_ring_reserve() with its seq, or
 *	modtrace_ring_count_lost()
 * @seq: in: 0 for a new record, or the seq a deferred record already has;
 *	out: the record's seq
 *
 * A new sequence number is used up even when no slot is free, so the reader
 * sees the loss as a gap. Called from probe handlers.
 *
 * Return: a slot with seq and type set and the rest zeroed, to be passed to
 * modtrace_ring_commit(); NULL if the buffer is full. *@seq is 0 only if the
 * lock could not be had in NMI context (the loss is then counted).
 */
struct mt_record *modtrace_ring_reserve(u32 type, bool may_use_reserve,
					bool may_defer, u64 *seq)
{
	u32 limit = modtrace_buffer_records;
	struct mt_record *rec = NULL;
	unsigned long flags;
	u32 idx;

	if (!may_use_reserve)
		limit -= modtrace_reserved_records;

	if (in_nmi()) {
		unsigned int spins = 0;

		while (!raw_spin_trylock_irqsave(&mt_ring.lock, flags)) {
			if (++spins == MT_NMI_SPIN_LIMIT) {
				*seq = 0;
				atomic64_inc(&mt_ring.busy);
				return NULL;
			}
			cpu_relax();
		}
	} else {
		raw_spin_lock_irqsave(&mt_ring.lock, flags);
	}
	if (!*seq)
		*seq = mt_ring.next_seq++;
	if (mt_ring.used < limit) {
		idx = mt_ring.head;
		mt_ring.head = (idx + 1) % modtrace_buffer_records;
		WRITE_ONCE(mt_ring.used, mt_ring.used + 1);
		mt_ring.queued++;
		rec = mt_slot(idx);
		WRITE_ONCE(mt_ring.state[idx], MT_SLOT_FILLING);
	} else if (!may_defer) {
		atomic64_inc(&mt_ring.lost);
	}
	raw_spin_unlock_irqrestore(&mt_ring.lock, flags);

	if (!rec)
		return NULL;
	memset(rec, 0, sizeof(*rec));
	rec->seq = *seq;
	rec->type = type;
	modtrace_rec_str(rec)[0] = '\0';
	return rec;
}

/* Count a deferred record as lost after all. */
void modtrace_ring_count_lost(void)
{
	atomic64_inc(&mt_ring.lost);
}

/*
 * Hand a filled slot to the consumer. Return: whether it is wanted at once
 * (a quarter of the buffer, or MT_RING_HURRY records, wait) rather than at
 * its leisure.
 */
bool modtrace_ring_commit(struct mt_record *rec)
{
	u32 idx = ((u8 *)rec - mt_ring.slots) / mt_ring.stride;

	/* Pairs with the acquire in modtrace_ring_peek(): the contents come first. */
	smp_store_release(&mt_ring.state[idx], MT_SLOT_READY);
	return READ_ONCE(mt_ring.used) >= min(modtrace_buffer_records / 4,
					      MT_RING_HURRY);
}

/*
 * Up to @max of the oldest slots that are committed, in seq order, into
 * @recs. Worker only. Return: how many.
 */
unsigned int modtrace_ring_peek_batch(struct mt_record **recs,
				      unsigned int max)
{
	unsigned long flags;
	unsigned int n;
	u32 idx, used;

	raw_spin_lock_irqsave(&mt_ring.lock, flags);
	idx = mt_ring.tail;
	used = mt_ring.used;
	raw_spin_unlock_irqrestore(&mt_ring.lock, flags);
	for (n = 0; n < min(used, max); n++) {
		/* Pairs with the release in modtrace_ring_commit(). */
		if (smp_load_acquire(&mt_ring.state[idx]) != MT_SLOT_READY)
			break;
		recs[n] = mt_slot(idx);
		idx = (idx + 1) % modtrace_buffer_records;
	}
	return n;
}

/* The oldest slot, if it is committed. Worker only. */
struct mt_record *modtrace_ring_peek(void)
{
	struct mt_record *rec;

	return modtrace_ring_peek_batch(&rec, 1) ? rec : NULL;
}

/* Free the @n oldest slots, which a peek returned. Worker only. */
void modtrace_ring_pop_batch(unsigned int n)
{
	unsigned long flags;
	unsigned int i;

	raw_spin_lock_irqsave(&mt_ring.lock, flags);
	for (i = 0; i < n; i++)
		WRITE_ONCE(mt_ring.state[(mt_ring.tail + i) %
					 modtrace_buffer_records],
			   MT_SLOT_FREE);
	mt_ring.tail = (mt_ring.tail + n) % modtrace_buffer_records;
	WRITE_ONCE(mt_ring.used, mt_ring.used - n);
	raw_spin_unlock_irqrestore(&mt_ring.lock, flags);
}

/* Whether every slot handed out has been consumed. Worker only. */
bool modtrace_ring_empty(void)
{
	unsigned long flags;
	bool empty;

	raw_spin_lock_irqsave(&mt_ring.lock, flags);
	empty = !mt_ring.used;
	raw_spin_unlock_irqrestore(&mt_ring.lock, flags);
	return empty;
}

void modtrace_ring_stats(struct mt_ring_stats *st)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&mt_ring.lock, flags);
	st->next_seq = mt_ring.next_seq;
	st->queued = mt_ring.queued;
	st->lost = atomic64_read(&mt_ring.lost);
	raw_spin_unlock_irqrestore(&mt_ring.lock, flags);
	st->busy = atomic64_read(&mt_ring.busy);
}

/*
 * What the probe handlers run must not be probed itself: a hit there would
 * re-enter the handlers.
 */
NOKPROBE_SYMBOL(modtrace_rec_str);
NOKPROBE_SYMBOL(modtrace_rec_path);
NOKPROBE_SYMBOL(modtrace_ring_reserve);
NOKPROBE_SYMBOL(modtrace_ring_count_lost);
NOKPROBE_SYMBOL(modtrace_ring_commit);
