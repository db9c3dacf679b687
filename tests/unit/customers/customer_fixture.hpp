#pragma once
// A fresh replica and a repository over it, for the customer tests.
#include <chrono>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "edge/store/customers.hpp"
#include "edge/store/replica.hpp"
#include "tests/support/temp_dir.hpp"

namespace storeedge::store::testing {

class CustomerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = Replica::open(dir_ / "replica.db", clock_);
    ASSERT_TRUE(r) << r.error().what();
    replica_.emplace(std::move(*r));
    repo_.emplace(replica_->db(), clock_);
  }
  sqlite::Database& db() { return replica_->db(); }
  CustomerRepository& repo() { return *repo_; }

  std::int64_t count(const std::string& table) {
    return db().query_one<std::int64_t>("SELECT COUNT(*) FROM " + table).value().value();
  }

  static Customer ana() {
    Customer c;
    c.id = "cust-ana";
    c.name = "Ana García";
    c.email = "Ana.Garcia@Example.COM";
    c.phone = "+34 600-12.34 (56)";
    c.marketing_consent = true;
    c.cards = {"LC-0002", "LC-0001"};
    return c;
  }

  test::TempDir dir_;
  ManualClock clock_;
  std::optional<Replica> replica_;
  std::optional<CustomerRepository> repo_;
};

}  // namespace storeedge::store::testing
