#include "correlate.hpp"

#include "modtrace.h"

#include <algorithm>
#include <limits>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>

namespace modtrace {

namespace {

// Bounds for the bookkeeping that outlives a call.
constexpr std::size_t max_loaders = 256;
constexpr std::size_t max_given_up_ranges = 1024;
constexpr std::size_t spare_limit = 64;

constexpr std::int64_t enosys = 38;

bool is_load(EventKind kind) {
    return kind == EventKind::InitModule || kind == EventKind::FinitModule ||
           kind == EventKind::UnknownLoad;
}

// The record types this reader knows; 0 (UNSPEC) is none, and anything above MODTRACE_REC_MAX
// is a newer kernel module's.
bool known_type(RecordType type) {
    const auto value = static_cast<std::uint32_t>(type);
    return value >= 1 && value <= MODTRACE_REC_MAX;
}

std::optional<EventKind> syscall_kind(RecordType type) {
    switch (type) {
    case RecordType::InitModuleEnter:
    case RecordType::InitModuleExit:
        return EventKind::InitModule;
    case RecordType::FinitModuleEnter:
    case RecordType::FinitModuleExit:
        return EventKind::FinitModule;
    case RecordType::DeleteModuleEnter:
    case RecordType::DeleteModuleExit:
        return EventKind::DeleteModule;
    default:
        return std::nullopt;
    }
}

// The obsolete syscall a number names in the caller's ABI's table (kmod/uapi/modtrace.h,
// MODTRACE_ATTR_SYSCALL_NR). A record without an ABI comes from a module that saw 64-bit calls
// only.
std::optional<EventKind> obsolete_kind(std::optional<std::uint32_t> abi, std::uint32_t nr) {
    switch (abi.value_or(MODTRACE_ABI_X86_64)) {
    case MODTRACE_ABI_X86_64:
    case MODTRACE_ABI_X32:
        switch (nr) {
        case 174:
            return EventKind::CreateModule;
        case 177:
            return EventKind::GetKernelSyms;
        case 178:
            return EventKind::QueryModule;
        }
        break;
    case MODTRACE_ABI_IA32:
        switch (nr) {
        case 127:
            return EventKind::CreateModule;
        case 130:
            return EventKind::GetKernelSyms;
        case 167:
            return EventKind::QueryModule;
        }
        break;
    }
    return std::nullopt;
}

std::optional<std::uint32_t> tid_of(const Record& rec) {
    if (!rec.task)
        return std::nullopt;
    return rec.task->tid;
}

// Two strings that should be equal (the caller's copy and the kernel's). A string known to be
// only a prefix (cut at the bound, or unreadable past some point) is compared as far as it goes:
// it disagrees only if the other string does not start with it.
bool strings_differ(const std::string& caller, bool caller_partial, const std::string& kernel,
                    bool kernel_partial) {
    if (!caller_partial && !kernel_partial)
        return caller != kernel;
    const std::size_t n = std::min(caller.size(), kernel.size());
    if (caller.compare(0, n, kernel, 0, n) != 0)
        return true;
    // Same common prefix: a complete string shorter than a partial one still disagrees.
    if (!caller_partial && caller.size() < kernel.size())
        return true;
    if (!kernel_partial && kernel.size() < caller.size())
        return true;
    return false;
}

struct FileId {
    std::uint32_t dev;
    std::uint64_t ino;
    bool operator==(const FileId&) const = default;
};

std::optional<FileId> id_of(const std::optional<FileInfo>& file) {
    if (!file || !file->dev || !file->ino)
        return std::nullopt;
    return FileId{*file->dev, *file->ino};
}

} // namespace

// A call being assembled. `event` collects what is known; the flags say which records came.
struct Correlator::Call {
    std::uint64_t key = 0; // seq of the record that opened it
    std::optional<std::uint32_t> tid;
    Event event;
    std::optional<std::uint64_t> entry_seq;
    std::optional<std::uint64_t> init_enter_seq;
    std::optional<std::uint64_t> init_seq; // its first init record's: the init began before
    std::optional<std::uint64_t> exit_seq;
    std::uint64_t first_ts = 0;
    std::optional<std::uint64_t> exit_ts;
    // finit_module: the file the fd referred to at entry, and the one the kernel read (the
    // return's), with the flags of the records that carried them.
    std::optional<FileInfo> entry_file;
    std::optional<FileInfo> exit_file;
    std::uint32_t entry_flags = 0;
    std::uint32_t exit_flags = 0;
    bool has_entry = false;
    bool has_init_enter = false;
    bool has_init_exit = false;
    bool has_exit = false;
    bool has_free = false;            // a MODULE_FREE joined it
    bool free_only = false;           // opened by a MODULE_FREE: its other records were not seen
    std::uint64_t gaps_at_open = 0;   // Correlator::gaps_declared_ when it opened
    std::uint64_t losses_at_open = 0; // Correlator::losses_reported_ when it opened
    bool assume_lost = false;         // records of it may be lost where no seq shows it
    bool noted = false;               // note_loader() has kept a Loader for it

    std::uint64_t last_seq = 0; // the highest seq of a record joined to it

    bool has_init() const { return has_init_enter || has_init_exit; }
    // `r` is one of this call's records.
    void joined(const Record& r) {
        ++event.records;
        if (r.seq)
            last_seq = std::max(last_seq, *r.seq);
    }
    // The file the kernel de-duplicates loads on: the one it read, else the fd's at entry.
    std::optional<FileId> file_id() const {
        if (auto id = id_of(exit_file))
            return id;
        return id_of(entry_file);
    }
};

// A finit_module call that ran an init, kept so that calls the kernel made wait for it (6.12
// de-duplication) can be linked to it.
struct Correlator::Loader {
    std::uint64_t key = 0;
    std::uint64_t seq = 0; // its entry's, else the first seen
    std::uint32_t tid = 0;
    std::optional<FileId> file;
    std::string module;
    std::uint64_t init_seq = 0;
    std::optional<std::uint64_t> exit_seq; // none: still open, or its return was lost
    std::optional<std::uint64_t> exit_ts;
    std::optional<std::int64_t> init_ret;
    std::optional<std::int64_t> ret;
};

// A finished call whose event waits for the next record (closed during feed() number
// `closed_in`).
struct Correlator::Held {
    std::unique_ptr<Call> call;
    std::uint64_t closed_in = 0;
};

Correlator::Correlator(CorrelatorConfig config, Sink sink)
    : config_(std::move(config)), sink_(std::move(sink)) {
    config_.max_open_calls = std::max<std::size_t>(config_.max_open_calls, 1);
}

Correlator::~Correlator() = default;

std::size_t Correlator::open_calls() const {
    return open_.size();
}

std::size_t Correlator::held_events() const {
    return held_.size();
}

std::optional<std::uint64_t> Correlator::resume_seq() const {
    if (!next_seq_)
        return std::nullopt;
    std::uint64_t seq = *next_seq_;
    if (!open_.empty())
        seq = std::min(seq, open_.begin()->first);
    for (const Held& h : held_)
        seq = std::min(seq, h.call->key);
    return seq;
}

std::optional<std::uint64_t> Correlator::processed_through() const {
    if (!next_seq_ || *next_seq_ == 0)
        return std::nullopt;
    return *next_seq_ - 1;
}

std::vector<Event> Correlator::drain() {
    return std::exchange(done_, {});
}

void Correlator::feed(const Record& rec) {
    ++summary_.records;
    ++feeds_;
    take(rec);
    // What this record says about losses is known now: the events held back for it can go.
    decide(feeds_);
}

void Correlator::take(const Record& rec) {
    if (rec.loss) {
        const Loss& l = *rec.loss;
        loss_.buffer_full += l.buffer_full;
        loss_.socket_full += l.socket_full;
        loss_.nmissed += l.nmissed;
        loss_.nomem += l.nomem;
        loss_.busy += l.busy;
        loss_.history += l.history;
        // nmissed and busy probe hits never took a seq, so they explain no gap.
        loss_credit_ += l.with_seq();
        losses_reported_ += l.total();
    }
    if (rec.type == RecordType::Loss) {
        ++summary_.control;
        resolve_gaps(false);
        return;
    }
    if (rec.type == RecordType::Shutdown) {
        ++summary_.control;
        on_shutdown(rec);
        return;
    }
    // The kernel numbers records from 1 and never reaches the last u64, whose successor would
    // wrap to 0: a record carrying it is malformed.
    if (!rec.seq || *rec.seq == std::numeric_limits<std::uint64_t>::max()) {
        ++(known_type(rec.type) ? summary_.malformed : summary_.unknown);
        return;
    }
    const std::uint64_t seq = *rec.seq;
    if (!next_seq_) {
        next_seq_ = config_.first_seq.value_or(seq);
        highest_seen_ = *next_seq_;
    }
    if (seq < *next_seq_) {
        const bool was_given_up = std::any_of(given_up_.begin(), given_up_.end(), [&](auto& r) {
            return seq >= r.first && seq < r.second;
        });
        const bool deferred_entry =
            (rec.flags & MODTRACE_RECORD_F_DEFERRED) &&
            (rec.type == RecordType::InitModuleEnter || rec.type == RecordType::FinitModuleEnter);
        if (was_given_up && deferred_entry)
            on_late_entry(rec);
        else
            ++(was_given_up ? summary_.late : summary_.duplicates);
        return;
    }
    const bool in_order = seq == *next_seq_ && pending_.empty();
    if (!in_order && !pending_.emplace(seq, rec).second) {
        ++summary_.duplicates;
        return;
    }
    highest_seen_ = std::max(highest_seen_, seq);
    latest_ts_ = std::max(latest_ts_, rec.ts_ns);
    if (in_order) {
        // What resolve_gaps() would do at once, without copying the record into pending_.
        next_seq_ = seq + 1;
        process(rec);
        return;
    }
    resolve_gaps(false);
}

void Correlator::expire() {
    resolve_gaps(true);
    decide(std::numeric_limits<std::uint64_t>::max());
}

void Correlator::flush(IncompleteReason reason) {
    expire();
    while (!open_.empty())
        finish(open_.begin()->first, reason);
}

// Process buffered records in seq order, giving up missing seqs when allowed (see the header).
void Correlator::resolve_gaps(bool force) {
    while (!pending_.empty()) {
        auto it = pending_.begin();
        if (it->first != *next_seq_) {
            const std::uint64_t gap = it->first - *next_seq_;
            const bool beyond_window = highest_seen_ - *next_seq_ >= config_.reorder_window ||
                                       (latest_ts_ >= it->second.ts_ns &&
                                        latest_ts_ - it->second.ts_ns >= config_.reorder_ns);
            if (!force && !beyond_window && loss_credit_ < gap)
                break;
            loss_credit_ -= std::min(loss_credit_, gap);
            give_up(*next_seq_, it->first);
        }
        const Record rec = std::move(it->second);
        pending_.erase(it);
        next_seq_ = *rec.seq + 1;
        process(rec);
    }
}

void Correlator::give_up(std::uint64_t from, std::uint64_t to) {
    if (to <= from)
        return;
    summary_.seqs_missing += to - from;
    gaps_declared_ += to - from;
    given_up_.emplace_back(from, to);
    if (given_up_.size() > max_given_up_ranges)
        given_up_.pop_front();
    next_seq_ = to;
}

void Correlator::process(const Record& rec) {
    switch (rec.type) {
    case RecordType::InitModuleEnter:
    case RecordType::FinitModuleEnter:
    case RecordType::DeleteModuleEnter:
        on_entry(rec);
        break;
    case RecordType::DoInitEnter:
        on_init_enter(rec);
        break;
    case RecordType::DoInitExit:
        on_init_exit(rec);
        break;
    case RecordType::InitModuleExit:
    case RecordType::FinitModuleExit:
    case RecordType::DeleteModuleExit:
        on_exit(rec);
        break;
    case RecordType::ObsoleteSyscall:
        on_obsolete(rec);
        break;
    case RecordType::ModuleFree:
        on_module_free(rec);
        break;
    case RecordType::RequestModuleEnter:
        on_request_entry(rec);
        break;
    case RecordType::RequestModuleExit:
        on_request_exit(rec);
        break;
    case RecordType::HiddenModule:
        on_hidden(rec);
        break;
    default:
        // A newer module's record type: part of no event, but its seq came.
        ++(known_type(rec.type) ? summary_.malformed : summary_.unknown);
        break;
    }
}

std::unique_ptr<Correlator::Call> Correlator::new_call(std::uint64_t key, const Record& first) {
    std::unique_ptr<Call> call;
    if (spare_calls_.empty()) {
        // Default-initialized: every member has its initializer, so the zeroing of all its
        // bytes that make_unique's value-initialization does first would only be overwritten.
        call = std::make_unique_for_overwrite<Call>();
    } else {
        call = std::move(spare_calls_.back());
        spare_calls_.pop_back();
    }
    call->key = key;
    call->tid = tid_of(first);
    call->first_ts = first.ts_ns;
    call->gaps_at_open = gaps_declared_;
    call->losses_at_open = losses_reported_;
    call->event.task = first.task;
    call->event.request = first.request;
    call->event.time_ns = first.ts_ns;
    return call;
}

Correlator::Call& Correlator::insert(std::unique_ptr<Call> call) {
    // Keys are seqs of records processed in order, so a new call is always the newest and the
    // map's first entry is the one to give up.
    while (open_.size() >= config_.max_open_calls) {
        ++summary_.evicted;
        finish(open_.begin()->first, IncompleteReason::Evicted);
    }
    Call& c = *call;
    if (spare_open_.empty()) {
        open_[c.key] = std::move(call);
    } else {
        auto node = std::move(spare_open_.back());
        spare_open_.pop_back();
        node.key() = c.key;
        node.mapped() = std::move(call);
        if (auto taken = open_.insert(std::move(node)); !taken.inserted)
            taken.position->second = std::move(taken.node.mapped());
    }
    if (c.tid) {
        if (const auto t = by_tid_.find(*c.tid); t != by_tid_.end()) {
            t->second = c.key;
        } else if (spare_tid_.empty()) {
            by_tid_.emplace(*c.tid, c.key);
        } else {
            auto node = std::move(spare_tid_.back());
            spare_tid_.pop_back();
            node.key() = *c.tid;
            node.mapped() = c.key;
            by_tid_.insert(std::move(node));
        }
    }
    return c;
}

Correlator::Call* Correlator::call_on_tid(const Record& rec) {
    const auto tid = tid_of(rec);
    if (!tid)
        return nullptr;
    const auto t = by_tid_.find(*tid);
    if (t == by_tid_.end())
        return nullptr;
    const auto c = open_.find(t->second);
    return c == open_.end() ? nullptr : c->second.get();
}

void Correlator::close_open_on_tid(const Record& rec, IncompleteReason reason) {
    if (Call* c = call_on_tid(rec))
        finish(c->key, reason);
}

void Correlator::on_entry(const Record& rec) {
    // A thread makes one syscall at a time: whatever is still open on it has returned, and
    // that return was lost.
    close_open_on_tid(rec, IncompleteReason::MissingReturn);
    fill_entry(insert(new_call(*rec.seq, rec)), rec, true);
}

void Correlator::fill_entry(Call& c, const Record& rec, bool fresh) {
    c.has_entry = true;
    c.entry_seq = rec.seq;
    c.entry_flags = rec.flags;
    c.joined(rec);
    Event& ev = c.event;
    ev.kind = *syscall_kind(rec.type);
    ev.time_ns = rec.ts_ns;
    // A call new_call() just made of this record has its task and request already.
    if (!fresh) {
        ev.task = rec.task;
        if (rec.request)
            ev.request = rec.request;
    }
    EventArgs& a = ev.args;
    switch (rec.type) {
    case RecordType::InitModuleEnter:
        a.len = rec.image_len;
        a.params = rec.params;
        a.params_partial =
            rec.flags & (record_flag::params_truncated | record_flag::params_unreadable);
        break;
    case RecordType::FinitModuleEnter:
        a.fd = rec.fd;
        c.entry_file = rec.file;
        a.params = rec.params;
        a.params_partial =
            rec.flags & (record_flag::params_truncated | record_flag::params_unreadable);
        a.flags = rec.finit_flags;
        break;
    default: // DeleteModuleEnter
        a.name = rec.name;
        a.name_partial = rec.flags & (record_flag::name_truncated | record_flag::name_unreadable);
        a.flags = rec.delete_flags;
        break;
    }
}

// A load's entry that found the kernel's buffer full, was kept with its call and sent just
// before the return, after its seq had been given up (MODTRACE_RECORD_F_DEFERRED): it still
// belongs to the call open on its thread.
void Correlator::on_late_entry(const Record& rec) {
    const std::uint64_t seq = *rec.seq;
    Call* t = call_on_tid(rec);
    if (t && t->key < seq) {
        // Began before this entry and still open: its return was lost.
        finish(t->key, IncompleteReason::MissingReturn);
        t = nullptr;
    }
    if (t && (t->has_entry || t->event.kind != EventKind::UnknownLoad)) {
        // Something on this thread with an entry of its own began after this one, which has
        // not returned yet: the records contradict each other.
        ++summary_.late;
        return;
    }
    Call* c = t;
    if (!c) {
        c = &insert(new_call(seq, rec));
        // Its records were made while the buffer was full: between this entry and now, its
        // init may have been lost without the seqs telling.
        c->assume_lost = true;
    }
    fill_entry(*c, rec, c != t);
    // The seq did arrive after all.
    --summary_.seqs_missing;
    for (auto it = given_up_.begin(); it != given_up_.end(); ++it) {
        if (seq >= it->first && seq < it->second) {
            const std::pair<std::uint64_t, std::uint64_t> after{seq + 1, it->second};
            it->second = seq;
            if (after.first < after.second)
                given_up_.insert(it + 1, after);
            break;
        }
    }
}

void Correlator::on_init_enter(const Record& rec) {
    Call* c = call_on_tid(rec);
    if (!c || !is_load(c->event.kind) || c->has_init()) {
        // No load open on this thread that could run this init: the syscall entry was lost (or
        // came before the reader started). Anything else open here has returned unseen: one
        // syscall runs at most one init, and a delete runs none.
        if (c)
            finish(c->key, IncompleteReason::MissingReturn);
        c = &insert(new_call(*rec.seq, rec));
        c->event.kind = EventKind::UnknownLoad;
    }
    c->has_init_enter = true;
    c->init_enter_seq = rec.seq;
    c->init_seq = c->init_seq.value_or(*rec.seq);
    c->joined(rec);
    by_init_seq_[*rec.seq] = c->key;

    EventModule m;
    if (rec.module) {
        const ModuleInfo& info = *rec.module;
        m.name = info.name;
        m.version = info.version;
        m.srcversion = info.srcversion;
        m.taints = info.taints;
        m.sig_ok = info.sig_ok;
        m.params = info.args;
        m.text_size = info.text_size;
        m.total_size = info.total_size;
    }
    // A copy that could not be kept is reported as the extreme case of a cut one.
    m.params_truncated = rec.flags & (record_flag::args_truncated | record_flag::args_unavailable);
    c->event.module = std::move(m);
    note_loader(*c);
}

void Correlator::on_init_exit(const Record& rec) {
    Call* c = nullptr;
    if (rec.entry_seq) {
        const auto i = by_init_seq_.find(*rec.entry_seq);
        if (i != by_init_seq_.end()) {
            const auto o = open_.find(i->second);
            if (o != open_.end() && o->second->tid == tid_of(rec))
                c = o->second.get();
        }
    }
    std::unique_ptr<Call> alone;
    if (!c) {
        // The DO_INIT_ENTER was lost. The load open on this thread ran this init if it entered
        // before the init did and has no init of its own yet.
        Call* t = call_on_tid(rec);
        const bool began_before = t && (!rec.entry_seq || t->key < *rec.entry_seq);
        if (began_before && is_load(t->event.kind) && !t->has_init()) {
            c = t;
        } else {
            // What began before this init on this thread has returned unseen.
            if (began_before)
                finish(t->key, IncompleteReason::MissingReturn);
            if (call_on_tid(rec)) {
                // Something on this thread claims to have begun after this init did: the
                // records contradict each other. Report the init alone rather than guess.
                alone = new_call(*rec.seq, rec);
                c = alone.get();
            } else {
                c = &insert(new_call(*rec.seq, rec));
            }
            c->event.kind = EventKind::UnknownLoad;
            if (rec.duration_ns && *rec.duration_ns <= rec.ts_ns)
                c->event.time_ns = rec.ts_ns - *rec.duration_ns;
        }
    }
    c->has_init_exit = true;
    c->init_seq = c->init_seq.value_or(*rec.seq);
    c->joined(rec);
    c->event.init_duration_ns = rec.duration_ns;
    if (!c->event.module) {
        c->event.module = EventModule{};
        if (rec.module)
            c->event.module->name = rec.module->name;
    }
    c->event.module->init_ret = rec.ret;
    if (alone) {
        close(std::move(alone), IncompleteReason::None);
        return;
    }
    note_loader(*c);
}

void Correlator::on_exit(const Record& rec) {
    const EventKind kind = *syscall_kind(rec.type);
    Call* c = nullptr;
    if (Call* t = call_on_tid(rec); t && t->has_entry && rec.entry_seq &&
                                    t->entry_seq == rec.entry_seq && t->event.kind == kind)
        c = t;
    if (!c && rec.entry_seq) {
        const auto o = open_.find(*rec.entry_seq);
        if (o != open_.end() && o->second->has_entry && o->second->tid == tid_of(rec) &&
            o->second->event.kind == kind)
            c = o->second.get();
    }
    std::unique_ptr<Call> alone;
    if (!c) {
        Call* t = call_on_tid(rec);
        const bool began_before = t && (!rec.entry_seq || t->key < *rec.entry_seq);
        const bool began_after = t && rec.entry_seq && *rec.entry_seq < t->key;
        // A call known only from records that come after an entry (its init records, or the
        // module its unload or failed init freed), whose entry was lost: this return's call,
        // when it began after the entry this return names.
        const bool entryless = began_after && !t->has_entry;
        if (entryless && t->event.kind == EventKind::UnknownLoad && is_load(kind)) {
            c = t;
            c->event.kind = kind;
            c->entry_seq = rec.entry_seq;
        } else if (entryless && t->free_only &&
                   (kind == EventKind::DeleteModule || is_load(kind))) {
            c = t;
            if (kind != EventKind::DeleteModule) {
                // A load whose init failed and was freed: the free tells nothing of its own.
                c->event.module.reset();
                c->has_free = false;
            }
            c->event.kind = kind;
            c->entry_seq = rec.entry_seq;
        } else {
            // What began before this call's entry on this thread has returned unseen. What
            // began after it contradicts this record; leave it be and report this return
            // alone.
            if (began_before)
                finish(t->key, IncompleteReason::MissingReturn);
            alone = new_call(*rec.seq, rec);
            alone->event.kind = kind;
            alone->entry_seq = rec.entry_seq;
            c = alone.get();
        }
    }
    c->has_exit = true;
    c->exit_seq = rec.seq;
    c->exit_ts = rec.ts_ns;
    c->exit_file = rec.file;
    c->exit_flags = rec.flags;
    c->joined(rec);
    c->event.ret = rec.ret;
    c->event.duration_ns = rec.duration_ns;
    c->event.image = rec.image;
    c->event.hidden_from = rec.hidden_from;
    if (!c->has_entry) {
        c->event.time_ns = c->first_ts;
        if (rec.duration_ns && *rec.duration_ns <= rec.ts_ns)
            c->event.time_ns = std::min(c->first_ts, rec.ts_ns - *rec.duration_ns);
    }
    note_loader(*c);
    if (alone)
        close(std::move(alone), IncompleteReason::None);
    else
        finish(c->key, IncompleteReason::None);
}

void Correlator::on_module_free(const Record& rec) {
    Call* c = call_on_tid(rec);
    if (c && c->event.kind == EventKind::DeleteModule) {
        // The module this unload freed, by the kernel's own name for it.
        if (!c->has_free) {
            c->has_free = true;
            c->event.module = EventModule{};
            if (rec.module)
                c->event.module->name = rec.module->name;
        }
        c->joined(rec);
        return;
    }
    if (c && is_load(c->event.kind)) {
        // A load whose init failed: its init records already tell.
        c->joined(rec);
        return;
    }
    // No call open on this thread: the records of the one that freed the module before this
    // were lost. Most likely an unload (a failed load's init records come before its free).
    c = &insert(new_call(*rec.seq, rec));
    c->event.kind = EventKind::DeleteModule;
    c->free_only = true;
    c->has_free = true;
    c->event.module = EventModule{};
    if (rec.module)
        c->event.module->name = rec.module->name;
    c->joined(rec);
}

void Correlator::on_obsolete(const Record& rec) {
    close_open_on_tid(rec, IncompleteReason::MissingReturn);
    Event ev;
    ev.seq = *rec.seq;
    ev.time_ns = rec.ts_ns;
    ev.task = rec.task;
    ev.request = rec.request;
    const std::optional<std::uint32_t> abi =
        rec.task ? rec.task->abi : std::optional<std::uint32_t>();
    const std::optional<EventKind> kind =
        rec.syscall_nr ? obsolete_kind(abi, *rec.syscall_nr) : std::nullopt;
    ev.kind = kind.value_or(EventKind::ObsoleteSyscall);
    ev.args.syscall_nr = rec.syscall_nr;
    ev.args.syscall_args = rec.syscall_args;
    ev.ret = -enosys;
    ev.outcome = Outcome::Enosys;
    ev.records = 1;
    ev.last_seq = *rec.seq;
    emit(std::move(ev));
}

void Correlator::on_request_entry(const Record& rec) {
    const std::optional<std::uint32_t> tid = tid_of(rec);
    if (tid) {
        // A thread is in one __request_module() at a time: the one still open here returned
        // unseen.
        if (const auto t = request_by_tid_.find(*tid); t != request_by_tid_.end())
            finish(t->second, IncompleteReason::MissingReturn);
    }
    std::unique_ptr<Call> call = new_call(*rec.seq, rec);
    call->tid.reset(); // not in by_tid_: see the header's "Module requests"
    Call& c = insert(std::move(call));
    if (tid)
        request_by_tid_[*tid] = c.key;
    c.has_entry = true;
    c.entry_seq = rec.seq;
    c.entry_flags = rec.flags;
    c.joined(rec);
    c.event.kind = EventKind::RequestModule;
    c.event.args.wait = rec.request_wait;
}

void Correlator::on_request_exit(const Record& rec) {
    const std::optional<std::uint32_t> tid = tid_of(rec);
    Call* c = nullptr;
    if (tid && rec.entry_seq) {
        if (const auto t = request_by_tid_.find(*tid);
            t != request_by_tid_.end() && t->second == *rec.entry_seq) {
            if (const auto o = open_.find(t->second); o != open_.end())
                c = o->second.get();
        }
    }
    std::unique_ptr<Call> alone;
    if (!c) {
        // Its entry was lost. What is open on this thread began before it and returned unseen.
        if (tid) {
            if (const auto t = request_by_tid_.find(*tid); t != request_by_tid_.end())
                finish(t->second, IncompleteReason::MissingReturn);
        }
        alone = new_call(*rec.seq, rec);
        alone->tid.reset();
        alone->event.kind = EventKind::RequestModule;
        alone->entry_seq = rec.entry_seq;
        c = alone.get();
    }
    c->has_exit = true;
    c->exit_seq = rec.seq;
    c->exit_ts = rec.ts_ns;
    c->exit_flags = rec.flags;
    c->joined(rec);
    c->event.ret = rec.ret;
    c->event.duration_ns = rec.duration_ns;
    c->event.args.name = rec.name;
    if (!c->has_entry) {
        c->event.time_ns = c->first_ts;
        if (rec.duration_ns && *rec.duration_ns <= rec.ts_ns)
            c->event.time_ns = rec.ts_ns - *rec.duration_ns;
    }
    if (alone)
        close(std::move(alone), IncompleteReason::None);
    else
        finish(c->key, IncompleteReason::None);
}

// An event of its own: the record's task is the module's loader, whose calls it is no part of.
void Correlator::on_hidden(const Record& rec) {
    Event ev;
    ev.seq = *rec.seq;
    ev.time_ns = rec.ts_ns;
    ev.kind = EventKind::HiddenModule;
    ev.task = rec.task;
    ev.module = EventModule{};
    if (rec.module)
        ev.module->name = rec.module->name;
    ev.hidden_from = rec.hidden_from;
    ev.loaded_ns = rec.load_ts_ns;
    ev.outcome = Outcome::Hidden;
    ev.records = 1;
    ev.last_seq = *rec.seq;
    emit(std::move(ev));
}

void Correlator::on_shutdown(const Record& rec) {
    ++summary_.shutdowns;
    resolve_gaps(true);
    // Seqs below NEXT_SEQ that never came are lost too.
    if (next_seq_ && rec.next_seq && *rec.next_seq > *next_seq_)
        give_up(*next_seq_, *rec.next_seq);
    flush(IncompleteReason::Shutdown);
    // A new instance of the module numbers from 1 again.
    next_seq_.reset();
    config_.first_seq.reset();
    highest_seen_ = 0;
    latest_ts_ = 0;
    loss_credit_ = 0;
    given_up_.clear();
    loaders_.clear();
}

// Close the open call under `key` and emit its event.
void Correlator::finish(std::uint64_t key, IncompleteReason reason) {
    const auto it = open_.find(key);
    if (it == open_.end())
        return;
    auto node = open_.extract(it);
    std::unique_ptr<Call> c = std::move(node.mapped());
    if (spare_open_.size() < spare_limit)
        spare_open_.push_back(std::move(node));
    if (c->tid) {
        const auto t = by_tid_.find(*c->tid);
        if (t != by_tid_.end() && t->second == key) {
            auto tid_node = by_tid_.extract(t);
            if (spare_tid_.size() < spare_limit)
                spare_tid_.push_back(std::move(tid_node));
        }
    }
    if (c->init_enter_seq)
        by_init_seq_.erase(*c->init_enter_seq);
    if (c->event.kind == EventKind::RequestModule && c->event.task) {
        const auto t = request_by_tid_.find(c->event.task->tid);
        if (t != request_by_tid_.end() && t->second == key)
            request_by_tid_.erase(t);
    }
    close(std::move(c), reason);
}

// Make the event of a call no longer open. `reason` says why it ends without its return (None
// when the return came).
void Correlator::close(std::unique_ptr<Call> c, IncompleteReason reason) {
    Event& ev = c->event;
    ev.seq = c->entry_seq.value_or(c->key);
    ev.last_seq = std::max(c->key, c->last_seq);
    EventArgs& a = ev.args;

    if (ev.kind == EventKind::FinitModule) {
        // The file the kernel read (the return's) is the one that matters; the fd's at entry
        // is the caller's, kept when it is another.
        const std::optional<FileInfo>& kernel = c->exit_file;
        const std::optional<FileInfo>& caller = c->entry_file;
        const std::uint32_t partial = record_flag::path_truncated | record_flag::path_unavailable;
        if (kernel && kernel->path) {
            a.path = kernel->path;
            a.path_partial = c->exit_flags & partial;
        } else if (caller && caller->path) {
            a.path = caller->path;
            a.path_partial = c->entry_flags & partial;
        } else {
            a.path_partial = (c->entry_flags | c->exit_flags) & partial;
        }
        // Its identity: the kernel's file when the return names it, else the fd's at entry.
        const std::optional<FileInfo>& identity = id_of(kernel) ? kernel : caller ? caller : kernel;
        if (identity) {
            a.dev = identity->dev;
            a.ino = identity->ino;
        }
        const bool differ = id_of(kernel) && id_of(caller) && id_of(kernel) != id_of(caller);
        if (differ) {
            a.caller_dev = caller->dev;
            a.caller_ino = caller->ino;
        }
        ev.file_changed = differ || (c->exit_flags & record_flag::file_changed);
    }

    if (ev.module && ev.module->params && a.params)
        ev.params_mismatch = strings_differ(*a.params, a.params_partial, *ev.module->params,
                                            ev.module->params_truncated);
    if (ev.kind == EventKind::DeleteModule && ev.module && a.name)
        ev.name_mismatch = strings_differ(*a.name, a.name_partial, ev.module->name, false);

    if (!classify(*c, reason, false)) {
        held_.push_back(Held{std::move(c), feeds_});
        return;
    }
    emit(std::move(ev));
    recycle(std::move(c));
}

// A call whose event has gone: made new again in the same memory, for new_call() to take, so
// that a call opened and closed allocates nothing.
void Correlator::recycle(std::unique_ptr<Call> call) {
    static_assert(std::is_nothrow_default_constructible_v<Call>);
    if (spare_calls_.size() >= spare_limit)
        return;
    std::destroy_at(call.get());
    ::new (static_cast<void*>(call.get())) Call; // default-initialized, as in new_call()
    spare_calls_.push_back(std::move(call));
}

// The call's outcome and completeness from what was seen. False (only when not `final`) when
// they hang on whether the record after the return reports a loss: see the header's "6.12
// de-duplication".
bool Correlator::classify(Call& c, IncompleteReason reason, bool final) {
    Event& ev = c.event;
    const bool has_init = c.has_init();
    // Records of this call may have been lost where its own records do not show it: any seq
    // given up or any loss reported while it was open might have been its init.
    const bool span_lost = !c.has_entry || c.assume_lost || gaps_declared_ > c.gaps_at_open ||
                           losses_reported_ > c.losses_at_open;

    ev.incomplete_reason = IncompleteReason::None;
    if (!c.has_entry)
        ev.incomplete_reason = IncompleteReason::MissingEntry;
    else if (!c.has_exit)
        ev.incomplete_reason =
            reason == IncompleteReason::None ? IncompleteReason::MissingReturn : reason;
    else if (is_load(ev.kind) && (c.has_init_enter != c.has_init_exit || (!has_init && span_lost)))
        ev.incomplete_reason = IncompleteReason::LostRecords;

    // Outcome.
    ev.waited_on.reset();
    if (ev.kind == EventKind::RequestModule) {
        if (ev.ret)
            ev.outcome = *ev.ret == 0 ? Outcome::Requested : Outcome::RequestFailed;
    } else if (ev.kind == EventKind::DeleteModule) {
        if (ev.ret)
            ev.outcome = *ev.ret == 0 ? Outcome::Unloaded : Outcome::UnloadFailed;
    } else if (has_init) {
        // No load fails after its init succeeded, so the syscall's return and the init's
        // agree; the return wins when both are known.
        std::optional<std::int64_t> r = ev.ret;
        if (!r && ev.module)
            r = ev.module->init_ret;
        if (r)
            ev.outcome = *r == 0 ? Outcome::Loaded : Outcome::InitFailed;
    } else if (ev.ret) {
        link_waiter(c, ev);
        if (ev.waited_on) {
            ev.outcome = Outcome::Waited;
        } else if (span_lost || !config_.init_records) {
            ev.outcome = *ev.ret == 0 ? Outcome::Loaded : Outcome::Failed;
        } else if (*ev.ret != 0) {
            ev.outcome = Outcome::Rejected;
        } else {
            // Success without an init of its own, with nothing to say why: its init records
            // were lost (the loss may be reported with the next record), or it waited for a
            // load that was not seen.
            ev.outcome = Outcome::Loaded;
            if (!final)
                return false;
            ev.incomplete_reason = IncompleteReason::MissingInit;
        }
    }
    ev.complete = ev.incomplete_reason == IncompleteReason::None;
    return true;
}

// Emit the held events of calls closed before feed() number `closed_before`: the record that
// would report their loss has come (or none will soon).
void Correlator::decide(std::uint64_t closed_before) {
    while (!held_.empty() && held_.front().closed_in < closed_before) {
        std::unique_ptr<Call> c = std::move(held_.front().call);
        held_.pop_front();
        classify(*c, IncompleteReason::None, true);
        emit(std::move(c->event));
    }
}

// Keep what a finit call that ran an init tells about itself, for link_waiter().
void Correlator::note_loader(Call& c) {
    if (!c.has_init() || !c.tid || !c.init_seq ||
        (c.event.kind != EventKind::FinitModule && c.event.kind != EventKind::UnknownLoad))
        return;
    // Keys are unique until a SHUTDOWN, which clears loaders_: a call that has not noted itself
    // yet has no loader to find among them.
    Loader* loader = nullptr;
    if (c.noted) {
        auto l = std::find_if(loaders_.rbegin(), loaders_.rend(),
                              [&](const Loader& x) { return x.key == c.key; });
        loader = l == loaders_.rend() ? nullptr : &*l;
    }
    if (!loader) {
        loaders_.emplace_back();
        loader = &loaders_.back();
        loader->key = c.key;
        c.noted = true;
    }
    loader->seq = c.entry_seq.value_or(c.key);
    loader->tid = *c.tid;
    loader->file = c.file_id();
    loader->module = c.event.module ? c.event.module->name : std::string();
    loader->init_seq = *c.init_seq;
    loader->exit_seq = c.exit_seq;
    loader->exit_ts = c.exit_ts;
    loader->init_ret = c.event.module ? c.event.module->init_ret : std::nullopt;
    loader->ret = c.event.ret;
    if (loaders_.size() > max_loaders)
        loaders_.pop_front();
}

// A finit call that ran no init: find the call it waited for (see the header).
void Correlator::link_waiter(const Call& c, Event& ev) {
    if (ev.kind != EventKind::FinitModule || !ev.ret || !c.tid || !c.exit_seq)
        return;
    const std::optional<FileId> file = c.file_id();
    if (!file)
        return;
    // Without its entry, when it began is known from its duration only.
    std::optional<std::uint64_t> start_ts;
    if (!c.has_entry && c.exit_ts && ev.duration_ns && *ev.duration_ns <= *c.exit_ts)
        start_ts = *c.exit_ts - *ev.duration_ns;
    for (auto l = loaders_.rbegin(); l != loaders_.rend(); ++l) {
        if (l->key == c.key || l->tid == *c.tid || l->file != file)
            continue;
        // Its init began before this call returned...
        if (l->init_seq >= *c.exit_seq)
            continue;
        // ...and it had not returned when this call began.
        if (l->exit_seq && c.has_entry && *l->exit_seq < *c.entry_seq)
            continue;
        if (l->exit_seq && !c.has_entry && (!start_ts || !l->exit_ts || *l->exit_ts < *start_ts))
            continue;
        const std::optional<std::int64_t> result = l->ret ? l->ret : l->init_ret;
        if (result && *result == *ev.ret) {
            ev.waited_on = WaitedOn{l->seq, l->tid, l->module};
            return;
        }
    }
}

void Correlator::emit(Event&& ev) {
    ++summary_.events;
    summary_.joined += ev.records;
    if (!ev.complete)
        ++summary_.incomplete;
    if (sink_)
        sink_(std::move(ev));
    else
        done_.push_back(std::move(ev));
}

} // namespace modtrace
