// SPDX-License-Identifier: GPL-2.0
/*
 * mtnlfuzz: sends random and malformed generic netlink messages to the
 * modtrace family and checks every answer the kernel gives.
 *
 * Each message is one of: a command of the family with random attributes
 * (wrong types, sizes, nesting, unknown numbers, missing ones), a random
 * command number, a broken generic netlink header (reserved byte, flags a
 * request may not carry, a dump request) or a message too short for its
 * header. The tool knows which messages the generic netlink core hands to
 * the family (a well-formed request for one of its commands: "family") and
 * which the core answers itself ("core"), and checks:
 *
 *   unprivileged (--user): every "family" message is refused with EPERM;
 *                 "core" messages get only the core's EINVAL, EOPNOTSUPP or
 *                 EPERM (or its plain acknowledgement of a non-request);
 *   root:         every answer is one the family documents (0, EINVAL,
 *                 ENOENT, EPROTONOSUPPORT) or the core's, and a well-formed
 *                 GET_STATUS still succeeds at the end.
 *
 * Two other modes serve the guest scenarios: --idle-readers subscribes
 * sockets that never read, --count-datagrams a reader that counts how the
 * records come (several to a datagram, in seq order but for DEFERRED).
 *
 * Static, glibc only, for the lab guest:
 *   cc -O2 -Wall -Wextra -Werror -static -I kmod/uapi mtnlfuzz.c -o mtnlfuzz
 */

#define _GNU_SOURCE

#include <errno.h>
#include <grp.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "modtrace.h"

#define BUF_SIZE 8192
#define MAX_ERRNO 4095
#define ANSWER_WAIT_MS 200	/* for a message that may go unanswered */

enum class_id { CLASS_FAMILY, CLASS_CORE, NR_CLASSES };
static const char *const class_names[] = { "family", "core" };

static int nl_fd;
static uint32_t nl_seq = 1;
static uint64_t rng_state;

/* Outcome tallies: [class][errno], errno 0 = success, plus "no answer". */
static unsigned long tally[NR_CLASSES][MAX_ERRNO + 1];
static unsigned long unanswered[NR_CLASSES];
static unsigned long sent[NR_CLASSES];

static void __attribute__((noreturn, format(printf, 1, 2)))
die(const char *fmt, ...)
{
	va_list ap;

	fputs("mtnlfuzz: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static uint32_t rnd(void)
{
	/* xorshift64*: reproducible from --seed, good enough to fuzz with. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 2685821657736338717ULL) >> 32);
}

static uint32_t rnd_below(uint32_t n)
{
	return rnd() % n;
}

/* A message under construction. */
struct msg {
	unsigned char buf[BUF_SIZE];
	size_t len;
};

static struct nlmsghdr *msg_start(struct msg *m, uint16_t type, uint16_t flags,
				  uint8_t cmd, uint8_t version)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)m->buf;
	struct genlmsghdr *g = NLMSG_DATA(nlh);

	memset(m->buf, 0, NLMSG_SPACE(GENL_HDRLEN));
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = nl_seq++;
	g->cmd = cmd;
	g->version = version;
	m->len = NLMSG_SPACE(GENL_HDRLEN);
	return nlh;
}

/* Append an attribute whose header says @claimed bytes, carrying @len. */
static void put_raw_attr(struct msg *m, uint16_t type, uint16_t claimed,
			 const void *data, size_t len)
{
	struct nlattr *a = (struct nlattr *)(m->buf + m->len);
	size_t space = NLA_ALIGN(NLA_HDRLEN + len);

	if (m->len + space > sizeof(m->buf))
		return;
	a->nla_type = type;
	a->nla_len = claimed;
	memcpy((unsigned char *)a + NLA_HDRLEN, data, len);
	memset((unsigned char *)a + NLA_HDRLEN + len, 0, space - NLA_HDRLEN - len);
	m->len += space;
}

static void put_attr(struct msg *m, uint16_t type, const void *data, size_t len)
{
	put_raw_attr(m, type, (uint16_t)(NLA_HDRLEN + len), data, len);
}

/* One random attribute: any type, size, flag bits, content. */
static void put_random_attr(struct msg *m)
{
	unsigned char data[64];
	uint16_t type;
	size_t len, i;

	switch (rnd_below(4)) {
	case 0:		/* an attribute a request may carry */
		type = rnd_below(2) ? MODTRACE_ATTR_VERSION :
				      MODTRACE_ATTR_SUBSCRIBE_FLAGS;
		break;
	case 1:		/* one only the kernel sends, or 0, or past the end */
		type = (uint16_t)rnd_below(MODTRACE_ATTR_MAX + 4);
		break;
	case 2:		/* any number, with the nested / byte-order bits */
		type = (uint16_t)rnd();
		break;
	default:
		type = (uint16_t)(rnd_below(8) | NLA_F_NESTED);
		break;
	}
	len = rnd_below(4) ? (size_t[]){ 0, 1, 2, 3, 4, 5, 8, 16 }[rnd_below(8)] :
			     rnd_below(sizeof(data));
	for (i = 0; i < len; i++)
		data[i] = (unsigned char)rnd();
	if (rnd_below(10) == 0) {
		/* a length field that lies: too short, or past the message */
		uint16_t claimed = rnd_below(2) ? (uint16_t)rnd_below(NLA_HDRLEN) :
				   (uint16_t)(NLA_HDRLEN + len + 1 + rnd_below(512));
		put_raw_attr(m, type, claimed, data, len);
	} else {
		put_attr(m, type, data, len);
	}
}

static const uint8_t family_cmds[] = {
	MODTRACE_CMD_SUBSCRIBE, MODTRACE_CMD_UNSUBSCRIBE, MODTRACE_CMD_GET_STATUS,
};

static bool is_family_cmd(uint8_t cmd)
{
	size_t i;

	for (i = 0; i < sizeof(family_cmds); i++)
		if (family_cmds[i] == cmd)
			return true;
	return false;
}

/*
 * Build one random message for @family. Returns its class: whether the
 * generic netlink core hands it to the family.
 */
static enum class_id build(struct msg *m, uint16_t family)
{
	const uint16_t req = NLM_F_REQUEST | NLM_F_ACK;
	uint16_t flags = req;
	uint8_t cmd = family_cmds[rnd_below(sizeof(family_cmds))];
	uint8_t reserved = 0;
	bool truncated = false;
	struct nlmsghdr *nlh;
	unsigned int i, n;

	switch (rnd_below(6)) {
	case 0:		/* a random command number */
		cmd = (uint8_t)rnd();
		break;
	case 1:		/* header bits a request may not carry */
		if (rnd_below(2))
			reserved = (uint8_t)(1 + rnd_below(255));
		else
			flags = (uint16_t)(rnd() | (rnd_below(8) ? req : 0));
		break;
	case 2:		/* shorter than its generic netlink header */
		truncated = true;
		break;
	default:	/* a command of the family with random attributes */
		break;
	}
	nlh = msg_start(m, family, flags, cmd, (uint8_t)rnd_below(4));
	((struct genlmsghdr *)NLMSG_DATA(nlh))->reserved = reserved;
	if (truncated) {
		m->len = NLMSG_HDRLEN + rnd_below(GENL_HDRLEN);
	} else {
		n = rnd_below(5);
		for (i = 0; i < n; i++)
			put_random_attr(m);
	}
	nlh->nlmsg_len = (uint32_t)m->len;

	if (truncated || !is_family_cmd(cmd) || reserved ||
	    !(flags & NLM_F_REQUEST) ||
	    (flags & ~(NLM_F_REQUEST | NLM_F_ACK | NLM_F_ECHO)))
		return CLASS_CORE;
	return CLASS_FAMILY;
}

static void send_msg(const struct msg *m)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };

	if (sendto(nl_fd, m->buf, m->len, 0, (struct sockaddr *)&kernel,
		   sizeof(kernel)) < 0)
		die("sendto: %s", strerror(errno));
}

/*
 * The answer to message @seq: 0 for an acknowledgement (or a reply then an
 * acknowledgement), a positive errno for an error, -1 if none came within
 * @wait_ms. Messages for other sequence numbers (records, if a fuzzed
 * SUBSCRIBE succeeded) are skipped.
 */
static int answer(uint32_t seq, int wait_ms)
{
	static unsigned char buf[65536];
	bool replied = false;

	for (;;) {
		struct pollfd pfd = { .fd = nl_fd, .events = POLLIN };
		struct nlmsghdr *nlh;
		ssize_t n;

		if (poll(&pfd, 1, wait_ms) <= 0)
			return replied ? 0 : -1;
		n = recv(nl_fd, buf, sizeof(buf), 0);
		if (n < 0 && (errno == ENOBUFS || errno == EINTR))
			continue;	/* records overran the socket: not ours */
		if (n < 0)
			die("recv: %s", strerror(errno));
		for (nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, (size_t)n);
		     nlh = NLMSG_NEXT(nlh, n)) {
			if (nlh->nlmsg_seq != seq)
				continue;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(nlh);

				return -e->error;
			}
			replied = true;
		}
	}
}

static uint16_t resolve_family(void)
{
	struct {
		struct nlmsghdr nlh;
		unsigned char rest[BUF_SIZE];
	} reply;
	struct msg m;
	struct nlmsghdr *nlh;
	struct nlattr *a;
	ssize_t n;
	int left;

	nlh = msg_start(&m, GENL_ID_CTRL, NLM_F_REQUEST, CTRL_CMD_GETFAMILY, 1);
	put_attr(&m, CTRL_ATTR_FAMILY_NAME, MODTRACE_GENL_NAME,
		 sizeof(MODTRACE_GENL_NAME));
	nlh->nlmsg_len = (uint32_t)m.len;
	send_msg(&m);
	n = recv(nl_fd, &reply, sizeof(reply), 0);
	if (n < 0)
		die("recv: %s", strerror(errno));
	if (!NLMSG_OK(&reply.nlh, (size_t)n))
		die("short answer from the controller");
	if (reply.nlh.nlmsg_type == NLMSG_ERROR)
		die("no generic netlink family '%s': %s (is modtrace loaded?)",
		    MODTRACE_GENL_NAME,
		    strerror(-((struct nlmsgerr *)NLMSG_DATA(&reply.nlh))->error));
	a = (struct nlattr *)((unsigned char *)NLMSG_DATA(&reply.nlh) + GENL_HDRLEN);
	left = (int)reply.nlh.nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
	while (left >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= left) {
		if ((a->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_FAMILY_ID)
			return *(uint16_t *)((unsigned char *)a + NLA_HDRLEN);
		left -= NLA_ALIGN(a->nla_len);
		a = (struct nlattr *)((unsigned char *)a + NLA_ALIGN(a->nla_len));
	}
	die("the controller's answer has no family id");
}

static void drop_privileges(uid_t uid)
{
	gid_t gid = (gid_t)uid;

	if (setgroups(1, &gid) != 0 || setgid(gid) != 0 || setuid(uid) != 0)
		die("cannot become uid %u: %s", (unsigned int)uid, strerror(errno));
	if (setuid(0) == 0)
		die("uid %u could become root again", (unsigned int)uid);
}

static const char *err_name(int err)
{
	static char buf[16];

	switch (err) {
	case 0: return "ok";
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case EINVAL: return "EINVAL";
	case ERANGE: return "ERANGE";
	case EBUSY: return "EBUSY";
	case ENOMEM: return "ENOMEM";
	case EMSGSIZE: return "EMSGSIZE";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
	case ESHUTDOWN: return "ESHUTDOWN";
	default:
		snprintf(buf, sizeof(buf), "errno%d", err);
		return buf;
	}
}

/* Is @err (-1: no answer) an acceptable answer to a message of @cls? */
static bool acceptable(enum class_id cls, int err, bool privileged)
{
	/*
	 * The core's own answers. EPERM too: 6.1 checks permission before it
	 * notices that a dump request has no dump handler, 6.12 after.
	 */
	if (cls == CLASS_CORE)
		return err == -1 || err == 0 || err == EINVAL ||
		       err == EOPNOTSUPP || err == EPERM;
	if (!privileged)
		return err == EPERM;
	return err == 0 || err == EINVAL || err == ENOENT ||
	       err == EPROTONOSUPPORT;
}

/*
 * Open nl_fd (with a receive buffer of @rcvbuf bytes if not 0) and
 * subscribe it; @i numbers it in errors. Return: the family id.
 */
static uint16_t open_subscribed(unsigned long i, int rcvbuf)
{
	struct sockaddr_nl local = { .nl_family = AF_NETLINK };
	struct nlmsghdr *h;
	uint16_t family;
	struct msg m;
	int err;

	nl_fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (nl_fd < 0 ||
	    bind(nl_fd, (struct sockaddr *)&local, sizeof(local)) != 0)
		die("socket %lu: %s", i, strerror(errno));
	if (rcvbuf)
		setsockopt(nl_fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
			   sizeof(rcvbuf));
	family = resolve_family();
	h = msg_start(&m, family, NLM_F_REQUEST | NLM_F_ACK,
		      MODTRACE_CMD_SUBSCRIBE, MODTRACE_GENL_VERSION);
	h->nlmsg_len = (uint32_t)m.len;
	send_msg(&m);
	err = answer(h->nlmsg_seq, 2000);
	if (err != 0)
		die("subscribe %lu: %s", i, err < 0 ? "no answer" : err_name(err));
	return family;
}

/*
 * Readers that subscribe and never read: @n sockets with the default
 * receive buffer, each subscribed, kept open until the process is killed.
 */
static void __attribute__((noreturn)) idle_readers(unsigned long n)
{
	unsigned long i;

	for (i = 0; i < n; i++)
		open_subscribed(i, 0);
	printf("subscribed %lu idle readers\n", n);
	fflush(stdout);
	for (;;)
		pause();
}

static volatile sig_atomic_t counting = 1;

static void stop_counting(int sig)
{
	(void)sig;
	counting = 0;
}

/* The SEQ of a RECORD message, or 0 if it has none; its RECORD_FLAGS. */
static uint64_t record_seq(const struct nlmsghdr *nlh, uint32_t *flags)
{
	const unsigned char *p = (const unsigned char *)NLMSG_DATA(nlh) + GENL_HDRLEN;
	long left = (long)nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
	uint64_t seq = 0;

	*flags = 0;
	while (left >= NLA_HDRLEN) {
		const struct nlattr *a = (const struct nlattr *)p;
		int type = a->nla_type & NLA_TYPE_MASK;

		if (a->nla_len < NLA_HDRLEN || a->nla_len > left)
			return 0;
		if (type == MODTRACE_ATTR_SEQ &&
		    a->nla_len == NLA_HDRLEN + sizeof(seq))
			memcpy(&seq, p + NLA_HDRLEN, sizeof(seq));
		if (type == MODTRACE_ATTR_RECORD_FLAGS &&
		    a->nla_len == NLA_HDRLEN + sizeof(*flags))
			memcpy(flags, p + NLA_HDRLEN, sizeof(*flags));
		left -= NLA_ALIGN(a->nla_len);
		p += NLA_ALIGN(a->nla_len);
	}
	return seq;
}

/*
 * A reader that counts: subscribe, then until SIGTERM or SIGINT count the
 * datagrams received, the records in them, the most in one, and the
 * datagrams whose records are not in rising seq order (DEFERRED ones, sent
 * late, left out); print that and exit.
 */
static int count_datagrams(void)
{
	static unsigned char buf[1 << 20];
	unsigned long datagrams = 0, records = 0, most = 0, unordered = 0,
		      overruns = 0;
	struct sigaction sa = { .sa_handler = stop_counting };
	/* room for a flood: a record refused is not counted here */
	uint16_t family = open_subscribed(0, 16 << 20);

	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	printf("subscribed\n");
	fflush(stdout);
	while (counting) {
		struct nlmsghdr *nlh;
		unsigned long n_rec = 0;
		uint64_t last = 0, seq;
		bool ordered = true;
		uint32_t flags;
		ssize_t n = recv(nl_fd, buf, sizeof(buf), 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == ENOBUFS) {
			overruns++;
			continue;
		}
		if (n < 0)
			die("recv: %s", strerror(errno));
		for (nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, (size_t)n);
		     nlh = NLMSG_NEXT(nlh, n)) {
			if (nlh->nlmsg_type != family)
				continue;
			seq = record_seq(nlh, &flags);
			if (!seq)
				continue;
			n_rec++;
			/* the one exception to seq order, sent late */
			if (flags & MODTRACE_RECORD_F_DEFERRED)
				continue;
			ordered = ordered && seq > last;
			last = seq;
		}
		if (!n_rec)
			continue;
		datagrams++;
		records += n_rec;
		if (n_rec > most)
			most = n_rec;
		if (!ordered)
			unordered++;
	}
	printf("datagrams=%lu records=%lu most=%lu unordered=%lu overruns=%lu\n",
	       datagrams, records, most, unordered, overruns);
	return 0;
}

static const char usage_text[] =
	"Usage: mtnlfuzz [--count N] [--seed S] [--user UID]\n"
	"       mtnlfuzz --idle-readers N\n"
	"       mtnlfuzz --count-datagrams\n"
	"Send N (default 20000) random and malformed generic netlink messages to\n"
	"the modtrace family and check each answer (see the top of mtnlfuzz.c).\n"
	"  --seed S    start the generator at S (default: from the clock; printed)\n"
	"  --user UID  become UID (gid UID, no capabilities) before opening the\n"
	"              socket: every message modtrace receives must get EPERM\n"
	"  --idle-readers N  instead, subscribe N sockets that never read, and\n"
	"              keep them until killed\n"
	"  --count-datagrams  instead, subscribe one socket and, until SIGTERM,\n"
	"              count the datagrams and records it receives: prints\n"
	"              'datagrams=<n> records=<n> most=<n> unordered=<n> overruns=<n>'\n"
	"Output: 'summary user=<uid> seed=<s> <class>: sent=<n> <answer>=<n> ...'\n"
	"for the classes family and core. Exit: 0 all answers acceptable,\n"
	"1 some not (each printed), 2 usage or setup error.\n";

int main(int argc, char **argv)
{
	struct sockaddr_nl local = { .nl_family = AF_NETLINK };
	unsigned long count = 20000, i, bad = 0;
	bool privileged = true;
	uint64_t seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	uid_t uid = 0;
	uint16_t family;
	struct msg m;
	int c, e, err;

	for (i = 1; i < (unsigned long)argc; i++) {
		const char *opt = argv[i];

		if (!strcmp(opt, "-h") || !strcmp(opt, "--help")) {
			fputs(usage_text, stdout);
			return 0;
		}
		if (!strcmp(opt, "--count-datagrams"))
			return count_datagrams();
		if (i + 1 >= (unsigned long)argc)
			die("%s: missing value (try --help)", opt);
		if (!strcmp(opt, "--count"))
			count = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(opt, "--seed"))
			seed = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(opt, "--user"))
			uid = (uid_t)strtoul(argv[++i], NULL, 0);
		else if (!strcmp(opt, "--idle-readers"))
			idle_readers(strtoul(argv[++i], NULL, 0));
		else
			die("unknown option %s (try --help)", opt);
	}
	if (uid != 0) {
		drop_privileges(uid);
		privileged = false;
	}
	rng_state = seed ? seed : 1;

	nl_fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (nl_fd < 0)
		die("socket: %s", strerror(errno));
	if (bind(nl_fd, (struct sockaddr *)&local, sizeof(local)) != 0)
		die("bind: %s", strerror(errno));
	c = 1;
	setsockopt(nl_fd, SOL_NETLINK, NETLINK_EXT_ACK, &c, sizeof(c));
	family = resolve_family();

	for (i = 0; i < count; i++) {
		enum class_id cls = build(&m, family);
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)m.buf;
		bool acked = nlh->nlmsg_len >= NLMSG_HDRLEN &&
			     (nlh->nlmsg_flags & NLM_F_ACK);

		send_msg(&m);
		sent[cls]++;
		/*
		 * An error is always answered; success only when acked, so
		 * wait briefly for messages that may succeed silently.
		 */
		err = answer(nlh->nlmsg_seq, acked ? 2000 : ANSWER_WAIT_MS);
		if (err < 0)
			unanswered[cls]++;
		else if (err <= MAX_ERRNO)
			tally[cls][err]++;
		if (!acceptable(cls, err, privileged)) {
			if (bad++ < 20)
				fprintf(stderr,
					"mtnlfuzz: message %lu (%s, cmd %u, flags 0x%x, %u bytes): answer %s\n",
					i, class_names[cls],
					((const struct genlmsghdr *)NLMSG_DATA(nlh))->cmd,
					nlh->nlmsg_flags, nlh->nlmsg_len,
					err < 0 ? "none" : err_name(err));
		}
	}

	if (privileged) {
		/* The family still works: a clean status request succeeds. */
		struct nlmsghdr *h = msg_start(&m, family, NLM_F_REQUEST | NLM_F_ACK,
					       MODTRACE_CMD_GET_STATUS,
					       MODTRACE_GENL_VERSION);

		h->nlmsg_len = (uint32_t)m.len;
		send_msg(&m);
		err = answer(h->nlmsg_seq, 2000);
		if (err != 0) {
			fprintf(stderr, "mtnlfuzz: GET_STATUS after fuzzing: %s\n",
				err < 0 ? "no answer" : err_name(err));
			bad++;
		}
	}

	printf("summary user=%u seed=%llu", (unsigned int)uid,
	       (unsigned long long)seed);
	for (c = 0; c < NR_CLASSES; c++) {
		printf(" %s: sent=%lu", class_names[c], sent[c]);
		for (e = 0; e <= MAX_ERRNO; e++)
			if (tally[c][e])
				printf(" %s=%lu", err_name(e), tally[c][e]);
		if (unanswered[c])
			printf(" none=%lu", unanswered[c]);
		putchar(c + 1 < NR_CLASSES ? ';' : '\n');
	}
	if (bad)
		fprintf(stderr, "mtnlfuzz: %lu unacceptable answers\n", bad);
	return bad ? 1 : 0;
}
