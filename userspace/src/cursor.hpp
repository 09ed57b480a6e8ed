// The --resume file: which kernel module instance a reader was reading and how far it got, so
// that a restarted reader continues there. A few lines of text:
//
//   # modtrace --resume cursor
//   instance 0x00c0ffee12345678
//   from 1234
//   done 1300
//
// `from`: the seq to subscribe from (the oldest record of a call not yet printed, or the one
// after `done`); `done`: the highest seq whose record was taken in, every event made only of
// records up to it already printed. Written atomically: a temporary file in the same
// directory, fsync, rename, fsync of the directory.
#pragma once

#include "result.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace modtrace {

struct Cursor {
    std::uint64_t instance = 0;
    std::uint64_t from = 1;
    std::uint64_t done = 0;

    bool operator==(const Cursor&) const = default;
};

// The cursor in `path`; none when there is no such file. A file that is not a cursor (empty,
// truncated, another format) is an error naming the file and what is wrong.
Result<std::optional<Cursor>> read_cursor(const std::string& path);
// Replace `path` by `cursor`, atomically.
Result<void> write_cursor(const std::string& path, const Cursor& cursor);
// Whether a cursor can be written at `path` (its directory takes a new file): asked once at
// start, so that a reader that could never save its place says so at once.
Result<void> check_cursor_writable(const std::string& path);

std::string format_cursor(const Cursor& cursor);
Result<Cursor> parse_cursor(const std::string& text);

} // namespace modtrace
