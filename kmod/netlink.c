// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink side: the "modtrace" family, its readers, and the
 * worker that turns buffered records into messages.
 *
 * Probes kick the worker through irq_work, which may be queued from any
 * context, NMI included; its callback queues the work item. The kick waits
 * for the next timer tick unless the buffer is filling up
 * (modtrace_kick()). The worker takes the buffer's records in batches of
 * up to MT_BATCH_RECORDS and sends each batch to every reader by unicast,
 * its messages back to back in one datagram, and never blocks on a reader:
 * a full socket drops the message, and the loss is counted for that reader
 * and reported with the next record it does get. A batch is built once and
 * cloned for each reader; one that has losses to hear of gets its own copy,
 * the LOSS nest on its first record. A reader that holds loads back (below)
 * or whose socket refuses the batch is sent its records one by one, each as
 * its own message, so that it loses only what its socket refuses of them.
 *
 * Except the records of loads: a reader that falls behind a flood must
 * still see every load. Records a full socket refused that belong to a load
 * (do_init_module's, a return of 0 or after init, an entry sent deferred)
 * wait in that reader's backlog and go first, in order, once its socket
 * takes messages again; other records are dropped meanwhile. A load's entry
 * cannot be told from a failing call's when it is refused, so the latest
 * one of each thread is kept aside, flagged DEFERRED, and joins the backlog
 * if the call turns out to be a load; otherwise it is dropped and counted,
 * as it is when its return was lost to a full buffer (known once no call
 * is open and the buffer is empty: mt_drain()).
 * Loss notices wait for the backlog, so that a reader does not give up a
 * record that is still coming.
 *
 * Every record the worker takes from the buffer also goes into the history
 * (history.c), as the message it makes. A reader that subscribes with
 * FROM_SEQ replays it: until it has caught up, it gets nothing live, and the
 * worker sends it history entries from its cursor while its socket takes
 * them (the records made meanwhile join the history and reach it that way);
 * at the end of the history it is live, from the next record the worker
 * takes. An entry pushed out of the history before a replaying reader got
 * it is counted lost for it (history), as is every seq it asked for from
 * before it subscribed that it did not get.
 *
 * Captured images (image.c) reach the worker through a lock-free list at
 * their load's return; each round, after the buffer's records, the worker
 * sends every queued capture to each reader that asked for captures when it
 * was queued, as IMAGE_CHUNK records, as far as that reader's socket takes
 * them, and goes on from there in the next round (MT_RETRY_MS later). A
 * reader whose socket refuses its next chunk for MT_CAPTURE_TRIES rounds,
 * or for which a chunk finds no memory, loses the capture (counted
 * capture_lost). A capture is freed, and its bytes given back to
 * capture_max_bytes, once every reader it was for got it or lost it.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/dcache.h>
#include <linux/delay.h>
#include <linux/file.h>
#include <linux/irq_work.h>
#include <linux/kprobes.h>
#include <linux/list.h>
#include <linux/llist.h>
#include <linux/mutex.h>
#include <linux/netlink.h>
#include <linux/notifier.h>
#include <linux/sched/clock.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/workqueue.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>
#include <net/sock.h>

#include "modtrace.h"

#define MT_BACKLOG_MAX	256	/* held messages of loads, per reader */
#define MT_KEPT_MAX	16	/* threads with a kept entry, per reader */
#define MT_BATCH_RECORDS	32	/* records in one datagram at most */
/* what all readers' backlogs and kept entries may hold together, bytes */
#define MT_BACKLOG_BYTES_MAX	(8U << 20)

/* A thread's call as far as one reader's backlog needs to know */
struct mt_kept {
	u32 tid;
	u64 seq;		/* of the call's latest record seen */
	bool in_init;		/* do_init_module seen since the entry */
	struct sk_buff *entry;	/* refused entry, flagged DEFERRED, or NULL */
};

struct mt_reader {
	struct list_head node;
	u64 id;			/* never reused, unlike the port id */
	u32 portid;
	/*
	 * The socket that subscribed, held so that a socket that takes over
	 * its port id once it is closed (before NETLINK_URELEASE is handled)
	 * is not sent its records: a closed socket is SOCK_DEAD.
	 */
	struct sock *sk;
	u32 flags;		/* enum modtrace_subscribe_flags */
	bool told_shutdown;	/* SHUTDOWN delivered */
	u64 start_seq;		/* the first seq it is sent (NEXT_SEQ) */
	/* losses not yet reported to this reader */
	u64 socket_full;
	u64 nomem;
	/* global loss counts already reported (or predating the reader) */
	u64 seen_buffer_full;
	u64 seen_nmissed;
	u64 seen_busy;
	struct sk_buff_head backlog;	/* load messages its socket refused */
	unsigned int nr_kept;
	struct mt_kept kept[MT_KEPT_MAX];	/* oldest first */
	/*
	 * Replaying the history (SUBSCRIBE with FROM_SEQ): it gets every
	 * record the history holds from @cursor on, those made before it
	 * subscribed only from @from_seq, and nothing live until it has
	 * reached the end (see mt_replay()).
	 */
	bool replaying;
	u64 from_seq;
	u64 reply_seq;		/* NEXT_SEQ its SUBSCRIBE reply said */
	/* the next entry to send; NULL: the next one added */
	struct mt_hist_entry *cursor;
	u64 sent_before;	/* of those with from_seq <= seq < start_seq */
	u64 history;		/* loss not yet reported: MODTRACE_LOSS_ATTR_HISTORY */
};

static LIST_HEAD(mt_readers);
static DEFINE_MUTEX(mt_readers_lock);	/* guards mt_readers, counters */
static unsigned int mt_nr_readers;
static bool mt_stopping;
static u64 mt_last_reader_id;

/* readers subscribed with MODTRACE_SUBSCRIBE_F_CAPTURE */
static atomic_t mt_capture_readers = ATOMIC_INIT(0);
/* captures handed over by the returns, newest first */
static LLIST_HEAD(mt_capture_in);
/* captures being sent, oldest first, under the readers' lock */
static LIST_HEAD(mt_captures);
/* data bytes in one IMAGE_CHUNK: the message stays within 32 KiB */
#define MT_CHUNK_BYTES	(32768 - 512)
/* rounds a reader's socket may refuse a capture's next chunk: 5 s */
#define MT_CAPTURE_TRIES	250

static struct {
	u64 sent;
	u64 lost_socket_full;
	u64 lost_nomem;
	u64 readers_gone;
	u64 backlog_bytes;	/* truesize of every held message */
	u64 capture_lost;
} mt_counters;

static struct workqueue_struct *mt_wq;

static void mt_work_fn(struct work_struct *work);
static DECLARE_WORK(mt_work, mt_work_fn);

/* Loss notices a full socket refused are tried again after this long. */
#define MT_RETRY_MS	20
/* How often unload tries to tell a reader with a full socket: 2 s in all */
#define MT_SHUTDOWN_TRIES	100
/* How often kept entries are looked at again while calls are open */
#define MT_KEPT_MS	100
static void mt_retry_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(mt_retry_work, mt_retry_fn);

static void mt_irq_work_fn(struct irq_work *work)
{
	queue_work(mt_wq, &mt_work);
}

/*
 * Two ways to start the worker from any context: at the next timer tick
 * (lazy: no interrupt of its own, at most a tick of delay), or at once
 * (a self-IPI) when the buffer fills up.
 */
static struct irq_work mt_irq_work_tick = IRQ_WORK_INIT_LAZY(mt_irq_work_fn);
static struct irq_work mt_irq_work_now = IRQ_WORK_INIT(mt_irq_work_fn);

enum { MT_KICK_NONE, MT_KICK_TICK, MT_KICK_NOW };

/*
 * How the worker was asked to start since it began its current round:
 * while a kick is on its way, a round that looks at the buffer after the
 * caller's record is coming, and the caller need not ask again (unless it
 * is in more of a hurry). The worker resets it as it starts a round.
 */
static atomic_t mt_kicked = ATOMIC_INIT(MT_KICK_NONE);

/*
 * Have the worker look at the buffer, soon or (@now) at once; any
 * context. Called after a record is committed.
 */
void modtrace_kick(bool now)
{
	int want = now ? MT_KICK_NOW : MT_KICK_TICK;
	int old;

	/*
	 * The record's commit before the look at mt_kicked; pairs with the
	 * full barrier of the worker's reset before it reads the buffer, so
	 * that a kick found on its way was not consumed by a round that
	 * missed the record.
	 */
	smp_mb();
	old = atomic_read(&mt_kicked);
	while (old < want) {
		if (atomic_try_cmpxchg(&mt_kicked, &old, want)) {
			irq_work_queue(now ? &mt_irq_work_now :
				       &mt_irq_work_tick);
			return;
		}
	}
}

static const struct nla_policy mt_policy[MODTRACE_ATTR_MAX + 1] = {
	[MODTRACE_ATTR_PAD] = { .type = NLA_REJECT },
	[MODTRACE_ATTR_VERSION] = { .type = NLA_U32 },
	[MODTRACE_ATTR_INSTANCE] = { .type = NLA_REJECT },
	[MODTRACE_ATTR_SUBSCRIBE_FLAGS] =
		NLA_POLICY_MASK(NLA_U32, MT_SUBSCRIBE_F_ALL),
	/* everything else only goes from the kernel to readers */
	[MODTRACE_ATTR_NEXT_SEQ ... MODTRACE_ATTR_PARAM_LOCKED] = {
		.type = NLA_REJECT },
	[MODTRACE_ATTR_FROM_SEQ] = NLA_POLICY_MIN(NLA_U64, 1),
	[MODTRACE_ATTR_HISTORY_FIRST_SEQ ... MODTRACE_ATTR_MAX] = {
		.type = NLA_REJECT },
};

static int mt_cmd_subscribe(struct sk_buff *skb, struct genl_info *info);
static int mt_cmd_unsubscribe(struct sk_buff *skb, struct genl_info *info);
static int mt_cmd_get_status(struct sk_buff *skb, struct genl_info *info);
static int mt_cmd_check_hidden(struct sk_buff *skb, struct genl_info *info);

/*
 * Every command needs CAP_NET_ADMIN, checked by the generic netlink core
 * (GENL_ADMIN_PERM) right after it finds the command and before it parses
 * a single attribute: an unprivileged sender gets EPERM whatever the
 * message carries, and learns nothing from how its attributes fail.
 */
static const struct genl_small_ops mt_ops[] = {
	{
		.cmd = MODTRACE_CMD_SUBSCRIBE,
		.doit = mt_cmd_subscribe,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = MODTRACE_CMD_UNSUBSCRIBE,
		.doit = mt_cmd_unsubscribe,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = MODTRACE_CMD_GET_STATUS,
		.doit = mt_cmd_get_status,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = MODTRACE_CMD_CHECK_HIDDEN,
		.doit = mt_cmd_check_hidden,
		.flags = GENL_ADMIN_PERM,
	},
};

static struct genl_family mt_family __ro_after_init = {
	.name = MODTRACE_GENL_NAME,
	.version = MODTRACE_GENL_VERSION,
	.maxattr = MODTRACE_ATTR_MAX,
	.policy = mt_policy,
	.module = THIS_MODULE,
	.small_ops = mt_ops,
	.n_small_ops = ARRAY_SIZE(mt_ops),
	/* strict validation of attributes and header for every command */
	.resv_start_op = MODTRACE_CMD_SUBSCRIBE,
};

static struct mt_reader *mt_find_reader(u32 portid)
{
	struct mt_reader *r;

	list_for_each_entry(r, &mt_readers, node)
		if (r->portid == portid)
			return r;
	return NULL;
}

/* Free @skb, a message a backlog or a kept entry held. */
static void mt_unhold(struct sk_buff *skb, bool consumed)
{
	mt_counters.backlog_bytes -= skb->truesize;
	if (consumed)
		consume_skb(skb);
	else
		kfree_skb(skb);
}

/* Account for holding @skb. Return: false if the readers hold too much. */
static bool mt_may_hold(struct sk_buff *skb)
{
	if (mt_counters.backlog_bytes + skb->truesize > MT_BACKLOG_BYTES_MAX)
		return false;
	mt_counters.backlog_bytes += skb->truesize;
	return true;
}

/*
 * After a reader came, went or changed its flags: under the readers' lock,
 * or from module exit, when nothing else runs.
 */
static void mt_count_capture_readers(void)
{
	struct mt_reader *r;
	int n = 0;

	list_for_each_entry(r, &mt_readers, node)
		if (r->flags & MODTRACE_SUBSCRIBE_F_CAPTURE)
			n++;
	atomic_set(&mt_capture_readers, n);
}

/* Whether a reader asks for captures; any context. */
bool modtrace_capture_wanted(void)
{
	return atomic_read(&mt_capture_readers) > 0;
}

/* Hand @cap to the worker; any context but NMI (the return handlers). */
void modtrace_capture_queue(struct mt_capture *cap)
{
	llist_add(&cap->lnode, &mt_capture_in);
	/* an orphan has no record to kick the worker: it frees the copy */
	modtrace_kick(false);
}

static void mt_remove_reader(struct mt_reader *r)
{
	struct sk_buff *skb;
	unsigned int i;

	list_del(&r->node);
	mt_nr_readers--;
	mt_count_capture_readers();
	while ((skb = __skb_dequeue(&r->backlog)))
		mt_unhold(skb, false);
	for (i = 0; i < r->nr_kept; i++)
		if (r->kept[i].entry)
			mt_unhold(r->kept[i].entry, false);
	sock_put(r->sk);
	kfree(r);
}

/*
 * The record path's attribute writers: nla_put() and the helpers around it
 * in net/netlink.h, inlined. The kernel's go out of line through nla_put(),
 * __nla_put(), __nla_reserve(), skb_put() and a memset() of the padding for
 * every attribute, a few dozen of them per record, in the worker's loop.
 * These make the same tailroom check, write the same header, payload and
 * padding, and a 64-bit value that needs aligning still goes the kernel's
 * way, with its pad attribute.
 */
static __always_inline int mt_nla_put(struct sk_buff *skb, int type, int len,
				      const void *data)
{
	struct nlattr *nla;

	if (unlikely(skb_tailroom(skb) < nla_total_size(len)))
		return -EMSGSIZE;
	nla = __skb_put(skb, nla_total_size(len));
	nla->nla_type = type;
	nla->nla_len = nla_attr_size(len);
	memcpy(nla_data(nla), data, len);
	memset((u8 *)nla_data(nla) + len, 0, nla_padlen(len));
	return 0;
}

static __always_inline int mt_nla_put_u8(struct sk_buff *skb, int type,
					 u8 value)
{
	return mt_nla_put(skb, type, sizeof(value), &value);
}

static __always_inline int mt_nla_put_u32(struct sk_buff *skb, int type,
					  u32 value)
{
	return mt_nla_put(skb, type, sizeof(value), &value);
}

static __always_inline int mt_nla_put_s32(struct sk_buff *skb, int type,
					  s32 value)
{
	return mt_nla_put(skb, type, sizeof(value), &value);
}

static __always_inline int mt_nla_put_string(struct sk_buff *skb, int type,
					     const char *str)
{
	return mt_nla_put(skb, type, strlen(str) + 1, str);
}

static __always_inline int mt_nla_put_u64_64bit(struct sk_buff *skb, int type,
						u64 value, int padattr)
{
	if (nla_need_padding_for_64bit(skb))
		return nla_put_u64_64bit(skb, type, value, padattr);
	return mt_nla_put(skb, type, sizeof(value), &value);
}

/* A nest's header, its length set by nla_nest_end(); NULL without room */
static __always_inline struct nlattr *mt_nla_nest_start(struct sk_buff *skb,
							int type)
{
	struct nlattr *nla;

	if (unlikely(skb_tailroom(skb) < nla_total_size(0)))
		return NULL;
	nla = __skb_put(skb, nla_total_size(0));
	nla->nla_type = type | NLA_F_NESTED;
	nla->nla_len = nla_attr_size(0);
	return nla;
}

static int mt_put_u64(struct sk_buff *skb, int type, u64 value)
{
	return mt_nla_put_u64_64bit(skb, type, value, MODTRACE_ATTR_PAD);
}

static int mt_put_counter(struct sk_buff *skb, int type, u64 value)
{
	return nla_put_u64_64bit(skb, type, value, MODTRACE_COUNTER_ATTR_PAD);
}

static int mt_put_identity(struct sk_buff *skb, u64 next_seq)
{
	if (nla_put_u32(skb, MODTRACE_ATTR_VERSION, MODTRACE_GENL_VERSION) ||
	    mt_put_u64(skb, MODTRACE_ATTR_INSTANCE, modtrace_instance) ||
	    mt_put_u64(skb, MODTRACE_ATTR_NEXT_SEQ, next_seq))
		return -EMSGSIZE;
	return 0;
}

/* SUBSCRIBE's reply: NEXT_SEQ is the reader's own start */
static int mt_fill_subscribed(struct sk_buff *skb, u64 start_seq)
{
	struct mt_history_stats hs;
	struct mt_ring_stats st;

	lockdep_assert_held(&mt_readers_lock);
	modtrace_ring_stats(&st);
	modtrace_history_stats(&hs);
	if (mt_put_identity(skb, start_seq) ||
	    mt_put_u64(skb, MODTRACE_ATTR_HISTORY_FIRST_SEQ,
		       hs.held ? hs.first_seq : st.next_seq))
		return -EMSGSIZE;
	return 0;
}

/*
 * Start @r's replay from @from (at most its start_seq): from the oldest
 * entry, those before @from skipped as they come; with nothing held yet,
 * from the first entry added.
 */
static void mt_start_replay(struct mt_reader *r, u64 from)
{
	r->from_seq = min(from, r->start_seq);
	r->reply_seq = r->from_seq;
	if (r->from_seq == r->start_seq)
		return;
	r->cursor = modtrace_history_first();
	r->replaying = true;
}

static int mt_reply(struct genl_info *info,
		    int (*fill)(struct sk_buff *skb, u64 arg), u64 arg)
{
	struct sk_buff *skb;
	void *hdr;
	int err;

	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!skb)
		return -ENOMEM;
	hdr = genlmsg_put_reply(skb, info, &mt_family, 0, info->genlhdr->cmd);
	if (!hdr) {
		nlmsg_free(skb);
		return -EMSGSIZE;
	}
	err = fill(skb, arg);
	if (err) {
		nlmsg_free(skb);
		return err;
	}
	genlmsg_end(skb, hdr);
	return genlmsg_reply(skb, info);
}

static int mt_cmd_subscribe(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **attrs = info->attrs;
	struct mt_ring_stats st;
	struct mt_reader *r;
	bool replay = false;
	u64 start_seq = 0;
	u32 flags = 0;
	int err = 0;

	if (attrs[MODTRACE_ATTR_VERSION] &&
	    nla_get_u32(attrs[MODTRACE_ATTR_VERSION]) != MODTRACE_GENL_VERSION) {
		GENL_SET_ERR_MSG(info, "unsupported protocol version");
		return -EPROTONOSUPPORT;
	}
	if (attrs[MODTRACE_ATTR_SUBSCRIBE_FLAGS])
		flags = nla_get_u32(attrs[MODTRACE_ATTR_SUBSCRIBE_FLAGS]);

	mutex_lock(&mt_readers_lock);
	r = mt_find_reader(info->snd_portid);
	if (mt_stopping) {
		err = -ESHUTDOWN;
	} else if (r) {
		r->flags = flags;
		mt_count_capture_readers();
		start_seq = r->reply_seq;
	} else if (mt_nr_readers >= MT_MAX_READERS) {
		GENL_SET_ERR_MSG(info, "too many readers");
		err = -EBUSY;
	} else {
		r = kzalloc(sizeof(*r), GFP_KERNEL);
		if (r) {
			/*
			 * Under the readers' lock, which the worker holds while
			 * it sends: the records still in the buffer with a
			 * lower seq are not this reader's, and the losses
			 * counted so far concern only those.
			 */
			modtrace_ring_stats(&st);
			__skb_queue_head_init(&r->backlog);
			r->portid = info->snd_portid;
			r->id = ++mt_last_reader_id;
			r->sk = NETLINK_CB(skb).sk;
			sock_hold(r->sk);
			r->flags = flags;
			r->start_seq = st.next_seq;
			r->seen_buffer_full = st.lost;
			r->seen_busy = st.busy;
			r->seen_nmissed = modtrace_probes_nmissed();
			r->reply_seq = r->start_seq;
			if (attrs[MODTRACE_ATTR_FROM_SEQ])
				mt_start_replay(r, nla_get_u64(attrs[MODTRACE_ATTR_FROM_SEQ]));
			list_add_tail(&r->node, &mt_readers);
			mt_nr_readers++;
			mt_count_capture_readers();
			start_seq = r->reply_seq;
		} else {
			err = -ENOMEM;
		}
	}
	replay = r && r->replaying;
	/*
	 * Replied to before the lock is let go: the worker sends records
	 * under it, and a burst of them must not fill the socket before the
	 * reply is in (the reply would be dropped).
	 */
	if (!err)
		err = mt_reply(info, mt_fill_subscribed, start_seq);
	mutex_unlock(&mt_readers_lock);
	/* the worker sends the history, after the reply */
	if (replay)
		queue_work(mt_wq, &mt_work);
	return err;
}

static int mt_cmd_unsubscribe(struct sk_buff *skb, struct genl_info *info)
{
	struct mt_reader *r;
	int err = 0;

	mutex_lock(&mt_readers_lock);
	r = mt_find_reader(info->snd_portid);
	if (r)
		mt_remove_reader(r);
	else
		err = -ENOENT;
	mutex_unlock(&mt_readers_lock);
	return err;
}

static int mt_put_counters(struct sk_buff *skb, const struct mt_ring_stats *st)
{
	u64 sent, socket_full, nomem, gone, held, capture_lost;
	struct mt_capture_stats cs;
	struct mt_history_stats hs;
	struct mt_hidden_stats hid;
	struct nlattr *nest;
	u32 readers;

	modtrace_hidden_stats(&hid);
	modtrace_capture_stats(&cs);
	mutex_lock(&mt_readers_lock);
	modtrace_history_stats(&hs);
	sent = mt_counters.sent;
	socket_full = mt_counters.lost_socket_full;
	nomem = mt_counters.lost_nomem;
	gone = mt_counters.readers_gone;
	held = mt_counters.backlog_bytes;
	capture_lost = mt_counters.capture_lost;
	readers = mt_nr_readers;
	mutex_unlock(&mt_readers_lock);

	if (nla_put_u32(skb, MODTRACE_ATTR_READERS, readers) ||
	    nla_put_u32(skb, MODTRACE_ATTR_HISTORY_HELD, hs.held) ||
	    mt_put_u64(skb, MODTRACE_ATTR_HISTORY_FIRST_SEQ,
		       hs.held ? hs.first_seq : st->next_seq) ||
	    nla_put_u32(skb, MODTRACE_ATTR_BACKLOG_BYTES, held) ||
	    nla_put_u32(skb, MODTRACE_ATTR_BACKLOG_MAX_BYTES,
			MT_BACKLOG_BYTES_MAX) ||
	    nla_put_u32(skb, MODTRACE_ATTR_HIDDEN_TRACKED, hid.tracked) ||
	    mt_put_u64(skb, MODTRACE_ATTR_CAPTURE_HELD_BYTES, cs.held_bytes))
		return -EMSGSIZE;
	nest = nla_nest_start(skb, MODTRACE_ATTR_COUNTERS);
	if (!nest ||
	    mt_put_counter(skb, MODTRACE_COUNTER_ATTR_RECORDS,
			   st->next_seq - 1) ||
	    mt_put_counter(skb, MODTRACE_COUNTER_ATTR_QUEUED, st->queued) ||
	    mt_put_counter(skb, MODTRACE_COUNTER_ATTR_SENT, sent) ||
	    mt_put_counter(skb, MODTRACE_COUNTER_ATTR_LOST_BUFFER_FULL,
			   st->lost) ||
	    mt_put_counter(skb, MODTRACE_COUNTER_ATTR_LOST_SOCKET_FULL,
			   socket_full) ||
	    mt_put_counter(skb, MODTRACE_COUNTER_ATTR_LOST_NMISSED,
			   modtrace_probes_nmissed()) ||
	    mt_put_counter(skb, MODTRACE_COUNTER_ATTR_LOST_NOMEM, nomem) ||
	    mt_put_counter(skb, MODTRACE_COUNTER_ATTR_READERS_GONE, gone) ||
	    mt_put_counter(skb, MODTRACE_COUNTER_ATTR_LOST_BUSY, st->busy) ||
	    mt_put_counter(skb, MODTRACE_COUNTER_ATTR_IMAGE_UNKEPT,
			   modtrace_image_unkept()) ||
	    mt_put_counter(skb, MODTRACE_COUNTER_ATTR_REQUEST_UNKEPT,
			   modtrace_request_unkept()) ||
	    mt_put_counter(skb, MODTRACE_COUNTER_ATTR_HIDDEN_CHECKS,
			   hid.checks) ||
	    mt_put_counter(skb, MODTRACE_COUNTER_ATTR_HIDDEN_UNTRACKED,
			   hid.untracked) ||
	    mt_put_counter(skb, MODTRACE_COUNTER_ATTR_CAPTURE_OVER_BUDGET,
			   cs.over_budget) ||
	    mt_put_counter(skb, MODTRACE_COUNTER_ATTR_CAPTURE_NO_MEMORY,
			   cs.no_memory) ||
	    mt_put_counter(skb, MODTRACE_COUNTER_ATTR_CAPTURE_LOST,
			   capture_lost) ||
	    mt_put_counter(skb, MODTRACE_COUNTER_ATTR_CAPTURED, cs.captured))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int mt_fill_status(struct sk_buff *skb, u64 unused)
{
	struct mt_ring_stats st;
	int err;

	modtrace_ring_stats(&st);
	err = mt_put_identity(skb, st.next_seq);
	if (err)
		return err;
	if (nla_put_u32(skb, MODTRACE_ATTR_PARAM_BUFFER_RECORDS,
			modtrace_buffer_records) ||
	    nla_put_u32(skb, MODTRACE_ATTR_PARAM_RESERVED_RECORDS,
			modtrace_reserved_records) ||
	    nla_put_u32(skb, MODTRACE_ATTR_PARAM_STRING_MAX, modtrace_string_max) ||
	    nla_put_u8(skb, MODTRACE_ATTR_PARAM_LOCKED, modtrace_is_locked()) ||
	    nla_put_u32(skb, MODTRACE_ATTR_PARAM_HISTORY_RECORDS,
			modtrace_history_records) ||
	    nla_put_u32(skb, MODTRACE_ATTR_HISTORY_BYTES, modtrace_history_bytes()) ||
	    mt_put_u64(skb, MODTRACE_ATTR_PARAM_CAPTURE_MAX_BYTES,
		       READ_ONCE(modtrace_capture_max_bytes)))
		return -EMSGSIZE;
	err = modtrace_probes_put_status(skb);
	if (err)
		return err;
	return mt_put_counters(skb, &st);
}

static int mt_cmd_get_status(struct sk_buff *skb, struct genl_info *info)
{
	return mt_reply(info, mt_fill_status, 0);
}

/*
 * Under the readers' lock, so that no record follows the unload's
 * SHUTDOWN: modtrace_netlink_stop() sets mt_stopping under it, and sends
 * what the buffer holds after that.
 */
static int mt_cmd_check_hidden(struct sk_buff *skb, struct genl_info *info)
{
	int err = 0;

	mutex_lock(&mt_readers_lock);
	if (mt_stopping)
		err = -ESHUTDOWN;
	else
		modtrace_hidden_check();
	mutex_unlock(&mt_readers_lock);
	return err;
}

static int mt_put_task(struct sk_buff *skb, const struct mt_task *t)
{
	struct nlattr *nest = mt_nla_nest_start(skb, MODTRACE_ATTR_TASK);

	if (!nest ||
	    mt_nla_put_u32(skb, MODTRACE_TASK_ATTR_TGID, t->tgid) ||
	    mt_nla_put_u32(skb, MODTRACE_TASK_ATTR_TID, t->tid) ||
	    mt_nla_put_u32(skb, MODTRACE_TASK_ATTR_PPID, t->ppid) ||
	    mt_nla_put_u32(skb, MODTRACE_TASK_ATTR_UID, t->uid) ||
	    mt_nla_put_u32(skb, MODTRACE_TASK_ATTR_EUID, t->euid) ||
	    mt_nla_put_u32(skb, MODTRACE_TASK_ATTR_GID, t->gid) ||
	    mt_nla_put_u32(skb, MODTRACE_TASK_ATTR_LOGINUID, t->loginuid) ||
	    mt_nla_put_u32(skb, MODTRACE_TASK_ATTR_SESSIONID, t->sessionid) ||
	    mt_nla_put_string(skb, MODTRACE_TASK_ATTR_COMM, t->comm) ||
	    mt_nla_put_u64_64bit(skb, MODTRACE_TASK_ATTR_CGROUP_ID, t->cgroup_id,
				 MODTRACE_TASK_ATTR_PAD) ||
	    mt_nla_put_u32(skb, MODTRACE_TASK_ATTR_PIDNS_INO, t->pidns_ino) ||
	    mt_nla_put_u32(skb, MODTRACE_TASK_ATTR_MNTNS_INO, t->mntns_ino) ||
	    (t->abi && mt_nla_put_u32(skb, MODTRACE_TASK_ATTR_ABI, t->abi)))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* The module request the record's task runs for */
static int mt_put_request(struct sk_buff *skb, const struct mt_request_info *r)
{
	struct nlattr *nest = mt_nla_nest_start(skb, MODTRACE_ATTR_REQUEST);

	if (!nest ||
	    mt_nla_put_u64_64bit(skb, MODTRACE_REQUEST_ATTR_SEQ, r->seq,
				 MODTRACE_REQUEST_ATTR_PAD) ||
	    (r->name[0] &&
	     mt_nla_put_string(skb, MODTRACE_REQUEST_ATTR_NAME, r->name)) ||
	    mt_nla_put_u32(skb, MODTRACE_REQUEST_ATTR_TGID, r->tgid) ||
	    mt_nla_put_u32(skb, MODTRACE_REQUEST_ATTR_TID, r->tid) ||
	    mt_nla_put_string(skb, MODTRACE_REQUEST_ATTR_COMM, r->comm) ||
	    mt_nla_put_u32(skb, MODTRACE_REQUEST_ATTR_UID, r->uid))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* Losses a reader has not been told about yet */
struct mt_loss {
	u64 buffer_full;
	u64 nmissed;
	u64 busy;
	u64 socket_full;
	u64 nomem;
	u64 history;
	/* the global counts these were computed from */
	u64 total_buffer_full;
	u64 total_nmissed;
	u64 total_busy;
};

/* Fill @l for reader @r. Return: whether anything was lost. */
static bool mt_pending_loss(const struct mt_reader *r, struct mt_loss *l)
{
	struct mt_ring_stats st;

	modtrace_ring_stats(&st);
	l->total_buffer_full = st.lost;
	l->total_busy = st.busy;
	l->total_nmissed = modtrace_probes_nmissed();
	l->buffer_full = l->total_buffer_full - r->seen_buffer_full;
	l->busy = l->total_busy - r->seen_busy;
	l->nmissed = l->total_nmissed - r->seen_nmissed;
	l->socket_full = r->socket_full;
	l->nomem = r->nomem;
	l->history = r->history;
	return l->buffer_full || l->nmissed || l->busy || l->socket_full ||
	       l->nomem || l->history;
}

static int mt_put_loss(struct sk_buff *skb, const struct mt_loss *l)
{
	struct nlattr *nest = mt_nla_nest_start(skb, MODTRACE_ATTR_LOSS);

	if (!nest ||
	    (l->buffer_full &&
	     mt_nla_put_u64_64bit(skb, MODTRACE_LOSS_ATTR_BUFFER_FULL,
				  l->buffer_full, MODTRACE_LOSS_ATTR_PAD)) ||
	    (l->socket_full &&
	     mt_nla_put_u64_64bit(skb, MODTRACE_LOSS_ATTR_SOCKET_FULL,
				  l->socket_full, MODTRACE_LOSS_ATTR_PAD)) ||
	    (l->nmissed &&
	     mt_nla_put_u64_64bit(skb, MODTRACE_LOSS_ATTR_NMISSED, l->nmissed,
				  MODTRACE_LOSS_ATTR_PAD)) ||
	    (l->nomem &&
	     mt_nla_put_u64_64bit(skb, MODTRACE_LOSS_ATTR_NOMEM, l->nomem,
				  MODTRACE_LOSS_ATTR_PAD)) ||
	    (l->busy &&
	     mt_nla_put_u64_64bit(skb, MODTRACE_LOSS_ATTR_BUSY, l->busy,
				  MODTRACE_LOSS_ATTR_PAD)) ||
	    (l->history &&
	     mt_nla_put_u64_64bit(skb, MODTRACE_LOSS_ATTR_HISTORY, l->history,
				  MODTRACE_LOSS_ATTR_PAD)))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int mt_put_module(struct sk_buff *skb, struct mt_record *rec)
{
	const struct mt_module_info *m = &rec->mod;
	struct nlattr *nest = mt_nla_nest_start(skb, MODTRACE_ATTR_MODULE);

	if (!nest ||
	    mt_nla_put_string(skb, MODTRACE_MODULE_ATTR_NAME, m->name) ||
	    (m->version[0] &&
	     mt_nla_put_string(skb, MODTRACE_MODULE_ATTR_VERSION, m->version)) ||
	    (m->srcversion[0] &&
	     mt_nla_put_string(skb, MODTRACE_MODULE_ATTR_SRCVERSION,
			       m->srcversion)) ||
	    mt_nla_put_u64_64bit(skb, MODTRACE_MODULE_ATTR_TAINTS, m->taints,
				 MODTRACE_MODULE_ATTR_PAD) ||
	    (m->has_sig &&
	     mt_nla_put_u8(skb, MODTRACE_MODULE_ATTR_SIG_OK, m->sig_ok)) ||
	    (rec->has_str &&
	     mt_nla_put_string(skb, MODTRACE_MODULE_ATTR_ARGS, modtrace_rec_str(rec))) ||
	    mt_nla_put_u64_64bit(skb, MODTRACE_MODULE_ATTR_TEXT_SIZE, m->text_size,
				 MODTRACE_MODULE_ATTR_PAD) ||
	    mt_nla_put_u64_64bit(skb, MODTRACE_MODULE_ATTR_TOTAL_SIZE,
				 m->total_size, MODTRACE_MODULE_ATTR_PAD))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* A FILE nest: @path (if any), @dev and @ino. */
static int mt_put_file(struct sk_buff *skb, const char *path, u32 dev,
		       u64 ino)
{
	struct nlattr *nest = mt_nla_nest_start(skb, MODTRACE_ATTR_FILE);

	if (!nest ||
	    (path && mt_nla_put_string(skb, MODTRACE_FILE_ATTR_PATH, path)) ||
	    mt_nla_put_u32(skb, MODTRACE_FILE_ATTR_DEV, dev) ||
	    mt_nla_put_u64_64bit(skb, MODTRACE_FILE_ATTR_INO, ino,
				 MODTRACE_FILE_ATTR_PAD))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* A MODULE nest holding only the module's name */
static int mt_put_module_name(struct sk_buff *skb, const char *name)
{
	struct nlattr *nest = mt_nla_nest_start(skb, MODTRACE_ATTR_MODULE);

	if (!nest || mt_nla_put_string(skb, MODTRACE_MODULE_ATTR_NAME, name))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* An IMAGE nest: what became of an init/finit_module call's image */
static int mt_put_image(struct sk_buff *skb, struct mt_record *rec)
{
	u32 state = rec->exit.image_state;
	struct nlattr *nest = mt_nla_nest_start(skb, MODTRACE_ATTR_IMAGE);

	if (!nest ||
	    mt_nla_put_u32(skb, MODTRACE_IMAGE_ATTR_STATE, state) ||
	    mt_nla_put_u64_64bit(skb, MODTRACE_IMAGE_ATTR_LEN, rec->exit.image_len,
				 MODTRACE_IMAGE_ATTR_PAD) ||
	    (state == MODTRACE_IMAGE_HASHED &&
	     mt_nla_put(skb, MODTRACE_IMAGE_ATTR_SHA256, sizeof(rec->exit.sha256),
			rec->exit.sha256)) ||
	    (rec->exit.name[0] &&
	     mt_nla_put_string(skb, MODTRACE_IMAGE_ATTR_NAME, rec->exit.name)) ||
	    (state == MODTRACE_IMAGE_HASHED && rec->exit.capture_state &&
	     mt_nla_put_u32(skb, MODTRACE_IMAGE_ATTR_CAPTURE,
			    rec->exit.capture_state)))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int mt_put_exit(struct sk_buff *skb, struct mt_record *rec)
{
	if (mt_put_u64(skb, MODTRACE_ATTR_ENTRY_SEQ, rec->exit.entry_seq) ||
	    mt_put_u64(skb, MODTRACE_ATTR_RET, rec->exit.ret) ||
	    mt_put_u64(skb, MODTRACE_ATTR_DURATION, rec->exit.duration))
		return -EMSGSIZE;
	if ((rec->type == MODTRACE_REC_INIT_MODULE_EXIT ||
	     rec->type == MODTRACE_REC_FINIT_MODULE_EXIT) &&
	    rec->exit.image_state && mt_put_image(skb, rec))
		return -EMSGSIZE;
	if (rec->exit.hidden_checked &&
	    mt_nla_put_u32(skb, MODTRACE_ATTR_HIDDEN_FROM, rec->exit.hidden_from))
		return -EMSGSIZE;
	if (rec->type == MODTRACE_REC_FINIT_MODULE_EXIT && rec->exit.has_file)
		return mt_put_file(skb, modtrace_rec_path(rec)[0] ?
				   modtrace_rec_path(rec) : NULL,
				   rec->exit.dev, rec->exit.ino);
	if (rec->type == MODTRACE_REC_DO_INIT_EXIT && rec->exit.name[0])
		return mt_put_module_name(skb, rec->exit.name);
	if (rec->type == MODTRACE_REC_REQUEST_MODULE_EXIT && rec->exit.name[0])
		return mt_nla_put_string(skb, MODTRACE_ATTR_NAME, rec->exit.name);
	return 0;
}

static int mt_put_finit(struct sk_buff *skb, struct mt_record *rec)
{
	if ((rec->finit.has_fd &&
	     mt_nla_put_s32(skb, MODTRACE_ATTR_FD, rec->finit.fd)) ||
	    mt_nla_put_u32(skb, MODTRACE_ATTR_FINIT_FLAGS, rec->finit.flags))
		return -EMSGSIZE;
	if (!rec->finit.has_file)
		return 0;
	return mt_put_file(skb, NULL, rec->finit.dev, rec->finit.ino);
}

static int mt_put_obsolete(struct sk_buff *skb, struct mt_record *rec)
{
	struct nlattr *nest;
	unsigned int i;

	if (mt_nla_put_u32(skb, MODTRACE_ATTR_SYSCALL_NR, rec->obsolete.nr))
		return -EMSGSIZE;
	nest = mt_nla_nest_start(skb, MODTRACE_ATTR_SYSCALL_ARGS);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < MT_NR_SYSCALL_ARGS; i++)
		if (mt_nla_put_u64_64bit(skb, MODTRACE_SYSCALL_ARG_0 + i,
					 rec->obsolete.args[i],
					 MODTRACE_SYSCALL_ARG_PAD))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/*
 * CLOCK_MONOTONIC less local_clock(), as of the worker's current round
 * (mt_clock_sync()); guarded by mt_readers_lock.
 */
static s64 mt_clock_offset;

/*
 * The probes take a record's time from local_clock(), which costs them no
 * clocksource read; the worker, which sends it within a round or so, adds
 * the offset it measures at the start of each round. The two clocks part
 * by no more than the clock's frequency error (NTP's limit is 500 ppm)
 * over that time.
 */
static void mt_clock_sync(void)
{
	u64 before, mono, after;

	lockdep_assert_held(&mt_readers_lock);
	preempt_disable();
	before = local_clock();
	mono = ktime_get_mono_fast_ns();
	after = local_clock();
	preempt_enable();
	mt_clock_offset = (s64)(mono - before - (after - before) / 2);
}

static int mt_put_record(struct sk_buff *skb, struct mt_record *rec,
			 const struct mt_loss *loss)
{
	if (mt_nla_put_u32(skb, MODTRACE_ATTR_TYPE, rec->type) ||
	    mt_put_u64(skb, MODTRACE_ATTR_SEQ, rec->seq) ||
	    (rec->type != MODTRACE_REC_HIDDEN_MODULE &&
	     mt_nla_put_u32(skb, MODTRACE_ATTR_PROBE, rec->probe)) ||
	    mt_put_u64(skb, MODTRACE_ATTR_TS, rec->clock + mt_clock_offset) ||
	    mt_nla_put_u32(skb, MODTRACE_ATTR_CPU, rec->cpu) ||
	    mt_put_task(skb, &rec->task) ||
	    mt_nla_put_u32(skb, MODTRACE_ATTR_RECORD_FLAGS, rec->flags) ||
	    (loss && mt_put_loss(skb, loss)) ||
	    (rec->has_request && mt_put_request(skb, &rec->request)))
		return -EMSGSIZE;

	switch (rec->type) {
	case MODTRACE_REC_INIT_MODULE_ENTER:
		if (mt_put_u64(skb, MODTRACE_ATTR_IMAGE_LEN, rec->init.len))
			return -EMSGSIZE;
		break;
	case MODTRACE_REC_FINIT_MODULE_ENTER:
		if (mt_put_finit(skb, rec))
			return -EMSGSIZE;
		break;
	case MODTRACE_REC_DO_INIT_ENTER:
		return mt_put_module(skb, rec);
	case MODTRACE_REC_DELETE_MODULE_ENTER:
		if (!(rec->flags & MODTRACE_RECORD_F_NAME_UNREADABLE &&
		      !rec->del.name[0]) &&
		    mt_nla_put_string(skb, MODTRACE_ATTR_NAME, rec->del.name))
			return -EMSGSIZE;
		return mt_nla_put_u32(skb, MODTRACE_ATTR_DELETE_FLAGS,
				      rec->del.flags);
	case MODTRACE_REC_OBSOLETE_SYSCALL:
		return mt_put_obsolete(skb, rec);
	case MODTRACE_REC_MODULE_FREE:
		return mt_put_module_name(skb, rec->freed.name);
	case MODTRACE_REC_REQUEST_MODULE_ENTER:
		return mt_nla_put_u8(skb, MODTRACE_ATTR_REQUEST_WAIT,
				     rec->req.wait);
	case MODTRACE_REC_HIDDEN_MODULE:
		if (mt_nla_put_u32(skb, MODTRACE_ATTR_HIDDEN_FROM, rec->hidden.from) ||
		    mt_put_u64(skb, MODTRACE_ATTR_LOAD_TS, rec->hidden.load_ts))
			return -EMSGSIZE;
		return mt_put_module_name(skb, rec->hidden.name);
	default:
		return mt_put_exit(skb, rec);
	}
	/* the syscall entries with a parameter string */
	if (rec->has_str &&
	    mt_nla_put_string(skb, MODTRACE_ATTR_PARAMS, modtrace_rec_str(rec)))
		return -EMSGSIZE;
	return 0;
}

static size_t mt_str_size(const char *str)
{
	return nla_total_size(strlen(str) + 1);
}

#define MT_U32_SIZE	nla_total_size(sizeof(u32))
#define MT_U64_SIZE	nla_total_size_64bit(sizeof(u64))
#define MT_LOSS_SIZE	(nla_total_size(0) + 6 * MT_U64_SIZE)	/* every cause */
/* a FILE nest of device and inode, without a path */
#define MT_FILE_SIZE	(nla_total_size(0) + MT_U32_SIZE + MT_U64_SIZE)

/* The room of what mt_put_exit() puts */
static size_t mt_exit_size(struct mt_record *rec)
{
	size_t size = 3 * MT_U64_SIZE;	/* entry seq, ret, duration */

	if ((rec->type == MODTRACE_REC_INIT_MODULE_EXIT ||
	     rec->type == MODTRACE_REC_FINIT_MODULE_EXIT) &&
	    rec->exit.image_state) {
		size += nla_total_size(0) + MT_U32_SIZE + MT_U64_SIZE;
		if (rec->exit.image_state == MODTRACE_IMAGE_HASHED)
			size += nla_total_size(sizeof(rec->exit.sha256)) +
				(rec->exit.capture_state ? MT_U32_SIZE : 0);
		if (rec->exit.name[0])
			size += mt_str_size(rec->exit.name);
	}
	if (rec->exit.hidden_checked)
		size += MT_U32_SIZE;
	if (rec->type == MODTRACE_REC_FINIT_MODULE_EXIT && rec->exit.has_file)
		size += MT_FILE_SIZE + (modtrace_rec_path(rec)[0] ?
				       mt_str_size(modtrace_rec_path(rec)) : 0);
	else if (rec->type == MODTRACE_REC_DO_INIT_EXIT && rec->exit.name[0])
		size += nla_total_size(0) + mt_str_size(rec->exit.name);
	else if (rec->type == MODTRACE_REC_REQUEST_MODULE_EXIT &&
		 rec->exit.name[0])
		size += mt_str_size(rec->exit.name);
	return size;
}

/*
 * The room @rec's message takes, attribute by attribute as mt_put_record()
 * puts them, without a loss nest (mt_build() adds room for one). Exact
 * rather than bounded, because a reader's socket and the backlogs are
 * charged for the whole buffer: small messages let them hold more records.
 * A batch's buffer, sized from it, then needs no trimming either
 * (netlink_unicast() copies a message whose buffer is mostly empty).
 */
static size_t mt_record_msg_size(struct mt_record *rec)
{
	size_t size, str = rec->has_str ? mt_str_size(modtrace_rec_str(rec)) : 0;

	size = 4 * MT_U32_SIZE + 2 * MT_U64_SIZE;	/* type ... flags */
	size += nla_total_size(0) + 10 * MT_U32_SIZE + MT_U64_SIZE +
		mt_str_size(rec->task.comm);		/* task */
	if (rec->task.abi)
		size += MT_U32_SIZE;
	if (rec->has_request)
		size += nla_total_size(0) + MT_U64_SIZE +
			(rec->request.name[0] ?
			 mt_str_size(rec->request.name) : 0) +
			3 * MT_U32_SIZE + mt_str_size(rec->request.comm);
	switch (rec->type) {
	case MODTRACE_REC_INIT_MODULE_ENTER:
		return size + MT_U64_SIZE + str;
	case MODTRACE_REC_FINIT_MODULE_ENTER:
		return size + (rec->finit.has_fd ? MT_U32_SIZE : 0) +
		       MT_U32_SIZE + (rec->finit.has_file ? MT_FILE_SIZE : 0) +
		       str;
	case MODTRACE_REC_DO_INIT_ENTER:
		return size + nla_total_size(0) + mt_str_size(rec->mod.name) +
		       (rec->mod.version[0] ?
			mt_str_size(rec->mod.version) : 0) +
		       (rec->mod.srcversion[0] ?
			mt_str_size(rec->mod.srcversion) : 0) +
		       3 * MT_U64_SIZE +
		       (rec->mod.has_sig ? nla_total_size(sizeof(u8)) : 0) +
		       str;
	case MODTRACE_REC_DELETE_MODULE_ENTER:
		if (!(rec->flags & MODTRACE_RECORD_F_NAME_UNREADABLE &&
		      !rec->del.name[0]))
			size += mt_str_size(rec->del.name);
		return size + MT_U32_SIZE;
	case MODTRACE_REC_OBSOLETE_SYSCALL:
		return size + MT_U32_SIZE + nla_total_size(0) +
		       MT_NR_SYSCALL_ARGS * MT_U64_SIZE;
	case MODTRACE_REC_MODULE_FREE:
		return size + nla_total_size(0) + mt_str_size(rec->freed.name);
	case MODTRACE_REC_REQUEST_MODULE_ENTER:
		return size + nla_total_size(sizeof(u8));
	case MODTRACE_REC_HIDDEN_MODULE:
		/* HIDDEN_FROM for the PROBE it does not have */
		return size + MT_U64_SIZE + nla_total_size(0) +
		       mt_str_size(rec->hidden.name);
	default:
		return size + mt_exit_size(rec);
	}
}

/*
 * Build a message with @fill for reader @r and send it. Pending losses
 * ride along; they are cleared once a message carrying them is delivered.
 * Return: 0 when delivered.
 */
typedef int (*mt_fill_fn)(struct sk_buff *skb, struct mt_record *rec,
			  const struct mt_loss *loss);

static struct sk_buff *mt_build(size_t size, mt_fill_fn fill,
				struct mt_record *rec, const struct mt_loss *loss)
{
	struct sk_buff *skb;
	void *hdr;

	skb = genlmsg_new(size + (loss ? MT_LOSS_SIZE : 0), GFP_KERNEL);
	if (!skb)
		return NULL;
	hdr = genlmsg_put(skb, 0, 0, &mt_family, 0, MODTRACE_CMD_RECORD);
	/* mt_record_msg_size() and the fill functions disagree: a bug */
	if (WARN_ON_ONCE(!hdr || fill(skb, rec, loss))) {
		nlmsg_free(skb);
		return NULL;
	}
	genlmsg_end(skb, hdr);
	return skb;
}

static void mt_count_lost(struct mt_reader *r, int err)
{
	if (err == -ENOMEM) {
		r->nomem++;
		mt_counters.lost_nomem++;
	} else {
		/* -EAGAIN: the reader's receive queue is full */
		r->socket_full++;
		mt_counters.lost_socket_full++;
	}
}

/* Unicast @skb (consumed) to @r, unless its socket was closed. */
static int mt_unicast(struct mt_reader *r, struct sk_buff *skb)
{
	if (sock_flag(r->sk, SOCK_DEAD)) {
		nlmsg_free(skb);
		return -ECONNREFUSED;
	}
	return genlmsg_unicast(&init_net, skb, r->portid);
}

/* @r was sent a message with @loss, from mt_pending_loss(), riding along. */
static void mt_loss_told(struct mt_reader *r, const struct mt_loss *loss)
{
	r->seen_buffer_full = loss->total_buffer_full;
	r->seen_nmissed = loss->total_nmissed;
	r->seen_busy = loss->total_busy;
	r->socket_full = 0;
	r->nomem = 0;
	r->history = 0;
}

/*
 * Whether @r's socket is over its receive buffer, where netlink refuses
 * what is sent to it (netlink_attachskb(): -EAGAIN, as this reader does not
 * wait). A message for it then need not be built, nor the buffer's lock
 * taken for its loss notice, only to be refused: in a flood that outruns
 * the reader, that work is the worker's largest. A socket that drains
 * meanwhile loses what it might have taken a moment later, no more.
 */
static bool mt_socket_full(const struct mt_reader *r)
{
	const struct sock *sk = r->sk;

	return !sock_flag(sk, SOCK_DEAD) &&
	       atomic_read(&sk->sk_rmem_alloc) > READ_ONCE(sk->sk_rcvbuf);
}

/*
 * Send one message to @r, with its pending losses riding along. A failure
 * is left to the caller to count.
 */
static int mt_try_send(struct mt_reader *r, size_t size, mt_fill_fn fill,
		       struct mt_record *rec)
{
	struct mt_loss loss;
	struct sk_buff *skb;
	bool lossy;
	int err;

	if (mt_socket_full(r))
		return -EAGAIN;
	lossy = mt_pending_loss(r, &loss);
	skb = mt_build(size, fill, rec, lossy ? &loss : NULL);
	if (!skb)
		return -ENOMEM;
	err = mt_unicast(r, skb);
	if (err)
		return err;
	mt_counters.sent++;
	mt_loss_told(r, &loss);
	return 0;
}

static int mt_send(struct mt_reader *r, size_t size, mt_fill_fn fill,
		   struct mt_record *rec)
{
	int err = mt_try_send(r, size, fill, rec);

	/* A loss notice or shutdown that did not go out is no lost record. */
	if (err && rec && err != -ECONNREFUSED)
		mt_count_lost(r, err);
	return err;
}

static int mt_fill_record(struct sk_buff *skb, struct mt_record *rec,
			  const struct mt_loss *loss)
{
	return mt_put_record(skb, rec, loss);
}

static int mt_fill_loss(struct sk_buff *skb, struct mt_record *rec,
			const struct mt_loss *loss)
{
	if (nla_put_u32(skb, MODTRACE_ATTR_TYPE, MODTRACE_REC_LOSS) ||
	    (loss && mt_put_loss(skb, loss)))
		return -EMSGSIZE;
	return 0;
}

static int mt_fill_shutdown(struct sk_buff *skb, struct mt_record *rec,
			    const struct mt_loss *loss)
{
	struct mt_ring_stats st;

	modtrace_ring_stats(&st);
	if (nla_put_u32(skb, MODTRACE_ATTR_TYPE, MODTRACE_REC_SHUTDOWN) ||
	    mt_put_u64(skb, MODTRACE_ATTR_NEXT_SEQ, st.next_seq) ||
	    (loss && mt_put_loss(skb, loss)))
		return -EMSGSIZE;
	return 0;
}

/*
 * Hold @skb, a load's message @r's socket refused, for later; within the
 * reader's and all readers' bounds, else it is lost.
 */
static void mt_hold(struct mt_reader *r, struct sk_buff *skb)
{
	if (skb_queue_len(&r->backlog) >= MT_BACKLOG_MAX ||
	    !mt_may_hold(skb)) {
		kfree_skb(skb);
		mt_count_lost(r, -EAGAIN);
		return;
	}
	__skb_queue_tail(&r->backlog, skb);
}

/* Move a kept entry (held already) to the backlog. */
static void mt_hold_kept(struct mt_reader *r, struct sk_buff *skb)
{
	mt_counters.backlog_bytes -= skb->truesize;
	mt_hold(r, skb);
}

/* Send @r's backlog, oldest first, while its socket takes it. */
static int mt_flush_backlog(struct mt_reader *r)
{
	struct sk_buff *skb, *copy;
	int err;

	while ((skb = skb_peek(&r->backlog))) {
		/* unicast consumes what it is given, sent or not */
		copy = skb_clone(skb, GFP_KERNEL);
		if (!copy)
			return -ENOMEM;
		err = mt_unicast(r, copy);
		if (err)
			return err;
		mt_counters.sent++;
		__skb_unlink(skb, &r->backlog);
		mt_unhold(skb, true);
	}
	return 0;
}

static struct mt_kept *mt_kept_find(struct mt_reader *r, u32 tid)
{
	unsigned int i;

	for (i = 0; i < r->nr_kept; i++)
		if (r->kept[i].tid == tid)
			return &r->kept[i];
	return NULL;
}

/* Forget @k; its entry joins the backlog if @load, else it is lost. */
static void mt_kept_drop(struct mt_reader *r, struct mt_kept *k, bool load)
{
	unsigned int i = k - r->kept;

	if (k->entry && load) {
		mt_hold_kept(r, k->entry);
	} else if (k->entry) {
		mt_unhold(k->entry, false);
		mt_count_lost(r, -EAGAIN);
	}
	memmove(k, k + 1, (r->nr_kept - i - 1) * sizeof(*k));
	r->nr_kept--;
}

static struct mt_kept *mt_kept_add(struct mt_reader *r, u32 tid, u64 seq)
{
	struct mt_kept *k;

	if (r->nr_kept == MT_KEPT_MAX)
		mt_kept_drop(r, &r->kept[0], false);
	k = &r->kept[r->nr_kept++];
	k->tid = tid;
	k->seq = seq;
	k->in_init = false;
	k->entry = NULL;
	return k;
}

/*
 * Forget what @r keeps of calls whose records all have seqs below @seq and
 * that have ended: a kept entry whose return never came (lost to a full
 * buffer) is lost. Return: whether @r still keeps some.
 */
static bool mt_kept_forget(struct mt_reader *r, u64 seq)
{
	unsigned int i = 0;

	while (i < r->nr_kept) {
		if (r->kept[i].seq < seq)
			mt_kept_drop(r, &r->kept[i], false);
		else
			i++;
	}
	return r->nr_kept;
}

/* Keep a DEFERRED copy of @rec, a syscall entry @r's socket refused. */
static void mt_keep_entry(struct mt_reader *r, struct mt_record *rec,
			  size_t size)
{
	u32 flags = rec->flags;
	struct sk_buff *skb;

	rec->flags |= MODTRACE_RECORD_F_DEFERRED;
	skb = mt_build(size, mt_fill_record, rec, NULL);
	rec->flags = flags;
	if (!skb) {
		mt_count_lost(r, -ENOMEM);
		return;
	}
	if (!mt_may_hold(skb)) {
		kfree_skb(skb);
		mt_count_lost(r, -EAGAIN);
		return;
	}
	mt_kept_add(r, rec->task.tid, rec->seq)->entry = skb;
}

/*
 * Whether @rec belongs to a load, for @r's backlog; updates what @r keeps
 * of its thread's call. Sets *@entry for an entry that may be kept.
 */
static bool mt_is_load(struct mt_reader *r, struct mt_record *rec,
		       bool *entry)
{
	struct mt_kept *k = mt_kept_find(r, rec->task.tid);
	bool load;

	*entry = false;
	switch (rec->type) {
	case MODTRACE_REC_INIT_MODULE_ENTER:
	case MODTRACE_REC_FINIT_MODULE_ENTER:
		/* anything kept for this thread is from an earlier call */
		if (k)
			mt_kept_drop(r, k, false);
		*entry = !(rec->flags & MODTRACE_RECORD_F_DEFERRED);
		return !*entry;
	case MODTRACE_REC_DO_INIT_ENTER:
		if (!k)
			k = mt_kept_add(r, rec->task.tid, rec->seq);
		k->seq = rec->seq;
		k->in_init = true;
		if (k->entry) {
			mt_hold_kept(r, k->entry);
			k->entry = NULL;
		}
		return true;
	case MODTRACE_REC_DO_INIT_EXIT:
	case MODTRACE_REC_HIDDEN_MODULE:
		return true;
	case MODTRACE_REC_INIT_MODULE_EXIT:
	case MODTRACE_REC_FINIT_MODULE_EXIT:
		load = rec->exit.ret == 0 || (k && k->in_init);
		if (k)
			mt_kept_drop(r, k, load);
		return load;
	default:
		return false;
	}
}

/* Send record @rec to reader @r on its own (see the top of this file). */
static int mt_send_record(struct mt_reader *r, struct mt_record *rec,
			  size_t size)
{
	bool load, entry;
	struct sk_buff *skb, *copy;
	int err;

	load = mt_is_load(r, rec, &entry);
	if (!skb_queue_empty(&r->backlog) &&
	    mt_flush_backlog(r) == -ECONNREFUSED)
		return -ECONNREFUSED;
	if (!skb_queue_empty(&r->backlog)) {
		/* still behind: only loads get in line */
		if (entry) {
			mt_keep_entry(r, rec, size);
		} else if (!load) {
			mt_count_lost(r, -EAGAIN);
		} else {
			skb = mt_build(size, mt_fill_record, rec, NULL);
			if (skb)
				mt_hold(r, skb);
			else
				mt_count_lost(r, -ENOMEM);
		}
		return 0;
	}
	if (!load) {
		err = mt_try_send(r, size, mt_fill_record, rec);
		if (err == -EAGAIN && entry)
			mt_keep_entry(r, rec, size);
		else if (err && err != -ECONNREFUSED)
			mt_count_lost(r, err);
		return err;
	}
	/* A load's message carries no loss notice: it may wait. */
	skb = mt_build(size, mt_fill_record, rec, NULL);
	if (!skb) {
		mt_count_lost(r, -ENOMEM);
		return -ENOMEM;
	}
	copy = skb_clone(skb, GFP_KERNEL);
	err = mt_unicast(r, skb);
	if (!err) {
		mt_counters.sent++;
		consume_skb(copy);
	} else if (err == -ECONNREFUSED) {
		kfree_skb(copy);
	} else if (copy) {
		mt_hold(r, copy);
	} else {
		mt_count_lost(r, -ENOMEM);
	}
	return err;
}

/*
 * Send every reader that subscribed with @only_flags and has losses to hear
 * of a loss notice, after its held loads; forget those whose socket is
 * gone. Return: whether some reader could not take it.
 */
static bool mt_send_notices(u32 only_flags)
{
	struct mt_reader *r, *tmp;
	struct mt_loss loss;
	bool missed = false;
	int err;

	lockdep_assert_held(&mt_readers_lock);
	list_for_each_entry_safe(r, tmp, &mt_readers, node) {
		/* it gets this from the history, in its turn */
		if (r->replaying || !(r->flags & only_flags) ||
		    !mt_pending_loss(r, &loss))
			continue;
		err = mt_flush_backlog(r);
		if (!err)
			err = mt_send(r, MT_U32_SIZE, mt_fill_loss, NULL);
		if (err == -ECONNREFUSED) {
			mt_counters.readers_gone++;
			mt_remove_reader(r);
		} else if (err) {
			missed = true;
		}
	}
	return missed;
}

/*
 * The records of one batch: their messages back to back in @skb, built
 * once; a reader with nothing held or owed gets a clone in one datagram.
 * Guarded by mt_readers_lock, as the worker's round is.
 */
static struct mt_batch {
	unsigned int n;
	struct mt_record *recs[MT_BATCH_RECORDS];
	size_t sizes[MT_BATCH_RECORDS];	/* mt_record_msg_size() */
	u32 offs[MT_BATCH_RECORDS];	/* of each message in @skb */
	struct sk_buff *skb;		/* NULL: no memory for it */
} mt_batch;

static struct sk_buff *mt_build_batch(struct mt_batch *b)
{
	struct sk_buff *skb;
	size_t total = 0;
	unsigned int i;
	void *hdr;

	for (i = 0; i < b->n; i++)
		total += nlmsg_total_size(genlmsg_total_size(b->sizes[i]));
	skb = alloc_skb(total, GFP_KERNEL | __GFP_NOWARN);
	if (!skb)
		return NULL;
	for (i = 0; i < b->n; i++) {
		b->offs[i] = skb->len;
		hdr = genlmsg_put(skb, 0, 0, &mt_family, 0,
				  MODTRACE_CMD_RECORD);
		/* mt_record_msg_size() and mt_put_record() disagree: a bug */
		if (WARN_ON_ONCE(!hdr || mt_put_record(skb, b->recs[i], NULL))) {
			kfree_skb(skb);
			return NULL;
		}
		genlmsg_end(skb, hdr);
		/* likewise, if the size was not exact */
		WARN_ON_ONCE(skb->len - b->offs[i] !=
			     nlmsg_total_size(genlmsg_total_size(b->sizes[i])));
	}
	return skb;
}

static const struct nlmsghdr *mt_batch_msg(const struct mt_batch *b,
					   unsigned int i)
{
	return b->skb ? (const struct nlmsghdr *)(b->skb->data + b->offs[i]) :
			NULL;
}

/* The batch with @loss riding on its first record, for one reader. */
static struct sk_buff *mt_batch_with_loss(const struct mt_batch *b,
					  const struct mt_loss *loss)
{
	u32 rest = b->n > 1 ? b->offs[1] : b->skb->len;
	struct sk_buff *first, *skb;

	first = mt_build(b->sizes[0], mt_fill_record, b->recs[0], loss);
	if (!first)
		return NULL;
	skb = alloc_skb(first->len + b->skb->len - rest,
			GFP_KERNEL | __GFP_NOWARN);
	if (skb) {
		skb_put_data(skb, first->data, first->len);
		skb_put_data(skb, b->skb->data + rest, b->skb->len - rest);
	}
	consume_skb(first);
	return skb;
}

/*
 * Send batch @b to @r: whole, in one datagram, when nothing of @r's waits
 * and its socket takes it; else record by record, as mt_send_record()
 * does with each, so that a socket that refuses the batch loses no more
 * than it would have refused of its records.
 */
static int mt_send_batch(struct mt_reader *r, struct mt_batch *b)
{
	struct sk_buff *skb = NULL;
	struct mt_loss loss;
	bool lossy = false, entry;
	unsigned int i;
	int err = 0;

	/* seqs grow through the batch: its first says for all */
	if (b->skb && skb_queue_empty(&r->backlog) &&
	    b->recs[0]->seq >= r->start_seq) {
		lossy = mt_pending_loss(r, &loss);
		if (lossy)
			skb = mt_batch_with_loss(b, &loss);
		else
			skb = skb_clone(b->skb, GFP_KERNEL);
	}
	if (skb) {
		err = mt_unicast(r, skb);
		if (err == -ECONNREFUSED)
			return err;
	}
	if (skb && !err) {
		mt_counters.sent += b->n;
		if (lossy)
			mt_loss_told(r, &loss);
		/* what it keeps of each thread's call, as if sent one by one */
		for (i = 0; i < b->n; i++)
			mt_is_load(r, b->recs[i], &entry);
		return 0;
	}
	for (i = 0; i < b->n; i++) {
		/* made before the reader subscribed: not its record */
		if (b->recs[i]->seq < r->start_seq)
			continue;
		err = mt_send_record(r, b->recs[i], b->sizes[i]);
		if (err == -ECONNREFUSED)
			return err;
	}
	return 0;
}

/* Send @b to every live reader, forgetting those whose socket is gone. */
static void mt_send_batch_all(struct mt_batch *b)
{
	struct mt_reader *r, *tmp;

	lockdep_assert_held(&mt_readers_lock);
	list_for_each_entry_safe(r, tmp, &mt_readers, node) {
		/* it gets these from the history, in its turn */
		if (r->replaying)
			continue;
		if (mt_send_batch(r, b) == -ECONNREFUSED) {
			mt_counters.readers_gone++;
			mt_remove_reader(r);
		}
	}
}

/*
 * Keep @rec, whose message is @nlh, in the history. The entry pushed out
 * for it is lost to the replaying readers that had not been sent it
 * (counted for them if it was made after they subscribed; before, it is
 * counted when they reach the end).
 */
static void mt_history_keep(struct mt_record *rec,
			    const struct nlmsghdr *nlh)
{
	struct mt_hist_entry *victim;
	struct mt_reader *r;

	/* not held for want of memory: a replaying reader counts it lost */
	if (!modtrace_history_records || !nlh)
		return;
	victim = modtrace_history_victim();
	if (victim) {
		list_for_each_entry(r, &mt_readers, node) {
			/* sent already, or all of it sent (no cursor) */
			if (!r->replaying || !r->cursor ||
			    modtrace_history_ord(victim) <
			    modtrace_history_ord(r->cursor))
				continue;
			if (modtrace_history_seq(victim) >= r->start_seq)
				r->history++;
			if (r->cursor == victim)
				r->cursor = modtrace_history_next(victim);
		}
		modtrace_history_evict(victim);
	}
	modtrace_history_add(rec, nlmsg_data(nlh) + GENL_HDRLEN,
			     nlmsg_len(nlh) - GENL_HDRLEN);
	/* a reader waiting for the next entry added: this one */
	list_for_each_entry(r, &mt_readers, node)
		if (r->replaying && !r->cursor)
			r->cursor = modtrace_history_last();
}

/*
 * Send @r history entry @e as a record. Losses of the buffer and the
 * probes wait for the live stream: they concern records made after it
 * subscribed, which come later.
 */
static int mt_send_entry(struct mt_reader *r, const struct mt_hist_entry *e)
{
	struct mt_loss loss;
	struct sk_buff *skb;
	const void *attrs;
	bool lossy;
	void *hdr;
	u32 len;
	int err;

	mt_pending_loss(r, &loss);
	loss.buffer_full = 0;
	loss.nmissed = 0;
	loss.busy = 0;
	lossy = loss.socket_full || loss.nomem || loss.history;
	attrs = modtrace_history_data(e, &len);
	skb = genlmsg_new(len + MT_LOSS_SIZE, GFP_KERNEL);
	if (!skb)
		return -ENOMEM;
	hdr = genlmsg_put(skb, 0, 0, &mt_family, 0, MODTRACE_CMD_RECORD);
	if (WARN_ON_ONCE(!hdr)) {
		nlmsg_free(skb);
		return -ENOMEM;
	}
	skb_put_data(skb, attrs, len);
	if (WARN_ON_ONCE(lossy && mt_put_loss(skb, &loss))) {
		nlmsg_free(skb);
		return -ENOMEM;
	}
	genlmsg_end(skb, hdr);
	err = mt_unicast(r, skb);
	if (err)
		return err;
	mt_counters.sent++;
	r->socket_full = 0;
	r->nomem = 0;
	r->history = 0;
	return 0;
}

/*
 * Send @r the history from its cursor while its socket takes it; at the
 * end, it is live: what it asked for from before it subscribed and did not
 * get is counted lost (history). Return: 0, or the error that stopped it.
 */
static int mt_replay(struct mt_reader *r)
{
	struct mt_hist_entry *e;
	bool before;
	u64 seq;
	int err;

	while ((e = r->cursor)) {
		seq = modtrace_history_seq(e);
		before = seq < r->start_seq;
		if (seq >= r->from_seq) {
			err = mt_send_entry(r, e);
			if (err == -EAGAIN || err == -ECONNREFUSED)
				return err;
			if (err)
				mt_count_lost(r, err);
			if (before)
				r->sent_before++;
		}
		r->cursor = modtrace_history_next(e);
	}
	/*
	 * Records still wait in the buffer (this round's budget ran out): they
	 * come through the history too, so that none made before it
	 * subscribed is skipped by the live stream. Its cursor is then the
	 * next entry added.
	 */
	if (modtrace_ring_peek())
		return 0;
	r->replaying = false;
	r->history += r->start_seq - r->from_seq - r->sent_before;
	return 0;
}

/* Queue the captures the returns handed over, for the readers asking now. */
static void mt_captures_take(void)
{
	struct llist_node *first = llist_del_all(&mt_capture_in);
	struct mt_capture *cap, *tmp;
	struct mt_reader *r;

	first = llist_reverse_order(first);
	llist_for_each_entry_safe(cap, tmp, first, lnode) {
		cap->nr_want = 0;
		list_for_each_entry(r, &mt_readers, node) {
			if (cap->orphan || cap->nr_want == MT_MAX_READERS)
				break;
			if (r->flags & MODTRACE_SUBSCRIBE_F_CAPTURE)
				cap->want[cap->nr_want++] =
					(struct mt_capture_want){ r->id, 0, 0 };
		}
		if (cap->nr_want)
			list_add_tail(&cap->node, &mt_captures);
		else
			modtrace_capture_free(cap);
	}
}

/* An IMAGE_CHUNK record of @cap's bytes from @off */
static struct sk_buff *mt_build_chunk(const struct mt_capture *cap, u64 off)
{
	u32 n = min_t(u64, cap->len - off, MT_CHUNK_BYTES);
	struct sk_buff *skb;
	struct nlattr *nest;
	void *hdr;

	skb = genlmsg_new(MT_U32_SIZE + nla_total_size(0) + 2 * MT_U64_SIZE +
			  nla_total_size(sizeof(cap->sha256)) +
			  nla_total_size(n), GFP_KERNEL);
	if (!skb)
		return NULL;
	hdr = genlmsg_put(skb, 0, 0, &mt_family, 0, MODTRACE_CMD_RECORD);
	if (WARN_ON_ONCE(!hdr) ||
	    WARN_ON_ONCE(nla_put_u32(skb, MODTRACE_ATTR_TYPE,
				     MODTRACE_REC_IMAGE_CHUNK)))
		goto fail;
	nest = nla_nest_start(skb, MODTRACE_ATTR_IMAGE);
	if (WARN_ON_ONCE(!nest ||
			 nla_put_u64_64bit(skb, MODTRACE_IMAGE_ATTR_LEN,
					   cap->len, MODTRACE_IMAGE_ATTR_PAD) ||
			 nla_put(skb, MODTRACE_IMAGE_ATTR_SHA256,
				 sizeof(cap->sha256), cap->sha256) ||
			 nla_put_u64_64bit(skb, MODTRACE_IMAGE_ATTR_OFFSET, off,
					   MODTRACE_IMAGE_ATTR_PAD) ||
			 nla_put(skb, MODTRACE_IMAGE_ATTR_DATA, n,
				 cap->data + off)))
		goto fail;
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return skb;

fail:
	nlmsg_free(skb);
	return NULL;
}

static struct mt_reader *mt_find_reader_id(u64 id)
{
	struct mt_reader *r;

	list_for_each_entry(r, &mt_readers, node)
		if (r->id == id)
			return r;
	return NULL;
}

/*
 * Send the reader of @w what it has not had of @cap, after the loads its
 * backlog holds. Return: whether it is done with @cap (got it, lost it, or
 * is gone); if not, sets *@retry.
 */
static bool mt_capture_send(struct mt_capture *cap, struct mt_capture_want *w,
			    bool *retry)
{
	struct mt_reader *r = mt_find_reader_id(w->reader);
	struct sk_buff *skb;
	int err;

	if (!r)
		return true;
	while (w->off < cap->len) {
		err = -EAGAIN;
		if (skb_queue_empty(&r->backlog)) {
			skb = mt_build_chunk(cap, w->off);
			err = skb ? mt_unicast(r, skb) : -ENOMEM;
		}
		if (err == -ECONNREFUSED)
			return true;
		if (err == -EAGAIN && ++w->tries < MT_CAPTURE_TRIES) {
			*retry = true;
			return false;
		}
		if (err) {
			mt_counters.capture_lost++;
			return true;
		}
		w->off += min_t(u64, cap->len - w->off, MT_CHUNK_BYTES);
		w->tries = 0;
		cond_resched();
	}
	return true;
}

/*
 * Send the queued captures as far as the readers' sockets take them; free
 * those every reader is done with. Return: whether some wait for room.
 */
static bool mt_captures_send(void)
{
	struct mt_capture *cap, *tmp;
	bool retry = false;
	unsigned int i;

	list_for_each_entry_safe(cap, tmp, &mt_captures, node) {
		i = 0;
		while (i < cap->nr_want) {
			if (mt_capture_send(cap, &cap->want[i], &retry))
				cap->want[i] = cap->want[--cap->nr_want];
			else
				i++;
		}
		if (!cap->nr_want) {
			list_del(&cap->node);
			modtrace_capture_free(cap);
		}
	}
	return retry;
}

/* Module exit: what was never sent. */
static void mt_captures_free(void)
{
	struct llist_node *first = llist_del_all(&mt_capture_in);
	struct mt_capture *cap, *tmp;

	llist_for_each_entry_safe(cap, tmp, first, lnode)
		modtrace_capture_free(cap);
	list_for_each_entry_safe(cap, tmp, &mt_captures, node) {
		list_del(&cap->node);
		modtrace_capture_free(cap);
	}
}

/*
 * Send what the probes committed, oldest first, then the loss notices.
 * Runs on the ordered workqueue, and once more from module exit. A notice
 * a full socket refused is tried again shortly: no record may come to
 * carry it.
 */
static void mt_drain(unsigned int budget)
{
	struct mt_batch *b = &mt_batch;
	struct mt_reader *r, *tmp;
	struct mt_ring_stats st;
	bool retry = false, kept = false, ended;
	unsigned int i;
	int err;

	mutex_lock(&mt_readers_lock);
	mt_clock_sync();
	/*
	 * The seq first, then the open calls: if none is open, every call
	 * with records below that seq has ended (see
	 * modtrace_probes_calls_open()), and once the buffer is empty, what
	 * is kept of them waits for nothing.
	 */
	modtrace_ring_stats(&st);
	ended = !modtrace_probes_calls_open();
	while (budget &&
	       (b->n = modtrace_ring_peek_batch(b->recs,
						min(budget, MT_BATCH_RECORDS)))) {
		for (i = 0; i < b->n; i++)
			b->sizes[i] = mt_record_msg_size(b->recs[i]);
		b->skb = mt_build_batch(b);
		for (i = 0; i < b->n; i++)
			mt_history_keep(b->recs[i], mt_batch_msg(b, i));
		mt_send_batch_all(b);
		consume_skb(b->skb);
		modtrace_ring_pop_batch(b->n);
		budget -= b->n;
		cond_resched();
	}
	ended = ended && modtrace_ring_empty();
	if (ended)
		modtrace_history_forget_open(st.next_seq);
	list_for_each_entry_safe(r, tmp, &mt_readers, node) {
		if (r->nr_kept)
			kept |= !ended || mt_kept_forget(r, st.next_seq);
		if (r->replaying)
			err = mt_replay(r);
		else if (skb_queue_empty(&r->backlog))
			continue;
		else
			err = mt_flush_backlog(r);
		if (err == -ECONNREFUSED) {
			mt_counters.readers_gone++;
			mt_remove_reader(r);
		} else if (err) {
			retry = true;
		}
	}
	mt_captures_take();
	retry |= mt_captures_send();
	retry |= mt_send_notices(MODTRACE_SUBSCRIBE_F_LOSS_NOTICE);
	if ((retry || kept) && !mt_stopping)
		queue_delayed_work(mt_wq, &mt_retry_work,
				   msecs_to_jiffies(retry ? MT_RETRY_MS :
						    MT_KEPT_MS));
	mutex_unlock(&mt_readers_lock);
}

static void mt_retry_fn(struct work_struct *work)
{
	mt_drain(modtrace_buffer_records);
}

static void mt_work_fn(struct work_struct *work)
{
	/* Before looking at the buffer: see modtrace_kick(). */
	atomic_xchg(&mt_kicked, MT_KICK_NONE);
	mt_drain(modtrace_buffer_records);
	/* Under a flood, yield the CPU between rounds. */
	if (modtrace_ring_peek())
		queue_work(mt_wq, &mt_work);
}

static int mt_netlink_event(struct notifier_block *nb, unsigned long event,
			    void *ptr)
{
	struct netlink_notify *n = ptr;
	struct mt_reader *r;

	if (event != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC ||
	    !net_eq(n->net, &init_net))
		return NOTIFY_DONE;
	mutex_lock(&mt_readers_lock);
	r = mt_find_reader(n->portid);
	if (r) {
		mt_counters.readers_gone++;
		mt_remove_reader(r);
	}
	mutex_unlock(&mt_readers_lock);
	return NOTIFY_DONE;
}

static struct notifier_block mt_netlink_nb = {
	.notifier_call = mt_netlink_event,
};

/* The worker and the notifier; before the probes, which kick the worker. */
int modtrace_netlink_init(void)
{
	int err;

	/*
	 * Ordinary priority, as kauditd's: a high-priority worker preempts
	 * the callers of a flood on their own CPU, which then pay for its
	 * rounds, and the buffer (and, for loads, its reserved slots) is what
	 * holds records while the worker waits its turn.
	 */
	mt_wq = alloc_ordered_workqueue("modtrace", 0);
	if (!mt_wq)
		return -ENOMEM;
	err = netlink_register_notifier(&mt_netlink_nb);
	if (err) {
		destroy_workqueue(mt_wq);
		return err;
	}
	return 0;
}

static bool mt_family_registered;

/* The family; after the probes, so that GET_STATUS finds them in place. */
int modtrace_netlink_register(void)
{
	int err = genl_register_family(&mt_family);

	mt_family_registered = !err;
	return err;
}

/*
 * Tell every reader the module is going away. A reader whose socket is full
 * would otherwise never know (the controller's notice of the family's
 * removal is dropped the same way), so wait a little for room: rmmod may
 * sleep.
 */
static void mt_tell_shutdown(void)
{
	struct mt_reader *r, *tmp;
	unsigned int tries;
	bool missed = true;
	int err;

	for (tries = 0; missed && tries < MT_SHUTDOWN_TRIES; tries++) {
		if (tries)
			msleep(MT_RETRY_MS);
		missed = false;
		mutex_lock(&mt_readers_lock);
		list_for_each_entry_safe(r, tmp, &mt_readers, node) {
			if (r->told_shutdown)
				continue;
			err = r->replaying ? mt_replay(r) : 0;
			if (!err)
				err = mt_flush_backlog(r);
			if (!err)
				err = mt_send(r, MT_U32_SIZE + MT_U64_SIZE,
					      mt_fill_shutdown, NULL);
			if (!err || err == -ECONNREFUSED)
				r->told_shutdown = true;
			else
				missed = true;
		}
		mutex_unlock(&mt_readers_lock);
	}
	if (missed)
		pr_warn("a reader's socket stayed full: it was not told of the unload\n");
}

/*
 * With the probes gone: accept no new reader, send what is left and tell
 * every reader the module is going away.
 */
void modtrace_netlink_stop(void)
{
	struct mt_reader *r;

	irq_work_sync(&mt_irq_work_tick);
	irq_work_sync(&mt_irq_work_now);
	flush_workqueue(mt_wq);
	mutex_lock(&mt_readers_lock);
	mt_stopping = true;
	mutex_unlock(&mt_readers_lock);
	cancel_delayed_work_sync(&mt_retry_work);
	mt_drain(UINT_MAX);
	/* No return will come for the calls whose entries are kept. */
	mutex_lock(&mt_readers_lock);
	list_for_each_entry(r, &mt_readers, node)
		while (r->nr_kept)
			mt_kept_drop(r, &r->kept[0], false);
	mutex_unlock(&mt_readers_lock);

	mt_tell_shutdown();
}

void modtrace_netlink_exit(void)
{
	struct mt_reader *r, *tmp;

	if (mt_family_registered)
		genl_unregister_family(&mt_family);
	mt_family_registered = false;
	netlink_unregister_notifier(&mt_netlink_nb);
	/* a CHECK_HIDDEN just before the stop may have kicked the worker */
	irq_work_sync(&mt_irq_work_tick);
	irq_work_sync(&mt_irq_work_now);
	destroy_workqueue(mt_wq);
	list_for_each_entry_safe(r, tmp, &mt_readers, node)
		mt_remove_reader(r);
	mt_captures_free();
}

/*
 * What the probe handlers run must not be probed itself: a hit there would
 * re-enter the handlers.
 */
NOKPROBE_SYMBOL(modtrace_kick);
NOKPROBE_SYMBOL(modtrace_capture_queue);
NOKPROBE_SYMBOL(modtrace_capture_wanted);
