// When to ask whether the kernel module is still there.
#include "unload_check.hpp"

#include <algorithm>

namespace modtrace {

void UnloadCheck::activity(Clock::time_point now) {
    wait_ = quiet_;
    due_ = now + quiet_;
}

void UnloadCheck::answered() {
    wait_ = quiet_;
    due_.reset();
}

void UnloadCheck::failed(Clock::time_point now) {
    wait_ = std::min(wait_ * 2, max_wait_);
    due_ = now + wait_;
}

} // namespace modtrace
