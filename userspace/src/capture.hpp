// --capture: the images the kernel module captured, assembled from IMAGE_CHUNK records and
// written to DIR/SHA256.ko once per hash, and the load's return record held back until its
// image is written (or lost), so that its event says where the image is.
#pragma once
#include "record_source.hpp"
#include "result.hpp"

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace modtrace {

// The images of IMAGE_CHUNK records, one per hash at a time. The chunks of one capture come in
// order; one that does not continue its image (a chunk missing) drops what was assembled, and
// a chunk at offset 0 starts the image again (the same image captured twice).
class CaptureAssembler {
public:
    struct Image {
        std::string sha256;
        std::vector<std::uint8_t> bytes;
    };
    // The whole image when `chunk` completes it.
    std::optional<Image> add(const ImageChunk& chunk);
    // Images being assembled now.
    std::size_t pending() const { return partial_.size(); }
    // Whether the image of `sha256` is being assembled.
    bool assembling(const std::string& sha256) const { return partial_.count(sha256) != 0; }

private:
    std::map<std::string, std::vector<std::uint8_t>> partial_;
};

// Writes DIR/SHA256.ko through a temporary file and a rename, mode 0600, unless present.
class CaptureDir {
public:
    // Creates DIR (0700) if missing, and checks that a file can be made in it.
    static Result<CaptureDir> open(const std::string& dir);
    explicit CaptureDir(std::string dir) : dir_(std::move(dir)) {}
    std::string path_of(const std::string& sha256) const { return dir_ + "/" + sha256 + ".ko"; }
    // The file's path; an image already there is not written again.
    Result<std::string> write(const std::string& sha256, const std::vector<std::uint8_t>& bytes);

private:
    std::string dir_;
};

struct CaptureConfig {
    // How long a load's return waits for its image's next chunk.
    std::chrono::milliseconds timeout{5000};
    // Writes an assembled image, returns its path (CaptureDir::write, or a test's).
    std::function<Result<std::string>(const std::string&, const std::vector<std::uint8_t>&)> write;
    std::function<std::chrono::steady_clock::time_point()> now = &std::chrono::steady_clock::now;
    std::function<void(const Error&)> warn;
};

// A source that takes IMAGE_CHUNK records out of `inner`, and marks every hashed image of a load's
// return with the capture's outcome (ImageInfo::capture_outcome, captured_path). A return whose
// image the kernel holds (CaptureState::Held) is given out once its image is written, or, as
// "lost", once `timeout` has passed without a chunk of it or the source ends; the records behind
// it are not held.
// The length is checked (the bytes are not hashed again: the reader has no SHA-256 of its own).
class CaptureSource final : public RecordSource {
public:
    CaptureSource(RecordSource& inner, CaptureConfig config)
        : inner_(inner), config_(std::move(config)) {}
    Result<std::optional<Record>> next() override;
    Result<Arrival> next_for(std::chrono::milliseconds timeout) override;
    bool at_hand() const override { return !ready_.empty() || inner_.at_hand(); }

private:
    struct Held {
        Record record;
        std::chrono::steady_clock::time_point deadline;
    };
    // Takes in one record from inner; what is ready goes to ready_.
    void take(Record record);
    void complete(const CaptureAssembler::Image& image);
    void expire(bool all);

    RecordSource& inner_;
    CaptureConfig config_;
    CaptureAssembler assembler_;
    std::deque<Record> ready_;
    std::vector<Held> held_;
    // Images written (or found present) this run, by hash: their path.
    std::map<std::string, std::string> written_;
    bool ended_ = false;
};

} // namespace modtrace
