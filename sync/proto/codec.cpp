#include "sync/proto/codec.hpp"

#include <array>
#include <climits>
#include <utility>

namespace storeedge::sync::proto {
namespace {

// Parses into `message` (cleared first; its repeated fields keep their cleared elements for reuse).
Status decode_into(std::string_view bytes, std::string_view name, google::protobuf::MessageLite& message) {
  if (bytes.size() > kMaxMessageBytes) {
    return fail(Errc::invalid_argument, std::string(name) + " of " + std::to_string(bytes.size()) +
                                            " bytes exceeds the limit of " +
                                            std::to_string(kMaxMessageBytes) + " bytes");
  }
  // ParseFromArray takes an int; the limit above keeps the size far below INT_MAX.
  static_assert(kMaxMessageBytes < static_cast<std::size_t>(INT_MAX));
  if (!message.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return fail(Errc::invalid_argument, std::string(name) + " of " + std::to_string(bytes.size()) +
                                            " bytes is not a valid protobuf message (corrupt, "
                                            "truncated, or a string field that is not UTF-8)");
  }
  return {};
}

template <class Message>
Result<Message> decode(std::string_view bytes, std::string_view name) {
  Message message;
  if (auto s = decode_into(bytes, name, message); !s) return fail(s.error());
  return message;
}

struct StreamNameEntry {
  Stream stream;
  std::string_view name;
};
constexpr std::array kStreamNames = {
    StreamNameEntry{v1::STREAM_CATALOG, "catalog"},
    StreamNameEntry{v1::STREAM_PRICES, "prices"},
    StreamNameEntry{v1::STREAM_PROMOTIONS, "promotions"},
    StreamNameEntry{v1::STREAM_STOCK, "stock"},
    StreamNameEntry{v1::STREAM_CUSTOMERS, "customers"},
    StreamNameEntry{v1::STREAM_STORE_ORDERS, "store_orders"},
    StreamNameEntry{v1::STREAM_GIFT_CARDS, "gift_cards"},
};

// How each error kind is reported on the wire, and back.
ErrorReply::Code reply_code(Errc kind) {
  switch (kind) {
    case Errc::unsupported: return ErrorReply::UNSUPPORTED_VERSION;
    case Errc::permission_denied: return ErrorReply::UNAUTHENTICATED;
    case Errc::invalid_argument:
    case Errc::not_found:
    case Errc::already_exists:
    case Errc::conflict: return ErrorReply::INVALID_REQUEST;
    case Errc::unavailable:
    case Errc::busy:
    case Errc::disk_full: return ErrorReply::UNAVAILABLE;
    default: return ErrorReply::INTERNAL;
  }
}

Errc error_kind(ErrorReply::Code code) {
  switch (code) {
    case ErrorReply::UNSUPPORTED_VERSION: return Errc::unsupported;
    case ErrorReply::UNAUTHENTICATED: return Errc::permission_denied;
    case ErrorReply::INVALID_REQUEST: return Errc::invalid_argument;
    case ErrorReply::EPOCH_CHANGED:
    case ErrorReply::MUTATION_GAP:
    case ErrorReply::NODE_REWOUND: return Errc::conflict;
    case ErrorReply::UNAVAILABLE: return Errc::unavailable;
    default: return Errc::internal;
  }
}

}  // namespace

Result<std::string> encode(const google::protobuf::MessageLite& message) {
  const std::size_t size = message.ByteSizeLong();
  if (size > kMaxMessageBytes) {
    return fail(Errc::invalid_argument,
                message.GetTypeName() + " of " + std::to_string(size) + " bytes exceeds the limit of " +
                    std::to_string(kMaxMessageBytes) + " bytes; send smaller batches");
  }
  std::string out;
  if (!message.SerializeToString(&out)) {
    return fail(Errc::internal, "serializing " + message.GetTypeName() + " failed");
  }
  return out;
}

Result<EnrollRequest> decode_enroll_request(std::string_view b) {
  return decode<EnrollRequest>(b, "EnrollRequest");
}
Result<EnrollResponse> decode_enroll_response(std::string_view b) {
  return decode<EnrollResponse>(b, "EnrollResponse");
}
Result<PushRequest> decode_push_request(std::string_view b) {
  return decode<PushRequest>(b, "PushRequest");
}
Status decode_push_request_into(std::string_view b, PushRequest& into) {
  return decode_into(b, "PushRequest", into);
}
Result<PushResult> decode_push_result(std::string_view b) {
  return decode<PushResult>(b, "PushResult");
}
Result<PullRequest> decode_pull_request(std::string_view b) {
  return decode<PullRequest>(b, "PullRequest");
}
Result<PullResult> decode_pull_result(std::string_view b) {
  return decode<PullResult>(b, "PullResult");
}
Result<ErrorReply> decode_error_reply(std::string_view b) {
  return decode<ErrorReply>(b, "ErrorReply");
}

std::string_view stream_name(Stream stream) {
  for (const auto& entry : kStreamNames) {
    if (entry.stream == stream) return entry.name;
  }
  return "unknown";
}

Result<Stream> parse_stream(std::string_view name) {
  for (const auto& entry : kStreamNames) {
    if (entry.name == name) return entry.stream;
  }
  return fail(Errc::invalid_argument,
              "unknown stream \"" + std::string(name) +
                  "\"; expected catalog, prices, promotions, stock, customers, store_orders or gift_cards");
}

ErrorReply to_error_reply(const Error& error, std::uint32_t min_version, std::uint32_t max_version) {
  ErrorReply reply;
  reply.set_code(reply_code(error.kind()));
  reply.set_message(error.what());
  reply.set_supported_min_version(min_version);
  reply.set_supported_max_version(max_version);
  return reply;
}

Error from_error_reply(const ErrorReply& reply) {
  std::string code = ErrorReply::Code_Name(reply.code());
  if (code.empty()) code = "code " + std::to_string(static_cast<int>(reply.code()));  // newer hub
  std::string message = "hub refused the request (" + code;
  if (reply.code() == ErrorReply::UNSUPPORTED_VERSION) {
    message += ", serves " + std::to_string(reply.supported_min_version()) + " to " +
               std::to_string(reply.supported_max_version());
  }
  if (reply.code() == ErrorReply::MUTATION_GAP) {
    message += ", last applied " + std::to_string(reply.last_applied_mutation_id());
  }
  if (reply.code() == ErrorReply::NODE_REWOUND) {
    message += ", mutation " + std::to_string(reply.rewound_mutation_id()) + ", last applied " +
               std::to_string(reply.last_applied_mutation_id());
  }
  message += "): " + (reply.message().empty() ? std::string("no message") : reply.message());
  return Error(error_kind(reply.code()), std::move(message));
}

}  // namespace storeedge::sync::proto
