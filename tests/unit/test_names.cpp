// errno and flag names.
#include "names.hpp"

#include <cerrno>
#include <gtest/gtest.h>
#include <string>
#include <utility>
#include <vector>

namespace {

using modtrace::delete_flag_names;
using modtrace::errno_name;
using modtrace::errno_value;
using modtrace::finit_flag_names;
using Names = std::vector<std::string>;

TEST(Names, ErrnoNamesMatchTheCLibrary) {
    // The table is written out by hand; the C library's values must agree with it.
#define E(n)                                                                                       \
    { n, #n }
    const std::pair<int, const char*> cases[] = {
        E(EPERM),
        E(ENOENT),
        E(ESRCH),
        E(EINTR),
        E(EIO),
        E(ENXIO),
        E(E2BIG),
        E(ENOEXEC),
        E(EBADF),
        E(ECHILD),
        E(EAGAIN),
        E(ENOMEM),
        E(EACCES),
        E(EFAULT),
        E(ENOTBLK),
        E(EBUSY),
        E(EEXIST),
        E(EXDEV),
        E(ENODEV),
        E(ENOTDIR),
        E(EISDIR),
        E(EINVAL),
        E(ENFILE),
        E(EMFILE),
        E(ENOTTY),
        E(ETXTBSY),
        E(EFBIG),
        E(ENOSPC),
        E(ESPIPE),
        E(EROFS),
        E(EMLINK),
        E(EPIPE),
        E(EDOM),
        E(ERANGE),
        E(EDEADLK),
        E(ENAMETOOLONG),
        E(ENOLCK),
        E(ENOSYS),
        E(ENOTEMPTY),
        E(ELOOP),
        E(ENOMSG),
        E(EIDRM),
        E(ECHRNG),
        E(EL2NSYNC),
        E(EL3HLT),
        E(EL3RST),
        E(ELNRNG),
        E(EUNATCH),
        E(ENOCSI),
        E(EL2HLT),
        E(EBADE),
        E(EBADR),
        E(EXFULL),
        E(ENOANO),
        E(EBADRQC),
        E(EBADSLT),
        E(EBFONT),
        E(ENOSTR),
        E(ENODATA),
        E(ETIME),
        E(ENOSR),
        E(ENONET),
        E(ENOPKG),
        E(EREMOTE),
        E(ENOLINK),
        E(EADV),
        E(ESRMNT),
        E(ECOMM),
        E(EPROTO),
        E(EMULTIHOP),
        E(EDOTDOT),
        E(EBADMSG),
        E(EOVERFLOW),
        E(ENOTUNIQ),
        E(EBADFD),
        E(EREMCHG),
        E(ELIBACC),
        E(ELIBBAD),
        E(ELIBSCN),
        E(ELIBMAX),
        E(ELIBEXEC),
        E(EILSEQ),
        E(ERESTART),
        E(ESTRPIPE),
        E(EUSERS),
        E(ENOTSOCK),
        E(EDESTADDRREQ),
        E(EMSGSIZE),
        E(EPROTOTYPE),
        E(ENOPROTOOPT),
        E(EPROTONOSUPPORT),
        E(ESOCKTNOSUPPORT),
        E(EOPNOTSUPP),
        E(EPFNOSUPPORT),
        E(EAFNOSUPPORT),
        E(EADDRINUSE),
        E(EADDRNOTAVAIL),
        E(ENETDOWN),
        E(ENETUNREACH),
        E(ENETRESET),
        E(ECONNABORTED),
        E(ECONNRESET),
        E(ENOBUFS),
        E(EISCONN),
        E(ENOTCONN),
        E(ESHUTDOWN),
        E(ETOOMANYREFS),
        E(ETIMEDOUT),
        E(ECONNREFUSED),
        E(EHOSTDOWN),
        E(EHOSTUNREACH),
        E(EALREADY),
        E(EINPROGRESS),
        E(ESTALE),
        E(EUCLEAN),
        E(ENOTNAM),
        E(ENAVAIL),
        E(EISNAM),
        E(EREMOTEIO),
        E(EDQUOT),
        E(ENOMEDIUM),
        E(EMEDIUMTYPE),
        E(ECANCELED),
        E(ENOKEY),
        E(EKEYEXPIRED),
        E(EKEYREVOKED),
        E(EKEYREJECTED),
        E(EOWNERDEAD),
        E(ENOTRECOVERABLE),
        E(ERFKILL),
        E(EHWPOISON),
    };
#undef E
    for (const auto& [value, name] : cases) {
        EXPECT_EQ(errno_name(value), name) << value;
        EXPECT_EQ(errno_value(name), value) << name;
    }
}

TEST(Names, EveryLinuxErrnoHasAName) {
    // 1..133 is every errno x86-64 Linux defines; 41 and 58 are unused numbers.
    for (int v = 1; v <= 133; ++v) {
        if (v == 41 || v == 58)
            continue;
        const std::string n = errno_name(v);
        EXPECT_NE(n, "E" + std::to_string(v)) << v;
    }
    EXPECT_EQ(errno_name(41), "E41");
    EXPECT_EQ(errno_name(58), "E58");
}

TEST(Names, AliasesGiveTheCanonicalName) {
    EXPECT_EQ(errno_name(EWOULDBLOCK), "EAGAIN");
    EXPECT_EQ(errno_name(EDEADLOCK), "EDEADLK");
    EXPECT_EQ(errno_name(ENOTSUP), "EOPNOTSUPP");
    EXPECT_EQ(errno_value("EWOULDBLOCK"), EAGAIN);
    EXPECT_EQ(errno_value("ENOTSUP"), EOPNOTSUPP);
}

TEST(Names, KernelInternalErrnos) {
    // A module init may return these and do_init_module() passes them on.
    EXPECT_EQ(errno_name(512), "ERESTARTSYS");
    EXPECT_EQ(errno_name(517), "EPROBE_DEFER");
    EXPECT_EQ(errno_name(524), "ENOTSUPP");
    EXPECT_EQ(errno_name(531), "ENOGRACE");
    EXPECT_EQ(errno_name(520), "E520");
}

TEST(Names, UnknownErrnos) {
    EXPECT_EQ(errno_name(0), "E0");
    EXPECT_EQ(errno_name(4095), "E4095");
    EXPECT_EQ(errno_name(-5), "E-5");
    EXPECT_FALSE(errno_value("ENOTANERRNO"));
    EXPECT_FALSE(errno_value(""));
}

TEST(Names, FinitFlags) {
    EXPECT_EQ(finit_flag_names(0), Names{});
    EXPECT_EQ(finit_flag_names(1), Names{"ignore_modversions"});
    EXPECT_EQ(finit_flag_names(2), Names{"ignore_vermagic"});
    EXPECT_EQ(finit_flag_names(4), Names{"compressed_file"});
    EXPECT_EQ(finit_flag_names(7),
              (Names{"ignore_modversions", "ignore_vermagic", "compressed_file"}));
    EXPECT_EQ(finit_flag_names(0x80), Names{"0x80"});
    EXPECT_EQ(finit_flag_names(0x80000006),
              (Names{"ignore_vermagic", "compressed_file", "0x80000000"}));
    EXPECT_EQ(finit_flag_names(0xfffffff8), Names{"0xfffffff8"});
}

TEST(Names, DeleteFlags) {
    EXPECT_EQ(delete_flag_names(0), Names{});
    EXPECT_EQ(delete_flag_names(04000), Names{"nonblock"});
    EXPECT_EQ(delete_flag_names(01000), Names{"trunc"});
    EXPECT_EQ(delete_flag_names(05000), (Names{"nonblock", "trunc"}));
    EXPECT_EQ(delete_flag_names(04001), (Names{"nonblock", "0x1"}));
}

} // namespace
