#include "journal.hpp"

#include "decode.hpp"
#include "filter.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <systemd/sd-journal.h>

namespace modtrace {

namespace {

constexpr std::size_t kFieldNameMax = 64;
constexpr std::string_view kPrefix = "modtrace: ";

void add(JournalEntry& entry, std::string_view name, std::string_view value) {
    std::string field;
    field.reserve(name.size() + 1 + value.size());
    field.append(name);
    field += '=';
    field.append(value);
    entry.push_back(std::move(field));
}

void add(JournalEntry& entry, std::string_view name, std::uint64_t value) {
    add(entry, name, std::to_string(value));
}

// The fields every entry starts with.
JournalEntry head(std::string_view message, JournalPriority priority, std::string_view kind) {
    JournalEntry entry;
    add(entry, "MESSAGE", message);
    add(entry, "PRIORITY", std::to_string(static_cast<int>(priority)));
    add(entry, "SYSLOG_IDENTIFIER", "modtrace");
    add(entry, "MESSAGE_ID", journal_message_id(kind));
    return entry;
}

void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xc0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xe0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    } else {
        out += static_cast<char>(0xf0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    }
}

// Reads one JSON object and appends its members as fields. Strict about structure, so that a
// line that is not what the writers make is reported rather than half read.
class JsonFlattener {
public:
    JsonFlattener(JournalEntry& entry, std::string_view text) : entry_(entry), s_(text) {}

    Result<void> run() {
        skip_space();
        if (!peek('{'))
            return fail("not a JSON object");
        if (!object("", true))
            return fail(error_);
        skip_space();
        if (i_ != s_.size())
            return fail("text after the object");
        return {};
    }

private:
    Error fail(const std::string& what) const {
        return Error{"journal fields: " + what + " at byte " + std::to_string(i_)};
    }

    bool peek(char c) const { return i_ < s_.size() && s_[i_] == c; }
    void skip_space() {
        while (i_ < s_.size() &&
               (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r'))
            ++i_;
    }
    bool bad(const char* what) {
        if (error_.empty())
            error_ = what;
        return false;
    }
    bool expect(char c) {
        skip_space();
        if (!peek(c))
            return bad("unexpected character");
        ++i_;
        return true;
    }

    static std::string join(std::string_view path, std::string_view key) {
        if (path.empty())
            return std::string(key);
        return std::string(path) + "_" + std::string(key);
    }

    bool object(const std::string& path, bool top) {
        if (!expect('{'))
            return false;
        skip_space();
        if (peek('}')) {
            ++i_;
            return true;
        }
        for (;;) {
            skip_space();
            std::string key;
            if (!string(key) || !expect(':'))
                return false;
            // The call's arguments are the event's own fields.
            const std::string child = top && key == "args" ? std::string() : join(path, key);
            if (!value(child))
                return false;
            skip_space();
            if (peek(',')) {
                ++i_;
                continue;
            }
            return expect('}');
        }
    }

    // An array: one field per element when all are strings, else one field of the elements'
    // texts separated by spaces.
    bool array(const std::string& path) {
        if (!expect('['))
            return false;
        std::vector<std::string> strings;
        std::string joined;
        bool all_strings = true;
        std::size_t count = 0;
        skip_space();
        if (peek(']')) {
            ++i_;
            return true;
        }
        for (;;) {
            skip_space();
            const std::size_t start = i_;
            if (peek('"')) {
                std::string s;
                if (!string(s))
                    return false;
                strings.push_back(std::move(s));
            } else {
                all_strings = false;
                if (!skip_value())
                    return false;
            }
            if (count++ != 0)
                joined += ' ';
            joined.append(s_.substr(start, i_ - start));
            skip_space();
            if (peek(',')) {
                ++i_;
                continue;
            }
            if (!expect(']'))
                return false;
            break;
        }
        const std::string name = journal_field_name(path);
        if (all_strings) {
            for (const auto& s : strings)
                add(entry_, name, s);
        } else {
            add(entry_, name, joined);
        }
        return true;
    }

    bool value(const std::string& path) {
        skip_space();
        if (i_ == s_.size())
            return bad("the text ends where a value should be");
        const char c = s_[i_];
        if (c == '{')
            return object(path, false);
        if (c == '[')
            return array(path);
        if (c == '"') {
            std::string s;
            if (!string(s))
                return false;
            add(entry_, journal_field_name(path), s);
            return true;
        }
        if (s_.substr(i_).starts_with("null")) {
            i_ += 4;
            return true;
        }
        const std::size_t start = i_;
        if (!scalar())
            return false;
        add(entry_, journal_field_name(path), s_.substr(start, i_ - start));
        return true;
    }

    // true, false or a number; nothing appended.
    bool scalar() {
        for (const std::string_view word : {"true", "false"}) {
            if (s_.substr(i_).starts_with(word)) {
                i_ += word.size();
                return true;
            }
        }
        const std::size_t start = i_;
        while (i_ < s_.size() && std::strchr("-+.eE0123456789", s_[i_]) != nullptr)
            ++i_;
        if (i_ == start)
            return bad("unexpected character");
        return true;
    }

    // A value inside an array that is not a string, read past.
    bool skip_value() {
        skip_space();
        if (peek('{') || peek('[')) {
            // Nested containers are not in any line modtrace writes; their text is kept whole.
            JournalEntry ignored;
            JsonFlattener inner(ignored, s_.substr(i_));
            inner.skip_space();
            const bool ok = inner.peek('{') ? inner.object("x", false) : inner.array("x");
            if (!ok)
                return bad("malformed nested value");
            i_ += inner.i_;
            return true;
        }
        if (s_.substr(i_).starts_with("null")) {
            i_ += 4;
            return true;
        }
        return scalar();
    }

    bool hex4(std::uint32_t& v) {
        if (i_ + 4 > s_.size())
            return bad("a \\u escape cut short");
        v = 0;
        for (int k = 0; k < 4; ++k) {
            const char c = s_[i_++];
            v <<= 4;
            if (c >= '0' && c <= '9')
                v |= static_cast<std::uint32_t>(c - '0');
            else if (c >= 'a' && c <= 'f')
                v |= static_cast<std::uint32_t>(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F')
                v |= static_cast<std::uint32_t>(c - 'A' + 10);
            else
                return bad("a \\u escape that is not hex");
        }
        return true;
    }

    bool string(std::string& out) {
        if (!peek('"'))
            return bad("expected a string");
        ++i_;
        for (;;) {
            if (i_ == s_.size())
                return bad("a string without its closing quote");
            const char c = s_[i_++];
            if (c == '"')
                return true;
            if (c != '\\') {
                out += c;
                continue;
            }
            if (i_ == s_.size())
                return bad("a string without its closing quote");
            const char e = s_[i_++];
            switch (e) {
            case '"':
            case '\\':
            case '/':
                out += e;
                break;
            case 'b':
                out += '\b';
                break;
            case 'f':
                out += '\f';
                break;
            case 'n':
                out += '\n';
                break;
            case 'r':
                out += '\r';
                break;
            case 't':
                out += '\t';
                break;
            case 'u': {
                std::uint32_t cp = 0;
                if (!hex4(cp))
                    return false;
                if (cp >= 0xd800 && cp <= 0xdbff && s_.substr(i_).starts_with("\\u")) {
                    const std::size_t at = i_;
                    i_ += 2;
                    std::uint32_t low = 0;
                    if (!hex4(low))
                        return false;
                    if (low >= 0xdc00 && low <= 0xdfff)
                        cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
                    else
                        i_ = at; // a lone high surrogate; the next escape stands alone
                }
                if (cp >= 0xd800 && cp <= 0xdfff)
                    cp = 0xfffd;
                append_utf8(out, cp);
                break;
            }
            default:
                return bad("an unknown escape");
            }
        }
    }

    JournalEntry& entry_;
    std::string_view s_;
    std::size_t i_ = 0;
    std::string error_;
};

std::string_view word(bool b) {
    return b ? "true" : "false";
}

} // namespace

std::string_view journal_message_id(std::string_view name) {
    for (const auto& m : kJournalMessageIds) {
        if (m.name == name)
            return m.id;
    }
    return {};
}

std::string journal_field_name(std::string_view path) {
    std::string name = "MODTRACE_";
    for (const char c : path) {
        if (c >= 'a' && c <= 'z')
            name += static_cast<char>(c - 'a' + 'A');
        else if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
            name += c;
        else
            name += '_';
    }
    if (name.size() > kFieldNameMax)
        name.resize(kFieldNameMax);
    return name;
}

Result<void> append_json_fields(JournalEntry& entry, std::string_view json) {
    return JsonFlattener(entry, json).run();
}

std::string event_module(const Event& ev) {
    // What a request asks for is an alias (rtnl-link-vxlan, fs-xfs), not a module's name.
    if (ev.kind == EventKind::RequestModule)
        return {};
    if (ev.module)
        return ev.module->name;
    if (ev.args.name)
        return *ev.args.name;
    if (ev.args.path)
        return module_name_of_path(*ev.args.path);
    return {};
}

JournalPriority event_priority(const Event& ev) {
    // A module that hid itself, as it loaded or later (hidden_module), is what a rootkit does.
    if (ev.hidden_from && *ev.hidden_from != 0)
        return kPriorityAlert;
    switch (ev.kind) {
    case EventKind::CreateModule:
    case EventKind::QueryModule:
    case EventKind::GetKernelSyms:
    case EventKind::ObsoleteSyscall:
        return kPriorityAlert;
    default:
        break;
    }
    switch (ev.outcome) {
    case Outcome::Loaded:
        return kPriorityNotice;
    case Outcome::Unloaded:
        // Whoever unloads modtrace ends the watch: as loud as what it watches for.
        return same_module_name(event_module(ev), "modtrace") ? kPriorityAlert : kPriorityNotice;
    case Outcome::Waited:
        return ev.ret && *ev.ret == 0 ? kPriorityNotice : kPriorityWarning;
    case Outcome::Requested:
        return kPriorityInfo;
    case Outcome::RequestFailed:
        // A request for what no module provides is the ordinary business of a kernel.
        return kPriorityNotice;
    case Outcome::Enosys:
    case Outcome::Hidden:
        return kPriorityAlert;
    case Outcome::Rejected:
    case Outcome::InitFailed:
    case Outcome::Failed:
    case Outcome::UnloadFailed:
    case Outcome::Unknown:
        break;
    }
    return kPriorityWarning;
}

JournalEntry event_entry(const Event& ev, const TimeBase& time) {
    JournalEntry entry =
        head(event_to_text(ev, false, time), event_priority(ev), event_kind_name(ev.kind));
    if (const std::string module = event_module(ev); !module.empty())
        add(entry, "MODTRACE_MODULE", module);
    const std::string json = event_to_json(ev, time);
    // The writer's own output: cannot fail; if it ever did, MODTRACE_JSON still has it all.
    (void)append_json_fields(entry, json);
    add(entry, "MODTRACE_JSON", json);
    return entry;
}

JournalEntry baseline_entry(const LoadedModule& module, std::int64_t realtime_ns) {
    JournalEntry entry = head(baseline_to_text(module), kPriorityInfo, "baseline");
    const std::string json = baseline_to_json(module, realtime_ns);
    (void)append_json_fields(entry, json);
    add(entry, "MODTRACE_JSON", json);
    return entry;
}

JournalEntry loss_entry(const Loss& loss) {
    JournalEntry entry = head(without_prefix(loss_line(loss)), kPriorityErr, "records_lost");
    add(entry, "MODTRACE_LOST", loss.total());
    const std::pair<std::string_view, std::uint64_t> causes[] = {
        {"MODTRACE_LOST_BUFFER_FULL", loss.buffer_full},
        {"MODTRACE_LOST_SOCKET_FULL", loss.socket_full},
        {"MODTRACE_LOST_NOMEM", loss.nomem},
        {"MODTRACE_LOST_NMISSED", loss.nmissed},
        {"MODTRACE_LOST_BUSY", loss.busy},
        {"MODTRACE_LOST_HISTORY", loss.history},
    };
    for (const auto& [name, n] : causes) {
        if (n != 0)
            add(entry, name, n);
    }
    return entry;
}

JournalEntry unload_entry(const SelfUnloadWitness& witness) {
    JournalEntry entry = head(witness.unloaded_line(), kPriorityAlert, "module_unloaded");
    if (const auto& by = witness.unloaded_by()) {
        add(entry, "MODTRACE_PID", by->task.tgid);
        add(entry, "MODTRACE_UID", by->task.uid);
        if (by->task.loginuid != 0xffffffffU)
            add(entry, "MODTRACE_LOGINUID", by->task.loginuid);
        add(entry, "MODTRACE_COMM", by->task.comm);
        add(entry, "MODTRACE_FORCED", word((by->flags & O_TRUNC) != 0));
    }
    return entry;
}

JournalEntry start_entry(const ReaderStart& start) {
    std::string message = "reader " MODTRACE_VERSION " started: ";
    if (start.input) {
        message += "reading the recording " + *start.input;
    } else {
        message += "subscribed to the kernel module";
        if (start.from_seq)
            message += ", its history from seq " + std::to_string(*start.from_seq) + " first";
        message += ", live from seq " + std::to_string(start.next_seq);
    }
    JournalEntry entry = head(message, kPriorityInfo, "reader_started");
    add(entry, "MODTRACE_VERSION", MODTRACE_VERSION);
    add(entry, "MODTRACE_PROTOCOL", kProtocolVersion);
    if (start.input) {
        add(entry, "MODTRACE_INPUT", *start.input);
    } else {
        add(entry, "MODTRACE_NEXT_SEQ", start.next_seq);
        if (start.from_seq)
            add(entry, "MODTRACE_FROM_SEQ", *start.from_seq);
        if (start.instance)
            add(entry, "MODTRACE_INSTANCE", *start.instance);
    }
    return entry;
}

JournalEntry stop_entry(std::string_view summary, std::string_view end, std::uint64_t events,
                        std::uint64_t incomplete, std::uint64_t filtered) {
    JournalEntry entry = head("stopped: " + std::string(without_prefix(summary)),
                              end == "failed" ? kPriorityErr : kPriorityInfo, "reader_stopped");
    add(entry, "MODTRACE_END", end);
    add(entry, "MODTRACE_EVENTS", events);
    add(entry, "MODTRACE_INCOMPLETE", incomplete);
    add(entry, "MODTRACE_FILTERED", filtered);
    return entry;
}

std::string_view without_prefix(std::string_view line) {
    if (line.starts_with(kPrefix))
        line.remove_prefix(kPrefix.size());
    return line;
}

Result<void> journal_available(const char* socket) {
    struct stat st {};
    int code = 0;
    if (stat(socket, &st) != 0)
        code = errno;
    else if (!S_ISSOCK(st.st_mode))
        code = ENOTSOCK;
    if (code == 0)
        return {};
    return Error{"cannot write to the journal: " + std::string(socket) + ": " +
                     std::strerror(code) + " (is systemd-journald running?)",
                 code};
}

SystemJournal::SystemJournal() : send_(&sd_journal_sendv) {}

Result<void> SystemJournal::send(const JournalEntry& entry) {
    std::vector<iovec> fields;
    fields.reserve(entry.size());
    for (const auto& f : entry)
        fields.push_back(iovec{const_cast<char*>(f.data()), f.size()});
    const int r = send_(fields.data(), static_cast<int>(fields.size()));
    if (r < 0)
        return Error{"cannot write to the journal: " + std::string(std::strerror(-r)), -r};
    return {};
}

} // namespace modtrace
