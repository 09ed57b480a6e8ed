// modtrace: the reader's entry point. Each mode is a function returning the exit status:
// 0 done, 1 failed (one "modtrace: ..." line on stderr), 2 usage error.
#include "baseline.hpp"
#include "capture.hpp"
#include "client.hpp"
#include "commands.hpp"
#include "file_source.hpp"
#include "journal.hpp"
#include "notify.hpp"
#include "options.hpp"
#include "raw.hpp"
#include "stop_signals.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <ctime>
#include <exception>
#include <iostream>
#include <unistd.h>

namespace {

using namespace modtrace;

int fail(const Error& error) {
    std::cerr << "modtrace: " << error.message << '\n';
    return 1;
}

void warn(const Error& error) {
    std::cerr << "modtrace: warning: " << error.message << '\n';
}

// A client that stops at SIGINT or SIGTERM and reports malformed records as warnings.
struct Session {
    StopSignals signals;
    NetlinkClient client;
};

// sd_notify, when systemd started the reader: a failure is worth a warning, not the run.
void notify(const std::string& state) {
    if (auto sent = notify_service_manager(state); !sent)
        warn(sent.error());
}

// READY=1 once subscribed (Type=notify services wait for it), with where the stream starts.
void notify_ready(const Subscription& s, const std::optional<std::uint64_t>& from_seq) {
    std::string status = "subscribed to the kernel module";
    if (from_seq)
        status += ", history from seq " + std::to_string(*from_seq);
    status += ", live from seq " + std::to_string(s.next_seq);
    notify(ready_state(status));
}

Result<Session> open_session(const ClientOptions& options = {}) {
    auto signals = StopSignals::install();
    if (!signals)
        return signals.error();
    auto client = NetlinkClient::open(options);
    if (!client)
        return client.error();
    client->set_stop_fd(signals->fd());
    client->set_warning_handler(warn);
    return Session{std::move(*signals), std::move(*client)};
}

Result<FileSource> open_input(const std::string& path) {
    auto source = FileSource::open(path);
    if (source)
        source->set_warning_handler(warn);
    return source;
}

// --record: the file, once the client is open (so that a failed start leaves none), with the
// time base it starts with. The client only hands it datagrams while it receives.
Result<std::optional<StreamRecorder>> start_recording(const Options& options) {
    if (!options.record)
        return std::optional<StreamRecorder>();
    auto recorder = StreamRecorder::open(*options.record, TimeBase::from_clocks());
    if (!recorder)
        return recorder.error();
    return std::optional<StreamRecorder>(std::move(*recorder));
}

void attach_recorder(std::optional<StreamRecorder>& recorder, NetlinkClient& client) {
    if (recorder)
        client.set_recorder([r = &*recorder](Bytes datagram) { return r->write(datagram); });
}

// Where --replay and --resume start: the seq to subscribe from, and what --resume remembers.
struct StartPoint {
    std::optional<std::uint64_t> from_seq;
    std::optional<ResumeConfig> resume;
};

// --resume FILE: read where the last run got to in which module instance (`instance`, from
// GET_STATUS). Another instance's cursor, or none, starts from the oldest record held.
Result<StartPoint> start_point(const Options& options, std::uint64_t instance) {
    StartPoint start;
    if (options.replay)
        start.from_seq = 1;
    if (!options.resume)
        return start;
    const std::string path = *options.resume;
    if (auto ok = check_cursor_writable(path); !ok)
        return ok.error();
    auto cursor = read_cursor(path);
    if (!cursor)
        return cursor.error();
    ResumeConfig resume;
    resume.instance = instance;
    resume.save = [path](const Cursor& c) { return write_cursor(path, c); };
    start.from_seq = 1;
    if (*cursor && (*cursor)->instance == instance) {
        start.from_seq = (*cursor)->from;
        resume.done = (*cursor)->done;
    } else if (*cursor) {
        warn(Error{path + " is from another instance of the kernel module (it was unloaded, or "
                          "the machine rebooted since): starting from the oldest record it "
                          "holds; the end of the previous instance may be missing"});
    }
    start.resume = std::move(resume);
    return start;
}

// The module instance, for --resume (GET_STATUS); 0 when it is not needed.
Result<std::uint64_t> instance_for(const Options& options, NetlinkClient& client) {
    if (!options.resume)
        return std::uint64_t{0};
    auto status = client.get_status();
    if (!status)
        return status.error();
    return status->instance;
}

// What a reader that starts live missed by starting late, and where to find it.
std::string before_start_line(const Subscription& s) {
    const std::uint64_t before = s.next_seq - 1;
    std::string line = std::to_string(before) + (before == 1 ? " record was" : " records were") +
                       " made before this reader started";
    if (s.history_first_seq && *s.history_first_seq < s.next_seq)
        line += "; the kernel still holds those from seq " + std::to_string(*s.history_first_seq) +
                " (--replay prints them)";
    return line;
}

// Subscribes from `start` and checks that the instance is the one --resume read the cursor
// for (the module could have been reloaded in between).
Result<Subscription> subscribe_from(NetlinkClient& client, const StartPoint& start) {
    auto subscription = client.subscribe(start.from_seq);
    if (!subscription)
        return subscription.error();
    if (start.resume && subscription->instance != start.resume->instance)
        return Error{"the kernel module was reloaded while the reader started; start it again"};
    return subscription;
}

// Subscribes and prints records until a signal (exit 0) or the module's unload (exit 1); with
// --input, the file's records until its end (exit 0).
int run_raw(const Options& options) {
    if (options.input) {
        auto source = open_input(*options.input);
        if (!source)
            return fail(source.error());
        auto printed = print_raw(*source, std::cout);
        return printed ? 0 : fail(printed.error());
    }
    auto session = open_session();
    if (!session)
        return fail(session.error());
    NetlinkClient* client = &session->client;
    auto recorder = start_recording(options);
    if (!recorder)
        return fail(recorder.error());
    attach_recorder(*recorder, *client);
    auto instance = instance_for(options, *client);
    if (!instance)
        return fail(instance.error());
    auto start = start_point(options, *instance);
    if (!start)
        return fail(start.error());
    auto subscribed = subscribe_from(*client, *start);
    if (!subscribed)
        return fail(subscribed.error());
    notify_ready(*subscribed, start->from_seq);
    auto printed = print_raw(*client, std::cout, start->resume ? &*start->resume : nullptr);
    notify(stopping_state(printed ? "stopping" : "stopping: " + printed.error().message));
    if (!printed)
        return fail(printed.error());
    // Stopped by a signal: leave politely (closing the socket would unsubscribe us too).
    (void)client->unsubscribe();
    return 0;
}

int run_status(bool json, std::uint32_t hidden_check_s) {
    auto client = NetlinkClient::open();
    if (!client)
        return fail(client.error());
    auto status = client->get_status();
    if (!status)
        return fail(status.error());
    std::cout << (json ? status_to_json(*status, hidden_check_s) + "\n"
                       : status_to_text(*status, hidden_check_s))
              << std::flush;
    return std::cout ? 0 : fail(Error{"cannot write the output"});
}

int run_version() {
    std::cout << "modtrace reader " MODTRACE_VERSION ", protocol " << kProtocolVersion << '\n';
    auto kernel = kernel_protocol_version();
    if (!kernel)
        std::cout << "kernel module: unknown (" << kernel.error().message << ")\n";
    else if (!*kernel)
        std::cout << "kernel module: not loaded\n";
    else
        std::cout << "kernel module protocol " << **kernel << '\n';
    return 0;
}

// Whether the kernel module's do_init_module probe is attached: without it no load has init
// records, and the correlator must not read their absence as a rejection.
bool init_probe_attached(const Status& status) {
    return std::any_of(status.probes.begin(), status.probes.end(), [](const ProbeStatus& p) {
        return p.probe == Probe::DoInitModule && p.state == ProbeState::Attached;
    });
}

// --baseline: the modules loaded now, those --module names if it was given, on stdout or as
// journal entries. A missing /proc/modules is worth a warning, not the run. An Error when the
// output or the journal did not take them.
Result<void> print_baseline(const Options& options, JournalSink* journal) {
    auto modules = read_proc_modules();
    if (!modules) {
        warn(Error{modules.error().message + "; no baseline"});
        return {};
    }
    timespec now{};
    clock_gettime(CLOCK_REALTIME, &now);
    const std::int64_t at = static_cast<std::int64_t>(now.tv_sec) * 1000000000 + now.tv_nsec;
    const auto& wanted = options.filter.modules;
    for (const auto& m : *modules) {
        if (!wanted.empty() && std::none_of(wanted.begin(), wanted.end(), [&](const auto& w) {
                return same_module_name(w, m.name);
            }))
            continue;
        if (journal) {
            if (auto sent = journal->send(baseline_entry(m, at)); !sent)
                return sent;
            continue;
        }
        std::cout << (options.format == OutputFormat::Json ? baseline_to_json(m, at)
                                                           : baseline_to_text(m))
                  << '\n'
                  << std::flush;
    }
    if (!std::cout)
        return Error{"cannot write the output"};
    return {};
}

// How events are shown, wherever they come from: `journal` is where --journal sends them.
WatchConfig output_config(const Options& options, JournalSink& journal) {
    WatchConfig config;
    const bool tty = isatty(STDOUT_FILENO) == 1;
    const bool text = options.format == OutputFormat::Text && !options.journal;
    config.format = options.format;
    if (options.format == OutputFormat::Ocsf)
        config.host = read_ocsf_host();
    config.colour = text && colour_enabled(options.color, tty, std::getenv("NO_COLOR"));
    config.header = text && tty;
    config.journal = options.journal ? &journal : nullptr;
    config.filter = options.filter;
    config.count = options.count;
    return config;
}

// Event mode on a recording (--input): its events, on the recording's wall clock, until its end
// (exit 0), the module's unload or a malformed file (exit 1), then the summary.
int replay_events(const Options& options) {
    auto source = open_input(*options.input);
    if (!source)
        return fail(source.error());
    SystemJournal journal;
    WatchConfig config = output_config(options, journal);
    if (config.journal) {
        if (auto ok = journal_available(); !ok)
            return fail(ok.error());
    }
    FileSource* file = &*source;
    config.clock = [file] { return file->time_base(); };
    if (config.journal) {
        ReaderStart start;
        start.input = *options.input;
        if (auto sent = journal.send(start_entry(start)); !sent)
            return fail(sent.error());
    }
    return watch_events(*source, std::cout, std::cerr, config).status();
}

// Event mode: subscribes, then prints events until a signal or --count (exit 0), or the
// module's unload or a failure (exit 1). The summary on stderr ends every run that subscribed.
int run_watch(const Options& options) {
    if (options.input)
        return replay_events(options);
    if (options.journal) {
        if (auto ok = journal_available(); !ok)
            return fail(ok.error());
    }
    std::optional<CaptureDir> capture_dir;
    if (options.capture) {
        auto dir = CaptureDir::open(*options.capture);
        if (!dir)
            return fail(Error{"--capture: " + dir.error().message, dir.error().code});
        capture_dir = std::move(*dir);
    }
    ClientOptions client_options;
    client_options.capture = capture_dir.has_value();
    auto session = open_session(client_options);
    if (!session)
        return fail(session.error());
    NetlinkClient* client = &session->client;
    auto recorder = start_recording(options);
    if (!recorder)
        return fail(recorder.error());
    attach_recorder(*recorder, *client);

    SystemJournal journal;
    WatchConfig config = output_config(options, journal);
    // The status says whether loads have init records. Any failure but EPERM is left to
    // subscribe(), whose errors (a protocol mismatch, an unload under way) say more.
    auto status = client->get_status();
    if (!status && status.error().code == EPERM)
        return fail(permission_denied("receiving records"));
    auto start = start_point(options, status ? status->instance : 0);
    if (!start)
        return fail(start.error());
    if (options.resume && !status)
        return fail(status.error());
    auto subscription = subscribe_from(*client, *start);
    if (!subscription)
        return fail(subscription.error());
    config.resume = start->resume;
    if (!status) {
        warn(Error{status.error().message + "; assuming the do_init_module probe is attached"});
    } else if (!init_probe_attached(*status)) {
        config.correlator.init_records = false;
        warn(Error{"the do_init_module probe is not attached: loads show no module details, and "
                   "failed loads are not told apart (see modtrace --status)"});
    }
    if (options.hidden_check_s != 0) {
        config.hidden_check = [client] { return client->check_hidden(); };
        config.hidden_check_every = std::chrono::seconds(options.hidden_check_s);
    }
    if (capture_dir && status && status->params.capture_max_bytes.value_or(0) == 0)
        warn(Error{status->params.capture_max_bytes
                       ? "--capture: the kernel module's capture_max_bytes is 0: no image is "
                         "copied until it is set (/sys/module/modtrace/parameters/"
                         "capture_max_bytes)"
                       : "--capture: this kernel module does not capture images"});
    config.correlator.first_seq = subscription->next_seq;
    if (!start->from_seq && subscription->next_seq > 1)
        std::cerr << "modtrace: " << before_start_line(*subscription) << '\n';

    // Taken again at every burst of records (see WatchConfig::clock).
    config.clock = &TimeBase::from_clocks;
    config.time = TimeBase::from_clocks();

    Result<void> started;
    if (config.journal) {
        ReaderStart at;
        at.next_seq = subscription->next_seq;
        at.from_seq = start->from_seq;
        at.instance = subscription->instance;
        started = config.journal->send(start_entry(at));
    }
    if (started && options.baseline)
        started = print_baseline(options, config.journal);
    if (!started) {
        // Subscribed: the run ends with its summary like any other.
        std::cerr << "modtrace: " << started.error().message << '\n'
                  << summary_line(CorrelatorSummary{}, Loss{}) << '\n';
        return 1;
    }
    notify_ready(*subscription, start->from_seq);

    std::optional<CaptureSource> capture;
    if (capture_dir) {
        CaptureConfig capture_config;
        capture_config.write = [&capture_dir](const std::string& sha256,
                                              const std::vector<std::uint8_t>& bytes) {
            return capture_dir->write(sha256, bytes);
        };
        capture_config.warn = warn;
        capture.emplace(*client, std::move(capture_config));
    }
    RecordSource& source = capture ? static_cast<RecordSource&>(*capture) : *client;
    const WatchResult result = watch_events(source, std::cout, std::cerr, config);
    notify(stopping_state("stopping: " + std::string(watch_end_name(result.end))));
    // Leave politely when the module is still there (closing the socket unsubscribes too).
    if (result.end == WatchEnd::Stopped || result.end == WatchEnd::CountReached)
        (void)client->unsubscribe();
    return result.status();
}

int run(const Options& options) {
    switch (options.mode) {
    case Mode::Raw:
        return run_raw(options);
    case Mode::Status:
        return run_status(options.format == OutputFormat::Json, options.hidden_check_s);
    case Mode::Version:
        return run_version();
    case Mode::Watch:
        break;
    }
    return run_watch(options);
}

} // namespace

int main(int argc, char* argv[]) {
    try {
        // A closed output is a write error, reported like any other (exit 1, summary first).
        if (auto ignored = ignore_broken_pipes(); !ignored)
            return fail(ignored.error());
        auto parsed = parse_options(argc, argv);
        if (auto* exit = std::get_if<Exit>(&parsed)) {
            (exit->status == 0 ? std::cout : std::cerr) << exit->text;
            return exit->status;
        }
        return run(std::get<Options>(parsed));
    } catch (const std::exception& e) {
        std::cerr << "modtrace: internal error: " << e.what() << '\n';
        return 1;
    }
}
