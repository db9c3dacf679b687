#include "sync/client/hub_channel.hpp"

#include <google/protobuf/io/gzip_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <cstdlib>

#include "sync/proto/content_coding.hpp"
#include "sync/proto/gzip.hpp"
#include "sync/proto/zstd.hpp"

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
  auto body = prepare(request);
  if (!body) return fail(body.error());
  return send(path, std::move(*body));
}

// Large bodies are serialized straight into the gzip stream: no intermediate copy of the encoded
// message (for a batch of 500 sales about 1 MB, which SerializeToString would also zero-fill first).
Result<PreparedBody> HubChannel::prepare(const google::protobuf::MessageLite& request) const {
  namespace io = google::protobuf::io;
  const std::size_t size = request.ByteSizeLong();
  if (size < kCompressFrom) {
    auto encoded = proto::encode(request);
    if (!encoded) return fail(encoded.error());
    return PreparedBody{std::move(*encoded), {}};
  }
  if (size > proto::kMaxMessageBytes) return fail(proto::encode(request).error());  // the codec's message
  if (allow_zstd_ && hub_reads_zstd_.load(std::memory_order_relaxed)) {
    if (!zstd_) zstd_ = std::make_unique<proto::ZstdCompressor>(kDefaultZstdLevel);
    // ByteSizeLong() above cached the sizes this serialization uses.
    auto* in = reinterpret_cast<std::uint8_t*>(zstd_->input(size));
    if (request.SerializeWithCachedSizesToArray(in) != in + size) {
      return fail(Errc::internal, "encoding " + request.GetTypeName() + " failed");
    }
    auto compressed = zstd_->compress_input(size);
    if (!compressed) return fail(compressed.error());
    return PreparedBody{std::move(*compressed), "zstd"};
  }
  if (gzip_level_ < 1 || gzip_level_ > 9) {
    return fail(Errc::invalid_argument,
                "gzip level " + std::to_string(gzip_level_) + " is not between 1 and 9");
  }
  PreparedBody body{{}, "gzip"};
  body.wire.reserve(size / 4);
  {
    io::StringOutputStream out(&body.wire);
    io::GzipOutputStream::Options options;
    options.format = io::GzipOutputStream::GZIP;
    options.compression_level = gzip_level_;
    io::GzipOutputStream gzip(&out, options);
    if (!request.SerializePartialToZeroCopyStream(&gzip) || !gzip.Close()) {
      return fail(Errc::internal, "compressing " + request.GetTypeName() + " failed");
    }
  }
  return body;
}

Result<HubReply> HubChannel::send(std::string_view path, PreparedBody prepared) {
  Headers headers{{"Content-Type", "application/x-protobuf"}};
  if (!prepared.coding.empty()) headers.emplace_back("Content-Encoding", std::string(prepared.coding));
  std::string wire = std::move(prepared.wire);
  const std::int64_t now_ms = unix_millis(clock_.now()) + correction_ms_.load(std::memory_order_relaxed);
  auto signature = proto::sign_request(key_, node_id_, {"POST", path, wire}, now_ms);
  if (!signature) return fail(signature.error());
  headers.emplace_back(proto::kNodeHeader, signature->node_id);
  headers.emplace_back(proto::kTimestampHeader, signature->timestamp);
  headers.emplace_back(proto::kSignatureHeader, signature->signature);

  auto response = transport_.post(path, std::move(wire), headers);
  if (!response) return fail(response.error());
  // Every reply, error or not, says what the hub reads now; a hub rolled back to a version without
  // zstd says nothing, and the next body goes out in gzip.
  hub_reads_zstd_.store(proto::accepts_coding(response->accept_encoding, "zstd"), std::memory_order_relaxed);
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
    // Two sends refused at once both learn about the same skew: either store is right.
    if (std::llabs(skew - correction_ms_.load(std::memory_order_relaxed)) > proto::kMaxRequestSkewMs / 2)
      correction_ms_.store(skew, std::memory_order_relaxed);
  }
  return HubReply{response->status, {}, std::move(*reply)};
}

}  // namespace storeedge::sync::client
