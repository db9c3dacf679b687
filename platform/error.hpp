#pragma once
// The error and result types used across module boundaries (see STYLE.md, "Errors").
// An Error names what kind of failure it is (Errc), carries an optional low-level code (errno,
// SQLite extended result code) and a message, and gains context as it travels up:
//   return err.with_context("opening replica " + path);
// renders as "opening replica /var/lib/x.db: disk I/O error (sqlite 10)".
#include <string>
#include <string_view>
#include <utility>

#include <tl/expected.hpp>

namespace storeedge {

enum class Errc {
  invalid_argument,   // the caller's input is wrong; retrying the same input fails again
  not_found,          // the thing asked for does not exist
  already_exists,     // uniqueness violated (an id, a receipt number)
  conflict,           // the state does not allow this now (already returned, wrong status)
  permission_denied,  // role or supervisor approval missing
  config,             // configuration file or key is invalid
  io,                 // the operating system refused a read, write, fsync, rename, ...
  disk_full,          // no space left; the write did not happen
  database,           // SQLite reported an error not covered by a narrower kind
  corrupt,            // stored data failed an integrity or chain check
  busy,               // a lock is held by someone else (data directory, database)
  unsupported,        // a version or feature this build cannot serve
  unavailable,        // a peer (hub, device) could not be reached
  internal,           // a broken invariant: a bug
};

std::string_view to_string(Errc kind);

class [[nodiscard]] Error {
 public:
  Error(Errc kind, std::string message, int code = 0)
      : kind_(kind), code_(code), message_(std::move(message)) {}

  Errc kind() const { return kind_; }
  int code() const { return code_; }
  // The innermost message, without context.
  const std::string& message() const { return message_; }
  // The whole chain, outermost context first: "ctx2: ctx1: message".
  std::string what() const;

  Error with_context(std::string_view context) const&;
  Error&& with_context(std::string_view context) &&;

 private:
  Errc kind_;
  int code_;
  std::string message_;
  std::string context_;  // "ctx2: ctx1" — prepended to message_ by what()
};

template <class T>
using Result = tl::expected<T, Error>;
using Status = tl::expected<void, Error>;

inline tl::unexpected<Error> fail(Errc kind, std::string message, int code = 0) {
  return tl::unexpected<Error>(Error(kind, std::move(message), code));
}
inline tl::unexpected<Error> fail(Error error) {
  return tl::unexpected<Error>(std::move(error));
}

// An Error from errno, e.g. errno_error("fsync " + path). ENOSPC and EDQUOT map to disk_full.
Error errno_error(std::string message, int err);

}  // namespace storeedge
