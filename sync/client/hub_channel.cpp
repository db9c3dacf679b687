#include "sync/client/hub_channel.hpp"

#include <cstdlib>

#include "sync/proto/gzip.hpp"

namespace storeedge::sync::client {
namespace {

// Bodies under this size go uncompressed: gzip's header alone would make them larger.
constexpr std::size_t kCompressFrom = 256;

Result<std::string> decoded_body(const TransportResponse& response) {
  if (response.content_encoding.empty() || response.content_encoding == "identity") return response.body;
  if (response.content_encoding != "gzip") {
    return fail(Errc::unavailable, "hub replied with content encoding '" + response.content_encoding + "'");
  }
  auto plain = proto::gzip_decompress(response.body);
  if (!plain) return fail(Errc::unavailable, "hub reply is not valid gzip: " + plain.error().message());
  return std::move(*plain);
}

}  // namespace

HubChannel::HubChannel(Transport& transport, const proto::SigningKey& key, std::string node_id,
                       const Clock& clock, int gzip_level)
    : transport_(transport),
      key_(key),
      node_id_(std::move(node_id)),
      clock_(clock),
      gzip_level_(gzip_level) {}

Result<HubReply> HubChannel::call(std::string_view path, const google::protobuf::MessageLite& request) {
  auto encoded = proto::encode(request);
  if (!encoded) return fail(encoded.error());
  Headers headers{{"Content-Type", "application/x-protobuf"}};
  std::string wire = std::move(*encoded);
  if (wire.size() >= kCompressFrom) {
    auto zipped = proto::gzip_compress(wire, gzip_level_);
    if (!zipped) return fail(zipped.error());
    wire = std::move(*zipped);
    headers.emplace_back("Content-Encoding", "gzip");
  }
  const std::int64_t now_ms = unix_millis(clock_.now()) + correction_ms_;
  auto signature = proto::sign_request(key_, node_id_, {"POST", path, wire}, now_ms);
  if (!signature) return fail(signature.error());
  headers.emplace_back(proto::kNodeHeader, signature->node_id);
  headers.emplace_back(proto::kTimestampHeader, signature->timestamp);
  headers.emplace_back(proto::kSignatureHeader, signature->signature);

  auto response = transport_.post(path, std::move(wire), headers);
  if (!response) return fail(response.error());
  const std::string where = "POST " + std::string(path);
  auto body = decoded_body(*response);
  if (!body) return fail(body.error().with_context(where));
  if (response->status >= 200 && response->status < 300) {
    return HubReply{response->status, std::move(*body), std::nullopt};
  }
  auto reply = proto::decode_error_reply(*body);
  if (!reply || reply->code() == proto::ErrorReply::CODE_UNSPECIFIED) {
    // A proxy's error page, or a truncated reply: nothing we can act on but to try again.
    return fail(Errc::unavailable,
                where + ": HTTP " + std::to_string(response->status) + " without a readable error reply");
  }
  if (reply->code() == proto::ErrorReply::UNAUTHENTICATED && reply->hub_time_ms() != 0) {
    const std::int64_t skew = reply->hub_time_ms() - unix_millis(clock_.now());
    if (std::llabs(skew - correction_ms_) > proto::kMaxRequestSkewMs / 2) correction_ms_ = skew;
  }
  return HubReply{response->status, {}, std::move(*reply)};
}

}  // namespace storeedge::sync::client
