#include "sync/hub/hub.hpp"

#include <CLI/CLI.hpp>
#include <any>
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <iostream>

#include "platform/clock.hpp"
#include "platform/dir_lock.hpp"
#include "platform/http/server.hpp"
#include "platform/log.hpp"
#include "platform/service.hpp"
#include "storeedge/version.hpp"
#include "sync/hub/admin_page.hpp"
#include "sync/hub/backup_cmd.hpp"
#include "sync/hub/channels_api.hpp"
#include "sync/hub/hub_config.hpp"
#include "sync/hub/hub_reload.hpp"
#include "sync/hub/node_registry.hpp"
#include "sync/hub/sqlite/sqlite_storage.hpp"
#include "sync/hub/sync_service.hpp"
#include "sync/hub/tls_setup.hpp"
#include "sync/proto/content_coding.hpp"

namespace storeedge::sync::hub {
namespace {

int start_failed(const Error& e) {
  log::error("storehub_start_failed", {{"reason", e.what()}});
  return 1;
}

// A /sync/v1 request body decoded from its Content-Encoding (gzip or zstd, bounded); nullopt when it
// has none. Worked out by the route's preparer on the io thread, while the handler thread applies the
// push before it (http::Server::prepare), or by the handler when nothing was prepared.
using SyncBody = Result<std::optional<std::string>>;

SyncBody decode_sync_body(const http::Request& req) {
  auto enc = req.headers.find("content-encoding");
  if (enc == req.headers.end()) return std::optional<std::string>{};
  auto decoded = proto::decode_body(enc->second, req.body);
  if (!decoded) return fail(decoded.error());
  return std::optional<std::string>(std::move(*decoded));
}

// The HTTP framing of /sync/v1: request bodies as decode_sync_body() reads them, replies are protobuf
// and say which request codings this hub reads (sync/proto/content_coding.hpp).
http::Response sync_reply(SyncService& sync, const http::Request& req) {
  SyncBody decoded_here;
  const auto* prepared = std::any_cast<SyncBody>(&req.prepared);
  if (prepared == nullptr) decoded_here = decode_sync_body(req);
  const SyncBody& decoded = prepared != nullptr ? *prepared : decoded_here;
  if (!decoded) {
    const bool unsupported = decoded.error().kind() == Errc::unsupported;
    auto refusal = http::error_response(unsupported ? 415 : 400,
                                        unsupported ? "unsupported_encoding" : "invalid_request",
                                        decoded.error().what());
    refusal.headers.emplace("Accept-Encoding", proto::kHubAcceptEncoding);
    return refusal;
  }
  const std::string_view body = *decoded ? std::string_view(**decoded) : std::string_view(req.body);
  auto reply = sync.handle(req.path, req.headers, req.body, body);
  http::Response response{reply.status, "application/x-protobuf", std::move(reply.body)};
  response.headers.emplace("Accept-Encoding", proto::kHubAcceptEncoding);
  return response;
}

// Nodes with their lag and quarantined mutations, for the admin view and technicians.
// Gift cards flagged for review (a till's offline redeem took one below zero or hit a blocked card).
http::Response admin_gift_cards(HubStorage& storage) {
  auto cards = storage.gift_cards_for_review();
  if (!cards) return http::error_response(500, "internal", cards.error().what());
  boost::json::array list;
  for (const auto& c : *cards) {
    list.push_back(boost::json::object{{"card_id", c.card_id},
                                       {"currency", c.currency},
                                       {"status", c.status},
                                       {"balance_cents", c.balance_cents},
                                       {"review_reason", c.review_reason}});
  }
  return http::Response{200, "application/json",
                        boost::json::serialize(boost::json::object{{"gift_cards_for_review", list}})};
}

http::Response admin_nodes(HubStorage& storage) {
  auto nodes = storage.list_nodes();
  auto quarantine = storage.list_quarantine();
  if (!nodes || !quarantine) {
    return http::error_response(500, "internal", (!nodes ? nodes.error() : quarantine.error()).what());
  }
  boost::json::array n;
  for (const auto& node : *nodes) {
    boost::json::object o{{"node_id", node.node_id},
                          {"last_mutation_id", node.last_mutation_id},
                          {"quarantined", node.quarantined}};
    o["store_code"] = node.store_code ? boost::json::value(*node.store_code) : nullptr;
    o["last_push_at_ms"] = node.last_push_at_ms ? boost::json::value(*node.last_push_at_ms) : nullptr;
    o["apply_lag_ms"] = node.apply_lag_ms ? boost::json::value(*node.apply_lag_ms) : nullptr;
    if (node.rewound_mutation_id) {
      o["rewound"] = boost::json::object{
          {"mutation_id", *node.rewound_mutation_id},
          {"at_ms", node.rewound_at_ms.value_or(0)},
          {"message", "rewound: restored from an older backup; needs re-enrollment/renumbering"}};
    } else {
      o["rewound"] = nullptr;
    }
    n.push_back(std::move(o));
  }
  boost::json::array q;
  for (const auto& m : *quarantine) {
    q.push_back(boost::json::object{{"node_id", m.node_id},
                                    {"mutation_id", m.mutation_id},
                                    {"kind", m.kind},
                                    {"reason", m.reason},
                                    {"quarantined_at_ms", m.quarantined_at_ms}});
  }
  return http::Response{200, "application/json",
                        boost::json::serialize(boost::json::object{{"nodes", n}, {"quarantine", q}})};
}

// `storehub issue-token`: registers the store (its region decides which customers it receives) and
// prints a one-time enrollment token for one of its devices.
int issue_token(const HubConfig& config, const std::string& store_code, const std::string& region) {
  SystemClock clock;
  std::error_code ec;
  std::filesystem::create_directories(config.data_dir, ec);
  auto storage = SqliteStorage::open(config.database_path(), clock);
  if (!storage) return start_failed(storage.error());
  if (auto s = (*storage)->upsert_store({store_code, region, CustomerScope::region}); !s) {
    std::cerr << "storehub: " << s.error().what() << "\n";
    return 1;
  }
  auto registry = NodeRegistry::open(config.data_dir / "nodes.db", clock);
  if (!registry) return start_failed(registry.error());
  auto token = registry->issue_token(store_code);
  if (!token) {
    std::cerr << "storehub: " << token.error().what() << "\n";
    return 1;
  }
  std::cout << *token << "\n";
  return 0;
}

// `storehub init-tls`: the hub's private CA and server certificate in DATA_DIR/tls (tls_setup.hpp).
int init_tls_command(const HubConfig& config, TlsSetupOptions options) {
  SystemClock clock;
  options.dir = config.tls_dir();
  auto made = init_tls(options, clock);
  if (!made) {
    std::cerr << "storehub: init-tls: " << made.error().what() << "\n";
    const Errc kind = made.error().kind();
    return kind == Errc::invalid_argument || kind == Errc::already_exists ? 2 : 1;
  }
  const std::string port = config.http_port == 0 ? "PORT" : std::to_string(config.http_port);
  const std::string& host = options.hosts.front();
  const bool ipv6 = host.find(':') != std::string::npos;
  std::cout << describe_tls_setup(*made, "https://" + (ipv6 ? "[" + host + "]" : host) + ":" + port);
  return 0;
}

// `storehub backup --to FILE` / `storehub restore --from FILE` (backup_cmd.hpp); one of the two is set.
int backup_or_restore(const HubConfig& config, const std::string& to, const std::string& from) {
  if (!to.empty()) {
    if (auto s = backup_hub(config, to); !s) {
      std::cerr << "storehub: backup failed: " << s.error().what() << "\n";
      return 1;
    }
    std::cout << "backed up " << config.database_path().string() << " to " << to << "\n";
    return 0;
  }
  SystemClock clock;
  auto epoch = restore_hub(config, from, clock);
  if (!epoch) {
    std::cerr << "storehub: restore failed: " << epoch.error().what() << "\n";
    return 1;
  }
  log::info("storehub_restored", {{"from", from}, {"epoch", *epoch}});
  std::cout << "restored " << from << " as " << config.database_path().string() << " with new epoch "
            << *epoch << "\n";
  return 0;
}

int serve(const std::filesystem::path& config_path, const HubConfig& config) {
  // Before the storage: its group-commit thread posts the last held replies here when it closes.
  boost::asio::io_context io;
  SystemClock clock;
  std::error_code ec;
  std::filesystem::create_directories(config.data_dir, ec);
  if (ec) return start_failed(errno_error("creating data directory " + config.data_dir.string(), ec.value()));
  auto lock = DirLock::acquire(config.data_dir);
  if (!lock) return start_failed(lock.error());
  sqlite::OpenOptions db_options;
  db_options.group_commit = true;
  auto storage = SqliteStorage::open(config.database_path(), clock, db_options);
  if (!storage)
    return start_failed(storage.error().with_context("opening " + config.database_path().string()));
  (*storage)->keep_digests_per_node(config.mutation_digests_per_node);
  const std::string epoch = (*storage)->epoch();
  auto registry = NodeRegistry::open(config.data_dir / "nodes.db", clock);
  if (!registry) return start_failed(registry.error());
  SyncService sync(**storage, *registry, clock);

  http::ServerOptions options;
  options.address = config.http_address;
  options.port = config.http_port;
  options.server_name = std::string("storehub/") + kVersion;
  if (config.tls()) options.tls = http::TlsFiles{config.tls_cert_file, config.tls_key_file};
  // Requests are read, decrypted and decompressed on the io thread while the handler thread applies
  // the push before them (two pushes in flight from one edge, or many edges): the database work is
  // the hub's critical path, and it no longer waits for the next body to arrive and be decoded.
  options.handler_thread = true;
  const std::string scheme = config.tls() ? "https" : "http";
  http::Server server(io, options);
  // Group commit: a reply leaves only once what it reports (a push applied, an order placed, a
  // status read) is on disk; the request thread meanwhile serves other requests, and every commit
  // made before one fdatasync of the WAL shares it (docs/architecture.md).
  server.set_reply_gate(
      [&storage](std::function<void(bool)> release) { (*storage)->when_durable(std::move(release)); });
  HubReloader reloader(config_path, config, server);
  const auto started = clock.steady_now();
  // On the io thread: it reads the reloader and the served certificate, which a reload (SIGHUP, on
  // the io thread) changes.
  server.route_on_io_thread("GET", "/health", [&](const http::Request&) {
    boost::json::object body{
        {"status", "ok"}, {"program", "storehub"}, {"version", kVersion}, {"epoch", epoch}};
    body["scheme"] = scheme;
    body["uptime_seconds"] =
        std::chrono::duration_cast<std::chrono::seconds>(clock.steady_now() - started).count();
    reloader.add_health(body);
    return http::Response{200, "application/json", boost::json::serialize(body)};
  });
  for (const char* path : {"/sync/v1/enroll", "/sync/v1/push", "/sync/v1/pull"}) {
    server.route("POST", path, [&sync](const http::Request& req) { return sync_reply(sync, req); });
    server.prepare("POST", path, [](http::Request& req) { req.prepared = decode_sync_body(req); });
  }
  // The admin JSON shows node ids and gift card balances: the admin keys guard it as they guard /admin.
  const auto admin_keys = std::make_shared<const std::vector<std::string>>(config.admin_api_keys);
  server.route("GET", "/admin/v1/nodes", [&storage, admin_keys](const http::Request& req) {
    if (auto refused = refuse_admin(req, *admin_keys)) return *refused;
    return admin_nodes(**storage);
  });
  server.route("GET", "/admin/v1/gift_cards", [&storage, admin_keys](const http::Request& req) {
    if (auto refused = refuse_admin(req, *admin_keys)) return *refused;
    return admin_gift_cards(**storage);
  });
  add_channel_routes(server, **storage,
                     {.api_keys = config.channel_api_keys,
                      .max_load_bytes = config.channel_max_load_bytes,
                      .gift_card_default_offline_limit_cents = config.gift_card_default_offline_limit_cents});
  add_admin_page(server, **storage, config.admin_api_keys);
  auto port = server.start();
  if (!port) return start_failed(port.error());
  const std::string address = config.http_address + ":" + std::to_string(*port);
  ServiceLoop loop(
      io, {.on_reload = [&reloader] { reloader.reload(); }, .on_stop = [&server] { server.stop(); }});
  log::info("storehub_started",
            {{"version", kVersion}, {"epoch", epoch}, {"listen", scheme + "://" + address}});
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
  std::string store_code;
  std::string region = "default";
  auto* token_cmd =
      app.add_subcommand("issue-token", "print a one-time enrollment token for a device of a store");
  token_cmd->add_option("--store", store_code, "the store code, 4 digits")->required();
  token_cmd->add_option("--region", region, "the store's region (which customers it receives)")
      ->capture_default_str();
  TlsSetupOptions tls_options;
  auto* tls_cmd = app.add_subcommand(
      "init-tls",
      "create a private CA and the hub's server certificate in DATA_DIR/tls (docs/operations.md)");
  tls_cmd
      ->add_option("--host", tls_options.hosts,
                   "IP address or DNS name edges use to reach the hub; repeatable")
      ->required();
  tls_cmd->add_flag("--force", tls_options.force,
                    "replace an existing server certificate and key (keeps the CA)");
  tls_cmd->add_flag("--new-ca", tls_options.new_ca,
                    "with --force: also replace the CA (every edge needs the new one)");
  std::string backup_to;
  auto* backup_cmd = app.add_subcommand("backup", "copy the hub database while the hub runs (online backup)");
  backup_cmd->add_option("--to", backup_to, "the backup file to write; must not exist")->required();
  std::string restore_from;
  auto* restore_cmd = app.add_subcommand(
      "restore", "replace the hub database with a backup (hub stopped); mints a new epoch");
  restore_cmd->add_option("--from", restore_from, "a file written by `storehub backup`")->required();
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
  if (token_cmd->parsed()) return issue_token(*config, store_code, region);
  if (tls_cmd->parsed()) return init_tls_command(*config, tls_options);
  if (backup_cmd->parsed() || restore_cmd->parsed())
    return backup_or_restore(*config, backup_to, restore_from);
  return serve(config_path, *config);
}

}  // namespace storeedge::sync::hub
