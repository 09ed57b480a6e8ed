// The kernel module's messages (kmod/uapi/modtrace.h) decoded into typed values. Pure functions
// over bytes, no libnl: every attribute is checked (exact sizes for numbers, strings terminated
// within their payload, nests parsed recursively, enum values other than UNSPEC, attributes
// required by the record type present), so anything past the decoder can trust what it gets.
// What a newer module may add is kept or skipped, never an error (the header's "Compatibility"):
// attribute types this reader does not know are skipped (PAD too); a record type, probe, ABI or
// probe state it does not know is kept as its number, and a record of an unknown type needs
// nothing but its TYPE. Attributes added to the protocol later than the first release are
// optional, so that an older module's messages still decode.
#pragma once

#include "modtrace.h"
#include "netlink_parse.hpp"
#include "record.hpp"
#include "result.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace modtrace {

// The protocol version this reader speaks.
inline constexpr std::uint32_t kProtocolVersion = MODTRACE_GENL_VERSION;

enum class ProbeState : std::uint32_t {
    Attached = 1,
    Missing = 2,
};

// One MODTRACE_ATTR_PROBE_STATUS nest: one point a probe is attached to, or, with state Missing,
// a probe attached nowhere. A probe attached to several points (one per syscall ABI) has one
// nest for each.
struct ProbeStatus {
    Probe probe{};
    std::optional<std::string> symbol; // absent: attached nowhere
    ProbeState state{};
    std::uint64_t hits = 0;
    std::uint64_t nmissed = 0;
    std::optional<std::uint32_t> register_error; // positive errno
};

// MODTRACE_ATTR_COUNTERS: totals since the module was loaded.
struct Counters {
    std::uint64_t records = 0;
    std::uint64_t queued = 0;
    std::uint64_t sent = 0;
    std::uint64_t lost_buffer_full = 0;
    std::uint64_t lost_socket_full = 0;
    std::uint64_t lost_nmissed = 0;
    std::uint64_t lost_nomem = 0;
    std::uint64_t readers_gone = 0;
    std::optional<std::uint64_t> lost_busy;    // absent from older modules
    std::optional<std::uint64_t> image_unkept; // absent from older modules
    std::optional<std::uint64_t> request_unkept;
    std::optional<std::uint64_t> hidden_checks;    // CHECK_HIDDEN requests run
    std::optional<std::uint64_t> hidden_untracked; // came live while the table was full
    // absent from modules without capture
    std::optional<std::uint64_t> capture_over_budget;
    std::optional<std::uint64_t> capture_no_memory;
    std::optional<std::uint64_t> capture_lost;
    std::optional<std::uint64_t> captured;
};

// The module's parameters, fixed once it is loaded.
struct StatusParams {
    std::uint32_t buffer_records = 0;
    std::uint32_t reserved_records = 0;
    std::uint32_t string_max = 0;
    std::optional<bool> locked; // absent from older modules
    std::optional<std::uint32_t> history_records;
    std::optional<std::uint64_t> capture_max_bytes; // may change at run time; 0: off
};

// What the kernel's history holds now (absent from older modules).
struct StatusHistory {
    std::optional<std::uint32_t> held;
    std::optional<std::uint32_t> bytes; // allocated at load
    std::optional<std::uint64_t> first_seq;
};

// The reply to MODTRACE_CMD_GET_STATUS.
struct Status {
    std::uint32_t version = 0;
    std::uint64_t instance = 0;
    std::uint64_t next_seq = 0;
    StatusParams params;
    StatusHistory history;
    std::vector<ProbeStatus> probes;
    Counters counters;
    std::uint32_t readers = 0;
    // Bytes the readers' backlogs hold now and may hold at most; absent from older modules.
    std::optional<std::uint32_t> backlog_bytes;
    std::optional<std::uint32_t> backlog_max_bytes;
    // Modules that came live since the kernel module loaded and CHECK_HIDDEN looks at now.
    std::optional<std::uint32_t> hidden_tracked;
    std::optional<std::uint64_t> capture_held_bytes; // image copies the module holds now
};

// The reply to MODTRACE_CMD_SUBSCRIBE: records from next_seq on are delivered or counted lost.
struct Subscription {
    std::uint32_t version = 0;
    std::uint64_t instance = 0;
    std::uint64_t next_seq = 0;
    std::optional<std::uint64_t> history_first_seq; // the oldest seq the history holds
};

// A MODTRACE_CMD_RECORD message. Errors name the record and the attribute, e.g.
// "record seq 12: attribute FD has 2 bytes, expected 4".
Result<Record> decode_record(const GenlMessage& message);
// The same from one whole netlink message (headers included), as split_datagram gives them.
Result<Record> decode_record(Bytes message);
// decode_record() into `out`, a Record as default-constructed, for a caller that keeps the
// record where it will be used: a Record is large, and a move of one costs about a quarter of
// what decoding it does. On an error, `out` is unspecified.
Result<void> decode_record_into(const GenlMessage& message, Record& out);

// decode_record()'s two paths, apart for the fuzzer to hold them to each other. The fast one
// fills `out` with a record it accepts and declines (false, `out` unspecified) anything else;
// the careful one, asked only then, says why. Both accept the same messages, as the same record.
namespace detail {
bool decode_record_fast(const GenlMessage& message, Record& out);
Result<Record> decode_record_careful(const GenlMessage& message);
} // namespace detail

Result<Status> decode_status(const GenlMessage& message);
Result<Subscription> decode_subscription(const GenlMessage& message);

} // namespace modtrace
