#include "event_format.hpp"

#include "json.hpp"
#include "modtrace.h"
#include "names.hpp"
#include "protocol_names.hpp"

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <string_view>
#include <vector>

namespace modtrace {

namespace {

constexpr std::uint32_t audit_unset = 0xffffffffU; // loginuid and sessionid
constexpr std::int64_t ns_per_s = 1000000000;

// Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's civil_from_days); no time
// zone database or locale involved, so the UTC timestamp cannot depend on the environment.
void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    y = static_cast<std::int64_t>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
}

// Floor division, so times before 1970 (a clock set badly) still format as valid dates.
void split_ns(std::int64_t ns, std::int64_t& secs, std::int64_t& frac) {
    secs = ns / ns_per_s;
    frac = ns % ns_per_s;
    if (frac < 0) {
        frac += ns_per_s;
        --secs;
    }
}

template <class T> void value_or_null(JsonWriter& w, const std::optional<T>& v) {
    if (v)
        w.value(*v);
    else
        w.null();
}

void flags_json(JsonWriter& w, const std::optional<std::uint32_t>& flags, bool finit) {
    if (flags == 0u) {
        w.members(R"("flags":[],"flags_raw":0)"_members);
        return;
    }
    w.key("flags"_key);
    if (flags) {
        w.begin_array();
        // No flags, the common case, name none.
        if (*flags != 0) {
            for (const auto& n : finit ? finit_flag_names(*flags) : delete_flag_names(*flags))
                w.value(n);
        }
        w.end_array();
    } else {
        w.null();
    }
    w.key("flags_raw"_key);
    value_or_null(w, flags);
}

void dev_or_null(JsonWriter& w, const std::optional<std::uint32_t>& dev) {
    if (dev)
        w.value(format_dev(*dev));
    else
        w.null();
}

// --- text -----------------------------------------------------------------------------------

// The syscall column: the kind, and the caller's ABI when it is not the native one.
std::string syscall_text(const Event& ev) {
    std::string s(event_kind_name(ev.kind));
    if (ev.task && ev.task->abi && *ev.task->abi != MODTRACE_ABI_X86_64) {
        const std::string_view abi = abi_name(*ev.task->abi);
        s += '/';
        s += abi.empty() ? "abi" + std::to_string(*ev.task->abi) : std::string(abi);
    }
    return s;
}

// `s` in double quotes: text_escape()'s escapes, and \" for a quote (text_escape() leaves
// quotes alone and escapes backslashes, so the result reads back unambiguously).
std::string quoted(std::string_view s) {
    std::string out = "\"";
    for (const char c : text_escape(s)) {
        if (c == '"')
            out += '\\';
        out += c;
    }
    out += '"';
    return out;
}

// A string as one token of the text line: bare when it is plain printable ASCII without quotes
// or backslashes, else quoted, with text_escape()'s escapes and \" for a quote. A space, a
// quote or a control byte can therefore never start a new column or line.
std::string token(std::string_view s) {
    bool plain = !s.empty();
    for (const char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if (c <= 0x20 || c >= 0x7f || c == '"' || c == '\\')
            plain = false;
    }
    if (plain)
        return std::string(s);
    return quoted(s);
}

// Display width in code points: enough to align columns of ASCII and most UTF-8.
std::size_t width(std::string_view s) {
    std::size_t n = 0;
    for (const char ch : s) {
        if ((static_cast<unsigned char>(ch) & 0xc0) != 0x80)
            ++n;
    }
    return n;
}

std::string pad(std::string s, std::size_t w) {
    const std::size_t have = width(s);
    if (have < w)
        s.append(w - have, ' ');
    return s;
}

namespace ansi {
constexpr std::string_view dim = "\x1b[2m";
constexpr std::string_view red = "\x1b[31m";
constexpr std::string_view green = "\x1b[32m";
constexpr std::string_view yellow = "\x1b[33m";
constexpr std::string_view bold_red = "\x1b[1;31m";
constexpr std::string_view reset = "\x1b[0m";
} // namespace ansi

std::string paint(std::string s, std::string_view colour, bool on) {
    if (!on)
        return s;
    return std::string(colour) + s + std::string(ansi::reset);
}

std::string local_clock(std::int64_t realtime_ns) {
    std::int64_t secs = 0;
    std::int64_t frac = 0;
    split_ns(realtime_ns, secs, frac);
    const auto t = static_cast<std::time_t>(secs);
    std::tm tm{};
    if (!localtime_r(&t, &tm))
        return "??:??:??.???";
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%02d:%02d:%02d.%03d", tm.tm_hour, tm.tm_min, tm.tm_sec,
                  static_cast<int>(frac / 1000000));
    return buf;
}

std::string with_errno(std::string_view word, std::optional<std::int64_t> code) {
    std::string s(word);
    if (code && *code < 0 && *code != INT64_MIN)
        s += " (" + errno_name(-*code) + ")";
    else if (code && *code != 0)
        s += " (" + std::to_string(*code) + ")";
    return s;
}

// The outcome in words, and its colour.
std::pair<std::string, std::string_view> outcome_text(const Event& ev) {
    if (ev.kind == EventKind::RequestModule && ev.ret) {
        const std::string meaning = request_result_words(ev);
        if (*ev.ret == 0)
            return {"requested", ansi::green};
        return {"request failed (" + meaning + ")", ansi::red};
    }
    std::optional<std::int64_t> code = ev.ret;
    if (!code && ev.module)
        code = ev.module->init_ret;
    switch (ev.outcome) {
    case Outcome::Loaded:
        return {"loaded", ansi::green};
    case Outcome::Unloaded:
        return {"unloaded", ansi::green};
    case Outcome::Rejected:
        return {with_errno("rejected", code), ansi::red};
    case Outcome::InitFailed:
        return {with_errno("init failed", code), ansi::red};
    case Outcome::Failed:
        return {with_errno("failed", code), ansi::red};
    case Outcome::UnloadFailed:
        return {with_errno("unload failed", code), ansi::red};
    case Outcome::Enosys:
        return {"obsolete (ENOSYS)", ansi::red};
    case Outcome::Requested:
    case Outcome::RequestFailed:
        break;
    case Outcome::Hidden:
        return {"hidden", ansi::bold_red};
    case Outcome::Waited: {
        std::string s = "waited for ";
        if (ev.waited_on)
            s += "tid " + std::to_string(ev.waited_on->tid);
        else
            s += "another load";
        s += ": ";
        s += ev.ret && *ev.ret == 0 ? "loaded" : with_errno("failed", ev.ret);
        return {s, ev.ret && *ev.ret == 0 ? ansi::green : ansi::red};
    }
    case Outcome::Unknown:
        break;
    }
    return {"unknown", ansi::yellow};
}

std::string join(const std::vector<std::string>& names) {
    std::string s;
    for (const auto& n : names) {
        if (!s.empty())
            s += ',';
        s += n;
    }
    return s;
}

void append_loss_causes(std::string& out, const Loss& loss, std::uint64_t unreported) {
    const std::pair<std::string_view, std::uint64_t> causes[] = {
        {"buffer_full", loss.buffer_full},
        {"socket_full", loss.socket_full},
        {"nomem", loss.nomem},
        {"nmissed", loss.nmissed},
        {"busy", loss.busy},
        {"history", loss.history},
        {"unreported", unreported},
    };
    bool first = true;
    for (const auto& [name, n] : causes) {
        if (n == 0)
            continue;
        out += first ? " (" : ", ";
        out += std::string(name) + " " + std::to_string(n);
        first = false;
    }
    if (!first)
        out += ')';
}

} // namespace

TimeBase TimeBase::from_clocks() {
    // Read the wall clock between two monotonic readings and pair it with their midpoint, so
    // a preemption between the calls costs at most half its length in accuracy.
    const auto ns = [](clockid_t id) {
        timespec ts{};
        clock_gettime(id, &ts);
        return static_cast<std::int64_t>(ts.tv_sec) * ns_per_s + ts.tv_nsec;
    };
    const std::int64_t m1 = ns(CLOCK_MONOTONIC);
    const std::int64_t r = ns(CLOCK_REALTIME);
    const std::int64_t m2 = ns(CLOCK_MONOTONIC);
    return TimeBase{r - (m1 + (m2 - m1) / 2)};
}

std::int64_t TimeBase::realtime_ns(std::uint64_t monotonic_ns) const {
    // Unsigned arithmetic: wraps instead of overflowing on absurd input.
    return static_cast<std::int64_t>(monotonic_ns + static_cast<std::uint64_t>(realtime_offset_ns));
}

namespace {

// format_rfc3339()'s text into `buf`, without allocating; its length.
std::size_t rfc3339_chars(std::int64_t realtime_ns, char (&buf)[32]) {
    std::int64_t secs = 0;
    std::int64_t frac = 0;
    split_ns(realtime_ns, secs, frac);
    // Two digits at a time from a table: every event's time goes through here.
    static constexpr char kPairs[] =
        "00010203040506070809101112131415161718192021222324252627282930"
        "31323334353637383940414243444546474849505152535455565758596061"
        "62636465666768697071727374757677787980818283848586878889909192"
        "93949596979899";
    char* p = buf;
    const auto digits = [&p](std::uint64_t v, int width) {
        int k = width;
        for (; k >= 2; k -= 2) {
            std::memcpy(p + k - 2, kPairs + 2 * (v % 100), 2);
            v /= 100;
        }
        if (k == 1)
            p[0] = static_cast<char>('0' + v % 10);
        p += width;
    };
    const auto put = [&p](char c) { *p++ = c; };
    // The text up to the seconds' dot, kept from the last call on this thread: the events of a
    // burst share their second. (No int64 of nanoseconds makes INT64_MIN seconds.)
    constexpr std::size_t prefix = 20;
    thread_local std::int64_t cached_secs = INT64_MIN;
    thread_local char cached[prefix];
    if (secs != cached_secs) {
        std::int64_t days = secs / 86400;
        std::int64_t rem = secs % 86400;
        if (rem < 0) {
            rem += 86400;
            --days;
        }
        std::int64_t y = 0;
        unsigned m = 0;
        unsigned d = 0;
        civil_from_days(days, y, m, d);
        // Every int64 of nanoseconds falls in the years 1677-2262: four digits always suffice.
        digits(static_cast<std::uint64_t>(y), 4);
        put('-');
        digits(m, 2);
        put('-');
        digits(d, 2);
        put('T');
        digits(static_cast<std::uint64_t>(rem / 3600), 2);
        put(':');
        digits(static_cast<std::uint64_t>(rem / 60 % 60), 2);
        put(':');
        digits(static_cast<std::uint64_t>(rem % 60), 2);
        put('.');
        std::memcpy(cached, buf, prefix);
        cached_secs = secs;
    } else {
        std::memcpy(buf, cached, prefix);
        p += prefix;
    }
    digits(static_cast<std::uint64_t>(frac), 9);
    put('Z');
    return static_cast<std::size_t>(p - buf);
}

} // namespace

std::string format_rfc3339(std::int64_t realtime_ns) {
    char buf[32];
    return std::string(buf, rfc3339_chars(realtime_ns, buf));
}

std::string format_duration(std::uint64_t ns) {
    // Integer arithmetic, truncating: 999999 ns is "999.9us", never a rounded-up "1000.0us".
    const auto ull = [](std::uint64_t v) { return static_cast<unsigned long long>(v); };
    char buf[48];
    if (ns < 1000)
        std::snprintf(buf, sizeof(buf), "%lluns", ull(ns));
    else if (ns < 1000000)
        std::snprintf(buf, sizeof(buf), "%llu.%lluus", ull(ns / 1000), ull(ns / 100 % 10));
    else if (ns < 1000000000)
        std::snprintf(buf, sizeof(buf), "%llu.%03llums", ull(ns / 1000000), ull(ns / 1000 % 1000));
    else
        std::snprintf(buf, sizeof(buf), "%llu.%03llus", ull(ns / 1000000000),
                      ull(ns / 1000000 % 1000));
    return buf;
}

std::string event_errno(const Event& ev) {
    if (!ev.ret || *ev.ret >= 0)
        return {};
    // -ret of INT64_MIN does not exist; no errno is that large anyway.
    return *ev.ret == INT64_MIN ? "E" + std::to_string(*ev.ret) : errno_name(-*ev.ret);
}

RequestResult request_result(const Event& ev) {
    RequestResult r;
    if (ev.kind != EventKind::RequestModule || !ev.ret)
        return r;
    const std::int64_t ret = *ev.ret;
    if (ret < 0) {
        r.errno_name = event_errno(ev);
    } else if (ret > 0) {
        // A waiting request's modprobe's wait status, as wait(2) gives it.
        if ((ret & 0x7f) == 0)
            r.exit_status = static_cast<int>((ret >> 8) & 0xff);
        else
            r.signal = static_cast<int>(ret & 0x7f);
    } else {
        r.exit_status = 0;
    }
    return r;
}

std::string request_result_words(const Event& ev) {
    const RequestResult r = request_result(ev);
    if (r.errno_name)
        return "kernel: " + *r.errno_name;
    if (r.signal)
        return "modprobe killed by signal " + std::to_string(*r.signal);
    if (r.exit_status && ev.args.wait == false && *r.exit_status == 0)
        return "modprobe started";
    if (r.exit_status)
        return "modprobe exited " + std::to_string(*r.exit_status);
    return {};
}

std::string requested_by(const RequestInfo& q) {
    std::string s = "requested by " + token(q.comm) + "[" + std::to_string(q.tgid) + "]";
    if (q.name)
        s += " for " + token(*q.name);
    return s;
}

std::string outcome_words(const Event& ev) {
    return outcome_text(ev).first;
}

void event_args_json(JsonWriter& w, const Event& ev, const TimeBase& time) {
    const EventArgs& a = ev.args;
    w.begin_object();
    switch (ev.kind) {
    case EventKind::InitModule:
        w.key("len"_key);
        value_or_null(w, a.len);
        w.key("params"_key);
        value_or_null(w, a.params);
        break;
    case EventKind::FinitModule:
        w.key("fd"_key);
        value_or_null(w, a.fd);
        if (!a.path && !a.dev && !a.ino) {
            // No file: a bad fd, or one the probe could not read.
            w.members(R"("path":null,"dev":null,"ino":null)"_members);
        } else {
            w.key("path"_key);
            value_or_null(w, a.path);
            w.key("dev"_key);
            dev_or_null(w, a.dev);
            w.key("ino"_key);
            value_or_null(w, a.ino);
        }
        // The fd's file at entry, only where it is not the one the kernel read.
        if (!a.caller_dev && !a.caller_ino) {
            w.members(R"("caller_dev":null,"caller_ino":null)"_members);
        } else {
            w.key("caller_dev"_key);
            dev_or_null(w, a.caller_dev);
            w.key("caller_ino"_key);
            value_or_null(w, a.caller_ino);
        }
        w.key("params"_key);
        value_or_null(w, a.params);
        flags_json(w, a.flags, true);
        break;
    case EventKind::DeleteModule:
        w.key("name"_key);
        value_or_null(w, a.name);
        flags_json(w, a.flags, false);
        break;
    case EventKind::CreateModule:
    case EventKind::QueryModule:
    case EventKind::GetKernelSyms:
    case EventKind::ObsoleteSyscall:
        w.key("nr"_key);
        value_or_null(w, a.syscall_nr);
        w.key("raw"_key).begin_array();
        for (const std::uint64_t arg : a.syscall_args)
            w.value(arg);
        w.end_array();
        break;
    case EventKind::RequestModule:
        w.key("name"_key);
        value_or_null(w, a.name);
        w.key("wait"_key);
        value_or_null(w, a.wait);
        break;
    case EventKind::HiddenModule:
        // Not a call's arguments: when the module came live, from the kernel's table.
        w.key("loaded"_key);
        if (ev.loaded_ns)
            w.value(format_rfc3339(time.realtime_ns(*ev.loaded_ns)));
        else
            w.null();
        break;
    case EventKind::UnknownLoad:
        break;
    }
    w.end_object();
}

void event_request_json(JsonWriter& w, const Event& ev) {
    if (!ev.request) {
        w.null();
        return;
    }
    const RequestInfo& q = *ev.request;
    w.begin_object();
    w.key("seq"_key).value(q.seq);
    w.key("name"_key);
    value_or_null(w, q.name);
    w.key("pid"_key).value(q.tgid);
    w.key("tid"_key).value(q.tid);
    w.key("comm"_key).value(q.comm);
    w.key("uid"_key).value(q.uid);
    w.end_object();
}

void event_request_result_json(JsonWriter& w, const Event& ev) {
    if (ev.kind != EventKind::RequestModule || !ev.ret) {
        w.null();
        return;
    }
    const RequestResult r = request_result(ev);
    w.begin_object();
    w.key("by"_key).value(r.errno_name ? "kernel" : "modprobe");
    w.key("exit_status"_key);
    value_or_null(w, r.exit_status);
    w.key("signal"_key);
    value_or_null(w, r.signal);
    w.key("errno"_key);
    value_or_null(w, r.errno_name);
    w.end_object();
}

std::optional<std::string> image_sha256(const Event& ev) {
    if (ev.image && ev.image->state == ImageState::Hashed)
        return ev.image->sha256;
    return std::nullopt;
}

std::optional<std::string> image_capture(const Event& ev) {
    if (!ev.image || ev.image->state != ImageState::Hashed)
        return std::nullopt;
    return ev.image->capture_outcome.value_or("not_asked");
}

std::optional<std::string> captured_path(const Event& ev) {
    if (ev.image && ev.image->state == ImageState::Hashed)
        return ev.image->captured_path;
    return std::nullopt;
}

void event_image_json(JsonWriter& w, const Event& ev) {
    if (!ev.image) {
        w.null();
        return;
    }
    const ImageInfo& image = *ev.image;
    w.begin_object();
    w.key("state"_key);
    if (const std::string_view name = image_state_name(image.state); !name.empty())
        w.value(name);
    else
        w.value(static_cast<std::uint32_t>(image.state));
    w.key("sha256"_key);
    value_or_null(w, image.sha256);
    w.key("bytes"_key);
    value_or_null(w, image.len);
    w.key("name"_key);
    value_or_null(w, image.name);
    w.key("capture"_key);
    if (const auto outcome = image_capture(ev))
        w.value(*outcome);
    else
        w.null();
    w.end_object();
}

void event_module_json(JsonWriter& w, const Event& ev) {
    if (!ev.module) {
        w.null();
        return;
    }
    const EventModule& m = *ev.module;
    w.begin_object();
    w.key("name"_key).value(m.name);
    w.key("sha256"_key);
    value_or_null(w, image_sha256(ev));
    w.key("captured"_key);
    value_or_null(w, captured_path(ev));
    w.key("hidden"_key);
    if (ev.hidden_from)
        w.value(*ev.hidden_from != 0);
    else
        w.null();
    w.key("hidden_from"_key);
    if (ev.hidden_from) {
        w.begin_array();
        for (const auto& name : hidden_flag_names(*ev.hidden_from))
            w.value(name);
        w.end_array();
    } else {
        w.null();
    }
    w.key("version"_key);
    value_or_null(w, m.version);
    w.key("srcversion"_key);
    value_or_null(w, m.srcversion);
    w.key("taints"_key);
    value_or_null(w, m.taints);
    w.key("signed"_key);
    value_or_null(w, m.sig_ok);
    w.key("params"_key);
    value_or_null(w, m.params);
    w.key("text_size"_key);
    value_or_null(w, m.text_size);
    w.key("total_size"_key);
    value_or_null(w, m.total_size);
    w.key("init_ret"_key);
    value_or_null(w, m.init_ret);
    w.end_object();
}

void event_truncated_json(JsonWriter& w, const Event& ev) {
    // Which strings are only a prefix of the real one (the kernel module's string bound, or a
    // user pointer that could not be read to its end).
    w.begin_array();
    if (ev.args.params_partial)
        w.value("args.params");
    if (ev.args.path_partial)
        w.value("args.path");
    if (ev.args.name_partial)
        w.value("args.name");
    if (ev.module && ev.module->params_truncated)
        w.value("module.params");
    w.end_array();
}

std::string event_to_json(const Event& ev, const TimeBase& time) {
    JsonWriter w(768);
    write_event_json(w, ev, time);
    return w.take();
}

void write_event_json(JsonWriter& w, const Event& ev, const TimeBase& time) {
    w.begin_object();
    w.key("seq"_key).value(ev.seq);
    char stamp[32];
    w.key("time"_key)
        .plain_value(std::string_view(stamp, rfc3339_chars(time.realtime_ns(ev.time_ns), stamp)));
    w.key("event"_key).plain_value(event_kind_name(ev.kind));

    // Each key written where it is a constant (JsonWriter::key() inlines it there).
    const Task* t = ev.task ? &*ev.task : nullptr;
    const auto id = [&](auto Task::*field) {
        if (t)
            w.value(t->*field);
        else
            w.null();
    };
    // The audit ids are null when unset.
    const auto audit_id = [&](std::uint32_t Task::*field) {
        if (t && t->*field != audit_unset)
            w.value(t->*field);
        else
            w.null();
    };
    w.key("pid"_key);
    id(&Task::tgid);
    w.key("tid"_key);
    id(&Task::tid);
    w.key("ppid"_key);
    id(&Task::ppid);
    w.key("uid"_key);
    id(&Task::uid);
    w.key("euid"_key);
    id(&Task::euid);
    w.key("gid"_key);
    id(&Task::gid);
    w.key("loginuid"_key);
    audit_id(&Task::loginuid);
    w.key("sessionid"_key);
    audit_id(&Task::sessionid);
    w.key("comm"_key);
    if (t)
        w.value(t->comm);
    else
        w.null();
    w.key("cgroup_id"_key);
    id(&Task::cgroup_id);
    w.key("pidns_ino"_key);
    id(&Task::pidns_ino);
    w.key("mntns_ino"_key);
    id(&Task::mntns_ino);
    w.key("abi"_key);
    if (t && t->abi) {
        if (const std::string_view abi = abi_name(*t->abi); !abi.empty())
            w.plain_value(abi);
        else
            w.value(*t->abi);
    } else {
        w.null();
    }

    w.key("request"_key);
    event_request_json(w, ev);

    w.key("args"_key);
    event_args_json(w, ev, time);

    w.key("module"_key);
    event_module_json(w, ev);
    w.key("image"_key);
    event_image_json(w, ev);

    w.key("ret"_key);
    value_or_null(w, ev.ret);
    w.key("errno"_key);
    // A name from the table, the common case, without a string made of it.
    if (const std::string_view known = ev.ret && *ev.ret < 0 && *ev.ret != INT64_MIN
                                           ? known_errno_name(-*ev.ret)
                                           : std::string_view();
        !known.empty())
        w.plain_value(known);
    else if (const std::string e = event_errno(ev); !e.empty())
        w.value(e);
    else
        w.null();
    w.key("outcome"_key).plain_value(outcome_name(ev.outcome));
    w.key("request_result"_key);
    event_request_result_json(w, ev);
    w.key("duration_ns"_key);
    value_or_null(w, ev.duration_ns);
    w.key("init_duration_ns"_key);
    value_or_null(w, ev.init_duration_ns);
    if (ev.complete) {
        w.members(R"("complete":true,"incomplete_reason":null)"_members);
    } else {
        w.key("complete"_key).value(false);
        w.key("incomplete_reason"_key).value(incomplete_reason_name(ev.incomplete_reason));
    }
    // The common case, nothing that differs, as one run.
    if (!ev.params_mismatch && !ev.name_mismatch && !ev.file_changed) {
        w.members(R"("params_mismatch":false,"name_mismatch":false,"file_changed":false)"_members);
    } else {
        w.key("params_mismatch"_key).value(ev.params_mismatch);
        w.key("name_mismatch"_key).value(ev.name_mismatch);
        w.key("file_changed"_key).value(ev.file_changed);
    }
    w.key("truncated"_key);
    event_truncated_json(w, ev);
    w.end_object();
}

std::string event_to_text(const Event& ev, bool colour, const TimeBase& time) {
    const EventArgs& a = ev.args;
    std::string line = paint(local_clock(time.realtime_ns(ev.time_ns)), ansi::dim, colour);
    line += ' ';
    line += pad(syscall_text(ev), 15);

    std::string proc = "?";
    std::string uid = "uid=?";
    if (ev.task) {
        proc = token(ev.task->comm) + "[" + std::to_string(ev.task->tgid) + "]";
        uid = "uid=" + std::to_string(ev.task->uid);
        if (ev.task->euid != ev.task->uid)
            uid += "(euid=" + std::to_string(ev.task->euid) + ")";
    }
    line += ' ' + pad(proc, 22) + ' ' + pad(uid, 9);

    // What the call was about.
    std::string target = "-";
    std::string params = "-";
    std::string flags = "-";
    switch (ev.kind) {
    case EventKind::InitModule:
        if (a.len)
            target = "image=" + std::to_string(*a.len);
        break;
    case EventKind::FinitModule:
        if (a.path)
            target = token(*a.path) + (a.path_partial ? "..." : "");
        else if (a.fd)
            target = "fd=" + std::to_string(*a.fd);
        break;
    case EventKind::DeleteModule:
        if (a.name)
            target = token(*a.name) + (a.name_partial ? "..." : "");
        break;
    case EventKind::ObsoleteSyscall:
        if (a.syscall_nr)
            target = "nr=" + std::to_string(*a.syscall_nr);
        break;
    case EventKind::RequestModule:
        if (a.name)
            target = token(*a.name);
        if (a.wait == false)
            flags = "nowait";
        break;
    case EventKind::HiddenModule:
        if (ev.loaded_ns)
            target = "loaded=" + local_clock(time.realtime_ns(*ev.loaded_ns));
        break;
    default:
        break;
    }
    if (a.params)
        params = quoted(*a.params) + (a.params_partial ? "..." : "");
    if (a.flags && *a.flags != 0)
        flags = join(ev.kind == EventKind::DeleteModule ? delete_flag_names(*a.flags)
                                                        : finit_flag_names(*a.flags));
    const std::string module = ev.module ? token(ev.module->name) : "-";
    line +=
        ' ' + pad(target, 28) + ' ' + pad(params, 20) + ' ' + pad(flags, 8) + ' ' + pad(module, 16);

    const auto [word, hue] = outcome_text(ev);
    line += ' ' + paint(word, hue, colour);
    line += ' ' + (ev.duration_ns ? format_duration(*ev.duration_ns) : std::string("-"));

    if (!ev.complete)
        line +=
            ' ' +
            paint("[incomplete: " + std::string(incomplete_reason_name(ev.incomplete_reason)) + "]",
                  ansi::yellow, colour);
    if (const auto sha = image_sha256(ev))
        line += " sha256=" + sha->substr(0, 16);
    if (const auto path = captured_path(ev))
        line += " captured=" + token(*path);
    if (ev.hidden_from && *ev.hidden_from != 0)
        line += ' ' + paint("[hidden from " + join(hidden_flag_names(*ev.hidden_from)) + "]",
                            ansi::bold_red, colour);
    if (ev.params_mismatch && ev.module && ev.module->params)
        line += ' ' + paint("[params changed: kernel got " + quoted(*ev.module->params) + "]",
                            ansi::bold_red, colour);
    if (ev.request)
        line += ' ' + requested_by(*ev.request);
    return line;
}

std::string text_header(bool colour) {
    // The widths of event_to_text(): the clock is 12 characters, "HH:MM:SS.mmm".
    std::string line = pad("TIME", 12) + ' ' + pad("SYSCALL", 15) + ' ' + pad("PROCESS", 22) + ' ' +
                       pad("USER", 9) + ' ' + pad("TARGET", 28) + ' ' + pad("PARAMS", 20) + ' ' +
                       pad("FLAGS", 8) + ' ' + pad("MODULE", 16) + " OUTCOME DURATION";
    return paint(std::move(line), ansi::dim, colour);
}

std::string loss_line(const Loss& loss) {
    if (!loss.any())
        return {};
    std::string out = "modtrace: " + std::to_string(loss.total()) +
                      (loss.total() == 1 ? " record lost" : " records lost");
    append_loss_causes(out, loss, 0);
    return out;
}

std::string summary_line(const CorrelatorSummary& s, const Loss& loss) {
    std::string out = "modtrace: " + std::to_string(s.events) + " events (" +
                      std::to_string(s.incomplete) + " incomplete), ";
    // Gaps in the seqs the kernel's loss reports do not explain (it reports them with the next
    // record it delivers, so these are losses at the very end, or before a reported one).
    // nmissed and busy probe hits took no seq.
    const std::uint64_t reported = loss.with_seq();
    const std::uint64_t unreported = s.seqs_missing > reported ? s.seqs_missing - reported : 0;
    const std::uint64_t total = loss.total() + unreported;
    if (total == 0) {
        out += "no records lost";
    } else {
        out += std::to_string(total) + (total == 1 ? " record lost" : " records lost");
        append_loss_causes(out, loss, unreported);
    }
    if (s.duplicates + s.late != 0)
        out += ", " + std::to_string(s.duplicates + s.late) + " duplicate or late ignored";
    return out;
}

} // namespace modtrace
