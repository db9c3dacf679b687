#include "edge/store/gift_cards.hpp"

#include <algorithm>

#include "edge/store/journal.hpp"

namespace storeedge::store {

Result<GiftCardFunds> gift_card_funds(sqlite::Database& db, std::string_view card_id, std::int64_t now_ms,
                                      std::chrono::milliseconds max_age) {
  const std::string name(card_id);
  const std::string ctx = "reading gift card " + name;
  auto card = db.cached(
      "SELECT currency, status, offline_limit_cents, granted_at_ms FROM gift_card WHERE card_id = ?");
  if (!card) return fail(card.error().with_context(ctx));
  if (auto s = (*card)->bind_all(card_id); !s) return fail(s.error().with_context(ctx));
  auto row = (*card)->step();
  if (!row) return fail(row.error().with_context(ctx));
  if (!*row) {
    (*card)->reset();
    return fail(Errc::not_found, "gift card " + name + " is not known to this store");
  }
  GiftCardFunds out;
  out.card_id = name;
  out.currency = (*card)->column_text(0);
  const std::string status = (*card)->column_text(1);
  const std::int64_t limit = (*card)->column_int64(2);
  const std::int64_t granted_at = (*card)->column_int64(3);
  (*card)->reset();
  if (status != "active") return fail(Errc::conflict, "gift card " + name + " is blocked");

  // Spent here and not acknowledged by the hub yet: a redeem whose order still waits in the outbox
  // (a till's redeems only ever travel inside their order). Once acknowledged, the hub's balance has
  // it and so does every store's next pull.
  auto sums = db.cached(
      "SELECT COALESCE(SUM(amount_cents), 0), COALESCE(-SUM(CASE WHEN kind = 'redeem' AND node_id = (SELECT "
      "node_id FROM node_identity WHERE singleton = 1) AND order_id IN (SELECT entity_id FROM outbox WHERE "
      "acked_at_ms IS NULL) THEN amount_cents END), 0) FROM gift_card_entry WHERE card_id = ?");
  if (!sums) return fail(sums.error().with_context(ctx));
  if (auto s = (*sums)->bind_all(card_id); !s) return fail(s.error().with_context(ctx));
  auto sum_row = (*sums)->step();
  if (!sum_row) return fail(sum_row.error().with_context(ctx));
  out.balance = (*sums)->column_int64(0);
  out.spent_not_at_hub = (*sums)->column_int64(1);
  (*sums)->reset();
  auto current_since = hub_view_since(db, granted_at);
  if (!current_since) return fail(current_since.error().with_context(ctx));
  out.offline_limit = now_ms - *current_since > max_age.count() ? 0 : limit;
  out.spendable = std::max<domain::Cents>(0, std::min(out.balance, out.offline_limit - out.spent_not_at_hub));
  return out;
}

}  // namespace storeedge::store
