// The readiness notification (sd_notify) against a socket of the test's own: what a service
// manager would receive, nothing without NOTIFY_SOCKET, and an error it can warn about.
#include "notify.hpp"

#include <cstdlib>
#include <gtest/gtest.h>
#include <optional>
#include <string>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace {

using namespace modtrace;

// NOTIFY_SOCKET set to a datagram socket bound in a temporary directory, for one test; the
// environment as it was afterwards.
class Notify : public ::testing::Test {
protected:
    void SetUp() override {
        const char* was = std::getenv("NOTIFY_SOCKET");
        saved_ = was ? std::optional<std::string>(was) : std::nullopt;
        char dir[] = "/tmp/modtrace-notify-XXXXXX";
        ASSERT_NE(mkdtemp(dir), nullptr);
        dir_ = dir;
        path_ = dir_ + "/notify";
        fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        ASSERT_GE(fd_, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        path_.copy(addr.sun_path, sizeof(addr.sun_path) - 1);
        ASSERT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
        timeval tv{1, 0};
        setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    }
    void TearDown() override {
        if (saved_)
            setenv("NOTIFY_SOCKET", saved_->c_str(), 1);
        else
            unsetenv("NOTIFY_SOCKET");
        if (fd_ >= 0)
            close(fd_);
        unlink(path_.c_str());
        rmdir(dir_.c_str());
    }
    std::string receive() {
        char buf[4096];
        const ssize_t n = recv(fd_, buf, sizeof(buf), 0);
        return n < 0 ? std::string("<nothing>") : std::string(buf, static_cast<std::size_t>(n));
    }

    std::string dir_;
    std::string path_;
    int fd_ = -1;

private:
    std::optional<std::string> saved_;
};

TEST(NotifyState, ReadyAndStoppingWithAStatusLine) {
    EXPECT_EQ(ready_state("live from seq 3"), "READY=1\nSTATUS=live from seq 3");
    EXPECT_EQ(stopping_state("stopping"), "STOPPING=1\nSTATUS=stopping");
    // A newline in the status cannot add an assignment.
    EXPECT_EQ(ready_state("a\nMAINPID=1"), "READY=1\nSTATUS=a MAINPID=1");
}

TEST_F(Notify, TheServiceManagerGetsTheState) {
    setenv("NOTIFY_SOCKET", path_.c_str(), 1);
    const auto sent = notify_service_manager(ready_state("subscribed, live from seq 15"));
    ASSERT_TRUE(sent) << sent.error().message;
    EXPECT_TRUE(*sent);
    EXPECT_EQ(receive(), "READY=1\nSTATUS=subscribed, live from seq 15");
    ASSERT_TRUE(notify_service_manager(stopping_state("stopping: stopped")));
    EXPECT_EQ(receive(), "STOPPING=1\nSTATUS=stopping: stopped");
}

TEST_F(Notify, NothingWithoutNotifySocket) {
    unsetenv("NOTIFY_SOCKET");
    const auto sent = notify_service_manager(ready_state("x"));
    ASSERT_TRUE(sent);
    EXPECT_FALSE(*sent);
}

TEST_F(Notify, ASocketThatIsNotThereIsAnError) {
    const std::string missing = dir_ + "/missing";
    setenv("NOTIFY_SOCKET", missing.c_str(), 1);
    const auto sent = notify_service_manager(ready_state("x"));
    ASSERT_FALSE(sent);
    EXPECT_EQ(sent.error().code, ENOENT);
    EXPECT_TRUE(sent.error().message.starts_with("cannot notify the service manager"))
        << sent.error().message;
}

} // namespace
