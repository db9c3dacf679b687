#pragma once
// Prepared statements with typed binds and reads.
//
// Ownership: a Statement owns its sqlite3_stmt and finalizes it on destruction. It must not be
// used after its Database is gone (finalizing it then is harmless). Not thread-safe: a Statement
// belongs to the thread that uses its Database.
// Indexes: bind() takes 1-based parameter indexes (as SQLite does), column_*() 0-based columns.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "platform/error.hpp"

struct sqlite3_stmt;

namespace storeedge::sqlite {

class Database;

namespace detail {
template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};
template <class>
inline constexpr bool dependent_false = false;
}  // namespace detail

class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Binds one parameter (1-based). Text and blobs are copied, so the argument may die afterwards.
  // An index outside 1..parameter_count() is Errc::invalid_argument.
  [[nodiscard]] Status bind(int index, std::int64_t value);
  [[nodiscard]] Status bind(int index, int value);
  [[nodiscard]] Status bind(int index, double value);
  [[nodiscard]] Status bind(int index, std::string_view value);
  [[nodiscard]] Status bind(int index, std::span<const std::byte> blob);
  [[nodiscard]] Status bind(int index, std::nullopt_t);
  [[nodiscard]] Status bind(int index, std::nullptr_t);
  template <class T>
  [[nodiscard]] Status bind(int index, const std::optional<T>& value) {
    if (!value) return bind(index, std::nullopt);
    return bind(index, *value);
  }

  // Binds text without copying it: `value` must stay alive and unchanged until the statement is
  // reset and its bindings cleared or replaced (a CachedStatement going out of scope does both).
  // For statements bound and run within one call, where a copy cost a malloc and a free per text.
  [[nodiscard]] Status bind_borrowed(int index, std::string_view value);
  template <class T>
  [[nodiscard]] Status bind_borrowed(int index, const T& value) {
    if constexpr (detail::is_optional<T>::value) {
      if (!value) return bind(index, std::nullopt);
      return bind_borrowed(index, *value);
    } else if constexpr (std::is_convertible_v<const T&, std::string_view>) {
      return bind_borrowed(index, std::string_view(value));
    } else {
      return bind(index, value);
    }
  }

  // Binds every parameter in order, 1..N. The number of arguments must equal parameter_count().
  template <class... Args>
  [[nodiscard]] Status bind_all(const Args&... args) {
    return bind_each<false>(args...);
  }
  // As bind_all, but text is borrowed (bind_borrowed): every argument must outlive the statement's
  // reset, as the arguments of a call that binds, runs and releases a CachedStatement do.
  template <class... Args>
  [[nodiscard]] Status bind_all_borrowed(const Args&... args) {
    return bind_each<true>(args...);
  }

  // Runs the statement to its next row: true when a row is ready to read, false when done.
  // On error the statement is reset, so it can be run again.
  [[nodiscard]] Result<bool> step();
  // Steps to completion, ignoring any rows, then resets (bindings are kept).
  [[nodiscard]] Status run();
  // Rewinds the statement so it can be stepped again; bindings are kept.
  void reset();
  void clear_bindings();

  std::int64_t column_int64(int column) const;
  int column_int(int column) const;
  double column_double(int column) const;
  std::string column_text(int column) const;  // NULL reads as ""
  std::vector<std::byte> column_blob(int column) const;
  bool column_is_null(int column) const;
  int column_count() const;
  int parameter_count() const;

  // Typed read: std::int64_t, int, bool, double, std::string, std::vector<std::byte>, or
  // std::optional of one of those (NULL reads as std::nullopt).
  template <class T>
  T get(int column) const {
    if constexpr (detail::is_optional<T>::value) {
      if (column_is_null(column)) return std::nullopt;
      return get<typename T::value_type>(column);
    } else if constexpr (std::is_same_v<T, std::int64_t>) {
      return column_int64(column);
    } else if constexpr (std::is_same_v<T, int>) {
      return column_int(column);
    } else if constexpr (std::is_same_v<T, bool>) {
      return column_int64(column) != 0;
    } else if constexpr (std::is_same_v<T, double>) {
      return column_double(column);
    } else if constexpr (std::is_same_v<T, std::string>) {
      return column_text(column);
    } else if constexpr (std::is_same_v<T, std::vector<std::byte>>) {
      return column_blob(column);
    } else {
      static_assert(detail::dependent_false<T>, "unsupported column type");
    }
  }

  // The SQL text the statement was prepared from.
  std::string_view sql() const;
  sqlite3_stmt* raw() const { return stmt_; }

 private:
  friend class Database;
  explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  Status check_index(int index) const;
  Status bind_result(int rc, int index) const;
  Status arity_error(std::size_t given) const;
  template <bool Borrowed, class... Args>
  Status bind_each(const Args&... args) {
    if (static_cast<int>(sizeof...(Args)) != parameter_count()) return arity_error(sizeof...(Args));
    if constexpr (sizeof...(Args) == 0) return {};
    Status status;
    int index = 1;
    [[maybe_unused]] auto one = [&](const auto& value) {
      if (!status) return;
      if constexpr (Borrowed) {
        status = bind_borrowed(index++, value);
      } else {
        status = bind(index++, value);
      }
    };
    (one(args), ...);
    return status;
  }

  sqlite3_stmt* stmt_ = nullptr;
};

// A statement borrowed from a Database's per-connection cache (Database::cached). When the handle
// goes out of scope the statement is reset, its bindings cleared, and it returns to the cache.
// A handle must not outlive the Database that produced it.
class CachedStatement {
 public:
  CachedStatement(CachedStatement&& other) noexcept;
  CachedStatement& operator=(CachedStatement&&) = delete;
  CachedStatement(const CachedStatement&) = delete;
  CachedStatement& operator=(const CachedStatement&) = delete;
  ~CachedStatement();

  Statement* operator->() const { return stmt_; }
  Statement& operator*() const { return *stmt_; }

 private:
  friend class Database;
  // Borrowed from the cache: `in_use` is the cache entry's flag, cleared on release.
  CachedStatement(Statement* stmt, bool* in_use) : stmt_(stmt), in_use_(in_use) {}
  // Not cached (the cached one was already borrowed): owned by the handle.
  explicit CachedStatement(std::unique_ptr<Statement> owned) : stmt_(owned.get()), owned_(std::move(owned)) {}

  Statement* stmt_ = nullptr;
  bool* in_use_ = nullptr;
  std::unique_ptr<Statement> owned_;
};

}  // namespace storeedge::sqlite
