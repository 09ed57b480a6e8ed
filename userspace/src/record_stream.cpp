// Received messages into records.
#include "record_stream.hpp"

#include "decode.hpp"

#include <linux/genetlink.h>

namespace modtrace {

std::optional<Record> RecordStream::take(Bytes message) {
    // Decoded where it is returned from: every return is of `record`.
    std::optional<Record> record;
    auto header = parse_header(message);
    if (!header)
        return record;
    if (header->type == family_id_) {
        // The headers are read once, here; the decoder takes the message as read.
        auto genl = parse_genl_message(message);
        if (!genl) {
            if (warn_)
                warn_(Error{"skipping a malformed record: " + genl.error().message});
            return record;
        }
        if (genl->command != MODTRACE_CMD_RECORD)
            return record; // a late answer to a request that timed out
        if (auto ok = decode_record_into(*genl, record.emplace()); !ok) {
            record.reset();
            if (warn_)
                warn_(Error{"skipping a malformed " + ok.error().message});
            return record;
        }
        if (record->type == RecordType::Shutdown)
            ended_ = true;
        return record;
    }
    if (header->type == GENL_ID_CTRL) {
        auto removed = announces_family_removal(message, MODTRACE_GENL_NAME);
        if (removed && *removed)
            record = family_removed();
    }
    return record;
}

Record RecordStream::family_removed() {
    Record shutdown;
    shutdown.type = RecordType::Shutdown;
    ended_ = true;
    return shutdown;
}

} // namespace modtrace
