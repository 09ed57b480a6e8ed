// Who unloaded modtrace: the delete_module("modtrace") whose return said 0.
#include "self_unload.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>

using modtrace::Record;
using modtrace::RecordType;

namespace {

Record enter(std::uint64_t seq, std::string name, std::uint32_t flags = O_NONBLOCK) {
    Record r;
    r.type = RecordType::DeleteModuleEnter;
    r.seq = seq;
    r.task = modtrace::Task{};
    r.task->tgid = 321;
    r.task->tid = 321;
    r.task->uid = 0;
    r.task->loginuid = 1000;
    r.task->comm = "rmmod";
    r.name = std::move(name);
    r.delete_flags = flags;
    return r;
}

Record exit(std::uint64_t seq, std::uint64_t entry_seq, std::int64_t ret) {
    Record r;
    r.type = RecordType::DeleteModuleExit;
    r.seq = seq;
    r.entry_seq = entry_seq;
    r.ret = ret;
    return r;
}

} // namespace

TEST(SelfUnload, NamesWhoUnloadedIt) {
    modtrace::SelfUnloadWitness w;
    w.feed(enter(7, "modtrace"));
    EXPECT_EQ(w.unloaded_line(), "the kernel module was unloaded");
    w.feed(exit(8, 7, 0));
    ASSERT_TRUE(w.unloaded_by());
    EXPECT_EQ(w.unloaded_line(),
              "the kernel module was unloaded by pid 321 (rmmod), uid 0, loginuid 1000");
}

TEST(SelfUnload, SaysWhenForced) {
    modtrace::SelfUnloadWitness w;
    w.feed(enter(3, "modtrace", O_NONBLOCK | O_TRUNC));
    w.feed(exit(4, 3, 0));
    EXPECT_EQ(w.unloaded_line(), "the kernel module was unloaded by pid 321 (rmmod), uid 0, "
                                 "loginuid 1000, forced (O_TRUNC)");
}

TEST(SelfUnload, IgnoresFailedAttemptsAndOtherModules) {
    modtrace::SelfUnloadWitness w;
    w.feed(enter(1, "modtrace"));
    w.feed(exit(2, 1, -11)); // locked: EWOULDBLOCK
    w.feed(enter(3, "dummy"));
    w.feed(exit(4, 3, 0));
    w.feed(exit(5, 99, 0)); // an entry never seen
    EXPECT_FALSE(w.unloaded_by());
    EXPECT_EQ(w.unloaded_line(), "the kernel module was unloaded");
}

TEST(SelfUnload, UnsetLoginuid) {
    modtrace::SelfUnloadWitness w;
    Record e = enter(1, "modtrace");
    e.task->loginuid = 0xffffffffU;
    w.feed(e);
    w.feed(exit(2, 1, 0));
    EXPECT_EQ(w.unloaded_line(),
              "the kernel module was unloaded by pid 321 (rmmod), uid 0, loginuid unset");
}
