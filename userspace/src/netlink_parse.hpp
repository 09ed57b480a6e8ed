// Netlink framing read from plain bytes: datagrams into messages, generic netlink headers,
// attribute streams and typed attribute values. Every length is checked before it is used, and
// values are copied out with memcpy, so any byte string is safe input.
#pragma once

#include "result.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <linux/netlink.h>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace modtrace {

using Bytes = std::span<const std::uint8_t>;

struct Attribute {
    std::uint16_t type; // NLA_F_NESTED and NLA_F_NET_BYTEORDER masked off
    Bytes payload;
};

// A generic netlink message whose netlink and genl headers have been checked.
struct GenlMessage {
    std::uint16_t family; // nlmsg_type
    std::uint16_t flags;
    std::uint32_t seq;
    std::uint32_t port;
    std::uint8_t command;
    std::uint8_t version;
    Bytes attributes;
};

// The messages of one datagram, each span exactly nlmsg_len long.
Result<std::vector<Bytes>> split_datagram(Bytes datagram);

// The netlink header of a message, after checking that it fits.
struct MessageHeader {
    std::uint32_t length;
    std::uint16_t type;
    std::uint16_t flags;
    std::uint32_t seq;
    std::uint32_t port;
};
Result<MessageHeader> parse_header(Bytes message);

// The nlmsg_type of a message, after checking that its header fits.
Result<std::uint16_t> message_type(Bytes message);

// Bytes past nlmsg_len are ignored: the caller handed in one message and maybe its padding.
Result<GenlMessage> parse_genl_message(Bytes message);

// The errno of an NLMSG_ERROR message as a positive number; 0 is an acknowledgement.
Result<int> parse_netlink_error(Bytes message);

// The kernel's own words in an NLMSG_ERROR message (the extended ack's NLMSGERR_ATTR_MSG), or ""
// when it gave none or the message is malformed: only ever used to enrich an error.
std::string netlink_error_text(Bytes message);

// Why the attribute at `offset` of `bytes` is malformed (its header does not fit or its length
// does not); `where` names the enclosing nest ("" at the top level). Only for a stream that
// for_each_attribute stopped on.
Error malformed_attribute(Bytes bytes, std::size_t offset, std::string_view where);

// Calls visit(const Attribute&) -> Result<void> on each attribute in order. Stops at the first
// malformed attribute or the first error visit returns. Nothing is allocated unless it fails.
template <class Visit>
Result<void> for_each_attribute(Bytes bytes, std::string_view where, Visit&& visit) {
    constexpr std::size_t header_size = NLA_HDRLEN;
    std::size_t offset = 0;
    while (offset < bytes.size()) {
        std::size_t remaining = bytes.size() - offset;
        if (remaining < header_size)
            return malformed_attribute(bytes, offset, where);
        std::uint16_t length, type;
        std::memcpy(&length, bytes.data() + offset, sizeof length);
        std::memcpy(&type, bytes.data() + offset + sizeof length, sizeof type);
        if (length < header_size || length > remaining)
            return malformed_attribute(bytes, offset, where);
        Attribute attr{
            .type = static_cast<std::uint16_t>(type & NLA_TYPE_MASK),
            .payload = bytes.subspan(offset + header_size, length - header_size),
        };
        if (auto ok = visit(attr); !ok)
            return ok;
        offset += std::min<std::size_t>(NLA_ALIGN(length), remaining);
    }
    return {};
}

// `where` names the enclosing nest for error messages ("" at the top level).
Result<std::vector<Attribute>> parse_attributes(Bytes bytes, std::string_view where);

// Each reader checks the payload has exactly the size of its type; `name` is how errors refer to
// the attribute.
Result<std::uint8_t> read_u8(const Attribute& attr, std::string_view name);
Result<std::uint16_t> read_u16(const Attribute& attr, std::string_view name);
Result<std::uint32_t> read_u32(const Attribute& attr, std::string_view name);
Result<std::uint64_t> read_u64(const Attribute& attr, std::string_view name);
Result<std::int32_t> read_s32(const Attribute& attr, std::string_view name);
Result<std::int64_t> read_s64(const Attribute& attr, std::string_view name);
// The bytes before the first NUL, which must lie within the payload. Bytes after it are ignored,
// as the kernel's NLA_NUL_STRING policy does, so a fixed-size buffer copied whole is accepted.
Result<std::string> read_string(const Attribute& attr, std::string_view name);

// What the generic netlink controller says about a family (reply to CTRL_CMD_GETFAMILY).
struct FamilyInfo {
    std::uint16_t id = 0;
    std::string name;
    std::uint32_t version = 0;
    struct Group {
        std::string name;
        std::uint32_t id = 0;
    };
    std::vector<Group> groups; // multicast groups
};

Result<FamilyInfo> parse_family(const GenlMessage& message);

// Whether a message from the generic netlink controller (GENL_ID_CTRL) announces that the family
// named `family_name` was unregistered (CTRL_CMD_DELFAMILY).
Result<bool> announces_family_removal(Bytes message, std::string_view family_name);

} // namespace modtrace
