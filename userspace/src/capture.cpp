// --capture: image assembly, the capture directory, and the source that holds a load's return
// until its image is written (capture.hpp).
#include "capture.hpp"

#include "fd.hpp"
#include "protocol_names.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace modtrace {

namespace {

Error errno_error(const std::string& what) {
    const int code = errno;
    return Error{what + ": " + std::strerror(code), code};
}

Result<void> write_all(int fd, const std::vector<std::uint8_t>& bytes) {
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return Error{std::strerror(errno), errno};
        done += static_cast<std::size_t>(n);
    }
    return {};
}

} // namespace

std::optional<CaptureAssembler::Image> CaptureAssembler::add(const ImageChunk& chunk) {
    auto it = partial_.find(chunk.sha256);
    if (chunk.offset == 0) {
        if (it == partial_.end())
            it = partial_.emplace(chunk.sha256, std::vector<std::uint8_t>()).first;
        it->second.clear();
    } else if (it == partial_.end()) {
        return std::nullopt; // its beginning was missed
    } else if (it->second.size() != chunk.offset) {
        partial_.erase(it); // a chunk is missing
        return std::nullopt;
    }
    it->second.insert(it->second.end(), chunk.data.begin(), chunk.data.end());
    if (!chunk.last())
        return std::nullopt;
    Image image{chunk.sha256, std::move(it->second)};
    partial_.erase(it);
    return image;
}

Result<CaptureDir> CaptureDir::open(const std::string& dir) {
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
        return errno_error("cannot create " + dir);
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0)
        return errno_error(dir);
    if (!S_ISDIR(st.st_mode))
        return Error{dir + ": not a directory", ENOTDIR};
    if (::access(dir.c_str(), W_OK | X_OK) != 0)
        return errno_error("cannot write to " + dir);
    return CaptureDir(dir);
}

Result<std::string> CaptureDir::write(const std::string& sha256,
                                      const std::vector<std::uint8_t>& bytes) {
    const std::string path = path_of(sha256);
    if (::access(path.c_str(), F_OK) == 0)
        return path;
    std::string tmp = dir_ + "/." + sha256 + ".ko.XXXXXX";
    Fd fd(::mkstemp(tmp.data()));
    if (!fd)
        return errno_error("writing " + path);
    auto written = write_all(fd.get(), bytes);
    if (written && ::fchmod(fd.get(), 0600) != 0)
        written = Error{std::strerror(errno), errno};
    if (written && ::fsync(fd.get()) != 0)
        written = Error{std::strerror(errno), errno};
    if (written && ::rename(tmp.c_str(), path.c_str()) != 0)
        written = Error{std::strerror(errno), errno};
    if (!written) {
        ::unlink(tmp.c_str());
        return Error{"writing " + path + ": " + written.error().message, written.error().code};
    }
    return path;
}

void CaptureSource::take(Record record) {
    if (record.type == RecordType::ImageChunk) {
        if (!record.chunk)
            return;
        // An image on its way: its returns wait as long again from here.
        for (Held& held : held_) {
            if (*held.record.image->sha256 == record.chunk->sha256)
                held.deadline = config_.now() + config_.timeout;
        }
        if (auto image = assembler_.add(*record.chunk))
            complete(*image);
        return;
    }
    // Nothing follows a SHUTDOWN: what waits for its image goes first, lost.
    if (record.type == RecordType::Shutdown)
        expire(true);
    if (record.image && record.image->state == ImageState::Hashed && record.image->sha256) {
        ImageInfo& image = *record.image;
        if (!image.capture) {
            image.capture_outcome = "off"; // a module without capture
        } else if (*image.capture == CaptureState::Held) {
            if (auto w = written_.find(*image.sha256); w != written_.end()) {
                image.capture_outcome = "captured";
                image.captured_path = w->second;
            } else {
                held_.push_back(Held{std::move(record), config_.now() + config_.timeout});
                return;
            }
        } else if (const auto name = capture_state_name(*image.capture); !name.empty()) {
            image.capture_outcome = std::string(name);
        } else {
            image.capture_outcome = std::to_string(static_cast<std::uint32_t>(*image.capture));
        }
    }
    ready_.push_back(std::move(record));
}

void CaptureSource::complete(const CaptureAssembler::Image& image) {
    std::optional<std::string> path;
    if (auto w = written_.find(image.sha256); w != written_.end()) {
        path = w->second;
    } else if (config_.write) {
        auto written = config_.write(image.sha256, image.bytes);
        if (written) {
            path = *written;
            written_.emplace(image.sha256, *written);
        } else if (config_.warn) {
            config_.warn(written.error());
        }
    }
    for (auto it = held_.begin(); it != held_.end();) {
        ImageInfo& held = *it->record.image;
        if (*held.sha256 != image.sha256) {
            ++it;
            continue;
        }
        if (held.len && *held.len != image.bytes.size()) {
            held.capture_outcome = "lost"; // not this load's image after all
        } else if (path) {
            held.capture_outcome = "captured";
            held.captured_path = path;
        } else {
            held.capture_outcome = "write_failed";
        }
        ready_.push_back(std::move(it->record));
        it = held_.erase(it);
    }
}

void CaptureSource::expire(bool all) {
    const auto now = config_.now();
    for (auto it = held_.begin(); it != held_.end();) {
        if (!all && it->deadline > now) {
            ++it;
            continue;
        }
        it->record.image->capture_outcome = "lost";
        ready_.push_back(std::move(it->record));
        it = held_.erase(it);
    }
}

Result<Arrival> CaptureSource::next_for(std::chrono::milliseconds timeout) {
    const auto until = config_.now() + timeout;
    for (;;) {
        if (!ready_.empty()) {
            Record record = std::move(ready_.front());
            ready_.pop_front();
            return Arrival(std::move(record));
        }
        if (ended_)
            return Arrival(SourceEnded{});
        const auto now = config_.now();
        auto wait = until > now ? until - now : std::chrono::steady_clock::duration::zero();
        for (const Held& held : held_)
            wait =
                std::min(wait, held.deadline > now ? held.deadline - now
                                                   : std::chrono::steady_clock::duration::zero());
        auto got = inner_.next_for(std::chrono::ceil<std::chrono::milliseconds>(wait));
        if (!got)
            return got.error();
        if (auto* record = std::get_if<Record>(&*got)) {
            take(std::move(*record));
            continue;
        }
        if (std::holds_alternative<SourceEnded>(*got)) {
            expire(true);
            ended_ = true;
            continue;
        }
        expire(false);
        if (ready_.empty() && config_.now() >= until)
            return Arrival(SourceIdle{});
    }
}

Result<std::optional<Record>> CaptureSource::next() {
    for (;;) {
        auto got = next_for(std::chrono::hours(1));
        if (!got)
            return got.error();
        if (auto* record = std::get_if<Record>(&*got))
            return std::optional<Record>(std::move(*record));
        if (std::holds_alternative<SourceEnded>(*got))
            return std::optional<Record>();
    }
}

} // namespace modtrace
