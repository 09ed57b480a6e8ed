// Writes the recorded streams the command-line tests replay (modtrace --input): the netlink
// messages a modtrace socket receives, built byte by byte with the unit tests' MessageBuilder,
// in the format --record writes. Usage: mtnlgen DIR; every file goes into DIR. What each
// stream holds is written out below, call by call, so that an expected output can be checked
// against it by eye.
#include "../unit/nl_builder.hpp"
#include "modtrace.h"

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

namespace {

using modtrace::test::ByteVector;
using modtrace::test::MessageBuilder;
using modtrace::test::netlink_message;

// The family id the recording machine's controller gave modtrace.
constexpr std::uint16_t kFamily = 0x1d;
// Monotonic 1000 s is 2026-11-20T10:00:00Z on the recording machine.
constexpr std::int64_t kRealtimeOffset = (1795168800LL - 1000) * 1000000000LL;
constexpr std::uint64_t kSecond = 1000000000ULL;

struct Caller {
    std::uint32_t pid;
    std::uint32_t uid;
    const char* comm;
    std::uint32_t abi = MODTRACE_ABI_X86_64;
    std::uint32_t tid = 0; // 0: the process's main thread, tid = pid
};

const Caller kModprobe{812, 0, "modprobe"};
const Caller kLoader{900, 1000, "mtload"};
const Caller kRmmod{950, 0, "rmmod"};
const Caller kOld{960, 0, "mtload32", MODTRACE_ABI_IA32};

MessageBuilder head(std::uint32_t type, std::uint32_t probe, std::uint64_t seq, std::uint64_t ts,
                    const Caller& c, bool task = true) {
    MessageBuilder b;
    b.u32(MODTRACE_ATTR_TYPE, type)
        .u64(MODTRACE_ATTR_SEQ, seq)
        .u32(MODTRACE_ATTR_PROBE, probe)
        .u64(MODTRACE_ATTR_TS, ts)
        .u32(MODTRACE_ATTR_CPU, 1);
    b.begin(MODTRACE_ATTR_TASK)
        .u32(MODTRACE_TASK_ATTR_TGID, c.pid)
        .u32(MODTRACE_TASK_ATTR_TID, c.tid ? c.tid : c.pid)
        .u32(MODTRACE_TASK_ATTR_PPID, 700)
        .u32(MODTRACE_TASK_ATTR_UID, c.uid)
        .u32(MODTRACE_TASK_ATTR_EUID, c.uid)
        .u32(MODTRACE_TASK_ATTR_GID, c.uid)
        .u32(MODTRACE_TASK_ATTR_LOGINUID, 1000)
        .u32(MODTRACE_TASK_ATTR_SESSIONID, 3)
        .str(MODTRACE_TASK_ATTR_COMM, c.comm)
        .u64(MODTRACE_TASK_ATTR_CGROUP_ID, 4242)
        .u32(MODTRACE_TASK_ATTR_PIDNS_INO, 4026531836U)
        .u32(MODTRACE_TASK_ATTR_MNTNS_INO, 4026531841U);
    if (task)
        b.u32(MODTRACE_TASK_ATTR_ABI, c.abi);
    b.end();
    return b;
}

ByteVector record(const MessageBuilder& b) {
    return b.message(kFamily, MODTRACE_CMD_RECORD);
}

ByteVector exit_record(std::uint32_t type, std::uint32_t probe, std::uint64_t seq, std::uint64_t ts,
                       const Caller& c, std::uint64_t entry_seq, std::int64_t ret,
                       std::uint64_t duration, const MessageBuilder* extra = nullptr) {
    MessageBuilder b = head(type, probe, seq, ts, c);
    b.s64(MODTRACE_ATTR_RET, ret)
        .u64(MODTRACE_ATTR_ENTRY_SEQ, entry_seq)
        .u64(MODTRACE_ATTR_DURATION, duration);
    if (extra)
        b.garbage(extra->attributes());
    return record(b);
}

ByteVector time_base() {
    ByteVector payload(sizeof kRealtimeOffset);
    std::memcpy(payload.data(), &kRealtimeOffset, sizeof kRealtimeOffset);
    return netlink_message(NLMSG_NOOP, payload);
}

// What precedes the records on a live socket: the subscribe reply and its acknowledgement.
std::vector<ByteVector> subscribed(std::uint64_t next_seq) {
    MessageBuilder reply;
    reply.u32(MODTRACE_ATTR_VERSION, MODTRACE_GENL_VERSION)
        .u64(MODTRACE_ATTR_INSTANCE, 0x5eed)
        .u64(MODTRACE_ATTR_NEXT_SEQ, next_seq);
    ByteVector ack(sizeof(nlmsgerr), 0); // error 0: an acknowledgement
    return {reply.message(kFamily, MODTRACE_CMD_SUBSCRIBE, 2), netlink_message(NLMSG_ERROR, ack)};
}

// Five calls, each complete:
//   seq 1-4   modprobe[812] uid 0 finit_module(fd 3, "count=3 label=lab", flags 0) of
//             /lib/modules/6.1.0-56-amd64/extra/mt_clean.ko (dev 0x801, ino 131075):
//             do_init_module ran mt_clean's init (version 1.0, signature not checked, out of
//             tree), init returned 0 after 2 ms, the call returned 0 after 5.5 ms
//   seq 5-6   mtload[900] uid 1000 init_module(4096-byte image, "") returned -1 (EPERM) after
//             20 us
//   seq 7-9   rmmod[950] uid 0 delete_module("mt_clean", O_NONBLOCK): the kernel freed
//             mt_clean, the call returned 0 after 1 ms
//   seq 10    mtload32[960] ia32 create_module (127 on ia32), args 1 2 3 0 0 0
//   seq 11-12 modprobe[812] finit_module of the same file again: returned -17 (EEXIST)
//             after 300 us, no init ran
std::vector<ByteVector> calls() {
    std::vector<ByteVector> out;
    const std::uint64_t t0 = 1000 * kSecond;

    MessageBuilder b =
        head(MODTRACE_REC_FINIT_MODULE_ENTER, MODTRACE_PROBE_FINIT_MODULE, 1, t0, kModprobe);
    b.s32(MODTRACE_ATTR_FD, 3)
        .begin(MODTRACE_ATTR_FILE)
        .u32(MODTRACE_FILE_ATTR_DEV, 0x801)
        .u64(MODTRACE_FILE_ATTR_INO, 131075)
        .end()
        .str(MODTRACE_ATTR_PARAMS, "count=3 label=lab")
        .u32(MODTRACE_ATTR_FINIT_FLAGS, 0);
    out.push_back(record(b));

    b = head(MODTRACE_REC_DO_INIT_ENTER, MODTRACE_PROBE_DO_INIT_MODULE, 2, t0 + 3000000, kModprobe);
    b.begin(MODTRACE_ATTR_MODULE)
        .str(MODTRACE_MODULE_ATTR_NAME, "mt_clean")
        .str(MODTRACE_MODULE_ATTR_VERSION, "1.0")
        .str(MODTRACE_MODULE_ATTR_SRCVERSION, "3F2A1B4C5D6E7F8091A2B3C")
        .u64(MODTRACE_MODULE_ATTR_TAINTS, 1U << 12)
        .str(MODTRACE_MODULE_ATTR_ARGS, "count=3 label=lab")
        .u64(MODTRACE_MODULE_ATTR_TEXT_SIZE, 8192)
        .u64(MODTRACE_MODULE_ATTR_TOTAL_SIZE, 20480)
        .end();
    out.push_back(record(b));

    MessageBuilder name;
    name.begin(MODTRACE_ATTR_MODULE).str(MODTRACE_MODULE_ATTR_NAME, "mt_clean").end();
    out.push_back(exit_record(MODTRACE_REC_DO_INIT_EXIT, MODTRACE_PROBE_DO_INIT_MODULE, 3,
                              t0 + 5000000, kModprobe, 2, 0, 2000000, &name));

    MessageBuilder file;
    file.begin(MODTRACE_ATTR_FILE)
        .str(MODTRACE_FILE_ATTR_PATH, "/lib/modules/6.1.0-56-amd64/extra/mt_clean.ko")
        .u32(MODTRACE_FILE_ATTR_DEV, 0x801)
        .u64(MODTRACE_FILE_ATTR_INO, 131075)
        .end();
    // The image the kernel hashed as the module came: bytes 0, 1, ..., 31 as its SHA-256.
    std::array<std::uint8_t, 32> sha256{};
    for (std::size_t i = 0; i < sha256.size(); ++i)
        sha256[i] = static_cast<std::uint8_t>(i);
    MessageBuilder loaded = file;
    loaded.begin(MODTRACE_ATTR_IMAGE)
        .u32(MODTRACE_IMAGE_ATTR_STATE, MODTRACE_IMAGE_HASHED)
        .u64(MODTRACE_IMAGE_ATTR_LEN, 16384)
        .raw(MODTRACE_IMAGE_ATTR_SHA256, sha256)
        .str(MODTRACE_IMAGE_ATTR_NAME, "mt_clean")
        .end();
    // Its init returned, and the module was on the module list and in sysfs.
    loaded.u32(MODTRACE_ATTR_HIDDEN_FROM, 0);
    out.push_back(exit_record(MODTRACE_REC_FINIT_MODULE_EXIT, MODTRACE_PROBE_FINIT_MODULE, 4,
                              t0 + 5500000, kModprobe, 1, 0, 5500000, &loaded));

    b = head(MODTRACE_REC_INIT_MODULE_ENTER, MODTRACE_PROBE_INIT_MODULE, 5, t0 + kSecond, kLoader);
    b.u64(MODTRACE_ATTR_IMAGE_LEN, 4096).str(MODTRACE_ATTR_PARAMS, "");
    out.push_back(record(b));
    out.push_back(exit_record(MODTRACE_REC_INIT_MODULE_EXIT, MODTRACE_PROBE_INIT_MODULE, 6,
                              t0 + kSecond + 20000, kLoader, 5, -1, 20000));

    b = head(MODTRACE_REC_DELETE_MODULE_ENTER, MODTRACE_PROBE_DELETE_MODULE, 7, t0 + 2 * kSecond,
             kRmmod);
    b.str(MODTRACE_ATTR_NAME, "mt_clean").u32(MODTRACE_ATTR_DELETE_FLAGS, 04000);
    out.push_back(record(b));
    b = head(MODTRACE_REC_MODULE_FREE, MODTRACE_PROBE_FREE_MODULE, 8, t0 + 2 * kSecond + 900000,
             kRmmod, false);
    b.begin(MODTRACE_ATTR_MODULE).str(MODTRACE_MODULE_ATTR_NAME, "mt_clean").end();
    out.push_back(record(b));
    out.push_back(exit_record(MODTRACE_REC_DELETE_MODULE_EXIT, MODTRACE_PROBE_DELETE_MODULE, 9,
                              t0 + 2 * kSecond + 1000000, kRmmod, 7, 0, 1000000));

    b = head(MODTRACE_REC_OBSOLETE_SYSCALL, MODTRACE_PROBE_NI_SYSCALL, 10, t0 + 3 * kSecond, kOld);
    b.u32(MODTRACE_ATTR_SYSCALL_NR, 127)
        .begin(MODTRACE_ATTR_SYSCALL_ARGS)
        .u64(MODTRACE_SYSCALL_ARG_0, 1)
        .u64(MODTRACE_SYSCALL_ARG_1, 2)
        .u64(MODTRACE_SYSCALL_ARG_2, 3)
        .u64(MODTRACE_SYSCALL_ARG_3, 0)
        .u64(MODTRACE_SYSCALL_ARG_4, 0)
        .u64(MODTRACE_SYSCALL_ARG_5, 0)
        .end();
    out.push_back(record(b));

    b = head(MODTRACE_REC_FINIT_MODULE_ENTER, MODTRACE_PROBE_FINIT_MODULE, 11, t0 + 4 * kSecond,
             kModprobe);
    b.s32(MODTRACE_ATTR_FD, 3)
        .begin(MODTRACE_ATTR_FILE)
        .u32(MODTRACE_FILE_ATTR_DEV, 0x801)
        .u64(MODTRACE_FILE_ATTR_INO, 131075)
        .end()
        .str(MODTRACE_ATTR_PARAMS, "")
        .u32(MODTRACE_ATTR_FINIT_FLAGS, 0);
    out.push_back(record(b));
    // Already loaded: the kernel read the image and refused it before laying it out.
    MessageBuilder refused = file;
    refused.begin(MODTRACE_ATTR_IMAGE)
        .u32(MODTRACE_IMAGE_ATTR_STATE, MODTRACE_IMAGE_REFUSED)
        .u64(MODTRACE_IMAGE_ATTR_LEN, 16384)
        .end();
    out.push_back(exit_record(MODTRACE_REC_FINIT_MODULE_EXIT, MODTRACE_PROBE_FINIT_MODULE, 12,
                              t0 + 4 * kSecond + 300000, kModprobe, 11, -17, 300000, &refused));
    return out;
}

std::vector<ByteVector> session() {
    std::vector<ByteVector> out{time_base()};
    for (auto& m : subscribed(1))
        out.push_back(std::move(m));
    for (auto& m : calls())
        out.push_back(std::move(m));
    return out;
}

// An init_module call whose return never came: the module was unloaded (SHUTDOWN, next_seq 3)
// while mtload[900] was in it. Seq 2 is lost for want of buffer space, as the SHUTDOWN's loss
// nest says.
std::vector<ByteVector> shutdown() {
    std::vector<ByteVector> out{time_base()};
    const std::uint64_t t0 = 1000 * kSecond;
    MessageBuilder b =
        head(MODTRACE_REC_INIT_MODULE_ENTER, MODTRACE_PROBE_INIT_MODULE, 1, t0, kLoader);
    b.u64(MODTRACE_ATTR_IMAGE_LEN, 65536).str(MODTRACE_ATTR_PARAMS, "verbose=1");
    out.push_back(record(b));
    MessageBuilder s;
    s.u32(MODTRACE_ATTR_TYPE, MODTRACE_REC_SHUTDOWN)
        .u64(MODTRACE_ATTR_NEXT_SEQ, 3)
        .begin(MODTRACE_ATTR_LOSS)
        .u64(MODTRACE_LOSS_ATTR_BUFFER_FULL, 1)
        .end();
    out.push_back(record(s));
    return out;
}

// The first call of session(), then a record whose TASK nest claims more bytes than it has
// (skipped with a warning), then the init_module call of seq 5-6.
std::vector<ByteVector> bad_record() {
    std::vector<ByteVector> all = session();
    std::vector<ByteVector> out(all.begin(), all.begin() + 7); // time, reply, ack, seq 1-4
    MessageBuilder b;
    b.u32(MODTRACE_ATTR_TYPE, MODTRACE_REC_DELETE_MODULE_ENTER)
        .u64(MODTRACE_ATTR_SEQ, 5)
        .lying(MODTRACE_ATTR_TASK, 64, ByteVector(8, 0));
    out.push_back(record(b));
    out.push_back(all[7]);
    out.push_back(all[8]);
    return out;
}

// The file a finit_module call passes: its device and inode at entry (no path).
void finit_args(MessageBuilder& b, std::int32_t fd, std::uint64_t ino, const char* params,
                std::uint32_t flags) {
    b.s32(MODTRACE_ATTR_FD, fd);
    if (fd >= 0)
        b.begin(MODTRACE_ATTR_FILE)
            .u32(MODTRACE_FILE_ATTR_DEV, 0x801)
            .u64(MODTRACE_FILE_ATTR_INO, ino)
            .end();
    b.str(MODTRACE_ATTR_PARAMS, params).u32(MODTRACE_ATTR_FINIT_FLAGS, flags);
}

// The file the kernel read, as finit_module's return reports it.
MessageBuilder read_file(const char* path, std::uint64_t ino) {
    MessageBuilder f;
    f.begin(MODTRACE_ATTR_FILE)
        .str(MODTRACE_FILE_ATTR_PATH, path)
        .u32(MODTRACE_FILE_ATTR_DEV, 0x801)
        .u64(MODTRACE_FILE_ATTR_INO, ino)
        .end();
    return f;
}

MessageBuilder module_name(const char* name) {
    MessageBuilder m;
    m.begin(MODTRACE_ATTR_MODULE).str(MODTRACE_MODULE_ATTR_NAME, name).end();
    return m;
}

MessageBuilder loss_of(std::uint64_t buffer_full) {
    MessageBuilder l;
    l.begin(MODTRACE_ATTR_LOSS).u64(MODTRACE_LOSS_ATTR_BUFFER_FULL, buffer_full).end();
    return l;
}

ByteVector obsolete_call(std::uint64_t seq, std::uint64_t ts, const Caller& c, std::uint32_t nr) {
    MessageBuilder b = head(MODTRACE_REC_OBSOLETE_SYSCALL, MODTRACE_PROBE_NI_SYSCALL, seq, ts, c);
    b.u32(MODTRACE_ATTR_SYSCALL_NR, nr).begin(MODTRACE_ATTR_SYSCALL_ARGS);
    for (std::uint16_t k = 0; k < 6; ++k)
        b.u64(static_cast<std::uint16_t>(MODTRACE_SYSCALL_ARG_0 + k), k == 0 ? 4096 : 0);
    b.end();
    return record(b);
}

// Every kind of event and every outcome, one call after the other, a second apart from
// monotonic 1000 s (2026-11-20T10:00:00Z):
//   seq 1-4   mtload[900] uid 1000 init_module(65536-byte image, "level=1"): mt_clean's init
//             ran with the kernel's copy "level=2" (params_mismatch) and returned 0; loaded
//   seq 5-8   modprobe[812] finit_module(fd 4) of /tmp/mt_fail.ko, unlinked meanwhile: mt_fail's
//             init returned -19; init_failed (ENODEV)
//   seq 9-10  mtload[900] finit_module(fd -1, flags 3) returned -9 without a file; rejected
//   seq 11-16 mtload[1100], threads 1101 and 1102, both finit_module the same file
//             (/lib/modules/6.12.12-amd64/extra/mt_clean.ko, ino 140000): 1101's init ran and
//             returned 0, 1102 waited for it and returned 0; loaded, and waited
//   seq 17-19 modprobe[812] finit_module of the same file returned -22; seq 18 was lost
//             (buffer_full, reported with seq 19), so which failure it was is unknown: failed
//   seq 20-21 modprobe[812] finit_module returned 0, no init seen, no loss: loaded,
//             incomplete (missing_init)
//   seq 22-23 rmmod[950] delete_module("llc", O_NONBLOCK) returned -16; unload_failed (EBUSY)
//   seq 24-25 rmmod[950] delete_module: its entry lost (reported with seq 25), returned 0;
//             unloaded, incomplete (missing_entry)
//   seq 26    mtload[900] query_module (178 on x86_64)
//   seq 27    mtload[900] get_kernel_syms (177 on x86_64)
//   seq 28    mtload[900] syscall 183 through ni_syscall: obsolete_syscall
//   seq 29-30 kworker/u4:1[1200] an init of mt_sleep, no syscall records: unknown_load,
//             incomplete (missing_entry)
//   seq 31    mtload[1300] init_module(4096-byte image) that never returned: unknown,
//             incomplete (reader_stopped) at the end of the file
std::vector<ByteVector> kinds() {
    std::vector<ByteVector> out{time_base()};
    for (auto& m : subscribed(1))
        out.push_back(std::move(m));
    const std::uint64_t t0 = 1000 * kSecond;
    const std::uint64_t ms = 1000000;
    const Caller thread_a{1100, 0, "mtload", MODTRACE_ABI_X86_64, 1101};
    const Caller thread_b{1100, 0, "mtload", MODTRACE_ABI_X86_64, 1102};
    const Caller kworker{1200, 0, "kworker/u4:1"};
    const Caller stuck{1300, 0, "mtload"};
    const char* const shared = "/lib/modules/6.12.12-amd64/extra/mt_clean.ko";
    const MessageBuilder clean = module_name("mt_clean");
    const MessageBuilder fail = module_name("mt_fail");
    const MessageBuilder sleeper = module_name("mt_sleep");
    const MessageBuilder deleted = read_file("/tmp/mt_fail.ko (deleted)", 131090);
    const MessageBuilder shared_file = read_file(shared, 140000);

    MessageBuilder b =
        head(MODTRACE_REC_INIT_MODULE_ENTER, MODTRACE_PROBE_INIT_MODULE, 1, t0, kLoader);
    b.u64(MODTRACE_ATTR_IMAGE_LEN, 65536).str(MODTRACE_ATTR_PARAMS, "level=1");
    out.push_back(record(b));
    b = head(MODTRACE_REC_DO_INIT_ENTER, MODTRACE_PROBE_DO_INIT_MODULE, 2, t0 + 1 * ms, kLoader);
    b.begin(MODTRACE_ATTR_MODULE)
        .str(MODTRACE_MODULE_ATTR_NAME, "mt_clean")
        .str(MODTRACE_MODULE_ATTR_VERSION, "1.0")
        .str(MODTRACE_MODULE_ATTR_SRCVERSION, "3F2A1B4C5D6E7F8091A2B3C")
        .u64(MODTRACE_MODULE_ATTR_TAINTS, 1U << 12)
        .str(MODTRACE_MODULE_ATTR_ARGS, "level=2")
        .u64(MODTRACE_MODULE_ATTR_TEXT_SIZE, 8192)
        .u64(MODTRACE_MODULE_ATTR_TOTAL_SIZE, 20480)
        .end();
    out.push_back(record(b));
    out.push_back(exit_record(MODTRACE_REC_DO_INIT_EXIT, MODTRACE_PROBE_DO_INIT_MODULE, 3,
                              t0 + 2 * ms, kLoader, 2, 0, 1 * ms, &clean));
    out.push_back(exit_record(MODTRACE_REC_INIT_MODULE_EXIT, MODTRACE_PROBE_INIT_MODULE, 4,
                              t0 + 3 * ms, kLoader, 1, 0, 3 * ms));

    const std::uint64_t t1 = t0 + kSecond;
    b = head(MODTRACE_REC_FINIT_MODULE_ENTER, MODTRACE_PROBE_FINIT_MODULE, 5, t1, kModprobe);
    finit_args(b, 4, 131090, "", 0);
    out.push_back(record(b));
    b = head(MODTRACE_REC_DO_INIT_ENTER, MODTRACE_PROBE_DO_INIT_MODULE, 6, t1 + 1 * ms, kModprobe);
    b.begin(MODTRACE_ATTR_MODULE)
        .str(MODTRACE_MODULE_ATTR_NAME, "mt_fail")
        .str(MODTRACE_MODULE_ATTR_SRCVERSION, "1B0E22C4F5A6978D3C1E2B4")
        .u64(MODTRACE_MODULE_ATTR_TAINTS, 1U << 12)
        .str(MODTRACE_MODULE_ATTR_ARGS, "")
        .u64(MODTRACE_MODULE_ATTR_TEXT_SIZE, 4096)
        .u64(MODTRACE_MODULE_ATTR_TOTAL_SIZE, 16384)
        .end();
    out.push_back(record(b));
    out.push_back(exit_record(MODTRACE_REC_DO_INIT_EXIT, MODTRACE_PROBE_DO_INIT_MODULE, 7,
                              t1 + 2 * ms, kModprobe, 6, -19, 1 * ms, &fail));
    out.push_back(exit_record(MODTRACE_REC_FINIT_MODULE_EXIT, MODTRACE_PROBE_FINIT_MODULE, 8,
                              t1 + 3 * ms, kModprobe, 5, -19, 3 * ms, &deleted));

    const std::uint64_t t2 = t0 + 2 * kSecond;
    b = head(MODTRACE_REC_FINIT_MODULE_ENTER, MODTRACE_PROBE_FINIT_MODULE, 9, t2, kLoader);
    finit_args(b, -1, 0, "", 3);
    out.push_back(record(b));
    out.push_back(exit_record(MODTRACE_REC_FINIT_MODULE_EXIT, MODTRACE_PROBE_FINIT_MODULE, 10,
                              t2 + 10000, kLoader, 9, -9, 10000));

    const std::uint64_t t3 = t0 + 3 * kSecond;
    b = head(MODTRACE_REC_FINIT_MODULE_ENTER, MODTRACE_PROBE_FINIT_MODULE, 11, t3, thread_a);
    finit_args(b, 3, 140000, "", 0);
    out.push_back(record(b));
    b = head(MODTRACE_REC_DO_INIT_ENTER, MODTRACE_PROBE_DO_INIT_MODULE, 12, t3 + 1 * ms, thread_a);
    b.begin(MODTRACE_ATTR_MODULE)
        .str(MODTRACE_MODULE_ATTR_NAME, "mt_clean")
        .str(MODTRACE_MODULE_ATTR_VERSION, "1.0")
        .u64(MODTRACE_MODULE_ATTR_TAINTS, 1U << 12)
        .str(MODTRACE_MODULE_ATTR_ARGS, "")
        .u64(MODTRACE_MODULE_ATTR_TEXT_SIZE, 8192)
        .u64(MODTRACE_MODULE_ATTR_TOTAL_SIZE, 20480)
        .end();
    out.push_back(record(b));
    b = head(MODTRACE_REC_FINIT_MODULE_ENTER, MODTRACE_PROBE_FINIT_MODULE, 13, t3 + 2 * ms,
             thread_b);
    finit_args(b, 3, 140000, "", 0);
    out.push_back(record(b));
    out.push_back(exit_record(MODTRACE_REC_DO_INIT_EXIT, MODTRACE_PROBE_DO_INIT_MODULE, 14,
                              t3 + 3 * ms, thread_a, 12, 0, 2 * ms, &clean));
    out.push_back(exit_record(MODTRACE_REC_FINIT_MODULE_EXIT, MODTRACE_PROBE_FINIT_MODULE, 15,
                              t3 + 4 * ms, thread_a, 11, 0, 4 * ms, &shared_file));
    out.push_back(exit_record(MODTRACE_REC_FINIT_MODULE_EXIT, MODTRACE_PROBE_FINIT_MODULE, 16,
                              t3 + 5 * ms, thread_b, 13, 0, 3 * ms, &shared_file));

    const std::uint64_t t4 = t0 + 4 * kSecond;
    b = head(MODTRACE_REC_FINIT_MODULE_ENTER, MODTRACE_PROBE_FINIT_MODULE, 17, t4, kModprobe);
    finit_args(b, 3, 140000, "", 0);
    out.push_back(record(b));
    MessageBuilder failed = read_file(shared, 140000);
    failed.garbage(loss_of(1).attributes());
    out.push_back(exit_record(MODTRACE_REC_FINIT_MODULE_EXIT, MODTRACE_PROBE_FINIT_MODULE, 19,
                              t4 + 1 * ms, kModprobe, 17, -22, 1 * ms, &failed));

    const std::uint64_t t5 = t0 + 5 * kSecond;
    b = head(MODTRACE_REC_FINIT_MODULE_ENTER, MODTRACE_PROBE_FINIT_MODULE, 20, t5, kModprobe);
    finit_args(b, 3, 140000, "", 0);
    out.push_back(record(b));
    out.push_back(exit_record(MODTRACE_REC_FINIT_MODULE_EXIT, MODTRACE_PROBE_FINIT_MODULE, 21,
                              t5 + 1 * ms, kModprobe, 20, 0, 1 * ms, &shared_file));

    const std::uint64_t t6 = t0 + 6 * kSecond;
    b = head(MODTRACE_REC_DELETE_MODULE_ENTER, MODTRACE_PROBE_DELETE_MODULE, 22, t6, kRmmod);
    b.str(MODTRACE_ATTR_NAME, "llc").u32(MODTRACE_ATTR_DELETE_FLAGS, 04000);
    out.push_back(record(b));
    out.push_back(exit_record(MODTRACE_REC_DELETE_MODULE_EXIT, MODTRACE_PROBE_DELETE_MODULE, 23,
                              t6 + 9000, kRmmod, 22, -16, 9000));

    const std::uint64_t t7 = t0 + 7 * kSecond;
    MessageBuilder lost_entry = loss_of(1);
    out.push_back(exit_record(MODTRACE_REC_DELETE_MODULE_EXIT, MODTRACE_PROBE_DELETE_MODULE, 25,
                              t7 + 50000, kRmmod, 24, 0, 50000, &lost_entry));

    const std::uint64_t t8 = t0 + 8 * kSecond;
    out.push_back(obsolete_call(26, t8, kLoader, 178));
    out.push_back(obsolete_call(27, t8 + 1 * ms, kLoader, 177));
    out.push_back(obsolete_call(28, t8 + 2 * ms, kLoader, 183));

    const std::uint64_t t9 = t0 + 9 * kSecond;
    b = head(MODTRACE_REC_DO_INIT_ENTER, MODTRACE_PROBE_DO_INIT_MODULE, 29, t9, kworker);
    b.begin(MODTRACE_ATTR_MODULE)
        .str(MODTRACE_MODULE_ATTR_NAME, "mt_sleep")
        .str(MODTRACE_MODULE_ATTR_ARGS, "")
        .u64(MODTRACE_MODULE_ATTR_TEXT_SIZE, 4096)
        .u64(MODTRACE_MODULE_ATTR_TOTAL_SIZE, 12288)
        .end();
    out.push_back(record(b));
    out.push_back(exit_record(MODTRACE_REC_DO_INIT_EXIT, MODTRACE_PROBE_DO_INIT_MODULE, 30,
                              t9 + 1 * ms, kworker, 29, 0, 1 * ms, &sleeper));

    const std::uint64_t t10 = t0 + 10 * kSecond;
    b = head(MODTRACE_REC_INIT_MODULE_ENTER, MODTRACE_PROBE_INIT_MODULE, 31, t10, stuck);
    b.u64(MODTRACE_ATTR_IMAGE_LEN, 4096).str(MODTRACE_ATTR_PARAMS, "");
    out.push_back(record(b));
    return out;
}

ByteVector join(const std::vector<ByteVector>& messages) {
    ByteVector out;
    for (const auto& m : messages) {
        out.insert(out.end(), m.begin(), m.end());
        out.resize(NLMSG_ALIGN(out.size()), 0);
    }
    return out;
}

bool write(const std::string& path, const ByteVector& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (!out)
        std::fprintf(stderr, "mtnlgen: cannot write %s: %s\n", path.c_str(), std::strerror(errno));
    return static_cast<bool>(out);
}

} // namespace

int main(int argc, char* argv[]) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: mtnlgen DIR\n");
        return 2;
    }
    const std::string dir = argv[1];
    const ByteVector whole = join(session());
    // Cut 40 bytes into the last message (seq 12), and 10 bytes into it, inside its header:
    // everything before it is whole.
    const std::size_t last = whole.size() - NLMSG_ALIGN(session().back().size());
    const auto cut = [&](std::size_t into) {
        return ByteVector(whole.begin(), whole.begin() + static_cast<std::ptrdiff_t>(last + into));
    };
    // A header claiming 8 bytes where seq 5's message starts.
    std::vector<ByteVector> first(session());
    first.resize(7);
    ByteVector bad_length = join(first);
    const ByteVector liar = netlink_message(kFamily, ByteVector{});
    bad_length.insert(bad_length.end(), liar.begin(), liar.end());
    const std::uint32_t eight = 8;
    std::memcpy(bad_length.data() + bad_length.size() - liar.size(), &eight, sizeof eight);

    bool ok = write(dir + "/session.nlraw", whole);
    ok = write(dir + "/shutdown.nlraw", join(shutdown())) && ok;
    ok = write(dir + "/bad-record.nlraw", join(bad_record())) && ok;
    ok = write(dir + "/truncated.nlraw", cut(40)) && ok;
    ok = write(dir + "/truncated-header.nlraw", cut(10)) && ok;
    ok = write(dir + "/bad-length.nlraw", bad_length) && ok;
    ok = write(dir + "/empty.nlraw", ByteVector{}) && ok;
    ok = write(dir + "/kinds.nlraw", join(kinds())) && ok;
    return ok ? 0 : 1;
}
