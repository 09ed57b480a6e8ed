// What --raw and --status print: exact JSON lines for records, the status as JSON and as text,
// and the raw loop's handling of the end of the stream.
#include "commands.hpp"
#include "decode.hpp"
#include "json_check.hpp"
#include "nl_builder.hpp"
#include "protocol_names.hpp"
#include "raw.hpp"

#include <gtest/gtest.h>
#include <random>
#include <sstream>
#include <sys/sysmacros.h>

namespace {

using modtrace::Probe;
using modtrace::Record;
using modtrace::RecordType;

modtrace::Task task() {
    modtrace::Task t;
    t.tgid = 100;
    t.tid = 101;
    t.ppid = 1;
    t.uid = 0;
    t.euid = 0;
    t.gid = 0;
    t.comm = "mtload";
    t.cgroup_id = 1;
    t.pidns_ino = 4026531836U;
    t.mntns_ino = 4026531841U;
    t.abi = MODTRACE_ABI_X86_64;
    return t;
}

Record probed(RecordType type, std::uint64_t seq, Probe probe) {
    Record r;
    r.type = type;
    r.seq = seq;
    r.probe = probe;
    r.ts_ns = 1000;
    r.cpu = 1;
    r.task = task();
    return r;
}

const std::string kTask = R"("task":{"tgid":100,"tid":101,"ppid":1,"uid":0,"euid":0,"gid":0,)"
                          R"("loginuid":4294967295,"sessionid":4294967295,"comm":"mtload",)"
                          R"("cgroup_id":1,"pidns_ino":4026531836,"mntns_ino":4026531841,)"
                          R"("abi":"x86_64"})";

TEST(RecordToJson, FinitModuleEnter) {
    Record r = probed(RecordType::FinitModuleEnter, 12, Probe::FinitModule);
    r.flags = modtrace::record_flag::path_truncated;
    r.params = "a=1";
    r.fd = 3;
    r.file = modtrace::FileInfo{"/tmp/m.ko", 0x801, 42};
    r.finit_flags = 0;
    EXPECT_EQ(modtrace::record_to_json(r),
              R"({"type":"finit_module_enter","seq":12,"probe":"finit_module","ts_ns":1000,)"
              R"("cpu":1,)" +
                  kTask +
                  R"(,"flags":["path_truncated"],"params":"a=1","fd":3,)"
                  R"("file":{"path":"/tmp/m.ko","dev":"8:1","ino":42},"finit_flags":0})");
}

TEST(RecordToJson, DoInitEnterWithModuleAndLoss) {
    Record r = probed(RecordType::DoInitEnter, 13, Probe::DoInitModule);
    r.loss = modtrace::Loss{1, 0, 2, 0, 3};
    modtrace::ModuleInfo m;
    m.name = "mt_clean";
    m.version = "1.0";
    m.srcversion = "ABC";
    m.taints = 4096;
    m.sig_ok = false;
    m.args = "x=1";
    m.text_size = 100;
    m.total_size = 200;
    r.module = m;
    EXPECT_EQ(modtrace::record_to_json(r),
              R"({"type":"do_init_enter","seq":13,"probe":"do_init_module","ts_ns":1000,)"
              R"("cpu":1,)" +
                  kTask +
                  R"(,"flags":[],"loss":{"buffer_full":1,"socket_full":0,"nmissed":2,)"
                  R"("nomem":0,"busy":3,"history":0},"module":{"name":"mt_clean","version":"1.0",)"
                  R"("srcversion":"ABC","taints":4096,"sig_ok":false,"args":"x=1",)"
                  R"("text_size":100,"total_size":200}})");
}

TEST(RecordToJson, ExitRecord) {
    Record r = probed(RecordType::DoInitExit, 14, Probe::DoInitModule);
    r.task->abi.reset();
    modtrace::ModuleInfo m;
    m.name = "mt_fail";
    r.module = m;
    r.entry_seq = 13;
    r.ret = -19;
    r.duration_ns = 5555;
    const std::string json = modtrace::record_to_json(r);
    EXPECT_NE(json.find(R"("mntns_ino":4026531841},"flags":[],"module":{"name":"mt_fail"},)"
                        R"("entry_seq":13,"ret":-19,"duration_ns":5555})"),
              std::string::npos)
        << json;
}

TEST(RecordToJson, EmptyLossIsLeftOut) {
    Record r = probed(RecordType::DeleteModuleEnter, 1, Probe::DeleteModule);
    r.loss = modtrace::Loss{};
    r.name = "mt_clean";
    r.delete_flags = 0x800;
    const std::string json = modtrace::record_to_json(r);
    EXPECT_EQ(json.find("loss"), std::string::npos) << json;
    EXPECT_NE(json.find(R"("flags":[],"name":"mt_clean","delete_flags":2048})"), std::string::npos)
        << json;
}

TEST(RecordToJson, ObsoleteSyscallArguments) {
    Record r = probed(RecordType::ObsoleteSyscall, 2, Probe::NiSyscall);
    r.syscall_nr = 174;
    r.syscall_args = {1, 2, 18446744073709551615ULL};
    const std::string json = modtrace::record_to_json(r);
    EXPECT_NE(json.find(R"("syscall_nr":174,"syscall_args":[1,2,18446744073709551615]})"),
              std::string::npos)
        << json;
}

TEST(RecordToJson, InitModuleEnter) {
    Record r = probed(RecordType::InitModuleEnter, 3, Probe::InitModule);
    r.flags = modtrace::record_flag::params_unreadable | (1U << 12);
    r.image_len = 8192;
    const std::string json = modtrace::record_to_json(r);
    EXPECT_NE(json.find(R"("flags":["params_unreadable","bit12"],"image_len":8192})"),
              std::string::npos)
        << json;
}

TEST(RecordToJson, ShutdownAndLossHaveNoTimeOrCpu) {
    Record shutdown;
    shutdown.type = RecordType::Shutdown;
    shutdown.next_seq = 43;
    EXPECT_EQ(modtrace::record_to_json(shutdown),
              R"({"type":"shutdown","flags":[],"next_seq":43})");

    Record loss;
    loss.type = RecordType::Loss;
    loss.loss = modtrace::Loss{0, 2, 0, 0, 0};
    EXPECT_EQ(modtrace::record_to_json(loss),
              R"({"type":"loss","flags":[],"loss":{"buffer_full":0,"socket_full":2,)"
              R"("nmissed":0,"nomem":0,"busy":0,"history":0}})");
}

TEST(RecordToJson, HostileStringsStayOnOneLineInTheirField) {
    Record r = probed(RecordType::DoInitEnter, 5, Probe::DoInitModule);
    r.task->comm = "a\nb";
    modtrace::ModuleInfo m;
    m.name = "evil\"}\n{\"type\":\"x";
    m.args = "\xff\xfe";
    r.module = m;
    const std::string json = modtrace::record_to_json(r);
    EXPECT_EQ(json.find('\n'), std::string::npos);
    EXPECT_NE(json.find(R"("comm":"a\nb")"), std::string::npos) << json;
    EXPECT_NE(json.find(R"("module":{"name":"evil\"}\n{\"type\":\"x","args":"\ufffd\ufffd"}})"),
              std::string::npos)
        << json;
}

TEST(RecordToJson, EveryTypeHasItsName) {
    const std::pair<RecordType, const char*> names[] = {
        {RecordType::InitModuleEnter, "init_module_enter"},
        {RecordType::InitModuleExit, "init_module_exit"},
        {RecordType::FinitModuleEnter, "finit_module_enter"},
        {RecordType::FinitModuleExit, "finit_module_exit"},
        {RecordType::DoInitEnter, "do_init_enter"},
        {RecordType::DoInitExit, "do_init_exit"},
        {RecordType::DeleteModuleEnter, "delete_module_enter"},
        {RecordType::DeleteModuleExit, "delete_module_exit"},
        {RecordType::ObsoleteSyscall, "obsolete_syscall"},
        {RecordType::Loss, "loss"},
        {RecordType::Shutdown, "shutdown"},
        {RecordType::ModuleFree, "module_free"},
    };
    for (const auto& [type, name] : names) {
        Record r;
        r.type = type;
        EXPECT_EQ(modtrace::record_to_json(r).rfind(std::string(R"({"type":")") + name + "\"", 0),
                  0U)
            << name;
    }
    EXPECT_EQ(modtrace::probe_name(Probe::InitModule), "init_module");
    EXPECT_EQ(modtrace::probe_name(Probe::FinitModule), "finit_module");
    EXPECT_EQ(modtrace::probe_name(Probe::DoInitModule), "do_init_module");
    EXPECT_EQ(modtrace::probe_name(Probe::DeleteModule), "delete_module");
    EXPECT_EQ(modtrace::probe_name(Probe::NiSyscall), "ni_syscall");
    EXPECT_EQ(modtrace::probe_name(Probe::ParseArgs), "parse_args");
    EXPECT_EQ(modtrace::probe_name(Probe::FreeModule), "free_module");
    EXPECT_EQ(modtrace::probe_name(Probe::ReadFile), "read_file");
    EXPECT_EQ(modtrace::abi_name(MODTRACE_ABI_IA32), "ia32");
    EXPECT_EQ(modtrace::abi_name(MODTRACE_ABI_X32), "x32");
}

TEST(FormatDev, DecodesNewEncodeDev) {
    EXPECT_EQ(modtrace::format_dev(0x801), "8:1");
    EXPECT_EQ(modtrace::format_dev(0), "0:0");
    // new_encode_dev(259, 0x10005): minor's low byte, major, then minor's high bits above.
    EXPECT_EQ(modtrace::format_dev(0x05U | (259U << 8) | (0x10000U << 12)), "259:65541");
    EXPECT_EQ(modtrace::format_dev(0xffffffffU), "4095:1048575");
}

TEST(FormatDev, AsUserspaceMajorAndMinorDecodeIt) {
    std::mt19937 rng(3);
    for (int i = 0; i < 10000; ++i) {
        const std::uint32_t dev = i < 32 ? (1U << i) | 1U : static_cast<std::uint32_t>(rng());
        EXPECT_EQ(modtrace::format_dev(dev),
                  std::to_string(major(dev)) + ":" + std::to_string(minor(dev)))
            << std::hex << dev;
    }
}

TEST(RecordFlagNames, AllKnownBits) {
    EXPECT_EQ(modtrace::record_flag_names(0xfff),
              (std::vector<std::string>{"params_truncated", "params_unreadable", "path_truncated",
                                        "path_unavailable", "name_truncated", "name_unreadable",
                                        "args_truncated", "version_truncated", "deferred",
                                        "args_unavailable", "file_changed", "request_unknown"}));
    EXPECT_TRUE(modtrace::record_flag_names(0).empty());
    EXPECT_EQ(modtrace::record_flag_names(1U << 12), std::vector<std::string>{"bit12"});
}

TEST(RecordToJson, ModuleFree) {
    Record r = probed(RecordType::ModuleFree, 30, Probe::FreeModule);
    modtrace::ModuleInfo m;
    m.name = "mt_clean";
    r.module = m;
    EXPECT_EQ(modtrace::record_to_json(r),
              R"({"type":"module_free","seq":30,"probe":"free_module","ts_ns":1000,"cpu":1,)" +
                  kTask + R"(,"flags":[],"module":{"name":"mt_clean"}})");
}

TEST(RecordToJson, FinitExitWithTheKernelsFile) {
    Record r = probed(RecordType::FinitModuleExit, 31, Probe::FinitModule);
    r.flags = modtrace::record_flag::file_changed;
    r.file = modtrace::FileInfo{"/lib/m.ko", 0x801, 43};
    r.entry_seq = 29;
    r.ret = 0;
    r.duration_ns = 10;
    const std::string json = modtrace::record_to_json(r);
    EXPECT_NE(json.find(R"("flags":["file_changed"],"file":{"path":"/lib/m.ko","dev":"8:1",)"
                        R"("ino":43},"entry_seq":29,"ret":0,"duration_ns":10})"),
              std::string::npos)
        << json;
}

TEST(RecordToJson, EveryTypeReadsBack) {
    for (std::uint32_t type = 1; type <= MODTRACE_REC_MAX + 2; ++type) {
        Record r = probed(static_cast<RecordType>(type), type, Probe::InitModule);
        r.loss = modtrace::Loss{1, 2, 3, 4, 5};
        r.params = "\xff\n";
        r.file = modtrace::FileInfo{"/a\"b", 1, 2};
        r.syscall_args = {1, 2};
        modtrace::ModuleInfo m;
        m.name = "m";
        r.module = m;
        r.ret = -1;
        const std::string json = modtrace::record_to_json(r);
        const modtrace::test::JsonCheck check(json);
        EXPECT_TRUE(check.ok()) << check.error() << ": " << json;
    }
}

TEST(RecordToJson, UnknownValuesAreNumbers) {
    // A newer module's record type, probe and ABI.
    Record r = probed(static_cast<RecordType>(42), 32, static_cast<Probe>(99));
    r.task->abi = 7;
    const std::string json = modtrace::record_to_json(r);
    EXPECT_EQ(json.rfind(R"({"type":42,"seq":32,"probe":99,"ts_ns":1000,"cpu":1,)", 0), 0U) << json;
    EXPECT_NE(json.find(R"("abi":7})"), std::string::npos) << json;
    // One without a seq came from no probe: no time or CPU.
    Record bare;
    bare.type = static_cast<RecordType>(43);
    EXPECT_EQ(modtrace::record_to_json(bare), R"({"type":43,"flags":[]})");
}

// --- decode and print together --------------------------------------------------------------

TEST(RecordToJson, FromTheWire) {
    using modtrace::test::MessageBuilder;
    MessageBuilder b;
    b.u32(MODTRACE_ATTR_TYPE, MODTRACE_REC_DELETE_MODULE_EXIT)
        .u64(MODTRACE_ATTR_SEQ, 21)
        .u32(MODTRACE_ATTR_PROBE, MODTRACE_PROBE_DELETE_MODULE)
        .u64(MODTRACE_ATTR_TS, 77)
        .u32(MODTRACE_ATTR_CPU, 3)
        .begin(MODTRACE_ATTR_TASK)
        .u32(MODTRACE_TASK_ATTR_TGID, 9)
        .u32(MODTRACE_TASK_ATTR_TID, 9)
        .u32(MODTRACE_TASK_ATTR_PPID, 8)
        .u32(MODTRACE_TASK_ATTR_UID, 0)
        .u32(MODTRACE_TASK_ATTR_EUID, 0)
        .u32(MODTRACE_TASK_ATTR_GID, 0)
        .u32(MODTRACE_TASK_ATTR_LOGINUID, 0)
        .u32(MODTRACE_TASK_ATTR_SESSIONID, 1)
        .str(MODTRACE_TASK_ATTR_COMM, "rmmod")
        .u64(MODTRACE_TASK_ATTR_CGROUP_ID, 2)
        .u32(MODTRACE_TASK_ATTR_PIDNS_INO, 3)
        .u32(MODTRACE_TASK_ATTR_MNTNS_INO, 4)
        .end()
        .s64(MODTRACE_ATTR_RET, -2)
        .u64(MODTRACE_ATTR_ENTRY_SEQ, 20)
        .u64(MODTRACE_ATTR_DURATION, 10);
    auto bytes = b.message(0x1c, MODTRACE_CMD_RECORD);
    auto r = modtrace::decode_record(modtrace::Bytes(bytes));
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(modtrace::record_to_json(*r),
              R"({"type":"delete_module_exit","seq":21,"probe":"delete_module","ts_ns":77,)"
              R"("cpu":3,"task":{"tgid":9,"tid":9,"ppid":8,"uid":0,"euid":0,"gid":0,)"
              R"("loginuid":0,"sessionid":1,"comm":"rmmod","cgroup_id":2,"pidns_ino":3,)"
              R"("mntns_ino":4},"flags":[],"entry_seq":20,"ret":-2,"duration_ns":10})");
}

// --- the raw loop -------------------------------------------------------------------------------

TEST(PrintRaw, PrintsEveryRecordThenEnds) {
    Record a = probed(RecordType::DeleteModuleEnter, 1, Probe::DeleteModule);
    a.delete_flags = 0;
    Record b = probed(RecordType::DeleteModuleExit, 2, Probe::DeleteModule);
    modtrace::ListSource source({a, b});
    std::ostringstream out;
    auto done = modtrace::print_raw(source, out);
    EXPECT_TRUE(done);
    EXPECT_EQ(out.str(), modtrace::record_to_json(a) + "\n" + modtrace::record_to_json(b) + "\n");
}

TEST(PrintRaw, ResumeLeavesOutWhatWasPrintedAndSavesTheCursor) {
    std::vector<Record> records;
    for (std::uint64_t seq = 1; seq <= 3; ++seq) {
        Record r = probed(RecordType::DeleteModuleExit, seq, Probe::DeleteModule);
        records.push_back(r);
    }
    modtrace::ListSource source(records);
    std::vector<modtrace::Cursor> saved;
    modtrace::ResumeConfig resume;
    resume.instance = 7;
    resume.done = 2; // a run before printed seqs 1 and 2
    resume.interval = std::chrono::milliseconds(0);
    resume.save = [&saved](const modtrace::Cursor& c) -> modtrace::Result<void> {
        saved.push_back(c);
        return {};
    };
    std::ostringstream out;
    auto done = modtrace::print_raw(source, out, &resume);
    ASSERT_TRUE(done) << done.error().message;
    EXPECT_EQ(out.str(), modtrace::record_to_json(records[2]) + "\n");
    ASSERT_FALSE(saved.empty());
    EXPECT_EQ(saved.back(), (modtrace::Cursor{7, 4, 3}));
}

TEST(PrintRaw, ShutdownIsPrintedThenReportedAsUnload) {
    Record shutdown;
    shutdown.type = RecordType::Shutdown;
    shutdown.next_seq = 3;
    Record after = probed(RecordType::DeleteModuleEnter, 3, Probe::DeleteModule);
    modtrace::ListSource source({shutdown, after});
    std::ostringstream out;
    auto done = modtrace::print_raw(source, out);
    ASSERT_FALSE(done);
    EXPECT_EQ(done.error().message, "the kernel module was unloaded");
    EXPECT_EQ(out.str(), R"({"type":"shutdown","flags":[],"next_seq":3})"
                         "\n");
}

class FailingSource final : public modtrace::RecordSource {
public:
    modtrace::Result<std::optional<Record>> next() override {
        return modtrace::Error{"receiving from the kernel: boom"};
    }
};

TEST(PrintRaw, SourceErrorsEndTheLoop) {
    FailingSource source;
    std::ostringstream out;
    auto done = modtrace::print_raw(source, out);
    ASSERT_FALSE(done);
    EXPECT_EQ(done.error().message, "receiving from the kernel: boom");
    EXPECT_EQ(out.str(), "");
}

// --- status -------------------------------------------------------------------------------------

modtrace::Status status() {
    modtrace::Status s;
    s.version = 1;
    s.instance = 0x00c0ffee12345678ULL;
    s.next_seq = 43;
    s.readers = 2;
    s.backlog_bytes = 4096;
    s.backlog_max_bytes = 1048576;
    s.params = {4096, 256, 1024, true, 2048, std::nullopt};
    s.history = {2000, 3170304, 7};
    s.probes.push_back({Probe::InitModule, "__do_sys_init_module", modtrace::ProbeState::Attached,
                        3, 0, std::nullopt});
    s.probes.push_back({Probe::NiSyscall, std::nullopt, modtrace::ProbeState::Missing, 0, 0, 2});
    s.counters = {42,           41,           40,           1,           2, 3, 4, 5, 6, 7, 8, 9, 10,
                  std::nullopt, std::nullopt, std::nullopt, std::nullopt};
    s.hidden_tracked = 11;
    return s;
}

// finit_module and ni_syscall on both ABIs' entry points (kernels without a common body).
modtrace::Status two_abis() {
    modtrace::Status s = status();
    s.probes.clear();
    s.probes.push_back({Probe::FinitModule, "__x64_sys_finit_module",
                        modtrace::ProbeState::Attached, 7, 1, std::nullopt});
    s.probes.push_back({Probe::NiSyscall, "__x64_sys_ni_syscall", modtrace::ProbeState::Attached,
                        100, 0, std::nullopt});
    s.probes.push_back({Probe::FinitModule, "__ia32_sys_finit_module",
                        modtrace::ProbeState::Attached, 2, 0, std::nullopt});
    s.probes.push_back({Probe::NiSyscall, "__ia32_sys_ni_syscall", modtrace::ProbeState::Attached,
                        5, 0, std::nullopt});
    s.probes.push_back(
        {static_cast<Probe>(99), "x", static_cast<modtrace::ProbeState>(3), 0, 0, std::nullopt});
    return s;
}

TEST(StatusToJson, OneObject) {
    EXPECT_EQ(modtrace::status_to_json(status(), 60),
              R"({"version":1,"instance":"0x00c0ffee12345678","next_seq":43,"readers":2,)"
              R"("backlog_bytes":4096,"backlog_max_bytes":1048576,)"
              R"("params":{"buffer_records":4096,"reserved_records":256,"string_max":1024,)"
              R"("locked":true,"history_records":2048,"capture_max_bytes":null},)"
              R"("capture_held_bytes":null,)"
              R"("history":{"held":2000,"bytes":3170304,"first_seq":7},)"
              R"("hidden_check":{"interval_s":60,"tracked":11},)"
              R"("probes":[{"probe":"init_module","points":[{"symbol":"__do_sys_init_module",)"
              R"("state":"attached","hits":3,"nmissed":0,"register_error":null}]},)"
              R"({"probe":"ni_syscall","points":[{"symbol":null,"state":"missing","hits":0,)"
              R"("nmissed":0,"register_error":2}]}],"counters":{"records":42,"queued":41,)"
              R"("sent":40,"lost_buffer_full":1,"lost_socket_full":2,"lost_nmissed":3,)"
              R"("lost_nomem":4,"readers_gone":5,"lost_busy":6,"image_unkept":7,)"
              R"("request_unkept":8,"hidden_checks":9,"hidden_untracked":10,)"
              R"("capture_over_budget":null,"capture_no_memory":null,"capture_lost":null,)"
              R"("captured":null}})");
}

TEST(StatusToJson, EveryPointOfAProbe) {
    const std::string json = modtrace::status_to_json(two_abis(), 60);
    EXPECT_NE(
        json.find(
            R"("probes":[{"probe":"finit_module","points":[{"symbol":"__x64_sys_finit_module",)"
            R"("state":"attached","hits":7,"nmissed":1,"register_error":null},)"
            R"({"symbol":"__ia32_sys_finit_module","state":"attached","hits":2,"nmissed":0,)"
            R"("register_error":null}]},{"probe":"ni_syscall","points":[{"symbol":)"
            R"("__x64_sys_ni_syscall","state":"attached","hits":100,"nmissed":0,)"
            R"("register_error":null},{"symbol":"__ia32_sys_ni_syscall","state":"attached",)"
            R"("hits":5,"nmissed":0,"register_error":null}]},{"probe":99,"points":[{"symbol":)"
            R"("x","state":3,"hits":0,"nmissed":0,"register_error":null}]}],)"),
        std::string::npos)
        << json;
}

TEST(StatusToJson, WhatAnOlderModuleDoesNotSendIsNull) {
    modtrace::Status s = status();
    s.backlog_bytes.reset();
    s.backlog_max_bytes.reset();
    s.counters.lost_busy.reset();
    s.counters.image_unkept.reset();
    s.counters.request_unkept.reset();
    s.counters.hidden_checks.reset();
    s.counters.hidden_untracked.reset();
    s.hidden_tracked.reset();
    const std::string json = modtrace::status_to_json(s, 60);
    EXPECT_NE(json.find(R"("backlog_bytes":null,"backlog_max_bytes":null,)"), std::string::npos)
        << json;
    EXPECT_NE(
        json.find(R"("readers_gone":5,"lost_busy":null,"image_unkept":null,)"
                  R"("request_unkept":null,"hidden_checks":null,"hidden_untracked":null,)"
                  R"("capture_over_budget":null,"capture_no_memory":null,"capture_lost":null,)"
                  R"("captured":null}})"),
        std::string::npos)
        << json;
    EXPECT_NE(json.find(R"("hidden_check":{"interval_s":60,"tracked":null})"), std::string::npos)
        << json;
}

TEST(StatusToJson, ReadsBack) {
    for (const auto& s : {status(), two_abis()}) {
        const std::string json = modtrace::status_to_json(s, 60);
        const modtrace::test::JsonCheck check(json);
        EXPECT_TRUE(check.ok()) << check.error() << ": " << json;
        EXPECT_EQ(
            check.top_keys(),
            (std::vector<std::string>{"version", "instance", "next_seq", "readers", "backlog_bytes",
                                      "backlog_max_bytes", "params", "capture_held_bytes",
                                      "history", "hidden_check", "probes", "counters"}));
    }
}

TEST(StatusToText, AlignedColumns) {
    EXPECT_EQ(modtrace::status_to_text(status(), 60),
              "modtrace kernel module\n"
              "  protocol      1\n"
              "  instance      0x00c0ffee12345678\n"
              "  next seq      43\n"
              "  readers       2\n"
              "  backlog       4096 of 1048576 bytes\n"
              "  buffer        4096 records, 256 of them kept for module loads\n"
              "  strings       up to 1024 bytes\n"
              "  locked        yes: it cannot be unloaded until reboot\n"
              "  history       2000 of 2048 records held, from seq 7, 3170304 bytes\n"
              "  hidden check  every 60 s (--hidden-check), 11 modules watched\n"
              "\n"
              "probe        state     hits  missed  symbol\n"
              "init_module  attached     3       0  __do_sys_init_module\n"
              "ni_syscall   missing      0       0  -                     error 2 (No such file "
              "or directory)\n"
              "\n"
              "counters\n"
              "  records              42\n"
              "  queued               41\n"
              "  sent                 40\n"
              "  lost_buffer_full      1\n"
              "  lost_socket_full      2\n"
              "  lost_nmissed          3\n"
              "  lost_nomem            4\n"
              "  readers_gone          5\n"
              "  lost_busy             6\n"
              "  image_unkept          7\n"
              "  request_unkept        8\n"
              "  hidden_checks         9\n"
              "  hidden_untracked     10\n"
              "  capture_over_budget   -\n"
              "  capture_no_memory     -\n"
              "  capture_lost          -\n"
              "  captured              -\n");
}

TEST(StatusToText, EveryPointOfAProbe) {
    const std::string text = modtrace::status_to_text(two_abis(), 60);
    EXPECT_NE(text.find("probe         state     hits  missed  symbol\n"
                        "finit_module  attached     7       1  __x64_sys_finit_module\n"
                        "finit_module  attached     2       0  __ia32_sys_finit_module\n"
                        "ni_syscall    attached   100       0  __x64_sys_ni_syscall\n"
                        "ni_syscall    attached     5       0  __ia32_sys_ni_syscall\n"
                        "99            3            0       0  x\n"),
              std::string::npos)
        << text;
}

TEST(StatusToText, WhatAnOlderModuleDoesNotSendIsADash) {
    modtrace::Status s = status();
    s.backlog_bytes.reset();
    s.backlog_max_bytes.reset();
    s.counters.lost_busy.reset();
    s.counters.image_unkept.reset();
    const std::string text = modtrace::status_to_text(s, 60);
    EXPECT_NE(text.find("  backlog       -\n"), std::string::npos) << text;
    EXPECT_NE(text.find("  lost_busy             -\n"), std::string::npos) << text;
}

TEST(StatusToText, HiddenCheckOff) {
    const std::string text = modtrace::status_to_text(status(), 0);
    EXPECT_NE(text.find("  hidden check  off (--hidden-check), 11 modules watched\n"),
              std::string::npos)
        << text;
}

TEST(StatusToText, SymbolsCannotBreakLines) {
    modtrace::Status s = status();
    s.probes[0].symbol = "evil\nline";
    const std::string text = modtrace::status_to_text(s, 60);
    EXPECT_NE(text.find("evil\\x0aline"), std::string::npos) << text;
}

} // namespace
