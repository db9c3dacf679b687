#include "sync/hub/hub_config.hpp"

#include "platform/config.hpp"

namespace storeedge::sync::hub {

Result<HubConfig> load_hub_config(const std::filesystem::path& path) {
  auto file = ConfigFile::load(path);
  if (!file) return fail(file.error());
  HubConfig c;
  auto data_dir = file->string("hub.data_dir", c.data_dir.string());
  if (!data_dir) return fail(data_dir.error());
  if (data_dir->empty()) return fail(Errc::config, file->source() + ": hub.data_dir: must not be empty");
  c.data_dir = std::filesystem::path(*data_dir);
  if (c.data_dir.is_relative()) c.data_dir = std::filesystem::absolute(path).parent_path() / c.data_dir;
  c.data_dir = c.data_dir.lexically_normal();

  auto address = file->string("http.address", c.http_address);
  if (!address) return fail(address.error());
  c.http_address = *address;
  auto port = file->integer("http.port", c.http_port, 0, 65535);
  if (!port) return fail(port.error());
  c.http_port = static_cast<std::uint16_t>(*port);
  auto level = file->choice("log.level", "info", {"debug", "info", "warn", "error"});
  if (!level) return fail(level.error());
  c.log_level = *log::parse_level(*level);
  for (auto [key, out] : {std::pair{"channels.api_keys", &c.channel_api_keys},
                          std::pair{"admin.api_keys", &c.admin_api_keys}}) {
    auto keys = file->strings(key);
    if (!keys) return fail(keys.error());
    for (const auto& k : *keys) {
      if (k.size() < 16) {
        return fail(Errc::config,
                    file->source() + ": " + key + ": every key must have at least 16 characters");
      }
    }
    *out = std::move(*keys);
  }
  auto max_load =
      file->integer("channels.max_load_bytes", static_cast<std::int64_t>(c.channel_max_load_bytes), 1 << 20,
                    std::int64_t{1} << 30);
  if (!max_load) return fail(max_load.error());
  c.channel_max_load_bytes = static_cast<std::size_t>(*max_load);
  if (auto s = file->check_unknown_keys(); !s) return fail(s.error());
  return c;
}

}  // namespace storeedge::sync::hub
