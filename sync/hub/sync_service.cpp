#include "sync/hub/sync_service.hpp"

#include <algorithm>

#include "platform/log.hpp"
#include "sync/proto/auth.hpp"
#include "sync/proto/codec.hpp"
#include "sync/proto/version.hpp"

namespace storeedge::sync::hub {

namespace proto = storeedge::sync::proto;

namespace {

constexpr std::uint32_t kMaxPullChanges = 10'000;

std::string header(const std::map<std::string, std::string>& headers, std::string_view name) {
  std::string lower(name);
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto it = headers.find(lower);
  return it == headers.end() ? std::string() : it->second;
}

proto::MutationResult::Status wire_status(Outcome o) {
  switch (o) {
    case Outcome::applied: return proto::MutationResult::APPLIED;
    case Outcome::duplicate: return proto::MutationResult::DUPLICATE;
    default: return proto::MutationResult::REJECTED;
  }
}

}  // namespace

std::uint64_t SyncService::wire_epoch() const {
  std::uint64_t v = 0;
  int digits = 0;
  for (char c : storage_.epoch()) {
    if (digits == 16) break;
    const int d = std::isdigit(static_cast<unsigned char>(c)) ? c - '0'
                  : (c >= 'a' && c <= 'f')                    ? c - 'a' + 10
                                                              : -1;
    if (d < 0) continue;
    v = (v << 4) | static_cast<std::uint64_t>(d);
    ++digits;
  }
  return v;
}

SyncReply SyncService::error(int status, int code, const std::string& message, std::uint64_t last_applied,
                             std::uint64_t rewound_id,
                             const std::optional<std::string>& last_receipt_number) const {
  proto::ErrorReply reply;
  reply.set_code(static_cast<proto::ErrorReply::Code>(code));
  reply.set_message(message);
  reply.set_supported_min_version(proto::kMinProtocolVersion);
  reply.set_supported_max_version(proto::kProtocolVersion);
  reply.set_last_applied_mutation_id(last_applied);
  reply.set_rewound_mutation_id(rewound_id);
  if (last_receipt_number) reply.set_last_receipt_number(*last_receipt_number);
  reply.set_hub_time_ms(unix_millis(clock_.now()));
  auto bytes = proto::encode(reply);
  return {status, bytes ? *bytes : std::string()};
}

SyncReply SyncService::handle(std::string_view path, const std::map<std::string, std::string>& headers,
                              std::string_view wire_body, std::string_view body) {
  if (path == "/sync/v1/enroll") return enroll(body);
  auto node = authenticate(path, headers, wire_body);
  if (!node) return error(401, proto::ErrorReply::UNAUTHENTICATED, node.error().what());
  if (path == "/sync/v1/push") return push(*node, body);
  if (path == "/sync/v1/pull") return pull(*node, body);
  return error(404, proto::ErrorReply::INVALID_REQUEST, "no such sync endpoint: " + std::string(path));
}

Result<EnrolledNode> SyncService::authenticate(std::string_view path,
                                               const std::map<std::string, std::string>& headers,
                                               std::string_view wire_body) {
  const proto::RequestSignature sig{header(headers, proto::kNodeHeader),
                                    header(headers, proto::kTimestampHeader),
                                    header(headers, proto::kSignatureHeader)};
  if (sig.node_id.empty()) return fail(Errc::permission_denied, "missing X-Storeedge-Node header");
  auto node = registry_.find(sig.node_id);
  if (!node) return fail(node.error());
  if (!*node) return fail(Errc::permission_denied, "node " + sig.node_id + " is not enrolled");
  auto key = public_key(**node);
  if (!key) return fail(key.error());
  const proto::HttpRequestView view{"POST", path, wire_body};
  if (auto s = proto::verify_request(**key, sig, view, unix_millis(clock_.now())); !s) return fail(s.error());
  return **node;
}

Result<const proto::PublicKey*> SyncService::public_key(const EnrolledNode& node) {
  auto it = keys_.find(node.node_id);
  if (it != keys_.end() && it->second.pem == node.public_key_pem) return &it->second.key;
  auto key = proto::PublicKey::from_pem(node.public_key_pem);
  if (!key) return fail(key.error());
  if (it != keys_.end()) keys_.erase(it);
  auto added = keys_.emplace(node.node_id, ParsedKey{node.public_key_pem, std::move(*key)});
  return &added.first->second.key;
}

SyncReply SyncService::enroll(std::string_view body) {
  auto req = proto::decode_enroll_request(body);
  if (!req) return error(400, proto::ErrorReply::INVALID_REQUEST, req.error().what());
  if (auto s = proto::check_protocol_version(req->protocol_version(), proto::kMinProtocolVersion,
                                             proto::kProtocolVersion);
      !s) {
    return error(426, proto::ErrorReply::UNSUPPORTED_VERSION, s.error().what());
  }
  auto key = proto::PublicKey::from_enrollment(req->public_key());
  if (!key) return error(400, proto::ErrorReply::INVALID_REQUEST, key.error().what());
  auto pem = key->pem();
  if (!pem) return error(500, proto::ErrorReply::INTERNAL, pem.error().what());
  auto node =
      registry_.enroll(req->one_time_token(), {req->node_id(), req->store_code(), req->device_code(), *pem});
  if (!node) {
    const bool refused = node.error().kind() == Errc::permission_denied;
    return error(refused ? 401 : 400,
                 refused ? proto::ErrorReply::UNAUTHENTICATED : proto::ErrorReply::INVALID_REQUEST,
                 node.error().what());
  }
  if (auto s = storage_.register_node(node->node_id, node->store_code); !s) {
    return error(400, proto::ErrorReply::INVALID_REQUEST, s.error().what());
  }
  log::info("node_enrolled",
            {{"node", node->node_id}, {"store", node->store_code}, {"device", node->device_code}});
  proto::EnrollResponse res;
  res.set_node_id(node->node_id);
  res.set_hub_epoch(wire_epoch());
  res.set_protocol_version(proto::kProtocolVersion);
  res.set_hub_time_ms(unix_millis(clock_.now()));
  auto bytes = proto::encode(res);
  if (!bytes) return error(500, proto::ErrorReply::INTERNAL, bytes.error().what());
  return {200, *bytes};
}

SyncReply SyncService::push(const EnrolledNode& node, std::string_view body) {
  if (auto s = proto::decode_push_request_into(body, request_); !s)
    return error(400, proto::ErrorReply::INVALID_REQUEST, s.error().what());
  proto::PushRequest* req = &request_;
  if (auto s = proto::check_protocol_version(req->protocol_version(), proto::kMinProtocolVersion,
                                             proto::kProtocolVersion);
      !s) {
    return error(426, proto::ErrorReply::UNSUPPORTED_VERSION, s.error().what());
  }
  if (req->node_id() != node.node_id) {
    return error(401, proto::ErrorReply::UNAUTHENTICATED, "the batch names another node than the signer");
  }
  std::vector<IncomingMutation> batch;
  batch.reserve(static_cast<std::size_t>(req->mutations_size()));
  for (auto& m : *req->mutable_mutations()) {  // payloads move out of the request, not copied
    batch.push_back({m.node_id(), static_cast<std::int64_t>(m.mutation_id()),
                     proto::NodeStamp{m.hlc(), m.node_id()}, static_cast<int>(m.schema_version()), m.kind(),
                     std::move(*m.mutable_payload())});
  }
  auto applied = storage_.apply_push(node.node_id, batch);
  if (!applied) return error(400, proto::ErrorReply::INVALID_REQUEST, applied.error().what());
  const auto last = static_cast<std::uint64_t>(applied->last_applied_id);
  proto::PushResult res;
  for (const auto& r : applied->results) {
    if (r.outcome == Outcome::gap || r.outcome == Outcome::retry || r.outcome == Outcome::rewound) break;
    auto* out = res.add_results();
    out->set_mutation_id(static_cast<std::uint64_t>(r.mutation_id));
    out->set_status(wire_status(r.outcome));
    out->set_reason(r.reason);
  }
  if (applied->rewound_id) {
    // Not DUPLICATE: acknowledging it would lose a sale the node made after its restore. Nothing of
    // the batch was applied; the node renumbers from the rewound id and pushes again.
    const auto& why = applied->results.back().reason;
    log::warn("node_rewound", {{"node", node.node_id},
                               {"mutation", std::to_string(*applied->rewound_id)},
                               {"last_applied", std::to_string(last)}});
    return error(409, proto::ErrorReply::NODE_REWOUND, why, last,
                 static_cast<std::uint64_t>(*applied->rewound_id), applied->last_receipt_number);
  }
  if (res.results_size() == 0 && !batch.empty()) {
    if (applied->expected_id) {
      return error(409, proto::ErrorReply::MUTATION_GAP,
                   "expected mutation " + std::to_string(*applied->expected_id), last);
    }
    const std::string why = applied->results.empty() ? "nothing applied" : applied->results.front().reason;
    return error(503, proto::ErrorReply::UNAVAILABLE, "try again: " + why, last);
  }
  res.set_hub_epoch(wire_epoch());
  res.set_last_applied_mutation_id(last);
  auto bytes = proto::encode(res);
  if (!bytes) return error(500, proto::ErrorReply::INTERNAL, bytes.error().what());
  return {200, *bytes};
}

SyncReply SyncService::pull(const EnrolledNode& node, std::string_view body) {
  auto req = proto::decode_pull_request(body);
  if (!req) return error(400, proto::ErrorReply::INVALID_REQUEST, req.error().what());
  if (auto s = proto::check_protocol_version(req->protocol_version(), proto::kMinProtocolVersion,
                                             proto::kProtocolVersion);
      !s) {
    return error(426, proto::ErrorReply::UNSUPPORTED_VERSION, s.error().what());
  }
  // A request for more than kMaxPullChanges gets that many and `more`: one reply never holds a whole
  // catalog in the hub's memory.
  const std::uint32_t asked = req->max_changes() == 0 ? 500 : req->max_changes();
  PullRequest request{node.store_code, node.node_id, {}, std::min(asked, kMaxPullChanges)};
  for (const auto& c : req->cursors())
    request.cursors[std::string(proto::stream_name(c.stream()))] = c.cursor();
  auto pulled = storage_.pull(request);
  if (!pulled) {
    if (pulled.error().code() == kResyncRequired) {
      return error(409, proto::ErrorReply::EPOCH_CHANGED, pulled.error().what());
    }
    return error(400, proto::ErrorReply::INVALID_REQUEST, pulled.error().what());
  }
  proto::PullResult res;
  res.mutable_changes()->Reserve(static_cast<int>(pulled->changes.size()));
  for (auto& c : pulled->changes) {
    auto* out = res.add_changes();
    auto stream = proto::parse_stream(c.stream);
    if (stream) out->set_stream(*stream);
    out->set_key(std::move(c.entity));
    out->set_op(proto::Change::UPSERT);
    out->set_version(static_cast<std::uint64_t>(c.seq));
    out->set_payload(std::move(c.payload));
  }
  for (const auto& [name, cursor] : pulled->cursors) {
    auto stream = proto::parse_stream(name);
    if (!stream) continue;
    auto* out = res.add_cursors();
    out->set_stream(*stream);
    out->set_cursor(cursor);
  }
  res.set_hub_epoch(wire_epoch());
  res.set_more(pulled->more);
  auto bytes = proto::encode(res);
  if (!bytes) return error(500, proto::ErrorReply::INTERNAL, bytes.error().what());
  return {200, *bytes};
}

}  // namespace storeedge::sync::hub
