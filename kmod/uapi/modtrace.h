/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	kmod/modtrace.yaml */
/* YNL-GEN uapi header */

#ifndef _UAPI_LINUX_MODTRACE_H
#define _UAPI_LINUX_MODTRACE_H

#define MODTRACE_GENL_NAME	"modtrace"
#define MODTRACE_GENL_VERSION	1

/**
 * enum modtrace_record_type - value of MODTRACE_ATTR_TYPE, what a
 *   MODTRACE_CMD_RECORD message reports. The protocol is described in
 *   kmod/modtrace.yaml, from which this header is generated, and every
 *   command's attributes are drawn as trees in kmod/PROTOCOL.md.
 * @MODTRACE_REC_INIT_MODULE_ENTER: init_module(2) called: IMAGE_LEN, PARAMS.
 * @MODTRACE_REC_INIT_MODULE_EXIT: init_module(2) returned: RET, ENTRY_SEQ,
 *   DURATION, IMAGE if the kernel got as far as reading the image
 *   (load_module()), and HIDDEN_FROM if the init ran and returned 0.
 * @MODTRACE_REC_FINIT_MODULE_ENTER: finit_module(2) called: FD, FILE (DEV and
 *   INO of the file the fd referred to at entry; no PATH), PARAMS,
 *   FINIT_FLAGS. When the probe could only attach to the kernel's file-based
 *   loader idempotent_init_module() (see PROBE_STATUS), FD is absent and only
 *   calls that passed the syscall's own checks are seen.
 * @MODTRACE_REC_FINIT_MODULE_EXIT: finit_module(2) returned: RET, ENTRY_SEQ,
 *   DURATION, and FILE (PATH, DEV, INO) of the file the kernel read the module
 *   from, or if it read none, of the file the fd referred to at entry; absent
 *   if there was none. The path is resolved as the call returns to user space,
 *   which is also when modtrace lets go of the file: it never holds a caller's
 *   file past the call. IMAGE as for init-module-exit.
 * @MODTRACE_REC_DO_INIT_ENTER: the kernel is about to run a module's init:
 *   MODULE nest. It runs in the thread whose syscall loads the module.
 * @MODTRACE_REC_DO_INIT_EXIT: the module's init finished: RET (0: loaded, else
 *   the load failed with this code), ENTRY_SEQ, DURATION, and a MODULE nest
 *   holding only MODTRACE_MODULE_ATTR_NAME.
 * @MODTRACE_REC_DELETE_MODULE_ENTER: delete_module(2) called: NAME,
 *   DELETE_FLAGS.
 * @MODTRACE_REC_DELETE_MODULE_EXIT: delete_module(2) returned: RET, ENTRY_SEQ,
 *   DURATION.
 * @MODTRACE_REC_OBSOLETE_SYSCALL: create_module, get_kernel_syms or
 *   query_module was called (it returns ENOSYS): SYSCALL_NR (in the caller's
 *   ABI's table: 174, 177, 178 on x86_64 and x32, 127, 130, 167 on ia32),
 *   SYSCALL_ARGS.
 * @MODTRACE_REC_LOSS: losses were counted and no record followed to carry them
 *   (sent only with MODTRACE_SUBSCRIBE_F_LOSS_NOTICE). No SEQ.
 * @MODTRACE_REC_SHUTDOWN: the module is unloading; nothing follows. No SEQ;
 *   NEXT_SEQ: every seq below it was either delivered or is lost.
 * @MODTRACE_REC_MODULE_FREE: the kernel is freeing a module: MODULE nest
 *   holding only NAME, the kernel's own name of it. In the thread of a
 *   delete_module(2) call, the module that call unloaded; in a load's thread,
 *   a module whose init failed.
 * @MODTRACE_REC_REQUEST_MODULE_ENTER: the kernel was asked for a module
 *   (__request_module(), when a process uses what a module not loaded
 *   provides): TASK is the requesting task, REQUEST_WAIT whether it waits for
 *   modprobe.
 * @MODTRACE_REC_REQUEST_MODULE_EXIT: __request_module() returned: RET,
 *   ENTRY_SEQ, DURATION, and NAME, the name asked for, unless the kernel
 *   refused it first (too long, or no modprobe set) or modtrace had no slot
 *   for the request. The modprobe the kernel starts for it, and its
 *   descendants, carry a REQUEST nest in every record.
 * @MODTRACE_REC_HIDDEN_MODULE: a module that came live since modtrace loaded
 *   is now missing from the module list or sysfs, found by a CHECK_HIDDEN:
 *   MODULE nest holding only NAME, HIDDEN_FROM (where it is missing from now),
 *   and LOAD_TS. No PROBE (no probe made it); TS and CPU are the check's, and
 *   TASK is the task that loaded the module, as it was when the module came
 *   live (no ABI). One record per module and place: a place already reported,
 *   by an earlier check or by the HIDDEN_FROM of the load's return, is not
 *   reported again.
 * @MODTRACE_REC_IMAGE_CHUNK: a piece of a captured image (IMAGE nest's CAPTURE
 *   held), sent only to readers that subscribed with the capture flag: IMAGE
 *   nest holding LEN (the whole image), SHA256 (joins it to the load's
 *   return), OFFSET and DATA (at most 32 KiB). No SEQ, PROBE, TS, CPU or TASK,
 *   and never in the history. The chunks of one capture come in order; the
 *   last is the one whose OFFSET plus DATA's length is LEN. They usually
 *   follow the load's return, but may precede it (the worker may send them
 *   before the return's record reaches the buffer, as finit_module's waits for
 *   its path). A reader whose socket stays full loses the capture (COUNTERS'
 *   CAPTURE_LOST): its chunks stop coming.
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
	MODTRACE_REC_REQUEST_MODULE_ENTER,
	MODTRACE_REC_REQUEST_MODULE_EXIT,
	MODTRACE_REC_HIDDEN_MODULE,
	MODTRACE_REC_IMAGE_CHUNK,

	/* private: */
	__MODTRACE_REC_MAX,
	MODTRACE_REC_MAX = (__MODTRACE_REC_MAX - 1)
};

/**
 * enum modtrace_probe_id - value of MODTRACE_ATTR_PROBE and
 *   MODTRACE_PROBE_ATTR_ID. A probe sees every syscall ABI (x86_64, ia32,
 *   x32): where the kernel has one body for all ABIs (__do_sys_*) it attaches
 *   there, else to each ABI's entry point (__x64_sys_*, which x32 shares, and
 *   __ia32_sys_*). GET_STATUS has one PROBE_STATUS nest per point a probe is
 *   attached to.
 * @MODTRACE_PROBE_INIT_MODULE: kretprobe, init_module(2).
 * @MODTRACE_PROBE_FINIT_MODULE: kretprobe, finit_module(2).
 * @MODTRACE_PROBE_DO_INIT_MODULE: kretprobe, do_init_module().
 * @MODTRACE_PROBE_DELETE_MODULE: kretprobe, delete_module(2).
 * @MODTRACE_PROBE_NI_SYSCALL: kprobe, unimplemented syscalls of every ABI
 *   (only create_module, get_kernel_syms and query_module are recorded).
 * @MODTRACE_PROBE_PARSE_ARGS: kprobe, the kernel's parameter parser: copies a
 *   module's parameters (mod->args) before parsing cuts them up in place, for
 *   the MODULE nest's ARGS. No records of its own.
 * @MODTRACE_PROBE_FREE_MODULE: kprobe, the kernel freeing a module:
 *   MODTRACE_REC_MODULE_FREE.
 * @MODTRACE_PROBE_READ_FILE: kprobe, the kernel reading a module's file
 *   (kernel_read_file() for READING_MODULE): the file finit_module's exit
 *   reports. No records of its own.
 * @MODTRACE_PROBE_LOAD_MODULE: kprobe, the kernel's loader (load_module()):
 *   keeps what the IMAGE nest's SHA256 needs, which is computed as the module
 *   comes (MODULE_STATE_COMING notifier). No records of its own.
 * @MODTRACE_PROBE_REQUEST_MODULE: kretprobe, __request_module():
 *   MODTRACE_REC_REQUEST_MODULE_*.
 * @MODTRACE_PROBE_REQUEST_NAME: kprobe, the security hook __request_module()
 *   calls with the name it formatted (security_kernel_module_request()). No
 *   records of its own.
 * @MODTRACE_PROBE_UMH_EXEC: kprobe, call_usermodehelper_exec(): the subprocess
 *   a request hands to the kernel's usermode helper (and its name, if the hook
 *   above is missing). No records of its own.
 * @MODTRACE_PROBE_UMH_START: kprobe, the first function of a usermode helper's
 *   task (call_usermodehelper_exec_async()): ties the task to its request. No
 *   records of its own.
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
	MODTRACE_PROBE_LOAD_MODULE,
	MODTRACE_PROBE_REQUEST_MODULE,
	MODTRACE_PROBE_REQUEST_NAME,
	MODTRACE_PROBE_UMH_EXEC,
	MODTRACE_PROBE_UMH_START,

	/* private: */
	__MODTRACE_PROBE_MAX,
	MODTRACE_PROBE_MAX = (__MODTRACE_PROBE_MAX - 1)
};

/**
 * enum modtrace_probe_state - value of MODTRACE_PROBE_ATTR_STATE
 * @MODTRACE_PROBE_STATE_ATTACHED: attached to MODTRACE_PROBE_ATTR_SYMBOL.
 * @MODTRACE_PROBE_STATE_MISSING: no candidate symbol could be probed; what it
 *   watches is not recorded on this kernel.
 */
enum modtrace_probe_state {
	MODTRACE_PROBE_STATE_UNSPEC,
	MODTRACE_PROBE_STATE_ATTACHED,
	MODTRACE_PROBE_STATE_MISSING,

	/* private: */
	__MODTRACE_PROBE_STATE_MAX,
	MODTRACE_PROBE_STATE_MAX = (__MODTRACE_PROBE_STATE_MAX - 1)
};

/**
 * enum modtrace_image_state - value of MODTRACE_IMAGE_ATTR_STATE
 * @MODTRACE_IMAGE_HASHED: the kernel laid the module out (its
 *   MODULE_STATE_COMING notifiers ran): SHA256 is that of the image it parsed,
 *   LEN bytes.
 * @MODTRACE_IMAGE_REFUSED: the kernel read an image of LEN bytes and refused
 *   it before laying it out (signature, ELF checks, blacklist, version, a
 *   module of that name already there): RET says why. No SHA256.
 * @MODTRACE_IMAGE_UNKEPT: the kernel laid the module out, but modtrace could
 *   not keep what the hash needs (a section header table over its limit, or no
 *   slot free: counted, COUNTERS' IMAGE_UNKEPT). No SHA256.
 */
enum modtrace_image_state {
	MODTRACE_IMAGE_UNSPEC,
	MODTRACE_IMAGE_HASHED,
	MODTRACE_IMAGE_REFUSED,
	MODTRACE_IMAGE_UNKEPT,

	/* private: */
	__MODTRACE_IMAGE_MAX,
	MODTRACE_IMAGE_MAX = (__MODTRACE_IMAGE_MAX - 1)
};

/**
 * enum modtrace_capture_state - value of MODTRACE_IMAGE_ATTR_CAPTURE
 * @MODTRACE_CAPTURE_OFF: not copied: capture_max_bytes is 0, or no subscribed
 *   reader asked for captures (subscribe flag capture)
 * @MODTRACE_CAPTURE_HELD: copied as it was hashed: IMAGE_CHUNK records
 *   carrying its bytes go to every reader that asked for captures
 * @MODTRACE_CAPTURE_OVER_BUDGET: not copied: the image did not fit in what
 *   capture_max_bytes left (COUNTERS' CAPTURE_OVER_BUDGET)
 * @MODTRACE_CAPTURE_NO_MEMORY: not copied: no memory for the copy (COUNTERS'
 *   CAPTURE_NO_MEMORY)
 */
enum modtrace_capture_state {
	MODTRACE_CAPTURE_UNSPEC,
	MODTRACE_CAPTURE_OFF,
	MODTRACE_CAPTURE_HELD,
	MODTRACE_CAPTURE_OVER_BUDGET,
	MODTRACE_CAPTURE_NO_MEMORY,

	/* private: */
	__MODTRACE_CAPTURE_MAX,
	MODTRACE_CAPTURE_MAX = (__MODTRACE_CAPTURE_MAX - 1)
};

/**
 * enum modtrace_hidden_flags - MODTRACE_ATTR_HIDDEN_FROM bits: where a module
 *   that just came live is missing from
 * @MODTRACE_HIDDEN_F_MODULE_LIST: the kernel's module list (lsmod,
 *   /proc/modules): not reachable from it, as after list_del(&mod->list)
 * @MODTRACE_HIDDEN_F_SYSFS: /sys/module/NAME: its kobject is not in sysfs
 *   (kobject_del())
 */
enum modtrace_hidden_flags {
	MODTRACE_HIDDEN_F_MODULE_LIST = 1,
	MODTRACE_HIDDEN_F_SYSFS = 2,
};

/**
 * enum modtrace_subscribe_flags - MODTRACE_ATTR_SUBSCRIBE_FLAGS bits; bits the
 *   module does not know are rejected with EINVAL
 * @MODTRACE_SUBSCRIBE_F_LOSS_NOTICE: when losses for this reader are counted
 *   and no record is left to carry them, send a MODTRACE_REC_LOSS record
 *   (tried again whenever the module next sends).
 * @MODTRACE_SUBSCRIBE_F_CAPTURE: send this reader the images the module
 *   captures (IMAGE_CHUNK records); while one reader that asked is subscribed,
 *   the module copies each image that fits in capture_max_bytes.
 */
enum modtrace_subscribe_flags {
	MODTRACE_SUBSCRIBE_F_LOSS_NOTICE = 1,
	MODTRACE_SUBSCRIBE_F_CAPTURE = 2,
};

/**
 * enum modtrace_record_flags - MODTRACE_ATTR_RECORD_FLAGS bits
 * @MODTRACE_RECORD_F_PARAMS_TRUNCATED: PARAMS was cut at the string bound.
 * @MODTRACE_RECORD_F_PARAMS_UNREADABLE: the caller's parameter pointer could
 *   not be read without faulting (unmapped, or not resident); PARAMS holds
 *   what was read before that point, if anything.
 * @MODTRACE_RECORD_F_PATH_TRUNCATED: FILE's PATH was cut at the string bound.
 * @MODTRACE_RECORD_F_PATH_UNAVAILABLE: the fd referred to no file at entry, or
 *   its path could not be resolved; FILE is absent or partial.
 * @MODTRACE_RECORD_F_NAME_TRUNCATED: NAME was cut.
 * @MODTRACE_RECORD_F_NAME_UNREADABLE: the caller's name pointer could not be
 *   read without faulting.
 * @MODTRACE_RECORD_F_ARGS_TRUNCATED: MODULE's ARGS was cut at the bound.
 * @MODTRACE_RECORD_F_VERSION_TRUNCATED: MODULE's VERSION or SRCVERSION was
 *   cut.
 * @MODTRACE_RECORD_F_DEFERRED: a syscall entry that found the buffer full,
 *   kept with its call and sent just before the return because the call
 *   succeeded (a successful load is never lost to a flood). It arrives after
 *   records with higher seqs, and PARAMS is cut at 255 bytes.
 * @MODTRACE_RECORD_F_ARGS_UNAVAILABLE: MODULE has no ARGS because the kernel's
 *   copy could not be kept: more loads were between parsing their parameters
 *   and do_init_module() at once than the module keeps copies for (64, or 4
 *   per CPU if more).
 * @MODTRACE_RECORD_F_FILE_CHANGED: finit_module's exit: the file the kernel
 *   read is not the one the fd referred to at entry (the fd was replaced
 *   meanwhile, e.g. by dup2() in another thread). The exit's FILE is the
 *   kernel's, the entry's the caller's.
 * @MODTRACE_RECORD_F_REQUEST_UNKNOWN: modtrace could not tell whether the task
 *   descends from the modprobe the kernel started for a module request (its
 *   table's lock was held too long by another CPU, in NMI context): no REQUEST
 *   nest, though one may be due.
 */
enum modtrace_record_flags {
	MODTRACE_RECORD_F_PARAMS_TRUNCATED = 1,
	MODTRACE_RECORD_F_PARAMS_UNREADABLE = 2,
	MODTRACE_RECORD_F_PATH_TRUNCATED = 4,
	MODTRACE_RECORD_F_PATH_UNAVAILABLE = 8,
	MODTRACE_RECORD_F_NAME_TRUNCATED = 16,
	MODTRACE_RECORD_F_NAME_UNREADABLE = 32,
	MODTRACE_RECORD_F_ARGS_TRUNCATED = 64,
	MODTRACE_RECORD_F_VERSION_TRUNCATED = 128,
	MODTRACE_RECORD_F_DEFERRED = 256,
	MODTRACE_RECORD_F_ARGS_UNAVAILABLE = 512,
	MODTRACE_RECORD_F_FILE_CHANGED = 1024,
	MODTRACE_RECORD_F_REQUEST_UNKNOWN = 2048,
};

/**
 * enum modtrace_abi - value of MODTRACE_TASK_ATTR_ABI: the syscall ABI the
 *   task entered the kernel through
 * @MODTRACE_ABI_X86_64: 64-bit syscall.
 * @MODTRACE_ABI_IA32: 32-bit (int 0x80, sysenter, 32-bit syscall).
 * @MODTRACE_ABI_X32: x32 syscall.
 */
enum modtrace_abi {
	MODTRACE_ABI_UNSPEC,
	MODTRACE_ABI_X86_64,
	MODTRACE_ABI_IA32,
	MODTRACE_ABI_X32,

	/* private: */
	__MODTRACE_ABI_MAX,
	MODTRACE_ABI_MAX = (__MODTRACE_ABI_MAX - 1)
};

enum modtrace_attr {
	MODTRACE_ATTR_UNSPEC,
	MODTRACE_ATTR_PAD,
	MODTRACE_ATTR_VERSION,
	MODTRACE_ATTR_INSTANCE,
	MODTRACE_ATTR_SUBSCRIBE_FLAGS,
	MODTRACE_ATTR_NEXT_SEQ,
	MODTRACE_ATTR_TYPE,
	MODTRACE_ATTR_SEQ,
	MODTRACE_ATTR_PROBE,
	MODTRACE_ATTR_TS,
	MODTRACE_ATTR_CPU,
	MODTRACE_ATTR_TASK,
	MODTRACE_ATTR_RECORD_FLAGS,
	MODTRACE_ATTR_LOSS,
	MODTRACE_ATTR_IMAGE_LEN,
	MODTRACE_ATTR_PARAMS,
	MODTRACE_ATTR_FD,
	MODTRACE_ATTR_FILE,
	MODTRACE_ATTR_FINIT_FLAGS,
	MODTRACE_ATTR_NAME,
	MODTRACE_ATTR_DELETE_FLAGS,
	MODTRACE_ATTR_SYSCALL_NR,
	MODTRACE_ATTR_SYSCALL_ARGS,
	MODTRACE_ATTR_MODULE,
	MODTRACE_ATTR_ENTRY_SEQ,
	MODTRACE_ATTR_RET,
	MODTRACE_ATTR_DURATION,
	MODTRACE_ATTR_PARAM_BUFFER_RECORDS,
	MODTRACE_ATTR_PARAM_RESERVED_RECORDS,
	MODTRACE_ATTR_PARAM_STRING_MAX,
	MODTRACE_ATTR_PROBE_STATUS,
	MODTRACE_ATTR_COUNTERS,
	MODTRACE_ATTR_READERS,
	MODTRACE_ATTR_BACKLOG_BYTES,
	MODTRACE_ATTR_BACKLOG_MAX_BYTES,
	MODTRACE_ATTR_PARAM_LOCKED,
	MODTRACE_ATTR_FROM_SEQ,
	MODTRACE_ATTR_HISTORY_FIRST_SEQ,
	MODTRACE_ATTR_PARAM_HISTORY_RECORDS,
	MODTRACE_ATTR_HISTORY_HELD,
	MODTRACE_ATTR_HISTORY_BYTES,
	MODTRACE_ATTR_IMAGE,
	MODTRACE_ATTR_HIDDEN_FROM,
	MODTRACE_ATTR_REQUEST_WAIT,
	MODTRACE_ATTR_REQUEST,
	MODTRACE_ATTR_LOAD_TS,
	MODTRACE_ATTR_HIDDEN_TRACKED,
	MODTRACE_ATTR_PARAM_CAPTURE_MAX_BYTES,
	MODTRACE_ATTR_CAPTURE_HELD_BYTES,

	__MODTRACE_ATTR_MAX,
	MODTRACE_ATTR_MAX = (__MODTRACE_ATTR_MAX - 1)
};

enum modtrace_task_attr {
	MODTRACE_TASK_ATTR_UNSPEC,
	MODTRACE_TASK_ATTR_PAD,
	MODTRACE_TASK_ATTR_TGID,
	MODTRACE_TASK_ATTR_TID,
	MODTRACE_TASK_ATTR_PPID,
	MODTRACE_TASK_ATTR_UID,
	MODTRACE_TASK_ATTR_EUID,
	MODTRACE_TASK_ATTR_GID,
	MODTRACE_TASK_ATTR_LOGINUID,
	MODTRACE_TASK_ATTR_SESSIONID,
	MODTRACE_TASK_ATTR_COMM,
	MODTRACE_TASK_ATTR_CGROUP_ID,
	MODTRACE_TASK_ATTR_PIDNS_INO,
	MODTRACE_TASK_ATTR_MNTNS_INO,
	MODTRACE_TASK_ATTR_ABI,

	__MODTRACE_TASK_ATTR_MAX,
	MODTRACE_TASK_ATTR_MAX = (__MODTRACE_TASK_ATTR_MAX - 1)
};

enum modtrace_request_attr {
	MODTRACE_REQUEST_ATTR_UNSPEC,
	MODTRACE_REQUEST_ATTR_PAD,
	MODTRACE_REQUEST_ATTR_SEQ,
	MODTRACE_REQUEST_ATTR_NAME,
	MODTRACE_REQUEST_ATTR_TGID,
	MODTRACE_REQUEST_ATTR_TID,
	MODTRACE_REQUEST_ATTR_COMM,
	MODTRACE_REQUEST_ATTR_UID,

	__MODTRACE_REQUEST_ATTR_MAX,
	MODTRACE_REQUEST_ATTR_MAX = (__MODTRACE_REQUEST_ATTR_MAX - 1)
};

enum modtrace_file_attr {
	MODTRACE_FILE_ATTR_UNSPEC,
	MODTRACE_FILE_ATTR_PAD,
	MODTRACE_FILE_ATTR_PATH,
	MODTRACE_FILE_ATTR_DEV,
	MODTRACE_FILE_ATTR_INO,

	__MODTRACE_FILE_ATTR_MAX,
	MODTRACE_FILE_ATTR_MAX = (__MODTRACE_FILE_ATTR_MAX - 1)
};

enum modtrace_module_attr {
	MODTRACE_MODULE_ATTR_UNSPEC,
	MODTRACE_MODULE_ATTR_PAD,
	MODTRACE_MODULE_ATTR_NAME,
	MODTRACE_MODULE_ATTR_VERSION,
	MODTRACE_MODULE_ATTR_SRCVERSION,
	MODTRACE_MODULE_ATTR_TAINTS,
	MODTRACE_MODULE_ATTR_SIG_OK,
	MODTRACE_MODULE_ATTR_ARGS,
	MODTRACE_MODULE_ATTR_TEXT_SIZE,
	MODTRACE_MODULE_ATTR_TOTAL_SIZE,

	__MODTRACE_MODULE_ATTR_MAX,
	MODTRACE_MODULE_ATTR_MAX = (__MODTRACE_MODULE_ATTR_MAX - 1)
};

enum modtrace_image_attr {
	MODTRACE_IMAGE_ATTR_UNSPEC,
	MODTRACE_IMAGE_ATTR_PAD,
	MODTRACE_IMAGE_ATTR_STATE,
	MODTRACE_IMAGE_ATTR_LEN,
	MODTRACE_IMAGE_ATTR_SHA256,
	MODTRACE_IMAGE_ATTR_NAME,
	MODTRACE_IMAGE_ATTR_CAPTURE,
	MODTRACE_IMAGE_ATTR_OFFSET,
	MODTRACE_IMAGE_ATTR_DATA,

	__MODTRACE_IMAGE_ATTR_MAX,
	MODTRACE_IMAGE_ATTR_MAX = (__MODTRACE_IMAGE_ATTR_MAX - 1)
};

enum modtrace_syscall_arg_attr {
	MODTRACE_SYSCALL_ARG_UNSPEC,
	MODTRACE_SYSCALL_ARG_PAD,
	MODTRACE_SYSCALL_ARG_0,
	MODTRACE_SYSCALL_ARG_1,
	MODTRACE_SYSCALL_ARG_2,
	MODTRACE_SYSCALL_ARG_3,
	MODTRACE_SYSCALL_ARG_4,
	MODTRACE_SYSCALL_ARG_5,

	__MODTRACE_SYSCALL_ARG_MAX,
	MODTRACE_SYSCALL_ARG_MAX = (__MODTRACE_SYSCALL_ARG_MAX - 1)
};

enum modtrace_loss_attr {
	MODTRACE_LOSS_ATTR_UNSPEC,
	MODTRACE_LOSS_ATTR_PAD,
	MODTRACE_LOSS_ATTR_BUFFER_FULL,
	MODTRACE_LOSS_ATTR_SOCKET_FULL,
	MODTRACE_LOSS_ATTR_NMISSED,
	MODTRACE_LOSS_ATTR_NOMEM,
	MODTRACE_LOSS_ATTR_BUSY,
	MODTRACE_LOSS_ATTR_HISTORY,

	__MODTRACE_LOSS_ATTR_MAX,
	MODTRACE_LOSS_ATTR_MAX = (__MODTRACE_LOSS_ATTR_MAX - 1)
};

enum modtrace_probe_attr {
	MODTRACE_PROBE_ATTR_UNSPEC,
	MODTRACE_PROBE_ATTR_PAD,
	MODTRACE_PROBE_ATTR_ID,
	MODTRACE_PROBE_ATTR_SYMBOL,
	MODTRACE_PROBE_ATTR_HITS,
	MODTRACE_PROBE_ATTR_NMISSED,
	MODTRACE_PROBE_ATTR_REGISTER_ERROR,
	MODTRACE_PROBE_ATTR_STATE,

	__MODTRACE_PROBE_ATTR_MAX,
	MODTRACE_PROBE_ATTR_MAX = (__MODTRACE_PROBE_ATTR_MAX - 1)
};

enum modtrace_counter_attr {
	MODTRACE_COUNTER_ATTR_UNSPEC,
	MODTRACE_COUNTER_ATTR_PAD,
	MODTRACE_COUNTER_ATTR_RECORDS,
	MODTRACE_COUNTER_ATTR_QUEUED,
	MODTRACE_COUNTER_ATTR_SENT,
	MODTRACE_COUNTER_ATTR_LOST_BUFFER_FULL,
	MODTRACE_COUNTER_ATTR_LOST_SOCKET_FULL,
	MODTRACE_COUNTER_ATTR_LOST_NMISSED,
	MODTRACE_COUNTER_ATTR_LOST_NOMEM,
	MODTRACE_COUNTER_ATTR_READERS_GONE,
	MODTRACE_COUNTER_ATTR_LOST_BUSY,
	MODTRACE_COUNTER_ATTR_IMAGE_UNKEPT,
	MODTRACE_COUNTER_ATTR_REQUEST_UNKEPT,
	MODTRACE_COUNTER_ATTR_HIDDEN_CHECKS,
	MODTRACE_COUNTER_ATTR_HIDDEN_UNTRACKED,
	MODTRACE_COUNTER_ATTR_CAPTURE_OVER_BUDGET,
	MODTRACE_COUNTER_ATTR_CAPTURE_NO_MEMORY,
	MODTRACE_COUNTER_ATTR_CAPTURE_LOST,
	MODTRACE_COUNTER_ATTR_CAPTURED,

	__MODTRACE_COUNTER_ATTR_MAX,
	MODTRACE_COUNTER_ATTR_MAX = (__MODTRACE_COUNTER_ATTR_MAX - 1)
};

enum modtrace_cmd {
	MODTRACE_CMD_UNSPEC,
	MODTRACE_CMD_SUBSCRIBE,
	MODTRACE_CMD_UNSUBSCRIBE,
	MODTRACE_CMD_GET_STATUS,
	MODTRACE_CMD_RECORD,
	MODTRACE_CMD_CHECK_HIDDEN,

	__MODTRACE_CMD_MAX,
	MODTRACE_CMD_MAX = (__MODTRACE_CMD_MAX - 1)
};

#endif /* _UAPI_LINUX_MODTRACE_H */
