#include "tests/unit/sync_client/fake_hub.hpp"

#include "sync/proto/gzip.hpp"
#include "sync/proto/hlc.hpp"
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

int http_status(Errc kind) {
  switch (kind) {
    case Errc::invalid_argument: return 400;
    case Errc::permission_denied: return 401;
    case Errc::unsupported: return 426;
    case Errc::conflict: return 409;
    case Errc::not_found: return 404;
    default: return 500;
  }
}

std::string header(const Headers& headers, std::string_view name) {
  for (const auto& [k, v] : headers) {
    if (k == name) return v;
  }
  return {};
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

void InProcessHub::enroll(const std::string& node_id, const std::string& store_code, proto::PublicKey key) {
  nodes_.insert_or_assign(node_id, Node{store_code, std::move(key)});
  (void)storage_->register_node(node_id, store_code);
}

Result<TransportResponse> InProcessHub::post(std::string_view path, std::string body,
                                             const Headers& headers) {
  ++requests;
  const std::string node_id = header(headers, proto::kNodeHeader);
  auto node = nodes_.find(node_id);
  if (node == nodes_.end()) return error_reply(401, Error(Errc::permission_denied, "unknown node"));
  const proto::RequestSignature sig{node_id, header(headers, proto::kTimestampHeader),
                                    header(headers, proto::kSignatureHeader)};
  if (auto ok = proto::verify_request(node->second.key, sig, {"POST", path, body}, unix_millis(clock_.now()));
      !ok) {
    return error_reply(401, ok.error());
  }
  std::string plain = std::move(body);
  if (header(headers, "Content-Encoding") == "gzip") {
    auto inflated = proto::gzip_decompress(plain);
    if (!inflated) return error_reply(400, inflated.error());
    plain = std::move(*inflated);
  }
  if (path == "/sync/v1/push") return push(node_id, plain);
  if (path == "/sync/v1/pull") return pull(node_id, plain);
  return error_reply(404, Error(Errc::not_found, "no route " + std::string(path)));
}

TransportResponse InProcessHub::push(const std::string& node_id, std::string_view body) {
  auto request = proto::decode_push_request(body);
  if (!request) return error_reply(400, request.error());
  std::vector<hub::IncomingMutation> batch;
  for (const auto& m : request->mutations()) {
    const auto parts = proto::hlc_parts(m.hlc());
    batch.push_back({m.node_id(), static_cast<std::int64_t>(m.mutation_id()),
                     hub::Hlc{static_cast<std::int64_t>(parts.physical_ms), parts.logical, m.node_id()},
                     static_cast<int>(m.schema_version()), m.kind(), m.payload()});
  }
  auto result = storage_->apply_push(node_id, batch);
  if (!result) return error_reply(http_status(result.error().kind()), result.error());
  if (result->expected_id) {
    proto::ErrorReply gap = proto::to_error_reply(Error(Errc::conflict, "mutation gap"), 1, 1);
    gap.set_code(proto::ErrorReply::MUTATION_GAP);
    gap.set_last_applied_mutation_id(static_cast<std::uint64_t>(result->last_applied_id));
    return reply(409, gap);
  }
  proto::PushResult out;
  out.set_hub_epoch(wire_epoch(storage_->epoch()));
  out.set_last_applied_mutation_id(static_cast<std::uint64_t>(result->last_applied_id));
  for (const auto& r : result->results) {
    proto::MutationResult::Status status = proto::MutationResult::STATUS_UNSPECIFIED;
    switch (r.outcome) {
      case hub::Outcome::applied: status = proto::MutationResult::APPLIED; break;
      case hub::Outcome::duplicate: status = proto::MutationResult::DUPLICATE; break;
      case hub::Outcome::rejected: status = proto::MutationResult::REJECTED; break;
      default: continue;  // retry: not reported, the node sends it again
    }
    auto* mr = out.add_results();
    mr->set_mutation_id(static_cast<std::uint64_t>(r.mutation_id));
    mr->set_status(status);
    mr->set_reason(r.reason);
  }
  return reply(200, out);
}

TransportResponse InProcessHub::pull(const std::string& node_id, std::string_view body) {
  auto request = proto::decode_pull_request(body);
  if (!request) return error_reply(400, request.error());
  hub::PullRequest req;
  req.node_id = node_id;
  req.store_code = nodes_.at(node_id).store_code;
  if (request->max_changes() != 0) req.max_changes = request->max_changes();
  for (const auto& c : request->cursors())
    req.cursors[std::string(proto::stream_name(c.stream()))] = c.cursor();
  auto result = storage_->pull(req);
  if (!result) {
    if (result.error().code() == hub::kResyncRequired)
      return error_reply(409, result.error(), proto::ErrorReply::EPOCH_CHANGED);
    return error_reply(http_status(result.error().kind()), result.error());
  }
  proto::PullResult out;
  out.set_hub_epoch(wire_epoch(storage_->epoch()));
  out.set_more(result->more);
  for (const auto& c : result->changes) {
    auto* ch = out.add_changes();
    ch->set_stream(proto::parse_stream(c.stream).value());
    ch->set_key(c.entity);
    ch->set_op(proto::Change::UPSERT);
    ch->set_version(static_cast<std::uint64_t>(c.seq));
    ch->set_payload(c.payload);
  }
  for (const auto& [stream, cursor] : result->cursors) {
    auto* sc = out.add_cursors();
    sc->set_stream(proto::parse_stream(stream).value());
    sc->set_cursor(cursor);
  }
  return reply(200, out);
}

Result<TransportResponse> FaultyTransport::post(std::string_view path, std::string body,
                                                const Headers& headers) {
  ++calls;
  if (down || (fail_every > 0 && calls % fail_every == 0))
    return fail(Errc::unavailable, "connection refused (injected)");
  if (unavailable_next > 0) {
    --unavailable_next;
    return error_reply(503, Error(Errc::unavailable, "hub is busy (injected)"));
  }
  auto response = inner_.post(path, std::move(body), headers);
  if (drop_reply_every > 0 && calls % drop_reply_every == 0)
    return fail(Errc::unavailable, "connection reset after the hub committed (injected)");
  if (response && truncate_next > 0) {
    --truncate_next;
    response->body.resize(response->body.size() / 2);
  }
  return response;
}

}  // namespace storeedge::sync::client::testing
