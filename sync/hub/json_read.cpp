#include "sync/hub/json_read.hpp"

namespace storeedge::sync::hub::jsonr {
namespace json = boost::json;
namespace {

tl::unexpected<Error> bad(std::string_view what, std::string_view key, std::string_view must) {
  return fail(Errc::invalid_argument,
              std::string(what) + ": field '" + std::string(key) + "' " + std::string(must));
}

}  // namespace

Result<json::object> parse_object(std::string_view text, std::string_view what, json::storage_ptr storage) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec, std::move(storage));
  if (ec)
    return fail(Errc::invalid_argument, std::string(what) + ": payload is not JSON (" + ec.message() + ")");
  if (!v.is_object())
    return fail(Errc::invalid_argument, std::string(what) + ": payload is not a JSON object");
  return std::move(v.as_object());
}

Result<std::string> str(const json::object& o, std::string_view key, std::string_view what) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr) return bad(what, key, "is missing");
  if (!v->is_string()) return bad(what, key, "must be a string");
  if (v->as_string().empty()) return bad(what, key, "is empty");
  return std::string(v->as_string());
}

Result<std::optional<std::string>> opt_str(const json::object& o, std::string_view key,
                                           std::string_view what) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return std::optional<std::string>();
  if (!v->is_string()) return bad(what, key, "must be a string or null");
  return std::optional<std::string>(std::string(v->as_string()));
}

Result<std::int64_t> i64(const json::object& o, std::string_view key, std::string_view what) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr) return bad(what, key, "is missing");
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64() && v->as_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    return static_cast<std::int64_t>(v->as_uint64());
  }
  return bad(what, key, "must be an integer");
}

Result<const json::array*> arr(const json::object& o, std::string_view key, std::string_view what) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr) return bad(what, key, "is missing");
  if (!v->is_array()) return bad(what, key, "must be an array");
  return &v->as_array();
}

json::value opt(const std::optional<std::string>& s) {
  if (!s) return nullptr;
  return json::value(*s);
}

json::value opt(const std::optional<std::int64_t>& v) {
  if (!v) return nullptr;
  return json::value(*v);
}

}  // namespace storeedge::sync::hub::jsonr
