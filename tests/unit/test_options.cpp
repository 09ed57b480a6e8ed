// The reader's command line: modes, help and usage errors.
#include "options.hpp"

#include <gtest/gtest.h>
#include <string>
#include <vector>

namespace {

using modtrace::ColorMode;
using modtrace::EventKind;
using modtrace::Exit;
using modtrace::Mode;
using modtrace::Options;

// A user database with two users, so the tests need no /etc/passwd.
std::optional<std::uint32_t> users(const std::string& name) {
    if (name == "alice")
        return 1000;
    if (name == "root")
        return 0;
    return std::nullopt;
}

std::variant<modtrace::Options, modtrace::Exit> parse(std::vector<const char*> args) {
    args.insert(args.begin(), "modtrace");
    return modtrace::parse_options(static_cast<int>(args.size()), args.data(), users);
}

Options options(std::vector<const char*> args) {
    auto r = parse(args);
    if (auto* e = std::get_if<Exit>(&r))
        ADD_FAILURE() << "usage error: " << e->text;
    return std::holds_alternative<Options>(r) ? std::get<Options>(r) : Options{};
}

// The usage error the arguments give; fails the test when they parse.
std::string usage_error(std::vector<const char*> args) {
    auto r = parse(args);
    if (!std::holds_alternative<Exit>(r)) {
        ADD_FAILURE() << "parsed, expected a usage error";
        return {};
    }
    const auto& e = std::get<Exit>(r);
    EXPECT_EQ(e.status, 2);
    EXPECT_EQ(e.text.rfind("modtrace: ", 0), 0U) << e.text;
    EXPECT_NE(e.text.find("modtrace --help"), std::string::npos) << e.text;
    EXPECT_EQ(e.text.back(), '\n');
    return e.text;
}

TEST(Options, DefaultIsWatchAsText) {
    auto r = parse({});
    ASSERT_TRUE(std::holds_alternative<modtrace::Options>(r));
    EXPECT_EQ(std::get<modtrace::Options>(r).mode, modtrace::Mode::Watch);
    EXPECT_EQ(std::get<modtrace::Options>(r).format, modtrace::OutputFormat::Text);
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
    for (const char* opt : {"--raw", "--status", "--format", "--json", "--version", "--pid",
                            "--uid", "--comm", "--module", "--event", "--failed", "--count",
                            "--baseline", "--color", "--journal", "--help"})
        EXPECT_NE(e.text.find(opt), std::string::npos) << opt;
}

TEST(Options, HelpGivesAnExampleForEveryOptionFormatsAndExitCodes) {
    const auto text = std::get<Exit>(parse({"--help"})).text;
    for (const char* example :
         {"--pid 1234", "--uid 0", "--uid alice", "--comm modprobe", "--module snd-hda-intel",
          "--event finit_module", "modtrace --failed", "--count 1", "modtrace --baseline",
          "--color=never", "modtrace --format ocsf", "modtrace --json", "modtrace --raw",
          "modtrace --status --json", "modtrace --version", "modtrace --help",
          "modtrace --journal"})
        EXPECT_NE(text.find(example), std::string::npos) << example;
    for (const char* kind : {"init_module", "finit_module", "delete_module", "create_module",
                             "query_module", "get_kernel_syms"})
        EXPECT_NE(text.find(kind), std::string::npos) << kind;
    for (const char* section : {"output:", "exit status:", "0  done", "1  runtime failure",
                                "2  usage error", "incomplete_reason", "summary"})
        EXPECT_NE(text.find(section), std::string::npos) << section;
}

TEST(Options, HelpWinsOverEverythingElse) {
    EXPECT_EQ(std::get<Exit>(parse({"--raw", "--status", "--help"})).status, 0);
    EXPECT_EQ(std::get<Exit>(parse({"-h", "--pid", "1"})).status, 0);
}

TEST(Options, DefaultsOfEventMode) {
    const Options o = options({});
    EXPECT_TRUE(o.filter.pids.empty());
    EXPECT_TRUE(o.filter.uids.empty());
    EXPECT_TRUE(o.filter.comms.empty());
    EXPECT_TRUE(o.filter.modules.empty());
    EXPECT_TRUE(o.filter.events.empty());
    EXPECT_FALSE(o.filter.failed_only);
    EXPECT_FALSE(o.count);
    EXPECT_FALSE(o.baseline);
    EXPECT_EQ(o.color, ColorMode::Auto);
}

TEST(Options, PidIsRepeatable) {
    const Options o = options({"--pid", "1234", "--pid=5678"});
    EXPECT_EQ(o.filter.pids, (std::vector<std::uint32_t>{1234, 5678}));
    EXPECT_EQ(options({"--pid", "4294967295"}).filter.pids.front(), 4294967295U);
}

TEST(Options, BadPids) {
    for (const char* bad :
         {"x", "", "0", "-1", "+1", "12x", " 1", "4294967296", "99999999999999999999999"}) {
        SCOPED_TRACE(bad);
        EXPECT_NE(usage_error({"--pid", bad}).find("--pid"), std::string::npos);
    }
    EXPECT_NE(usage_error({"--pid"}).find("pid"), std::string::npos); // value missing
}

TEST(Options, UidByNumberOrUserName) {
    const Options o = options({"--uid", "0", "--uid", "alice", "--uid=4294967294"});
    EXPECT_EQ(o.filter.uids, (std::vector<std::uint32_t>{0, 1000, 4294967294U}));
}

TEST(Options, BadUids) {
    EXPECT_NE(usage_error({"--uid", "mallory"}).find("--uid mallory: no such user"),
              std::string::npos);
    EXPECT_NE(usage_error({"--uid", "4294967295"}).find("not a uid"), std::string::npos);
    EXPECT_NE(usage_error({"--uid", "12ab"}).find("not a uid"), std::string::npos);
    usage_error({"--uid", ""});
}

TEST(Options, UidNamesGoThroughTheSystemByDefault) {
    // root is uid 0 everywhere this builds.
    EXPECT_EQ(modtrace::lookup_user("root"), 0U);
    EXPECT_FALSE(modtrace::lookup_user("no-such-user-modtrace"));
}

TEST(Options, CommIsRepeatableAndCutLikeTheKernelCutsIt) {
    const Options o = options({"--comm", "modprobe", "--comm", "systemd-modules-load"});
    EXPECT_EQ(o.filter.comms, (std::vector<std::string>{"modprobe", "systemd-modules"}));
    usage_error({"--comm", ""});
}

TEST(Options, ModuleIsRepeatable) {
    const Options o = options({"--module", "snd-hda-intel", "--module", "8021q"});
    EXPECT_EQ(o.filter.modules, (std::vector<std::string>{"snd-hda-intel", "8021q"}));
    usage_error({"--module="});
}

TEST(Options, EventKinds) {
    const Options o = options({"--event", "init_module", "--event", "finit_module", "--event",
                               "delete_module", "--event", "create_module", "--event",
                               "query_module", "--event", "get_kernel_syms"});
    EXPECT_EQ(o.filter.events,
              (std::vector<EventKind>{EventKind::InitModule, EventKind::FinitModule,
                                      EventKind::DeleteModule, EventKind::CreateModule,
                                      EventKind::QueryModule, EventKind::GetKernelSyms}));
}

TEST(Options, BadEventKindListsTheValidOnes) {
    for (const char* bad : {"load", "unknown_load", "INIT_MODULE", "init_module,finit_module"}) {
        SCOPED_TRACE(bad);
        const auto text = usage_error({"--event", bad});
        EXPECT_NE(text.find(std::string("--event ") + bad + ": unknown event kind"),
                  std::string::npos);
        EXPECT_NE(text.find("init_module, finit_module, delete_module, create_module, "
                            "query_module, get_kernel_syms"),
                  std::string::npos);
    }
}

TEST(Options, Failed) {
    EXPECT_TRUE(options({"--failed"}).filter.failed_only);
}

TEST(Options, Count) {
    EXPECT_EQ(options({"--count", "1"}).count, 1U);
    EXPECT_EQ(options({"--count=18446744073709551615"}).count, UINT64_MAX);
    for (const char* bad : {"0", "-1", "x", "", "1.5", "18446744073709551616"}) {
        SCOPED_TRACE(bad);
        EXPECT_NE(usage_error({"--count", bad}).find("--count"), std::string::npos);
    }
    usage_error({"--count", "1", "--count", "2"});
}

TEST(Options, Baseline) {
    EXPECT_TRUE(options({"--baseline"}).baseline);
    EXPECT_TRUE(options({"--baseline", "--json"}).baseline);
}

TEST(Options, Color) {
    EXPECT_EQ(options({"--color=auto"}).color, ColorMode::Auto);
    EXPECT_EQ(options({"--color=always"}).color, ColorMode::Always);
    EXPECT_EQ(options({"--color", "never"}).color, ColorMode::Never);
    EXPECT_NE(usage_error({"--color=blue"}).find("auto, always or never"), std::string::npos);
    usage_error({"--color"});
}

TEST(Options, ColourDecision) {
    using modtrace::colour_enabled;
    EXPECT_TRUE(colour_enabled(ColorMode::Auto, true, nullptr));
    EXPECT_TRUE(colour_enabled(ColorMode::Auto, true, ""));
    EXPECT_FALSE(colour_enabled(ColorMode::Auto, true, "1"));
    EXPECT_FALSE(colour_enabled(ColorMode::Auto, false, nullptr));
    EXPECT_TRUE(colour_enabled(ColorMode::Always, false, "1"));
    EXPECT_FALSE(colour_enabled(ColorMode::Never, true, nullptr));
}

TEST(Options, FiltersCombine) {
    const Options o = options({"--json", "--failed", "--uid", "root", "--module", "mt_fail",
                               "--event", "finit_module", "--count", "3"});
    EXPECT_EQ(o.mode, Mode::Watch);
    EXPECT_EQ(o.format, modtrace::OutputFormat::Json);
    EXPECT_TRUE(o.filter.failed_only);
    EXPECT_EQ(o.filter.uids, std::vector<std::uint32_t>{0});
    EXPECT_EQ(o.count, 3U);
}

TEST(Options, EventOptionsConflictWithOtherModes) {
    for (const char* mode : {"--raw", "--status", "--version"}) {
        for (std::vector<const char*> opt : {std::vector<const char*>{"--pid", "1"},
                                             {"--uid", "0"},
                                             {"--comm", "x"},
                                             {"--module", "x"},
                                             {"--event", "init_module"},
                                             {"--failed"},
                                             {"--count", "1"},
                                             {"--baseline"},
                                             {"--color=never"},
                                             {"--journal"}}) {
            opt.push_back(mode);
            SCOPED_TRACE(std::string(opt.front()) + " " + mode);
            const auto text = usage_error(opt);
            EXPECT_NE(text.find("cannot be combined with " + std::string(mode)), std::string::npos)
                << text;
        }
    }
}

TEST(Options, ModesConflictWithEachOther) {
    EXPECT_NE(usage_error({"--raw", "--status"}).find("--raw and --status cannot be combined"),
              std::string::npos);
    usage_error({"--raw", "--version"});
    usage_error({"--status", "--version"});
}

TEST(Options, JsonWithVersionOrColourConflicts) {
    EXPECT_NE(usage_error({"--version", "--json"}).find("--json"), std::string::npos);
    EXPECT_NE(usage_error({"--json", "--color=always"}).find("--color"), std::string::npos);
    // --raw prints JSON anyway.
    EXPECT_EQ(options({"--raw", "--json"}).mode, Mode::Raw);
}

TEST(Options, JournalIsAnOutputOfEventMode) {
    EXPECT_FALSE(options({}).journal);
    const Options o = options({"--journal", "--failed", "--baseline"});
    EXPECT_EQ(o.mode, Mode::Watch);
    EXPECT_TRUE(o.journal);
    EXPECT_EQ(o.format, modtrace::OutputFormat::Text);
    // A recording can be sent to the journal, and a live run recorded or resumed.
    EXPECT_TRUE(options({"--journal", "--input", "bug.nlraw"}).journal);
    EXPECT_TRUE(options({"--journal", "--record", "bug.nlraw", "--resume", "cursor"}).journal);
}

TEST(Options, JournalWithJsonOrColourConflicts) {
    EXPECT_NE(usage_error({"--journal", "--json"})
                  .find("--journal entries carry the JSON object (MODTRACE_JSON) already"),
              std::string::npos);
    EXPECT_NE(usage_error({"--journal", "--color=never"})
                  .find("--color applies to text output; it cannot be combined with --journal"),
              std::string::npos);
    EXPECT_NE(usage_error({"--journal", "--raw"})
                  .find("--journal applies to events only; it cannot be combined with --raw"),
              std::string::npos);
}

TEST(Options, FormatSelectsTheOutput) {
    using modtrace::OutputFormat;
    EXPECT_EQ(options({"--format", "text"}).format, OutputFormat::Text);
    EXPECT_EQ(options({"--format", "json"}).format, OutputFormat::Json);
    EXPECT_EQ(options({"--format=ocsf"}).format, OutputFormat::Ocsf);
    // --json is --format json, and may say so twice.
    EXPECT_EQ(options({"--json", "--format", "json"}).format, OutputFormat::Json);
    EXPECT_EQ(options({"--status", "--format", "json"}).format, OutputFormat::Json);
    EXPECT_EQ(options({"--format", "ocsf", "--input", "f", "--failed"}).format, OutputFormat::Ocsf);
}

TEST(Options, FormatConflicts) {
    struct Case {
        std::vector<const char*> args;
        const char* error;
    };
    const Case cases[] = {
        {{"--format", "yaml"}, "--format yaml: expected text, json or ocsf"},
        {{"--format", ""}, "--format needs a value: text, json or ocsf"},
        {{"--json", "--format", "ocsf"},
         "--json is --format json; it cannot be combined with --format ocsf"},
        {{"--json", "--format", "text"},
         "--json is --format json; it cannot be combined with --format text"},
        {{"--status", "--format", "ocsf"},
         "--status has no OCSF form; it cannot be combined with --format ocsf"},
        {{"--raw", "--format", "ocsf"},
         "--raw prints records as JSON; it cannot be combined with --format ocsf"},
        {{"--raw", "--format", "text"},
         "--raw prints records as JSON; it cannot be combined with --format text"},
        {{"--version", "--format", "ocsf"},
         "--version has no OCSF form; it cannot be combined with --format ocsf"},
        {{"--version", "--format", "json"},
         "--version has no JSON form; it cannot be combined with --format json"},
        {{"--format", "ocsf", "--color=never"},
         "--color applies to text output; it cannot be combined with --format ocsf"},
        {{"--format", "ocsf", "--baseline"},
         "--baseline has no OCSF form; it cannot be combined with --format ocsf"},
    };
    for (const auto& c : cases) {
        std::string args;
        for (const char* a : c.args)
            args += std::string(a) + " ";
        SCOPED_TRACE(args);
        const std::string text = usage_error(c.args);
        EXPECT_EQ(text.substr(0, text.find('\n')), std::string("modtrace: ") + c.error);
    }
}

TEST(Options, PositionalArgumentsAreUsageErrors) {
    usage_error({"mt_clean"});
}

TEST(Options, VersionIsAModeBecauseItAsksTheKernel) {
    EXPECT_EQ(std::get<modtrace::Options>(parse({"--version"})).mode, modtrace::Mode::Version);
}

TEST(Options, StatusTakesJson) {
    auto opts = std::get<modtrace::Options>(parse({"--status", "--json"}));
    EXPECT_EQ(opts.mode, modtrace::Mode::Status);
    EXPECT_EQ(opts.format, modtrace::OutputFormat::Json);
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

namespace {

TEST(Options, InputAndRecordTakeAFileForEventsAndRaw) {
    Options o = options({"--input", "bug.nlraw", "--json", "--failed"});
    EXPECT_EQ(o.input, "bug.nlraw");
    EXPECT_FALSE(o.record);
    o = options({"--raw", "--input", "-"});
    EXPECT_EQ(o.mode, Mode::Raw);
    EXPECT_EQ(o.input, "-");
    o = options({"--record", "bug.nlraw", "--raw"});
    EXPECT_EQ(o.record, "bug.nlraw");
}

TEST(Options, InputAndRecordConflicts) {
    const std::vector<std::pair<std::vector<const char*>, std::string>> cases = {
        {{"--input", "f", "--status"}, "--input applies to events and --raw"},
        {{"--record", "f", "--version"}, "--record applies to events and --raw"},
        {{"--input", "f", "--record", "g"}, "cannot be combined with --input"},
        {{"--input", "f", "--baseline"}, "--baseline lists this machine's modules"},
        {{"--input", ""}, "--input needs a file name"},
        {{"--record", "-"}, "--record needs a file name"},
    };
    for (const auto& [args, expected] : cases)
        EXPECT_NE(usage_error(args).find(expected), std::string::npos) << expected;
}

} // namespace
