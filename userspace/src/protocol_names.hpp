// The names the reader's output uses for the protocol's own numbers: record types, probes,
// ABIs, record flags, and device numbers. Shared by every printer so that they agree.
#pragma once

#include "record.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace modtrace {

// "init_module_enter", ..., "shutdown", "module_free"; "" for a value this reader does not
// know (a newer kernel module's), which printers show as its number.
std::string_view record_type_name(RecordType type);

// "init_module", "finit_module", "do_init_module", "delete_module", "ni_syscall", "parse_args",
// "free_module", "read_file"; "" for a value this reader does not know.
std::string_view probe_name(Probe probe);
// "hashed", "refused", "unkept"; "" for a value this reader does not know.
std::string_view image_state_name(ImageState state);
// "off", "held", "over_budget", "no_memory"; "" for a value this reader does not know.
std::string_view capture_state_name(CaptureState state);

// "x86_64", "ia32", "x32"; "" for a value outside enum modtrace_abi.
std::string_view abi_name(std::uint32_t abi);

// The names of the set record flag bits, lowest first ("params_truncated", ..., "file_changed"),
// as enum modtrace_record_flags. Bits this reader does not know appear as "bit11" etc. rather
// than vanish.
std::vector<std::string> record_flag_names(std::uint32_t flags);
// MODTRACE_HIDDEN_F_* bits as names ("module_list", "sysfs"), unknown ones as "bitN".
std::vector<std::string> hidden_flag_names(std::uint32_t flags);

// A device number in the kernel's new_encode_dev() form as "MAJOR:MINOR".
std::string format_dev(std::uint32_t dev);

} // namespace modtrace
