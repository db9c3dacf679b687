#pragma once
// Parked carts: a till puts a customer's cart aside (the customer forgot an item) and serves the
// next one; later it resumes the cart exactly as it was. Rows hold domain::Cart::serialize().
//
// Who transitions: park() accepts an open or already parked cart and stores it in the parked
// state (it applies the domain's park transition to its own copy; the caller then drops its cart).
// resume() restores the cart, applies the resume transition and returns it open. Both are audited
// (actor "till:<device>"); parked carts never leave the node, so nothing is queued for the hub.
// Functions borrow the connection; not thread-safe.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "edge/domain/cart.hpp"
#include "platform/clock.hpp"
#include "platform/error.hpp"
#include "platform/sqlite/database.hpp"

namespace storeedge::store {

struct ParkedCart {
  std::string cart_id{};
  std::string device_code{};
  std::int64_t parked_at_ms = 0;
};

// Errc::conflict for a cart being tendered, paid or voided (the domain refuses to park it), or
// already_exists when a cart with that id is already parked. Nothing is written on failure.
[[nodiscard]] Status park(sqlite::Database& db, const Clock& clock, std::string_view device_code,
                          const domain::Cart& cart);

// The device's parked carts, oldest first.
[[nodiscard]] Result<std::vector<ParkedCart>> list_parked(sqlite::Database& db, std::string_view device_code);

// Restores the parked cart under `config`, resumes it (state open) and deletes the row, in one
// transaction. Errc::not_found for an unknown id; a row that does not restore (corrupt, or a
// format this build does not read) is left in place and its error returned.
[[nodiscard]] Result<domain::Cart> resume(sqlite::Database& db, const Clock& clock, std::string_view cart_id,
                                          const domain::CartConfig& config);

}  // namespace storeedge::store
