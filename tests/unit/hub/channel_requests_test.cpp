// The channel API's JSON bodies: what each client may send, and the clear error for what it may not.
#include <gtest/gtest.h>

#include "sync/hub/admin_page.hpp"
#include "sync/hub/channel_requests.hpp"
#include "sync/hub/channels_api.hpp"

namespace storeedge::sync::hub::channels {
namespace {

std::string error_of(const auto& result) {
  EXPECT_FALSE(result) << "expected an error";
  if (result) return {};
  EXPECT_EQ(result.error().kind(), Errc::invalid_argument);
  return result.error().message();
}

TEST(ChannelRequests, APickupOrderReadsEveryField) {
  auto o = parse_order(R"({"order_id":"web-1","fulfilment":"pickup","store_code":"0001","customer_id":"c1",
      "currency":"EUR","lines":[{"sku":"A","quantity":2,"unit_price_cents":450}],"total_cents":900,"tax_cents":82})");
  ASSERT_TRUE(o) << o.error().what();
  EXPECT_EQ(o->order_id, "web-1");
  EXPECT_EQ(o->fulfilment, Fulfilment::pickup);
  EXPECT_EQ(o->customer_id, "c1");
  ASSERT_EQ(o->lines.size(), 1u);
  EXPECT_EQ(o->lines[0].quantity, 2);
  EXPECT_EQ(o->total_cents, 900);
}

TEST(ChannelRequests, BadOrdersNameTheField) {
  EXPECT_EQ(error_of(parse_order("not json")).substr(0, 24), "order: payload is not JS");
  EXPECT_EQ(error_of(parse_order(
                R"({"fulfilment":"drone","store_code":"1","lines":[],"total_cents":0,"tax_cents":0})")),
            "order: field 'fulfilment' must be pickup or ship_from_store, got 'drone'");
  EXPECT_EQ(
      error_of(parse_order(R"({"fulfilment":"pickup","store_code":"1","lines":[{"sku":"A","quantity":"2",
      "unit_price_cents":1}],"total_cents":2,"tax_cents":0})")),
      "order: lines[0]: field 'quantity' must be an integer");
  EXPECT_EQ(error_of(parse_order(
                R"({"fulfilment":"pickup","store_code":"1","lines":[],"total_cents":0,"tax_cents":0})")),
            "order: field 'lines' is empty");
  EXPECT_EQ(error_of(parse_order(R"({"fulfilment":"pickup","store_code":"1","lines":[{"sku":"A","quantity":1,
      "unit_price_cents":1}],"total_cents":1,"tax_cents":0,"totl":1})")),
            "order: unknown field 'totl'");
  EXPECT_EQ(error_of(parse_order(R"({"fulfilment":"pickup","lines":[],"total_cents":0,"tax_cents":0})")),
            "order: field 'store_code' is missing");
}

TEST(ChannelRequests, ACustomerUpdateSetsOnlyTheFieldsSent) {
  auto u = parse_customer(R"({"customer_id":"c1","email":"a@b.example","marketing_consent":true})");
  ASSERT_TRUE(u) << u.error().what();
  EXPECT_EQ(u->email, "a@b.example");
  EXPECT_EQ(u->marketing_consent, true);
  EXPECT_FALSE(u->name);
  EXPECT_FALSE(u->cards);
  EXPECT_EQ(error_of(parse_customer(R"({"customer_id":"c1","cards":[1]})")),
            "customer: field 'cards' must be an array of non-empty strings");
  EXPECT_EQ(error_of(parse_customer(R"({"customer_id":"c1","marketing_consent":"yes"})")),
            "customer: field 'marketing_consent' must be true or false");
}

TEST(ChannelRequests, LoadsNameTheItemAndField) {
  EXPECT_EQ(error_of(parse_prices_json(R"({"prices":[{"store_code":"1","sku":"A","unit_price_cents":1},
      {"store_code":"1","sku":"B","unit_price_cents":1.5}]})")),
            "prices[1]: field 'unit_price_cents' must be an integer");
  EXPECT_EQ(error_of(parse_stock_json(R"({"levels":[7]})")), "levels[0]: must be a JSON object");
  EXPECT_EQ(error_of(parse_stock_json(R"({"level":[]})")), "stock: unknown field 'level'");
  EXPECT_EQ(error_of(parse_catalog_json(R"({"tax_rates":[{"tax_class":"x","rate_bp":20000}]})")),
            "tax_rates[0]: field 'rate_bp' must be between 0 and 10000");
  EXPECT_EQ(error_of(parse_promotions_json(
                R"({"promotions":[{"promotion_id":"P","kind":"percent_off","sku":"A"}]})")),
            "promotions[0]: unknown field 'sku'");
}

TEST(ChannelRequests, ACatalogLoadReadsProductsAndTaxRates) {
  auto c = parse_catalog_json(R"({"tax_rates":[{"tax_class":"standard","rate_bp":2100,"name":"IVA"}],
      "products":[{"sku":"A","name":"Oil","tax_class":"standard","gtins":["8410000000009"]}]})");
  ASSERT_TRUE(c) << c.error().what();
  ASSERT_EQ(c->products.size(), 1u);
  EXPECT_TRUE(c->products[0].active) << "active unless said otherwise";
  EXPECT_EQ(c->products[0].sold_by, "unit");
  EXPECT_EQ(c->tax_rates[0].rate_bp, 2100);
}

TEST(ChannelRequests, LoyaltyEntriesHaveAKnownKind) {
  auto e = parse_loyalty_entry(R"({"entry_id":"e1","customer_id":"c1","points":50,"kind":"earn"})");
  ASSERT_TRUE(e) << e.error().what();
  EXPECT_EQ(e->points, 50);
  EXPECT_EQ(error_of(parse_loyalty_entry(R"({"entry_id":"e1","customer_id":"c1","points":5,"kind":"gift"})")),
            "loyalty entry: field 'kind' must be earn, redeem, refund or adjust, got 'gift'");
  EXPECT_EQ(error_of(parse_allowance(R"({"store_code":"1","customer_id":"c1","limit_points":-1})")),
            "allowance: field 'limit_points' must not be negative");
}

TEST(ChannelAuth, OnlyAConfiguredKeyIsAccepted) {
  const std::vector<std::string> keys{"key-one-0123456789", "key-two-0123456789"};
  http::Request req;
  EXPECT_FALSE(authorized(req, keys)) << "no header";
  req.headers["authorization"] = "Bearer key-two-0123456789";
  EXPECT_TRUE(authorized(req, keys));
  req.headers["authorization"] = "Bearer key-two-012345678";
  EXPECT_FALSE(authorized(req, keys)) << "a prefix of a key";
  req.headers["authorization"] = "Bearer ";
  EXPECT_FALSE(authorized(req, keys));
  req.headers["authorization"] = "key-one-0123456789";
  EXPECT_FALSE(authorized(req, keys)) << "no scheme";
  // Basic with the key as password ("hq:key-one-0123456789"), only where allowed (the admin page).
  req.headers["authorization"] = "Basic aHE6a2V5LW9uZS0wMTIzNDU2Nzg5";
  EXPECT_FALSE(authorized(req, keys));
  EXPECT_TRUE(authorized(req, keys, true));
  req.headers["authorization"] = "Basic !!!!";
  EXPECT_FALSE(authorized(req, keys, true));
}

TEST(ChannelQuery, ParametersArePercentDecoded) {
  EXPECT_EQ(query_param("/channels/v1/stock?store=0001&sku=SKU%2FA%20B", "sku"), "SKU/A B");
  EXPECT_EQ(query_param("/channels/v1/stock?store=0001", "store"), "0001");
  EXPECT_FALSE(query_param("/channels/v1/stock?store=0001", "sku"));
  EXPECT_FALSE(query_param("/channels/v1/stock", "sku"));
}

TEST(ChannelErrors, KindsMapToStatuses) {
  EXPECT_EQ(http_status(Errc::invalid_argument), 400);
  EXPECT_EQ(http_status(Errc::not_found), 404);
  EXPECT_EQ(http_status(Errc::already_exists), 409);
  EXPECT_EQ(http_status(Errc::conflict), 409);
  EXPECT_EQ(http_status(Errc::database), 500);
  auto r = error_reply(Error(Errc::conflict, "order x cannot go from collected to cancelled"));
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.body,
            R"({"error":{"code":"conflict","message":"order x cannot go from collected to cancelled"}})");
}

TEST(AdminPage, EveryValueIsEscaped) {
  AdminPageData data;
  NodeStatus n;
  n.node_id = "node-<script>alert(1)</script>";
  n.store_code = "0001";
  n.apply_lag_ms = 250;
  data.nodes.push_back(n);
  QuarantinedMutation q;
  q.node_id = "node-1";
  q.reason = "field 'x' & \"y\"";
  data.quarantine.push_back(q);
  const std::string page = render_admin_page(data);
  EXPECT_EQ(page.find("<script>"), std::string::npos);
  EXPECT_NE(page.find("node-&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(page.find("field &#39;x&#39; &amp; &quot;y&quot;"), std::string::npos);
  EXPECT_NE(page.find("<td class=\"num\">250</td>"), std::string::npos);
  EXPECT_NE(page.find("No order needs review."), std::string::npos);
  EXPECT_EQ(page.find("http"), std::string::npos) << "no external assets";
}

TEST(AdminPage, ANodeRestoredFromAnOlderBackupIsShownForATechnician) {
  AdminPageData data;
  NodeStatus ok;
  ok.node_id = "node-ok";
  NodeStatus rewound;
  rewound.node_id = "node-rewound";
  rewound.rewound_mutation_id = 42;
  rewound.rewound_at_ms = 1'700'000'000'000;
  data.nodes = {ok, rewound};
  const std::string page = render_admin_page(data);
  EXPECT_NE(page.find("<td>rewound: restored from an older backup; needs re-enrollment/renumbering (mutation "
                      "42)</td>"),
            std::string::npos)
      << page;
  EXPECT_NE(page.find("<td>ok</td>"), std::string::npos) << page;
}

TEST(AdminPage, AGiftCardFlaggedForReviewIsListedWithItsReasonAndBalance) {
  AdminPageData data;
  GiftCardView card;
  card.card_id = "6280000000000007";
  card.currency = "EUR";
  card.status = "blocked";
  card.balance_cents = -500;
  card.needs_review = true;
  card.review_reason = "redeemed offline while <blocked>";
  data.gift_cards.push_back(card);
  const std::string page = render_admin_page(data);
  EXPECT_NE(page.find("Gift cards for review (1)"), std::string::npos) << page;
  EXPECT_NE(page.find("<td>6280000000000007</td><td>EUR</td><td>blocked</td><td class=\"num\">-500</td>"
                      "<td>redeemed offline while &lt;blocked&gt;</td>"),
            std::string::npos)
      << page;
  EXPECT_NE(render_admin_page({}).find("No gift card needs review."), std::string::npos);
}

}  // namespace
}  // namespace storeedge::sync::hub::channels
