// Printing records and the status. Everything from the kernel that is a string goes through
// JsonWriter (JSON) or text_escape (text), so no byte of it can break a line.
#include "raw.hpp"

#include "json.hpp"
#include "protocol_names.hpp"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string_view>
#include <vector>

namespace modtrace {

namespace {

template <class T> void put(JsonWriter& w, std::string_view key, const std::optional<T>& value) {
    if (value)
        w.key(key).value(*value);
}

// The key always, null when the value is absent (a status field an older module lacks).
template <class T>
void put_or_null(JsonWriter& w, std::string_view key, const std::optional<T>& value) {
    w.key(key);
    if (value)
        w.value(*value);
    else
        w.null();
}

// An enum value by its name, or by its number when this reader does not know it (a newer kernel
// module's): kept rather than dropped.
void name_or_number(JsonWriter& w, std::string_view name, std::uint32_t value) {
    if (name.empty())
        w.value(value);
    else
        w.value(name);
}

template <class E> std::uint32_t number(E value) {
    return static_cast<std::uint32_t>(value);
}

// The same for text.
std::string name_or_number(std::string_view name, std::uint32_t value) {
    return name.empty() ? std::to_string(value) : std::string(name);
}

void write_task(JsonWriter& w, const Task& t) {
    w.begin_object();
    w.key("tgid").value(t.tgid);
    w.key("tid").value(t.tid);
    w.key("ppid").value(t.ppid);
    w.key("uid").value(t.uid);
    w.key("euid").value(t.euid);
    w.key("gid").value(t.gid);
    w.key("loginuid").value(t.loginuid);
    w.key("sessionid").value(t.sessionid);
    w.key("comm").value(t.comm);
    w.key("cgroup_id").value(t.cgroup_id);
    w.key("pidns_ino").value(t.pidns_ino);
    w.key("mntns_ino").value(t.mntns_ino);
    if (t.abi) {
        w.key("abi");
        name_or_number(w, abi_name(*t.abi), *t.abi);
    }
    w.end_object();
}

void write_flags(JsonWriter& w, std::uint32_t flags) {
    w.begin_array();
    for (const auto& name : record_flag_names(flags))
        w.value(name);
    w.end_array();
}

void write_loss(JsonWriter& w, const Loss& loss) {
    w.begin_object();
    w.key("buffer_full").value(loss.buffer_full);
    w.key("socket_full").value(loss.socket_full);
    w.key("nmissed").value(loss.nmissed);
    w.key("nomem").value(loss.nomem);
    w.key("busy").value(loss.busy);
    w.key("history").value(loss.history);
    w.end_object();
}

void write_file(JsonWriter& w, const FileInfo& file) {
    w.begin_object();
    put(w, "path", file.path);
    if (file.dev)
        w.key("dev").value(format_dev(*file.dev));
    put(w, "ino", file.ino);
    w.end_object();
}

void write_module(JsonWriter& w, const ModuleInfo& m) {
    w.begin_object();
    w.key("name").value(m.name);
    put(w, "version", m.version);
    put(w, "srcversion", m.srcversion);
    put(w, "taints", m.taints);
    put(w, "sig_ok", m.sig_ok);
    put(w, "args", m.args);
    put(w, "text_size", m.text_size);
    put(w, "total_size", m.total_size);
    w.end_object();
}

void write_request(JsonWriter& w, const RequestInfo& q) {
    w.begin_object();
    w.key("seq").value(q.seq);
    put(w, "name", q.name);
    w.key("tgid").value(q.tgid);
    w.key("tid").value(q.tid);
    w.key("comm").value(q.comm);
    w.key("uid").value(q.uid);
    w.end_object();
}

void write_image(JsonWriter& w, const ImageInfo& image) {
    w.begin_object();
    w.key("state");
    name_or_number(w, image_state_name(image.state), number(image.state));
    put(w, "len", image.len);
    put(w, "sha256", image.sha256);
    put(w, "name", image.name);
    if (image.capture) {
        w.key("capture");
        name_or_number(w, capture_state_name(*image.capture), number(*image.capture));
    }
    w.end_object();
}

// The bytes themselves are left out: --raw describes the records; --capture keeps images.
void write_chunk(JsonWriter& w, const ImageChunk& chunk) {
    w.begin_object();
    w.key("sha256").value(chunk.sha256);
    w.key("len").value(chunk.len);
    w.key("offset").value(chunk.offset);
    w.key("bytes").value(static_cast<std::uint64_t>(chunk.data.size()));
    w.key("last").value(chunk.last());
    w.end_object();
}

// LOSS and SHUTDOWN records come from no probe: they have no time or CPU of their own. Of a
// record of a type this reader does not know, a seq says that a probe made it.
bool from_a_probe(const Record& r) {
    if (record_type_name(r.type).empty())
        return r.seq.has_value();
    return r.type != RecordType::Loss && r.type != RecordType::Shutdown;
}

void write_common(JsonWriter& w, const Record& r) {
    w.key("type");
    name_or_number(w, record_type_name(r.type), number(r.type));
    put(w, "seq", r.seq);
    if (r.probe) {
        w.key("probe");
        name_or_number(w, probe_name(*r.probe), number(*r.probe));
    }
    if (from_a_probe(r)) {
        w.key("ts_ns").value(r.ts_ns);
        w.key("cpu").value(r.cpu);
    }
    if (r.task) {
        w.key("task");
        write_task(w, *r.task);
    }
    w.key("flags");
    write_flags(w, r.flags);
    if (r.loss && r.loss->any()) {
        w.key("loss");
        write_loss(w, *r.loss);
    }
    if (r.request) {
        w.key("request");
        write_request(w, *r.request);
    }
}

void write_entry(JsonWriter& w, const Record& r) {
    put(w, "image_len", r.image_len);
    put(w, "params", r.params);
    put(w, "fd", r.fd);
    if (r.file) {
        w.key("file");
        write_file(w, *r.file);
    }
    put(w, "finit_flags", r.finit_flags);
    put(w, "name", r.name);
    put(w, "delete_flags", r.delete_flags);
    put(w, "syscall_nr", r.syscall_nr);
    if (!r.syscall_args.empty()) {
        w.key("syscall_args").begin_array();
        for (std::uint64_t arg : r.syscall_args)
            w.value(arg);
        w.end_array();
    }
}

std::string hex64(std::uint64_t value) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%016" PRIx64, value);
    return buf;
}

std::string_view state_name(ProbeState state) {
    switch (state) {
    case ProbeState::Attached:
        return "attached";
    case ProbeState::Missing:
        return "missing";
    }
    return "";
}

// The status's PROBE_STATUS nests (one per attachment point) grouped by probe, in the order
// each probe first appears.
std::vector<std::vector<const ProbeStatus*>> by_probe(const std::vector<ProbeStatus>& points) {
    std::vector<std::vector<const ProbeStatus*>> groups;
    for (const auto& p : points) {
        auto group = std::find_if(groups.begin(), groups.end(),
                                  [&](const auto& g) { return g.front()->probe == p.probe; });
        if (group == groups.end())
            groups.push_back({&p});
        else
            group->push_back(&p);
    }
    return groups;
}

void write_point(JsonWriter& w, const ProbeStatus& p) {
    w.begin_object();
    if (p.symbol)
        w.key("symbol").value(*p.symbol);
    else
        w.key("symbol").null();
    w.key("state");
    name_or_number(w, state_name(p.state), number(p.state));
    w.key("hits").value(p.hits);
    w.key("nmissed").value(p.nmissed);
    if (p.register_error)
        w.key("register_error").value(*p.register_error);
    else
        w.key("register_error").null();
    w.end_object();
}

void write_probe(JsonWriter& w, const std::vector<const ProbeStatus*>& points) {
    w.begin_object();
    w.key("probe");
    name_or_number(w, probe_name(points.front()->probe), number(points.front()->probe));
    w.key("points").begin_array();
    for (const ProbeStatus* p : points)
        write_point(w, *p);
    w.end_array();
    w.end_object();
}

// The counters with the names both outputs use, in protocol order; an empty value is one the
// module did not send (older modules lack the newer counters).
std::vector<std::pair<std::string_view, std::optional<std::uint64_t>>>
counter_list(const Counters& c) {
    return {
        {"records", c.records},
        {"queued", c.queued},
        {"sent", c.sent},
        {"lost_buffer_full", c.lost_buffer_full},
        {"lost_socket_full", c.lost_socket_full},
        {"lost_nmissed", c.lost_nmissed},
        {"lost_nomem", c.lost_nomem},
        {"readers_gone", c.readers_gone},
        {"lost_busy", c.lost_busy},
        {"image_unkept", c.image_unkept},
        {"request_unkept", c.request_unkept},
        {"hidden_checks", c.hidden_checks},
        {"hidden_untracked", c.hidden_untracked},
        {"capture_over_budget", c.capture_over_budget},
        {"capture_no_memory", c.capture_no_memory},
        {"capture_lost", c.capture_lost},
        {"captured", c.captured},
    };
}

std::string text_or_dash(const std::optional<std::uint64_t>& value) {
    return value ? std::to_string(*value) : "-";
}

// Rows of cells printed as aligned columns: numbers right-aligned, text left-aligned, two
// spaces between columns and no trailing blanks.
class Table {
public:
    explicit Table(std::vector<bool> right_aligned) : right_(std::move(right_aligned)) {}

    void row(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }

    std::string str(std::string_view indent = "") const {
        std::vector<std::size_t> width(right_.size());
        for (const auto& row : rows_) {
            for (std::size_t i = 0; i < row.size(); ++i)
                width[i] = std::max(width[i], row[i].size());
        }
        std::string out;
        for (const auto& row : rows_) {
            std::string line(indent);
            for (std::size_t i = 0; i < row.size(); ++i) {
                std::string pad(width[i] - row[i].size(), ' ');
                line += right_[i] ? pad + row[i] : row[i] + pad;
                line += "  ";
            }
            line.erase(line.find_last_not_of(' ') + 1);
            out += line + "\n";
        }
        return out;
    }

private:
    std::vector<bool> right_;
    std::vector<std::vector<std::string>> rows_;
};

std::string probe_note(const ProbeStatus& p) {
    if (!p.register_error)
        return "";
    return "error " + std::to_string(*p.register_error) + " (" +
           std::strerror(static_cast<int>(*p.register_error)) + ")";
}

std::string probes_text(const std::vector<ProbeStatus>& probes) {
    Table table({false, false, true, true, false, false});
    table.row({"probe", "state", "hits", "missed", "symbol", ""});
    // One row per point, probes in the order they first appear.
    for (const auto& points : by_probe(probes)) {
        for (const ProbeStatus* p : points) {
            table.row({name_or_number(probe_name(p->probe), number(p->probe)),
                       name_or_number(state_name(p->state), number(p->state)),
                       std::to_string(p->hits), std::to_string(p->nmissed),
                       p->symbol ? text_escape(*p->symbol) : "-", probe_note(*p)});
        }
    }
    return table.str();
}

std::string counters_text(const Counters& c) {
    Table table({false, true});
    for (const auto& [name, value] : counter_list(c))
        table.row({std::string(name), text_or_dash(value)});
    return table.str("  ");
}

std::string backlog_text(const Status& s) {
    if (!s.backlog_bytes && !s.backlog_max_bytes)
        return "-";
    return text_or_dash(s.backlog_bytes) + " of " + text_or_dash(s.backlog_max_bytes) + " bytes";
}

std::string history_text(const Status& s) {
    return text_or_dash(s.history.held) + " of " + text_or_dash(s.params.history_records) +
           " records held, from seq " + text_or_dash(s.history.first_seq) + ", " +
           text_or_dash(s.history.bytes) + " bytes";
}

} // namespace

std::string record_to_json(const Record& r) {
    JsonWriter w;
    w.begin_object();
    write_common(w, r);
    write_entry(w, r);
    if (r.module) {
        w.key("module");
        write_module(w, *r.module);
    }
    put(w, "entry_seq", r.entry_seq);
    put(w, "ret", r.ret);
    put(w, "duration_ns", r.duration_ns);
    if (r.image) {
        w.key("image");
        write_image(w, *r.image);
    }
    if (r.chunk) {
        w.key("chunk");
        write_chunk(w, *r.chunk);
    }
    if (r.hidden_from) {
        w.key("hidden_from").begin_array();
        for (const auto& name : hidden_flag_names(*r.hidden_from))
            w.value(name);
        w.end_array();
    }
    put(w, "request_wait", r.request_wait);
    put(w, "load_ts_ns", r.load_ts_ns);
    put(w, "next_seq", r.next_seq);
    w.end_object();
    return w.take();
}

std::string status_to_json(const Status& s, std::uint32_t hidden_check_s) {
    JsonWriter w;
    w.begin_object();
    w.key("version").value(s.version);
    // A random 64-bit id: as a string, since JSON readers that use doubles would round it.
    w.key("instance").value(hex64(s.instance));
    w.key("next_seq").value(s.next_seq);
    w.key("readers").value(s.readers);
    w.key("backlog_bytes");
    if (s.backlog_bytes)
        w.value(*s.backlog_bytes);
    else
        w.null();
    w.key("backlog_max_bytes");
    if (s.backlog_max_bytes)
        w.value(*s.backlog_max_bytes);
    else
        w.null();
    w.key("params").begin_object();
    w.key("buffer_records").value(s.params.buffer_records);
    w.key("reserved_records").value(s.params.reserved_records);
    w.key("string_max").value(s.params.string_max);
    put_or_null(w, "locked", s.params.locked);
    put_or_null(w, "history_records", s.params.history_records);
    put_or_null(w, "capture_max_bytes", s.params.capture_max_bytes);
    w.end_object();
    put_or_null(w, "capture_held_bytes", s.capture_held_bytes);
    w.key("history").begin_object();
    put_or_null(w, "held", s.history.held);
    put_or_null(w, "bytes", s.history.bytes);
    put_or_null(w, "first_seq", s.history.first_seq);
    w.end_object();
    w.key("hidden_check").begin_object();
    w.key("interval_s").value(hidden_check_s);
    put_or_null(w, "tracked", s.hidden_tracked);
    w.end_object();
    w.key("probes").begin_array();
    for (const auto& points : by_probe(s.probes))
        write_probe(w, points);
    w.end_array();
    w.key("counters").begin_object();
    for (const auto& [name, value] : counter_list(s.counters)) {
        w.key(name);
        if (value)
            w.value(*value);
        else
            w.null();
    }
    w.end_object();
    w.end_object();
    return w.take();
}

namespace {

std::string hidden_check_text(const Status& s, std::uint32_t hidden_check_s) {
    std::string text =
        hidden_check_s == 0 ? std::string("off") : "every " + std::to_string(hidden_check_s) + " s";
    text += " (--hidden-check), ";
    return text + text_or_dash(s.hidden_tracked) + " modules watched";
}

} // namespace

std::string status_to_text(const Status& s, std::uint32_t hidden_check_s) {
    Table head({false, false});
    head.row({"protocol", std::to_string(s.version)});
    head.row({"instance", hex64(s.instance)});
    head.row({"next seq", std::to_string(s.next_seq)});
    head.row({"readers", std::to_string(s.readers)});
    head.row({"backlog", backlog_text(s)});
    head.row({"buffer", std::to_string(s.params.buffer_records) + " records, " +
                            std::to_string(s.params.reserved_records) +
                            " of them kept for module loads"});
    head.row({"strings", "up to " + std::to_string(s.params.string_max) + " bytes"});
    if (s.params.locked)
        head.row({"locked", *s.params.locked ? "yes: it cannot be unloaded until reboot"
                                             : "no: root can unload it"});
    if (s.params.history_records)
        head.row({"history", history_text(s)});
    head.row({"hidden check", hidden_check_text(s, hidden_check_s)});
    if (s.params.capture_max_bytes)
        head.row({"capture", *s.params.capture_max_bytes == 0
                                 ? std::string("off (capture_max_bytes 0)")
                                 : text_or_dash(s.capture_held_bytes) + " of " +
                                       std::to_string(*s.params.capture_max_bytes) +
                                       " bytes held (capture_max_bytes)"});
    return "modtrace kernel module\n" + head.str("  ") + "\n" + probes_text(s.probes) +
           "\ncounters\n" + counters_text(s.counters);
}

} // namespace modtrace
