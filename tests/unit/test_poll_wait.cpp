// How the netlink client waits: input, the stop descriptor, the time limit and a hang-up, on
// pipes standing in for the socket and the signalfd.
#include "poll_wait.hpp"

#include <chrono>
#include <gtest/gtest.h>
#include <unistd.h>

namespace {

using modtrace::Readiness;
using modtrace::wait_for_input;

struct Pipe {
    int read = -1;
    int write = -1;
    Pipe() {
        int fds[2];
        if (pipe(fds) == 0) {
            read = fds[0];
            write = fds[1];
        }
    }
    ~Pipe() {
        close_write();
        if (read >= 0)
            close(read);
    }
    void put() const { ASSERT_EQ(::write(write, "x", 1), 1); }
    void close_write() {
        if (write >= 0)
            close(write);
        write = -1;
    }
};

TEST(PollWait, TimesOutWithoutInput) {
    Pipe socket;
    Pipe stop;
    const auto start = std::chrono::steady_clock::now();
    auto got = wait_for_input(socket.read, stop.read, 50);
    const auto waited = std::chrono::steady_clock::now() - start;
    ASSERT_TRUE(got);
    EXPECT_EQ(*got, Readiness::Timeout);
    EXPECT_GE(waited, std::chrono::milliseconds(45));
    auto now = wait_for_input(socket.read, -1, 0);
    ASSERT_TRUE(now);
    EXPECT_EQ(*now, Readiness::Timeout);
}

TEST(PollWait, InputIsReported) {
    Pipe socket;
    Pipe stop;
    socket.put();
    auto got = wait_for_input(socket.read, stop.read, -1);
    ASSERT_TRUE(got);
    EXPECT_EQ(*got, Readiness::Input);
}

TEST(PollWait, StopWinsOverInput) {
    Pipe socket;
    Pipe stop;
    socket.put();
    stop.put();
    auto got = wait_for_input(socket.read, stop.read, -1);
    ASSERT_TRUE(got);
    EXPECT_EQ(*got, Readiness::Stop);
}

TEST(PollWait, StopIgnoredWhenNotWatched) {
    Pipe socket;
    Pipe stop;
    stop.put();
    auto got = wait_for_input(socket.read, -1, 10);
    ASSERT_TRUE(got);
    EXPECT_EQ(*got, Readiness::Timeout);
}

TEST(PollWait, HangUpWithoutInputIsAnError) {
    Pipe socket;
    socket.close_write();
    auto got = wait_for_input(socket.read, -1, -1);
    ASSERT_FALSE(got);
    EXPECT_NE(got.error().message.find("closed"), std::string::npos);
}

TEST(PollWait, InputBeforeAHangUpIsStillInput) {
    Pipe socket;
    socket.put();
    socket.close_write();
    auto got = wait_for_input(socket.read, -1, -1);
    ASSERT_TRUE(got);
    EXPECT_EQ(*got, Readiness::Input);
}

} // namespace
