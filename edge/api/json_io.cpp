#include "edge/api/json_io.hpp"

namespace storeedge::api {

http::Response error_response(const Error& error) {
  int status = 500;
  switch (error.kind()) {
    case Errc::invalid_argument: status = 422; break;
    case Errc::not_found: status = 404; break;
    case Errc::already_exists:
    case Errc::conflict: status = 409; break;
    case Errc::permission_denied: status = 403; break;
    case Errc::unavailable:
    case Errc::busy: status = 503; break;
    case Errc::disk_full: status = 507; break;
    default: status = 500;
  }
  return http::error_response(status, to_string(error.kind()), error.what());
}

Result<boost::json::object> parse_object(const std::string& body) {
  boost::system::error_code ec;
  auto value = boost::json::parse(body, ec);
  if (ec) return fail(Errc::invalid_argument, "malformed JSON: " + ec.message());
  if (!value.is_object()) return fail(Errc::invalid_argument, "expected a JSON object");
  return std::move(value.as_object());
}

Result<std::string> required_string(const boost::json::object& o, const char* field) {
  auto it = o.find(field);
  if (it == o.end() || !it->value().is_string() || it->value().as_string().empty()) {
    return fail(Errc::invalid_argument, std::string("\"") + field + "\" must be a non-empty string");
  }
  return std::string(it->value().as_string());
}

Result<std::int64_t> required_int(const boost::json::object& o, const char* field) {
  auto it = o.find(field);
  if (it == o.end() || !it->value().is_int64()) {
    return fail(Errc::invalid_argument, std::string("\"") + field + "\" must be an integer");
  }
  return it->value().as_int64();
}

Result<std::optional<std::int64_t>> optional_int(const boost::json::object& o, const char* field) {
  if (!o.contains(field)) return std::optional<std::int64_t>();
  auto v = required_int(o, field);
  if (!v) return fail(v.error());
  return std::optional<std::int64_t>(*v);
}

Result<std::optional<std::string>> optional_string(const boost::json::object& o, const char* field) {
  if (!o.contains(field)) return std::optional<std::string>();
  auto v = required_string(o, field);
  if (!v) return fail(v.error());
  return std::optional<std::string>(*v);
}

std::optional<std::string> query_param(const std::string& target, const std::string& name) {
  const auto q = target.find('?');
  if (q == std::string::npos) return std::nullopt;
  std::string_view rest(target);
  rest.remove_prefix(q + 1);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    const auto eq = pair.find('=');
    if (pair.substr(0, eq) == name)
      return std::string(eq == std::string_view::npos ? "" : pair.substr(eq + 1));
    if (amp == std::string_view::npos) break;
    rest.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

}  // namespace storeedge::api
