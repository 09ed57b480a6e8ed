// SIGINT and SIGTERM through a signalfd; SIGPIPE ignored.
#include "stop_signals.hpp"

#include <cerrno>
#include <cstring>
#include <string>
#include <sys/signalfd.h>
#include <unistd.h>
#include <utility>

namespace modtrace {

Result<StopSignals> StopSignals::install() {
    sigset_t stop, old;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    if (sigprocmask(SIG_BLOCK, &stop, &old) != 0)
        return Error{std::string("cannot block SIGINT and SIGTERM: ") + std::strerror(errno)};
    int fd = signalfd(-1, &stop, SFD_NONBLOCK | SFD_CLOEXEC);
    if (fd < 0) {
        int err = errno;
        sigprocmask(SIG_SETMASK, &old, nullptr);
        return Error{std::string("cannot create a signalfd: ") + std::strerror(err)};
    }
    return StopSignals(fd, old);
}

StopSignals::StopSignals(StopSignals&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), old_mask_(other.old_mask_) {}

StopSignals::~StopSignals() {
    if (fd_ < 0)
        return;
    signalfd_siginfo info;
    while (read(fd_, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
    }
    close(fd_);
    sigprocmask(SIG_SETMASK, &old_mask_, nullptr);
}

Result<void> ignore_broken_pipes() {
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    if (sigaction(SIGPIPE, &ignore, nullptr) != 0)
        return Error{std::string("cannot ignore SIGPIPE: ") + std::strerror(errno)};
    return {};
}

} // namespace modtrace
