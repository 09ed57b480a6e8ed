// libFuzzer target: bytes from the socket. The input is either a whole datagram or, to reach
// the attribute decoders quickly, the attributes of one generic netlink message given valid
// headers here. Every message goes through the record, status and subscription decoders; every
// record decoded goes through the raw JSON writer and the correlator.
//
// Checks beyond the sanitizers: a decoded record's JSON is one line.
#include "correlate.hpp"
#include "decode.hpp"
#include "netlink_parse.hpp"
#include "raw.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <vector>

namespace {

using namespace modtrace;

std::vector<std::uint8_t> with_headers(const std::uint8_t* data, std::size_t size,
                                       std::uint8_t cmd) {
    std::vector<std::uint8_t> msg(NLMSG_HDRLEN + GENL_HDRLEN + size);
    nlmsghdr nlh{};
    nlh.nlmsg_len = static_cast<std::uint32_t>(msg.size());
    nlh.nlmsg_type = 0x20;
    genlmsghdr genl{};
    genl.cmd = cmd;
    genl.version = MODTRACE_GENL_VERSION;
    std::memcpy(msg.data(), &nlh, sizeof(nlh));
    std::memcpy(msg.data() + NLMSG_HDRLEN, &genl, sizeof(genl));
    if (size)
        std::memcpy(msg.data() + NLMSG_HDRLEN + GENL_HDRLEN, data, size);
    return msg;
}

void decode_one(Bytes message, Correlator& correlator) {
    (void)announces_family_removal(message, MODTRACE_GENL_NAME);
    auto genl = parse_genl_message(message);
    if (!genl)
        return;
    (void)decode_status(*genl);
    (void)decode_subscription(*genl);
    auto record = decode_record(*genl);
    if (!record)
        return;
    const std::string json = record_to_json(*record);
    if (json.find('\n') != std::string::npos) {
        std::fprintf(stderr, "raw JSON spans lines: %s\n", json.c_str());
        std::abort();
    }
    correlator.feed(*record);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0)
        return 0;
    Correlator correlator;
    const std::uint8_t mode = data[0];
    ++data;
    --size;
    std::vector<std::uint8_t> datagram;
    if (mode < 0x40)
        datagram.assign(data, data + size);
    else
        datagram = with_headers(data, size, mode & 0x3f);
    auto messages = split_datagram(Bytes(datagram.data(), datagram.size()));
    if (!messages)
        return 0;
    for (const Bytes& message : *messages)
        decode_one(message, correlator);
    correlator.flush(IncompleteReason::ReaderStopped);
    correlator.drain();
    return 0;
}
