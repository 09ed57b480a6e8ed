#include "event.hpp"

#include <array>
#include <utility>

namespace modtrace {

namespace {

constexpr std::array<std::pair<EventKind, std::string_view>, 10> kind_names{{
    {EventKind::InitModule, "init_module"},
    {EventKind::FinitModule, "finit_module"},
    {EventKind::DeleteModule, "delete_module"},
    {EventKind::CreateModule, "create_module"},
    {EventKind::QueryModule, "query_module"},
    {EventKind::GetKernelSyms, "get_kernel_syms"},
    {EventKind::UnknownLoad, "unknown_load"},
    {EventKind::ObsoleteSyscall, "obsolete_syscall"},
    {EventKind::RequestModule, "request_module"},
    {EventKind::HiddenModule, "hidden_module"},
}};

} // namespace

std::string_view event_kind_name(EventKind kind) {
    for (const auto& [k, name] : kind_names) {
        if (k == kind)
            return name;
    }
    return "unknown_load";
}

std::optional<EventKind> event_kind_from_name(std::string_view name) {
    for (const auto& [k, n] : kind_names) {
        if (n == name)
            return k;
    }
    return std::nullopt;
}

std::string_view outcome_name(Outcome outcome) {
    switch (outcome) {
    case Outcome::Rejected:
        return "rejected";
    case Outcome::InitFailed:
        return "init_failed";
    case Outcome::Failed:
        return "failed";
    case Outcome::Loaded:
        return "loaded";
    case Outcome::Waited:
        return "waited";
    case Outcome::Unloaded:
        return "unloaded";
    case Outcome::UnloadFailed:
        return "unload_failed";
    case Outcome::Enosys:
        return "enosys";
    case Outcome::Requested:
        return "requested";
    case Outcome::RequestFailed:
        return "request_failed";
    case Outcome::Hidden:
        return "hidden";
    case Outcome::Unknown:
        break;
    }
    return "unknown";
}

std::string_view incomplete_reason_name(IncompleteReason reason) {
    switch (reason) {
    case IncompleteReason::None:
        break;
    case IncompleteReason::MissingEntry:
        return "missing_entry";
    case IncompleteReason::MissingReturn:
        return "missing_return";
    case IncompleteReason::LostRecords:
        return "lost_records";
    case IncompleteReason::MissingInit:
        return "missing_init";
    case IncompleteReason::ReaderStopped:
        return "reader_stopped";
    case IncompleteReason::Shutdown:
        return "shutdown";
    case IncompleteReason::Evicted:
        return "evicted";
    }
    return "";
}

bool Event::failed() const {
    if (ret)
        return *ret != 0;
    switch (outcome) {
    case Outcome::Rejected:
    case Outcome::InitFailed:
    case Outcome::Failed:
    case Outcome::UnloadFailed:
    case Outcome::Enosys:
    case Outcome::RequestFailed:
        return true;
    default:
        return false;
    }
}

} // namespace modtrace
