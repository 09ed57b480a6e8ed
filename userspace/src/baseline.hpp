// `modtrace --baseline`: the modules already loaded when the reader starts, from /proc/modules,
// printed once before the events so that a log shows what was there before the first event.
#pragma once

#include "result.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace modtrace {

// One line of /proc/modules: "name size refcount used_by state address [(taint flags)]".
struct LoadedModule {
    std::string name;
    std::uint64_t size = 0;               // bytes of memory the module takes
    std::optional<std::int64_t> refcount; // absent ("-") on kernels without module unloading
    std::vector<std::string> used_by;     // modules that depend on it; "[permanent]" left out
    bool permanent = false;               // has an init but no exit: cannot be unloaded
    std::string state;                    // Live, Loading or Unloading
    std::string taint_flags;              // "OE" for "(OE)"; empty when untainted
};

// Every well-formed line of `text` (the contents of /proc/modules); malformed lines are skipped.
std::vector<LoadedModule> parse_proc_modules(std::string_view text);

// The contents of `path` parsed. An Error (with the errno as code) when it cannot be read.
Result<std::vector<LoadedModule>> read_proc_modules(const std::string& path = "/proc/modules");

// One JSON object, no trailing newline, keys in this order: "baseline" (true), "module",
// "size", "refcount" (null when unknown), "state", "used_by" (array), "permanent",
// "taint_flags" (string, "" when untainted), "time" (RFC 3339 UTC of `realtime_ns`, when the
// list was read).
std::string baseline_to_json(const LoadedModule& module, std::int64_t realtime_ns);

// "baseline  NAME  size N", then "  STATE" (lower case) when the module is not Live. No
// trailing newline; the name is escaped as text_escape() does.
std::string baseline_to_text(const LoadedModule& module);

} // namespace modtrace
