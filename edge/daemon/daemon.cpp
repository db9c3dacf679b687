#include "edge/daemon/daemon.hpp"

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json.hpp>
#include <iostream>
#include <optional>

#include "edge/api/checkout_api.hpp"
#include "edge/daemon/edge_config.hpp"
#include "edge/daemon/sync_runner.hpp"
#include "edge/store/replica.hpp"
#include "platform/clock.hpp"
#include "platform/dir_lock.hpp"
#include "platform/http/server.hpp"
#include "platform/log.hpp"
#include "platform/service.hpp"
#include "platform/sqlite/checkpoint.hpp"
#include "storeedge/version.hpp"

namespace storeedge::daemon {
namespace {

// What /health reports about configuration reloads, so a technician can see whether SIGHUP took.
struct ReloadState {
  int reloads = 0;
  std::optional<std::string> last_error;
};

class EdgeDaemon {
 public:
  EdgeDaemon(std::filesystem::path config_path, EdgeConfig config)
      : config_path_(std::move(config_path)), config_(std::move(config)) {}

  int run() {
    std::error_code ec;
    std::filesystem::create_directories(config_.data_dir, ec);
    if (ec)
      return startup_error(errno_error("creating data directory " + config_.data_dir.string(), ec.value()));
    auto lock = DirLock::acquire(config_.data_dir);
    if (!lock) return startup_error(lock.error());
    auto replica = store::Replica::open(config_.replica_path(), clock_, replica_options());
    if (!replica) return startup_error(replica.error());
    replica_.emplace(std::move(*replica));

    http::ServerOptions server_options;
    server_options.address = config_.http_address;
    server_options.port = config_.http_port;
    server_options.max_body_bytes = config_.http_max_body_bytes;
    server_options.server_name = std::string("storeedged/") + kVersion;
    http::Server server(io_, server_options);
    server.route("GET", "/health", [this](const http::Request&) { return health(); });
    api::CheckoutApi checkout(*replica_, clock_,
                              {.store_code = config_.store_code,
                               .device_code = config_.device_code,
                               .channel = config_.channel,
                               .issuer_tax_id = config_.issuer_tax_id});
    checkout.register_routes(server);
    SyncRunner sync({.hub_url = config_.hub_url,
                     .ca_file = config_.hub_ca_file,
                     .enrollment_token = config_.enrollment_token,
                     .interval = config_.sync_interval,
                     .push_batch = config_.push_batch,
                     .request_timeout = config_.sync_request_timeout,
                     .backoff_cap = config_.sync_backoff_cap,
                     .replica_path = config_.replica_path(),
                     .data_dir = config_.data_dir,
                     .store_code = config_.store_code,
                     .device_code = config_.device_code});
    sync_ = &sync;
    sync.start();
    auto port = server.start();
    if (!port) return startup_error(port.error());

    const std::string address = config_.http_address + ":" + std::to_string(*port);
    schedule_checkpoint();
    ServiceLoop loop(io_, {.on_reload = [this] { reload(); },
                           .on_stop =
                               [this, &server] {
                                 checkpoint_timer_.cancel();
                                 server.stop();
                               }});
    log::info("storeedged_started", {{"version", kVersion},
                                     {"node", replica_->node_id()},
                                     {"listen", "http://" + address},
                                     {"data_dir", config_.data_dir.string()},
                                     {"schema", std::to_string(replica_->schema_version())}});
    if (auto s = loop.run(config_.address_file(), address); !s) return startup_error(s.error());
    log::info("storeedged_stopped", {{"node", replica_->node_id()}});
    return 0;
  }

 private:
  store::ReplicaOptions replica_options() const {
    store::ReplicaOptions o;
    o.busy_timeout = config_.busy_timeout;
    return o;
  }

  // The replica does not checkpoint during sales (ReplicaOptions::wal_autocheckpoint_pages is a
  // backstop); this timer does, between requests on the io thread, once no commit happened since
  // the previous tick, or regardless when the WAL has grown four times past the threshold.
  void schedule_checkpoint() {
    checkpoint_timer_.expires_after(kCheckpointTick);
    checkpoint_timer_.async_wait([this](const boost::system::error_code& ec) {
      if (ec) return;
      checkpoint_when_idle();
      schedule_checkpoint();
    });
  }

  void checkpoint_when_idle() {
    sqlite::Database& db = replica_->db();
    const int pending = db.wal_pending_frames();
    const bool idle = pending == pending_at_last_tick_;
    pending_at_last_tick_ = pending;
    if (!idle && pending < 4 * store::kIdleCheckpointPages) return;
    if (auto s = sqlite::checkpoint_if_needed(db, store::kIdleCheckpointPages); !s) {
      log::warn("checkpoint_failed", {{"reason", s.error().what()}});
      return;
    }
    pending_at_last_tick_ = db.wal_pending_frames();
  }

  static int startup_error(const Error& e) {
    log::error("storeedged_start_failed", {{"reason", e.what()}});
    return 1;
  }

  http::Response health() {
    boost::json::object body;
    body["status"] = "ok";
    body["program"] = "storeedged";
    body["version"] = kVersion;
    body["node_id"] = replica_->node_id();
    body["store_code"] = config_.store_code;
    body["device_code"] = config_.device_code;
    body["schema_version"] = replica_->schema_version();
    body["uptime_seconds"] =
        std::chrono::duration_cast<std::chrono::seconds>(clock_.steady_now() - started_).count();
    boost::json::object db;
    auto journal = replica_->db().pragma_text("journal_mode");
    auto sync = replica_->db().pragma_text("synchronous");
    db["journal_mode"] = journal ? *journal : "error";
    db["synchronous"] = sync ? (*sync == "2" ? "full" : *sync) : "error";
    body["database"] = db;
    boost::json::object cfg;
    cfg["file"] = config_path_.string();
    cfg["reloads"] = reload_.reloads;
    cfg["log_level"] = std::string(log::to_string(log::level()));
    cfg["last_reload_error"] = reload_.last_error ? boost::json::value(*reload_.last_error) : nullptr;
    body["config"] = cfg;
    if (sync_ != nullptr) {
      const auto snap = sync_->snapshot();
      body["sync"] = boost::json::object{{"enabled", snap.enabled}, {"enrolled", snap.enrolled},
                                         {"state", snap.state},     {"pending_mutations", snap.pending},
                                         {"rounds", snap.rounds},   {"last_error", snap.last_error}};
    }
    int status = 200;
    if (!journal || !sync) {
      body["status"] = "degraded";
      status = 503;
    }
    return {status, "application/json", boost::json::serialize(body)};
  }

  // SIGHUP: re-read the file. Settings that can change live (log level) apply now; settings that
  // need a restart (listen address, data directory) are reported; a bad file changes nothing.
  void reload() {
    auto next = load_edge_config(config_path_);
    if (!next) {
      reload_.last_error = next.error().what();
      log::error("config_reload_failed",
                 {{"reason", next.error().what()}, {"kept", "previous configuration"}});
      return;
    }
    reload_.reloads++;
    reload_.last_error.reset();
    log::set_level(next->log_level);
    // Settings the running daemon was built around (listener, replica, receipt series, fiscal
    // issuer) keep their running values until a restart.
    EdgeConfig applied = config_;
    applied.log_level = next->log_level;
    applied.busy_timeout = next->busy_timeout;
    if (applied.http_port != next->http_port || applied.http_address != next->http_address ||
        applied.data_dir != next->data_dir || applied.store_code != next->store_code ||
        applied.device_code != next->device_code || applied.channel != next->channel ||
        applied.issuer_tax_id != next->issuer_tax_id ||
        applied.http_max_body_bytes != next->http_max_body_bytes) {
      log::warn("config_reload_needs_restart",
                {{"keys", "node.*, http.*, checkout.*"}, {"action", "restart storeedged to apply"}});
    }
    *next = std::move(applied);
    if (auto s = replica_->db().exec("PRAGMA busy_timeout = " + std::to_string(next->busy_timeout.count()));
        !s) {
      log::warn("busy_timeout_not_applied", {{"reason", s.error().what()}});
    }
    config_ = std::move(*next);
    log::info("config_reloaded", {{"log_level", log::to_string(config_.log_level)}});
  }

  std::filesystem::path config_path_;
  EdgeConfig config_;
  SystemClock clock_;
  std::chrono::steady_clock::time_point started_ = clock_.steady_now();
  boost::asio::io_context io_;
  std::optional<store::Replica> replica_;
  static constexpr std::chrono::seconds kCheckpointTick{5};
  boost::asio::steady_timer checkpoint_timer_{io_};
  int pending_at_last_tick_ = -1;
  ReloadState reload_;
  SyncRunner* sync_ = nullptr;  // owned by run(); outlives the server that reads it
};

}  // namespace

int run(int argc, char** argv) {
  CLI::App app{
      "storeedged — the storeedge edge daemon: local replica, offline checkout and sync for one terminal"};
  std::string config_path;
  bool check_only = false;
  app.add_option("-c,--config", config_path, "configuration file (TOML, see docs/configuration.md)")
      ->required();
  app.add_flag("--check-config", check_only, "validate the configuration file and exit");
  app.set_version_flag("-V,--version", std::string("storeedged ") + kVersion);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }

  auto config = load_edge_config(config_path);
  if (!config) {
    std::cerr << "storeedged: " << config.error().what() << "\n";
    return 2;
  }
  if (check_only) {
    std::cout << config_path << ": ok\n";
    return 0;
  }
  log::init({.program = "storeedged", .level = config->log_level, .sink = log::Sink::automatic});
  return EdgeDaemon(config_path, std::move(*config)).run();
}

}  // namespace storeedge::daemon
