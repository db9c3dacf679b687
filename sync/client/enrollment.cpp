#include "sync/client/enrollment.hpp"

#include "platform/atomic_file.hpp"
#include "sync/proto/codec.hpp"
#include "sync/proto/version.hpp"

namespace storeedge::sync::client {

Result<proto::SigningKey> load_or_create_key(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) {
    auto pem = read_file(path);
    if (!pem) return fail(pem.error());
    auto key = proto::SigningKey::from_pem(*pem);
    if (!key) return fail(key.error().with_context("reading node key " + path.string()));
    return key;
  }
  auto key = proto::SigningKey::generate();
  if (!key) return fail(key.error());
  auto pem = key->private_pem();
  if (!pem) return fail(pem.error());
  if (auto s = write_file_atomically(path, *pem, 0600); !s) return fail(s.error());
  return key;
}

Status enroll(Transport& transport, const EnrollmentRequest& request, const proto::SigningKey& key) {
  auto public_key = key.public_key();
  if (!public_key) return fail(public_key.error());
  auto pem = public_key->pem();
  if (!pem) return fail(pem.error());
  proto::EnrollRequest req;
  req.set_protocol_version(proto::kProtocolVersion);
  req.set_one_time_token(request.token);
  req.set_node_id(request.node_id);
  req.set_store_code(request.store_code);
  req.set_device_code(request.device_code);
  req.set_public_key(*pem);
  auto body = proto::encode(req);
  if (!body) return fail(body.error());
  auto reply = transport.post("/sync/v1/enroll", *body, {{"Content-Type", "application/x-protobuf"}});
  if (!reply) return fail(reply.error().with_context("enrolling with the hub"));
  if (reply->status == 200) return {};
  auto error = proto::decode_error_reply(reply->body);
  if (!error) return fail(Errc::unavailable, "enrolling with the hub: HTTP " + std::to_string(reply->status));
  return fail(proto::from_error_reply(*error).with_context("enrolling with the hub"));
}

}  // namespace storeedge::sync::client
