#include "self_unload.hpp"

#include <fcntl.h>

namespace modtrace {

namespace {
constexpr const char* kModuleName = "modtrace";
}

void SelfUnloadWitness::feed(const Record& record) {
    if (record.type == RecordType::DeleteModuleEnter) {
        if (!record.seq || !record.task || record.name != kModuleName)
            return;
        if (open_.size() == kMaxOpen)
            open_.erase(open_.begin());
        open_[*record.seq] = SelfUnload{*record.task, record.delete_flags.value_or(0)};
    } else if (record.type == RecordType::DeleteModuleExit && record.entry_seq) {
        auto it = open_.find(*record.entry_seq);
        if (it == open_.end())
            return;
        if (record.ret == 0)
            unloaded_by_ = it->second;
        open_.erase(it);
    }
}

std::string SelfUnloadWitness::unloaded_line() const {
    std::string line = "the kernel module was unloaded";
    if (!unloaded_by_)
        return line;
    const Task& t = unloaded_by_->task;
    line += " by pid " + std::to_string(t.tgid) + " (" + t.comm + "), uid " +
            std::to_string(t.uid) + ", loginuid " +
            (t.loginuid == 0xffffffffU ? std::string("unset") : std::to_string(t.loginuid));
    if (unloaded_by_->flags & O_TRUNC)
        line += ", forced (O_TRUNC)";
    return line;
}

} // namespace modtrace
