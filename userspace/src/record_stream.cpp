// Received messages into records.
#include "record_stream.hpp"

#include "decode.hpp"

#include <linux/genetlink.h>

namespace modtrace {

std::optional<Record> RecordStream::take(Bytes message) {
    auto header = parse_header(message);
    if (!header)
        return std::nullopt;
    if (header->type == family_id_) {
        // The headers are read once, here; the decoder takes the message as read.
        auto genl = parse_genl_message(message);
        if (!genl) {
            if (warn_)
                warn_(Error{"skipping a malformed record: " + genl.error().message});
            return std::nullopt;
        }
        if (genl->command != MODTRACE_CMD_RECORD)
            return std::nullopt; // a late answer to a request that timed out
        auto record = decode_record(*genl);
        if (!record) {
            if (warn_)
                warn_(Error{"skipping a malformed " + record.error().message});
            return std::nullopt;
        }
        return deliver(std::move(*record));
    }
    if (header->type == GENL_ID_CTRL) {
        auto removed = announces_family_removal(message, MODTRACE_GENL_NAME);
        if (removed && *removed)
            return family_removed();
    }
    return std::nullopt;
}

Record RecordStream::family_removed() {
    Record shutdown;
    shutdown.type = RecordType::Shutdown;
    return deliver(std::move(shutdown));
}

Record RecordStream::deliver(Record record) {
    if (record.type == RecordType::Shutdown)
        ended_ = true;
    return record;
}

} // namespace modtrace
