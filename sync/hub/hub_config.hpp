#pragma once
// storehub's configuration (TOML); every key is documented in docs/configuration.md.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "platform/error.hpp"
#include "platform/log.hpp"

namespace storeedge::sync::hub {

struct HubConfig {
  std::filesystem::path data_dir = "/var/lib/storehub";  // hub.data_dir
  std::string http_address = "127.0.0.1";                // http.address
  std::uint16_t http_port = 8460;                        // http.port: 0 = ephemeral
  log::Level log_level = log::Level::info;               // log.level
  // tls.cert_file, tls.key_file (PEM, absolute after loading): both set, the hub serves HTTPS only;
  // both empty, plain HTTP (a test bench).
  std::filesystem::path tls_cert_file;
  std::filesystem::path tls_key_file;

  bool tls() const { return !tls_cert_file.empty(); }
  // channels.api_keys: bearer keys of the channel API (/channels/v1); empty: the API is disabled.
  std::vector<std::string> channel_api_keys{};
  // channels.max_load_bytes: body limit of the ERP bulk loads (catalog, prices, promotions, stock).
  std::size_t channel_max_load_bytes = 64u << 20;
  // gift_cards.default_offline_limit_cents: the offline limit every store gets for a newly issued
  // card unless an allowance (POST /channels/v1/gift_cards/allowances) says otherwise.
  std::int64_t gift_card_default_offline_limit_cents = 5000;
  std::int64_t mutation_digests_per_node = 1'000'000;  // hub.mutation_digests_per_node
  // admin.api_keys: keys for the HTML admin view (/admin); empty: the view is disabled.
  std::vector<std::string> admin_api_keys{};

  std::filesystem::path database_path() const { return data_dir / "hub.db"; }
  std::filesystem::path address_file() const { return data_dir / "storehub.addr"; }
  std::filesystem::path tls_dir() const { return data_dir / "tls"; }  // where init-tls writes
};

[[nodiscard]] Result<HubConfig> load_hub_config(const std::filesystem::path& path);

}  // namespace storeedge::sync::hub
