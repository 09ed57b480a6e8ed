// Which events to show. Every list that is not empty must match (an event matches a list when
// it matches any entry of it); failed_only keeps failures only.
#pragma once

#include "event.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace modtrace {

struct Filter {
    std::vector<std::uint32_t> pids; // the process id (tgid) or the thread id
    std::vector<std::uint32_t> uids; // the real or the effective uid
    std::vector<std::string> comms;  // exact
    // A module name: matches module.name, args.name (delete_module) or the basename of
    // args.path without .ko / .ko.xz / .ko.zst / .ko.gz (finit_module). '-' and '_' are the
    // same character in module names (as for modprobe), so "snd-hda" matches "snd_hda".
    std::vector<std::string> modules;
    std::vector<EventKind> events;
    bool failed_only = false;

    bool matches(const Event& event) const;
};

// Whether two module names are the same, '-' and '_' being the same character.
bool same_module_name(std::string_view a, std::string_view b);

// The module name a path names: "/lib/modules/x/foo-bar.ko.zst" -> "foo-bar".
std::string module_name_of_path(std::string_view path);

} // namespace modtrace
