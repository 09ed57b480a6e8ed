// The correlator: records in, one event per syscall out, through interleaving, losses at every
// position, reordering, duplicates, the kernel's de-duplicated finit_module and shutdown.
#include "correlate.hpp"
#include "event_format.hpp"
#include "modtrace.h"
#include "record_builders.hpp"

#include <algorithm>
#include <gtest/gtest.h>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace {

using namespace modtrace;
using namespace modtrace::testing;

constexpr std::int64_t EEXIST_ = -17;
constexpr std::int64_t ENODEV_ = -19;
constexpr std::int64_t EBUSY_ = -16;

std::vector<Event> run(const std::vector<Record>& records, CorrelatorConfig config = {},
                       std::optional<IncompleteReason> flush = IncompleteReason::ReaderStopped) {
    Correlator c(config);
    for (const auto& r : records)
        c.feed(r);
    if (flush)
        c.flush(*flush);
    return c.drain();
}

std::vector<std::string> as_json(const std::vector<Event>& events) {
    std::vector<std::string> out;
    for (const auto& e : events)
        out.push_back(event_to_json(e, TimeBase{}));
    return out;
}

const Event* find_seq(const std::vector<Event>& events, std::uint64_t seq) {
    for (const auto& e : events) {
        if (e.seq == seq)
            return &e;
    }
    return nullptr;
}

// --- one call at a time ------------------------------------------------------------------

TEST(Correlate, FinitLoadIsOneCompleteEvent) {
    const auto events = run({
        finit_enter(1, 100, 1000, "/lib/mt/mt_clean.ko", "count=3", 2),
        do_init_enter(2, 100, 1500, "mt_clean", "count=3"),
        do_init_exit(3, 100, 2500, 2, 0, "mt_clean", 1000),
        finit_exit(4, 100, 3000, 1, 0, 2000),
    });
    ASSERT_EQ(events.size(), 1U);
    const Event& e = events[0];
    EXPECT_EQ(e.seq, 1U);
    EXPECT_EQ(e.time_ns, 1000U);
    EXPECT_EQ(e.kind, EventKind::FinitModule);
    ASSERT_TRUE(e.task);
    EXPECT_EQ(e.task->tid, 100U);
    EXPECT_EQ(e.args.fd, 3);
    EXPECT_EQ(e.args.path, "/lib/mt/mt_clean.ko");
    EXPECT_EQ(e.args.params, "count=3");
    EXPECT_EQ(e.args.flags, 2U);
    ASSERT_TRUE(e.module);
    EXPECT_EQ(e.module->name, "mt_clean");
    EXPECT_EQ(e.module->version, "1.0");
    EXPECT_EQ(e.module->params, "count=3");
    EXPECT_EQ(e.module->init_ret, 0);
    EXPECT_EQ(e.ret, 0);
    EXPECT_EQ(e.outcome, Outcome::Loaded);
    EXPECT_EQ(e.duration_ns, 2000U);
    EXPECT_EQ(e.init_duration_ns, 1000U);
    EXPECT_TRUE(e.complete);
    EXPECT_EQ(e.incomplete_reason, IncompleteReason::None);
    EXPECT_FALSE(e.params_mismatch);
    EXPECT_FALSE(e.waited_on);
}

TEST(Correlate, InitModuleWhoseInitFails) {
    const auto events = run({
        init_enter(7, 5, 100, 12345, "x=1"),
        do_init_enter(8, 5, 200, "mt_fail", "x=1"),
        do_init_exit(9, 5, 300, 8, ENODEV_, "mt_fail", 100),
        init_exit(10, 5, 400, 7, ENODEV_, 300),
    });
    ASSERT_EQ(events.size(), 1U);
    EXPECT_EQ(events[0].kind, EventKind::InitModule);
    EXPECT_EQ(events[0].args.len, 12345U);
    EXPECT_EQ(events[0].outcome, Outcome::InitFailed);
    EXPECT_EQ(events[0].ret, ENODEV_);
    EXPECT_EQ(events[0].module->init_ret, ENODEV_);
    EXPECT_TRUE(events[0].complete);
}

TEST(Correlate, RejectedLoadHasNoModule) {
    const auto events = run({finit_enter(1, 5, 100), finit_exit(2, 5, 200, 1, EEXIST_, 100)});
    ASSERT_EQ(events.size(), 1U);
    EXPECT_EQ(events[0].outcome, Outcome::Rejected);
    EXPECT_FALSE(events[0].module);
    EXPECT_TRUE(events[0].complete);
    EXPECT_TRUE(events[0].failed());
}

TEST(Correlate, DeleteModule) {
    const auto events = run({
        delete_enter(1, 5, 100, "mt_clean", 04000),
        delete_exit(2, 5, 200, 1, 0, 100),
        delete_enter(3, 5, 300, "mt_busy", 0),
        delete_exit(4, 5, 400, 3, EBUSY_, 100),
    });
    ASSERT_EQ(events.size(), 2U);
    EXPECT_EQ(events[0].kind, EventKind::DeleteModule);
    EXPECT_EQ(events[0].args.name, "mt_clean");
    EXPECT_EQ(events[0].args.flags, 04000U);
    EXPECT_EQ(events[0].outcome, Outcome::Unloaded);
    EXPECT_TRUE(events[0].complete);
    EXPECT_EQ(events[1].outcome, Outcome::UnloadFailed);
    EXPECT_EQ(events[1].ret, EBUSY_);
}

TEST(Correlate, ObsoleteSyscallsAreSingleRecords) {
    Correlator c;
    c.feed(obsolete(1, 5, 100, 174));
    c.feed(obsolete(2, 5, 200, 177));
    c.feed(obsolete(3, 5, 300, 178));
    // No flush: each is an event as soon as it is seen.
    const auto events = c.drain();
    ASSERT_EQ(events.size(), 3U);
    EXPECT_EQ(events[0].kind, EventKind::CreateModule);
    EXPECT_EQ(events[1].kind, EventKind::GetKernelSyms);
    EXPECT_EQ(events[2].kind, EventKind::QueryModule);
    for (const auto& e : events) {
        EXPECT_EQ(e.ret, -38);
        EXPECT_EQ(e.outcome, Outcome::Enosys);
        EXPECT_TRUE(e.complete);
        EXPECT_FALSE(e.duration_ns);
    }
    EXPECT_EQ(events[0].args.syscall_args.size(), 6U);
    EXPECT_EQ(events[0].args.syscall_nr, 174U);
}

TEST(Correlate, AHiddenModuleIsAnEventOfItsOwnWithItsLoaderAsTheTask) {
    Correlator c;
    // A load by thread 5 is open when the check finds an earlier module of thread 5's hidden:
    // the finding is no part of that call, and does not close it.
    c.feed(finit_enter(1, 5, 100));
    c.feed(hidden_module(2, 5, 200, "mthide_later", MODTRACE_HIDDEN_F_MODULE_LIST, 50));
    auto events = c.drain();
    ASSERT_EQ(events.size(), 1U);
    const Event& e = events[0];
    EXPECT_EQ(e.kind, EventKind::HiddenModule);
    EXPECT_EQ(e.seq, 2U);
    EXPECT_EQ(e.time_ns, 200U);
    ASSERT_TRUE(e.task);
    EXPECT_EQ(e.task->tid, 5U);
    ASSERT_TRUE(e.module);
    EXPECT_EQ(e.module->name, "mthide_later");
    EXPECT_EQ(e.hidden_from, static_cast<std::uint32_t>(MODTRACE_HIDDEN_F_MODULE_LIST));
    EXPECT_EQ(e.loaded_ns, 50U);
    EXPECT_EQ(e.outcome, Outcome::Hidden);
    EXPECT_TRUE(e.complete);
    EXPECT_FALSE(e.ret);
    EXPECT_FALSE(e.failed());
    EXPECT_EQ(e.records, 1U);
    c.feed(finit_exit(3, 5, 300, 1, -17, 200));
    events = c.drain();
    ASSERT_EQ(events.size(), 1U);
    EXPECT_EQ(events[0].kind, EventKind::FinitModule);
    EXPECT_TRUE(events[0].complete);
    EXPECT_EQ(events[0].records, 2U);
}

struct ObsoleteCase {
    std::optional<std::uint32_t> abi;
    std::uint32_t nr;
    EventKind kind;
};

TEST(Correlate, ObsoleteSyscallKindFromAbiAndNumber) {
    const ObsoleteCase cases[] = {
        {MODTRACE_ABI_X86_64, 174, EventKind::CreateModule},
        {MODTRACE_ABI_X86_64, 177, EventKind::GetKernelSyms},
        {MODTRACE_ABI_X86_64, 178, EventKind::QueryModule},
        {MODTRACE_ABI_X32, 174, EventKind::CreateModule},
        {MODTRACE_ABI_X32, 177, EventKind::GetKernelSyms},
        {MODTRACE_ABI_X32, 178, EventKind::QueryModule},
        {MODTRACE_ABI_IA32, 127, EventKind::CreateModule},
        {MODTRACE_ABI_IA32, 130, EventKind::GetKernelSyms},
        {MODTRACE_ABI_IA32, 167, EventKind::QueryModule},
        // Without an ABI: an older module, which saw 64-bit calls only.
        {std::nullopt, 178, EventKind::QueryModule},
        // What this reader cannot name is kept with its number.
        {MODTRACE_ABI_IA32, 174, EventKind::ObsoleteSyscall},
        {MODTRACE_ABI_X86_64, 127, EventKind::ObsoleteSyscall},
        {MODTRACE_ABI_X86_64, 175, EventKind::ObsoleteSyscall},
        {9, 174, EventKind::ObsoleteSyscall},
    };
    for (const auto& oc : cases) {
        Record r = obsolete(1, 5, 100, oc.nr);
        r.task->abi = oc.abi;
        const auto events = run({r});
        ASSERT_EQ(events.size(), 1U);
        EXPECT_EQ(events[0].kind, oc.kind)
            << "abi " << (oc.abi ? std::to_string(*oc.abi) : "none") << " nr " << oc.nr;
        EXPECT_EQ(events[0].args.syscall_nr, oc.nr);
        EXPECT_EQ(events[0].outcome, Outcome::Enosys);
        EXPECT_TRUE(events[0].complete);
    }
}

TEST(Correlate, SinkReceivesEventsAsTheyFinish) {
    std::vector<std::uint64_t> seen;
    Correlator c({}, [&](Event&& e) { seen.push_back(e.seq); });
    c.feed(finit_enter(1, 5, 100));
    EXPECT_TRUE(seen.empty());
    c.feed(finit_exit(2, 5, 200, 1, EEXIST_, 100));
    EXPECT_EQ(seen, std::vector<std::uint64_t>{1});
    EXPECT_TRUE(c.drain().empty());
}

// --- several threads -----------------------------------------------------------------------

TEST(Correlate, InterleavedThreadsJoinByTidAndEntrySeq) {
    // Two loads and a delete on three threads, every record interleaved with the others.
    const auto events = run({
        finit_enter(1, 10, 100, "/m/mt_a.ko", "a=1", 0, 1),
        init_enter(2, 20, 110, 999, "b=2"),
        delete_enter(3, 30, 120, "mt_old"),
        do_init_enter(4, 20, 130, "mt_b", "b=2"),
        do_init_enter(5, 10, 140, "mt_a", "a=1"),
        delete_exit(6, 30, 150, 3, 0, 30),
        do_init_exit(7, 10, 160, 5, 0, "mt_a", 20),
        do_init_exit(8, 20, 170, 4, ENODEV_, "mt_b", 40),
        init_exit(9, 20, 180, 2, ENODEV_, 70),
        finit_exit(10, 10, 190, 1, 0, 90),
    });
    ASSERT_EQ(events.size(), 3U);
    const Event* a = find_seq(events, 1);
    const Event* b = find_seq(events, 2);
    const Event* d = find_seq(events, 3);
    ASSERT_TRUE(a && b && d);
    EXPECT_EQ(a->module->name, "mt_a");
    EXPECT_EQ(a->outcome, Outcome::Loaded);
    EXPECT_EQ(a->init_duration_ns, 20U);
    EXPECT_EQ(b->module->name, "mt_b");
    EXPECT_EQ(b->outcome, Outcome::InitFailed);
    EXPECT_EQ(b->init_duration_ns, 40U);
    EXPECT_EQ(d->outcome, Outcome::Unloaded);
    EXPECT_FALSE(d->module);
    for (const auto& e : events)
        EXPECT_TRUE(e.complete) << e.seq;
}

TEST(Correlate, SleepingInitWhileAnotherThreadLoads) {
    // Thread 10's init sleeps; thread 20 loads a different module meanwhile.
    const auto events = run({
        finit_enter(1, 10, 100, "/m/mt_sleep.ko", "delay_ms=3000", 0, 1),
        do_init_enter(2, 10, 110, "mt_sleep", "delay_ms=3000"),
        finit_enter(3, 20, 200, "/m/mt_clean.ko", "", 0, 2),
        do_init_enter(4, 20, 210, "mt_clean", ""),
        do_init_exit(5, 20, 220, 4, 0, "mt_clean", 10),
        finit_exit(6, 20, 230, 3, 0, 30),
        do_init_exit(7, 10, 3000000110, 2, 0, "mt_sleep", 3000000000),
        finit_exit(8, 10, 3000000120, 1, 0, 3000000020),
    });
    ASSERT_EQ(events.size(), 2U);
    // Each is emitted when it finishes: the quick load first.
    EXPECT_EQ(events[0].seq, 3U);
    EXPECT_EQ(events[0].module->name, "mt_clean");
    EXPECT_EQ(events[0].duration_ns, 30U);
    EXPECT_EQ(events[1].seq, 1U);
    EXPECT_EQ(events[1].module->name, "mt_sleep");
    EXPECT_EQ(events[1].init_duration_ns, 3000000000U);
    EXPECT_TRUE(events[0].complete && events[1].complete);
}

TEST(Correlate, ExitOnAnotherTidDoesNotJoin) {
    // A return naming an entry of another thread is not that entry's return.
    const auto events = run({
        finit_enter(1, 10, 100),
        finit_exit(2, 20, 200, 1, 0, 100),
    });
    ASSERT_EQ(events.size(), 2U);
    EXPECT_EQ(events[0].task->tid, 20U);
    EXPECT_EQ(events[0].incomplete_reason, IncompleteReason::MissingEntry);
    EXPECT_EQ(events[1].task->tid, 10U);
    EXPECT_EQ(events[1].incomplete_reason, IncompleteReason::ReaderStopped);
}

TEST(Correlate, ExitOfAnotherSyscallDoesNotJoin) {
    const auto events = run({
        finit_enter(1, 10, 100),
        init_exit(2, 10, 200, 1, 0, 100),
    });
    ASSERT_EQ(events.size(), 2U);
    EXPECT_EQ(events[0].kind, EventKind::InitModule);
    EXPECT_FALSE(events[0].complete);
    EXPECT_EQ(events[1].kind, EventKind::FinitModule);
    EXPECT_FALSE(events[1].complete);
}

TEST(Correlate, InitExitNamingAnotherInitDoesNotJoin) {
    // Thread 10's DO_INIT_EXIT names a DO_INIT_ENTER of thread 20.
    const auto events = run({
        finit_enter(1, 10, 100, "/m/a.ko", "", 0, 1),
        finit_enter(2, 20, 110, "/m/b.ko", "", 0, 2),
        do_init_enter(3, 20, 120, "mt_b"),
        do_init_exit(4, 10, 130, 3, 0, "mt_a"),
        finit_exit(5, 10, 140, 1, 0, 40),
    });
    const Event* a = find_seq(events, 1);
    ASSERT_TRUE(a);
    ASSERT_TRUE(a->module);
    // Thread 10's own init: its enter is missing, not thread 20's.
    EXPECT_EQ(a->module->name, "mt_a");
    EXPECT_EQ(a->incomplete_reason, IncompleteReason::LostRecords);
    const Event* b = find_seq(events, 2);
    ASSERT_TRUE(b);
    EXPECT_EQ(b->module->name, "mt_b");
    EXPECT_FALSE(b->module->init_ret);
}

// --- 6.12 de-duplicated finit_module -------------------------------------------------------

// Four threads finit_module the same file; the kernel runs one init (thread 11's) and gives
// every call its result.
std::vector<Record> dedup_records(std::int64_t result) {
    return {
        finit_enter(1, 11, 100, "/m/mt_clean.ko", "", 0, 77),
        finit_enter(2, 12, 101, "/m/mt_clean.ko", "", 0, 77),
        finit_enter(3, 13, 102, "/m/mt_clean.ko", "", 0, 77),
        do_init_enter(4, 11, 110, "mt_clean"),
        finit_enter(5, 14, 111, "/m/mt_clean.ko", "", 0, 77),
        do_init_exit(6, 11, 120, 4, result, "mt_clean", 10),
        finit_exit(7, 13, 130, 3, result, 28),
        finit_exit(8, 12, 131, 2, result, 30),
        finit_exit(9, 11, 132, 1, result, 32),
        finit_exit(10, 14, 133, 5, result, 22),
    };
}

TEST(Correlate, DedupedFinitCallsWaitOnTheLoadingCall) {
    const auto events = run(dedup_records(0));
    ASSERT_EQ(events.size(), 4U);
    for (const auto& e : events) {
        EXPECT_TRUE(e.complete) << e.seq;
        EXPECT_EQ(e.ret, 0);
        if (e.seq == 1) {
            EXPECT_EQ(e.outcome, Outcome::Loaded);
            ASSERT_TRUE(e.module);
            EXPECT_FALSE(e.waited_on);
        } else {
            EXPECT_EQ(e.outcome, Outcome::Waited) << e.seq;
            EXPECT_FALSE(e.module) << e.seq;
            ASSERT_TRUE(e.waited_on) << e.seq;
            EXPECT_EQ(e.waited_on->seq, 1U);
            EXPECT_EQ(e.waited_on->tid, 11U);
            EXPECT_EQ(e.waited_on->module, "mt_clean");
        }
    }
}

TEST(Correlate, DedupedFinitCallsShareAFailure) {
    const auto events = run(dedup_records(ENODEV_));
    ASSERT_EQ(events.size(), 4U);
    EXPECT_EQ(find_seq(events, 1)->outcome, Outcome::InitFailed);
    for (std::uint64_t s : {2, 3, 5}) {
        const Event* e = find_seq(events, s);
        ASSERT_TRUE(e);
        EXPECT_EQ(e->outcome, Outcome::Waited);
        EXPECT_EQ(e->ret, ENODEV_);
        EXPECT_TRUE(e->failed());
        ASSERT_TRUE(e->waited_on);
        EXPECT_EQ(e->waited_on->tid, 11U);
    }
}

TEST(Correlate, SixOneLosersAreRejectedNotWaiters) {
    // 6.1: the second caller gets EEXIST once the first has loaded the module.
    const auto events = run({
        finit_enter(1, 11, 100, "/m/mt_clean.ko", "", 0, 77),
        finit_enter(2, 12, 101, "/m/mt_clean.ko", "", 0, 77),
        do_init_enter(3, 11, 110, "mt_clean"),
        do_init_exit(4, 11, 120, 3, 0, "mt_clean", 10),
        finit_exit(5, 11, 130, 1, 0, 30),
        finit_exit(6, 12, 131, 2, EEXIST_, 30),
    });
    const Event* loser = find_seq(events, 2);
    ASSERT_TRUE(loser);
    EXPECT_EQ(loser->outcome, Outcome::Rejected);
    EXPECT_FALSE(loser->waited_on);
    EXPECT_TRUE(loser->complete);
}

TEST(Correlate, WaiterOfAnotherFileIsNotLinked) {
    auto records = dedup_records(0);
    records[1] = finit_enter(2, 12, 101, "/m/other.ko", "", 0, 78); // another inode
    const auto events = run(records);
    const Event* e = find_seq(events, 2);
    ASSERT_TRUE(e);
    // Success without an init, and the load of the same file by another thread that would
    // explain it is not there: not a waiter, and its module is not known.
    EXPECT_NE(e->outcome, Outcome::Waited);
    EXPECT_FALSE(e->waited_on);
    EXPECT_FALSE(e->complete);
    EXPECT_EQ(e->incomplete_reason, IncompleteReason::MissingInit);
    ASSERT_TRUE(find_seq(events, 3)->waited_on);
}

TEST(Correlate, WaiterWhoseLoaderWasNotSeen) {
    // Nothing says it waited: "waited" needs the loading call.
    const auto events = run({finit_enter(5, 12, 100), finit_exit(6, 12, 200, 5, 0, 100)});
    ASSERT_EQ(events.size(), 1U);
    EXPECT_EQ(events[0].outcome, Outcome::Loaded);
    EXPECT_FALSE(events[0].module);
    EXPECT_FALSE(events[0].waited_on);
    EXPECT_FALSE(events[0].complete);
    EXPECT_EQ(events[0].incomplete_reason, IncompleteReason::MissingInit);
}

TEST(Correlate, WithoutTheInitProbeASuccessIsALoad) {
    CorrelatorConfig config;
    config.init_records = false;
    const auto events = run({finit_enter(5, 12, 100), finit_exit(6, 12, 200, 5, 0, 100),
                             finit_enter(7, 12, 300), finit_exit(8, 12, 400, 7, ENODEV_, 100)},
                            config);
    ASSERT_EQ(events.size(), 2U);
    EXPECT_EQ(events[0].outcome, Outcome::Loaded);
    EXPECT_EQ(events[1].outcome, Outcome::Failed);
}

// --- calls that began before the reader ----------------------------------------------------

TEST(Correlate, ReaderStartedDuringInit) {
    // The entry and the init's start came before the reader subscribed.
    const auto events = run({
        do_init_exit(41, 10, 500, 40, 0, "mt_sleep", 300),
        finit_exit(42, 10, 600, 39, 0, 450),
        finit_enter(43, 10, 700),
        finit_exit(44, 10, 800, 43, EEXIST_, 100),
    });
    ASSERT_EQ(events.size(), 2U);
    const Event& e = events[0];
    EXPECT_EQ(e.seq, 39U); // the entry's seq, known from the return
    EXPECT_EQ(e.kind, EventKind::FinitModule);
    EXPECT_EQ(e.time_ns, 150U); // the return's ts minus the call's duration
    EXPECT_FALSE(e.complete);
    EXPECT_EQ(e.incomplete_reason, IncompleteReason::MissingEntry);
    ASSERT_TRUE(e.module);
    EXPECT_EQ(e.module->name, "mt_sleep");
    EXPECT_EQ(e.module->init_ret, 0);
    EXPECT_EQ(e.outcome, Outcome::Loaded);
    EXPECT_FALSE(e.args.path);
    EXPECT_TRUE(events[1].complete);
}

TEST(Correlate, ReaderStartedBeforeAReturn) {
    const auto events = run({delete_exit(9, 10, 500, 8, 0, 100)});
    ASSERT_EQ(events.size(), 1U);
    EXPECT_EQ(events[0].seq, 8U);
    EXPECT_EQ(events[0].kind, EventKind::DeleteModule);
    EXPECT_EQ(events[0].time_ns, 400U);
    EXPECT_EQ(events[0].outcome, Outcome::Unloaded);
    EXPECT_EQ(events[0].incomplete_reason, IncompleteReason::MissingEntry);
}

TEST(Correlate, InitWithoutAnySyscallRecord) {
    const auto events =
        run({do_init_enter(3, 10, 100, "mt_x"), do_init_exit(4, 10, 200, 3, 0, "mt_x", 100)});
    ASSERT_EQ(events.size(), 1U);
    EXPECT_EQ(events[0].kind, EventKind::UnknownLoad);
    EXPECT_EQ(events[0].seq, 3U);
    EXPECT_EQ(events[0].outcome, Outcome::Loaded);
    EXPECT_EQ(events[0].incomplete_reason, IncompleteReason::MissingEntry);
}

// --- losses at every position --------------------------------------------------------------

// Five calls on two threads, interleaved: A (tid 10) loads mt_a with an init that outlasts B's
// (tid 20) load of mt_b and B's rejected init_module; then A deletes mt_b and B calls
// create_module.
struct Call {
    std::uint32_t tid;
    std::uint64_t entry;
    std::vector<std::uint64_t> seqs;
    std::optional<std::string> module;
    std::optional<std::int64_t> ret;
};

const std::vector<Record>& scenario() {
    static const std::vector<Record> records = {
        finit_enter(1, 10, 1000, "/m/mt_a.ko", "a=1", 0, 1),
        finit_enter(2, 20, 1100, "/m/mt_b.ko", "b=2", 0, 2),
        do_init_enter(3, 10, 1200, "mt_a", "a=1"),
        do_init_enter(4, 20, 1300, "mt_b", "b=2"),
        do_init_exit(5, 20, 1400, 4, 0, "mt_b", 100),
        finit_exit(6, 20, 1500, 2, 0, 400),
        init_enter(7, 20, 1600, 4096, ""),
        do_init_exit(8, 10, 1700, 3, 0, "mt_a", 500),
        init_exit(9, 20, 1800, 7, EEXIST_, 200),
        finit_exit(10, 10, 1900, 1, 0, 900),
        delete_enter(11, 10, 2000, "mt_b"),
        delete_exit(12, 10, 2100, 11, 0, 100),
        obsolete(13, 20, 2200, 174),
    };
    return records;
}

const std::vector<Call>& scenario_calls() {
    static const std::vector<Call> calls = {
        {10, 1, {1, 3, 8, 10}, "mt_a", 0},      {20, 2, {2, 4, 5, 6}, "mt_b", 0},
        {20, 7, {7, 9}, std::nullopt, EEXIST_}, {10, 11, {11, 12}, std::nullopt, 0},
        {20, 13, {13}, std::nullopt, -38},
    };
    return calls;
}

// The records of scenario() without the one with seq `lost`, as the kernel would deliver them:
// with `report`, the next record carries the loss (a LOSS record when nothing follows).
std::vector<Record> without(const std::set<std::uint64_t>& lost, bool report) {
    std::vector<Record> out;
    std::uint64_t pending = 0;
    for (const auto& r : scenario()) {
        if (lost.count(*r.seq)) {
            ++pending;
            continue;
        }
        out.push_back(r);
        if (report && pending) {
            out.back().loss = buffer_full(pending);
            pending = 0;
        }
    }
    if (report && pending)
        out.push_back(loss_record(buffer_full(pending)));
    return out;
}

// Why the call owning seq `lost` (and only it, but for B's init_module, whose span the lost
// record may fall in) is incomplete.
std::map<std::uint64_t, IncompleteReason> expected_incomplete(std::uint64_t lost) {
    std::map<std::uint64_t, IncompleteReason> r;
    switch (lost) {
    case 1:
    case 2:
    case 7:
    case 11:
        r[lost] = IncompleteReason::MissingEntry;
        break;
    case 3:
    case 8:
        r[1] = IncompleteReason::LostRecords;
        break;
    case 4:
    case 5:
        r[2] = IncompleteReason::LostRecords;
        break;
    case 6: // B's next call closes it
        r[2] = IncompleteReason::MissingReturn;
        break;
    case 9: // B's create_module closes it
        r[7] = IncompleteReason::MissingReturn;
        break;
    case 10: // A's delete closes it
        r[1] = IncompleteReason::MissingReturn;
        break;
    case 12: // nothing follows on A
        r[11] = IncompleteReason::ReaderStopped;
        break;
    default:
        break;
    }
    // B's init_module ran no init and seq 8 (A's) was lost while it was open: for all the
    // correlator can tell, that was its init.
    if (lost == 8)
        r[7] = IncompleteReason::LostRecords;
    return r;
}

TEST(CorrelateLoss, NothingLostIsAllComplete) {
    const auto events = run(scenario());
    ASSERT_EQ(events.size(), 5U);
    for (const auto& e : events)
        EXPECT_TRUE(e.complete) << e.seq;
    EXPECT_EQ(find_seq(events, 7)->outcome, Outcome::Rejected);
    EXPECT_EQ(find_seq(events, 1)->module->name, "mt_a");
    EXPECT_EQ(find_seq(events, 2)->module->name, "mt_b");
}

TEST(CorrelateLoss, EachSingleRecordLost) {
    const auto baseline = run(scenario());
    for (std::uint64_t lost = 1; lost <= scenario().size(); ++lost) {
        SCOPED_TRACE("lost seq " + std::to_string(lost));
        // The same events whether the kernel reports the loss, the window gives up on it, or
        // only the final flush does.
        CorrelatorConfig narrow;
        narrow.reorder_window = 2;
        const auto reported = run(without({lost}, true));
        const auto by_window = run(without({lost}, false), narrow);
        const auto at_flush = run(without({lost}, false));
        EXPECT_EQ(as_json(reported), as_json(by_window));
        EXPECT_EQ(as_json(reported), as_json(at_flush));

        const auto expect = expected_incomplete(lost);
        // Every call yields one event, except create_module when its only record is lost.
        ASSERT_EQ(reported.size(), lost == 13 ? 4U : 5U);
        for (const auto& e : reported) {
            SCOPED_TRACE("event seq " + std::to_string(e.seq));
            const auto it = expect.find(e.seq);
            if (it == expect.end()) {
                // Untouched: exactly as without loss.
                const Event* b = find_seq(baseline, e.seq);
                ASSERT_TRUE(b);
                EXPECT_EQ(event_to_json(e, {}), event_to_json(*b, {}));
                continue;
            }
            EXPECT_FALSE(e.complete);
            EXPECT_EQ(e.incomplete_reason, it->second);
        }
        for (const auto& [seq, reason] : expect)
            EXPECT_TRUE(find_seq(reported, seq)) << "no event for call " << seq;
    }
}

TEST(CorrelateLoss, WhatSurvivesALossIsKept) {
    // The init's enter lost: the module's name still comes from its exit.
    auto events = run(without({3}, true));
    const Event* a = find_seq(events, 1);
    ASSERT_TRUE(a && a->module);
    EXPECT_EQ(a->module->name, "mt_a");
    EXPECT_EQ(a->module->init_ret, 0);
    EXPECT_FALSE(a->module->version);
    EXPECT_EQ(a->outcome, Outcome::Loaded);

    // The init's exit lost: version from the enter, no init_ret, outcome from the return.
    events = run(without({8}, true));
    a = find_seq(events, 1);
    ASSERT_TRUE(a && a->module);
    EXPECT_EQ(a->module->version, "1.0");
    EXPECT_FALSE(a->module->init_ret);
    EXPECT_EQ(a->outcome, Outcome::Loaded);
    // B's rejected init_module: perhaps its init was lost, so only "failed".
    EXPECT_EQ(find_seq(events, 7)->outcome, Outcome::Failed);

    // The return lost: outcome from the init.
    events = run(without({10}, true));
    a = find_seq(events, 1);
    ASSERT_TRUE(a);
    EXPECT_FALSE(a->ret);
    EXPECT_EQ(a->outcome, Outcome::Loaded);

    // The entry lost: the event keeps the entry's seq and its kind from the return.
    events = run(without({1}, true));
    a = find_seq(events, 1);
    ASSERT_TRUE(a);
    EXPECT_EQ(a->kind, EventKind::FinitModule);
    EXPECT_EQ(a->time_ns, 1000U);
    EXPECT_EQ(a->module->name, "mt_a");
    EXPECT_FALSE(a->args.path);
}

TEST(CorrelateLoss, EveryPairLostNeverMisJoins) {
    std::map<std::uint64_t, const Call*> owner;
    for (const auto& c : scenario_calls()) {
        for (auto s : c.seqs)
            owner[s] = &c;
    }
    const std::uint64_t n = scenario().size();
    for (std::uint64_t i = 1; i <= n; ++i) {
        for (std::uint64_t j = i + 1; j <= n; ++j) {
            SCOPED_TRACE("lost " + std::to_string(i) + " and " + std::to_string(j));
            for (bool report : {true, false}) {
                const auto events = run(without({i, j}, report));
                std::set<const Call*> seen;
                for (const auto& e : events) {
                    // Each event is about one call: its seq is one of the call's seqs...
                    const auto o = owner.find(e.seq);
                    ASSERT_NE(o, owner.end()) << e.seq;
                    const Call& c = *o->second;
                    EXPECT_TRUE(seen.insert(&c).second) << "two events for call " << c.entry;
                    // ...and everything in it is that call's.
                    ASSERT_TRUE(e.task);
                    EXPECT_EQ(e.task->tid, c.tid);
                    if (e.module) {
                        EXPECT_EQ(std::optional<std::string>(e.module->name), c.module);
                    }
                    if (e.ret) {
                        EXPECT_EQ(e.ret, c.ret);
                    }
                    const bool all_there = std::none_of(c.seqs.begin(), c.seqs.end(),
                                                        [&](auto s) { return s == i || s == j; });
                    if (!all_there) {
                        EXPECT_FALSE(e.complete);
                    }
                }
            }
        }
    }
}

TEST(CorrelateLoss, LossTotalsByCause) {
    Correlator c;
    Record r = finit_enter(1, 5, 100);
    Loss l;
    l.buffer_full = 2;
    l.socket_full = 1;
    l.nmissed = 4;
    l.nomem = 3;
    l.busy = 5;
    r.loss = l;
    c.feed(r);
    c.feed(loss_record(buffer_full(7)));
    EXPECT_EQ(c.totals().buffer_full, 9U);
    EXPECT_EQ(c.totals().socket_full, 1U);
    EXPECT_EQ(c.totals().nmissed, 4U);
    EXPECT_EQ(c.totals().nomem, 3U);
    EXPECT_EQ(c.totals().busy, 5U);
    EXPECT_EQ(c.summary().records, 2U);
}

TEST(CorrelateLoss, NmissedAndBusyExplainNoGap) {
    // nmissed and busy probe hits took no seq: a gap next to them is still waited for.
    for (const Loss& l : {nmissed(1), busy(1)}) {
        Correlator c;
        c.feed(finit_enter(1, 5, 100));
        Record exit = finit_exit(3, 5, 300, 1, EEXIST_, 200);
        exit.loss = l;
        c.feed(exit);
        EXPECT_TRUE(c.drain().empty());
        EXPECT_EQ(c.summary().seqs_missing, 0U);
        c.expire();
        const auto events = c.drain();
        ASSERT_EQ(events.size(), 1U);
        EXPECT_EQ(c.summary().seqs_missing, 1U);
        // Seq 2 was lost while the call was open and it ran no init: that may have been it.
        EXPECT_EQ(events[0].incomplete_reason, IncompleteReason::LostRecords);
        EXPECT_EQ(c.totals().total(), 1U);
    }
}

TEST(CorrelateLoss, LossReportedAheadOfTheGap) {
    // The kernel counted the drop of seq 3 before sending seq 2, so seq 2 carries it.
    Correlator c;
    c.feed(finit_enter(1, 5, 100));
    Record r2 = finit_enter(2, 6, 110);
    r2.loss = buffer_full(1);
    c.feed(r2);
    c.feed(finit_exit(4, 5, 300, 1, EEXIST_, 200));
    const auto events = c.drain();
    ASSERT_EQ(events.size(), 1U); // no wait for seq 3
    EXPECT_EQ(c.summary().seqs_missing, 1U);
}

// --- ordering --------------------------------------------------------------------------------

TEST(CorrelateOrder, OutOfOrderWithinTheWindow) {
    const auto baseline = as_json(run(scenario()));
    std::mt19937 rng(12345);
    for (int round = 0; round < 200; ++round) {
        // Shuffle in blocks of 4, so no record is more than 3 positions from its place.
        auto records = scenario();
        for (std::size_t b = 0; b < records.size(); b += 4) {
            const auto end = records.begin() + std::min(b + 4, records.size());
            std::shuffle(records.begin() + b, end, rng);
        }
        CorrelatorConfig config;
        config.reorder_window = 4;
        config.first_seq = 1;
        EXPECT_EQ(as_json(run(records, config)), baseline) << "round " << round;
    }
}

TEST(CorrelateOrder, ReversedDeliveryWaitsForTheFirst) {
    CorrelatorConfig config;
    config.first_seq = 1;
    Correlator d(config);
    const auto& records = scenario();
    for (auto it = records.rbegin(); it != records.rend(); ++it)
        d.feed(*it);
    // All 13 fit in the default window: everything waited for seq 1, then went through.
    const auto events = d.drain();
    EXPECT_EQ(as_json(events), as_json(run(scenario())));
    EXPECT_EQ(d.summary().seqs_missing, 0U);
    EXPECT_EQ(d.open_calls(), 0U);
}

TEST(CorrelateOrder, WindowBoundsTheWait) {
    CorrelatorConfig config;
    config.reorder_window = 3;
    Correlator c(config);
    c.feed(finit_enter(1, 5, 100));
    // Seq 2 never comes.
    c.feed(finit_exit(3, 5, 300, 1, EEXIST_, 200));
    c.feed(delete_enter(4, 6, 400));
    EXPECT_TRUE(c.drain().empty());
    c.feed(delete_exit(5, 6, 500, 4, 0, 100)); // 5 - 2 >= 3: seq 2 is given up
    const auto events = c.drain();
    ASSERT_EQ(events.size(), 2U);
    EXPECT_EQ(events[0].seq, 1U);
    EXPECT_EQ(events[1].seq, 4U);
    EXPECT_EQ(c.summary().seqs_missing, 1U);
}

TEST(CorrelateOrder, TimeBoundsTheWait) {
    CorrelatorConfig config;
    config.reorder_ns = 1000;
    Correlator c(config);
    c.feed(finit_enter(1, 5, 100));
    // Seq 2 never comes; seq 3 waits for it until a record 1000 ns younger than seq 3 arrives.
    c.feed(finit_exit(3, 5, 300, 1, EEXIST_, 200));
    c.feed(delete_enter(4, 6, 1299));
    EXPECT_TRUE(c.drain().empty());
    c.feed(delete_exit(5, 6, 1300, 4, 0, 1));
    const auto events = c.drain();
    ASSERT_EQ(events.size(), 2U);
    EXPECT_EQ(c.summary().seqs_missing, 1U);
}

TEST(CorrelateOrder, ExpireGivesUpGaps) {
    Correlator c;
    c.feed(finit_enter(1, 5, 100));
    c.feed(finit_exit(3, 5, 300, 1, EEXIST_, 200));
    EXPECT_TRUE(c.drain().empty());
    c.expire();
    EXPECT_EQ(c.drain().size(), 1U);
    // Seq 2 arriving now is too late.
    c.feed(do_init_enter(2, 5, 150));
    EXPECT_EQ(c.summary().late, 1U);
    EXPECT_EQ(c.summary().duplicates, 0U);
    EXPECT_TRUE(c.drain().empty());
}

TEST(CorrelateOrder, DuplicatesAreIgnored) {
    Correlator c;
    for (const auto& r : scenario()) {
        c.feed(r);
        c.feed(r); // at once
    }
    for (const auto& r : scenario())
        c.feed(r); // and again, later
    // One buffered ahead of a gap, then its twin.
    c.feed(delete_enter(15, 10, 3000));
    c.feed(delete_enter(15, 10, 3000));
    c.flush(IncompleteReason::ReaderStopped);
    const auto events = c.drain();
    auto expect = as_json(run(scenario()));
    EXPECT_EQ(as_json({events.begin(), events.begin() + 5}), expect);
    EXPECT_EQ(events.size(), 6U);
    EXPECT_EQ(c.summary().duplicates, 2 * scenario().size() + 1);
}

TEST(CorrelateOrder, FirstSeqFromTheSubscription) {
    CorrelatorConfig config;
    config.first_seq = 10;
    Correlator c(config);
    c.feed(finit_exit(11, 5, 300, 10, EEXIST_, 200));
    EXPECT_TRUE(c.drain().empty()); // seq 10 is due first
    c.feed(finit_enter(10, 5, 100));
    const auto events = c.drain();
    ASSERT_EQ(events.size(), 1U);
    EXPECT_TRUE(events[0].complete);
}

// --- deferred entries ------------------------------------------------------------------------

// A successful finit_module whose entry (seq 1) found the buffer full: the kernel kept it and
// sends it just before the return, after the init's records and thread 20's whole call.
Record deferred_entry() {
    Record r = finit_enter(1, 10, 100, "", "a=1", 0, 1);
    r.file.reset();
    r.flags = (1U << 8) | record_flag::path_unavailable; // MODTRACE_RECORD_F_DEFERRED
    return r;
}

std::vector<Record> deferred_records() {
    return {
        do_init_enter(2, 10, 110, "mt_a", "a=1"),
        finit_enter(3, 20, 120, "/m/mt_b.ko", "", 0, 2),
        finit_exit(4, 20, 130, 3, EEXIST_, 10),
        do_init_exit(5, 10, 140, 2, 0, "mt_a", 30),
        deferred_entry(),
        finit_exit(6, 10, 150, 1, 0, 50),
    };
}

TEST(CorrelateDeferred, LateEntryJoinsItsCall) {
    // The gap at seq 1 is given up once thread 20's records pass the window; the deferred
    // entry, arriving after that, still joins the call open on its thread.
    CorrelatorConfig config;
    config.first_seq = 1;
    config.reorder_window = 2;
    Correlator c(config);
    for (const auto& r : deferred_records())
        c.feed(r);
    const auto events = c.drain();
    ASSERT_EQ(events.size(), 2U);
    EXPECT_EQ(events[0].seq, 3U); // thread 20 was not held back
    const Event& e = events[1];
    EXPECT_EQ(e.seq, 1U);
    EXPECT_EQ(e.kind, EventKind::FinitModule);
    EXPECT_EQ(e.time_ns, 100U);
    EXPECT_EQ(e.args.params, "a=1");
    EXPECT_EQ(e.args.fd, 3);
    EXPECT_FALSE(e.args.path);
    EXPECT_EQ(e.module->name, "mt_a");
    EXPECT_EQ(e.outcome, Outcome::Loaded);
    EXPECT_TRUE(e.complete);
    EXPECT_FALSE(e.params_mismatch);
    EXPECT_EQ(c.summary().seqs_missing, 0U);
    EXPECT_EQ(c.summary().late, 0U);
    EXPECT_EQ(c.open_calls(), 0U);
}

TEST(CorrelateDeferred, SameEventWhenTheWindowWaitsForIt) {
    CorrelatorConfig narrow;
    narrow.first_seq = 1;
    narrow.reorder_window = 2;
    CorrelatorConfig wide = narrow;
    wide.reorder_window = 256;
    const auto late = run(deferred_records(), narrow);
    const auto waited = run(deferred_records(), wide);
    ASSERT_EQ(late.size(), 2U);
    ASSERT_EQ(waited.size(), 2U);
    // Waiting processes everything in seq order, so the events come out in another order.
    EXPECT_EQ(event_to_json(*find_seq(late, 1), {}), event_to_json(*find_seq(waited, 1), {}));
    EXPECT_EQ(event_to_json(*find_seq(late, 3), {}), event_to_json(*find_seq(waited, 3), {}));
}

TEST(CorrelateDeferred, LateEntryWithoutInitRecords) {
    // A 6.12 waiter whose entry was deferred: no call is open on its thread.
    CorrelatorConfig config;
    config.first_seq = 1;
    config.reorder_window = 1;
    const auto events = run({finit_enter(2, 20, 120), finit_exit(3, 20, 130, 2, EEXIST_, 10),
                             deferred_entry(), finit_exit(4, 10, 150, 1, 0, 50)},
                            config);
    ASSERT_EQ(events.size(), 2U);
    const Event& e = events[1];
    EXPECT_EQ(e.seq, 1U);
    EXPECT_EQ(e.args.params, "a=1");
    EXPECT_EQ(e.ret, 0);
    // The buffer was full while it ran: its init may have been lost.
    EXPECT_EQ(e.outcome, Outcome::Loaded);
    EXPECT_EQ(e.incomplete_reason, IncompleteReason::LostRecords);
}

TEST(CorrelateDeferred, OnlyDeferredEntriesAreTakenLate) {
    CorrelatorConfig config;
    config.first_seq = 1;
    config.reorder_window = 1;
    Record plain = deferred_entry();
    plain.flags = 0;
    Correlator c(config);
    for (const auto& r : {deferred_records()[0], deferred_records()[1], plain})
        c.feed(r);
    EXPECT_EQ(c.summary().late, 1U);
    // And a deferred entry only once: a second copy is a duplicate.
    Correlator d(config);
    for (const auto& r : deferred_records())
        d.feed(r);
    d.feed(deferred_entry());
    EXPECT_EQ(d.summary().late, 0U);
    EXPECT_EQ(d.summary().duplicates, 1U);
    EXPECT_EQ(d.drain().size(), 2U);
}

// --- the end ---------------------------------------------------------------------------------

TEST(CorrelateEnd, ShutdownFlushesOpenCalls) {
    Correlator c;
    c.feed(finit_enter(1, 10, 100, "/m/mt_sleep.ko"));
    c.feed(do_init_enter(2, 10, 110, "mt_sleep"));
    c.feed(finit_enter(3, 20, 120));
    c.feed(shutdown_record(5)); // seq 4 was taken, and lost
    auto events = c.drain();
    ASSERT_EQ(events.size(), 2U);
    EXPECT_EQ(events[0].seq, 1U);
    EXPECT_EQ(events[0].incomplete_reason, IncompleteReason::Shutdown);
    EXPECT_EQ(events[0].module->name, "mt_sleep");
    EXPECT_EQ(events[0].outcome, Outcome::Unknown);
    EXPECT_EQ(events[1].incomplete_reason, IncompleteReason::Shutdown);
    EXPECT_EQ(c.summary().seqs_missing, 1U);
    EXPECT_EQ(c.summary().shutdowns, 1U);
    EXPECT_EQ(c.open_calls(), 0U);

    // The module comes back: a new instance numbers from 1.
    c.feed(finit_enter(1, 30, 1000));
    c.feed(finit_exit(2, 30, 1100, 1, EEXIST_, 100));
    events = c.drain();
    ASSERT_EQ(events.size(), 1U);
    EXPECT_TRUE(events[0].complete);
    EXPECT_EQ(c.summary().duplicates, 0U);
}

TEST(CorrelateEnd, FlushReasonIsTheIncompleteReason) {
    const auto events = run({finit_enter(1, 10, 100)}, {}, IncompleteReason::ReaderStopped);
    ASSERT_EQ(events.size(), 1U);
    EXPECT_EQ(events[0].incomplete_reason, IncompleteReason::ReaderStopped);
    EXPECT_EQ(events[0].outcome, Outcome::Unknown);
    EXPECT_FALSE(events[0].ret);
}

TEST(CorrelateEnd, OldestOpenCallIsEvicted) {
    CorrelatorConfig config;
    config.max_open_calls = 2;
    Correlator c(config);
    c.feed(finit_enter(1, 10, 100));
    c.feed(finit_enter(2, 20, 110));
    EXPECT_TRUE(c.drain().empty());
    c.feed(finit_enter(3, 30, 120));
    auto events = c.drain();
    ASSERT_EQ(events.size(), 1U);
    EXPECT_EQ(events[0].seq, 1U);
    EXPECT_EQ(events[0].incomplete_reason, IncompleteReason::Evicted);
    EXPECT_EQ(c.open_calls(), 2U);
    EXPECT_EQ(c.summary().evicted, 1U);
    // The evicted call's return now stands alone; the others still join.
    c.feed(finit_exit(4, 10, 200, 1, 0, 100));
    c.feed(finit_exit(5, 20, 210, 2, EEXIST_, 100));
    events = c.drain();
    ASSERT_EQ(events.size(), 2U);
    EXPECT_EQ(events[0].incomplete_reason, IncompleteReason::MissingEntry);
    EXPECT_TRUE(events[1].complete);
}

TEST(CorrelateEnd, ManyCallsStayBounded) {
    CorrelatorConfig config;
    config.max_open_calls = 64;
    Correlator c(config);
    // Entries whose returns never come, each on its own thread.
    for (std::uint32_t i = 1; i <= 10000; ++i)
        c.feed(finit_enter(i, i, i));
    EXPECT_LE(c.open_calls(), 64U);
    EXPECT_EQ(c.summary().evicted, 10000U - 64U);
}

TEST(CorrelateEnd, SummaryCounts) {
    Correlator c;
    for (const auto& r : without({12}, true))
        c.feed(r);
    c.flush(IncompleteReason::ReaderStopped);
    EXPECT_EQ(c.summary().events, 5U);
    EXPECT_EQ(c.summary().incomplete, 1U);
    EXPECT_EQ(c.summary().seqs_missing, 1U);
    EXPECT_EQ(c.summary().records, 12U);
}

// --- params at entry against the kernel's copy ---------------------------------------------

struct MismatchCase {
    const char* caller;
    std::uint32_t entry_flags;
    const char* kernel;
    std::uint32_t init_flags;
    bool mismatch;
};

TEST(CorrelateParams, MismatchOnlyWhenTheStringsDisagree) {
    using namespace modtrace::record_flag;
    const MismatchCase cases[] = {
        {"a=1 b=2", 0, "a=1 b=2", 0, false},
        {"a=1 b=2", 0, "a=1 b=3", 0, true},
        {"a=1", 0, "a=1 ", 0, true},
        {"", 0, "", 0, false},
        {"", 0, "evil=1", 0, true},
        // Cut at the bound: a prefix of the kernel's copy is no mismatch, anything else is.
        {"a=1 b", params_truncated, "a=1 b=2", 0, false},
        {"a=1 c", params_truncated, "a=1 b=2", 0, true},
        // Unreadable past some point: what was read is a prefix.
        {"a=", params_unreadable, "a=1", 0, false},
        {"", params_unreadable, "a=1", 0, false},
        // The kernel's copy cut.
        {"a=1 b=2", 0, "a=1 b", args_truncated, false},
        {"a=1", 0, "a=1 b", args_truncated, true},
        {"x=1 b=2", 0, "a=1 b", args_truncated, true},
    };
    for (const auto& mc : cases) {
        Record enter = finit_enter(1, 10, 100, "/m/a.ko", mc.caller);
        enter.flags = mc.entry_flags;
        Record init = do_init_enter(2, 10, 110, "mt_a", mc.kernel);
        init.flags = mc.init_flags;
        const auto events = run({enter, init, do_init_exit(3, 10, 120, 2, 0, "mt_a"),
                                 finit_exit(4, 10, 130, 1, 0, 30)});
        ASSERT_EQ(events.size(), 1U);
        EXPECT_EQ(events[0].params_mismatch, mc.mismatch)
            << '"' << mc.caller << "\" vs \"" << mc.kernel << '"';
    }
}

TEST(CorrelateParams, NoKernelCopyNoMismatch) {
    Record enter = finit_enter(1, 10, 100, "/m/a.ko", "a=1");
    Record init = do_init_enter(2, 10, 110, "mt_a");
    init.module->args.reset();
    auto events = run(
        {enter, init, do_init_exit(3, 10, 120, 2, 0, "mt_a"), finit_exit(4, 10, 130, 1, 0, 30)});
    EXPECT_FALSE(events[0].params_mismatch);
    // Params unreadable at entry (absent): no mismatch either.
    enter.params.reset();
    events = run({enter, do_init_enter(2, 10, 110, "mt_a", "a=1"),
                  do_init_exit(3, 10, 120, 2, 0, "mt_a"), finit_exit(4, 10, 130, 1, 0, 30)});
    EXPECT_FALSE(events[0].params_mismatch);
}

TEST(CorrelateParams, KernelCopyNotKeptIsMarkedCut) {
    Record init = do_init_enter(2, 10, 110, "mt_a");
    init.module->args.reset();
    init.flags = modtrace::record_flag::args_unavailable;
    const auto events =
        run({finit_enter(1, 10, 100, "/m/a.ko", "a=1"), init,
             do_init_exit(3, 10, 120, 2, 0, "mt_a"), finit_exit(4, 10, 130, 1, 0, 30)});
    ASSERT_EQ(events.size(), 1U);
    ASSERT_TRUE(events[0].module);
    EXPECT_FALSE(events[0].module->params);
    EXPECT_TRUE(events[0].module->params_truncated);
    EXPECT_FALSE(events[0].params_mismatch);
    EXPECT_TRUE(events[0].complete);
}

// --- "waited" only with evidence ------------------------------------------------------------

TEST(CorrelateWaited, SuccessWithoutInitAndATrailingNmissedIsLostRecords) {
    // The kernel reports a loss with the next record it delivers: here a LOSS notice after the
    // return, for two probe hits the kprobe core skipped (perhaps this call's init).
    const auto events =
        run({finit_enter(1, 12, 100), finit_exit(2, 12, 200, 1, 0, 100), loss_record(nmissed(2))});
    ASSERT_EQ(events.size(), 1U);
    EXPECT_EQ(events[0].outcome, Outcome::Loaded);
    EXPECT_FALSE(events[0].module);
    EXPECT_FALSE(events[0].waited_on);
    EXPECT_FALSE(events[0].complete);
    EXPECT_EQ(events[0].incomplete_reason, IncompleteReason::LostRecords);
}

TEST(CorrelateWaited, TheEventWaitsForTheNextRecord) {
    Correlator c;
    c.feed(finit_enter(1, 12, 100));
    c.feed(finit_exit(2, 12, 200, 1, 0, 100));
    // Whether a loss explains it is told by the next record.
    EXPECT_TRUE(c.drain().empty());
    EXPECT_EQ(c.held_events(), 1U);
    c.feed(delete_enter(3, 13, 300));
    auto events = c.drain();
    ASSERT_EQ(events.size(), 1U);
    EXPECT_EQ(events[0].incomplete_reason, IncompleteReason::MissingInit);
    EXPECT_EQ(c.held_events(), 0U);
    // Or by nothing for a while.
    c.feed(finit_enter(4, 12, 400));
    c.feed(finit_exit(5, 12, 500, 4, 0, 100));
    EXPECT_TRUE(c.drain().empty());
    c.expire();
    events = c.drain();
    ASSERT_EQ(events.size(), 1U);
    EXPECT_EQ(events[0].incomplete_reason, IncompleteReason::MissingInit);
}

TEST(CorrelateWaited, LossesOfEveryCauseWhileOpen) {
    // Reported while the call was open, or with the record after its return; a seq given up in
    // its window too.
    for (const Loss& loss : {nmissed(1), busy(1), buffer_full(1)}) {
        Record exit = finit_exit(3, 12, 200, 1, 0, 100);
        exit.loss = loss;
        auto events = run({finit_enter(1, 12, 100), exit});
        ASSERT_EQ(events.size(), 1U);
        EXPECT_EQ(events[0].incomplete_reason, IncompleteReason::LostRecords);
        EXPECT_EQ(events[0].outcome, Outcome::Loaded);

        Record next = delete_enter(3, 13, 300);
        next.loss = loss;
        events = run({finit_enter(1, 12, 100), finit_exit(2, 12, 200, 1, 0, 100), next});
        ASSERT_EQ(events.size(), 2U);
        EXPECT_EQ(find_seq(events, 1)->incomplete_reason, IncompleteReason::LostRecords);
    }
    const auto gap = run({finit_enter(1, 12, 100), finit_exit(3, 12, 200, 1, 0, 100)});
    ASSERT_EQ(gap.size(), 1U);
    EXPECT_EQ(gap[0].incomplete_reason, IncompleteReason::LostRecords);
}

TEST(CorrelateWaited, AFailureDuringALossMayHaveBeenAnInitThatFailed) {
    Record exit = finit_exit(2, 12, 200, 1, ENODEV_, 100);
    exit.loss = busy(1);
    const auto events = run({finit_enter(1, 12, 100), exit});
    ASSERT_EQ(events.size(), 1U);
    EXPECT_EQ(events[0].outcome, Outcome::Failed);
    EXPECT_EQ(events[0].incomplete_reason, IncompleteReason::LostRecords);
}

TEST(CorrelateWaited, InitModuleSuccessWithoutInitIsIncomplete) {
    // init_module is never de-duplicated: a success always runs an init.
    const auto events = run({init_enter(1, 12, 100), init_exit(2, 12, 200, 1, 0, 100)});
    ASSERT_EQ(events.size(), 1U);
    EXPECT_EQ(events[0].outcome, Outcome::Loaded);
    EXPECT_EQ(events[0].incomplete_reason, IncompleteReason::MissingInit);
}

TEST(CorrelateWaited, WaiterThatCameDuringTheLoadersInit) {
    // Thread 12 enters while thread 11's init runs (its do_init_enter came first).
    const auto events = run({
        finit_enter_new(1, 11, 100, 77),
        do_init_enter(2, 11, 110, "mt_sleep"),
        finit_enter_new(3, 12, 120, 77),
        do_init_exit(4, 11, 130, 2, 0, "mt_sleep", 20),
        finit_exit_new(5, 12, 140, 3, 0, 20, "/m/mt_sleep.ko", 77),
        finit_exit_new(6, 11, 150, 1, 0, 50, "/m/mt_sleep.ko", 77),
    });
    const Event* w = find_seq(events, 3);
    ASSERT_TRUE(w);
    EXPECT_EQ(w->outcome, Outcome::Waited);
    ASSERT_TRUE(w->waited_on);
    EXPECT_EQ(w->waited_on->tid, 11U);
    EXPECT_EQ(w->waited_on->module, "mt_sleep");
    EXPECT_TRUE(w->complete);
}

TEST(CorrelateWaited, NoWaitOnALoadThatHadReturnedOrNotBegun) {
    // Thread 11 loaded the file and returned before thread 12 entered: 12 did not wait for it.
    auto events = run({
        finit_enter_new(1, 11, 100, 77),
        do_init_enter(2, 11, 110),
        do_init_exit(3, 11, 120, 2, 0),
        finit_exit_new(4, 11, 130, 1, 0, 30, "/m/a.ko", 77),
        finit_enter_new(5, 12, 140, 77),
        finit_exit_new(6, 12, 150, 5, 0, 10, "/m/a.ko", 77),
    });
    EXPECT_EQ(find_seq(events, 5)->incomplete_reason, IncompleteReason::MissingInit);
    EXPECT_FALSE(find_seq(events, 5)->waited_on);
    // Thread 11's init began after thread 12 had returned.
    events = run({
        finit_enter_new(1, 12, 100, 77),
        finit_enter_new(2, 11, 110, 77),
        finit_exit_new(3, 12, 120, 1, 0, 20, "/m/a.ko", 77),
        do_init_enter(4, 11, 130),
        do_init_exit(5, 11, 140, 4, 0),
        finit_exit_new(6, 11, 150, 2, 0, 40, "/m/a.ko", 77),
    });
    EXPECT_EQ(find_seq(events, 1)->incomplete_reason, IncompleteReason::MissingInit);
}

TEST(CorrelateWaited, LoaderKnownFromItsReturnsFile) {
    // The loading call's entry was lost; its return, the record after the waiter's, names the
    // file. The waiter's event waited for it.
    CorrelatorConfig config;
    config.first_seq = 2;
    const auto events = run(
        {
            do_init_enter(2, 11, 110),
            finit_enter_new(3, 12, 120, 77),
            do_init_exit(4, 11, 130, 2, 0),
            finit_exit_new(5, 12, 140, 3, 0, 20, "/m/mt_clean.ko", 77),
            finit_exit_new(6, 11, 150, 1, 0, 60, "/m/mt_clean.ko", 77),
        },
        config);
    ASSERT_EQ(events.size(), 2U);
    const Event* w = find_seq(events, 3);
    ASSERT_TRUE(w);
    EXPECT_EQ(w->outcome, Outcome::Waited);
    ASSERT_TRUE(w->waited_on);
    EXPECT_EQ(w->waited_on->seq, 1U);
    EXPECT_TRUE(w->complete);
    EXPECT_EQ(find_seq(events, 1)->incomplete_reason, IncompleteReason::MissingEntry);
}

// --- the file the kernel read ----------------------------------------------------------------

TEST(CorrelateFile, PathAndIdentityFromTheReturn) {
    const auto events = run({
        finit_enter_new(1, 10, 100, 5),
        do_init_enter(2, 10, 110),
        do_init_exit(3, 10, 120, 2, 0),
        finit_exit_new(4, 10, 130, 1, 0, 30, "/lib/mt/mt_clean.ko", 5),
    });
    ASSERT_EQ(events.size(), 1U);
    const EventArgs& a = events[0].args;
    EXPECT_EQ(a.path, "/lib/mt/mt_clean.ko");
    EXPECT_EQ(a.dev, 0x801U);
    EXPECT_EQ(a.ino, 5U);
    EXPECT_FALSE(a.caller_dev);
    EXPECT_FALSE(a.caller_ino);
    EXPECT_FALSE(events[0].file_changed);
    EXPECT_TRUE(events[0].complete);
}

TEST(CorrelateFile, AnOlderModulesEntryPathIsKept) {
    const auto events = run({finit_enter(1, 10, 100, "/old/mt_clean.ko", "", 0, 5),
                             finit_exit(2, 10, 130, 1, EEXIST_, 30)});
    ASSERT_EQ(events.size(), 1U);
    EXPECT_EQ(events[0].args.path, "/old/mt_clean.ko");
    EXPECT_EQ(events[0].args.ino, 5U);
    EXPECT_FALSE(events[0].file_changed);
}

TEST(CorrelateFile, TheFdReplacedDuringTheCall) {
    // Another inode at the return: the kernel read another file than the caller's fd had.
    auto events = run({finit_enter_new(1, 10, 100, 5, 0x10305),
                       finit_exit_new(2, 10, 130, 1, EEXIST_, 30, "/tmp/evil.ko", 6)});
    ASSERT_EQ(events.size(), 1U);
    EXPECT_TRUE(events[0].file_changed);
    EXPECT_EQ(events[0].args.path, "/tmp/evil.ko");
    EXPECT_EQ(events[0].args.ino, 6U);
    EXPECT_EQ(events[0].args.dev, 0x801U);
    EXPECT_EQ(events[0].args.caller_dev, 0x10305U);
    EXPECT_EQ(events[0].args.caller_ino, 5U);

    // The kernel's flag alone (the same inode through another open file).
    Record flagged = finit_exit_new(2, 10, 130, 1, EEXIST_, 30, "/m/a.ko", 5);
    flagged.flags = record_flag::file_changed;
    events = run({finit_enter_new(1, 10, 100, 5), flagged});
    ASSERT_EQ(events.size(), 1U);
    EXPECT_TRUE(events[0].file_changed);
    EXPECT_FALSE(events[0].args.caller_dev);
    EXPECT_FALSE(events[0].args.caller_ino);
}

TEST(CorrelateFile, PathFlagsOfTheRecordThatCarriedIt) {
    Record exit = finit_exit_new(2, 10, 130, 1, EEXIST_, 30, "/very/long/pa", 5);
    exit.flags = record_flag::path_truncated;
    const auto events = run({finit_enter_new(1, 10, 100, 5), exit});
    ASSERT_EQ(events.size(), 1U);
    EXPECT_TRUE(events[0].args.path_partial);
}

// --- MODULE_FREE -----------------------------------------------------------------------------

TEST(CorrelateFree, UnloadNamesTheModuleTheKernelFreed) {
    const auto events = run({delete_enter(1, 10, 100, "mt_clean"), module_free(2, 10, 110),
                             delete_exit(3, 10, 120, 1, 0, 20)});
    ASSERT_EQ(events.size(), 1U);
    ASSERT_TRUE(events[0].module);
    EXPECT_EQ(events[0].module->name, "mt_clean");
    EXPECT_FALSE(events[0].module->version);
    EXPECT_FALSE(events[0].module->init_ret);
    EXPECT_FALSE(events[0].name_mismatch);
    EXPECT_EQ(events[0].records, 3U);
    EXPECT_TRUE(events[0].complete);
    // Without it: no module.
    const auto plain = run({delete_enter(1, 10, 100), delete_exit(2, 10, 120, 1, EBUSY_, 20)});
    ASSERT_EQ(plain.size(), 1U);
    EXPECT_FALSE(plain[0].module);
}

TEST(CorrelateFree, NameMismatch) {
    const auto events = run({delete_enter(1, 10, 100, "mt_clean"), module_free(2, 10, 110, "evil"),
                             delete_exit(3, 10, 120, 1, 0, 20)});
    ASSERT_EQ(events.size(), 1U);
    EXPECT_TRUE(events[0].name_mismatch);
    // A name cut at the bound is compared as far as it goes.
    Record cut = delete_enter(1, 10, 100, "mt_cl");
    cut.flags = record_flag::name_truncated;
    const auto prefix =
        run({cut, module_free(2, 10, 110, "mt_clean"), delete_exit(3, 10, 120, 1, 0, 20)});
    EXPECT_FALSE(prefix[0].name_mismatch);
}

TEST(CorrelateFree, AFailedInitsFreeChangesNothing) {
    std::vector<Record> records = {
        finit_enter(1, 10, 100),
        do_init_enter(2, 10, 110, "mt_fail"),
        do_init_exit(3, 10, 120, 2, ENODEV_, "mt_fail"),
        finit_exit(4, 10, 130, 1, ENODEV_, 30),
    };
    const auto without_free = run(records);
    Record free = module_free(4, 10, 125, "mt_fail");
    records.insert(records.begin() + 3, free);
    for (std::size_t i = 4; i < records.size(); ++i)
        ++*records[i].seq;
    const auto with_free = run(records);
    ASSERT_EQ(with_free.size(), 1U);
    EXPECT_EQ(with_free[0].records, 5U);
    EXPECT_EQ(event_to_json(with_free[0], {}), event_to_json(without_free[0], {}));
}

TEST(CorrelateFree, FreeWhoseUnloadEntryWasLost) {
    CorrelatorConfig config;
    config.first_seq = 1;
    Record late = module_free(2, 10, 110);
    late.loss = buffer_full(1);
    const auto events = run({late, delete_exit(3, 10, 120, 1, 0, 20)}, config);
    ASSERT_EQ(events.size(), 1U);
    EXPECT_EQ(events[0].kind, EventKind::DeleteModule);
    EXPECT_EQ(events[0].seq, 1U);
    EXPECT_EQ(events[0].module->name, "mt_clean");
    EXPECT_EQ(events[0].outcome, Outcome::Unloaded);
    EXPECT_EQ(events[0].incomplete_reason, IncompleteReason::MissingEntry);
    EXPECT_EQ(events[0].records, 2U);
}

// --- records of a newer module ---------------------------------------------------------------

TEST(CorrelateUnknown, UnknownTypeIsPartOfNoEventAndLeavesNoGap) {
    Record unknown = delete_enter(2, 10, 110);
    unknown.type = static_cast<RecordType>(42);
    Correlator c;
    c.feed(delete_enter(1, 10, 100));
    c.feed(unknown);
    c.feed(delete_exit(3, 10, 120, 1, 0, 20));
    const auto events = c.drain();
    ASSERT_EQ(events.size(), 1U);
    EXPECT_TRUE(events[0].complete);
    EXPECT_EQ(events[0].records, 2U);
    EXPECT_EQ(c.summary().seqs_missing, 0U);
    EXPECT_EQ(c.summary().unknown, 1U);
    EXPECT_EQ(c.summary().malformed, 0U);
    // Without a seq it is counted too, and changes nothing.
    Record bare;
    bare.type = static_cast<RecordType>(43);
    c.feed(bare);
    EXPECT_EQ(c.summary().unknown, 2U);
    EXPECT_TRUE(c.drain().empty());
}

// --- accounting ------------------------------------------------------------------------------

std::uint64_t accounted(const CorrelatorSummary& s) {
    return s.joined + s.control + s.malformed + s.unknown + s.duplicates + s.late;
}

TEST(CorrelateAccounting, EveryRecordEndsInOnePlace) {
    // The scenario with every pair of records lost, reported or not, duplicated and shuffled.
    std::mt19937 rng(7);
    const std::uint64_t n = scenario().size();
    for (std::uint64_t i = 1; i <= n; ++i) {
        for (std::uint64_t j = i; j <= n; ++j) {
            auto records = without({i, j}, (i + j) % 2 == 0);
            records.push_back(records[rng() % records.size()]); // a duplicate
            records.push_back(module_free(50, 20, 5000));
            Record unknown = delete_enter(51, 20, 5100);
            unknown.type = static_cast<RecordType>(99);
            records.push_back(unknown);
            std::shuffle(records.begin(), records.end(), rng);
            CorrelatorConfig config;
            config.reorder_window = 1 + rng() % 4;
            config.max_open_calls = 1 + rng() % 3;
            Correlator c(config);
            std::uint64_t in_events = 0;
            for (const auto& r : records)
                c.feed(r);
            c.flush(IncompleteReason::ReaderStopped);
            for (const auto& e : c.drain())
                in_events += e.records;
            const CorrelatorSummary& s = c.summary();
            EXPECT_EQ(s.records, records.size());
            EXPECT_EQ(in_events, s.joined);
            EXPECT_EQ(accounted(s), s.records) << "lost " << i << " and " << j;
            EXPECT_EQ(c.open_calls(), 0U);
            EXPECT_EQ(c.held_events(), 0U);
        }
    }
}

// --- hostile input ---------------------------------------------------------------------------

TEST(CorrelateHostile, RecordsWithoutSeqOrTask) {
    Correlator c;
    Record r = finit_enter(1, 10, 100);
    r.seq.reset();
    c.feed(r);
    EXPECT_EQ(c.summary().malformed, 1U);
    Record t = finit_enter(1, 10, 100);
    t.task.reset();
    c.feed(t);
    Record x = finit_exit(2, 10, 200, 1, 0, 100);
    x.task.reset();
    c.feed(x);
    Record bogus = finit_enter(3, 10, 300);
    bogus.type = static_cast<RecordType>(99);
    c.feed(bogus);
    c.flush(IncompleteReason::ReaderStopped);
    EXPECT_EQ(c.summary().malformed, 1U);
    EXPECT_EQ(c.summary().unknown, 1U); // a newer module's type: not malformed
    const auto events = c.drain();
    ASSERT_EQ(events.size(), 1U);
    EXPECT_FALSE(events[0].task);
}

TEST(CorrelateHostile, HugeSeqJumpsDoNotLoop) {
    Correlator c;
    c.feed(finit_enter(1, 10, 100));
    c.feed(finit_exit(UINT64_MAX - 2, 10, 200, 1, 0, 100));
    c.feed(finit_exit(UINT64_MAX - 1, 10, 200, 1, 0, 100));
    c.flush(IncompleteReason::ReaderStopped);
    EXPECT_EQ(c.summary().seqs_missing, UINT64_MAX - 4);
    EXPECT_EQ(c.drain().size(), 2U);
}

// The last u64 is a seq the kernel never gives: the next one would wrap to 0 and the record
// would be counted nowhere.
TEST(CorrelateHostile, TheLastSeqIsMalformed) {
    Correlator c;
    c.feed(finit_enter(UINT64_MAX, 10, 100));
    c.feed(finit_enter(1, 11, 100));
    c.flush(IncompleteReason::ReaderStopped);
    const CorrelatorSummary& s = c.summary();
    EXPECT_EQ(s.malformed, 1U);
    EXPECT_EQ(s.records, s.joined + s.control + s.malformed + s.unknown + s.duplicates + s.late);
    EXPECT_EQ(c.drain().size(), 1U);
}

// Module requests (__request_module()): entry and return make one request_module event; the
// modprobe the kernel starts carries the request in its records, and so do its events.
TEST(Correlate, RequestModuleIsOneEvent) {
    const auto events = run({request_enter(1, 412, 1000), request_exit(2, 412, 3000, 1, 0, 2000)});
    ASSERT_EQ(events.size(), 1U);
    const Event& e = events[0];
    EXPECT_EQ(e.kind, EventKind::RequestModule);
    EXPECT_EQ(e.seq, 1U);
    EXPECT_EQ(e.args.name, "rtnl-link-dummy");
    EXPECT_EQ(e.args.wait, true);
    EXPECT_EQ(e.ret, 0);
    EXPECT_EQ(e.outcome, Outcome::Requested);
    EXPECT_EQ(e.duration_ns, 2000U);
    EXPECT_TRUE(e.complete);
    EXPECT_EQ(e.records, 2U);
}

TEST(Correlate, RequestModuleThatFails) {
    // modprobe exited 1: the kernel returns its wait status
    const auto events =
        run({request_enter(1, 412, 1000), request_exit(2, 412, 3000, 1, 256, 2000)});
    ASSERT_EQ(events.size(), 1U);
    EXPECT_EQ(events[0].outcome, Outcome::RequestFailed);
    EXPECT_TRUE(events[0].failed());
}

TEST(Correlate, RequestInsideALoadClosesNothing) {
    // A module's init asks for another module: the load stays open on its thread.
    const auto events = run({
        finit_enter(1, 100, 1000),
        do_init_enter(2, 100, 1500, "mt_clean", ""),
        request_enter(3, 100, 1600),
        request_exit(4, 100, 1700, 3, 0, 100),
        do_init_exit(5, 100, 2500, 2, 0, "mt_clean", 1000),
        finit_exit(6, 100, 3000, 1, 0, 2000),
    });
    ASSERT_EQ(events.size(), 2U);
    EXPECT_EQ(events[0].kind, EventKind::RequestModule);
    EXPECT_TRUE(events[0].complete);
    EXPECT_EQ(events[1].kind, EventKind::FinitModule);
    EXPECT_TRUE(events[1].complete);
    EXPECT_EQ(events[1].outcome, Outcome::Loaded);
}

TEST(Correlate, TheHelpersLoadCarriesTheRequest) {
    Record enter = finit_enter(2, 500, 1200);
    enter.task->comm = "modprobe";
    enter.request = request_of(1, 412);
    Record exit = finit_exit(5, 500, 1800, 2, 0, 600);
    exit.request = request_of(1, 412);
    Record init_enter = do_init_enter(3, 500, 1300, "dummy", "");
    init_enter.request = request_of(1, 412);
    Record init_exit = do_init_exit(4, 500, 1700, 3, 0, "dummy", 400);
    init_exit.request = request_of(1, 412);
    const auto events = run({request_enter(1, 412, 1000), enter, init_enter, init_exit, exit,
                             request_exit(6, 412, 3000, 1, 0, 2000)});
    ASSERT_EQ(events.size(), 2U);
    EXPECT_EQ(events[0].kind, EventKind::FinitModule);
    ASSERT_TRUE(events[0].request);
    EXPECT_EQ(*events[0].request, request_of(1, 412));
    EXPECT_EQ(events[1].kind, EventKind::RequestModule);
    EXPECT_FALSE(events[1].request);
}

TEST(Correlate, RequestWhoseEntryWasLost) {
    const auto events = run({request_exit(2, 412, 3000, 1, -2, 2000, std::nullopt)},
                            CorrelatorConfig{.first_seq = 1});
    ASSERT_EQ(events.size(), 1U);
    EXPECT_EQ(events[0].kind, EventKind::RequestModule);
    EXPECT_FALSE(events[0].complete);
    EXPECT_EQ(events[0].incomplete_reason, IncompleteReason::MissingEntry);
    EXPECT_EQ(events[0].outcome, Outcome::RequestFailed);
    EXPECT_EQ(events[0].time_ns, 1000U);
}

TEST(Correlate, RequestWhoseReturnWasLost) {
    const auto events = run({request_enter(1, 412, 1000), request_enter(2, 412, 2000),
                             request_exit(3, 412, 3000, 2, 0, 1000)});
    ASSERT_EQ(events.size(), 2U);
    EXPECT_EQ(events[0].seq, 1U);
    EXPECT_EQ(events[0].incomplete_reason, IncompleteReason::MissingReturn);
    EXPECT_EQ(events[1].seq, 2U);
    EXPECT_TRUE(events[1].complete);
}

} // namespace
