// Preparing a push ahead of its apply (sync/hub/sqlite/push_prepare.hpp): every mutation gets the
// digest and parsed order the request thread would have computed itself, in order, on a thread for
// large batches and on the caller's for small ones.
#include <gtest/gtest.h>

#include <future>
#include <string>
#include <vector>

#include "sync/hub/sqlite/push_prepare.hpp"

namespace storeedge::sync::hub {
namespace {

std::string sale(int n) {
  return R"({"order_id": "o-)" + std::to_string(n) +
         R"(", "kind": "sale", "channel": "pos", "store_code": "0001", "customer_id": null,
             "currency": "EUR", "total": )" +
         std::to_string(100 + n) + R"(, "created_at_ms": 1700000000000,
             "lines": [{"sku": "SKU-A", "quantity": 1}], "tenders": [], "stock": [{"sku": "SKU-A", "delta": -1}]})";
}

// Sales, a customer update, and a broken order every seventh mutation.
std::vector<IncomingMutation> batch_of(int count) {
  std::vector<IncomingMutation> batch;
  for (int i = 1; i <= count; ++i) {
    IncomingMutation m;
    m.node_id = "node-1";
    m.mutation_id = i;
    m.schema_version = 4;
    if (i % 5 == 0) {
      m.kind = "customer.upserted";
      m.payload = R"({"customer_id": "c-1", "fields": {}})";
    } else {
      m.kind = "order.completed";
      m.payload = i % 7 == 0 ? R"({"order_id": "broken"})" : sale(i);
    }
    batch.push_back(std::move(m));
  }
  return batch;
}

void expect_as_computed_here(PushPreparer& prepared, const std::vector<IncomingMutation>& batch) {
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const PreparedMutation& p = prepared.get(i);
    EXPECT_EQ(p.digest, mutation_digest(batch[i])) << "mutation " << i;
    EXPECT_EQ(p.digest.size(), 32u);
    if (batch[i].kind != "order.completed") {
      EXPECT_FALSE(p.order) << "mutation " << i << " is no order";
      continue;
    }
    ASSERT_TRUE(p.order) << "mutation " << i;
    const auto direct = parse_edge_order(batch[i].payload);
    ASSERT_EQ(p.order->has_value(), direct.has_value()) << "mutation " << i;
    if (direct) {
      EXPECT_EQ((*p.order)->order_id, direct->order_id);
      EXPECT_EQ((*p.order)->total_cents, direct->total_cents);
    } else {
      EXPECT_EQ(p.order->error().what(), direct.error().what());
    }
  }
}

TEST(PushPreparer, ALargeBatchIsPreparedOnAThreadExactlyAsTheRequestThreadWould) {
  const auto batch = batch_of(300);
  PushPreparer prepared(batch);
  EXPECT_TRUE(prepared.threaded());
  expect_as_computed_here(prepared, batch);
}

// A worker that has no core to run on (held back here) does not hold up the apply: the request
// thread prepares every mutation the worker has not taken, with the same results, and the worker,
// once it runs, finds nothing left to do.
TEST(PushPreparer, TheRequestThreadPreparesWhatTheWorkerHasNotTakenInsteadOfWaiting) {
  const auto batch = batch_of(300);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  {
    PushPreparer prepared(batch, [released] { released.wait(); });
    EXPECT_TRUE(prepared.threaded());
    expect_as_computed_here(prepared, batch);
    EXPECT_EQ(prepared.prepared_by_worker(), 0u);
    release.set_value();
  }
}

TEST(PushPreparer, ASmallBatchIsPreparedOnTheCallersThreadWithTheSameResults) {
  const auto batch = batch_of(PushPreparer::kMinThreaded - 1);
  PushPreparer prepared(batch);
  EXPECT_FALSE(prepared.threaded());
  expect_as_computed_here(prepared, batch);
}

}  // namespace
}  // namespace storeedge::sync::hub
