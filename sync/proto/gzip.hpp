#pragma once
// gzip bodies for HTTP (Content-Encoding: gzip), with zlib. zlib stays out of this header.
#include <cstddef>
#include <string>
#include <string_view>

#include "platform/error.hpp"

namespace storeedge::sync::proto {

// Default cap on a decompressed body: one message at its limit (codec.hpp, kMaxMessageBytes).
inline constexpr std::size_t kMaxDecompressedBytes = std::size_t{16} << 20;

// level: 1 (fastest) to 9 (smallest); Errc::invalid_argument otherwise.
[[nodiscard]] Result<std::string> gzip_compress(std::string_view data, int level = 6);

// Decompresses exactly one gzip member. Errc::invalid_argument when the input is not gzip, is
// corrupt or truncated, has bytes after the member, or would decompress to more than max_output
// bytes (a zip bomb is refused as soon as the limit is passed, without inflating the rest).
[[nodiscard]] Result<std::string> gzip_decompress(std::string_view data,
                                                  std::size_t max_output = kMaxDecompressedBytes);

}  // namespace storeedge::sync::proto
