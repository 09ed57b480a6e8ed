#include "notify.hpp"

#include <cstring>
#include <systemd/sd-daemon.h>

namespace modtrace {

namespace {

std::string state(std::string_view first, std::string_view status) {
    std::string s(first);
    s += "\nSTATUS=";
    for (const char c : status)
        s += c == '\n' ? ' ' : c;
    return s;
}

} // namespace

std::string ready_state(std::string_view status) {
    return state("READY=1", status);
}

std::string stopping_state(std::string_view status) {
    return state("STOPPING=1", status);
}

Result<bool> notify_service_manager(const std::string& state) {
    const int r = sd_notify(0, state.c_str());
    if (r < 0)
        return Error{"cannot notify the service manager (NOTIFY_SOCKET): " +
                         std::string(std::strerror(-r)),
                     -r};
    return r > 0;
}

} // namespace modtrace
