#pragma once
// storeedged's configuration, read from a TOML file. docs/configuration.md lists every key with its
// default; keep the two in step.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>

#include "platform/error.hpp"
#include "platform/log.hpp"

namespace storeedge::daemon {

struct EdgeConfig {
  std::string store_code = "0001";  // node.store_code: 4 digits, the store this terminal belongs to
  std::string device_code = "01";   // node.device_code: 2 digits, unique within the store
  std::filesystem::path data_dir = "/var/lib/storeedge";  // node.data_dir
  std::string http_address = "127.0.0.1";                 // http.address: loopback only
  std::uint16_t http_port = 8470;                         // http.port: 0 = ephemeral
  std::size_t http_max_body_bytes = 1 << 20;              // http.max_body_bytes
  log::Level log_level = log::Level::info;                // log.level
  std::chrono::milliseconds busy_timeout{5000};           // database.busy_timeout_ms
  std::string channel = "pos";                            // checkout.channel: pos | kiosk
  std::string issuer_tax_id = "B12345674";                // checkout.issuer_tax_id: the store's NIF
  std::string hub_url;                                    // sync.hub_url: empty = no sync
  std::filesystem::path hub_ca_file;                      // sync.ca_file
  std::string enrollment_token;                           // sync.enrollment_token
  std::chrono::milliseconds sync_interval{2000};          // sync.interval_ms
  std::size_t push_batch = 1000;                          // sync.push_batch: outbox rows per push
  std::chrono::milliseconds sync_request_timeout{20000};  // sync.request_timeout_ms
  std::chrono::milliseconds sync_backoff_cap{60000};      // sync.backoff_max_ms

  std::filesystem::path replica_path() const { return data_dir / "replica.db"; }
  std::filesystem::path address_file() const { return data_dir / "storeedged.addr"; }
};

// Reads and validates the file; relative paths (data_dir, ca_file) are resolved against the file's directory.
[[nodiscard]] Result<EdgeConfig> load_edge_config(const std::filesystem::path& path);

}  // namespace storeedge::daemon
