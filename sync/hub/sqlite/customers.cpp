// Customers (last-writer-wins per field by HLC) and the loyalty ledger (append-only, keyed by entry id).
#include <boost/json.hpp>

#include "platform/sqlite/transaction.hpp"
#include "sync/hub/json_read.hpp"
#include "sync/hub/sqlite/sql_util.hpp"
#include "sync/hub/sqlite/sqlite_storage.hpp"

namespace storeedge::sync::hub {
namespace json = boost::json;
namespace {

// Sets one profile field from its JSON text. Errc::invalid_argument for a value of the wrong type.
Status set_field(CustomerProfile& c, const std::string& field, const std::string& value_text) {
  boost::system::error_code ec;
  const json::value v = json::parse(value_text, ec);
  const auto bad = [&] {
    return fail(Errc::invalid_argument,
                "customer " + c.customer_id + ": field '" + field + "' has the wrong type");
  };
  if (ec) return bad();
  const auto opt_text = [&](std::optional<std::string>& out) -> Status {
    if (v.is_null()) {
      out.reset();
    } else if (v.is_string()) {
      out = std::string(v.as_string());
    } else {
      return bad();
    }
    return {};
  };
  if (field == "name") {
    if (!v.is_string()) return bad();
    c.name = std::string(v.as_string());
  } else if (field == "email") {
    return opt_text(c.email);
  } else if (field == "phone") {
    return opt_text(c.phone);
  } else if (field == "home_region") {
    return opt_text(c.home_region);
  } else if (field == "marketing_consent") {
    if (!v.is_bool()) return bad();
    c.marketing_consent = v.as_bool();
  } else if (field == "cards") {
    if (!v.is_array()) return bad();
    c.cards.clear();
    for (const json::value& card : v.as_array()) {
      if (!card.is_string()) return bad();
      c.cards.emplace_back(card.as_string());
    }
    std::sort(c.cards.begin(), c.cards.end());
  } else {
    return fail(Errc::invalid_argument, "customer " + c.customer_id + ": unknown field '" + field + "'");
  }
  return {};
}

std::string profile_json(const CustomerProfile& c) {
  json::array cards;
  for (const auto& card : c.cards) cards.emplace_back(card);
  return json::serialize(json::object{{"type", "customer"},
                                      {"customer_id", c.customer_id},
                                      {"name", c.name},
                                      {"email", jsonr::opt(c.email)},
                                      {"phone", jsonr::opt(c.phone)},
                                      {"marketing_consent", c.marketing_consent},
                                      {"cards", std::move(cards)},
                                      {"home_region", jsonr::opt(c.home_region)},
                                      {"updated_at_ms", c.updated_at_ms}});
}

}  // namespace

Result<std::optional<CustomerProfile>> SqliteStorage::read_customer(std::string_view customer_id) {
  std::optional<CustomerProfile> out;
  auto s = sql::each(
      db_,
      "SELECT name, email, phone, marketing_consent, cards, home_region, updated_at_ms FROM customer "
      "WHERE customer_id = ?",
      "reading customer",
      [&](const sqlite::Statement& r) -> Status {
        CustomerProfile c;
        c.customer_id = std::string(customer_id);
        c.name = r.get<std::string>(0);
        c.email = r.get<std::optional<std::string>>(1);
        c.phone = r.get<std::optional<std::string>>(2);
        c.marketing_consent = r.get<bool>(3);
        if (auto set = set_field(c, "cards", r.get<std::string>(4)); !set) return set;
        c.home_region = r.get<std::optional<std::string>>(5);
        c.updated_at_ms = r.get<std::int64_t>(6);
        out = std::move(c);
        return {};
      },
      customer_id);
  if (!s) return fail(s.error());
  if (!out) return out;
  s = sql::each(
      db_, "SELECT field, hlc FROM customer_field WHERE customer_id = ?", "reading customer stamps",
      [&](const sqlite::Statement& r) -> Status {
        out->field_hlc[r.get<std::string>(0)] = r.get<std::string>(1);
        return {};
      },
      customer_id);
  if (!s) return fail(s.error());
  return out;
}

// Applies each field whose stored stamp is older than `stamp`; returns whether anything changed.
// Runs inside the caller's transaction.
Result<bool> SqliteStorage::merge_customer(std::string_view customer_id,
                                           const std::vector<std::pair<std::string, std::string>>& fields,
                                           const proto::NodeStamp& stamp) {
  auto existing = read_customer(customer_id);
  if (!existing) return fail(existing.error());
  const bool created = !*existing;
  CustomerProfile c = created ? CustomerProfile{.customer_id = std::string(customer_id)} : **existing;
  bool changed = created;
  bool region_changed = false;
  for (const auto& [field, value] : fields) {
    auto it = c.field_hlc.find(field);
    if (it != c.field_hlc.end()) {
      auto stored = proto::parse_ordered_text(it->second);
      if (!stored) return fail(Error(Errc::corrupt, stored.error().message()));
      if (!(*stored < stamp)) continue;  // a later write already set this field
    }
    const auto old_region = c.home_region;
    if (auto s = set_field(c, field, value); !s) return fail(s.error());
    region_changed = region_changed || (field == "home_region" && old_region != c.home_region);
    c.field_hlc[field] = proto::to_ordered_text(stamp);
    if (auto s = sql::run(db_,
                          "INSERT INTO customer_field (customer_id, field, hlc) VALUES (?, ?, ?) "
                          "ON CONFLICT (customer_id, field) DO UPDATE SET hlc = excluded.hlc",
                          "stamping customer field", customer_id, field, c.field_hlc[field]);
        !s) {
      return fail(s.error());
    }
    changed = true;
  }
  if (!changed) return false;
  c.updated_at_ms = now_ms();
  json::array cards;
  for (const auto& card : c.cards) cards.emplace_back(card);
  if (auto s = sql::run(
          db_,
          "INSERT INTO customer (customer_id, name, email, phone, marketing_consent, cards, home_region, "
          "updated_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (customer_id) DO UPDATE SET "
          "name = excluded.name, email = excluded.email, phone = excluded.phone, marketing_consent = "
          "excluded.marketing_consent, cards = excluded.cards, home_region = excluded.home_region, "
          "updated_at_ms = excluded.updated_at_ms",
          "writing customer " + c.customer_id, c.customer_id, c.name, c.email, c.phone,
          c.marketing_consent ? 1 : 0, json::serialize(cards), c.home_region, c.updated_at_ms);
      !s) {
    return fail(s.error());
  }
  if (auto s = publish_customer(c); !s) return fail(s.error());
  if (region_changed) {
    if (auto s = resurface_customer(c.customer_id); !s) return fail(s.error());
  }
  return true;
}

Status SqliteStorage::publish_customer(const CustomerProfile& c) {
  return append_change("customers", "customer:" + c.customer_id, {std::nullopt, c.customer_id, std::nullopt},
                       profile_json(c));
}

Result<CustomerProfile> SqliteStorage::upsert_customer(const CustomerUpdate& u) {
  if (u.customer_id.empty()) return fail(Errc::invalid_argument, "customer id is empty");
  const std::string what = "customer " + u.customer_id;
  if (u.name && u.name->empty()) return fail(Errc::invalid_argument, what + ": name is empty");
  if (u.email && u.email->find('@') == std::string::npos) {
    return fail(Errc::invalid_argument, what + ": email '" + *u.email + "' has no '@'");
  }
  std::vector<std::pair<std::string, std::string>> fields;
  if (u.name) fields.emplace_back("name", json::serialize(json::value(*u.name)));
  if (u.email) fields.emplace_back("email", json::serialize(json::value(*u.email)));
  if (u.phone) fields.emplace_back("phone", json::serialize(json::value(*u.phone)));
  if (u.marketing_consent) fields.emplace_back("marketing_consent", *u.marketing_consent ? "true" : "false");
  if (u.home_region) fields.emplace_back("home_region", json::serialize(json::value(*u.home_region)));
  if (u.cards) {
    json::array cards;
    for (const auto& card : *u.cards) cards.emplace_back(card);
    fields.emplace_back("cards", json::serialize(cards));
  }
  auto tx = sqlite::Transaction::begin(db_);
  if (!tx) return fail(tx.error());
  auto existing = read_customer(u.customer_id);
  if (!existing) return fail(existing.error());
  if (!*existing && !u.name) return fail(Errc::invalid_argument, "new " + what + " needs a name");
  auto stamp = stamp_hlc();
  if (!stamp) return fail(stamp.error());
  if (auto r = merge_customer(u.customer_id, fields, *stamp); !r) return fail(r.error().with_context(what));
  if (auto s = tx->commit(); !s) return fail(s.error().with_context(what));
  auto c = read_customer(u.customer_id);
  if (!c) return fail(c.error());
  return **c;
}

Result<std::optional<CustomerProfile>> SqliteStorage::find_customer(std::string_view customer_id) {
  return read_customer(customer_id);
}

Result<bool> SqliteStorage::insert_loyalty(const LoyaltyEntry& e, std::optional<std::string> origin_node,
                                           std::optional<std::string> order_id) {
  if (auto s = validate_loyalty_entry(e); !s) return fail(s.error());
  const std::int64_t at = now_ms();
  // The entry is its own change in the customers stream, at the position it is written with (pull
  // builds the document from the row, changes.cpp). The INSERT finds an entry already recorded (one
  // index probe instead of a SELECT before it); its position is then handed back.
  auto seq = next_seq("customers");
  if (!seq) return fail(seq.error());
  if (auto w = sql::run(
          db_,
          "INSERT INTO loyalty_entry (entry_id, customer_id, points, kind, origin_node, order_id, "
          "created_at_ms, stream_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (entry_id) DO NOTHING",
          "", e.entry_id, e.customer_id, e.points, e.kind, origin_node, order_id, at, *seq);
      !w) {
    return fail(w.error().with_context("writing loyalty entry " + e.entry_id));
  }
  if (db_.changes() != 0) {
    if (auto r = add_customer_ref(e.customer_id, CustomerRefKind::loyalty, at, e.entry_id); !r)
      return fail(r.error());
    return true;
  }
  unuse_seq("customers", *seq);
  bool same = false;
  auto s = sql::each(
      db_, "SELECT customer_id, points, kind FROM loyalty_entry WHERE entry_id = ?", "reading loyalty entry",
      [&](const sqlite::Statement& r) -> Status {
        same = r.get<std::string>(0) == e.customer_id && r.get<std::int64_t>(1) == e.points &&
               r.get<std::string>(2) == e.kind;
        return {};
      },
      e.entry_id);
  if (!s) return fail(s.error());
  if (same) return false;  // applied before: counts once
  return fail(Errc::conflict, "loyalty entry " + e.entry_id + " is already recorded with other content");
}

Result<bool> SqliteStorage::add_loyalty_entry(const LoyaltyEntry& e) {
  if (auto s = validate_loyalty_entry(e); !s) return fail(s.error());
  auto tx = sqlite::Transaction::begin(db_);
  if (!tx) return fail(tx.error());
  auto customer = read_customer(e.customer_id);
  if (!customer) return fail(customer.error());
  if (!*customer)
    return fail(Errc::not_found, "loyalty entry " + e.entry_id + ": no customer " + e.customer_id);
  auto seen = db_.query_one<std::int64_t>("SELECT 1 FROM loyalty_entry WHERE entry_id = ?", e.entry_id);
  if (!seen) return fail(seen.error());
  if (!*seen && e.points < 0) {
    auto balance = loyalty_balance(e.customer_id);
    if (!balance) return fail(balance.error());
    if (*balance + e.points < 0) {
      return fail(Errc::conflict, "loyalty entry " + e.entry_id + ": " + e.kind + " of " +
                                      std::to_string(-e.points) + " points exceeds the balance of " +
                                      std::to_string(*balance) + " of customer " + e.customer_id);
    }
  }
  auto inserted = insert_loyalty(e, std::nullopt, std::nullopt);
  if (!inserted) return fail(inserted.error());
  if (auto s = tx->commit(); !s) return fail(s.error());
  return *inserted;
}

Result<std::int64_t> SqliteStorage::loyalty_balance(std::string_view customer_id) {
  auto sum = db_.query_one<std::int64_t>(
      "SELECT COALESCE(SUM(points), 0) FROM loyalty_entry WHERE entry_id IN (SELECT ref FROM (" +
          customer_refs_sql(CustomerRefKind::loyalty) + "))",
      customer_id);
  if (!sum) return fail(sum.error());
  return sum->value_or(0);
}

Status SqliteStorage::set_offline_allowance(const OfflineAllowance& a) {
  const std::string what = "offline allowance of customer " + a.customer_id + " in store " + a.store_code;
  if (a.limit_points < 0)
    return fail(Errc::invalid_argument, what + ": limit " + std::to_string(a.limit_points) + " is negative");
  auto tx = sqlite::Transaction::begin(db_);
  if (!tx) return fail(tx.error());
  auto store = db_.query_one<std::int64_t>("SELECT 1 FROM store WHERE store_code = ?", a.store_code);
  if (!store) return fail(store.error());
  if (!*store) return fail(Errc::not_found, what + ": no such store");
  auto customer = db_.query_one<std::int64_t>("SELECT 1 FROM customer WHERE customer_id = ?", a.customer_id);
  if (!customer) return fail(customer.error());
  if (!*customer) return fail(Errc::not_found, what + ": no such customer");
  auto had =
      db_.query_one<std::int64_t>("SELECT 1 FROM loyalty_allowance WHERE store_code = ? AND customer_id = ?",
                                  a.store_code, a.customer_id);
  if (!had) return fail(had.error());
  const std::int64_t at = now_ms();
  if (auto s =
          sql::run(db_,
                   "INSERT INTO loyalty_allowance (store_code, customer_id, limit_points, granted_at_ms) "
                   "VALUES (?, ?, ?, ?) ON CONFLICT (store_code, customer_id) DO UPDATE SET "
                   "limit_points = excluded.limit_points, granted_at_ms = excluded.granted_at_ms",
                   what, a.store_code, a.customer_id, a.limit_points, at);
      !s) {
    return s;
  }
  const std::string payload = json::serialize(json::object{{"type", "loyalty_allowance"},
                                                           {"customer_id", a.customer_id},
                                                           {"offline_limit_points", a.limit_points},
                                                           {"granted_at_ms", at}});
  if (auto s = append_change("customers", "allowance:" + a.store_code + ":" + a.customer_id,
                             {a.store_code, a.customer_id, std::nullopt}, payload);
      !s) {
    return s;
  }
  // A store granted an allowance replicates the customer: send their profile and ledger there too.
  if (!*had) {
    if (auto s = resurface_customer(a.customer_id); !s) return s;
  }
  return tx->commit();
}

Status SqliteStorage::relate_customer_to_store(std::string_view customer_id, std::string_view store_code) {
  if (auto s = sql::run(db_, "INSERT OR IGNORE INTO customer_store (customer_id, store_code) VALUES (?, ?)",
                        "linking customer to store", customer_id, store_code);
      !s) {
    return s;
  }
  if (db_.changes() == 0) return {};
  // The store may just have become a place this customer is replicated to: send their records again.
  return resurface_customer(customer_id);
}

}  // namespace storeedge::sync::hub
