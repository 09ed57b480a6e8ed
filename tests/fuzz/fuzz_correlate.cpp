// libFuzzer target: the fuzz input, read field by field, is a sequence of records, fed to the
// correlator; every event it emits goes through both formatters and a filter. Seqs, tids and
// entry_seqs are drawn from small ranges around the previous record's, so the input reaches
// joins, gaps, duplicates and reordering rather than only unrelated records; now and then a
// field is an arbitrary 64-bit value instead. Record types include MODULE_FREE and types this
// reader does not know; ABIs and syscall numbers cover every obsolete syscall's pair.
//
// Checks beyond the sanitizers (a broken one aborts, which libFuzzer reports as a crash):
//   - every JSON line is strict JSON (json_check.hpp) with exactly the documented top-level
//     keys in their order, and one line;
//   - no text line holds a newline, no uncoloured line an ESC byte;
//   - open calls never exceed the configured bound;
//   - accounting: every record fed ends in exactly one event or is counted (control,
//     malformed, unknown, duplicate, late): once flushed, records == joined + those counts, the
//     events' own record counts add up to joined, and every event holds at least one record
//     (the obsolete syscalls exactly one);
//   - the summary's event count is the number of events the sink got.
#include "correlate.hpp"
#include "event_format.hpp"
#include "filter.hpp"
#include "json_check.hpp"
#include "modtrace.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

using namespace modtrace;

class Input {
public:
    Input(const std::uint8_t* data, std::size_t size) : p_(data), end_(data + size) {}

    bool empty() const { return p_ == end_; }
    std::uint8_t u8() { return p_ == end_ ? 0 : *p_++; }
    std::uint64_t u64() {
        std::uint64_t v = 0;
        for (int i = 0; i < 8; ++i)
            v = (v << 8) | u8();
        return v;
    }
    bool flag() { return u8() & 1; }
    // A small number most of the time, any 64-bit value when the selector byte says so.
    std::uint64_t number(std::uint64_t small_range) {
        const std::uint8_t sel = u8();
        if (sel == 0xff)
            return u64();
        return sel % small_range;
    }
    std::string str() {
        const std::size_t n = u8() % 24;
        std::string s;
        for (std::size_t i = 0; i < n && !empty(); ++i)
            s += static_cast<char>(u8());
        return s;
    }

private:
    const std::uint8_t* p_;
    const std::uint8_t* end_;
};

// Abort, which libFuzzer reports as a crash, naming the broken expectation.
#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            std::fprintf(stderr, "fuzz_correlate: check failed: %s\n", #cond);                     \
            std::abort();                                                                          \
        }                                                                                          \
    } while (0)

bool is_obsolete(EventKind kind) {
    return kind == EventKind::CreateModule || kind == EventKind::QueryModule ||
           kind == EventKind::GetKernelSyms || kind == EventKind::ObsoleteSyscall;
}

Record next_record(Input& in, std::uint64_t& seq, std::uint64_t& ts) {
    Record r;
    // 0 is invalid, 1..MODTRACE_REC_MAX known, the rest a newer module's.
    r.type = static_cast<RecordType>(in.u8() % (MODTRACE_REC_MAX + 4));
    // Usually the next seq; sometimes a step back (duplicate, reordering) or ahead (loss).
    const std::uint8_t step = in.u8();
    if (step < 160)
        seq += 1;
    else if (step < 200)
        seq -= std::min<std::uint64_t>(seq, step % 4);
    else if (step < 250)
        seq += step % 8;
    else
        seq = in.u64();
    if (!in.flag() || (r.type != RecordType::Loss && r.type != RecordType::Shutdown))
        r.seq = seq;
    ts += in.number(1000);
    r.ts_ns = ts;
    if (in.u8() != 0xfe) {
        Task t;
        t.tid = static_cast<std::uint32_t>(100 + in.number(4));
        t.tgid = t.tid - (in.flag() ? 1 : 0);
        t.uid = static_cast<std::uint32_t>(in.number(3));
        t.euid = in.flag() ? t.uid : 0;
        t.loginuid = in.flag() ? 0xffffffffU : 1000;
        t.sessionid = in.flag() ? 0xffffffffU : 4;
        t.comm = in.str();
        t.cgroup_id = in.number(4);
        // None, the three known ABIs, and one this reader does not know.
        const std::uint8_t abi = in.u8() % 5;
        if (abi != 0)
            t.abi = abi == 4 ? 9U : abi;
        r.task = t;
    }
    r.flags = in.u8();
    // MODTRACE_RECORD_F_DEFERRED and FILE_CHANGED, which the correlator treats specially.
    if (in.flag())
        r.flags |= MODTRACE_RECORD_F_DEFERRED;
    if (in.flag())
        r.flags |= MODTRACE_RECORD_F_FILE_CHANGED;
    if (in.u8() < 16) {
        Loss l;
        l.buffer_full = in.number(3);
        l.socket_full = in.number(2);
        l.nmissed = in.number(2);
        l.nomem = in.number(2);
        l.busy = in.number(2);
        r.loss = l;
    }
    const std::uint8_t present = in.u8();
    if (present & 1)
        r.image_len = in.number(1 << 20);
    if (present & 2)
        r.params = in.str();
    if (present & 4)
        r.fd = static_cast<std::int32_t>(static_cast<std::uint32_t>(in.number(8)) - 1U);
    if (present & 8)
        r.file = FileInfo{in.flag() ? std::optional<std::string>(in.str()) : std::nullopt,
                          static_cast<std::uint32_t>(in.number(2)), in.number(4)};
    if (present & 16)
        r.finit_flags = static_cast<std::uint32_t>(in.number(16));
    if (present & 32) {
        r.name = in.str();
        r.delete_flags = static_cast<std::uint32_t>(in.number(06000));
    }
    if (present & 64) {
        // The obsolete syscall numbers of both tables, usually.
        static constexpr std::uint32_t numbers[] = {174, 177, 178, 127, 130, 167, 175};
        const std::uint8_t nr = in.u8();
        r.syscall_nr = nr < 200 ? numbers[nr % 7] : nr;
        r.syscall_args.assign(in.u8() % 7, in.number(8));
    }
    if (present & 128) {
        ModuleInfo m;
        m.name = in.str();
        if (in.flag())
            m.version = in.str();
        if (in.flag())
            m.args = in.str();
        if (in.flag())
            m.taints = in.u64();
        if (in.flag())
            m.sig_ok = in.flag();
        if (in.flag())
            m.text_size = in.number(1 << 16);
        r.module = m;
    }
    const std::uint8_t ret = in.u8();
    if (ret & 1)
        r.entry_seq = seq - std::min<std::uint64_t>(seq, in.number(6));
    if (ret & 2)
        r.ret = static_cast<std::int64_t>(0 - in.number(40));
    if (ret & 4)
        r.duration_ns = in.number(2000);
    if (ret & 8)
        r.next_seq = seq + in.number(4);
    return r;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    Input in(data, size);
    CorrelatorConfig config;
    config.reorder_window = in.number(16);
    config.max_open_calls = 1 + in.u8() % 8;
    if (in.flag())
        config.first_seq = in.number(4);
    config.init_records = in.flag();
    const TimeBase time{static_cast<std::int64_t>(in.u64())};

    Filter filter;
    if (in.flag())
        filter.modules = {"mt_clean", "a-b"};
    filter.failed_only = in.flag();

    std::uint64_t events = 0;
    std::uint64_t records_in_events = 0;
    const auto consume = [&](Event&& e) {
        ++events;
        records_in_events += e.records;
        CHECK(e.records >= 1);
        CHECK(!is_obsolete(e.kind) || e.records == 1);
        const std::string json = event_to_json(e, time);
        CHECK(json.find('\n') == std::string::npos);
        const modtrace::test::JsonCheck check(json);
        if (!check.ok())
            std::fprintf(stderr, "fuzz_correlate: %s in %s\n", check.error().c_str(), json.c_str());
        CHECK(check.ok());
        CHECK(check.top_keys() == test::kEventKeys);
        const std::string plain = event_to_text(e, false, time);
        CHECK(plain.find('\n') == std::string::npos && plain.find('\x1b') == std::string::npos);
        const std::string colour = event_to_text(e, true, time);
        CHECK(colour.find('\n') == std::string::npos);
        (void)filter.matches(e);
    };
    Correlator c(config, consume);
    std::uint64_t seq = in.number(4);
    std::uint64_t ts = 0;
    std::uint64_t fed = 0;
    while (!in.empty()) {
        const Record r = next_record(in, seq, ts);
        c.feed(r);
        ++fed;
        CHECK(c.open_calls() <= config.max_open_calls);
        if (r.flags == 0xee)
            c.expire();
    }
    c.flush(IncompleteReason::ReaderStopped);
    CHECK(c.open_calls() == 0);
    CHECK(c.held_events() == 0);
    const CorrelatorSummary& s = c.summary();
    CHECK(s.records == fed);
    CHECK(s.events == events);
    CHECK(s.joined == records_in_events);
    CHECK(s.records == s.joined + s.control + s.malformed + s.unknown + s.duplicates + s.late);
    (void)summary_line(c.summary(), c.totals());
    (void)loss_line(c.totals());
    return 0;
}
