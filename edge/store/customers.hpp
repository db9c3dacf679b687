#pragma once
// Customers as the store knows them: profile, marketing consent, loyalty cards, and their orders
// across channels (in-store pos/kiosk sales and returns, web/app orders held for the store).
//
// Stored forms (the lookups rely on them, so every write goes through normalise_email/phone):
// - email: trimmed and lowercased; find_by_email is therefore case-insensitive and uses the index.
// - phone: digits with an optional leading '+'; spaces, dots, dashes and parentheses are dropped.
//
// Not thread-safe: a CustomerRepository borrows the replica's connection and must not outlive it.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "edge/store/order_kinds.hpp"
#include "platform/clock.hpp"
#include "platform/error.hpp"
#include "platform/sqlite/database.hpp"

namespace storeedge::store {

struct Customer {
  std::string id{};
  std::string name{};
  std::optional<std::string> email{};
  std::optional<std::string> phone{};
  bool marketing_consent = false;
  std::vector<std::string> cards{};  // loyalty card ids, sorted
  std::int64_t updated_at_ms = 0;    // set by upsert

  friend bool operator==(const Customer&, const Customer&) = default;
};

// "Ana@Example.COM " -> "ana@example.com". Errc::invalid_argument naming the value when it is not
// local@domain.tld (no spaces, one '@', a dot inside the domain, at most 254 characters).
[[nodiscard]] Result<std::string> normalise_email(std::string_view email);
// "+34 600-12.34 (56)" -> "+34600123456". Errc::invalid_argument naming the value
// for any other character, a '+' that is not first, or fewer than 6 / more than 15 digits (E.164).
[[nodiscard]] Result<std::string> normalise_phone(std::string_view phone);

// One row of a customer's history, as a till or kiosk shows it.
struct OrderSummary {
  std::string order_id{};
  OrderKind kind = OrderKind::sale;
  Channel channel = Channel::pos;
  std::string status{};  // completed, cancelled, pending, ready_for_pickup, collected, packed, shipped
  std::optional<std::string> receipt_number{};
  std::string currency{};
  std::int64_t total_cents = 0;  // signed: returns are negative
  std::int64_t created_at_ms = 0;
  std::int64_t line_count = 0;

  // What to show the customer: the receipt number for in-store orders, the order id otherwise.
  const std::string& reference() const { return receipt_number ? *receipt_number : order_id; }
};

// A partial edit at the till or kiosk: fields left empty (std::nullopt) keep their value; an empty
// email or phone removes it.
struct CustomerEdit {
  std::string customer_id{};
  std::optional<std::string> name{};
  std::optional<std::string> email{};
  std::optional<std::string> phone{};
  std::optional<bool> marketing_consent{};
};

// The profile fields a local edit changed, by the names the hub merges (name, email, phone,
// marketing_consent, cards); every field for a new customer.
std::vector<std::string> changed_fields(const std::optional<Customer>& before, const Customer& after);

// Who caused a write: a local edit queues a "customer.upserted" mutation for the hub, listing the
// fields it changed ("changed") and stamped with the node's hybrid logical clock at edit time (the hub
// merges profile fields last-writer-wins by that stamp), and refuses an email or phone that another
// customer already uses; a local edit that changes nothing writes nothing; a change applied from the hub does
// neither (the hub is the authority and has it already). Both are audited.
enum class Origin { local, hub };

class CustomerRepository {
 public:
  CustomerRepository(sqlite::Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  [[nodiscard]] Result<std::optional<Customer>> find(std::string_view customer_id);
  [[nodiscard]] Result<std::optional<Customer>> find_by_card(std::string_view card_id);
  // Input is normalised first, so a malformed email or phone is Errc::invalid_argument. When
  // several customers share it (possible only via the hub), the most recently updated wins.
  [[nodiscard]] Result<std::optional<Customer>> find_by_email(std::string_view email);
  [[nodiscard]] Result<std::optional<Customer>> find_by_phone(std::string_view phone);

  // Inserts or replaces the customer, its consent and its set of cards (cards not listed are
  // removed), in one transaction with an audit entry by `actor`. Fails with nothing written on an
  // empty id or name, a malformed email or phone (invalid_argument), a card held by another
  // customer (conflict), or, for local edits, an email or phone used by another customer
  // (already_exists). Returns the customer as stored. Inside a transaction the caller holds (hub
  // sync applying a batch with its cursor) it joins that transaction instead: nothing is committed
  // here, and on failure the caller must roll back, since earlier rows of the call may be written.
  [[nodiscard]] Result<Customer> upsert(const Customer& customer, std::string_view actor,
                                        Origin origin = Origin::local);

  // Applies a partial edit to a known customer (Errc::not_found otherwise) as a local upsert.
  [[nodiscard]] Result<Customer> update(const CustomerEdit& edit, std::string_view actor);

  // The customer's orders, newest first (ties by order id), at most `limit` (1..1000).
  // Errc::not_found for an unknown customer.
  [[nodiscard]] Result<std::vector<OrderSummary>> purchase_history(std::string_view customer_id,
                                                                   int limit = 50);

 private:
  Result<std::optional<Customer>> find_where(std::string_view where_sql, std::string_view key);
  Result<Customer> validated(const Customer& customer);
  Status check_unique(const Customer& c);
  Status write_cards(const Customer& c);

  sqlite::Database& db_;
  const Clock& clock_;
};

}  // namespace storeedge::store
