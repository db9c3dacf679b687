#pragma once
// Request parsing and error answers shared by the local API's handlers.
#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "platform/error.hpp"
#include "platform/http/server.hpp"

namespace storeedge::api {

// The HTTP status for an error kind: invalid input 422, missing 404, state 409, role 403, full or
// broken storage 507/500, peers 503. The body names the kind and the whole message.
http::Response error_response(const Error& error);

// The body as a JSON object, or invalid_argument ("malformed JSON: ...", "expected a JSON object").
Result<boost::json::object> parse_object(const std::string& body);
// A required string / integer field, or invalid_argument naming the field.
Result<std::string> required_string(const boost::json::object& o, const char* field);
Result<std::int64_t> required_int(const boost::json::object& o, const char* field);
Result<std::optional<std::int64_t>> optional_int(const boost::json::object& o, const char* field);
Result<std::optional<std::string>> optional_string(const boost::json::object& o, const char* field);
// The value of ?name= in a request target, if present.
std::optional<std::string> query_param(const std::string& target, const std::string& name);

}  // namespace storeedge::api
