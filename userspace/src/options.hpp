// Command-line options of the modtrace reader.
#pragma once

#include "event_format.hpp"
#include "filter.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <variant>

namespace modtrace {

// Watch: events (the default); Raw: records as the kernel sends them; Status: the module's
// status; Version: the reader's and the module's versions.
enum class Mode { Watch, Raw, Status, Version };

// --color: Auto colours text output only when stdout is a terminal and NO_COLOR is not set.
enum class ColorMode { Auto, Always, Never };

struct Options {
    Mode mode = Mode::Watch;
    // --format (--json is --format json): events as text, JSON or OCSF; --status as text or
    // JSON.
    OutputFormat format = OutputFormat::Text;
    // Event mode: every event, and the reader's own notices, as systemd journal entries instead
    // of lines on stdout (--journal).
    bool journal = false;
    // Event mode only: which events to print (--pid, --uid, --comm, --module, --event,
    // --failed), how many (--count), the modules loaded at start (--baseline), and colour.
    Filter filter;
    std::optional<std::uint64_t> count;
    bool baseline = false;
    ColorMode color = ColorMode::Auto;
    // Events and raw mode: records from a recorded stream instead of the kernel (--input; "-"
    // is standard input), or every datagram from the kernel also written to a file (--record).
    std::optional<std::string> input;
    std::optional<std::string> record;
    // Events and raw mode: the kernel's history first (--replay), or from where the reader that
    // used a cursor file stopped (--resume FILE).
    bool replay = false;
    std::optional<std::string> resume;
    // Events (and shown by --status): every this many seconds, the kernel module is asked to
    // look for modules hidden since their load (--hidden-check; 0: never).
    std::uint32_t hidden_check_s = 60;
    // Event mode: where the images the kernel module captures are written (--capture DIR).
    std::optional<std::string> capture;
};

// Whether text output is coloured: Always, Never; Auto when stdout is a terminal and NO_COLOR
// (`no_color`, the environment variable's value or null) is unset or empty, as
// https://no-color.org asks.
bool colour_enabled(ColorMode mode, bool stdout_is_tty, const char* no_color);

// What parsing the command line gave: options to run with, or text to print
// and an exit status (help, version, or a usage error).
struct Exit {
    int status;
    std::string text;
};

// Resolves a user name to its uid (for --uid NAME); std::nullopt when there is no such user.
using UserLookup = std::function<std::optional<std::uint32_t>(const std::string&)>;

// The system's user database (getpwnam_r).
std::optional<std::uint32_t> lookup_user(const std::string& name);

// Prints nothing and exits nothing: the caller prints an Exit's text. `users` resolves --uid
// names, so tests need no user database.
std::variant<Options, Exit> parse_options(int argc, const char* const argv[],
                                          const UserLookup& users = lookup_user);

} // namespace modtrace
