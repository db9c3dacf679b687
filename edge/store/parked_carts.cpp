#include "edge/store/parked_carts.hpp"

#include <boost/json.hpp>

#include "edge/store/journal.hpp"
#include "platform/sqlite/transaction.hpp"

namespace storeedge::store {
namespace json = boost::json;
namespace {

std::string cart_details(const domain::Cart& cart, std::string_view device_code) {
  std::int64_t active = 0;
  for (const auto& line : cart.lines()) active += line.voided ? 0 : 1;
  return json::serialize(json::object{{"device_code", device_code}, {"lines", active}});
}

std::string till_actor(std::string_view device_code) {
  return "till:" + std::string(device_code);
}

}  // namespace

Status park(sqlite::Database& db, const Clock& clock, std::string_view device_code,
            const domain::Cart& cart) {
  if (device_code.empty()) return fail(Errc::invalid_argument, "device code is empty");
  const std::string ctx = "parking cart " + cart.id();
  domain::Cart parked = cart;
  if (parked.state() != domain::CartState::parked) {
    if (auto s = parked.park(); !s) return fail(s.error().with_context(ctx));
  }
  const std::int64_t now = unix_millis(clock.now());
  auto tx = sqlite::Transaction::begin(db);
  if (!tx) return fail(tx.error().with_context(ctx));
  auto ins =
      db.cached("INSERT INTO parked_cart (cart_id, device_code, parked_at_ms, content) VALUES (?, ?, ?, ?)");
  if (!ins) return fail(ins.error());
  if (auto s = (*ins)->bind_all(parked.id(), device_code, now, parked.serialize()); !s)
    return fail(s.error());
  if (auto s = (*ins)->run(); !s) {
    if (s.error().kind() == Errc::already_exists) {
      return fail(Errc::already_exists, "cart " + parked.id() + " is already parked");
    }
    return fail(s.error().with_context(ctx));
  }
  const AuditEntry entry{till_actor(device_code), "cart.parked", parked.id(),
                         cart_details(parked, device_code)};
  if (auto s = append_audit(db, now, entry); !s) return fail(s.error().with_context(ctx));
  if (auto s = tx->commit(); !s) return fail(s.error().with_context(ctx));
  return {};
}

Result<std::vector<ParkedCart>> list_parked(sqlite::Database& db, std::string_view device_code) {
  auto stmt = db.cached(
      "SELECT cart_id, device_code, parked_at_ms FROM parked_cart WHERE device_code = ? "
      "ORDER BY parked_at_ms, cart_id");
  if (!stmt) return fail(stmt.error());
  if (auto s = (*stmt)->bind_all(device_code); !s) return fail(s.error());
  std::vector<ParkedCart> out;
  while (true) {
    auto row = (*stmt)->step();
    if (!row)
      return fail(row.error().with_context("listing parked carts of till " + std::string(device_code)));
    if (!*row) return out;
    out.push_back(
        {(*stmt)->get<std::string>(0), (*stmt)->get<std::string>(1), (*stmt)->get<std::int64_t>(2)});
  }
}

Result<domain::Cart> resume(sqlite::Database& db, const Clock& clock, std::string_view cart_id,
                            const domain::CartConfig& config) {
  const std::string ctx = "resuming cart " + std::string(cart_id);
  auto tx = sqlite::Transaction::begin(db);
  if (!tx) return fail(tx.error().with_context(ctx));
  auto sel = db.cached("SELECT device_code, content FROM parked_cart WHERE cart_id = ?");
  if (!sel) return fail(sel.error());
  if (auto s = (*sel)->bind_all(cart_id); !s) return fail(s.error());
  auto row = (*sel)->step();
  if (!row) return fail(row.error().with_context(ctx));
  if (!*row) return fail(Errc::not_found, "no parked cart " + std::string(cart_id));
  const std::string device_code = (*sel)->get<std::string>(0);
  const std::string content = (*sel)->get<std::string>(1);
  (*sel)->reset();

  auto cart = domain::Cart::restore(content, config);
  if (!cart) return fail(cart.error().with_context(ctx));
  if (cart->state() == domain::CartState::parked) {
    if (auto s = cart->resume(); !s) return fail(s.error().with_context(ctx));
  }
  auto del = db.cached("DELETE FROM parked_cart WHERE cart_id = ?");
  if (!del) return fail(del.error());
  if (auto s = (*del)->bind_all(cart_id); !s) return fail(s.error());
  if (auto s = (*del)->run(); !s) return fail(s.error().with_context(ctx));
  const std::int64_t now = unix_millis(clock.now());
  const AuditEntry entry{till_actor(device_code), "cart.resumed", cart->id(),
                         cart_details(*cart, device_code)};
  if (auto s = append_audit(db, now, entry); !s) return fail(s.error().with_context(ctx));
  if (auto s = tx->commit(); !s) return fail(s.error().with_context(ctx));
  return std::move(*cart);
}

}  // namespace storeedge::store
