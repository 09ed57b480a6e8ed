// Names for the protocol's numbers.
#include "protocol_names.hpp"

#include "modtrace.h"

#include <array>

namespace modtrace {

// The enums follow the protocol header: a value added there needs a name here.
static_assert(static_cast<std::uint32_t>(RecordType::ImageChunk) == MODTRACE_REC_MAX);
static_assert(static_cast<std::uint32_t>(Probe::UmhStart) == MODTRACE_PROBE_MAX);
static_assert(static_cast<std::uint32_t>(ImageState::Unkept) == MODTRACE_IMAGE_MAX);

std::string_view record_type_name(RecordType type) {
    switch (type) {
    case RecordType::InitModuleEnter:
        return "init_module_enter";
    case RecordType::InitModuleExit:
        return "init_module_exit";
    case RecordType::FinitModuleEnter:
        return "finit_module_enter";
    case RecordType::FinitModuleExit:
        return "finit_module_exit";
    case RecordType::DoInitEnter:
        return "do_init_enter";
    case RecordType::DoInitExit:
        return "do_init_exit";
    case RecordType::DeleteModuleEnter:
        return "delete_module_enter";
    case RecordType::DeleteModuleExit:
        return "delete_module_exit";
    case RecordType::ObsoleteSyscall:
        return "obsolete_syscall";
    case RecordType::Loss:
        return "loss";
    case RecordType::Shutdown:
        return "shutdown";
    case RecordType::ModuleFree:
        return "module_free";
    case RecordType::RequestModuleEnter:
        return "request_module_enter";
    case RecordType::RequestModuleExit:
        return "request_module_exit";
    case RecordType::HiddenModule:
        return "hidden_module";
    case RecordType::ImageChunk:
        return "image_chunk";
    }
    return "";
}

std::string_view probe_name(Probe probe) {
    switch (probe) {
    case Probe::InitModule:
        return "init_module";
    case Probe::FinitModule:
        return "finit_module";
    case Probe::DoInitModule:
        return "do_init_module";
    case Probe::DeleteModule:
        return "delete_module";
    case Probe::NiSyscall:
        return "ni_syscall";
    case Probe::ParseArgs:
        return "parse_args";
    case Probe::FreeModule:
        return "free_module";
    case Probe::ReadFile:
        return "read_file";
    case Probe::LoadModule:
        return "load_module";
    case Probe::RequestModule:
        return "request_module";
    case Probe::RequestName:
        return "request_name";
    case Probe::UmhExec:
        return "umh_exec";
    case Probe::UmhStart:
        return "umh_start";
    }
    return "";
}

std::string_view image_state_name(ImageState state) {
    switch (state) {
    case ImageState::Hashed:
        return "hashed";
    case ImageState::Refused:
        return "refused";
    case ImageState::Unkept:
        return "unkept";
    }
    return "";
}

std::string_view capture_state_name(CaptureState state) {
    switch (state) {
    case CaptureState::Off:
        return "off";
    case CaptureState::Held:
        return "held";
    case CaptureState::OverBudget:
        return "over_budget";
    case CaptureState::NoMemory:
        return "no_memory";
    }
    return "";
}

std::string_view abi_name(std::uint32_t abi) {
    switch (abi) {
    case MODTRACE_ABI_X86_64:
        return "x86_64";
    case MODTRACE_ABI_IA32:
        return "ia32";
    case MODTRACE_ABI_X32:
        return "x32";
    default:
        return "";
    }
}

// The names of the set bits of `flags`, `known` indexed by bit number; others as "bitN".
template <std::size_t N>
std::vector<std::string> bit_names(std::uint32_t flags,
                                   const std::array<std::string_view, N>& known) {
    std::vector<std::string> names;
    for (unsigned bit = 0; bit < 32; ++bit) {
        if (!(flags & (1U << bit)))
            continue;
        if (bit < known.size())
            names.emplace_back(known[bit]);
        else
            names.push_back("bit" + std::to_string(bit));
    }
    return names;
}

std::vector<std::string> hidden_flag_names(std::uint32_t flags) {
    // Indexed by bit number, as enum modtrace_hidden_flags.
    static constexpr std::array<std::string_view, 2> known = {"module_list", "sysfs"};
    static_assert(static_cast<std::uint32_t>(MODTRACE_HIDDEN_F_SYSFS) == 1U << (known.size() - 1),
                  "the names follow the header's bits, up to its last flag");
    return bit_names(flags, known);
}

std::vector<std::string> record_flag_names(std::uint32_t flags) {
    // Indexed by bit number, as enum modtrace_record_flags.
    static constexpr std::array<std::string_view, 12> known = {
        "params_truncated", "params_unreadable", "path_truncated", "path_unavailable",
        "name_truncated",   "name_unreadable",   "args_truncated", "version_truncated",
        "deferred",         "args_unavailable",  "file_changed",   "request_unknown",
    };
    static_assert(static_cast<std::uint32_t>(MODTRACE_RECORD_F_REQUEST_UNKNOWN) ==
                      1U << (known.size() - 1),
                  "the names follow the header's bits, up to its last flag");
    return bit_names(flags, known);
}

std::string format_dev(std::uint32_t dev) {
    // The inverse of the kernel's new_encode_dev(): 12 bits of major, 20 of minor, interleaved.
    const std::uint32_t major = (dev & 0xfff00U) >> 8;
    const std::uint32_t minor = (dev & 0xffU) | ((dev >> 12) & 0xfff00U);
    return std::to_string(major) + ":" + std::to_string(minor);
}

} // namespace modtrace
