// --baseline: /proc/modules lines parsed, and printed as JSON and text.
#include "baseline.hpp"

#include <cerrno>
#include <cstdio>
#include <fstream>
#include <gtest/gtest.h>
#include <string>
#include <unistd.h>

namespace {

using namespace modtrace;

// As 6.1 prints them: without privileges the address reads 0.
constexpr const char* kProcModules = "8021q 40960 0 - Live 0x0000000000000000\n"
                                     "garp 20480 1 8021q, Live 0x0000000000000000\n"
                                     "llc 16384 2 stp,garp, Live 0x0000000000000000\n"
                                     "modtrace 45056 0 - Live 0xffffffffc0a00000 (OE)\n"
                                     "mt_perm 16384 0 [permanent], Live 0x0000000000000000 (O)\n"
                                     "mt_sleep 16384 0 - Loading 0x0000000000000000 (O)\n"
                                     "nounload 16384 - - Live 0x0000000000000000\n";

TEST(Baseline, ParsesEveryField) {
    const auto m = parse_proc_modules(kProcModules);
    ASSERT_EQ(m.size(), 7U);
    EXPECT_EQ(m[0].name, "8021q");
    EXPECT_EQ(m[0].size, 40960U);
    EXPECT_EQ(m[0].refcount, 0);
    EXPECT_TRUE(m[0].used_by.empty());
    EXPECT_EQ(m[0].state, "Live");
    EXPECT_EQ(m[0].taint_flags, "");
    EXPECT_EQ(m[1].used_by, std::vector<std::string>{"8021q"});
    EXPECT_EQ(m[2].refcount, 2);
    EXPECT_EQ(m[2].used_by, (std::vector<std::string>{"stp", "garp"}));
    EXPECT_EQ(m[3].taint_flags, "OE");
    EXPECT_TRUE(m[4].permanent);
    EXPECT_TRUE(m[4].used_by.empty());
    EXPECT_FALSE(m[3].permanent);
    EXPECT_EQ(m[5].state, "Loading");
    EXPECT_FALSE(m[6].refcount);
}

TEST(Baseline, SkipsMalformedLines) {
    const auto m = parse_proc_modules("\n"
                                      "short 1 2\n"
                                      "badsize x 0 - Live 0x0\n"
                                      "badref 1 y - Live 0x0\n"
                                      "ok 1 0 - Live 0x0");
    ASSERT_EQ(m.size(), 1U);
    EXPECT_EQ(m[0].name, "ok");
}

TEST(Baseline, Json) {
    const auto m = parse_proc_modules(kProcModules);
    const std::int64_t t = 1795428672123456789; // 2026-11-23T10:11:12.123456789Z
    EXPECT_EQ(baseline_to_json(m[2], t),
              R"({"baseline":true,"module":"llc","size":16384,"refcount":2,"state":"Live",)"
              R"("used_by":["stp","garp"],"permanent":false,"taint_flags":"",)"
              R"("time":"2026-11-23T10:11:12.123456789Z"})");
    EXPECT_EQ(baseline_to_json(m[6], t),
              R"({"baseline":true,"module":"nounload","size":16384,"refcount":null,)"
              R"("state":"Live","used_by":[],"permanent":false,"taint_flags":"",)"
              R"("time":"2026-11-23T10:11:12.123456789Z"})");
    EXPECT_EQ(baseline_to_json(m[3], t).find(R"("taint_flags":"OE")") != std::string::npos, true);
}

TEST(Baseline, Text) {
    const auto m = parse_proc_modules(kProcModules);
    EXPECT_EQ(baseline_to_text(m[0]), "baseline  8021q  size 40960");
    EXPECT_EQ(baseline_to_text(m[5]), "baseline  mt_sleep  size 16384  loading");
    LoadedModule odd;
    odd.name = "a\x1b[2J";
    odd.state = "Live";
    EXPECT_EQ(baseline_to_text(odd), "baseline  a\\x1b[2J  size 0");
}

TEST(Baseline, ReadsAFile) {
    char path[] = "/tmp/modtrace-baseline-XXXXXX";
    const int fd = mkstemp(path);
    ASSERT_GE(fd, 0);
    close(fd);
    {
        std::ofstream f(path);
        f << kProcModules;
    }
    auto m = read_proc_modules(path);
    std::remove(path);
    ASSERT_TRUE(m);
    EXPECT_EQ(m->size(), 7U);
}

TEST(Baseline, MissingFileIsAnErrorNamingIt) {
    auto m = read_proc_modules("/nonexistent/modules");
    ASSERT_FALSE(m);
    EXPECT_EQ(m.error().code, ENOENT);
    EXPECT_NE(m.error().message.find("/nonexistent/modules"), std::string::npos);
}

} // namespace
