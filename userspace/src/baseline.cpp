#include "baseline.hpp"

#include "event_format.hpp"
#include "json.hpp"

#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>

namespace modtrace {

namespace {

std::vector<std::string_view> split(std::string_view s, char sep) {
    std::vector<std::string_view> out;
    while (!s.empty()) {
        const auto at = s.find(sep);
        const auto part = s.substr(0, at);
        if (!part.empty())
            out.push_back(part);
        if (at == std::string_view::npos)
            break;
        s.remove_prefix(at + 1);
    }
    return out;
}

template <class T> std::optional<T> number(std::string_view s) {
    T value{};
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec != std::errc() || end != s.data() + s.size())
        return std::nullopt;
    return value;
}

std::optional<LoadedModule> parse_line(std::string_view line) {
    const auto f = split(line, ' ');
    if (f.size() < 5)
        return std::nullopt;
    LoadedModule m;
    m.name = f[0];
    const auto size = number<std::uint64_t>(f[1]);
    if (!size)
        return std::nullopt;
    m.size = *size;
    if (f[2] != "-") {
        m.refcount = number<std::int64_t>(f[2]);
        if (!m.refcount)
            return std::nullopt;
    }
    if (f[3] != "-") {
        for (const auto user : split(f[3], ',')) {
            if (user == "[permanent]")
                m.permanent = true;
            else
                m.used_by.emplace_back(user);
        }
    }
    m.state = f[4];
    // f[5] is the address (0 without privileges); then the taint flags, "(OE)".
    if (f.size() > 6) {
        std::string_view t = f[6];
        if (t.size() >= 2 && t.front() == '(' && t.back() == ')')
            m.taint_flags = t.substr(1, t.size() - 2);
    }
    return m;
}

} // namespace

std::vector<LoadedModule> parse_proc_modules(std::string_view text) {
    std::vector<LoadedModule> modules;
    for (const auto line : split(text, '\n')) {
        if (auto m = parse_line(line))
            modules.push_back(std::move(*m));
    }
    return modules;
}

Result<std::vector<LoadedModule>> read_proc_modules(const std::string& path) {
    std::ifstream in(path);
    if (!in) {
        const int err = errno;
        return Error{"cannot read " + path + ": " + std::strerror(err), err};
    }
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad())
        return Error{"cannot read " + path, EIO};
    return parse_proc_modules(text.str());
}

std::string baseline_to_json(const LoadedModule& m, std::int64_t realtime_ns) {
    JsonWriter w;
    w.begin_object();
    w.key("baseline").value(true);
    w.key("module").value(m.name);
    w.key("size").value(m.size);
    w.key("refcount");
    if (m.refcount)
        w.value(*m.refcount);
    else
        w.null();
    w.key("state").value(m.state);
    w.key("used_by").begin_array();
    for (const auto& user : m.used_by)
        w.value(user);
    w.end_array();
    w.key("permanent").value(m.permanent);
    w.key("taint_flags").value(m.taint_flags);
    w.key("time").value(format_rfc3339(realtime_ns));
    w.end_object();
    return w.take();
}

std::string baseline_to_text(const LoadedModule& m) {
    std::string line = "baseline  " + text_escape(m.name) + "  size " + std::to_string(m.size);
    if (m.state != "Live") {
        std::string state = text_escape(m.state);
        for (auto& c : state)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        line += "  " + state;
    }
    return line;
}

} // namespace modtrace
