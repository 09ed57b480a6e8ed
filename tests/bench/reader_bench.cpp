// The reader alone: decode + correlate + JSON over a synthetic record stream, as the kernel
// would send it (netlink messages, built with the unit tests' MessageBuilder), each message
// taken as the reader takes it (RecordStream: headers, then the record). Nine failing
// finit_module calls (entry, return) to one load (entry, do_init_module entry and return,
// return) on each of four threads, in turn.
//
//   ReaderPipeline: records per second on one core.
//   Stage/stages:0,1,2: decode only, + correlate, + JSON (where the time goes).
//   MillionRecordReplay: one replay of 1e6 records; run it in a process of its own
//     (--benchmark_filter=MillionRecordReplay) for its peak_rss counter to mean anything.
#include "../unit/nl_builder.hpp"
#include "correlate.hpp"
#include "decode.hpp"
#include "event_format.hpp"
#include "json.hpp"
#include "record_stream.hpp"

#include <benchmark/benchmark.h>
#include <cstring>
#include <sys/resource.h>

namespace {

using modtrace::test::ByteVector;
using modtrace::test::MessageBuilder;

constexpr std::uint16_t kFamily = 0x20;
constexpr std::uint32_t kThreads = 4;

void add_task(MessageBuilder& b, std::uint32_t tid) {
    b.begin(MODTRACE_ATTR_TASK)
        .u32(MODTRACE_TASK_ATTR_TGID, tid)
        .u32(MODTRACE_TASK_ATTR_TID, tid)
        .u32(MODTRACE_TASK_ATTR_PPID, 1)
        .u32(MODTRACE_TASK_ATTR_UID, 0)
        .u32(MODTRACE_TASK_ATTR_EUID, 0)
        .u32(MODTRACE_TASK_ATTR_GID, 0)
        .u32(MODTRACE_TASK_ATTR_LOGINUID, 1000)
        .u32(MODTRACE_TASK_ATTR_SESSIONID, 3)
        .str(MODTRACE_TASK_ATTR_COMM, "modprobe")
        .u64(MODTRACE_TASK_ATTR_CGROUP_ID, 0x1234)
        .u32(MODTRACE_TASK_ATTR_PIDNS_INO, 4026531836U)
        .u32(MODTRACE_TASK_ATTR_MNTNS_INO, 4026531841U)
        .u32(MODTRACE_TASK_ATTR_ABI, MODTRACE_ABI_X86_64)
        .end();
}

MessageBuilder head(std::uint32_t type, std::uint32_t probe, std::uint32_t tid) {
    MessageBuilder b;
    b.u32(MODTRACE_ATTR_TYPE, type)
        .u64(MODTRACE_ATTR_SEQ, 0)
        .u32(MODTRACE_ATTR_PROBE, probe)
        .u64(MODTRACE_ATTR_TS, 0)
        .u32(MODTRACE_ATTR_CPU, 1);
    add_task(b, tid);
    b.u32(MODTRACE_ATTR_RECORD_FLAGS, 0);
    return b;
}

ByteVector finit_enter(std::uint32_t tid, bool load) {
    MessageBuilder b = head(MODTRACE_REC_FINIT_MODULE_ENTER, MODTRACE_PROBE_FINIT_MODULE, tid);
    b.s32(MODTRACE_ATTR_FD, load ? 3 : 999);
    if (load)
        b.begin(MODTRACE_ATTR_FILE)
            .str(MODTRACE_FILE_ATTR_PATH, "/lib/modules/6.1.0-56-amd64/kernel/drivers/net/dummy.ko")
            .u32(MODTRACE_FILE_ATTR_DEV, 0x801)
            .u64(MODTRACE_FILE_ATTR_INO, 123456)
            .end();
    b.u32(MODTRACE_ATTR_FINIT_FLAGS, 0).str(MODTRACE_ATTR_PARAMS, load ? "numdummies=2" : "");
    return b.message(kFamily, MODTRACE_CMD_RECORD);
}

ByteVector do_init_enter(std::uint32_t tid) {
    MessageBuilder b = head(MODTRACE_REC_DO_INIT_ENTER, MODTRACE_PROBE_DO_INIT_MODULE, tid);
    b.begin(MODTRACE_ATTR_MODULE)
        .str(MODTRACE_MODULE_ATTR_NAME, "dummy")
        .str(MODTRACE_MODULE_ATTR_SRCVERSION, "6F2C5A1D9E8B7C3A4D2E1F0")
        .u64(MODTRACE_MODULE_ATTR_TAINTS, 0)
        .u8(MODTRACE_MODULE_ATTR_SIG_OK, 1)
        .str(MODTRACE_MODULE_ATTR_ARGS, "numdummies=2")
        .u64(MODTRACE_MODULE_ATTR_TEXT_SIZE, 8192)
        .u64(MODTRACE_MODULE_ATTR_TOTAL_SIZE, 20480)
        .end();
    return b.message(kFamily, MODTRACE_CMD_RECORD);
}

ByteVector exit_record(std::uint32_t type, std::uint32_t probe, std::uint32_t tid,
                       std::int64_t ret) {
    MessageBuilder b = head(type, probe, tid);
    b.u64(MODTRACE_ATTR_ENTRY_SEQ, 0).s64(MODTRACE_ATTR_RET, ret).u64(MODTRACE_ATTR_DURATION, 5000);
    if (type == MODTRACE_REC_DO_INIT_EXIT)
        b.begin(MODTRACE_ATTR_MODULE).str(MODTRACE_MODULE_ATTR_NAME, "dummy").end();
    return b.message(kFamily, MODTRACE_CMD_RECORD);
}

// Where a top-level u64 attribute's value sits in a message.
std::size_t u64_offset(const ByteVector& m, std::uint16_t type) {
    std::size_t at = NLMSG_HDRLEN + GENL_HDRLEN;
    while (at + NLA_HDRLEN <= m.size()) {
        nlattr a{};
        std::memcpy(&a, m.data() + at, sizeof a);
        if ((a.nla_type & NLA_TYPE_MASK) == type)
            return at + NLA_HDRLEN;
        at += NLA_ALIGN(a.nla_len);
    }
    return 0;
}

// The records of the stream, in order, with seq, ts and entry_seq filled in.
class Stream {
public:
    Stream() {
        for (std::uint32_t t = 0; t < kThreads; ++t) {
            const std::uint32_t tid = 1000 + t;
            for (int i = 0; i < 9; ++i) {
                add(finit_enter(tid, false), Kind::SyscallEntry);
                add(exit_record(MODTRACE_REC_FINIT_MODULE_EXIT, MODTRACE_PROBE_FINIT_MODULE, tid,
                                -EBADF),
                    Kind::SyscallExit);
            }
            add(finit_enter(tid, true), Kind::SyscallEntry);
            add(do_init_enter(tid), Kind::InitEntry);
            add(exit_record(MODTRACE_REC_DO_INIT_EXIT, MODTRACE_PROBE_DO_INIT_MODULE, tid, 0),
                Kind::InitExit);
            add(exit_record(MODTRACE_REC_FINIT_MODULE_EXIT, MODTRACE_PROBE_FINIT_MODULE, tid, 0),
                Kind::SyscallExit);
        }
    }

    const ByteVector& next() {
        Template& t = templates_[at_];
        at_ = (at_ + 1) % templates_.size();
        const std::uint64_t seq = next_seq_++;
        put(t.bytes, t.seq, seq);
        put(t.bytes, t.ts, 1000000000 + seq * 1000);
        switch (t.kind) {
        case Kind::SyscallEntry:
            syscall_entry_ = seq;
            break;
        case Kind::InitEntry:
            init_entry_ = seq;
            break;
        case Kind::InitExit:
            put(t.bytes, t.entry_seq, init_entry_);
            break;
        case Kind::SyscallExit:
            put(t.bytes, t.entry_seq, syscall_entry_);
            break;
        }
        return t.bytes;
    }

private:
    enum class Kind { SyscallEntry, InitEntry, InitExit, SyscallExit };
    struct Template {
        ByteVector bytes;
        std::size_t seq, ts, entry_seq;
        Kind kind;
    };

    void add(ByteVector m, Kind kind) {
        Template t{std::move(m), 0, 0, 0, kind};
        t.seq = u64_offset(t.bytes, MODTRACE_ATTR_SEQ);
        t.ts = u64_offset(t.bytes, MODTRACE_ATTR_TS);
        t.entry_seq = u64_offset(t.bytes, MODTRACE_ATTR_ENTRY_SEQ);
        templates_.push_back(std::move(t));
    }

    static void put(ByteVector& m, std::size_t offset, std::uint64_t v) {
        std::memcpy(m.data() + offset, &v, sizeof v);
    }

    std::vector<Template> templates_;
    std::size_t at_ = 0;
    std::uint64_t next_seq_ = 1;
    std::uint64_t syscall_entry_ = 0;
    std::uint64_t init_entry_ = 0;
};

// How far records go: decoded only, also correlated, or all the way to JSON.
enum Stages { Decode, Correlate, Json };

// Runs `n` records through the stages; counts events and JSON bytes.
struct Pipeline {
    explicit Pipeline(Stages stages = Json) : stages(stages) {}

    Stages stages;
    Stream stream;
    modtrace::RecordStream records{kFamily};
    modtrace::TimeBase time{};
    std::uint64_t json_bytes = 0;
    std::uint64_t events = 0;
    // One writer, line after line, as the reader's event loop keeps one.
    modtrace::JsonWriter json{1024};
    modtrace::Correlator correlator{{}, [this](modtrace::Event&& e) {
                                        if (stages == Json) {
                                            json.clear();
                                            modtrace::write_event_json(json, e, time);
                                            json_bytes += json.str().size();
                                        }
                                        ++events;
                                    }};

    void run(std::uint64_t n) {
        for (std::uint64_t i = 0; i < n; ++i) {
            const ByteVector& m = stream.next();
            auto record = records.take(modtrace::Bytes(m.data(), m.size()));
            if (!record)
                throw std::runtime_error("a record the reader skipped");
            if (stages != Decode)
                correlator.feed(*record);
        }
    }
};

// Where the time goes, stage by stage (the difference between two is the later stage's).
void Stage(benchmark::State& state) {
    Pipeline p(static_cast<Stages>(state.range(0)));
    constexpr std::uint64_t batch = 1000;
    for (auto _ : state)
        p.run(batch);
    state.counters["records_per_s"] = benchmark::Counter(
        static_cast<double>(state.iterations() * batch), benchmark::Counter::kIsRate);
}
BENCHMARK(Stage)->ArgName("stages")->Arg(Decode)->Arg(Correlate)->Arg(Json);

void ReaderPipeline(benchmark::State& state) {
    Pipeline p;
    constexpr std::uint64_t batch = 1000;
    for (auto _ : state)
        p.run(batch);
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * batch));
    state.counters["records_per_s"] = benchmark::Counter(
        static_cast<double>(state.iterations() * batch), benchmark::Counter::kIsRate);
    state.counters["events"] = static_cast<double>(p.events);
}
BENCHMARK(ReaderPipeline);

void MillionRecordReplay(benchmark::State& state) {
    for (auto _ : state) {
        Pipeline p;
        p.run(1000000);
        benchmark::DoNotOptimize(p.json_bytes);
    }
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    state.counters["peak_rss_bytes"] = static_cast<double>(usage.ru_maxrss) * 1024;
    state.counters["records_per_s"] = benchmark::Counter(
        static_cast<double>(state.iterations()) * 1e6, benchmark::Counter::kIsRate);
}
BENCHMARK(MillionRecordReplay)->Iterations(1)->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
