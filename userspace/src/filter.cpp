#include "filter.hpp"

#include <algorithm>

namespace modtrace {

namespace {

template <class T, class U> bool contains(const std::vector<T>& list, const U& v) {
    return std::find(list.begin(), list.end(), v) != list.end();
}

} // namespace

bool same_module_name(std::string_view a, std::string_view b) {
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const char x = a[i] == '-' ? '_' : a[i];
        const char y = b[i] == '-' ? '_' : b[i];
        if (x != y)
            return false;
    }
    return true;
}

std::string module_name_of_path(std::string_view path) {
    if (const auto slash = path.rfind('/'); slash != std::string_view::npos)
        path.remove_prefix(slash + 1);
    for (const std::string_view ext : {".ko", ".ko.xz", ".ko.zst", ".ko.gz"}) {
        if (path.size() > ext.size() && path.ends_with(ext)) {
            path.remove_suffix(ext.size());
            break;
        }
    }
    return std::string(path);
}

bool Filter::matches(const Event& ev) const {
    if (failed_only && !ev.failed())
        return false;
    if (!events.empty() && !contains(events, ev.kind))
        return false;
    // The task, or the requester of the module request it runs for.
    const RequestInfo* q = ev.request ? &*ev.request : nullptr;
    if (!pids.empty() &&
        !(ev.task && (contains(pids, ev.task->tgid) || contains(pids, ev.task->tid))) &&
        !(q && (contains(pids, q->tgid) || contains(pids, q->tid))))
        return false;
    if (!uids.empty() &&
        !(ev.task && (contains(uids, ev.task->uid) || contains(uids, ev.task->euid))) &&
        !(q && contains(uids, q->uid)))
        return false;
    if (!comms.empty() && !(ev.task && contains(comms, ev.task->comm)) &&
        !(q && contains(comms, q->comm)))
        return false;
    if (!modules.empty()) {
        std::vector<std::string> names;
        if (ev.module)
            names.push_back(ev.module->name);
        if (ev.args.name)
            names.push_back(*ev.args.name);
        if (ev.args.path)
            names.push_back(module_name_of_path(*ev.args.path));
        const bool any = std::any_of(modules.begin(), modules.end(), [&](const std::string& m) {
            return std::any_of(names.begin(), names.end(),
                               [&](const std::string& n) { return same_module_name(m, n); });
        });
        if (!any)
            return false;
    }
    return true;
}

} // namespace modtrace
