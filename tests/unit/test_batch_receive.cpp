// Receiving several datagrams in one call, over a socketpair: how many came, their bytes in
// order, one cut short marked truncated, and an empty socket giving none without waiting.
#include "batch_receive.hpp"

#include <gtest/gtest.h>
#include <string>
#include <sys/socket.h>
#include <unistd.h>

namespace {

using modtrace::BatchReceiver;

struct Pair {
    Pair() {
        int fds[2];
        EXPECT_EQ(socketpair(AF_UNIX, SOCK_DGRAM, 0, fds), 0);
        reader = fds[0];
        writer = fds[1];
    }
    ~Pair() {
        close(reader);
        close(writer);
    }
    void send(const std::string& s) const {
        EXPECT_EQ(write(writer, s.data(), s.size()), static_cast<ssize_t>(s.size())) << s;
    }
    int reader = -1;
    int writer = -1;
};

std::string text(const BatchReceiver::Datagram& d) {
    return std::string(reinterpret_cast<const char*>(d.bytes.data()), d.bytes.size());
}

TEST(BatchReceive, SeveralDatagramsInOneCallInOrder) {
    Pair p;
    for (const char* s : {"one", "two", "three"})
        p.send(s);
    BatchReceiver batch(8, 64);
    auto got = batch.receive(p.reader);
    ASSERT_TRUE(got) << got.error().message;
    ASSERT_EQ(*got, 3U);
    EXPECT_EQ(text(batch[0]), "one");
    EXPECT_EQ(text(batch[1]), "two");
    EXPECT_EQ(text(batch[2]), "three");
    EXPECT_FALSE(batch[2].truncated);
}

TEST(BatchReceive, NoMoreThanABatchAtATime) {
    Pair p;
    for (int i = 0; i < 5; ++i)
        p.send("d" + std::to_string(i));
    BatchReceiver batch(2, 64);
    std::string seen;
    for (std::size_t expected : {2U, 2U, 1U, 0U}) {
        auto got = batch.receive(p.reader);
        ASSERT_TRUE(got) << got.error().message;
        ASSERT_EQ(*got, expected);
        for (std::size_t i = 0; i < *got; ++i)
            seen += text(batch[i]);
    }
    EXPECT_EQ(seen, "d0d1d2d3d4");
}

TEST(BatchReceive, ALongerDatagramIsMarkedTruncated) {
    Pair p;
    p.send("0123456789");
    p.send("ok");
    BatchReceiver batch(4, 4);
    auto got = batch.receive(p.reader);
    ASSERT_TRUE(got) << got.error().message;
    ASSERT_EQ(*got, 2U);
    EXPECT_TRUE(batch[0].truncated);
    EXPECT_EQ(text(batch[0]), "0123");
    EXPECT_FALSE(batch[1].truncated);
    EXPECT_EQ(text(batch[1]), "ok");
}

TEST(BatchReceive, AnEmptySocketGivesNoneWithoutWaiting) {
    Pair p;
    BatchReceiver batch(4, 64);
    auto got = batch.receive(p.reader);
    ASSERT_TRUE(got) << got.error().message;
    EXPECT_EQ(*got, 0U);
}

TEST(BatchReceive, AFailureCarriesItsErrno) {
    BatchReceiver batch(4, 64);
    auto got = batch.receive(-1);
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error().code, EBADF);
}

} // namespace
