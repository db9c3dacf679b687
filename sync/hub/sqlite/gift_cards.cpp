// Gift cards: cards issued through the channel API, their append-only ledger (hub entries and the
// redeems tills push inside their orders) and the gift_cards stream (docs/protocol.md).
#include <algorithm>
#include <set>

#include <boost/json.hpp>
#include <boost/uuid/random_generator.hpp>
#include <boost/uuid/uuid_io.hpp>

#include "platform/sqlite/transaction.hpp"
#include "sync/hub/json_read.hpp"
#include "sync/hub/sqlite/sql_util.hpp"
#include "sync/hub/sqlite/sqlite_storage.hpp"

namespace storeedge::sync::hub {
namespace json = boost::json;

struct SqliteStorage::CardRow {
  std::string currency;
  std::string status;
  std::int64_t issued_cents = 0;
  std::int64_t default_limit_cents = 0;
  std::int64_t issued_at_ms = 0;
  bool needs_review = false;
  std::string review_reason;
};

namespace {

constexpr std::string_view kCardColumns =
    "SELECT card_id, currency, status, issued_cents, default_offline_limit_cents, issued_at_ms, "
    "needs_review, "
    "review_reason FROM gift_card ";

GiftCardView card_view(const sqlite::Statement& r) {
  GiftCardView v;
  v.card_id = r.get<std::string>(0);
  v.currency = r.get<std::string>(1);
  v.status = r.get<std::string>(2);
  v.default_offline_limit_cents = r.get<std::int64_t>(4);
  v.issued_at_ms = r.get<std::int64_t>(5);
  v.needs_review = r.get<bool>(6);
  v.review_reason = r.get<std::string>(7);
  return v;
}

Status validate_issue(const GiftCardIssue& i) {
  if (i.card_id.empty() || i.card_id.size() > 64)
    return fail(Errc::invalid_argument, "gift card id must have 1 to 64 characters");
  const std::string what = "gift card " + i.card_id;
  const bool iso = i.currency.size() == 3 && std::all_of(i.currency.begin(), i.currency.end(),
                                                         [](char c) { return c >= 'A' && c <= 'Z'; });
  if (!iso) return fail(Errc::invalid_argument, what + ": currency '" + i.currency + "' is not ISO 4217");
  if (i.amount_cents < 0) return fail(Errc::invalid_argument, what + ": amount_cents must not be negative");
  if (i.default_offline_limit_cents < 0)
    return fail(Errc::invalid_argument, what + ": the default offline limit must not be negative");
  return {};
}

// Appends `reason` to a review reason, "; "-separated.
void add_reason(std::string& reasons, const std::string& reason) {
  if (!reasons.empty()) reasons += "; ";
  reasons += reason;
}

}  // namespace

Result<std::optional<SqliteStorage::CardRow>> SqliteStorage::read_card(std::string_view card_id) {
  std::optional<CardRow> out;
  auto s = sql::each(
      db_, std::string(kCardColumns) + "WHERE card_id = ?", "reading gift card " + std::string(card_id),
      [&](const sqlite::Statement& r) -> Status {
        out = CardRow{r.get<std::string>(1),  r.get<std::string>(2),  r.get<std::int64_t>(3),
                      r.get<std::int64_t>(4), r.get<std::int64_t>(5), r.get<bool>(6),
                      r.get<std::string>(7)};
        return {};
      },
      card_id);
  if (!s) return fail(s.error());
  return out;
}

Result<std::int64_t> SqliteStorage::card_balance(std::string_view card_id) {
  auto sum = db_.query_one<std::int64_t>(
      "SELECT COALESCE(SUM(amount_cents), 0) FROM gift_card_entry WHERE card_id = ?", card_id);
  if (!sum) return fail(sum.error());
  return sum->value_or(0);
}

// The card's document in the gift_cards stream, for every store, with the default offline limit
// granted now; then the card's per-store allowances move behind it, so that a store applying the
// stream in order ends with its allowance, not the default.
Status SqliteStorage::publish_gift_card(std::string_view card_id) {
  auto card = read_card(card_id);
  if (!card) return fail(card.error());
  if (!*card) return fail(Errc::not_found, "no gift card " + std::string(card_id));
  const std::string payload =
      json::serialize(json::object{{"type", "gift_card"},
                                   {"card_id", card_id},
                                   {"currency", (*card)->currency},
                                   {"status", (*card)->status},
                                   {"offline_limit_cents", (*card)->default_limit_cents},
                                   {"granted_at_ms", now_ms()}});
  if (auto s = append_change("gift_cards", "card:" + std::string(card_id),
                             {std::nullopt, std::string(card_id), std::nullopt}, payload);
      !s) {
    return s;
  }
  std::vector<std::string> allowances;
  auto s = sql::each(
      db_,
      "SELECT entity FROM change_log WHERE stream = 'gift_cards' AND subject = ? AND entity LIKE "
      "'allowance:%' ORDER BY seq",
      "reading gift card allowances",
      [&](const sqlite::Statement& r) -> Status {
        allowances.push_back(r.get<std::string>(0));
        return {};
      },
      card_id);
  if (!s) return s;
  for (const std::string& entity : allowances) {
    auto seq = next_seq("gift_cards");
    if (!seq) return fail(seq.error());
    if (auto u = sql::run(db_, "UPDATE change_log SET seq = ? WHERE stream = 'gift_cards' AND entity = ?",
                          "renumbering " + entity, *seq, entity);
        !u) {
      return u;
    }
  }
  return {};
}

// Inserts the entry once; false when it is already there with the same content. `currency` is the
// card's when the hub knows the card: then the entry is published to every store except the node
// it came from (which wrote it itself).
Result<bool> SqliteStorage::insert_gift_card_entry(const GiftCardEntry& e,
                                                   const std::optional<std::string>& currency) {
  if (auto s = validate_gift_card_entry(e); !s) return fail(s.error());
  bool exists = false;
  bool same = false;
  auto s = sql::each(
      db_, "SELECT card_id, amount_cents, kind FROM gift_card_entry WHERE entry_id = ?",
      "reading gift card entry",
      [&](const sqlite::Statement& r) -> Status {
        exists = true;
        same = r.get<std::string>(0) == e.card_id && r.get<std::int64_t>(1) == e.amount_cents &&
               r.get<std::string>(2) == e.kind;
        return {};
      },
      e.entry_id);
  if (!s) return fail(s.error());
  if (exists && same) return false;
  if (exists) {
    return fail(Errc::conflict, "gift card entry " + e.entry_id +
                                    " is already recorded with other content; entries are "
                                    "immutable");
  }
  if (auto w = sql::run(db_,
                        "INSERT INTO gift_card_entry (entry_id, card_id, amount_cents, kind, store_code, "
                        "origin_node, order_id, created_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        "writing gift card entry " + e.entry_id, e.entry_id, e.card_id, e.amount_cents,
                        e.kind, e.store_code, e.origin_node, e.order_id, e.created_at_ms);
      !w) {
    return fail(w.error());
  }
  if (!currency) return true;
  const std::string payload = json::serialize(json::object{{"type", "gift_card_entry"},
                                                           {"entry_id", e.entry_id},
                                                           {"card_id", e.card_id},
                                                           {"currency", *currency},
                                                           {"amount_cents", e.amount_cents},
                                                           {"kind", e.kind},
                                                           {"order_id", jsonr::opt(e.order_id)},
                                                           {"node_id", e.origin_node.value_or("hub")},
                                                           {"created_at_ms", e.created_at_ms}});
  if (auto c = append_change("gift_cards", "entry:" + e.entry_id, {std::nullopt, e.card_id, e.origin_node},
                             payload);
      !c) {
    return fail(c.error());
  }
  return true;
}

Result<bool> SqliteStorage::issue_gift_card(const GiftCardIssue& i) {
  if (auto s = validate_issue(i); !s) return fail(s.error());
  const std::string what = "gift card " + i.card_id;
  auto tx = sqlite::Transaction::begin(db_);
  if (!tx) return fail(tx.error());
  auto card = read_card(i.card_id);
  if (!card) return fail(card.error());
  if (*card) {
    if ((*card)->currency == i.currency && (*card)->issued_cents == i.amount_cents) return false;
    return fail(Errc::already_exists, what + " is already issued with " +
                                          std::to_string((*card)->issued_cents) + " " + (*card)->currency);
  }
  const std::int64_t at = now_ms();
  if (auto s = sql::run(db_,
                        "INSERT INTO gift_card (card_id, currency, status, issued_cents, "
                        "default_offline_limit_cents, issued_at_ms) VALUES (?, ?, 'active', ?, ?, ?)",
                        "issuing " + what, i.card_id, i.currency, i.amount_cents,
                        i.default_offline_limit_cents, at);
      !s) {
    return fail(s.error());
  }
  if (auto s = publish_gift_card(i.card_id); !s) return fail(s.error().with_context(what));
  if (i.amount_cents > 0) {
    GiftCardEntry e{boost::uuids::to_string(boost::uuids::random_generator()()),
                    i.card_id,
                    i.amount_cents,
                    "issue",
                    std::nullopt,
                    std::nullopt,
                    std::nullopt,
                    at};
    if (auto r = insert_gift_card_entry(e, i.currency); !r) return fail(r.error().with_context(what));
  }
  if (auto s = tx->commit(); !s) return fail(s.error().with_context(what));
  return true;
}

Result<bool> SqliteStorage::add_gift_card_entry(const GiftCardEntry& entry) {
  if (auto s = validate_gift_card_entry(entry); !s) return fail(s.error());
  if (entry.kind != "load" && entry.kind != "adjust") {
    return fail(Errc::invalid_argument, "gift card entry " + entry.entry_id +
                                            ": the hub writes load or adjust "
                                            "entries, not " +
                                            entry.kind);
  }
  const std::string what = "gift card entry " + entry.entry_id;
  auto tx = sqlite::Transaction::begin(db_);
  if (!tx) return fail(tx.error());
  auto card = read_card(entry.card_id);
  if (!card) return fail(card.error());
  if (!*card) return fail(Errc::not_found, what + ": no gift card " + entry.card_id);
  auto seen = db_.query_one<std::int64_t>("SELECT 1 FROM gift_card_entry WHERE entry_id = ?", entry.entry_id);
  if (!seen) return fail(seen.error());
  if (!*seen) {
    if ((*card)->status != "active")
      return fail(Errc::conflict, what + ": gift card " + entry.card_id + " is " + (*card)->status);
    auto balance = card_balance(entry.card_id);
    if (!balance) return fail(balance.error());
    if (*balance + entry.amount_cents < 0) {
      return fail(Errc::conflict, what + ": " + std::to_string(entry.amount_cents) +
                                      " cents would take gift card " + entry.card_id +
                                      " below zero (balance " + std::to_string(*balance) + ")");
    }
  }
  GiftCardEntry e = entry;
  e.store_code.reset();
  e.origin_node.reset();
  e.order_id.reset();
  e.created_at_ms = now_ms();
  auto inserted = insert_gift_card_entry(e, (*card)->currency);
  if (!inserted) return fail(inserted.error());
  if (auto s = tx->commit(); !s) return fail(s.error().with_context(what));
  return *inserted;
}

Status SqliteStorage::set_gift_card_status(std::string_view card_id, std::string_view status) {
  const std::string what = "gift card " + std::string(card_id);
  if (status != "active" && status != "blocked") {
    return fail(Errc::invalid_argument,
                what + ": status '" + std::string(status) + "' is not active or blocked");
  }
  auto tx = sqlite::Transaction::begin(db_);
  if (!tx) return fail(tx.error());
  auto card = read_card(card_id);
  if (!card) return fail(card.error());
  if (!*card) return fail(Errc::not_found, "no " + what);
  if ((*card)->status == status) return {};
  if (auto s = sql::run(db_, "UPDATE gift_card SET status = ? WHERE card_id = ?",
                        "changing status of " + what, status, card_id);
      !s) {
    return s;
  }
  if (auto s = publish_gift_card(card_id); !s) return s;
  return tx->commit();
}

Result<std::optional<GiftCardView>> SqliteStorage::find_gift_card(std::string_view card_id) {
  std::optional<GiftCardView> out;
  auto s = sql::each(
      db_, std::string(kCardColumns) + "WHERE card_id = ?", "reading gift card",
      [&](const sqlite::Statement& r) -> Status {
        out = card_view(r);
        return {};
      },
      card_id);
  if (!s) return fail(s.error());
  if (!out) return out;
  s = sql::each(
      db_,
      "SELECT entry_id, amount_cents, kind, store_code, origin_node, order_id, created_at_ms FROM "
      "gift_card_entry WHERE card_id = ? ORDER BY created_at_ms, rowid",
      "reading gift card entries",
      [&](const sqlite::Statement& r) -> Status {
        out->entries.push_back(GiftCardEntry{r.get<std::string>(0), out->card_id, r.get<std::int64_t>(1),
                                             r.get<std::string>(2), r.get<std::optional<std::string>>(3),
                                             r.get<std::optional<std::string>>(4),
                                             r.get<std::optional<std::string>>(5), r.get<std::int64_t>(6)});
        out->balance_cents += out->entries.back().amount_cents;
        return {};
      },
      card_id);
  if (!s) return fail(s.error());
  return out;
}

Status SqliteStorage::set_gift_card_allowance(const GiftCardAllowance& a) {
  const std::string what = "offline allowance of gift card " + a.card_id + " in store " + a.store_code;
  if (a.limit_cents < 0)
    return fail(Errc::invalid_argument, what + ": limit " + std::to_string(a.limit_cents) + " is negative");
  auto tx = sqlite::Transaction::begin(db_);
  if (!tx) return fail(tx.error());
  auto store = db_.query_one<std::int64_t>("SELECT 1 FROM store WHERE store_code = ?", a.store_code);
  if (!store) return fail(store.error());
  if (!*store) return fail(Errc::not_found, what + ": no such store");
  auto card = read_card(a.card_id);
  if (!card) return fail(card.error());
  if (!*card) return fail(Errc::not_found, what + ": no such gift card");
  const std::int64_t at = now_ms();
  if (auto s = sql::run(db_,
                        "INSERT INTO gift_card_allowance (store_code, card_id, limit_cents, granted_at_ms) "
                        "VALUES (?, ?, ?, ?) ON CONFLICT (store_code, card_id) DO UPDATE SET "
                        "limit_cents = excluded.limit_cents, granted_at_ms = excluded.granted_at_ms",
                        what, a.store_code, a.card_id, a.limit_cents, at);
      !s) {
    return s;
  }
  const std::string payload = json::serialize(json::object{{"type", "gift_card_allowance"},
                                                           {"card_id", a.card_id},
                                                           {"offline_limit_cents", a.limit_cents},
                                                           {"granted_at_ms", at}});
  if (auto s = append_change("gift_cards", "allowance:" + a.store_code + ":" + a.card_id,
                             {a.store_code, a.card_id, std::nullopt}, payload);
      !s) {
    return s;
  }
  return tx->commit();
}

Result<std::vector<GiftCardView>> SqliteStorage::gift_cards_for_review() {
  std::vector<GiftCardView> out;
  auto s = sql::each(db_, std::string(kCardColumns) + "WHERE needs_review = 1 ORDER BY card_id",
                     "listing gift cards for review", [&](const sqlite::Statement& r) -> Status {
                       out.push_back(card_view(r));
                       return {};
                     });
  if (!s) return fail(s.error());
  for (GiftCardView& v : out) {
    auto balance = card_balance(v.card_id);
    if (!balance) return fail(balance.error());
    v.balance_cents = *balance;
  }
  return out;
}

// Runs inside apply_push's savepoint. A redeem is recorded whatever the hub thinks of it: the sale
// happened offline and is immutable. What the hub cannot reconcile is flagged for review instead.
Result<bool> SqliteStorage::record_order_gift_cards(std::string_view node_id, const EdgeOrder& order) {
  if (order.gift_cards.empty()) return false;
  std::string reasons;
  std::set<std::string> known;
  for (const GiftCardEntry& g : order.gift_cards) {
    GiftCardEntry e = g;
    e.origin_node = std::string(node_id);
    auto card = read_card(e.card_id);
    if (!card) return fail(card.error());
    auto inserted = insert_gift_card_entry(e, *card ? std::optional((*card)->currency) : std::nullopt);
    if (!inserted) return fail(inserted.error());
    if (!*card) {
      add_reason(reasons, "gift card " + e.card_id + " is not known to the hub");
      continue;
    }
    if ((*card)->currency != order.currency) {
      add_reason(reasons, "gift card " + e.card_id + " holds " + (*card)->currency + ", the order is in " +
                              order.currency);
    }
    if ((*card)->status != "active") add_reason(reasons, "gift card " + e.card_id + " is " + (*card)->status);
    known.insert(e.card_id);
  }
  for (const std::string& card_id : known) {
    auto balance = card_balance(card_id);
    if (!balance) return fail(balance.error());
    auto card = read_card(card_id);
    if (!card) return fail(card.error());
    std::string why;
    if (*balance < 0) why = "balance " + std::to_string(*balance) + " cents";
    if ((*card)->status != "active") why += std::string(why.empty() ? "" : ", ") + "redeemed while blocked";
    if (why.empty()) continue;
    why += " after order " + order.order_id + " from node " + std::string(node_id);
    if (*balance < 0) add_reason(reasons, "gift card " + card_id + " overdrawn (" + why + ")");
    if (auto s =
            sql::run(db_,
                     "UPDATE gift_card SET needs_review = 1, review_reason = CASE WHEN review_reason = '' "
                     "THEN ?1 ELSE review_reason || '; ' || ?1 END WHERE card_id = ?2",
                     "flagging gift card " + card_id, why, card_id);
        !s) {
      return fail(s.error());
    }
  }
  if (reasons.empty()) return false;
  if (auto s = sql::run(db_,
                        "UPDATE hub_order SET needs_review = 1, review_reason = CASE WHEN review_reason = '' "
                        "THEN ?1 ELSE review_reason || '; ' || ?1 END WHERE order_id = ?2",
                        "flagging order " + order.order_id, reasons, order.order_id);
      !s) {
    return fail(s.error());
  }
  return true;
}

}  // namespace storeedge::sync::hub
