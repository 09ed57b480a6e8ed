// SIGINT and SIGTERM as a file descriptor: while a StopSignals lives, the two are blocked and
// show up as a readable signalfd, so the receive loop polls for them alongside the socket and
// ends cleanly instead of dying wherever the signal happens to land. SIGPIPE is ignored.
#pragma once

#include "result.hpp"

#include <csignal>

namespace modtrace {

class StopSignals {
public:
    static Result<StopSignals> install();

    StopSignals(StopSignals&& other) noexcept;
    StopSignals& operator=(StopSignals&&) = delete;
    StopSignals(const StopSignals&) = delete;
    StopSignals& operator=(const StopSignals&) = delete;
    // Consumes a signal that arrived and restores the old mask: otherwise the blocked signal
    // would be delivered on unblocking and kill the process with it after a clean stop.
    ~StopSignals();

    // Readable once SIGINT or SIGTERM arrived.
    int fd() const { return fd_; }

private:
    StopSignals(int fd, const sigset_t& old_mask) : fd_(fd), old_mask_(old_mask) {}

    int fd_ = -1;
    sigset_t old_mask_;
};

// Writes to a pipe whose reader has gone (`modtrace --json | head -n1`) fail with EPIPE
// instead of killing the process with SIGPIPE, so the reader can stop cleanly: say why, print
// its summary and exit 1. For the whole process, from the start of main().
Result<void> ignore_broken_pipes();

} // namespace modtrace
