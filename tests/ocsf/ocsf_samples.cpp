// Prints, one per line, the OCSF events the reader's formatter makes of hand-built events that
// no recorded stream holds: a module image's SHA-256, no caller at all, an ABI the reader does
// not know, strings that are not UTF-8, a seq past 32 bits, a machine without a name. check.py
// checks them against the schema with the replayed streams' events.
#include "modtrace.h"
#include "ocsf.hpp"

#include <iostream>

namespace {

using namespace modtrace;

Task caller() {
    Task t;
    t.tgid = 2344;
    t.tid = 2344;
    t.ppid = 812;
    t.loginuid = 1000;
    t.sessionid = 3;
    t.comm = "insmod";
    t.abi = MODTRACE_ABI_X86_64;
    return t;
}

Event finit_load() {
    Event e;
    e.seq = 201;
    e.time_ns = 5000000;
    e.kind = EventKind::FinitModule;
    e.task = caller();
    e.args.fd = 3;
    e.args.path = "/lib/modules/6.1.0-31-amd64/extra/mt_clean.ko";
    e.args.dev = 0x801;
    e.args.ino = 1311;
    e.args.params = "";
    e.args.flags = 0;
    EventModule m;
    m.name = "mt_clean";
    m.version = "1.0";
    m.init_ret = 0;
    e.module = m;
    e.image = ImageInfo{ImageState::Hashed,
                        16384,
                        "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                        "mt_clean",
                        std::nullopt,
                        std::nullopt,
                        std::nullopt};
    e.ret = 0;
    e.outcome = Outcome::Loaded;
    e.duration_ns = 1010000;
    return e;
}

} // namespace

int main() {
    const TimeBase time{1795168800LL * 1000000000LL};
    const OcsfHost host{"lab", "0123456789abcdef0123456789abcdef", "6.1.0-31-amd64", 6};
    const OcsfHost nameless{};

    std::cout << event_to_ocsf(finit_load(), time, host) << '\n';

    Event no_task = finit_load();
    no_task.task.reset();
    no_task.module.reset();
    no_task.ret.reset();
    no_task.outcome = Outcome::Unknown;
    no_task.complete = false;
    no_task.incomplete_reason = IncompleteReason::MissingEntry;
    std::cout << event_to_ocsf(no_task, time, nameless) << '\n';

    Event odd = finit_load();
    odd.seq = 1ULL << 40;
    odd.task->abi = 77; // a newer kernel module's
    odd.task->loginuid = 0xffffffffU;
    odd.task->sessionid = 0xffffffffU;
    odd.task->comm = "ins\xffmod\n";
    odd.args.path = std::string("/tmp/\xc3(.ko (deleted)");
    odd.args.path_partial = true;
    odd.file_changed = true;
    std::cout << event_to_ocsf(odd, time, OcsfHost{"", "", "", 99}) << '\n';

    Event obsolete;
    obsolete.seq = 7;
    obsolete.kind = EventKind::ObsoleteSyscall;
    obsolete.task = caller();
    obsolete.task->abi = MODTRACE_ABI_IA32;
    obsolete.args.syscall_nr = 999;
    obsolete.args.syscall_args = {1, 2, 3, 4, 5, 6};
    obsolete.ret = -38;
    obsolete.outcome = Outcome::Enosys;
    std::cout << event_to_ocsf(obsolete, time, host) << '\n';
    return std::cout ? 0 : 1;
}
