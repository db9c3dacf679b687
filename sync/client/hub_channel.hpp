#pragma once
// One signed, compressed protobuf call to the hub (docs/protocol.md, "Transport" and
// "Authentication"): encode, compress, sign the bytes on the wire, POST, then sort the reply into a
// success body or the hub's ErrorReply.
//
// Errors returned (all mean "nothing is known to have happened; retry later with backoff"):
//   Errc::unavailable  no reply (transport), a 5xx without a readable ErrorReply, or a reply body
//                      that is corrupt or truncated (gzip or protobuf does not decode).
// A non-2xx reply with a readable ErrorReply is not an error here: it is returned for the caller
// to act on its code (EPOCH_CHANGED, MUTATION_GAP, ...).
//
// A refusal for a stale timestamp (UNAUTHENTICATED with hub_time_ms) corrects the signing time by
// the hub's clock for later calls, as the protocol asks of nodes whose clock is wrong.
//
// Request bodies from a few hundred bytes are compressed: with zstd while the hub's latest reply
// listed zstd in its Accept-Encoding (docs/protocol.md, "Transport"), with gzip otherwise (the first
// request, and any hub that predates zstd).
//
// call() is prepare() then send(). They are apart so a caller can encode and compress its next
// request while the current one is in flight (OutboxRelay does).
//
// Threads: send() is safe from two threads at once (the relay's two pushes in flight), given a
// transport whose post() is (transport.hpp): it shares only the clock correction and the flag of the
// hub's codings, both atomic. prepare() and call() run on one thread at a time, which may prepare()
// while sends are in progress; allow_zstd() is set before use. Borrows the transport, key and clock,
// which must outlive it.
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "platform/clock.hpp"
#include "platform/error.hpp"
#include "sync/client/transport.hpp"
#include "sync/proto/auth.hpp"
#include "sync/proto/codec.hpp"
#include "sync/proto/zstd.hpp"

namespace storeedge::sync::client {

inline constexpr std::string_view kPushPath = "/sync/v1/push";
inline constexpr std::string_view kPullPath = "/sync/v1/pull";
// gzip level of request bodies. On a batch of 500 demo sales (about 1.9 KB of JSON each) level 1
// deflates 6.3x and level 6 8.3x, but level 6 takes 2.6 times the CPU: on a drain of a long queue
// the edge's CPU matters more than the bytes on a store's link. Even 4 MiB of payload (a full batch)
// stays well under the hub's 1 MiB request limit at level 1.
inline constexpr int kDefaultGzipLevel = 1;
// zstd level of request bodies. On the same batch level 1 compresses 9.5x at about 470 MB/s, against
// gzip level 1's 6.3x at about 140 MB/s; the hub inflates it about three times faster too.
inline constexpr int kDefaultZstdLevel = 1;

// A request body as it goes on the wire: encoded and, from a few hundred bytes, compressed.
struct PreparedBody {
  std::string wire{};
  std::string_view coding{};  // the Content-Encoding: "gzip", "zstd", or empty (not compressed)
};

struct HubReply {
  int status = 0;
  std::string body{};                        // decompressed success body (2xx)
  std::optional<proto::ErrorReply> error{};  // set for a non-2xx reply
};

class HubChannel {
 public:
  HubChannel(Transport& transport, const proto::SigningKey& key, std::string node_id, const Clock& clock,
             int gzip_level = kDefaultGzipLevel);

  [[nodiscard]] Result<HubReply> call(std::string_view path, const google::protobuf::MessageLite& request);

  // Encodes and compresses a request (Errc::invalid_argument when it exceeds the message limit).
  [[nodiscard]] Result<PreparedBody> prepare(const google::protobuf::MessageLite& request) const;
  // Signs the body with the current (corrected) time, posts it and sorts the reply, as call() does.
  [[nodiscard]] Result<HubReply> send(std::string_view path, PreparedBody prepared);

  const std::string& node_id() const { return node_id_; }
  // Added to the wall clock when signing (hub time - node time), learnt from a refusal.
  std::int64_t clock_correction_ms() const { return correction_ms_.load(std::memory_order_relaxed); }

  // Whether the hub's latest reply said it reads zstd request bodies.
  bool hub_reads_zstd() const { return hub_reads_zstd_.load(std::memory_order_relaxed); }
  // false: always gzip, whatever the hub reads (benchmarks comparing the codings).
  void allow_zstd(bool allow) { allow_zstd_ = allow; }

 private:
  Transport& transport_;
  const proto::SigningKey& key_;
  std::string node_id_;
  const Clock& clock_;
  std::atomic<std::int64_t> correction_ms_{0};
  int gzip_level_ = kDefaultGzipLevel;
  bool allow_zstd_ = true;
  // prepare()'s buffers and context, kept between batches; only prepare() touches them.
  mutable std::unique_ptr<proto::ZstdCompressor> zstd_;
  std::atomic<bool> hub_reads_zstd_{false};
};

}  // namespace storeedge::sync::client
