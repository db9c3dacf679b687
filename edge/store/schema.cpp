// The replica's schema as an ordered list of migrations. Never edit a released migration: add one.
// docs/schema.md describes every table.
#include <array>

#include "edge/store/replica.hpp"

namespace storeedge::store {
namespace {

constexpr std::string_view kNodeIdentity = R"sql(
CREATE TABLE node_identity (
  singleton     INTEGER PRIMARY KEY CHECK (singleton = 1),
  node_id       TEXT    NOT NULL,
  created_at_ms INTEGER NOT NULL
) STRICT;
)sql";

// Version 2: everything a store needs to sell offline. See docs/schema.md for the meaning of each
// table and the invariants the repositories keep.
constexpr std::string_view kCheckout = R"sql(
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
  age_restricted INTEGER NOT NULL DEFAULT 0 CHECK (age_restricted IN (0, 1)),
  active         INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
) STRICT, WITHOUT ROWID;

CREATE TABLE product_gtin (
  gtin14 TEXT PRIMARY KEY CHECK (length(gtin14) = 14),
  sku    TEXT NOT NULL REFERENCES product (sku) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;
CREATE INDEX product_gtin_by_sku ON product_gtin (sku);

CREATE TABLE price (
  store_code       TEXT    NOT NULL,
  sku              TEXT    NOT NULL REFERENCES product (sku) ON DELETE CASCADE,
  valid_from_ms    INTEGER NOT NULL DEFAULT 0,
  valid_to_ms      INTEGER,
  unit_price_cents INTEGER NOT NULL CHECK (unit_price_cents >= 0),
  PRIMARY KEY (store_code, sku, valid_from_ms)
) STRICT, WITHOUT ROWID;

CREATE TABLE promotion (
  promotion_id     TEXT    PRIMARY KEY,
  description      TEXT    NOT NULL,
  kind             TEXT    NOT NULL CHECK (kind IN ('percent_off', 'amount_off', 'group_discount',
                                                    'mix_and_match', 'basket_amount', 'basket_percent')),
  percent_bp       INTEGER NOT NULL DEFAULT 0,
  amount_cents     INTEGER NOT NULL DEFAULT 0,
  group_size       INTEGER NOT NULL DEFAULT 0,
  discounted_units INTEGER NOT NULL DEFAULT 0,
  threshold_cents  INTEGER NOT NULL DEFAULT 0,
  members_only     INTEGER NOT NULL DEFAULT 0 CHECK (members_only IN (0, 1)),
  stackable        INTEGER NOT NULL DEFAULT 0 CHECK (stackable IN (0, 1)),
  valid_from_ms    INTEGER,
  valid_to_ms      INTEGER
) STRICT;

CREATE TABLE promotion_sku (
  promotion_id TEXT NOT NULL REFERENCES promotion (promotion_id) ON DELETE CASCADE,
  sku          TEXT NOT NULL,
  PRIMARY KEY (promotion_id, sku)
) STRICT, WITHOUT ROWID;
CREATE INDEX promotion_sku_by_sku ON promotion_sku (sku);

-- Variable-measure (restricted circulation) barcode templates of this store.
CREATE TABLE scan_template (
  prefix             TEXT    PRIMARY KEY,
  item_offset        INTEGER NOT NULL,
  item_length        INTEGER NOT NULL,
  measure            TEXT    NOT NULL CHECK (measure IN ('price', 'weight')),
  value_offset       INTEGER NOT NULL,
  value_length       INTEGER NOT NULL,
  check_digit_offset INTEGER
) STRICT;

CREATE TABLE customer (
  customer_id       TEXT    PRIMARY KEY,
  name              TEXT    NOT NULL,
  email             TEXT,
  phone             TEXT,
  marketing_consent INTEGER NOT NULL DEFAULT 0 CHECK (marketing_consent IN (0, 1)),
  updated_at_ms     INTEGER NOT NULL
) STRICT;
CREATE INDEX customer_by_email ON customer (email);
CREATE INDEX customer_by_phone ON customer (phone);

CREATE TABLE loyalty_card (
  card_id     TEXT PRIMARY KEY,
  customer_id TEXT NOT NULL REFERENCES customer (customer_id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

-- Append-only; a balance is the sum of points. Entries made here carry this node's id.
CREATE TABLE loyalty_entry (
  entry_id      TEXT    PRIMARY KEY,
  customer_id   TEXT    NOT NULL REFERENCES customer (customer_id),
  points        INTEGER NOT NULL CHECK (points <> 0),
  kind          TEXT    NOT NULL CHECK (kind IN ('earn', 'redeem', 'refund', 'adjust', 'hub')),
  order_id      TEXT,
  node_id       TEXT    NOT NULL,
  created_at_ms INTEGER NOT NULL
) STRICT;
CREATE INDEX loyalty_entry_by_customer ON loyalty_entry (customer_id);

-- What this node may redeem for a customer while it cannot ask the hub (set by the hub).
CREATE TABLE loyalty_allowance (
  customer_id          TEXT    PRIMARY KEY REFERENCES customer (customer_id),
  offline_limit_points INTEGER NOT NULL CHECK (offline_limit_points >= 0),
  granted_at_ms        INTEGER NOT NULL
) STRICT;

-- Signed stock movements in base units (units, or grams for weighed items); levels are sums.
CREATE TABLE stock_move (
  move_id       INTEGER PRIMARY KEY,
  store_code    TEXT    NOT NULL,
  sku           TEXT    NOT NULL,
  delta         INTEGER NOT NULL CHECK (delta <> 0),
  reason        TEXT    NOT NULL CHECK (reason IN ('sale', 'return', 'hub', 'adjust')),
  order_id      TEXT,
  created_at_ms INTEGER NOT NULL
) STRICT;
CREATE INDEX stock_move_by_sku ON stock_move (store_code, sku);

CREATE TABLE shift (
  shift_id             TEXT    PRIMARY KEY,
  device_code          TEXT    NOT NULL,
  cashier_id           TEXT    NOT NULL,
  opened_at_ms         INTEGER NOT NULL,
  opening_float_cents  INTEGER NOT NULL CHECK (opening_float_cents >= 0),
  closed_at_ms         INTEGER,
  counted_cash_cents   INTEGER,
  z_report             TEXT
) STRICT;
CREATE UNIQUE INDEX one_open_shift_per_device ON shift (device_code) WHERE closed_at_ms IS NULL;

CREATE TABLE cash_movement (
  movement_id   INTEGER PRIMARY KEY,
  shift_id      TEXT    NOT NULL REFERENCES shift (shift_id),
  kind          TEXT    NOT NULL CHECK (kind IN ('in', 'out')),
  amount_cents  INTEGER NOT NULL CHECK (amount_cents > 0),
  reason        TEXT    NOT NULL,
  created_at_ms INTEGER NOT NULL
) STRICT;

-- Per-device receipt number series: "<store>-<device>-<counter>".
CREATE TABLE receipt_series (
  series      TEXT    PRIMARY KEY,
  next_number INTEGER NOT NULL CHECK (next_number >= 1)
) STRICT;

-- Sales, returns and exchanges made here, and the store's online orders (pickup, history).
CREATE TABLE sales_order (
  order_id          TEXT    PRIMARY KEY,
  kind              TEXT    NOT NULL CHECK (kind IN ('sale', 'return', 'exchange')),
  channel           TEXT    NOT NULL CHECK (channel IN ('pos', 'kiosk', 'web', 'app')),
  status            TEXT    NOT NULL CHECK (status IN ('completed', 'cancelled', 'pending', 'ready_for_pickup',
                                                       'collected')),
  store_code        TEXT    NOT NULL,
  device_code       TEXT,
  node_id           TEXT,
  receipt_number    TEXT    UNIQUE,
  shift_id          TEXT    REFERENCES shift (shift_id),
  customer_id       TEXT,
  original_order_id TEXT    REFERENCES sales_order (order_id),
  currency          TEXT    NOT NULL,
  total_cents       INTEGER NOT NULL,
  tax_cents         INTEGER NOT NULL,
  created_at_ms     INTEGER NOT NULL,
  receipt           TEXT
) STRICT;
CREATE INDEX sales_order_by_customer ON sales_order (customer_id, created_at_ms);
CREATE INDEX sales_order_by_original ON sales_order (original_order_id);

CREATE TABLE order_line (
  order_id           TEXT    NOT NULL REFERENCES sales_order (order_id),
  line_no            INTEGER NOT NULL,
  sku                TEXT    NOT NULL,
  description        TEXT    NOT NULL,
  quantity           INTEGER NOT NULL,
  weight_grams       INTEGER,
  unit_price_cents   INTEGER NOT NULL,
  gross_cents        INTEGER NOT NULL,
  discount_cents     INTEGER NOT NULL DEFAULT 0,
  net_cents          INTEGER NOT NULL,
  tax_class          TEXT    NOT NULL,
  rate_bp            INTEGER NOT NULL,
  original_line_no   INTEGER,
  PRIMARY KEY (order_id, line_no)
) STRICT, WITHOUT ROWID;

CREATE TABLE order_tender (
  order_id     TEXT    NOT NULL REFERENCES sales_order (order_id),
  seq          INTEGER NOT NULL,
  kind         TEXT    NOT NULL CHECK (kind IN ('cash', 'card', 'gift_card', 'loyalty_points', 'store_credit')),
  amount_cents INTEGER NOT NULL,
  reference    TEXT,
  PRIMARY KEY (order_id, seq)
) STRICT, WITHOUT ROWID;

CREATE TABLE store_credit (
  credit_id     TEXT    PRIMARY KEY,
  customer_id   TEXT,
  amount_cents  INTEGER NOT NULL,
  order_id      TEXT,
  created_at_ms INTEGER NOT NULL
) STRICT;

CREATE TABLE parked_cart (
  cart_id      TEXT    PRIMARY KEY,
  device_code  TEXT    NOT NULL,
  parked_at_ms INTEGER NOT NULL,
  content      TEXT    NOT NULL
) STRICT;

-- Hash-chained: each entry's hash covers its fields and the previous entry's hash.
CREATE TABLE audit_log (
  seq        INTEGER PRIMARY KEY,
  at_ms      INTEGER NOT NULL,
  actor      TEXT    NOT NULL,
  action     TEXT    NOT NULL,
  subject    TEXT    NOT NULL,
  details    TEXT    NOT NULL,
  prev_hash  TEXT    NOT NULL,
  hash       TEXT    NOT NULL
) STRICT;

-- The fiscal chain of this issuer (VERI*FACTU in Spain), oldest first.
CREATE TABLE fiscal_record (
  seq               INTEGER PRIMARY KEY,
  order_id          TEXT    NOT NULL,
  kind              TEXT    NOT NULL CHECK (kind IN ('alta', 'anulacion')),
  issuer_tax_id     TEXT    NOT NULL,
  invoice_number    TEXT    NOT NULL,
  issue_date        TEXT    NOT NULL,
  invoice_type      TEXT    NOT NULL,
  total_tax_cents   INTEGER NOT NULL,
  total_cents       INTEGER NOT NULL,
  generated_unix    INTEGER NOT NULL,
  utc_offset_min    INTEGER NOT NULL,
  prev_number       TEXT,
  prev_issue_date   TEXT,
  prev_hash         TEXT,
  hash_input        TEXT    NOT NULL,
  hash              TEXT    NOT NULL,
  qr_url            TEXT    NOT NULL
) STRICT;

-- Mutations waiting for the hub; ids increase by one per node. Acknowledged rows are kept until
-- pruned so a technician can inspect what was sent.
CREATE TABLE outbox (
  mutation_id    INTEGER PRIMARY KEY,
  kind           TEXT    NOT NULL,
  entity_id      TEXT    NOT NULL,
  payload        TEXT    NOT NULL,
  created_at_ms  INTEGER NOT NULL,
  acked_at_ms    INTEGER
) STRICT;
CREATE INDEX outbox_pending ON outbox (mutation_id) WHERE acked_at_ms IS NULL;
)sql";

// Version 3: what the sale commit needs beyond v2. A tender keeps what was handed over and the change
// (cash), and a card tender its last four digits beside the token. No new indexes: every index is
// one more page a sale writes and fsyncs. See docs/schema.md, "Version 3".
constexpr std::string_view kSaleCommit = R"sql(
ALTER TABLE order_tender ADD COLUMN given_cents INTEGER;
ALTER TABLE order_tender ADD COLUMN change_cents INTEGER NOT NULL DEFAULT 0;
ALTER TABLE order_tender ADD COLUMN last4 TEXT CHECK (last4 IS NULL OR length(last4) = 4);
ALTER TABLE order_tender ADD COLUMN points INTEGER;
)sql";

// Version 4: fewer pages per sale. Each index a sale updates is one more page the commit writes
// and fsyncs; stock_move_by_sku alone cost one page per distinct SKU of the sale. Nothing on the
// edge reads stock by SKU (levels are the hub's), so it goes; the two sales_order lookups only
// ever ask for a given customer or original order, so they become partial and an anonymous sale
// (most sales) no longer touches them. See docs/schema.md, "Version 4".
constexpr std::string_view kSalePages = R"sql(
DROP INDEX stock_move_by_sku;
DROP INDEX sales_order_by_customer;
CREATE INDEX sales_order_by_customer ON sales_order (customer_id, created_at_ms)
  WHERE customer_id IS NOT NULL;
DROP INDEX sales_order_by_original;
CREATE INDEX sales_order_by_original ON sales_order (original_order_id)
  WHERE original_order_id IS NOT NULL;
)sql";

// Version 5: the sync client's state (sync/client). One row of connection state (hub epoch, the
// persisted hybrid logical clock, connectivity figures), the saved cursor of each pulled stream, the
// HLC stamp of each outbox row (given once, at its first push, so a resend carries the same stamp),
// and the local stock_move row of each stock move pulled from the hub (so a replayed change is
// applied once and a re-sync can remove exactly what the hub sent). See docs/schema.md, "Version 5".
constexpr std::string_view kSyncState = R"sql(
CREATE TABLE sync_state (
  singleton            INTEGER PRIMARY KEY CHECK (singleton = 1),
  hub_epoch            TEXT,
  hlc_last             INTEGER NOT NULL DEFAULT 0 CHECK (hlc_last >= 0),
  last_success_ms      INTEGER,
  last_failure_ms      INTEGER,
  last_error           TEXT,
  consecutive_failures INTEGER NOT NULL DEFAULT 0
) STRICT;
INSERT INTO sync_state (singleton) VALUES (1);

CREATE TABLE sync_cursor (
  stream TEXT PRIMARY KEY,
  cursor BLOB NOT NULL
) STRICT, WITHOUT ROWID;

ALTER TABLE outbox ADD COLUMN hlc INTEGER;

CREATE TABLE hub_stock_move (
  hub_move_id TEXT    PRIMARY KEY,
  move_id     INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
)sql";

// Version 6: gift cards. The hub's list of cards this store may accept (status and an offline
// spending limit granted to this node, like the loyalty allowance) and an append-only ledger whose sum
// is a card's balance: entries pulled from the hub (issue, load, redemptions elsewhere) and the
// redemptions made here, pushed inside their order. See docs/schema.md, "Version 6".
constexpr std::string_view kGiftCards = R"sql(
CREATE TABLE gift_card (
  card_id             TEXT    PRIMARY KEY CHECK (length(card_id) BETWEEN 1 AND 64),
  currency            TEXT    NOT NULL CHECK (length(currency) = 3),
  status              TEXT    NOT NULL CHECK (status IN ('active', 'blocked')),
  offline_limit_cents INTEGER NOT NULL CHECK (offline_limit_cents >= 0),
  granted_at_ms       INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE gift_card_entry (
  entry_id      TEXT    PRIMARY KEY,
  card_id       TEXT    NOT NULL REFERENCES gift_card (card_id),
  amount_cents  INTEGER NOT NULL CHECK (amount_cents <> 0),
  kind          TEXT    NOT NULL CHECK (kind IN ('issue', 'load', 'redeem', 'refund', 'adjust')),
  order_id      TEXT,
  node_id       TEXT    NOT NULL,
  created_at_ms INTEGER NOT NULL
) STRICT;
CREATE INDEX gift_card_entry_by_card ON gift_card_entry (card_id);
)sql";

// Version 7: an online order's fulfilment, from the store_orders stream's "fulfilment"
// (docs/schema.md, "Version 7"). NULL for the till's own sales and returns. Online orders already
// in the replica were all listed as pickups; they stay so until the hub's next change for them.
constexpr std::string_view kOrderFulfilment = R"sql(
ALTER TABLE sales_order ADD COLUMN fulfilment TEXT CHECK (fulfilment IN ('pickup', 'ship_from_store'));
UPDATE sales_order SET fulfilment = 'pickup' WHERE channel IN ('web', 'app');
)sql";

// Version 8: the outbox keeps its payloads in their own table (docs/schema.md, "Version 8"). A
// payload is written once, with its mutation; the relay stamps and acknowledges the small outbox
// rows. With the payload inline, every stamp and every acknowledgement rewrote the page holding a
// 2 KB document, so a drain wrote each sale's payload twice more to the WAL and twice more at
// checkpoint.
constexpr std::string_view kOutboxPayload = R"sql(
CREATE TABLE outbox_payload (
  mutation_id INTEGER PRIMARY KEY,
  payload     TEXT    NOT NULL
) STRICT;
INSERT INTO outbox_payload (mutation_id, payload) SELECT mutation_id, payload FROM outbox;
ALTER TABLE outbox DROP COLUMN payload;
)sql";

// Version 9: CHECK constraints with IN lists of three or more words (sales_order's kind, channel and
// status, order_tender's kind, stock_move's reason, loyalty_entry's kind, ...) say the same with
// comparisons (sqlite::expand_in_list_checks): SQLite built a temporary b-tree for each such list on
// every row it wrote, ten of them for a five-line sale. Only the tables' definitions change.
constexpr std::string_view kNoTemporaryChecks = "";

// Version 10: what a ship-from-store order left the store with: the carrier's tracking reference and
// name, recorded by the till that shipped it (ship_shipment) or received from the hub (the
// store_orders document of a shipped order), so any till of the store can tell a customer where
// their parcel is. Before this version the reference was only in the shipping till's audit entry.
constexpr std::string_view kShipments = R"sql(
CREATE TABLE shipment (
  order_id           TEXT    PRIMARY KEY,
  tracking_reference TEXT    NOT NULL CHECK (length(tracking_reference) BETWEEN 1 AND 100),
  carrier            TEXT    CHECK (carrier IS NULL OR length(carrier) BETWEEN 1 AND 100),
  shipped_at_ms      INTEGER NOT NULL
) STRICT;
INSERT INTO shipment (order_id, tracking_reference, carrier, shipped_at_ms)
  SELECT subject, details ->> '$.tracking_reference', NULLIF(details ->> '$.carrier', ''), MAX(at_ms)
  FROM audit_log
  WHERE action = 'shipment.shipped' AND length(details ->> '$.tracking_reference') BETWEEN 1 AND 100
    AND (details ->> '$.carrier' IS NULL OR length(details ->> '$.carrier') <= 100)
  GROUP BY subject;
)sql";

constexpr std::array kMigrations = {
    sqlite::Migration{1, "node identity", kNodeIdentity},
    sqlite::Migration{2, "offline checkout", kCheckout},
    sqlite::Migration{3, "sale commit", kSaleCommit},
    sqlite::Migration{4, "fewer pages per sale", kSalePages},
    sqlite::Migration{5, "sync state", kSyncState},
    sqlite::Migration{6, "gift cards", kGiftCards},
    sqlite::Migration{7, "order fulfilment", kOrderFulfilment},
    sqlite::Migration{8, "outbox payloads apart", kOutboxPayload},
    sqlite::Migration{9, "checks without temporary b-trees", kNoTemporaryChecks,
                      sqlite::expand_in_list_checks},
    sqlite::Migration{10, "shipments", kShipments},
};

}  // namespace

std::span<const sqlite::Migration> migrations() {
  return kMigrations;
}
int latest_schema_version() {
  return kMigrations.back().version;
}

}  // namespace storeedge::store
