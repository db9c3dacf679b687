#include "sync/hub/channels_api.hpp"

#include <openssl/evp.h>

#include <boost/json.hpp>
#include <boost/url/parse.hpp>

#include "platform/log.hpp"
#include "platform/sha256.hpp"
#include "sync/hub/channel_csv.hpp"
#include "sync/hub/channel_requests.hpp"

namespace storeedge::sync::hub {
namespace json = boost::json;

namespace channels {
namespace {

// Compares digests so that the time taken says nothing about how much of a key matched, nor its length.
bool same_secret(std::string_view given, std::string_view key) {
  const std::string a = sha256_hex(given);
  const std::string b = sha256_hex(key);
  if (a.size() != b.size() || a.empty()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

std::optional<std::string> basic_password(std::string_view encoded) {
  if (encoded.empty() || encoded.size() % 4 != 0 || encoded.size() > 4096) return std::nullopt;
  std::string out(encoded.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(encoded.data()),
                                static_cast<int>(encoded.size()));
  if (n < 0) return std::nullopt;
  // EVP_DecodeBlock counts the padding as zero bytes.
  std::size_t len = static_cast<std::size_t>(n);
  for (std::size_t i = encoded.size(); i > 0 && encoded[i - 1] == '=' && len > 0; --i) --len;
  out.resize(len);
  const auto colon = out.find(':');
  if (colon == std::string::npos) return std::nullopt;
  return out.substr(colon + 1);
}

}  // namespace

bool authorized(const http::Request& req, const std::vector<std::string>& keys, bool allow_basic) {
  auto h = req.headers.find("authorization");
  if (h == req.headers.end()) return false;
  std::string_view value = h->second;
  std::optional<std::string> given;
  if (value.starts_with("Bearer ")) {
    given = std::string(value.substr(7));
  } else if (allow_basic && value.starts_with("Basic ")) {
    given = basic_password(value.substr(6));
  }
  if (!given || given->empty()) return false;
  bool match = false;
  for (const auto& key : keys) match = same_secret(*given, key) || match;  // no early exit
  return match;
}

std::optional<std::string> query_param(std::string_view target, std::string_view name) {
  auto url = boost::urls::parse_origin_form(target);
  if (!url) return std::nullopt;
  for (const auto& p : url->params()) {
    if (p.key == name) return std::string(p.value);
  }
  return std::nullopt;
}

int http_status(Errc kind) {
  switch (kind) {
    case Errc::invalid_argument: return 400;
    case Errc::not_found: return 404;
    case Errc::already_exists:
    case Errc::conflict: return 409;
    default: return 500;
  }
}

http::Response error_reply(const Error& e) {
  static constexpr std::string_view kCodes[] = {"invalid_request", "not_found", "already_exists", "conflict"};
  const int status = http_status(e.kind());
  std::string_view code = "internal";
  if (status == 400) code = kCodes[0];
  if (status == 404) code = kCodes[1];
  if (status == 409) code = e.kind() == Errc::already_exists ? kCodes[2] : kCodes[3];
  if (status == 500) log::error("channel_request_failed", {{"reason", e.what()}});
  return http::error_response(status, code, status == 500 ? "internal error; see the hub's log" : e.what());
}

}  // namespace channels

namespace {

using channels::error_reply;

http::Response json_reply(int status, const json::value& body) {
  return http::Response{status, "application/json", json::serialize(body)};
}

// A required query parameter, or the 400 that names it.
std::optional<http::Response> need_param(const http::Request& req, std::string_view name, std::string& out) {
  auto v = channels::query_param(req.target, name);
  if (!v || v->empty()) {
    return http::error_response(400, "invalid_request",
                                "query parameter '" + std::string(name) + "' is missing");
  }
  out = std::move(*v);
  return std::nullopt;
}

bool is_csv(const http::Request& req) {
  auto h = req.headers.find("content-type");
  if (h == req.headers.end()) return false;
  std::string type = h->second.substr(0, h->second.find(';'));
  while (!type.empty() && type.back() == ' ') type.pop_back();
  for (auto& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return type == "text/csv";
}

// One ERP load: the body is parsed as JSON or CSV into `Items`, then written in one transaction.
template <typename Items>
http::Response load(const http::Request& req, Result<Items> (*from_json)(std::string_view),
                    Result<Items> (*from_csv)(std::string_view),
                    const std::function<Result<std::int64_t>(const Items&)>& write) {
  auto items = is_csv(req) ? from_csv(req.body) : from_json(req.body);
  if (!items) return error_reply(items.error());
  auto written = write(*items);
  if (!written) return error_reply(written.error());
  return json_reply(200, json::object{{"written", *written}});
}

http::Response place_order(HubStorage& storage, const http::Request& req) {
  auto order = channels::parse_order(req.body);
  if (!order) return error_reply(order.error());
  // A repeated placement (same id and content) is acknowledged with 200 instead of 201.
  bool existed = false;
  if (!order->order_id.empty()) existed = storage.order_status(order->order_id).has_value();
  auto placed = storage.place_online_order(*order);
  if (!placed) return error_reply(placed.error());
  return json_reply(existed ? 200 : 201, channels::order_json(*placed));
}

http::Response customer_view(HubStorage& storage, const std::string& id, std::size_t max_orders) {
  auto profile = storage.find_customer(id);
  if (!profile) return error_reply(profile.error());
  if (!*profile) return http::error_response(404, "not_found", "no customer " + id);
  auto balance = storage.loyalty_balance(id);
  if (!balance) return error_reply(balance.error());
  auto orders = storage.customer_orders(id, max_orders);
  if (!orders) return error_reply(orders.error());
  json::object body = channels::profile_json(**profile);
  body["loyalty_balance"] = *balance;
  json::array list;
  for (const auto& o : *orders) list.push_back(channels::order_json(o));
  body["orders"] = std::move(list);
  return json_reply(200, body);
}

http::Response gift_card_view(HubStorage& storage, const std::string& id, int status = 200) {
  auto card = storage.find_gift_card(id);
  if (!card) return error_reply(card.error());
  if (!*card) return http::error_response(404, "not_found", "no gift card " + id);
  return json_reply(status, channels::gift_card_json(**card));
}

// Gift cards: issue (201 new, 200 the same again), load (idempotent by entry id), status, allowances.
void add_gift_card_routes(
    const std::function<void(std::string, std::string, std::function<http::Response(const http::Request&)>)>&
        route,
    HubStorage* st, std::int64_t default_limit) {
  route("POST", "/channels/v1/gift_cards", [st, default_limit](const http::Request& req) {
    auto issue = channels::parse_gift_card_issue(req.body);
    if (!issue) return error_reply(issue.error());
    issue->default_offline_limit_cents = default_limit;
    auto added = st->issue_gift_card(*issue);
    if (!added) return error_reply(added.error());
    return gift_card_view(*st, issue->card_id, *added ? 201 : 200);
  });
  route("GET", "/channels/v1/gift_cards", [st](const http::Request& req) {
    std::string id;
    if (auto bad = need_param(req, "id", id)) return *bad;
    return gift_card_view(*st, id);
  });
  route("POST", "/channels/v1/gift_cards/load", [st](const http::Request& req) {
    auto entry = channels::parse_gift_card_load(req.body);
    if (!entry) return error_reply(entry.error());
    auto added = st->add_gift_card_entry(*entry);
    if (!added) return error_reply(added.error());
    auto card = st->find_gift_card(entry->card_id);
    if (!card || !*card)
      return error_reply(card ? Error(Errc::internal, "gift card vanished") : card.error());
    return json_reply(*added ? 201 : 200, json::object{{"entry_id", entry->entry_id},
                                                       {"card_id", entry->card_id},
                                                       {"new", *added},
                                                       {"balance_cents", (*card)->balance_cents}});
  });
  route("POST", "/channels/v1/gift_cards/status", [st](const http::Request& req) {
    auto change = channels::parse_gift_card_status(req.body);
    if (!change) return error_reply(change.error());
    if (auto s = st->set_gift_card_status(change->card_id, change->status); !s) return error_reply(s.error());
    return gift_card_view(*st, change->card_id);
  });
  route("POST", "/channels/v1/gift_cards/allowances", [st](const http::Request& req) {
    auto allowance = channels::parse_gift_card_allowance(req.body);
    if (!allowance) return error_reply(allowance.error());
    if (auto s = st->set_gift_card_allowance(*allowance); !s) return error_reply(s.error());
    return json_reply(200, json::object{{"store_code", allowance->store_code},
                                        {"card_id", allowance->card_id},
                                        {"limit_cents", allowance->limit_cents}});
  });
}

}  // namespace

void add_channel_routes(http::Server& server, HubStorage& storage, ChannelOptions options) {
  auto opts = std::make_shared<const ChannelOptions>(std::move(options));
  // Every route checks the key before it parses the body.
  auto route = [&server, opts](std::string method, std::string path,
                               std::function<http::Response(const http::Request&)> h,
                               std::size_t max_body = 0) {
    server.route(
        std::move(method), std::move(path),
        [opts, h = std::move(h)](const http::Request& req) {
          if (opts->api_keys.empty()) {
            return http::error_response(403, "forbidden",
                                        "channel API disabled: no channels.api_keys configured");
          }
          if (!channels::authorized(req, opts->api_keys)) {
            return http::error_response(401, "unauthorized",
                                        "missing or wrong channel API key (Authorization: Bearer <key>)");
          }
          return h(req);
        },
        max_body);
  };
  HubStorage* st = &storage;

  route("POST", "/channels/v1/orders", [st](const http::Request& req) { return place_order(*st, req); });
  route("GET", "/channels/v1/orders", [st](const http::Request& req) {
    std::string id;
    if (auto bad = need_param(req, "id", id)) return *bad;
    auto order = st->order_status(id);
    if (!order) return error_reply(order.error());
    return json_reply(200, channels::order_json(*order));
  });
  route("POST", "/channels/v1/orders/status", [st](const http::Request& req) {
    auto change = channels::parse_status(req.body);
    if (!change) return error_reply(change.error());
    auto order = st->set_online_order_status(change->order_id, change->status);
    if (!order) return error_reply(order.error());
    return json_reply(200, channels::order_json(*order));
  });

  route("POST", "/channels/v1/customers", [st](const http::Request& req) {
    auto update = channels::parse_customer(req.body);
    if (!update) return error_reply(update.error());
    auto profile = st->upsert_customer(*update);
    if (!profile) return error_reply(profile.error());
    return json_reply(200, channels::profile_json(*profile));
  });
  route("GET", "/channels/v1/customers", [st, opts](const http::Request& req) {
    std::string id;
    if (auto bad = need_param(req, "id", id)) return *bad;
    return customer_view(*st, id, opts->max_customer_orders);
  });

  route(
      "POST", "/channels/v1/catalog",
      [st](const http::Request& req) {
        return load<CatalogLoad>(req, channels::parse_catalog_json, channels::parse_catalog_csv,
                                 [st](const CatalogLoad& l) { return st->load_catalog(l); });
      },
      opts->max_load_bytes);
  route(
      "POST", "/channels/v1/prices",
      [st](const http::Request& req) {
        return load<std::vector<Price>>(req, channels::parse_prices_json, channels::parse_prices_csv,
                                        [st](const std::vector<Price>& l) { return st->load_prices(l); });
      },
      opts->max_load_bytes);
  route(
      "POST", "/channels/v1/promotions",
      [st](const http::Request& req) {
        return load<std::vector<Promotion>>(
            req, channels::parse_promotions_json, channels::parse_promotions_csv,
            [st](const std::vector<Promotion>& l) { return st->load_promotions(l); });
      },
      opts->max_load_bytes);
  route(
      "POST", "/channels/v1/stock",
      [st](const http::Request& req) {
        return load<std::vector<StockLevel>>(
            req, channels::parse_stock_json, channels::parse_stock_csv,
            [st](const std::vector<StockLevel>& l) { return st->set_stock_levels(l); });
      },
      opts->max_load_bytes);
  route("GET", "/channels/v1/stock", [st](const http::Request& req) {
    std::string store;
    std::string sku;
    if (auto bad = need_param(req, "store", store)) return *bad;
    if (auto bad = need_param(req, "sku", sku)) return *bad;
    auto level = st->stock_level(store, sku);
    if (!level) return error_reply(level.error());
    return json_reply(200, json::object{{"store_code", store}, {"sku", sku}, {"level", *level}});
  });

  route("POST", "/channels/v1/loyalty/entries", [st](const http::Request& req) {
    auto entry = channels::parse_loyalty_entry(req.body);
    if (!entry) return error_reply(entry.error());
    auto added = st->add_loyalty_entry(*entry);
    if (!added) return error_reply(added.error());
    auto balance = st->loyalty_balance(entry->customer_id);
    if (!balance) return error_reply(balance.error());
    return json_reply(*added ? 201 : 200, json::object{{"entry_id", entry->entry_id},
                                                       {"customer_id", entry->customer_id},
                                                       {"new", *added},
                                                       {"balance", *balance}});
  });
  route("GET", "/channels/v1/loyalty/balance", [st](const http::Request& req) {
    std::string id;
    if (auto bad = need_param(req, "customer", id)) return *bad;
    auto balance = st->loyalty_balance(id);
    if (!balance) return error_reply(balance.error());
    return json_reply(200, json::object{{"customer_id", id}, {"balance", *balance}});
  });
  add_gift_card_routes(
      [&route](std::string method, std::string path, std::function<http::Response(const http::Request&)> h) {
        route(std::move(method), std::move(path), std::move(h));
      },
      st, opts->gift_card_default_offline_limit_cents);
  // HQ settles what the hub flagged for review (docs/channels.md, "Reviews").
  route("POST", "/channels/v1/reviews/resolve", [st](const http::Request& req) {
    auto request = channels::parse_review(req.body);
    if (!request) return error_reply(request.error());
    auto resolved = st->resolve_review(*request);
    if (!resolved) return error_reply(resolved.error());
    return json_reply(
        200, json::object{{"subject", resolved->subject == ReviewSubject::order ? "order" : "gift_card"},
                          {"id", resolved->id},
                          {"reason", resolved->reason},
                          {"note", resolved->note},
                          {"resolved_at_ms", resolved->resolved_at_ms}});
  });
  route("POST", "/channels/v1/loyalty/allowances", [st](const http::Request& req) {
    auto allowance = channels::parse_allowance(req.body);
    if (!allowance) return error_reply(allowance.error());
    if (auto s = st->set_offline_allowance(*allowance); !s) return error_reply(s.error());
    return json_reply(200, json::object{{"store_code", allowance->store_code},
                                        {"customer_id", allowance->customer_id},
                                        {"limit_points", allowance->limit_points}});
  });
}

}  // namespace storeedge::sync::hub
