// Command-line options of the modtrace reader.
#pragma once

#include <string>
#include <variant>

namespace modtrace {

enum class Mode { Watch, Raw, Status };

struct Options {
    Mode mode = Mode::Watch;
    bool json = false;
};

// What parsing the command line gave: options to run with, or text to print
// and an exit status (help, version, or a usage error).
struct Exit {
    int status;
    std::string text;
};

std::variant<Options, Exit> parse_options(int argc, const char* const argv[]);

} // namespace modtrace
