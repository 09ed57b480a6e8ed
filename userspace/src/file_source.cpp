// Recorded netlink streams: replayed as records, and written from a live socket.
#include "file_source.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <unistd.h>

namespace modtrace {

namespace {

constexpr std::size_t kReadBytes = 64 * 1024;

std::string n(std::uint64_t value) {
    return std::to_string(value);
}

} // namespace

Result<FileSource> FileSource::open(const std::string& path) {
    if (path == "-")
        return FileSource(Fd(::dup(STDIN_FILENO)), "standard input");
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd)
        return Error{"cannot open " + path + ": " + std::strerror(errno), errno};
    return FileSource(std::move(fd), path);
}

FileSource::FileSource(Fd fd, std::string name) : fd_(std::move(fd)), name_(std::move(name)) {}

Result<bool> FileSource::fill() {
    if (eof_)
        return false;
    // Keep what is not consumed yet at the front, then read after it.
    if (start_ != 0) {
        buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(start_));
        start_ = 0;
    }
    const std::size_t had = buffer_.size();
    buffer_.resize(had + kReadBytes);
    for (;;) {
        const ssize_t got = ::read(fd_.get(), buffer_.data() + had, kReadBytes);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            buffer_.resize(had);
            return Error{"reading " + name_ + ": " + std::strerror(errno), errno};
        }
        buffer_.resize(had + static_cast<std::size_t>(got));
        eof_ = got == 0;
        return !eof_;
    }
}

Result<std::optional<Bytes>> FileSource::next_message() {
    const auto malformed = [&](const std::string& why) {
        return Error{name_ + ": malformed input at byte offset " + n(consumed_) + ": " + why};
    };
    for (;;) {
        const std::size_t have = buffer_.size() - start_;
        if (have >= NLMSG_HDRLEN) {
            std::uint32_t length = 0;
            std::memcpy(&length, buffer_.data() + start_, sizeof length);
            if (length < NLMSG_HDRLEN)
                return malformed("nlmsg_len " + n(length) + " is shorter than the " +
                                 n(NLMSG_HDRLEN) + "-byte netlink header");
            if (length > kMaxRecordedMessage)
                return malformed("nlmsg_len " + n(length) + " is longer than any message (" +
                                 n(kMaxRecordedMessage) + " bytes)");
            // The padding after the last message may be missing: the file ends there.
            const std::size_t whole = NLMSG_ALIGN(length);
            if (have >= whole || (eof_ && have >= length)) {
                Bytes message(buffer_.data() + start_, length);
                const std::size_t step = std::min(whole, have);
                message_start_ = consumed_;
                start_ += step;
                consumed_ += step;
                return std::optional<Bytes>(message);
            }
        }
        if (!eof_) {
            if (auto more = fill(); !more)
                return more.error();
            continue;
        }
        if (have == 0)
            return std::optional<Bytes>();
        if (have < NLMSG_HDRLEN)
            return malformed("the file ends " + n(have) + " bytes into a " + n(NLMSG_HDRLEN) +
                             "-byte netlink header (truncated)");
        std::uint32_t length = 0;
        std::memcpy(&length, buffer_.data() + start_, sizeof length);
        return malformed("the file ends " + n(have) + " bytes into a message of " + n(length) +
                         " bytes (truncated)");
    }
}

Result<std::optional<Record>> FileSource::next() {
    for (;;) {
        if (stream_.ended())
            return std::optional<Record>();
        auto message = next_message();
        if (!message)
            return message.error();
        if (!*message)
            return std::optional<Record>();
        const Bytes bytes = **message;
        auto header = parse_header(bytes);
        if (!header)
            continue; // cannot happen: next_message() checked the header
        if (header->type == NLMSG_NOOP) {
            std::int64_t offset = 0;
            if (bytes.size() == NLMSG_HDRLEN + sizeof offset) {
                std::memcpy(&offset, bytes.data() + NLMSG_HDRLEN, sizeof offset);
                time_.realtime_offset_ns = offset;
            }
            continue;
        }
        if (!family_known_ && header->type > GENL_ID_CTRL) {
            stream_.set_family_id(header->type);
            family_known_ = true;
        }
        // Set here rather than once: it refers to this object, which may have moved.
        stream_.set_warning_handler([this](const Error& error) {
            if (warn_)
                warn_(Error{name_ + ", byte offset " + n(message_start_) + ": " + error.message});
        });
        if (auto record = stream_.take(bytes))
            return std::optional<Record>(std::move(*record));
    }
}

bool FileSource::at_hand() const {
    const std::size_t have = buffer_.size() - start_;
    if (have < NLMSG_HDRLEN)
        return false;
    std::uint32_t length = 0;
    std::memcpy(&length, buffer_.data() + start_, sizeof length);
    return have >= length;
}

std::vector<std::uint8_t> time_base_message(const TimeBase& time) {
    nlmsghdr header{};
    const std::int64_t offset = time.realtime_offset_ns;
    header.nlmsg_len = static_cast<std::uint32_t>(NLMSG_HDRLEN + sizeof offset);
    header.nlmsg_type = NLMSG_NOOP;
    std::vector<std::uint8_t> message(header.nlmsg_len);
    std::memcpy(message.data(), &header, sizeof header);
    std::memcpy(message.data() + NLMSG_HDRLEN, &offset, sizeof offset);
    return message;
}

Result<StreamRecorder> StreamRecorder::open(const std::string& path, const TimeBase& time) {
    Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (!fd)
        return Error{"cannot create " + path + ": " + std::strerror(errno), errno};
    StreamRecorder recorder(std::move(fd), path);
    const auto first = time_base_message(time);
    if (auto ok = recorder.write(first); !ok)
        return ok.error();
    return recorder;
}

Result<void> StreamRecorder::write(Bytes datagram) {
    static constexpr std::uint8_t zeros[NLMSG_ALIGNTO] = {};
    const std::size_t padding = NLMSG_ALIGN(datagram.size()) - datagram.size();
    for (Bytes part : {datagram, Bytes(zeros, padding)}) {
        while (!part.empty()) {
            const ssize_t put = ::write(fd_.get(), part.data(), part.size());
            if (put < 0 && errno == EINTR)
                continue;
            if (put < 0)
                return Error{"writing " + path_ + ": " + std::strerror(errno), errno};
            part = part.subspan(static_cast<std::size_t>(put));
        }
    }
    return {};
}

} // namespace modtrace
