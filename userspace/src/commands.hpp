// The loops behind the reader's modes, written against RecordSource and streams so that tests
// can run them without a kernel.
#pragma once

#include "correlate.hpp"
#include "event_format.hpp"
#include "filter.hpp"
#include "record_source.hpp"
#include "result.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <ostream>

namespace modtrace {

// `modtrace --raw`: every record of `source` as one JSON line, flushed line by line (the output
// may be a file that another process reads while it grows). Succeeds when the source ends; a
// SHUTDOWN record is printed and then reported as the Error "the kernel module was unloaded".
Result<void> print_raw(RecordSource& source, std::ostream& out);

// How event mode prints.
struct WatchConfig {
    CorrelatorConfig correlator;
    Filter filter;
    bool json = false;
    bool colour = false; // text only
    bool header = false; // text only: text_header() first (stdout is a terminal)
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
};

enum class WatchEnd {
    Stopped,      // the source ended (the reader was interrupted): open calls printed as
                  // incomplete, reader_stopped
    CountReached, // --count events printed
    Shutdown,     // the kernel module unloaded: open calls printed as incomplete, shutdown
    Failed,       // the source failed or the output could not be written
};

struct WatchResult {
    WatchEnd end = WatchEnd::Stopped;
    std::uint64_t printed = 0;  // events printed
    std::uint64_t filtered = 0; // events the filter left out

    // The reader's exit status: 0 when stopped or the count was reached, else 1.
    int status() const { return end == WatchEnd::Stopped || end == WatchEnd::CountReached ? 0 : 1; }
};

// Event mode: the records of `source` joined into events (Correlator), those the filter lets
// through printed to `out` one per line (JSON or text), each line flushed. To `err`: every loss
// report (loss_line, once per record that carries one), "modtrace: the kernel module was
// unloaded" after a SHUTDOWN, the source's or the output's failure, and always last the
// summary (summary_line of the printed events, then ", N filtered out" when the filter left
// some out).
WatchResult watch_events(RecordSource& source, std::ostream& out, std::ostream& err,
                         const WatchConfig& config);

} // namespace modtrace
