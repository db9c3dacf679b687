#include "platform/service.hpp"

#include <boost/asio.hpp>
#include <csignal>

#include "platform/atomic_file.hpp"
#include "platform/log.hpp"
#include "platform/systemd.hpp"

namespace storeedge {

namespace asio = boost::asio;

struct ServiceLoop::Impl {
  Impl(asio::io_context& io_, Hooks h)
      : io(io_), hooks(std::move(h)), signals(io_, SIGTERM, SIGINT, SIGHUP), watchdog(io_) {}

  asio::io_context& io;
  Hooks hooks;
  asio::signal_set signals;
  asio::steady_timer watchdog;
  std::chrono::microseconds watchdog_interval{0};

  void wait_signal() {
    signals.async_wait([this](const boost::system::error_code& ec, int sig) {
      if (ec) return;
      if (sig == SIGHUP) {
        systemd::notify_reloading();
        log::info("reload_requested", {{"signal", "SIGHUP"}});
        if (hooks.on_reload) hooks.on_reload();
        systemd::notify_ready();
        wait_signal();
        return;
      }
      log::info("stop_requested", {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"}});
      systemd::notify_stopping();
      if (hooks.on_stop) hooks.on_stop();
      signals.cancel();
      watchdog.cancel();
    });
  }

  void ping_watchdog() {
    systemd::notify_watchdog();
    watchdog.expires_after(watchdog_interval);
    watchdog.async_wait([this](const boost::system::error_code& ec) {
      if (!ec) ping_watchdog();
    });
  }
};

ServiceLoop::ServiceLoop(asio::io_context& io, Hooks hooks)
    : impl_(std::make_unique<Impl>(io, std::move(hooks))) {}
ServiceLoop::~ServiceLoop() = default;

Status ServiceLoop::run(const std::filesystem::path& address_file, const std::string& address) {
  if (auto s = write_file_atomically(address_file, address + "\n"); !s) {
    return fail(s.error().with_context("publishing the listen address"));
  }
  impl_->wait_signal();
  if (auto interval = systemd::watchdog_ping_interval()) {
    impl_->watchdog_interval = *interval;
    impl_->ping_watchdog();
  }
  systemd::notify_ready();
  impl_->io.run();
  std::error_code ec;
  std::filesystem::remove(address_file, ec);
  return {};
}

}  // namespace storeedge
