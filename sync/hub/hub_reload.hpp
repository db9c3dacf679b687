#pragma once
// storehub's SIGHUP: re-read the configuration file and apply what can change while the hub runs —
// `log.level`, and the TLS certificate and key (`tls.cert_file`, `tls.key_file`), which are read
// again even when their paths did not change, so `init-tls --force` + SIGHUP serves the new
// certificate. New connections get it; open ones finish on the old one. A file that fails
// validation, or a certificate that fails to load, changes nothing: the hub keeps serving with what
// it had, logs the error once and shows it in /health. Changes to other keys are logged as needing a
// restart.
//
// Not thread-safe: reload() and health() run on the io_context thread that drives the server.
#include <boost/json/object.hpp>
#include <filesystem>
#include <optional>
#include <string>

#include "platform/http/server.hpp"
#include "sync/hub/hub_config.hpp"

namespace storeedge::sync::hub {

class HubReloader {
 public:
  HubReloader(std::filesystem::path config_path, HubConfig running, http::Server& server);

  void reload();
  // /health: {"config": {file, reloads, last_reload_error}, "tls": {subject, not_after, sha256}}
  // ("tls" only when serving HTTPS).
  void add_health(boost::json::object& body) const;

 private:
  std::filesystem::path config_path_;
  HubConfig running_;
  http::Server& server_;
  int reloads_ = 0;
  std::optional<std::string> last_error_;
};

}  // namespace storeedge::sync::hub
