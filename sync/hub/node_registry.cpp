#include "sync/hub/node_registry.hpp"

#include <array>
#include <boost/uuid/random_generator.hpp>
#include <boost/uuid/uuid_io.hpp>

#include "platform/sha256.hpp"
#include "platform/sqlite/migrations.hpp"
#include "platform/sqlite/transaction.hpp"

namespace storeedge::sync::hub {
namespace {

constexpr std::string_view kRegistry = R"sql(
CREATE TABLE enrollment_token (
  token_hash    TEXT    PRIMARY KEY,
  store_code    TEXT    NOT NULL,
  created_at_ms INTEGER NOT NULL,
  used_by_node  TEXT,
  used_at_ms    INTEGER
) STRICT;
CREATE TABLE node_key (
  node_id        TEXT    PRIMARY KEY,
  store_code     TEXT    NOT NULL,
  device_code    TEXT    NOT NULL,
  public_key_pem TEXT    NOT NULL,
  enrolled_at_ms INTEGER NOT NULL
) STRICT;
)sql";
constexpr std::array kMigrations = {sqlite::Migration{1, "node registry", kRegistry}};

}  // namespace

Result<NodeRegistry> NodeRegistry::open(const std::filesystem::path& path, const Clock& clock) {
  auto db = sqlite::Database::open(path);
  if (!db) return fail(db.error());
  if (auto s = sqlite::migrate(*db, kMigrations); !s) return fail(s.error().with_context("node registry"));
  return NodeRegistry(std::move(*db), clock);
}

Result<std::string> NodeRegistry::issue_token(std::string_view store_code) {
  if (store_code.empty()) return fail(Errc::invalid_argument, "a token needs a store code");
  boost::uuids::random_generator gen;
  std::string token = boost::uuids::to_string(gen()) + boost::uuids::to_string(gen());
  std::erase(token, '-');
  auto insert =
      db_.cached("INSERT INTO enrollment_token (token_hash, store_code, created_at_ms) VALUES (?, ?, ?)");
  if (!insert) return fail(insert.error());
  if (auto s = (*insert)->bind_all(sha256_hex(token), store_code, unix_millis(clock_->now())); !s) {
    return fail(s.error());
  }
  if (auto s = (*insert)->run(); !s) return fail(s.error());
  return token;
}

Result<EnrolledNode> NodeRegistry::enroll(std::string_view token, const EnrolledNode& node) {
  if (node.node_id.empty() || node.device_code.empty()) {
    return fail(Errc::invalid_argument, "enrollment needs a node id and a device code");
  }
  auto tx = sqlite::Transaction::begin(db_);
  if (!tx) return fail(tx.error());
  auto find = db_.cached("SELECT store_code, used_by_node FROM enrollment_token WHERE token_hash = ?");
  if (!find) return fail(find.error());
  if (auto s = (*find)->bind_all(sha256_hex(token)); !s) return fail(s.error());
  auto row = (*find)->step();
  if (!row) return fail(row.error());
  if (!*row) return fail(Errc::permission_denied, "unknown enrollment token");
  const std::string store = (*find)->column_text(0);
  const bool spent = !(*find)->column_is_null(1);
  const std::string used_by = (*find)->column_text(1);
  (*find)->reset();
  if (store != node.store_code) {
    return fail(Errc::permission_denied,
                "the enrollment token was issued for store " + store + ", not " + node.store_code);
  }
  if (spent) {
    auto known = this->find(node.node_id);
    if (!known) return fail(known.error());
    if (used_by == node.node_id && *known && (*known)->public_key_pem == node.public_key_pem) return **known;
    return fail(Errc::permission_denied, "the enrollment token has already been used");
  }
  const auto now = unix_millis(clock_->now());
  auto spend =
      db_.cached("UPDATE enrollment_token SET used_by_node = ?, used_at_ms = ? WHERE token_hash = ?");
  if (!spend) return fail(spend.error());
  if (auto s = (*spend)->bind_all(node.node_id, now, sha256_hex(token)); !s) return fail(s.error());
  if (auto s = (*spend)->run(); !s) return fail(s.error());
  auto key = db_.cached(
      "INSERT INTO node_key (node_id, store_code, device_code, public_key_pem, enrolled_at_ms) VALUES (?, ?, "
      "?, ?, ?) "
      "ON CONFLICT (node_id) DO UPDATE SET store_code = excluded.store_code, device_code = "
      "excluded.device_code, "
      "public_key_pem = excluded.public_key_pem, enrolled_at_ms = excluded.enrolled_at_ms");
  if (!key) return fail(key.error());
  if (auto s = (*key)->bind_all(node.node_id, node.store_code, node.device_code, node.public_key_pem, now);
      !s) {
    return fail(s.error());
  }
  if (auto s = (*key)->run(); !s) return fail(s.error());
  if (auto s = tx->commit(); !s) return fail(s.error());
  return node;
}

Result<std::optional<EnrolledNode>> NodeRegistry::find(std::string_view node_id) {
  auto q = db_.cached("SELECT store_code, device_code, public_key_pem FROM node_key WHERE node_id = ?");
  if (!q) return fail(q.error());
  if (auto s = (*q)->bind_all(node_id); !s) return fail(s.error());
  auto row = (*q)->step();
  if (!row) return fail(row.error());
  if (!*row) return std::optional<EnrolledNode>();
  return std::optional<EnrolledNode>(
      EnrolledNode{std::string(node_id), (*q)->column_text(0), (*q)->column_text(1), (*q)->column_text(2)});
}

}  // namespace storeedge::sync::hub
