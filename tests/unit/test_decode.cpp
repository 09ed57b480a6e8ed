// The decoder: records of every type, the status and subscribe replies, and every way a message
// can be malformed.
#include "decode.hpp"
#include "nl_builder.hpp"

#include <gtest/gtest.h>
#include <map>
#include <string>

namespace {

using modtrace::Bytes;
using modtrace::Probe;
using modtrace::Record;
using modtrace::RecordType;
using modtrace::test::ByteVector;
using modtrace::test::MessageBuilder;

constexpr std::uint16_t kFamily = 0x1c;

std::uint32_t u(RecordType type) {
    return static_cast<std::uint32_t>(type);
}

void add_task(MessageBuilder& b) {
    b.begin(MODTRACE_ATTR_TASK)
        .u32(MODTRACE_TASK_ATTR_TGID, 100)
        .u32(MODTRACE_TASK_ATTR_TID, 101)
        .u32(MODTRACE_TASK_ATTR_PPID, 1)
        .u32(MODTRACE_TASK_ATTR_UID, 1000)
        .u32(MODTRACE_TASK_ATTR_EUID, 0)
        .u32(MODTRACE_TASK_ATTR_GID, 1001)
        .u32(MODTRACE_TASK_ATTR_LOGINUID, 4294967295U)
        .u32(MODTRACE_TASK_ATTR_SESSIONID, 3)
        .str(MODTRACE_TASK_ATTR_COMM, "mtload")
        .raw(MODTRACE_TASK_ATTR_PAD, ByteVector{})
        .u64(MODTRACE_TASK_ATTR_CGROUP_ID, 0x1234567890ULL)
        .u32(MODTRACE_TASK_ATTR_PIDNS_INO, 4026531836U)
        .u32(MODTRACE_TASK_ATTR_MNTNS_INO, 4026531841U)
        .u32(MODTRACE_TASK_ATTR_ABI, MODTRACE_ABI_IA32)
        .end();
}

Probe probe_of(RecordType type) {
    switch (type) {
    case RecordType::InitModuleEnter:
    case RecordType::InitModuleExit:
        return Probe::InitModule;
    case RecordType::FinitModuleEnter:
    case RecordType::FinitModuleExit:
        return Probe::FinitModule;
    case RecordType::DoInitEnter:
    case RecordType::DoInitExit:
        return Probe::DoInitModule;
    case RecordType::DeleteModuleEnter:
    case RecordType::DeleteModuleExit:
        return Probe::DeleteModule;
    case RecordType::ModuleFree:
        return Probe::FreeModule;
    case RecordType::RequestModuleEnter:
    case RecordType::RequestModuleExit:
        return Probe::RequestModule;
    default:
        return Probe::NiSyscall;
    }
}

bool is_exit(RecordType type) {
    return type == RecordType::InitModuleExit || type == RecordType::FinitModuleExit ||
           type == RecordType::DoInitExit || type == RecordType::DeleteModuleExit ||
           type == RecordType::RequestModuleExit;
}

// A well-formed record of `type` with exactly the attributes it needs, less `omit`.
MessageBuilder minimal(RecordType type, std::uint16_t omit = 0) {
    MessageBuilder b;
    auto want = [&](std::uint16_t attr) { return attr != omit; };
    if (want(MODTRACE_ATTR_TYPE))
        b.u32(MODTRACE_ATTR_TYPE, u(type));
    if (type != RecordType::Loss && type != RecordType::Shutdown) {
        if (want(MODTRACE_ATTR_SEQ))
            b.u64(MODTRACE_ATTR_SEQ, 7);
        if (want(MODTRACE_ATTR_PROBE) && type != RecordType::HiddenModule)
            b.u32(MODTRACE_ATTR_PROBE, static_cast<std::uint32_t>(probe_of(type)));
        if (want(MODTRACE_ATTR_TS))
            b.u64(MODTRACE_ATTR_TS, 5000);
        if (want(MODTRACE_ATTR_CPU))
            b.u32(MODTRACE_ATTR_CPU, 2);
        if (want(MODTRACE_ATTR_TASK))
            add_task(b);
    }
    if (is_exit(type)) {
        if (want(MODTRACE_ATTR_RET))
            b.s64(MODTRACE_ATTR_RET, -17);
        if (want(MODTRACE_ATTR_ENTRY_SEQ))
            b.u64(MODTRACE_ATTR_ENTRY_SEQ, 6);
        if (want(MODTRACE_ATTR_DURATION))
            b.u64(MODTRACE_ATTR_DURATION, 123);
    }
    if ((type == RecordType::DoInitEnter || type == RecordType::DoInitExit ||
         type == RecordType::ModuleFree || type == RecordType::HiddenModule) &&
        want(MODTRACE_ATTR_MODULE))
        b.begin(MODTRACE_ATTR_MODULE).str(MODTRACE_MODULE_ATTR_NAME, "mt_clean").end();
    if (type == RecordType::InitModuleEnter && want(MODTRACE_ATTR_IMAGE_LEN))
        b.u64(MODTRACE_ATTR_IMAGE_LEN, 4096);
    if (type == RecordType::FinitModuleEnter && want(MODTRACE_ATTR_FINIT_FLAGS))
        b.u32(MODTRACE_ATTR_FINIT_FLAGS, 0);
    if (type == RecordType::DeleteModuleEnter && want(MODTRACE_ATTR_DELETE_FLAGS))
        b.u32(MODTRACE_ATTR_DELETE_FLAGS, 0x800);
    if (type == RecordType::RequestModuleEnter && want(MODTRACE_ATTR_REQUEST_WAIT))
        b.u8(MODTRACE_ATTR_REQUEST_WAIT, 1);
    if (type == RecordType::ObsoleteSyscall && want(MODTRACE_ATTR_SYSCALL_NR))
        b.u32(MODTRACE_ATTR_SYSCALL_NR, 174);
    if (type == RecordType::Loss && want(MODTRACE_ATTR_LOSS))
        b.begin(MODTRACE_ATTR_LOSS).u64(MODTRACE_LOSS_ATTR_BUFFER_FULL, 4).end();
    if (type == RecordType::Shutdown && want(MODTRACE_ATTR_NEXT_SEQ))
        b.u64(MODTRACE_ATTR_NEXT_SEQ, 43);
    if (type == RecordType::HiddenModule && want(MODTRACE_ATTR_HIDDEN_FROM))
        b.u32(MODTRACE_ATTR_HIDDEN_FROM, MODTRACE_HIDDEN_F_MODULE_LIST);
    if (type == RecordType::HiddenModule && want(MODTRACE_ATTR_LOAD_TS))
        b.u64(MODTRACE_ATTR_LOAD_TS, 4000);
    return b;
}

modtrace::Result<Record> decode(const MessageBuilder& b) {
    ByteVector message = b.message(kFamily, MODTRACE_CMD_RECORD);
    return modtrace::decode_record(Bytes(message));
}

std::string error_of(const MessageBuilder& b) {
    auto r = decode(b);
    return r ? std::string("(decoded without error)") : r.error().message;
}

// The required attributes, per record type, as the protocol header lists them. Written out
// here rather than shared with the decoder, so that the two are checked against each other.
const std::map<RecordType, std::vector<std::uint16_t>>& required() {
    static const std::vector<std::uint16_t> probed = {MODTRACE_ATTR_TYPE,  MODTRACE_ATTR_SEQ,
                                                      MODTRACE_ATTR_PROBE, MODTRACE_ATTR_TS,
                                                      MODTRACE_ATTR_CPU,   MODTRACE_ATTR_TASK};
    auto with = [](std::vector<std::uint16_t> more) {
        auto all = probed;
        all.insert(all.end(), more.begin(), more.end());
        return all;
    };
    const std::vector<std::uint16_t> exit = {MODTRACE_ATTR_RET, MODTRACE_ATTR_ENTRY_SEQ,
                                             MODTRACE_ATTR_DURATION};
    static const std::map<RecordType, std::vector<std::uint16_t>> table = {
        {RecordType::InitModuleEnter, with({MODTRACE_ATTR_IMAGE_LEN})},
        {RecordType::InitModuleExit, with(exit)},
        {RecordType::FinitModuleEnter, with({MODTRACE_ATTR_FINIT_FLAGS})},
        {RecordType::FinitModuleExit, with(exit)},
        {RecordType::DoInitEnter, with({MODTRACE_ATTR_MODULE})},
        {RecordType::DoInitExit, with({MODTRACE_ATTR_MODULE, MODTRACE_ATTR_RET,
                                       MODTRACE_ATTR_ENTRY_SEQ, MODTRACE_ATTR_DURATION})},
        {RecordType::DeleteModuleEnter, with({MODTRACE_ATTR_DELETE_FLAGS})},
        {RecordType::DeleteModuleExit, with(exit)},
        {RecordType::ObsoleteSyscall, with({MODTRACE_ATTR_SYSCALL_NR})},
        {RecordType::Loss, {MODTRACE_ATTR_TYPE, MODTRACE_ATTR_LOSS}},
        {RecordType::Shutdown, {MODTRACE_ATTR_TYPE, MODTRACE_ATTR_NEXT_SEQ}},
        {RecordType::ModuleFree, with({MODTRACE_ATTR_MODULE})},
        {RecordType::RequestModuleEnter, with({MODTRACE_ATTR_REQUEST_WAIT})},
        {RecordType::RequestModuleExit, with(exit)},
        // Made by a check, not a probe: no PROBE.
        {RecordType::HiddenModule,
         {MODTRACE_ATTR_TYPE, MODTRACE_ATTR_SEQ, MODTRACE_ATTR_TS, MODTRACE_ATTR_CPU,
          MODTRACE_ATTR_TASK, MODTRACE_ATTR_MODULE, MODTRACE_ATTR_HIDDEN_FROM,
          MODTRACE_ATTR_LOAD_TS}},
    };
    return table;
}

const std::map<std::uint16_t, std::string> kNames = {
    {MODTRACE_ATTR_TYPE, "TYPE"},
    {MODTRACE_ATTR_SEQ, "SEQ"},
    {MODTRACE_ATTR_PROBE, "PROBE"},
    {MODTRACE_ATTR_TS, "TS"},
    {MODTRACE_ATTR_CPU, "CPU"},
    {MODTRACE_ATTR_TASK, "TASK"},
    {MODTRACE_ATTR_IMAGE_LEN, "IMAGE_LEN"},
    {MODTRACE_ATTR_FINIT_FLAGS, "FINIT_FLAGS"},
    {MODTRACE_ATTR_MODULE, "MODULE"},
    {MODTRACE_ATTR_RET, "RET"},
    {MODTRACE_ATTR_ENTRY_SEQ, "ENTRY_SEQ"},
    {MODTRACE_ATTR_DURATION, "DURATION"},
    {MODTRACE_ATTR_DELETE_FLAGS, "DELETE_FLAGS"},
    {MODTRACE_ATTR_SYSCALL_NR, "SYSCALL_NR"},
    {MODTRACE_ATTR_LOSS, "LOSS"},
    {MODTRACE_ATTR_NEXT_SEQ, "NEXT_SEQ"},
    {MODTRACE_ATTR_REQUEST_WAIT, "REQUEST_WAIT"},
    {MODTRACE_ATTR_HIDDEN_FROM, "HIDDEN_FROM"},
    {MODTRACE_ATTR_LOAD_TS, "LOAD_TS"},
};

// --- well-formed records ------------------------------------------------------------------------

TEST(DecodeRecord, EveryTypeDecodesWithItsRequiredAttributes) {
    for (const auto& [type, attrs] : required()) {
        auto r = decode(minimal(type));
        ASSERT_TRUE(r) << u(type) << ": " << r.error().message;
        EXPECT_EQ(r->type, type);
        const bool probed = type != RecordType::Loss && type != RecordType::Shutdown;
        EXPECT_EQ(r->seq.has_value(), probed) << u(type);
        EXPECT_EQ(r->task.has_value(), probed) << u(type);
    }
}

TEST(DecodeRecord, InitModuleEnterCarriesTaskAndEntryFields) {
    MessageBuilder b = minimal(RecordType::InitModuleEnter);
    b.u32(MODTRACE_ATTR_RECORD_FLAGS, 0x3).str(MODTRACE_ATTR_PARAMS, "count=3 label=x");
    auto r = decode(b);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->seq, 7U);
    EXPECT_EQ(r->probe, Probe::InitModule);
    EXPECT_EQ(r->ts_ns, 5000U);
    EXPECT_EQ(r->cpu, 2U);
    EXPECT_EQ(r->flags, 0x3U);
    EXPECT_EQ(r->image_len, 4096U);
    EXPECT_EQ(r->params, "count=3 label=x");
    ASSERT_TRUE(r->task);
    const auto& t = *r->task;
    EXPECT_EQ(t.tgid, 100U);
    EXPECT_EQ(t.tid, 101U);
    EXPECT_EQ(t.ppid, 1U);
    EXPECT_EQ(t.uid, 1000U);
    EXPECT_EQ(t.euid, 0U);
    EXPECT_EQ(t.gid, 1001U);
    EXPECT_EQ(t.loginuid, 4294967295U);
    EXPECT_EQ(t.sessionid, 3U);
    EXPECT_EQ(t.comm, "mtload");
    EXPECT_EQ(t.cgroup_id, 0x1234567890ULL);
    EXPECT_EQ(t.pidns_ino, 4026531836U);
    EXPECT_EQ(t.mntns_ino, 4026531841U);
    EXPECT_EQ(t.abi, std::optional<std::uint32_t>(MODTRACE_ABI_IA32));
    EXPECT_FALSE(r->loss);
    EXPECT_FALSE(r->fd);
    EXPECT_FALSE(r->module);
}

TEST(DecodeRecord, FinitModuleEnterCarriesFdFileAndFlags) {
    MessageBuilder b = minimal(RecordType::FinitModuleEnter);
    b.s32(MODTRACE_ATTR_FD, 3)
        .begin(MODTRACE_ATTR_FILE)
        .str(MODTRACE_FILE_ATTR_PATH, "/lib/modules/mt_clean.ko")
        .u32(MODTRACE_FILE_ATTR_DEV, 0x801)
        .raw(MODTRACE_FILE_ATTR_PAD, ByteVector{})
        .u64(MODTRACE_FILE_ATTR_INO, 131074)
        .end();
    auto r = decode(b);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->fd, 3);
    ASSERT_TRUE(r->file);
    EXPECT_EQ(r->file->path, "/lib/modules/mt_clean.ko");
    EXPECT_EQ(r->file->dev, 0x801U);
    EXPECT_EQ(r->file->ino, 131074U);
    EXPECT_EQ(r->finit_flags, 0U);
}

TEST(DecodeRecord, FinitModuleEnterWithoutFdIsFine) {
    // The idempotent_init_module() fallback sees no fd.
    auto r = decode(minimal(RecordType::FinitModuleEnter));
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_FALSE(r->fd);
    EXPECT_FALSE(r->file);
}

TEST(DecodeRecord, ExitCarriesNegativeReturnEntrySeqAndDuration) {
    auto r = decode(minimal(RecordType::FinitModuleExit));
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->ret, -17);
    EXPECT_EQ(r->entry_seq, 6U);
    EXPECT_EQ(r->duration_ns, 123U);
}

TEST(DecodeRecord, DoInitEnterCarriesTheModule) {
    MessageBuilder b;
    b.u32(MODTRACE_ATTR_TYPE, u(RecordType::DoInitEnter))
        .u64(MODTRACE_ATTR_SEQ, 9)
        .u32(MODTRACE_ATTR_PROBE, MODTRACE_PROBE_DO_INIT_MODULE)
        .u64(MODTRACE_ATTR_TS, 1)
        .u32(MODTRACE_ATTR_CPU, 0);
    add_task(b);
    b.begin(MODTRACE_ATTR_MODULE)
        .str(MODTRACE_MODULE_ATTR_NAME, "mt_clean")
        .str(MODTRACE_MODULE_ATTR_VERSION, "1.0")
        .str(MODTRACE_MODULE_ATTR_SRCVERSION, "ABCDEF0123456789ABCDEF0")
        .u64(MODTRACE_MODULE_ATTR_TAINTS, 1U << 12)
        .u8(MODTRACE_MODULE_ATTR_SIG_OK, 1)
        .str(MODTRACE_MODULE_ATTR_ARGS, "count=3")
        .u64(MODTRACE_MODULE_ATTR_TEXT_SIZE, 8192)
        .u64(MODTRACE_MODULE_ATTR_TOTAL_SIZE, 16384)
        .end();
    auto r = decode(b);
    ASSERT_TRUE(r) << r.error().message;
    ASSERT_TRUE(r->module);
    const auto& m = *r->module;
    EXPECT_EQ(m.name, "mt_clean");
    EXPECT_EQ(m.version, "1.0");
    EXPECT_EQ(m.srcversion, "ABCDEF0123456789ABCDEF0");
    EXPECT_EQ(m.taints, 1U << 12);
    EXPECT_EQ(m.sig_ok, true);
    EXPECT_EQ(m.args, "count=3");
    EXPECT_EQ(m.text_size, 8192U);
    EXPECT_EQ(m.total_size, 16384U);
}

TEST(DecodeRecord, DoInitExitCarriesOnlyTheModuleName) {
    auto r = decode(minimal(RecordType::DoInitExit));
    ASSERT_TRUE(r) << r.error().message;
    ASSERT_TRUE(r->module);
    EXPECT_EQ(r->module->name, "mt_clean");
    EXPECT_FALSE(r->module->version);
    EXPECT_FALSE(r->module->sig_ok);
    EXPECT_EQ(r->ret, -17);
}

TEST(DecodeRecord, DeleteModuleEnterCarriesNameAndFlags) {
    MessageBuilder b = minimal(RecordType::DeleteModuleEnter);
    b.str(MODTRACE_ATTR_NAME, "mt_clean");
    auto r = decode(b);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->name, "mt_clean");
    EXPECT_EQ(r->delete_flags, 0x800U);
}

TEST(DecodeRecord, ObsoleteSyscallCarriesNumberAndArguments) {
    MessageBuilder b = minimal(RecordType::ObsoleteSyscall);
    b.begin(MODTRACE_ATTR_SYSCALL_ARGS);
    for (std::uint16_t i = 0; i < 6; ++i)
        b.u64(static_cast<std::uint16_t>(MODTRACE_SYSCALL_ARG_0 + i), i + 1);
    b.end();
    auto r = decode(b);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->syscall_nr, 174U);
    EXPECT_EQ(r->syscall_args, (std::vector<std::uint64_t>{1, 2, 3, 4, 5, 6}));
}

TEST(DecodeRecord, LossRecordHasNoSeqAndCountsByCause) {
    MessageBuilder b;
    b.u32(MODTRACE_ATTR_TYPE, u(RecordType::Loss))
        .begin(MODTRACE_ATTR_LOSS)
        .u64(MODTRACE_LOSS_ATTR_SOCKET_FULL, 2)
        .u64(MODTRACE_LOSS_ATTR_NOMEM, 1)
        .end();
    auto r = decode(b);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_FALSE(r->seq);
    ASSERT_TRUE(r->loss);
    EXPECT_EQ(r->loss->buffer_full, 0U);
    EXPECT_EQ(r->loss->socket_full, 2U);
    EXPECT_EQ(r->loss->nmissed, 0U);
    EXPECT_EQ(r->loss->nomem, 1U);
    EXPECT_EQ(r->loss->busy, 0U);
}

TEST(DecodeRecord, BusyLossIsCountedLikeNmissed) {
    MessageBuilder b = minimal(RecordType::DeleteModuleExit);
    b.begin(MODTRACE_ATTR_LOSS)
        .u64(MODTRACE_LOSS_ATTR_BUSY, 3)
        .u64(MODTRACE_LOSS_ATTR_NMISSED, 2)
        .u64(MODTRACE_LOSS_ATTR_BUFFER_FULL, 1)
        .end();
    auto r = decode(b);
    ASSERT_TRUE(r) << r.error().message;
    ASSERT_TRUE(r->loss);
    EXPECT_EQ(r->loss->busy, 3U);
    EXPECT_EQ(r->loss->total(), 6U);
    // Neither busy nor nmissed probe hits took a seq.
    EXPECT_EQ(r->loss->with_seq(), 1U);
}

TEST(DecodeRecord, HistoryLossTookSeqs) {
    MessageBuilder b = minimal(RecordType::DeleteModuleExit);
    b.begin(MODTRACE_ATTR_LOSS).u64(MODTRACE_LOSS_ATTR_HISTORY, 4).end();
    auto r = decode(b);
    ASSERT_TRUE(r) << r.error().message;
    ASSERT_TRUE(r->loss);
    EXPECT_EQ(r->loss->history, 4U);
    EXPECT_EQ(r->loss->total(), 4U);
    // Records the history no longer held had their seqs: they explain gaps.
    EXPECT_EQ(r->loss->with_seq(), 4U);
}

TEST(DecodeRecord, ModuleFreeCarriesTheKernelsName) {
    auto r = decode(minimal(RecordType::ModuleFree));
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->type, RecordType::ModuleFree);
    EXPECT_EQ(r->probe, Probe::FreeModule);
    ASSERT_TRUE(r->module);
    EXPECT_EQ(r->module->name, "mt_clean");
}

TEST(DecodeRecord, FinitModuleExitCarriesTheFileTheKernelRead) {
    MessageBuilder b = minimal(RecordType::FinitModuleExit);
    b.u32(MODTRACE_ATTR_RECORD_FLAGS, MODTRACE_RECORD_F_FILE_CHANGED)
        .begin(MODTRACE_ATTR_FILE)
        .str(MODTRACE_FILE_ATTR_PATH, "/lib/m.ko (deleted)")
        .u32(MODTRACE_FILE_ATTR_DEV, 0x801)
        .raw(MODTRACE_FILE_ATTR_PAD, ByteVector{})
        .u64(MODTRACE_FILE_ATTR_INO, 77)
        .end();
    auto r = decode(b);
    ASSERT_TRUE(r) << r.error().message;
    ASSERT_TRUE(r->file);
    EXPECT_EQ(r->file->path, "/lib/m.ko (deleted)");
    EXPECT_EQ(r->file->dev, 0x801U);
    EXPECT_EQ(r->file->ino, 77U);
    EXPECT_EQ(r->flags, modtrace::record_flag::file_changed);
}

TEST(DecodeRecord, LoadReturnCarriesTheImageAndWhereTheModuleHid) {
    ByteVector sha(32);
    for (std::size_t i = 0; i < sha.size(); ++i)
        sha[i] = static_cast<std::uint8_t>(0xf0 + (i % 16));
    MessageBuilder b = minimal(RecordType::FinitModuleExit);
    b.begin(MODTRACE_ATTR_IMAGE)
        .u32(MODTRACE_IMAGE_ATTR_STATE, MODTRACE_IMAGE_HASHED)
        .u64(MODTRACE_IMAGE_ATTR_LEN, 110232)
        .raw(MODTRACE_IMAGE_ATTR_SHA256, sha)
        .str(MODTRACE_IMAGE_ATTR_NAME, "mt_clean")
        .end()
        .u32(MODTRACE_ATTR_HIDDEN_FROM, MODTRACE_HIDDEN_F_SYSFS);
    auto r = decode(b);
    ASSERT_TRUE(r) << r.error().message;
    ASSERT_TRUE(r->image);
    EXPECT_EQ(r->image->state, modtrace::ImageState::Hashed);
    EXPECT_EQ(r->image->len, 110232U);
    EXPECT_EQ(r->image->sha256, "f0f1f2f3f4f5f6f7f8f9fafbfcfdfefff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff");
    EXPECT_EQ(r->image->name, "mt_clean");
    EXPECT_EQ(r->hidden_from, static_cast<std::uint32_t>(MODTRACE_HIDDEN_F_SYSFS));
}

MessageBuilder& add_request(MessageBuilder& b, bool with_name = true) {
    b.begin(MODTRACE_ATTR_REQUEST).u64(MODTRACE_REQUEST_ATTR_SEQ, 41);
    if (with_name)
        b.str(MODTRACE_REQUEST_ATTR_NAME, "rtnl-link-vxlan");
    return b.u32(MODTRACE_REQUEST_ATTR_TGID, 412)
        .u32(MODTRACE_REQUEST_ATTR_TID, 413)
        .str(MODTRACE_REQUEST_ATTR_COMM, "ip")
        .u32(MODTRACE_REQUEST_ATTR_UID, 1000)
        .end();
}

TEST(DecodeRecord, RequestModuleEnterAndExit) {
    MessageBuilder enter = minimal(RecordType::RequestModuleEnter);
    auto e = decode(enter);
    ASSERT_TRUE(e) << e.error().message;
    EXPECT_EQ(e->type, RecordType::RequestModuleEnter);
    EXPECT_EQ(e->request_wait, true);
    EXPECT_FALSE(e->request);
    MessageBuilder exit = minimal(RecordType::RequestModuleExit);
    exit.str(MODTRACE_ATTR_NAME, "rtnl-link-dummy");
    auto x = decode(exit);
    ASSERT_TRUE(x) << x.error().message;
    EXPECT_EQ(x->name, "rtnl-link-dummy");
    EXPECT_EQ(x->ret, -17);
    EXPECT_EQ(x->entry_seq, 6U);
}

TEST(DecodeRecord, AHelpersRecordCarriesItsRequest) {
    MessageBuilder b = minimal(RecordType::FinitModuleEnter);
    add_request(b);
    auto r = decode(b);
    ASSERT_TRUE(r) << r.error().message;
    ASSERT_TRUE(r->request);
    EXPECT_EQ(r->request->seq, 41U);
    EXPECT_EQ(r->request->name, "rtnl-link-vxlan");
    EXPECT_EQ(r->request->tgid, 412U);
    EXPECT_EQ(r->request->tid, 413U);
    EXPECT_EQ(r->request->comm, "ip");
    EXPECT_EQ(r->request->uid, 1000U);
}

TEST(DecodeRecord, ARequestsNameIsOptional) {
    MessageBuilder b = minimal(RecordType::FinitModuleEnter);
    add_request(b, false);
    auto r = decode(b);
    ASSERT_TRUE(r) << r.error().message;
    ASSERT_TRUE(r->request);
    EXPECT_FALSE(r->request->name);
}

TEST(DecodeRecord, ARequestWithoutItsSeqOrOfTheWrongSizeIsAnError) {
    MessageBuilder missing = minimal(RecordType::FinitModuleEnter);
    missing.begin(MODTRACE_ATTR_REQUEST)
        .u32(MODTRACE_REQUEST_ATTR_TGID, 1)
        .u32(MODTRACE_REQUEST_ATTR_TID, 1)
        .str(MODTRACE_REQUEST_ATTR_COMM, "ip")
        .u32(MODTRACE_REQUEST_ATTR_UID, 0)
        .end();
    EXPECT_NE(error_of(missing).find("SEQ"), std::string::npos) << error_of(missing);
    MessageBuilder wrong = minimal(RecordType::FinitModuleEnter);
    wrong.begin(MODTRACE_ATTR_REQUEST)
        .u32(MODTRACE_REQUEST_ATTR_SEQ, 1)
        .u32(MODTRACE_REQUEST_ATTR_TGID, 1)
        .u32(MODTRACE_REQUEST_ATTR_TID, 1)
        .str(MODTRACE_REQUEST_ATTR_COMM, "ip")
        .u32(MODTRACE_REQUEST_ATTR_UID, 0)
        .end();
    EXPECT_NE(error_of(wrong).find("SEQ"), std::string::npos) << error_of(wrong);
    MessageBuilder wait = minimal(RecordType::RequestModuleEnter, MODTRACE_ATTR_REQUEST_WAIT);
    wait.u32(MODTRACE_ATTR_REQUEST_WAIT, 1);
    EXPECT_NE(error_of(wait).find("REQUEST_WAIT"), std::string::npos) << error_of(wait);
}

TEST(DecodeRecord, HiddenModuleCarriesTheModuleWhereAndWhenItCameLive) {
    MessageBuilder b = minimal(RecordType::HiddenModule);
    auto r = decode(b);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->type, RecordType::HiddenModule);
    EXPECT_FALSE(r->probe);
    ASSERT_TRUE(r->module);
    EXPECT_EQ(r->module->name, "mt_clean");
    EXPECT_EQ(r->hidden_from, static_cast<std::uint32_t>(MODTRACE_HIDDEN_F_MODULE_LIST));
    EXPECT_EQ(r->load_ts_ns, 4000U);
    ASSERT_TRUE(r->task);
    EXPECT_EQ(r->task->tid, 101U);
}

TEST(DecodeRecord, LoadTsIsOptionalElsewhereAndEightBytes) {
    auto plain = decode(minimal(RecordType::FinitModuleExit));
    ASSERT_TRUE(plain) << plain.error().message;
    EXPECT_FALSE(plain->load_ts_ns);
    MessageBuilder b = minimal(RecordType::HiddenModule, MODTRACE_ATTR_LOAD_TS);
    b.u32(MODTRACE_ATTR_LOAD_TS, 4000);
    EXPECT_EQ(error_of(b), "record seq 7: attribute LOAD_TS has 4 bytes, expected 8");
}

TEST(DecodeRecord, ARefusedImageHasNoHash) {
    MessageBuilder b = minimal(RecordType::InitModuleExit);
    b.begin(MODTRACE_ATTR_IMAGE)
        .u32(MODTRACE_IMAGE_ATTR_STATE, MODTRACE_IMAGE_REFUSED)
        .u64(MODTRACE_IMAGE_ATTR_LEN, 4096)
        .end();
    auto r = decode(b);
    ASSERT_TRUE(r) << r.error().message;
    ASSERT_TRUE(r->image);
    EXPECT_EQ(r->image->state, modtrace::ImageState::Refused);
    EXPECT_FALSE(r->image->sha256);
    EXPECT_FALSE(r->hidden_from);
}

TEST(DecodeRecord, AnImageHashOfTheWrongSizeOrMissingIsAnError) {
    for (const std::size_t size : {0U, 31U, 33U}) {
        SCOPED_TRACE(size);
        MessageBuilder b = minimal(RecordType::FinitModuleExit);
        b.begin(MODTRACE_ATTR_IMAGE)
            .u32(MODTRACE_IMAGE_ATTR_STATE, MODTRACE_IMAGE_HASHED)
            .raw(MODTRACE_IMAGE_ATTR_SHA256, ByteVector(size))
            .end();
        auto r = decode(b);
        ASSERT_FALSE(r);
        EXPECT_NE(r.error().message.find("IMAGE.SHA256 is " + std::to_string(size) +
                                         " bytes, expected 32"),
                  std::string::npos)
            << r.error().message;
    }
    MessageBuilder b = minimal(RecordType::FinitModuleExit);
    b.begin(MODTRACE_ATTR_IMAGE).u32(MODTRACE_IMAGE_ATTR_STATE, MODTRACE_IMAGE_HASHED).end();
    auto r = decode(b);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("missing attribute IMAGE.SHA256"), std::string::npos)
        << r.error().message;
}

TEST(DecodeRecord, ShutdownCarriesNextSeq) {
    auto r = decode(minimal(RecordType::Shutdown));
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->next_seq, 43U);
    EXPECT_FALSE(r->seq);
}

TEST(DecodeRecord, LossNestRidesOnAnOrdinaryRecord) {
    MessageBuilder b = minimal(RecordType::DeleteModuleExit);
    b.begin(MODTRACE_ATTR_LOSS).u64(MODTRACE_LOSS_ATTR_NMISSED, 5).end();
    auto r = decode(b);
    ASSERT_TRUE(r) << r.error().message;
    ASSERT_TRUE(r->loss);
    EXPECT_EQ(r->loss->nmissed, 5U);
    EXPECT_EQ(r->loss->total(), 5U);
}

TEST(DecodeRecord, EmptyNestsAreValidWhereNothingInThemIsRequired) {
    MessageBuilder b = minimal(RecordType::FinitModuleEnter);
    b.begin(MODTRACE_ATTR_FILE).end().begin(MODTRACE_ATTR_SYSCALL_ARGS).end();
    auto r = decode(b);
    ASSERT_TRUE(r) << r.error().message;
    ASSERT_TRUE(r->file);
    EXPECT_FALSE(r->file->path);
    EXPECT_TRUE(r->syscall_args.empty());
}

TEST(DecodeRecord, UnknownAttributesAreIgnoredAtEveryLevel) {
    MessageBuilder b;
    b.u32(MODTRACE_ATTR_TYPE, u(RecordType::DoInitExit))
        .u64(MODTRACE_ATTR_SEQ, 7)
        .raw(MODTRACE_ATTR_PAD, ByteVector{})
        .u32(MODTRACE_ATTR_PROBE, MODTRACE_PROBE_DO_INIT_MODULE)
        .u64(MODTRACE_ATTR_TS, 5000)
        .u32(MODTRACE_ATTR_CPU, 2)
        .raw(__MODTRACE_ATTR_MAX, ByteVector{1, 2, 3}) // newer than this reader
        .u16(900, 7)                                   // far newer
        .begin(999)
        .u32(1, 1)
        .end(); // an unknown nest
    add_task(b);
    b.begin(MODTRACE_ATTR_MODULE)
        .str(MODTRACE_MODULE_ATTR_NAME, "m")
        .u64(__MODTRACE_MODULE_ATTR_MAX, 1)
        .end()
        .s64(MODTRACE_ATTR_RET, 0)
        .u64(MODTRACE_ATTR_ENTRY_SEQ, 6)
        .u64(MODTRACE_ATTR_DURATION, 1)
        .raw(0, ByteVector{9}); // UNSPEC
    auto r = decode(b);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->module->name, "m");
    EXPECT_EQ(r->ret, 0);
}

TEST(DecodeRecord, UnknownRecordFlagBitsAreKept) {
    MessageBuilder b = minimal(RecordType::InitModuleEnter);
    b.u32(MODTRACE_ATTR_RECORD_FLAGS, 0x101);
    auto r = decode(b);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->flags, 0x101U);
}

TEST(DecodeRecord, StringEndsAtTheFirstNul) {
    // A fixed-size buffer copied whole: what follows the NUL is not part of the string.
    MessageBuilder b = minimal(RecordType::DeleteModuleEnter);
    b.raw(MODTRACE_ATTR_NAME, ByteVector{'a', 'b', 0, 'x', 'y', 0});
    auto r = decode(b);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->name, "ab");
}

TEST(DecodeRecord, EmptyStringIsJustANul) {
    MessageBuilder b = minimal(RecordType::InitModuleEnter);
    b.str(MODTRACE_ATTR_PARAMS, "");
    auto r = decode(b);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->params, "");
}

// --- required attributes ------------------------------------------------------------------------

TEST(DecodeRecord, EachRequiredAttributeIsRequired) {
    for (const auto& [type, attrs] : required()) {
        for (std::uint16_t attr : attrs) {
            std::string error = error_of(minimal(type, attr));
            std::string expected = "missing attribute " + kNames.at(attr);
            EXPECT_NE(error.find(expected), std::string::npos)
                << "type " << u(type) << " without " << kNames.at(attr) << ": " << error;
        }
    }
}

TEST(DecodeRecord, MissingRequiredAttributeNamesRecordAndType) {
    EXPECT_EQ(error_of(minimal(RecordType::FinitModuleExit, MODTRACE_ATTR_RET)),
              "record seq 7: missing attribute RET (required in finit_module_exit records)");
    EXPECT_EQ(error_of(minimal(RecordType::InitModuleEnter, MODTRACE_ATTR_SEQ)),
              "record: missing attribute SEQ (required in init_module_enter records)");
    EXPECT_EQ(error_of(minimal(RecordType::Shutdown, MODTRACE_ATTR_TYPE)),
              "record: missing attribute TYPE");
}

// A delete_module entry, its head laid out as the kernel does, up to an open task nest.
MessageBuilder delete_record_with_task() {
    MessageBuilder b;
    b.u32(MODTRACE_ATTR_TYPE, u(RecordType::DeleteModuleEnter))
        .u64(MODTRACE_ATTR_SEQ, 12)
        .u32(MODTRACE_ATTR_PROBE, MODTRACE_PROBE_DELETE_MODULE)
        .u64(MODTRACE_ATTR_TS, 1)
        .u32(MODTRACE_ATTR_CPU, 0)
        .str(MODTRACE_ATTR_NAME, "dummy")
        .u32(MODTRACE_ATTR_DELETE_FLAGS, 0)
        .begin(MODTRACE_ATTR_TASK);
    return b;
}

TEST(DecodeRecord, TaskNeedsEveryFieldButAbi) {
    MessageBuilder b = delete_record_with_task();
    b.u32(MODTRACE_TASK_ATTR_TGID, 1).u32(MODTRACE_TASK_ATTR_TID, 1).end();
    EXPECT_EQ(error_of(b), "record seq 12: missing attribute TASK.PPID");
}

// The task nest as the kernel lays it out is read by offsets, anything else by a walk: every
// variant here must give the same task, and a bad value in either layout the same refusal.
TEST(DecodeRecord, TaskAsTheKernelLaysItOutAndOtherwiseDecodeAlike) {
    struct Variant {
        const char* what;
        std::string comm;
        bool abi;
        bool pad;     // a PAD before CGROUP_ID, as a kernel without efficient unaligned access puts
        bool swapped; // PPID before TID
        bool extra;   // an attribute of a type this reader does not know, at the end
    };
    const Variant variants[] = {
        {"the kernel's layout", "modprobe", true, false, false, false},
        {"without ABI", "modprobe", false, false, false, false},
        {"a comm of 15 characters", "abcdefghijklmno", true, false, false, false},
        {"an empty comm", "", true, false, false, false},
        {"a PAD", "modprobe", true, true, false, false},
        {"another order", "modprobe", true, false, true, false},
        {"an unknown attribute", "modprobe", true, false, false, true},
    };
    for (const auto& v : variants) {
        MessageBuilder b = delete_record_with_task();
        b.u32(MODTRACE_TASK_ATTR_TGID, 100);
        if (v.swapped)
            b.u32(MODTRACE_TASK_ATTR_PPID, 1).u32(MODTRACE_TASK_ATTR_TID, 101);
        else
            b.u32(MODTRACE_TASK_ATTR_TID, 101).u32(MODTRACE_TASK_ATTR_PPID, 1);
        b.u32(MODTRACE_TASK_ATTR_UID, 1000)
            .u32(MODTRACE_TASK_ATTR_EUID, 0)
            .u32(MODTRACE_TASK_ATTR_GID, 1001)
            .u32(MODTRACE_TASK_ATTR_LOGINUID, 4294967295U)
            .u32(MODTRACE_TASK_ATTR_SESSIONID, 3)
            .str(MODTRACE_TASK_ATTR_COMM, v.comm);
        if (v.pad)
            b.raw(MODTRACE_TASK_ATTR_PAD, ByteVector{});
        b.u64(MODTRACE_TASK_ATTR_CGROUP_ID, 0x1234567890ULL)
            .u32(MODTRACE_TASK_ATTR_PIDNS_INO, 4026531836U)
            .u32(MODTRACE_TASK_ATTR_MNTNS_INO, 4026531841U);
        if (v.abi)
            b.u32(MODTRACE_TASK_ATTR_ABI, MODTRACE_ABI_X32);
        if (v.extra)
            b.u32(MODTRACE_TASK_ATTR_MAX + 1, 7);
        b.end();
        auto r = decode(b);
        ASSERT_TRUE(r) << v.what << ": " << r.error().message;
        ASSERT_TRUE(r->task) << v.what;
        const auto& t = *r->task;
        EXPECT_EQ(t.tgid, 100U) << v.what;
        EXPECT_EQ(t.tid, 101U) << v.what;
        EXPECT_EQ(t.ppid, 1U) << v.what;
        EXPECT_EQ(t.uid, 1000U) << v.what;
        EXPECT_EQ(t.euid, 0U) << v.what;
        EXPECT_EQ(t.gid, 1001U) << v.what;
        EXPECT_EQ(t.loginuid, 4294967295U) << v.what;
        EXPECT_EQ(t.sessionid, 3U) << v.what;
        EXPECT_EQ(t.comm, v.comm) << v.what;
        EXPECT_EQ(t.cgroup_id, 0x1234567890ULL) << v.what;
        EXPECT_EQ(t.pidns_ino, 4026531836U) << v.what;
        EXPECT_EQ(t.mntns_ino, 4026531841U) << v.what;
        EXPECT_EQ(t.abi, v.abi ? std::optional<std::uint32_t>(MODTRACE_ABI_X32) : std::nullopt)
            << v.what;
    }
    // ABI 0 (UNSPEC) and a comm without its NUL are refused in the kernel's layout as well.
    for (const bool zero_abi : {true, false}) {
        MessageBuilder b = delete_record_with_task();
        for (std::uint16_t type = MODTRACE_TASK_ATTR_TGID; type <= MODTRACE_TASK_ATTR_SESSIONID;
             ++type)
            b.u32(type, 5);
        if (zero_abi)
            b.str(MODTRACE_TASK_ATTR_COMM, "sh");
        else
            b.raw(MODTRACE_TASK_ATTR_COMM, ByteVector{'s', 'h'});
        b.u64(MODTRACE_TASK_ATTR_CGROUP_ID, 1)
            .u32(MODTRACE_TASK_ATTR_PIDNS_INO, 2)
            .u32(MODTRACE_TASK_ATTR_MNTNS_INO, 3)
            .u32(MODTRACE_TASK_ATTR_ABI, zero_abi ? 0 : MODTRACE_ABI_X86_64)
            .end();
        EXPECT_FALSE(decode(b)) << (zero_abi ? "ABI 0" : "comm without NUL");
    }
}

// A record's start as the kernel lays it out (head, task, flags, a return's ENTRY_SEQ, RET and
// DURATION) is taken in that order and the rest walked: every variant here must give the same
// record, and a repeat of what that start took, or a bad value in it, the same refusal.
TEST(DecodeRecord, ReturnAsTheKernelLaysItOutAndOtherwiseDecodeAlike) {
    enum class Order { Kernel, RetFirst, FlagsFirst, FileFirst, TaskLast };
    enum class Flaw { None, RepeatedRet, ShortRet, RepeatedTask };
    const auto build = [](Order order, Flaw flaw) {
        MessageBuilder b;
        b.u32(MODTRACE_ATTR_TYPE, u(RecordType::FinitModuleExit))
            .u64(MODTRACE_ATTR_SEQ, 21)
            .u32(MODTRACE_ATTR_PROBE, MODTRACE_PROBE_FINIT_MODULE)
            .u64(MODTRACE_ATTR_TS, 5000)
            .u32(MODTRACE_ATTR_CPU, 1);
        const auto task = [&b] {
            b.begin(MODTRACE_ATTR_TASK);
            for (std::uint16_t type = MODTRACE_TASK_ATTR_TGID; type <= MODTRACE_TASK_ATTR_SESSIONID;
                 ++type)
                b.u32(type, 40 + type);
            b.str(MODTRACE_TASK_ATTR_COMM, "insmod")
                .u64(MODTRACE_TASK_ATTR_CGROUP_ID, 9)
                .u32(MODTRACE_TASK_ATTR_PIDNS_INO, 10)
                .u32(MODTRACE_TASK_ATTR_MNTNS_INO, 11)
                .end();
        };
        const auto flags = [&b] { b.u32(MODTRACE_ATTR_RECORD_FLAGS, 0x10); };
        const auto file = [&b] {
            b.begin(MODTRACE_ATTR_FILE)
                .str(MODTRACE_FILE_ATTR_PATH, "/m.ko")
                .u32(MODTRACE_FILE_ATTR_DEV, 0x801)
                .u64(MODTRACE_FILE_ATTR_INO, 77)
                .end();
        };
        const auto ret = [&b, flaw] {
            if (flaw == Flaw::ShortRet)
                b.s32(MODTRACE_ATTR_RET, -2);
            else
                b.s64(MODTRACE_ATTR_RET, -2);
        };
        if (order == Order::FlagsFirst)
            flags();
        if (order != Order::TaskLast)
            task();
        if (order != Order::FlagsFirst)
            flags();
        if (order == Order::FileFirst)
            file();
        if (order == Order::RetFirst)
            ret();
        b.u64(MODTRACE_ATTR_ENTRY_SEQ, 20);
        if (order != Order::RetFirst)
            ret();
        b.u64(MODTRACE_ATTR_DURATION, 300);
        if (order != Order::FileFirst)
            file();
        if (order == Order::TaskLast || flaw == Flaw::RepeatedTask)
            task();
        if (flaw == Flaw::RepeatedRet)
            b.s64(MODTRACE_ATTR_RET, -2);
        return b;
    };
    const std::pair<Order, const char*> orders[] = {
        {Order::Kernel, "the kernel's layout"},
        {Order::RetFirst, "RET before ENTRY_SEQ"},
        {Order::FlagsFirst, "RECORD_FLAGS before TASK"},
        {Order::FileFirst, "FILE before ENTRY_SEQ"},
        {Order::TaskLast, "TASK last"},
    };
    for (const auto& [order, what] : orders) {
        auto r = decode(build(order, Flaw::None));
        ASSERT_TRUE(r) << what << ": " << r.error().message;
        EXPECT_EQ(r->type, RecordType::FinitModuleExit) << what;
        EXPECT_EQ(r->seq, 21U) << what;
        EXPECT_EQ(r->probe, Probe::FinitModule) << what;
        EXPECT_EQ(r->ts_ns, 5000U) << what;
        EXPECT_EQ(r->cpu, 1U) << what;
        ASSERT_TRUE(r->task) << what;
        EXPECT_EQ(r->task->tgid, 40U + MODTRACE_TASK_ATTR_TGID) << what;
        EXPECT_EQ(r->task->sessionid, 40U + MODTRACE_TASK_ATTR_SESSIONID) << what;
        EXPECT_EQ(r->task->comm, "insmod") << what;
        EXPECT_EQ(r->task->mntns_ino, 11U) << what;
        EXPECT_EQ(r->flags, 0x10U) << what;
        EXPECT_EQ(r->entry_seq, 20U) << what;
        EXPECT_EQ(r->ret, -2) << what;
        EXPECT_EQ(r->duration_ns, 300U) << what;
        ASSERT_TRUE(r->file) << what;
        EXPECT_EQ(r->file->path, "/m.ko") << what;
        EXPECT_EQ(r->file->ino, 77U) << what;
    }
    for (const Order order : {Order::Kernel, Order::RetFirst}) {
        EXPECT_EQ(error_of(build(order, Flaw::RepeatedRet)),
                  "record: attribute RET appears more than once");
        EXPECT_EQ(error_of(build(order, Flaw::ShortRet)),
                  "record seq 21: attribute RET has 4 bytes, expected 8");
    }
    EXPECT_EQ(error_of(build(Order::Kernel, Flaw::RepeatedTask)),
              "record: attribute TASK appears more than once");
}

TEST(DecodeRecord, ModuleNeedsAName) {
    MessageBuilder b = minimal(RecordType::DoInitEnter, MODTRACE_ATTR_MODULE);
    b.begin(MODTRACE_ATTR_MODULE).str(MODTRACE_MODULE_ATTR_VERSION, "1.0").end();
    EXPECT_EQ(error_of(b), "record seq 7: missing attribute MODULE.NAME");
}

TEST(DecodeRecord, EmptyTaskNestIsMissingItsFields) {
    MessageBuilder b = minimal(RecordType::InitModuleEnter, MODTRACE_ATTR_TASK);
    b.begin(MODTRACE_ATTR_TASK).end();
    EXPECT_EQ(error_of(b), "record seq 7: missing attribute TASK.TGID");
}

// --- malformed ----------------------------------------------------------------------------------

TEST(DecodeRecord, WrongIntegerSizeNamesTheAttribute) {
    MessageBuilder b = minimal(RecordType::FinitModuleEnter, MODTRACE_ATTR_SEQ);
    b.u64(MODTRACE_ATTR_SEQ, 12).u16(MODTRACE_ATTR_FD, 3);
    EXPECT_EQ(error_of(b), "record seq 12: attribute FD has 2 bytes, expected 4");
}

TEST(DecodeRecord, WrongSizesAreErrorsForEveryWidth) {
    MessageBuilder seq32 = minimal(RecordType::InitModuleEnter, MODTRACE_ATTR_SEQ);
    seq32.u32(MODTRACE_ATTR_SEQ, 1);
    EXPECT_EQ(error_of(seq32), "record: attribute SEQ has 4 bytes, expected 8");

    MessageBuilder ret32 = minimal(RecordType::InitModuleExit, MODTRACE_ATTR_RET);
    ret32.s32(MODTRACE_ATTR_RET, -1);
    EXPECT_EQ(error_of(ret32), "record seq 7: attribute RET has 4 bytes, expected 8");

    MessageBuilder type64 = minimal(RecordType::Shutdown, MODTRACE_ATTR_TYPE);
    type64.u64(MODTRACE_ATTR_TYPE, u(RecordType::Shutdown));
    EXPECT_EQ(error_of(type64), "record: attribute TYPE has 8 bytes, expected 4");

    MessageBuilder sig = minimal(RecordType::DoInitEnter, MODTRACE_ATTR_MODULE);
    sig.begin(MODTRACE_ATTR_MODULE)
        .str(MODTRACE_MODULE_ATTR_NAME, "m")
        .u32(MODTRACE_MODULE_ATTR_SIG_OK, 1)
        .end();
    EXPECT_EQ(error_of(sig), "record seq 7: attribute MODULE.SIG_OK has 4 bytes, expected 1");
}

TEST(DecodeRecord, WrongSizeInsideANestNamesThePath) {
    MessageBuilder b = minimal(RecordType::FinitModuleEnter);
    b.begin(MODTRACE_ATTR_FILE).u64(MODTRACE_FILE_ATTR_DEV, 1).end();
    EXPECT_EQ(error_of(b), "record seq 7: attribute FILE.DEV has 8 bytes, expected 4");
}

TEST(DecodeRecord, ZeroLengthIntegerIsAnError) {
    MessageBuilder b = minimal(RecordType::InitModuleEnter, MODTRACE_ATTR_CPU);
    b.raw(MODTRACE_ATTR_CPU, ByteVector{});
    EXPECT_EQ(error_of(b), "record seq 7: attribute CPU has 0 bytes, expected 4");
}

TEST(DecodeRecord, UnterminatedStringIsAnError) {
    MessageBuilder b = minimal(RecordType::InitModuleEnter);
    b.raw(MODTRACE_ATTR_PARAMS, ByteVector{'a', 'b', 'c'});
    EXPECT_EQ(error_of(b),
              "record seq 7: attribute PARAMS (3 bytes) is not a NUL-terminated string");
}

TEST(DecodeRecord, ZeroLengthStringIsAnError) {
    MessageBuilder b = minimal(RecordType::InitModuleEnter);
    b.raw(MODTRACE_ATTR_PARAMS, ByteVector{});
    EXPECT_EQ(error_of(b),
              "record seq 7: attribute PARAMS (0 bytes) is not a NUL-terminated string");
}

// --- values of a newer module --------------------------------------------------------------------

TEST(DecodeRecord, UnknownRecordTypeIsKeptWithWhatItCarries) {
    // Type 42 from a newer module: nothing is required of it, known attributes are read.
    MessageBuilder b;
    b.u32(MODTRACE_ATTR_TYPE, 42)
        .u64(MODTRACE_ATTR_SEQ, 9)
        .u32(MODTRACE_ATTR_PROBE, 77)
        .u64(MODTRACE_ATTR_TS, 5)
        .u64(__MODTRACE_ATTR_MAX + 3, 1)
        .begin(MODTRACE_ATTR_LOSS)
        .u64(MODTRACE_LOSS_ATTR_BUFFER_FULL, 2)
        .end();
    auto r = decode(b);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(static_cast<std::uint32_t>(r->type), 42U);
    EXPECT_EQ(r->seq, 9U);
    EXPECT_EQ(static_cast<std::uint32_t>(*r->probe), 77U);
    EXPECT_EQ(r->ts_ns, 5U);
    EXPECT_FALSE(r->task);
    ASSERT_TRUE(r->loss);
    EXPECT_EQ(r->loss->buffer_full, 2U);

    // Only TYPE, which says what it is.
    MessageBuilder bare;
    bare.u32(MODTRACE_ATTR_TYPE, MODTRACE_REC_MAX + 1);
    ASSERT_TRUE(decode(bare)) << error_of(bare);
    // Its known attributes are still checked.
    MessageBuilder bad;
    bad.u32(MODTRACE_ATTR_TYPE, 42).u16(MODTRACE_ATTR_SEQ, 1);
    EXPECT_EQ(error_of(bad), "record: attribute SEQ has 2 bytes, expected 8");
}

TEST(DecodeRecord, TypeZeroIsInvalid) {
    MessageBuilder zero = minimal(RecordType::Shutdown, MODTRACE_ATTR_TYPE);
    zero.u32(MODTRACE_ATTR_TYPE, 0);
    EXPECT_EQ(error_of(zero), "record: invalid record type 0 in attribute TYPE");
}

TEST(DecodeRecord, UnknownProbeAndAbiAreKept) {
    MessageBuilder probe = minimal(RecordType::InitModuleEnter, MODTRACE_ATTR_PROBE);
    probe.u32(MODTRACE_ATTR_PROBE, MODTRACE_PROBE_MAX + 1);
    auto p = decode(probe);
    ASSERT_TRUE(p) << p.error().message;
    EXPECT_EQ(static_cast<std::uint32_t>(*p->probe), MODTRACE_PROBE_MAX + 1U);

    MessageBuilder abi = minimal(RecordType::InitModuleEnter, MODTRACE_ATTR_TASK);
    abi.begin(MODTRACE_ATTR_TASK)
        .u32(MODTRACE_TASK_ATTR_TGID, 1)
        .u32(MODTRACE_TASK_ATTR_TID, 1)
        .u32(MODTRACE_TASK_ATTR_PPID, 1)
        .u32(MODTRACE_TASK_ATTR_UID, 1)
        .u32(MODTRACE_TASK_ATTR_EUID, 1)
        .u32(MODTRACE_TASK_ATTR_GID, 1)
        .u32(MODTRACE_TASK_ATTR_LOGINUID, 1)
        .u32(MODTRACE_TASK_ATTR_SESSIONID, 1)
        .str(MODTRACE_TASK_ATTR_COMM, "x")
        .u64(MODTRACE_TASK_ATTR_CGROUP_ID, 1)
        .u32(MODTRACE_TASK_ATTR_PIDNS_INO, 1)
        .u32(MODTRACE_TASK_ATTR_MNTNS_INO, 1)
        .u32(MODTRACE_TASK_ATTR_ABI, 9)
        .end();
    auto a = decode(abi);
    ASSERT_TRUE(a) << a.error().message;
    EXPECT_EQ(a->task->abi, 9U);

    MessageBuilder zero = minimal(RecordType::InitModuleEnter, MODTRACE_ATTR_PROBE);
    zero.u32(MODTRACE_ATTR_PROBE, 0);
    EXPECT_EQ(error_of(zero), "record seq 7: invalid probe 0 in attribute PROBE");
}

TEST(DecodeRecord, SigOkIsZeroOrOne) {
    MessageBuilder b = minimal(RecordType::DoInitEnter, MODTRACE_ATTR_MODULE);
    b.begin(MODTRACE_ATTR_MODULE)
        .str(MODTRACE_MODULE_ATTR_NAME, "m")
        .u8(MODTRACE_MODULE_ATTR_SIG_OK, 2)
        .end();
    EXPECT_EQ(error_of(b), "record seq 7: attribute MODULE.SIG_OK is 2, expected 0 or 1");
}

TEST(DecodeRecord, SyscallArgumentsMayNotHaveGaps) {
    MessageBuilder b = minimal(RecordType::ObsoleteSyscall);
    b.begin(MODTRACE_ATTR_SYSCALL_ARGS)
        .u64(MODTRACE_SYSCALL_ARG_0, 1)
        .u64(MODTRACE_SYSCALL_ARG_2, 3)
        .end();
    EXPECT_EQ(error_of(b), "record seq 7: attribute SYSCALL_ARGS.ARG_2 without SYSCALL_ARGS.ARG_1");
}

TEST(DecodeRecord, RepeatedAttributeIsAnError) {
    MessageBuilder b = minimal(RecordType::InitModuleEnter);
    b.u64(MODTRACE_ATTR_IMAGE_LEN, 1);
    EXPECT_EQ(error_of(b), "record: attribute IMAGE_LEN appears more than once");
}

TEST(DecodeRecord, NestWithGarbageIsAnError) {
    MessageBuilder b = minimal(RecordType::FinitModuleEnter);
    b.begin(MODTRACE_ATTR_FILE).garbage({1, 2, 3}).end();
    auto error = error_of(b);
    EXPECT_EQ(error, "record seq 7: 3 stray bytes after the last attribute in FILE");
}

TEST(DecodeRecord, NestedAttributeLongerThanItsNestIsAnError) {
    MessageBuilder b = minimal(RecordType::FinitModuleEnter);
    b.begin(MODTRACE_ATTR_FILE).lying(MODTRACE_FILE_ATTR_DEV, 64, {0, 0, 0, 0}).end();
    EXPECT_EQ(error_of(b), "record seq 7: attribute 3 at offset 0 in FILE has length 64 but only "
                           "8 bytes remain");
}

TEST(DecodeRecord, AttributeBeyondTheMessageIsAnError) {
    MessageBuilder b;
    b.u32(MODTRACE_ATTR_TYPE, u(RecordType::Shutdown)).lying(MODTRACE_ATTR_NEXT_SEQ, 100, {0, 0});
    EXPECT_EQ(error_of(b),
              "record: attribute 5 at offset 8 has length 100 but only 6 bytes remain");
}

TEST(DecodeRecord, AttributeShorterThanItsHeaderIsAnError) {
    MessageBuilder b;
    b.u32(MODTRACE_ATTR_TYPE, u(RecordType::Shutdown))
        .lying(MODTRACE_ATTR_NEXT_SEQ, 2, {0, 0, 0, 0});
    EXPECT_EQ(error_of(b),
              "record: attribute 5 at offset 8 has length 2, shorter than its 4-byte header");
}

TEST(DecodeRecord, TruncatedHeaderIsAnError) {
    ByteVector message = minimal(RecordType::Shutdown).message(kFamily, MODTRACE_CMD_RECORD);
    message.resize(10);
    auto r = modtrace::decode_record(Bytes(message));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message,
              "record: message of 10 bytes is shorter than a netlink header (16 bytes)");
}

TEST(DecodeRecord, TruncatedMessageIsAnError) {
    ByteVector message = minimal(RecordType::Shutdown).message(kFamily, MODTRACE_CMD_RECORD);
    message.resize(message.size() - 4);
    auto r = modtrace::decode_record(Bytes(message));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, "record: nlmsg_len is 40 but only 36 bytes are there");
}

TEST(DecodeRecord, OtherCommandIsNotARecord) {
    ByteVector message = minimal(RecordType::Shutdown).message(kFamily, MODTRACE_CMD_GET_STATUS);
    auto r = modtrace::decode_record(Bytes(message));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, "record: expected a RECORD message (command 4), got command 3");
}

// --- replies ------------------------------------------------------------------------------------

MessageBuilder probe_status(std::uint32_t id, const char* symbol, std::uint32_t state) {
    MessageBuilder b;
    b.u32(MODTRACE_PROBE_ATTR_ID, id);
    if (symbol)
        b.str(MODTRACE_PROBE_ATTR_SYMBOL, symbol);
    b.u64(MODTRACE_PROBE_ATTR_HITS, id * 10).u64(MODTRACE_PROBE_ATTR_NMISSED, id);
    if (!symbol)
        b.u32(MODTRACE_PROBE_ATTR_REGISTER_ERROR, 2);
    b.u32(MODTRACE_PROBE_ATTR_STATE, state);
    return b;
}

MessageBuilder status(std::uint16_t omit_counter = 0) {
    MessageBuilder b;
    b.u32(MODTRACE_ATTR_VERSION, 1)
        .u64(MODTRACE_ATTR_INSTANCE, 0xfeedfacecafebeefULL)
        .u64(MODTRACE_ATTR_NEXT_SEQ, 43)
        .u32(MODTRACE_ATTR_PARAM_BUFFER_RECORDS, 4096)
        .u32(MODTRACE_ATTR_PARAM_RESERVED_RECORDS, 256)
        .u32(MODTRACE_ATTR_PARAM_STRING_MAX, 1024);
    for (std::uint32_t id = 1; id <= 5; ++id) {
        MessageBuilder p =
            probe_status(id, id == 5 ? nullptr : "__do_sys_x",
                         id == 5 ? MODTRACE_PROBE_STATE_MISSING : MODTRACE_PROBE_STATE_ATTACHED);
        b.raw(MODTRACE_ATTR_PROBE_STATUS, p.attributes());
    }
    b.begin(MODTRACE_ATTR_COUNTERS);
    for (std::uint16_t c = MODTRACE_COUNTER_ATTR_RECORDS; c <= MODTRACE_COUNTER_ATTR_MAX; ++c) {
        if (c != omit_counter)
            b.u64(c, 100 + c);
    }
    b.end().u32(MODTRACE_ATTR_READERS, 2);
    return b;
}

modtrace::Result<modtrace::Status> decode_status(const MessageBuilder& b,
                                                 std::uint8_t command = MODTRACE_CMD_GET_STATUS) {
    ByteVector message = b.message(kFamily, command);
    auto genl = modtrace::parse_genl_message(Bytes(message));
    if (!genl)
        return genl.error();
    return modtrace::decode_status(*genl);
}

TEST(DecodeStatus, EveryField) {
    auto s = decode_status(status());
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->version, 1U);
    EXPECT_EQ(s->instance, 0xfeedfacecafebeefULL);
    EXPECT_EQ(s->next_seq, 43U);
    EXPECT_EQ(s->params.buffer_records, 4096U);
    EXPECT_EQ(s->params.reserved_records, 256U);
    EXPECT_EQ(s->params.string_max, 1024U);
    EXPECT_EQ(s->readers, 2U);
    ASSERT_EQ(s->probes.size(), 5U);
    EXPECT_EQ(s->probes[0].probe, Probe::InitModule);
    EXPECT_EQ(s->probes[0].symbol, "__do_sys_x");
    EXPECT_EQ(s->probes[0].state, modtrace::ProbeState::Attached);
    EXPECT_EQ(s->probes[0].hits, 10U);
    EXPECT_EQ(s->probes[0].nmissed, 1U);
    EXPECT_FALSE(s->probes[0].register_error);
    EXPECT_EQ(s->probes[4].probe, Probe::NiSyscall);
    EXPECT_FALSE(s->probes[4].symbol);
    EXPECT_EQ(s->probes[4].state, modtrace::ProbeState::Missing);
    EXPECT_EQ(s->probes[4].register_error, 2U);
    EXPECT_EQ(s->counters.records, 102U);
    EXPECT_EQ(s->counters.queued, 103U);
    EXPECT_EQ(s->counters.sent, 104U);
    EXPECT_EQ(s->counters.lost_buffer_full, 105U);
    EXPECT_EQ(s->counters.lost_socket_full, 106U);
    EXPECT_EQ(s->counters.lost_nmissed, 107U);
    EXPECT_EQ(s->counters.lost_nomem, 108U);
    EXPECT_EQ(s->counters.readers_gone, 109U);
}

TEST(DecodeStatus, LockedWhenTheModuleSaysSo) {
    auto unsaid = decode_status(status());
    ASSERT_TRUE(unsaid) << unsaid.error().message;
    EXPECT_FALSE(unsaid->params.locked); // an older module
    MessageBuilder b = status();
    b.u8(MODTRACE_ATTR_PARAM_LOCKED, 1);
    auto locked = decode_status(b);
    ASSERT_TRUE(locked) << locked.error().message;
    EXPECT_EQ(locked->params.locked, true);
}

TEST(DecodeStatus, MissingCounterIsAnError) {
    auto s = decode_status(status(MODTRACE_COUNTER_ATTR_LOST_NOMEM));
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().message, "status reply: missing attribute COUNTERS.LOST_NOMEM");
}

TEST(DecodeStatus, ProbeWithUnknownStateIsKept) {
    MessageBuilder b = status();
    b.raw(MODTRACE_ATTR_PROBE_STATUS, probe_status(9, "f", 3).attributes());
    auto s = decode_status(b);
    ASSERT_TRUE(s) << s.error().message;
    ASSERT_EQ(s->probes.size(), 6U);
    EXPECT_EQ(static_cast<std::uint32_t>(s->probes[5].probe), 9U);
    EXPECT_EQ(static_cast<std::uint32_t>(s->probes[5].state), 3U);
}

TEST(DecodeStatus, OneProbeAtSeveralPoints) {
    MessageBuilder b = status();
    b.raw(MODTRACE_ATTR_PROBE_STATUS,
          probe_status(MODTRACE_PROBE_FINIT_MODULE, "__ia32_sys_finit_module",
                       MODTRACE_PROBE_STATE_ATTACHED)
              .attributes());
    auto s = decode_status(b);
    ASSERT_TRUE(s) << s.error().message;
    ASSERT_EQ(s->probes.size(), 6U);
    EXPECT_EQ(s->probes[1].probe, Probe::FinitModule);
    EXPECT_EQ(s->probes[5].probe, Probe::FinitModule);
    EXPECT_EQ(s->probes[5].symbol, "__ia32_sys_finit_module");
}

TEST(DecodeStatus, BacklogAndBusyCounterAreOptional) {
    // An older module sends neither.
    auto old = decode_status(status(MODTRACE_COUNTER_ATTR_LOST_BUSY));
    ASSERT_TRUE(old) << old.error().message;
    EXPECT_FALSE(old->counters.lost_busy);
    EXPECT_FALSE(old->backlog_bytes);
    EXPECT_FALSE(old->backlog_max_bytes);

    MessageBuilder b = status();
    b.u32(MODTRACE_ATTR_BACKLOG_BYTES, 4096).u32(MODTRACE_ATTR_BACKLOG_MAX_BYTES, 1 << 20);
    auto s = decode_status(b);
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->backlog_bytes, 4096U);
    EXPECT_EQ(s->backlog_max_bytes, 1U << 20);
    EXPECT_EQ(s->counters.lost_busy, 100U + MODTRACE_COUNTER_ATTR_LOST_BUSY);
}

TEST(DecodeStatus, OnlyProbeStatusMayRepeat) {
    MessageBuilder b = status();
    b.u32(MODTRACE_ATTR_READERS, 3);
    auto s = decode_status(b);
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().message, "status reply: attribute READERS appears more than once");
}

TEST(DecodeStatus, WrongCommandIsAnError) {
    auto s = decode_status(status(), MODTRACE_CMD_SUBSCRIBE);
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().message,
              "status reply: expected a GET_STATUS message (command 3), got command 1");
}

modtrace::Result<modtrace::Subscription> decode_subscription(const MessageBuilder& b) {
    ByteVector message = b.message(kFamily, MODTRACE_CMD_SUBSCRIBE);
    auto genl = modtrace::parse_genl_message(Bytes(message));
    if (!genl)
        return genl.error();
    return modtrace::decode_subscription(*genl);
}

TEST(DecodeSubscription, VersionInstanceNextSeq) {
    MessageBuilder b;
    b.u32(MODTRACE_ATTR_VERSION, 1)
        .raw(MODTRACE_ATTR_PAD, ByteVector{})
        .u64(MODTRACE_ATTR_INSTANCE, 77)
        .u64(MODTRACE_ATTR_NEXT_SEQ, 5);
    auto s = decode_subscription(b);
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->version, 1U);
    EXPECT_EQ(s->instance, 77U);
    EXPECT_EQ(s->next_seq, 5U);
    EXPECT_FALSE(s->history_first_seq); // an older module
}

TEST(DecodeSubscription, TheHistorysFirstSeq) {
    MessageBuilder b;
    b.u32(MODTRACE_ATTR_VERSION, 1)
        .u64(MODTRACE_ATTR_INSTANCE, 77)
        .u64(MODTRACE_ATTR_NEXT_SEQ, 1)
        .u64(MODTRACE_ATTR_HISTORY_FIRST_SEQ, 40);
    auto s = decode_subscription(b);
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->next_seq, 1U);
    EXPECT_EQ(s->history_first_seq, 40U);
}

TEST(DecodeSubscription, AnotherVersionNeedsNothingElse) {
    MessageBuilder b;
    b.u32(MODTRACE_ATTR_VERSION, 2);
    auto s = decode_subscription(b);
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->version, 2U);
}

TEST(DecodeSubscription, MissingNextSeqIsAnError) {
    MessageBuilder b;
    b.u32(MODTRACE_ATTR_VERSION, 1).u64(MODTRACE_ATTR_INSTANCE, 77);
    auto s = decode_subscription(b);
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().message, "subscribe reply: missing attribute NEXT_SEQ");
}

} // namespace

TEST(DecodeRecord, ALoadReturnSaysWhetherTheImageWasCaptured) {
    MessageBuilder b = minimal(RecordType::FinitModuleExit);
    b.begin(MODTRACE_ATTR_IMAGE)
        .u32(MODTRACE_IMAGE_ATTR_STATE, MODTRACE_IMAGE_HASHED)
        .raw(MODTRACE_IMAGE_ATTR_SHA256, ByteVector(32, 0xab))
        .u32(MODTRACE_IMAGE_ATTR_CAPTURE, MODTRACE_CAPTURE_OVER_BUDGET)
        .end();
    auto r = decode(b);
    ASSERT_TRUE(r) << r.error().message;
    ASSERT_TRUE(r->image);
    EXPECT_EQ(r->image->capture, modtrace::CaptureState::OverBudget);
    EXPECT_FALSE(r->image->capture_outcome); // the reader's, not the kernel's
}

TEST(DecodeRecord, AnOlderModuleSendsNoCaptureState) {
    MessageBuilder b = minimal(RecordType::FinitModuleExit);
    b.begin(MODTRACE_ATTR_IMAGE)
        .u32(MODTRACE_IMAGE_ATTR_STATE, MODTRACE_IMAGE_HASHED)
        .raw(MODTRACE_IMAGE_ATTR_SHA256, ByteVector(32, 0xab))
        .end();
    auto r = decode(b);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_FALSE(r->image->capture);
}

MessageBuilder chunk_record(std::uint64_t len, std::uint64_t offset, const ByteVector& data,
                            std::uint16_t omit = 0) {
    MessageBuilder b;
    b.u32(MODTRACE_ATTR_TYPE, u(RecordType::ImageChunk)).begin(MODTRACE_ATTR_IMAGE);
    if (omit != MODTRACE_IMAGE_ATTR_LEN)
        b.u64(MODTRACE_IMAGE_ATTR_LEN, len);
    if (omit != MODTRACE_IMAGE_ATTR_SHA256)
        b.raw(MODTRACE_IMAGE_ATTR_SHA256, ByteVector(32, 0x01));
    if (omit != MODTRACE_IMAGE_ATTR_OFFSET)
        b.u64(MODTRACE_IMAGE_ATTR_OFFSET, offset);
    if (omit != MODTRACE_IMAGE_ATTR_DATA)
        b.raw(MODTRACE_IMAGE_ATTR_DATA, data);
    b.end();
    return b;
}

TEST(DecodeRecord, AnImageChunkCarriesItsBytesAndNoSeq) {
    auto r = decode(chunk_record(10, 4, ByteVector{1, 2, 3, 4, 5, 6}));
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->type, RecordType::ImageChunk);
    EXPECT_FALSE(r->seq);
    EXPECT_FALSE(r->image);
    ASSERT_TRUE(r->chunk);
    std::string sha;
    for (int i = 0; i < 32; ++i)
        sha += "01";
    EXPECT_EQ(r->chunk->sha256, sha);
    EXPECT_EQ(r->chunk->len, 10U);
    EXPECT_EQ(r->chunk->offset, 4U);
    EXPECT_EQ(r->chunk->data, (ByteVector{1, 2, 3, 4, 5, 6}));
    EXPECT_TRUE(r->chunk->last());
}

TEST(DecodeRecord, AnImageChunkWithoutEachOfItsAttributesIsAnError) {
    const std::pair<std::uint16_t, std::string> cases[] = {
        {MODTRACE_IMAGE_ATTR_LEN, "missing attribute IMAGE.LEN"},
        {MODTRACE_IMAGE_ATTR_SHA256, "missing attribute IMAGE.SHA256 (required in an image chunk)"},
        {MODTRACE_IMAGE_ATTR_OFFSET, "missing attribute IMAGE.OFFSET"},
        {MODTRACE_IMAGE_ATTR_DATA, "missing attribute IMAGE.DATA (required in an image chunk)"},
    };
    for (const auto& [omit, message] : cases) {
        SCOPED_TRACE(message);
        EXPECT_NE(error_of(chunk_record(10, 0, ByteVector(10), omit)).find(message),
                  std::string::npos)
            << error_of(chunk_record(10, 0, ByteVector(10), omit));
    }
    MessageBuilder b;
    b.u32(MODTRACE_ATTR_TYPE, u(RecordType::ImageChunk));
    EXPECT_EQ(error_of(b), "record: missing attribute IMAGE (required in image_chunk records)");
}

TEST(DecodeRecord, AnImageChunkPastItsImageIsAnError) {
    for (const auto& [offset, size] : {std::pair{8U, 3U}, std::pair{11U, 0U}}) {
        SCOPED_TRACE(offset);
        EXPECT_NE(error_of(chunk_record(10, offset, ByteVector(size))).find("runs past the image"),
                  std::string::npos);
    }
}
