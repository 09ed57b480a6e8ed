// The records the kernel module sends, as typed values. The decoder (decode.hpp) makes them
// from bytes; everything after it (the raw printer, the correlator) works on these alone.
// Field meanings are those of kmod/uapi/modtrace.h; an absent attribute is an empty optional.
// The enums name the values this reader knows; a record may hold any other value a newer kernel
// module sends (the protocol grows by adding values), which every stage keeps as a number.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace modtrace {

enum class RecordType : std::uint32_t {
    InitModuleEnter = 1,
    InitModuleExit = 2,
    FinitModuleEnter = 3,
    FinitModuleExit = 4,
    DoInitEnter = 5,
    DoInitExit = 6,
    DeleteModuleEnter = 7,
    DeleteModuleExit = 8,
    ObsoleteSyscall = 9,
    Loss = 10,
    Shutdown = 11,
    ModuleFree = 12,
    RequestModuleEnter = 13, // the kernel asked for a module (__request_module())
    RequestModuleExit = 14,
    HiddenModule = 15,
    ImageChunk = 16, // a piece of a captured image, for readers that asked (--capture)
};

enum class Probe : std::uint32_t {
    InitModule = 1,
    FinitModule = 2,
    DoInitModule = 3,
    DeleteModule = 4,
    NiSyscall = 5,
    ParseArgs = 6, // status only: it makes no records of its own
    FreeModule = 7,
    ReadFile = 8,   // status only
    LoadModule = 9, // status only: its findings ride in the syscall's return (IMAGE)
    RequestModule = 10,
    RequestName = 11, // status only: the name a request asks for
    UmhExec = 12,     // status only: the helper a request hands to the kernel
    UmhStart = 13,    // status only: the helper's task starts, tied to its request
};

// MODTRACE_IMAGE_* (enum modtrace_image_state).
enum class ImageState : std::uint32_t {
    Hashed = 1,
    Refused = 2,
    Unkept = 3,
};

// MODTRACE_CAPTURE_* (enum modtrace_capture_state): whether the kernel copied a hashed image.
enum class CaptureState : std::uint32_t {
    Off = 1,
    Held = 2, // IMAGE_CHUNK records carry it
    OverBudget = 3,
    NoMemory = 4,
};

// MODTRACE_RECORD_F_* bits.
namespace record_flag {
inline constexpr std::uint32_t params_truncated = 1U << 0;
inline constexpr std::uint32_t params_unreadable = 1U << 1;
inline constexpr std::uint32_t path_truncated = 1U << 2;
inline constexpr std::uint32_t path_unavailable = 1U << 3;
inline constexpr std::uint32_t name_truncated = 1U << 4;
inline constexpr std::uint32_t name_unreadable = 1U << 5;
inline constexpr std::uint32_t args_truncated = 1U << 6;
inline constexpr std::uint32_t version_truncated = 1U << 7;
inline constexpr std::uint32_t deferred = 1U << 8;
inline constexpr std::uint32_t args_unavailable = 1U << 9;
inline constexpr std::uint32_t file_changed = 1U << 10;
inline constexpr std::uint32_t request_unknown = 1U << 11;
} // namespace record_flag

// Who made the call. The kernel sends every field with every record but SHUTDOWN and LOSS.
struct Task {
    std::uint32_t tgid = 0;
    std::uint32_t tid = 0;
    std::uint32_t ppid = 0;
    std::uint32_t uid = 0;
    std::uint32_t euid = 0;
    std::uint32_t gid = 0;
    std::uint32_t loginuid = 0xffffffffU; // 4294967295: unset
    std::uint32_t sessionid = 0xffffffffU;
    std::string comm;
    std::uint64_t cgroup_id = 0;
    std::uint32_t pidns_ino = 0;
    std::uint32_t mntns_ino = 0;
    std::optional<std::uint32_t> abi; // enum modtrace_abi
};

// Records this reader missed since the previous one it received, by cause, as the kernel counted
// them. nmissed and busy are probe hits that never took a seq; the others are records that did.
// history: records a replaying reader asked for that the kernel's history no longer held.
struct Loss {
    std::uint64_t buffer_full = 0;
    std::uint64_t socket_full = 0;
    std::uint64_t nmissed = 0;
    std::uint64_t nomem = 0;
    std::uint64_t busy = 0;
    std::uint64_t history = 0;

    std::uint64_t total() const {
        return buffer_full + socket_full + nmissed + nomem + busy + history;
    }
    // The records among them that took a seq: what explains missing seqs.
    std::uint64_t with_seq() const { return buffer_full + socket_full + nomem + history; }
    bool any() const { return total() != 0; }
};

// The module request a record's task runs for (REQUEST nest): the task is the modprobe the
// kernel started for it, or descends from it. The requester as it was when it asked.
struct RequestInfo {
    std::uint64_t seq = 0; // of the request's request_module_enter record
    std::optional<std::string> name;
    std::uint32_t tgid = 0;
    std::uint32_t tid = 0;
    std::string comm;
    std::uint32_t uid = 0;

    bool operator==(const RequestInfo&) const = default;
};

struct FileInfo {
    std::optional<std::string> path;
    std::optional<std::uint32_t> dev; // new_encode_dev() form
    std::optional<std::uint64_t> ino;
};

// The kernel's view of a module, copied at do_init_module() entry. DO_INIT_EXIT and MODULE_FREE
// carry the name only.
struct ModuleInfo {
    std::string name;
    std::optional<std::string> version;
    std::optional<std::string> srcversion;
    std::optional<std::uint64_t> taints;
    std::optional<bool> sig_ok;
    std::optional<std::string> args;
    std::optional<std::uint64_t> text_size;
    std::optional<std::uint64_t> total_size;
};

// What became of the image an init_module or finit_module call gave the kernel (IMAGE nest of
// its return): the bytes the kernel parsed, after in-kernel decompression.
struct ImageInfo {
    ImageState state{};
    std::optional<std::uint64_t> len;
    std::optional<std::string> sha256;   // 64 lower-case hex digits; state Hashed only
    std::optional<std::string> name;     // the module's, once the kernel laid it out
    std::optional<CaptureState> capture; // the kernel's; absent from modules without capture
    // Not from the kernel: what the reader's capture stage (capture.hpp) made of it. The outcome
    // ("captured", "off", "over_budget", "no_memory", "lost", "write_failed"), and the file.
    std::optional<std::string> capture_outcome;
    std::optional<std::string> captured_path;
};

// IMAGE_CHUNK: DATA is the image's bytes from OFFSET; the last chunk ends at LEN.
struct ImageChunk {
    std::string sha256; // 64 lower-case hex digits, as ImageInfo's
    std::uint64_t len = 0;
    std::uint64_t offset = 0;
    std::vector<std::uint8_t> data;
    bool last() const { return offset + data.size() == len; }
};

struct Record {
    // Provided, so that a Record made in place (the decoder's) is not zeroed whole before the
    // members' own initializers run: every member has one.
    Record() {}

    RecordType type{};
    std::optional<std::uint64_t> seq; // absent on LOSS and SHUTDOWN
    std::optional<Probe> probe;       // absent on LOSS, SHUTDOWN and HIDDEN_MODULE
    std::uint64_t ts_ns = 0;          // CLOCK_MONOTONIC
    std::uint32_t cpu = 0;
    std::optional<Task> task;
    std::uint32_t flags = 0; // record_flag bits
    std::optional<Loss> loss;
    std::optional<RequestInfo> request; // any record made by a request's modprobe or a descendant

    // syscall entries
    std::optional<std::uint64_t> image_len;
    std::optional<std::string> params;
    std::optional<std::int32_t> fd;
    std::optional<FileInfo> file; // finit_module's entry (dev, ino) and exit (path too)
    std::optional<std::uint32_t> finit_flags;
    std::optional<std::string> name; // delete_module
    std::optional<std::uint32_t> delete_flags;
    std::optional<std::uint32_t> syscall_nr;
    std::vector<std::uint64_t> syscall_args;

    // do_init_module, module_free
    std::optional<ModuleInfo> module;

    // returns
    std::optional<std::uint64_t> entry_seq;
    std::optional<std::int64_t> ret;
    std::optional<std::uint64_t> duration_ns;
    std::optional<ImageInfo> image;  // init_module, finit_module returns
    std::optional<ImageChunk> chunk; // image_chunk
    // init_module, finit_module returns: MODTRACE_HIDDEN_F_* bits, where the module the call
    // loaded was missing from once its init returned; absent when not checked.
    std::optional<std::uint32_t> hidden_from;
    // request_module_enter: whether the requester waits for modprobe to exit
    std::optional<bool> request_wait;
    // hidden_module: CLOCK_MONOTONIC ns when the module came live. Such a record's HIDDEN_FROM is
    // where the module is missing from now, its MODULE holds the name and its TASK is the loader.
    std::optional<std::uint64_t> load_ts_ns;

    // SHUTDOWN
    std::optional<std::uint64_t> next_seq;
};

} // namespace modtrace
