#include "cursor.hpp"

#include "fd.hpp"

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace modtrace {

namespace {

constexpr const char* kHeader = "# modtrace --resume cursor";
constexpr std::size_t kMaxSize = 4096;

std::string errno_text(int err) {
    return std::strerror(err);
}

std::string directory_of(const std::string& path) {
    const auto slash = path.rfind('/');
    if (slash == std::string::npos)
        return ".";
    if (slash == 0)
        return "/";
    return path.substr(0, slash);
}

std::optional<std::uint64_t> parse_number(std::string_view text, int base) {
    std::uint64_t value = 0;
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, value, base);
    if (ec != std::errc() || ptr != end || text.empty())
        return std::nullopt;
    return value;
}

Error write_error(const std::string& path, int err) {
    return Error{"cannot write the resume file " + path + ": " + errno_text(err), err};
}

// Write all of `text` to `fd`.
bool write_all(int fd, const std::string& text) {
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        done += static_cast<std::size_t>(n);
    }
    return true;
}

} // namespace

std::string format_cursor(const Cursor& c) {
    char instance[19];
    std::snprintf(instance, sizeof(instance), "0x%016llx",
                  static_cast<unsigned long long>(c.instance));
    return std::string(kHeader) + "\ninstance " + instance + "\nfrom " + std::to_string(c.from) +
           "\ndone " + std::to_string(c.done) + "\n";
}

Result<Cursor> parse_cursor(const std::string& text) {
    std::istringstream in(text);
    std::string line;
    if (!std::getline(in, line) || line != kHeader)
        return Error{"not a modtrace resume file (its first line is not \"" + std::string(kHeader) +
                     "\")"};
    Cursor c;
    std::optional<std::uint64_t> instance, from, done;
    int n = 1;
    while (std::getline(in, line)) {
        ++n;
        const auto space = line.find(' ');
        const std::string key = line.substr(0, space);
        const std::string_view value = space == std::string::npos
                                           ? std::string_view()
                                           : std::string_view(line).substr(space + 1);
        std::optional<std::uint64_t>* slot = nullptr;
        int base = 10;
        if (key == "instance") {
            slot = &instance;
            base = 16;
        } else if (key == "from") {
            slot = &from;
        } else if (key == "done") {
            slot = &done;
        } else {
            return Error{"line " + std::to_string(n) + ": unknown key \"" + key + "\""};
        }
        std::string_view digits = value;
        if (base == 16) {
            if (digits.substr(0, 2) != "0x")
                return Error{"line " + std::to_string(n) + ": instance is not 0x and hex digits"};
            digits.remove_prefix(2);
        }
        if (*slot)
            return Error{"line " + std::to_string(n) + ": " + key + " given twice"};
        *slot = parse_number(digits, base);
        if (!*slot)
            return Error{"line " + std::to_string(n) + ": " + key + " is not a number"};
    }
    if (!text.empty() && text.back() != '\n')
        return Error{"the file is truncated (no end of line after the last one)"};
    for (const auto& [name, v] : {std::pair{"instance", instance}, {"from", from}, {"done", done}})
        if (!v)
            return Error{std::string("the file is truncated (no ") + name + " line)"};
    if (*from == 0)
        return Error{"from is 0: sequence numbers start at 1"};
    c.instance = *instance;
    c.from = *from;
    c.done = *done;
    return c;
}

Result<std::optional<Cursor>> read_cursor(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        if (errno == ENOENT)
            return std::optional<Cursor>();
        return Error{"cannot read the resume file " + path + ": " + errno_text(errno), errno};
    }
    std::string text(kMaxSize + 1, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    if (in.bad())
        return Error{"cannot read the resume file " + path};
    if (text.size() > kMaxSize)
        return Error{"resume file " + path + ": not a modtrace resume file (too large)"};
    auto cursor = parse_cursor(text);
    if (!cursor)
        return Error{"resume file " + path + ": " + cursor.error().message};
    return std::optional<Cursor>(*cursor);
}

Result<void> write_cursor(const std::string& path, const Cursor& cursor) {
    const std::string tmp = path + ".tmp";
    Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (!fd)
        return write_error(path, errno);
    if (!write_all(fd.get(), format_cursor(cursor)) || ::fsync(fd.get()) != 0) {
        const int err = errno ? errno : EIO;
        ::unlink(tmp.c_str());
        return write_error(path, err);
    }
    fd.reset();
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        const int err = errno;
        ::unlink(tmp.c_str());
        return write_error(path, err);
    }
    // The rename itself lasts once the directory is on disk.
    Fd dir(::open(directory_of(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dir)
        (void)::fsync(dir.get());
    return {};
}

Result<void> check_cursor_writable(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
        return Error{"the resume file " + path + " is a directory"};
    const std::string tmp = path + ".tmp";
    Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (!fd)
        return write_error(path, errno);
    ::unlink(tmp.c_str());
    return {};
}

} // namespace modtrace
