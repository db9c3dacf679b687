#include "sync/hub/hub_config.hpp"

#include "platform/config.hpp"

namespace storeedge::sync::hub {

namespace {

// A path from the file, relative ones resolved against the file's directory.
std::filesystem::path resolve(const std::filesystem::path& config_path, const std::string& value) {
  std::filesystem::path p(value);
  if (p.is_relative()) p = std::filesystem::absolute(config_path).parent_path() / p;
  return p.lexically_normal();
}

}  // namespace

Result<HubConfig> load_hub_config(const std::filesystem::path& path) {
  auto file = ConfigFile::load(path);
  if (!file) return fail(file.error());
  HubConfig c;
  auto data_dir = file->string("hub.data_dir", c.data_dir.string());
  if (!data_dir) return fail(data_dir.error());
  if (data_dir->empty()) return fail(Errc::config, file->source() + ": hub.data_dir: must not be empty");
  c.data_dir = resolve(path, *data_dir);

  auto address = file->string("http.address", c.http_address);
  if (!address) return fail(address.error());
  c.http_address = *address;
  auto port = file->integer("http.port", c.http_port, 0, 65535);
  if (!port) return fail(port.error());
  c.http_port = static_cast<std::uint16_t>(*port);
  auto level = file->choice("log.level", "info", {"debug", "info", "warn", "error"});
  if (!level) return fail(level.error());
  c.log_level = *log::parse_level(*level);
  auto cert = file->string("tls.cert_file", "");
  if (!cert) return fail(cert.error());
  auto key_file = file->string("tls.key_file", "");
  if (!key_file) return fail(key_file.error());
  if (cert->empty() != key_file->empty()) {
    return fail(Errc::config,
                file->source() + ": tls: cert_file and key_file go together (set both or neither)");
  }
  if (!cert->empty()) {
    c.tls_cert_file = resolve(path, *cert);
    c.tls_key_file = resolve(path, *key_file);
  }
  for (auto [list, out] : {std::pair{"channels.api_keys", &c.channel_api_keys},
                           std::pair{"admin.api_keys", &c.admin_api_keys}}) {
    auto keys = file->strings(list);
    if (!keys) return fail(keys.error());
    for (const auto& k : *keys) {
      if (k.size() < 16) {
        return fail(Errc::config,
                    file->source() + ": " + list + ": every key must have at least 16 characters");
      }
    }
    *out = std::move(*keys);
  }
  auto max_load =
      file->integer("channels.max_load_bytes", static_cast<std::int64_t>(c.channel_max_load_bytes), 1 << 20,
                    std::int64_t{1} << 30);
  if (!max_load) return fail(max_load.error());
  c.channel_max_load_bytes = static_cast<std::size_t>(*max_load);
  auto gift_limit = file->integer("gift_cards.default_offline_limit_cents",
                                  c.gift_card_default_offline_limit_cents, 0, std::int64_t{1'000'000'000});
  if (!gift_limit) return fail(gift_limit.error());
  c.gift_card_default_offline_limit_cents = *gift_limit;
  auto digests = file->integer("hub.mutation_digests_per_node", c.mutation_digests_per_node, 1000,
                               std::int64_t{1'000'000'000});
  if (!digests) return fail(digests.error());
  c.mutation_digests_per_node = *digests;
  if (auto s = file->check_unknown_keys(); !s) return fail(s.error());
  return c;
}

}  // namespace storeedge::sync::hub
