#include "platform/sqlite/statement.hpp"

#include <utility>

#include "platform/sqlite/detail.hpp"

namespace storeedge::sqlite {

Statement::Statement(Statement&& other) noexcept : stmt_(std::exchange(other.stmt_, nullptr)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    stmt_ = std::exchange(other.stmt_, nullptr);
  }
  return *this;
}

Statement::~Statement() {
  sqlite3_finalize(stmt_);
}

Status Statement::check_index(int index) const {
  const int count = sqlite3_bind_parameter_count(stmt_);
  if (index < 1 || index > count) {
    return fail(Errc::invalid_argument, "parameter index " + std::to_string(index) + " is out of range 1.." +
                                            std::to_string(count) + " in: " + shorten_sql(sql()));
  }
  return {};
}

// SQLite checks the index itself (SQLITE_RANGE); asking for the parameter count before every bind
// cost a call per parameter.
Status Statement::bind_result(int rc, int index) const {
  if (rc == SQLITE_OK) return {};
  if (rc == SQLITE_RANGE) {
    if (auto ok = check_index(index); !ok) return ok;
  }
  return fail(detail::connection_error(sqlite3_db_handle(stmt_), rc, sql())
                  .with_context("binding parameter " + std::to_string(index)));
}

Status Statement::arity_error(std::size_t given) const {
  return fail(Errc::invalid_argument, "statement takes " + std::to_string(parameter_count()) +
                                          " parameters, got " + std::to_string(given) +
                                          " in: " + shorten_sql(sql()));
}

Status Statement::bind(int index, std::int64_t value) {
  return bind_result(sqlite3_bind_int64(stmt_, index, value), index);
}

Status Statement::bind(int index, int value) {
  return bind(index, static_cast<std::int64_t>(value));
}

Status Statement::bind(int index, double value) {
  return bind_result(sqlite3_bind_double(stmt_, index, value), index);
}

Status Statement::bind(int index, std::string_view value) {
  // data() of an empty view may be null, which SQLite would store as NULL instead of ''.
  const char* data = value.data() != nullptr ? value.data() : "";
  return bind_result(sqlite3_bind_text64(stmt_, index, data, static_cast<sqlite3_uint64>(value.size()),
                                         SQLITE_TRANSIENT, SQLITE_UTF8),
                     index);
}

Status Statement::bind_borrowed(int index, std::string_view value) {
  const char* data = value.data() != nullptr ? value.data() : "";
  return bind_result(sqlite3_bind_text64(stmt_, index, data, static_cast<sqlite3_uint64>(value.size()),
                                         SQLITE_STATIC, SQLITE_UTF8),
                     index);
}

Status Statement::bind(int index, std::span<const std::byte> blob) {
  if (blob.empty()) return bind_result(sqlite3_bind_zeroblob(stmt_, index, 0), index);
  return bind_result(sqlite3_bind_blob64(stmt_, index, blob.data(), static_cast<sqlite3_uint64>(blob.size()),
                                         SQLITE_TRANSIENT),
                     index);
}

Status Statement::bind(int index, std::nullopt_t) {
  return bind_result(sqlite3_bind_null(stmt_, index), index);
}

Status Statement::bind(int index, std::nullptr_t) {
  return bind(index, std::nullopt);
}

Result<bool> Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  Error error = detail::connection_error(sqlite3_db_handle(stmt_), rc, sql());
  sqlite3_reset(stmt_);  // releases the statement's locks; it returns the same error again
  return fail(std::move(error));
}

Status Statement::run() {
  while (true) {
    auto row = step();
    if (!row) return fail(row.error());
    if (!*row) break;
  }
  reset();
  return {};
}

void Statement::reset() {
  sqlite3_reset(stmt_);
}
void Statement::clear_bindings() {
  sqlite3_clear_bindings(stmt_);
}

std::int64_t Statement::column_int64(int column) const {
  return sqlite3_column_int64(stmt_, column);
}
int Statement::column_int(int column) const {
  return sqlite3_column_int(stmt_, column);
}
double Statement::column_double(int column) const {
  return sqlite3_column_double(stmt_, column);
}

std::string Statement::column_text(int column) const {
  const auto* text = sqlite3_column_text(stmt_, column);
  if (text == nullptr) return {};
  const auto size = static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column));
  return std::string(reinterpret_cast<const char*>(text), size);
}

std::vector<std::byte> Statement::column_blob(int column) const {
  const auto* data = static_cast<const std::byte*>(sqlite3_column_blob(stmt_, column));
  const auto size = static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column));
  if (data == nullptr) return {};
  return std::vector<std::byte>(data, data + size);
}

bool Statement::column_is_null(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}
int Statement::column_count() const {
  return sqlite3_column_count(stmt_);
}
int Statement::parameter_count() const {
  return sqlite3_bind_parameter_count(stmt_);
}

std::string_view Statement::sql() const {
  const char* text = sqlite3_sql(stmt_);
  return text != nullptr ? std::string_view(text) : std::string_view();
}

CachedStatement::CachedStatement(CachedStatement&& other) noexcept
    : stmt_(std::exchange(other.stmt_, nullptr)),
      in_use_(std::exchange(other.in_use_, nullptr)),
      owned_(std::move(other.owned_)) {}

CachedStatement::~CachedStatement() {
  if (stmt_ == nullptr) return;
  stmt_->reset();
  stmt_->clear_bindings();
  if (in_use_ != nullptr) *in_use_ = false;
}

}  // namespace storeedge::sqlite
