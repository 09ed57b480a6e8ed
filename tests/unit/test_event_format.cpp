// Event formatting: JSON and text lines, exact, with hostile strings; time and durations; the
// loss and summary lines.
#include "event_format.hpp"

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
    t.loginuid = 1000;
    t.comm = std::move(comm);
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
    e.args.params = "count=3";
    e.args.flags = 2;
    EventModule m;
    m.name = "mt_clean";
    m.version = "1.0";
    m.srcversion = "ABC";
    m.taints = 4096;
    m.sig_ok = false;
    m.params = "count=3";
    m.init_ret = 0;
    e.module = m;
    e.ret = 0;
    e.outcome = Outcome::Loaded;
    e.duration_ns = 2500000;
    e.init_duration_ns = 1000000;
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

TEST_F(EventFormat, JsonOfALoad) {
    EXPECT_EQ(
        event_to_json(loaded_finit(), time_base),
        R"({"seq":42,"time":"2026-11-23T10:11:12.123456789Z","event":"finit_module","pid":1234,)"
        R"("tid":1235,"ppid":1,"uid":0,"euid":0,"loginuid":1000,"comm":"insmod","args":{"fd":3,)"
        R"("path":"/lib/modules/mt_clean.ko","params":"count=3","flags":["ignore_vermagic"],)"
        R"("flags_raw":2},"module":{"name":"mt_clean","version":"1.0","srcversion":"ABC",)"
        R"("taints":4096,"signed":false,"params":"count=3","init_ret":0},"ret":0,"errno":null,)"
        R"("outcome":"loaded","duration_ns":2500000,"init_duration_ns":1000000,"complete":true,)"
        R"("incomplete_reason":null,"params_mismatch":false,"truncated":[]})");
}

TEST_F(EventFormat, JsonOfHostileStrings) {
    EXPECT_EQ(
        event_to_json(hostile_delete(), time_base),
        R"({"seq":7,"time":"2026-11-23T10:11:12.123456789Z","event":"delete_module","pid":77,)"
        R"("tid":77,"ppid":1,"uid":1000,"euid":0,"loginuid":null,"comm":"a b\u001b[2J",)"
        R"("args":{"name":"evil\"}\n{\"x","flags":["nonblock","0x1"],"flags_raw":2049},)"
        R"("module":null,"ret":-16,"errno":"EBUSY","outcome":"unload_failed","duration_ns":1500,)"
        R"("init_duration_ns":null,"complete":true,"incomplete_reason":null,)"
        R"("params_mismatch":false,"truncated":[]})");
    EXPECT_EQ(
        event_to_json(hostile_init(), time_base),
        R"({"seq":9,"time":"2026-11-23T10:11:12.123456789Z","event":"init_module","pid":5,)"
        R"("tid":5,"ppid":1,"uid":0,"euid":0,"loginuid":1000,"comm":"mtload","args":{"len":4096,)"
        R"("params":"x=\ufffd\u001b]0;pwn\u0007"},"module":{"name":"mt\n","version":null,)"
        R"("srcversion":null,"taints":null,"signed":null,"params":"y","init_ret":-19},)"
        R"("ret":null,"errno":null,"outcome":"init_failed","duration_ns":null,)"
        R"("init_duration_ns":500,"complete":false,"incomplete_reason":"missing_return",)"
        R"("params_mismatch":true,"truncated":[]})");
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
    EXPECT_EQ(event_to_json(e, TimeBase{}),
              R"({"seq":3,"time":"1970-01-01T00:00:00.000000000Z","event":"finit_module",)"
              R"("pid":null,"tid":null,"ppid":null,"uid":null,"euid":null,"loginuid":null,)"
              R"("comm":null,"args":{"fd":null,"path":null,"params":null,"flags":null,)"
              R"("flags_raw":null},"module":null,"ret":0,"errno":null,"outcome":"waited",)"
              R"("duration_ns":null,"init_duration_ns":null,"complete":false,)"
              R"("incomplete_reason":"missing_entry","params_mismatch":false,"truncated":[]})");

    Event o;
    o.kind = EventKind::QueryModule;
    o.ret = -38;
    o.outcome = Outcome::Enosys;
    const std::string j = event_to_json(o, TimeBase{});
    EXPECT_NE(j.find(R"("event":"query_module")"), std::string::npos) << j;
    EXPECT_NE(j.find(R"("args":{},"module":null,"ret":-38,"errno":"ENOSYS","outcome":"enosys")"),
              std::string::npos)
        << j;

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
        R"(loaded 2.500ms)");
}

TEST_F(EventFormat, TextInColour) {
    EXPECT_EQ(
        event_to_text(loaded_finit(), true, time_base),
        "\x1b[2m10:11:12.123\x1b[0m finit_module    insmod[1234]           uid=0     "
        "/lib/modules/mt_clean.ko     \"count=3\"            ignore_vermagic mt_clean         "
        "\x1b[32mloaded\x1b[0m 2.500ms");
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
    l.overrun = 5;
    EXPECT_EQ(loss_line(l), "modtrace: 15 records lost (buffer_full 3, socket_full 2, nomem 4, "
                            "overrun 5, nmissed 1)");
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
    s.duplicates = 2;
    s.late = 1;
    s.seqs_missing = 1;
    l = Loss{};
    EXPECT_EQ(summary_line(s, l), "modtrace: 12 events (3 incomplete), 1 record lost "
                                  "(unreported 1), 3 duplicate or late ignored");
}

} // namespace
