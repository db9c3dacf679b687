// The hub database schema as an ordered list of migrations. Never edit a released migration: add one.
#include <array>

#include "sync/hub/sqlite/sqlite_storage.hpp"

namespace storeedge::sync::hub {
namespace {

// The hub epoch names one incarnation of the hub's database. It is minted when the database is
// created; a hub restored from a backup or rebuilt gets a new one, which tells edges to re-sync.
constexpr std::string_view kHubIdentity = R"sql(
CREATE TABLE hub_identity (
  singleton     INTEGER PRIMARY KEY CHECK (singleton = 1),
  epoch         TEXT    NOT NULL,
  created_at_ms INTEGER NOT NULL
) STRICT;
)sql";

// Version 2: the storage engine (sync/hub/storage.hpp). docs/protocol.md, "Hub change payloads",
// describes what the change_log payloads look like.
constexpr std::string_view kStorage = R"sql(
-- The largest HLC stamp the hub has made or seen; CRM writes are stamped after it.
CREATE TABLE hub_clock (
  singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
  hlc       TEXT    NOT NULL
) STRICT;

CREATE TABLE store (
  store_code     TEXT PRIMARY KEY,
  region         TEXT NOT NULL,
  customer_scope TEXT NOT NULL CHECK (customer_scope IN ('region', 'purchases'))
) STRICT;

-- last_mutation_id is the push watermark, written in the same transaction as each mutation.
CREATE TABLE node (
  node_id             TEXT    PRIMARY KEY,
  store_code          TEXT,
  last_mutation_id    INTEGER NOT NULL DEFAULT 0,
  last_push_at_ms     INTEGER,
  last_applied_hlc_ms INTEGER,
  first_seen_at_ms    INTEGER NOT NULL
) STRICT;

CREATE TABLE quarantine (
  node_id           TEXT    NOT NULL,
  mutation_id       INTEGER NOT NULL,
  kind              TEXT    NOT NULL,
  hlc               TEXT    NOT NULL,
  schema_version    INTEGER NOT NULL,
  payload           TEXT    NOT NULL,
  reason            TEXT    NOT NULL,
  quarantined_at_ms INTEGER NOT NULL,
  PRIMARY KEY (node_id, mutation_id)
) STRICT;

CREATE TABLE tax_rate (
  tax_class TEXT    PRIMARY KEY,
  rate_bp   INTEGER NOT NULL CHECK (rate_bp BETWEEN 0 AND 10000),
  name      TEXT    NOT NULL
) STRICT;

CREATE TABLE product (
  sku            TEXT    PRIMARY KEY,
  name           TEXT    NOT NULL,
  category       TEXT    NOT NULL,
  tax_class      TEXT    NOT NULL REFERENCES tax_rate (tax_class),
  sold_by        TEXT    NOT NULL CHECK (sold_by IN ('unit', 'weight')),
  age_restricted INTEGER NOT NULL CHECK (age_restricted IN (0, 1)),
  active         INTEGER NOT NULL CHECK (active IN (0, 1))
) STRICT;

CREATE TABLE product_gtin (
  gtin14 TEXT PRIMARY KEY CHECK (length(gtin14) = 14),
  sku    TEXT NOT NULL REFERENCES product (sku)
) STRICT;
CREATE INDEX product_gtin_by_sku ON product_gtin (sku);

CREATE TABLE price (
  store_code       TEXT    NOT NULL REFERENCES store (store_code),
  sku              TEXT    NOT NULL REFERENCES product (sku),
  valid_from_ms    INTEGER NOT NULL,
  valid_to_ms      INTEGER,
  unit_price_cents INTEGER NOT NULL CHECK (unit_price_cents >= 0),
  PRIMARY KEY (store_code, sku, valid_from_ms)
) STRICT;

-- The promotion as the change payload the stores receive.
CREATE TABLE promotion (
  promotion_id TEXT PRIMARY KEY,
  doc          TEXT NOT NULL
) STRICT;

-- Signed deltas; a level is the sum per store and SKU. Deltas commute, so nodes never conflict.
CREATE TABLE stock_move (
  move_id       INTEGER PRIMARY KEY,
  store_code    TEXT    NOT NULL,
  sku           TEXT    NOT NULL,
  delta         INTEGER NOT NULL CHECK (delta <> 0),
  reason        TEXT    NOT NULL,
  origin_node   TEXT,
  order_id      TEXT,
  created_at_ms INTEGER NOT NULL
) STRICT;
CREATE INDEX stock_move_by_sku ON stock_move (store_code, sku);

CREATE TABLE customer (
  customer_id       TEXT    PRIMARY KEY,
  name              TEXT    NOT NULL,
  email             TEXT,
  phone             TEXT,
  marketing_consent INTEGER NOT NULL CHECK (marketing_consent IN (0, 1)),
  cards             TEXT    NOT NULL,
  home_region       TEXT,
  updated_at_ms     INTEGER NOT NULL
) STRICT;

-- The HLC of the write that set each profile field (last-writer-wins per field).
CREATE TABLE customer_field (
  customer_id TEXT NOT NULL,
  field       TEXT NOT NULL,
  hlc         TEXT NOT NULL,
  PRIMARY KEY (customer_id, field)
) STRICT, WITHOUT ROWID;

-- Stores a customer has bought in (customer_scope = 'purchases').
CREATE TABLE customer_store (
  customer_id TEXT NOT NULL,
  store_code  TEXT NOT NULL,
  PRIMARY KEY (customer_id, store_code)
) STRICT, WITHOUT ROWID;

-- Append-only; a balance is the sum of points. An entry id is applied once.
CREATE TABLE loyalty_entry (
  entry_id      TEXT    PRIMARY KEY,
  customer_id   TEXT    NOT NULL,
  points        INTEGER NOT NULL CHECK (points <> 0),
  kind          TEXT    NOT NULL,
  origin_node   TEXT,
  order_id      TEXT,
  created_at_ms INTEGER NOT NULL
) STRICT;
CREATE INDEX loyalty_entry_by_customer ON loyalty_entry (customer_id);

CREATE TABLE loyalty_allowance (
  store_code    TEXT    NOT NULL,
  customer_id   TEXT    NOT NULL,
  limit_points  INTEGER NOT NULL CHECK (limit_points >= 0),
  granted_at_ms INTEGER NOT NULL,
  PRIMARY KEY (store_code, customer_id)
) STRICT;

-- Every order the hub knows: in-store sales and returns (immutable, 'completed') and online orders
-- (status follows order_status.hpp). `base` is the order document without status; `request` the
-- web shop's order as placed (to recognise a repeated placement).
CREATE TABLE hub_order (
  order_id      TEXT    PRIMARY KEY,
  channel       TEXT    NOT NULL,
  fulfilment    TEXT    NOT NULL CHECK (fulfilment IN ('in_store', 'pickup', 'ship_from_store')),
  store_code    TEXT    NOT NULL,
  origin_node   TEXT,
  customer_id   TEXT,
  status        TEXT    NOT NULL,
  needs_review  INTEGER NOT NULL DEFAULT 0,
  review_reason TEXT    NOT NULL DEFAULT '',
  total_cents   INTEGER NOT NULL,
  base          TEXT    NOT NULL,
  request       TEXT,
  created_at_ms INTEGER NOT NULL,
  updated_at_ms INTEGER NOT NULL
) STRICT;
CREATE INDEX hub_order_for_review ON hub_order (order_id) WHERE needs_review = 1;

-- Shift opened / cash movement / shift closed documents from the tills, for reporting.
CREATE TABLE shift_event (
  shift_id TEXT    NOT NULL,
  event    TEXT    NOT NULL,
  node_id  TEXT    NOT NULL,
  at_ms    INTEGER NOT NULL,
  payload  TEXT    NOT NULL,
  PRIMARY KEY (shift_id, event)
) STRICT;

-- Change streams. Snapshot entities (a product, a price, a customer, an order) keep only their
-- latest change: rewriting one moves it to a new sequence number. Stock moves and loyalty entries
-- are their own entities, so every one is delivered.
CREATE TABLE stream_seq (
  stream   TEXT    PRIMARY KEY,
  last_seq INTEGER NOT NULL
) STRICT;

CREATE TABLE change_log (
  stream      TEXT    NOT NULL,
  seq         INTEGER NOT NULL,
  entity      TEXT    NOT NULL,
  store_code  TEXT,
  subject     TEXT,
  origin_node TEXT,
  payload     TEXT    NOT NULL,
  PRIMARY KEY (stream, seq),
  UNIQUE (stream, entity)
) STRICT;
CREATE INDEX change_log_by_subject ON change_log (subject) WHERE subject IS NOT NULL;
)sql";

// The channel API reads a customer's orders across channels.
constexpr std::string_view kOrdersByCustomer = R"sql(
CREATE INDEX hub_order_by_customer ON hub_order (customer_id, created_at_ms) WHERE customer_id IS NOT NULL;
)sql";

// Version 4: gift cards (storage.hpp, "gift cards"; docs/channels.md). A card and its append-only
// ledger, whose sum is the balance; entries are keyed by the UUID minted where they were made (the hub
// for issue and load, the till for a redeem), so an entry is one row whatever path it came by. No
// foreign key from entry to card: a till's redeem of a card the hub does not know is still recorded
// (the sale happened) and its order flagged for review. `allowance` rows override the card's default
// offline limit at one store.
constexpr std::string_view kGiftCards = R"sql(
CREATE TABLE gift_card (
  card_id                     TEXT    PRIMARY KEY CHECK (length(card_id) BETWEEN 1 AND 64),
  currency                    TEXT    NOT NULL CHECK (length(currency) = 3),
  status                      TEXT    NOT NULL CHECK (status IN ('active', 'blocked')),
  issued_cents                INTEGER NOT NULL CHECK (issued_cents >= 0),
  default_offline_limit_cents INTEGER NOT NULL CHECK (default_offline_limit_cents >= 0),
  needs_review                INTEGER NOT NULL DEFAULT 0,
  review_reason               TEXT    NOT NULL DEFAULT '',
  issued_at_ms                INTEGER NOT NULL
) STRICT;
CREATE INDEX gift_card_for_review ON gift_card (card_id) WHERE needs_review = 1;

CREATE TABLE gift_card_entry (
  entry_id      TEXT    PRIMARY KEY,
  card_id       TEXT    NOT NULL,
  amount_cents  INTEGER NOT NULL CHECK (amount_cents <> 0),
  kind          TEXT    NOT NULL CHECK (kind IN ('issue', 'load', 'redeem', 'refund', 'adjust')),
  store_code    TEXT,
  origin_node   TEXT,
  order_id      TEXT,
  created_at_ms INTEGER NOT NULL
) STRICT;
CREATE INDEX gift_card_entry_by_card ON gift_card_entry (card_id);

CREATE TABLE gift_card_allowance (
  store_code    TEXT    NOT NULL,
  card_id       TEXT    NOT NULL,
  limit_cents   INTEGER NOT NULL CHECK (limit_cents >= 0),
  granted_at_ms INTEGER NOT NULL,
  PRIMARY KEY (store_code, card_id)
) STRICT, WITHOUT ROWID;
)sql";

// Version 5: what lets the hub tell a replayed mutation from a new one under a reused id (a node
// restored from an older backup). One row per applied or quarantined mutation: the first 128 bits of
// SHA-256 over kind, newline, payload (32 hex digits). Mutations applied before this version have
// none (SqliteStorage::same_as_applied_before_digests compares them by their order or quarantined
// payload). The node columns flag a node caught reusing ids.
constexpr std::string_view kMutationDigests = R"sql(
CREATE TABLE mutation_digest (
  node_id     TEXT    NOT NULL,
  mutation_id INTEGER NOT NULL,
  digest      TEXT    NOT NULL,
  PRIMARY KEY (node_id, mutation_id)
) STRICT, WITHOUT ROWID;
ALTER TABLE node ADD COLUMN rewound_mutation_id INTEGER;
ALTER TABLE node ADD COLUMN rewound_at_ms INTEGER;
)sql";

// Version 6: the stock and store_orders streams are served from their own rows instead of a copy in
// change_log (a drain wrote every order document twice and a change row per stock line). Each row
// carries its stream position; the positions it had in change_log are kept, so the cursors stores
// hold stay valid. Rows are found per store from the stream position on. A store's level of a SKU is
// kept in stock_level (a push adds each SKU's deltas once) instead of summed through an index that
// every sold line had to update.
constexpr std::string_view kStreamsFromRows = R"sql(
CREATE TABLE stock_level (
  store_code TEXT    NOT NULL,
  sku        TEXT    NOT NULL,
  level      INTEGER NOT NULL,
  PRIMARY KEY (store_code, sku)
) STRICT, WITHOUT ROWID;
INSERT INTO stock_level (store_code, sku, level)
  SELECT store_code, sku, SUM(delta) FROM stock_move GROUP BY store_code, sku;
DROP INDEX stock_move_by_sku;
ALTER TABLE stock_move ADD COLUMN stream_seq INTEGER;
UPDATE stock_move SET stream_seq = (SELECT c.seq FROM change_log c
  WHERE c.stream = 'stock' AND c.entity = 'move:' || stock_move.move_id);
CREATE INDEX stock_move_stream ON stock_move (store_code, stream_seq) WHERE stream_seq IS NOT NULL;
DELETE FROM change_log WHERE stream = 'stock';
ALTER TABLE hub_order ADD COLUMN stream_seq INTEGER;
UPDATE hub_order SET stream_seq = (SELECT c.seq FROM change_log c
  WHERE c.stream = 'store_orders' AND c.entity = 'order:' || hub_order.order_id);
CREATE INDEX hub_order_stream ON hub_order (store_code, stream_seq) WHERE stream_seq IS NOT NULL;
DELETE FROM change_log WHERE stream = 'store_orders';
)sql";

// Version 7: what HQ did about each order or gift card flagged for review (resolve_review): the
// flag is cleared on the row, the reason and HQ's note are kept here.
constexpr std::string_view kReviewResolutions = R"sql(
CREATE TABLE review_resolution (
  resolution_id  INTEGER PRIMARY KEY,
  subject        TEXT    NOT NULL CHECK (subject IN ('order', 'gift_card')),
  subject_id     TEXT    NOT NULL,
  reason         TEXT    NOT NULL,
  note           TEXT    NOT NULL CHECK (length(note) BETWEEN 1 AND 500),
  resolved_at_ms INTEGER NOT NULL
) STRICT;
)sql";

// Version 8: ship-from-store orders have their own states (order_status.hpp): pending, packed,
// shipped, cancelled. A shipped order keeps the carrier's tracking reference and name. Rows of
// ship-from-store orders that used the pickup words (ready_for_pickup for packed, collected for
// shipped) are renamed; their store_orders document does not change (the stores' replicas keep the
// pickup words, orders.cpp order_document), so nothing is republished.
constexpr std::string_view kShipFromStoreStates = R"sql(
ALTER TABLE hub_order ADD COLUMN tracking_reference TEXT;
ALTER TABLE hub_order ADD COLUMN carrier TEXT;
UPDATE hub_order SET status = CASE status WHEN 'ready_for_pickup' THEN 'packed' ELSE 'shipped' END
  WHERE fulfilment = 'ship_from_store' AND status IN ('ready_for_pickup', 'collected');
)sql";

// Version 9: CHECK constraints with IN lists of three or more words (hub_order's fulfilment,
// gift_card_entry's kind) say the same with comparisons (sqlite::expand_in_list_checks): SQLite
// built, filled and dropped a temporary b-tree for such a list on every row it wrote, 4-5 % of the
// hub's instructions in a drain. Only the tables' definitions change, so it is instant on a hub of
// any size.
constexpr std::string_view kNoTemporaryChecks = "";

// Version 10: an order's stock moves are one row (`order_stock`) instead of a row and an index entry
// per sold line (two B-tree inserts per line were the largest part of a pushed sale). Its moves hold
// the consecutive stream positions up to `last_seq`, in the order of `moves` (a JSON array of [sku,
// delta]); pull hands them out one change per move, as before. From this version a move's
// hub_move_id is its stream position, for single moves (`stock_move.move_id`) too: the stream counter
// is first advanced past every existing move id, so no id is handed out twice. `stock_journal` reads
// every move of both tables, one row each, for reports and technicians.
constexpr std::string_view kOrderStockRows = R"sql(
CREATE TABLE order_stock (
  store_code    TEXT    NOT NULL,
  last_seq      INTEGER NOT NULL,
  moves         TEXT    NOT NULL,
  reason        TEXT    NOT NULL CHECK (reason = 'sale' OR reason = 'return'),
  origin_node   TEXT    NOT NULL,
  order_id      TEXT    NOT NULL,
  created_at_ms INTEGER NOT NULL,
  PRIMARY KEY (store_code, last_seq)
) STRICT, WITHOUT ROWID;
INSERT INTO stream_seq (stream, last_seq) SELECT 'stock', COALESCE(MAX(move_id), 0) FROM stock_move WHERE 1
  ON CONFLICT (stream) DO UPDATE SET last_seq = MAX(last_seq, excluded.last_seq);
CREATE VIEW stock_journal (move_id, store_code, sku, delta, reason, origin_node, order_id, created_at_ms,
                           stream_seq) AS
  SELECT move_id, store_code, sku, delta, reason, origin_node, order_id, created_at_ms, stream_seq
  FROM stock_move
  UNION ALL
  SELECT o.last_seq - json_array_length(o.moves) + 1 + m.key, o.store_code, m.value ->> 0, m.value ->> 1,
         o.reason, o.origin_node, o.order_id, o.created_at_ms,
         o.last_seq - json_array_length(o.moves) + 1 + m.key
  FROM order_stock o, json_each(o.moves) m;
)sql";

// Version 11: the customers stream's loyalty entries are served from their ledger rows instead of a
// copy in change_log (like stock and orders in version 6). A pushed sale with points wrote the entry
// and its JSON copy: seven B-tree inserts, one of them in change_log_by_subject at a random place (a
// page written back per customer per push), 15 % of a drain's WAL bytes. Each entry keeps the
// position its copy had, so the cursors stores hold stay valid; pull merges the ledger rows with the
// stream's other changes by position and builds the same document.
constexpr std::string_view kLoyaltyStreamFromLedger = R"sql(
ALTER TABLE loyalty_entry ADD COLUMN stream_seq INTEGER;
UPDATE loyalty_entry SET stream_seq = (SELECT c.seq FROM change_log c
  WHERE c.stream = 'customers' AND c.entity = 'loyalty:' || loyalty_entry.entry_id);
CREATE INDEX loyalty_entry_stream ON loyalty_entry (stream_seq) WHERE stream_seq IS NOT NULL;
DELETE FROM change_log WHERE stream = 'customers' AND substr(entity, 1, 8) = 'loyalty:';
)sql";

// Version 12: a customer's orders and loyalty entries are found through `customer_ref`, whose new
// rows wait in `customer_ref_pending` and are moved into it in bulk (customer_refs.cpp). The two
// indexes by customer this replaces took a write at a random place for every order or entry with a
// customer, so each push wrote back a page per buying customer for each of them (in a drain, a fifth
// of the hub's bytes written). A pending row is appended where the last one went; the move writes
// each page of `customer_ref` once for all the pending rows it takes.
constexpr std::string_view kCustomerRefs = R"sql(
CREATE TABLE customer_ref (
  customer_id TEXT    NOT NULL,
  kind        INTEGER NOT NULL CHECK (kind = 0 OR kind = 1),
  at_ms       INTEGER NOT NULL,
  ref         TEXT    NOT NULL,
  PRIMARY KEY (customer_id, kind, at_ms, ref)
) STRICT, WITHOUT ROWID;
CREATE TABLE customer_ref_pending (
  seq         INTEGER PRIMARY KEY,
  customer_id TEXT    NOT NULL,
  kind        INTEGER NOT NULL CHECK (kind = 0 OR kind = 1),
  at_ms       INTEGER NOT NULL,
  ref         TEXT    NOT NULL
) STRICT;
INSERT INTO customer_ref (customer_id, kind, at_ms, ref)
  SELECT customer_id, 0, created_at_ms, order_id FROM hub_order WHERE customer_id IS NOT NULL;
INSERT INTO customer_ref (customer_id, kind, at_ms, ref)
  SELECT customer_id, 1, created_at_ms, entry_id FROM loyalty_entry;
DROP INDEX hub_order_by_customer;
DROP INDEX loyalty_entry_by_customer;
)sql";

// Version 13: the digests of the mutations one push applies or quarantines are one row, 32 hex digits
// per mutation in id order, instead of a row each (a B-tree insert and 87 bytes per pushed sale).
// A digest kept before is a row of one.
constexpr std::string_view kDigestRuns = R"sql(
CREATE TABLE mutation_digest_run (
  node_id  TEXT    NOT NULL,
  first_id INTEGER NOT NULL,
  last_id  INTEGER NOT NULL CHECK (last_id >= first_id),
  digests  TEXT    NOT NULL CHECK (length(digests) = 32 * (last_id - first_id + 1)),
  PRIMARY KEY (node_id, first_id)
) STRICT;
INSERT INTO mutation_digest_run (node_id, first_id, last_id, digests)
  SELECT node_id, mutation_id, mutation_id, digest FROM mutation_digest;
DROP TABLE mutation_digest;
)sql";

constexpr std::array kMigrations = {
    sqlite::Migration{1, "hub identity", kHubIdentity},
    sqlite::Migration{2, "hub storage", kStorage},
    sqlite::Migration{3, "orders by customer", kOrdersByCustomer},
    sqlite::Migration{4, "gift cards", kGiftCards},
    sqlite::Migration{5, "mutation digests", kMutationDigests},
    sqlite::Migration{6, "streams from rows", kStreamsFromRows},
    sqlite::Migration{7, "review resolutions", kReviewResolutions},
    sqlite::Migration{8, "ship-from-store states", kShipFromStoreStates},
    sqlite::Migration{9, "checks without temporary b-trees", kNoTemporaryChecks,
                      sqlite::expand_in_list_checks},
    sqlite::Migration{10, "an order's stock moves in one row", kOrderStockRows},
    sqlite::Migration{11, "loyalty stream from the ledger", kLoyaltyStreamFromLedger},
    sqlite::Migration{12, "customer references in bulk", kCustomerRefs},
    sqlite::Migration{13, "mutation digests by push", kDigestRuns},
};

}  // namespace

std::span<const sqlite::Migration> hub_migrations() {
  return kMigrations;
}

}  // namespace storeedge::sync::hub
