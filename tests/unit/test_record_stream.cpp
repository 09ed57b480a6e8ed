// The client's reading of received messages, without a socket: records, skipped messages, the
// reader's own losses and the end of the stream.
#include "modtrace.h"
#include "nl_builder.hpp"
#include "record_stream.hpp"

#include <cstring>
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
    b.u32(MODTRACE_ATTR_TYPE, MODTRACE_REC_DELETE_MODULE_ENTER).u64(MODTRACE_ATTR_SEQ, 4);
    EXPECT_FALSE(stream.take(Bytes(b.message(kFamily, MODTRACE_CMD_RECORD))));
    ASSERT_EQ(warnings.size(), 1U);
    EXPECT_EQ(warnings[0], "skipping a malformed record seq 4: missing attribute PROBE "
                           "(required in delete_module_enter records)");
    EXPECT_TRUE(stream.take(Bytes(loss_message(1))));
}

// The client decodes into one Record it returns from: a message that is no record, or a
// malformed one, leaves it as a default Record for the next.
TEST(RecordStream, TakenIntoARecordThatStaysDefaultUntilOneComes) {
    RecordStream stream(kFamily);
    stream.set_warning_handler([](const modtrace::Error&) {});
    modtrace::Record out;
    MessageBuilder b;
    b.u32(MODTRACE_ATTR_TYPE, MODTRACE_REC_FINIT_MODULE_ENTER)
        .u64(MODTRACE_ATTR_SEQ, 4)
        .u32(MODTRACE_ATTR_PROBE, MODTRACE_PROBE_FINIT_MODULE)
        .u64(MODTRACE_ATTR_TS, 5)
        .u32(MODTRACE_ATTR_CPU, 1); // no TASK: refused, after the head was read
    EXPECT_FALSE(stream.take(Bytes(b.message(kFamily, MODTRACE_CMD_RECORD)), out));
    EXPECT_FALSE(stream.take(Bytes(controller(CTRL_CMD_NEWFAMILY, "modtrace")), out));
    EXPECT_EQ(out.type, RecordType{});
    EXPECT_FALSE(out.seq);
    EXPECT_FALSE(out.probe);
    EXPECT_EQ(out.ts_ns, 0U);
    EXPECT_EQ(out.cpu, 0U);
    ASSERT_TRUE(stream.take(Bytes(loss_message(2)), out));
    EXPECT_EQ(out.type, RecordType::Loss);
    EXPECT_EQ(out.loss->buffer_full, 2U);
    EXPECT_FALSE(out.seq);
    EXPECT_FALSE(stream.ended());
}

TEST(RecordStream, AMessageOfOurFamilyWithoutAGenlHeaderIsSkippedWithAWarning) {
    RecordStream stream(kFamily);
    std::vector<std::string> warnings;
    stream.set_warning_handler([&](const modtrace::Error& e) { warnings.push_back(e.message); });
    // A netlink header of our family and nothing after it: no room for the genl header.
    ByteVector bare = loss_message(1);
    bare.resize(NLMSG_HDRLEN);
    const std::uint32_t len = NLMSG_HDRLEN;
    std::memcpy(bare.data(), &len, sizeof len);
    EXPECT_FALSE(stream.take(Bytes(bare)));
    ASSERT_EQ(warnings.size(), 1U);
    EXPECT_EQ(warnings[0].rfind("skipping a malformed record: ", 0), 0U) << warnings[0];
    EXPECT_TRUE(stream.take(Bytes(loss_message(1))));
}

TEST(RecordStream, RecordOfAnUnknownTypeIsKept) {
    RecordStream stream(kFamily);
    std::vector<std::string> warnings;
    stream.set_warning_handler([&](const modtrace::Error& e) { warnings.push_back(e.message); });
    MessageBuilder b;
    b.u32(MODTRACE_ATTR_TYPE, 99).u64(MODTRACE_ATTR_SEQ, 4);
    auto record = stream.take(Bytes(b.message(kFamily, MODTRACE_CMD_RECORD)));
    ASSERT_TRUE(record);
    EXPECT_EQ(static_cast<std::uint32_t>(record->type), 99U);
    EXPECT_EQ(record->seq, 4U);
    EXPECT_TRUE(warnings.empty());
    EXPECT_FALSE(stream.ended());
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

TEST(RecordStream, ModuleFoundGoneEndsTheStream) {
    RecordStream stream(kFamily);
    const modtrace::Record record = stream.family_removed();
    EXPECT_EQ(record.type, RecordType::Shutdown);
    EXPECT_FALSE(record.next_seq);
    EXPECT_FALSE(record.loss);
    EXPECT_TRUE(stream.ended());
}

} // namespace
