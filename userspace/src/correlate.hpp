// The correlator: joins the kernel's separate records (syscall entry, module init entry and
// exit, syscall return) into one Event per module syscall.
//
// Ordering. Records are processed in seq order, not arrival order. A record that arrives ahead
// of a missing seq waits in a reorder buffer. A missing seq is given up as lost when
//   - the kernel has reported at least as many lost records (LOSS nests: buffer_full,
//     socket_full, nomem; not nmissed or busy, whose probe hits never took a seq) as are
//     missing in that gap and not yet explained, or
//   - a record `reorder_window` or more seqs beyond it has arrived (the window bounds both the
//     wait and the buffer: it never holds more than `reorder_window` records), or one stamped
//     `reorder_ns` or more after the first record waiting behind it, or
//   - expire() is called (the caller's input has gone idle), or SHUTDOWN, or flush().
// The kernel sends in seq order over one socket and reports a loss with the next record it
// delivers, so in practice a gap is resolved by the very next record. The one exception is a
// deferred entry (MODTRACE_RECORD_F_DEFERRED): a load's entry that found the kernel's buffer
// full is kept with its call and sent just before the return, if the call succeeded, long
// after higher seqs. Waiting for it would hold every other event back for the whole load, so
// its gap is given up like any other (the window is exceeded in the flood that filled the
// buffer) and the entry, when it comes, joins the call still open on its thread. A record
// whose seq was already processed is a duplicate and is ignored; any other record whose seq
// was given up arrived too late and is ignored (both counted). A record of a type this reader
// does not know (a newer kernel module's) is part of no event; its seq counts as received.
//
// Module requests. A request_module entry and its exit (joined by entry_seq and tid) make one
// request_module event. A thread may make one while a module syscall of its own is open (the
// module's init asks for another), so requests are tracked apart from the syscalls and close
// none of them. Every event carries the REQUEST of its first record that has one.
//
// Joining. A thread makes one syscall at a time, so an open call is found by tid, and every
// link the kernel gives is checked: a return joins the call whose entry seq is its entry_seq,
// on the same tid and of the same syscall; a DO_INIT_EXIT joins the call holding the
// DO_INIT_ENTER named by its entry_seq; a MODULE_FREE joins the delete_module open on its
// thread (the module it unloaded), or is absorbed into the load open there (whose init
// failed) without changing it. Where a record is missing, a record only joins the open call on
// its tid when the seqs are consistent with it (see correlate.cpp); otherwise it starts an
// event of its own, marked incomplete. A new syscall entry on a tid closes the call left open
// there: its return was lost.
//
// Losses. Any loss the kernel reports while a call is open (any cause, nmissed and busy too),
// and any seq given up while it is open, may have been one of its records. A load that ran no
// init of its own is then only Loaded or Failed, and incomplete (LostRecords).
//
// 6.12 de-duplication. Kernels with idempotent_init_module() (the lab's 6.12, not its 6.1)
// make finit_module(2) calls for a file another thread is loading wait for that load and
// return its result without running an init of their own. Such a call gets Outcome::Waited,
// module absent, and waited_on set to the loading call, but only with that evidence: another
// thread's finit call of the same file (device and inode, the return's FILE where it has one,
// else the entry's), whose init began before this call returned, which had not returned when
// this call began, and whose result is the one returned. A load that returns 0 with no init of
// its own and no such evidence is incomplete: LostRecords when a loss was reported while it
// was open or with the record after its return (the kernel reports a loss with the next record
// it delivers, so such an event is held back until that record or expire()), else
// MissingInit; its outcome is Loaded.
//
// Memory. At most `max_open_calls` calls are held open; beyond that the oldest (lowest seq) is
// closed as IncompleteReason::Evicted. The reorder buffer is bounded by the window, and the
// bookkeeping for de-duplicated loads and late records is bounded too.
//
// Accounting. Every record fed ends in exactly one place: joined into one emitted event
// (Event::records), or counted in the summary as control (LOSS, SHUTDOWN), malformed,
// unknown, duplicate or late. Once flush() has returned,
//   records == joined + control + malformed + unknown + duplicates + late.
#pragma once

#include "event.hpp"
#include "record.hpp"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

namespace modtrace {

struct CorrelatorConfig {
    // How far (in seqs) a record may arrive ahead of a missing one before that one is given up.
    std::uint64_t reorder_window = 256;
    // How long (in the kernel's CLOCK_MONOTONIC ns) a missing seq may hold back the records
    // behind it: once a record arrives stamped this much later than the first record waiting,
    // the missing one is given up.
    std::uint64_t reorder_ns = 1000000000;
    std::size_t max_open_calls = 4096;
    // The first seq this reader can receive (the SUBSCRIBE reply's NEXT_SEQ): seqs from here on
    // are delivered or lost. Without it, the first seq received starts the sequence.
    std::optional<std::uint64_t> first_seq;
    // Whether the do_init_module probe is attached (GET_STATUS). Without it no load has init
    // records, so their absence tells nothing: loads are then only Loaded or Failed.
    bool init_records = true;
};

// What the correlator saw; the kernel's own loss account is Correlator::totals().
struct CorrelatorSummary {
    std::uint64_t records = 0;      // records fed, LOSS and SHUTDOWN included
    std::uint64_t events = 0;       // events emitted
    std::uint64_t incomplete = 0;   // of those, incomplete
    std::uint64_t joined = 0;       // records joined into the events emitted
    std::uint64_t seqs_missing = 0; // seqs never received: given up as lost
    std::uint64_t duplicates = 0;   // a seq already processed arrived again
    std::uint64_t late = 0;         // a seq arrived after it had been given up as lost
    std::uint64_t malformed = 0;    // a record that needs a seq came without one, or type 0
    std::uint64_t unknown = 0;      // records of a type this reader does not know
    std::uint64_t control = 0;      // LOSS and SHUTDOWN records
    std::uint64_t evicted = 0;      // open calls given up because of max_open_calls
    std::uint64_t shutdowns = 0;
};

class Correlator {
public:
    using Sink = std::function<void(Event&&)>;

    // Events go to `sink` as they finish; without one they collect for drain().
    explicit Correlator(CorrelatorConfig config = {}, Sink sink = {});
    ~Correlator();
    Correlator(const Correlator&) = delete;
    Correlator& operator=(const Correlator&) = delete;

    void feed(const Record& record);

    // Give up every seq still missing and process what waited behind it, and emit the events
    // held back for the next record. For the caller to use when input has been idle for a
    // while, so a lost record reported by nobody (no LOSS_NOTICE subscription) cannot hold
    // finished events back indefinitely.
    void expire();

    // End of input: expire(), then close every open call as incomplete with `reason`
    // (ReaderStopped or Shutdown).
    void flush(IncompleteReason reason);

    // The events finished since the last drain() (only without a sink).
    std::vector<Event> drain();

    // Records the kernel reported lost, by cause.
    const Loss& totals() const { return loss_; }
    const CorrelatorSummary& summary() const { return summary_; }
    // Calls currently open (waiting for more records).
    std::size_t open_calls() const;
    // Calls finished whose events wait for the next record (see "6.12 de-duplication").
    std::size_t held_events() const;
    // Where a reader that stops now would start again to miss nothing (--resume): the lowest seq
    // of a call not yet emitted, else the next seq to process. None before the first record.
    std::optional<std::uint64_t> resume_seq() const;
    // The highest seq processed: every event whose records are all at or below it that is not
    // open has been emitted.
    std::optional<std::uint64_t> processed_through() const;

private:
    struct Call;
    struct Loader;
    struct Held;

    void take(const Record& rec);
    void resolve_gaps(bool force);
    void give_up(std::uint64_t from, std::uint64_t to);
    void process(const Record& rec);
    void on_entry(const Record& rec);
    void on_late_entry(const Record& rec);
    void fill_entry(Call& call, const Record& rec, bool fresh);
    void on_init_enter(const Record& rec);
    void on_init_exit(const Record& rec);
    void on_exit(const Record& rec);
    void on_module_free(const Record& rec);
    void on_obsolete(const Record& rec);
    void on_hidden(const Record& rec);
    void on_shutdown(const Record& rec);
    void on_request_entry(const Record& rec);
    void on_request_exit(const Record& rec);

    std::unique_ptr<Call> new_call(std::uint64_t key, const Record& first);
    Call& insert(std::unique_ptr<Call> call);
    Call* call_on_tid(const Record& rec);
    void close_open_on_tid(const Record& rec, IncompleteReason reason);
    void finish(std::uint64_t key, IncompleteReason reason);
    void close(std::unique_ptr<Call> call, IncompleteReason reason);
    void recycle(std::unique_ptr<Call> call);
    bool classify(Call& call, IncompleteReason reason, bool final);
    void decide(std::uint64_t closed_before);
    void emit(Event&& event);
    void note_loader(Call& call);
    void link_waiter(const Call& call, Event& event);

    CorrelatorConfig config_;
    Sink sink_;
    std::vector<Event> done_;
    Loss loss_;
    CorrelatorSummary summary_;

    // Sequencing.
    std::optional<std::uint64_t> next_seq_; // the next seq to process
    std::uint64_t highest_seen_ = 0;
    std::uint64_t latest_ts_ = 0;             // the highest ts of any record fed
    std::map<std::uint64_t, Record> pending_; // arrived ahead of next_seq_
    std::uint64_t loss_credit_ = 0;           // reported losses not yet matched to a gap
    std::uint64_t gaps_declared_ = 0;         // seqs given up so far: a call notes it when it opens
    std::uint64_t losses_reported_ = 0;       // every loss reported so far, any cause; noted too
    std::uint64_t feeds_ = 0;                 // feed() calls so far
    std::deque<std::pair<std::uint64_t, std::uint64_t>> given_up_; // [from, to) ranges

    // Open calls by key (the entry's seq, or the first seq seen of the call); ordered, so the
    // oldest is the first.
    std::map<std::uint64_t, std::unique_ptr<Call>> open_;
    std::unordered_map<std::uint32_t, std::uint64_t> by_tid_;      // tid -> key
    std::unordered_map<std::uint64_t, std::uint64_t> by_init_seq_; // DO_INIT_ENTER seq -> key
    // Module requests open, by the requester's tid: apart from by_tid_, because a request is
    // made inside another call (a module's init may request another module).
    std::unordered_map<std::uint32_t, std::uint64_t> request_by_tid_;
    // Recent finit calls that ran an init, for linking de-duplicated calls to them.
    std::deque<Loader> loaders_;
    // Finished calls whose events wait for the next record, oldest first.
    std::deque<Held> held_;
    // The nodes of open_ and by_tid_ that finished calls left, for the next calls to take: a
    // call opened and closed then allocates no node. Bounded (spare_limit), so a burst of open
    // calls leaves no more behind.
    std::vector<decltype(open_)::node_type> spare_open_;
    std::vector<decltype(by_tid_)::node_type> spare_tid_;
    // Likewise the calls themselves (recycle()).
    std::vector<std::unique_ptr<Call>> spare_calls_;
};

} // namespace modtrace
