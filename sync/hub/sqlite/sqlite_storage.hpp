#pragma once
// The default HubStorage: one SQLite database (hub.db), WAL and synchronous=FULL, schema in
// schema.cpp. Every push batch (see apply_batch), channel load and status change is one
// immediate transaction.
//
// Ownership and threads: owns its connection; not thread-safe (one per thread, the hub uses one).
// The Clock must outlive it.
#include <filesystem>
#include <map>
#include <memory>
#include <span>
#include <unordered_map>

#include "platform/clock.hpp"
#include "platform/sqlite/database.hpp"
#include "platform/sqlite/migrations.hpp"
#include "sync/hub/edge_payloads.hpp"
#include "sync/hub/order_status.hpp"
#include "sync/hub/sqlite/push_prepare.hpp"
#include "sync/hub/storage.hpp"

namespace storeedge::sync::hub {

// The hub database's migrations, oldest first (version 1 is the hub identity that holds the epoch).
std::span<const sqlite::Migration> hub_migrations();

// An order's document in the store_orders stream: its stored base with the type and its current
// status fields (docs/protocol.md, "Hub change payloads"), and for a shipped order the carrier's
// tracking reference and name, so every till of the store can answer where the parcel is.
[[nodiscard]] Result<std::string> order_document(std::string_view base, std::string_view status,
                                                 std::string_view fulfilment, bool needs_review,
                                                 std::string_view review_reason, std::int64_t updated_at_ms,
                                                 const std::optional<std::string>& tracking_reference = {},
                                                 const std::optional<std::string>& carrier = {});

// A node restored from a backup older than this many of its mutations is compared the weaker way.
inline constexpr std::int64_t kDefaultDigestsPerNode = 1'000'000;
// How many customer references (customer_refs.cpp) wait in customer_ref_pending before they are moved
// into customer_ref: a read of one customer's orders or balance scans the pending ones.
inline constexpr std::int64_t kDefaultCustomerRefsPending = 8192;

class SqliteStorage final : public HubStorage {
 public:
  // Opens or creates the database, applies pending migrations and mints the epoch on creation.
  // `options` are the connection's (tests pass a fault-injecting VFS); commits stay durable: at once,
  // or with options.group_commit through when_durable().
  [[nodiscard]] static Result<std::unique_ptr<SqliteStorage>> open(const std::filesystem::path& path,
                                                                   const Clock& clock,
                                                                   const sqlite::OpenOptions& options = {});

  const std::string& epoch() const override { return epoch_; }
  void when_durable(std::function<void(bool durable)> done) override { db_.when_durable(std::move(done)); }
  Status upsert_store(const StoreInfo& store) override;
  Status register_node(std::string_view node_id, std::string_view store_code) override;
  Result<PushResult> apply_push(std::string_view node_id,
                                const std::vector<IncomingMutation>& batch) override;
  Result<std::int64_t> load_catalog(const CatalogLoad& load) override;
  Result<std::int64_t> load_prices(const std::vector<Price>& prices) override;
  Result<std::int64_t> load_promotions(const std::vector<Promotion>& promotions) override;
  Result<std::int64_t> set_stock_levels(const std::vector<StockLevel>& levels) override;
  Result<std::int64_t> stock_level(std::string_view store_code, std::string_view sku) override;
  Result<CustomerProfile> upsert_customer(const CustomerUpdate& update) override;
  Result<std::optional<CustomerProfile>> find_customer(std::string_view customer_id) override;
  Result<OrderView> place_online_order(const OnlineOrder& order) override;
  Result<OrderView> order_status(std::string_view order_id) override;
  Result<std::vector<OrderView>> customer_orders(std::string_view customer_id, std::size_t limit) override;
  Result<OrderView> set_online_order_status(std::string_view order_id, std::string_view status) override;
  Result<bool> add_loyalty_entry(const LoyaltyEntry& entry) override;
  Result<std::int64_t> loyalty_balance(std::string_view customer_id) override;
  Status set_offline_allowance(const OfflineAllowance& allowance) override;
  Result<bool> issue_gift_card(const GiftCardIssue& issue) override;
  Result<bool> add_gift_card_entry(const GiftCardEntry& entry) override;
  Status set_gift_card_status(std::string_view card_id, std::string_view status) override;
  Result<std::optional<GiftCardView>> find_gift_card(std::string_view card_id) override;
  Status set_gift_card_allowance(const GiftCardAllowance& allowance) override;
  Result<std::vector<GiftCardView>> gift_cards_for_review() override;
  Result<PullResult> pull(const PullRequest& request) override;
  Result<std::vector<NodeStatus>> list_nodes() override;
  Result<std::vector<QuarantinedMutation>> list_quarantine(std::optional<std::string_view> node_id) override;
  Result<std::vector<OrderView>> orders_for_review() override;
  Result<ReviewResolution> resolve_review(const ReviewRequest& request) override;
  Result<std::vector<ReviewResolution>> resolved_reviews(std::size_t limit) override;

  sqlite::Database& db() { return db_; }

  // How many of each node's latest mutation digests the hub keeps at least
  // (`hub.mutation_digests_per_node`). Older ones are deleted a push's row at a time as the node's
  // watermark passes them; a mutation id replayed below them is compared as before digests existed
  // (same_as_applied_before_digests): a sale by its order.
  void keep_digests_per_node(std::int64_t count) { digests_per_node_ = count; }
  // Customer references pending before they are moved into customer_ref (at least 1).
  void keep_customer_refs_pending(std::int64_t count) { customer_refs_pending_ = count < 1 ? 1 : count; }

 private:
  // Where a change comes from and which stores see it (change_log columns).
  struct ChangeScope {
    std::optional<std::string> store_code;   // null: every store (subject to the stream's filter)
    std::optional<std::string> subject;      // customers stream: the customer it concerns
    std::optional<std::string> origin_node;  // the node it came from: not sent back to it
  };

  SqliteStorage(sqlite::Database db, const Clock& clock, std::string epoch);
  std::int64_t now_ms() const { return unix_millis(clock_.now()); }

  // push (sqlite_storage.cpp, apply_edge.cpp)
  enum class Isolation { none, savepoint_per_mutation };
  Status apply_batch(std::string_view node_id, const std::vector<IncomingMutation>& batch,
                     PushPreparer& prepared, PushResult& out, std::optional<std::int64_t>& committed,
                     Isolation isolation);
  Result<MutationResult> apply_in_savepoint(std::string_view node_id, const IncomingMutation& m,
                                            const PreparedMutation& prepared);
  // Reused ids (a node restored from an older backup): mutation_digest_run rows, one per push with
  // the digests of the mutations it applied or quarantined, compared for ids at or below the
  // watermark (ids the batch itself applied are compared with push_.digests).
  Result<bool> same_as_applied(std::string_view node_id, const IncomingMutation& m,
                               const std::string& digest);
  Result<bool> same_as_applied_before_digests(std::string_view node_id, const IncomingMutation& m);
  Status record_digests(std::string_view node_id, std::int64_t first_id, std::int64_t last_id,
                        const std::string& digests);
  Status flag_rewound(std::string_view node_id, std::int64_t mutation_id);
  // `prepared`: the mutation's order parsed ahead (push_prepare.hpp); null parses it here.
  Status apply_mutation(std::string_view node_id, const IncomingMutation& m,
                        const PreparedMutation* prepared = nullptr);
  Status apply_edge_order(std::string_view node_id, const IncomingMutation& m,
                          const PreparedMutation* prepared);
  Status apply_status_change(const IncomingMutation& m);
  Status apply_shift_event(std::string_view node_id, const IncomingMutation& m);
  Status apply_edge_customer(const IncomingMutation& m);
  Status write_order_effects(std::string_view node_id, const EdgeOrder& order);
  Status observe_hlc(const proto::NodeStamp& seen);
  Result<proto::NodeStamp> stamp_hlc();

  // customers and loyalty (customers.cpp)
  Result<bool> merge_customer(std::string_view customer_id,
                              const std::vector<std::pair<std::string, std::string>>& fields,
                              const proto::NodeStamp& stamp);
  Result<std::optional<CustomerProfile>> read_customer(std::string_view customer_id);
  Status publish_customer(const CustomerProfile& c);
  Result<bool> insert_loyalty(const LoyaltyEntry& e, std::optional<std::string> origin_node,
                              std::optional<std::string> order_id);
  Status relate_customer_to_store(std::string_view customer_id, std::string_view store_code);

  // A customer's orders and loyalty entries (customer_refs.cpp). A reference is appended to
  // customer_ref_pending with the row it names; once customer_refs_pending_ of them wait, all are moved
  // into customer_ref at once, in key order, inside the caller's transaction.
  enum class CustomerRefKind : int { order = 0, loyalty = 1 };
  Status add_customer_ref(std::string_view customer_id, CustomerRefKind kind, std::int64_t at_ms,
                          std::string_view ref);
  Status merge_customer_refs();
  // SQL selecting (at_ms, ref) of one kind for the customer bound to ?1, moved and pending alike.
  static std::string customer_refs_sql(CustomerRefKind kind);

  // gift cards (gift_cards.cpp)
  struct CardRow;
  Result<std::optional<CardRow>> read_card(std::string_view card_id);
  Result<std::int64_t> card_balance(std::string_view card_id);
  Result<bool> insert_gift_card_entry(const GiftCardEntry& e, const std::optional<std::string>& currency);
  Status publish_gift_card(std::string_view card_id);
  // Records an edge order's gift card entries; flags the order (and a card taken below zero) for
  // review instead of refusing: the sale happened. Returns whether the order was flagged.
  Result<bool> record_order_gift_cards(std::string_view node_id, const EdgeOrder& order);

  // orders (orders.cpp)
  Result<OrderView> read_order(std::string_view order_id);
  Status publish_order(std::string_view order_id);
  // `shipment` is recorded when the order becomes shipped.
  Status change_order_status(std::string_view order_id, std::string_view to, StatusActor by,
                             const std::optional<Shipment>& shipment = std::nullopt);

  // change streams (changes.cpp)
  // The next position of a stream. Inside a push batch (begin_push_batch .. end_push_batch) positions
  // come from memory and flush_push_batch writes them back before COMMIT (a drain takes thousands per
  // batch); elsewhere each takes one statement. A position taken in a rolled-back savepoint is skipped.
  // With `accumulate_stock` (a push batch without savepoints) stock moves add to their store's level
  // in memory, once per SKU at flush_push_batch; with savepoints each adds at once, since a rejected
  // mutation's rollback must take its deltas with it.
  // `count` > 1 takes that many consecutive positions and returns the last.
  Result<std::int64_t> next_seq(std::string_view stream, std::int64_t count = 1);
  // Gives back `seq`, the position next_seq just returned, when nothing took it (inside a push batch;
  // elsewhere the position stays skipped).
  void unuse_seq(std::string_view stream, std::int64_t seq);
  // The store the pushing node belongs to (nullopt: none recorded). Inside a push batch it is read once:
  // nothing a push applies changes it.
  Result<std::optional<std::string>> pushing_node_store(std::string_view node_id);
  void begin_push_batch(bool accumulate_stock);
  Status flush_push_batch();
  void end_push_batch();
  // `new_entity`: the caller knows no earlier change of `entity` exists (a fresh stock move, a new
  // order), so there is none to replace; it saves an index probe per change on the push path.
  Status append_change(std::string_view stream, std::string_view entity, const ChangeScope& scope,
                       std::string_view payload, bool new_entity = false);
  Status resurface_customer(std::string_view customer_id);
  Result<std::int64_t> add_stock_move(std::string_view store_code, std::string_view sku, std::int64_t delta,
                                      std::string_view reason, std::optional<std::string> origin_node,
                                      std::optional<std::string> order_id);
  Result<std::string> cursor_after(std::string_view stream, std::string_view cursor);

  sqlite::Database db_;
  Status add_order_stock_moves(const EdgeOrder& order, std::string_view reason, std::string_view node_id);
  Status count_stock(std::string_view store_code, std::string_view sku, std::int64_t delta);
  Status add_to_stock_level(std::string_view store_code, std::string_view sku, std::int64_t delta);

  struct PushBatch {
    bool active = false;
    bool accumulate_stock = false;
    std::map<std::string, std::int64_t, std::less<>> next;
    // (store, sku) -> delta, found by views of both (a lookup per sold line: a hash instead of a
    // tree descent comparing strings); flush_push_batch writes them in key order.
    struct StockKeyHash {
      using is_transparent = void;
      template <class K>
      std::size_t operator()(const K& k) const {
        const std::size_t h = std::hash<std::string_view>{}(k.first);
        return h ^ (std::hash<std::string_view>{}(k.second) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2));
      }
    };
    struct StockKeyEqual {
      using is_transparent = void;
      template <class A, class B>
      bool operator()(const A& a, const B& b) const {
        return std::string_view(a.first) == std::string_view(b.first) &&
               std::string_view(a.second) == std::string_view(b.second);
      }
    };
    std::unordered_map<std::pair<std::string, std::string>, std::int64_t, StockKeyHash, StockKeyEqual> stock;
    std::optional<std::optional<std::string>> node_store;  // pushing_node_store, once read
    std::string digests;  // apply_batch: the digests of the mutations it applied or quarantined
  } push_;
  const Clock& clock_;
  std::string epoch_;
  std::int64_t digests_per_node_ = kDefaultDigestsPerNode;
  std::int64_t customer_refs_pending_ = kDefaultCustomerRefsPending;
};

}  // namespace storeedge::sync::hub
