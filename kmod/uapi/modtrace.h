/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * modtrace: the generic netlink protocol between the modtrace kernel module
 * and its reader. Shared byte-for-byte by both; add values, never renumber.
 *
 * A reader resolves the family MODTRACE_GENL_NAME, sends
 * MODTRACE_CMD_SUBSCRIBE from the socket it wants records on and then
 * receives MODTRACE_CMD_RECORD messages unicast to that socket's port id.
 * Every command needs CAP_NET_ADMIN in the initial user namespace: anyone
 * else gets EPERM, checked before any attribute is looked at. (The generic
 * netlink core itself answers a malformed header with EINVAL and an unknown
 * command or a dump request with EOPNOTSUPP before it reaches any family.)
 * The family exists in the initial network namespace only.
 *
 * Records: every probe hit that produces a record takes the next sequence
 * number (MODTRACE_ATTR_SEQ, from 1, no gaps within one module instance),
 * even when the record is then lost. A missing seq therefore is a lost
 * record; the cause is counted in the MODTRACE_ATTR_LOSS nest of the next
 * record the reader receives. This module sends records in seq order, but
 * for one exception (MODTRACE_RECORD_F_DEFERRED); a reader should order by
 * seq rather than by arrival.
 *
 * Unload: the delete_module(2) call that unloads the module has its return
 * record (RET 0) made by the module's exit, as the last record; then the
 * module sends MODTRACE_REC_SHUTDOWN to every subscriber
 * (best effort: it is lost if the reader's socket is full), then unregisters
 * the family, which the generic netlink controller announces as
 * CTRL_CMD_DELFAMILY on its "notify" multicast group.
 *
 * Compatibility: the protocol grows by adding attributes, record types,
 * probes, flags and enum values, never by renumbering or changing what one
 * means, and MODTRACE_GENL_VERSION stays 1 for as long as that holds. So a
 * reader ignores attributes it does not know, keeps a record whose type,
 * probe, ABI or other enum value it does not know (and shows the number),
 * and ignores record flags it does not know; a module ignores nothing it is
 * sent (strict validation) and answers EINVAL to what it does not know.
 *
 * The attributes of each command, as trees (optional ones in brackets; the
 * enums below say what each holds):
 *
 * MODTRACE_CMD_SUBSCRIBE, reader -> kernel:
 *	[MODTRACE_ATTR_VERSION]: u32
 *	[MODTRACE_ATTR_SUBSCRIBE_FLAGS]: u32, enum modtrace_subscribe_flags
 *	[MODTRACE_ATTR_FROM_SEQ]: u64, from 1
 * and its reply:
 *	MODTRACE_ATTR_VERSION: u32
 *	MODTRACE_ATTR_INSTANCE: u64
 *	MODTRACE_ATTR_NEXT_SEQ: u64
 *	MODTRACE_ATTR_HISTORY_FIRST_SEQ: u64
 *
 * MODTRACE_CMD_UNSUBSCRIBE, reader -> kernel: no attributes; an ack.
 *
 * MODTRACE_CMD_GET_STATUS, reader -> kernel: no attributes. The reply:
 *	MODTRACE_ATTR_VERSION: u32
 *	MODTRACE_ATTR_INSTANCE: u64
 *	MODTRACE_ATTR_NEXT_SEQ: u64
 *	MODTRACE_ATTR_PARAM_BUFFER_RECORDS: u32
 *	MODTRACE_ATTR_PARAM_RESERVED_RECORDS: u32
 *	MODTRACE_ATTR_PARAM_STRING_MAX: u32
 *	MODTRACE_ATTR_PARAM_LOCKED: u8
 *	MODTRACE_ATTR_PARAM_HISTORY_RECORDS: u32
 *	MODTRACE_ATTR_HISTORY_BYTES: u32
 *	MODTRACE_ATTR_PROBE_STATUS: nest, one per point a probe tried
 *		MODTRACE_PROBE_ATTR_ID: u32, enum modtrace_probe_id
 *		MODTRACE_PROBE_ATTR_STATE: u32, enum modtrace_probe_state
 *		MODTRACE_PROBE_ATTR_HITS: u64
 *		MODTRACE_PROBE_ATTR_NMISSED: u64
 *		[MODTRACE_PROBE_ATTR_SYMBOL]: string
 *		[MODTRACE_PROBE_ATTR_REGISTER_ERROR]: u32
 *	MODTRACE_ATTR_READERS: u32
 *	MODTRACE_ATTR_HISTORY_HELD: u32
 *	MODTRACE_ATTR_HISTORY_FIRST_SEQ: u64
 *	MODTRACE_ATTR_BACKLOG_BYTES: u32
 *	MODTRACE_ATTR_BACKLOG_MAX_BYTES: u32
 *	MODTRACE_ATTR_COUNTERS: nest, enum modtrace_counter_attr, each u64
 *
 * MODTRACE_CMD_RECORD, kernel -> reader, one record:
 *	MODTRACE_ATTR_TYPE: u32, enum modtrace_record_type
 *	then, for LOSS, [MODTRACE_ATTR_LOSS]; for SHUTDOWN, NEXT_SEQ and
 *	[MODTRACE_ATTR_LOSS]; for the records a probe made:
 *	MODTRACE_ATTR_SEQ: u64
 *	MODTRACE_ATTR_PROBE: u32, enum modtrace_probe_id
 *	MODTRACE_ATTR_TS: u64
 *	MODTRACE_ATTR_CPU: u32
 *	MODTRACE_ATTR_TASK: nest
 *		MODTRACE_TASK_ATTR_TGID, _TID, _PPID, _UID, _EUID, _GID,
 *		_LOGINUID, _SESSIONID: u32
 *		MODTRACE_TASK_ATTR_COMM: string
 *		MODTRACE_TASK_ATTR_CGROUP_ID: u64
 *		MODTRACE_TASK_ATTR_PIDNS_INO, _MNTNS_INO: u32
 *		[MODTRACE_TASK_ATTR_ABI]: u32, enum modtrace_abi (syscalls)
 *	MODTRACE_ATTR_RECORD_FLAGS: u32, enum modtrace_record_flags
 *	[MODTRACE_ATTR_LOSS]: nest, enum modtrace_loss_attr, each u64
 *	and what its type carries (enum modtrace_record_type): for entries
 *	IMAGE_LEN, PARAMS, FD, FINIT_FLAGS, NAME, DELETE_FLAGS, SYSCALL_NR,
 *	SYSCALL_ARGS (nest of u64), FILE (nest: PATH, DEV, INO); for returns
 *	ENTRY_SEQ, RET, DURATION, FILE, MODULE; for do_init_module and
 *	module_free MODULE (nest, enum modtrace_module_attr).
 */
#ifndef _UAPI_LINUX_MODTRACE_H
#define _UAPI_LINUX_MODTRACE_H

#include <linux/types.h>

#define MODTRACE_GENL_NAME	"modtrace"
#define MODTRACE_GENL_VERSION	1

/**
 * enum modtrace_cmd - generic netlink commands
 * @MODTRACE_CMD_SUBSCRIBE: reader -> kernel. Attributes: MODTRACE_ATTR_VERSION
 *	(optional; EPROTONOSUPPORT if it differs), MODTRACE_ATTR_SUBSCRIBE_FLAGS
 *	(optional). Records go to the sender's port id until it unsubscribes
 *	or closes the socket. The reply (same command) carries
 *	MODTRACE_ATTR_VERSION, MODTRACE_ATTR_INSTANCE and MODTRACE_ATTR_NEXT_SEQ:
 *	every record with a seq at or above NEXT_SEQ is delivered or counted
 *	as lost for this reader, and none with a lower seq is sent to it.
 *	With MODTRACE_ATTR_FROM_SEQ (optional, u64 from 1), the reader first
 *	gets the records the module's history still holds with a seq at or
 *	above FROM_SEQ, in the order the module made them; then the live
 *	stream, with no gap and no duplicate between the two. The reply's
 *	NEXT_SEQ is then FROM_SEQ (at most the next seq to be assigned), and
 *	every seq from it on is delivered or counted lost: what the history no
 *	longer held is counted as MODTRACE_LOSS_ATTR_HISTORY. The reply also
 *	carries MODTRACE_ATTR_HISTORY_FIRST_SEQ. Subscribing again only updates
 *	the flags.
 * @MODTRACE_CMD_UNSUBSCRIBE: reader -> kernel, no attributes. ENOENT if the
 *	sender was not subscribed.
 * @MODTRACE_CMD_GET_STATUS: reader -> kernel, no attributes. The reply
 *	(same command) carries VERSION, INSTANCE, NEXT_SEQ, the PARAM_*
 *	attributes, one MODTRACE_ATTR_PROBE_STATUS nest per probe, the
 *	MODTRACE_ATTR_COUNTERS nest, MODTRACE_ATTR_READERS and the history's
 *	HISTORY_HELD, HISTORY_BYTES and HISTORY_FIRST_SEQ.
 * @MODTRACE_CMD_RECORD: kernel -> reader, one record (MODTRACE_ATTR_TYPE).
 */
enum modtrace_cmd {
	MODTRACE_CMD_UNSPEC,
	MODTRACE_CMD_SUBSCRIBE,
	MODTRACE_CMD_UNSUBSCRIBE,
	MODTRACE_CMD_GET_STATUS,
	MODTRACE_CMD_RECORD,

	__MODTRACE_CMD_MAX
};

#define MODTRACE_CMD_MAX	(__MODTRACE_CMD_MAX - 1)

/**
 * enum modtrace_record_type - value of MODTRACE_ATTR_TYPE
 * @MODTRACE_REC_INIT_MODULE_ENTER: init_module(2) called: IMAGE_LEN, PARAMS.
 * @MODTRACE_REC_INIT_MODULE_EXIT: init_module(2) returned: RET, ENTRY_SEQ,
 *	DURATION.
 * @MODTRACE_REC_FINIT_MODULE_ENTER: finit_module(2) called: FD, FILE (DEV
 *	and INO of the file the fd referred to at entry; no PATH), PARAMS,
 *	FINIT_FLAGS. When the probe could only attach to the kernel's
 *	file-based loader idempotent_init_module() (see PROBE_STATUS), FD is
 *	absent and only calls that passed the syscall's own checks are seen.
 * @MODTRACE_REC_FINIT_MODULE_EXIT: finit_module(2) returned: RET, ENTRY_SEQ,
 *	DURATION, and FILE (PATH, DEV, INO) of the file the kernel read the
 *	module from, or if it read none, of the file the fd referred to at
 *	entry; absent if there was none. The path is resolved as the call
 *	returns to user space, which is also when modtrace lets go of the file:
 *	it never holds a caller's file past the call.
 * @MODTRACE_REC_DO_INIT_ENTER: the kernel is about to run a module's init:
 *	MODULE nest. It runs in the thread whose syscall loads the module.
 * @MODTRACE_REC_DO_INIT_EXIT: the module's init finished: RET (0: loaded,
 *	else the load failed with this code), ENTRY_SEQ, DURATION, and a MODULE
 *	nest holding only MODTRACE_MODULE_ATTR_NAME.
 * @MODTRACE_REC_DELETE_MODULE_ENTER: delete_module(2) called: NAME,
 *	DELETE_FLAGS.
 * @MODTRACE_REC_DELETE_MODULE_EXIT: delete_module(2) returned: RET,
 *	ENTRY_SEQ, DURATION.
 * @MODTRACE_REC_OBSOLETE_SYSCALL: create_module, get_kernel_syms or
 *	query_module was called (it returns ENOSYS): SYSCALL_NR (in the
 *	caller's ABI's table: 174, 177, 178 on x86_64 and x32, 127, 130, 167 on
 *	ia32), SYSCALL_ARGS.
 * @MODTRACE_REC_LOSS: losses were counted and no record followed to carry
 *	them (sent only with MODTRACE_SUBSCRIBE_F_LOSS_NOTICE). No SEQ.
 * @MODTRACE_REC_SHUTDOWN: the module is unloading; nothing follows. No SEQ;
 *	NEXT_SEQ: every seq below it was either delivered or is lost.
 * @MODTRACE_REC_MODULE_FREE: the kernel is freeing a module: MODULE nest
 *	holding only NAME, the kernel's own name of it. In the thread of a
 *	delete_module(2) call, the module that call unloaded; in a load's
 *	thread, a module whose init failed.
 */
enum modtrace_record_type {
	MODTRACE_REC_UNSPEC,
	MODTRACE_REC_INIT_MODULE_ENTER,
	MODTRACE_REC_INIT_MODULE_EXIT,
	MODTRACE_REC_FINIT_MODULE_ENTER,
	MODTRACE_REC_FINIT_MODULE_EXIT,
	MODTRACE_REC_DO_INIT_ENTER,
	MODTRACE_REC_DO_INIT_EXIT,
	MODTRACE_REC_DELETE_MODULE_ENTER,
	MODTRACE_REC_DELETE_MODULE_EXIT,
	MODTRACE_REC_OBSOLETE_SYSCALL,
	MODTRACE_REC_LOSS,
	MODTRACE_REC_SHUTDOWN,
	MODTRACE_REC_MODULE_FREE,

	__MODTRACE_REC_MAX
};

#define MODTRACE_REC_MAX	(__MODTRACE_REC_MAX - 1)

/**
 * enum modtrace_probe_id - value of MODTRACE_ATTR_PROBE and
 *	MODTRACE_PROBE_ATTR_ID
 * @MODTRACE_PROBE_INIT_MODULE: kretprobe, init_module(2).
 * @MODTRACE_PROBE_FINIT_MODULE: kretprobe, finit_module(2).
 * @MODTRACE_PROBE_DO_INIT_MODULE: kretprobe, do_init_module().
 * @MODTRACE_PROBE_DELETE_MODULE: kretprobe, delete_module(2).
 * @MODTRACE_PROBE_NI_SYSCALL: kprobe, unimplemented syscalls of every ABI
 *	(only create_module, get_kernel_syms and query_module are recorded).
 * @MODTRACE_PROBE_PARSE_ARGS: kprobe, the kernel's parameter parser: copies
 *	a module's parameters (mod->args) before parsing cuts them up in place,
 *	for the MODULE nest's ARGS. No records of its own.
 * @MODTRACE_PROBE_FREE_MODULE: kprobe, the kernel freeing a module:
 *	MODTRACE_REC_MODULE_FREE.
 * @MODTRACE_PROBE_READ_FILE: kprobe, the kernel reading a module's file
 *	(kernel_read_file() for READING_MODULE): the file finit_module's exit
 *	reports. No records of its own.
 *
 * A probe sees every syscall ABI (x86_64, ia32, x32): where the kernel has
 * one body for all ABIs (__do_sys_*) it attaches there, else to each ABI's
 * entry point (__x64_sys_*, which x32 shares, and __ia32_sys_*). GET_STATUS
 * has one PROBE_STATUS nest per point a probe is attached to.
 */
enum modtrace_probe_id {
	MODTRACE_PROBE_UNSPEC,
	MODTRACE_PROBE_INIT_MODULE,
	MODTRACE_PROBE_FINIT_MODULE,
	MODTRACE_PROBE_DO_INIT_MODULE,
	MODTRACE_PROBE_DELETE_MODULE,
	MODTRACE_PROBE_NI_SYSCALL,
	MODTRACE_PROBE_PARSE_ARGS,
	MODTRACE_PROBE_FREE_MODULE,
	MODTRACE_PROBE_READ_FILE,

	__MODTRACE_PROBE_MAX
};

#define MODTRACE_PROBE_MAX	(__MODTRACE_PROBE_MAX - 1)

/**
 * enum modtrace_probe_state - value of MODTRACE_PROBE_ATTR_STATE
 * @MODTRACE_PROBE_STATE_ATTACHED: attached to MODTRACE_PROBE_ATTR_SYMBOL.
 * @MODTRACE_PROBE_STATE_MISSING: no candidate symbol could be probed; what
 *	it watches is not recorded on this kernel.
 */
enum modtrace_probe_state {
	MODTRACE_PROBE_STATE_UNSPEC,
	MODTRACE_PROBE_STATE_ATTACHED,
	MODTRACE_PROBE_STATE_MISSING,

	__MODTRACE_PROBE_STATE_MAX
};

#define MODTRACE_PROBE_STATE_MAX	(__MODTRACE_PROBE_STATE_MAX - 1)

/**
 * enum modtrace_subscribe_flags - MODTRACE_ATTR_SUBSCRIBE_FLAGS bits;
 *	unknown bits are rejected with EINVAL
 * @MODTRACE_SUBSCRIBE_F_LOSS_NOTICE: when losses for this reader are counted
 *	and no record is left to carry them, send a MODTRACE_REC_LOSS record
 *	(tried again whenever the module next sends).
 * @MODTRACE_SUBSCRIBE_F_ALL: every known bit.
 */
enum modtrace_subscribe_flags {
	MODTRACE_SUBSCRIBE_F_LOSS_NOTICE = 1U << 0,

	MODTRACE_SUBSCRIBE_F_ALL = (1U << 1) - 1
};

/**
 * enum modtrace_record_flags - MODTRACE_ATTR_RECORD_FLAGS bits
 * @MODTRACE_RECORD_F_PARAMS_TRUNCATED: PARAMS was cut at the string bound.
 * @MODTRACE_RECORD_F_PARAMS_UNREADABLE: the caller's parameter pointer could
 *	not be read without faulting (unmapped, or not resident); PARAMS holds
 *	what was read before that point, if anything.
 * @MODTRACE_RECORD_F_PATH_TRUNCATED: FILE's PATH was cut at the string bound.
 * @MODTRACE_RECORD_F_PATH_UNAVAILABLE: the fd referred to no file at entry,
 *	or its path could not be resolved; FILE is absent or partial.
 * @MODTRACE_RECORD_F_NAME_TRUNCATED: NAME was cut.
 * @MODTRACE_RECORD_F_NAME_UNREADABLE: the caller's name pointer could not be
 *	read without faulting.
 * @MODTRACE_RECORD_F_ARGS_TRUNCATED: MODULE's ARGS was cut at the bound.
 * @MODTRACE_RECORD_F_VERSION_TRUNCATED: MODULE's VERSION or SRCVERSION was
 *	cut.
 * @MODTRACE_RECORD_F_DEFERRED: a syscall entry that found the buffer full,
 *	kept with its call and sent just before the return because the call
 *	succeeded (a successful load is never lost to a flood). It arrives
 *	after records with higher seqs, and PARAMS is cut at 255 bytes.
 * @MODTRACE_RECORD_F_ARGS_UNAVAILABLE: MODULE has no ARGS because the
 *	kernel's copy could not be kept: more loads were between parsing their
 *	parameters and do_init_module() at once than the module keeps copies
 *	for (64, or 4 per CPU if more).
 * @MODTRACE_RECORD_F_FILE_CHANGED: finit_module's exit: the file the kernel
 *	read is not the one the fd referred to at entry (the fd was replaced
 *	meanwhile, e.g. by dup2() in another thread). The exit's FILE is the
 *	kernel's, the entry's the caller's.
 * @MODTRACE_RECORD_F_ALL: every known bit.
 */
enum modtrace_record_flags {
	MODTRACE_RECORD_F_PARAMS_TRUNCATED = 1U << 0,
	MODTRACE_RECORD_F_PARAMS_UNREADABLE = 1U << 1,
	MODTRACE_RECORD_F_PATH_TRUNCATED = 1U << 2,
	MODTRACE_RECORD_F_PATH_UNAVAILABLE = 1U << 3,
	MODTRACE_RECORD_F_NAME_TRUNCATED = 1U << 4,
	MODTRACE_RECORD_F_NAME_UNREADABLE = 1U << 5,
	MODTRACE_RECORD_F_ARGS_TRUNCATED = 1U << 6,
	MODTRACE_RECORD_F_VERSION_TRUNCATED = 1U << 7,
	MODTRACE_RECORD_F_DEFERRED = 1U << 8,
	MODTRACE_RECORD_F_ARGS_UNAVAILABLE = 1U << 9,
	MODTRACE_RECORD_F_FILE_CHANGED = 1U << 10,

	MODTRACE_RECORD_F_ALL = (1U << 11) - 1
};

/**
 * enum modtrace_abi - value of MODTRACE_TASK_ATTR_ABI: the syscall ABI the
 *	task entered the kernel through
 * @MODTRACE_ABI_X86_64: 64-bit syscall.
 * @MODTRACE_ABI_IA32: 32-bit (int 0x80, sysenter, 32-bit syscall).
 * @MODTRACE_ABI_X32: x32 syscall.
 */
enum modtrace_abi {
	MODTRACE_ABI_UNSPEC,
	MODTRACE_ABI_X86_64,
	MODTRACE_ABI_IA32,
	MODTRACE_ABI_X32,

	__MODTRACE_ABI_MAX
};

#define MODTRACE_ABI_MAX	(__MODTRACE_ABI_MAX - 1)

/*
 * Top-level attributes. Strings are NUL-terminated. Numbers are host byte
 * order. 64-bit attributes are aligned with MODTRACE_ATTR_PAD.
 */
enum modtrace_attr {
	MODTRACE_ATTR_UNSPEC,
	MODTRACE_ATTR_PAD,		/* padding, ignore */
	MODTRACE_ATTR_VERSION,		/* u32, MODTRACE_GENL_VERSION */
	MODTRACE_ATTR_INSTANCE,		/* u64, random, new on every module load */
	MODTRACE_ATTR_SUBSCRIBE_FLAGS,	/* u32, enum modtrace_subscribe_flags */
	MODTRACE_ATTR_NEXT_SEQ,		/* u64, the next seq to be assigned */

	/* every record */
	MODTRACE_ATTR_TYPE,		/* u32, enum modtrace_record_type */
	MODTRACE_ATTR_SEQ,		/* u64, from 1, gapless per instance */
	MODTRACE_ATTR_PROBE,		/* u32, enum modtrace_probe_id */
	MODTRACE_ATTR_TS,		/* u64, ns, CLOCK_MONOTONIC */
	MODTRACE_ATTR_CPU,		/* u32, CPU the probe ran on */
	MODTRACE_ATTR_TASK,		/* nest, enum modtrace_task_attr */
	MODTRACE_ATTR_RECORD_FLAGS,	/* u32, enum modtrace_record_flags */
	MODTRACE_ATTR_LOSS,		/* nest, enum modtrace_loss_attr; only
					 * when something was lost since the
					 * previous record to this reader
					 */

	/* syscall entries */
	MODTRACE_ATTR_IMAGE_LEN,	/* u64, bytes, init_module's len */
	MODTRACE_ATTR_PARAMS,		/* string, caller's parameter string as
					 * read at entry; absent if unreadable
					 */
	MODTRACE_ATTR_FD,		/* s32, finit_module's fd */
	MODTRACE_ATTR_FILE,		/* nest, enum modtrace_file_attr */
	MODTRACE_ATTR_FINIT_FLAGS,	/* u32, finit_module's flags, raw */
	MODTRACE_ATTR_NAME,		/* string, delete_module's name */
	MODTRACE_ATTR_DELETE_FLAGS,	/* u32, delete_module's flags, raw */
	MODTRACE_ATTR_SYSCALL_NR,	/* u32, syscall number in the table of
					 * the caller's ABI (TASK_ATTR_ABI):
					 * x86_64 and x32 174, 177, 178; ia32
					 * 127, 130, 167
					 */
	MODTRACE_ATTR_SYSCALL_ARGS,	/* nest, enum modtrace_syscall_arg_attr */

	/* do_init_module */
	MODTRACE_ATTR_MODULE,		/* nest, enum modtrace_module_attr */

	/* returns */
	MODTRACE_ATTR_ENTRY_SEQ,	/* u64, seq of the matching entry */
	MODTRACE_ATTR_RET,		/* s64, return value (-errno on error) */
	MODTRACE_ATTR_DURATION,		/* u64, ns since the matching entry */

	/* GET_STATUS reply */
	MODTRACE_ATTR_PARAM_BUFFER_RECORDS,	/* u32, records the buffer holds */
	MODTRACE_ATTR_PARAM_RESERVED_RECORDS,	/* u32, of those, kept for
						 * module loads
						 */
	MODTRACE_ATTR_PARAM_STRING_MAX,	/* u32, bytes, string bound */
	MODTRACE_ATTR_PROBE_STATUS,	/* nest, enum modtrace_probe_attr; one
					 * per probe
					 */
	MODTRACE_ATTR_COUNTERS,		/* nest, enum modtrace_counter_attr */
	MODTRACE_ATTR_READERS,		/* u32, subscribed readers */
	MODTRACE_ATTR_BACKLOG_BYTES,	/* u32, bytes the readers' backlogs
					 * hold now, all readers
					 */
	MODTRACE_ATTR_BACKLOG_MAX_BYTES,	/* u32, bytes they may hold at
						 * most, all readers together;
						 * past it a load's message a
						 * socket refused is lost
						 * (SOCKET_FULL)
						 */
	MODTRACE_ATTR_PARAM_LOCKED,	/* u8, 1: modtrace cannot be unloaded
					 * until reboot (module parameter
					 * "locked"); absent from older modules
					 */

	/* the history (SUBSCRIBE with FROM_SEQ; GET_STATUS) */
	MODTRACE_ATTR_FROM_SEQ,		/* u64, SUBSCRIBE: replay the history
					 * from this seq (1: all of it)
					 */
	MODTRACE_ATTR_HISTORY_FIRST_SEQ,	/* u64, the oldest seq the history
						 * holds (the next seq to be
						 * assigned when it is empty)
						 */
	MODTRACE_ATTR_PARAM_HISTORY_RECORDS,	/* u32, records the history
						 * holds at most (0: none)
						 */
	MODTRACE_ATTR_HISTORY_HELD,	/* u32, records it holds now */
	MODTRACE_ATTR_HISTORY_BYTES,	/* u32, its memory, allocated at load */

	__MODTRACE_ATTR_MAX
};

#define MODTRACE_ATTR_MAX	(__MODTRACE_ATTR_MAX - 1)

/* MODTRACE_ATTR_TASK: who made the call (ids as seen from the initial
 * namespaces)
 */
enum modtrace_task_attr {
	MODTRACE_TASK_ATTR_UNSPEC,
	MODTRACE_TASK_ATTR_PAD,		/* padding, ignore */
	MODTRACE_TASK_ATTR_TGID,	/* u32, process id */
	MODTRACE_TASK_ATTR_TID,		/* u32, thread id */
	MODTRACE_TASK_ATTR_PPID,	/* u32, parent's process id */
	MODTRACE_TASK_ATTR_UID,		/* u32, real uid */
	MODTRACE_TASK_ATTR_EUID,	/* u32, effective uid */
	MODTRACE_TASK_ATTR_GID,		/* u32, real gid */
	MODTRACE_TASK_ATTR_LOGINUID,	/* u32, audit login uid; 4294967295:
					 * unset
					 */
	MODTRACE_TASK_ATTR_SESSIONID,	/* u32, audit session id; 4294967295:
					 * unset
					 */
	MODTRACE_TASK_ATTR_COMM,	/* string, at most 15 bytes + NUL */
	MODTRACE_TASK_ATTR_CGROUP_ID,	/* u64, cgroup v2 id (0 if none) */
	MODTRACE_TASK_ATTR_PIDNS_INO,	/* u32, pid namespace inode number */
	MODTRACE_TASK_ATTR_MNTNS_INO,	/* u32, mount namespace inode number */
	MODTRACE_TASK_ATTR_ABI,		/* u32, enum modtrace_abi; syscall
					 * records only
					 */

	__MODTRACE_TASK_ATTR_MAX
};

#define MODTRACE_TASK_ATTR_MAX	(__MODTRACE_TASK_ATTR_MAX - 1)

/* MODTRACE_ATTR_FILE: finit_module's file (see its records for which) */
enum modtrace_file_attr {
	MODTRACE_FILE_ATTR_UNSPEC,
	MODTRACE_FILE_ATTR_PAD,		/* padding, ignore */
	MODTRACE_FILE_ATTR_PATH,	/* string, path in the caller's mount
					 * namespace, resolved as the call
					 * returns; " (deleted)" appended if
					 * the file was unlinked
					 */
	MODTRACE_FILE_ATTR_DEV,		/* u32, device, new_encode_dev() form
					 * (userspace major()/minor() decode it)
					 */
	MODTRACE_FILE_ATTR_INO,		/* u64, inode number */

	__MODTRACE_FILE_ATTR_MAX
};

#define MODTRACE_FILE_ATTR_MAX	(__MODTRACE_FILE_ATTR_MAX - 1)

/* MODTRACE_ATTR_MODULE: the kernel's view of the module, copied at
 * do_init_module entry
 */
enum modtrace_module_attr {
	MODTRACE_MODULE_ATTR_UNSPEC,
	MODTRACE_MODULE_ATTR_PAD,	/* padding, ignore */
	MODTRACE_MODULE_ATTR_NAME,	/* string, module name */
	MODTRACE_MODULE_ATTR_VERSION,	/* string, MODULE_VERSION, if any */
	MODTRACE_MODULE_ATTR_SRCVERSION,	/* string, srcversion, if any */
	MODTRACE_MODULE_ATTR_TAINTS,	/* u64, bit n set: taint flag n
					 * (TAINT_* numbering)
					 */
	MODTRACE_MODULE_ATTR_SIG_OK,	/* u8, 1: signature verified; absent
					 * without CONFIG_MODULE_SIG
					 */
	MODTRACE_MODULE_ATTR_ARGS,	/* string, the kernel's copy of the
					 * parameters (mod->args) as it was
					 * before parsing; absent if unknown
					 */
	MODTRACE_MODULE_ATTR_TEXT_SIZE,	/* u64, bytes, core and init text */
	MODTRACE_MODULE_ATTR_TOTAL_SIZE,	/* u64, bytes, all core and init
						 * memory
						 */

	__MODTRACE_MODULE_ATTR_MAX
};

#define MODTRACE_MODULE_ATTR_MAX	(__MODTRACE_MODULE_ATTR_MAX - 1)

/* MODTRACE_ATTR_SYSCALL_ARGS: raw syscall arguments in order */
enum modtrace_syscall_arg_attr {
	MODTRACE_SYSCALL_ARG_UNSPEC,
	MODTRACE_SYSCALL_ARG_PAD,	/* padding, ignore */
	MODTRACE_SYSCALL_ARG_0,		/* u64 */
	MODTRACE_SYSCALL_ARG_1,		/* u64 */
	MODTRACE_SYSCALL_ARG_2,		/* u64 */
	MODTRACE_SYSCALL_ARG_3,		/* u64 */
	MODTRACE_SYSCALL_ARG_4,		/* u64 */
	MODTRACE_SYSCALL_ARG_5,		/* u64 */

	__MODTRACE_SYSCALL_ARG_MAX
};

#define MODTRACE_SYSCALL_ARG_MAX	(__MODTRACE_SYSCALL_ARG_MAX - 1)

/*
 * MODTRACE_ATTR_LOSS: records this reader missed since the previous record
 * it received, by cause. Only non-zero counts are present.
 */
enum modtrace_loss_attr {
	MODTRACE_LOSS_ATTR_UNSPEC,
	MODTRACE_LOSS_ATTR_PAD,		/* padding, ignore */
	MODTRACE_LOSS_ATTR_BUFFER_FULL,	/* u64, records dropped: buffer full */
	MODTRACE_LOSS_ATTR_SOCKET_FULL,	/* u64, records dropped: this reader's
					 * socket was full
					 */
	MODTRACE_LOSS_ATTR_NMISSED,	/* u64, probe hits the kernel skipped
					 * (kretprobe instances exhausted,
					 * probe re-entered); these have no seq
					 */
	MODTRACE_LOSS_ATTR_NOMEM,	/* u64, records dropped: no memory for
					 * the message
					 */
	MODTRACE_LOSS_ATTR_BUSY,	/* u64, probe hits dropped because the
					 * buffer's lock could not be had from
					 * NMI context (held too long by another
					 * CPU); these have no seq
					 */
	MODTRACE_LOSS_ATTR_HISTORY,	/* u64, records a reader that asked
					 * for them (SUBSCRIBE FROM_SEQ) could
					 * not get from the history: made before
					 * it subscribed and no longer held (or
					 * never held: lost then), or pushed
					 * out of it before it was sent them
					 */

	__MODTRACE_LOSS_ATTR_MAX
};

#define MODTRACE_LOSS_ATTR_MAX	(__MODTRACE_LOSS_ATTR_MAX - 1)

/* MODTRACE_ATTR_PROBE_STATUS */
enum modtrace_probe_attr {
	MODTRACE_PROBE_ATTR_UNSPEC,
	MODTRACE_PROBE_ATTR_PAD,	/* padding, ignore */
	MODTRACE_PROBE_ATTR_ID,		/* u32, enum modtrace_probe_id */
	MODTRACE_PROBE_ATTR_SYMBOL,	/* string, kernel function it is
					 * attached to; absent: attached nowhere
					 */
	MODTRACE_PROBE_ATTR_HITS,	/* u64, times the probe ran */
	MODTRACE_PROBE_ATTR_NMISSED,	/* u64, hits the kernel skipped */
	MODTRACE_PROBE_ATTR_REGISTER_ERROR,	/* u32, positive errno of the
						 * last candidate tried, when
						 * attached nowhere
						 */
	MODTRACE_PROBE_ATTR_STATE,	/* u32, enum modtrace_probe_state */

	__MODTRACE_PROBE_ATTR_MAX
};

#define MODTRACE_PROBE_ATTR_MAX	(__MODTRACE_PROBE_ATTR_MAX - 1)

/* MODTRACE_ATTR_COUNTERS: totals since the module was loaded */
enum modtrace_counter_attr {
	MODTRACE_COUNTER_ATTR_UNSPEC,
	MODTRACE_COUNTER_ATTR_PAD,	/* padding, ignore */
	MODTRACE_COUNTER_ATTR_RECORDS,	/* u64, seqs assigned */
	MODTRACE_COUNTER_ATTR_QUEUED,	/* u64, records put in the buffer */
	MODTRACE_COUNTER_ATTR_SENT,	/* u64, messages delivered, all
					 * readers
					 */
	MODTRACE_COUNTER_ATTR_LOST_BUFFER_FULL,	/* u64, records */
	MODTRACE_COUNTER_ATTR_LOST_SOCKET_FULL,	/* u64, messages, all readers */
	MODTRACE_COUNTER_ATTR_LOST_NMISSED,	/* u64, probe hits */
	MODTRACE_COUNTER_ATTR_LOST_NOMEM,	/* u64, messages */
	MODTRACE_COUNTER_ATTR_READERS_GONE,	/* u64, readers dropped because
						 * their socket went away
						 */
	MODTRACE_COUNTER_ATTR_LOST_BUSY,	/* u64, probe hits */

	__MODTRACE_COUNTER_ATTR_MAX
};

#define MODTRACE_COUNTER_ATTR_MAX	(__MODTRACE_COUNTER_ATTR_MAX - 1)

#endif /* _UAPI_LINUX_MODTRACE_H */
