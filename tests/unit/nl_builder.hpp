// Netlink messages built byte by byte for the parser and decoder tests. Written apart from the
// code under test (no libnl, no netlink_parse) so that a shared misreading of the format cannot
// make both sides agree. It can also write what the kernel never would: wrong lengths, stray
// bytes, unterminated strings.
#pragma once

#include <cstdint>
#include <cstring>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <span>
#include <string_view>
#include <vector>

namespace modtrace::test {

using ByteVector = std::vector<std::uint8_t>;

class MessageBuilder {
public:
    MessageBuilder& u8(std::uint16_t type, std::uint8_t v) { return fixed(type, v); }
    MessageBuilder& u16(std::uint16_t type, std::uint16_t v) { return fixed(type, v); }
    MessageBuilder& u32(std::uint16_t type, std::uint32_t v) { return fixed(type, v); }
    MessageBuilder& u64(std::uint16_t type, std::uint64_t v) { return fixed(type, v); }
    MessageBuilder& s32(std::uint16_t type, std::int32_t v) { return fixed(type, v); }
    MessageBuilder& s64(std::uint16_t type, std::int64_t v) { return fixed(type, v); }

    // A NUL-terminated string attribute.
    MessageBuilder& str(std::uint16_t type, std::string_view s) {
        ByteVector payload(s.begin(), s.end());
        payload.push_back(0);
        return raw(type, payload);
    }

    // An attribute with exactly this payload.
    MessageBuilder& raw(std::uint16_t type, std::span<const std::uint8_t> payload) {
        header(type, static_cast<std::uint16_t>(NLA_HDRLEN + payload.size()));
        bytes_.insert(bytes_.end(), payload.begin(), payload.end());
        pad();
        return *this;
    }

    // An attribute header claiming `length`, followed by `payload` whatever its real size.
    MessageBuilder& lying(std::uint16_t type, std::uint16_t length, ByteVector payload) {
        header(type, length);
        bytes_.insert(bytes_.end(), payload.begin(), payload.end());
        return *this;
    }

    // Bytes that are not an attribute at all.
    MessageBuilder& garbage(ByteVector bytes) {
        bytes_.insert(bytes_.end(), bytes.begin(), bytes.end());
        return *this;
    }

    // A nest: everything added until end() goes inside it.
    MessageBuilder& begin(std::uint16_t type) {
        open_.push_back(bytes_.size());
        header(static_cast<std::uint16_t>(type | NLA_F_NESTED), 0);
        return *this;
    }

    MessageBuilder& end() {
        std::size_t start = open_.back();
        open_.pop_back();
        auto length = static_cast<std::uint16_t>(bytes_.size() - start);
        std::memcpy(bytes_.data() + start, &length, sizeof length);
        return *this;
    }

    // The attribute stream alone.
    const ByteVector& attributes() const { return bytes_; }

    // A whole generic netlink message around the attributes.
    ByteVector message(std::uint16_t family, std::uint8_t command, std::uint32_t seq = 0) const {
        nlmsghdr nlh{};
        nlh.nlmsg_len = static_cast<std::uint32_t>(NLMSG_HDRLEN + GENL_HDRLEN + bytes_.size());
        nlh.nlmsg_type = family;
        nlh.nlmsg_seq = seq;
        genlmsghdr genl{};
        genl.cmd = command;
        genl.version = 1;
        ByteVector out(sizeof nlh + sizeof genl);
        std::memcpy(out.data(), &nlh, sizeof nlh);
        std::memcpy(out.data() + sizeof nlh, &genl, sizeof genl);
        out.insert(out.end(), bytes_.begin(), bytes_.end());
        return out;
    }

private:
    template <class T> MessageBuilder& fixed(std::uint16_t type, T value) {
        std::uint8_t payload[sizeof(T)];
        std::memcpy(payload, &value, sizeof value);
        return raw(type, payload);
    }

    void header(std::uint16_t type, std::uint16_t length) {
        std::uint8_t h[NLA_HDRLEN];
        std::memcpy(h, &length, 2);
        std::memcpy(h + 2, &type, 2);
        bytes_.insert(bytes_.end(), h, h + NLA_HDRLEN);
    }

    void pad() {
        while (bytes_.size() % NLA_ALIGNTO != 0)
            bytes_.push_back(0);
    }

    ByteVector bytes_;
    std::vector<std::size_t> open_;
};

// A bare netlink message of `type` with `payload` after the header.
inline ByteVector netlink_message(std::uint16_t type, const ByteVector& payload,
                                  std::uint16_t flags = 0, std::uint32_t seq = 0) {
    nlmsghdr nlh{};
    nlh.nlmsg_len = static_cast<std::uint32_t>(NLMSG_HDRLEN + payload.size());
    nlh.nlmsg_type = type;
    nlh.nlmsg_flags = flags;
    nlh.nlmsg_seq = seq;
    ByteVector out(sizeof nlh);
    std::memcpy(out.data(), &nlh, sizeof nlh);
    out.insert(out.end(), payload.begin(), payload.end());
    return out;
}

} // namespace modtrace::test
