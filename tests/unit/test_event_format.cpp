// Event formatting: JSON and text lines, exact, with hostile strings; time and durations; the
// loss and summary lines.
#include "event_format.hpp"
#include "json.hpp"
#include "json_check.hpp"
#include "modtrace.h"

#include <cstdlib>
#include <ctime>
#include <gtest/gtest.h>
#include <string>

namespace {

using namespace modtrace;

// The kernel timestamp 1 s after boot is 2026-11-23T10:11:12.123456789Z.
constexpr std::int64_t wall = 1795428672123456789;
const TimeBase time_base{wall - 1000000000};

class EventFormat : public ::testing::Test {
protected:
    void SetUp() override {
        // The text line shows local time; make local UTC.
        const char* tz = std::getenv("TZ");
        saved_tz_ = tz ? std::optional<std::string>(tz) : std::nullopt;
        setenv("TZ", "UTC", 1);
        tzset();
    }
    void TearDown() override {
        if (saved_tz_)
            setenv("TZ", saved_tz_->c_str(), 1);
        else
            unsetenv("TZ");
        tzset();
    }

private:
    std::optional<std::string> saved_tz_;
};

Task task(std::uint32_t pid, std::string comm) {
    Task t;
    t.tgid = pid;
    t.tid = pid;
    t.ppid = 1;
    t.gid = 5;
    t.loginuid = 1000;
    t.sessionid = 3;
    t.comm = std::move(comm);
    t.cgroup_id = 77;
    t.pidns_ino = 4026531836U;
    t.mntns_ino = 4026531841U;
    t.abi = MODTRACE_ABI_X86_64;
    return t;
}

Event loaded_finit() {
    Event e;
    e.seq = 42;
    e.time_ns = 1000000000;
    e.kind = EventKind::FinitModule;
    e.task = task(1234, "insmod");
    e.task->tid = 1235;
    e.args.fd = 3;
    e.args.path = "/lib/modules/mt_clean.ko";
    e.args.dev = 0x801;
    e.args.ino = 42;
    e.args.params = "count=3";
    e.args.flags = 2;
    EventModule m;
    m.name = "mt_clean";
    m.version = "1.0";
    m.srcversion = "ABC";
    m.taints = 4096;
    m.sig_ok = false;
    m.params = "count=3";
    m.text_size = 8192;
    m.total_size = 16384;
    m.init_ret = 0;
    e.module = m;
    e.image = ImageInfo{ImageState::Hashed, 16384,        std::string(64, 'a'), "mt_clean",
                        std::nullopt,       std::nullopt, std::nullopt};
    e.hidden_from = 0;
    e.ret = 0;
    e.outcome = Outcome::Loaded;
    e.duration_ns = 2500000;
    e.init_duration_ns = 1000000;
    return e;
}

// What a hidden-module check found: mthide_later, loaded 0.5 s after boot by insmod[1234].
Event hidden_later() {
    Event e;
    e.seq = 9;
    e.time_ns = 1000000000;
    e.kind = EventKind::HiddenModule;
    e.task = task(1234, "insmod");
    e.task->abi.reset();
    e.module = EventModule{};
    e.module->name = "mthide_later";
    e.hidden_from = MODTRACE_HIDDEN_F_MODULE_LIST;
    e.loaded_ns = 500000000;
    e.outcome = Outcome::Hidden;
    e.records = 1;
    return e;
}

// A delete_module whose name and comm try to end the line and start a forged record.
Event hostile_delete() {
    Event e;
    e.seq = 7;
    e.time_ns = 1000000000;
    e.kind = EventKind::DeleteModule;
    e.task = task(77, "a b\x1b[2J");
    e.task->uid = 1000;
    e.task->loginuid = 0xffffffffU;
    e.task->sessionid = 0xffffffffU;
    e.args.name = "evil\"}\n{\"x";
    e.args.flags = 04001;
    e.ret = -16;
    e.outcome = Outcome::UnloadFailed;
    e.duration_ns = 1500;
    return e;
}

// An init_module whose params carry invalid UTF-8 and a terminal title sequence, whose module
// name has a newline, whose return was lost and whose params changed under the kernel.
Event hostile_init() {
    Event e;
    e.seq = 9;
    e.time_ns = 1000000000;
    e.kind = EventKind::InitModule;
    e.task = task(5, "mtload");
    e.args.len = 4096;
    e.args.params = "x=\xff\x1b]0;pwn\x07";
    EventModule m;
    m.name = "mt\n";
    m.params = "y";
    m.init_ret = -19;
    e.module = m;
    e.outcome = Outcome::InitFailed;
    e.init_duration_ns = 500;
    e.complete = false;
    e.incomplete_reason = IncompleteReason::MissingReturn;
    e.params_mismatch = true;
    return e;
}

TEST(Time, Rfc3339) {
    EXPECT_EQ(format_rfc3339(0), "1970-01-01T00:00:00.000000000Z");
    EXPECT_EQ(format_rfc3339(wall), "2026-11-23T10:11:12.123456789Z");
    EXPECT_EQ(format_rfc3339(-1), "1969-12-31T23:59:59.999999999Z");
    EXPECT_EQ(format_rfc3339(1709251199999999999), "2024-02-29T23:59:59.999999999Z");
    EXPECT_EQ(format_rfc3339(1709251200000000000), "2024-03-01T00:00:00.000000000Z");
    EXPECT_EQ(format_rfc3339(INT64_MAX), "2262-04-11T23:47:16.854775807Z");
    EXPECT_EQ(format_rfc3339(INT64_MIN), "1677-09-21T00:12:43.145224192Z");
}

TEST(Time, MonotonicToRealtime) {
    EXPECT_EQ(TimeBase{100}.realtime_ns(5), 105);
    EXPECT_EQ(TimeBase{-100}.realtime_ns(5), -95);
    // Now, through both clocks: within a second of the wall clock.
    const TimeBase now = TimeBase::from_clocks();
    timespec mono{};
    timespec real{};
    clock_gettime(CLOCK_MONOTONIC, &mono);
    clock_gettime(CLOCK_REALTIME, &real);
    const std::int64_t expect = real.tv_sec * 1000000000LL + real.tv_nsec;
    const std::int64_t got =
        now.realtime_ns(static_cast<std::uint64_t>(mono.tv_sec) * 1000000000ULL + mono.tv_nsec);
    EXPECT_LT(std::llabs(got - expect), 1000000000LL);
}

TEST(Time, Durations) {
    EXPECT_EQ(format_duration(0), "0ns");
    EXPECT_EQ(format_duration(999), "999ns");
    EXPECT_EQ(format_duration(1000), "1.0us");
    EXPECT_EQ(format_duration(12345), "12.3us");
    EXPECT_EQ(format_duration(999999), "999.9us");
    EXPECT_EQ(format_duration(2500000), "2.500ms");
    EXPECT_EQ(format_duration(999999999), "999.999ms");
    EXPECT_EQ(format_duration(1234567890), "1.234s");
    EXPECT_EQ(format_duration(3600000000000), "3600.000s");
}

const std::string kIds = R"("ppid":1,"uid":0,"euid":0,"gid":5,"loginuid":1000,"sessionid":3,)";
const std::string kNs =
    R"("cgroup_id":77,"pidns_ino":4026531836,"mntns_ino":4026531841,"abi":"x86_64",)"
    R"("request":null,)";

TEST_F(EventFormat, JsonOfALoad) {
    EXPECT_EQ(
        event_to_json(loaded_finit(), time_base),
        R"({"seq":42,"time":"2026-11-23T10:11:12.123456789Z","event":"finit_module","pid":1234,)"
        R"("tid":1235,)" +
            kIds + R"("comm":"insmod",)" + kNs +
            R"("args":{"fd":3,"path":"/lib/modules/mt_clean.ko","dev":"8:1","ino":42,)"
            R"("caller_dev":null,"caller_ino":null,"params":"count=3","flags":["ignore_vermagic"],)"
            R"("flags_raw":2},"module":{"name":"mt_clean","sha256":")" +
            std::string(64, 'a') +
            R"(","captured":null,"hidden":false,"hidden_from":[],"version":"1.0","srcversion":"ABC",)"
            R"("taints":4096,"signed":false,"params":"count=3","text_size":8192,)"
            R"("total_size":16384,"init_ret":0},"image":{"state":"hashed","sha256":")" +
            std::string(64, 'a') +
            R"(","bytes":16384,"name":"mt_clean","capture":"not_asked"},"ret":0,"errno":null,"outcome":"loaded",)"
            R"("request_result":null,)"
            R"("duration_ns":2500000,"init_duration_ns":1000000,"complete":true,)"
            R"("incomplete_reason":null,"params_mismatch":false,"name_mismatch":false,)"
            R"("file_changed":false,"truncated":[]})");
}

// A finit_module of a bad fd, the most common event under a flood: the members it shares with
// most events (no file, no flags, complete, nothing mismatched) are written as runs.
TEST_F(EventFormat, JsonOfAFailingFinit) {
    Event e;
    e.seq = 8;
    e.time_ns = 1000000000;
    e.kind = EventKind::FinitModule;
    e.task = task(300, "mtload");
    e.args.fd = 999;
    e.args.params = "";
    e.args.flags = 0;
    e.ret = -9;
    e.outcome = Outcome::Rejected;
    e.duration_ns = 4000;
    EXPECT_EQ(
        event_to_json(e, time_base),
        R"({"seq":8,"time":"2026-11-23T10:11:12.123456789Z","event":"finit_module","pid":300,)"
        R"("tid":300,)" +
            kIds + R"("comm":"mtload",)" + kNs +
            R"("args":{"fd":999,"path":null,"dev":null,"ino":null,"caller_dev":null,)"
            R"("caller_ino":null,"params":"","flags":[],"flags_raw":0},"module":null,"image":null,)"
            R"("ret":-9,"errno":"EBADF","outcome":"rejected","request_result":null,)"
            R"("duration_ns":4000,"init_duration_ns":null,"complete":true,)"
            R"("incomplete_reason":null,"params_mismatch":false,"name_mismatch":false,)"
            R"("file_changed":false,"truncated":[]})");
    // Each run's members one by one where one of them differs.
    e.args.caller_ino = 5;
    e.args.flags = std::nullopt;
    e.image = ImageInfo{};
    e.file_changed = true;
    const std::string json = event_to_json(e, time_base);
    for (const char* part :
         {R"("path":null,"dev":null,"ino":null,"caller_dev":null,"caller_ino":5,)",
          R"("flags":null,"flags_raw":null},"module":null,"image":{)",
          R"("params_mismatch":false,"name_mismatch":false,"file_changed":true,"truncated":[]})"})
        EXPECT_NE(json.find(part), std::string::npos) << part << " in " << json;
    const modtrace::test::JsonCheck check(json);
    EXPECT_TRUE(check.ok()) << check.error() << ": " << json;
    EXPECT_EQ(check.top_keys(), test::kEventKeys) << json;
}

TEST_F(EventFormat, JsonOfAFileThatChanged) {
    Event e = loaded_finit();
    e.args.caller_dev = 0x10305;
    e.args.caller_ino = 9;
    e.file_changed = true;
    const std::string json = event_to_json(e, time_base);
    EXPECT_NE(json.find(R"("dev":"8:1","ino":42,"caller_dev":"259:5","caller_ino":9,)"),
              std::string::npos)
        << json;
    EXPECT_NE(json.find(R"("name_mismatch":false,"file_changed":true,"truncated":[]})"),
              std::string::npos)
        << json;
}

TEST_F(EventFormat, JsonOfAnUnloadWithTheKernelsName) {
    Event e = hostile_delete();
    e.args.name = "mt-clean";
    EventModule m;
    m.name = "mt_clean";
    e.module = m;
    e.name_mismatch = true;
    const std::string json = event_to_json(e, time_base);
    EXPECT_NE(
        json.find(
            R"("module":{"name":"mt_clean","sha256":null,"captured":null,"hidden":null,"hidden_from":null,)"
            R"("version":null,"srcversion":null,)"
            R"("taints":null,"signed":null,"params":null,"text_size":null,)"
            R"("total_size":null,"init_ret":null},"image":null,)"),
        std::string::npos)
        << json;
    EXPECT_NE(json.find(R"("params_mismatch":false,"name_mismatch":true,"file_changed":false,)"),
              std::string::npos)
        << json;
}

TEST_F(EventFormat, JsonOfTheCallersAbi) {
    for (const auto& [abi, text] : {std::pair<std::optional<std::uint32_t>, std::string>{
                                        MODTRACE_ABI_IA32, R"("abi":"ia32",)"},
                                    {MODTRACE_ABI_X32, R"("abi":"x32",)"},
                                    {std::nullopt, R"("abi":null,)"},
                                    {9, R"("abi":9,)"}}) {
        Event e = loaded_finit();
        e.task->abi = abi;
        const std::string json = event_to_json(e, time_base);
        EXPECT_NE(json.find(R"("mntns_ino":4026531841,)" + text + R"("request":)"),
                  std::string::npos)
            << json;
    }
}

TEST_F(EventFormat, JsonOfHostileStrings) {
    EXPECT_EQ(
        event_to_json(hostile_delete(), time_base),
        R"({"seq":7,"time":"2026-11-23T10:11:12.123456789Z","event":"delete_module","pid":77,)"
        R"("tid":77,"ppid":1,"uid":1000,"euid":0,"gid":5,"loginuid":null,"sessionid":null,)"
        R"("comm":"a b\u001b[2J",)" +
            kNs +
            R"("args":{"name":"evil\"}\n{\"x","flags":["nonblock","0x1"],"flags_raw":2049},)"
            R"("module":null,"image":null,"ret":-16,"errno":"EBUSY","outcome":"unload_failed",)"
            R"("request_result":null,)"
            R"("duration_ns":1500,"init_duration_ns":null,"complete":true,)"
            R"("incomplete_reason":null,"params_mismatch":false,"name_mismatch":false,)"
            R"("file_changed":false,"truncated":[]})");
    EXPECT_EQ(
        event_to_json(hostile_init(), time_base),
        R"({"seq":9,"time":"2026-11-23T10:11:12.123456789Z","event":"init_module","pid":5,)"
        R"("tid":5,)" +
            kIds + R"("comm":"mtload",)" + kNs +
            R"("args":{"len":4096,"params":"x=\ufffd\u001b]0;pwn\u0007"},"module":{"name":"mt\n",)"
            R"("sha256":null,"captured":null,"hidden":null,"hidden_from":null,)"
            R"("version":null,"srcversion":null,"taints":null,"signed":null,"params":"y",)"
            R"("text_size":null,"total_size":null,"init_ret":-19},"image":null,"ret":null,"errno":null,)"
            R"("outcome":"init_failed","request_result":null,"duration_ns":null,"init_duration_ns":500,)"
            R"("complete":false,"incomplete_reason":"missing_return","params_mismatch":true,)"
            R"("name_mismatch":false,"file_changed":false,"truncated":[]})");
}

TEST_F(EventFormat, AModuleThatHidItself) {
    Event e = loaded_finit();
    e.hidden_from = MODTRACE_HIDDEN_F_MODULE_LIST | MODTRACE_HIDDEN_F_SYSFS;
    const std::string json = event_to_json(e, time_base);
    EXPECT_NE(json.find(R"("hidden":true,"hidden_from":["module_list","sysfs"],)"),
              std::string::npos)
        << json;
    const std::string text = event_to_text(e, false, time_base);
    EXPECT_NE(text.find("loaded 2.500ms sha256=aaaaaaaaaaaaaaaa [hidden from module_list,sysfs]"),
              std::string::npos)
        << text;
}

TEST_F(EventFormat, EveryJsonLineReadsBackWithEveryKeyInOrder) {
    const std::vector<std::string>& keys = test::kEventKeys;
    std::vector<Event> events = {loaded_finit(), hostile_delete(), hostile_init()};
    for (const EventKind kind :
         {EventKind::InitModule, EventKind::FinitModule, EventKind::DeleteModule,
          EventKind::CreateModule, EventKind::QueryModule, EventKind::GetKernelSyms,
          EventKind::UnknownLoad, EventKind::ObsoleteSyscall, EventKind::RequestModule}) {
        Event e;
        e.kind = kind;
        events.push_back(e);
    }
    for (const Event& e : events) {
        const std::string json = event_to_json(e, time_base);
        const modtrace::test::JsonCheck check(json);
        EXPECT_TRUE(check.ok()) << check.error() << ": " << json;
        EXPECT_EQ(check.top_keys(), keys) << json;
    }
}

TEST_F(EventFormat, AReusedWriterMakesTheSameLines) {
    // The event loop keeps one writer for every line: what one event left in it must not show
    // in the next.
    std::vector<Event> events = {loaded_finit(), hostile_delete(), hostile_init(), Event{}};
    JsonWriter w(16);
    for (int round = 0; round < 2; ++round) {
        for (const Event& e : events) {
            w.clear();
            write_event_json(w, e, time_base);
            EXPECT_EQ(w.str(), event_to_json(e, time_base)) << "round " << round;
        }
    }
}

TEST_F(EventFormat, JsonNamesTruncatedStrings) {
    Event e = loaded_finit();
    e.args.params_partial = true;
    e.args.path_partial = true;
    e.module->params_truncated = true;
    const std::string json = event_to_json(e, time_base);
    EXPECT_NE(json.find(R"("truncated":["args.params","args.path","module.params"]})"),
              std::string::npos)
        << json;
}

TEST_F(EventFormat, JsonArgsPerSyscall) {
    // A finit_module known from its return only: its keys, all null.
    Event e;
    e.seq = 3;
    e.kind = EventKind::FinitModule;
    e.ret = 0;
    e.outcome = Outcome::Waited;
    e.complete = false;
    e.incomplete_reason = IncompleteReason::MissingEntry;
    EXPECT_EQ(
        event_to_json(e, TimeBase{}),
        R"({"seq":3,"time":"1970-01-01T00:00:00.000000000Z","event":"finit_module",)"
        R"("pid":null,"tid":null,"ppid":null,"uid":null,"euid":null,"gid":null,)"
        R"("loginuid":null,"sessionid":null,"comm":null,"cgroup_id":null,)"
        R"("pidns_ino":null,"mntns_ino":null,"abi":null,"request":null,"args":{"fd":null,)"
        R"("path":null,)"
        R"("dev":null,"ino":null,"caller_dev":null,"caller_ino":null,"params":null,)"
        R"("flags":null,"flags_raw":null},"module":null,"image":null,"ret":0,"errno":null,)"
        R"("outcome":"waited","request_result":null,"duration_ns":null,"init_duration_ns":null,)"
        R"("complete":false,"incomplete_reason":"missing_entry","params_mismatch":false,)"
        R"("name_mismatch":false,"file_changed":false,"truncated":[]})");

    Event o;
    o.kind = EventKind::QueryModule;
    o.args.syscall_nr = 178;
    o.args.syscall_args = {1, 2, 3, 0, 0, 18446744073709551615ULL};
    o.ret = -38;
    o.outcome = Outcome::Enosys;
    const std::string j = event_to_json(o, TimeBase{});
    EXPECT_NE(j.find(R"("event":"query_module")"), std::string::npos) << j;
    EXPECT_NE(j.find(R"("args":{"nr":178,"raw":[1,2,3,0,0,18446744073709551615]},)"
                     R"("module":null,"image":null,"ret":-38,"errno":"ENOSYS","outcome":"enosys")"),
              std::string::npos)
        << j;

    Event x;
    x.kind = EventKind::ObsoleteSyscall;
    x.args.syscall_nr = 175;
    x.ret = -38;
    x.outcome = Outcome::Enosys;
    const std::string k = event_to_json(x, TimeBase{});
    EXPECT_NE(k.find(R"("event":"obsolete_syscall")"), std::string::npos) << k;
    EXPECT_NE(k.find(R"("args":{"nr":175,"raw":[]},)"), std::string::npos) << k;

    Event u;
    u.kind = EventKind::UnknownLoad;
    EXPECT_NE(event_to_json(u, TimeBase{}).find(R"("event":"unknown_load","pid":null)"),
              std::string::npos);
}

TEST_F(EventFormat, TextOfALoad) {
    EXPECT_EQ(
        event_to_text(loaded_finit(), false, time_base),
        R"(10:11:12.123 finit_module    insmod[1234]           uid=0     )"
        R"(/lib/modules/mt_clean.ko     "count=3"            ignore_vermagic mt_clean         )"
        R"(loaded 2.500ms sha256=aaaaaaaaaaaaaaaa)");
}

TEST_F(EventFormat, TextInColour) {
    EXPECT_EQ(
        event_to_text(loaded_finit(), true, time_base),
        "\x1b[2m10:11:12.123\x1b[0m finit_module    insmod[1234]           uid=0     "
        "/lib/modules/mt_clean.ko     \"count=3\"            ignore_vermagic mt_clean         "
        "\x1b[32mloaded\x1b[0m 2.500ms sha256=aaaaaaaaaaaaaaaa");
    const std::string failed = event_to_text(hostile_init(), true, time_base);
    EXPECT_NE(failed.find("\x1b[31minit failed (ENODEV)\x1b[0m"), std::string::npos) << failed;
    EXPECT_NE(failed.find("\x1b[33m[incomplete: missing_return]\x1b[0m"), std::string::npos);
    EXPECT_NE(failed.find("\x1b[1;31m[params changed: kernel got \"y\"]\x1b[0m"),
              std::string::npos);
}

TEST_F(EventFormat, TextHeaderNamesTheColumnsAboveThem) {
    Event e = loaded_finit();
    e.args.flags = 0;
    const std::string line = event_to_text(e, false, time_base);
    const std::string header = text_header(false);
    EXPECT_EQ(header.find('\n'), std::string::npos);
    EXPECT_EQ(header.find("TIME"), 0U);
    const std::pair<const char*, const char*> columns[] = {
        {"SYSCALL", "finit_module"}, {"PROCESS", "insmod[1234]"},
        {"USER", "uid=0"},           {"TARGET", "/lib/modules/mt_clean.ko"},
        {"PARAMS", "\"count=3\""},   {"FLAGS", "- "},
        {"MODULE", "mt_clean "},     {"OUTCOME", "loaded"},
    };
    for (const auto& [title, value] : columns)
        EXPECT_EQ(header.find(title), line.find(value)) << title << "\n" << header << "\n" << line;
    EXPECT_EQ(text_header(true), "\x1b[2m" + header + "\x1b[0m");
}

TEST_F(EventFormat, TextOfHostileStrings) {
    // Quoted and escaped: one line, and a space or quote in a value never starts a column.
    EXPECT_EQ(event_to_text(hostile_delete(), false, time_base),
              R"(10:11:12.123 delete_module   "a b\x1b[2J"[77]       uid=1000(euid=0) )"
              R"("evil\"}\x0a{\"x"            -                    nonblock,0x1 -                )"
              R"(unload failed (EBUSY) 1.5us)");
    EXPECT_EQ(event_to_text(hostile_init(), false, time_base),
              R"(10:11:12.123 init_module     mtload[5]              uid=0     image=4096      )"
              R"(             "x=\xff\x1b]0;pwn\x07" -        "mt\x0a"         init failed )"
              R"((ENODEV) - [incomplete: missing_return] [params changed: kernel got "y"])");
    for (const Event& e : {hostile_delete(), hostile_init()}) {
        for (bool colour : {false, true}) {
            const std::string line = event_to_text(e, colour, time_base);
            EXPECT_EQ(line.find('\n'), std::string::npos);
            EXPECT_EQ(line.find('\r'), std::string::npos);
            if (!colour) {
                EXPECT_EQ(line.find('\x1b'), std::string::npos) << line;
            }
        }
    }
}

TEST_F(EventFormat, TextOfOtherKinds) {
    Event o;
    o.time_ns = 1000000000;
    o.kind = EventKind::CreateModule;
    o.task = task(5, "mtload");
    o.ret = -38;
    o.outcome = Outcome::Enosys;
    EXPECT_EQ(
        event_to_text(o, false, time_base),
        R"(10:11:12.123 create_module   mtload[5]              uid=0     -              )"
        R"(              -                    -        -                obsolete (ENOSYS) -)");

    // A de-duplicated finit with unknown task, an fd but no path, and empty partial params.
    Event w;
    w.time_ns = 1000000000;
    w.kind = EventKind::FinitModule;
    w.args.fd = 4;
    w.args.params = "";
    w.args.params_partial = true;
    w.ret = 0;
    w.outcome = Outcome::Waited;
    w.waited_on = WaitedOn{1, 11, "mt_clean"};
    w.duration_ns = 10000;
    EXPECT_EQ(event_to_text(w, false, time_base),
              R"(10:11:12.123 finit_module    ?                      uid=?     fd=4           )"
              R"(              ""...                -        -                waited for tid 11: )"
              R"(loaded 10.0us)");
    w.waited_on.reset();
    w.ret = -19;
    const std::string line = event_to_text(w, false, time_base);
    EXPECT_NE(line.find(" waited for another load: failed (ENODEV) "), std::string::npos) << line;
}

TEST_F(EventFormat, TextMarksACallerOfAnotherAbi) {
    Event e = loaded_finit();
    e.task->abi = MODTRACE_ABI_IA32;
    EXPECT_EQ(
        event_to_text(e, false, time_base).rfind("10:11:12.123 finit_module/ia32 insmod[1234]", 0),
        0U)
        << event_to_text(e, false, time_base);
    e.task->abi = MODTRACE_ABI_X32;
    EXPECT_NE(event_to_text(e, false, time_base).find(" finit_module/x32 "), std::string::npos);
    e.task->abi = 9;
    EXPECT_NE(event_to_text(e, false, time_base).find(" finit_module/abi9 "), std::string::npos);
    // The native ABI, and none known, are not marked.
    for (const std::optional<std::uint32_t> abi :
         {std::optional<std::uint32_t>(MODTRACE_ABI_X86_64), std::optional<std::uint32_t>()}) {
        e.task->abi = abi;
        EXPECT_NE(event_to_text(e, false, time_base).find(" finit_module    insmod"),
                  std::string::npos);
    }
}

TEST_F(EventFormat, TextOfAnObsoleteSyscallWithoutAName) {
    Event o;
    o.time_ns = 1000000000;
    o.kind = EventKind::ObsoleteSyscall;
    o.task = task(5, "mtload");
    o.task->abi = MODTRACE_ABI_IA32;
    o.args.syscall_nr = 175;
    o.ret = -38;
    o.outcome = Outcome::Enosys;
    const std::string line = event_to_text(o, false, time_base);
    EXPECT_NE(line.find(" obsolete_syscall/ia32 mtload[5] "), std::string::npos) << line;
    EXPECT_NE(line.find(" nr=175 "), std::string::npos) << line;
    EXPECT_NE(line.find(" obsolete (ENOSYS) -"), std::string::npos) << line;
}

TEST_F(EventFormat, TextOutcomeWords) {
    Event e = loaded_finit();
    e.module.reset();
    e.ret = -17;
    e.outcome = Outcome::Rejected;
    EXPECT_NE(event_to_text(e, false, time_base).find(" rejected (EEXIST) "), std::string::npos);
    e.outcome = Outcome::Failed;
    EXPECT_NE(event_to_text(e, false, time_base).find(" failed (EEXIST) "), std::string::npos);
    e.ret.reset();
    e.outcome = Outcome::Unknown;
    e.complete = false;
    e.incomplete_reason = IncompleteReason::Shutdown;
    EXPECT_NE(event_to_text(e, false, time_base).find(" unknown 2.500ms [incomplete: shutdown]"),
              std::string::npos);
    Event d = hostile_delete();
    d.ret = 0;
    d.outcome = Outcome::Unloaded;
    EXPECT_NE(event_to_text(d, false, time_base).find(" unloaded 1.5us"), std::string::npos);
}

TEST(SummaryLines, Loss) {
    EXPECT_EQ(loss_line(Loss{}), "");
    Loss l;
    l.buffer_full = 1;
    EXPECT_EQ(loss_line(l), "modtrace: 1 record lost (buffer_full 1)");
    l.buffer_full = 3;
    l.socket_full = 2;
    l.nmissed = 1;
    l.nomem = 4;
    l.busy = 5;
    EXPECT_EQ(loss_line(l), "modtrace: 15 records lost (buffer_full 3, socket_full 2, nomem 4, "
                            "nmissed 1, busy 5)");
}

TEST(SummaryLines, Summary) {
    CorrelatorSummary s;
    EXPECT_EQ(summary_line(s, Loss{}), "modtrace: 0 events (0 incomplete), no records lost");
    s.events = 12;
    s.incomplete = 3;
    s.seqs_missing = 5;
    Loss l;
    l.buffer_full = 5;
    EXPECT_EQ(summary_line(s, l),
              "modtrace: 12 events (3 incomplete), 5 records lost (buffer_full 5)");
    // Gaps beyond what the kernel reported, and probe hits that never got a seq.
    s.seqs_missing = 7;
    l.nmissed = 2;
    EXPECT_EQ(summary_line(s, l), "modtrace: 12 events (3 incomplete), 9 records lost "
                                  "(buffer_full 5, nmissed 2, unreported 2)");
    // busy probe hits took no seq either.
    l.nmissed = 0;
    l.busy = 2;
    EXPECT_EQ(summary_line(s, l), "modtrace: 12 events (3 incomplete), 9 records lost "
                                  "(buffer_full 5, busy 2, unreported 2)");
    s.duplicates = 2;
    s.late = 1;
    s.seqs_missing = 1;
    l = Loss{};
    EXPECT_EQ(summary_line(s, l), "modtrace: 12 events (3 incomplete), 1 record lost "
                                  "(unreported 1), 3 duplicate or late ignored");
}

TEST_F(EventFormat, HiddenModuleJson) {
    const std::string json = event_to_json(hidden_later(), time_base);
    EXPECT_NE(
        json.find(R"("seq":9,"time":"2026-11-23T10:11:12.123456789Z","event":"hidden_module",)"
                  R"("pid":1234,"tid":1234,)"),
        std::string::npos)
        << json;
    EXPECT_NE(
        json.find(R"("abi":null,"request":null,"args":{"loaded":"2026-11-23T10:11:11.623456789Z"},)"
                  R"("module":{"name":"mthide_later","sha256":null,"captured":null,"hidden":true,)"
                  R"("hidden_from":["module_list"],"version":null,)"),
        std::string::npos)
        << json;
    EXPECT_NE(
        json.find(
            R"("ret":null,"errno":null,"outcome":"hidden","request_result":null,"duration_ns":null,)"),
        std::string::npos)
        << json;
}

TEST_F(EventFormat, HiddenModuleText) {
    const std::string text = event_to_text(hidden_later(), false, time_base);
    EXPECT_EQ(text, "10:11:12.123 hidden_module   insmod[1234]           uid=0     "
                    "loaded=10:11:11.623          -                    -        mthide_later     "
                    "hidden - [hidden from module_list]");
}

} // namespace

namespace {

modtrace::Event request_event(std::int64_t ret, bool wait = true) {
    modtrace::Event e;
    e.kind = modtrace::EventKind::RequestModule;
    modtrace::Task t;
    t.tgid = 412;
    t.tid = 412;
    t.comm = "ip";
    e.task = t;
    e.args.name = "rtnl-link-vxlan";
    e.args.wait = wait;
    e.ret = ret;
    e.outcome = ret == 0 ? modtrace::Outcome::Requested : modtrace::Outcome::RequestFailed;
    return e;
}

} // namespace

// What a request's ret means: modprobe's wait status, or the kernel's own error.
TEST(RequestResult, WaitStatusOrKernelError) {
    struct Case {
        std::int64_t ret;
        bool wait;
        std::string words;
        std::string json;
    };
    const Case cases[] = {
        {0, true, "modprobe exited 0",
         R"({"by":"modprobe","exit_status":0,"signal":null,"errno":null})"},
        {0, false, "modprobe started",
         R"({"by":"modprobe","exit_status":0,"signal":null,"errno":null})"},
        {256, true, "modprobe exited 1",
         R"({"by":"modprobe","exit_status":1,"signal":null,"errno":null})"},
        {9, true, "modprobe killed by signal 9",
         R"({"by":"modprobe","exit_status":null,"signal":9,"errno":null})"},
        {-2, true, "kernel: ENOENT",
         R"({"by":"kernel","exit_status":null,"signal":null,"errno":"ENOENT"})"},
    };
    for (const Case& c : cases) {
        const modtrace::Event e = request_event(c.ret, c.wait);
        EXPECT_EQ(modtrace::request_result_words(e), c.words) << c.ret;
        const std::string json = modtrace::event_to_json(e, modtrace::TimeBase{});
        EXPECT_NE(json.find(R"("request_result":)" + c.json), std::string::npos) << json;
    }
}

TEST(RequestResult, NullForOtherEvents) {
    modtrace::Event e = request_event(0);
    e.kind = modtrace::EventKind::FinitModule;
    EXPECT_NE(modtrace::event_to_json(e, modtrace::TimeBase{}).find(R"("request_result":null)"),
              std::string::npos);
}

TEST_F(EventFormat, JsonOfARequest) {
    const std::string json = event_to_json(request_event(256), time_base);
    EXPECT_NE(json.find(R"("event":"request_module")"), std::string::npos) << json;
    EXPECT_NE(json.find(R"("request":null,"args":{"name":"rtnl-link-vxlan","wait":true})"),
              std::string::npos)
        << json;
    EXPECT_NE(json.find(R"("outcome":"request_failed")"), std::string::npos) << json;
}

TEST_F(EventFormat, JsonOfAHelpersLoadNamesTheRequester) {
    Event e = loaded_finit();
    RequestInfo q;
    q.seq = 41;
    q.name = "rtnl-link-vxlan";
    q.tgid = 412;
    q.tid = 413;
    q.comm = "ip";
    q.uid = 1000;
    e.request = q;
    const std::string json = event_to_json(e, time_base);
    EXPECT_NE(json.find(R"("request":{"seq":41,"name":"rtnl-link-vxlan","pid":412,"tid":413,)"
                        R"("comm":"ip","uid":1000},"args":)"),
              std::string::npos)
        << json;
}

TEST_F(EventFormat, TextOfARequestAndOfItsHelper) {
    const std::string req = event_to_text(request_event(256), false, time_base);
    EXPECT_NE(req.find("request_module"), std::string::npos) << req;
    EXPECT_NE(req.find("rtnl-link-vxlan"), std::string::npos) << req;
    EXPECT_NE(req.find("request failed (modprobe exited 1)"), std::string::npos) << req;
    Event e = loaded_finit();
    RequestInfo q;
    q.seq = 41;
    q.name = "rtnl-link-vxlan";
    q.tgid = 412;
    q.tid = 412;
    q.comm = "ip";
    e.request = q;
    const std::string line = event_to_text(e, false, time_base);
    EXPECT_TRUE(line.ends_with(" requested by ip[412] for rtnl-link-vxlan")) << line;
    q.comm = "a b";
    q.name = "x\ny";
    e.request = q;
    const std::string hostile = event_to_text(e, false, time_base);
    EXPECT_TRUE(hostile.ends_with(R"( requested by "a b"[412] for "x\x0ay")")) << hostile;
}

namespace {

Event captured_finit() {
    Event e = loaded_finit();
    e.image->capture = modtrace::CaptureState::Held;
    e.image->capture_outcome = "captured";
    e.image->captured_path = "/var/lib/modtrace/images/" + std::string(64, 'a') + ".ko";
    return e;
}

} // namespace

TEST_F(EventFormat, JsonOfACapturedImage) {
    const std::string json = event_to_json(captured_finit(), time_base);
    const std::string path = "/var/lib/modtrace/images/" + std::string(64, 'a') + ".ko";
    EXPECT_NE(json.find(R"("sha256":")" + std::string(64, 'a') + R"(","captured":")" + path +
                        R"(","hidden":false)"),
              std::string::npos)
        << json;
    EXPECT_NE(json.find(R"("name":"mt_clean","capture":"captured"},"ret":0)"), std::string::npos)
        << json;
}

TEST_F(EventFormat, JsonOfAnImageNotCaptured) {
    const std::pair<std::optional<std::string>, std::string> cases[] = {
        {std::nullopt, "not_asked"},
        {"off", "off"},
        {"over_budget", "over_budget"},
        {"no_memory", "no_memory"},
        {"lost", "lost"}};
    for (const auto& [outcome, word] : cases) {
        SCOPED_TRACE(word);
        Event e = loaded_finit();
        e.image->capture_outcome = outcome;
        const std::string json = event_to_json(e, time_base);
        EXPECT_NE(json.find(R"("captured":null,)"), std::string::npos) << json;
        EXPECT_NE(json.find(R"("capture":")" + word + R"("},)"), std::string::npos) << json;
    }
}

TEST_F(EventFormat, JsonOfAnImageNotHashedHasNoCapture) {
    Event e = loaded_finit();
    e.image->state = modtrace::ImageState::Refused;
    e.image->sha256.reset();
    const std::string json = event_to_json(e, time_base);
    EXPECT_NE(json.find(R"("capture":null})"), std::string::npos) << json;
}

TEST_F(EventFormat, TextOfACapturedImageSaysWhere) {
    const std::string line = event_to_text(captured_finit(), false, time_base);
    const std::string tail = " sha256=aaaaaaaaaaaaaaaa captured=/var/lib/modtrace/images/" +
                             std::string(64, 'a') + ".ko";
    EXPECT_NE(line.find(tail), std::string::npos) << line;
    EXPECT_EQ(event_to_text(loaded_finit(), false, time_base).find("captured="), std::string::npos);
}
