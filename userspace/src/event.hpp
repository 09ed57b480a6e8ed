// One module syscall as the correlator assembles it from the kernel's separate records: the
// entry, the module init it ran (if any), and the return. event_format.hpp prints it; Filter
// selects which events are printed.
#pragma once

#include "record.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace modtrace {

enum class EventKind {
    InitModule,
    FinitModule,
    DeleteModule,
    CreateModule,
    QueryModule,
    GetKernelSyms,
    // A module init whose syscall records were all lost (or began before the reader started):
    // init_module or finit_module, there is no telling which.
    UnknownLoad,
    // A call the ni_syscall probe recorded whose ABI and number are none of the obsolete
    // syscalls this reader knows (a newer kernel module may record more): kept with its number.
    ObsoleteSyscall,
    // The kernel asked for a module (__request_module()): not a syscall, but what a process did
    // made the kernel run modprobe; the task is the requester.
    RequestModule,
    // Not a syscall: a module that came live is now missing from the module list or sysfs, as a
    // hidden-module check (--hidden-check) found it. Its task is the module's loader.
    HiddenModule,
};

enum class Outcome {
    Rejected,   // a load the kernel refused before any module init ran
    InitFailed, // the module's init ran and failed (or do_init_module() did)
    // A load that failed where records were lost (or the init probe is not attached): whether
    // the kernel refused it or its init failed cannot be told.
    Failed,
    Loaded,
    // Kernels with idempotent_init_module() (6.12, not 6.1): a finit_module(2) of a file
    // another thread was already loading. The kernel made this call wait and gave it the other
    // call's result; its own thread ran no init. Only given when that other call was seen:
    // Event::waited_on names it.
    Waited,
    Unloaded,
    UnloadFailed,
    Enosys, // create_module, query_module, get_kernel_syms: gone from the kernel
    // request_module: 0 returned (modprobe exited 0, or for a request that does not wait, it
    // started); a request that returned anything else (request_result() says what).
    Requested,
    RequestFailed,
    Hidden,  // hidden_module: the module is missing from where hidden_from says
    Unknown, // the return was not seen and nothing else tells
};

enum class IncompleteReason {
    None,
    MissingEntry,  // the syscall entry record was lost, or came before the reader started
    MissingReturn, // the return was lost: the thread has since made another call
    LostRecords,   // entry and return seen, but records in between may be missing
    // A load returned 0, but no init of its own was seen, nor a load of the same file by
    // another thread that it could have waited for, and no loss was reported that would explain
    // it: its module is not known.
    MissingInit,
    ReaderStopped, // flushed at the end of input while the call was still open
    Shutdown,      // the kernel module unloaded while the call was open
    Evicted,       // too many open calls: the oldest were given up
};

std::string_view event_kind_name(EventKind kind);
std::optional<EventKind> event_kind_from_name(std::string_view name);
std::string_view outcome_name(Outcome outcome);
std::string_view incomplete_reason_name(IncompleteReason reason); // "" for None

// What the caller passed. Which members apply depends on the syscall; the rest stay empty.
struct EventArgs {
    std::optional<std::uint64_t> len; // init_module: image size
    std::optional<std::int32_t> fd;   // finit_module
    // finit_module: the file the kernel read the module from (the return's FILE), else the one
    // the fd referred to at entry. dev and ino are the file's identity, which is what the
    // kernel's de-duplication of concurrent loads keys on.
    std::optional<std::string> path;
    std::optional<std::uint32_t> dev; // new_encode_dev() form
    std::optional<std::uint64_t> ino;
    // finit_module: the file the fd referred to at entry, only when it is not the one above.
    std::optional<std::uint32_t> caller_dev;
    std::optional<std::uint64_t> caller_ino;
    std::optional<std::string> params; // init_module, finit_module: as read at entry
    // The params above are only a prefix of what the caller passed (cut at the kernel module's
    // string bound, or the rest could not be read without faulting).
    bool params_partial = false;
    bool path_partial = false;
    std::optional<std::uint32_t> flags; // finit_module, delete_module: raw
    std::optional<std::string> name;    // delete_module; request_module: the name asked for
    std::optional<bool> wait;           // request_module: the requester waits for modprobe
    bool name_partial = false;
    std::optional<std::uint32_t> syscall_nr; // obsolete syscalls: in the caller's ABI's table
    std::vector<std::uint64_t> syscall_args; // obsolete syscalls: raw arguments
};

// The kernel's view of the module whose init this call ran; for delete_module, the module the
// kernel freed (its name only).
struct EventModule {
    std::string name;
    std::optional<std::string> version;
    std::optional<std::string> srcversion;
    std::optional<std::uint64_t> taints;
    std::optional<bool> sig_ok;
    std::optional<std::string> params; // mod->args
    bool params_truncated = false;
    std::optional<std::uint64_t> text_size;
    std::optional<std::uint64_t> total_size;
    std::optional<std::int64_t> init_ret; // absent when the init's return was lost
};

// The call a Waited event waited for.
struct WaitedOn {
    std::uint64_t seq;
    std::uint32_t tid;
    std::string module;
};

struct Event {
    // The syscall entry's seq, also when only the return (whose entry_seq names it) was seen;
    // else the first seq of the event.
    std::uint64_t seq = 0;
    // CLOCK_MONOTONIC ns of the entry. When the entry was lost: the return's ts minus the call's
    // duration, else the first record's ts.
    std::uint64_t time_ns = 0;
    EventKind kind = EventKind::UnknownLoad;
    std::optional<Task> task; // absent only for malformed input
    // The module request the task runs for: it is the modprobe the kernel started for it, or
    // descends from it (from the event's first record that carries one).
    std::optional<RequestInfo> request;
    EventArgs args;
    std::optional<EventModule> module; // absent when no init ran on this call's thread
    std::optional<std::int64_t> ret;   // absent when the return was lost
    // init_module, finit_module: the image the kernel read, from the return; absent when the
    // kernel read none, or the return was lost.
    std::optional<ImageInfo> image;
    // init_module, finit_module: where the module the call loaded was missing from once its
    // init returned (MODTRACE_HIDDEN_F_* bits, 0: nowhere); absent when not checked.
    std::optional<std::uint32_t> hidden_from;
    // hidden_module: CLOCK_MONOTONIC ns when the module came live (its init had returned).
    std::optional<std::uint64_t> loaded_ns;
    Outcome outcome = Outcome::Unknown;
    std::optional<std::uint64_t> duration_ns;      // whole call
    std::optional<std::uint64_t> init_duration_ns; // the module's init
    bool complete = true;
    IncompleteReason incomplete_reason = IncompleteReason::None;
    // The caller's params at entry differ from the kernel's copy (mod->args): the caller's
    // memory changed while the kernel read it, or something else rewrote the string.
    bool params_mismatch = false;
    // delete_module: the name the caller passed differs from the kernel's name of the module it
    // freed.
    bool name_mismatch = false;
    // finit_module: the file the kernel read is not the one the fd referred to at entry.
    bool file_changed = false;
    std::optional<WaitedOn> waited_on; // Outcome::Waited
    // The records joined into this event.
    std::uint32_t records = 0;
    // The highest seq among them (not printed: --resume tells by it what was printed before).
    std::uint64_t last_seq = 0;

    // The call ended in failure: a non-zero return, a failed init, an obsolete syscall.
    bool failed() const;
};

} // namespace modtrace
