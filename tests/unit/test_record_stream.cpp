// The client's reading of received messages, without a socket: records, skipped messages, the
// reader's own losses and the end of the stream.
#include "modtrace.h"
#include "nl_builder.hpp"
#include "record_stream.hpp"

#include <gtest/gtest.h>
#include <linux/genetlink.h>

namespace {

using modtrace::Bytes;
using modtrace::RecordStream;
using modtrace::RecordType;
using modtrace::test::ByteVector;
using modtrace::test::MessageBuilder;

constexpr std::uint16_t kFamily = 0x1c;

ByteVector shutdown_message(std::uint64_t next_seq) {
    MessageBuilder b;
    b.u32(MODTRACE_ATTR_TYPE, MODTRACE_REC_SHUTDOWN).u64(MODTRACE_ATTR_NEXT_SEQ, next_seq);
    return b.message(kFamily, MODTRACE_CMD_RECORD);
}

ByteVector loss_message(std::uint64_t buffer_full) {
    MessageBuilder b;
    b.u32(MODTRACE_ATTR_TYPE, MODTRACE_REC_LOSS)
        .begin(MODTRACE_ATTR_LOSS)
        .u64(MODTRACE_LOSS_ATTR_BUFFER_FULL, buffer_full)
        .end();
    return b.message(kFamily, MODTRACE_CMD_RECORD);
}

ByteVector controller(std::uint8_t command, const char* family) {
    MessageBuilder b;
    b.u16(CTRL_ATTR_FAMILY_ID, kFamily).str(CTRL_ATTR_FAMILY_NAME, family);
    return b.message(GENL_ID_CTRL, command);
}

TEST(RecordStream, RecordsOfOurFamilyAreDecoded) {
    RecordStream stream(kFamily);
    auto record = stream.take(Bytes(loss_message(3)));
    ASSERT_TRUE(record);
    EXPECT_EQ(record->type, RecordType::Loss);
    EXPECT_EQ(record->loss->buffer_full, 3U);
    EXPECT_FALSE(stream.ended());
}

TEST(RecordStream, OtherMessagesAreNotRecords) {
    RecordStream stream(kFamily);
    ByteVector other_family = loss_message(1);
    other_family[4] = 0x1d; // nlmsg_type
    EXPECT_FALSE(stream.take(Bytes(other_family)));
    MessageBuilder reply;
    reply.u32(MODTRACE_ATTR_VERSION, 1);
    EXPECT_FALSE(stream.take(Bytes(reply.message(kFamily, MODTRACE_CMD_SUBSCRIBE))));
    EXPECT_FALSE(stream.take(Bytes(controller(CTRL_CMD_NEWFAMILY, "modtrace"))));
    EXPECT_FALSE(stream.take(Bytes(controller(CTRL_CMD_DELFAMILY, "nl80211"))));
    EXPECT_FALSE(stream.take(Bytes(ByteVector{1, 2, 3})));
    EXPECT_FALSE(stream.ended());
}

TEST(RecordStream, MalformedRecordIsSkippedWithAWarning) {
    RecordStream stream(kFamily);
    std::vector<std::string> warnings;
    stream.set_warning_handler([&](const modtrace::Error& e) { warnings.push_back(e.message); });
    MessageBuilder b;
    b.u32(MODTRACE_ATTR_TYPE, 99).u64(MODTRACE_ATTR_SEQ, 4);
    EXPECT_FALSE(stream.take(Bytes(b.message(kFamily, MODTRACE_CMD_RECORD))));
    ASSERT_EQ(warnings.size(), 1U);
    EXPECT_EQ(warnings[0],
              "skipping a malformed record seq 4: unknown record type 99 in attribute TYPE");
    EXPECT_TRUE(stream.take(Bytes(loss_message(1))));
}

TEST(RecordStream, ShutdownEndsTheStream) {
    RecordStream stream(kFamily);
    auto record = stream.take(Bytes(shutdown_message(43)));
    ASSERT_TRUE(record);
    EXPECT_EQ(record->type, RecordType::Shutdown);
    EXPECT_EQ(record->next_seq, 43U);
    EXPECT_TRUE(stream.ended());
}

TEST(RecordStream, FamilyRemovalStandsInForALostShutdown) {
    RecordStream stream(kFamily);
    auto record = stream.take(Bytes(controller(CTRL_CMD_DELFAMILY, "modtrace")));
    ASSERT_TRUE(record);
    EXPECT_EQ(record->type, RecordType::Shutdown);
    EXPECT_FALSE(record->next_seq);
    EXPECT_TRUE(stream.ended());
}

TEST(RecordStream, ModuleFoundGoneAfterAnOverrunEndsTheStream) {
    RecordStream stream(kFamily);
    stream.count_overrun();
    const modtrace::Record record = stream.family_removed();
    EXPECT_EQ(record.type, RecordType::Shutdown);
    EXPECT_FALSE(record.next_seq);
    ASSERT_TRUE(record.loss);
    EXPECT_EQ(record.loss->overrun, 1U);
    EXPECT_TRUE(stream.ended());
    EXPECT_FALSE(stream.finish());
}

TEST(RecordStream, OverrunsRideOnTheNextRecord) {
    RecordStream stream(kFamily);
    stream.count_overrun();
    stream.count_overrun();
    auto first = stream.take(Bytes(loss_message(5)));
    ASSERT_TRUE(first);
    EXPECT_EQ(first->loss->buffer_full, 5U);
    EXPECT_EQ(first->loss->overrun, 2U);
    auto second = stream.take(Bytes(shutdown_message(1)));
    ASSERT_TRUE(second);
    EXPECT_FALSE(second->loss); // reported once only
}

TEST(RecordStream, OverrunsNoRecordReportedComeAtTheEnd) {
    RecordStream stream(kFamily);
    EXPECT_FALSE(stream.finish());
    stream.count_overrun();
    auto loss = stream.finish();
    ASSERT_TRUE(loss);
    EXPECT_EQ(loss->type, RecordType::Loss);
    EXPECT_FALSE(loss->seq);
    EXPECT_EQ(loss->loss->overrun, 1U);
    EXPECT_FALSE(stream.finish());
}

} // namespace
