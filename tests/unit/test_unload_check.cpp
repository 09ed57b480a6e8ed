// When the reader asks whether the kernel module is still there: once the socket has been quiet
// after messages came, not while idle, and with a growing wait after a failed question.
#include "unload_check.hpp"

#include <gtest/gtest.h>

namespace {

using modtrace::UnloadCheck;
using std::chrono::milliseconds;

const UnloadCheck::Clock::time_point t0{std::chrono::hours(1)};

TEST(UnloadCheck, NothingToAskBeforeAnyMessage) {
    UnloadCheck check;
    EXPECT_FALSE(check.due());
}

TEST(UnloadCheck, AskedOnceTheSocketHasBeenQuiet) {
    UnloadCheck check(milliseconds(2000));
    check.activity(t0);
    ASSERT_TRUE(check.due());
    EXPECT_EQ(*check.due(), t0 + milliseconds(2000));
    // More messages push it back: the socket is not quiet yet.
    check.activity(t0 + milliseconds(1500));
    EXPECT_EQ(*check.due(), t0 + milliseconds(3500));
}

TEST(UnloadCheck, AnIdleReaderAsksNothingAfterAnAnswer) {
    UnloadCheck check;
    check.activity(t0);
    check.answered();
    EXPECT_FALSE(check.due());
    // Only new messages make it ask again.
    check.activity(t0 + std::chrono::hours(5));
    EXPECT_EQ(*check.due(), t0 + std::chrono::hours(5) + milliseconds(2000));
}

TEST(UnloadCheck, AFailedQuestionIsAskedAgainLaterAndLater) {
    UnloadCheck check(milliseconds(2000), milliseconds(10000));
    check.activity(t0);
    check.failed(t0 + milliseconds(2000));
    EXPECT_EQ(*check.due(), t0 + milliseconds(6000));
    check.failed(t0 + milliseconds(6000));
    EXPECT_EQ(*check.due(), t0 + milliseconds(14000));
    check.failed(t0 + milliseconds(14000));
    EXPECT_EQ(*check.due(), t0 + milliseconds(24000)); // capped at 10 s
    // An answer, then messages: back to the short wait.
    check.answered();
    check.activity(t0 + milliseconds(30000));
    check.failed(t0 + milliseconds(32000));
    EXPECT_EQ(*check.due(), t0 + milliseconds(36000));
}

} // namespace
