#include "poll_wait.hpp"

#include <cerrno>
#include <cstring>
#include <poll.h>
#include <string>

namespace modtrace {

Result<Readiness> wait_for_input(int fd, int stop_fd, int timeout_ms) {
    pollfd fds[2] = {{fd, POLLIN, 0}, {stop_fd, POLLIN, 0}};
    const nfds_t count = stop_fd >= 0 ? 2 : 1;
    const int n = poll(fds, count, timeout_ms);
    if (n < 0) {
        if (errno == EINTR)
            return Readiness::Interrupted;
        return Error{std::string("poll: ") + std::strerror(errno), errno};
    }
    if (n == 0)
        return Readiness::Timeout;
    if (count == 2 && fds[1].revents != 0)
        return Readiness::Stop;
    if (fds[0].revents & (POLLIN | POLLERR))
        return Readiness::Input;
    if (fds[0].revents & (POLLHUP | POLLNVAL))
        return Error{"the descriptor being read was closed"};
    // Only the stop descriptor's bits were set, and it is not watched: nothing happened.
    return Readiness::Interrupted;
}

} // namespace modtrace
