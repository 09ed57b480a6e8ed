// Parses the reader's command line with Boost.Program_options.
#include "options.hpp"

#include <boost/program_options.hpp>
#include <sstream>

namespace po = boost::program_options;

namespace modtrace {

std::variant<Options, Exit> parse_options(int argc, const char* const argv[]) {
    po::options_description desc("Options");
    desc.add_options()("help,h", "show this help and exit")(
        "version", "print the reader's version and exit")(
        "raw", "print every record from the kernel as one JSON object per line")(
        "status", "print the kernel module's status and counters, then exit")(
        "json", "print events as JSON, one object per line");

    po::variables_map vm;
    try {
        po::store(po::command_line_parser(argc, argv).options(desc).run(), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        return Exit{2, std::string("modtrace: ") + e.what() + "\nTry 'modtrace --help'.\n"};
    }

    if (vm.count("help")) {
        std::ostringstream out;
        out << "usage: modtrace [options]\n\n"
               "Records every attempt to load a kernel module (init_module, finit_module)\n"
               "as reported by the modtrace kernel module.\n\n"
            << desc << "\nexample:\n  sudo modtrace --json\n";
        return Exit{0, out.str()};
    }
    if (vm.count("version"))
        return Exit{0, "modtrace " MODTRACE_VERSION "\n"};
    if (vm.count("raw") && vm.count("status"))
        return Exit{2, "modtrace: --raw and --status cannot be combined\n"};

    Options opts;
    if (vm.count("raw"))
        opts.mode = Mode::Raw;
    else if (vm.count("status"))
        opts.mode = Mode::Status;
    opts.json = vm.count("json") > 0;
    return opts;
}

} // namespace modtrace
