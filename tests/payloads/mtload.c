// SPDX-License-Identifier: GPL-2.0
/*
 * mtload: modtrace's test loader. It calls init_module(2), finit_module(2),
 * delete_module(2) or any raw syscall through syscall(2) (glibc has no
 * wrappers), with good or deliberately bad arguments, optionally from several
 * threads released at the same moment, and prints one line per call so guest
 * scenarios can check each outcome against the man page. "cycle" loads and
 * unloads one module per thread in a loop, for a number of rounds or seconds.
 *
 * It runs inside a busybox initramfs, hence static with nothing but glibc:
 *   cc -O2 -Wall -Wextra -Werror -static -pthread mtload.c -o mtload
 * and for the other two syscall ABIs the same source with -m32 (mtload32,
 * ia32) or -mx32 (mtloadx32); each uses its own ABI's syscall numbers.
 */

#define _GNU_SOURCE

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define EXIT_UNEXPECTED 1
#define EXIT_USAGE 2

#define MAX_THREADS 256
#define MAX_EXPECT 16
#define MAX_SYSCALL_ARGS 6
#define MAX_ERRNO 4095	/* the kernel's errno range is 1..4095 */
#define MAX_STORED_CALLS 1000000	/* beyond this, require --quiet */
#define BAD_IMAGE_SIZE 4096

struct errno_name {
	int value;
	const char *name;
};

#define E(name) { name, #name }

/*
 * Every errno Linux/x86-64 defines, in value order. Aliases come after the
 * name they share a value with, so value-to-name lookups print the canonical
 * one (EAGAIN, not EWOULDBLOCK) while --expect accepts both.
 */
static const struct errno_name errno_names[] = {
	E(EPERM), E(ENOENT), E(ESRCH), E(EINTR), E(EIO), E(ENXIO), E(E2BIG),
	E(ENOEXEC), E(EBADF), E(ECHILD), E(EAGAIN), E(EWOULDBLOCK),
	E(ENOMEM), E(EACCES), E(EFAULT), E(ENOTBLK), E(EBUSY), E(EEXIST),
	E(EXDEV), E(ENODEV), E(ENOTDIR), E(EISDIR), E(EINVAL), E(ENFILE),
	E(EMFILE), E(ENOTTY), E(ETXTBSY), E(EFBIG), E(ENOSPC), E(ESPIPE),
	E(EROFS), E(EMLINK), E(EPIPE), E(EDOM), E(ERANGE), E(EDEADLK),
	E(EDEADLOCK), E(ENAMETOOLONG), E(ENOLCK), E(ENOSYS), E(ENOTEMPTY),
	E(ELOOP), E(ENOMSG), E(EIDRM), E(ECHRNG), E(EL2NSYNC), E(EL3HLT),
	E(EL3RST), E(ELNRNG), E(EUNATCH), E(ENOCSI), E(EL2HLT), E(EBADE),
	E(EBADR), E(EXFULL), E(ENOANO), E(EBADRQC), E(EBADSLT), E(EBFONT),
	E(ENOSTR), E(ENODATA), E(ETIME), E(ENOSR), E(ENONET), E(ENOPKG),
	E(EREMOTE), E(ENOLINK), E(EADV), E(ESRMNT), E(ECOMM), E(EPROTO),
	E(EMULTIHOP), E(EDOTDOT), E(EBADMSG), E(EOVERFLOW), E(ENOTUNIQ),
	E(EBADFD), E(EREMCHG), E(ELIBACC), E(ELIBBAD), E(ELIBSCN), E(ELIBMAX),
	E(ELIBEXEC), E(EILSEQ), E(ERESTART), E(ESTRPIPE), E(EUSERS),
	E(ENOTSOCK), E(EDESTADDRREQ), E(EMSGSIZE), E(EPROTOTYPE),
	E(ENOPROTOOPT), E(EPROTONOSUPPORT), E(ESOCKTNOSUPPORT), E(EOPNOTSUPP),
	E(ENOTSUP), E(EPFNOSUPPORT), E(EAFNOSUPPORT), E(EADDRINUSE),
	E(EADDRNOTAVAIL), E(ENETDOWN), E(ENETUNREACH), E(ENETRESET),
	E(ECONNABORTED), E(ECONNRESET), E(ENOBUFS), E(EISCONN), E(ENOTCONN),
	E(ESHUTDOWN), E(ETOOMANYREFS), E(ETIMEDOUT), E(ECONNREFUSED),
	E(EHOSTDOWN), E(EHOSTUNREACH), E(EALREADY), E(EINPROGRESS), E(ESTALE),
	E(EUCLEAN), E(ENOTNAM), E(ENAVAIL), E(EISNAM), E(EREMOTEIO),
	E(EDQUOT), E(ENOMEDIUM), E(EMEDIUMTYPE), E(ECANCELED), E(ENOKEY),
	E(EKEYEXPIRED), E(EKEYREVOKED), E(EKEYREJECTED), E(EOWNERDEAD),
	E(ENOTRECOVERABLE), E(ERFKILL), E(EHWPOISON),
};

#undef E

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * x32 syscall numbers carry __X32_SYSCALL_BIT (glibc's x32 SYS_* constants
 * include it); a raw "syscall NR" gets it too, so that NR means the same
 * table entry under every ABI.
 */
#if defined(__x86_64__) && defined(__ILP32__)
#define SYSCALL_ABI_BIT __X32_SYSCALL_BIT
#else
#define SYSCALL_ABI_BIT 0
#endif

/*
 * The obsolete module syscalls by name, in this ABI's table: glibc's x32
 * headers name none of them, and x32 shares x86_64's numbers for them.
 */
static const struct syscall_name {
	const char *name;
	long nr;
} obsolete_syscalls[] = {
#if defined(__i386__)
	{ "create_module", 127 },
	{ "get_kernel_syms", 130 },
	{ "query_module", 167 },
#else
	{ "create_module", 174 },
	{ "get_kernel_syms", 177 },
	{ "query_module", 178 },
#endif
};

enum command { CMD_INIT, CMD_FINIT, CMD_DELETE, CMD_SYSCALL, CMD_CYCLE, CMD_EXEC };

/* Where the image (init) or the fd (finit) comes from. */
enum source {
	SRC_PATH,		/* init IMAGE, finit PATH */
	SRC_BAD_IMAGE,		/* init --bad-image */
	SRC_UNMAPPED_IMAGE,	/* init --unmapped-image */
	SRC_DIR,		/* finit --dir PATH */
	SRC_PIPE,		/* finit --pipe */
	SRC_RDWR,		/* finit --rdwr PATH */
	SRC_FD,			/* finit --fd N */
	SRC_RDWR_THEN_RDONLY,	/* finit --rdwr-then-rdonly PATH */
};

enum option_id {
	OPT_PARAMS, OPT_UNMAPPED_PARAMS, OPT_FLAGS, OPT_LEN, OPT_THREADS,
	OPT_REPEAT, OPT_EXPECT, OPT_QUIET, OPT_BAD_IMAGE, OPT_UNMAPPED_IMAGE,
	OPT_DIR, OPT_PIPE, OPT_RDWR, OPT_FD, OPT_SECONDS, OPT_TIME,
	OPT_RATE, OPT_APART, OPT_RDWR_THEN_RDONLY, OPT_UNLINK, OPT_UMOUNT,
};

static const struct option_def {
	const char *name;
	enum option_id id;
	bool has_value;
} option_defs[] = {
	{ "--params", OPT_PARAMS, true },
	{ "--unmapped-params", OPT_UNMAPPED_PARAMS, false },
	{ "--flags", OPT_FLAGS, true },
	{ "--len", OPT_LEN, true },
	{ "--threads", OPT_THREADS, true },
	{ "--repeat", OPT_REPEAT, true },
	{ "--expect", OPT_EXPECT, true },
	{ "--quiet", OPT_QUIET, false },
	{ "--bad-image", OPT_BAD_IMAGE, false },
	{ "--unmapped-image", OPT_UNMAPPED_IMAGE, false },
	{ "--dir", OPT_DIR, false },
	{ "--pipe", OPT_PIPE, false },
	{ "--rdwr", OPT_RDWR, false },
	{ "--rdwr-then-rdonly", OPT_RDWR_THEN_RDONLY, false },
	{ "--unlink", OPT_UNLINK, false },
	{ "--umount", OPT_UMOUNT, true },
	{ "--fd", OPT_FD, true },
	{ "--seconds", OPT_SECONDS, true },
	{ "--time", OPT_TIME, false },
	{ "--rate", OPT_RATE, true },
	{ "--apart", OPT_APART, false },
};

struct config {
	enum command cmd;
	enum source src;
	const char *source_opt;	/* the option that chose src, for messages */
	const char *operand;	/* IMAGE, PATH or NAME */
	const char *params;
	bool params_set;
	bool unmapped_params;
	bool flags_set;
	uint32_t flags;
	bool len_set;
	unsigned long len;
	int raw_fd;
	long nr;
	long args[MAX_SYSCALL_ARGS];
	unsigned int nargs;
	unsigned int threads;
	bool threads_set;
	unsigned long repeat;
	bool repeat_set;
	unsigned long seconds;
	bool time;
	unsigned long rate;
	bool apart;		/* threads do not wait for each other */
	const char *files[MAX_THREADS];	/* cycle: one module file per thread */
	int expect[MAX_EXPECT];
	unsigned int nexpect;
	bool quiet;
	bool unlink;
	const char *umount_dir;
};

/* One call, fully resolved, shared read-only by all workers. */
struct plan {
	enum command cmd;
	enum source src;
	const char *path;	/* finit: the file (reopened, unlinked) */
	bool unlink;		/* finit --unlink */
	const char *umount_dir;	/* finit --umount DIR */
	char call_name[32];
	const void *image;
	unsigned long len;
	const char *params;
	uint32_t flags;
	const char *name;
	long nr;
	long args[MAX_SYSCALL_ARGS];
	unsigned int threads;
	unsigned long repeat;
	bool timed;		/* run until stop is set, not repeat times */
	int stop;		/* set by main when --seconds have passed */
	bool go;		/* timed rounds: whether this round is made */
	long interval_ns;	/* --rate: between one thread's calls, or 0 */
	bool apart;		/* --apart, or --rate: no rounds */
	pthread_barrier_t start;	/* workers + main: main finishes setup */
	pthread_barrier_t round;	/* workers: each round starts together */
};

struct outcome {
	long ret;
	int err;	/* 0 on success, else the errno */
	const char *call;	/* what was called, if not the plan's call */
};

/* finit with a single thread: more than one call per run. */
#define MAX_FINIT_CALLS 4

struct worker {
	pthread_t thread;
	struct plan *plan;
	int fd;			/* finit: this worker's own fd */
	int pipe_write_fd;	/* finit --pipe: kept open, never written */
	struct outcome *results;	/* nresults entries, or NULL with --quiet */
	unsigned long nresults;
	uint32_t *tally;	/* MAX_ERRNO + 1 counters, indexed by err */
	pid_t tid;
	/* cycle */
	const char *file;	/* the module file this thread loads */
	char module[64];	/* and the name it unloads */
	unsigned long rounds, loaded, unloaded;
	unsigned long calls;	/* calls made, all commands */
};

static const char usage_text[] =
	"Usage: mtload [OPTIONS] COMMAND ...\n"
	"Call the module syscalls directly and report each outcome.\n"
	"\n"
	"Commands:\n"
	"  init IMAGE              init_module with the bytes of file IMAGE\n"
	"  init --bad-image        init_module with a 4 KiB non-ELF buffer\n"
	"  init --unmapped-image   init_module with an image pointer into an\n"
	"                          unmapped page, len 4096\n"
	"  finit PATH              finit_module on open(PATH, O_RDONLY)\n"
	"  finit --dir PATH        finit_module on open(PATH, O_RDONLY|O_DIRECTORY)\n"
	"  finit --pipe            finit_module on the read end of a pipe\n"
	"  finit --rdwr PATH       finit_module on open(PATH, O_RDWR)\n"
	"  finit --fd N            finit_module on raw fd number N\n"
	"  finit --rdwr-then-rdonly PATH\n"
	"                          in one thread: finit_module on open(PATH, O_RDWR)\n"
	"                          (ETXTBSY), close it, then finit_module on\n"
	"                          open(PATH, O_RDONLY) with NULL parameters\n"
	"                          (EFAULT once the file is read); two calls\n"
	"  delete NAME             delete_module(NAME, flags)\n"
	"  syscall NR [ARG...]     raw syscall(NR, ARG...), up to 6 integer args; NR\n"
	"                          is a number of this ABI's table (x32: without\n"
	"                          __X32_SYSCALL_BIT, which is added) or a name:\n"
	"                          create_module, get_kernel_syms, query_module\n"
	"  cycle FILE...           one thread per FILE: finit_module(FILE, \"round=R\")\n"
	"                          then delete_module of its name, R = 0, 1, ...\n"
	"  exec PATH               execve(PATH) without arguments: whether the kernel\n"
	"                          runs PATH at all (an x32 program fails ENOEXEC\n"
	"                          where x32 is off or not built); a failure is\n"
	"                          reported like a call, success runs PATH instead\n"
	"\n";

/* in two, each within the string length C99 compilers must take */
static const char options_text[] =
	"Options (anywhere on the line; '--' ends them):\n"
	"  --params STRING     parameter string for init/finit (default \"\")\n"
	"  --unmapped-params   pass a pointer into an unmapped page as parameters\n"
	"  --flags N           flags for finit (default 0) or delete\n"
	"                      (default O_NONBLOCK)\n"
	"  --len N             length passed to init_module (default: image size)\n"
	"  --threads N         N threads make the call at the same moment\n"
	"                      (1..256, default 1); each opens its own fd for finit\n"
	"  --repeat N          each thread makes the call N times, the threads\n"
	"                      starting each round together (default 1)\n"
	"  --seconds S         instead of --repeat: rounds (or cycle rounds, which\n"
	"                      threads make independently) for S seconds;\n"
	"                      output is the summary\n"
	"  --expect LIST       comma list of accepted outcomes: 0 for success, an\n"
	"                      errno name (EEXIST) or number (17)\n"
	"  --quiet             print only the summary line\n"
	"  --rate N            each thread makes at most N calls per second, evenly\n"
	"                      spaced (threads then run without waiting for\n"
	"                      each other)\n"
	"  --apart             threads make their calls without waiting for\n"
	"                      each other, as fast as they can: a flood rather\n"
	"                      than a race\n"
	"  --unlink            finit PATH: once the call returned and the fd is\n"
	"                      closed, unlink PATH (reported as 'unlink')\n"
	"  --umount DIR        finit PATH: once the call returned and the fd is\n"
	"                      closed (and PATH unlinked), umount2(DIR, 0), which\n"
	"                      fails EBUSY while anyone holds a file of DIR's mount\n"
	"                      (reported as 'umount')\n"
	"  --time              also print 'timing calls=<n> elapsed_ns=<ns>': the\n"
	"                      wall time from the first call to the last return\n"
	"  -h, --help          show this help\n"
	"\n"
	"Numbers are decimal or 0x hex; syscall args may be negative.\n"
	"Output: one line per call, '<call> ret=<ret> errno=<NAME or 0> tid=<tid>',\n"
	"where <call> is init_module, finit_module, delete_module, syscall(<NR>),\n"
	"unlink, umount or execve, and <tid> the thread that made it;\n"
	"with more than one call or --quiet, also\n"
	"'summary calls=<n> ok=<n> <ERRNAME>=<n> ...'.\n"
	"cycle prints one line per thread instead of per call:\n"
	"'cycle tid=<tid> module=<name> rounds=<n> loaded=<n> unloaded=<n>'.\n"
	"Exit: 0 all outcomes expected, 1 some unexpected, 2 usage or setup error.\n";

static void __attribute__((noreturn, format(printf, 1, 2)))
usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("mtload: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'mtload --help'.\n", stderr);
	exit(EXIT_USAGE);
}

static void __attribute__((noreturn, format(printf, 1, 2)))
setup_error(const char *fmt, ...)
{
	va_list ap;

	fputs("mtload: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(EXIT_USAGE);
}

static const char *errno_to_name(int err, char *buf, size_t size)
{
	size_t i;

	if (err == 0)
		return "0";
	for (i = 0; i < ARRAY_SIZE(errno_names); i++)
		if (errno_names[i].value == err)
			return errno_names[i].name;
	snprintf(buf, size, "%d", err);
	return buf;
}

/* Unsigned decimal or 0x hex, the whole string, no sign. */
static bool parse_unsigned(const char *s, uint64_t *out)
{
	int base = 10;
	char *end;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!isxdigit((unsigned char)s[0]))
		return false;
	errno = 0;
	*out = strtoull(s, &end, base);
	return errno == 0 && *end == '\0';
}

/* Like parse_unsigned, with an optional '-'; *out is the two's complement. */
static bool parse_signed(const char *s, int64_t *out)
{
	bool negative = s[0] == '-';
	uint64_t magnitude;

	if (!parse_unsigned(s + negative, &magnitude))
		return false;
	if (negative && magnitude > (uint64_t)INT64_MAX + 1)
		return false;
	*out = negative ? (int64_t)(0 - magnitude) : (int64_t)magnitude;
	return true;
}

static uint64_t parse_count(const char *opt, const char *s, uint64_t max)
{
	uint64_t n;

	if (!parse_unsigned(s, &n) || n < 1 || n > max)
		usage_error("%s: '%s' is not a number from 1 to %llu",
			    opt, s, (unsigned long long)max);
	return n;
}

/* Accepts 0, an errno name (any case) or an errno number. */
static int parse_outcome(const char *s)
{
	uint64_t n;
	size_t i;

	if (parse_unsigned(s, &n)) {
		if (n > MAX_ERRNO)
			usage_error("--expect: %s is not an errno (0..%d)",
				    s, MAX_ERRNO);
		return (int)n;
	}
	for (i = 0; i < ARRAY_SIZE(errno_names); i++)
		if (strcasecmp(errno_names[i].name, s) == 0)
			return errno_names[i].value;
	usage_error("--expect: unknown errno name '%s'", s);
}

static void parse_expect(struct config *cfg, const char *list)
{
	char *copy = strdup(list);
	char *token, *rest = copy;

	if (!copy)
		setup_error("out of memory");
	cfg->nexpect = 0;
	while ((token = strsep(&rest, ",")) != NULL) {
		if (*token == '\0')
			usage_error("--expect: empty entry in '%s'", list);
		if (cfg->nexpect == MAX_EXPECT)
			usage_error("--expect: more than %d entries", MAX_EXPECT);
		cfg->expect[cfg->nexpect++] = parse_outcome(token);
	}
	free(copy);
}

/* A syscall number, or the name of an obsolete module syscall. */
static bool syscall_number(const char *s, long *nr)
{
	int64_t value;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(obsolete_syscalls); i++) {
		if (strcmp(s, obsolete_syscalls[i].name) == 0) {
			*nr = obsolete_syscalls[i].nr;
			return true;
		}
	}
	if (!parse_signed(s, &value))
		return false;
	*nr = (long)value;
	return true;
}

static void set_source(struct config *cfg, enum source src, const char *opt)
{
	if (cfg->source_opt)
		usage_error("%s and %s cannot be combined", cfg->source_opt, opt);
	cfg->src = src;
	cfg->source_opt = opt;
}

/* Returns true if arg looks like an option rather than a (negative) number. */
static bool is_option(const char *arg)
{
	return arg[0] == '-' && arg[1] != '\0' && !isdigit((unsigned char)arg[1]);
}

static void apply_option(struct config *cfg, const struct option_def *opt,
			 const char *val)
{
	int64_t value;
	uint64_t len;

	switch (opt->id) {
	case OPT_PARAMS:
		cfg->params = val;
		cfg->params_set = true;
		break;
	case OPT_UNMAPPED_PARAMS:
		cfg->unmapped_params = true;
		break;
	case OPT_FLAGS:
		if (!parse_signed(val, &value) ||
		    value < INT32_MIN || value > UINT32_MAX)
			usage_error("--flags: '%s' is not a 32-bit number", val);
		cfg->flags = (uint32_t)value;
		cfg->flags_set = true;
		break;
	case OPT_LEN:
		if (!parse_unsigned(val, &len))
			usage_error("--len: '%s' is not a number", val);
		cfg->len = len;
		cfg->len_set = true;
		break;
	case OPT_THREADS:
		cfg->threads = (unsigned int)parse_count(opt->name, val,
							   MAX_THREADS);
		cfg->threads_set = true;
		break;
	case OPT_REPEAT:
		cfg->repeat = parse_count(opt->name, val, UINT32_MAX);
		cfg->repeat_set = true;
		break;
	case OPT_SECONDS:
		cfg->seconds = parse_count(opt->name, val, 7 * 24 * 3600);
		break;
	case OPT_TIME:
		cfg->time = true;
		break;
	case OPT_RATE:
		cfg->rate = parse_count(opt->name, val, 1000000000);
		break;
	case OPT_APART:
		cfg->apart = true;
		break;
	case OPT_EXPECT:
		parse_expect(cfg, val);
		break;
	case OPT_QUIET:
		cfg->quiet = true;
		break;
	case OPT_BAD_IMAGE:
		set_source(cfg, SRC_BAD_IMAGE, opt->name);
		break;
	case OPT_UNMAPPED_IMAGE:
		set_source(cfg, SRC_UNMAPPED_IMAGE, opt->name);
		break;
	case OPT_DIR:
		set_source(cfg, SRC_DIR, opt->name);
		break;
	case OPT_PIPE:
		set_source(cfg, SRC_PIPE, opt->name);
		break;
	case OPT_RDWR:
		set_source(cfg, SRC_RDWR, opt->name);
		break;
	case OPT_RDWR_THEN_RDONLY:
		set_source(cfg, SRC_RDWR_THEN_RDONLY, opt->name);
		break;
	case OPT_UNLINK:
		cfg->unlink = true;
		break;
	case OPT_UMOUNT:
		cfg->umount_dir = val;
		break;
	case OPT_FD:
		set_source(cfg, SRC_FD, opt->name);
		if (!parse_signed(val, &value) ||
		    value < INT32_MIN || value > INT32_MAX)
			usage_error("--fd: '%s' is not an int", val);
		cfg->raw_fd = (int)value;
		break;
	}
}

static void parse_args(int argc, char **argv, struct config *cfg)
{
	const char *operands[1 + MAX_THREADS];
	unsigned int noperands = 0, i;
	bool options_done = false;
	int64_t value;
	int a;

	for (a = 1; a < argc; a++) {
		const char *arg = argv[a];
		const struct option_def *opt = NULL;
		const char *val;
		size_t name_len;

		if (options_done || !is_option(arg)) {
			if (noperands == ARRAY_SIZE(operands))
				usage_error("too many arguments at '%s'", arg);
			operands[noperands++] = arg;
			continue;
		}
		if (strcmp(arg, "--") == 0) {
			options_done = true;
			continue;
		}
		if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
			fputs(usage_text, stdout);
			fputs(options_text, stdout);
			exit(EXIT_SUCCESS);
		}

		/* "--opt=value" or "--opt value" */
		val = strchr(arg, '=');
		name_len = val ? (size_t)(val - arg) : strlen(arg);
		for (i = 0; i < ARRAY_SIZE(option_defs); i++)
			if (strlen(option_defs[i].name) == name_len &&
			    strncmp(option_defs[i].name, arg, name_len) == 0)
				opt = &option_defs[i];
		if (!opt)
			usage_error("unknown option '%s'", arg);
		if (val && !opt->has_value)
			usage_error("%s takes no value", opt->name);
		if (val)
			val++;
		else if (opt->has_value && a + 1 < argc)
			val = argv[++a];
		else if (opt->has_value)
			usage_error("%s needs a value", opt->name);
		apply_option(cfg, opt, val);
	}

	if (noperands == 0)
		usage_error("missing command");
	if (strcmp(operands[0], "init") == 0)
		cfg->cmd = CMD_INIT;
	else if (strcmp(operands[0], "finit") == 0)
		cfg->cmd = CMD_FINIT;
	else if (strcmp(operands[0], "delete") == 0)
		cfg->cmd = CMD_DELETE;
	else if (strcmp(operands[0], "syscall") == 0)
		cfg->cmd = CMD_SYSCALL;
	else if (strcmp(operands[0], "cycle") == 0)
		cfg->cmd = CMD_CYCLE;
	else if (strcmp(operands[0], "exec") == 0)
		cfg->cmd = CMD_EXEC;
	else
		usage_error("unknown command '%s'", operands[0]);

	if (cfg->params_set && cfg->unmapped_params)
		usage_error("--params and --unmapped-params cannot be combined");
	if ((cfg->params_set || cfg->unmapped_params) &&
	    cfg->cmd != CMD_INIT && cfg->cmd != CMD_FINIT)
		usage_error("--params/--unmapped-params apply to init and finit only");
	if (cfg->seconds && cfg->repeat_set)
		usage_error("--seconds and --repeat cannot be combined");
	if (cfg->cmd == CMD_CYCLE && (cfg->params_set || cfg->unmapped_params ||
				      cfg->flags_set || cfg->threads_set))
		usage_error("cycle takes no --params, --flags or --threads");
	if (cfg->cmd == CMD_EXEC && (cfg->threads_set || cfg->repeat_set ||
				     cfg->seconds || cfg->rate || cfg->apart ||
				     cfg->time))
		usage_error("exec takes no --threads, --repeat, --seconds, --rate, --apart or --time");
	if (cfg->flags_set && cfg->cmd != CMD_FINIT && cfg->cmd != CMD_DELETE)
		usage_error("--flags applies to finit and delete only");
	if (cfg->len_set && cfg->cmd != CMD_INIT)
		usage_error("--len applies to init only");
	if (cfg->source_opt) {
		bool init_src = cfg->src == SRC_BAD_IMAGE ||
				cfg->src == SRC_UNMAPPED_IMAGE;

		if (cfg->cmd != (init_src ? CMD_INIT : CMD_FINIT))
			usage_error("%s does not apply to %s",
				    cfg->source_opt, operands[0]);
	}

	switch (cfg->cmd) {
	case CMD_INIT:
	case CMD_FINIT:
	case CMD_DELETE: {
		bool wants_operand = cfg->src == SRC_PATH ||
				     cfg->src == SRC_DIR ||
				     cfg->src == SRC_RDWR ||
				     cfg->src == SRC_RDWR_THEN_RDONLY;
		const char *what = cfg->cmd == CMD_INIT ? "IMAGE" :
				   cfg->cmd == CMD_FINIT ? "PATH" : "NAME";

		if (wants_operand && noperands < 2)
			usage_error("%s: missing %s", operands[0], what);
		if (noperands > (wants_operand ? 2u : 1u))
			usage_error("%s: unexpected argument '%s'", operands[0],
				    operands[wants_operand ? 2 : 1]);
		if (wants_operand)
			cfg->operand = operands[1];
		break;
	}
	case CMD_SYSCALL:
		if (noperands < 2)
			usage_error("syscall: missing NR");
		if (!syscall_number(operands[1], &cfg->nr))
			usage_error("syscall: NR '%s' is neither a number nor a known name",
				    operands[1]);
		if (noperands > 2 + MAX_SYSCALL_ARGS)
			usage_error("syscall: more than %d arguments",
				    MAX_SYSCALL_ARGS);
		for (i = 2; i < noperands; i++) {
			if (!parse_signed(operands[i], &value))
				usage_error("syscall: argument '%s' is not a number",
					    operands[i]);
			cfg->args[cfg->nargs++] = (long)value;
		}
		break;
	case CMD_EXEC:
		if (noperands != 2)
			usage_error("exec: %s", noperands < 2 ? "missing PATH" :
				    "takes PATH alone");
		cfg->operand = operands[1];
		break;
	case CMD_CYCLE:
		if (noperands < 2)
			usage_error("cycle: missing FILE");
		for (i = 1; i < noperands; i++)
			cfg->files[i - 1] = operands[i];
		cfg->threads = noperands - 1;
		break;
	}
	if ((cfg->unlink || cfg->umount_dir) &&
	    (cfg->cmd != CMD_FINIT ||
	     (cfg->src != SRC_PATH && cfg->src != SRC_RDWR_THEN_RDONLY)))
		usage_error("--unlink and --umount apply to finit PATH and finit --rdwr-then-rdonly PATH only");
	if ((cfg->src == SRC_RDWR_THEN_RDONLY || cfg->unlink || cfg->umount_dir) &&
	    (cfg->threads_set || cfg->repeat_set || cfg->seconds || cfg->rate ||
	     cfg->apart || cfg->unmapped_params))
		usage_error("--rdwr-then-rdonly, --unlink and --umount take no --threads, --repeat, --seconds, --rate, --apart or --unmapped-params");
	if (cfg->seconds)
		cfg->quiet = true;

	if (!cfg->quiet && cfg->threads * cfg->repeat > MAX_STORED_CALLS)
		usage_error("more than %d calls: use --quiet", MAX_STORED_CALLS);
}

static void *read_image(const char *path, unsigned long *size)
{
	struct stat st;
	size_t done = 0;
	char *buf;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		setup_error("cannot open image '%s': %s", path, strerror(errno));
	if (fstat(fd, &st) != 0)
		setup_error("cannot stat image '%s': %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		setup_error("image '%s' is not a regular file", path);
	buf = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!buf)
		setup_error("image '%s': out of memory", path);
	while (done < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + done, (size_t)st.st_size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			setup_error("cannot read image '%s': %s", path,
				    strerror(errno));
		if (n == 0)
			setup_error("image '%s' shrank while being read", path);
		done += (size_t)n;
	}
	close(fd);
	*size = (unsigned long)st.st_size;
	return buf;
}

/*
 * A page that was mapped and then unmapped. Called after the worker threads
 * exist, so their stacks cannot land in the hole, and checked with mincore()
 * so a reused hole is a setup error rather than a silent non-EFAULT result.
 */
static void *unmapped_page(void)
{
	long page = sysconf(_SC_PAGESIZE);
	unsigned char vec;
	void *p;

	p = mmap(NULL, page, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		setup_error("mmap: %s", strerror(errno));
	if (munmap(p, page) != 0)
		setup_error("munmap: %s", strerror(errno));
	if (mincore(p, page, &vec) == 0 || errno != ENOMEM)
		setup_error("page %p is still mapped after munmap", p);
	return p;
}

static void open_finit_fd(const struct config *cfg, struct worker *w)
{
	int fds[2];

	w->pipe_write_fd = -1;
	switch (cfg->src) {
	case SRC_PATH:
		w->fd = open(cfg->operand, O_RDONLY);
		break;
	case SRC_DIR:
		w->fd = open(cfg->operand, O_RDONLY | O_DIRECTORY);
		break;
	case SRC_RDWR:
	case SRC_RDWR_THEN_RDONLY:
		w->fd = open(cfg->operand, O_RDWR);
		break;
	case SRC_PIPE:
		if (pipe(fds) != 0)
			setup_error("pipe: %s", strerror(errno));
		w->fd = fds[0];
		w->pipe_write_fd = fds[1];
		return;
	case SRC_FD:
		w->fd = cfg->raw_fd;
		return;
	default:
		abort();
	}
	if (w->fd < 0)
		setup_error("cannot open '%s': %s", cfg->operand,
			    strerror(errno));
}

static struct outcome make_call(const struct plan *p, int fd)
{
	struct outcome o = { 0 };

	switch (p->cmd) {
	case CMD_INIT:
		o.ret = syscall(SYS_init_module, p->image, p->len, p->params);
		break;
	case CMD_FINIT:
		o.ret = syscall(SYS_finit_module, (long)fd, p->params,
				(long)(int32_t)p->flags);
		break;
	case CMD_DELETE:
		o.ret = syscall(SYS_delete_module, p->name,
				(unsigned long)p->flags);
		break;
	case CMD_SYSCALL:
		o.ret = syscall(p->nr | SYSCALL_ABI_BIT, p->args[0], p->args[1],
				p->args[2], p->args[3], p->args[4], p->args[5]);
		break;
	default:
		abort();
	}
	o.err = o.ret == -1 ? errno : 0;
	return o;
}

/* Whether call (or round) number i is to be made. */
static bool keep_going(struct plan *p, unsigned long i)
{
	if (p->timed)
		return !__atomic_load_n(&p->stop, __ATOMIC_RELAXED);
	return i < p->repeat;
}

static void count_outcome(struct worker *w, struct outcome o)
{
	if (o.err < 0 || o.err > MAX_ERRNO)
		abort();
	w->tally[o.err]++;
	w->calls++;
}

/* cycle: load this thread's module with "round=R", unload it, repeat. */
static void run_cycle(struct worker *w)
{
	struct plan *p = w->plan;
	char params[32];
	unsigned long r;

	for (r = 0; keep_going(p, r); r++) {
		struct outcome o = { 0 };
		int fd;

		fd = open(w->file, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			setup_error("cannot open '%s': %s", w->file,
				    strerror(errno));
		snprintf(params, sizeof(params), "round=%lu", r);
		o.ret = syscall(SYS_finit_module, (long)fd, params, 0L);
		o.err = o.ret == -1 ? errno : 0;
		close(fd);
		count_outcome(w, o);
		if (o.err)
			continue;
		w->loaded++;
		o.ret = syscall(SYS_delete_module, w->module,
				(unsigned long)O_NONBLOCK);
		o.err = o.ret == -1 ? errno : 0;
		count_outcome(w, o);
		if (!o.err)
			w->unloaded++;
	}
	w->rounds = r;
}

static void add_result(struct worker *w, struct outcome o)
{
	count_outcome(w, o);
	if (w->results)
		w->results[w->nresults] = o;
	w->nresults++;
}

static struct outcome outcome_of(long ret, const char *call)
{
	struct outcome o = { .ret = ret, .call = call };

	o.err = ret == -1 ? errno : 0;
	return o;
}

/*
 * finit with more than one call, in one thread. --rdwr-then-rdonly: the fd
 * open for writing is refused (ETXTBSY); once it is closed nothing holds
 * the file open for writing, so the read-only call gets as far as copying
 * its parameters (EFAULT for NULL). --unlink and --umount: with our fd
 * closed, nothing else may hold the file or its mount.
 */
static void run_finit_calls(struct worker *w)
{
	struct plan *p = w->plan;

	w->nresults = 0;
	add_result(w, make_call(p, w->fd));
	if (p->src == SRC_RDWR_THEN_RDONLY) {
		close(w->fd);
		w->fd = open(p->path, O_RDONLY);
		if (w->fd < 0)
			setup_error("cannot open '%s': %s", p->path,
				    strerror(errno));
		add_result(w, outcome_of(syscall(SYS_finit_module, (long)w->fd,
						 NULL, (long)(int32_t)p->flags),
					 NULL));
	}
	if (!p->unlink && !p->umount_dir)
		return;
	close(w->fd);
	w->fd = -1;
	if (p->unlink)
		add_result(w, outcome_of(unlink(p->path), "unlink"));
	if (p->umount_dir)
		add_result(w, outcome_of(umount2(p->umount_dir, 0), "umount"));
}

static void *run_worker(void *arg)
{
	struct worker *w = arg;
	struct plan *p = w->plan;
	struct timespec next;
	unsigned long i;

	w->tid = (pid_t)syscall(SYS_gettid);
	pthread_barrier_wait(&p->start);
	if (p->cmd == CMD_CYCLE) {
		run_cycle(w);
		return NULL;
	}
	if (p->src == SRC_RDWR_THEN_RDONLY || p->unlink || p->umount_dir) {
		run_finit_calls(w);
		return NULL;
	}
	clock_gettime(CLOCK_MONOTONIC, &next);
	for (i = 0; (p->threads > 1 && !p->apart) || keep_going(p, i); i++) {
		struct outcome o = { 0 };

		if (p->interval_ns) {
			struct timespec now;

			/*
			 * Behind schedule, the call is made at once: a sleep
			 * until a time gone by still costs a timer interrupt,
			 * which under emulation is more than most calls.
			 */
			clock_gettime(CLOCK_MONOTONIC, &now);
			if (now.tv_sec < next.tv_sec ||
			    (now.tv_sec == next.tv_sec &&
			     now.tv_nsec < next.tv_nsec))
				clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME,
						&next, NULL);
			next.tv_nsec += p->interval_ns;
			while (next.tv_nsec >= 1000000000L) {
				next.tv_nsec -= 1000000000L;
				next.tv_sec++;
			}
		} else if (p->threads > 1 && !p->apart) {
			/*
			 * One thread decides for all whether the round is
			 * made, so that none waits for a thread that stopped.
			 */
			if (pthread_barrier_wait(&p->round) ==
			    PTHREAD_BARRIER_SERIAL_THREAD)
				p->go = keep_going(p, i);
			pthread_barrier_wait(&p->round);
			if (!p->go)
				break;
		}
		o = make_call(p, w->fd);
		count_outcome(w, o);
		if (w->results)
			w->results[i] = o;
	}
	return NULL;
}

/* The module name of a module file: its base name without .ko[.*]. */
static void module_name(const char *file, char *name, size_t size)
{
	const char *base = strrchr(file, '/');
	size_t len;

	base = base ? base + 1 : file;
	len = strcspn(base, ".");
	if (len == 0 || len >= size)
		setup_error("'%s' does not name a module", file);
	memcpy(name, base, len);
	name[len] = '\0';
}

static bool is_expected(const struct config *cfg, int err)
{
	unsigned int i;

	if (cfg->nexpect == 0)
		return true;
	for (i = 0; i < cfg->nexpect; i++)
		if (cfg->expect[i] == err)
			return true;
	return false;
}

static void print_unexpected(const struct config *cfg, const struct plan *p,
			     int err, unsigned long count, unsigned long total)
{
	char buf[16];
	unsigned int i;

	fprintf(stderr, "mtload: %s: expected ", p->call_name);
	for (i = 0; i < cfg->nexpect; i++)
		fprintf(stderr, "%s%s", i ? " or " : "",
			errno_to_name(cfg->expect[i], buf, sizeof(buf)));
	fprintf(stderr, ", got %s", errno_to_name(err, buf, sizeof(buf)));
	if (total > 1)
		fprintf(stderr, " (%lu of %lu calls)", count, total);
	fputc('\n', stderr);
}

/* exec: only a failure comes back here, and is reported like a call. */
static int run_exec(const struct config *cfg)
{
	char *args[] = { (char *)cfg->operand, NULL };
	struct plan p = { .cmd = CMD_EXEC, .call_name = "execve" };
	char buf[16];
	int err;

	fflush(stdout);
	execve(cfg->operand, args, environ);
	err = errno;
	if (!cfg->quiet)
		printf("%s ret=-1 errno=%s tid=%d\n", p.call_name,
		       errno_to_name(err, buf, sizeof(buf)),
		       (int)syscall(SYS_gettid));
	if (fflush(stdout) != 0)
		setup_error("writing output: %s", strerror(errno));
	if (is_expected(cfg, err))
		return EXIT_SUCCESS;
	print_unexpected(cfg, &p, err, 1, 1);
	return EXIT_UNEXPECTED;
}

int main(int argc, char **argv)
{
	struct config cfg = {
		.params = "",
		.threads = 1,
		.repeat = 1,
	};
	static char bad_image[BAD_IMAGE_SIZE];
	static const char bad_text[] = "modtrace: this is not an ELF image\n";
	static unsigned long tally[MAX_ERRNO + 1];
	unsigned long total, ok;
	struct worker *workers;
	struct plan plan = { 0 };
	struct timespec started, ended;
	void *hole = NULL;
	bool all_expected = true;
	unsigned int t;
	int err;

	parse_args(argc, argv, &cfg);
	if (cfg.cmd == CMD_EXEC)
		return run_exec(&cfg);

	plan.cmd = cfg.cmd;
	plan.src = cfg.src;
	plan.path = cfg.operand;
	plan.unlink = cfg.unlink;
	plan.umount_dir = cfg.umount_dir;
	plan.params = cfg.params;
	plan.threads = cfg.threads;
	plan.repeat = cfg.repeat;
	switch (cfg.cmd) {
	case CMD_INIT:
		snprintf(plan.call_name, sizeof(plan.call_name), "init_module");
		if (cfg.src == SRC_PATH) {
			plan.image = read_image(cfg.operand, &plan.len);
		} else if (cfg.src == SRC_BAD_IMAGE) {
			for (size_t i = 0; i < sizeof(bad_image); i++)
				bad_image[i] = bad_text[i % (sizeof(bad_text) - 1)];
			plan.image = bad_image;
			plan.len = sizeof(bad_image);
		} else {
			plan.len = BAD_IMAGE_SIZE;	/* image set below */
		}
		if (cfg.len_set)
			plan.len = cfg.len;
		break;
	case CMD_FINIT:
		snprintf(plan.call_name, sizeof(plan.call_name), "finit_module");
		plan.flags = cfg.flags;
		break;
	case CMD_DELETE:
		snprintf(plan.call_name, sizeof(plan.call_name), "delete_module");
		plan.name = cfg.operand;
		plan.flags = cfg.flags_set ? cfg.flags : O_NONBLOCK;
		break;
	case CMD_SYSCALL:
		snprintf(plan.call_name, sizeof(plan.call_name), "syscall(%ld)",
			 cfg.nr);
		plan.nr = cfg.nr;
		memcpy(plan.args, cfg.args, sizeof(plan.args));
		break;
	case CMD_CYCLE:
		snprintf(plan.call_name, sizeof(plan.call_name), "cycle");
		break;
	case CMD_EXEC:
		abort();	/* run_exec() */
	}
	plan.timed = cfg.seconds > 0;
	plan.interval_ns = cfg.rate ? (long)(1000000000UL / cfg.rate) : 0;
	plan.apart = cfg.apart || cfg.rate;

	workers = calloc(cfg.threads, sizeof(*workers));
	if (!workers)
		setup_error("out of memory");
	for (t = 0; t < cfg.threads; t++) {
		struct worker *w = &workers[t];

		w->plan = &plan;
		w->fd = -1;
		w->pipe_write_fd = -1;
		if (cfg.cmd == CMD_FINIT)
			open_finit_fd(&cfg, w);
		if (cfg.cmd == CMD_CYCLE) {
			w->file = cfg.files[t];
			module_name(w->file, w->module, sizeof(w->module));
		}
		w->tally = calloc(MAX_ERRNO + 1, sizeof(*w->tally));
		w->nresults = cfg.repeat;
		if (!cfg.quiet)
			w->results = calloc(cfg.repeat > MAX_FINIT_CALLS ?
					    cfg.repeat : MAX_FINIT_CALLS,
					    sizeof(*w->results));
		if (!w->tally || (!cfg.quiet && !w->results))
			setup_error("out of memory");
	}

	if (pthread_barrier_init(&plan.start, NULL, cfg.threads + 1) != 0 ||
	    pthread_barrier_init(&plan.round, NULL, cfg.threads) != 0)
		setup_error("pthread_barrier_init failed");
	for (t = 0; t < cfg.threads; t++) {
		err = pthread_create(&workers[t].thread, NULL, run_worker,
				     &workers[t]);
		if (err)
			setup_error("pthread_create: %s", strerror(err));
	}

	if (cfg.src == SRC_UNMAPPED_IMAGE || cfg.unmapped_params)
		hole = unmapped_page();
	if (cfg.src == SRC_UNMAPPED_IMAGE)
		plan.image = hole;
	if (cfg.unmapped_params)
		plan.params = hole;

	pthread_barrier_wait(&plan.start);
	clock_gettime(CLOCK_MONOTONIC, &started);
	if (plan.timed) {
		struct timespec left = { .tv_sec = (time_t)cfg.seconds };

		while (nanosleep(&left, &left) != 0 && errno == EINTR)
			;
		__atomic_store_n(&plan.stop, 1, __ATOMIC_RELAXED);
	}
	for (t = 0; t < cfg.threads; t++) {
		err = pthread_join(workers[t].thread, NULL);
		if (err)
			setup_error("pthread_join: %s", strerror(err));
	}

	clock_gettime(CLOCK_MONOTONIC, &ended);
	total = 0;
	for (t = 0; t < cfg.threads; t++) {
		const struct worker *w = &workers[t];
		unsigned long i;
		char buf[16];

		total += w->calls;
		for (i = 0; i <= MAX_ERRNO; i++)
			tally[i] += w->tally[i];
		if (cfg.cmd == CMD_CYCLE)
			printf("cycle tid=%d module=%s rounds=%lu loaded=%lu unloaded=%lu\n",
			       (int)w->tid, w->module, w->rounds, w->loaded,
			       w->unloaded);
		for (i = 0; w->results && i < w->nresults; i++)
			printf("%s ret=%ld errno=%s tid=%d\n",
			       w->results[i].call ? w->results[i].call :
			       plan.call_name,
			       w->results[i].ret,
			       errno_to_name(w->results[i].err, buf,
					     sizeof(buf)),
			       (int)w->tid);
	}
	ok = tally[0];
	if (cfg.quiet || total > 1) {
		char buf[16];

		printf("summary calls=%lu ok=%lu", total, ok);
		for (int e = 1; e <= MAX_ERRNO; e++)
			if (tally[e])
				printf(" %s=%lu",
				       errno_to_name(e, buf, sizeof(buf)),
				       tally[e]);
		putchar('\n');
	}
	if (cfg.time)
		printf("timing calls=%lu elapsed_ns=%lld\n", total,
		       (long long)(ended.tv_sec - started.tv_sec) * 1000000000LL +
		       (ended.tv_nsec - started.tv_nsec));
	if (fflush(stdout) != 0)
		setup_error("writing output: %s", strerror(errno));

	for (int e = 0; e <= MAX_ERRNO; e++) {
		if (tally[e] && !is_expected(&cfg, e)) {
			print_unexpected(&cfg, &plan, e, tally[e], total);
			all_expected = false;
		}
	}
	return all_expected ? EXIT_SUCCESS : EXIT_UNEXPECTED;
}
