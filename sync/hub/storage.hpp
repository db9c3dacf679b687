#pragma once
// HubStorage: everything storehub keeps, behind one interface so that a PostgreSQL backend can sit
// beside the SQLite one (sqlite/sqlite_storage.hpp) and pass the same tests.
//
// What it holds (DESIGN.md, "Sync model"):
// - push: the per-node applied-mutation watermark, committed in the same transaction as the mutations;
//   rejected mutations go to a quarantine and never block the ones behind them;
// - channel data: catalog, prices, promotions (hub-authoritative), stock as commuting deltas,
//   customers merged last-writer-wins per field by HLC, the loyalty ledger, online orders;
// - pull: per-kind change streams numbered by per-stream sequences, filtered per store;
// - admin: nodes, lag and the quarantine.
//
// Threads: a HubStorage is not thread-safe; the hub calls it from its one I/O thread.
// Plain structs only: the wire format (sync/proto) maps onto these at the hub's HTTP layer.
#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "platform/error.hpp"
#include "sync/proto/hlc.hpp"

namespace storeedge::sync::hub {

// The newest mutation payload format this hub understands (the edge replica's schema version that
// wrote it). A newer one is quarantined: retrying cannot help until the hub is upgraded, and then
// an operator replays it from the quarantine. Version 4: order.status speaks packed/shipped for
// ship-from-store orders and carries the shipment (order_status.hpp).
inline constexpr int kMaxPayloadSchemaVersion = 4;
// Error::code() of a pull refused because a cursor comes from another hub epoch (restored or rebuilt
// hub): the edge must drop its pulled data and cursors and re-sync from scratch, keeping its outbox.
inline constexpr int kResyncRequired = 4001;

// ---- push ----

struct IncomingMutation {
  std::string node_id{};
  std::int64_t mutation_id = 0;  // 1, 2, 3... per node
  proto::NodeStamp hlc{};        // when the node made the change, and which node
  int schema_version = 1;
  std::string kind{};     // order.completed, order.returned, order.status, shift.opened, ...
  std::string payload{};  // JSON document (formats: edge/store/*.cpp, docs/protocol.md)
};

enum class Outcome {
  applied,    // applied now, watermark advanced
  duplicate,  // at or below the watermark: acknowledged again, no effect
  rejected,   // permanently wrong: quarantined with `reason`, watermark advanced
  gap,        // above watermark + 1: refused, the batch stops here; `expected_id` says what to send
  retry,      // a transient failure (disk, lock, a failed COMMIT): nothing of the batch committed, every
              // mutation of it is `retry` and the node sends the batch again
  rewound,    // at or below the watermark with other content than the mutation applied under that id:
              // the node reuses ids (restored from an older backup). The batch stops here, the node is
              // flagged; the node must renumber this mutation and the ones after it.
};
std::string_view to_string(Outcome o);

struct MutationResult {
  std::int64_t mutation_id = 0;
  Outcome outcome = Outcome::applied;
  std::string reason{};  // why rejected / refused / to retry; empty when applied or duplicate
};

struct PushResult {
  std::vector<MutationResult> results{};      // one per processed mutation, in order; none after a stop
  std::int64_t last_applied_id = 0;           // the node's watermark after this push
  std::optional<std::int64_t> expected_id{};  // set when a gap stopped the batch
  std::optional<std::int64_t> rewound_id{};   // set when a reused id stopped the batch (Outcome::rewound)
  // With rewound_id: the highest receipt number among the node's orders the hub holds (none: no sale).
  std::optional<std::string> last_receipt_number{};
};

// ---- stores and nodes ----

// Which customers a store replicates: those whose home region is the store's region, or those who
// have bought there (an order pushed or an online order assigned to it).
enum class CustomerScope { region, purchases };

struct StoreInfo {
  std::string store_code{};
  std::string region{};
  CustomerScope customer_scope = CustomerScope::region;
};

// ---- channel loads (ERP, CRM, web shop, loyalty) ----

struct TaxRate {
  std::string tax_class{};
  std::int32_t rate_bp = 0;
  std::string name{};
};

struct Product {
  std::string sku{};
  std::string name{};
  std::string category{};
  std::string tax_class{};
  std::string sold_by = "unit";  // unit, weight
  bool age_restricted = false;
  bool active = true;
  std::vector<std::string> gtins{};  // GTIN-8/12/13/14 digits; stored as GTIN-14
};

struct CatalogLoad {
  std::vector<TaxRate> tax_rates{};
  std::vector<Product> products{};
};

struct Price {
  std::string store_code{};
  std::string sku{};
  std::int64_t unit_price_cents = 0;
  std::int64_t valid_from_ms = 0;
  std::optional<std::int64_t> valid_to_ms{};
};

struct Promotion {
  std::string promotion_id{};
  std::string description{};
  std::string
      kind{};  // percent_off, amount_off, group_discount, mix_and_match, basket_amount, basket_percent
  std::int64_t percent_bp = 0;
  std::int64_t amount_cents = 0;
  std::int64_t group_size = 0;
  std::int64_t discounted_units = 0;
  std::int64_t threshold_cents = 0;
  bool members_only = false;
  bool stackable = false;
  std::optional<std::int64_t> valid_from_ms{};
  std::optional<std::int64_t> valid_to_ms{};
  std::vector<std::string> skus{};
  bool withdrawn = false;  // true: the promotion ends everywhere (a change with "withdrawn": true)
};

struct StockLevel {
  std::string store_code{};
  std::string sku{};
  std::int64_t level = 0;  // units, or grams for weighed products
};

// A CRM update: only the fields set are changed, each stamped with the hub's HLC.
struct CustomerUpdate {
  std::string customer_id{};
  std::optional<std::string> name{};
  std::optional<std::string> email{};
  std::optional<std::string> phone{};
  std::optional<bool> marketing_consent{};
  std::optional<std::vector<std::string>> cards{};
  std::optional<std::string> home_region{};
};

struct CustomerProfile {
  std::string customer_id{};
  std::string name{};
  std::optional<std::string> email{};
  std::optional<std::string> phone{};
  bool marketing_consent = false;
  std::vector<std::string> cards{};
  std::optional<std::string> home_region{};
  std::int64_t updated_at_ms = 0;
  std::map<std::string, std::string> field_hlc{};  // field name -> HLC text of the write that won
};

enum class Fulfilment { pickup, ship_from_store };

struct OnlineOrderLine {
  std::string sku{};
  std::int64_t quantity = 0;
  std::int64_t unit_price_cents = 0;
};

struct OnlineOrder {
  std::string order_id{};  // UUID; empty: the hub mints one
  Fulfilment fulfilment = Fulfilment::pickup;
  std::string store_code{};
  std::optional<std::string> customer_id{};
  std::string currency = "EUR";
  std::vector<OnlineOrderLine> lines{};
  std::int64_t total_cents = 0;  // must equal the sum of quantity * unit price
  std::int64_t tax_cents = 0;
};

struct OrderView {
  std::string order_id{};
  std::string channel{};     // pos, kiosk, web, app
  std::string fulfilment{};  // in_store, pickup, ship_from_store
  std::string store_code{};
  std::string status{};  // completed, pending, ready_for_pickup, collected, packed, shipped, cancelled
  bool needs_review = false;
  std::string review_reason{};
  std::int64_t total_cents = 0;
  std::int64_t updated_at_ms = 0;
  std::string kind = "sale";  // sale, return, exchange
  // Recorded when a ship-from-store order is shipped (hub schema version 8); absent otherwise.
  std::optional<std::string> tracking_reference{};
  std::optional<std::string> carrier{};
};

struct LoyaltyEntry {
  std::string entry_id{};  // unique; an entry applied twice counts once
  std::string customer_id{};
  std::int64_t points = 0;  // signed: redeem entries are negative
  std::string kind{};       // earn, redeem, refund, adjust
};

struct OfflineAllowance {
  std::string store_code{};
  std::string customer_id{};
  std::int64_t limit_points = 0;
};

// ---- gift cards ----

// A card the hub issues: its currency, its first value and the offline limit every store gets for it
// unless an allowance says otherwise (the channel API passes `[gift_cards] default_offline_limit_cents`).
struct GiftCardIssue {
  std::string card_id{};
  std::string currency{};
  std::int64_t amount_cents = 0;  // > 0: the issue entry; 0: a card without value yet
  std::int64_t default_offline_limit_cents = 0;
};

// One ledger entry; a balance is the sum of amount_cents. An entry id is recorded once.
struct GiftCardEntry {
  std::string entry_id{};  // UUID minted where the entry is made (the hub, or the till that redeemed)
  std::string card_id{};
  std::int64_t amount_cents = 0;  // signed: redeem entries are negative
  std::string kind{};             // issue, load, redeem, refund, adjust
  std::optional<std::string> store_code{};
  std::optional<std::string> origin_node{};  // the node that pushed it; none for hub entries
  std::optional<std::string> order_id{};
  std::int64_t created_at_ms = 0;
};

struct GiftCardView {
  std::string card_id{};
  std::string currency{};
  std::string status{};  // active, blocked
  std::int64_t balance_cents = 0;
  std::int64_t default_offline_limit_cents = 0;
  std::int64_t issued_at_ms = 0;
  bool needs_review = false;  // a redeem took the balance below zero (or hit a blocked card)
  std::string review_reason{};
  std::vector<GiftCardEntry> entries{};  // oldest first
};

struct GiftCardAllowance {
  std::string store_code{};
  std::string card_id{};
  std::int64_t limit_cents = 0;
};

// ---- pull ----

inline constexpr std::array<std::string_view, 7> kStreams = {
    "catalog", "prices", "promotions", "stock", "customers", "store_orders", "gift_cards"};

// Settling something the hub flagged for review (POST /channels/v1/reviews/resolve).
enum class ReviewSubject { order, gift_card };
struct ReviewRequest {
  ReviewSubject subject = ReviewSubject::order;
  std::string id{};    // the order id or the card id
  std::string note{};  // what was done: required, at most 500 characters
};
struct ReviewResolution {
  ReviewSubject subject = ReviewSubject::order;
  std::string id{};
  std::string reason{};  // the review reason that was cleared
  std::string note{};
  std::int64_t resolved_at_ms = 0;
};

struct PullRequest {
  std::string store_code{};
  std::string node_id{};
  // stream -> cursor from the last pull; a missing or empty cursor starts from the beginning.
  // Streams not named are not pulled.
  std::map<std::string, std::string> cursors{};
  std::size_t max_changes = 500;  // over all streams together
};

struct Change {
  std::string stream{};
  std::int64_t seq = 0;
  std::string entity{};   // "product:SKU", "price:STORE:SKU:FROM", "move:ID", "customer:ID", "order:ID", ...
  std::string payload{};  // JSON document the edge applies as is (docs/protocol.md)
};

struct PullResult {
  std::vector<Change> changes{};                 // stream by stream in kStreams order, by seq within a stream
  std::map<std::string, std::string> cursors{};  // the cursor to save for each stream pulled
  bool more = false;                             // some stream has changes beyond this batch
};

// ---- admin ----

struct NodeStatus {
  std::string node_id{};
  std::optional<std::string> store_code{};
  std::int64_t last_mutation_id = 0;
  std::optional<std::int64_t> last_push_at_ms{};
  std::optional<std::int64_t> since_last_push_ms{};  // now - last push
  std::optional<std::int64_t> apply_lag_ms{};        // last push - HLC wall time of the last applied mutation
  std::int64_t quarantined = 0;
  // Set once the node pushed a mutation under an id the hub holds with other content (restored from
  // an older backup); cleared when the node enrolls again.
  std::optional<std::int64_t> rewound_mutation_id{};
  std::optional<std::int64_t> rewound_at_ms{};
};

struct QuarantinedMutation {
  std::string node_id{};
  std::int64_t mutation_id = 0;
  std::string kind{};
  std::string hlc{};
  int schema_version = 0;
  std::string payload{};
  std::string reason{};
  std::int64_t quarantined_at_ms = 0;
};

class HubStorage {
 public:
  virtual ~HubStorage() = default;

  // The hub epoch: minted when the storage is created, new for a restored or rebuilt hub.
  virtual const std::string& epoch() const = 0;

  // `done(true)` once everything this storage has committed so far survives a power loss; a caller
  // acknowledges nothing before (storehub holds every reply until then). Storage whose writes are
  // durable when they return calls back at once. `done(false)`: it cannot be made durable. Called
  // on the thread that uses the storage; the callback may run on another thread.
  virtual void when_durable(std::function<void(bool durable)> done) { done(true); }

  // Registers or updates a store (its region and customer scope).
  [[nodiscard]] virtual Status upsert_store(const StoreInfo& store) = 0;
  // Binds a node to its store; the store must exist. Nodes that push before this are recorded
  // without a store.
  [[nodiscard]] virtual Status register_node(std::string_view node_id, std::string_view store_code) = 0;

  // Applies a node's batch in order in one transaction with a savepoint per mutation (see Outcome):
  // a rejected mutation rolls back to its savepoint and is quarantined in the same transaction; a
  // transient failure or a failed COMMIT makes every result `retry`, with nothing applied. A result
  // is `applied` or `rejected` only once COMMIT returned. Errc::invalid_argument with nothing applied
  // when a mutation names another node than `node_id`.
  [[nodiscard]] virtual Result<PushResult> apply_push(std::string_view node_id,
                                                      const std::vector<IncomingMutation>& batch) = 0;

  // ERP loads. Each is one transaction: any invalid item refuses the whole load, naming it.
  // Return the number of items written.
  [[nodiscard]] virtual Result<std::int64_t> load_catalog(const CatalogLoad& load) = 0;
  [[nodiscard]] virtual Result<std::int64_t> load_prices(const std::vector<Price>& prices) = 0;
  [[nodiscard]] virtual Result<std::int64_t> load_promotions(const std::vector<Promotion>& promotions) = 0;
  // Writes, per item, the delta that brings the store's level to `level` (none when already there).
  [[nodiscard]] virtual Result<std::int64_t> set_stock_levels(const std::vector<StockLevel>& levels) = 0;
  [[nodiscard]] virtual Result<std::int64_t> stock_level(std::string_view store_code,
                                                         std::string_view sku) = 0;

  // CRM: creates or updates a customer, stamping each field set with the hub's HLC.
  [[nodiscard]] virtual Result<CustomerProfile> upsert_customer(const CustomerUpdate& update) = 0;
  [[nodiscard]] virtual Result<std::optional<CustomerProfile>> find_customer(
      std::string_view customer_id) = 0;

  // Web shop. Placing the same order (same id and content) twice returns it again; the same id with
  // other content is Errc::already_exists.
  [[nodiscard]] virtual Result<OrderView> place_online_order(const OnlineOrder& order) = 0;
  [[nodiscard]] virtual Result<OrderView> order_status(std::string_view order_id) = 0;
  // Every order of a customer across channels (web orders, store sales, returns), newest first,
  // at most `limit`. An unknown customer has none.
  [[nodiscard]] virtual Result<std::vector<OrderView>> customer_orders(std::string_view customer_id,
                                                                       std::size_t limit) = 0;
  // A channel-side transition of a hub-held online order (the web shop cancels; Errc::conflict for a
  // transition the table in order_status.hpp does not allow).
  [[nodiscard]] virtual Result<OrderView> set_online_order_status(std::string_view order_id,
                                                                  std::string_view status) = 0;

  // Loyalty ledger: true when the entry is new, false when it was already there (counted once).
  // A redeem beyond the balance is Errc::conflict.
  [[nodiscard]] virtual Result<bool> add_loyalty_entry(const LoyaltyEntry& entry) = 0;
  [[nodiscard]] virtual Result<std::int64_t> loyalty_balance(std::string_view customer_id) = 0;
  [[nodiscard]] virtual Status set_offline_allowance(const OfflineAllowance& allowance) = 0;

  // Gift cards (docs/channels.md). Issuing: true when new, false for the same card again; the same id
  // with another currency or amount is Errc::already_exists.
  [[nodiscard]] virtual Result<bool> issue_gift_card(const GiftCardIssue& issue) = 0;
  // A hub entry (kind load or adjust): true when new, false when already recorded with this content;
  // Errc::conflict for the id with other content or a blocked card, Errc::not_found for no card.
  [[nodiscard]] virtual Result<bool> add_gift_card_entry(const GiftCardEntry& entry) = 0;
  // active or blocked; Errc::not_found for no card.
  [[nodiscard]] virtual Status set_gift_card_status(std::string_view card_id, std::string_view status) = 0;
  [[nodiscard]] virtual Result<std::optional<GiftCardView>> find_gift_card(std::string_view card_id) = 0;
  // The offline limit of one card at one store; both must exist.
  [[nodiscard]] virtual Status set_gift_card_allowance(const GiftCardAllowance& allowance) = 0;
  // Cards flagged for review, without their entries.
  [[nodiscard]] virtual Result<std::vector<GiftCardView>> gift_cards_for_review() = 0;

  // Changes after each cursor, for the store. A cursor from another epoch is an error with code
  // kResyncRequired; a malformed one is Errc::invalid_argument.
  [[nodiscard]] virtual Result<PullResult> pull(const PullRequest& request) = 0;

  [[nodiscard]] virtual Result<std::vector<NodeStatus>> list_nodes() = 0;
  // Quarantined mutations, oldest first; of one node when `node_id` is set.
  [[nodiscard]] virtual Result<std::vector<QuarantinedMutation>> list_quarantine(
      std::optional<std::string_view> node_id = std::nullopt) = 0;
  // Orders flagged for review (collected in store while cancelled online, ...).
  [[nodiscard]] virtual Result<std::vector<OrderView>> orders_for_review() = 0;
  // Clears the review flag of an order or a gift card once HQ has settled it, keeping the reason and
  // the note in the resolution log. Errc::not_found for no such order or card, Errc::conflict when it
  // is not flagged; an order's document goes to its store again (needs_review false).
  [[nodiscard]] virtual Result<ReviewResolution> resolve_review(const ReviewRequest& request) = 0;
  // The latest resolutions, newest first.
  [[nodiscard]] virtual Result<std::vector<ReviewResolution>> resolved_reviews(std::size_t limit) = 0;
};

}  // namespace storeedge::sync::hub
