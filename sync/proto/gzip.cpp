#include "sync/proto/gzip.hpp"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <limits>

namespace storeedge::sync::proto {
namespace {

constexpr int kGzipWindowBits = 15 + 16;  // 32 KiB window, gzip header and trailer
constexpr std::size_t kChunk = 64 * 1024;
constexpr std::size_t kMaxZlibInput = std::numeric_limits<uInt>::max();

// zlib's next_in is not const-qualified but is only read.
Bytef* input_ptr(const char* p) {
  return reinterpret_cast<Bytef*>(const_cast<char*>(p));
}

// Feeds the next slice of [data) into the stream; zlib counts in uInt, so large inputs go in parts.
void feed(z_stream& zs, std::string_view data, std::size_t& consumed) {
  if (zs.avail_in != 0 || consumed == data.size()) return;
  const std::size_t n = std::min(data.size() - consumed, kMaxZlibInput);
  zs.next_in = input_ptr(data.data() + consumed);
  zs.avail_in = static_cast<uInt>(n);
  consumed += n;
}

std::string zlib_message(const z_stream& zs, int rc) {
  return zs.msg != nullptr ? std::string(zs.msg) : "zlib error " + std::to_string(rc);
}

}  // namespace

Result<std::string> gzip_compress(std::string_view data, int level) {
  if (level < 1 || level > 9) {
    return fail(Errc::invalid_argument, "gzip level " + std::to_string(level) + " is not between 1 and 9");
  }
  z_stream zs{};
  if (deflateInit2(&zs, level, Z_DEFLATED, kGzipWindowBits, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    return fail(Errc::internal, "zlib could not start a gzip stream");
  }
  std::string out;
  std::array<char, kChunk> buffer;
  std::size_t consumed = 0;
  int rc = Z_OK;
  do {
    feed(zs, data, consumed);
    const int flush = (consumed == data.size()) ? Z_FINISH : Z_NO_FLUSH;
    zs.next_out = reinterpret_cast<Bytef*>(buffer.data());
    zs.avail_out = static_cast<uInt>(buffer.size());
    rc = deflate(&zs, flush);
    out.append(buffer.data(), buffer.size() - zs.avail_out);
  } while (rc == Z_OK || rc == Z_BUF_ERROR);
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) return fail(Errc::internal, "gzip compression failed: " + zlib_message(zs, rc));
  return out;
}

Result<std::string> gzip_decompress(std::string_view data, std::size_t max_output) {
  z_stream zs{};
  if (inflateInit2(&zs, kGzipWindowBits) != Z_OK) {
    return fail(Errc::internal, "zlib could not start a gzip stream");
  }
  std::string out;
  // The gzip trailer's last four bytes are the input size modulo 2^32: reserve it once (bounded by
  // the limit and by deflate's largest ratio, so a forged trailer cannot make us allocate much).
  if (data.size() >= 18) {
    const auto* tail = reinterpret_cast<const unsigned char*>(data.data() + data.size() - 4);
    const std::size_t size = tail[0] | (tail[1] << 8) | (tail[2] << 16) | (std::size_t{tail[3]} << 24);
    out.reserve(std::min({size, max_output, data.size() * 1032}));
  }
  std::array<char, kChunk> buffer;
  std::size_t consumed = 0;
  int rc = Z_OK;
  while (true) {
    feed(zs, data, consumed);
    zs.next_out = reinterpret_cast<Bytef*>(buffer.data());
    zs.avail_out = static_cast<uInt>(buffer.size());
    rc = inflate(&zs, Z_NO_FLUSH);
    const std::size_t produced = buffer.size() - zs.avail_out;
    if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) break;
    if (out.size() + produced > max_output) {
      inflateEnd(&zs);
      return fail(Errc::invalid_argument, "gzip body decompresses to more than the limit of " +
                                              std::to_string(max_output) + " bytes; refused");
    }
    out.append(buffer.data(), produced);
    if (rc == Z_STREAM_END) break;
    // No progress possible: the input ended before the gzip trailer.
    if (produced == 0 && zs.avail_in == 0 && consumed == data.size()) {
      rc = Z_BUF_ERROR;
      break;
    }
  }
  const bool trailing = rc == Z_STREAM_END && (zs.avail_in != 0 || consumed != data.size());
  const std::string message = zlib_message(zs, rc);
  inflateEnd(&zs);
  if (rc == Z_BUF_ERROR) {
    return fail(Errc::invalid_argument, "gzip body of " + std::to_string(data.size()) +
                                            " bytes is truncated (ends before the gzip trailer)");
  }
  if (rc != Z_STREAM_END) return fail(Errc::invalid_argument, "gzip body is corrupt: " + message);
  if (trailing) return fail(Errc::invalid_argument, "gzip body has bytes after the end of the gzip stream");
  return out;
}

}  // namespace storeedge::sync::proto
