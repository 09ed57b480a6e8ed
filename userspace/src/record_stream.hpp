// What the netlink client makes of the messages it receives, kept apart from the socket so that
// it can be tested with bytes: which messages are records, and where the stream ends (a
// SHUTDOWN record, or the controller announcing that the family is gone).
#pragma once

#include "netlink_parse.hpp"
#include "record.hpp"
#include "result.hpp"

#include <cstdint>
#include <functional>
#include <optional>

namespace modtrace {

class RecordStream {
public:
    explicit RecordStream(std::uint16_t family_id = 0) : family_id_(family_id) {}

    void set_family_id(std::uint16_t id) { family_id_ = id; }
    // Where skipped messages (malformed records) are reported; none: skipped silently.
    void set_warning_handler(std::function<void(const Error&)> handler) {
        warn_ = std::move(handler);
    }

    // The record `message` (one netlink message) carries, if it carries one. A malformed
    // record is skipped with a warning rather than ending the stream: one bad record should
    // not blind the reader. Acknowledgements, other families' news and late replies are no
    // records. DELFAMILY for "modtrace" gives a SHUTDOWN record without next_seq, standing in
    // for the kernel's, which is lost when the reader's socket is full.
    std::optional<Record> take(Bytes message);
    // take(), into `out`, a Record as default-constructed, which a caller can keep where the
    // record is used (a move of a Record costs about a quarter of decoding it): whether the
    // message was a record. When it was not, `out` is as it was.
    bool take(Bytes message, Record& out);

    // The SHUTDOWN record (without next_seq) for a module found gone some other way than by
    // its own SHUTDOWN or the controller's notice, both of which a full socket can drop.
    Record family_removed();

    // A SHUTDOWN record was handed out: nothing follows.
    bool ended() const { return ended_; }

private:
    std::uint16_t family_id_;
    std::function<void(const Error&)> warn_;
    bool ended_ = false;
};

} // namespace modtrace
