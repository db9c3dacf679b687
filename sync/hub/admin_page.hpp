#pragma once
// GET /admin: the HQ view of the hub as one server-rendered HTML page (no scripts, no external
// assets): nodes with their lag, quarantined mutations and orders flagged for review. Every value
// is HTML-escaped. Protected by `[admin] api_keys` (Bearer, or Basic with the key as password so a
// browser can open it); with no keys configured it answers 403.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "platform/http/server.hpp"
#include "sync/hub/storage.hpp"

namespace storeedge::sync::hub {

struct AdminPageData {
  std::vector<NodeStatus> nodes;
  std::vector<QuarantinedMutation> quarantine;
  std::vector<OrderView> review;
  std::vector<GiftCardView> gift_cards;    // flagged for review
  std::vector<ReviewResolution> resolved;  // the latest, newest first
};

std::string html_escape(std::string_view text);
std::string render_admin_page(const AdminPageData& data);

// Why a request to the admin surface (/admin and the JSON under /admin/v1) is refused, or nothing
// when it carries one of `keys`: 403 when no keys are configured, 401 with a Basic challenge for a
// missing or wrong key.
std::optional<http::Response> refuse_admin(const http::Request& req, const std::vector<std::string>& keys);

// `storage` must outlive the server.
void add_admin_page(http::Server& server, HubStorage& storage, std::vector<std::string> api_keys);

}  // namespace storeedge::sync::hub
