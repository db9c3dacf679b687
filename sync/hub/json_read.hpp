#pragma once
// Internal to sync/hub: reading fields of JSON documents with errors that name the field.
// Every error is Errc::invalid_argument ("order 7f3c: field 'total' must be an integer").
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json.hpp>

#include "platform/error.hpp"

namespace storeedge::sync::hub::jsonr {

[[nodiscard]] Result<boost::json::object> parse_object(std::string_view text, std::string_view what,
                                                       boost::json::storage_ptr storage = {});
// Required, non-empty string.
[[nodiscard]] Result<std::string> str(const boost::json::object& o, std::string_view key,
                                      std::string_view what);
// Missing or null -> nullopt; otherwise a string.
[[nodiscard]] Result<std::optional<std::string>> opt_str(const boost::json::object& o, std::string_view key,
                                                         std::string_view what);
[[nodiscard]] Result<std::int64_t> i64(const boost::json::object& o, std::string_view key,
                                       std::string_view what);
[[nodiscard]] Result<const boost::json::array*> arr(const boost::json::object& o, std::string_view key,
                                                    std::string_view what);

boost::json::value opt(const std::optional<std::string>& s);
boost::json::value opt(const std::optional<std::int64_t>& v);

}  // namespace storeedge::sync::hub::jsonr
