// FileSource and StreamRecorder: recorded netlink streams read back as records, and written.
#include "file_source.hpp"
#include "modtrace.h"
#include "nl_builder.hpp"

#include <cstdio>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <string>
#include <unistd.h>
#include <vector>

namespace {

using modtrace::Bytes;
using modtrace::Fd;
using modtrace::FileSource;
using modtrace::Record;
using modtrace::RecordType;
using modtrace::StreamRecorder;
using modtrace::TimeBase;
using modtrace::test::ByteVector;
using modtrace::test::MessageBuilder;
using modtrace::test::netlink_message;

constexpr std::uint16_t kFamily = 0x1c;

ByteVector loss_message(std::uint64_t n) {
    MessageBuilder b;
    b.u32(MODTRACE_ATTR_TYPE, MODTRACE_REC_LOSS)
        .begin(MODTRACE_ATTR_LOSS)
        .u64(MODTRACE_LOSS_ATTR_BUFFER_FULL, n)
        .end();
    return b.message(kFamily, MODTRACE_CMD_RECORD);
}

// `bytes` behind a pipe's read end, written in full first (they are small).
FileSource source_of(const ByteVector& bytes) {
    int fds[2];
    EXPECT_EQ(pipe(fds), 0);
    EXPECT_EQ(write(fds[1], bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
    close(fds[1]);
    return FileSource(Fd(fds[0]), "test");
}

ByteVector concat(const std::vector<ByteVector>& parts) {
    ByteVector out;
    for (const auto& p : parts) {
        out.insert(out.end(), p.begin(), p.end());
        out.resize(NLMSG_ALIGN(out.size()));
    }
    return out;
}

// Every buffer_full count the source gives, then how it ended ("" cleanly).
std::pair<std::vector<std::uint64_t>, std::string> drain(FileSource& source) {
    std::vector<std::uint64_t> got;
    for (;;) {
        auto next = source.next();
        if (!next)
            return {got, next.error().message};
        if (!*next)
            return {got, ""};
        got.push_back((*next)->loss->buffer_full);
    }
}

TEST(FileSource, GivesTheRecordsAndSkipsWhatIsNoRecord) {
    ByteVector ack(sizeof(nlmsgerr), 0);
    auto source = source_of(concat({netlink_message(NLMSG_ERROR, ack), loss_message(1),
                                    netlink_message(GENL_ID_CTRL, {}), loss_message(2)}));
    auto [got, error] = drain(source);
    EXPECT_EQ(got, (std::vector<std::uint64_t>{1, 2}));
    EXPECT_EQ(error, "");
}

TEST(FileSource, TakesTheTimeBaseFromTheNoopMessage) {
    TimeBase time{123456789};
    auto source = source_of(concat({modtrace::time_base_message(time), loss_message(1)}));
    EXPECT_EQ(source.time_base().realtime_offset_ns, 0);
    ASSERT_TRUE(source.next());
    EXPECT_EQ(source.time_base().realtime_offset_ns, 123456789);
}

TEST(FileSource, AcceptsAFileWithoutTheLastPadding) {
    ByteVector bytes = concat({loss_message(1)});
    ByteVector odd = netlink_message(kFamily, ByteVector{1, 2, 3}); // 19 bytes, no padding
    bytes.insert(bytes.end(), odd.begin(), odd.end());
    auto source = source_of(bytes);
    auto [got, error] = drain(source);
    EXPECT_EQ(got, (std::vector<std::uint64_t>{1}));
    EXPECT_EQ(error, "");
}

TEST(FileSource, TruncatedMessageIsAnErrorAtItsOffsetAfterTheRecordsBefore) {
    ByteVector bytes = concat({loss_message(1), loss_message(2)});
    const std::size_t second = bytes.size() / 2;
    bytes.resize(bytes.size() - 4);
    auto source = source_of(bytes);
    auto [got, error] = drain(source);
    EXPECT_EQ(got, (std::vector<std::uint64_t>{1}));
    EXPECT_EQ(error, "test: malformed input at byte offset " + std::to_string(second) +
                         ": the file ends " + std::to_string(second - 4) +
                         " bytes into a message of " + std::to_string(second) +
                         " bytes (truncated)");
}

TEST(FileSource, LengthShorterThanTheHeaderIsAnError) {
    ByteVector bytes = netlink_message(kFamily, ByteVector(16, 0));
    bytes[0] = 4;
    auto source = source_of(bytes);
    auto [got, error] = drain(source);
    EXPECT_TRUE(got.empty());
    EXPECT_EQ(error, "test: malformed input at byte offset 0: nlmsg_len 4 is shorter than the "
                     "16-byte netlink header");
}

TEST(FileSource, MalformedRecordIsSkippedWithAWarningNamingItsOffset) {
    MessageBuilder bad;
    bad.u32(MODTRACE_ATTR_TYPE, 0); // UNSPEC: no record type
    const ByteVector first = loss_message(1);
    auto source =
        source_of(concat({first, bad.message(kFamily, MODTRACE_CMD_RECORD), loss_message(2)}));
    std::vector<std::string> warnings;
    source.set_warning_handler([&](const modtrace::Error& e) { warnings.push_back(e.message); });
    auto [got, error] = drain(source);
    EXPECT_EQ(got, (std::vector<std::uint64_t>{1, 2}));
    ASSERT_EQ(warnings.size(), 1U);
    EXPECT_EQ(warnings[0].rfind("test, byte offset " + std::to_string(first.size()) + ": ", 0), 0U)
        << warnings[0];
}

TEST(StreamRecorder, WritesWhatFileSourceReads) {
    char path[] = "/tmp/modtrace-test-XXXXXX";
    const int fd = mkstemp(path);
    ASSERT_GE(fd, 0);
    close(fd);
    {
        auto recorder = StreamRecorder::open(path, TimeBase{42});
        ASSERT_TRUE(recorder) << recorder.error().message;
        // Two messages in one datagram, then one of 19 bytes that needs padding.
        ByteVector datagram = concat({loss_message(1), loss_message(2)});
        ASSERT_TRUE(recorder->write(Bytes(datagram)));
        ByteVector odd = netlink_message(kFamily, ByteVector{1, 2, 3});
        ASSERT_TRUE(recorder->write(Bytes(odd)));
        ASSERT_TRUE(recorder->write(Bytes(loss_message(3))));
    }
    auto source = FileSource::open(path);
    ASSERT_TRUE(source) << source.error().message;
    auto [got, error] = drain(*source);
    EXPECT_EQ(got, (std::vector<std::uint64_t>{1, 2, 3}));
    EXPECT_EQ(error, "");
    EXPECT_EQ(source->time_base().realtime_offset_ns, 42);
    unlink(path);
}

} // namespace
