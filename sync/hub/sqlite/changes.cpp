// Change streams: appending changes, stock moves, and pulling them per store with epoch cursors.
#include <algorithm>
#include <array>
#include <charconv>
#include <vector>

#include <boost/json.hpp>

#include "platform/sqlite/transaction.hpp"
#include "sync/hub/json_read.hpp"
#include "sync/hub/sqlite/sql_util.hpp"
#include "sync/hub/sqlite/sqlite_storage.hpp"

namespace storeedge::sync::hub {
namespace json = boost::json;
namespace {

constexpr std::string_view kCursorVersion = "c1";

std::string make_cursor(std::string_view stream, std::string_view epoch, std::int64_t seq) {
  return std::string(kCursorVersion) + "." + std::string(stream) + "." + std::string(epoch) + "." +
         std::to_string(seq);
}

// The sequence number a cursor stands for. Empty: the beginning (0).
Result<std::int64_t> read_cursor(std::string_view stream, std::string_view cursor, std::string_view epoch) {
  if (cursor.empty()) return 0;
  const std::string quoted = "cursor '" + std::string(cursor) + "' of stream " + std::string(stream);
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (parts.size() < 4) {
    const std::size_t dot = parts.size() == 3 ? std::string_view::npos : cursor.find('.', start);
    parts.push_back(
        cursor.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  std::int64_t seq = -1;
  if (parts.size() != 4 || parts[0] != kCursorVersion ||
      std::from_chars(parts[3].data(), parts[3].data() + parts[3].size(), seq).ptr !=
          parts[3].data() + parts[3].size() ||
      seq < 0) {
    return fail(Errc::invalid_argument, quoted + " is not a cursor this hub issued");
  }
  if (parts[1] != stream)
    return fail(Errc::invalid_argument, quoted + " belongs to stream " + std::string(parts[1]));
  if (parts[2] != epoch) {
    return fail(Errc::conflict,
                quoted + " is from hub epoch " + std::string(parts[2]) + " but this hub's epoch is " +
                    std::string(epoch) +
                    ": the hub was restored or rebuilt; re-sync from scratch (keep the outbox)",
                kResyncRequired);
  }
  return seq;
}

// Whether a change about the customer in `subject` is for store ?4: always when ?5 = 0 (a stream
// other than customers), else when the customer has an offline allowance there or is relevant to
// the store by its scope ?6: its region ?7, or its purchases (docs/protocol.md, "Hub change payloads").
std::string relevant_to_store(std::string_view subject) {
  const std::string s(subject);
  return "(?5 = 0 OR EXISTS (SELECT 1 FROM loyalty_allowance a WHERE a.customer_id = " + s +
         " AND a.store_code = ?4) OR (?6 = 'region' AND EXISTS (SELECT 1 FROM customer cu WHERE "
         "cu.customer_id = " +
         s +
         " AND cu.home_region = ?7)) OR (?6 = 'purchases' AND EXISTS (SELECT 1 FROM customer_store cs WHERE "
         "cs.customer_id = " +
         s + " AND cs.store_code = ?4)))";
}

// The change_log rows of stream ?1 past position ?2 a store may see: its own rows, rows for every
// store, and for customers only those of customers relevant to it; `columns` selected.
std::string change_log_rows(std::string_view columns) {
  return "SELECT " + std::string(columns) +
         " FROM change_log c WHERE c.stream = ?1 AND c.seq > ?2 AND (c.origin_node IS NULL OR "
         "c.origin_node <> ?3) AND (c.store_code = ?4 OR (c.store_code IS NULL AND " +
         relevant_to_store("c.subject") + "))";
}

const std::string& stream_query() {
  static const std::string query = change_log_rows("c.seq, c.entity, c.payload") + " ORDER BY c.seq LIMIT ?8";
  return query;
}

// The customers stream: profiles and allowances from change_log, merged by position with the loyalty
// entries, which are served from their ledger rows (schema version 11; columns 3.. are the entry's).
// Both sides are read in position order and the merge stops at the limit.
const std::string& customers_query() {
  static const std::string query =
      change_log_rows("c.seq, c.entity, c.payload, NULL, NULL, NULL, NULL, NULL, NULL, NULL") +
      " UNION ALL "
      "SELECT l.stream_seq, NULL, NULL, l.entry_id, l.customer_id, l.points, l.kind, l.order_id, "
      "l.origin_node, l.created_at_ms FROM loyalty_entry l "
      "WHERE l.stream_seq > ?2 AND (l.origin_node IS NULL OR l.origin_node <> ?3) AND " +
      relevant_to_store("l.customer_id") + " ORDER BY 1 LIMIT ?8";
  return query;
}

// The change a loyalty entry row of customers_query() stands for: the document the entry's copy in
// change_log held before schema version 11.
Change loyalty_change(const sqlite::Statement& r) {
  const auto entry_id = r.get<std::string>(3);
  const auto origin_node = r.get<std::optional<std::string>>(8);
  return {"customers", r.get<std::int64_t>(0), "loyalty:" + entry_id,
          json::serialize(json::object{{"type", "loyalty_entry"},
                                       {"entry_id", entry_id},
                                       {"customer_id", r.get<std::string>(4)},
                                       {"points", r.get<std::int64_t>(5)},
                                       {"kind", r.get<std::string>(6)},
                                       {"order_id", jsonr::opt(r.get<std::optional<std::string>>(7))},
                                       {"node_id", origin_node.value_or("hub")},
                                       {"created_at_ms", r.get<std::int64_t>(9)}})};
}

// The stock and store_orders streams are served from their rows (schema version 6): a store's own
// rows from its position on, except those its node sent.
// Single moves (ERP level settings, and every move written before hub schema version 10) and orders'
// moves (order_stock, one row per order holding the positions up to last_seq), merged by position.
// Every row holds at least one position past the cursor, so `budget + 1` rows are enough.
constexpr std::string_view kStockQuery = R"sql(
SELECT stream_seq, move_id, sku, delta, NULL, reason, order_id, created_at_ms FROM stock_move
WHERE store_code = ?1 AND stream_seq > ?2 AND (origin_node IS NULL OR origin_node <> ?3)
UNION ALL
SELECT last_seq, NULL, NULL, NULL, moves, reason, order_id, created_at_ms FROM order_stock
WHERE store_code = ?1 AND last_seq > ?2 AND origin_node <> ?3
ORDER BY 1 LIMIT ?4
)sql";

constexpr std::string_view kStoreOrdersQuery = R"sql(
SELECT stream_seq, order_id, base, status, fulfilment, needs_review, review_reason, updated_at_ms,
       tracking_reference, carrier
FROM hub_order
WHERE store_code = ?1 AND stream_seq > ?2 AND (origin_node IS NULL OR origin_node <> ?3)
ORDER BY stream_seq LIMIT ?4
)sql";

std::string stock_move_document(std::int64_t hub_move_id, std::string_view store_code, std::string_view sku,
                                std::int64_t delta, std::string_view reason,
                                const std::optional<std::string>& order_id, std::int64_t created_at_ms) {
  return json::serialize(json::object{{"type", "stock_move"},
                                      {"hub_move_id", hub_move_id},
                                      {"store_code", store_code},
                                      {"sku", sku},
                                      {"delta", delta},
                                      {"reason", reason},
                                      {"order_id", jsonr::opt(order_id)},
                                      {"created_at_ms", created_at_ms}});
}

// The changes one row of kStockQuery stands for, past `after`: a single move, or each move of an
// order at its own position (the last at the row's position, the ones before it just below).
Status stock_changes(const sqlite::Statement& r, std::string_view store_code, std::int64_t after,
                     std::vector<Change>& out) {
  const std::int64_t last = r.get<std::int64_t>(0);
  const auto reason = r.get<std::string>(5);
  const auto order_id = r.get<std::optional<std::string>>(6);
  const std::int64_t at = r.get<std::int64_t>(7);
  const auto moves_text = r.get<std::optional<std::string>>(4);
  if (!moves_text) {
    const std::int64_t id = r.get<std::int64_t>(1);
    out.push_back({"stock", last, "move:" + std::to_string(id),
                   stock_move_document(id, store_code, r.get<std::string>(2), r.get<std::int64_t>(3), reason,
                                       order_id, at)});
    return {};
  }
  const auto what = [&] {
    return "stock moves of order " + order_id.value_or("?") + " at " + std::to_string(last);
  };
  boost::system::error_code ec;
  const json::value moves = json::parse(*moves_text, ec);
  if (ec || !moves.is_array() || moves.as_array().empty())
    return fail(Errc::corrupt, what() + " are unreadable");
  const json::array& list = moves.as_array();
  const std::int64_t first = last - static_cast<std::int64_t>(list.size()) + 1;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::int64_t seq = first + static_cast<std::int64_t>(i);
    if (seq <= after) continue;
    const json::array* move = list[i].if_array();
    if (move == nullptr || move->size() != 2 || !(*move)[0].is_string() || !(*move)[1].is_int64())
      return fail(Errc::corrupt, what() + ": move " + std::to_string(i + 1) + " is unreadable");
    out.push_back({"stock", seq, "move:" + std::to_string(seq),
                   stock_move_document(seq, store_code, (*move)[0].get_string(), (*move)[1].get_int64(),
                                       reason, order_id, at)});
  }
  return {};
}

// An order's moves as order_stock.moves stores them: [["sku",delta],...] in the order's order. Built
// as text (each SKU quoted by Boost.JSON): a json::array of arrays took more than inserting the row.
std::string order_stock_moves(const EdgeOrder& order) {
  std::string out = "[";
  for (const EdgeStockDelta& d : order.stock) {
    if (out.size() > 1) out += ',';
    out += '[';
    out += json::serialize(json::string_view(d.sku));
    out += ',';
    out += std::to_string(d.delta);
    out += ']';
  }
  out += ']';
  return out;
}

struct StoreScope {
  std::string region;
  std::string customer_scope;
};

}  // namespace

Result<std::int64_t> SqliteStorage::next_seq(std::string_view stream, std::int64_t count) {
  if (push_.active) {
    auto it = push_.next.find(stream);
    if (it == push_.next.end()) {
      auto last = db_.query_one<std::int64_t>("SELECT last_seq FROM stream_seq WHERE stream = ?", stream);
      if (!last)
        return fail(last.error().with_context("reading the position of stream " + std::string(stream)));
      it = push_.next.emplace(std::string(stream), last->value_or(0)).first;
    }
    return it->second += count;
  }
  // The stream's next sequence numbers, taken in one statement (the row exists after the first change).
  auto next = db_.query_one<std::int64_t>(
      "INSERT INTO stream_seq (stream, last_seq) VALUES (?1, ?2) ON CONFLICT (stream) DO UPDATE "
      "SET last_seq = last_seq + ?2 RETURNING last_seq",
      stream, count);
  if (!next) return fail(next.error().with_context("advancing stream " + std::string(stream)));
  if (!*next) return fail(Errc::internal, "advancing stream " + std::string(stream) + ": no sequence number");
  return **next;
}

void SqliteStorage::unuse_seq(std::string_view stream, std::int64_t seq) {
  if (!push_.active) return;
  if (auto it = push_.next.find(stream); it != push_.next.end() && it->second == seq) --it->second;
}

Result<std::optional<std::string>> SqliteStorage::pushing_node_store(std::string_view node_id) {
  if (push_.active && push_.node_store) return *push_.node_store;
  auto store = db_.query_one<std::string>(
      "SELECT store_code FROM node WHERE node_id = ? AND store_code IS NOT NULL", node_id);
  if (!store) return fail(store.error());
  if (push_.active) push_.node_store = *store;
  return *store;
}

void SqliteStorage::begin_push_batch(bool accumulate_stock) {
  push_.active = true;  // end_push_batch left the maps empty
  push_.accumulate_stock = accumulate_stock;
}

Status SqliteStorage::flush_push_batch() {
  std::vector<const decltype(push_.stock)::value_type*> levels;
  levels.reserve(push_.stock.size());
  for (const auto& entry : push_.stock) {
    if (entry.second != 0) levels.push_back(&entry);
  }
  std::sort(levels.begin(), levels.end(), [](const auto* a, const auto* b) { return a->first < b->first; });
  for (const auto* entry : levels) {
    const auto& [key, delta] = *entry;
    if (auto s = add_to_stock_level(key.first, key.second, delta); !s)
      return fail(s.error().with_context("stock level of " + key.second + " in store " + key.first));
  }
  push_.stock.clear();
  for (const auto& [stream, last] : push_.next) {
    if (auto s = sql::run(db_,
                          "INSERT INTO stream_seq (stream, last_seq) VALUES (?, ?) ON CONFLICT (stream) DO "
                          "UPDATE SET last_seq = excluded.last_seq",
                          "saving the position of stream " + stream, stream, last);
        !s) {
      return s;
    }
  }
  return {};
}

void SqliteStorage::end_push_batch() {
  push_.active = false;
  push_.accumulate_stock = false;
  push_.next.clear();
  push_.stock.clear();
  push_.node_store.reset();
}

Status SqliteStorage::append_change(std::string_view stream, std::string_view entity,
                                    const ChangeScope& scope, std::string_view payload, bool new_entity) {
  auto seq = next_seq(stream);
  if (!seq) return fail(seq.error());
  const auto what = [&] { return "appending " + std::string(entity) + " to stream " + std::string(stream); };
  if (!new_entity) {
    if (auto s = sql::run(db_, "DELETE FROM change_log WHERE stream = ? AND entity = ?", "", stream, entity);
        !s) {
      return fail(s.error().with_context(what()));
    }
  }
  if (auto s =
          sql::run(db_,
                   "INSERT INTO change_log (stream, seq, entity, store_code, subject, origin_node, payload) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?)",
                   "", stream, *seq, entity, scope.store_code, scope.subject, scope.origin_node, payload);
      !s) {
    return fail(s.error().with_context(what()));
  }
  return {};
}

// Gives every change about a customer a new sequence number, oldest first, so that a store the
// customer just became relevant to receives the profile and ledger it has never seen. Loyalty entries
// carry their position in their ledger row (schema version 11), the other changes in change_log.
Status SqliteStorage::resurface_customer(std::string_view customer_id) {
  std::vector<std::pair<bool, std::string>> changes;  // (a loyalty entry, its entry id or entity)
  auto s = sql::each(
      db_,
      "SELECT seq, entity, 0 FROM change_log WHERE stream = 'customers' AND subject = ?1 UNION ALL "
      "SELECT stream_seq, entry_id, 1 FROM loyalty_entry WHERE stream_seq IS NOT NULL "
      "AND entry_id IN (SELECT ref FROM (" +
          customer_refs_sql(CustomerRefKind::loyalty) +
          ")) "
          "ORDER BY 1",
      "reading customer changes",
      [&](const sqlite::Statement& r) -> Status {
        changes.emplace_back(r.get<bool>(2), r.get<std::string>(1));
        return {};
      },
      customer_id);
  if (!s) return s;
  for (const auto& [loyalty, key] : changes) {
    auto seq = next_seq("customers");
    if (!seq) return fail(seq.error());
    auto u = loyalty
                 ? sql::run(db_, "UPDATE loyalty_entry SET stream_seq = ? WHERE entry_id = ?",
                            "renumbering loyalty entry " + key, *seq, key)
                 : sql::run(db_, "UPDATE change_log SET seq = ? WHERE stream = 'customers' AND entity = ?",
                            "renumbering " + key, *seq, key);
    if (!u) return u;
  }
  return {};
}

// A stock move is its own entry in the stock stream: the row carries its stream position, which is
// also its id (hub schema version 10), and pull builds the change from it (no copy in change_log).
Result<std::int64_t> SqliteStorage::add_stock_move(std::string_view store_code, std::string_view sku,
                                                   std::int64_t delta, std::string_view reason,
                                                   std::optional<std::string> origin_node,
                                                   std::optional<std::string> order_id) {
  auto seq = next_seq("stock");
  if (!seq) return fail(seq.error());
  if (auto s =
          sql::run(db_,
                   "INSERT INTO stock_move (move_id, store_code, sku, delta, reason, origin_node, order_id, "
                   "created_at_ms, stream_seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?1)",
                   "", *seq, store_code, sku, delta, reason, origin_node, order_id, now_ms());
      !s) {
    return fail(s.error().with_context("writing stock move of " + std::string(sku)));
  }
  if (auto s = count_stock(store_code, sku, delta); !s) return fail(s.error());
  return *seq;
}

// An order's stock moves are one order_stock row (a row and an index entry per sold line cost more
// than the rest of the order): its moves take consecutive stream positions, the row is keyed by the
// last.
Status SqliteStorage::add_order_stock_moves(const EdgeOrder& order, std::string_view reason,
                                            std::string_view node_id) {
  if (order.stock.empty()) return {};
  auto last = next_seq("stock", static_cast<std::int64_t>(order.stock.size()));
  if (!last) return fail(last.error());
  if (auto s = sql::run(
          db_,
          "INSERT INTO order_stock (store_code, last_seq, moves, reason, origin_node, order_id, "
          "created_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?)",
          "", order.store_code, *last, order_stock_moves(order), reason, node_id, order.order_id, now_ms());
      !s) {
    return fail(s.error().with_context("writing the stock moves of order " + order.order_id));
  }
  for (const EdgeStockDelta& d : order.stock) {
    if (auto l = count_stock(order.store_code, d.sku, d.delta); !l) return l;
  }
  return {};
}

// A move's delta reaches its store's level: at flush_push_batch when accumulating, at once otherwise.
Status SqliteStorage::count_stock(std::string_view store_code, std::string_view sku, std::int64_t delta) {
  if (!push_.accumulate_stock) {
    if (auto s = add_to_stock_level(store_code, sku, delta); !s)
      return fail(s.error().with_context("stock level of " + std::string(sku)));
    return {};
  }
  auto it = push_.stock.find(std::pair<std::string_view, std::string_view>(store_code, sku));
  if (it == push_.stock.end())
    it = push_.stock.emplace(std::pair(std::string(store_code), std::string(sku)), 0).first;
  it->second += delta;
  return {};
}

Result<std::int64_t> SqliteStorage::stock_level(std::string_view store_code, std::string_view sku) {
  auto level = db_.query_one<std::int64_t>("SELECT level FROM stock_level WHERE store_code = ? AND sku = ?",
                                           store_code, sku);
  if (!level) return fail(level.error());
  std::int64_t pending = 0;
  if (auto it = push_.stock.find(std::pair<std::string_view, std::string_view>(store_code, sku));
      it != push_.stock.end()) {
    pending = it->second;
  }
  return level->value_or(0) + pending;
}

Status SqliteStorage::add_to_stock_level(std::string_view store_code, std::string_view sku,
                                         std::int64_t delta) {
  return sql::run(db_,
                  "INSERT INTO stock_level (store_code, sku, level) VALUES (?1, ?2, ?3) "
                  "ON CONFLICT (store_code, sku) DO UPDATE SET level = level + ?3",
                  "", store_code, sku, delta);
}

Result<PullResult> SqliteStorage::pull(const PullRequest& req) {
  if (req.max_changes == 0) return fail(Errc::invalid_argument, "a pull must allow at least one change");
  for (const auto& [stream, cursor] : req.cursors) {
    if (std::find(kStreams.begin(), kStreams.end(), stream) == kStreams.end()) {
      return fail(Errc::invalid_argument, "no stream '" + stream +
                                              "' (streams: catalog, prices, promotions, "
                                              "stock, customers, store_orders, gift_cards)");
    }
  }
  auto tx = sqlite::Transaction::begin(db_, sqlite::Transaction::Mode::deferred);  // one snapshot
  if (!tx) return fail(tx.error());
  std::optional<StoreScope> store;
  auto s = sql::each(
      db_, "SELECT region, customer_scope FROM store WHERE store_code = ?", "reading store",
      [&](const sqlite::Statement& r) -> Status {
        store = StoreScope{r.get<std::string>(0), r.get<std::string>(1)};
        return {};
      },
      req.store_code);
  if (!s) return fail(s.error());
  if (!store) return fail(Errc::not_found, "no store '" + req.store_code + "' to pull for");

  PullResult out;
  std::int64_t budget = static_cast<std::int64_t>(std::min<std::size_t>(req.max_changes, 1'000'000));
  for (std::string_view stream : kStreams) {
    auto it = req.cursors.find(std::string(stream));
    if (it == req.cursors.end()) continue;
    auto after = read_cursor(stream, it->second, epoch_);
    if (!after) return fail(after.error());
    auto last = db_.query_one<std::int64_t>("SELECT last_seq FROM stream_seq WHERE stream = ?", stream);
    if (!last) return fail(last.error());
    const std::int64_t head = last->value_or(0);
    if (*after > head) {
      return fail(Errc::invalid_argument, "cursor of stream " + std::string(stream) +
                                              " is ahead of this hub (" + std::to_string(*after) + " > " +
                                              std::to_string(head) + ")");
    }
    // Rows go straight into the result (no second copy); one row past the budget says `more`.
    const std::size_t first = out.changes.size();
    out.changes.reserve(first + static_cast<std::size_t>(std::min<std::int64_t>(budget + 1, head - *after)));
    Status q;
    if (stream == "stock") {
      q = sql::each(
          db_, kStockQuery, "pulling stream stock",
          [&](const sqlite::Statement& r) -> Status {
            if (static_cast<std::int64_t>(out.changes.size() - first) > budget) return {};
            return stock_changes(r, req.store_code, *after, out.changes);
          },
          req.store_code, *after, req.node_id, budget + 1);
    } else if (stream == "store_orders") {
      q = sql::each(
          db_, kStoreOrdersQuery, "pulling stream store_orders",
          [&](const sqlite::Statement& r) -> Status {
            auto doc =
                order_document(r.get<std::string>(2), r.get<std::string>(3), r.get<std::string>(4),
                               r.get<bool>(5), r.get<std::string>(6), r.get<std::int64_t>(7),
                               r.get<std::optional<std::string>>(8), r.get<std::optional<std::string>>(9));
            if (!doc) return fail(doc.error().with_context("order " + r.get<std::string>(1)));
            out.changes.push_back(
                {"store_orders", r.get<std::int64_t>(0), "order:" + r.get<std::string>(1), std::move(*doc)});
            return {};
          },
          req.store_code, *after, req.node_id, budget + 1);
    } else {
      const bool customers = stream == "customers";
      q = sql::each(
          db_, customers ? customers_query() : stream_query(), "pulling stream " + std::string(stream),
          [&](const sqlite::Statement& r) -> Status {
            if (customers && r.column_is_null(2)) {
              out.changes.push_back(loyalty_change(r));
              return {};
            }
            out.changes.push_back(
                {std::string(stream), r.get<std::int64_t>(0), r.get<std::string>(1), r.get<std::string>(2)});
            return {};
          },
          stream, *after, req.node_id, req.store_code, customers ? 1 : 0, store->customer_scope,
          store->region, budget + 1);
    }
    if (!q) return fail(q.error());
    std::int64_t upto = head;
    std::int64_t got = static_cast<std::int64_t>(out.changes.size() - first);
    if (got > budget) {
      out.changes.resize(first + static_cast<std::size_t>(budget));
      got = budget;
      upto = got == 0 ? *after : out.changes.back().seq;
      out.more = true;
    }
    budget -= got;
    out.cursors[std::string(stream)] = make_cursor(stream, epoch_, upto);
  }
  return out;
}

}  // namespace storeedge::sync::hub
