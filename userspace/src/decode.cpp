// Decoding the kernel module's messages. The structure: a Nest indexes one attribute stream by
// type (dropping unknown types and PAD, rejecting repeats), Fields reads typed values out of a
// Nest with the first error sticking, and one small decoder per nest builds its struct. Records,
// which come by the million, first take a fast path (take_record()) that accepts the same
// messages in one walk per stream and says nothing of what it declines: that the careful decoder
// says.
#include "decode.hpp"

#include "protocol_names.hpp"

#include <array>
#include <bit>
#include <cstring>
#include <span>
#include <string_view>
#include <type_traits>

namespace modtrace {

namespace {

using Names = std::span<const std::string_view>;

// Attribute names by type, one table per nest. An empty name marks a type this reader skips:
// UNSPEC, PAD and everything newer than this reader.
constexpr auto kTopNames = [] {
    std::array<std::string_view, __MODTRACE_ATTR_MAX> n{};
    n[MODTRACE_ATTR_VERSION] = "VERSION";
    n[MODTRACE_ATTR_INSTANCE] = "INSTANCE";
    n[MODTRACE_ATTR_SUBSCRIBE_FLAGS] = "SUBSCRIBE_FLAGS";
    n[MODTRACE_ATTR_NEXT_SEQ] = "NEXT_SEQ";
    n[MODTRACE_ATTR_TYPE] = "TYPE";
    n[MODTRACE_ATTR_SEQ] = "SEQ";
    n[MODTRACE_ATTR_PROBE] = "PROBE";
    n[MODTRACE_ATTR_TS] = "TS";
    n[MODTRACE_ATTR_CPU] = "CPU";
    n[MODTRACE_ATTR_TASK] = "TASK";
    n[MODTRACE_ATTR_RECORD_FLAGS] = "RECORD_FLAGS";
    n[MODTRACE_ATTR_LOSS] = "LOSS";
    n[MODTRACE_ATTR_IMAGE_LEN] = "IMAGE_LEN";
    n[MODTRACE_ATTR_PARAMS] = "PARAMS";
    n[MODTRACE_ATTR_FD] = "FD";
    n[MODTRACE_ATTR_FILE] = "FILE";
    n[MODTRACE_ATTR_FINIT_FLAGS] = "FINIT_FLAGS";
    n[MODTRACE_ATTR_NAME] = "NAME";
    n[MODTRACE_ATTR_DELETE_FLAGS] = "DELETE_FLAGS";
    n[MODTRACE_ATTR_SYSCALL_NR] = "SYSCALL_NR";
    n[MODTRACE_ATTR_SYSCALL_ARGS] = "SYSCALL_ARGS";
    n[MODTRACE_ATTR_MODULE] = "MODULE";
    n[MODTRACE_ATTR_ENTRY_SEQ] = "ENTRY_SEQ";
    n[MODTRACE_ATTR_RET] = "RET";
    n[MODTRACE_ATTR_DURATION] = "DURATION";
    n[MODTRACE_ATTR_PARAM_BUFFER_RECORDS] = "PARAM_BUFFER_RECORDS";
    n[MODTRACE_ATTR_PARAM_RESERVED_RECORDS] = "PARAM_RESERVED_RECORDS";
    n[MODTRACE_ATTR_PARAM_STRING_MAX] = "PARAM_STRING_MAX";
    n[MODTRACE_ATTR_PROBE_STATUS] = "PROBE_STATUS";
    n[MODTRACE_ATTR_COUNTERS] = "COUNTERS";
    n[MODTRACE_ATTR_READERS] = "READERS";
    n[MODTRACE_ATTR_BACKLOG_BYTES] = "BACKLOG_BYTES";
    n[MODTRACE_ATTR_BACKLOG_MAX_BYTES] = "BACKLOG_MAX_BYTES";
    n[MODTRACE_ATTR_PARAM_LOCKED] = "PARAM_LOCKED";
    n[MODTRACE_ATTR_FROM_SEQ] = "FROM_SEQ";
    n[MODTRACE_ATTR_HISTORY_FIRST_SEQ] = "HISTORY_FIRST_SEQ";
    n[MODTRACE_ATTR_PARAM_HISTORY_RECORDS] = "PARAM_HISTORY_RECORDS";
    n[MODTRACE_ATTR_HISTORY_HELD] = "HISTORY_HELD";
    n[MODTRACE_ATTR_HISTORY_BYTES] = "HISTORY_BYTES";
    n[MODTRACE_ATTR_IMAGE] = "IMAGE";
    n[MODTRACE_ATTR_HIDDEN_FROM] = "HIDDEN_FROM";
    n[MODTRACE_ATTR_REQUEST_WAIT] = "REQUEST_WAIT";
    n[MODTRACE_ATTR_REQUEST] = "REQUEST";
    n[MODTRACE_ATTR_LOAD_TS] = "LOAD_TS";
    n[MODTRACE_ATTR_HIDDEN_TRACKED] = "HIDDEN_TRACKED";
    n[MODTRACE_ATTR_PARAM_CAPTURE_MAX_BYTES] = "PARAM_CAPTURE_MAX_BYTES";
    n[MODTRACE_ATTR_CAPTURE_HELD_BYTES] = "CAPTURE_HELD_BYTES";
    return n;
}();

constexpr auto kTaskNames = [] {
    std::array<std::string_view, __MODTRACE_TASK_ATTR_MAX> n{};
    n[MODTRACE_TASK_ATTR_TGID] = "TGID";
    n[MODTRACE_TASK_ATTR_TID] = "TID";
    n[MODTRACE_TASK_ATTR_PPID] = "PPID";
    n[MODTRACE_TASK_ATTR_UID] = "UID";
    n[MODTRACE_TASK_ATTR_EUID] = "EUID";
    n[MODTRACE_TASK_ATTR_GID] = "GID";
    n[MODTRACE_TASK_ATTR_LOGINUID] = "LOGINUID";
    n[MODTRACE_TASK_ATTR_SESSIONID] = "SESSIONID";
    n[MODTRACE_TASK_ATTR_COMM] = "COMM";
    n[MODTRACE_TASK_ATTR_CGROUP_ID] = "CGROUP_ID";
    n[MODTRACE_TASK_ATTR_PIDNS_INO] = "PIDNS_INO";
    n[MODTRACE_TASK_ATTR_MNTNS_INO] = "MNTNS_INO";
    n[MODTRACE_TASK_ATTR_ABI] = "ABI";
    return n;
}();

constexpr auto kRequestNames = [] {
    std::array<std::string_view, __MODTRACE_REQUEST_ATTR_MAX> n{};
    n[MODTRACE_REQUEST_ATTR_SEQ] = "SEQ";
    n[MODTRACE_REQUEST_ATTR_NAME] = "NAME";
    n[MODTRACE_REQUEST_ATTR_TGID] = "TGID";
    n[MODTRACE_REQUEST_ATTR_TID] = "TID";
    n[MODTRACE_REQUEST_ATTR_COMM] = "COMM";
    n[MODTRACE_REQUEST_ATTR_UID] = "UID";
    return n;
}();

constexpr auto kFileNames = [] {
    std::array<std::string_view, __MODTRACE_FILE_ATTR_MAX> n{};
    n[MODTRACE_FILE_ATTR_PATH] = "PATH";
    n[MODTRACE_FILE_ATTR_DEV] = "DEV";
    n[MODTRACE_FILE_ATTR_INO] = "INO";
    return n;
}();

constexpr auto kModuleNames = [] {
    std::array<std::string_view, __MODTRACE_MODULE_ATTR_MAX> n{};
    n[MODTRACE_MODULE_ATTR_NAME] = "NAME";
    n[MODTRACE_MODULE_ATTR_VERSION] = "VERSION";
    n[MODTRACE_MODULE_ATTR_SRCVERSION] = "SRCVERSION";
    n[MODTRACE_MODULE_ATTR_TAINTS] = "TAINTS";
    n[MODTRACE_MODULE_ATTR_SIG_OK] = "SIG_OK";
    n[MODTRACE_MODULE_ATTR_ARGS] = "ARGS";
    n[MODTRACE_MODULE_ATTR_TEXT_SIZE] = "TEXT_SIZE";
    n[MODTRACE_MODULE_ATTR_TOTAL_SIZE] = "TOTAL_SIZE";
    return n;
}();

constexpr auto kImageNames = [] {
    std::array<std::string_view, __MODTRACE_IMAGE_ATTR_MAX> n{};
    n[MODTRACE_IMAGE_ATTR_STATE] = "STATE";
    n[MODTRACE_IMAGE_ATTR_LEN] = "LEN";
    n[MODTRACE_IMAGE_ATTR_SHA256] = "SHA256";
    n[MODTRACE_IMAGE_ATTR_NAME] = "NAME";
    n[MODTRACE_IMAGE_ATTR_CAPTURE] = "CAPTURE";
    n[MODTRACE_IMAGE_ATTR_OFFSET] = "OFFSET";
    n[MODTRACE_IMAGE_ATTR_DATA] = "DATA";
    return n;
}();

constexpr auto kSyscallArgNames = [] {
    std::array<std::string_view, __MODTRACE_SYSCALL_ARG_MAX> n{};
    n[MODTRACE_SYSCALL_ARG_0] = "ARG_0";
    n[MODTRACE_SYSCALL_ARG_1] = "ARG_1";
    n[MODTRACE_SYSCALL_ARG_2] = "ARG_2";
    n[MODTRACE_SYSCALL_ARG_3] = "ARG_3";
    n[MODTRACE_SYSCALL_ARG_4] = "ARG_4";
    n[MODTRACE_SYSCALL_ARG_5] = "ARG_5";
    return n;
}();

constexpr auto kLossNames = [] {
    std::array<std::string_view, __MODTRACE_LOSS_ATTR_MAX> n{};
    n[MODTRACE_LOSS_ATTR_BUFFER_FULL] = "BUFFER_FULL";
    n[MODTRACE_LOSS_ATTR_SOCKET_FULL] = "SOCKET_FULL";
    n[MODTRACE_LOSS_ATTR_NMISSED] = "NMISSED";
    n[MODTRACE_LOSS_ATTR_NOMEM] = "NOMEM";
    n[MODTRACE_LOSS_ATTR_BUSY] = "BUSY";
    n[MODTRACE_LOSS_ATTR_HISTORY] = "HISTORY";
    return n;
}();

constexpr auto kProbeStatusNames = [] {
    std::array<std::string_view, __MODTRACE_PROBE_ATTR_MAX> n{};
    n[MODTRACE_PROBE_ATTR_ID] = "ID";
    n[MODTRACE_PROBE_ATTR_SYMBOL] = "SYMBOL";
    n[MODTRACE_PROBE_ATTR_HITS] = "HITS";
    n[MODTRACE_PROBE_ATTR_NMISSED] = "NMISSED";
    n[MODTRACE_PROBE_ATTR_REGISTER_ERROR] = "REGISTER_ERROR";
    n[MODTRACE_PROBE_ATTR_STATE] = "STATE";
    return n;
}();

constexpr auto kCounterNames = [] {
    std::array<std::string_view, __MODTRACE_COUNTER_ATTR_MAX> n{};
    n[MODTRACE_COUNTER_ATTR_RECORDS] = "RECORDS";
    n[MODTRACE_COUNTER_ATTR_QUEUED] = "QUEUED";
    n[MODTRACE_COUNTER_ATTR_SENT] = "SENT";
    n[MODTRACE_COUNTER_ATTR_LOST_BUFFER_FULL] = "LOST_BUFFER_FULL";
    n[MODTRACE_COUNTER_ATTR_LOST_SOCKET_FULL] = "LOST_SOCKET_FULL";
    n[MODTRACE_COUNTER_ATTR_LOST_NMISSED] = "LOST_NMISSED";
    n[MODTRACE_COUNTER_ATTR_LOST_NOMEM] = "LOST_NOMEM";
    n[MODTRACE_COUNTER_ATTR_READERS_GONE] = "READERS_GONE";
    n[MODTRACE_COUNTER_ATTR_LOST_BUSY] = "LOST_BUSY";
    n[MODTRACE_COUNTER_ATTR_IMAGE_UNKEPT] = "IMAGE_UNKEPT";
    n[MODTRACE_COUNTER_ATTR_REQUEST_UNKEPT] = "REQUEST_UNKEPT";
    n[MODTRACE_COUNTER_ATTR_HIDDEN_CHECKS] = "HIDDEN_CHECKS";
    n[MODTRACE_COUNTER_ATTR_HIDDEN_UNTRACKED] = "HIDDEN_UNTRACKED";
    n[MODTRACE_COUNTER_ATTR_CAPTURE_OVER_BUDGET] = "CAPTURE_OVER_BUDGET";
    n[MODTRACE_COUNTER_ATTR_CAPTURE_NO_MEMORY] = "CAPTURE_NO_MEMORY";
    n[MODTRACE_COUNTER_ATTR_CAPTURE_LOST] = "CAPTURE_LOST";
    n[MODTRACE_COUNTER_ATTR_CAPTURED] = "CAPTURED";
    return n;
}();

// Every type above PAD has a name: a value added to the header without one here would
// otherwise be skipped silently as "unknown".
template <std::size_t N> constexpr bool all_named(const std::array<std::string_view, N>& names) {
    for (std::size_t type = 2; type < N; ++type) {
        if (names[type].empty())
            return false;
    }
    return true;
}
static_assert(all_named(kTopNames) && all_named(kTaskNames) && all_named(kFileNames) &&
              all_named(kModuleNames) && all_named(kImageNames) && all_named(kSyscallArgNames) &&
              all_named(kLossNames) && all_named(kProbeStatusNames) && all_named(kCounterNames));

std::string n(std::uint64_t value) {
    return std::to_string(value);
}

// How errors name a field: "FD" at the top level, "TASK.COMM" in a nest. Built into a string
// only when an error needs it.
struct FieldName {
    std::string_view nest; // "" at the top level
    std::string_view field;

    std::string str() const {
        std::string name(nest);
        if (!name.empty())
            name += '.';
        name += field;
        return name;
    }
};

// The most attribute types of any nest, so a Nest indexes its attributes by type in place.
constexpr std::size_t kMaxTypes = 64;
static_assert(kTopNames.size() <= kMaxTypes && kTaskNames.size() <= kMaxTypes &&
              kFileNames.size() <= kMaxTypes && kModuleNames.size() <= kMaxTypes &&
              kImageNames.size() <= kMaxTypes && kSyscallArgNames.size() <= kMaxTypes &&
              kLossNames.size() <= kMaxTypes && kProbeStatusNames.size() <= kMaxTypes &&
              kCounterNames.size() <= kMaxTypes);

// The known attributes of one attribute stream, by type.
class Nest {
public:
    // `prefix` names the nest in errors ("TASK"), "" at the top level.
    Nest(std::string prefix, Names names) : prefix_(std::move(prefix)), names_(names) {}
    Nest(const Nest&) = delete;
    Nest& operator=(const Nest&) = delete;

    // Only `repeatable` may appear more than once.
    // for_each_attribute()'s walk, written out: every record goes through here, and a Result
    // per attribute is most of what the walk would cost.
    Result<void> parse(Bytes bytes, std::uint16_t repeatable = 0) {
        std::size_t offset = 0;
        while (offset < bytes.size()) {
            const std::size_t remaining = bytes.size() - offset;
            if (remaining < NLA_HDRLEN)
                return malformed_attribute(bytes, offset, prefix_);
            std::uint16_t length, type;
            std::memcpy(&length, bytes.data() + offset, sizeof length);
            std::memcpy(&type, bytes.data() + offset + sizeof length, sizeof type);
            if (length < NLA_HDRLEN || length > remaining)
                return malformed_attribute(bytes, offset, prefix_);
            type &= NLA_TYPE_MASK;
            if (type < names_.size() && !names_[type].empty()) {
                const Attribute attr{type, bytes.subspan(offset + NLA_HDRLEN, length - NLA_HDRLEN)};
                if (!present_[type]) {
                    present_[type] = true;
                    first_[type] = attr;
                } else if (type == repeatable) {
                    repeats_.push_back(attr);
                } else {
                    return Error{"attribute " + name(type).str() + " appears more than once"};
                }
            }
            offset += std::min<std::size_t>(NLA_ALIGN(length), remaining);
        }
        return {};
    }

    const Attribute* find(std::uint16_t type) const {
        return type < names_.size() && present_[type] ? &first_[type] : nullptr;
    }

    std::vector<const Attribute*> find_all(std::uint16_t type) const {
        std::vector<const Attribute*> found;
        if (const Attribute* first = find(type)) {
            found.push_back(first);
            for (const auto& attr : repeats_) {
                if (attr.type == type)
                    found.push_back(&attr);
            }
        }
        return found;
    }

    FieldName name(std::uint16_t type) const { return {prefix_, names_[type]}; }

private:
    std::array<Attribute, kMaxTypes> first_{};
    std::array<bool, kMaxTypes> present_{};
    std::vector<Attribute> repeats_;
    std::string prefix_;
    Names names_;
};

// One reader per field type, chosen by overload on the (unused) pointer's type. Declared here
// because Fields below needs them all, and the nest decoders need Fields.
Result<bool> read_as(const Attribute& attr, const FieldName& name, bool*);
Result<std::uint32_t> read_as(const Attribute& attr, const FieldName& name, std::uint32_t*);
Result<std::uint64_t> read_as(const Attribute& attr, const FieldName& name, std::uint64_t*);
Result<std::int32_t> read_as(const Attribute& attr, const FieldName& name, std::int32_t*);
Result<std::int64_t> read_as(const Attribute& attr, const FieldName& name, std::int64_t*);
Result<std::string> read_as(const Attribute& attr, const FieldName& name, std::string*);
Result<RecordType> read_as(const Attribute& attr, const FieldName& name, RecordType*);
Result<Probe> read_as(const Attribute& attr, const FieldName& name, Probe*);
Result<ProbeState> read_as(const Attribute& attr, const FieldName& name, ProbeState*);
Result<Task> read_as(const Attribute& attr, const FieldName& name, Task*);
Result<Loss> read_as(const Attribute& attr, const FieldName& name, Loss*);
Result<FileInfo> read_as(const Attribute& attr, const FieldName& name, FileInfo*);
Result<ModuleInfo> read_as(const Attribute& attr, const FieldName& name, ModuleInfo*);
Result<ImageInfo> read_as(const Attribute& attr, const FieldName& name, ImageInfo*);
Result<ImageChunk> read_as(const Attribute& attr, const FieldName& name, ImageChunk*);
Result<std::vector<std::uint64_t>> read_as(const Attribute& attr, const FieldName& name,
                                           std::vector<std::uint64_t>*);
Result<ProbeStatus> read_as(const Attribute& attr, const FieldName& name, ProbeStatus*);
Result<Counters> read_as(const Attribute& attr, const FieldName& name, Counters*);

// Typed fields out of one Nest. The first error sticks and later reads do nothing, so a decoder
// is a flat list of reads followed by one check of result().
class Fields {
public:
    explicit Fields(const Nest& nest) : nest_(nest) {}

    template <class T> void optional(std::uint16_t type, std::optional<T>& out) {
        if (error_)
            return;
        const Attribute* attr = nest_.find(type);
        if (!attr)
            return;
        // A number of the right size, the common case, without a Result in between.
        if constexpr (std::is_same_v<T, std::uint32_t> || std::is_same_v<T, std::uint64_t> ||
                      std::is_same_v<T, std::int32_t> || std::is_same_v<T, std::int64_t>) {
            if (attr->payload.size() == sizeof(T)) {
                T value;
                std::memcpy(&value, attr->payload.data(), sizeof value);
                out = value;
                return;
            }
        }
        auto value = read_as(*attr, nest_.name(type), static_cast<T*>(nullptr));
        if (!value) {
            error_ = value.error();
            return;
        }
        out = std::move(*value);
    }

    template <class T> void required(std::uint16_t type, T& out) {
        if constexpr (std::is_same_v<T, std::uint32_t> || std::is_same_v<T, std::uint64_t>) {
            const Attribute* attr = error_ ? nullptr : nest_.find(type);
            if (attr && attr->payload.size() == sizeof(T)) {
                std::memcpy(&out, attr->payload.data(), sizeof out);
                return;
            }
        }
        std::optional<T> value;
        optional(type, value);
        if (error_)
            return;
        if (!value) {
            error_ = Error{"missing attribute " + nest_.name(type).str()};
            return;
        }
        out = std::move(*value);
    }

    Result<void> result() const { return error_ ? Result<void>(*error_) : Result<void>(); }

private:
    const Nest& nest_;
    std::optional<Error> error_;
};

// A fixed-size value read in place; when the size is wrong, the general reader says so.
template <class T>
Result<T> read_number(const Attribute& attr, const FieldName& name,
                      Result<T> (*general)(const Attribute&, std::string_view)) {
    if (attr.payload.size() != sizeof(T))
        return general(attr, name.str());
    T value;
    std::memcpy(&value, attr.payload.data(), sizeof value);
    return value;
}

Result<bool> read_as(const Attribute& attr, const FieldName& name, bool*) {
    auto value = read_number<std::uint8_t>(attr, name, read_u8);
    if (!value)
        return value.error();
    if (*value > 1)
        return Error{"attribute " + name.str() + " is " + n(*value) + ", expected 0 or 1"};
    return *value == 1;
}

Result<std::uint32_t> read_as(const Attribute& attr, const FieldName& name, std::uint32_t*) {
    return read_number<std::uint32_t>(attr, name, read_u32);
}

Result<std::uint64_t> read_as(const Attribute& attr, const FieldName& name, std::uint64_t*) {
    return read_number<std::uint64_t>(attr, name, read_u64);
}

Result<std::int32_t> read_as(const Attribute& attr, const FieldName& name, std::int32_t*) {
    return read_number<std::int32_t>(attr, name, read_s32);
}

Result<std::int64_t> read_as(const Attribute& attr, const FieldName& name, std::int64_t*) {
    return read_number<std::int64_t>(attr, name, read_s64);
}

Result<std::string> read_as(const Attribute& attr, const FieldName& name, std::string*) {
    const auto* begin = reinterpret_cast<const char*>(attr.payload.data());
    const auto* nul = static_cast<const char*>(std::memchr(begin, '\0', attr.payload.size()));
    if (!nul)
        return read_string(attr, name.str());
    return std::string(begin, nul);
}

// A u32 holding an enum: any value but UNSPEC (0), which no module sends. Values above what this
// reader knows are a newer module's and kept as they are.
template <class E>
Result<E> read_enum(const Attribute& attr, const FieldName& name, std::string_view what) {
    auto value = read_number<std::uint32_t>(attr, name, read_u32);
    if (!value)
        return value.error();
    if (*value == 0)
        return Error{"invalid " + std::string(what) + " 0 in attribute " + name.str()};
    return static_cast<E>(*value);
}

Result<RecordType> read_as(const Attribute& attr, const FieldName& name, RecordType*) {
    return read_enum<RecordType>(attr, name, "record type");
}

Result<Probe> read_as(const Attribute& attr, const FieldName& name, Probe*) {
    return read_enum<Probe>(attr, name, "probe");
}

Result<ProbeState> read_as(const Attribute& attr, const FieldName& name, ProbeState*) {
    return read_enum<ProbeState>(attr, name, "probe state");
}

Result<CaptureState> read_as(const Attribute& attr, const FieldName& name, CaptureState*) {
    return read_enum<CaptureState>(attr, name, "capture state");
}

Result<ImageState> read_as(const Attribute& attr, const FieldName& name, ImageState*) {
    return read_enum<ImageState>(attr, name, "image state");
}

Result<Task> read_as(const Attribute& attr, const FieldName& name, Task*) {
    Nest nest(name.str(), kTaskNames);
    if (auto ok = nest.parse(attr.payload); !ok)
        return ok.error();
    // The kernel sends every field but ABI; a default standing in for an absent one would be
    // a made-up identity.
    Task task;
    Fields f(nest);
    f.required(MODTRACE_TASK_ATTR_TGID, task.tgid);
    f.required(MODTRACE_TASK_ATTR_TID, task.tid);
    f.required(MODTRACE_TASK_ATTR_PPID, task.ppid);
    f.required(MODTRACE_TASK_ATTR_UID, task.uid);
    f.required(MODTRACE_TASK_ATTR_EUID, task.euid);
    f.required(MODTRACE_TASK_ATTR_GID, task.gid);
    f.required(MODTRACE_TASK_ATTR_LOGINUID, task.loginuid);
    f.required(MODTRACE_TASK_ATTR_SESSIONID, task.sessionid);
    f.required(MODTRACE_TASK_ATTR_COMM, task.comm);
    f.required(MODTRACE_TASK_ATTR_CGROUP_ID, task.cgroup_id);
    f.required(MODTRACE_TASK_ATTR_PIDNS_INO, task.pidns_ino);
    f.required(MODTRACE_TASK_ATTR_MNTNS_INO, task.mntns_ino);
    f.optional(MODTRACE_TASK_ATTR_ABI, task.abi);
    if (auto ok = f.result(); !ok)
        return ok.error();
    if (task.abi == 0U)
        return Error{"invalid ABI 0 in attribute " + name.str() + ".ABI"};
    return task;
}

Result<Loss> read_as(const Attribute& attr, const FieldName& name, Loss*) {
    Nest nest(name.str(), kLossNames);
    if (auto ok = nest.parse(attr.payload); !ok)
        return ok.error();
    // Only non-zero counts are sent: absent is zero.
    std::optional<std::uint64_t> buffer_full, socket_full, nmissed, nomem, busy, history;
    Fields f(nest);
    f.optional(MODTRACE_LOSS_ATTR_BUFFER_FULL, buffer_full);
    f.optional(MODTRACE_LOSS_ATTR_SOCKET_FULL, socket_full);
    f.optional(MODTRACE_LOSS_ATTR_NMISSED, nmissed);
    f.optional(MODTRACE_LOSS_ATTR_NOMEM, nomem);
    f.optional(MODTRACE_LOSS_ATTR_BUSY, busy);
    f.optional(MODTRACE_LOSS_ATTR_HISTORY, history);
    if (auto ok = f.result(); !ok)
        return ok.error();
    Loss loss;
    loss.buffer_full = buffer_full.value_or(0);
    loss.socket_full = socket_full.value_or(0);
    loss.nmissed = nmissed.value_or(0);
    loss.nomem = nomem.value_or(0);
    loss.busy = busy.value_or(0);
    loss.history = history.value_or(0);
    return loss;
}

Result<FileInfo> read_as(const Attribute& attr, const FieldName& name, FileInfo*) {
    Nest nest(name.str(), kFileNames);
    if (auto ok = nest.parse(attr.payload); !ok)
        return ok.error();
    FileInfo file;
    Fields f(nest);
    f.optional(MODTRACE_FILE_ATTR_PATH, file.path);
    f.optional(MODTRACE_FILE_ATTR_DEV, file.dev);
    f.optional(MODTRACE_FILE_ATTR_INO, file.ino);
    if (auto ok = f.result(); !ok)
        return ok.error();
    return file;
}

Result<RequestInfo> read_as(const Attribute& attr, const FieldName& name, RequestInfo*) {
    Nest nest(name.str(), kRequestNames);
    if (auto ok = nest.parse(attr.payload); !ok)
        return ok.error();
    RequestInfo request;
    Fields f(nest);
    f.required(MODTRACE_REQUEST_ATTR_SEQ, request.seq);
    f.optional(MODTRACE_REQUEST_ATTR_NAME, request.name);
    f.required(MODTRACE_REQUEST_ATTR_TGID, request.tgid);
    f.required(MODTRACE_REQUEST_ATTR_TID, request.tid);
    f.required(MODTRACE_REQUEST_ATTR_COMM, request.comm);
    f.required(MODTRACE_REQUEST_ATTR_UID, request.uid);
    if (auto ok = f.result(); !ok)
        return ok.error();
    return request;
}

Result<ModuleInfo> read_as(const Attribute& attr, const FieldName& name, ModuleInfo*) {
    Nest nest(name.str(), kModuleNames);
    if (auto ok = nest.parse(attr.payload); !ok)
        return ok.error();
    ModuleInfo module;
    Fields f(nest);
    f.required(MODTRACE_MODULE_ATTR_NAME, module.name);
    f.optional(MODTRACE_MODULE_ATTR_VERSION, module.version);
    f.optional(MODTRACE_MODULE_ATTR_SRCVERSION, module.srcversion);
    f.optional(MODTRACE_MODULE_ATTR_TAINTS, module.taints);
    f.optional(MODTRACE_MODULE_ATTR_SIG_OK, module.sig_ok);
    f.optional(MODTRACE_MODULE_ATTR_ARGS, module.args);
    f.optional(MODTRACE_MODULE_ATTR_TEXT_SIZE, module.text_size);
    f.optional(MODTRACE_MODULE_ATTR_TOTAL_SIZE, module.total_size);
    if (auto ok = f.result(); !ok)
        return ok.error();
    return module;
}

// SHA256 is exactly 32 bytes, kept as hex.
Result<std::optional<std::string>> read_sha256(const Nest& nest) {
    const Attribute* sha = nest.find(MODTRACE_IMAGE_ATTR_SHA256);
    if (!sha)
        return std::optional<std::string>();
    if (sha->payload.size() != 32)
        return Error{"attribute " + nest.name(MODTRACE_IMAGE_ATTR_SHA256).str() + " is " +
                     n(sha->payload.size()) + " bytes, expected 32"};
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    hex.reserve(64);
    for (const auto byte : sha->payload) {
        const auto b = static_cast<unsigned>(byte);
        hex += kHex[b >> 4];
        hex += kHex[b & 15];
    }
    return std::optional<std::string>(std::move(hex));
}

// Only a hashed image has a SHA256.
Result<ImageInfo> read_as(const Attribute& attr, const FieldName& name, ImageInfo*) {
    Nest nest(name.str(), kImageNames);
    if (auto ok = nest.parse(attr.payload); !ok)
        return ok.error();
    ImageInfo image;
    Fields f(nest);
    f.required(MODTRACE_IMAGE_ATTR_STATE, image.state);
    f.optional(MODTRACE_IMAGE_ATTR_LEN, image.len);
    f.optional(MODTRACE_IMAGE_ATTR_NAME, image.name);
    f.optional(MODTRACE_IMAGE_ATTR_CAPTURE, image.capture);
    if (auto ok = f.result(); !ok)
        return ok.error();
    auto sha = read_sha256(nest);
    if (!sha)
        return sha.error();
    image.sha256 = std::move(*sha);
    if (image.state == ImageState::Hashed && !image.sha256)
        return Error{"missing attribute " + nest.name(MODTRACE_IMAGE_ATTR_SHA256).str() +
                     " (required in a hashed image)"};
    return image;
}

// An IMAGE_CHUNK's IMAGE nest: LEN, SHA256, OFFSET and DATA, which must lie within LEN.
Result<ImageChunk> read_as(const Attribute& attr, const FieldName& name, ImageChunk*) {
    Nest nest(name.str(), kImageNames);
    if (auto ok = nest.parse(attr.payload); !ok)
        return ok.error();
    ImageChunk chunk;
    Fields f(nest);
    f.required(MODTRACE_IMAGE_ATTR_LEN, chunk.len);
    f.required(MODTRACE_IMAGE_ATTR_OFFSET, chunk.offset);
    if (auto ok = f.result(); !ok)
        return ok.error();
    auto sha = read_sha256(nest);
    if (!sha)
        return sha.error();
    const Attribute* data = nest.find(MODTRACE_IMAGE_ATTR_DATA);
    for (const auto& [attr_type, present] :
         {std::pair{MODTRACE_IMAGE_ATTR_SHA256, sha->has_value()},
          std::pair{MODTRACE_IMAGE_ATTR_DATA, data != nullptr}}) {
        if (!present)
            return Error{"missing attribute " + nest.name(attr_type).str() +
                         " (required in an image chunk)"};
    }
    chunk.sha256 = std::move(**sha);
    if (chunk.offset > chunk.len || data->payload.size() > chunk.len - chunk.offset)
        return Error{"attribute " + nest.name(MODTRACE_IMAGE_ATTR_DATA).str() + " of " +
                     n(data->payload.size()) + " bytes at offset " + n(chunk.offset) +
                     " runs past the image's " + n(chunk.len) + " bytes"};
    chunk.data.assign(data->payload.begin(), data->payload.end());
    return chunk;
}

// The arguments in order. A gap (ARG_2 without ARG_1) would shift every later argument, so it is
// an error rather than a shorter list.
Result<std::vector<std::uint64_t>> read_as(const Attribute& attr, const FieldName& name,
                                           std::vector<std::uint64_t>*) {
    Nest nest(name.str(), kSyscallArgNames);
    if (auto ok = nest.parse(attr.payload); !ok)
        return ok.error();
    std::vector<std::uint64_t> args;
    std::optional<std::uint16_t> first_missing;
    for (std::uint16_t type = MODTRACE_SYSCALL_ARG_0; type <= MODTRACE_SYSCALL_ARG_MAX; ++type) {
        const Attribute* arg = nest.find(type);
        if (!arg) {
            first_missing = first_missing.value_or(type);
            continue;
        }
        if (first_missing)
            return Error{"attribute " + nest.name(type).str() + " without " +
                         nest.name(*first_missing).str()};
        auto value = read_number<std::uint64_t>(*arg, nest.name(type), read_u64);
        if (!value)
            return value.error();
        args.push_back(*value);
    }
    return args;
}

Result<ProbeStatus> read_as(const Attribute& attr, const FieldName& name, ProbeStatus*) {
    Nest nest(name.str(), kProbeStatusNames);
    if (auto ok = nest.parse(attr.payload); !ok)
        return ok.error();
    ProbeStatus probe;
    Fields f(nest);
    f.required(MODTRACE_PROBE_ATTR_ID, probe.probe);
    f.optional(MODTRACE_PROBE_ATTR_SYMBOL, probe.symbol);
    f.required(MODTRACE_PROBE_ATTR_STATE, probe.state);
    f.required(MODTRACE_PROBE_ATTR_HITS, probe.hits);
    f.required(MODTRACE_PROBE_ATTR_NMISSED, probe.nmissed);
    f.optional(MODTRACE_PROBE_ATTR_REGISTER_ERROR, probe.register_error);
    if (auto ok = f.result(); !ok)
        return ok.error();
    return probe;
}

Result<Counters> read_as(const Attribute& attr, const FieldName& name, Counters*) {
    Nest nest(name.str(), kCounterNames);
    if (auto ok = nest.parse(attr.payload); !ok)
        return ok.error();
    Counters c;
    Fields f(nest);
    f.required(MODTRACE_COUNTER_ATTR_RECORDS, c.records);
    f.required(MODTRACE_COUNTER_ATTR_QUEUED, c.queued);
    f.required(MODTRACE_COUNTER_ATTR_SENT, c.sent);
    f.required(MODTRACE_COUNTER_ATTR_LOST_BUFFER_FULL, c.lost_buffer_full);
    f.required(MODTRACE_COUNTER_ATTR_LOST_SOCKET_FULL, c.lost_socket_full);
    f.required(MODTRACE_COUNTER_ATTR_LOST_NMISSED, c.lost_nmissed);
    f.required(MODTRACE_COUNTER_ATTR_LOST_NOMEM, c.lost_nomem);
    f.required(MODTRACE_COUNTER_ATTR_READERS_GONE, c.readers_gone);
    f.optional(MODTRACE_COUNTER_ATTR_LOST_BUSY, c.lost_busy);
    f.optional(MODTRACE_COUNTER_ATTR_IMAGE_UNKEPT, c.image_unkept);
    f.optional(MODTRACE_COUNTER_ATTR_REQUEST_UNKEPT, c.request_unkept);
    f.optional(MODTRACE_COUNTER_ATTR_HIDDEN_CHECKS, c.hidden_checks);
    f.optional(MODTRACE_COUNTER_ATTR_HIDDEN_UNTRACKED, c.hidden_untracked);
    f.optional(MODTRACE_COUNTER_ATTR_CAPTURE_OVER_BUDGET, c.capture_over_budget);
    f.optional(MODTRACE_COUNTER_ATTR_CAPTURE_NO_MEMORY, c.capture_no_memory);
    f.optional(MODTRACE_COUNTER_ATTR_CAPTURE_LOST, c.capture_lost);
    f.optional(MODTRACE_COUNTER_ATTR_CAPTURED, c.captured);
    if (auto ok = f.result(); !ok)
        return ok.error();
    return c;
}

// The attributes each record type must carry beyond TYPE (kmod/uapi/modtrace.h,
// enum modtrace_record_type): those of every record made by a probe, then the type's own. A type
// this reader does not know needs nothing: what it carries is not known.
constexpr std::array<std::uint16_t, 5> kProbeRecordAttributes = {
    MODTRACE_ATTR_SEQ, MODTRACE_ATTR_PROBE, MODTRACE_ATTR_TS, MODTRACE_ATTR_CPU,
    MODTRACE_ATTR_TASK};

std::span<const std::uint16_t> own_attributes(RecordType type) {
    static constexpr std::uint16_t init_enter[] = {MODTRACE_ATTR_IMAGE_LEN};
    static constexpr std::uint16_t finit_enter[] = {MODTRACE_ATTR_FINIT_FLAGS};
    static constexpr std::uint16_t do_init_enter[] = {MODTRACE_ATTR_MODULE};
    static constexpr std::uint16_t do_init_exit[] = {
        MODTRACE_ATTR_MODULE, MODTRACE_ATTR_RET, MODTRACE_ATTR_ENTRY_SEQ, MODTRACE_ATTR_DURATION};
    static constexpr std::uint16_t syscall_exit[] = {MODTRACE_ATTR_RET, MODTRACE_ATTR_ENTRY_SEQ,
                                                     MODTRACE_ATTR_DURATION};
    static constexpr std::uint16_t delete_enter[] = {MODTRACE_ATTR_DELETE_FLAGS};
    static constexpr std::uint16_t obsolete[] = {MODTRACE_ATTR_SYSCALL_NR};
    static constexpr std::uint16_t loss[] = {MODTRACE_ATTR_LOSS};
    static constexpr std::uint16_t shutdown[] = {MODTRACE_ATTR_NEXT_SEQ};
    static constexpr std::uint16_t image_chunk[] = {MODTRACE_ATTR_IMAGE};
    static constexpr std::uint16_t module_free[] = {MODTRACE_ATTR_MODULE};
    static constexpr std::uint16_t request_enter[] = {MODTRACE_ATTR_REQUEST_WAIT};
    static constexpr std::uint16_t hidden_module[] = {
        MODTRACE_ATTR_MODULE, MODTRACE_ATTR_HIDDEN_FROM, MODTRACE_ATTR_LOAD_TS};
    switch (type) {
    case RecordType::InitModuleEnter:
        return init_enter;
    case RecordType::FinitModuleEnter:
        return finit_enter;
    case RecordType::DoInitEnter:
        return do_init_enter;
    case RecordType::DoInitExit:
        return do_init_exit;
    case RecordType::InitModuleExit:
    case RecordType::FinitModuleExit:
    case RecordType::DeleteModuleExit:
    case RecordType::RequestModuleExit:
        return syscall_exit;
    case RecordType::RequestModuleEnter:
        return request_enter;
    case RecordType::DeleteModuleEnter:
        return delete_enter;
    case RecordType::ObsoleteSyscall:
        return obsolete;
    case RecordType::Loss:
        return loss;
    case RecordType::Shutdown:
        return shutdown;
    case RecordType::ModuleFree:
        return module_free;
    case RecordType::HiddenModule:
        return hidden_module;
    case RecordType::ImageChunk:
        return image_chunk;
    }
    return {};
}

Result<void> check_required(const Nest& nest, RecordType type) {
    if (record_type_name(type).empty())
        return {};
    const bool from_probe =
        type != RecordType::Loss && type != RecordType::Shutdown && type != RecordType::ImageChunk;
    for (auto attrs : {from_probe ? std::span<const std::uint16_t>(kProbeRecordAttributes)
                                  : std::span<const std::uint16_t>(),
                       own_attributes(type)}) {
        for (std::uint16_t attr : attrs) {
            // A check made it, not a probe.
            if (type == RecordType::HiddenModule && attr == MODTRACE_ATTR_PROBE)
                continue;
            if (!nest.find(attr))
                return Error{"missing attribute " + nest.name(attr).str() + " (required in " +
                             std::string(record_type_name(type)) + " records)"};
        }
    }
    return {};
}

Result<Record> decode_record_attributes(const Nest& nest) {
    Record r;
    std::optional<std::uint64_t> ts;
    std::optional<std::uint32_t> cpu, flags;
    std::optional<std::vector<std::uint64_t>> args;
    Fields f(nest);
    f.required(MODTRACE_ATTR_TYPE, r.type);
    f.optional(MODTRACE_ATTR_SEQ, r.seq);
    f.optional(MODTRACE_ATTR_PROBE, r.probe);
    f.optional(MODTRACE_ATTR_TS, ts);
    f.optional(MODTRACE_ATTR_CPU, cpu);
    f.optional(MODTRACE_ATTR_TASK, r.task);
    f.optional(MODTRACE_ATTR_RECORD_FLAGS, flags);
    f.optional(MODTRACE_ATTR_LOSS, r.loss);
    f.optional(MODTRACE_ATTR_IMAGE_LEN, r.image_len);
    f.optional(MODTRACE_ATTR_PARAMS, r.params);
    f.optional(MODTRACE_ATTR_FD, r.fd);
    f.optional(MODTRACE_ATTR_FILE, r.file);
    f.optional(MODTRACE_ATTR_FINIT_FLAGS, r.finit_flags);
    f.optional(MODTRACE_ATTR_NAME, r.name);
    f.optional(MODTRACE_ATTR_DELETE_FLAGS, r.delete_flags);
    f.optional(MODTRACE_ATTR_SYSCALL_NR, r.syscall_nr);
    f.optional(MODTRACE_ATTR_SYSCALL_ARGS, args);
    f.optional(MODTRACE_ATTR_MODULE, r.module);
    f.optional(MODTRACE_ATTR_ENTRY_SEQ, r.entry_seq);
    f.optional(MODTRACE_ATTR_RET, r.ret);
    f.optional(MODTRACE_ATTR_DURATION, r.duration_ns);
    f.optional(MODTRACE_ATTR_NEXT_SEQ, r.next_seq);
    // A chunk's IMAGE nest carries the bytes, not what became of an image.
    if (f.result() && r.type == RecordType::ImageChunk)
        f.optional(MODTRACE_ATTR_IMAGE, r.chunk);
    else
        f.optional(MODTRACE_ATTR_IMAGE, r.image);
    f.optional(MODTRACE_ATTR_HIDDEN_FROM, r.hidden_from);
    f.optional(MODTRACE_ATTR_REQUEST_WAIT, r.request_wait);
    f.optional(MODTRACE_ATTR_REQUEST, r.request);
    f.optional(MODTRACE_ATTR_LOAD_TS, r.load_ts_ns);
    if (auto ok = f.result(); !ok)
        return ok.error();
    if (auto ok = check_required(nest, r.type); !ok)
        return ok.error();
    r.ts_ns = ts.value_or(0);
    r.cpu = cpu.value_or(0);
    r.flags = flags.value_or(0);
    r.syscall_args = args.value_or(std::vector<std::uint64_t>{});
    return r;
}

// The fast path. Every record the live reader receives goes through here: one walk per
// attribute stream, each value written straight into the record, no Result and no error text.
// It accepts exactly what the careful decoder above accepts and declines everything else,
// without saying why: decode_record() then asks the careful decoder, whose errors name the
// attribute (and the fuzzer holds the two to each other).

// Bit `type` set for every type a table names: the types a walk takes, the rest it skips.
template <std::size_t N>
constexpr std::uint64_t named_mask(const std::array<std::string_view, N>& names) {
    std::uint64_t mask = 0;
    for (std::size_t type = 0; type < N; ++type) {
        if (!names[type].empty())
            mask |= std::uint64_t{1} << type;
    }
    return mask;
}

constexpr std::uint64_t bit(std::uint16_t type) {
    return std::uint64_t{1} << type;
}

// Nest::parse()'s walk: take(type, payload) -> bool on each attribute of a type in `Named`,
// which must not repeat; `seen` gets their types. False on a malformed stream, a repeat or a
// take() that failed.
template <std::uint64_t Named, class Take>
inline bool walk(Bytes bytes, std::uint64_t& seen, Take&& take) {
    const std::uint8_t* at = bytes.data();
    std::size_t left = bytes.size();
    while (left != 0) {
        if (left < NLA_HDRLEN) [[unlikely]]
            return false;
        std::uint16_t length, type;
        std::memcpy(&length, at, sizeof length);
        std::memcpy(&type, at + sizeof length, sizeof type);
        if (length < NLA_HDRLEN || length > left) [[unlikely]]
            return false;
        type &= NLA_TYPE_MASK;
        if (type < 64 && (Named & bit(type))) {
            if (seen & bit(type)) [[unlikely]]
                return false;
            seen |= bit(type);
            if (!take(type, Bytes(at + NLA_HDRLEN, length - NLA_HDRLEN))) [[unlikely]]
                return false;
        }
        // The last attribute's padding may be cut off: the stream ends with it all the same.
        const std::size_t step = NLA_ALIGN(length);
        if (step >= left)
            break;
        at += step;
        left -= step;
    }
    return true;
}

template <class T> inline bool take_number(Bytes p, T& out) {
    if (p.size() != sizeof(T)) [[unlikely]]
        return false;
    std::memcpy(&out, p.data(), sizeof out);
    return true;
}

template <class T> inline bool take_number(Bytes p, std::optional<T>& out) {
    T value;
    if (!take_number(p, value))
        return false;
    out = value;
    return true;
}

// read_enum()'s rule: any u32 but UNSPEC.
template <class E> inline bool take_enum(Bytes p, E& out) {
    std::uint32_t value;
    if (!take_number(p, value) || value == 0) [[unlikely]]
        return false;
    out = static_cast<E>(value);
    return true;
}

template <class E> inline bool take_enum(Bytes p, std::optional<E>& out) {
    E value;
    if (!take_enum(p, value))
        return false;
    out = value;
    return true;
}

inline bool take_bool(Bytes p, std::optional<bool>& out) {
    std::uint8_t value;
    if (!take_number(p, value) || value > 1) [[unlikely]]
        return false;
    out = value == 1;
    return true;
}

// The bytes before the first NUL, which must lie within the payload.
inline const char* string_end(Bytes p) {
    return static_cast<const char*>(std::memchr(p.data(), '\0', p.size()));
}

inline bool take_string(Bytes p, std::string& out) {
    const char* nul = string_end(p);
    if (!nul) [[unlikely]]
        return false;
    out.assign(reinterpret_cast<const char*>(p.data()), nul);
    return true;
}

inline bool take_string(Bytes p, std::optional<std::string>& out) {
    const char* nul = string_end(p);
    if (!nul) [[unlikely]]
        return false;
    out.emplace(reinterpret_cast<const char*>(p.data()), nul);
    return true;
}

// The nests' walks below are functions of their own (noinline), not parts of take_record()'s:
// each then keeps its loop in registers, which measured faster than one walk with all inlined.

template <std::uint16_t... Types> constexpr std::uint64_t bits() {
    return (bit(Types) | ...);
}

// An attribute's header as it lies in memory: nla_len, then nla_type, host order.
constexpr std::uint32_t header_word(std::uint16_t length, std::uint16_t type) {
    return std::bit_cast<std::uint32_t>(std::array<std::uint16_t, 2>{length, type});
}

inline std::uint32_t word_at(const std::uint8_t* at) {
    std::uint32_t word;
    std::memcpy(&word, at, sizeof word);
    return word;
}

// Reads attributes in the order a writer is known to put them: each step compares the next
// header with the one expected (its length and type, as one word) and steps past the payload and
// its padding. The walk's rules hold for what it takes (the header, the payload's size); the
// checks of a value are the caller's. A caller that first checks the least size its layout can
// have (attribute_size below), with the steps unrolled, lets the compiler drop their own bounds
// checks.
class LaidOut {
public:
    explicit LaidOut(Bytes bytes) : at_(bytes.data()), left_(bytes.size()) {}

    // The next attribute, if it is a `type` holding exactly a T: its value.
    template <class T> [[gnu::always_inline]] bool take(std::uint16_t type, T& out) {
        constexpr std::uint16_t length = NLA_HDRLEN + sizeof(T);
        if (left_ < NLA_ALIGN(length) || word_at(at_) != header_word(length, type))
            return false;
        std::memcpy(&out, at_ + NLA_HDRLEN, sizeof out);
        step(NLA_ALIGN(length));
        return true;
    }

    // The next attribute, if it is a `type` with a payload of any non-zero size: that payload.
    // The type's flags are let through, as the walk lets them (a nest has NLA_F_NESTED).
    bool take_payload(std::uint16_t type, Bytes& out) {
        std::uint16_t length, found;
        if (left_ < NLA_HDRLEN)
            return false;
        std::memcpy(&length, at_, sizeof length);
        std::memcpy(&found, at_ + sizeof length, sizeof found);
        const std::size_t size = NLA_ALIGN(length);
        if ((found & NLA_TYPE_MASK) != type || length <= NLA_HDRLEN || left_ < size)
            return false;
        out = Bytes(at_ + NLA_HDRLEN, length - NLA_HDRLEN);
        step(size);
        return true;
    }

    bool at_end() const { return left_ == 0; }
    std::size_t taken(Bytes from) const { return from.size() - left_; }

private:
    void step(std::size_t size) {
        at_ += size;
        left_ -= size;
    }

    const std::uint8_t* at_;
    std::size_t left_;
};

// What an attribute holding a T takes in a stream: header, value and padding.
template <class T> constexpr std::size_t attribute_size = NLA_ALIGN(NLA_HDRLEN + sizeof(T));

// The task nest as the kernel lays it out (mt_put_task()): TGID to SESSIONID as u32s in type
// order, COMM, the u64 CGROUP_ID without a pad in front (a 64-bit kernel with efficient unaligned
// access adds none), PIDNS_INO, MNTNS_INO, and ABI where known. True and `t` filled if the nest is
// exactly that, false and `t` untouched otherwise (take_task() then walks it). Whatever this
// takes, the walk takes too, with the same result.
bool take_task_as_laid_out(Bytes bytes, Task& t) {
    std::array<std::uint32_t, 8> ids; // TGID .. SESSIONID
    constexpr std::size_t kLeast = ids.size() * attribute_size<std::uint32_t> +
                                   attribute_size<char> + attribute_size<std::uint64_t> +
                                   2 * attribute_size<std::uint32_t>;
    if (bytes.size() < kLeast)
        return false;
    LaidOut in(bytes);
#pragma GCC unroll 8
    for (std::size_t i = 0; i < ids.size(); ++i) {
        if (!in.take(static_cast<std::uint16_t>(MODTRACE_TASK_ATTR_TGID + i), ids[i]))
            return false;
    }
    Bytes comm;
    std::uint64_t cgroup_id;
    std::uint32_t pidns_ino, mntns_ino, abi = 0;
    if (!in.take_payload(MODTRACE_TASK_ATTR_COMM, comm) ||
        !in.take(MODTRACE_TASK_ATTR_CGROUP_ID, cgroup_id) ||
        !in.take(MODTRACE_TASK_ATTR_PIDNS_INO, pidns_ino) ||
        !in.take(MODTRACE_TASK_ATTR_MNTNS_INO, mntns_ino))
        return false;
    if (!in.at_end() && (!in.take(MODTRACE_TASK_ATTR_ABI, abi) || abi == 0))
        return false;
    const auto* name = reinterpret_cast<const char*>(comm.data());
    const auto* nul = static_cast<const char*>(std::memchr(name, '\0', comm.size()));
    if (!in.at_end() || !nul)
        return false;
    t.tgid = ids[0];
    t.tid = ids[1];
    t.ppid = ids[2];
    t.uid = ids[3];
    t.euid = ids[4];
    t.gid = ids[5];
    t.loginuid = ids[6];
    t.sessionid = ids[7];
    t.comm.assign(name, nul);
    t.cgroup_id = cgroup_id;
    t.pidns_ino = pidns_ino;
    t.mntns_ino = mntns_ino;
    if (abi != 0)
        t.abi = abi;
    return true;
}

[[gnu::noinline]] bool take_task(Bytes bytes, Task& t) {
    if (take_task_as_laid_out(bytes, t))
        return true;
    std::uint64_t seen = 0;
    const bool ok = walk<named_mask(kTaskNames)>(bytes, seen, [&](std::uint16_t type, Bytes p) {
        switch (type) {
        case MODTRACE_TASK_ATTR_TGID:
            return take_number(p, t.tgid);
        case MODTRACE_TASK_ATTR_TID:
            return take_number(p, t.tid);
        case MODTRACE_TASK_ATTR_PPID:
            return take_number(p, t.ppid);
        case MODTRACE_TASK_ATTR_UID:
            return take_number(p, t.uid);
        case MODTRACE_TASK_ATTR_EUID:
            return take_number(p, t.euid);
        case MODTRACE_TASK_ATTR_GID:
            return take_number(p, t.gid);
        case MODTRACE_TASK_ATTR_LOGINUID:
            return take_number(p, t.loginuid);
        case MODTRACE_TASK_ATTR_SESSIONID:
            return take_number(p, t.sessionid);
        case MODTRACE_TASK_ATTR_COMM:
            return take_string(p, t.comm);
        case MODTRACE_TASK_ATTR_CGROUP_ID:
            return take_number(p, t.cgroup_id);
        case MODTRACE_TASK_ATTR_PIDNS_INO:
            return take_number(p, t.pidns_ino);
        case MODTRACE_TASK_ATTR_MNTNS_INO:
            return take_number(p, t.mntns_ino);
        case MODTRACE_TASK_ATTR_ABI: {
            std::uint32_t abi;
            if (!take_number(p, abi) || abi == 0)
                return false;
            t.abi = abi;
            return true;
        }
        }
        return true;
    });
    constexpr std::uint64_t required =
        bits<MODTRACE_TASK_ATTR_TGID, MODTRACE_TASK_ATTR_TID, MODTRACE_TASK_ATTR_PPID,
             MODTRACE_TASK_ATTR_UID, MODTRACE_TASK_ATTR_EUID, MODTRACE_TASK_ATTR_GID,
             MODTRACE_TASK_ATTR_LOGINUID, MODTRACE_TASK_ATTR_SESSIONID, MODTRACE_TASK_ATTR_COMM,
             MODTRACE_TASK_ATTR_CGROUP_ID, MODTRACE_TASK_ATTR_PIDNS_INO,
             MODTRACE_TASK_ATTR_MNTNS_INO>();
    return ok && (seen & required) == required;
}

[[gnu::noinline]] bool take_loss(Bytes bytes, Loss& loss) {
    std::uint64_t seen = 0;
    return walk<named_mask(kLossNames)>(bytes, seen, [&](std::uint16_t type, Bytes p) {
        switch (type) {
        case MODTRACE_LOSS_ATTR_BUFFER_FULL:
            return take_number(p, loss.buffer_full);
        case MODTRACE_LOSS_ATTR_SOCKET_FULL:
            return take_number(p, loss.socket_full);
        case MODTRACE_LOSS_ATTR_NMISSED:
            return take_number(p, loss.nmissed);
        case MODTRACE_LOSS_ATTR_NOMEM:
            return take_number(p, loss.nomem);
        case MODTRACE_LOSS_ATTR_BUSY:
            return take_number(p, loss.busy);
        case MODTRACE_LOSS_ATTR_HISTORY:
            return take_number(p, loss.history);
        }
        return true;
    });
}

[[gnu::noinline]] bool take_file(Bytes bytes, FileInfo& file) {
    std::uint64_t seen = 0;
    return walk<named_mask(kFileNames)>(bytes, seen, [&](std::uint16_t type, Bytes p) {
        switch (type) {
        case MODTRACE_FILE_ATTR_PATH:
            return take_string(p, file.path);
        case MODTRACE_FILE_ATTR_DEV:
            return take_number(p, file.dev);
        case MODTRACE_FILE_ATTR_INO:
            return take_number(p, file.ino);
        }
        return true;
    });
}

[[gnu::noinline]] bool take_request(Bytes bytes, RequestInfo& request) {
    std::uint64_t seen = 0;
    const bool ok = walk<named_mask(kRequestNames)>(bytes, seen, [&](std::uint16_t type, Bytes p) {
        switch (type) {
        case MODTRACE_REQUEST_ATTR_SEQ:
            return take_number(p, request.seq);
        case MODTRACE_REQUEST_ATTR_NAME:
            return take_string(p, request.name);
        case MODTRACE_REQUEST_ATTR_TGID:
            return take_number(p, request.tgid);
        case MODTRACE_REQUEST_ATTR_TID:
            return take_number(p, request.tid);
        case MODTRACE_REQUEST_ATTR_COMM:
            return take_string(p, request.comm);
        case MODTRACE_REQUEST_ATTR_UID:
            return take_number(p, request.uid);
        }
        return true;
    });
    constexpr std::uint64_t required =
        bits<MODTRACE_REQUEST_ATTR_SEQ, MODTRACE_REQUEST_ATTR_TGID, MODTRACE_REQUEST_ATTR_TID,
             MODTRACE_REQUEST_ATTR_COMM, MODTRACE_REQUEST_ATTR_UID>();
    return ok && (seen & required) == required;
}

[[gnu::noinline]] bool take_module(Bytes bytes, ModuleInfo& module) {
    std::uint64_t seen = 0;
    const bool ok = walk<named_mask(kModuleNames)>(bytes, seen, [&](std::uint16_t type, Bytes p) {
        switch (type) {
        case MODTRACE_MODULE_ATTR_NAME:
            return take_string(p, module.name);
        case MODTRACE_MODULE_ATTR_VERSION:
            return take_string(p, module.version);
        case MODTRACE_MODULE_ATTR_SRCVERSION:
            return take_string(p, module.srcversion);
        case MODTRACE_MODULE_ATTR_TAINTS:
            return take_number(p, module.taints);
        case MODTRACE_MODULE_ATTR_SIG_OK:
            return take_bool(p, module.sig_ok);
        case MODTRACE_MODULE_ATTR_ARGS:
            return take_string(p, module.args);
        case MODTRACE_MODULE_ATTR_TEXT_SIZE:
            return take_number(p, module.text_size);
        case MODTRACE_MODULE_ATTR_TOTAL_SIZE:
            return take_number(p, module.total_size);
        }
        return true;
    });
    return ok && (seen & bit(MODTRACE_MODULE_ATTR_NAME));
}

// read_sha256()'s rule: exactly 32 bytes, kept as hex.
bool take_sha256(Bytes p, std::string& hex) {
    if (p.size() != 32)
        return false;
    static constexpr char kHex[] = "0123456789abcdef";
    hex.resize(64);
    for (std::size_t i = 0; i < 32; ++i) {
        const auto b = static_cast<unsigned>(p[i]);
        hex[2 * i] = kHex[b >> 4];
        hex[2 * i + 1] = kHex[b & 15];
    }
    return true;
}

bool take_image(Bytes bytes, ImageInfo& image) {
    std::uint64_t seen = 0;
    const bool ok = walk<named_mask(kImageNames)>(bytes, seen, [&](std::uint16_t type, Bytes p) {
        switch (type) {
        case MODTRACE_IMAGE_ATTR_STATE:
            return take_enum(p, image.state);
        case MODTRACE_IMAGE_ATTR_LEN:
            return take_number(p, image.len);
        case MODTRACE_IMAGE_ATTR_NAME:
            return take_string(p, image.name);
        case MODTRACE_IMAGE_ATTR_CAPTURE:
            return take_enum(p, image.capture);
        case MODTRACE_IMAGE_ATTR_SHA256:
            return take_sha256(p, image.sha256.emplace());
        }
        return true;
    });
    return ok && (seen & bit(MODTRACE_IMAGE_ATTR_STATE)) &&
           (image.state != ImageState::Hashed || image.sha256);
}

bool take_chunk(Bytes bytes, ImageChunk& chunk) {
    std::uint64_t seen = 0;
    Bytes data;
    const bool ok = walk<named_mask(kImageNames)>(bytes, seen, [&](std::uint16_t type, Bytes p) {
        switch (type) {
        case MODTRACE_IMAGE_ATTR_LEN:
            return take_number(p, chunk.len);
        case MODTRACE_IMAGE_ATTR_OFFSET:
            return take_number(p, chunk.offset);
        case MODTRACE_IMAGE_ATTR_SHA256:
            return take_sha256(p, chunk.sha256);
        case MODTRACE_IMAGE_ATTR_DATA:
            data = p;
            return true;
        }
        return true;
    });
    constexpr std::uint64_t required = bits<MODTRACE_IMAGE_ATTR_LEN, MODTRACE_IMAGE_ATTR_OFFSET,
                                            MODTRACE_IMAGE_ATTR_SHA256, MODTRACE_IMAGE_ATTR_DATA>();
    if (!ok || (seen & required) != required || chunk.offset > chunk.len ||
        data.size() > chunk.len - chunk.offset)
        return false;
    chunk.data.assign(data.begin(), data.end());
    return true;
}

// The arguments in order, without a gap.
bool take_syscall_args(Bytes bytes, std::vector<std::uint64_t>& args) {
    std::uint64_t seen = 0;
    std::array<std::uint64_t, MODTRACE_SYSCALL_ARG_MAX + 1> values{};
    const bool ok =
        walk<named_mask(kSyscallArgNames)>(bytes, seen, [&](std::uint16_t type, Bytes p) {
            return type < MODTRACE_SYSCALL_ARG_0 || take_number(p, values[type]);
        });
    const std::uint64_t present = seen >> MODTRACE_SYSCALL_ARG_0;
    // ARG_0 up to some ARG_n, all of them: the bits form one run from the lowest.
    if (!ok || (present & (present + 1)) != 0)
        return false;
    for (std::uint16_t type = MODTRACE_SYSCALL_ARG_0; seen & bit(type); ++type)
        args.push_back(values[type]);
    return true;
}

// check_required()'s rule as a mask of the types a record of `type` must carry.
std::uint64_t required_mask(RecordType type) {
    if (record_type_name(type).empty())
        return 0;
    std::uint64_t mask = 0;
    const bool from_probe =
        type != RecordType::Loss && type != RecordType::Shutdown && type != RecordType::ImageChunk;
    if (from_probe) {
        for (std::uint16_t attr : kProbeRecordAttributes) {
            if (!(type == RecordType::HiddenModule && attr == MODTRACE_ATTR_PROBE))
                mask |= bit(attr);
        }
    }
    for (std::uint16_t attr : own_attributes(type))
        mask |= bit(attr);
    return mask;
}

// check_required() on the types a walk saw, from a table of required_mask() made once.
bool has_required(std::uint64_t seen, RecordType type) {
    constexpr std::size_t kTypes = MODTRACE_REC_MAX + 1;
    static const std::array<std::uint64_t, kTypes> required = [] {
        std::array<std::uint64_t, kTypes> masks{};
        for (std::size_t t = 0; t < kTypes; ++t)
            masks[t] = required_mask(static_cast<RecordType>(t));
        return masks;
    }();
    const auto t = static_cast<std::uint32_t>(type);
    return t >= kTypes || (seen & required[t]) == required[t];
}

// The start of a probe's record as the kernel lays it out (mt_put_record()): TYPE, SEQ, PROBE,
// TS and CPU (the u64s without a pad in front), TASK, RECORD_FLAGS, and on a return ENTRY_SEQ,
// RET and DURATION. As far as the record follows that order, its attributes are taken here, `seen`
// gets their types and `taken` their size, and take_record() walks the rest; a record that does
// not start with the five is walked from its start, and `r` is untouched. False if a value taken
// here is one the walk refuses.
bool take_laid_out(Bytes bytes, Record& r, std::uint64_t& seen, std::size_t& taken) {
    constexpr std::size_t kHead =
        3 * attribute_size<std::uint32_t> + 2 * attribute_size<std::uint64_t>;
    taken = 0;
    if (bytes.size() < kHead)
        return true;
    LaidOut in(bytes);
    std::uint32_t type, probe, cpu;
    std::uint64_t seq, ts_ns;
    if (!in.take(MODTRACE_ATTR_TYPE, type) || !in.take(MODTRACE_ATTR_SEQ, seq) ||
        !in.take(MODTRACE_ATTR_PROBE, probe) || !in.take(MODTRACE_ATTR_TS, ts_ns) ||
        !in.take(MODTRACE_ATTR_CPU, cpu) || type == 0 || probe == 0) // read_enum()'s rule
        return true;
    r.type = static_cast<RecordType>(type);
    r.seq = seq;
    r.probe = static_cast<Probe>(probe);
    r.ts_ns = ts_ns;
    r.cpu = cpu;
    seen = bits<MODTRACE_ATTR_TYPE, MODTRACE_ATTR_SEQ, MODTRACE_ATTR_PROBE, MODTRACE_ATTR_TS,
                MODTRACE_ATTR_CPU>();
    taken = in.taken(bytes);

    Bytes task;
    if (!in.take_payload(MODTRACE_ATTR_TASK, task))
        return true;
    if (!take_task(task, r.task.emplace()))
        return false;
    seen |= bit(MODTRACE_ATTR_TASK);
    taken = in.taken(bytes);
    if (!in.take(MODTRACE_ATTR_RECORD_FLAGS, r.flags))
        return true;
    seen |= bit(MODTRACE_ATTR_RECORD_FLAGS);
    taken = in.taken(bytes);

    std::uint64_t entry_seq, duration_ns;
    std::int64_t ret;
    if (!in.take(MODTRACE_ATTR_ENTRY_SEQ, entry_seq) || !in.take(MODTRACE_ATTR_RET, ret) ||
        !in.take(MODTRACE_ATTR_DURATION, duration_ns))
        return true;
    r.entry_seq = entry_seq;
    r.ret = ret;
    r.duration_ns = duration_ns;
    seen |= bits<MODTRACE_ATTR_ENTRY_SEQ, MODTRACE_ATTR_RET, MODTRACE_ATTR_DURATION>();
    taken = in.taken(bytes);
    return true;
}

bool take_record(Bytes bytes, Record& r) {
    std::uint64_t seen = 0;
    Bytes image;
    const auto take = [&](std::uint16_t type, Bytes p) {
        switch (type) {
        case MODTRACE_ATTR_TYPE:
            return take_enum(p, r.type);
        case MODTRACE_ATTR_SEQ:
            return take_number(p, r.seq);
        case MODTRACE_ATTR_PROBE:
            return take_enum(p, r.probe);
        case MODTRACE_ATTR_TS:
            return take_number(p, r.ts_ns);
        case MODTRACE_ATTR_CPU:
            return take_number(p, r.cpu);
        case MODTRACE_ATTR_TASK:
            return take_task(p, r.task.emplace());
        case MODTRACE_ATTR_RECORD_FLAGS:
            return take_number(p, r.flags);
        case MODTRACE_ATTR_LOSS:
            return take_loss(p, r.loss.emplace());
        case MODTRACE_ATTR_IMAGE_LEN:
            return take_number(p, r.image_len);
        case MODTRACE_ATTR_PARAMS:
            return take_string(p, r.params);
        case MODTRACE_ATTR_FD:
            return take_number(p, r.fd);
        case MODTRACE_ATTR_FILE:
            return take_file(p, r.file.emplace());
        case MODTRACE_ATTR_FINIT_FLAGS:
            return take_number(p, r.finit_flags);
        case MODTRACE_ATTR_NAME:
            return take_string(p, r.name);
        case MODTRACE_ATTR_DELETE_FLAGS:
            return take_number(p, r.delete_flags);
        case MODTRACE_ATTR_SYSCALL_NR:
            return take_number(p, r.syscall_nr);
        case MODTRACE_ATTR_SYSCALL_ARGS:
            return take_syscall_args(p, r.syscall_args);
        case MODTRACE_ATTR_MODULE:
            return take_module(p, r.module.emplace());
        case MODTRACE_ATTR_ENTRY_SEQ:
            return take_number(p, r.entry_seq);
        case MODTRACE_ATTR_RET:
            return take_number(p, r.ret);
        case MODTRACE_ATTR_DURATION:
            return take_number(p, r.duration_ns);
        case MODTRACE_ATTR_NEXT_SEQ:
            return take_number(p, r.next_seq);
        case MODTRACE_ATTR_IMAGE:
            // What it holds depends on TYPE, which may come later.
            image = p;
            return true;
        case MODTRACE_ATTR_HIDDEN_FROM:
            return take_number(p, r.hidden_from);
        case MODTRACE_ATTR_REQUEST_WAIT:
            return take_bool(p, r.request_wait);
        case MODTRACE_ATTR_REQUEST:
            return take_request(p, r.request.emplace());
        case MODTRACE_ATTR_LOAD_TS:
            return take_number(p, r.load_ts_ns);
        }
        // Named, but for other messages than records: indexed by the careful decoder, not read.
        return true;
    };
    std::size_t taken;
    if (!take_laid_out(bytes, r, seen, taken))
        return false;
    const bool ok = walk<named_mask(kTopNames)>(bytes.subspan(taken), seen, take);
    if (!ok || !(seen & bit(MODTRACE_ATTR_TYPE)))
        return false;
    if (seen & bit(MODTRACE_ATTR_IMAGE)) {
        if (r.type == RecordType::ImageChunk ? !take_chunk(image, r.chunk.emplace())
                                             : !take_image(image, r.image.emplace()))
            return false;
    }
    return has_required(seen, r.type);
}

// How errors name a record: by its seq when that much can be read.
std::string record_context(const Nest& nest) {
    if (const Attribute* seq = nest.find(MODTRACE_ATTR_SEQ)) {
        if (auto value = read_u64(*seq, "SEQ"))
            return "record seq " + n(*value);
    }
    return "record";
}

Result<void> expect_command(const GenlMessage& message, std::uint8_t command,
                            std::string_view what) {
    if (message.command != command)
        return Error{"expected a " + std::string(what) + " message (command " + n(command) +
                     "), got command " + n(message.command)};
    return {};
}

Error in(std::string_view context, const Error& error) {
    return Error{std::string(context) + ": " + error.message, error.code};
}

} // namespace

namespace detail {

bool decode_record_fast(const GenlMessage& message, Record& out) {
    return message.command == MODTRACE_CMD_RECORD && take_record(message.attributes, out);
}

Result<Record> decode_record_careful(const GenlMessage& message) {
    if (auto ok = expect_command(message, MODTRACE_CMD_RECORD, "RECORD"); !ok)
        return in("record", ok.error());
    Nest nest("", kTopNames);
    if (auto ok = nest.parse(message.attributes); !ok)
        return in("record", ok.error());
    auto record = decode_record_attributes(nest);
    if (!record)
        return in(record_context(nest), record.error());
    return record;
}

} // namespace detail

Result<void> decode_record_into(const GenlMessage& message, Record& out) {
    if (detail::decode_record_fast(message, out)) [[likely]]
        return {};
    // Declined: the careful decoder says why (and, should it accept after all, decides).
    auto careful = detail::decode_record_careful(message);
    if (!careful)
        return careful.error();
    out = std::move(*careful);
    return {};
}

Result<Record> decode_record(const GenlMessage& message) {
    Result<Record> record(std::in_place);
    if (auto ok = decode_record_into(message, *record); !ok)
        record = ok.error();
    return record;
}

Result<Record> decode_record(Bytes message) {
    auto genl = parse_genl_message(message);
    if (!genl)
        return in("record", genl.error());
    return decode_record(*genl);
}

Result<Status> decode_status(const GenlMessage& message) {
    constexpr std::string_view context = "status reply";
    if (auto ok = expect_command(message, MODTRACE_CMD_GET_STATUS, "GET_STATUS"); !ok)
        return in(context, ok.error());
    Nest nest("", kTopNames);
    if (auto ok = nest.parse(message.attributes, MODTRACE_ATTR_PROBE_STATUS); !ok)
        return in(context, ok.error());
    Status s;
    Fields f(nest);
    f.required(MODTRACE_ATTR_VERSION, s.version);
    f.required(MODTRACE_ATTR_INSTANCE, s.instance);
    f.required(MODTRACE_ATTR_NEXT_SEQ, s.next_seq);
    f.required(MODTRACE_ATTR_PARAM_BUFFER_RECORDS, s.params.buffer_records);
    f.required(MODTRACE_ATTR_PARAM_RESERVED_RECORDS, s.params.reserved_records);
    f.required(MODTRACE_ATTR_PARAM_STRING_MAX, s.params.string_max);
    f.required(MODTRACE_ATTR_COUNTERS, s.counters);
    f.required(MODTRACE_ATTR_READERS, s.readers);
    f.optional(MODTRACE_ATTR_BACKLOG_BYTES, s.backlog_bytes);
    f.optional(MODTRACE_ATTR_BACKLOG_MAX_BYTES, s.backlog_max_bytes);
    f.optional(MODTRACE_ATTR_PARAM_LOCKED, s.params.locked);
    f.optional(MODTRACE_ATTR_PARAM_HISTORY_RECORDS, s.params.history_records);
    f.optional(MODTRACE_ATTR_HISTORY_HELD, s.history.held);
    f.optional(MODTRACE_ATTR_HISTORY_BYTES, s.history.bytes);
    f.optional(MODTRACE_ATTR_HISTORY_FIRST_SEQ, s.history.first_seq);
    f.optional(MODTRACE_ATTR_HIDDEN_TRACKED, s.hidden_tracked);
    f.optional(MODTRACE_ATTR_PARAM_CAPTURE_MAX_BYTES, s.params.capture_max_bytes);
    f.optional(MODTRACE_ATTR_CAPTURE_HELD_BYTES, s.capture_held_bytes);
    if (auto ok = f.result(); !ok)
        return in(context, ok.error());
    for (const Attribute* attr : nest.find_all(MODTRACE_ATTR_PROBE_STATUS)) {
        auto probe = read_as(*attr, nest.name(MODTRACE_ATTR_PROBE_STATUS),
                             static_cast<ProbeStatus*>(nullptr));
        if (!probe)
            return in(context, probe.error());
        s.probes.push_back(std::move(*probe));
    }
    return s;
}

Result<Subscription> decode_subscription(const GenlMessage& message) {
    constexpr std::string_view context = "subscribe reply";
    if (auto ok = expect_command(message, MODTRACE_CMD_SUBSCRIBE, "SUBSCRIBE"); !ok)
        return in(context, ok.error());
    Nest nest("", kTopNames);
    if (auto ok = nest.parse(message.attributes); !ok)
        return in(context, ok.error());
    Subscription s;
    Fields f(nest);
    f.required(MODTRACE_ATTR_VERSION, s.version);
    // Another protocol version may carry anything else: the caller reports the mismatch.
    if (f.result() && s.version != kProtocolVersion)
        return s;
    f.required(MODTRACE_ATTR_INSTANCE, s.instance);
    f.required(MODTRACE_ATTR_NEXT_SEQ, s.next_seq);
    f.optional(MODTRACE_ATTR_HISTORY_FIRST_SEQ, s.history_first_seq);
    if (auto ok = f.result(); !ok)
        return in(context, ok.error());
    return s;
}

} // namespace modtrace
