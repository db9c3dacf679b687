#pragma once
// A fresh replica on a temporary file with a manual clock set to 2023-11-14, for the store tests
// that work on its tables directly (pickups, shipments, fulfilment).
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>

#include "edge/store/replica.hpp"
#include "tests/support/temp_dir.hpp"

namespace storeedge::store::testing {

class ReplicaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    clock_.set_wall(std::chrono::system_clock::time_point{std::chrono::milliseconds{1'700'000'000'000}});
    auto r = Replica::open(dir_ / "replica.db", clock_);
    ASSERT_TRUE(r) << r.error().what();
    replica_.emplace(std::move(*r));
  }
  sqlite::Database& db() { return replica_->db(); }
  std::int64_t count(const std::string& sql) { return db().query_one<std::int64_t>(sql).value().value(); }

  test::TempDir dir_;
  ManualClock clock_;
  std::optional<Replica> replica_;
};

}  // namespace storeedge::store::testing
