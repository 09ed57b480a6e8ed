// Events as the correlator makes them, for the output formatters' tests (journal, OCSF): each
// sample is what one kind of event looks like when every record of it arrived.
#pragma once

#include "event.hpp"

#include <cstdint>

namespace modtrace::testing {

// busybox ip's request for rtnl-link-vxlan, returning `ret` (0, or modprobe's wait status, or
// -errno).
inline Event request_event(std::int64_t ret) {
    Event e;
    e.seq = 9;
    e.kind = EventKind::RequestModule;
    Task t;
    t.tgid = 412;
    t.tid = 412;
    t.comm = "ip";
    e.task = t;
    e.args.name = "rtnl-link-vxlan";
    e.args.wait = true;
    e.ret = ret;
    e.outcome = ret == 0 ? Outcome::Requested : Outcome::RequestFailed;
    return e;
}

} // namespace modtrace::testing
