// `modtrace --journal`: what the reader sends to the systemd journal, built as lists of
// "FIELD=value" strings by pure functions (testable without a journal), and the sink that sends
// them. Every entry has MESSAGE (the line the text output would print, or the stderr line
// without its "modtrace: " prefix), PRIORITY, SYSLOG_IDENTIFIER=modtrace and a MESSAGE_ID per
// kind of entry; events and baseline modules also have every field of their JSON object as a
// MODTRACE_* field and the whole object in MODTRACE_JSON.
#pragma once

#include "baseline.hpp"
#include "event.hpp"
#include "event_format.hpp"
#include "record.hpp"
#include "result.hpp"
#include "self_unload.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <sys/uio.h>
#include <vector>

namespace modtrace {

// One journal entry: "NAME=value" strings. A value may hold any bytes, newlines included: each
// string is one field (sd_journal_sendv sends a value with a newline in the journal's binary
// form), so no value can start another field.
using JournalEntry = std::vector<std::string>;

// syslog(3) levels, as the journal's PRIORITY= takes them.
enum JournalPriority : int {
    kPriorityAlert = 1,   // hidden modules, the obsolete syscalls, modtrace's own unload
    kPriorityErr = 3,     // records lost; the reader stopped by a failure
    kPriorityWarning = 4, // a load or unload that failed, or whose end was not seen
    kPriorityNotice = 5,  // a module loaded or unloaded
    kPriorityInfo = 6,    // baseline modules, the reader's start and stop
};

// The kinds of entry and their MESSAGE_IDs (128-bit, written as systemd writes them: 32
// lower-case hex digits). Never change one: journalctl MESSAGE_ID=... and catalogs match them.
struct JournalMessageId {
    std::string_view name; // an event kind (event_kind_name), or one of the reader's entries
    std::string_view id;
};
inline constexpr JournalMessageId kJournalMessageIds[] = {
    {"init_module", "168276c241ed47458d270f7a2de606ba"},
    {"finit_module", "fe96dbcf6cfb4e669a0b9f00fa91beca"},
    {"delete_module", "142303e2a75541699fa7f15bc09ec136"},
    {"create_module", "d08c6d30b4fb40619cfe3aacd253f8cb"},
    {"query_module", "a3256fdf05f245b1a4414aaea84882aa"},
    {"get_kernel_syms", "90a5df98947d432c8fdd2cc231698d62"},
    {"obsolete_syscall", "f03f31a37a79465b92f38fa2e271bca5"},
    {"unknown_load", "d95cdf9e804149679bf772a55b0547be"},
    {"request_module", "51d253d6b42b4ab1a92c724926baf199"},
    // A module that came live is now missing from the module list or sysfs.
    {"hidden_module", "25ce15e22d784ae09a417e24b04a5662"},
    {"baseline", "473ac5e958784ca59872457648fabead"},
    {"records_lost", "93bc41d002344e4aadd4fbc652131366"},
    {"module_unloaded", "f1fbb245125b4d60ac718d2d1c0b89d0"},
    {"reader_started", "56df9b9b8ce146daaf545a922458c04d"},
    {"reader_stopped", "5be44646f3da4b8281dd7e2af26446f5"},
};

// The MESSAGE_ID of an entry kind above; "" for a name that has none.
std::string_view journal_message_id(std::string_view name);

// A journal field name for a JSON key path ("args_path", "module_name"): "MODTRACE_" and the
// path upper-cased, every byte outside [A-Z0-9_] made '_', cut at 64 bytes (the journal's
// limit). Never starts with '_' (the journal keeps those for fields it adds itself).
std::string journal_field_name(std::string_view path);

// The fields of one JSON object (a line event_to_json or baseline_to_json wrote), appended to
// `entry`: each member as journal_field_name of its key path, nested keys joined with '_',
// except the members of the top-level "args", which are fields of their own (MODTRACE_PATH,
// not MODTRACE_ARGS_PATH). Strings as their JSON value (escapes undone); numbers as written;
// true and false as those words; null leaves the field out. An array of strings gives one
// field per element (a field repeated: journalctl matches any of them); an array of anything
// else one field, its elements in order, separated by spaces. An Error for text that is not
// one JSON object.
Result<void> append_json_fields(JournalEntry& entry, std::string_view json);

// PRIORITY of an event: alert for the obsolete syscalls, hidden modules and the delete_module
// that unloaded modtrace itself; notice for a load or unload that succeeded; warning for one
// that failed, or whose result is unknown.
JournalPriority event_priority(const Event& event);

// The module an event is about, as --module matches it: the module whose init ran (for
// delete_module: the module freed), else the name delete_module was given, else the file's
// name without .ko (finit_module). "" when there is none.
std::string event_module(const Event& event);

// An event: MESSAGE (event_to_text, no colour), PRIORITY, SYSLOG_IDENTIFIER, MESSAGE_ID of its
// kind, MODTRACE_MODULE (event_module, when there is one), the JSON object's fields, and
// MODTRACE_JSON (event_to_json).
JournalEntry event_entry(const Event& event, const TimeBase& time);

// A module loaded when the reader started (--baseline): MESSAGE (baseline_to_text), PRIORITY
// info, MESSAGE_ID baseline, the fields of baseline_to_json (MODTRACE_BASELINE, MODTRACE_MODULE,
// MODTRACE_SIZE, ...), MODTRACE_JSON.
JournalEntry baseline_entry(const LoadedModule& module, std::int64_t realtime_ns);

// One loss report (what loss_line prints): PRIORITY err, MESSAGE_ID records_lost, MODTRACE_LOST
// (the total) and MODTRACE_LOST_CAUSE for each cause that lost some (MODTRACE_LOST_BUFFER_FULL,
// ..._SOCKET_FULL, ..._NOMEM, ..._NMISSED, ..._BUSY, ..._HISTORY).
JournalEntry loss_entry(const Loss& loss);

// The kernel module's unload (what the reader's last stderr line says): PRIORITY alert,
// MESSAGE_ID module_unloaded and, when the call that unloaded it was seen, MODTRACE_PID,
// MODTRACE_UID, MODTRACE_LOGINUID (when set), MODTRACE_COMM and MODTRACE_FORCED.
JournalEntry unload_entry(const SelfUnloadWitness& witness);

// Where the reader starts reading.
struct ReaderStart {
    std::optional<std::string> input;      // --input FILE, instead of the kernel
    std::uint64_t next_seq = 0;            // the first live seq (SUBSCRIBE's reply)
    std::optional<std::uint64_t> from_seq; // --replay, --resume: the history from there
    std::optional<std::uint64_t> instance; // the kernel module instance
};

// The reader started: PRIORITY info, MESSAGE_ID reader_started, MODTRACE_VERSION,
// MODTRACE_PROTOCOL, MODTRACE_NEXT_SEQ, MODTRACE_FROM_SEQ, MODTRACE_INSTANCE, MODTRACE_INPUT.
JournalEntry start_entry(const ReaderStart& start);

// The reader stopped: MESSAGE "stopped: " and `summary` (summary_line without its prefix),
// PRIORITY info (err when `end` is "failed"), MESSAGE_ID reader_stopped, MODTRACE_END (`end`:
// stopped, count_reached, shutdown, failed), MODTRACE_EVENTS, MODTRACE_INCOMPLETE,
// MODTRACE_FILTERED.
JournalEntry stop_entry(std::string_view summary, std::string_view end, std::uint64_t events,
                        std::uint64_t incomplete, std::uint64_t filtered);

// `line` without a leading "modtrace: ": the journal names the sender in SYSLOG_IDENTIFIER.
std::string_view without_prefix(std::string_view line);

// Where entries go. The journal itself, or a list in tests.
class JournalSink {
public:
    virtual ~JournalSink() = default;
    // An Error ("cannot write to the journal: ...", with the errno) when the entry was not
    // taken.
    virtual Result<void> send(const JournalEntry& entry) = 0;
};

// Where sd_journal_sendv sends entries: systemd-journald's native socket.
inline constexpr const char* kJournalSocket = "/run/systemd/journal/socket";

// Whether `socket` is there to send to. sd_journal_sendv succeeds without sending anything when
// the socket does not exist (libsystemd drops entries silently while no journal runs), so the
// reader checks once before it starts: an Error (ENOENT, or ENOTSOCK for another kind of file)
// saying that no journal runs.
Result<void> journal_available(const char* socket = kJournalSocket);

// The system journal, through sd_journal_sendv (which writes to kJournalSocket).
class SystemJournal final : public JournalSink {
public:
    // sd_journal_sendv's signature: a negative errno on failure. Tests pass their own.
    using SendFunction = int (*)(const struct iovec* fields, int count);
    SystemJournal();
    explicit SystemJournal(SendFunction send) : send_(send) {}

    Result<void> send(const JournalEntry& entry) override;

private:
    SendFunction send_;
};

} // namespace modtrace
