/* SPDX-License-Identifier: GPL-2.0 */
/*
 * modtrace internals shared by the module's files: the record that probes
 * fill and the worker sends, and the interfaces between the buffer (ring.c),
 * the probes (probes.c) and the generic netlink side (netlink.c).
 */
#ifndef _MODTRACE_H
#define _MODTRACE_H

#include <linux/fs.h>
#include <linux/llist.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/skbuff.h>
#include <linux/types.h>
#include <linux/workqueue.h>

#include "uapi/modtrace.h"

#define MT_VERSION_MAX		64
#define MT_NR_SYSCALL_ARGS	6
#define MT_MAX_READERS		32

/*
 * The SUBSCRIBE flags this module implements, for the policy's mask: a bit
 * outside it is answered with EINVAL. A flag added to the protocol
 * (kmod/modtrace.yaml) is accepted once it is added here.
 */
#define MT_SUBSCRIBE_F_ALL	(MODTRACE_SUBSCRIBE_F_LOSS_NOTICE | \
				 MODTRACE_SUBSCRIBE_F_CAPTURE)

/* Who made the call, as seen from the initial namespaces */
struct mt_task {
	u64 cgroup_id;
	u32 tgid;
	u32 tid;
	u32 ppid;
	u32 uid;
	u32 euid;
	u32 gid;
	u32 loginuid;
	u32 sessionid;
	u32 pidns_ino;
	u32 mntns_ino;
	u32 abi;
	char comm[TASK_COMM_LEN];
};

/* The module request a task runs for (MODTRACE_ATTR_REQUEST) */
struct mt_request_info {
	u64 seq;
	u32 tgid;
	u32 tid;
	u32 uid;
	char comm[TASK_COMM_LEN];
	char name[MODULE_NAME_LEN];
};

/* What do_init_module() entry copies out of struct module */
struct mt_module_info {
	u64 taints;
	u64 text_size;
	u64 total_size;
	bool has_sig;
	bool sig_ok;
	char name[MODULE_NAME_LEN];
	char version[MT_VERSION_MAX];
	char srcversion[MT_VERSION_MAX];
};

/*
 * One record. A probe fills it in its buffer slot and the worker turns it
 * into a message. Each slot is followed by one string area of
 * modtrace_string_max + 1 bytes: modtrace_rec_str() on the entries (the
 * caller's parameters, or mod->args), modtrace_rec_path() on the returns
 * (finit_module's file path, resolved as the call returns to user space).
 */
struct mt_record {
	u64 seq;
	u64 clock;		/* local_clock(); the worker sends CLOCK_MONOTONIC */
	u32 type;
	u32 probe;
	u32 flags;
	u32 cpu;
	struct mt_task task;
	bool has_request;
	struct mt_request_info request;
	bool has_str;
	union {
		struct {
			u64 len;
		} init;
		struct {
			u64 ino;
			u32 dev;
			u32 flags;
			s32 fd;
			bool has_fd;
			bool has_file;
		} finit;
		struct {
			u32 flags;
			char name[MODULE_NAME_LEN];
		} del;
		struct {
			u32 nr;
			u64 args[MT_NR_SYSCALL_ARGS];
		} obsolete;
		struct mt_module_info mod;
		struct {
			s64 ret;
			u64 entry_seq;
			u64 duration;
			/* do_init_module; init/finit_module: the image's module */
			char name[MODULE_NAME_LEN];
			/* init/finit_module: MODTRACE_IMAGE_*, 0 if none read */
			u32 image_state;
			u64 image_len;
			u8 sha256[32];
			/* MODTRACE_CAPTURE_*, with image_state HASHED */
			u32 capture_state;
			/* init/finit_module: MODTRACE_HIDDEN_F_*, if checked */
			bool hidden_checked;
			u32 hidden_from;
			/* finit_module only: its file, dev and ino if has_file */
			u64 ino;
			u32 dev;
			bool has_file;
			/* the file, until the return's task work resolves it */
			struct file *file;
			struct callback_head twork;
		} exit;
		struct {
			char name[MODULE_NAME_LEN];
		} freed;
		struct {
			bool wait;
		} req;
		struct {
			u64 load_ts;
			u32 from;	/* MODTRACE_HIDDEN_F_* */
			char name[MODULE_NAME_LEN];
		} hidden;
	};
};

/* A reader a capture is for, and how far it got */
struct mt_capture_want {
	u64 reader;		/* its id (struct mt_reader) */
	u64 off;		/* bytes sent */
	unsigned int tries;	/* rounds its socket refused the next chunk */
};

/*
 * An image copied as it was hashed (image.c), handed to the worker at the
 * call's return through a lock-free list, then queued by the worker until
 * every reader that asked got it or lost it. Its bytes count against
 * capture_max_bytes until it is freed (modtrace_capture_free()).
 */
struct mt_capture {
	struct llist_node lnode;	/* image.c to the worker */
	struct list_head node;		/* the worker's queue */
	u64 len;
	u8 *data;
	u8 sha256[32];
	bool orphan;			/* its exit record was lost */
	unsigned int nr_want;
	struct mt_capture_want want[MT_MAX_READERS];
};

struct mt_capture_stats {
	u64 held_bytes;
	u64 over_budget;
	u64 no_memory;
	u64 captured;
};

struct mt_ring_stats {
	u64 next_seq;
	u64 queued;
	u64 lost;	/* buffer full: these have a seq */
	u64 busy;	/* lock not had in NMI context: no seq */
};

struct mt_history_stats {
	u32 held;
	u64 added;		/* entries ever added */
	u64 first_seq;		/* of the oldest entry, 0 if none */
};

struct mt_hidden_stats {
	u32 tracked;		/* modules in the table now */
	u64 checks;		/* CHECK_HIDDEN requests run */
	u64 untracked;		/* came live while the table was full */
};

/* module parameters, fixed once loaded */
extern unsigned int modtrace_buffer_records;
extern unsigned int modtrace_history_records;
extern unsigned int modtrace_reserved_records;
extern unsigned int modtrace_string_max;
/* module parameter, may change at run time: read with READ_ONCE() */
extern unsigned long modtrace_capture_max_bytes;
extern u64 modtrace_instance;
bool modtrace_is_locked(void);

/* ring.c */
int modtrace_ring_init(void);
void modtrace_ring_free(void);
char *modtrace_rec_str(struct mt_record *rec);
char *modtrace_rec_path(struct mt_record *rec);
struct mt_record *modtrace_ring_reserve(u32 type, bool may_use_reserve,
					bool may_defer, u64 *seq);
void modtrace_ring_count_lost(void);
bool modtrace_ring_commit(struct mt_record *rec);
struct mt_record *modtrace_ring_peek(void);
unsigned int modtrace_ring_peek_batch(struct mt_record **recs,
				      unsigned int max);
void modtrace_ring_pop_batch(unsigned int n);
void modtrace_ring_stats(struct mt_ring_stats *st);
bool modtrace_ring_empty(void);

/* history.c: the worker and the commands only, under the readers' lock */
struct mt_hist_entry;
int modtrace_history_init(void);
void modtrace_history_free(void);
size_t modtrace_history_bytes(void);
struct mt_hist_entry *modtrace_history_victim(void);
void modtrace_history_evict(struct mt_hist_entry *e);
void modtrace_history_forget_open(u64 seq);
void modtrace_history_add(const struct mt_record *rec, const void *attrs,
			  u32 len);
struct mt_hist_entry *modtrace_history_first(void);
struct mt_hist_entry *modtrace_history_last(void);
struct mt_hist_entry *modtrace_history_next(struct mt_hist_entry *e);
const void *modtrace_history_data(const struct mt_hist_entry *e, u32 *len);
u64 modtrace_history_seq(const struct mt_hist_entry *e);
u64 modtrace_history_ord(const struct mt_hist_entry *e);
void modtrace_history_stats(struct mt_history_stats *st);

/* image.c */
struct mt_load_info_head;
int modtrace_image_init(void);
void modtrace_image_exit(void);
void modtrace_image_enter(const struct mt_load_info_head *info);
void modtrace_image_take(struct mt_record *rec);
u64 modtrace_image_unkept(void);
void modtrace_capture_free(struct mt_capture *cap);
void modtrace_capture_stats(struct mt_capture_stats *st);

/* request.c */
struct subprocess_info;
void modtrace_request_enter(u64 seq, const struct mt_task *t);
void modtrace_request_name(const char *name, bool only_if_none);
void modtrace_request_umh(const struct subprocess_info *sub_info);
void modtrace_request_helper(const void *data);
void modtrace_request_exit(char *name);
bool modtrace_request_of_current(struct mt_request_info *info, u32 *flags);
u64 modtrace_request_unkept(void);

/* hidden.c */
int modtrace_hidden_init(void);
void modtrace_hidden_exit(void);
u32 modtrace_hidden_from(struct module *mod);
void modtrace_hidden_check(void);
void modtrace_hidden_stats(struct mt_hidden_stats *st);

/* probes.c */
void modtrace_task_fill(struct mt_task *t);
int modtrace_probes_register(void);
void modtrace_probes_unregister(void);
void modtrace_probes_self_exit(void);
u64 modtrace_probes_nmissed(void);
bool modtrace_probes_calls_open(void);
int modtrace_probes_put_status(struct sk_buff *skb);

/* netlink.c */
int modtrace_netlink_init(void);
int modtrace_netlink_register(void);
void modtrace_netlink_stop(void);
void modtrace_netlink_exit(void);
void modtrace_kick(bool now);
bool modtrace_capture_wanted(void);
void modtrace_capture_queue(struct mt_capture *cap);

#endif /* _MODTRACE_H */
