// When the reader asks the kernel whether the module it subscribed to is still there. It learns
// of an unload from the module's last record (SHUTDOWN) or the controller's notice that the
// family is gone, and a socket that was full when they came dropped both without a word (the
// socket is set NETLINK_NO_ENOBUFS, so that the drops the kernel counts are not counted again).
// The socket can only have been full if messages were arriving, so once messages have come, the
// reader asks when the socket has been quiet for `quiet`; after an answer it asks again only
// after messages came again, so an idle reader asks nothing. A question that failed is asked
// again after twice the wait, up to `max_wait`. Kept apart from the socket so that it can be
// tested with a clock of its own.
#pragma once

#include <chrono>
#include <optional>

namespace modtrace {

class UnloadCheck {
public:
    using Clock = std::chrono::steady_clock;

    explicit UnloadCheck(std::chrono::milliseconds quiet = std::chrono::milliseconds(2000),
                         std::chrono::milliseconds max_wait = std::chrono::milliseconds(60000))
        : quiet_(quiet), max_wait_(max_wait), wait_(quiet) {}

    // Messages arrived at `now`.
    void activity(Clock::time_point now);
    // When to ask next (once the socket is empty); none: nothing to ask.
    std::optional<Clock::time_point> due() const { return due_; }
    // The module answered: it is there.
    void answered();
    // Asking failed at `now` (no answer in time, an error).
    void failed(Clock::time_point now);

private:
    std::chrono::milliseconds quiet_;
    std::chrono::milliseconds max_wait_;
    std::chrono::milliseconds wait_;
    std::optional<Clock::time_point> due_;
};

} // namespace modtrace
