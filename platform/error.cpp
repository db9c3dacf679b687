#include "platform/error.hpp"

#include <cerrno>
#include <cstring>

namespace storeedge {

std::string_view to_string(Errc kind) {
  switch (kind) {
    case Errc::invalid_argument: return "invalid argument";
    case Errc::not_found: return "not found";
    case Errc::already_exists: return "already exists";
    case Errc::conflict: return "conflict";
    case Errc::permission_denied: return "permission denied";
    case Errc::config: return "configuration error";
    case Errc::io: return "I/O error";
    case Errc::disk_full: return "disk full";
    case Errc::database: return "database error";
    case Errc::corrupt: return "corrupt data";
    case Errc::busy: return "busy";
    case Errc::unsupported: return "unsupported";
    case Errc::unavailable: return "unavailable";
    case Errc::internal: return "internal error";
  }
  return "unknown error";
}

std::string Error::what() const {
  if (context_.empty()) return message_;
  return context_ + ": " + message_;
}

Error Error::with_context(std::string_view context) const& {
  Error copy = *this;
  return std::move(copy).with_context(context);
}

Error&& Error::with_context(std::string_view context) && {
  if (context.empty()) return std::move(*this);
  if (context_.empty()) {
    context_ = std::string(context);
  } else {
    context_ = std::string(context) + ": " + context_;
  }
  return std::move(*this);
}

Error errno_error(std::string message, int err) {
  const Errc kind = (err == ENOSPC || err == EDQUOT) ? Errc::disk_full : Errc::io;
  return Error(kind, std::move(message) + ": " + std::strerror(err), err);
}

}  // namespace storeedge
