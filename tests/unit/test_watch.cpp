// Event mode without a kernel: records from a scripted source through watch_events() to the
// output and stderr streams: filters, --count, losses, idle expiry, the ends (stop, shutdown,
// failure) and the summary line.
#include "commands.hpp"
#include "record_builders.hpp"
#include "stop_signals.hpp"

#define BOOST_BIND_GLOBAL_PLACEHOLDERS // property_tree includes the deprecated boost/bind.hpp
#include <boost/property_tree/json_parser.hpp>
#include <boost/property_tree/ptree.hpp>
#include <cerrno>
#include <cstdio>
#include <gtest/gtest.h>
#include <iostream>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <variant>
#include <vector>

namespace {

using namespace modtrace;
using namespace modtrace::testing;

constexpr std::int64_t ENODEV_ = -19;
constexpr std::int64_t EEXIST_ = -17;

// What a source gives, in order; then the end.
using Step = std::variant<Record, SourceIdle, Error>;

class ScriptedSource final : public RecordSource {
public:
    explicit ScriptedSource(std::vector<Step> steps) : steps_(std::move(steps)) {}

    Result<std::optional<Record>> next() override {
        ADD_FAILURE() << "watch_events() should wait with a timeout";
        return std::optional<Record>();
    }

    Result<Arrival> next_for(std::chrono::milliseconds timeout) override {
        timeouts.push_back(timeout);
        if (on_next)
            on_next(taken);
        if (taken == steps_.size())
            return Arrival(SourceEnded{});
        const Step& step = steps_[taken++];
        if (const auto* r = std::get_if<Record>(&step))
            return Arrival(*r);
        if (std::holds_alternative<SourceIdle>(step))
            return Arrival(SourceIdle{});
        return std::get<Error>(step);
    }

    bool at_hand() const override { return taken < at_hand_until; }

    std::size_t taken = 0;         // steps handed out
    std::size_t at_hand_until = 0; // at_hand() while fewer steps were handed out
    std::vector<std::chrono::milliseconds> timeouts;
    std::function<void(std::size_t)> on_next; // called before each step with `taken`

private:
    std::vector<Step> steps_;
};

struct Watched {
    WatchResult result;
    std::string out;
    std::string err;
    std::size_t taken = 0;
};

Watched watch(std::vector<Step> steps, WatchConfig config = {}) {
    ScriptedSource source(std::move(steps));
    std::ostringstream out;
    std::ostringstream err;
    Watched run;
    run.result = watch_events(source, out, err, config);
    run.out = out.str();
    run.err = err.str();
    run.taken = source.taken;
    return run;
}

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        out.push_back(line);
    return out;
}

std::string last_line(const std::string& text) {
    const auto all = lines(text);
    return all.empty() ? std::string() : all.back();
}

boost::property_tree::ptree parse_json(const std::string& line) {
    std::istringstream in(line);
    boost::property_tree::ptree tree;
    boost::property_tree::read_json(in, tree); // throws on anything that is not JSON
    return tree;
}

// Three complete calls on three threads: mt_clean loaded by finit_module (pid 100), mt_fail's
// init failing under init_module (pid 200), mt_clean unloaded (pid 300).
std::vector<Step> three_calls() {
    return {
        finit_enter(1, 100, 1000, "/lib/mt/mt_clean.ko", "count=3"),
        do_init_enter(2, 100, 1100, "mt_clean", "count=3"),
        do_init_exit(3, 100, 1200, 2, 0, "mt_clean", 100),
        finit_exit(4, 100, 1300, 1, 0, 300),
        init_enter(5, 200, 2000, 4096),
        do_init_enter(6, 200, 2100, "mt_fail"),
        do_init_exit(7, 200, 2200, 6, ENODEV_, "mt_fail", 100),
        init_exit(8, 200, 2300, 5, ENODEV_, 300),
        delete_enter(9, 300, 3000, "mt_clean"),
        delete_exit(10, 300, 3100, 9, 0, 100),
    };
}

WatchConfig json_config() {
    WatchConfig c;
    c.format = OutputFormat::Json;
    return c;
}

TEST(Watch, JsonIsOneValidObjectPerLine) {
    const Watched run = watch(three_calls(), json_config());
    const auto out = lines(run.out);
    ASSERT_EQ(out.size(), 3U);
    EXPECT_EQ(run.out.back(), '\n');
    const char* kinds[] = {"finit_module", "init_module", "delete_module"};
    const char* outcomes[] = {"loaded", "init_failed", "unloaded"};
    for (std::size_t i = 0; i < out.size(); ++i) {
        SCOPED_TRACE(out[i]);
        const auto tree = parse_json(out[i]);
        EXPECT_EQ(tree.get<std::string>("event"), kinds[i]);
        EXPECT_EQ(tree.get<std::string>("outcome"), outcomes[i]);
        EXPECT_EQ(tree.get<std::string>("complete"), "true");
    }
    EXPECT_EQ(parse_json(out[0]).get<std::string>("module.name"), "mt_clean");
    EXPECT_EQ(parse_json(out[1]).get<std::string>("errno"), "ENODEV");
    EXPECT_EQ(run.result.end, WatchEnd::Stopped);
    EXPECT_EQ(run.result.status(), 0);
    EXPECT_EQ(run.result.printed, 3U);
    EXPECT_EQ(run.err, "modtrace: 3 events (0 incomplete), no records lost\n");
}

TEST(Watch, JsonLinesAreWhatTheFormatterMakes) {
    WatchConfig config = json_config();
    config.time = TimeBase{1700000000000000000};
    Correlator direct;
    for (const auto& step : three_calls())
        direct.feed(std::get<Record>(step));
    std::string expect;
    for (const auto& e : direct.drain())
        expect += event_to_json(e, config.time) + "\n";
    EXPECT_EQ(watch(three_calls(), config).out, expect);
}

TEST(Watch, TextLinesAndNoHeaderUnlessAsked) {
    WatchConfig config;
    config.time = TimeBase{1700000000000000000};
    Correlator direct;
    for (const auto& step : three_calls())
        direct.feed(std::get<Record>(step));
    std::string expect;
    for (const auto& e : direct.drain())
        expect += event_to_text(e, false, config.time) + "\n";
    const Watched plain = watch(three_calls(), config);
    EXPECT_EQ(plain.out, expect);
    EXPECT_EQ(plain.out.find("\x1b["), std::string::npos);

    config.header = true;
    const Watched headed = watch(three_calls(), config);
    EXPECT_EQ(headed.out, text_header(false) + "\n" + expect);
}

TEST(Watch, HeaderNeverInJson) {
    WatchConfig config = json_config();
    config.header = true;
    for (const auto& line : lines(watch(three_calls(), config).out))
        EXPECT_EQ(line.front(), '{');
}

TEST(Watch, ColourOnlyWhenAsked) {
    WatchConfig config;
    config.colour = true;
    config.header = true;
    const Watched run = watch(three_calls(), config);
    EXPECT_NE(run.out.find("\x1b[32m"), std::string::npos); // loaded, green
    EXPECT_EQ(lines(run.out)[0], text_header(true));
    // stderr is never coloured
    EXPECT_EQ(run.err.find("\x1b["), std::string::npos);
}

TEST(Watch, FilterSelectsEventsAndSummaryCountsTheRest) {
    WatchConfig config = json_config();
    config.filter.modules = {"mt-fail"};
    Watched run = watch(three_calls(), config);
    ASSERT_EQ(lines(run.out).size(), 1U);
    EXPECT_EQ(parse_json(run.out).get<std::string>("module.name"), "mt_fail");
    EXPECT_EQ(run.result.printed, 1U);
    EXPECT_EQ(run.result.filtered, 2U);
    EXPECT_EQ(run.err, "modtrace: 1 events (0 incomplete), no records lost, 2 filtered out\n");

    config.filter = Filter{};
    config.filter.pids = {100, 300};
    run = watch(three_calls(), config);
    ASSERT_EQ(lines(run.out).size(), 2U);
    EXPECT_EQ(parse_json(lines(run.out)[0]).get<int>("pid"), 100);
    EXPECT_EQ(parse_json(lines(run.out)[1]).get<int>("pid"), 300);

    config.filter = Filter{};
    config.filter.failed_only = true;
    run = watch(three_calls(), config);
    ASSERT_EQ(lines(run.out).size(), 1U);
    EXPECT_EQ(parse_json(run.out).get<std::string>("outcome"), "init_failed");

    config.filter = Filter{};
    config.filter.events = {EventKind::DeleteModule, EventKind::FinitModule};
    config.filter.comms = {"mtload"};
    run = watch(three_calls(), config);
    EXPECT_EQ(lines(run.out).size(), 2U);
}

TEST(Watch, CountStopsAfterThatManyPrintedEvents) {
    WatchConfig config = json_config();
    config.count = 1;
    Watched run = watch(three_calls(), config);
    EXPECT_EQ(lines(run.out).size(), 1U);
    EXPECT_EQ(run.result.end, WatchEnd::CountReached);
    EXPECT_EQ(run.result.status(), 0);
    // Stopped at once: the first event ends with record 4, nothing more was read.
    EXPECT_EQ(run.taken, 4U);
    EXPECT_EQ(last_line(run.err), "modtrace: 1 events (0 incomplete), no records lost");

    // Counted after the filter: the second printed event is the delete, the last record.
    config.count = 2;
    config.filter.pids = {100, 300};
    run = watch(three_calls(), config);
    EXPECT_EQ(lines(run.out).size(), 2U);
    EXPECT_EQ(run.result.end, WatchEnd::CountReached);
    EXPECT_EQ(run.taken, 10U);

    // Not reached: the source's end ends the run.
    config.count = 5;
    run = watch(three_calls(), config);
    EXPECT_EQ(run.result.end, WatchEnd::Stopped);
}

TEST(Watch, CountIsNotExceededWhenOneRecordFinishesSeveralEvents) {
    // Two loads left open; a shutdown closes both at once.
    WatchConfig config = json_config();
    config.count = 1;
    const Watched run = watch({finit_enter(1, 100, 1000), init_enter(2, 200, 1100),
                               shutdown_record(3), finit_enter(4, 100, 2000)},
                              config);
    EXPECT_EQ(lines(run.out).size(), 1U);
}

TEST(Watch, ShutdownFlushesOpenCallsAndFails) {
    const Watched run = watch(
        {
            finit_enter(1, 100, 1000, "/lib/mt/mt_sleep.ko"),
            do_init_enter(2, 100, 1100, "mt_sleep"), delete_enter(3, 300, 1200, "mt_clean"),
            delete_exit(4, 300, 1300, 3, 0, 100), shutdown_record(5),
            finit_enter(6, 400, 9000), // nothing after a shutdown is read
        },
        json_config());
    const auto out = lines(run.out);
    ASSERT_EQ(out.size(), 2U);
    const auto open = parse_json(out[1]);
    EXPECT_EQ(open.get<std::string>("event"), "finit_module");
    EXPECT_EQ(open.get<std::string>("module.name"), "mt_sleep");
    EXPECT_EQ(open.get<std::string>("complete"), "false");
    EXPECT_EQ(open.get<std::string>("incomplete_reason"), "shutdown");
    EXPECT_EQ(run.result.end, WatchEnd::Shutdown);
    EXPECT_EQ(run.result.status(), 1);
    EXPECT_EQ(run.taken, 5U);
    EXPECT_EQ(run.err, "modtrace: the kernel module was unloaded\n"
                       "modtrace: 2 events (1 incomplete), no records lost\n");
}

TEST(Watch, FamilyRemovalWithoutNextSeqIsAShutdownToo) {
    Record gone;
    gone.type = RecordType::Shutdown; // what RecordStream makes of CTRL_CMD_DELFAMILY
    const Watched run = watch({init_enter(1, 100, 1000), gone}, json_config());
    EXPECT_EQ(run.result.end, WatchEnd::Shutdown);
    EXPECT_EQ(parse_json(run.out).get<std::string>("incomplete_reason"), "shutdown");
    EXPECT_NE(run.err.find("the kernel module was unloaded"), std::string::npos);
}

TEST(Watch, StopFlushesOpenCallsAsReaderStopped) {
    const Watched run = watch({finit_enter(1, 100, 1000), finit_enter(2, 200, 1100),
                               finit_exit(3, 200, 1200, 2, EEXIST_, 100)},
                              json_config());
    const auto out = lines(run.out);
    ASSERT_EQ(out.size(), 2U);
    EXPECT_EQ(parse_json(out[0]).get<std::string>("errno"), "EEXIST");
    EXPECT_EQ(parse_json(out[1]).get<std::string>("incomplete_reason"), "reader_stopped");
    EXPECT_EQ(run.result.end, WatchEnd::Stopped);
    EXPECT_EQ(run.result.status(), 0);
    EXPECT_EQ(run.err, "modtrace: 2 events (1 incomplete), no records lost\n");
}

TEST(Watch, LossLineOncePerReportAndTotalsInSummary) {
    Record carrying = delete_exit(6, 300, 1300, 5, 0, 100);
    carrying.loss = buffer_full(3); // seqs 2..4, reported with the next record delivered
    Loss sock;
    sock.socket_full = 2;
    const Watched run = watch(
        {
            finit_enter(1, 100, 1000), delete_enter(5, 300, 1200, "mt_clean"), carrying,
            loss_record(sock),                    // the module's LOSS notice: no seq
            finit_exit(9, 100, 2000, 1, 0, 1000), // 7 and 8 lost (the notice's 2)
        },
        json_config());
    // The finit_module spans the lost seqs, any of which may have been its init: incomplete.
    const auto out = lines(run.out);
    ASSERT_EQ(out.size(), 2U);
    EXPECT_EQ(parse_json(out[1]).get<std::string>("incomplete_reason"), "lost_records");
    EXPECT_EQ(run.err, "modtrace: 3 records lost (buffer_full 3)\n"
                       "modtrace: 2 records lost (socket_full 2)\n"
                       "modtrace: 2 events (1 incomplete), 5 records lost (buffer_full 3, "
                       "socket_full 2)\n");
}

TEST(Watch, UnreportedGapsCountInTheSummary) {
    const Watched run =
        watch({delete_enter(1, 300, 1000), delete_exit(3, 300, 1100, 1, 0, 100)}, json_config());
    EXPECT_EQ(run.err, "modtrace: 1 events (0 incomplete), 1 record lost (unreported 1)\n");
}

TEST(Watch, IdleExpiresAGapThatHoldsEventsBack) {
    // Seq 2 never comes and nobody reports it: the delete (1, 3) waits behind the gap until the
    // input has been idle.
    ScriptedSource source({delete_enter(1, 300, 1000), delete_exit(3, 300, 1100, 1, 0, 100),
                           SourceIdle{}, delete_enter(4, 300, 5000)});
    std::ostringstream out;
    std::ostringstream err;
    std::vector<std::string> seen; // the output before each step
    source.on_next = [&](std::size_t) { seen.push_back(out.str()); };
    WatchConfig config = json_config();
    config.idle = std::chrono::milliseconds(123);
    const WatchResult result = watch_events(source, out, err, config);
    ASSERT_EQ(seen.size(), 5U);
    EXPECT_EQ(seen[2], "");               // before the idle: held back
    EXPECT_EQ(lines(seen[3]).size(), 1U); // after it: printed
    EXPECT_EQ(parse_json(seen[3]).get<std::string>("outcome"), "unloaded");
    EXPECT_EQ(result.printed, 2U);
    for (const auto t : source.timeouts)
        EXPECT_EQ(t.count(), 123);
}

// --hidden-check: asked for while records are read, once each interval; what it finds comes
// as records and is printed like any event.
TEST(Watch, HiddenChecksAreAskedForEveryInterval) {
    ScriptedSource source({SourceIdle{}, SourceIdle{}, SourceIdle{},
                           hidden_module(1, 700, 5000, "mthide_later", 1, 4000), SourceIdle{}});
    // Each step takes longer than the interval: every one finds a check due.
    source.on_next = [](std::size_t) { usleep(3000); };
    std::ostringstream out;
    std::ostringstream err;
    WatchConfig config = json_config();
    int asked = 0;
    config.hidden_check = [&]() -> Result<void> {
        ++asked;
        return {};
    };
    config.hidden_check_every = std::chrono::milliseconds(1);
    const WatchResult result = watch_events(source, out, err, config);
    EXPECT_GE(asked, 4);
    EXPECT_LE(asked, 6);
    EXPECT_EQ(result.printed, 1U);
    const auto event = parse_json(out.str());
    EXPECT_EQ(event.get<std::string>("event"), "hidden_module");
    EXPECT_EQ(event.get<std::string>("module.name"), "mthide_later");
    EXPECT_EQ(err.str().find("hidden-module"), std::string::npos) << err.str();
}

// In a burst (records at hand throughout), the clock is looked at for the check every 64
// records, not at each one: 200 records, each step longer than the interval, 3 checks.
TEST(Watch, HiddenChecksDuringABurstComeEvery64Records) {
    std::vector<Step> steps;
    for (std::uint64_t i = 0; i < 100; ++i) {
        steps.push_back(delete_enter(2 * i + 1, 300, 1000 + 10 * i));
        steps.push_back(delete_exit(2 * i + 2, 300, 1005 + 10 * i, 2 * i + 1, 0, 5));
    }
    ScriptedSource source(std::move(steps));
    source.at_hand_until = 1000; // never empty
    source.on_next = [](std::size_t) { usleep(1100); };
    std::ostringstream out;
    std::ostringstream err;
    WatchConfig config = json_config();
    int asked = 0;
    config.hidden_check = [&]() -> Result<void> {
        ++asked;
        return {};
    };
    config.hidden_check_every = std::chrono::milliseconds(1);
    const WatchResult result = watch_events(source, out, err, config);
    EXPECT_EQ(asked, 3);
    EXPECT_EQ(result.printed, 100U);
}

TEST(Watch, AKernelModuleWithoutTheCheckIsAskedOnce) {
    ScriptedSource source({SourceIdle{}, SourceIdle{}, SourceIdle{}, SourceIdle{}});
    source.on_next = [](std::size_t) { usleep(3000); };
    std::ostringstream out;
    std::ostringstream err;
    WatchConfig config = json_config();
    int asked = 0;
    config.hidden_check = [&]() -> Result<void> {
        ++asked;
        return Error{"asking for a hidden-module check: Operation not supported", EOPNOTSUPP};
    };
    config.hidden_check_every = std::chrono::milliseconds(1);
    const WatchResult result = watch_events(source, out, err, config);
    EXPECT_EQ(asked, 1);
    EXPECT_EQ(result.end, WatchEnd::Stopped);
    EXPECT_NE(err.str().find("modtrace: asking for a hidden-module check: Operation not supported; "
                             "the kernel module cannot look for hidden modules\n"),
              std::string::npos)
        << err.str();
}

TEST(Watch, SourceFailureFlushesAndFails) {
    const Watched run =
        watch({finit_enter(1, 100, 1000), Error{"receiving from the kernel: boom"}}, json_config());
    EXPECT_EQ(parse_json(run.out).get<std::string>("incomplete_reason"), "reader_stopped");
    EXPECT_EQ(run.result.end, WatchEnd::Failed);
    EXPECT_EQ(run.result.status(), 1);
    EXPECT_EQ(run.err, "modtrace: receiving from the kernel: boom\n"
                       "modtrace: 1 events (1 incomplete), no records lost\n");
}

TEST(Watch, UnwritableOutputFails) {
    ScriptedSource source(three_calls());
    std::ostringstream out;
    out.setstate(std::ios::badbit);
    std::ostringstream err;
    const WatchResult result = watch_events(source, out, err, json_config());
    EXPECT_EQ(result.end, WatchEnd::Failed);
    EXPECT_EQ(result.status(), 1);
    EXPECT_EQ(source.taken, 4U); // stopped at the first event
    EXPECT_EQ(lines(err.str()).front(), "modtrace: cannot write the output");
    EXPECT_NE(last_line(err.str()).find("events"), std::string::npos);
}

// An output that counts its flushes and keeps what each one wrote out.
class FlushCounter : public std::stringbuf {
public:
    int flushes = 0;
    std::string flushed;

protected:
    int sync() override {
        ++flushes;
        flushed = str();
        return 0;
    }
};

TEST(Watch, LinesAtHandGoOutInOneWrite) {
    ScriptedSource source(three_calls());
    source.at_hand_until = 1000; // the whole burst is already received
    FlushCounter buffer;
    std::ostream out(&buffer);
    std::ostringstream err;
    const WatchResult result = watch_events(source, out, err, json_config());
    EXPECT_EQ(result.printed, 3U);
    EXPECT_EQ(buffer.flushes, 1);
    EXPECT_EQ(lines(buffer.flushed).size(), 3U);
}

// An output that keeps each write it is given apart.
class WriteRecorder : public std::stringbuf {
public:
    std::vector<std::string> writes;

protected:
    std::streamsize xsputn(const char* s, std::streamsize n) override {
        writes.emplace_back(s, static_cast<std::size_t>(n));
        return std::stringbuf::xsputn(s, n);
    }
};

TEST(Watch, ALongBurstGoesOutInChunksOfWholeLines) {
    // 400 failing calls at hand at once: far more output than one chunk (64 KiB).
    std::vector<Step> steps;
    for (std::uint64_t i = 0; i < 400; ++i) {
        const std::uint64_t seq = 2 * i + 1;
        steps.push_back(finit_enter(seq, 100, 1000 + 10 * seq, "/lib/mt/mt_clean.ko", "count=3"));
        steps.push_back(finit_exit(seq + 1, 100, 1005 + 10 * seq, seq, -9, 5));
    }
    ScriptedSource source(std::move(steps));
    source.at_hand_until = 10000;
    WriteRecorder buffer;
    std::ostream out(&buffer);
    std::ostringstream err;
    const WatchResult result = watch_events(source, out, err, json_config());
    EXPECT_EQ(result.printed, 400U);
    const std::vector<std::string> all = lines(buffer.str());
    ASSERT_EQ(all.size(), 400U);
    EXPECT_GT(buffer.writes.size(), 1U);
    EXPECT_LT(buffer.writes.size(), 20U); // not a write per line
    for (const std::string& w : buffer.writes) {
        EXPECT_EQ(w.back(), '\n');
        EXPECT_LT(w.size(), 64U * 1024 + all.front().size() + 1);
    }
    for (std::size_t i = 0; i < all.size(); ++i)
        EXPECT_NE(all[i].find("\"seq\":" + std::to_string(2 * i + 1) + ","), std::string::npos)
            << all[i];
}

TEST(Watch, NoLineIsHeldBackWhileWaiting) {
    ScriptedSource source(three_calls());
    FlushCounter buffer;
    std::ostream out(&buffer);
    // Whenever the source may wait, every line printed so far has been written out.
    std::size_t checked = 0;
    source.on_next = [&](std::size_t) {
        EXPECT_EQ(buffer.flushed, buffer.str());
        ++checked;
    };
    std::ostringstream err;
    const WatchResult result = watch_events(source, out, err, json_config());
    EXPECT_EQ(result.printed, 3U);
    EXPECT_EQ(buffer.flushes, 3); // one per event: nothing was at hand
    EXPECT_EQ(checked, source.taken + 1);
    EXPECT_EQ(buffer.flushed, buffer.str());
}

TEST(Watch, NothingSeenStillEndsWithASummary) {
    const Watched run = watch({}, WatchConfig{});
    EXPECT_EQ(run.out, "");
    EXPECT_EQ(run.err, "modtrace: 0 events (0 incomplete), no records lost\n");
}

TEST(Watch, FirstSeqMakesEarlierGapsLosses) {
    // Subscribed at next_seq 1: seqs 1 and 2 were lost before the first record arrived.
    WatchConfig config = json_config();
    config.correlator.first_seq = 1;
    const Watched run =
        watch({delete_enter(3, 300, 1000), delete_exit(4, 300, 1100, 3, 0, 100)}, config);
    EXPECT_EQ(lines(run.out).size(), 1U);
    EXPECT_EQ(last_line(run.err), "modtrace: 1 events (0 incomplete), 2 records lost "
                                  "(unreported 2)");
}

TEST(Watch, SuccessWithoutInitBeforeALossNoticeIsNotWaited) {
    Loss skipped;
    skipped.nmissed = 2;
    const Watched run = watch(
        {finit_enter(1, 100, 1000), finit_exit(2, 100, 1300, 1, 0, 300), loss_record(skipped)},
        json_config());
    const auto out = lines(run.out);
    ASSERT_EQ(out.size(), 1U);
    const auto tree = parse_json(out[0]);
    EXPECT_EQ(tree.get<std::string>("outcome"), "loaded");
    EXPECT_EQ(tree.get<std::string>("module"), "null");
    EXPECT_EQ(tree.get<std::string>("complete"), "false");
    EXPECT_EQ(tree.get<std::string>("incomplete_reason"), "lost_records");
    EXPECT_EQ(run.err, "modtrace: 2 records lost (nmissed 2)\n"
                       "modtrace: 1 events (1 incomplete), 2 records lost (nmissed 2)\n");
}

TEST(Watch, TimeBaseIsTakenAgainAtEveryBurst) {
    // Two records at hand (one burst), then two that each came after a wait.
    ScriptedSource source({delete_enter(1, 300, 1000), delete_exit(2, 300, 1100, 1, 0, 100),
                           delete_enter(3, 300, 2000), delete_exit(4, 300, 2100, 3, 0, 100)});
    source.at_hand_until = 2;
    WatchConfig config = json_config();
    std::int64_t reads = 0;
    // Each read finds the clocks another second apart (a suspend, a step of the wall clock).
    config.clock = [&] { return TimeBase{++reads * 1000000000LL}; };
    std::ostringstream out;
    std::ostringstream err;
    watch_events(source, out, err, config);
    EXPECT_EQ(reads, 3);
    const auto printed = lines(out.str());
    ASSERT_EQ(printed.size(), 2U);
    EXPECT_EQ(parse_json(printed[0]).get<std::string>("time"), "1970-01-01T00:00:01.000001000Z");
    EXPECT_EQ(parse_json(printed[1]).get<std::string>("time"), "1970-01-01T00:00:03.000002000Z");
}

TEST(Watch, WithoutAClockOneTimeBaseServesTheRun) {
    WatchConfig config = json_config();
    config.time = TimeBase{5000000000LL};
    const auto out = lines(watch(three_calls(), config).out);
    ASSERT_EQ(out.size(), 3U);
    EXPECT_EQ(parse_json(out[2]).get<std::string>("time"), "1970-01-01T00:00:05.000003000Z");
}

// --- --resume ----------------------------------------------------------------------------------

// A ResumeConfig whose saves land in `saved`, every one of them (no interval).
ResumeConfig resume_into(std::vector<Cursor>& saved, std::uint64_t done = 0) {
    ResumeConfig r;
    r.instance = 0xabc;
    r.done = done;
    r.interval = std::chrono::milliseconds(0);
    r.save = [&saved](const Cursor& c) -> Result<void> {
        saved.push_back(c);
        return {};
    };
    return r;
}

std::vector<std::string> pids_of(const std::string& out) {
    std::vector<std::string> pids;
    for (const auto& line : lines(out))
        pids.push_back(parse_json(line).get<std::string>("pid"));
    return pids;
}

TEST(WatchResume, TheCursorFollowsWhatWasPrinted) {
    std::vector<Cursor> saved;
    WatchConfig config = json_config();
    config.resume = resume_into(saved);
    const Watched run = watch(three_calls(), config);
    EXPECT_EQ(pids_of(run.out), (std::vector<std::string>{"100", "200", "300"}));
    ASSERT_FALSE(saved.empty());
    // After the last record: everything printed, the next run starts after seq 10.
    EXPECT_EQ(saved.back(), (Cursor{0xabc, 11, 10}));
}

TEST(WatchResume, AStopLeavesOpenCallsToTheNextRun) {
    std::vector<Cursor> saved;
    WatchConfig config = json_config();
    config.resume = resume_into(saved);
    // pid 100's load is open (its init sleeps) when the reader is stopped; pid 200's failure
    // after it is complete.
    const Watched first =
        watch({finit_enter(1, 100, 1000), do_init_enter(2, 100, 1100, "mt_sleep"),
               finit_enter(3, 200, 1200), finit_exit(4, 200, 1300, 3, EEXIST_, 100)},
              config);
    EXPECT_EQ(pids_of(first.out), (std::vector<std::string>{"200"})); // no reader_stopped fragment
    EXPECT_EQ(first.result.end, WatchEnd::Stopped);
    ASSERT_FALSE(saved.empty());
    const Cursor at = saved.back();
    EXPECT_EQ(at, (Cursor{0xabc, 1, 4})); // from the open call's entry; 4 seen

    // The next run gets the history from seq 1 and prints the load, whole, and not pid 200's
    // call again.
    std::vector<Cursor> saved2;
    WatchConfig again = json_config();
    again.resume = resume_into(saved2, at.done);
    again.correlator.first_seq = at.from;
    const Watched second = watch(
        {finit_enter(1, 100, 1000), do_init_enter(2, 100, 1100, "mt_sleep"),
         finit_enter(3, 200, 1200), finit_exit(4, 200, 1300, 3, EEXIST_, 100),
         do_init_exit(5, 100, 5000, 2, 0, "mt_sleep", 3900), finit_exit(6, 100, 5100, 1, 0, 4100)},
        again);
    const auto out = lines(second.out);
    ASSERT_EQ(out.size(), 1U);
    const auto ev = parse_json(out[0]);
    EXPECT_EQ(ev.get<std::string>("pid"), "100");
    EXPECT_EQ(ev.get<std::string>("outcome"), "loaded");
    EXPECT_EQ(ev.get<std::string>("complete"), "true");
    EXPECT_EQ(second.err,
              "modtrace: 1 events (0 incomplete), no records lost, 1 printed before (--resume)\n");
    EXPECT_EQ(saved2.back(), (Cursor{0xabc, 7, 6}));
}

TEST(WatchResume, AShutdownStillEndsOpenCalls) {
    std::vector<Cursor> saved;
    WatchConfig config = json_config();
    config.resume = resume_into(saved);
    const Watched run = watch({finit_enter(1, 100, 1000), shutdown_record(2)}, config);
    // The instance is gone: nothing will finish the call, so it is printed now.
    EXPECT_EQ(parse_json(last_line(run.out)).get<std::string>("incomplete_reason"), "shutdown");
    EXPECT_EQ(run.result.end, WatchEnd::Shutdown);
}

TEST(WatchResume, ACursorThatCannotBeSavedEndsTheRun) {
    WatchConfig config = json_config();
    ResumeConfig r;
    r.instance = 1;
    r.interval = std::chrono::milliseconds(0);
    r.save = [](const Cursor&) -> Result<void> { return Error{"cannot write the resume file x"}; };
    config.resume = r;
    const Watched run = watch(three_calls(), config);
    EXPECT_EQ(run.result.end, WatchEnd::Failed);
    EXPECT_EQ(run.result.status(), 1);
    EXPECT_NE(run.err.find("modtrace: cannot write the resume file x\n"), std::string::npos)
        << run.err;
}

TEST(WatchReplay, HistoryThenLiveIsOneStream) {
    // A reader that asked for the history from seq 1: seqs 1-3 were pushed out of it (reported
    // as lost, cause history, at the switch to live), then what it still held (4-7), then live.
    Record switched = finit_exit(11, 500, 9000, 8, 0, 1000);
    switched.loss = Loss{};
    switched.loss->history = 3;
    WatchConfig config = json_config();
    config.correlator.first_seq = 1;
    const Watched run =
        watch({finit_enter(4, 300, 4000), finit_exit(5, 300, 4100, 4, EEXIST_, 10),
               delete_enter(6, 400, 5000, "mt_clean"), delete_exit(7, 400, 5100, 6, 0, 10),
               finit_enter(8, 500, 8000), SourceIdle{}, do_init_enter(9, 500, 8500, "mt_clean"),
               do_init_exit(10, 500, 8900, 9, 0, "mt_clean", 400), switched},
              config);
    EXPECT_EQ(pids_of(run.out), (std::vector<std::string>{"300", "400", "500"}));
    EXPECT_EQ(parse_json(last_line(run.out)).get<std::string>("complete"), "true");
    EXPECT_EQ(run.err, "modtrace: 3 records lost (history 3)\n"
                       "modtrace: 3 events (0 incomplete), 3 records lost (history 3)\n");
}

TEST(WatchBrokenPipe, AClosedOutputEndsTheRunWithItsSummary) {
    // `modtrace --json | head -n1`: the output's reader is gone. In a child, as main() sets it
    // up: the write fails, the reader says so and prints its summary, exit 1, no SIGPIPE.
    int out[2];
    int err[2];
    ASSERT_EQ(pipe(out), 0);
    ASSERT_EQ(pipe(err), 0);
    close(out[0]);
    std::fflush(nullptr);
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        dup2(out[1], STDOUT_FILENO);
        dup2(err[1], STDERR_FILENO);
        close(err[0]);
        if (!ignore_broken_pipes())
            _exit(3);
        ScriptedSource source(three_calls());
        const WatchResult result = watch_events(source, std::cout, std::cerr, json_config());
        std::cerr.flush();
        _exit(result.status());
    }
    close(out[1]);
    close(err[1]);
    std::string text;
    char buf[512];
    for (ssize_t n; (n = read(err[0], buf, sizeof buf)) > 0;)
        text.append(buf, static_cast<std::size_t>(n));
    close(err[0]);
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFEXITED(status)) << "killed by signal " << WTERMSIG(status);
    EXPECT_EQ(WEXITSTATUS(status), 1);
    const auto said = lines(text);
    ASSERT_EQ(said.size(), 2U) << text;
    EXPECT_EQ(said[0], "modtrace: cannot write the output");
    EXPECT_EQ(said[1].rfind("modtrace: ", 0), 0U) << said[1];
    EXPECT_NE(said[1].find(" events ("), std::string::npos) << said[1];
}

TEST(RecordSource, ListSourceNeverIdles) {
    ListSource source({delete_enter(1, 3, 10), delete_exit(2, 3, 20, 1, 0, 10)});
    for (int i = 0; i < 2; ++i) {
        auto got = source.next_for(std::chrono::milliseconds(0));
        ASSERT_TRUE(got);
        EXPECT_TRUE(std::holds_alternative<Record>(*got));
    }
    auto end = source.next_for(std::chrono::milliseconds(0));
    ASSERT_TRUE(end);
    EXPECT_TRUE(std::holds_alternative<SourceEnded>(*end));
}

// --journal: entries instead of lines, kept in a list; refuses from the `fail_from`th entry on.
class ListJournal final : public JournalSink {
public:
    Result<void> send(const JournalEntry& entry) override {
        if (entries.size() >= fail_from)
            return Error{"cannot write to the journal: No such file or directory", ENOENT};
        entries.push_back(entry);
        return {};
    }
    std::vector<JournalEntry> entries;
    std::size_t fail_from = SIZE_MAX;
};

std::string field(const JournalEntry& entry, const std::string& name) {
    for (const auto& f : entry) {
        if (f.starts_with(name + "="))
            return f.substr(name.size() + 1);
    }
    return "<absent>";
}

TEST(WatchJournal, EventsAndTheSummaryAreEntriesAndNothingIsPrinted) {
    ListJournal journal;
    WatchConfig config;
    config.journal = &journal;
    config.header = true; // a terminal's header is no journal entry
    config.time = TimeBase{1700000000000000000};
    const Watched run = watch(three_calls(), config);
    EXPECT_EQ(run.out, "");
    EXPECT_EQ(run.err, "");
    EXPECT_EQ(run.result.printed, 3U);
    EXPECT_EQ(run.result.status(), 0);
    ASSERT_EQ(journal.entries.size(), 4U);
    Correlator direct;
    for (const auto& step : three_calls())
        direct.feed(std::get<Record>(step));
    const auto events = direct.drain();
    ASSERT_EQ(events.size(), 3U);
    for (std::size_t i = 0; i < 3; ++i)
        EXPECT_EQ(journal.entries[i], event_entry(events[i], config.time));
    EXPECT_EQ(journal.entries[3],
              stop_entry("modtrace: 3 events (0 incomplete), no records lost", "stopped", 3, 0, 0));
}

TEST(WatchJournal, LossesAndTheUnloadAreEntriesToo) {
    ListJournal journal;
    WatchConfig config;
    config.journal = &journal;
    Record carrying = delete_exit(3, 300, 1300, 1, 0, 100);
    carrying.loss = buffer_full(1);
    const Watched run =
        watch({delete_enter(1, 300, 1200, "mt_clean"), carrying, shutdown_record(4)}, config);
    EXPECT_EQ(run.out, "");
    EXPECT_EQ(run.err, "");
    EXPECT_EQ(run.result.end, WatchEnd::Shutdown);
    EXPECT_EQ(run.result.status(), 1);
    ASSERT_EQ(journal.entries.size(), 4U);
    EXPECT_EQ(field(journal.entries[0], "MODTRACE_OUTCOME"), "unloaded");
    EXPECT_EQ(journal.entries[1], loss_entry(buffer_full(1)));
    EXPECT_EQ(field(journal.entries[2], "MESSAGE"), "the kernel module was unloaded");
    EXPECT_EQ(field(journal.entries[2], "PRIORITY"), "1");
    EXPECT_EQ(field(journal.entries[3], "MODTRACE_END"), "shutdown");
    EXPECT_EQ(field(journal.entries[3], "MESSAGE"),
              "stopped: 1 events (0 incomplete), 1 record lost (buffer_full 1)");
}

TEST(WatchJournal, AJournalThatRefusesEndsTheRunWithTheSummaryOnStderr) {
    ListJournal journal;
    journal.fail_from = 1;
    WatchConfig config;
    config.journal = &journal;
    const Watched run = watch(three_calls(), config);
    EXPECT_EQ(run.result.end, WatchEnd::Failed);
    EXPECT_EQ(run.result.status(), 1);
    EXPECT_EQ(run.result.printed, 1U);
    EXPECT_EQ(run.taken, 8U); // stopped at the second event
    EXPECT_EQ(run.out, "");
    EXPECT_EQ(run.err, "modtrace: cannot write to the journal: No such file or directory\n"
                       "modtrace: 1 events (0 incomplete), no records lost\n");
    EXPECT_EQ(journal.entries.size(), 1U);
}

TEST(WatchJournal, ASourceFailureIsOnStderrAndEndsTheJournalsEntries) {
    ListJournal journal;
    WatchConfig config;
    config.journal = &journal;
    const Watched run = watch({finit_enter(1, 100, 1000), Error{"receiving: boom"}}, config);
    EXPECT_EQ(run.err, "modtrace: receiving: boom\n");
    ASSERT_EQ(journal.entries.size(), 2U);
    EXPECT_EQ(field(journal.entries[0], "MODTRACE_INCOMPLETE_REASON"), "reader_stopped");
    EXPECT_EQ(field(journal.entries[1], "MODTRACE_END"), "failed");
    EXPECT_EQ(field(journal.entries[1], "PRIORITY"), "3");
}

TEST(WatchJournal, EndNames) {
    EXPECT_EQ(watch_end_name(WatchEnd::Stopped), "stopped");
    EXPECT_EQ(watch_end_name(WatchEnd::CountReached), "count_reached");
    EXPECT_EQ(watch_end_name(WatchEnd::Shutdown), "shutdown");
    EXPECT_EQ(watch_end_name(WatchEnd::Failed), "failed");
}

} // namespace
