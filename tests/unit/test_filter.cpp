// Event filters.
#include "filter.hpp"

#include <gtest/gtest.h>

namespace {

using namespace modtrace;

Event finit_event(std::string path, std::optional<std::string> module, std::int64_t ret) {
    Event e;
    e.kind = EventKind::FinitModule;
    Task t;
    t.tgid = 100;
    t.tid = 101;
    t.uid = 1000;
    t.euid = 0;
    t.comm = "modprobe";
    e.task = t;
    e.args.path = std::move(path);
    if (module) {
        e.module = EventModule{};
        e.module->name = *module;
    }
    e.ret = ret;
    e.outcome = ret == 0 ? Outcome::Loaded : Outcome::Rejected;
    return e;
}

TEST(Filter, EmptyMatchesEverything) {
    EXPECT_TRUE(Filter{}.matches(Event{}));
    EXPECT_TRUE(Filter{}.matches(finit_event("/x.ko", "x", 0)));
}

TEST(Filter, PidMatchesProcessOrThread) {
    const Event e = finit_event("/x.ko", "x", 0);
    Filter f;
    f.pids = {100};
    EXPECT_TRUE(f.matches(e));
    f.pids = {101};
    EXPECT_TRUE(f.matches(e));
    f.pids = {102, 103};
    EXPECT_FALSE(f.matches(e));
    EXPECT_FALSE(f.matches(Event{})); // no task, no pid
}

TEST(Filter, UidMatchesRealOrEffective) {
    const Event e = finit_event("/x.ko", "x", 0);
    Filter f;
    f.uids = {1000};
    EXPECT_TRUE(f.matches(e));
    f.uids = {0};
    EXPECT_TRUE(f.matches(e));
    f.uids = {1};
    EXPECT_FALSE(f.matches(e));
}

TEST(Filter, Comm) {
    const Event e = finit_event("/x.ko", "x", 0);
    Filter f;
    f.comms = {"insmod", "modprobe"};
    EXPECT_TRUE(f.matches(e));
    f.comms = {"modprob"};
    EXPECT_FALSE(f.matches(e));
}

TEST(Filter, ModuleByNameArgPathAndDashes) {
    Filter f;
    f.modules = {"snd_hda_intel"};
    EXPECT_TRUE(f.matches(finit_event("/lib/modules/6.1/snd-hda-intel.ko.zst", std::nullopt, 0)));
    EXPECT_TRUE(f.matches(finit_event("/tmp/other.ko", "snd_hda_intel", 0)));
    EXPECT_FALSE(f.matches(finit_event("/tmp/snd_hda_intel_x.ko", std::nullopt, 0)));
    f.modules = {"mt-clean"};
    EXPECT_TRUE(f.matches(finit_event("/m/mt_clean.ko.xz", std::nullopt, 0)));
    EXPECT_TRUE(f.matches(finit_event("/m/mt_clean.ko.gz", std::nullopt, 0)));
    EXPECT_TRUE(f.matches(finit_event("mt_clean.ko", std::nullopt, 0)));
    EXPECT_FALSE(f.matches(finit_event("/m/mt_clean.o", std::nullopt, 0)));

    Event del;
    del.kind = EventKind::DeleteModule;
    del.args.name = "mt_clean";
    EXPECT_TRUE(f.matches(del));
    del.args.name = "mt_cleanx";
    EXPECT_FALSE(f.matches(del));
}

TEST(Filter, ModuleNameOfPath) {
    EXPECT_EQ(module_name_of_path("/a/b/foo-bar.ko.zst"), "foo-bar");
    EXPECT_EQ(module_name_of_path("foo.ko"), "foo");
    EXPECT_EQ(module_name_of_path("/a/.ko"), ".ko");
    EXPECT_EQ(module_name_of_path("/a/b/"), "");
    EXPECT_EQ(module_name_of_path("/a/foo.ko.bak"), "foo.ko.bak");
}

TEST(Filter, EventKinds) {
    Filter f;
    f.events = {EventKind::DeleteModule, EventKind::CreateModule};
    EXPECT_FALSE(f.matches(finit_event("/x.ko", "x", 0)));
    Event e;
    e.kind = EventKind::CreateModule;
    EXPECT_TRUE(f.matches(e));
}

TEST(Filter, FailedOnly) {
    Filter f;
    f.failed_only = true;
    EXPECT_FALSE(f.matches(finit_event("/x.ko", "x", 0)));
    EXPECT_TRUE(f.matches(finit_event("/x.ko", std::nullopt, -17)));
    Event incomplete; // return lost, init failed
    incomplete.outcome = Outcome::InitFailed;
    EXPECT_TRUE(f.matches(incomplete));
    Event unknown;
    EXPECT_FALSE(f.matches(unknown));
}

TEST(Filter, AllListsMustMatch) {
    Filter f;
    f.pids = {100};
    f.modules = {"y"};
    EXPECT_FALSE(f.matches(finit_event("/x.ko", "x", 0)));
    f.modules = {"x"};
    EXPECT_TRUE(f.matches(finit_event("/x.ko", "x", 0)));
}

// The modprobe the kernel ran for a request is selected by its requester too.
TEST(Filter, PidUidAndCommMatchTheRequester) {
    Event e = finit_event("/x.ko", "x", 0);
    RequestInfo q;
    q.seq = 5;
    q.tgid = 412;
    q.tid = 413;
    q.comm = "ip";
    q.uid = 1001;
    e.request = q;
    Filter f;
    for (const std::uint32_t pid : {412U, 413U, 100U}) {
        f.pids = {pid};
        EXPECT_TRUE(f.matches(e)) << pid;
    }
    f.pids = {999};
    EXPECT_FALSE(f.matches(e));
    f = Filter{};
    f.uids = {1001};
    EXPECT_TRUE(f.matches(e));
    f.uids = {1002};
    EXPECT_FALSE(f.matches(e));
    f = Filter{};
    f.comms = {"ip"};
    EXPECT_TRUE(f.matches(e));
    f.comms = {"modprobe"};
    EXPECT_TRUE(f.matches(e));
    f.comms = {"insmod"};
    EXPECT_FALSE(f.matches(e));
}

} // namespace
