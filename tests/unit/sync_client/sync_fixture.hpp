#pragma once
// A store replica (the sales fixture: real sales through complete_sale) and a REAL hub storage
// engine on temporary SQLite files, joined by the in-process hub transport with fault injection.
#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>

#include "sync/client/sync_client.hpp"
#include "sync/client/sync_state.hpp"
#include "sync/hub/sqlite/sqlite_storage.hpp"
#include "tests/unit/sales/sales_fixture.hpp"
#include "tests/unit/sync_client/fake_hub.hpp"

namespace storeedge::sync::client::testing {

class SyncTest : public store::testing::SalesTest {
 protected:
  void SetUp() override {
    SalesTest::SetUp();
    open_hub("hub.db");
    ASSERT_TRUE(hub_->upsert_store({"0001", "north", hub::CustomerScope::region}));
    key_ = std::make_unique<proto::SigningKey>(proto::SigningKey::generate().value());
    hub_transport_ = std::make_unique<InProcessHub>(*hub_, clock_);
    hub_transport_->enroll(replica_->node_id(), "0001", key_->public_key().value());
    faulty_ = std::make_unique<FaultyTransport>(*hub_transport_);
    channel_ = std::make_unique<HubChannel>(*faulty_, *key_, replica_->node_id(), clock_);
  }

  void open_hub(const std::string& file) {
    auto s = hub::SqliteStorage::open(dir_ / file, clock_);
    ASSERT_TRUE(s) << s.error().what();
    hub_ = std::move(*s);
  }

  // The payload version is store::kOutboxPayloadVersion; see the quarantine test for a newer one.
  RelayOptions relay_options() { return RelayOptions{}; }

  OutboxRelay relay(RelayOptions o) { return OutboxRelay(*replica_, *channel_, clock_, o); }
  OutboxRelay relay() { return relay(relay_options()); }

  Puller puller(std::size_t chunk = 500, std::uint32_t max_changes = 500) {
    PullOptions o;
    o.store_code = "0001";
    o.chunk_size = chunk;
    o.max_changes = max_changes;
    return Puller(*replica_, *channel_, clock_, o);
  }

  // `n` real sales of one or two lines each, paid in cash.
  std::set<std::string> make_sales(int n) {
    std::set<std::string> ids;
    for (int i = 0; i < n; ++i) {
      auto cart = cash_paid_cart({store::testing::units("SKU-" + std::to_string(i % 7), 150 + i, 1 + i % 3)});
      ids.insert(sell(cart).order_id);
    }
    return ids;
  }

  std::set<std::string> hub_order_ids() {
    std::set<std::string> ids;
    auto stmt = hub_->db().prepare("SELECT order_id FROM hub_order WHERE origin_node IS NOT NULL").value();
    while (stmt.step().value()) ids.insert(stmt.get<std::string>(0));
    return ids;
  }
  std::int64_t hub_count(const std::string& sql) {
    return hub_->db().query_one<std::int64_t>(sql).value().value_or(-1);
  }
  std::int64_t pending() { return count("SELECT COUNT(*) FROM outbox WHERE acked_at_ms IS NULL"); }

  static std::int64_t pending_in(store::Replica& replica) {
    return replica.db()
        .query_one<std::int64_t>("SELECT COUNT(*) FROM outbox WHERE acked_at_ms IS NULL")
        .value()
        .value_or(-1);
  }
  // After a drain from `replica`: every sale in `sold` is at the hub once, and no other order;
  // nothing is pending and nothing quarantined.
  void expect_arrived_once(store::Replica& replica, const std::set<std::string>& sold) {
    EXPECT_EQ(pending_in(replica), 0);
    EXPECT_EQ(hub_order_ids(), sold);
    EXPECT_EQ(hub_count("SELECT COUNT(*) FROM hub_order"), static_cast<std::int64_t>(sold.size()));
    EXPECT_EQ(hub_count("SELECT COUNT(*) FROM quarantine"), 0);
  }

  // What the hub answered a till restarted on a crashed replica: pushes until nothing is sent (at
  // most `max_pushes`); a resend keeps its stamps, so none may report a rewind or a gap.
  struct Resent {
    std::int64_t applied = 0;
    std::int64_t duplicate = 0;
  };
  static Resent drain_after_restart(OutboxRelay& relay, int max_pushes = 10) {
    Resent out;
    for (int i = 0; i < max_pushes; ++i) {
      auto r = relay.push_once();
      if (!r) {
        ADD_FAILURE() << r.error().what();
        return out;
      }
      EXPECT_FALSE(r->rewound) << "a resend carried another stamp";
      EXPECT_FALSE(r->gap);
      if (r->sent == 0) break;
      out.duplicate += r->duplicate;
      out.applied += r->applied;
    }
    return out;
  }

  std::unique_ptr<hub::SqliteStorage> hub_;
  std::unique_ptr<proto::SigningKey> key_;
  std::unique_ptr<InProcessHub> hub_transport_;
  std::unique_ptr<FaultyTransport> faulty_;
  std::unique_ptr<HubChannel> channel_;
};

}  // namespace storeedge::sync::client::testing
