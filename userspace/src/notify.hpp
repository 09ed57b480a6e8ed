// The service manager's readiness protocol (sd_notify(3)): under systemd with Type=notify the
// reader says READY=1 once it is subscribed to the kernel module, and STOPPING=1 when it stops,
// each with a STATUS= line. Without NOTIFY_SOCKET (not started by systemd) nothing is sent.
#pragma once

#include "result.hpp"

#include <string>
#include <string_view>

namespace modtrace {

// "READY=1\nSTATUS=<status>" and "STOPPING=1\nSTATUS=<status>"; a newline in `status` becomes a
// space, so that it cannot add an assignment of its own.
std::string ready_state(std::string_view status);
std::string stopping_state(std::string_view status);

// Sends `state` to the socket NOTIFY_SOCKET names. true: sent; false: no NOTIFY_SOCKET, nothing
// to do; an Error (with the errno) when it is set but the message could not be sent.
Result<bool> notify_service_manager(const std::string& state);

} // namespace modtrace
