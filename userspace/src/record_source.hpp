// Where records come from. The netlink client is one source; tests and later stages (the
// correlator) consume any source, so they can be fed a list instead of a kernel.
#pragma once

#include "record.hpp"
#include "result.hpp"

#include <chrono>
#include <cstddef>
#include <optional>
#include <utility>
#include <variant>
#include <vector>

namespace modtrace {

// What next_for() gave besides a record: nothing arrived within the timeout (the source goes
// on), or the source ended cleanly.
struct SourceIdle {};
struct SourceEnded {};
using Arrival = std::variant<Record, SourceIdle, SourceEnded>;

class RecordSource {
public:
    virtual ~RecordSource() = default;

    // The next record in arrival order (not necessarily seq order, see the protocol header).
    // std::nullopt: the source ended cleanly (the reader was asked to stop, a list ran out). An
    // Error: it failed and cannot go on. Nothing follows a SHUTDOWN record.
    virtual Result<std::optional<Record>> next() = 0;

    // next(), but waiting at most `timeout` for a record: SourceIdle when none came in time
    // (call again to go on waiting). For callers with something to do while input is quiet.
    // The default, for sources that never wait (a list), never idles.
    virtual Result<Arrival> next_for(std::chrono::milliseconds timeout) {
        (void)timeout;
        auto got = next();
        if (!got)
            return got.error();
        if (!*got)
            return Arrival(SourceEnded{});
        return Arrival(std::move(**got));
    }

    // Whether the next call can give something without waiting: output may be held back
    // (written in one go) while this is true, and must be written when it is not. The default
    // says no, so output goes out record by record.
    virtual bool at_hand() const { return false; }
};

// The records of a list, then the end. For tests and replays.
class ListSource final : public RecordSource {
public:
    explicit ListSource(std::vector<Record> records) : records_(std::move(records)) {}

    Result<std::optional<Record>> next() override {
        if (position_ == records_.size())
            return std::optional<Record>();
        return std::optional<Record>(records_[position_++]);
    }

private:
    std::vector<Record> records_;
    std::size_t position_ = 0;
};

} // namespace modtrace
