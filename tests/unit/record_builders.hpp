// Hand-built kernel records for the correlator and formatter tests: each builder fills what the
// kernel sends for that record type, so a test reads as the record sequence it feeds.
#pragma once

#include "record.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace modtrace::testing {

inline Task make_task(std::uint32_t tid, std::uint32_t tgid = 0, std::string comm = "mtload") {
    Task t;
    t.tgid = tgid ? tgid : tid;
    t.tid = tid;
    t.ppid = 1;
    t.uid = 0;
    t.euid = 0;
    t.loginuid = 1000;
    t.comm = std::move(comm);
    t.abi = 1;
    return t;
}

inline Record base(RecordType type, std::uint64_t seq, std::uint32_t tid, std::uint64_t ts) {
    Record r;
    r.type = type;
    r.seq = seq;
    r.ts_ns = ts;
    r.task = make_task(tid);
    return r;
}

inline Record finit_enter(std::uint64_t seq, std::uint32_t tid, std::uint64_t ts,
                          std::string path = "/lib/mt/mt_clean.ko", std::string params = "",
                          std::uint32_t flags = 0, std::uint64_t ino = 100) {
    Record r = base(RecordType::FinitModuleEnter, seq, tid, ts);
    r.probe = Probe::FinitModule;
    r.fd = 3;
    r.file = FileInfo{std::move(path), 0x801, ino};
    r.params = std::move(params);
    r.finit_flags = flags;
    return r;
}

inline Record init_enter(std::uint64_t seq, std::uint32_t tid, std::uint64_t ts,
                         std::uint64_t len = 4096, std::string params = "") {
    Record r = base(RecordType::InitModuleEnter, seq, tid, ts);
    r.probe = Probe::InitModule;
    r.image_len = len;
    r.params = std::move(params);
    return r;
}

inline Record delete_enter(std::uint64_t seq, std::uint32_t tid, std::uint64_t ts,
                           std::string name = "mt_clean", std::uint32_t flags = 04000) {
    Record r = base(RecordType::DeleteModuleEnter, seq, tid, ts);
    r.probe = Probe::DeleteModule;
    r.name = std::move(name);
    r.delete_flags = flags;
    return r;
}

inline Record do_init_enter(std::uint64_t seq, std::uint32_t tid, std::uint64_t ts,
                            std::string name = "mt_clean", std::string args = "") {
    Record r = base(RecordType::DoInitEnter, seq, tid, ts);
    r.probe = Probe::DoInitModule;
    ModuleInfo m;
    m.name = std::move(name);
    m.version = "1.0";
    m.srcversion = "0123456789ABCDEF01234567";
    m.taints = 1U << 12; // TAINT_OOT_MODULE
    m.sig_ok = false;
    m.args = std::move(args);
    m.text_size = 8192;
    m.total_size = 16384;
    r.module = std::move(m);
    return r;
}

inline Record do_init_exit(std::uint64_t seq, std::uint32_t tid, std::uint64_t ts,
                           std::uint64_t entry_seq, std::int64_t ret, std::string name = "mt_clean",
                           std::uint64_t duration = 1000) {
    Record r = base(RecordType::DoInitExit, seq, tid, ts);
    r.probe = Probe::DoInitModule;
    r.entry_seq = entry_seq;
    r.ret = ret;
    r.duration_ns = duration;
    ModuleInfo m;
    m.name = std::move(name);
    r.module = std::move(m);
    return r;
}

inline Record sys_exit(RecordType type, std::uint64_t seq, std::uint32_t tid, std::uint64_t ts,
                       std::uint64_t entry_seq, std::int64_t ret, std::uint64_t duration) {
    Record r = base(type, seq, tid, ts);
    r.entry_seq = entry_seq;
    r.ret = ret;
    r.duration_ns = duration;
    return r;
}

inline Record finit_exit(std::uint64_t seq, std::uint32_t tid, std::uint64_t ts,
                         std::uint64_t entry_seq, std::int64_t ret, std::uint64_t duration) {
    Record r = sys_exit(RecordType::FinitModuleExit, seq, tid, ts, entry_seq, ret, duration);
    r.probe = Probe::FinitModule;
    return r;
}

inline Record init_exit(std::uint64_t seq, std::uint32_t tid, std::uint64_t ts,
                        std::uint64_t entry_seq, std::int64_t ret, std::uint64_t duration) {
    Record r = sys_exit(RecordType::InitModuleExit, seq, tid, ts, entry_seq, ret, duration);
    r.probe = Probe::InitModule;
    return r;
}

inline Record delete_exit(std::uint64_t seq, std::uint32_t tid, std::uint64_t ts,
                          std::uint64_t entry_seq, std::int64_t ret, std::uint64_t duration) {
    Record r = sys_exit(RecordType::DeleteModuleExit, seq, tid, ts, entry_seq, ret, duration);
    r.probe = Probe::DeleteModule;
    return r;
}

// What a newer kernel module sends for finit_module: the entry's file has no path, the return
// carries the file the kernel read.
inline Record finit_enter_new(std::uint64_t seq, std::uint32_t tid, std::uint64_t ts,
                              std::uint64_t ino = 100, std::uint32_t dev = 0x801) {
    Record r = finit_enter(seq, tid, ts, "", "", 0, ino);
    r.file = FileInfo{std::nullopt, dev, ino};
    return r;
}

inline Record finit_exit_new(std::uint64_t seq, std::uint32_t tid, std::uint64_t ts,
                             std::uint64_t entry_seq, std::int64_t ret, std::uint64_t duration,
                             std::string path = "/lib/mt/mt_clean.ko", std::uint64_t ino = 100,
                             std::uint32_t dev = 0x801) {
    Record r = finit_exit(seq, tid, ts, entry_seq, ret, duration);
    r.file = FileInfo{std::move(path), dev, ino};
    return r;
}

inline Record module_free(std::uint64_t seq, std::uint32_t tid, std::uint64_t ts,
                          std::string name = "mt_clean") {
    Record r = base(RecordType::ModuleFree, seq, tid, ts);
    r.probe = Probe::FreeModule;
    r.task->abi.reset(); // not a syscall record
    ModuleInfo m;
    m.name = std::move(name);
    r.module = std::move(m);
    return r;
}

inline Record obsolete(std::uint64_t seq, std::uint32_t tid, std::uint64_t ts, std::uint32_t nr) {
    Record r = base(RecordType::ObsoleteSyscall, seq, tid, ts);
    r.probe = Probe::NiSyscall;
    r.syscall_nr = nr;
    r.syscall_args = {1, 2, 3, 0, 0, 0};
    return r;
}

// A HIDDEN_MODULE record: made by a check, not a probe (no PROBE); its task is the loader's.
inline Record hidden_module(std::uint64_t seq, std::uint32_t loader_tid, std::uint64_t ts,
                            std::string name, std::uint32_t from, std::uint64_t load_ts) {
    Record r = base(RecordType::HiddenModule, seq, loader_tid, ts);
    r.probe.reset();
    r.task->abi.reset();
    ModuleInfo m;
    m.name = std::move(name);
    r.module = std::move(m);
    r.hidden_from = from;
    r.load_ts_ns = load_ts;
    return r;
}

inline Record loss_record(Loss loss) {
    Record r;
    r.type = RecordType::Loss;
    r.loss = loss;
    return r;
}

inline Record shutdown_record(std::uint64_t next_seq) {
    Record r;
    r.type = RecordType::Shutdown;
    r.next_seq = next_seq;
    return r;
}

inline Loss buffer_full(std::uint64_t n) {
    Loss l;
    l.buffer_full = n;
    return l;
}

inline Loss nmissed(std::uint64_t n) {
    Loss l;
    l.nmissed = n;
    return l;
}

inline Loss busy(std::uint64_t n) {
    Loss l;
    l.busy = n;
    return l;
}

// __request_module() by thread `tid` (comm "ip"), and its return naming what was asked for.
inline Record request_enter(std::uint64_t seq, std::uint32_t tid, std::uint64_t ts,
                            bool wait = true) {
    Record r = base(RecordType::RequestModuleEnter, seq, tid, ts);
    r.probe = Probe::RequestModule;
    r.task->comm = "ip";
    r.task->abi.reset(); // not a syscall record
    r.request_wait = wait;
    return r;
}

inline Record request_exit(std::uint64_t seq, std::uint32_t tid, std::uint64_t ts,
                           std::uint64_t entry_seq, std::int64_t ret, std::uint64_t duration,
                           std::optional<std::string> name = "rtnl-link-dummy") {
    Record r = base(RecordType::RequestModuleExit, seq, tid, ts);
    r.probe = Probe::RequestModule;
    r.task->comm = "ip";
    r.task->abi.reset();
    r.entry_seq = entry_seq;
    r.ret = ret;
    r.duration_ns = duration;
    r.name = std::move(name);
    return r;
}

// The REQUEST nest of a record made by the helper the request `seq` of thread `tid` started.
inline RequestInfo request_of(std::uint64_t seq, std::uint32_t tid,
                              std::string name = "rtnl-link-dummy") {
    RequestInfo q;
    q.seq = seq;
    q.name = std::move(name);
    q.tgid = tid;
    q.tid = tid;
    q.comm = "ip";
    q.uid = 1000;
    return q;
}

} // namespace modtrace::testing
