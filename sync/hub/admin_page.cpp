#include "sync/hub/admin_page.hpp"

#include <memory>

#include "sync/hub/channels_api.hpp"

namespace storeedge::sync::hub {
namespace {

constexpr std::string_view kStyle =
    "body{font-family:system-ui,sans-serif;margin:1.5rem;color:#111}"
    "table{border-collapse:collapse;margin-bottom:2rem}"
    "th,td{border:1px solid #bbb;padding:.3rem .6rem;text-align:left;vertical-align:top}"
    "th{background:#eee}td.num{text-align:right}.empty{color:#666}";

std::string cell(std::string_view text, bool numeric = false) {
  return std::string(numeric ? "<td class=\"num\">" : "<td>") + html_escape(text) + "</td>";
}

std::string cell(std::int64_t n) {
  return cell(std::to_string(n), true);
}

std::string cell(const std::optional<std::int64_t>& n) {
  return n ? cell(*n) : cell("—");
}

std::string table(std::string_view title, std::initializer_list<std::string_view> headings,
                  const std::vector<std::string>& rows, std::string_view empty) {
  std::string out = "<h2>" + html_escape(title) + " (" + std::to_string(rows.size()) + ")</h2>\n";
  if (rows.empty()) return out + "<p class=\"empty\">" + html_escape(empty) + "</p>\n";
  out += "<table><thead><tr>";
  for (auto h : headings) out += "<th>" + html_escape(h) + "</th>";
  out += "</tr></thead><tbody>\n";
  for (const auto& r : rows) out += "<tr>" + r + "</tr>\n";
  return out + "</tbody></table>\n";
}

}  // namespace

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string render_admin_page(const AdminPageData& data) {
  std::vector<std::string> nodes;
  for (const auto& n : data.nodes) {
    nodes.push_back(cell(n.node_id) + cell(n.store_code.value_or("—")) + cell(n.last_mutation_id) +
                    cell(n.since_last_push_ms) + cell(n.apply_lag_ms) + cell(n.quarantined) +
                    cell(n.rewound_mutation_id ? "rewound: restored from an older backup; needs "
                                                 "re-enrollment/renumbering (mutation " +
                                                     std::to_string(*n.rewound_mutation_id) + ")"
                                               : "ok"));
  }
  std::vector<std::string> quarantine;
  for (const auto& q : data.quarantine) {
    quarantine.push_back(cell(q.node_id) + cell(q.mutation_id) + cell(q.kind) + cell(q.hlc) + cell(q.reason) +
                         cell(q.quarantined_at_ms));
  }
  std::vector<std::string> review;
  for (const auto& o : data.review) {
    review.push_back(cell(o.order_id) + cell(o.channel) + cell(o.fulfilment) + cell(o.store_code) +
                     cell(o.status) + cell(o.review_reason) + cell(o.total_cents));
  }
  std::vector<std::string> cards;
  for (const auto& c : data.gift_cards) {
    cards.push_back(cell(c.card_id) + cell(c.currency) + cell(c.status) + cell(c.balance_cents) +
                    cell(c.review_reason));
  }
  std::vector<std::string> resolved;
  for (const auto& r : data.resolved) {
    resolved.push_back(cell(r.subject == ReviewSubject::order ? "order" : "gift card") + cell(r.id) +
                       cell(r.reason) + cell(r.note) + cell(r.resolved_at_ms));
  }
  std::string page =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>storehub admin</title>"
      "<style>" +
      std::string(kStyle) + "</style></head><body>\n<h1>storehub</h1>\n";
  page += table(
      "Nodes",
      {"node", "store", "last mutation", "since last push (ms)", "apply lag (ms)", "quarantined", "state"},
      nodes, "No node is known yet.");
  page += table("Quarantined mutations", {"node", "mutation", "kind", "HLC", "reason", "quarantined at (ms)"},
                quarantine, "Nothing is quarantined.");
  page += table("Orders for review",
                {"order", "channel", "fulfilment", "store", "status", "reason", "total (cents)"}, review,
                "No order needs review.");
  page += table("Gift cards for review", {"card", "currency", "status", "balance (cents)", "reason"}, cards,
                "No gift card needs review.");
  page += table("Recently resolved reviews", {"subject", "id", "reason", "note", "resolved at (ms)"},
                resolved, "No review has been resolved.");
  return page + "</body></html>\n";
}

std::optional<http::Response> refuse_admin(const http::Request& req, const std::vector<std::string>& keys) {
  if (keys.empty()) {
    return http::error_response(403, "forbidden", "admin view disabled: no admin.api_keys configured");
  }
  if (!channels::authorized(req, keys, true)) {
    auto r = http::error_response(401, "unauthorized", "missing or wrong admin key");
    r.headers["WWW-Authenticate"] = "Basic realm=\"storehub admin\", charset=\"UTF-8\"";
    return r;
  }
  return std::nullopt;
}

void add_admin_page(http::Server& server, HubStorage& storage, std::vector<std::string> api_keys) {
  auto keys = std::make_shared<const std::vector<std::string>>(std::move(api_keys));
  server.route("GET", "/admin", [&storage, keys](const http::Request& req) {
    if (auto refused = refuse_admin(req, *keys)) return *refused;
    AdminPageData data;
    auto nodes = storage.list_nodes();
    if (!nodes) return channels::error_reply(nodes.error());
    data.nodes = std::move(*nodes);
    auto quarantine = storage.list_quarantine();
    if (!quarantine) return channels::error_reply(quarantine.error());
    data.quarantine = std::move(*quarantine);
    auto review = storage.orders_for_review();
    if (!review) return channels::error_reply(review.error());
    data.review = std::move(*review);
    auto cards = storage.gift_cards_for_review();
    if (!cards) return channels::error_reply(cards.error());
    data.gift_cards = std::move(*cards);
    auto resolved = storage.resolved_reviews(20);
    if (!resolved) return channels::error_reply(resolved.error());
    data.resolved = std::move(*resolved);
    return http::Response{200, "text/html; charset=utf-8", render_admin_page(data)};
  });
}

}  // namespace storeedge::sync::hub
