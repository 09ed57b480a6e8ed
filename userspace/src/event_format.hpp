// Events as text: one JSON object per line for programs, one aligned line for people, and the
// loss and summary lines for stderr. Every string that came from the kernel or a caller is
// escaped, so a crafted module name, path, comm or parameter string can neither break a line
// nor forge a field or column.
#pragma once

#include "correlate.hpp"
#include "event.hpp"
#include "record.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace modtrace {

class JsonWriter;

// How events are printed: text lines, modtrace's JSON objects (event_to_json), or OCSF events
// (ocsf.hpp).
enum class OutputFormat { Text, Json, Ocsf };

// Turns the kernel's CLOCK_MONOTONIC timestamps into wall-clock time with one offset between
// the two clocks. The offset moves when the wall clock is stepped and across a suspend
// (CLOCK_MONOTONIC stops while suspended), so a long-running reader takes it anew as records
// come (WatchConfig::clock); an event is placed with the offset in force when it is printed.
struct TimeBase {
    std::int64_t realtime_offset_ns = 0; // CLOCK_REALTIME - CLOCK_MONOTONIC

    // Reads both clocks now.
    static TimeBase from_clocks();
    std::int64_t realtime_ns(std::uint64_t monotonic_ns) const;
};

// RFC 3339 in UTC with nanoseconds: "2026-11-23T10:11:12.123456789Z".
std::string format_rfc3339(std::int64_t realtime_ns);

// "850ns", "12.3us", "12.345ms", "1.234s" (truncated, not rounded).
std::string format_duration(std::uint64_t ns);

// One line, no trailing newline. Keys, always all present and in this order: seq, time, event,
// pid, tid, ppid, uid, euid, gid, loginuid and sessionid (null when unset), comm, cgroup_id,
// pidns_ino, mntns_ino, abi (name, or the number of one this reader does not know; null when
// absent), request, args, module, image, ret, errno, outcome, request_result, duration_ns,
// init_duration_ns, complete, incomplete_reason, params_mismatch, name_mismatch, file_changed,
// truncated. request is the module request the task runs for ({seq, name, pid, tid, comm, uid}
// of the requester), null when it runs for none. args holds the keys that apply to the syscall
// (init_module: len, params; finit_module: fd, path, dev, ino, caller_dev, caller_ino, params,
// flags, flags_raw; delete_module: name, flags, flags_raw; the obsolete syscalls: nr, raw;
// request_module: name, wait; unknown_load: none), null when the record that carries them was
// not seen. request_result is what a request_module's ret means ({by: "kernel" or "modprobe",
// exit_status, signal, errno}), null for other events or when the return was not seen. module
// (name, version, srcversion, taints, signed, params, text_size, total_size, init_ret) is null when
// no init ran on the call's thread and, for delete_module, when the kernel's free of the module was
// not seen (then only its name is known, the rest null).
std::string event_to_json(const Event& event, const TimeBase& time);
// The same object onto `w` (for a writer reused line after line: no allocation per event).
void write_event_json(JsonWriter& w, const Event& event, const TimeBase& time);

// Parts of event_to_json()'s object, for the formats that carry modtrace's own fields too
// (ocsf.hpp): the "args" object, the "module" object or null, the "truncated" array, each
// written as the value of a key the caller has written; the errno name of a negative return
// ("" when there is none); and the outcome in the text line's words ("rejected (EEXIST)").
// `time` places hidden_module's "loaded" on the wall clock.
void event_args_json(JsonWriter& w, const Event& event, const TimeBase& time);
void event_module_json(JsonWriter& w, const Event& ev);
// The event's image (IMAGE of its return), or null.
void event_image_json(JsonWriter& w, const Event& ev);
// The SHA-256 of the event's image when the kernel hashed it, else none.
std::optional<std::string> image_sha256(const Event& ev);
// The capture's outcome for a hashed image ("captured", "off", "over_budget", "no_memory",
// "lost", "write_failed"; "not_asked" when the reader ran without --capture), else nullopt.
std::optional<std::string> image_capture(const Event& ev);
// The file --capture wrote the event's image to (or found it in), else nullopt.
std::optional<std::string> captured_path(const Event& ev);
void event_truncated_json(JsonWriter& w, const Event& event);
std::string event_errno(const Event& event);
std::string outcome_words(const Event& event);
// The "request" object or null, and the "request_result" object or null.
void event_request_json(JsonWriter& w, const Event& ev);
void event_request_result_json(JsonWriter& w, const Event& ev);

// What a request_module's ret means: the kernel's own error (negative), else modprobe's wait
// status (a waiting request's; 0 for one that only waits for it to start).
struct RequestResult {
    std::optional<int> exit_status;
    std::optional<int> signal;
    std::optional<std::string> errno_name;
};
RequestResult request_result(const Event& ev);
// "kernel: ENOENT", "modprobe exited 1", "modprobe killed by signal 9", "modprobe started".
std::string request_result_words(const Event& ev);
// "requested by ip[412] for rtnl-link-vxlan"
std::string requested_by(const RequestInfo& request);

// One human-readable line, no trailing newline: local time (HH:MM:SS.mmm), syscall (with
// "/ia32" or "/x32" after it for a caller of that ABI), process
// (comm[pid] uid=N), the file or image size or module name the call was about, its params,
// flags, the module that ran its init, the outcome and the duration, then any warnings
// ([incomplete: why], [params changed: ...]). Strings that are not plain printable ASCII are
// quoted and escaped. ANSI colour only with `colour`.
std::string event_to_text(const Event& event, bool colour, const TimeBase& time);

// The column titles of event_to_text()'s lines, aligned with them, no trailing newline: for the
// top of a terminal. Dimmed with `colour`.
std::string text_header(bool colour);

// "modtrace: 5 records lost (buffer_full 3, socket_full 2)": what one LOSS nest (or a total)
// reports, for a warning when it arrives. "" when nothing was lost.
std::string loss_line(const Loss& loss);

// "modtrace: 12 events (3 incomplete), 5 records lost (buffer_full 5)", for stderr at exit.
// Seqs that never arrived beyond what the kernel reported count as "unreported".
std::string summary_line(const CorrelatorSummary& summary, const Loss& loss);

} // namespace modtrace
