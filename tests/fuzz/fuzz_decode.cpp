// libFuzzer target: bytes from the socket. The input is either a whole datagram or, to reach
// the attribute decoders quickly, the attributes of one generic netlink message given valid
// headers here. Every message goes through the record, status and subscription decoders; every
// record decoded goes through the raw JSON writer and the correlator.
//
// Checks beyond the sanitizers (a broken one aborts, which libFuzzer reports as a crash): the
// decoder's fast path accepts exactly what its careful one does, as the same record; a
// decoded record's JSON, and a decoded status's, is strict JSON (json_check.hpp) on one line;
// the status's text has no control byte but its newlines; and the correlator accounts for every
// record fed: once flushed, records == joined + control + malformed + unknown + duplicates +
// late, and the events' own record counts add up to joined.
#include "correlate.hpp"
#include "decode.hpp"
#include "json_check.hpp"
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

// Abort, which libFuzzer reports as a crash, naming the broken expectation.
#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            std::fprintf(stderr, "fuzz_decode: check failed: %s\n", #cond);                        \
            std::abort();                                                                          \
        }                                                                                          \
    } while (0)

void check_json(const std::string& json) {
    CHECK(json.find('\n') == std::string::npos);
    const modtrace::test::JsonCheck check(json);
    if (!check.ok())
        std::fprintf(stderr, "fuzz_decode: %s in %s\n", check.error().c_str(), json.c_str());
    CHECK(check.ok());
}

void decode_one(Bytes message, Correlator& correlator) {
    (void)announces_family_removal(message, MODTRACE_GENL_NAME);
    auto genl = parse_genl_message(message);
    if (!genl)
        return;
    if (auto status = decode_status(*genl)) {
        check_json(status_to_json(*status, 60));
        for (const char c : status_to_text(*status, 60))
            CHECK(c == '\n' || (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f));
    }
    (void)decode_subscription(*genl);
    // The fast path accepts what the careful one does, as the same record.
    Record fast;
    const bool fast_ok = detail::decode_record_fast(*genl, fast);
    const auto careful = detail::decode_record_careful(*genl);
    CHECK(fast_ok == careful.has_value());
    if (fast_ok)
        CHECK(record_to_json(fast) == record_to_json(*careful));
    auto record = decode_record(*genl);
    if (!record)
        return;
    check_json(record_to_json(*record));
    correlator.feed(*record);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0)
        return 0;
    std::uint64_t in_events = 0;
    Correlator correlator({}, [&](Event&& e) { in_events += e.records; });
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
    const CorrelatorSummary& s = correlator.summary();
    CHECK(s.joined == in_events);
    CHECK(s.records == s.joined + s.control + s.malformed + s.unknown + s.duplicates + s.late);
    CHECK(correlator.open_calls() == 0 && correlator.held_events() == 0);
    return 0;
}
