// Who unloaded modtrace itself. The module makes the return record of the delete_module() that
// unloads it from its own exit, before the shutdown notice; a reader that sees the call's entry
// (naming "modtrace") and a return of 0 knows who did it and whether it was forced (O_TRUNC,
// which unloads even a locked modtrace). Fed every record, in seq order.
#pragma once

#include "record.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace modtrace {

struct SelfUnload {
    Task task;
    std::uint32_t flags = 0; // delete_module's
};

class SelfUnloadWitness {
public:
    void feed(const Record& record);
    // The call that unloaded the module, once its return came.
    const std::optional<SelfUnload>& unloaded_by() const { return unloaded_by_; }
    // "the kernel module was unloaded", and by whom when that is known.
    std::string unloaded_line() const;

private:
    static constexpr std::size_t kMaxOpen = 64;
    std::map<std::uint64_t, SelfUnload> open_; // by the entry's seq
    std::optional<SelfUnload> unloaded_by_;
};

} // namespace modtrace
