#include "tests/unit/sync_client/fake_hub.hpp"

#include "sync/proto/content_coding.hpp"
#include "sync/proto/gzip.hpp"
#include "sync/proto/version.hpp"

namespace storeedge::sync::client::testing {
namespace {

TransportResponse reply(int status, const google::protobuf::MessageLite& message) {
  auto encoded = proto::encode(message).value();
  return {status, proto::gzip_compress(encoded).value(), "gzip"};
}

TransportResponse error_reply(int status, const Error& e, proto::ErrorReply::Code code = {}) {
  proto::ErrorReply r = proto::to_error_reply(e, proto::kMinProtocolVersion, proto::kProtocolVersion);
  if (code != proto::ErrorReply::CODE_UNSPECIFIED) r.set_code(code);
  return reply(status, r);
}

}  // namespace

std::uint64_t wire_epoch(const std::string& uuid) {
  std::string hex;
  for (char c : uuid) {
    if (c != '-') hex += c;
    if (hex.size() == 16) break;
  }
  return std::stoull(hex, nullptr, 16);
}

InProcessHub::InProcessHub(hub::HubStorage& storage, const Clock& clock) : clock_(clock) {
  registry_.emplace(hub::NodeRegistry::open(dir_ / "nodes.db", clock_).value());
  service_.emplace(storage, *registry_, clock_);
}

void InProcessHub::replace_storage(hub::HubStorage& storage) {
  service_.emplace(storage, *registry_, clock_);
}

void InProcessHub::enroll(const std::string& node_id, const std::string& store_code, proto::PublicKey key) {
  proto::EnrollRequest req;
  req.set_protocol_version(proto::kProtocolVersion);
  req.set_one_time_token(registry_->issue_token(store_code).value());
  req.set_node_id(node_id);
  req.set_store_code(store_code);
  req.set_device_code("01");
  req.set_public_key(key.pem().value());
  const std::string body = proto::encode(req).value();
  const auto reply = service_->handle("/sync/v1/enroll", {}, body, body);
  if (reply.status != 200) {
    throw std::runtime_error("enrollment refused: " +
                             proto::decode_error_reply(reply.body).value().message());
  }
}

Result<TransportResponse> InProcessHub::post(std::string_view path, std::string body,
                                             const Headers& headers) {
  std::lock_guard lock(mutex_);
  ++requests;
  std::map<std::string, std::string> lower;
  for (const auto& [k, v] : headers) {
    std::string name = k;
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    lower[name] = v;
  }
  const std::string coding = lower["content-encoding"];
  ++bodies_by_coding[coding];
  last_coding = coding;
  if (coding == "zstd" && !advertise_zstd) {
    return error_reply(400, Error(Errc::invalid_argument, "this hub does not read zstd"));
  }
  auto plain = proto::decode_body(coding, body);
  if (!plain) return error_reply(400, plain.error());
  auto reply = service_->handle(path, lower, body, *plain);
  return TransportResponse{reply.status, std::move(reply.body), "",
                           advertise_zstd ? std::string(proto::kHubAcceptEncoding) : std::string()};
}

Result<TransportResponse> FaultyTransport::post(std::string_view path, std::string body,
                                                const Headers& headers) {
  bool drop_reply = false;
  bool truncate = false;
  {
    std::lock_guard lock(mutex_);
    const std::int64_t call = ++calls;
    if (down || (fail_every > 0 && call % fail_every == 0))
      return fail(Errc::unavailable, "connection refused (injected)");
    if (unavailable_next > 0) {
      --unavailable_next;
      return error_reply(503, Error(Errc::unavailable, "hub is busy (injected)"));
    }
    drop_reply = drop_reply_every > 0 && call % drop_reply_every == 0;
    if (!drop_reply && truncate_next > 0) {
      --truncate_next;
      truncate = true;
    }
  }
  auto response = inner_.post(path, std::move(body), headers);
  if (drop_reply) return fail(Errc::unavailable, "connection reset after the hub committed (injected)");
  if (response && truncate) response->body.resize(response->body.size() / 2);
  return response;
}

}  // namespace storeedge::sync::client::testing
