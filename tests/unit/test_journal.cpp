// --journal without a journal: the entries the builders make (fields, names, priorities,
// MESSAGE_IDs, hostile strings), the JSON flattening, and the sink's calls of sd_journal_sendv
// through a stand-in (and the real one where no journal runs).
#include "event_samples.hpp"
#include "journal.hpp"
#include "modtrace.h"

#include <algorithm>
#include <fcntl.h>
#include <fstream>
#include <gtest/gtest.h>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <vector>

namespace {

using namespace modtrace;
using modtrace::testing::request_event;

const TimeBase time_base{1795428672123456789 - 1000000000};

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
    e.ret = 0;
    e.outcome = Outcome::Loaded;
    e.duration_ns = 2500000;
    e.init_duration_ns = 1000000;
    return e;
}

Event unload(std::string name, std::int64_t ret, Outcome outcome) {
    Event e;
    e.seq = 7;
    e.time_ns = 1000000000;
    e.kind = EventKind::DeleteModule;
    e.task = task(77, "rmmod");
    e.args.name = std::move(name);
    e.args.flags = O_NONBLOCK | O_TRUNC;
    e.ret = ret;
    e.outcome = outcome;
    e.duration_ns = 1500;
    return e;
}

// A delete_module whose name tries to end the field and forge another, and whose comm holds a
// terminal escape.
Event hostile_delete() {
    Event e = unload("evil\nMESSAGE=forged\"}", -16, Outcome::UnloadFailed);
    e.task->comm = "a b\x1b[2J";
    e.args.name_partial = true;
    return e;
}

Event obsolete_call() {
    Event e;
    e.seq = 9;
    e.time_ns = 1000000000;
    e.kind = EventKind::CreateModule;
    e.task = task(5, "mtload32");
    e.task->abi = MODTRACE_ABI_IA32;
    e.args.syscall_nr = 127;
    e.args.syscall_args = {0, 4096, 0, 0, 0, 0};
    e.ret = -38;
    e.outcome = Outcome::Enosys;
    return e;
}

std::vector<std::string> values_of(const JournalEntry& entry, const std::string& name) {
    std::vector<std::string> out;
    for (const auto& f : entry) {
        if (f.starts_with(name + "="))
            out.push_back(f.substr(name.size() + 1));
    }
    return out;
}

// The one value of `name`; "<absent>" or "<repeated>" otherwise.
std::string value_of(const JournalEntry& entry, const std::string& name) {
    const auto all = values_of(entry, name);
    if (all.empty())
        return "<absent>";
    return all.size() == 1 ? all.front() : "<repeated>";
}

std::string dump(const JournalEntry& entry) {
    std::string s;
    for (const auto& f : entry)
        s += f + "\n";
    return s;
}

TEST(JournalFields, NamesFollowTheJournalsRules) {
    EXPECT_EQ(journal_field_name("outcome"), "MODTRACE_OUTCOME");
    EXPECT_EQ(journal_field_name("module_init_ret"), "MODTRACE_MODULE_INIT_RET");
    EXPECT_EQ(journal_field_name("a-b.c d"), "MODTRACE_A_B_C_D");
    EXPECT_EQ(journal_field_name("Caps9"), "MODTRACE_CAPS9");
    const std::string long_name = journal_field_name(std::string(100, 'x'));
    EXPECT_EQ(long_name.size(), 64U);
    EXPECT_TRUE(std::regex_match(long_name, std::regex("MODTRACE_X+")));
}

TEST(JournalFields, EveryJsonMemberIsAField) {
    JournalEntry entry;
    ASSERT_TRUE(append_json_fields(
        entry, R"({"a":1,"b":"x y","c":null,"d":true,"e":false,"f":{"g":"h","i":{"j":-2}},)"
               R"("args":{"path":"/p","dev":"8:1"},"l":["x","y"],"n":[0,4096,0],"m":[],"o":{}})"));
    EXPECT_EQ(entry, (JournalEntry{"MODTRACE_A=1", "MODTRACE_B=x y", "MODTRACE_D=true",
                                   "MODTRACE_E=false", "MODTRACE_F_G=h", "MODTRACE_F_I_J=-2",
                                   "MODTRACE_PATH=/p", "MODTRACE_DEV=8:1", "MODTRACE_L=x",
                                   "MODTRACE_L=y", "MODTRACE_N=0 4096 0"}))
        << dump(entry);
}

TEST(JournalFields, OnlyTheTopLevelArgsLoseTheirPrefix) {
    JournalEntry entry;
    ASSERT_TRUE(append_json_fields(entry, R"({"x":{"args":{"y":1}}})"));
    EXPECT_EQ(entry, JournalEntry{"MODTRACE_X_ARGS_Y=1"});
}

TEST(JournalFields, StringEscapesAreUndone) {
    JournalEntry entry;
    ASSERT_TRUE(append_json_fields(
        entry,
        R"({"s":"q\"b\\s\/n\nt\tr\r\u001b\u007f\ufffd\u00e9\ud83d\ude00","lone":"\ud800x"})"));
    ASSERT_EQ(entry.size(), 2U) << dump(entry);
    EXPECT_EQ(entry[0], "MODTRACE_S=q\"b\\s/n\nt\tr\r\x1b\x7f\xef\xbf\xbd\xc3\xa9\xf0\x9f\x98\x80");
    EXPECT_EQ(entry[1], "MODTRACE_LONE=\xef\xbf\xbdx");
}

TEST(JournalFields, WhatIsNotOneObjectIsAnError) {
    for (const char* text :
         {"", "[]", "1", "{", "{\"a\":}", "{\"a\":1} x", "{\"a\":\"x}", "{\"a\":\"\\q\"}",
          "{\"a\":\"\\u12\"}", "{\"a\" 1}", "{\"a\":1,}", "{\"a\":[1,}"}) {
        JournalEntry entry;
        const auto got = append_json_fields(entry, text);
        EXPECT_FALSE(got) << text;
        if (!got) {
            EXPECT_TRUE(got.error().message.starts_with("journal fields: ")) << got.error().message;
        }
    }
}

TEST(JournalEntries, ALoadIsEveryFieldOfItsJsonAndTheTextLine) {
    const Event e = loaded_finit();
    const JournalEntry entry = event_entry(e, time_base);
    const JournalEntry expected = {
        "MESSAGE=" + event_to_text(e, false, time_base),
        "PRIORITY=5",
        "SYSLOG_IDENTIFIER=modtrace",
        "MESSAGE_ID=fe96dbcf6cfb4e669a0b9f00fa91beca",
        "MODTRACE_MODULE=mt_clean",
        "MODTRACE_SEQ=42",
        "MODTRACE_TIME=2026-11-23T10:11:12.123456789Z",
        "MODTRACE_EVENT=finit_module",
        "MODTRACE_PID=1234",
        "MODTRACE_TID=1235",
        "MODTRACE_PPID=1",
        "MODTRACE_UID=0",
        "MODTRACE_EUID=0",
        "MODTRACE_GID=5",
        "MODTRACE_LOGINUID=1000",
        "MODTRACE_SESSIONID=3",
        "MODTRACE_COMM=insmod",
        "MODTRACE_CGROUP_ID=77",
        "MODTRACE_PIDNS_INO=4026531836",
        "MODTRACE_MNTNS_INO=4026531841",
        "MODTRACE_ABI=x86_64",
        "MODTRACE_FD=3",
        "MODTRACE_PATH=/lib/modules/mt_clean.ko",
        "MODTRACE_DEV=8:1",
        "MODTRACE_INO=42",
        "MODTRACE_PARAMS=count=3",
        "MODTRACE_FLAGS=ignore_vermagic",
        "MODTRACE_FLAGS_RAW=2",
        "MODTRACE_MODULE_NAME=mt_clean",
        "MODTRACE_MODULE_VERSION=1.0",
        "MODTRACE_MODULE_SRCVERSION=ABC",
        "MODTRACE_MODULE_TAINTS=4096",
        "MODTRACE_MODULE_SIGNED=false",
        "MODTRACE_MODULE_PARAMS=count=3",
        "MODTRACE_MODULE_TEXT_SIZE=8192",
        "MODTRACE_MODULE_TOTAL_SIZE=16384",
        "MODTRACE_MODULE_INIT_RET=0",
        "MODTRACE_RET=0",
        "MODTRACE_OUTCOME=loaded",
        "MODTRACE_DURATION_NS=2500000",
        "MODTRACE_INIT_DURATION_NS=1000000",
        "MODTRACE_COMPLETE=true",
        "MODTRACE_PARAMS_MISMATCH=false",
        "MODTRACE_NAME_MISMATCH=false",
        "MODTRACE_FILE_CHANGED=false",
        "MODTRACE_JSON=" + event_to_json(e, time_base),
    };
    EXPECT_EQ(entry, expected) << dump(entry);
}

TEST(JournalEntries, AFailureHasItsErrnoAndTheNullsAreLeftOut) {
    const JournalEntry entry = event_entry(unload("llc", -16, Outcome::UnloadFailed), time_base);
    EXPECT_EQ(value_of(entry, "PRIORITY"), "4");
    EXPECT_EQ(value_of(entry, "MESSAGE_ID"), "142303e2a75541699fa7f15bc09ec136");
    EXPECT_EQ(value_of(entry, "MODTRACE_OUTCOME"), "unload_failed");
    EXPECT_EQ(value_of(entry, "MODTRACE_ERRNO"), "EBUSY");
    EXPECT_EQ(value_of(entry, "MODTRACE_RET"), "-16");
    EXPECT_EQ(value_of(entry, "MODTRACE_MODULE"), "llc");
    EXPECT_EQ(values_of(entry, "MODTRACE_FLAGS"), (std::vector<std::string>{"nonblock", "trunc"}));
    for (const char* absent : {"MODTRACE_MODULE_NAME", "MODTRACE_INIT_DURATION_NS",
                               "MODTRACE_INCOMPLETE_REASON", "MODTRACE_TRUNCATED"})
        EXPECT_EQ(value_of(entry, absent), "<absent>") << absent;
}

TEST(JournalEntries, FieldNamesAreValidAndOnlyListsRepeat) {
    const std::regex valid("[A-Z0-9][A-Z0-9_]{0,63}");
    const std::set<std::string> lists = {"MODTRACE_FLAGS", "MODTRACE_TRUNCATED"};
    Event incomplete = loaded_finit();
    incomplete.complete = false;
    incomplete.incomplete_reason = IncompleteReason::LostRecords;
    incomplete.args.params_partial = true;
    incomplete.module->params_truncated = true;
    for (const Event& e : {loaded_finit(), incomplete, hostile_delete(), obsolete_call(),
                           unload("modtrace", 0, Outcome::Unloaded)}) {
        const JournalEntry entry = event_entry(e, time_base);
        std::map<std::string, int> seen;
        for (const auto& f : entry) {
            const auto eq = f.find('=');
            ASSERT_NE(eq, std::string::npos) << f;
            const std::string name = f.substr(0, eq);
            EXPECT_TRUE(std::regex_match(name, valid)) << name;
            ++seen[name];
        }
        for (const auto& [name, n] : seen)
            EXPECT_TRUE(n == 1 || lists.count(name)) << name << " " << n << "\n" << dump(entry);
    }
    const JournalEntry entry = event_entry(incomplete, time_base);
    EXPECT_EQ(values_of(entry, "MODTRACE_TRUNCATED"),
              (std::vector<std::string>{"args.params", "module.params"}));
    EXPECT_EQ(value_of(entry, "MODTRACE_INCOMPLETE_REASON"), "lost_records");
}

TEST(JournalEntries, HostileStringsStayInTheirOwnField) {
    const JournalEntry entry = event_entry(hostile_delete(), time_base);
    // The name, newline and all, is one field: sd_journal_sendv sends it in the binary form.
    EXPECT_EQ(value_of(entry, "MODTRACE_NAME"), "evil\nMESSAGE=forged\"}");
    EXPECT_EQ(values_of(entry, "MESSAGE").size(), 1U);
    EXPECT_EQ(value_of(entry, "MODTRACE_COMM"), "a b\x1b[2J");
    const std::string message = value_of(entry, "MESSAGE");
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    EXPECT_EQ(message.find('\x1b'), std::string::npos) << message;
    EXPECT_EQ(value_of(entry, "MODTRACE_TRUNCATED"), "args.name");
}

TEST(JournalEntries, AnObsoleteSyscallKeepsItsArgumentsInOrder) {
    const JournalEntry entry = event_entry(obsolete_call(), time_base);
    EXPECT_EQ(value_of(entry, "PRIORITY"), "1");
    EXPECT_EQ(value_of(entry, "MESSAGE_ID"), "d08c6d30b4fb40619cfe3aacd253f8cb");
    EXPECT_EQ(value_of(entry, "MODTRACE_RAW"), "0 4096 0 0 0 0");
    EXPECT_EQ(value_of(entry, "MODTRACE_NR"), "127");
    EXPECT_EQ(value_of(entry, "MODTRACE_ABI"), "ia32");
    EXPECT_EQ(value_of(entry, "MODTRACE_MODULE"), "<absent>");
}

TEST(JournalEntries, AModuleThatHidItselfIsAnAlert) {
    Event e = loaded_finit();
    e.hidden_from = 0;
    EXPECT_EQ(event_priority(e), kPriorityNotice);
    e.hidden_from = MODTRACE_HIDDEN_F_MODULE_LIST;
    EXPECT_EQ(event_priority(e), kPriorityAlert);
}

TEST(JournalEntries, AHiddenModuleIsAnAlertWithItsMessageId) {
    Event e;
    e.seq = 9;
    e.time_ns = 1000000000;
    e.kind = EventKind::HiddenModule;
    e.task = loaded_finit().task;
    e.module = EventModule{};
    e.module->name = "mthide_later";
    e.hidden_from = MODTRACE_HIDDEN_F_MODULE_LIST;
    e.loaded_ns = 500000000;
    e.outcome = Outcome::Hidden;
    EXPECT_EQ(event_priority(e), kPriorityAlert);
    const JournalEntry entry = event_entry(e, TimeBase{0});
    EXPECT_EQ(value_of(entry, "PRIORITY"), "1");
    EXPECT_EQ(value_of(entry, "MESSAGE_ID"), "25ce15e22d784ae09a417e24b04a5662");
    EXPECT_EQ(value_of(entry, "MODTRACE_MODULE"), "mthide_later");
    EXPECT_EQ(value_of(entry, "MODTRACE_OUTCOME"), "hidden");
    EXPECT_EQ(value_of(entry, "MODTRACE_MODULE_HIDDEN_FROM"), "module_list");
    EXPECT_EQ(value_of(entry, "MODTRACE_LOADED"), "1970-01-01T00:00:00.500000000Z");
}

TEST(JournalEntries, PriorityByOutcome) {
    const auto with = [](Outcome o, std::optional<std::int64_t> ret) {
        Event e = loaded_finit();
        e.outcome = o;
        e.ret = ret;
        return e;
    };
    Event unknown_load = loaded_finit();
    unknown_load.kind = EventKind::UnknownLoad;
    Event obsolete = obsolete_call();
    obsolete.kind = EventKind::ObsoleteSyscall;
    const std::pair<Event, JournalPriority> cases[] = {
        {with(Outcome::Loaded, 0), kPriorityNotice},
        {with(Outcome::Waited, 0), kPriorityNotice},
        {with(Outcome::Waited, -17), kPriorityWarning},
        {with(Outcome::Rejected, -17), kPriorityWarning},
        {with(Outcome::InitFailed, -19), kPriorityWarning},
        {with(Outcome::Failed, -22), kPriorityWarning},
        {with(Outcome::Unknown, std::nullopt), kPriorityWarning},
        {unknown_load, kPriorityNotice},
        {unload("mt_clean", 0, Outcome::Unloaded), kPriorityNotice},
        {unload("mt_clean", -16, Outcome::UnloadFailed), kPriorityWarning},
        // modtrace's own unload, by the name passed or (it is the same) the module freed
        {unload("modtrace", 0, Outcome::Unloaded), kPriorityAlert},
        {unload("modtrace", -11, Outcome::UnloadFailed), kPriorityWarning},
        {obsolete_call(), kPriorityAlert},
        {obsolete, kPriorityAlert},
    };
    for (const auto& [event, priority] : cases) {
        EXPECT_EQ(event_priority(event), priority)
            << event_kind_name(event.kind) << " " << outcome_name(event.outcome);
        EXPECT_EQ(value_of(event_entry(event, time_base), "PRIORITY"),
                  std::to_string(static_cast<int>(priority)));
    }
}

TEST(JournalEntries, MessageIdsAreDistinct128BitIdsForEveryKind) {
    const std::regex id128("[0-9a-f]{32}");
    std::set<std::string_view> ids;
    std::set<std::string_view> names;
    for (const auto& m : kJournalMessageIds) {
        EXPECT_TRUE(std::regex_match(std::string(m.id), id128)) << m.name;
        ids.insert(m.id);
        names.insert(m.name);
    }
    EXPECT_EQ(ids.size(), std::size(kJournalMessageIds));
    EXPECT_EQ(names.size(), std::size(kJournalMessageIds));
    for (const char* kind :
         {"init_module", "finit_module", "delete_module", "create_module", "query_module",
          "get_kernel_syms", "obsolete_syscall", "unknown_load", "hidden_module", "baseline",
          "records_lost", "module_unloaded", "reader_started", "reader_stopped"})
        EXPECT_FALSE(journal_message_id(kind).empty()) << kind;
    EXPECT_TRUE(journal_message_id("nonsense").empty());
    for (int k = 0; k <= static_cast<int>(EventKind::ObsoleteSyscall); ++k) {
        const auto kind = static_cast<EventKind>(k);
        EXPECT_FALSE(journal_message_id(event_kind_name(kind)).empty()) << event_kind_name(kind);
    }
}

TEST(JournalEntries, Baseline) {
    LoadedModule m;
    m.name = "llc";
    m.size = 16384;
    m.refcount = std::nullopt;
    m.used_by = {"stp", "garp"};
    m.state = "Live";
    const JournalEntry entry = baseline_entry(m, 1795428672123456789);
    const JournalEntry expected = {
        "MESSAGE=baseline  llc  size 16384",
        "PRIORITY=6",
        "SYSLOG_IDENTIFIER=modtrace",
        "MESSAGE_ID=473ac5e958784ca59872457648fabead",
        "MODTRACE_BASELINE=true",
        "MODTRACE_MODULE=llc",
        "MODTRACE_SIZE=16384",
        "MODTRACE_STATE=Live",
        "MODTRACE_USED_BY=stp",
        "MODTRACE_USED_BY=garp",
        "MODTRACE_PERMANENT=false",
        "MODTRACE_TAINT_FLAGS=",
        "MODTRACE_TIME=2026-11-23T10:11:12.123456789Z",
        "MODTRACE_JSON=" + baseline_to_json(m, 1795428672123456789),
    };
    EXPECT_EQ(entry, expected) << dump(entry);
}

TEST(JournalEntries, LossNamesEveryCauseThatLostSome) {
    Loss loss;
    loss.buffer_full = 3;
    loss.nmissed = 2;
    EXPECT_EQ(loss_entry(loss),
              (JournalEntry{"MESSAGE=5 records lost (buffer_full 3, nmissed 2)", "PRIORITY=3",
                            "SYSLOG_IDENTIFIER=modtrace",
                            "MESSAGE_ID=93bc41d002344e4aadd4fbc652131366", "MODTRACE_LOST=5",
                            "MODTRACE_LOST_BUFFER_FULL=3", "MODTRACE_LOST_NMISSED=2"}));
}

TEST(JournalEntries, TheUnloadNamesWhoDidIt) {
    SelfUnloadWitness witness;
    Record enter;
    enter.type = RecordType::DeleteModuleEnter;
    enter.seq = 5;
    enter.task = task(2410, "rmmod");
    enter.name = "modtrace";
    enter.delete_flags = O_NONBLOCK | O_TRUNC;
    Record exit;
    exit.type = RecordType::DeleteModuleExit;
    exit.seq = 6;
    exit.entry_seq = 5;
    exit.ret = 0;
    EXPECT_EQ(unload_entry(witness), (JournalEntry{"MESSAGE=the kernel module was unloaded",
                                                   "PRIORITY=1", "SYSLOG_IDENTIFIER=modtrace",
                                                   "MESSAGE_ID=f1fbb245125b4d60ac718d2d1c0b89d0"}));
    witness.feed(enter);
    witness.feed(exit);
    EXPECT_EQ(unload_entry(witness),
              (JournalEntry{"MESSAGE=the kernel module was unloaded by pid 2410 (rmmod), uid 0, "
                            "loginuid 1000, forced (O_TRUNC)",
                            "PRIORITY=1", "SYSLOG_IDENTIFIER=modtrace",
                            "MESSAGE_ID=f1fbb245125b4d60ac718d2d1c0b89d0", "MODTRACE_PID=2410",
                            "MODTRACE_UID=0", "MODTRACE_LOGINUID=1000", "MODTRACE_COMM=rmmod",
                            "MODTRACE_FORCED=true"}));
}

TEST(JournalEntries, StartLiveOrFromARecording) {
    ReaderStart live;
    live.next_seq = 15;
    live.from_seq = 1;
    live.instance = 99;
    const JournalEntry entry = start_entry(live);
    EXPECT_EQ(value_of(entry, "MESSAGE"),
              "reader " MODTRACE_VERSION " started: subscribed to the kernel module, its history "
              "from seq 1 first, live from seq 15");
    EXPECT_EQ(value_of(entry, "PRIORITY"), "6");
    EXPECT_EQ(value_of(entry, "MESSAGE_ID"), "56df9b9b8ce146daaf545a922458c04d");
    EXPECT_EQ(value_of(entry, "MODTRACE_NEXT_SEQ"), "15");
    EXPECT_EQ(value_of(entry, "MODTRACE_FROM_SEQ"), "1");
    EXPECT_EQ(value_of(entry, "MODTRACE_INSTANCE"), "99");
    EXPECT_EQ(value_of(entry, "MODTRACE_PROTOCOL"), "1");
    EXPECT_EQ(value_of(entry, "MODTRACE_VERSION"), MODTRACE_VERSION);

    ReaderStart file;
    file.input = "bug.nlraw";
    const JournalEntry replay = start_entry(file);
    EXPECT_EQ(value_of(replay, "MESSAGE"),
              "reader " MODTRACE_VERSION " started: reading the recording bug.nlraw");
    EXPECT_EQ(value_of(replay, "MODTRACE_INPUT"), "bug.nlraw");
    EXPECT_EQ(value_of(replay, "MODTRACE_NEXT_SEQ"), "<absent>");
}

TEST(JournalEntries, StopCarriesTheSummaryAndHowItEnded) {
    const std::string summary = "modtrace: 3 events (1 incomplete), no records lost";
    EXPECT_EQ(stop_entry(summary, "stopped", 3, 1, 2),
              (JournalEntry{"MESSAGE=stopped: 3 events (1 incomplete), no records lost",
                            "PRIORITY=6", "SYSLOG_IDENTIFIER=modtrace",
                            "MESSAGE_ID=5be44646f3da4b8281dd7e2af26446f5", "MODTRACE_END=stopped",
                            "MODTRACE_EVENTS=3", "MODTRACE_INCOMPLETE=1", "MODTRACE_FILTERED=2"}));
    EXPECT_EQ(value_of(stop_entry(summary, "failed", 3, 1, 0), "PRIORITY"), "3");
    EXPECT_EQ(value_of(stop_entry(summary, "shutdown", 3, 1, 0), "PRIORITY"), "6");
}

// What the stand-in for sd_journal_sendv was given, and what it answers.
std::vector<std::vector<std::string>> sent;
int answer = 0;

int fake_sendv(const struct iovec* fields, int count) {
    std::vector<std::string> entry;
    for (int k = 0; k < count; ++k)
        entry.emplace_back(static_cast<const char*>(fields[k].iov_base), fields[k].iov_len);
    sent.push_back(std::move(entry));
    return answer;
}

TEST(SystemJournal, SendsEveryFieldAsOneIovecWithItsExactBytes) {
    sent.clear();
    answer = 0;
    SystemJournal journal(&fake_sendv);
    const JournalEntry entry = {"MESSAGE=x", std::string("MODTRACE_NAME=a\nb\0c", 20), "E="};
    ASSERT_TRUE(journal.send(entry));
    ASSERT_EQ(sent.size(), 1U);
    EXPECT_EQ(sent[0], entry);
}

TEST(SystemJournal, AFailedSendIsAnErrorWithItsErrno) {
    sent.clear();
    answer = -ECONNREFUSED;
    SystemJournal journal(&fake_sendv);
    const auto got = journal.send({"MESSAGE=x"});
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error().code, ECONNREFUSED);
    EXPECT_EQ(got.error().message, "cannot write to the journal: Connection refused");
}

TEST(SystemJournal, WithoutAJournalTheRealSendDropsTheEntrySoTheReaderChecksFirst) {
    struct stat st {};
    if (stat(kJournalSocket, &st) == 0)
        GTEST_SKIP() << "a journal runs here; sending to it would leave an entry behind";
    // libsystemd's choice: no socket, no journal, no error.
    SystemJournal journal;
    EXPECT_TRUE(journal.send({"MESSAGE=modtrace unit test", "SYSLOG_IDENTIFIER=modtrace"}));
    const auto available = journal_available();
    ASSERT_FALSE(available);
    EXPECT_EQ(available.error().code, ENOENT);
    EXPECT_EQ(available.error().message,
              "cannot write to the journal: /run/systemd/journal/socket: No such file or "
              "directory (is systemd-journald running?)");
}

TEST(SystemJournal, AvailableOnlyWhereASocketIs) {
    char dir[] = "/tmp/modtrace-journal-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    const std::string socket_path = std::string(dir) + "/socket";
    const std::string file_path = std::string(dir) + "/file";
    EXPECT_EQ(journal_available(socket_path.c_str()).error().code, ENOENT);
    const int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    ASSERT_GE(fd, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    socket_path.copy(addr.sun_path, sizeof(addr.sun_path) - 1);
    ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    EXPECT_TRUE(journal_available(socket_path.c_str()));
    const int file = open(file_path.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
    ASSERT_GE(file, 0);
    EXPECT_EQ(journal_available(file_path.c_str()).error().code, ENOTSOCK);
    close(file);
    close(fd);
    unlink(socket_path.c_str());
    unlink(file_path.c_str());
    rmdir(dir);
}

// Every MESSAGE_ID the reader sends has its text in the catalog the package installs, and the
// catalog has no entry for an id the reader does not send.
TEST(JournalCatalog, HasAnEntryForEveryMessageIdAndNoOther) {
    std::ifstream catalog(MODTRACE_CATALOG);
    ASSERT_TRUE(catalog) << MODTRACE_CATALOG;
    std::set<std::string> in_catalog;
    for (std::string line; std::getline(catalog, line);) {
        if (line.rfind("-- ", 0) == 0)
            in_catalog.insert(line.substr(3));
    }
    std::set<std::string> sent;
    for (const auto& entry : kJournalMessageIds)
        sent.insert(std::string(entry.id));
    EXPECT_EQ(in_catalog, sent);
}

TEST(JournalEntries, ARequestHasItsMessageIdAndNoModule) {
    const JournalEntry ok = event_entry(request_event(0), time_base);
    EXPECT_EQ(value_of(ok, "MESSAGE_ID"), "51d253d6b42b4ab1a92c724926baf199");
    EXPECT_EQ(value_of(ok, "PRIORITY"), "6");
    EXPECT_EQ(value_of(ok, "MODTRACE_NAME"), "rtnl-link-vxlan");
    EXPECT_EQ(value_of(ok, "MODTRACE_MODULE"), "<absent>");
    const JournalEntry failed = event_entry(request_event(256), time_base);
    EXPECT_EQ(value_of(failed, "PRIORITY"), "5");
    EXPECT_EQ(value_of(failed, "MODTRACE_REQUEST_RESULT_EXIT_STATUS"), "1");
}
} // namespace

TEST(JournalEntries, ACapturedImageIsItsFileAndItsOutcome) {
    Event e = loaded_finit();
    ImageInfo image;
    image.state = ImageState::Hashed;
    image.len = 16384;
    image.sha256 = std::string(64, 'a');
    image.capture_outcome = "captured";
    image.captured_path = "/var/lib/modtrace/images/" + std::string(64, 'a') + ".ko";
    e.image = image;
    const JournalEntry entry = event_entry(e, time_base);
    const std::string path_field = "MODTRACE_MODULE_CAPTURED=" + *image.captured_path;
    EXPECT_NE(std::find(entry.begin(), entry.end(), path_field), entry.end());
    EXPECT_NE(std::find(entry.begin(), entry.end(), "MODTRACE_IMAGE_CAPTURE=captured"),
              entry.end());
}
