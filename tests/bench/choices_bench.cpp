// Two choices measured (CODING.md, "Why not libnl's nla_parse or RapidJSON"):
//
//   Json_ours, Json_rapidjson, Json_rapidjson_validated: one typical event line (the keys and
//     values event_to_json writes for a load by finit_module) written with our JsonWriter and
//     with rapidjson::Writer, without and with its UTF-8 validation.
//   Json_*_hostile: the same with the path, the parameters and the comm holding invalid UTF-8.
//   Attrs_ours, Attrs_nla_parse: one finit_module entry record's attributes (the top level and
//     the TASK nest) indexed by type, with for_each_attribute and with libnl's nla_parse.
//
// Built only where Google Benchmark and RapidJSON's headers (Debian rapidjson-dev) are
// installed; the reader itself depends on neither.
#include "../unit/nl_builder.hpp"
#include "json.hpp"
#include "modtrace.h"
#include "netlink_parse.hpp"

#include <array>
#include <benchmark/benchmark.h>
#include <netlink/attr.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <string>
#include <string_view>

namespace {

using modtrace::test::ByteVector;
using modtrace::test::MessageBuilder;

// Our writer's calls, and rapidjson's behind the same names.
struct Ours {
    modtrace::JsonWriter w{1024};
    void begin() { w.begin_object(); }
    void end() { w.end_object(); }
    void begin_array() { w.begin_array(); }
    void end_array() { w.end_array(); }
    void key(std::string_view k) { w.key(k); }
    void str(std::string_view s) { w.value(s); }
    void u64(std::uint64_t n) { w.value(n); }
    void s64(std::int64_t n) { w.value(n); }
    void boolean(bool b) { w.value(b); }
    void null() { w.null(); }
    std::size_t size() const { return w.str().size(); }
};

template <unsigned Flags> struct Rapid {
    rapidjson::StringBuffer buffer{nullptr, 1024};
    rapidjson::Writer<rapidjson::StringBuffer, rapidjson::UTF8<>, rapidjson::UTF8<>,
                      rapidjson::CrtAllocator, Flags>
        w{buffer};
    bool ok = true;
    void begin() { ok &= w.StartObject(); }
    void end() { ok &= w.EndObject(); }
    void begin_array() { ok &= w.StartArray(); }
    void end_array() { ok &= w.EndArray(); }
    void key(std::string_view k) { ok &= w.Key(k.data(), static_cast<unsigned>(k.size())); }
    void str(std::string_view s) { ok &= w.String(s.data(), static_cast<unsigned>(s.size())); }
    void u64(std::uint64_t n) { ok &= w.Uint64(n); }
    void s64(std::int64_t n) { ok &= w.Int64(n); }
    void boolean(bool b) { ok &= w.Bool(b); }
    void null() { ok &= w.Null(); }
    std::size_t size() const { return buffer.GetSize(); }
};

struct Strings {
    std::string_view path, params, comm;
};

const Strings kPlain{"/lib/modules/6.1.0-56-amd64/extra/mt_clean.ko", "count=3 label=lab",
                     "modprobe"};
const Strings kHostile{"/lib/modules/6.1.0-56-amd64/extra/\xff\xfe\x80.ko",
                       "count=3 label=\xc0\xaf\x1b[2J", "mod\xe2\x80\xaeprobe"};

// The line event_to_json writes for a load by finit_module, key by key.
template <class W> void write_event(W& w, const Strings& s) {
    w.begin();
    w.key("seq"), w.u64(1);
    w.key("time"), w.str("2026-11-20T10:00:00.000000000Z");
    w.key("event"), w.str("finit_module");
    for (const char* k : {"pid", "tid"})
        w.key(k), w.u64(812);
    w.key("ppid"), w.u64(700);
    for (const char* k : {"uid", "euid", "gid"})
        w.key(k), w.u64(0);
    w.key("loginuid"), w.u64(1000);
    w.key("sessionid"), w.u64(3);
    w.key("comm"), w.str(s.comm);
    w.key("cgroup_id"), w.u64(4242);
    w.key("pidns_ino"), w.u64(4026531836U);
    w.key("mntns_ino"), w.u64(4026531841U);
    w.key("abi"), w.str("x86_64");
    w.key("args"), w.begin();
    w.key("fd"), w.s64(3);
    w.key("path"), w.str(s.path);
    w.key("dev"), w.str("8:1");
    w.key("ino"), w.u64(131075);
    w.key("caller_dev"), w.null();
    w.key("caller_ino"), w.null();
    w.key("params"), w.str(s.params);
    w.key("flags"), w.begin_array(), w.end_array();
    w.key("flags_raw"), w.u64(0);
    w.end();
    w.key("module"), w.begin();
    w.key("name"), w.str("mt_clean");
    w.key("version"), w.str("1.0");
    w.key("srcversion"), w.str("3F2A1B4C5D6E7F8091A2B3C");
    w.key("taints"), w.u64(4096);
    w.key("signed"), w.null();
    w.key("params"), w.str(s.params);
    w.key("text_size"), w.u64(8192);
    w.key("total_size"), w.u64(20480);
    w.key("init_ret"), w.s64(0);
    w.end();
    w.key("ret"), w.s64(0);
    w.key("errno"), w.null();
    w.key("outcome"), w.str("loaded");
    w.key("duration_ns"), w.u64(5500000);
    w.key("init_duration_ns"), w.u64(2000000);
    w.key("complete"), w.boolean(true);
    w.key("incomplete_reason"), w.null();
    for (const char* k : {"params_mismatch", "name_mismatch", "file_changed"})
        w.key(k), w.boolean(false);
    w.key("truncated"), w.begin_array(), w.end_array();
    w.end();
}

template <class W> void Json(benchmark::State& state, const Strings& strings) {
    std::size_t bytes = 0;
    bool ok = true;
    for (auto _ : state) {
        W w;
        write_event(w, strings);
        bytes = w.size();
        if constexpr (!std::is_same_v<W, Ours>)
            ok = ok && w.ok;
        benchmark::DoNotOptimize(bytes);
    }
    state.counters["bytes"] = static_cast<double>(bytes);
    // rapidjson with validation refuses the line rather than writing a replacement.
    state.counters["complete"] = ok ? 1 : 0;
}

using RapidPlain = Rapid<rapidjson::kWriteDefaultFlags>;
using RapidValidated = Rapid<rapidjson::kWriteValidateEncodingFlag>;
void Json_ours(benchmark::State& state) {
    Json<Ours>(state, kPlain);
}
void Json_rapidjson(benchmark::State& state) {
    Json<RapidPlain>(state, kPlain);
}
void Json_rapidjson_validated(benchmark::State& state) {
    Json<RapidValidated>(state, kPlain);
}
void Json_ours_hostile(benchmark::State& state) {
    Json<Ours>(state, kHostile);
}
void Json_rapidjson_hostile(benchmark::State& state) {
    Json<RapidPlain>(state, kHostile);
}
void Json_rapidjson_validated_hostile(benchmark::State& state) {
    Json<RapidValidated>(state, kHostile);
}
BENCHMARK(Json_ours);
BENCHMARK(Json_rapidjson);
BENCHMARK(Json_rapidjson_validated);
BENCHMARK(Json_ours_hostile);
BENCHMARK(Json_rapidjson_hostile);
BENCHMARK(Json_rapidjson_validated_hostile);

// A finit_module entry record's attributes, as the kernel sends them.
ByteVector record_attributes() {
    MessageBuilder b;
    b.u32(MODTRACE_ATTR_TYPE, MODTRACE_REC_FINIT_MODULE_ENTER)
        .u64(MODTRACE_ATTR_SEQ, 1)
        .u32(MODTRACE_ATTR_PROBE, MODTRACE_PROBE_FINIT_MODULE)
        .u64(MODTRACE_ATTR_TS, 1000000000000ULL)
        .u32(MODTRACE_ATTR_CPU, 1)
        .begin(MODTRACE_ATTR_TASK)
        .u32(MODTRACE_TASK_ATTR_TGID, 812)
        .u32(MODTRACE_TASK_ATTR_TID, 812)
        .u32(MODTRACE_TASK_ATTR_PPID, 700)
        .u32(MODTRACE_TASK_ATTR_UID, 0)
        .u32(MODTRACE_TASK_ATTR_EUID, 0)
        .u32(MODTRACE_TASK_ATTR_GID, 0)
        .u32(MODTRACE_TASK_ATTR_LOGINUID, 1000)
        .u32(MODTRACE_TASK_ATTR_SESSIONID, 3)
        .str(MODTRACE_TASK_ATTR_COMM, "modprobe")
        .u64(MODTRACE_TASK_ATTR_CGROUP_ID, 4242)
        .u32(MODTRACE_TASK_ATTR_PIDNS_INO, 4026531836U)
        .u32(MODTRACE_TASK_ATTR_MNTNS_INO, 4026531841U)
        .u32(MODTRACE_TASK_ATTR_ABI, MODTRACE_ABI_X86_64)
        .end()
        .u32(MODTRACE_ATTR_RECORD_FLAGS, 0)
        .s32(MODTRACE_ATTR_FD, 3)
        .begin(MODTRACE_ATTR_FILE)
        .u32(MODTRACE_FILE_ATTR_DEV, 0x801)
        .u64(MODTRACE_FILE_ATTR_INO, 131075)
        .end()
        .str(MODTRACE_ATTR_PARAMS, "count=3 label=lab")
        .u32(MODTRACE_ATTR_FINIT_FLAGS, 0);
    return b.attributes();
}

void Attrs_ours(benchmark::State& state) {
    const ByteVector bytes = record_attributes();
    for (auto _ : state) {
        std::array<modtrace::Bytes, MODTRACE_ATTR_MAX + 1> top{};
        std::array<modtrace::Bytes, MODTRACE_TASK_ATTR_MAX + 1> task{};
        auto ok = modtrace::for_each_attribute(bytes, "", [&](const modtrace::Attribute& a) {
            if (a.type < top.size())
                top[a.type] = a.payload;
            return modtrace::Result<void>();
        });
        ok = modtrace::for_each_attribute(top[MODTRACE_ATTR_TASK], "TASK",
                                          [&](const modtrace::Attribute& a) {
                                              if (a.type < task.size())
                                                  task[a.type] = a.payload;
                                              return modtrace::Result<void>();
                                          });
        benchmark::DoNotOptimize(ok);
        benchmark::DoNotOptimize(task);
    }
}
BENCHMARK(Attrs_ours);

void Attrs_nla_parse(benchmark::State& state) {
    ByteVector bytes = record_attributes();
    // Exact sizes, as the decoder checks them, and strings that must be terminated.
    nla_policy top_policy[MODTRACE_ATTR_MAX + 1] = {};
    for (int t : {MODTRACE_ATTR_TYPE, MODTRACE_ATTR_PROBE, MODTRACE_ATTR_CPU,
                  MODTRACE_ATTR_RECORD_FLAGS, MODTRACE_ATTR_FD, MODTRACE_ATTR_FINIT_FLAGS})
        top_policy[t] = {NLA_U32, 4, 4};
    for (int t : {MODTRACE_ATTR_SEQ, MODTRACE_ATTR_TS})
        top_policy[t] = {NLA_U64, 8, 8};
    top_policy[MODTRACE_ATTR_TASK].type = NLA_NESTED;
    top_policy[MODTRACE_ATTR_FILE].type = NLA_NESTED;
    top_policy[MODTRACE_ATTR_PARAMS].type = NLA_STRING;
    nla_policy task_policy[MODTRACE_TASK_ATTR_MAX + 1] = {};
    for (int t = MODTRACE_TASK_ATTR_TGID; t <= MODTRACE_TASK_ATTR_MAX; ++t)
        task_policy[t] = {NLA_U32, 4, 4};
    task_policy[MODTRACE_TASK_ATTR_COMM] = {NLA_STRING, 0, 16};
    task_policy[MODTRACE_TASK_ATTR_CGROUP_ID] = {NLA_U64, 8, 8};
    for (auto _ : state) {
        nlattr* top[MODTRACE_ATTR_MAX + 1];
        nlattr* task[MODTRACE_TASK_ATTR_MAX + 1];
        int err = nla_parse(top, MODTRACE_ATTR_MAX, reinterpret_cast<nlattr*>(bytes.data()),
                            static_cast<int>(bytes.size()), top_policy);
        if (err == 0)
            err = nla_parse_nested(task, MODTRACE_TASK_ATTR_MAX, top[MODTRACE_ATTR_TASK],
                                   task_policy);
        benchmark::DoNotOptimize(err);
        benchmark::DoNotOptimize(task);
    }
}
BENCHMARK(Attrs_nla_parse);

} // namespace

BENCHMARK_MAIN();
