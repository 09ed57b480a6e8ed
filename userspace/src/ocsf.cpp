#include "ocsf.hpp"

#include "json.hpp"
#include "protocol_names.hpp"

#include <array>
#include <climits>
#include <fstream>
#include <sstream>
#include <sys/utsname.h>
#include <unistd.h>
#include <utility>

namespace modtrace {

namespace {

constexpr std::uint32_t audit_unset = 0xffffffffU; // loginuid and sessionid
constexpr std::int32_t kClassUid = 1002;           // Kernel Extension Activity
constexpr std::int32_t kCategoryUid = 1;           // System Activity
constexpr std::int32_t kActivityLoad = 1;
constexpr std::int32_t kActivityUnload = 2;
constexpr std::int32_t kActivityOther = 99;
constexpr std::int32_t kOsLinux = 200;
constexpr std::string_view kDeleted = " (deleted)"; // what d_path() appends to an unlinked file

struct Activity {
    std::int32_t id;
    std::string_view name;
};

// The obsolete syscalls load nothing and unload nothing: OCSF's "Other", named by the syscall.
Activity activity_of(EventKind kind) {
    switch (kind) {
    case EventKind::InitModule:
    case EventKind::FinitModule:
    case EventKind::UnknownLoad:
        return {kActivityLoad, "Load"};
    case EventKind::DeleteModule:
        return {kActivityUnload, "Unload"};
    case EventKind::CreateModule:
    case EventKind::QueryModule:
    case EventKind::GetKernelSyms:
    case EventKind::ObsoleteSyscall:
    case EventKind::RequestModule:
    case EventKind::HiddenModule:
        break;
    }
    return {kActivityOther, event_kind_name(kind)};
}

bool obsolete(EventKind kind) {
    return activity_of(kind).id == kActivityOther && kind != EventKind::RequestModule &&
           kind != EventKind::HiddenModule;
}

// 1 Success, 2 Failure, 0 Unknown.
std::int32_t status_id(const Event& ev) {
    switch (ev.outcome) {
    case Outcome::Loaded:
    case Outcome::Unloaded:
    case Outcome::Requested:
        return 1;
    case Outcome::Waited:
        return ev.ret && *ev.ret == 0 ? 1 : 2;
    case Outcome::Unknown:
    case Outcome::Hidden: // a finding, not an activity that succeeds or fails
        return 0;
    case Outcome::Rejected:
    case Outcome::InitFailed:
    case Outcome::Failed:
    case Outcome::UnloadFailed:
    case Outcome::Enosys:
    case Outcome::RequestFailed:
        break;
    }
    return 2;
}

std::string_view status_name(std::int32_t id) {
    return id == 1 ? "Success" : id == 2 ? "Failure" : "Unknown";
}

// A call that raced the kernel (its parameters, the name it unloaded or its file changed while
// the kernel read them), or an obsolete syscall, which nothing current makes: worth a look.
// A load or unload that failed: low. Everything else is the ordinary business of a machine,
// but for a module that hid itself as it loaded or later, which is what rootkits do: high.
std::pair<std::int32_t, std::string_view> severity(const Event& ev, std::int32_t status) {
    if (ev.hidden_from && *ev.hidden_from != 0)
        return {4, "High"};
    if (obsolete(ev.kind) || ev.params_mismatch || ev.name_mismatch || ev.file_changed)
        return {3, "Medium"};
    if (status == 2)
        return {2, "Low"};
    return {1, "Informational"};
}

std::string_view basename_of(std::string_view path) {
    const auto slash = path.rfind('/');
    return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// The process that made the call: "comm[pid]", or "an unknown process".
std::string caller(const Event& ev) {
    if (!ev.task)
        return "an unknown process";
    return ev.task->comm + "[" + std::to_string(ev.task->tgid) + "]";
}

// "finit_module of /lib/modules/.../mt_clean.ko by modprobe[812]: loaded".
std::string message(const Event& ev) {
    std::string target;
    const EventArgs& a = ev.args;
    if (ev.kind == EventKind::FinitModule && a.path)
        target = *a.path;
    else if ((ev.kind == EventKind::DeleteModule || ev.kind == EventKind::RequestModule) && a.name)
        target = *a.name;
    else if (ev.module && !ev.module->name.empty())
        target = ev.module->name;
    else if (ev.kind == EventKind::InitModule && a.len)
        target = "a " + std::to_string(*a.len) + "-byte image";
    std::string s(event_kind_name(ev.kind));
    if (!target.empty())
        s += " of " + target;
    s += " by " + caller(ev);
    if (ev.request)
        s += " (" + requested_by(*ev.request) + ")";
    return s + ": " + outcome_words(ev);
}

template <class T> void value_or_null(JsonWriter& w, bool present, const T& v) {
    if (present)
        w.value(v);
    else
        w.null();
}

// actor: the calling process (its thread as ptid, its parent, its real uid as its user), the
// audit login uid as the user behind it and the audit session, when the kernel has them.
void actor_json(JsonWriter& w, const Event& ev) {
    w.key("actor"_key).begin_object();
    if (!ev.task) {
        // Malformed input only: the actor is required, and nothing is known of it.
        w.key("app_name"_key).value("unknown");
        w.end_object();
        return;
    }
    const Task& t = *ev.task;
    w.key("process"_key).begin_object();
    w.key("pid"_key).value(t.tgid);
    w.key("ptid"_key).value(static_cast<std::int64_t>(t.tid));
    w.key("name"_key).value(t.comm);
    w.key("parent_process"_key).begin_object();
    w.key("pid"_key).value(t.ppid);
    w.end_object();
    w.key("user"_key).begin_object();
    w.key("uid"_key).value(std::to_string(t.uid));
    w.end_object();
    w.end_object();
    if (t.loginuid != audit_unset) {
        w.key("user"_key).begin_object();
        w.key("uid"_key).value(std::to_string(t.loginuid));
        w.end_object();
    }
    if (t.sessionid != audit_unset) {
        w.key("session"_key).begin_object();
        w.key("uid"_key).value(std::to_string(t.sessionid));
        w.end_object();
    }
    w.end_object();
}

// driver.file: finit_module's file (name and path; is_deleted when it was unlinked), else the
// module's name; the kernel's name of the module as internal_name, its version, init_module's
// image size, and the image's SHA-256 when the event has it.
void driver_json(JsonWriter& w, const Event& ev) {
    const EventArgs& a = ev.args;
    const EventModule* m = ev.module ? &*ev.module : nullptr;
    std::string path;
    std::string name;
    bool deleted = false;
    std::int32_t type_id = 0;
    std::string_view type = "Unknown";
    if (ev.kind == EventKind::FinitModule && a.path) {
        path = *a.path;
        if (path.size() > kDeleted.size() && path.ends_with(kDeleted)) {
            path.resize(path.size() - kDeleted.size());
            deleted = true;
        }
        name = basename_of(path);
        type_id = 1;
        type = "Regular File";
    } else if (ev.kind == EventKind::DeleteModule && a.name) {
        name = *a.name;
    } else if (m) {
        name = m->name;
    }
    if (ev.kind == EventKind::InitModule) {
        type_id = 99;
        type = "Memory Image";
    }

    w.key("driver"_key).begin_object();
    w.key("file"_key).begin_object();
    w.key("name"_key).value(name);
    if (!path.empty())
        w.key("path"_key).value(path);
    w.key("type_id"_key).value(type_id);
    w.key("type"_key).value(type);
    if (deleted)
        w.key("is_deleted"_key).value(true);
    if (m && !m->name.empty())
        w.key("internal_name"_key).value(m->name);
    if (m && m->version)
        w.key("version"_key).value(*m->version);
    if (ev.kind == EventKind::InitModule && a.len)
        w.key("size"_key).value(static_cast<std::int64_t>(*a.len));
    if (const auto sha256 = image_sha256(ev)) {
        w.key("hashes"_key).begin_array();
        w.begin_object();
        w.key("algorithm_id"_key).value(3);
        w.key("algorithm"_key).value("SHA-256");
        w.key("value"_key).value(*sha256);
        w.end_object();
        w.end_array();
    }
    w.end_object();
    w.end_object();
}

void device_json(JsonWriter& w, const OcsfHost& host) {
    w.key("device"_key).begin_object();
    if (!host.hostname.empty())
        w.key("hostname"_key).value(host.hostname);
    if (!host.machine_id.empty())
        w.key("uid"_key).value(host.machine_id);
    if (host.hostname.empty() && host.machine_id.empty())
        w.key("name"_key).value("unknown"); // the device must be named somehow
    w.key("type_id"_key).value(host.device_type_id);
    w.key("type"_key).value(ocsf_device_type_name(host.device_type_id));
    w.key("os"_key).begin_object();
    w.key("name"_key).value("Linux");
    w.key("type_id"_key).value(kOsLinux);
    w.key("type"_key).value("Linux");
    if (!host.kernel_release.empty())
        w.key("kernel_release"_key).value(host.kernel_release);
    w.end_object();
    w.end_object();
}

void metadata_json(JsonWriter& w, const Event& ev, std::int64_t realtime_ns) {
    w.key("metadata"_key).begin_object();
    w.key("version"_key).value(kOcsfVersion);
    w.key("product"_key).begin_object();
    w.key("name"_key).value("modtrace");
    w.key("vendor_name"_key).value("modtrace");
    w.key("version"_key).value(MODTRACE_VERSION);
    w.end_object();
    w.key("log_name"_key).value("modtrace");
    w.key("event_code"_key).value(event_kind_name(ev.kind));
    w.key("original_time"_key).value(format_rfc3339(realtime_ns));
    // integer_t is 32 bits: a seq past it is in unmapped.seq only.
    if (ev.seq <= static_cast<std::uint64_t>(INT32_MAX))
        w.key("sequence"_key).value(ev.seq);
    w.end_object();
}

// What OCSF has no place for, under the keys and with the values --json gives them.
void unmapped_json(JsonWriter& w, const Event& ev, const TimeBase& time) {
    const Task* t = ev.task ? &*ev.task : nullptr;
    w.key("unmapped"_key).begin_object();
    w.key("seq"_key).value(ev.seq);
    w.key("euid"_key);
    value_or_null(w, t, t ? t->euid : 0);
    w.key("gid"_key);
    value_or_null(w, t, t ? t->gid : 0);
    w.key("cgroup_id"_key);
    value_or_null(w, t, t ? t->cgroup_id : 0);
    w.key("pidns_ino"_key);
    value_or_null(w, t, t ? t->pidns_ino : 0);
    w.key("mntns_ino"_key);
    value_or_null(w, t, t ? t->mntns_ino : 0);
    w.key("abi"_key);
    if (t && t->abi) {
        if (const std::string_view abi = abi_name(*t->abi); !abi.empty())
            w.value(abi);
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
    value_or_null(w, ev.ret.has_value(), ev.ret.value_or(0));
    w.key("outcome"_key).value(outcome_name(ev.outcome));
    w.key("request_result"_key);
    event_request_result_json(w, ev);
    w.key("duration_ns"_key);
    value_or_null(w, ev.duration_ns.has_value(), ev.duration_ns.value_or(0));
    w.key("init_duration_ns"_key);
    value_or_null(w, ev.init_duration_ns.has_value(), ev.init_duration_ns.value_or(0));
    w.key("complete"_key).value(ev.complete);
    w.key("incomplete_reason"_key);
    if (ev.complete)
        w.null();
    else
        w.value(incomplete_reason_name(ev.incomplete_reason));
    w.key("params_mismatch"_key).value(ev.params_mismatch);
    w.key("name_mismatch"_key).value(ev.name_mismatch);
    w.key("file_changed"_key).value(ev.file_changed);
    w.key("truncated"_key);
    event_truncated_json(w, ev);
    w.end_object();
}

// Floor division, so that a time before 1970 (a clock set badly) is still the ms it falls in.
std::int64_t floor_ms(std::int64_t ns) {
    std::int64_t ms = ns / 1000000;
    if (ns % 1000000 < 0)
        --ms;
    return ms;
}

std::string first_line(const std::string& path) {
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    return in ? line : std::string();
}

bool cpu_has_hypervisor(const std::string& path) {
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("flags", 0) != 0)
            continue;
        std::istringstream words(line);
        std::string word;
        while (words >> word) {
            if (word == "hypervisor")
                return true;
        }
        return false;
    }
    return false;
}

} // namespace

int ocsf_device_type(std::optional<int> chassis, bool hypervisor) {
    if (hypervisor)
        return 6;
    if (!chassis)
        return 0;
    switch (*chassis) {
    case 3:  // Desktop
    case 4:  // Low Profile Desktop
    case 5:  // Pizza Box
    case 6:  // Mini Tower
    case 7:  // Tower
    case 13: // All in One
    case 15: // Space-saving
    case 16: // Lunch Box
    case 24: // Sealed-case PC
    case 34: // Embedded PC
    case 35: // Mini PC
    case 36: // Stick PC
        return 2;
    case 8:  // Portable
    case 9:  // Laptop
    case 10: // Notebook
    case 14: // Sub Notebook
    case 31: // Convertible
    case 32: // Detachable
        return 3;
    case 30: // Tablet
        return 4;
    case 11: // Hand Held
        return 5;
    case 17: // Main Server Chassis
    case 23: // Rack Mount Chassis
    case 25: // Multi-system chassis
    case 28: // Blade
    case 29: // Blade Enclosure
        return 1;
    case 33: // IoT Gateway
        return 7;
    default:
        return 0;
    }
}

std::string_view ocsf_device_type_name(int type_id) {
    constexpr std::array<std::pair<int, std::string_view>, 8> names{{
        {1, "Server"},
        {2, "Desktop"},
        {3, "Laptop"},
        {4, "Tablet"},
        {5, "Mobile"},
        {6, "Virtual"},
        {7, "IOT"},
        {99, "Other"},
    }};
    for (const auto& [id, name] : names) {
        if (id == type_id)
            return name;
    }
    return "Unknown";
}

OcsfHost read_ocsf_host() {
    OcsfHost host;
    char name[HOST_NAME_MAX + 1] = {};
    if (gethostname(name, sizeof name - 1) == 0)
        host.hostname = name;
    utsname uts{};
    if (uname(&uts) == 0)
        host.kernel_release = uts.release;
    host.machine_id = first_line("/etc/machine-id");
    std::optional<int> chassis;
    const std::string type = first_line("/sys/class/dmi/id/chassis_type");
    if (!type.empty() && type.find_first_not_of("0123456789") == std::string::npos &&
        type.size() < 4)
        chassis = std::stoi(type);
    host.device_type_id = ocsf_device_type(chassis, cpu_has_hypervisor("/proc/cpuinfo"));
    return host;
}

std::string event_to_ocsf(const Event& ev, const TimeBase& time, const OcsfHost& host) {
    const Activity activity = activity_of(ev.kind);
    const std::int32_t status = status_id(ev);
    const auto [severity_id, severity_name] = severity(ev, status);
    const std::int64_t realtime_ns = time.realtime_ns(ev.time_ns);

    JsonWriter w(1536);
    w.begin_object();
    w.key("class_uid"_key).value(kClassUid);
    w.key("class_name"_key).value("Kernel Extension Activity");
    w.key("category_uid"_key).value(kCategoryUid);
    w.key("category_name"_key).value("System Activity");
    w.key("activity_id"_key).value(activity.id);
    w.key("activity_name"_key).value(activity.name);
    w.key("type_uid"_key).value(static_cast<std::int64_t>(kClassUid) * 100 + activity.id);
    w.key("type_name"_key)
        .value("Kernel Extension Activity: " +
               std::string(activity.id == kActivityOther ? "Other" : activity.name));
    w.key("time"_key).value(floor_ms(realtime_ns));
    w.key("severity_id"_key).value(severity_id);
    w.key("severity"_key).value(severity_name);
    w.key("status_id"_key).value(status);
    w.key("status"_key).value(status_name(status));
    if (const std::string e = event_errno(ev); !e.empty())
        w.key("status_code"_key).value(e);
    w.key("status_detail"_key).value(outcome_words(ev));
    w.key("message"_key).value(message(ev));
    actor_json(w, ev);
    driver_json(w, ev);
    device_json(w, host);
    metadata_json(w, ev, realtime_ns);
    unmapped_json(w, ev, time);
    w.end_object();
    return w.take();
}

} // namespace modtrace
