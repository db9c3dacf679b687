#include "sync/hub/hub_reload.hpp"

#include <boost/json.hpp>

#include "platform/log.hpp"

namespace storeedge::sync::hub {

HubReloader::HubReloader(std::filesystem::path config_path, HubConfig running, http::Server& server)
    : config_path_(std::move(config_path)), running_(std::move(running)), server_(server) {}

void HubReloader::reload() {
  auto next = load_hub_config(config_path_);
  if (!next) {
    last_error_ = next.error().what();
    log::error("config_reload_failed", {{"reason", *last_error_}, {"kept", "previous configuration"}});
    return;
  }
  log::set_level(next->log_level);
  running_.log_level = next->log_level;
  // The listener, the data directory and the keys the routes were built with stay as they are.
  if (next->data_dir != running_.data_dir || next->http_address != running_.http_address ||
      next->http_port != running_.http_port || next->tls() != running_.tls() ||
      next->channel_api_keys != running_.channel_api_keys ||
      next->channel_max_load_bytes != running_.channel_max_load_bytes ||
      next->admin_api_keys != running_.admin_api_keys) {
    log::warn("config_reload_needs_restart",
              {{"keys", "hub.data_dir, http.*, channels.*, admin.*, tls on or off"},
               {"action", "restart storehub to apply"}});
  }
  if (running_.tls() && next->tls()) {
    const http::TlsFiles files{next->tls_cert_file, next->tls_key_file};
    if (auto s = server_.reload_tls(files); !s) {
      last_error_ = s.error().what();
      log::error("tls_reload_failed", {{"reason", *last_error_}, {"kept", "previous certificate"}});
      return;
    }
    running_.tls_cert_file = next->tls_cert_file;
    running_.tls_key_file = next->tls_key_file;
    const auto served = server_.tls_certificate();
    log::info("tls_reloaded", {{"cert_file", running_.tls_cert_file.string()},
                               {"subject", served ? served->subject : ""},
                               {"not_after", served ? served->not_after : ""},
                               {"sha256", served ? served->sha256 : ""}});
  }
  ++reloads_;
  last_error_.reset();
  log::info("config_reloaded", {{"log_level", log::to_string(running_.log_level)}});
}

void HubReloader::add_health(boost::json::object& body) const {
  boost::json::object config{{"file", config_path_.string()}, {"reloads", reloads_}};
  config["last_reload_error"] = last_error_ ? boost::json::value(*last_error_) : nullptr;
  body["config"] = std::move(config);
  if (const auto served = server_.tls_certificate()) {
    body["tls"] = boost::json::object{
        {"subject", served->subject}, {"not_after", served->not_after}, {"sha256", served->sha256}};
  }
}

}  // namespace storeedge::sync::hub
