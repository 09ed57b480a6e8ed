// The reader's mode loops.
#include "commands.hpp"

#include "json.hpp"
#include "raw.hpp"
#include "self_unload.hpp"

#include <cerrno>
#include <variant>

namespace modtrace {

namespace {

// The most output held before it is written, whatever is still at hand.
constexpr std::size_t kOutputChunk = 64 * 1024;
// Records in a burst between two looks at the clock (for the hidden check).
constexpr std::size_t kRecordsPerClock = 64;

} // namespace

Result<void> CursorSaver::update(const Cursor& cursor, bool now) {
    if (!config_)
        return {};
    if (cursor != last_)
        pending_ = true;
    if (!pending_)
        return {};
    const auto t = std::chrono::steady_clock::now();
    if (!now && t - saved_at_ < config_->interval)
        return {};
    if (auto ok = config_->save(cursor); !ok)
        return ok;
    last_ = cursor;
    saved_at_ = t;
    pending_ = false;
    return {};
}

Result<void> print_raw(RecordSource& source, std::ostream& out, const ResumeConfig* resume) {
    SelfUnloadWitness witness;
    CursorSaver saver(resume);
    Cursor at = resume ? Cursor{resume->instance, resume->done + 1, resume->done} : Cursor{};
    // The cursor after what was written and flushed.
    const auto save = [&](bool now) -> Result<void> {
        if (auto ok = saver.update(at, now); !ok)
            return ok;
        return {};
    };
    for (;;) {
        auto got = source.next_for(std::chrono::milliseconds(500));
        if (!got)
            return got.error();
        if (std::holds_alternative<SourceIdle>(*got)) {
            if (auto ok = save(true); !ok)
                return ok;
            continue;
        }
        if (std::holds_alternative<SourceEnded>(*got))
            return save(true);
        const Record& record = std::get<Record>(*got);
        witness.feed(record);
        const bool again = resume && record.seq && *record.seq <= resume->done;
        if (!again)
            out << record_to_json(record) << '\n';
        if (record.seq && *record.seq >= at.from) {
            at.done = std::max(at.done, *record.seq);
            at.from = at.done + 1;
        }
        if (!source.at_hand() || record.type == RecordType::Shutdown) {
            out.flush();
            if (!out)
                return Error{"cannot write the output"};
            if (auto ok = save(record.type == RecordType::Shutdown); !ok)
                return ok;
        }
        if (!out)
            return Error{"cannot write the output"};
        if (record.type == RecordType::Shutdown)
            return Error{witness.unloaded_line()};
    }
}

std::string_view watch_end_name(WatchEnd end) {
    switch (end) {
    case WatchEnd::Stopped:
        return "stopped";
    case WatchEnd::CountReached:
        return "count_reached";
    case WatchEnd::Shutdown:
        return "shutdown";
    case WatchEnd::Failed:
        break;
    }
    return "failed";
}

WatchResult watch_events(RecordSource& source, std::ostream& out, std::ostream& err,
                         const WatchConfig& config) {
    WatchResult result;
    TimeBase time = config.time;
    std::uint64_t printed_incomplete = 0;
    bool write_failed = false;
    bool unflushed = false;
    bool count_reached = false;
    // --journal: why the journal refused an entry.
    std::optional<Error> journal_error;
    const auto to_journal = [&](const JournalEntry& entry) {
        if (journal_error)
            return false;
        if (auto sent = config.journal->send(entry); !sent) {
            journal_error = sent.error();
            write_failed = true;
            return false;
        }
        return true;
    };
    // The lines not written yet: a burst's events go out in one write, or in chunks of
    // kOutputChunk bytes when it is longer, rather than a line at a time.
    std::string lines;
    JsonWriter json(1024);
    const auto write_lines = [&] {
        if (lines.empty() || write_failed)
            return;
        out.write(lines.data(), static_cast<std::streamsize>(lines.size()));
        lines.clear();
        unflushed = true;
        write_failed = !out;
    };
    std::uint64_t again = 0; // events a run before printed (--resume)
    const ResumeConfig* resume = config.resume ? &*config.resume : nullptr;

    const auto print = [&](Event&& event) {
        if (write_failed || count_reached)
            return;
        if (resume && event.last_seq != 0 && event.last_seq <= resume->done) {
            ++again;
            return;
        }
        if (!config.filter.matches(event)) {
            ++result.filtered;
            return;
        }
        if (config.journal) {
            if (!to_journal(event_entry(event, time)))
                return;
        } else {
            // Collected, and written by the loop below once no more input is at hand.
            switch (config.format) {
            case OutputFormat::Text:
                lines += event_to_text(event, config.colour, time);
                break;
            case OutputFormat::Json:
                json.clear();
                write_event_json(json, event, time);
                lines += json.str();
                break;
            case OutputFormat::Ocsf:
                lines += event_to_ocsf(event, time, config.host);
                break;
            }
            lines += '\n';
            if (lines.size() >= kOutputChunk)
                write_lines();
            if (write_failed)
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
    CursorSaver saver(resume);
    std::optional<Error> failure;
    // Where a run after this one starts to print nothing twice and miss nothing.
    const auto cursor = [&] {
        const std::uint64_t done =
            std::max(resume->done, correlator.processed_through().value_or(0));
        return Cursor{resume->instance, correlator.resume_seq().value_or(done + 1), done};
    };
    bool save_failed = false;
    const auto save = [&](bool now) {
        if (!resume || save_failed)
            return;
        if (auto ok = saver.update(cursor(), now); !ok) {
            save_failed = true;
            if (!failure)
                failure = ok.error();
        }
    };

    if (config.header && config.format == OutputFormat::Text && !config.journal) {
        out << text_header(config.colour) << '\n' << std::flush;
        write_failed = !out;
    }

    // Lines are written when nothing more is at hand: one write for what a burst of records
    // produced, and never a line held back while the reader waits.
    const auto flush = [&] {
        write_lines();
        if (write_failed || !unflushed)
            return;
        out.flush();
        unflushed = false;
        write_failed = !out;
    };

    // At the top of the loop, so at most `idle` late while input is quiet.
    bool checking = config.hidden_check && config.hidden_check_every.count() > 0;
    auto check_due = std::chrono::steady_clock::now() + config.hidden_check_every;
    const auto check_hidden = [&] {
        const auto now = std::chrono::steady_clock::now();
        if (!checking || now < check_due)
            return;
        check_due = now + config.hidden_check_every;
        auto ok = config.hidden_check();
        if (ok)
            return;
        // A kernel module without the command will not learn it.
        checking = ok.error().code != EOPNOTSUPP;
        err << "modtrace: " << ok.error().message
            << (checking ? "" : "; the kernel module cannot look for hidden modules") << '\n'
            << std::flush;
    };

    bool burst_start = true;
    // The clock is read for the hidden check once a burst, or every kRecordsPerClock records
    // of a long one, not once a record.
    std::size_t unclocked = 0;
    for (;;) {
        if (++unclocked == kRecordsPerClock || !source.at_hand()) {
            check_hidden();
            unclocked = 0;
        }
        if (!source.at_hand()) {
            flush();
            if (!write_failed)
                save(false);
            burst_start = true;
        }
        if (write_failed || failure) {
            result.end = WatchEnd::Failed;
            break;
        }
        if (count_reached) {
            result.end = WatchEnd::CountReached;
            break;
        }
        auto got = source.next_for(config.idle);
        if (!got) {
            // What is open will not be finished: show it rather than lose it (or, resuming,
            // leave it to the next run).
            if (!resume)
                correlator.flush(IncompleteReason::ReaderStopped);
            failure = got.error();
            result.end = WatchEnd::Failed;
            break;
        }
        if (std::holds_alternative<SourceIdle>(*got)) {
            correlator.expire();
            flush();
            save(true);
            continue;
        }
        if (std::holds_alternative<SourceEnded>(*got)) {
            if (!resume)
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
        if (record.loss && record.loss->any()) {
            if (config.journal)
                (void)to_journal(loss_entry(*record.loss));
            else
                err << loss_line(*record.loss) << '\n' << std::flush;
        }
        if (record.type == RecordType::Shutdown) {
            // The correlator flushed what was open as incomplete (shutdown), and printed it.
            result.end = WatchEnd::Shutdown;
            break;
        }
    }

    flush();
    if (!write_failed)
        save(true);
    if (result.end == WatchEnd::Shutdown && config.journal && !write_failed && !failure)
        (void)to_journal(unload_entry(witness));
    if (journal_error) {
        result.end = WatchEnd::Failed;
        err << "modtrace: " << journal_error->message << '\n';
    } else if (write_failed) {
        result.end = WatchEnd::Failed;
        err << "modtrace: cannot write the output\n";
    } else if (failure) {
        result.end = WatchEnd::Failed;
        err << "modtrace: " << failure->message << '\n';
    } else if (result.end == WatchEnd::Shutdown && !config.journal) {
        err << "modtrace: " << witness.unloaded_line() << '\n';
    }

    CorrelatorSummary shown = correlator.summary();
    shown.events = result.printed;
    shown.incomplete = printed_incomplete;
    std::string summary = summary_line(shown, correlator.totals());
    if (result.filtered != 0)
        summary += ", " + std::to_string(result.filtered) + " filtered out";
    if (again != 0)
        summary += ", " + std::to_string(again) + " printed before (--resume)";
    // The journal has the summary unless it is the journal that failed.
    if (!config.journal || journal_error ||
        !to_journal(stop_entry(summary, watch_end_name(result.end), result.printed,
                               printed_incomplete, result.filtered)))
        err << summary << '\n';
    err << std::flush;
    return result;
}

} // namespace modtrace
