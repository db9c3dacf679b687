#pragma once
// The life cycle shared by storeedged and storehub: run an io_context until SIGTERM/SIGINT, call a
// reload hook on SIGHUP, ping the systemd watchdog when the unit asks for one, and tell systemd when
// the service is ready, reloading and stopping.
//
// Not thread-safe: construct and run() on the thread that owns the io_context.
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "platform/error.hpp"

namespace boost::asio {
class io_context;
}

namespace storeedge {

class ServiceLoop {
 public:
  struct Hooks {
    std::function<void()> on_reload;  // SIGHUP; runs on the io_context thread
    std::function<void()> on_stop;    // SIGTERM/SIGINT, before the loop winds down
  };

  ServiceLoop(boost::asio::io_context& io, Hooks hooks);
  ~ServiceLoop();
  ServiceLoop(const ServiceLoop&) = delete;
  ServiceLoop& operator=(const ServiceLoop&) = delete;

  // Publishes "host:port" in `address_file` (atomically, so storectl and tests never read half a
  // line), notifies READY=1 and runs until a stop signal. The file is removed on the way out.
  Status run(const std::filesystem::path& address_file, const std::string& address);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace storeedge
