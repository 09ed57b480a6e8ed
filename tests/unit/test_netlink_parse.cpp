// Netlink framing from bytes: datagrams, headers, attribute streams, typed values, acks and the
// controller's messages.
#include "netlink_parse.hpp"
#include "nl_builder.hpp"

#include <cerrno>
#include <gtest/gtest.h>

namespace {

using modtrace::Attribute;
using modtrace::Bytes;
using modtrace::test::ByteVector;
using modtrace::test::MessageBuilder;
using modtrace::test::netlink_message;

constexpr std::uint16_t kFamily = 0x1c;

// --- datagrams and headers ----------------------------------------------------------------------

TEST(SplitDatagram, MessagesAtAlignedOffsets) {
    MessageBuilder a, b;
    a.u8(1, 7); // 8 bytes of attributes
    b.str(2, "hello");
    ByteVector first = a.message(kFamily, 4);
    ByteVector second = b.message(kFamily, 4);
    // A message whose length is not a multiple of 4 is followed by padding.
    ByteVector odd = netlink_message(kFamily, {1, 2, 3, 4, 5});
    ByteVector datagram = odd;
    datagram.resize(24, 0);
    datagram.insert(datagram.end(), first.begin(), first.end());
    datagram.insert(datagram.end(), second.begin(), second.end());
    auto messages = modtrace::split_datagram(Bytes(datagram));
    ASSERT_TRUE(messages) << messages.error().message;
    ASSERT_EQ(messages->size(), 3U);
    EXPECT_EQ((*messages)[0].size(), 21U);
    EXPECT_EQ((*messages)[1].size(), first.size());
    EXPECT_EQ((*messages)[1].data(), datagram.data() + 24);
    EXPECT_EQ((*messages)[2].size(), second.size());
}

TEST(SplitDatagram, LastMessageMayLackItsPadding) {
    ByteVector datagram = netlink_message(kFamily, {1, 2, 3});
    auto messages = modtrace::split_datagram(Bytes(datagram));
    ASSERT_TRUE(messages) << messages.error().message;
    ASSERT_EQ(messages->size(), 1U);
    EXPECT_EQ((*messages)[0].size(), 19U);
}

TEST(SplitDatagram, EmptyDatagramHasNoMessages) {
    auto messages = modtrace::split_datagram(Bytes());
    ASSERT_TRUE(messages);
    EXPECT_TRUE(messages->empty());
}

TEST(SplitDatagram, LengthBeyondTheDatagramIsAnError) {
    ByteVector datagram = netlink_message(kFamily, {1, 2, 3, 4});
    datagram[0] = 200;
    auto messages = modtrace::split_datagram(Bytes(datagram));
    ASSERT_FALSE(messages);
    EXPECT_EQ(messages.error().message,
              "message at offset 0: nlmsg_len is 200 but only 20 bytes are there");
}

TEST(SplitDatagram, LengthShorterThanAHeaderIsAnError) {
    // A zero length would otherwise never advance.
    ByteVector datagram = netlink_message(kFamily, {});
    datagram[0] = 0;
    auto messages = modtrace::split_datagram(Bytes(datagram));
    ASSERT_FALSE(messages);
    EXPECT_EQ(messages.error().message,
              "message at offset 0: nlmsg_len is 0, shorter than a netlink header (16 bytes)");
}

TEST(SplitDatagram, TrailingBytesShorterThanAHeaderAreAnError) {
    ByteVector datagram = netlink_message(kFamily, {});
    datagram.resize(datagram.size() + 8, 0);
    auto messages = modtrace::split_datagram(Bytes(datagram));
    ASSERT_FALSE(messages);
    EXPECT_EQ(messages.error().message, "message at offset 16: message of 8 bytes is shorter "
                                        "than a netlink header (16 bytes)");
}

TEST(ParseHeader, Fields) {
    ByteVector m = netlink_message(kFamily, {0, 0, 0, 0}, NLM_F_MULTI, 99);
    auto h = modtrace::parse_header(Bytes(m));
    ASSERT_TRUE(h);
    EXPECT_EQ(h->length, 20U);
    EXPECT_EQ(h->type, kFamily);
    EXPECT_EQ(h->flags, NLM_F_MULTI);
    EXPECT_EQ(h->seq, 99U);
    EXPECT_EQ(h->port, 0U);
    EXPECT_EQ(*modtrace::message_type(Bytes(m)), kFamily);
}

TEST(ParseGenlMessage, HeadersAndAttributes) {
    MessageBuilder b;
    b.u32(6, 1);
    ByteVector m = b.message(kFamily, 4, 17);
    auto genl = modtrace::parse_genl_message(Bytes(m));
    ASSERT_TRUE(genl) << genl.error().message;
    EXPECT_EQ(genl->family, kFamily);
    EXPECT_EQ(genl->seq, 17U);
    EXPECT_EQ(genl->command, 4);
    EXPECT_EQ(genl->version, 1);
    EXPECT_EQ(genl->attributes.size(), 8U);
    EXPECT_EQ(genl->attributes.data(), m.data() + 20);
}

TEST(ParseGenlMessage, ControlMessageIsNotGeneric) {
    ByteVector m = netlink_message(NLMSG_ERROR, ByteVector(20, 0));
    auto genl = modtrace::parse_genl_message(Bytes(m));
    ASSERT_FALSE(genl);
    EXPECT_EQ(genl.error().message,
              "expected a generic netlink message, got netlink control message type 2 "
              "(NLMSG_ERROR)");
}

TEST(ParseGenlMessage, TooShortForTheGenlHeader) {
    ByteVector m = netlink_message(kFamily, {4, 1});
    auto genl = modtrace::parse_genl_message(Bytes(m));
    ASSERT_FALSE(genl);
    EXPECT_EQ(genl.error().message, "message has 2 bytes after its netlink header, too few for a "
                                    "generic netlink header (4 bytes)");
}

// --- attributes ---------------------------------------------------------------------------------

TEST(ParseAttributes, PaddingAndFlagsAreHandled) {
    MessageBuilder b;
    b.u8(3, 0xaa).begin(4).u16(1, 0x1234).end().str(5, "ab");
    auto attrs = modtrace::parse_attributes(Bytes(b.attributes()), "");
    ASSERT_TRUE(attrs) << attrs.error().message;
    ASSERT_EQ(attrs->size(), 3U);
    EXPECT_EQ((*attrs)[0].type, 3);
    EXPECT_EQ((*attrs)[0].payload.size(), 1U);
    EXPECT_EQ((*attrs)[1].type, 4); // NLA_F_NESTED masked off
    EXPECT_EQ((*attrs)[1].payload.size(), 8U);
    EXPECT_EQ((*attrs)[2].type, 5);
    EXPECT_EQ((*attrs)[2].payload.size(), 3U);
}

TEST(ParseAttributes, LastAttributeMayLackItsPadding) {
    MessageBuilder b;
    b.lying(7, 5, {0x42});
    auto attrs = modtrace::parse_attributes(Bytes(b.attributes()), "");
    ASSERT_TRUE(attrs) << attrs.error().message;
    ASSERT_EQ(attrs->size(), 1U);
    EXPECT_EQ((*attrs)[0].payload[0], 0x42);
}

TEST(ParseAttributes, ErrorsNameTheNest) {
    MessageBuilder b;
    b.u32(1, 0).lying(9, 3, {});
    auto attrs = modtrace::parse_attributes(Bytes(b.attributes()), "TASK");
    ASSERT_FALSE(attrs);
    EXPECT_EQ(attrs.error().message,
              "attribute 9 at offset 8 in TASK has length 3, shorter than its 4-byte header");
}

Attribute attr(const ByteVector& payload) {
    return Attribute{1, Bytes(payload)};
}

TEST(ReadValues, ExactSizes) {
    ByteVector one{0x7f}, two{0x34, 0x12}, four{0xfe, 0xff, 0xff, 0xff},
        eight{1, 0, 0, 0, 0, 0, 0, 0x80};
    EXPECT_EQ(*modtrace::read_u8(attr(one), "X"), 0x7f);
    EXPECT_EQ(*modtrace::read_u16(attr(two), "X"), 0x1234);
    EXPECT_EQ(*modtrace::read_u32(attr(four), "X"), 0xfffffffeU);
    EXPECT_EQ(*modtrace::read_s32(attr(four), "X"), -2);
    EXPECT_EQ(*modtrace::read_u64(attr(eight), "X"), 0x8000000000000001ULL);
    EXPECT_EQ(*modtrace::read_s64(attr(eight), "X"),
              static_cast<std::int64_t>(0x8000000000000001ULL));
}

TEST(ReadValues, WrongSizesNameTheAttribute) {
    ByteVector three{1, 2, 3};
    EXPECT_EQ(modtrace::read_u8(attr(three), "A").error().message,
              "attribute A has 3 bytes, expected 1");
    EXPECT_EQ(modtrace::read_u16(attr(three), "B").error().message,
              "attribute B has 3 bytes, expected 2");
    EXPECT_EQ(modtrace::read_s32(attr(three), "C").error().message,
              "attribute C has 3 bytes, expected 4");
    EXPECT_EQ(modtrace::read_s64(attr(three), "D").error().message,
              "attribute D has 3 bytes, expected 8");
}

TEST(ReadValues, Strings) {
    ByteVector ok{'h', 'i', 0}, inner{'a', 0, 'b', 0}, open{'h', 'i'};
    EXPECT_EQ(*modtrace::read_string(attr(ok), "S"), "hi");
    EXPECT_EQ(*modtrace::read_string(attr(inner), "S"), "a");
    EXPECT_EQ(modtrace::read_string(attr(open), "S").error().message,
              "attribute S (2 bytes) is not a NUL-terminated string");
}

// --- acknowledgements ---------------------------------------------------------------------------

// An NLMSG_ERROR message answering a request of `request_len` bytes, with `tlvs` after it.
ByteVector ack(int error, std::uint16_t flags, std::uint32_t request_len = 20,
               const ByteVector& echoed = {}, const ByteVector& tlvs = {}) {
    nlmsgerr err{};
    err.error = error;
    err.msg.nlmsg_len = request_len;
    err.msg.nlmsg_seq = 5;
    ByteVector payload(sizeof err);
    std::memcpy(payload.data(), &err, sizeof err);
    payload.insert(payload.end(), echoed.begin(), echoed.end());
    payload.insert(payload.end(), tlvs.begin(), tlvs.end());
    return netlink_message(NLMSG_ERROR, payload, flags, 5);
}

TEST(NetlinkError, AckIsZeroAndErrorsArePositive) {
    EXPECT_EQ(*modtrace::parse_netlink_error(Bytes(ack(0, NLM_F_CAPPED))), 0);
    EXPECT_EQ(*modtrace::parse_netlink_error(Bytes(ack(-EPERM, NLM_F_CAPPED))), EPERM);
}

TEST(NetlinkError, MalformedErrors) {
    ByteVector short_ack = netlink_message(NLMSG_ERROR, {0, 0, 0, 0});
    EXPECT_EQ(modtrace::parse_netlink_error(Bytes(short_ack)).error().message,
              "NLMSG_ERROR message has 4 bytes of payload, expected 20");
    EXPECT_FALSE(modtrace::parse_netlink_error(Bytes(ack(5, NLM_F_CAPPED))));
    EXPECT_FALSE(modtrace::parse_netlink_error(Bytes(netlink_message(kFamily, ByteVector(20)))));
}

TEST(NetlinkErrorText, FromACappedExtendedAck) {
    MessageBuilder tlvs;
    tlvs.u32(NLMSGERR_ATTR_OFFS, 20).str(NLMSGERR_ATTR_MSG, "Unknown attribute type");
    ByteVector m = ack(-EINVAL, NLM_F_CAPPED | NLM_F_ACK_TLVS, 28, {}, tlvs.attributes());
    EXPECT_EQ(modtrace::netlink_error_text(Bytes(m)), "Unknown attribute type");
}

TEST(NetlinkErrorText, AfterTheEchoedRequest) {
    MessageBuilder tlvs;
    tlvs.str(NLMSGERR_ATTR_MSG, "bad version");
    // 28-byte request: its 12 bytes of payload are echoed (and its header is in nlmsgerr).
    ByteVector m = ack(-EINVAL, NLM_F_ACK_TLVS, 28, ByteVector(12, 0xee), tlvs.attributes());
    EXPECT_EQ(modtrace::netlink_error_text(Bytes(m)), "bad version");
}

TEST(NetlinkErrorText, NothingWithoutTlvs) {
    EXPECT_EQ(modtrace::netlink_error_text(Bytes(ack(-EPERM, NLM_F_CAPPED))), "");
    ByteVector garbage = ack(-EPERM, NLM_F_CAPPED | NLM_F_ACK_TLVS, 20, {}, {1, 2});
    EXPECT_EQ(modtrace::netlink_error_text(Bytes(garbage)), "");
}

// --- the controller -----------------------------------------------------------------------------

ByteVector controller_message(std::uint8_t command, const char* name) {
    MessageBuilder b;
    b.str(CTRL_ATTR_FAMILY_NAME, name).u16(CTRL_ATTR_FAMILY_ID, 0x1c);
    return b.message(GENL_ID_CTRL, command);
}

TEST(FamilyRemoval, DelFamilyOfOurFamily) {
    EXPECT_TRUE(*modtrace::announces_family_removal(
        Bytes(controller_message(CTRL_CMD_DELFAMILY, "modtrace")), "modtrace"));
}

TEST(FamilyRemoval, OtherFamiliesAndCommandsAreNot) {
    EXPECT_FALSE(*modtrace::announces_family_removal(
        Bytes(controller_message(CTRL_CMD_DELFAMILY, "nl80211")), "modtrace"));
    EXPECT_FALSE(*modtrace::announces_family_removal(
        Bytes(controller_message(CTRL_CMD_NEWFAMILY, "modtrace")), "modtrace"));
    MessageBuilder b;
    b.str(CTRL_ATTR_FAMILY_NAME, "modtrace");
    EXPECT_FALSE(*modtrace::announces_family_removal(Bytes(b.message(kFamily, CTRL_CMD_DELFAMILY)),
                                                     "modtrace"));
}

TEST(FamilyRemoval, MalformedNameIsAnError) {
    MessageBuilder b;
    b.raw(CTRL_ATTR_FAMILY_NAME, ByteVector{'m', 'o'});
    auto removed = modtrace::announces_family_removal(
        Bytes(b.message(GENL_ID_CTRL, CTRL_CMD_DELFAMILY)), "modtrace");
    EXPECT_FALSE(removed);
}

TEST(ParseFamily, IdNameVersionAndGroups) {
    MessageBuilder b;
    b.str(CTRL_ATTR_FAMILY_NAME, "nlctrl")
        .u16(CTRL_ATTR_FAMILY_ID, GENL_ID_CTRL)
        .u32(CTRL_ATTR_VERSION, 2)
        .u32(CTRL_ATTR_HDRSIZE, 0)
        .begin(CTRL_ATTR_MCAST_GROUPS)
        .begin(1)
        .u32(CTRL_ATTR_MCAST_GRP_ID, 16)
        .str(CTRL_ATTR_MCAST_GRP_NAME, "notify")
        .end()
        .end();
    ByteVector m = b.message(GENL_ID_CTRL, CTRL_CMD_NEWFAMILY);
    auto genl = modtrace::parse_genl_message(Bytes(m));
    ASSERT_TRUE(genl);
    auto family = modtrace::parse_family(*genl);
    ASSERT_TRUE(family) << family.error().message;
    EXPECT_EQ(family->id, GENL_ID_CTRL);
    EXPECT_EQ(family->name, "nlctrl");
    EXPECT_EQ(family->version, 2U);
    ASSERT_EQ(family->groups.size(), 1U);
    EXPECT_EQ(family->groups[0].name, "notify");
    EXPECT_EQ(family->groups[0].id, 16U);
}

TEST(ParseFamily, IdIsRequired) {
    MessageBuilder b;
    b.str(CTRL_ATTR_FAMILY_NAME, "modtrace");
    ByteVector m = b.message(GENL_ID_CTRL, CTRL_CMD_NEWFAMILY);
    auto family = modtrace::parse_family(*modtrace::parse_genl_message(Bytes(m)));
    ASSERT_FALSE(family);
    EXPECT_EQ(family.error().message, "controller reply without CTRL_ATTR_FAMILY_ID");
}

} // namespace
