#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include <gtest/gtest.h>

#include "platform/log.hpp"
#include "platform/systemd.hpp"
#include "tests/support/temp_dir.hpp"

namespace storeedge {
namespace {

TEST(Log, FormatsEventWithQuotedFields) {
  EXPECT_EQ(log::format_line("sale_committed", {{"order", "abc"}, {"note", "two words"}, {"empty", ""}}),
            "sale_committed order=abc note=\"two words\" empty=\"\"");
  EXPECT_EQ(log::format_line("x", {{"q", "say \"hi\"\nbye"}}), "x q=\"say \\\"hi\\\"\\nbye\"");
}

TEST(Log, LevelsParseAndApply) {
  EXPECT_EQ(*log::parse_level("warn"), log::Level::warn);
  auto bad = log::parse_level("verbose");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().what().find("verbose"), std::string::npos);
  log::init({.program = "test", .level = log::Level::warn, .sink = log::Sink::stderr_only});
  EXPECT_EQ(log::level(), log::Level::warn);
  log::set_level(log::Level::debug);
  EXPECT_EQ(log::level(), log::Level::debug);
  EXPECT_FALSE(log::to_journal());
}

TEST(Log, AutomaticSinkUsesStderrWhenNotUnderJournald) {
  unsetenv("JOURNAL_STREAM");
  log::init({.program = "test", .level = log::Level::info, .sink = log::Sink::automatic});
  EXPECT_FALSE(log::to_journal());
  setenv("JOURNAL_STREAM", "1:1", 1);  // not our stderr's device and inode
  log::init({.program = "test", .level = log::Level::info, .sink = log::Sink::automatic});
  EXPECT_FALSE(log::to_journal());
  unsetenv("JOURNAL_STREAM");
}

// A datagram socket standing in for systemd's NOTIFY_SOCKET.
class NotifySocket {
 public:
  explicit NotifySocket(const std::filesystem::path& path) {
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    path.string().copy(addr.sun_path, sizeof addr.sun_path - 1);
    EXPECT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    timeval tv{.tv_sec = 5, .tv_usec = 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setenv("NOTIFY_SOCKET", path.c_str(), 1);
  }
  ~NotifySocket() {
    unsetenv("NOTIFY_SOCKET");
    close(fd_);
  }
  std::string receive() {
    char buf[512];
    const ssize_t n = recv(fd_, buf, sizeof buf, 0);
    return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
  }

 private:
  int fd_ = -1;
};

TEST(Systemd, NotifiesReadyReloadStopAndWatchdog) {
  test::TempDir dir;
  NotifySocket sock(dir / "notify");
  systemd::notify_ready();
  EXPECT_NE(sock.receive().find("READY=1"), std::string::npos);
  systemd::notify_reloading();
  EXPECT_NE(sock.receive().find("RELOADING=1"), std::string::npos);
  systemd::notify_watchdog();
  EXPECT_EQ(sock.receive(), "WATCHDOG=1");
  systemd::notify_stopping();
  EXPECT_NE(sock.receive().find("STOPPING=1"), std::string::npos);
}

TEST(Systemd, WatchdogIntervalIsHalfOfWatchdogSec) {
  unsetenv("WATCHDOG_USEC");
  EXPECT_FALSE(systemd::watchdog_ping_interval());
  setenv("WATCHDOG_USEC", "20000000", 1);
  setenv("WATCHDOG_PID", std::to_string(getpid()).c_str(), 1);
  auto interval = systemd::watchdog_ping_interval();
  ASSERT_TRUE(interval);
  EXPECT_EQ(*interval, std::chrono::seconds(10));
  unsetenv("WATCHDOG_USEC");
  unsetenv("WATCHDOG_PID");
}

}  // namespace
}  // namespace storeedge
