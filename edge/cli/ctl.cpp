#include "edge/cli/ctl.hpp"

#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <iostream>

#include "edge/daemon/edge_config.hpp"
#include "edge/store/demo_data.hpp"
#include "edge/store/replica.hpp"
#include "platform/atomic_file.hpp"
#include "platform/dir_lock.hpp"
#include "platform/http/client.hpp"
#include "storeedge/version.hpp"

namespace storeedge::cli {
namespace {

constexpr int kNotRunning = 3;

// "127.0.0.1:8470\n" -> host and port.
Result<std::pair<std::string, std::uint16_t>> parse_address(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos) return fail(Errc::corrupt, "malformed address file: \"" + text + "\"");
  try {
    const int port = std::stoi(text.substr(colon + 1));
    if (port <= 0 || port > 65535) throw std::out_of_range("port");
    return std::make_pair(text.substr(0, colon), static_cast<std::uint16_t>(port));
  } catch (const std::exception&) {
    return fail(Errc::corrupt, "malformed address file: \"" + text + "\"");
  }
}

std::string_view str(const boost::json::value& v) {
  return std::string_view(v.as_string());
}

void print_health(const boost::json::object& h) {
  const auto& db = h.at("database").as_object();
  const auto& cfg = h.at("config").as_object();
  std::cout << "storeedged: running (" << str(h.at("status")) << ")\n"
            << "  version:        " << str(h.at("version")) << "\n"
            << "  node id:        " << str(h.at("node_id")) << "\n"
            << "  store/device:   " << str(h.at("store_code")) << "/" << str(h.at("device_code")) << "\n"
            << "  schema version: " << h.at("schema_version").as_int64() << "\n"
            << "  database:       journal_mode=" << str(db.at("journal_mode"))
            << " synchronous=" << str(db.at("synchronous")) << "\n"
            << "  uptime:         " << h.at("uptime_seconds").as_int64() << " s\n"
            << "  config:         " << str(cfg.at("file")) << " (reloads " << cfg.at("reloads").as_int64()
            << ", log level " << str(cfg.at("log_level")) << ")\n";
  if (!cfg.at("last_reload_error").is_null()) {
    std::cout << "  last reload failed: " << str(cfg.at("last_reload_error")) << "\n";
  }
}

// The daemon is down: say so, and show what the replica on disk says (read-only, never migrated).
int print_offline(const daemon::EdgeConfig& config) {
  std::cout << "storeedged: not running\n";
  std::error_code ec;
  if (!std::filesystem::exists(config.replica_path(), ec)) {
    std::cout << "  replica:        none yet at " << config.replica_path().string() << "\n";
    return kNotRunning;
  }
  SystemClock clock;
  store::ReplicaOptions options;
  options.read_only = true;
  auto replica = store::Replica::open(config.replica_path(), clock, options);
  if (!replica) {
    std::cout << "  replica:        cannot be read: " << replica.error().what() << "\n";
    return kNotRunning;
  }
  std::cout << "  replica:        " << config.replica_path().string() << "\n"
            << "  node id:        " << replica->node_id() << "\n"
            << "  schema version: " << replica->schema_version() << "\n";
  return kNotRunning;
}

int status(const std::string& config_path, bool json) {
  auto config = daemon::load_edge_config(config_path);
  if (!config) {
    std::cerr << "storectl: " << config.error().what() << "\n";
    return 2;
  }
  auto address_text = read_file(config->address_file());
  if (!address_text) return print_offline(*config);
  auto address = parse_address(*address_text);
  if (!address) return print_offline(*config);
  auto response =
      http::request(address->first, address->second, "GET", "/health", {}, std::chrono::seconds(3));
  if (!response) return print_offline(*config);
  if (json) {
    std::cout << response->body << "\n";
    return response->status == 200 ? 0 : 1;
  }
  boost::system::error_code ec;
  auto parsed = boost::json::parse(response->body, ec);
  if (ec || !parsed.is_object()) {
    std::cerr << "storectl: the daemon answered /health with something that is not JSON\n";
    return 1;
  }
  try {
    print_health(parsed.as_object());
  } catch (const std::exception& e) {
    std::cerr << "storectl: unexpected /health answer: " << e.what() << "\n";
    return 1;
  }
  return response->status == 200 ? 0 : 1;
}

// Fills an empty replica with the deterministic demo store. Takes the data-directory lock like the
// daemon does, so it refuses to run beside a running storeedged.
int load_demo_data(const std::string& config_path, std::uint64_t seed, bool if_empty) {
  auto config = daemon::load_edge_config(config_path);
  if (!config) {
    std::cerr << "storectl: " << config.error().what() << "\n";
    return 2;
  }
  std::error_code ec;
  std::filesystem::create_directories(config->data_dir, ec);
  auto lock = DirLock::acquire(config->data_dir);
  if (!lock) {
    std::cerr << "storectl: " << lock.error().what() << "\n";
    return 1;
  }
  SystemClock clock;
  auto replica = store::Replica::open(config->replica_path(), clock);
  if (!replica) {
    std::cerr << "storectl: " << replica.error().what() << "\n";
    return 1;
  }
  store::DemoOptions options;
  options.store_code = config->store_code;
  options.seed = seed;
  options.now_ms = unix_millis(clock.now());
  auto loaded = store::load_demo_data(replica->db(), options);
  if (!loaded) {
    if (if_empty && loaded.error().kind() == Errc::conflict) {
      std::cout << "demo data: the replica already has a catalog; left as it is\n";
      return 0;
    }
    std::cerr << "storectl: loading demo data: " << loaded.error().what() << "\n";
    return 1;
  }
  std::cout << "demo data: loaded store " << options.store_code << " (" << options.products << " products, "
            << options.customers << " customers) into " << config->replica_path().string() << "\n";
  return 0;
}

}  // namespace

int run(int argc, char** argv) {
  CLI::App app{"storectl — inspect and operate the storeedge daemon on this terminal"};
  app.set_version_flag("-V,--version", std::string("storectl ") + kVersion);
  app.require_subcommand(1);
  std::string config_path = "/etc/storeedge/storeedged.toml";
  bool json = false;
  auto* status_cmd =
      app.add_subcommand("status", "show whether storeedged runs, its node, database and config");
  status_cmd->add_option("-c,--config", config_path, "the daemon's configuration file")
      ->capture_default_str();
  status_cmd->add_flag("--json", json, "print the daemon's /health document as JSON");
  auto* demo_cmd = app.add_subcommand("load-demo-data",
                                      "fill an empty replica with the demo store (stop storeedged first)");
  std::uint64_t seed = 1;
  bool if_empty = false;
  demo_cmd->add_option("-c,--config", config_path, "the daemon's configuration file")->capture_default_str();
  demo_cmd->add_option("--seed", seed, "generator seed; the same seed gives the same store")
      ->capture_default_str();
  demo_cmd->add_flag("--if-empty", if_empty,
                     "succeed without changes when the replica already has a catalog");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (status_cmd->parsed()) return status(config_path, json);
  if (demo_cmd->parsed()) return load_demo_data(config_path, seed, if_empty);
  return 2;
}

}  // namespace storeedge::cli
