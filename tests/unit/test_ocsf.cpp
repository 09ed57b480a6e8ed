// The OCSF format: one line exact, then the mapping table by table (activity by event kind,
// status and severity by outcome, the file, the caller, the device type); hostile strings keep
// the line valid JSON. tests/ocsf/check.py checks the same events against the schema itself.
#include "event_samples.hpp"
#include "json_check.hpp"
#include "modtrace.h"
#include "ocsf.hpp"

#define BOOST_BIND_GLOBAL_PLACEHOLDERS // property_tree includes the deprecated boost/bind.hpp
#include <boost/property_tree/json_parser.hpp>
#include <boost/property_tree/ptree.hpp>
#include <gtest/gtest.h>
#include <sstream>
#include <string>

namespace {

using namespace modtrace;
using modtrace::testing::request_event;

// Monotonic 0 is 2026-11-20T10:00:00Z.
const TimeBase time_base{1795168800LL * 1000000000LL};
const OcsfHost host{"lab", "0123456789abcdef0123456789abcdef", "6.1.0-31-amd64", 6};

Task caller() {
    Task t;
    t.tgid = 2344;
    t.tid = 2345;
    t.ppid = 812;
    t.uid = 0;
    t.euid = 0;
    t.gid = 0;
    t.loginuid = 1000;
    t.sessionid = 3;
    t.comm = "insmod";
    t.cgroup_id = 4913;
    t.pidns_ino = 4026531836U;
    t.mntns_ino = 4026531841U;
    t.abi = MODTRACE_ABI_X86_64;
    return t;
}

Event finit_load() {
    Event e;
    e.seq = 201;
    e.time_ns = 5123456;
    e.kind = EventKind::FinitModule;
    e.task = caller();
    e.args.fd = 3;
    e.args.path = "/lib/modules/6.1.0-31-amd64/extra/mt_clean.ko";
    e.args.dev = 0x801;
    e.args.ino = 1311;
    e.args.params = "count=3";
    e.args.flags = 0;
    EventModule m;
    m.name = "mt_clean";
    m.version = "1.0";
    m.srcversion = "6F2C5A1D9E8B7C3A4D2E1F0";
    m.taints = 4096;
    m.sig_ok = false;
    m.params = "count=3";
    m.text_size = 8192;
    m.total_size = 20480;
    m.init_ret = 0;
    e.module = m;
    e.ret = 0;
    e.outcome = Outcome::Loaded;
    e.duration_ns = 1010000;
    e.init_duration_ns = 91000;
    return e;
}

boost::property_tree::ptree parse(const std::string& line) {
    std::istringstream in(line);
    boost::property_tree::ptree tree;
    boost::property_tree::read_json(in, tree);
    return tree;
}

TEST(Ocsf, LoadedFinitModuleExact) {
    Event e = finit_load();
    e.image = ImageInfo{ImageState::Hashed,
                        16384,
                        "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                        "mt_clean",
                        std::nullopt,
                        std::nullopt,
                        std::nullopt};
    EXPECT_EQ(
        event_to_ocsf(e, time_base, host),
        R"({"class_uid":1002,"class_name":"Kernel Extension Activity","category_uid":1,)"
        R"("category_name":"System Activity","activity_id":1,"activity_name":"Load",)"
        R"("type_uid":100201,"type_name":"Kernel Extension Activity: Load","time":1795168800005,)"
        R"("severity_id":1,"severity":"Informational","status_id":1,"status":"Success",)"
        R"("status_detail":"loaded","message":"finit_module of )"
        R"(/lib/modules/6.1.0-31-amd64/extra/mt_clean.ko by insmod[2344]: loaded",)"
        R"("actor":{"process":{"pid":2344,"ptid":2345,"name":"insmod","parent_process":{"pid":812},)"
        R"("user":{"uid":"0"}},"user":{"uid":"1000"},"session":{"uid":"3"}},)"
        R"("driver":{"file":{"name":"mt_clean.ko","path":"/lib/modules/6.1.0-31-amd64/extra/)"
        R"(mt_clean.ko","type_id":1,"type":"Regular File","internal_name":"mt_clean",)"
        R"("version":"1.0","hashes":[{"algorithm_id":3,"algorithm":"SHA-256","value":)"
        R"("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}]}},)"
        R"("device":{"hostname":"lab","uid":"0123456789abcdef0123456789abcdef","type_id":6,)"
        R"("type":"Virtual","os":{"name":"Linux","type_id":200,"type":"Linux",)"
        R"("kernel_release":"6.1.0-31-amd64"}},)"
        R"("metadata":{"version":"1.8.0","product":{"name":"modtrace","vendor_name":"modtrace",)"
        R"("version":")" MODTRACE_VERSION R"("},"log_name":"modtrace","event_code":"finit_module",)"
        R"("original_time":"2026-11-20T10:00:00.005123456Z","sequence":201},)"
        R"("unmapped":{"seq":201,"euid":0,"gid":0,"cgroup_id":4913,"pidns_ino":4026531836,)"
        R"("mntns_ino":4026531841,"abi":"x86_64","request":null,"args":{"fd":3,"path":)"
        R"("/lib/modules/6.1.0-31-amd64/extra/mt_clean.ko","dev":"8:1","ino":1311,)"
        R"("caller_dev":null,"caller_ino":null,"params":"count=3","flags":[],"flags_raw":0},)"
        R"("module":{"name":"mt_clean","sha256":)"
        R"("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08","captured":null,"hidden":null,)"
        R"("hidden_from":null,"version":"1.0",)"
        R"("srcversion":"6F2C5A1D9E8B7C3A4D2E1F0",)"
        R"("taints":4096,"signed":false,"params":"count=3","text_size":8192,"total_size":20480,)"
        R"("init_ret":0},"image":{"state":"hashed","sha256":)"
        R"("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08","bytes":16384,)"
        R"("name":"mt_clean","capture":"not_asked"},"ret":0,"outcome":"loaded","request_result":null,)"
        R"("duration_ns":1010000,)"
        R"("init_duration_ns":91000,"complete":true,"incomplete_reason":null,)"
        R"("params_mismatch":false,"name_mismatch":false,"file_changed":false,"truncated":[]}})");
}

TEST(Ocsf, NoHashesWithoutSha256) {
    const std::string line = event_to_ocsf(finit_load(), time_base, host);
    EXPECT_EQ(line.find("hashes"), std::string::npos) << line;
}

TEST(Ocsf, ActivityByEventKind) {
    struct Case {
        EventKind kind;
        int activity_id;
        const char* activity_name;
        const char* type_uid;
        const char* type_name;
    };
    const Case cases[] = {
        {EventKind::InitModule, 1, "Load", "100201", "Kernel Extension Activity: Load"},
        {EventKind::FinitModule, 1, "Load", "100201", "Kernel Extension Activity: Load"},
        {EventKind::UnknownLoad, 1, "Load", "100201", "Kernel Extension Activity: Load"},
        {EventKind::DeleteModule, 2, "Unload", "100202", "Kernel Extension Activity: Unload"},
        {EventKind::CreateModule, 99, "create_module", "100299",
         "Kernel Extension Activity: Other"},
        {EventKind::QueryModule, 99, "query_module", "100299", "Kernel Extension Activity: Other"},
        {EventKind::GetKernelSyms, 99, "get_kernel_syms", "100299",
         "Kernel Extension Activity: Other"},
        {EventKind::ObsoleteSyscall, 99, "obsolete_syscall", "100299",
         "Kernel Extension Activity: Other"},
    };
    for (const auto& c : cases) {
        Event e = finit_load();
        e.kind = c.kind;
        const std::string line = event_to_ocsf(e, time_base, host);
        SCOPED_TRACE(line);
        const auto tree = parse(line);
        EXPECT_EQ(tree.get<int>("activity_id"), c.activity_id);
        EXPECT_EQ(tree.get<std::string>("activity_name"), c.activity_name);
        EXPECT_EQ(tree.get<std::string>("type_uid"), c.type_uid);
        EXPECT_EQ(tree.get<std::string>("type_name"), c.type_name);
        EXPECT_EQ(tree.get<std::string>("metadata.event_code"), event_kind_name(c.kind));
    }
}

TEST(Ocsf, StatusAndSeverityByOutcome) {
    struct Case {
        EventKind kind;
        Outcome outcome;
        std::optional<std::int64_t> ret;
        int status_id;
        const char* status;
        const char* status_code; // "" when absent
        const char* detail;
        int severity_id;
    };
    const Case cases[] = {
        {EventKind::FinitModule, Outcome::Loaded, 0, 1, "Success", "", "loaded", 1},
        {EventKind::FinitModule, Outcome::Rejected, -17, 2, "Failure", "EEXIST",
         "rejected (EEXIST)", 2},
        {EventKind::FinitModule, Outcome::InitFailed, -19, 2, "Failure", "ENODEV",
         "init failed (ENODEV)", 2},
        {EventKind::FinitModule, Outcome::Failed, -22, 2, "Failure", "EINVAL", "failed (EINVAL)",
         2},
        {EventKind::FinitModule, Outcome::Waited, 0, 1, "Success", "",
         "waited for another load: loaded", 1},
        {EventKind::FinitModule, Outcome::Waited, -19, 2, "Failure", "ENODEV",
         "waited for another load: failed (ENODEV)", 2},
        {EventKind::DeleteModule, Outcome::Unloaded, 0, 1, "Success", "", "unloaded", 1},
        {EventKind::DeleteModule, Outcome::UnloadFailed, -16, 2, "Failure", "EBUSY",
         "unload failed (EBUSY)", 2},
        {EventKind::CreateModule, Outcome::Enosys, -38, 2, "Failure", "ENOSYS", "obsolete (ENOSYS)",
         3},
        {EventKind::InitModule, Outcome::Unknown, std::nullopt, 0, "Unknown", "", "unknown", 1},
    };
    for (const auto& c : cases) {
        Event e = finit_load();
        e.kind = c.kind;
        e.outcome = c.outcome;
        e.ret = c.ret;
        const std::string line = event_to_ocsf(e, time_base, host);
        SCOPED_TRACE(line);
        const auto tree = parse(line);
        EXPECT_EQ(tree.get<int>("status_id"), c.status_id);
        EXPECT_EQ(tree.get<std::string>("status"), c.status);
        EXPECT_EQ(tree.get<std::string>("status_code", ""), c.status_code);
        EXPECT_EQ(tree.get<std::string>("status_detail"), c.detail);
        EXPECT_EQ(tree.get<int>("severity_id"), c.severity_id);
    }
}

TEST(Ocsf, RaceWithTheKernelIsMedium) {
    for (const auto flag : {&Event::params_mismatch, &Event::name_mismatch, &Event::file_changed}) {
        Event e = finit_load();
        e.*flag = true;
        const auto tree = parse(event_to_ocsf(e, time_base, host));
        EXPECT_EQ(tree.get<int>("severity_id"), 3);
        EXPECT_EQ(tree.get<std::string>("severity"), "Medium");
    }
}

TEST(Ocsf, DeletedFileIsMarkedAndItsPathCut) {
    Event e = finit_load();
    e.args.path = "/tmp/mt_clean.ko (deleted)";
    const auto tree = parse(event_to_ocsf(e, time_base, host));
    EXPECT_EQ(tree.get<std::string>("driver.file.path"), "/tmp/mt_clean.ko");
    EXPECT_EQ(tree.get<std::string>("driver.file.name"), "mt_clean.ko");
    EXPECT_EQ(tree.get<std::string>("driver.file.is_deleted"), "true");
    EXPECT_EQ(tree.get<std::string>("unmapped.args.path"), "/tmp/mt_clean.ko (deleted)");
}

TEST(Ocsf, FileByEventKind) {
    Event init = finit_load();
    init.kind = EventKind::InitModule;
    init.args = EventArgs{};
    init.args.len = 110232;
    auto tree = parse(event_to_ocsf(init, time_base, host));
    EXPECT_EQ(tree.get<std::string>("driver.file.name"), "mt_clean");
    EXPECT_EQ(tree.get<int>("driver.file.type_id"), 99);
    EXPECT_EQ(tree.get<std::string>("driver.file.type"), "Memory Image");
    EXPECT_EQ(tree.get<std::string>("driver.file.size"), "110232");
    EXPECT_FALSE(tree.get_optional<std::string>("driver.file.path")) << "driver.file.path";

    Event unload = finit_load();
    unload.kind = EventKind::DeleteModule;
    unload.args = EventArgs{};
    unload.args.name = "mt-clean";
    unload.module = EventModule{};
    unload.module->name = "mt_clean";
    tree = parse(event_to_ocsf(unload, time_base, host));
    EXPECT_EQ(tree.get<std::string>("driver.file.name"), "mt-clean");
    EXPECT_EQ(tree.get<std::string>("driver.file.internal_name"), "mt_clean");
    EXPECT_EQ(tree.get<int>("driver.file.type_id"), 0);

    Event obsolete = finit_load();
    obsolete.kind = EventKind::CreateModule;
    obsolete.args = EventArgs{};
    obsolete.module.reset();
    tree = parse(event_to_ocsf(obsolete, time_base, host));
    EXPECT_EQ(tree.get<std::string>("driver.file.name"), "");
    EXPECT_EQ(tree.get<std::string>("driver.file.type"), "Unknown");
}

TEST(Ocsf, UnsetAuditIdsLeaveOutActorUserAndSession) {
    Event e = finit_load();
    e.task->loginuid = 0xffffffffU;
    e.task->sessionid = 0xffffffffU;
    const auto tree = parse(event_to_ocsf(e, time_base, host));
    EXPECT_FALSE(tree.get_optional<std::string>("actor.user.uid")) << "actor.user.uid";
    EXPECT_FALSE(tree.get_optional<std::string>("actor.session.uid")) << "actor.session.uid";
    EXPECT_EQ(tree.get<std::string>("actor.process.user.uid"), "0");
}

TEST(Ocsf, NoCallerStillHasAnActor) {
    Event e = finit_load();
    e.task.reset();
    const auto tree = parse(event_to_ocsf(e, time_base, host));
    EXPECT_EQ(tree.get<std::string>("actor.app_name"), "unknown");
    EXPECT_EQ(tree.get<std::string>("unmapped.euid"), "null");
}

TEST(Ocsf, SeqPast32BitsOnlyInUnmapped) {
    Event e = finit_load();
    e.seq = 1ULL << 31;
    const auto tree = parse(event_to_ocsf(e, time_base, host));
    EXPECT_FALSE(tree.get_optional<std::string>("metadata.sequence")) << "metadata.sequence";
    EXPECT_EQ(tree.get<std::string>("unmapped.seq"), "2147483648");
}

TEST(Ocsf, NamelessMachineIsStillNamed) {
    const auto tree = parse(event_to_ocsf(finit_load(), time_base, OcsfHost{}));
    EXPECT_EQ(tree.get<std::string>("device.name"), "unknown");
    EXPECT_EQ(tree.get<int>("device.type_id"), 0);
    EXPECT_EQ(tree.get<std::string>("device.type"), "Unknown");
    EXPECT_FALSE(tree.get_optional<std::string>("device.os.kernel_release"))
        << "device.os.kernel_release";
}

TEST(Ocsf, TimeIsMillisecondsFloored) {
    Event e = finit_load();
    e.time_ns = 999999;
    EXPECT_EQ(parse(event_to_ocsf(e, time_base, host)).get<std::string>("time"), "1795168800000");
    EXPECT_EQ(parse(event_to_ocsf(e, TimeBase{-2000000}, host)).get<std::string>("time"), "-2");
}

TEST(Ocsf, HostileStringsKeepTheLineValid) {
    Event e = finit_load();
    e.task->comm = "a\"}\n{\xff";
    e.args.path = "/tmp/\x1b[2J\xc3(.ko";
    e.module->name = "mt\n";
    const std::string line = event_to_ocsf(e, time_base, host);
    const test::JsonCheck check(line);
    EXPECT_TRUE(check.ok()) << check.error() << "\n" << line;
    EXPECT_EQ(line.find('\n'), std::string::npos);
}

TEST(Ocsf, DeviceTypeFromChassis) {
    struct Case {
        std::optional<int> chassis;
        bool hypervisor;
        int type_id;
    };
    const Case cases[] = {
        {std::nullopt, false, 0},
        {std::nullopt, true, 6},
        {3, true, 6},
        {3, false, 2},
        {7, false, 2},
        {9, false, 3},
        {10, false, 3},
        {30, false, 4},
        {11, false, 5},
        {17, false, 1},
        {23, false, 1},
        {28, false, 1},
        {33, false, 7},
        {1, false, 0},
        {2, false, 0},
        {99, false, 0},
    };
    for (const auto& c : cases) {
        EXPECT_EQ(ocsf_device_type(c.chassis, c.hypervisor), c.type_id)
            << "chassis " << c.chassis.value_or(-1) << " hypervisor " << c.hypervisor;
    }
    EXPECT_EQ(ocsf_device_type_name(6), "Virtual");
    EXPECT_EQ(ocsf_device_type_name(42), "Unknown");
}

TEST(Ocsf, AModuleThatHidItselfIsHighSeverity) {
    Event e = finit_load();
    e.hidden_from = MODTRACE_HIDDEN_F_MODULE_LIST;
    const auto tree = parse(event_to_ocsf(e, time_base, host));
    EXPECT_EQ(tree.get<int>("severity_id"), 4);
    EXPECT_EQ(tree.get<std::string>("severity"), "High");
    e.hidden_from = 0;
    EXPECT_EQ(parse(event_to_ocsf(e, time_base, host)).get<int>("severity_id"), 1);
}

// A request is Other, named by its kind; not an obsolete syscall, so Informational or Low.
TEST(Ocsf, ARequestIsOtherAndOrdinary) {
    const std::string ok = event_to_ocsf(request_event(0), time_base, host);
    EXPECT_NE(ok.find(R"("activity_id":99,"activity_name":"request_module")"), std::string::npos)
        << ok;
    EXPECT_NE(ok.find(R"("severity_id":1,"severity":"Informational","status_id":1)"),
              std::string::npos)
        << ok;
    EXPECT_NE(ok.find(R"("message":"request_module of rtnl-link-vxlan by ip[412]: requested")"),
              std::string::npos)
        << ok;
    const std::string failed = event_to_ocsf(request_event(256), time_base, host);
    EXPECT_NE(failed.find(R"("severity_id":2,"severity":"Low","status_id":2)"), std::string::npos)
        << failed;
    EXPECT_NE(failed.find(R"("request_result":{"by":"modprobe","exit_status":1,)"),
              std::string::npos)
        << failed;
}

TEST(Ocsf, AHelpersLoadSaysWhoRequestedIt) {
    Event e = finit_load();
    RequestInfo q;
    q.seq = 8;
    q.name = "rtnl-link-vxlan";
    q.tgid = 412;
    q.tid = 412;
    q.comm = "ip";
    e.request = q;
    const std::string line = event_to_ocsf(e, time_base, host);
    EXPECT_NE(line.find("(requested by ip[412] for rtnl-link-vxlan): loaded"), std::string::npos)
        << line;
    EXPECT_NE(line.find(R"("unmapped":{"seq":)"), std::string::npos) << line;
    EXPECT_NE(line.find(R"("request":{"seq":8,"name":"rtnl-link-vxlan","pid":412,)"),
              std::string::npos)
        << line;
}

TEST(Ocsf, AHiddenModuleIsOtherActivityAndHighSeverity) {
    Event e;
    e.seq = 9;
    e.time_ns = 1000000000;
    e.kind = EventKind::HiddenModule;
    e.task = finit_load().task;
    e.module = EventModule{};
    e.module->name = "mthide_later";
    e.hidden_from = MODTRACE_HIDDEN_F_SYSFS;
    e.loaded_ns = 500000000;
    e.outcome = Outcome::Hidden;
    const auto tree = parse(event_to_ocsf(e, time_base, host));
    EXPECT_EQ(tree.get<int>("class_uid"), 1002);
    EXPECT_EQ(tree.get<int>("activity_id"), 99);
    EXPECT_EQ(tree.get<std::string>("activity_name"), "hidden_module");
    EXPECT_EQ(tree.get<int>("type_uid"), 100299);
    EXPECT_EQ(tree.get<int>("severity_id"), 4);
    EXPECT_EQ(tree.get<std::string>("severity"), "High");
    EXPECT_EQ(tree.get<int>("status_id"), 0);
    EXPECT_EQ(tree.get<std::string>("status_detail"), "hidden");
    EXPECT_EQ(tree.get<std::string>("driver.file.name"), "mthide_later");
    EXPECT_EQ(tree.get<std::string>("unmapped.args.loaded"), "2026-11-20T10:00:00.500000000Z");
}

} // namespace
