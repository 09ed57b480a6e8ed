// Symbolic names for the numbers module syscalls deal in: errno values, finit_module(2) flags
// and delete_module(2) flags. Unknown values still get a name ("E<num>", "0x<hex>"), so a
// caller never has to print a bare number next to names.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace modtrace {

// The name of a positive errno value: "ENOENT". Aliases give the canonical name (EAGAIN, not
// EWOULDBLOCK; EDEADLK; EOPNOTSUPP). Covers every Linux errno, including the kernel-internal
// ones a module's init may return and the syscall passes on (ENOTSUPP 524, EPROBE_DEFER 517).
// Anything else, zero and negative numbers included: "E<num>".
std::string errno_name(std::int64_t value);
// The same for a value the table names, without a string made; "" for any other.
std::string_view known_errno_name(std::int64_t value);

// The errno value of a name ("EWOULDBLOCK" and "EAGAIN" both give 11), or none.
std::optional<std::int64_t> errno_value(const std::string& name);

// finit_module(2) flags: MODULE_INIT_IGNORE_MODVERSIONS "ignore_modversions",
// MODULE_INIT_IGNORE_VERMAGIC "ignore_vermagic", MODULE_INIT_COMPRESSED_FILE "compressed_file";
// the remaining unknown bits, if any, as one last "0x<hex>" entry.
std::vector<std::string> finit_flag_names(std::uint32_t flags);

// delete_module(2) flags: O_NONBLOCK "nonblock", O_TRUNC "trunc"; unknown bits as above.
std::vector<std::string> delete_flag_names(std::uint32_t flags);

} // namespace modtrace
