// Received messages into records.
#include "record_stream.hpp"

#include "decode.hpp"

#include <linux/genetlink.h>

namespace modtrace {

std::optional<Record> RecordStream::take(Bytes message) {
    std::optional<Record> record(std::in_place);
    if (!take(message, *record))
        record.reset();
    return record;
}

bool RecordStream::take(Bytes message, Record& out) {
    auto header = parse_header(message);
    if (!header)
        return false;
    if (header->type == family_id_) {
        // The headers are read once, here; the decoder takes the message as read.
        auto genl = parse_genl_message(message);
        if (!genl) {
            if (warn_)
                warn_(Error{"skipping a malformed record: " + genl.error().message});
            return false;
        }
        if (genl->command != MODTRACE_CMD_RECORD)
            return false; // a late answer to a request that timed out
        if (auto ok = decode_record_into(*genl, out); !ok) {
            out = Record();
            if (warn_)
                warn_(Error{"skipping a malformed " + ok.error().message});
            return false;
        }
        if (out.type == RecordType::Shutdown)
            ended_ = true;
        return true;
    }
    if (header->type == GENL_ID_CTRL) {
        auto removed = announces_family_removal(message, MODTRACE_GENL_NAME);
        if (removed && *removed) {
            out = family_removed();
            return true;
        }
    }
    return false;
}

Record RecordStream::family_removed() {
    Record shutdown;
    shutdown.type = RecordType::Shutdown;
    ended_ = true;
    return shutdown;
}

} // namespace modtrace
