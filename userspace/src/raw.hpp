// What `modtrace --raw` and `modtrace --status` print: records as one JSON object per line,
// the status as text for people or as one JSON object.
#pragma once

#include "decode.hpp"
#include "record.hpp"

#include <cstdint>
#include <string>

namespace modtrace {

// One record as one line of JSON, without the newline. Keys follow the protocol's attributes
// (type, seq, probe, ts_ns, cpu, task, flags, loss, image_len, params, fd, file, finit_flags,
// name, delete_flags, syscall_nr, syscall_args, module, entry_seq, ret, duration_ns,
// next_seq); an attribute the record did not carry has no key. "flags" is always there. A
// type, probe or ABI this reader has no name for is printed as its number.
std::string record_to_json(const Record& record);

// The status as one JSON object, without the newline: version, instance, next_seq, readers,
// backlog_bytes, backlog_max_bytes, params, probes (one object per probe: "probe" and
// "points", one per point it is attached to, or the one saying why it is attached nowhere),
// counters.
// `hidden_check_s`: the --hidden-check interval this reader's options give (0: off).
std::string status_to_json(const Status& status, std::uint32_t hidden_check_s);

// The status for people: aligned lines, each ending in a newline.
std::string status_to_text(const Status& status, std::uint32_t hidden_check_s);

} // namespace modtrace
