// The online order transition table (sync/hub/order_status.hpp), every row: each status an order can
// be in, each status asked for, by the web shop and by a store, for both fulfilments. What the table
// allows is written out here once more; everything else must be refused.
#include "sync/hub/order_status.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <tuple>

namespace storeedge::sync::hub {
namespace {

constexpr std::array<std::string_view, 7> kAll = {"pending", "ready_for_pickup", "collected", "packed",
                                                  "shipped", "cancelled",        "completed"};

struct Allowed {
  std::string_view fulfilment, from, to;
  bool store_only;
  bool review;
};

// The table of order_status.hpp, as the web shop and the stores are told it (docs/channels.md).
constexpr std::array<Allowed, 10> kAllowed = {{
    {"pickup", "pending", "ready_for_pickup", false, false},
    {"pickup", "pending", "cancelled", false, false},
    {"pickup", "ready_for_pickup", "collected", true, false},
    {"pickup", "ready_for_pickup", "cancelled", false, false},
    {"pickup", "cancelled", "collected", true, true},
    {"ship_from_store", "pending", "packed", false, false},
    {"ship_from_store", "pending", "cancelled", false, false},
    {"ship_from_store", "packed", "shipped", true, false},
    {"ship_from_store", "packed", "cancelled", false, false},
    {"ship_from_store", "cancelled", "shipped", true, true},
}};

const Allowed* allowed(std::string_view fulfilment, std::string_view from, std::string_view to) {
  for (const auto& a : kAllowed)
    if (a.fulfilment == fulfilment && a.from == from && a.to == to) return &a;
  return nullptr;
}

bool belongs_to_other(std::string_view fulfilment, std::string_view to) {
  const bool pickup_word = to == "ready_for_pickup" || to == "collected";
  const bool ship_word = to == "packed" || to == "shipped";
  return fulfilment == "pickup" ? ship_word : pickup_word;
}

TEST(OrderStatusTable, EveryTransitionOfBothFulfilmentsByBothActors) {
  int allowed_seen = 0;
  for (std::string_view fulfilment : {"pickup", "ship_from_store"}) {
    for (std::string_view from : kAll) {
      for (std::string_view to : kAll) {
        for (StatusActor by : {StatusActor::channel, StatusActor::store}) {
          const std::string where = std::string(fulfilment) + " " + std::string(from) + " -> " +
                                    std::string(to) +
                                    (by == StatusActor::store ? " by store" : " by channel");
          auto v = check_transition("web-1", fulfilment, from, to, by);
          if (belongs_to_other(fulfilment, to)) {
            ASSERT_FALSE(v) << where;
            EXPECT_EQ(v.error().kind(), Errc::conflict) << where;
            EXPECT_NE(v.error().message().find(std::string(fulfilment) + " order"), std::string::npos)
                << where << ": " << v.error().message();
            EXPECT_NE(v.error().message().find(std::string(to) + " is a "), std::string::npos)
                << where << ": " << v.error().message();
            continue;
          }
          if (from == to) {
            ASSERT_TRUE(v) << where << ": " << v.error().message();
            EXPECT_FALSE(v->changed) << where;
            EXPECT_EQ(v->status, to);
            continue;
          }
          const Allowed* a = allowed(fulfilment, from, to);
          if (a != nullptr && (!a->store_only || by == StatusActor::store)) {
            ++allowed_seen;
            ASSERT_TRUE(v) << where << ": " << v.error().message();
            EXPECT_TRUE(v->changed) << where;
            EXPECT_EQ(v->status, to) << where;
            EXPECT_EQ(v->needs_review, a->review) << where;
            EXPECT_EQ(v->review_reason.empty(), !a->review) << where;
          } else {
            ASSERT_FALSE(v) << where << " must be refused";
            EXPECT_EQ(v.error().kind(), Errc::conflict) << where;
            EXPECT_NE(
                v.error().message().find("cannot go from " + std::string(from) + " to " + std::string(to)),
                std::string::npos)
                << where << ": " << v.error().message();
          }
        }
      }
    }
  }
  EXPECT_EQ(allowed_seen, 10 + 6) << "each row once by a store, the six open to any actor once more";
}

TEST(OrderStatusTable, AShipFromStoreOrderShippedWhileCancelledOnlineIsFlaggedForShipping) {
  auto v = check_transition("web-1", "ship_from_store", "cancelled", "shipped", StatusActor::store);
  ASSERT_TRUE(v) << v.error().message();
  EXPECT_EQ(v->status, "shipped");
  EXPECT_TRUE(v->needs_review);
  EXPECT_NE(v->review_reason.find("shipped from the store while cancelled online"), std::string::npos)
      << v->review_reason;
}

TEST(OrderStatusTable, TheOtherFulfilmentsStatusIsRefusedNamingBoth) {
  auto packed = check_transition("web-1", "pickup", "pending", "packed", StatusActor::store);
  ASSERT_FALSE(packed);
  EXPECT_EQ(packed.error().message(),
            "order web-1 is a pickup order: packed is a ship_from_store status (a pickup order is pending, "
            "ready_for_pickup, collected or cancelled)");
  auto collected = check_transition("web-2", "ship_from_store", "packed", "collected", StatusActor::store);
  ASSERT_FALSE(collected);
  EXPECT_EQ(
      collected.error().message(),
      "order web-2 is a ship_from_store order: collected is a pickup status (a ship_from_store order is "
      "pending, packed, shipped or cancelled)");
}

TEST(OrderStatusTable, AnUnknownStatusIsInvalid) {
  auto v = check_transition("web-1", "ship_from_store", "pending", "lost_in_transit", StatusActor::store);
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().kind(), Errc::invalid_argument);
  EXPECT_NE(v.error().message().find("'lost_in_transit'"), std::string::npos);
}

TEST(OrderStatusTable, AnOlderTillsPickupWordsMeanPackedAndShippedForAShipFromStoreOrderOnly) {
  EXPECT_EQ(legacy_store_status("ship_from_store", "ready_for_pickup"), "packed");
  EXPECT_EQ(legacy_store_status("ship_from_store", "collected"), "shipped");
  EXPECT_EQ(legacy_store_status("ship_from_store", "cancelled"), "cancelled");
  EXPECT_EQ(legacy_store_status("pickup", "ready_for_pickup"), "ready_for_pickup");
  EXPECT_EQ(legacy_store_status("pickup", "collected"), "collected");
}

}  // namespace
}  // namespace storeedge::sync::hub
