// Waiting for input on a descriptor, a stop descriptor beside it, with a time limit: how the
// netlink client blocks, kept apart from the socket so that it can be tested with pipes.
#pragma once

#include "result.hpp"

namespace modtrace {

enum class Readiness {
    Input,       // `fd` is readable (or has an error to collect by reading)
    Stop,        // `stop_fd` is readable; it wins over input
    Timeout,     // the time limit passed first
    Interrupted, // a signal interrupted the wait (EINTR): wait again
};

// Waits on `fd` and, when `stop_fd` >= 0, on `stop_fd`, for at most `timeout_ms` ms (-1: no
// limit, 0: do not wait). An Error when poll() fails or `fd` hung up without input.
Result<Readiness> wait_for_input(int fd, int stop_fd, int timeout_ms);

} // namespace modtrace
