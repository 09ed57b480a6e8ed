// A recorded stream of netlink messages as a record source (modtrace --input), and the writer
// of such a recording (modtrace --record).
//
// The file format is what the reader's socket received: datagrams exactly as recvmsg() gave
// them, one after the other, each padded with zeros to a multiple of 4 bytes. A datagram holds
// whole netlink messages at 4-byte boundaries, each starting with its nlmsghdr, whose
// nlmsg_len says how long it is: so the file is a sequence of netlink messages, read like one
// long datagram. The recorder writes one message of its own first, an NLMSG_NOOP whose payload
// is the recording machine's CLOCK_REALTIME - CLOCK_MONOTONIC (s64, ns, host byte order), so
// that a replay places events on the wall clock where they happened; a file without it is
// replayed with an offset of 0 (times since the recording machine's boot, from 1970).
//
// The modtrace family is the first message type above the generic netlink controller's
// (GENL_ID_CTRL): nothing else a modtrace socket receives has one. Everything else is taken as
// the socket would take it (RecordStream): acknowledgements and replies are skipped, the
// controller's DELFAMILY for "modtrace" ends the stream.
#pragma once

#include "event_format.hpp"
#include "fd.hpp"
#include "netlink_parse.hpp"
#include "record_source.hpp"
#include "record_stream.hpp"
#include "result.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace modtrace {

// The longest message a file may hold: the client's receive buffer, which no datagram it keeps
// exceeds.
inline constexpr std::size_t kMaxRecordedMessage = 256 * 1024;

class FileSource final : public RecordSource {
public:
    // `path` "-" is standard input. The Error names the file.
    static Result<FileSource> open(const std::string& path);
    // Reads from `fd`; `name` is how errors refer to it.
    FileSource(Fd fd, std::string name);

    // The next record; std::nullopt at the end of the file. A file that ends inside a message,
    // or a message whose length cannot be right, is an Error naming the byte offset where
    // that message starts; the records before it have been handed out.
    Result<std::optional<Record>> next() override;
    // A whole message is read and not handed out yet.
    bool at_hand() const override;

    // The recording's time base (its NLMSG_NOOP), once read; an offset of 0 until then.
    TimeBase time_base() const { return time_; }

    // Where malformed records (skipped, as the live reader skips them) are reported, with the
    // offset of their message.
    void set_warning_handler(std::function<void(const Error&)> handler) {
        warn_ = std::move(handler);
    }

private:
    // The next whole message's bytes, std::nullopt at a clean end of the file.
    Result<std::optional<Bytes>> next_message();
    // Reads more into the buffer: false at the end of the file.
    Result<bool> fill();

    Fd fd_;
    std::string name_;
    std::vector<std::uint8_t> buffer_;
    std::size_t start_ = 0;           // the first byte not consumed yet
    std::uint64_t consumed_ = 0;      // the file offset of buffer_[start_]
    std::uint64_t message_start_ = 0; // the file offset of the last message handed out
    bool eof_ = false;
    RecordStream stream_;
    bool family_known_ = false;
    TimeBase time_;
    std::function<void(const Error&)> warn_;
};

// The NLMSG_NOOP message a recording starts with, carrying `time`.
std::vector<std::uint8_t> time_base_message(const TimeBase& time);

// Writes what the reader's socket receives into a file FileSource can read.
class StreamRecorder {
public:
    // Creates or truncates `path` and writes the time base message.
    static Result<StreamRecorder> open(const std::string& path, const TimeBase& time);

    // One datagram as received, padded to 4 bytes.
    Result<void> write(Bytes datagram);

private:
    StreamRecorder(Fd fd, std::string path) : fd_(std::move(fd)), path_(std::move(path)) {}

    Fd fd_;
    std::string path_;
};

} // namespace modtrace
