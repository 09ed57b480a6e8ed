// The loops behind the reader's modes, written against RecordSource and streams so that tests
// can run them without a kernel.
#pragma once

#include "correlate.hpp"
#include "cursor.hpp"
#include "event_format.hpp"
#include "filter.hpp"
#include "journal.hpp"
#include "ocsf.hpp"
#include "record_source.hpp"
#include "result.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <ostream>

namespace modtrace {

// --resume: where the output of the reader that used the cursor file got to, and how to save
// where this one gets to. Saved after a burst of output is flushed, at most every `interval`
// (a burst that comes sooner is saved once the source is idle or the run ends).
struct ResumeConfig {
    std::uint64_t instance = 0; // the kernel module instance read
    // What was printed before: events whose records are all at or below it (records, in raw
    // mode) are not printed again. 0: nothing.
    std::uint64_t done = 0;
    std::function<Result<void>(const Cursor&)> save;
    std::chrono::milliseconds interval{100};
};

// Saves the cursor for a run: when due, and only when it moved.
class CursorSaver {
public:
    explicit CursorSaver(const ResumeConfig* config) : config_(config) {
        if (config_)
            last_ = Cursor{config_->instance, config_->done + 1, config_->done};
    }
    // A new position; saved now when `now` or the interval has passed since the last save.
    Result<void> update(const Cursor& cursor, bool now);
    bool pending() const { return pending_; }

private:
    const ResumeConfig* config_;
    Cursor last_;
    bool pending_ = false;
    std::chrono::steady_clock::time_point saved_at_{};
};

// `modtrace --raw`: every record of `source` as one JSON line, flushed line by line (the output
// may be a file that another process reads while it grows). Succeeds when the source ends; a
// SHUTDOWN record is printed and then reported as the Error "the kernel module was unloaded".
// With `resume`, records at or below its `done` are not printed again, and the cursor is saved.
Result<void> print_raw(RecordSource& source, std::ostream& out,
                       const ResumeConfig* resume = nullptr);

// How event mode prints.
struct WatchConfig {
    CorrelatorConfig correlator;
    Filter filter;
    OutputFormat format = OutputFormat::Text;
    OcsfHost host;       // OCSF only: every event's device
    bool colour = false; // text only
    bool header = false; // text only: text_header() first (stdout is a terminal)
    // --journal: every event, loss report, the unload notice and the summary go to this sink as
    // entries (journal.hpp) instead of to the output and stderr; `json`, `colour` and `header`
    // do not apply. A failed send ends the run as a failed write does.
    JournalSink* journal = nullptr;
    // Stop once this many events were printed.
    std::optional<std::uint64_t> count;
    // Where events are placed on the wall clock. With `clock`, the time base is read from it
    // again at the start of every burst of records (the first record after the source was
    // waited on), so that a suspend or a step of the wall clock moves only what follows it;
    // without one, `time` serves the whole run.
    TimeBase time;
    std::function<TimeBase()> clock;
    // When the source has given no record for this long, missing seqs stop holding finished
    // events back (Correlator::expire()).
    std::chrono::milliseconds idle{500};
    // --resume: events printed before are left out, the cursor is saved as output is flushed,
    // and when the source ends (the reader was stopped) calls still open are not printed as
    // incomplete: the next run, from the cursor, prints them whole.
    std::optional<ResumeConfig> resume;
    // --hidden-check: called every `hidden_check_every` (first after one interval) while
    // records are read; what it makes the kernel find arrives as records. Its failure is
    // reported on `err` (as a journal entry's warning too) and the run goes on; after
    // EOPNOTSUPP (a kernel module without the command) it is not called again.
    std::function<Result<void>()> hidden_check;
    std::chrono::milliseconds hidden_check_every{0};
};

enum class WatchEnd {
    Stopped,      // the source ended (the reader was interrupted): open calls printed as
                  // incomplete, reader_stopped
    CountReached, // --count events printed
    Shutdown,     // the kernel module unloaded: open calls printed as incomplete, shutdown
    Failed,       // the source failed or the output could not be written
};

// "stopped", "count_reached", "shutdown", "failed": MODTRACE_END of the journal's stop entry.
std::string_view watch_end_name(WatchEnd end);

struct WatchResult {
    WatchEnd end = WatchEnd::Stopped;
    std::uint64_t printed = 0;  // events printed
    std::uint64_t filtered = 0; // events the filter left out

    // The reader's exit status: 0 when stopped or the count was reached, else 1.
    int status() const { return end == WatchEnd::Stopped || end == WatchEnd::CountReached ? 0 : 1; }
};

// Event mode: the records of `source` joined into events (Correlator), those the filter lets
// through printed to `out` one per line (text, JSON or OCSF), each line flushed. To `err`: every
// loss report (loss_line, once per record that carries one), "modtrace: the kernel module was
// unloaded" after a SHUTDOWN, the source's or the output's failure, and always last the
// summary (summary_line of the printed events, then ", N filtered out" when the filter left
// some out). With `config.journal`, events, loss reports, the unload and the summary are
// journal entries instead (event_entry, loss_entry, unload_entry, stop_entry); `err` gets only
// failures, and the summary too when the journal could not take it.
WatchResult watch_events(RecordSource& source, std::ostream& out, std::ostream& err,
                         const WatchConfig& config);

} // namespace modtrace
