#include "sync/hub/hub.hpp"

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <iostream>

#include "platform/clock.hpp"
#include "platform/dir_lock.hpp"
#include "platform/http/server.hpp"
#include "platform/log.hpp"
#include "platform/service.hpp"
#include "storeedge/version.hpp"
#include "sync/hub/hub_config.hpp"
#include "sync/hub/sqlite/sqlite_storage.hpp"

namespace storeedge::sync::hub {
namespace {

int start_failed(const Error& e) {
  log::error("storehub_start_failed", {{"reason", e.what()}});
  return 1;
}

int serve(const HubConfig& config) {
  SystemClock clock;
  std::error_code ec;
  std::filesystem::create_directories(config.data_dir, ec);
  if (ec) return start_failed(errno_error("creating data directory " + config.data_dir.string(), ec.value()));
  auto lock = DirLock::acquire(config.data_dir);
  if (!lock) return start_failed(lock.error());
  auto storage = SqliteStorage::open(config.database_path(), clock);
  if (!storage)
    return start_failed(storage.error().with_context("opening " + config.database_path().string()));
  const std::string epoch = (*storage)->epoch();

  boost::asio::io_context io;
  http::ServerOptions options;
  options.address = config.http_address;
  options.port = config.http_port;
  options.server_name = std::string("storehub/") + kVersion;
  http::Server server(io, options);
  const auto started = clock.steady_now();
  server.route("GET", "/health", [&](const http::Request&) {
    boost::json::object body{
        {"status", "ok"}, {"program", "storehub"}, {"version", kVersion}, {"epoch", epoch}};
    body["uptime_seconds"] =
        std::chrono::duration_cast<std::chrono::seconds>(clock.steady_now() - started).count();
    return http::Response{200, "application/json", boost::json::serialize(body)};
  });
  auto port = server.start();
  if (!port) return start_failed(port.error());
  const std::string address = config.http_address + ":" + std::to_string(*port);
  ServiceLoop loop(
      io,
      {.on_reload =
           [] {
             log::info("config_reload_ignored", {{"reason", "storehub reads its configuration at start"}});
           },
       .on_stop = [&server] { server.stop(); }});
  log::info("storehub_started", {{"version", kVersion}, {"epoch", epoch}, {"listen", "http://" + address}});
  if (auto s = loop.run(config.address_file(), address); !s) return start_failed(s.error());
  log::info("storehub_stopped");
  return 0;
}

}  // namespace

int run(int argc, char** argv) {
  CLI::App app{"storehub — the storeedge sync hub: reconciles store nodes and serves the other channels"};
  std::string config_path;
  app.add_option("-c,--config", config_path, "configuration file (TOML, see docs/configuration.md)")
      ->required();
  app.set_version_flag("-V,--version", std::string("storehub ") + kVersion);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  auto config = load_hub_config(config_path);
  if (!config) {
    std::cerr << "storehub: " << config.error().what() << "\n";
    return 2;
  }
  log::init({.program = "storehub", .level = config->log_level, .sink = log::Sink::automatic});
  return serve(*config);
}

}  // namespace storeedge::sync::hub
