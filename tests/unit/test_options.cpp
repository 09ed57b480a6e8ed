// The reader's command line: modes, help and usage errors.
#include "options.hpp"

#include <gtest/gtest.h>
#include <vector>

namespace {

std::variant<modtrace::Options, modtrace::Exit> parse(std::vector<const char*> args) {
    args.insert(args.begin(), "modtrace");
    return modtrace::parse_options(static_cast<int>(args.size()), args.data());
}

TEST(Options, DefaultIsWatchAsText) {
    auto r = parse({});
    ASSERT_TRUE(std::holds_alternative<modtrace::Options>(r));
    EXPECT_EQ(std::get<modtrace::Options>(r).mode, modtrace::Mode::Watch);
    EXPECT_FALSE(std::get<modtrace::Options>(r).json);
}

TEST(Options, RawAndStatusSelectModes) {
    EXPECT_EQ(std::get<modtrace::Options>(parse({"--raw"})).mode, modtrace::Mode::Raw);
    EXPECT_EQ(std::get<modtrace::Options>(parse({"--status"})).mode, modtrace::Mode::Status);
}

TEST(Options, HelpExitsZeroAndNamesEveryOption) {
    auto r = parse({"--help"});
    ASSERT_TRUE(std::holds_alternative<modtrace::Exit>(r));
    const auto& e = std::get<modtrace::Exit>(r);
    EXPECT_EQ(e.status, 0);
    for (const char* opt : {"--raw", "--status", "--json", "--version"})
        EXPECT_NE(e.text.find(opt), std::string::npos) << opt;
}

TEST(Options, UnknownOptionIsUsageError) {
    auto r = parse({"--bogus"});
    ASSERT_TRUE(std::holds_alternative<modtrace::Exit>(r));
    EXPECT_EQ(std::get<modtrace::Exit>(r).status, 2);
    EXPECT_NE(std::get<modtrace::Exit>(r).text.find("--bogus"), std::string::npos);
}

TEST(Options, RawWithStatusIsUsageError) {
    EXPECT_EQ(std::get<modtrace::Exit>(parse({"--raw", "--status"})).status, 2);
}

} // namespace
