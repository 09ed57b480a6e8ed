// modtrace: the reader's entry point.
#include "options.hpp"

#include <iostream>

int main(int argc, char* argv[]) {
    auto parsed = modtrace::parse_options(argc, argv);
    if (auto* exit = std::get_if<modtrace::Exit>(&parsed)) {
        (exit->status == 0 ? std::cout : std::cerr) << exit->text;
        return exit->status;
    }
    std::cerr << "modtrace: the netlink reader is not built yet\n";
    return 1;
}
