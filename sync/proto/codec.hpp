#pragma once
// Encoding and safe decoding of the sync messages (sync/proto/sync.proto, docs/protocol.md).
// The message types are protoc's classes, named here in storeedge::sync::proto. Decoding never
// throws or crashes: corrupt, truncated or oversized input gives Errc::invalid_argument naming the
// message and the reason. Unknown fields are kept and re-serialized, so a peer on an older build
// passes newer fields on unchanged.
//
// Limitation of the wire format: bytes cut exactly at a field boundary still parse (as a message
// with fewer fields). The transport's Content-Length and the gzip trailer catch truncated bodies.
// A string field that is not UTF-8 fails the decode; libprotobuf also logs that line to stderr.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "platform/error.hpp"
#include "sync/proto/sync.pb.h"

namespace storeedge::sync::proto {

using EnrollRequest = storeedge::sync::v1::EnrollRequest;
using EnrollResponse = storeedge::sync::v1::EnrollResponse;
using Mutation = storeedge::sync::v1::Mutation;
using PushRequest = storeedge::sync::v1::PushRequest;
using MutationResult = storeedge::sync::v1::MutationResult;
using PushResult = storeedge::sync::v1::PushResult;
using Stream = storeedge::sync::v1::Stream;
using StreamCursor = storeedge::sync::v1::StreamCursor;
using PullRequest = storeedge::sync::v1::PullRequest;
using Change = storeedge::sync::v1::Change;
using PullResult = storeedge::sync::v1::PullResult;
using ErrorReply = storeedge::sync::v1::ErrorReply;

// The largest encoded message either side accepts or produces (before gzip).
inline constexpr std::size_t kMaxMessageBytes = std::size_t{16} << 20;

// Serializes any sync message. Errc::invalid_argument when it would exceed kMaxMessageBytes.
[[nodiscard]] Result<std::string> encode(const google::protobuf::MessageLite& message);

[[nodiscard]] Result<EnrollRequest> decode_enroll_request(std::string_view bytes);
[[nodiscard]] Result<EnrollResponse> decode_enroll_response(std::string_view bytes);
[[nodiscard]] Result<PushRequest> decode_push_request(std::string_view bytes);
// The same into a request kept across calls: its cleared mutations and their string buffers are
// reused (storehub decodes every push this way). `into` is unspecified after a failure.
[[nodiscard]] Status decode_push_request_into(std::string_view bytes, PushRequest& into);
[[nodiscard]] Result<PushResult> decode_push_result(std::string_view bytes);
[[nodiscard]] Result<PullRequest> decode_pull_request(std::string_view bytes);
[[nodiscard]] Result<PullResult> decode_pull_result(std::string_view bytes);
[[nodiscard]] Result<ErrorReply> decode_error_reply(std::string_view bytes);

// Stream names as used in configuration and logs: "catalog", "prices", "promotions", "stock",
// "customers", "store_orders", "gift_cards".
std::string_view stream_name(Stream stream);
[[nodiscard]] Result<Stream> parse_stream(std::string_view name);

// The hub's reply body for a failed request; the code follows the error's kind (unsupported ->
// UNSUPPORTED_VERSION, permission_denied -> UNAUTHENTICATED, unavailable -> UNAVAILABLE, ...). The
// supported range is always set. EPOCH_CHANGED and MUTATION_GAP are never inferred: the hub sets them
// itself, with last_applied_mutation_id for a gap; likewise hub_time_ms.
ErrorReply to_error_reply(const Error& error, std::uint32_t min_version, std::uint32_t max_version);
// The client's view of an ErrorReply: an Error whose kind mirrors the code and whose message says
// what the hub said, e.g. "hub refused the request (UNSUPPORTED_VERSION, serves 1 to 2): ...".
// EPOCH_CHANGED and MUTATION_GAP both become Errc::conflict; a client that acts on them reads the
// reply's code.
Error from_error_reply(const ErrorReply& reply);

}  // namespace storeedge::sync::proto
