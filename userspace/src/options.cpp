// Parses the reader's command line with Boost.Program_options.
#include "options.hpp"

#include <algorithm>
#include <array>
#include <boost/program_options.hpp>
#include <charconv>
#include <pwd.h>
#include <sstream>
#include <string_view>
#include <unistd.h>
#include <vector>

namespace po = boost::program_options;

namespace modtrace {

namespace {

// The kernel keeps a task's comm in 16 bytes, NUL included.
constexpr std::size_t kCommMax = 15;

// The event kinds --event accepts: the module syscalls the kernel module records, the kernel's
// own requests for a module, and what a hidden-module check finds.
constexpr std::array<std::string_view, 9> kEventKinds = {
    "init_module",     "finit_module",     "delete_module",  "create_module", "query_module",
    "get_kernel_syms", "obsolete_syscall", "request_module", "hidden_module",
};

// --hidden-check: at most a day between checks, in seconds.
constexpr std::uint64_t kHiddenCheckMax = 86400;

// Options that select what event mode prints, meaningless in the other modes.
constexpr std::array<std::string_view, 11> kEventOptions = {
    "pid",   "uid",      "comm",  "module",  "event",   "failed",
    "count", "baseline", "color", "journal", "capture",
};

// --format's values, in the order the help and the errors name them.
constexpr std::array<std::pair<std::string_view, OutputFormat>, 3> kFormats{{
    {"text", OutputFormat::Text},
    {"json", OutputFormat::Json},
    {"ocsf", OutputFormat::Ocsf},
}};

// The modes other than events, in the order a conflict names them.
constexpr std::array<std::string_view, 3> kModes = {"raw", "status", "version"};

const char* const kTry = "Try 'modtrace --help'.\n";

Exit usage(const std::string& message) {
    return Exit{2, "modtrace: " + message + "\n" + kTry};
}

// A decimal number in [min, max]: digits only, no sign, no spaces.
std::optional<std::uint64_t> parse_number(std::string_view text, std::uint64_t min,
                                          std::uint64_t max) {
    if (text.empty() || text.front() < '0' || text.front() > '9')
        return std::nullopt;
    std::uint64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || value < min || value > max)
        return std::nullopt;
    return value;
}

std::string event_kind_list() {
    std::string list;
    for (const auto kind : kEventKinds) {
        if (!list.empty())
            list += ", ";
        list += kind;
    }
    return list;
}

// How an option takes values.
enum class Takes { Nothing, One, Many };

struct OptionSpec {
    const char* name;
    Takes takes;
    const char* value; // the value's name in the help
    const char* text;  // what it does
    const char* example;
};

// Every option, in the order the help lists them. The help is laid out here rather than by
// Boost, so that no example is broken across lines.
const OptionSpec kEventSpecs[] = {
    {"format", Takes::One, "FORMAT",
     "how events are printed: text (the default), json (modtrace's JSON, one object per line), "
     "ocsf (one OCSF 1.8.0 Kernel Extension Activity event per line, for a SIEM); --status "
     "takes text or json",
     "modtrace --format ocsf"},
    {"json", Takes::Nothing, "", "the same as --format json", "modtrace --json"},
    {"journal", Takes::Nothing, "",
     "send every event to the systemd journal, one entry each (MESSAGE: the text line; every "
     "JSON key as a MODTRACE_* field; the JSON object in MODTRACE_JSON), with losses, the "
     "kernel module's unload and the reader's start and stop; nothing on stdout. Not with "
     "--format, --json, --color, --raw, --status or --version",
     "modtrace --journal --resume /var/lib/modtrace/cursor"},
    {"pid", Takes::Many, "N", "only calls by process or thread N; repeatable",
     "modtrace --pid 1234 --pid 5678"},
    {"uid", Takes::Many, "N|USER", "only calls by real or effective uid N, or USER's; repeatable",
     "modtrace --uid 0 --uid alice"},
    {"comm", Takes::Many, "NAME",
     "only calls by processes named NAME (the kernel's comm: longer than 15 bytes, NAME is cut "
     "as the kernel cuts it); repeatable",
     "modtrace --comm modprobe"},
    {"module", Takes::Many, "NAME",
     "only calls about module NAME: the module loaded, the file's name, or the name unloaded; "
     "'-' and '_' are the same; repeatable",
     "modtrace --module snd-hda-intel"},
    {"event", Takes::Many, "KIND",
     "only calls of syscall KIND: init_module, finit_module, delete_module, create_module, "
     "query_module, get_kernel_syms, obsolete_syscall (an obsolete syscall whose number the "
     "reader cannot name), request_module (the kernel asking for a module), hidden_module (see "
     "--hidden-check); repeatable",
     "modtrace --event finit_module --event init_module"},
    {"failed", Takes::Nothing, "",
     "only calls that failed: loads that did not load, unloads that did not unload, the "
     "obsolete syscalls",
     "modtrace --failed"},
    {"count", Takes::One, "N", "stop after printing N events (N >= 1)", "modtrace --count 1"},
    {"hidden-check", Takes::One, "SECONDS",
     "every SECONDS (default 60; 0: never; at most 86400), ask the kernel module to look again "
     "at every module that came live since it loaded: one now missing from the module list "
     "(lsmod) or sysfs is a hidden_module event, once per module and place, whichever reader "
     "asked. --status shows it",
     "sudo modtrace --hidden-check 10"},
    {"capture", Takes::One, "DIR",
     "keep a copy of every module image loaded, as DIR/SHA256.ko (mode 0600, once per hash; DIR "
     "is made 0700 if missing): the bytes the kernel parsed, even when the loader deleted its "
     "file or loaded from memory. The kernel module copies images only while its parameter "
     "capture_max_bytes is not 0 (echo 67108864 > /sys/module/modtrace/parameters/"
     "capture_max_bytes); an image over what is left of it is not copied (image.capture "
     "over_budget). Each load's event waits for its image and says where it is "
     "(module.captured) or why there is none (image.capture)",
     "sudo modtrace --capture /var/lib/modtrace/images --json"},
    {"baseline", Takes::Nothing, "",
     "first print the modules already loaded (/proc/modules), once; --module applies to them",
     "modtrace --baseline --json"},
    {"color", Takes::One, "WHEN",
     "colour the text: auto (the default: when stdout is a terminal and NO_COLOR is unset or "
     "empty), always, never",
     "modtrace --color=never"},
};

// For events and --raw alike.
const OptionSpec kStreamSpecs[] = {
    {"input", Takes::One, "FILE",
     "read a recorded stream (--record's file; '-': standard input) instead of the kernel, "
     "print what the kernel's records would have printed, and exit at its end; needs neither "
     "root nor the kernel module",
     "modtrace --input bug.nlraw --json"},
    {"record", Takes::One, "FILE",
     "also write every netlink message received from the kernel, exactly as received, to FILE "
     "(for a bug report: --input replays it)",
     "sudo modtrace --record bug.nlraw"},
};

// The kernel's history: for events and --raw alike.
const OptionSpec kHistorySpecs[] = {
    {"replay", Takes::Nothing, "",
     "first every record the kernel module still holds in its history (what happened since it "
     "loaded, as far back as it keeps), then the live stream, with no gap and nothing twice",
     "sudo modtrace --replay --json"},
    {"resume", Takes::One, "FILE",
     "continue where the reader that used FILE stopped: from its place in the history if the "
     "same kernel module instance is loaded, else from the oldest record held (with a warning); "
     "everything held when FILE does not exist. FILE is rewritten after each burst of output; "
     "calls still open when the reader stops are left for the next run",
     "sudo modtrace --json --resume /var/lib/modtrace/cursor"},
};

const OptionSpec kModeSpecs[] = {
    {"raw", Takes::Nothing, "",
     "print every record from the kernel as it arrives, one JSON object per line",
     "modtrace --raw"},
    {"status", Takes::Nothing, "",
     "print the kernel module's probes, parameters, counters and readers, then exit",
     "modtrace --status --json"},
    {"version", Takes::Nothing, "",
     "print the reader's version and protocol, and the loaded kernel module's protocol",
     "modtrace --version"},
    {"help", Takes::Nothing, "", "show this help and exit (also -h)", "modtrace --help"},
};

void add_specs(po::options_description& desc, const OptionSpec* begin, const OptionSpec* end) {
    for (const OptionSpec* o = begin; o != end; ++o) {
        const std::string name =
            std::string(o->name) + (std::string_view(o->name) == "help" ? ",h" : "");
        switch (o->takes) {
        case Takes::Nothing:
            desc.add_options()(name.c_str(), o->text);
            break;
        case Takes::One:
            desc.add_options()(name.c_str(), po::value<std::string>(), o->text);
            break;
        case Takes::Many:
            desc.add_options()(name.c_str(), po::value<std::vector<std::string>>(), o->text);
            break;
        }
    }
}

// `text` wrapped to `width` columns, every line but the first indented by `indent` spaces.
std::string wrap(std::string_view text, std::size_t indent, std::size_t width) {
    std::string out;
    std::size_t column = indent;
    bool first = true;
    while (!text.empty()) {
        const auto space = text.find(' ');
        const std::string_view word = text.substr(0, space);
        text.remove_prefix(space == std::string_view::npos ? text.size() : space + 1);
        if (!first && column + 1 + word.size() > width) {
            out += '\n' + std::string(indent, ' ');
            column = indent;
        } else if (!first) {
            out += ' ';
            ++column;
        }
        out += word;
        column += word.size();
        first = false;
    }
    return out;
}

void list_specs(std::ostream& out, const char* title, const OptionSpec* begin,
                const OptionSpec* end) {
    constexpr std::size_t indent = 22;
    constexpr std::size_t width = 79;
    out << title << ":\n";
    for (const OptionSpec* o = begin; o != end; ++o) {
        std::string left = std::string("  --") + o->name;
        if (o->takes != Takes::Nothing)
            left += std::string(std::string_view(o->name) == "color" ? "=" : " ") + o->value;
        if (left.size() + 1 > indent)
            out << left << '\n' << std::string(indent, ' ');
        else
            out << left << std::string(indent - left.size(), ' ');
        out << wrap(o->text, indent, width) << '\n'
            << std::string(indent, ' ') << "e.g. " << o->example << '\n';
    }
}

std::string help_text() {
    std::ostringstream out;
    out << "usage: modtrace [options]\n"
           "\n"
           "Prints every attempt to load or unload a kernel module (init_module, finit_module,\n"
           "delete_module, and the obsolete create_module, query_module, get_kernel_syms) as\n"
           "the modtrace kernel module reports it: one event per attempt, with the process,\n"
           "what it offered, the module the kernel loaded, and how it ended. Runs until\n"
           "interrupted (Ctrl-C, SIGTERM), --count events, or the kernel module's unload.\n"
           "Needs CAP_NET_ADMIN (root) and the kernel module (sudo modprobe modtrace).\n"
           "\n";
    list_specs(out, "event mode (the default)", std::begin(kEventSpecs), std::end(kEventSpecs));
    out << "\n  Filters of one kind match any of their values; filters of different kinds must\n"
           "  all match.\n"
           "\n";
    list_specs(out, "recording and replay (events and --raw)", std::begin(kStreamSpecs),
               std::end(kStreamSpecs));
    out << "\n  A recording is the datagrams the reader's socket received, one after the\n"
           "  other, each padded to a multiple of 4 bytes: a sequence of netlink messages,\n"
           "  each starting with its nlmsghdr (nlmsg_len says how long it is). The first,\n"
           "  an NLMSG_NOOP, carries the recording machine's CLOCK_REALTIME minus\n"
           "  CLOCK_MONOTONIC (s64, ns), so that a replay prints when the events happened.\n"
           "\n";
    list_specs(out, "the kernel's history (events and --raw)", std::begin(kHistorySpecs),
               std::end(kHistorySpecs));
    out << "\n  The kernel module keeps its latest records (history_records, default 2048;\n"
           "  loads are kept over failed calls). A reader stopped by SIGINT or SIGTERM and\n"
           "  started again with the same --resume FILE prints nothing twice and misses\n"
           "  nothing the history still held; after SIGKILL, the events since FILE was last\n"
           "  written may come again (their seq tells). Records asked for but no longer held\n"
           "  are reported lost (history).\n"
           "\n";
    list_specs(out, "other modes", std::begin(kModeSpecs), std::end(kModeSpecs));
    out << "\n"
           "output:\n"
           "  text    one line per event: local time, syscall, process[pid], uid, the file,\n"
           "          image size or module name the call was about, its parameters and\n"
           "          flags, the module whose init ran, the outcome and the duration, then\n"
           "          warnings such as [incomplete: reason]; on a terminal a column header\n"
           "          comes first. --baseline lines: \"baseline  NAME  size N\".\n"
           "  --json  one JSON object per line with seq, time, event, the caller's ids\n"
           "          (pid, tid, ppid, uid, euid, gid, loginuid, sessionid, comm, cgroup_id,\n"
           "          pidns_ino, mntns_ino, abi), args, module, ret, errno, outcome,\n"
           "          duration_ns, init_duration_ns, complete, incomplete_reason,\n"
           "          params_mismatch, name_mismatch, file_changed, truncated (see README.md,\n"
           "          \"The reader\"); --baseline objects have \"baseline\": true.\n"
           "  --format ocsf\n"
           "          one OCSF 1.8.0 event per line, class Kernel Extension Activity\n"
           "          (class_uid 1002): activity_id 1 Load, 2 Unload, 99 Other (the obsolete\n"
           "          syscalls); the caller in actor.process, the module's file in\n"
           "          driver.file, this machine in device, the outcome in status_id (1\n"
           "          Success, 2 Failure, 0 Unknown), status_code (the errno) and\n"
           "          status_detail; modtrace's other fields under unmapped (README.md,\n"
           "          \"OCSF output\"). Not with --baseline.\n"
           "  --journal\n"
           "          one journal entry per event: MESSAGE (the text line), PRIORITY (1 alert:\n"
           "          obsolete syscalls, modtrace's own unload; 3 err: records lost; 4\n"
           "          warning: a failed or unfinished load or unload; 5 notice: a load or\n"
           "          unload; 6 info: baseline, start, stop), SYSLOG_IDENTIFIER=modtrace,\n"
           "          MESSAGE_ID (one per kind of entry), every JSON key as a field\n"
           "          (MODTRACE_EVENT, MODTRACE_OUTCOME, MODTRACE_MODULE_NAME, args' keys\n"
           "          without a prefix: MODTRACE_PATH), MODTRACE_MODULE, MODTRACE_JSON. Losses,\n"
           "          the kernel module's unload and the reader's start and stop are entries\n"
           "          too; stderr keeps warnings and failures. e.g.\n"
           "          journalctl -t modtrace MODTRACE_OUTCOME=loaded -o json\n"
           "  stderr  warnings, lost records (\"modtrace: 5 records lost (buffer_full 5)\"),\n"
           "          and last a summary (\"modtrace: 12 events (1 incomplete), no records\n"
           "          lost\").\n"
           "\n"
           "exit status:\n"
           "  0  done: interrupted, --count reached, or --status/--version/--help printed\n"
           "  1  runtime failure: the kernel module not loaded or unloaded while watching,\n"
           "     permission denied, protocol mismatch, output not writable, an --input file\n"
           "     that cannot be read or is truncated or malformed (what came before the\n"
           "     fault is printed; the error names its byte offset)\n"
           "  2  usage error\n"
           "\n"
           "examples:\n"
           "  sudo modtrace                             every attempt, as text\n"
           "  sudo modtrace --json --baseline >f.jsonl  loaded modules, then events, as JSON\n"
           "  sudo modtrace --failed --uid 1000         failed attempts by uid 1000\n"
           "  sudo modtrace --module 8021q --count 1    8021q's next load or unload\n"
           "  sudo modtrace --record bug.nlraw          events, and their records kept\n"
           "  modtrace --input bug.nlraw --json         the same events again, as JSON\n"
           "  sudo modtrace --format ocsf >>siem.jsonl  OCSF events, for a SIEM\n";
    return out.str();
}

} // namespace

bool colour_enabled(ColorMode mode, bool stdout_is_tty, const char* no_color) {
    switch (mode) {
    case ColorMode::Always:
        return true;
    case ColorMode::Never:
        return false;
    case ColorMode::Auto:
        break;
    }
    return stdout_is_tty && (no_color == nullptr || *no_color == '\0');
}

std::optional<std::uint32_t> lookup_user(const std::string& name) {
    long size = sysconf(_SC_GETPW_R_SIZE_MAX);
    std::vector<char> buffer(size > 0 ? static_cast<std::size_t>(size) : 16384);
    passwd entry{};
    passwd* found = nullptr;
    if (getpwnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found) != 0 || !found)
        return std::nullopt;
    return static_cast<std::uint32_t>(found->pw_uid);
}

std::variant<Options, Exit> parse_options(int argc, const char* const argv[],
                                          const UserLookup& users) {
    using strings = std::vector<std::string>;
    po::options_description all;
    add_specs(all, std::begin(kEventSpecs), std::end(kEventSpecs));
    add_specs(all, std::begin(kStreamSpecs), std::end(kStreamSpecs));
    add_specs(all, std::begin(kHistorySpecs), std::end(kHistorySpecs));
    add_specs(all, std::begin(kModeSpecs), std::end(kModeSpecs));
    // No positional arguments: a stray word is an error, not silently ignored.
    const po::positional_options_description none;

    po::variables_map vm;
    try {
        po::store(po::command_line_parser(argc, argv).options(all).positional(none).run(), vm);
        po::notify(vm);
    } catch (const po::too_many_positional_options_error&) {
        return usage("unexpected argument: options start with --");
    } catch (const po::error& e) {
        return usage(e.what());
    }

    if (vm.count("help"))
        return Exit{0, help_text()};

    Options opts;
    // --json is --format json; "given" names whichever the command line used, for errors.
    std::string given = "--json";
    if (vm.count("format")) {
        const auto& v = vm["format"].as<std::string>();
        const auto f = std::find_if(kFormats.begin(), kFormats.end(),
                                    [&](const auto& known) { return known.first == v; });
        if (v.empty())
            return usage("--format needs a value: text, json or ocsf");
        if (f == kFormats.end())
            return usage("--format " + v + ": expected text, json or ocsf");
        if (vm.count("json") && f->second != OutputFormat::Json)
            return usage("--json is --format json; it cannot be combined with --format " + v);
        opts.format = f->second;
        given = "--format " + v;
    } else if (vm.count("json")) {
        opts.format = OutputFormat::Json;
    }
    const bool structured = opts.format != OutputFormat::Text;

    std::string mode; // the other mode asked for, if any
    for (const auto name : kModes) {
        if (!vm.count(std::string(name)))
            continue;
        if (!mode.empty())
            return usage("--" + mode + " and --" + std::string(name) + " cannot be combined");
        mode = name;
    }
    if (!mode.empty()) {
        for (const auto name : kEventOptions) {
            if (vm.count(std::string(name)))
                return usage("--" + std::string(name) +
                             " applies to events only; it cannot be combined with --" + mode);
        }
        if (vm.count("hidden-check") && mode != "status")
            return usage("--hidden-check applies to events and --status; it cannot be combined "
                         "with --" +
                         mode);
        for (const char* name : {"input", "record", "replay", "resume"}) {
            if (vm.count(name) && mode != "raw")
                return usage("--" + std::string(name) +
                             " applies to events and --raw; it cannot be combined with --" + mode);
        }
        if (structured && mode == "version")
            return usage(std::string("--version has no ") +
                         (opts.format == OutputFormat::Ocsf ? "OCSF" : "JSON") +
                         " form; it cannot be combined with " + given);
        if (opts.format == OutputFormat::Ocsf && mode == "status")
            return usage("--status has no OCSF form; it cannot be combined with " + given);
        if (vm.count("format") && opts.format != OutputFormat::Json && mode == "raw")
            return usage("--raw prints records as JSON; it cannot be combined with " + given);
    }
    if (structured && vm.count("color"))
        return usage("--color applies to text output; it cannot be combined with " + given);
    if (opts.format == OutputFormat::Ocsf && vm.count("baseline"))
        return usage("--baseline has no OCSF form; it cannot be combined with " + given);
    if (vm.count("journal") && (vm.count("json") || vm.count("format")))
        return usage("--journal entries carry the JSON object (MODTRACE_JSON) already; it cannot "
                     "be combined with " +
                     given);
    if (vm.count("journal") && vm.count("color"))
        return usage("--color applies to text output; it cannot be combined with --journal");

    if (vm.count("replay") && vm.count("resume"))
        return usage("--resume replays the history already; it cannot be combined with --replay");
    for (const char* name : {"replay", "resume"}) {
        if (vm.count("input") && vm.count(name))
            return usage("--" + std::string(name) +
                         " reads the kernel's history; it cannot be combined with --input");
    }
    if (vm.count("resume") && vm.count("count"))
        return usage("--resume follows the stream across runs; it cannot be combined with --count");
    opts.replay = vm.count("replay") > 0;
    if (vm.count("resume")) {
        opts.resume = vm["resume"].as<std::string>();
        if (opts.resume->empty())
            return usage("--resume needs a file name");
    }
    if (vm.count("input") && vm.count("record"))
        return usage("--record keeps what the kernel sends; it cannot be combined with --input");
    if (vm.count("input") && vm.count("hidden-check"))
        return usage("--hidden-check asks the kernel; it cannot be combined with --input");
    if (vm.count("input") && vm.count("capture"))
        return usage("--capture needs the kernel's images; it cannot be combined with --input");
    if (vm.count("capture")) {
        opts.capture = vm["capture"].as<std::string>();
        if (opts.capture->empty())
            return usage("--capture needs a directory");
    }
    if (vm.count("input") && vm.count("baseline"))
        return usage("--baseline lists this machine's modules; it cannot be combined with --input");
    if (vm.count("input")) {
        opts.input = vm["input"].as<std::string>();
        if (opts.input->empty())
            return usage("--input needs a file name ('-' for standard input)");
    }
    if (vm.count("record")) {
        opts.record = vm["record"].as<std::string>();
        if (opts.record->empty() || *opts.record == "-")
            return usage("--record needs a file name (standard output carries the events)");
    }

    // The version needs to ask the kernel too, so it is a mode rather than an Exit.
    if (vm.count("version"))
        opts.mode = Mode::Version;
    else if (vm.count("raw"))
        opts.mode = Mode::Raw;
    else if (vm.count("status"))
        opts.mode = Mode::Status;
    opts.journal = vm.count("journal") > 0;

    Filter& f = opts.filter;
    const auto values = [&](const char* name) {
        return vm.count(name) ? vm[name].as<strings>() : strings{};
    };
    for (const auto& v : values("pid")) {
        auto pid = parse_number(v, 1, 0xffffffffU);
        if (!pid)
            return usage("--pid " + v + ": not a process id (a number from 1)");
        f.pids.push_back(static_cast<std::uint32_t>(*pid));
    }
    for (const auto& v : values("uid")) {
        // 4294967295 is (uid_t)-1, which no process has.
        if (auto uid = parse_number(v, 0, 0xfffffffeU)) {
            f.uids.push_back(static_cast<std::uint32_t>(*uid));
            continue;
        }
        if (!v.empty() && v.front() >= '0' && v.front() <= '9')
            return usage("--uid " + v + ": not a uid (a number from 0 to 4294967294)");
        auto uid = v.empty() ? std::nullopt : users(v);
        if (!uid)
            return usage("--uid " + v + ": no such user");
        f.uids.push_back(*uid);
    }
    for (auto v : values("comm")) {
        if (v.empty())
            return usage("--comm needs a process name");
        if (v.size() > kCommMax)
            v.resize(kCommMax);
        f.comms.push_back(std::move(v));
    }
    for (auto& v : values("module")) {
        if (v.empty())
            return usage("--module needs a module name");
        f.modules.push_back(std::move(v));
    }
    for (const auto& v : values("event")) {
        const bool known = std::find(kEventKinds.begin(), kEventKinds.end(), std::string_view(v)) !=
                           kEventKinds.end();
        if (!known)
            return usage("--event " + v + ": unknown event kind; valid kinds are " +
                         event_kind_list());
        f.events.push_back(*event_kind_from_name(v));
    }
    f.failed_only = vm.count("failed") > 0;

    if (vm.count("count")) {
        const auto& v = vm["count"].as<std::string>();
        auto n = parse_number(v, 1, UINT64_MAX);
        if (!n)
            return usage("--count " + v + ": not a number of events (1 or more)");
        opts.count = *n;
    }
    if (vm.count("hidden-check")) {
        const auto& v = vm["hidden-check"].as<std::string>();
        auto n = parse_number(v, 0, kHiddenCheckMax);
        if (!n)
            return usage("--hidden-check " + v + ": not a number of seconds (0 to 86400)");
        opts.hidden_check_s = static_cast<std::uint32_t>(*n);
    }
    opts.baseline = vm.count("baseline") > 0;
    if (vm.count("color")) {
        const auto& v = vm["color"].as<std::string>();
        if (v == "auto")
            opts.color = ColorMode::Auto;
        else if (v == "always")
            opts.color = ColorMode::Always;
        else if (v == "never")
            opts.color = ColorMode::Never;
        else
            return usage("--color " + v + ": expected auto, always or never");
    }
    return opts;
}

} // namespace modtrace
