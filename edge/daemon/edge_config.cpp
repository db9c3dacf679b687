#include "edge/daemon/edge_config.hpp"

#include <algorithm>
#include <cctype>

#include "edge/domain/fiscal/spanish_tax_id.hpp"
#include "platform/config.hpp"

namespace storeedge::daemon {
namespace {

bool all_digits(const std::string& s, std::size_t n) {
  return s.size() == n && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

bool is_loopback(const std::string& address) {
  return address == "::1" || address == "localhost" || address.rfind("127.", 0) == 0;
}

}  // namespace

Result<EdgeConfig> load_edge_config(const std::filesystem::path& path) {
  auto file = ConfigFile::load(path);
  if (!file) return fail(file.error());
  EdgeConfig c;
  const auto key_error = [&](std::string_view key, const std::string& reason) {
    return fail(Errc::config, file->source() + ": " + std::string(key) + ": " + reason);
  };

  auto store = file->string("node.store_code", c.store_code);
  if (!store) return fail(store.error());
  if (!all_digits(*store, 4)) return key_error("node.store_code", "must be 4 digits, got \"" + *store + "\"");
  c.store_code = *store;

  auto device = file->string("node.device_code", c.device_code);
  if (!device) return fail(device.error());
  if (!all_digits(*device, 2))
    return key_error("node.device_code", "must be 2 digits, got \"" + *device + "\"");
  c.device_code = *device;

  auto data_dir = file->string("node.data_dir", c.data_dir.string());
  if (!data_dir) return fail(data_dir.error());
  if (data_dir->empty()) return key_error("node.data_dir", "must not be empty");
  c.data_dir = std::filesystem::path(*data_dir);
  if (c.data_dir.is_relative()) c.data_dir = std::filesystem::absolute(path).parent_path() / c.data_dir;
  c.data_dir = c.data_dir.lexically_normal();

  auto address = file->string("http.address", c.http_address);
  if (!address) return fail(address.error());
  if (!is_loopback(*address)) {
    return key_error("http.address", "must be a loopback address (127.0.0.1 or ::1), got \"" + *address +
                                         "\": the local API is for this terminal only");
  }
  c.http_address = *address == "localhost" ? "127.0.0.1" : *address;

  auto port = file->integer("http.port", c.http_port, 0, 65535);
  if (!port) return fail(port.error());
  c.http_port = static_cast<std::uint16_t>(*port);

  auto body =
      file->integer("http.max_body_bytes", static_cast<std::int64_t>(c.http_max_body_bytes), 1024, 64 << 20);
  if (!body) return fail(body.error());
  c.http_max_body_bytes = static_cast<std::size_t>(*body);

  auto level = file->choice("log.level", "info", {"debug", "info", "warn", "error"});
  if (!level) return fail(level.error());
  c.log_level = *log::parse_level(*level);

  auto busy = file->integer("database.busy_timeout_ms", c.busy_timeout.count(), 0, 60'000);
  if (!busy) return fail(busy.error());
  c.busy_timeout = std::chrono::milliseconds(*busy);

  auto channel = file->choice("checkout.channel", c.channel, {"pos", "kiosk"});
  if (!channel) return fail(channel.error());
  c.channel = *channel;
  auto issuer = file->string("checkout.issuer_tax_id", c.issuer_tax_id);
  if (!issuer) return fail(issuer.error());
  if (auto id = domain::fiscal::parse_spanish_tax_id(*issuer); !id) {
    return key_error("checkout.issuer_tax_id", id.error().message());
  }
  c.issuer_tax_id = *issuer;

  auto hub = file->string("sync.hub_url", "");
  if (!hub) return fail(hub.error());
  if (!hub->empty() && hub->rfind("http://", 0) != 0 && hub->rfind("https://", 0) != 0) {
    return key_error("sync.hub_url",
                     "must start with https:// (or http:// on a test bench), got \"" + *hub + "\"");
  }
  c.hub_url = *hub;
  auto ca = file->string("sync.ca_file", "");
  if (!ca) return fail(ca.error());
  c.hub_ca_file = *ca;
  if (!c.hub_ca_file.empty() && c.hub_ca_file.is_relative()) {
    c.hub_ca_file = (std::filesystem::absolute(path).parent_path() / c.hub_ca_file).lexically_normal();
  }
  auto token = file->string("sync.enrollment_token", "");
  if (!token) return fail(token.error());
  c.enrollment_token = *token;
  auto interval = file->integer("sync.interval_ms", c.sync_interval.count(), 100, 600'000);
  if (!interval) return fail(interval.error());
  c.sync_interval = std::chrono::milliseconds(*interval);
  auto batch = file->integer("sync.push_batch", static_cast<std::int64_t>(c.push_batch), 1, 10'000);
  if (!batch) return fail(batch.error());
  c.push_batch = static_cast<std::size_t>(*batch);
  auto timeout = file->integer("sync.request_timeout_ms", c.sync_request_timeout.count(), 100, 600'000);
  if (!timeout) return fail(timeout.error());
  c.sync_request_timeout = std::chrono::milliseconds(*timeout);
  auto backoff = file->integer("sync.backoff_max_ms", c.sync_backoff_cap.count(), 100, 3'600'000);
  if (!backoff) return fail(backoff.error());
  c.sync_backoff_cap = std::chrono::milliseconds(*backoff);

  if (auto s = file->check_unknown_keys(); !s) return fail(s.error());
  return c;
}

}  // namespace storeedge::daemon
