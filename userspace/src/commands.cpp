// The reader's mode loops.
#include "commands.hpp"

#include "raw.hpp"
#include "self_unload.hpp"

#include <variant>

namespace modtrace {

Result<void> print_raw(RecordSource& source, std::ostream& out) {
    SelfUnloadWitness witness;
    for (;;) {
        auto next = source.next();
        if (!next)
            return next.error();
        if (!*next)
            return {};
        const Record& record = **next;
        witness.feed(record);
        out << record_to_json(record) << '\n';
        if (!source.at_hand())
            out.flush();
        if (!out)
            return Error{"cannot write the output"};
        if (record.type == RecordType::Shutdown)
            return Error{witness.unloaded_line()};
    }
}

WatchResult watch_events(RecordSource& source, std::ostream& out, std::ostream& err,
                         const WatchConfig& config) {
    WatchResult result;
    TimeBase time = config.time;
    std::uint64_t printed_incomplete = 0;
    bool write_failed = false;
    bool unflushed = false;
    bool count_reached = false;

    const auto print = [&](Event&& event) {
        if (write_failed || count_reached)
            return;
        if (!config.filter.matches(event)) {
            ++result.filtered;
            return;
        }
        // Flushed by the loop below once no more input is at hand.
        out << (config.json ? event_to_json(event, time)
                            : event_to_text(event, config.colour, time))
            << '\n';
        unflushed = true;
        if (!out) {
            write_failed = true;
            return;
        }
        ++result.printed;
        if (!event.complete)
            ++printed_incomplete;
        if (config.count && result.printed >= *config.count)
            count_reached = true;
    };
    Correlator correlator(config.correlator, print);
    SelfUnloadWitness witness;

    if (config.header && !config.json) {
        out << text_header(config.colour) << '\n' << std::flush;
        write_failed = !out;
    }

    // Lines are written when nothing more is at hand: one write for what a burst of records
    // produced, and never a line held back while the reader waits.
    const auto flush = [&] {
        if (write_failed || !unflushed)
            return;
        out.flush();
        unflushed = false;
        write_failed = !out;
    };

    std::optional<Error> failure;
    bool burst_start = true;
    for (;;) {
        if (!source.at_hand()) {
            flush();
            burst_start = true;
        }
        if (write_failed) {
            result.end = WatchEnd::Failed;
            break;
        }
        if (count_reached) {
            result.end = WatchEnd::CountReached;
            break;
        }
        auto got = source.next_for(config.idle);
        if (!got) {
            // What is open will not be finished: show it rather than lose it.
            correlator.flush(IncompleteReason::ReaderStopped);
            failure = got.error();
            result.end = WatchEnd::Failed;
            break;
        }
        if (std::holds_alternative<SourceIdle>(*got)) {
            correlator.expire();
            continue;
        }
        if (std::holds_alternative<SourceEnded>(*got)) {
            correlator.flush(IncompleteReason::ReaderStopped);
            result.end = WatchEnd::Stopped;
            break;
        }
        const Record& record = std::get<Record>(*got);
        if (burst_start && config.clock) {
            time = config.clock();
            burst_start = false;
        }
        witness.feed(record);
        correlator.feed(record);
        if (record.loss && record.loss->any())
            err << loss_line(*record.loss) << '\n' << std::flush;
        if (record.type == RecordType::Shutdown) {
            // The correlator flushed what was open as incomplete (shutdown), and printed it.
            result.end = WatchEnd::Shutdown;
            break;
        }
    }

    flush();
    if (write_failed) {
        result.end = WatchEnd::Failed;
        err << "modtrace: cannot write the output\n";
    } else if (failure) {
        err << "modtrace: " << failure->message << '\n';
    } else if (result.end == WatchEnd::Shutdown) {
        err << "modtrace: " << witness.unloaded_line() << '\n';
    }

    CorrelatorSummary shown = correlator.summary();
    shown.events = result.printed;
    shown.incomplete = printed_incomplete;
    err << summary_line(shown, correlator.totals());
    if (result.filtered != 0)
        err << ", " << result.filtered << " filtered out";
    err << '\n' << std::flush;
    return result;
}

} // namespace modtrace
