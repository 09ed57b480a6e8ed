// Netlink framing read from plain bytes.
#include "netlink_parse.hpp"

#include <algorithm>
#include <cstring>
#include <linux/genetlink.h>
#include <linux/netlink.h>

namespace modtrace {

namespace {

constexpr std::size_t kNetlinkHeaderSize = NLMSG_HDRLEN;
constexpr std::size_t kGenlHeaderSize = GENL_HDRLEN;
constexpr std::size_t kAttributeHeaderSize = NLA_HDRLEN;

std::string n(std::size_t value) {
    return std::to_string(value);
}

std::string control_type_name(std::uint16_t type) {
    switch (type) {
    case NLMSG_NOOP:
        return "NLMSG_NOOP";
    case NLMSG_ERROR:
        return "NLMSG_ERROR";
    case NLMSG_DONE:
        return "NLMSG_DONE";
    case NLMSG_OVERRUN:
        return "NLMSG_OVERRUN";
    default:
        return "reserved";
    }
}

// The header of the message at the start of `bytes`, with nlmsg_len checked against the bytes.
Result<nlmsghdr> read_header(Bytes bytes) {
    if (bytes.size() < kNetlinkHeaderSize)
        return Error{"message of " + n(bytes.size()) + " bytes is shorter than a netlink header (" +
                     n(kNetlinkHeaderSize) + " bytes)"};
    nlmsghdr header;
    std::memcpy(&header, bytes.data(), sizeof header);
    if (header.nlmsg_len < kNetlinkHeaderSize)
        return Error{"nlmsg_len is " + n(header.nlmsg_len) + ", shorter than a netlink header (" +
                     n(kNetlinkHeaderSize) + " bytes)"};
    if (header.nlmsg_len > bytes.size())
        return Error{"nlmsg_len is " + n(header.nlmsg_len) + " but only " + n(bytes.size()) +
                     " bytes are there"};
    return header;
}

template <class T> Result<T> read_fixed(const Attribute& attr, std::string_view name) {
    if (attr.payload.size() != sizeof(T))
        return Error{"attribute " + std::string(name) + " has " + n(attr.payload.size()) +
                     " bytes, expected " + n(sizeof(T))};
    T value;
    std::memcpy(&value, attr.payload.data(), sizeof value);
    return value;
}

} // namespace

Result<std::vector<Bytes>> split_datagram(Bytes datagram) {
    std::vector<Bytes> messages;
    std::size_t offset = 0;
    while (offset < datagram.size()) {
        auto header = read_header(datagram.subspan(offset));
        if (!header)
            return Error{"message at offset " + n(offset) + ": " + header.error().message};
        messages.push_back(datagram.subspan(offset, header->nlmsg_len));
        offset += std::min<std::size_t>(NLMSG_ALIGN(header->nlmsg_len), datagram.size() - offset);
    }
    return messages;
}

Result<MessageHeader> parse_header(Bytes message) {
    auto header = read_header(message);
    if (!header)
        return header.error();
    return MessageHeader{
        .length = header->nlmsg_len,
        .type = header->nlmsg_type,
        .flags = header->nlmsg_flags,
        .seq = header->nlmsg_seq,
        .port = header->nlmsg_pid,
    };
}

Result<std::uint16_t> message_type(Bytes message) {
    auto header = read_header(message);
    if (!header)
        return header.error();
    return header->nlmsg_type;
}

Result<GenlMessage> parse_genl_message(Bytes message) {
    auto header = read_header(message);
    if (!header)
        return header.error();
    if (header->nlmsg_type < NLMSG_MIN_TYPE)
        return Error{"expected a generic netlink message, got netlink control message type " +
                     n(header->nlmsg_type) + " (" + control_type_name(header->nlmsg_type) + ")"};
    std::size_t payload = header->nlmsg_len - kNetlinkHeaderSize;
    if (payload < kGenlHeaderSize)
        return Error{"message has " + n(payload) +
                     " bytes after its netlink header, too few for a generic netlink header (" +
                     n(kGenlHeaderSize) + " bytes)"};
    genlmsghdr genl;
    std::memcpy(&genl, message.data() + kNetlinkHeaderSize, sizeof genl);
    return GenlMessage{
        .family = header->nlmsg_type,
        .flags = header->nlmsg_flags,
        .seq = header->nlmsg_seq,
        .port = header->nlmsg_pid,
        .command = genl.cmd,
        .version = genl.version,
        .attributes =
            message.subspan(kNetlinkHeaderSize + kGenlHeaderSize, payload - kGenlHeaderSize),
    };
}

Result<int> parse_netlink_error(Bytes message) {
    auto header = read_header(message);
    if (!header)
        return header.error();
    if (header->nlmsg_type != NLMSG_ERROR)
        return Error{"expected an NLMSG_ERROR message, got type " + n(header->nlmsg_type)};
    std::size_t payload = header->nlmsg_len - kNetlinkHeaderSize;
    if (payload < sizeof(nlmsgerr))
        return Error{"NLMSG_ERROR message has " + n(payload) + " bytes of payload, expected " +
                     n(sizeof(nlmsgerr))};
    nlmsgerr err;
    std::memcpy(&err, message.data() + kNetlinkHeaderSize, sizeof err);
    if (err.error > 0)
        return Error{"NLMSG_ERROR message carries a positive error " + std::to_string(err.error)};
    return -err.error;
}

std::string netlink_error_text(Bytes message) {
    auto header = read_header(message);
    if (!header || header->nlmsg_type != NLMSG_ERROR || !(header->nlmsg_flags & NLM_F_ACK_TLVS))
        return "";
    Bytes payload = message.subspan(kNetlinkHeaderSize, header->nlmsg_len - kNetlinkHeaderSize);
    if (payload.size() < sizeof(nlmsgerr))
        return "";
    nlmsgerr err;
    std::memcpy(&err, payload.data(), sizeof err);
    // Unless the kernel capped the ack, the request's payload is echoed before the TLVs.
    std::size_t offset = sizeof(nlmsgerr);
    if (!(header->nlmsg_flags & NLM_F_CAPPED) && err.msg.nlmsg_len > kNetlinkHeaderSize)
        offset += NLMSG_ALIGN(err.msg.nlmsg_len - kNetlinkHeaderSize);
    if (offset > payload.size())
        return "";
    auto attributes = parse_attributes(payload.subspan(offset), "extended ack");
    if (!attributes)
        return "";
    for (const auto& attr : *attributes) {
        if (attr.type != NLMSGERR_ATTR_MSG)
            continue;
        auto text = read_string(attr, "NLMSGERR_ATTR_MSG");
        return text ? *text : "";
    }
    return "";
}

Error malformed_attribute(Bytes bytes, std::size_t offset, std::string_view where) {
    std::string context = where.empty() ? std::string() : " in " + std::string(where);
    std::size_t remaining = bytes.size() - offset;
    if (remaining < kAttributeHeaderSize)
        return Error{n(remaining) + " stray bytes after the last attribute" + context};
    nlattr header;
    std::memcpy(&header, bytes.data() + offset, sizeof header);
    std::string which =
        "attribute " + n(header.nla_type & NLA_TYPE_MASK) + " at offset " + n(offset) + context;
    if (header.nla_len < kAttributeHeaderSize)
        return Error{which + " has length " + n(header.nla_len) + ", shorter than its " +
                     n(kAttributeHeaderSize) + "-byte header"};
    return Error{which + " has length " + n(header.nla_len) + " but only " + n(remaining) +
                 " bytes remain"};
}

Result<std::vector<Attribute>> parse_attributes(Bytes bytes, std::string_view where) {
    std::vector<Attribute> attributes;
    auto ok = for_each_attribute(bytes, where, [&](const Attribute& attr) {
        attributes.push_back(attr);
        return Result<void>();
    });
    if (!ok)
        return ok.error();
    return attributes;
}

Result<std::uint8_t> read_u8(const Attribute& attr, std::string_view name) {
    return read_fixed<std::uint8_t>(attr, name);
}

Result<std::uint16_t> read_u16(const Attribute& attr, std::string_view name) {
    return read_fixed<std::uint16_t>(attr, name);
}

Result<std::uint32_t> read_u32(const Attribute& attr, std::string_view name) {
    return read_fixed<std::uint32_t>(attr, name);
}

Result<std::uint64_t> read_u64(const Attribute& attr, std::string_view name) {
    return read_fixed<std::uint64_t>(attr, name);
}

Result<std::int32_t> read_s32(const Attribute& attr, std::string_view name) {
    return read_fixed<std::int32_t>(attr, name);
}

Result<std::int64_t> read_s64(const Attribute& attr, std::string_view name) {
    return read_fixed<std::int64_t>(attr, name);
}

Result<std::string> read_string(const Attribute& attr, std::string_view name) {
    const auto* begin = reinterpret_cast<const char*>(attr.payload.data());
    const auto* end = begin + attr.payload.size();
    const auto* nul = std::find(begin, end, '\0');
    if (nul == end)
        return Error{"attribute " + std::string(name) + " (" + n(attr.payload.size()) +
                     " bytes) is not a NUL-terminated string"};
    return std::string(begin, nul);
}

namespace {

Result<FamilyInfo::Group> parse_group(const Attribute& entry) {
    auto attributes = parse_attributes(entry.payload, "CTRL_ATTR_MCAST_GROUPS");
    if (!attributes)
        return attributes.error();
    FamilyInfo::Group group;
    for (const auto& attr : *attributes) {
        if (attr.type == CTRL_ATTR_MCAST_GRP_NAME) {
            auto name = read_string(attr, "CTRL_ATTR_MCAST_GRP_NAME");
            if (!name)
                return name.error();
            group.name = std::move(*name);
        } else if (attr.type == CTRL_ATTR_MCAST_GRP_ID) {
            auto id = read_u32(attr, "CTRL_ATTR_MCAST_GRP_ID");
            if (!id)
                return id.error();
            group.id = *id;
        }
    }
    return group;
}

Result<void> parse_groups(const Attribute& nest, std::vector<FamilyInfo::Group>& groups) {
    auto entries = parse_attributes(nest.payload, "CTRL_ATTR_MCAST_GROUPS");
    if (!entries)
        return entries.error();
    for (const auto& entry : *entries) {
        auto group = parse_group(entry);
        if (!group)
            return group.error();
        groups.push_back(std::move(*group));
    }
    return {};
}

} // namespace

Result<FamilyInfo> parse_family(const GenlMessage& message) {
    auto attributes = parse_attributes(message.attributes, "");
    if (!attributes)
        return attributes.error();
    FamilyInfo family;
    bool has_id = false;
    for (const auto& attr : *attributes) {
        if (attr.type == CTRL_ATTR_FAMILY_ID) {
            auto id = read_u16(attr, "CTRL_ATTR_FAMILY_ID");
            if (!id)
                return id.error();
            family.id = *id;
            has_id = true;
        } else if (attr.type == CTRL_ATTR_FAMILY_NAME) {
            auto name = read_string(attr, "CTRL_ATTR_FAMILY_NAME");
            if (!name)
                return name.error();
            family.name = std::move(*name);
        } else if (attr.type == CTRL_ATTR_VERSION) {
            auto version = read_u32(attr, "CTRL_ATTR_VERSION");
            if (!version)
                return version.error();
            family.version = *version;
        } else if (attr.type == CTRL_ATTR_MCAST_GROUPS) {
            if (auto groups = parse_groups(attr, family.groups); !groups)
                return groups.error();
        }
    }
    if (!has_id)
        return Error{"controller reply without CTRL_ATTR_FAMILY_ID"};
    return family;
}

Result<bool> announces_family_removal(Bytes message, std::string_view family_name) {
    auto genl = parse_genl_message(message);
    if (!genl)
        return genl.error();
    if (genl->family != GENL_ID_CTRL || genl->command != CTRL_CMD_DELFAMILY)
        return false;
    auto attributes = parse_attributes(genl->attributes, "");
    if (!attributes)
        return attributes.error();
    for (const auto& attr : *attributes) {
        if (attr.type != CTRL_ATTR_FAMILY_NAME)
            continue;
        auto name = read_string(attr, "CTRL_ATTR_FAMILY_NAME");
        if (!name)
            return name.error();
        return *name == family_name;
    }
    return false;
}

} // namespace modtrace
