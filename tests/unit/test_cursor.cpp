// The --resume file: read back what was written, refuse what is not one, fail clearly.
#include "cursor.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

using modtrace::Cursor;

namespace {

// A directory of its own for each test, removed with everything in it.
class CursorFile : public ::testing::Test {
protected:
    void SetUp() override {
        char tmpl[] = "/tmp/modtrace-cursor-XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        dir_ = tmpl;
        path_ = dir_ + "/cursor";
    }
    void TearDown() override {
        ::chmod(dir_.c_str(), 0755);
        std::filesystem::remove_all(dir_);
    }
    void put(const std::string& text) { std::ofstream(path_, std::ios::binary) << text; }

    std::string dir_, path_;
};

} // namespace

TEST_F(CursorFile, MissingIsNone) {
    auto c = modtrace::read_cursor(path_);
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_FALSE(*c);
}

TEST_F(CursorFile, WrittenThenRead) {
    const Cursor written{0x00c0ffee12345678ULL, 1234, 1300};
    ASSERT_TRUE(modtrace::write_cursor(path_, written));
    auto c = modtrace::read_cursor(path_);
    ASSERT_TRUE(c) << c.error().message;
    ASSERT_TRUE(*c);
    EXPECT_EQ(**c, written);
    // Replaced, not appended to; no temporary file left.
    const Cursor next{0x00c0ffee12345678ULL, 1301, 1400};
    ASSERT_TRUE(modtrace::write_cursor(path_, next));
    EXPECT_EQ(**modtrace::read_cursor(path_), next);
    EXPECT_FALSE(std::filesystem::exists(path_ + ".tmp"));
}

TEST_F(CursorFile, TheFormat) {
    EXPECT_EQ(modtrace::format_cursor(Cursor{0xabcULL, 5, 4}),
              "# modtrace --resume cursor\ninstance 0x0000000000000abc\nfrom 5\ndone 4\n");
}

TEST_F(CursorFile, TruncatedIsAnError) {
    const std::string whole = modtrace::format_cursor(Cursor{1, 2, 3});
    // Every cut short of the whole file: each names the file and what is wrong.
    for (std::size_t n = 0; n < whole.size(); ++n) {
        put(whole.substr(0, n));
        auto c = modtrace::read_cursor(path_);
        ASSERT_FALSE(c) << "cut at " << n;
        EXPECT_NE(c.error().message.find(path_), std::string::npos) << c.error().message;
    }
    put(whole.substr(0, whole.size() - 1));
    EXPECT_EQ(modtrace::read_cursor(path_).error().message,
              "resume file " + path_ +
                  ": the file is truncated (no end of line after the last one)");
}

TEST_F(CursorFile, NotACursorIsAnError) {
    put("{\"seq\":1}\n");
    auto c = modtrace::read_cursor(path_);
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error().message, "resume file " + path_ +
                                     ": not a modtrace resume file (its first line is not \"# "
                                     "modtrace --resume cursor\")");
    put("# modtrace --resume cursor\ninstance 0x1\nfrom x\ndone 3\n");
    EXPECT_EQ(modtrace::read_cursor(path_).error().message,
              "resume file " + path_ + ": line 3: from is not a number");
    put("# modtrace --resume cursor\ninstance 0x1\nfrom 0\ndone 3\n");
    EXPECT_EQ(modtrace::read_cursor(path_).error().message,
              "resume file " + path_ + ": from is 0: sequence numbers start at 1");
    put("# modtrace --resume cursor\ninstance 1\nfrom 1\ndone 3\n");
    EXPECT_EQ(modtrace::read_cursor(path_).error().message,
              "resume file " + path_ + ": line 2: instance is not 0x and hex digits");
    put("# modtrace --resume cursor\ninstance 0x1\nfrom 1\nfrom 2\ndone 3\n");
    EXPECT_EQ(modtrace::read_cursor(path_).error().message,
              "resume file " + path_ + ": line 4: from given twice");
}

TEST_F(CursorFile, UnwritableDirectoryIsAClearError) {
    // sysfs takes no new file, not even from root; elsewhere a directory without write
    // permission does for others.
    std::string path = "/sys/modtrace-cursor";
    if (::geteuid() != 0) {
        ASSERT_EQ(::chmod(dir_.c_str(), 0555), 0);
        path = path_;
    }
    auto ok = modtrace::check_cursor_writable(path);
    ASSERT_FALSE(ok);
    EXPECT_EQ(ok.error().message, "cannot write the resume file " + path + ": Permission denied");
    auto w = modtrace::write_cursor(path, Cursor{});
    ASSERT_FALSE(w);
    EXPECT_EQ(w.error().message, ok.error().message);
}

TEST_F(CursorFile, NoSuchDirectoryIsAClearError) {
    const std::string path = dir_ + "/no/such/dir/cursor";
    auto ok = modtrace::check_cursor_writable(path);
    ASSERT_FALSE(ok);
    EXPECT_EQ(ok.error().message,
              "cannot write the resume file " + path + ": No such file or directory");
    auto w = modtrace::write_cursor(path, Cursor{});
    ASSERT_FALSE(w);
    EXPECT_EQ(w.error().message, ok.error().message);
}

TEST_F(CursorFile, ADirectoryIsNotAFile) {
    auto ok = modtrace::check_cursor_writable(dir_);
    ASSERT_FALSE(ok);
    EXPECT_EQ(ok.error().message, "the resume file " + dir_ + " is a directory");
}
