// --capture: assembling images from chunks (in order, missing, repeated), and the source that
// holds a load's return until its image is written, or lost.
#include "capture.hpp"

#include <chrono>
#include <gtest/gtest.h>
#include <string>
#include <vector>

namespace {

using modtrace::CaptureAssembler;
using modtrace::CaptureConfig;
using modtrace::CaptureSource;
using modtrace::CaptureState;
using modtrace::ImageChunk;
using modtrace::ImageInfo;
using modtrace::ImageState;
using modtrace::Record;
using modtrace::RecordType;
using Bytes = std::vector<std::uint8_t>;

const std::string kSha(64, 'a');
const std::string kOther(64, 'b');

ImageChunk chunk(const std::string& sha, std::uint64_t len, std::uint64_t offset, Bytes data) {
    return ImageChunk{sha, len, offset, std::move(data)};
}

Record chunk_record(const std::string& sha, std::uint64_t len, std::uint64_t offset, Bytes data) {
    Record r;
    r.type = RecordType::ImageChunk;
    r.chunk = chunk(sha, len, offset, std::move(data));
    return r;
}

Record load_return(std::uint64_t seq, const std::string& sha, std::optional<CaptureState> state,
                   std::uint64_t len = 4) {
    Record r;
    r.type = RecordType::FinitModuleExit;
    r.seq = seq;
    r.ret = 0;
    ImageInfo image;
    image.state = ImageState::Hashed;
    image.len = len;
    image.sha256 = sha;
    image.capture = state;
    r.image = image;
    return r;
}

TEST(CaptureAssembler, ChunksInOrderMakeTheImage) {
    CaptureAssembler a;
    EXPECT_FALSE(a.add(chunk(kSha, 5, 0, {1, 2})));
    EXPECT_TRUE(a.assembling(kSha));
    auto image = a.add(chunk(kSha, 5, 2, {3, 4, 5}));
    ASSERT_TRUE(image);
    EXPECT_EQ(image->sha256, kSha);
    EXPECT_EQ(image->bytes, (Bytes{1, 2, 3, 4, 5}));
    EXPECT_EQ(a.pending(), 0U);
}

TEST(CaptureAssembler, AMissingChunkDropsTheImage) {
    CaptureAssembler a;
    EXPECT_FALSE(a.add(chunk(kSha, 6, 0, {1, 2})));
    EXPECT_FALSE(a.add(chunk(kSha, 6, 4, {5, 6}))); // 2..4 missing
    EXPECT_FALSE(a.assembling(kSha));
}

TEST(CaptureAssembler, AChunkOutOfOrderIsNotTaken) {
    CaptureAssembler a;
    EXPECT_FALSE(a.add(chunk(kSha, 4, 2, {3, 4}))); // before its beginning
    EXPECT_FALSE(a.assembling(kSha));
    EXPECT_FALSE(a.add(chunk(kSha, 4, 0, {1, 2})));
    EXPECT_TRUE(a.add(chunk(kSha, 4, 2, {3, 4})));
}

TEST(CaptureAssembler, TheSameImageAgainStartsOver) {
    CaptureAssembler a;
    EXPECT_FALSE(a.add(chunk(kSha, 4, 0, {1, 2})));
    EXPECT_FALSE(a.add(chunk(kSha, 4, 0, {1, 2}))); // a second capture of the same hash
    auto image = a.add(chunk(kSha, 4, 2, {3, 4}));
    ASSERT_TRUE(image);
    EXPECT_EQ(image->bytes, (Bytes{1, 2, 3, 4}));
}

TEST(CaptureAssembler, ImagesOfTwoHashesInterleave) {
    CaptureAssembler a;
    EXPECT_FALSE(a.add(chunk(kSha, 2, 0, {1})));
    EXPECT_FALSE(a.add(chunk(kOther, 2, 0, {7})));
    EXPECT_EQ(a.add(chunk(kOther, 2, 1, {8}))->bytes, (Bytes{7, 8}));
    EXPECT_EQ(a.add(chunk(kSha, 2, 1, {2}))->bytes, (Bytes{1, 2}));
}

// A source of records, then idle for ever (a kernel that sends nothing more).
class ScriptSource final : public modtrace::RecordSource {
public:
    explicit ScriptSource(std::vector<Record> records) : records_(std::move(records)) {}
    modtrace::Result<std::optional<Record>> next() override { return std::optional<Record>(); }
    modtrace::Result<modtrace::Arrival> next_for(std::chrono::milliseconds timeout) override {
        if (position_ < records_.size())
            return modtrace::Arrival(records_[position_++]);
        waited += timeout;
        return modtrace::Arrival(modtrace::SourceIdle{});
    }
    std::chrono::milliseconds waited{0};

private:
    std::vector<Record> records_;
    std::size_t position_ = 0;
};

struct Harness {
    std::chrono::steady_clock::time_point now{};
    std::vector<std::pair<std::string, Bytes>> written;
    CaptureConfig config() {
        CaptureConfig c;
        c.timeout = std::chrono::milliseconds(100);
        c.now = [this] { return now; };
        c.write = [this](const std::string& sha, const Bytes& bytes) {
            written.emplace_back(sha, bytes);
            return modtrace::Result<std::string>("/cap/" + sha + ".ko");
        };
        return c;
    }
};

Record take(CaptureSource& source) {
    auto got = source.next_for(std::chrono::milliseconds(0));
    EXPECT_TRUE(got) << got.error().message;
    EXPECT_TRUE(std::holds_alternative<Record>(*got));
    return std::get<Record>(*got);
}

bool idle(CaptureSource& source) {
    auto got = source.next_for(std::chrono::milliseconds(0));
    return got && std::holds_alternative<modtrace::SourceIdle>(*got);
}

TEST(CaptureSource, AHeldImageIsWrittenAndTheEventSaysWhere) {
    Harness h;
    ScriptSource inner({load_return(3, kSha, CaptureState::Held), chunk_record(kSha, 4, 0, {1, 2}),
                        chunk_record(kSha, 4, 2, {3, 4})});
    CaptureSource source(inner, h.config());
    Record r = take(source);
    EXPECT_EQ(r.seq, 3U);
    EXPECT_EQ(r.image->capture_outcome, "captured");
    EXPECT_EQ(r.image->captured_path, "/cap/" + kSha + ".ko");
    ASSERT_EQ(h.written.size(), 1U);
    EXPECT_EQ(h.written[0].second, (Bytes{1, 2, 3, 4}));
    EXPECT_TRUE(idle(source));
}

TEST(CaptureSource, ChunksBeforeTheReturnAreKept) {
    Harness h;
    ScriptSource inner(
        {chunk_record(kSha, 4, 0, {1, 2, 3, 4}), load_return(3, kSha, CaptureState::Held)});
    CaptureSource source(inner, h.config());
    Record r = take(source);
    EXPECT_EQ(r.image->capture_outcome, "captured");
    EXPECT_EQ(r.image->captured_path, "/cap/" + kSha + ".ko");
}

TEST(CaptureSource, AHashAlreadyWrittenIsNotWrittenAgain) {
    Harness h;
    ScriptSource inner(
        {load_return(3, kSha, CaptureState::Held), chunk_record(kSha, 4, 0, {1, 2, 3, 4}),
         load_return(9, kSha, CaptureState::Held), chunk_record(kSha, 4, 0, {1, 2, 3, 4})});
    CaptureSource source(inner, h.config());
    EXPECT_EQ(take(source).image->captured_path, "/cap/" + kSha + ".ko");
    Record second = take(source);
    EXPECT_EQ(second.seq, 9U);
    EXPECT_EQ(second.image->captured_path, "/cap/" + kSha + ".ko");
    EXPECT_EQ(h.written.size(), 1U);
}

TEST(CaptureSource, RecordsBehindAHeldReturnAreNotHeld) {
    Harness h;
    Record other;
    other.type = RecordType::DeleteModuleEnter;
    other.seq = 4;
    ScriptSource inner({load_return(3, kSha, CaptureState::Held), other});
    CaptureSource source(inner, h.config());
    EXPECT_EQ(take(source).seq, 4U);
    EXPECT_TRUE(idle(source));
}

TEST(CaptureSource, AnImageThatNeverCompletesIsLostAfterTheTimeout) {
    Harness h;
    ScriptSource inner(
        {load_return(3, kSha, CaptureState::Held), chunk_record(kSha, 4, 0, {1, 2})});
    CaptureSource source(inner, h.config());
    EXPECT_TRUE(idle(source));
    h.now += std::chrono::milliseconds(100);
    Record r = take(source);
    EXPECT_EQ(r.image->capture_outcome, "lost");
    EXPECT_FALSE(r.image->captured_path);
    EXPECT_TRUE(h.written.empty());
}

// Records given out once the harness's clock reaches their time.
class TimedSource final : public modtrace::RecordSource {
public:
    using Clock = std::chrono::steady_clock;
    TimedSource(const Clock::time_point& now, std::vector<std::pair<Clock::duration, Record>> r)
        : now_(now), records_(std::move(r)) {}
    modtrace::Result<std::optional<Record>> next() override { return std::optional<Record>(); }
    modtrace::Result<modtrace::Arrival> next_for(std::chrono::milliseconds) override {
        if (position_ < records_.size() && records_[position_].first <= now_ - Clock::time_point{})
            return modtrace::Arrival(records_[position_++].second);
        return modtrace::Arrival(modtrace::SourceIdle{});
    }

private:
    const Clock::time_point& now_;
    std::vector<std::pair<Clock::duration, Record>> records_;
    std::size_t position_ = 0;
};

TEST(CaptureSource, EachChunkGivesTheReturnTheTimeoutAgain) {
    using std::chrono::milliseconds;
    Harness h;
    TimedSource inner(h.now, {{milliseconds(0), load_return(3, kSha, CaptureState::Held)},
                              {milliseconds(80), chunk_record(kSha, 4, 0, {1, 2})}});
    CaptureSource source(inner, h.config());
    EXPECT_TRUE(idle(source));
    h.now += milliseconds(80);
    EXPECT_TRUE(idle(source)); // the chunk came: 100 ms more from here
    h.now += milliseconds(80);
    EXPECT_TRUE(idle(source));
    h.now += milliseconds(20);
    EXPECT_EQ(take(source).image->capture_outcome, "lost");
}

TEST(CaptureSource, WhatTheKernelDidNotCopyIsSaid) {
    const std::pair<std::optional<CaptureState>, std::string> cases[] = {
        {CaptureState::Off, "off"},
        {CaptureState::OverBudget, "over_budget"},
        {CaptureState::NoMemory, "no_memory"},
        {std::nullopt, "off"}, // a module without capture
    };
    for (const auto& [state, outcome] : cases) {
        SCOPED_TRACE(outcome);
        Harness h;
        ScriptSource inner({load_return(3, kSha, state)});
        CaptureSource source(inner, h.config());
        Record r = take(source);
        EXPECT_EQ(r.image->capture_outcome, outcome);
        EXPECT_FALSE(r.image->captured_path);
    }
}

TEST(CaptureSource, AChunkRecordIsNeverGivenOut) {
    Harness h;
    ScriptSource inner({chunk_record(kSha, 8, 0, {1, 2})});
    CaptureSource source(inner, h.config());
    EXPECT_TRUE(idle(source));
}

} // namespace
