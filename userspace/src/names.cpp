#include "names.hpp"

#include <cstdio>
#include <string_view>

namespace modtrace {

namespace {

struct ErrnoName {
    std::int64_t value;
    std::string_view name;
};

// Linux's errno numbering (include/uapi/asm-generic/errno-base.h, errno.h, which x86 uses),
// written out rather than taken from <cerrno>: the numbers come from the traced kernel, not
// from the C library the reader happens to be built against. tests/unit/test_names.cpp checks
// the table against <cerrno> on the build host.
//
// Aliases follow the name they share a value with, so lookups by value find the canonical one.
// Then the kernel-internal values (include/linux/errno.h): they must not reach user space, but a
// module's init may return them (-EPROBE_DEFER, -ENOTSUPP) and do_init_module() passes that on.
constexpr ErrnoName errno_table[] = {
    {1, "EPERM"},
    {2, "ENOENT"},
    {3, "ESRCH"},
    {4, "EINTR"},
    {5, "EIO"},
    {6, "ENXIO"},
    {7, "E2BIG"},
    {8, "ENOEXEC"},
    {9, "EBADF"},
    {10, "ECHILD"},
    {11, "EAGAIN"},
    {11, "EWOULDBLOCK"},
    {12, "ENOMEM"},
    {13, "EACCES"},
    {14, "EFAULT"},
    {15, "ENOTBLK"},
    {16, "EBUSY"},
    {17, "EEXIST"},
    {18, "EXDEV"},
    {19, "ENODEV"},
    {20, "ENOTDIR"},
    {21, "EISDIR"},
    {22, "EINVAL"},
    {23, "ENFILE"},
    {24, "EMFILE"},
    {25, "ENOTTY"},
    {26, "ETXTBSY"},
    {27, "EFBIG"},
    {28, "ENOSPC"},
    {29, "ESPIPE"},
    {30, "EROFS"},
    {31, "EMLINK"},
    {32, "EPIPE"},
    {33, "EDOM"},
    {34, "ERANGE"},
    {35, "EDEADLK"},
    {35, "EDEADLOCK"},
    {36, "ENAMETOOLONG"},
    {37, "ENOLCK"},
    {38, "ENOSYS"},
    {39, "ENOTEMPTY"},
    {40, "ELOOP"},
    {42, "ENOMSG"},
    {43, "EIDRM"},
    {44, "ECHRNG"},
    {45, "EL2NSYNC"},
    {46, "EL3HLT"},
    {47, "EL3RST"},
    {48, "ELNRNG"},
    {49, "EUNATCH"},
    {50, "ENOCSI"},
    {51, "EL2HLT"},
    {52, "EBADE"},
    {53, "EBADR"},
    {54, "EXFULL"},
    {55, "ENOANO"},
    {56, "EBADRQC"},
    {57, "EBADSLT"},
    {59, "EBFONT"},
    {60, "ENOSTR"},
    {61, "ENODATA"},
    {62, "ETIME"},
    {63, "ENOSR"},
    {64, "ENONET"},
    {65, "ENOPKG"},
    {66, "EREMOTE"},
    {67, "ENOLINK"},
    {68, "EADV"},
    {69, "ESRMNT"},
    {70, "ECOMM"},
    {71, "EPROTO"},
    {72, "EMULTIHOP"},
    {73, "EDOTDOT"},
    {74, "EBADMSG"},
    {75, "EOVERFLOW"},
    {76, "ENOTUNIQ"},
    {77, "EBADFD"},
    {78, "EREMCHG"},
    {79, "ELIBACC"},
    {80, "ELIBBAD"},
    {81, "ELIBSCN"},
    {82, "ELIBMAX"},
    {83, "ELIBEXEC"},
    {84, "EILSEQ"},
    {85, "ERESTART"},
    {86, "ESTRPIPE"},
    {87, "EUSERS"},
    {88, "ENOTSOCK"},
    {89, "EDESTADDRREQ"},
    {90, "EMSGSIZE"},
    {91, "EPROTOTYPE"},
    {92, "ENOPROTOOPT"},
    {93, "EPROTONOSUPPORT"},
    {94, "ESOCKTNOSUPPORT"},
    {95, "EOPNOTSUPP"},
    {95, "ENOTSUP"},
    {96, "EPFNOSUPPORT"},
    {97, "EAFNOSUPPORT"},
    {98, "EADDRINUSE"},
    {99, "EADDRNOTAVAIL"},
    {100, "ENETDOWN"},
    {101, "ENETUNREACH"},
    {102, "ENETRESET"},
    {103, "ECONNABORTED"},
    {104, "ECONNRESET"},
    {105, "ENOBUFS"},
    {106, "EISCONN"},
    {107, "ENOTCONN"},
    {108, "ESHUTDOWN"},
    {109, "ETOOMANYREFS"},
    {110, "ETIMEDOUT"},
    {111, "ECONNREFUSED"},
    {112, "EHOSTDOWN"},
    {113, "EHOSTUNREACH"},
    {114, "EALREADY"},
    {115, "EINPROGRESS"},
    {116, "ESTALE"},
    {117, "EUCLEAN"},
    {118, "ENOTNAM"},
    {119, "ENAVAIL"},
    {120, "EISNAM"},
    {121, "EREMOTEIO"},
    {122, "EDQUOT"},
    {123, "ENOMEDIUM"},
    {124, "EMEDIUMTYPE"},
    {125, "ECANCELED"},
    {126, "ENOKEY"},
    {127, "EKEYEXPIRED"},
    {128, "EKEYREVOKED"},
    {129, "EKEYREJECTED"},
    {130, "EOWNERDEAD"},
    {131, "ENOTRECOVERABLE"},
    {132, "ERFKILL"},
    {133, "EHWPOISON"},
    // kernel-internal
    {512, "ERESTARTSYS"},
    {513, "ERESTARTNOINTR"},
    {514, "ERESTARTNOHAND"},
    {515, "ENOIOCTLCMD"},
    {516, "ERESTART_RESTARTBLOCK"},
    {517, "EPROBE_DEFER"},
    {518, "EOPENSTALE"},
    {519, "ENOPARAM"},
    {521, "EBADHANDLE"},
    {522, "ENOTSYNC"},
    {523, "EBADCOOKIE"},
    {524, "ENOTSUPP"},
    {525, "ETOOSMALL"},
    {526, "ESERVERFAULT"},
    {527, "EBADTYPE"},
    {528, "EJUKEBOX"},
    {529, "EIOCBQUEUED"},
    {530, "ERECALLCONFLICT"},
    {531, "ENOGRACE"},
};

struct FlagName {
    std::uint32_t bit;
    std::string_view name;
};

std::vector<std::string> flag_names(std::uint32_t flags, std::initializer_list<FlagName> known) {
    std::vector<std::string> names;
    for (const auto& f : known) {
        if (flags & f.bit) {
            names.emplace_back(f.name);
            flags &= ~f.bit;
        }
    }
    if (flags != 0) {
        char buf[16];
        std::snprintf(buf, sizeof(buf), "0x%x", flags);
        names.emplace_back(buf);
    }
    return names;
}

} // namespace

std::string_view known_errno_name(std::int64_t value) {
    // The first entry with a value is the canonical name, so a linear scan is also correct for
    // aliases; some 150 entries do not need anything faster.
    for (const auto& e : errno_table) {
        if (e.value == value)
            return e.name;
    }
    return {};
}

std::string errno_name(std::int64_t value) {
    if (const std::string_view name = known_errno_name(value); !name.empty())
        return std::string(name);
    return "E" + std::to_string(value);
}

std::optional<std::int64_t> errno_value(const std::string& name) {
    for (const auto& e : errno_table) {
        if (e.name == name)
            return e.value;
    }
    return std::nullopt;
}

std::vector<std::string> finit_flag_names(std::uint32_t flags) {
    // include/uapi/linux/module.h; not every libc ships that header, the values are ABI.
    return flag_names(
        flags, {{1U, "ignore_modversions"}, {2U, "ignore_vermagic"}, {4U, "compressed_file"}});
}

std::vector<std::string> delete_flag_names(std::uint32_t flags) {
    // x86's O_NONBLOCK and O_TRUNC (asm-generic/fcntl.h), the values the traced kernel checks,
    // whatever the reader's host defines.
    return flag_names(flags, {{04000U, "nonblock"}, {01000U, "trunc"}});
}

} // namespace modtrace
