#pragma once
// Gift cards on the replica (schema version 6): the hub's list of cards this store may accept and an
// append-only ledger whose sum is a card's balance. A till may spend from a card, without asking the
// hub, at most the card's balance and at most the offline limit the hub granted this node, less what
// this node has redeemed from it that the hub has not acknowledged yet: two stores cannot spend one
// balance twice while one of them is offline (the same rule as the loyalty allowance, loyalty.hpp).
// The limit holds while the node's view is current: its last successful sync (or the grant) is at
// most `max_age` old. A grant does not expire while the node keeps syncing.
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "edge/domain/money.hpp"
#include "platform/error.hpp"
#include "platform/sqlite/database.hpp"

namespace storeedge::store {

struct GiftCardFunds {
  std::string card_id{};
  std::string currency{};
  domain::Cents balance = 0;           // SUM(amount_cents) of the card's ledger
  domain::Cents offline_limit = 0;     // 0 when neither the grant nor the last sync is recent
  domain::Cents spent_not_at_hub = 0;  // redeemed by this node, not yet acknowledged by the hub
  domain::Cents spendable = 0;         // max(0, min(balance, offline_limit - spent_not_at_hub))
};

// What this node may take from the card now. Errc::not_found for a card this store does not know,
// Errc::conflict for a blocked card; both name the card.
[[nodiscard]] Result<GiftCardFunds> gift_card_funds(sqlite::Database& db, std::string_view card_id,
                                                    std::int64_t now_ms,
                                                    std::chrono::milliseconds max_age = std::chrono::hours{
                                                        24 * 30});

}  // namespace storeedge::store
