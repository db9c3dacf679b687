#pragma once
// zstd bodies for HTTP (Content-Encoding: zstd, RFC 8878), with libzstd. libzstd stays out of this
// header. Used for request bodies once the hub has said it reads them (docs/protocol.md, "Transport").
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "platform/error.hpp"
#include "sync/proto/gzip.hpp"

namespace storeedge::sync::proto {

// level: 1 (fastest) to 19; Errc::invalid_argument otherwise. The frame records its content size and
// a checksum of the content.
[[nodiscard]] Result<std::string> zstd_compress(std::string_view data, int level = 1);

// The same frames as zstd_compress, from one context and two buffers kept across calls, so a stream
// of large bodies does not allocate and zero-fill them for each one. Not thread-safe.
class ZstdCompressor {
 public:
  explicit ZstdCompressor(int level = 1);
  ~ZstdCompressor();
  ZstdCompressor(const ZstdCompressor&) = delete;
  ZstdCompressor& operator=(const ZstdCompressor&) = delete;

  // A buffer of at least `size` bytes (uninitialized) for the caller to write the input into.
  char* input(std::size_t size);
  // Compresses the first `size` bytes of input() into a new string. Errc::invalid_argument for a
  // level outside 1 to 19.
  [[nodiscard]] Result<std::string> compress_input(std::size_t size);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Decompresses exactly one zstd frame (its checksum, when it has one, is verified). Errc::invalid_argument
// when the input is not zstd, is corrupt
// or truncated, has bytes after the frame, or would decompress to more than max_output bytes (a
// frame that declares more is refused before anything is inflated; one that does not declare its
// size is cut off as soon as it passes the limit).
[[nodiscard]] Result<std::string> zstd_decompress(std::string_view data,
                                                  std::size_t max_output = kMaxDecompressedBytes);

}  // namespace storeedge::sync::proto
