#include "edge/store/customers.hpp"

#include <algorithm>
#include <cctype>
#include <optional>

#include <boost/json.hpp>

#include "edge/store/journal.hpp"
#include "edge/store/pickups.hpp"
#include "platform/sqlite/transaction.hpp"

namespace storeedge::store {
namespace json = boost::json;
namespace {

constexpr std::size_t kMaxEmail = 254;
constexpr std::size_t kMinPhoneDigits = 6;
constexpr std::size_t kMaxPhoneDigits = 15;
constexpr int kMaxHistory = 1000;

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())) != 0) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())) != 0) s.remove_suffix(1);
  return s;
}

Result<OrderKind> parse_kind(const std::string& s) {
  if (s == "sale") return OrderKind::sale;
  if (s == "return") return OrderKind::return_;
  if (s == "exchange") return OrderKind::exchange;
  return fail(Errc::corrupt, "sales_order.kind '" + s + "' is not sale, return or exchange");
}

Result<Channel> parse_channel(const std::string& s) {
  if (s == "pos") return Channel::pos;
  if (s == "kiosk") return Channel::kiosk;
  if (s == "web") return Channel::web;
  if (s == "app") return Channel::app;
  return fail(Errc::corrupt, "sales_order.channel '" + s + "' is not pos, kiosk, web or app");
}

json::value optional_json(const std::optional<std::string>& s) {
  if (!s) return nullptr;
  return json::value(*s);
}

// The customer.upserted payload: the whole profile plus the fields this edit changed, the only ones
// the hub merges (docs/protocol.md).
std::string customer_json(const Customer& c, const std::vector<std::string>& changed) {
  json::array cards;
  for (const auto& card : c.cards) cards.emplace_back(card);
  json::array changed_json;
  for (const auto& f : changed) changed_json.emplace_back(f);
  return json::serialize(json::object{{"customer_id", c.id},
                                      {"name", c.name},
                                      {"email", optional_json(c.email)},
                                      {"phone", optional_json(c.phone)},
                                      {"marketing_consent", c.marketing_consent},
                                      {"cards", std::move(cards)},
                                      {"changed", std::move(changed_json)},
                                      {"updated_at_ms", c.updated_at_ms}});
}

}  // namespace

std::vector<std::string> changed_fields(const std::optional<Customer>& before, const Customer& after) {
  std::vector<std::string> out;
  if (!before || before->name != after.name) out.emplace_back("name");
  if (!before || before->email != after.email) out.emplace_back("email");
  if (!before || before->phone != after.phone) out.emplace_back("phone");
  if (!before || before->marketing_consent != after.marketing_consent) out.emplace_back("marketing_consent");
  if (!before || before->cards != after.cards) out.emplace_back("cards");
  return out;
}

Result<std::string> normalise_email(std::string_view email) {
  const std::string_view t = trim(email);
  const std::string quoted = "email '" + std::string(email) + "'";
  if (t.empty()) return fail(Errc::invalid_argument, "email is empty");
  if (t.size() > kMaxEmail) return fail(Errc::invalid_argument, quoted + " is longer than 254 characters");
  const auto at = t.find('@');
  if (at == std::string_view::npos || t.find('@', at + 1) != std::string_view::npos) {
    return fail(Errc::invalid_argument, quoted + " must contain exactly one '@'");
  }
  std::string out;
  for (char ch : t) {
    const auto u = static_cast<unsigned char>(ch);
    if (std::isspace(u) != 0 || std::iscntrl(u) != 0) {
      return fail(Errc::invalid_argument, quoted + " contains a space or control character");
    }
    out += static_cast<char>(std::tolower(u));
  }
  const std::string_view local = t.substr(0, at);
  const std::string_view domain = t.substr(at + 1);
  const auto dot = domain.find('.');
  if (local.empty()) return fail(Errc::invalid_argument, quoted + " has nothing before the '@'");
  if (dot == std::string_view::npos || dot == 0 || domain.back() == '.' ||
      domain.find("..") != std::string_view::npos) {
    return fail(Errc::invalid_argument, quoted + " needs a domain like example.com after the '@'");
  }
  return out;
}

Result<std::string> normalise_phone(std::string_view phone) {
  const std::string_view t = trim(phone);
  const std::string quoted = "phone '" + std::string(phone) + "'";
  std::string out;
  std::size_t digits = 0;
  for (std::size_t i = 0; i < t.size(); ++i) {
    const char ch = t[i];
    if (ch >= '0' && ch <= '9') {
      out += ch;
      ++digits;
    } else if (ch == '+') {
      if (i != 0) return fail(Errc::invalid_argument, quoted + ": '+' is only allowed first");
      out += ch;
    } else if (ch != ' ' && ch != '-' && ch != '.' && ch != '(' && ch != ')') {
      return fail(Errc::invalid_argument, quoted + " contains '" + std::string(1, ch) +
                                              "'; use digits, an optional leading '+', spaces or dashes");
    }
  }
  if (digits < kMinPhoneDigits || digits > kMaxPhoneDigits) {
    return fail(Errc::invalid_argument,
                quoted + " has " + std::to_string(digits) + " digits; expected 6 to 15");
  }
  return out;
}

Result<std::optional<Customer>> CustomerRepository::find_where(std::string_view where_sql,
                                                               std::string_view key) {
  const std::string sql =
      "SELECT customer_id, name, email, phone, marketing_consent, updated_at_ms FROM customer WHERE " +
      std::string(where_sql) + " ORDER BY updated_at_ms DESC, customer_id LIMIT 1";
  auto stmt = db_.cached(sql);
  if (!stmt) return fail(stmt.error());
  if (auto s = (*stmt)->bind_all(key); !s) return fail(s.error());
  auto row = (*stmt)->step();
  if (!row) return fail(row.error().with_context("reading customer"));
  if (!*row) return std::optional<Customer>();
  Customer c;
  c.id = (*stmt)->get<std::string>(0);
  c.name = (*stmt)->get<std::string>(1);
  c.email = (*stmt)->get<std::optional<std::string>>(2);
  c.phone = (*stmt)->get<std::optional<std::string>>(3);
  c.marketing_consent = (*stmt)->get<bool>(4);
  c.updated_at_ms = (*stmt)->get<std::int64_t>(5);

  auto cards = db_.cached("SELECT card_id FROM loyalty_card WHERE customer_id = ? ORDER BY card_id");
  if (!cards) return fail(cards.error());
  if (auto s = (*cards)->bind_all(c.id); !s) return fail(s.error());
  while (true) {
    auto more = (*cards)->step();
    if (!more) return fail(more.error().with_context("reading loyalty cards of " + c.id));
    if (!*more) break;
    c.cards.push_back((*cards)->get<std::string>(0));
  }
  return std::optional<Customer>(std::move(c));
}

Result<std::optional<Customer>> CustomerRepository::find(std::string_view customer_id) {
  return find_where("customer_id = ?", customer_id);
}

Result<std::optional<Customer>> CustomerRepository::find_by_card(std::string_view card_id) {
  return find_where("customer_id = (SELECT customer_id FROM loyalty_card WHERE card_id = ?)", card_id);
}

Result<std::optional<Customer>> CustomerRepository::find_by_email(std::string_view email) {
  auto normal = normalise_email(email);
  if (!normal) return fail(normal.error());
  return find_where("email = ?", *normal);
}

Result<std::optional<Customer>> CustomerRepository::find_by_phone(std::string_view phone) {
  auto normal = normalise_phone(phone);
  if (!normal) return fail(normal.error());
  return find_where("phone = ?", *normal);
}

Result<Customer> CustomerRepository::validated(const Customer& customer) {
  Customer c = customer;
  c.id = std::string(trim(c.id));
  c.name = std::string(trim(c.name));
  if (c.id.empty()) return fail(Errc::invalid_argument, "customer id is empty");
  if (c.name.empty()) return fail(Errc::invalid_argument, "customer " + c.id + " has an empty name");
  if (c.email && trim(*c.email).empty()) c.email.reset();
  if (c.phone && trim(*c.phone).empty()) c.phone.reset();
  if (c.email) {
    auto e = normalise_email(*c.email);
    if (!e) return fail(e.error().with_context("customer " + c.id));
    c.email = std::move(*e);
  }
  if (c.phone) {
    auto p = normalise_phone(*c.phone);
    if (!p) return fail(p.error().with_context("customer " + c.id));
    c.phone = std::move(*p);
  }
  for (const auto& card : c.cards) {
    if (trim(card).empty()) return fail(Errc::invalid_argument, "customer " + c.id + " has an empty card id");
  }
  std::sort(c.cards.begin(), c.cards.end());
  c.cards.erase(std::unique(c.cards.begin(), c.cards.end()), c.cards.end());
  c.updated_at_ms = unix_millis(clock_.now());
  return c;
}

// A local edit must not make a lookup ambiguous.
Status CustomerRepository::check_unique(const Customer& c) {
  const std::pair<const char*, const std::optional<std::string>*> keys[] = {{"email", &c.email},
                                                                            {"phone", &c.phone}};
  for (const auto& [column, value] : keys) {
    if (!*value) continue;
    const std::string sql =
        std::string("SELECT customer_id FROM customer WHERE ") + column + " = ? AND customer_id <> ? LIMIT 1";
    auto other = db_.query_one<std::string>(sql, **value, c.id);
    if (!other) return fail(other.error());
    if (*other) {
      return fail(Errc::already_exists,
                  std::string(column) + " " + **value + " is already used by customer " + **other);
    }
  }
  return {};
}

Status CustomerRepository::write_cards(const Customer& c) {
  for (const auto& card : c.cards) {
    auto owner = db_.query_one<std::string>("SELECT customer_id FROM loyalty_card WHERE card_id = ?", card);
    if (!owner) return fail(owner.error());
    if (*owner && **owner != c.id) {
      return fail(Errc::conflict, "loyalty card " + card + " belongs to customer " + **owner);
    }
  }
  auto del = db_.cached("DELETE FROM loyalty_card WHERE customer_id = ?");
  if (!del) return fail(del.error());
  if (auto s = (*del)->bind_all(c.id); !s) return fail(s.error());
  if (auto s = (*del)->run(); !s) return fail(s.error());
  auto ins = db_.cached("INSERT INTO loyalty_card (card_id, customer_id) VALUES (?, ?)");
  if (!ins) return fail(ins.error());
  for (const auto& card : c.cards) {
    if (auto s = (*ins)->bind_all(card, c.id); !s) return fail(s.error());
    if (auto s = (*ins)->run(); !s) return fail(s.error().with_context("adding loyalty card " + card));
  }
  return {};
}

Result<Customer> CustomerRepository::upsert(const Customer& customer, std::string_view actor, Origin origin) {
  auto c = validated(customer);
  if (!c) return fail(c.error());
  const std::string ctx = "saving customer " + c->id;
  // Hub sync applies a batch and its cursor in one transaction: inside a caller's transaction the
  // upsert joins it (and the caller commits); otherwise it is its own transaction.
  std::optional<sqlite::Transaction> tx;
  if (!db_.in_transaction()) {
    auto begun = sqlite::Transaction::begin(db_);
    if (!begun) return fail(begun.error().with_context(ctx));
    tx.emplace(std::move(*begun));
  }
  auto before = find(c->id);
  if (!before) return fail(before.error().with_context(ctx));
  const bool existed = before->has_value();
  std::vector<std::string> changed;
  if (origin == Origin::local) {
    changed = changed_fields(*before, *c);
    if (changed.empty()) return std::move(**before);  // nothing to write, nothing to tell the hub
    if (auto s = check_unique(*c); !s) return fail(s.error());
  }
  auto ins = db_.cached(
      "INSERT INTO customer (customer_id, name, email, phone, marketing_consent, updated_at_ms) "
      "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (customer_id) DO UPDATE SET name = excluded.name, "
      "email = excluded.email, phone = excluded.phone, marketing_consent = excluded.marketing_consent, "
      "updated_at_ms = excluded.updated_at_ms");
  if (!ins) return fail(ins.error());
  if (auto s = (*ins)->bind_all(c->id, c->name, c->email, c->phone, c->marketing_consent ? 1 : 0,
                                c->updated_at_ms);
      !s) {
    return fail(s.error());
  }
  if (auto s = (*ins)->run(); !s) return fail(s.error().with_context(ctx));
  if (auto s = write_cards(*c); !s) return fail(s.error());

  // The audit entry names what changed but keeps contact details out of the log.
  json::object audit{{"origin", origin == Origin::local ? "local" : "hub"},
                     {"marketing_consent", c->marketing_consent},
                     {"cards", c->cards.size()}};
  if (origin == Origin::local) {
    json::array names;
    for (const auto& f : changed) names.emplace_back(f);
    audit["changed"] = std::move(names);
  }
  const std::string details = json::serialize(audit);
  const std::string action = existed ? "customer.updated" : "customer.created";
  if (auto s = append_audit(db_, c->updated_at_ms, {std::string(actor), action, c->id, details}); !s) {
    return fail(s.error().with_context(ctx));
  }
  if (origin == Origin::local) {
    // Stamped now, not at first push: an edit made offline must not look newer than an online
    // change made after it.
    if (auto s = enqueue_stamped_mutation(db_, c->updated_at_ms,
                                          {"customer.upserted", c->id, customer_json(*c, changed)});
        !s) {
      return fail(s.error().with_context(ctx));
    }
  }
  if (tx) {
    if (auto s = tx->commit(); !s) return fail(s.error().with_context(ctx));
  }
  return std::move(*c);
}

Result<Customer> CustomerRepository::update(const CustomerEdit& edit, std::string_view actor) {
  auto current = find(edit.customer_id);
  if (!current) return fail(current.error());
  if (!*current) return fail(Errc::not_found, "no customer " + edit.customer_id);
  Customer c = std::move(**current);
  if (edit.name) c.name = *edit.name;
  if (edit.email) c.email = *edit.email;
  if (edit.phone) c.phone = *edit.phone;
  if (edit.marketing_consent) c.marketing_consent = *edit.marketing_consent;
  return upsert(c, actor, Origin::local);
}

Result<std::vector<OrderSummary>> CustomerRepository::purchase_history(std::string_view customer_id,
                                                                       int limit) {
  if (limit < 1 || limit > kMaxHistory) {
    return fail(Errc::invalid_argument,
                "history limit " + std::to_string(limit) + " is outside 1.." + std::to_string(kMaxHistory));
  }
  auto known = db_.query_one<std::int64_t>("SELECT 1 FROM customer WHERE customer_id = ?", customer_id);
  if (!known) return fail(known.error());
  if (!*known) return fail(Errc::not_found, "no customer " + std::string(customer_id));

  auto stmt = db_.cached(
      "SELECT o.order_id, o.kind, o.channel, " + std::string(kOnlineStatusSql) +
      ", o.receipt_number, o.currency, o.total_cents, "
      "o.created_at_ms, (SELECT COUNT(*) FROM order_line l WHERE l.order_id = o.order_id) "
      "FROM sales_order o WHERE o.customer_id = ? ORDER BY o.created_at_ms DESC, o.order_id DESC LIMIT ?");
  if (!stmt) return fail(stmt.error());
  if (auto s = (*stmt)->bind_all(customer_id, limit); !s) return fail(s.error());
  std::vector<OrderSummary> out;
  while (true) {
    auto row = (*stmt)->step();
    if (!row)
      return fail(row.error().with_context("reading the history of customer " + std::string(customer_id)));
    if (!*row) break;
    OrderSummary o;
    o.order_id = (*stmt)->get<std::string>(0);
    auto kind = parse_kind((*stmt)->get<std::string>(1));
    auto channel = parse_channel((*stmt)->get<std::string>(2));
    if (!kind) return fail(kind.error().with_context("order " + o.order_id));
    if (!channel) return fail(channel.error().with_context("order " + o.order_id));
    o.kind = *kind;
    o.channel = *channel;
    o.status = (*stmt)->get<std::string>(3);
    o.receipt_number = (*stmt)->get<std::optional<std::string>>(4);
    o.currency = (*stmt)->get<std::string>(5);
    o.total_cents = (*stmt)->get<std::int64_t>(6);
    o.created_at_ms = (*stmt)->get<std::int64_t>(7);
    o.line_count = (*stmt)->get<std::int64_t>(8);
    out.push_back(std::move(o));
  }
  return out;
}

}  // namespace storeedge::store
