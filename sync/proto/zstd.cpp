#include "sync/proto/zstd.hpp"

#include <zstd.h>

#include <algorithm>
#include <cstring>
#include <memory>

namespace storeedge::sync::proto {
namespace {

struct FreeCctx {
  void operator()(ZSTD_CCtx* c) const { ZSTD_freeCCtx(c); }
};
struct FreeDctx {
  void operator()(ZSTD_DCtx* d) const { ZSTD_freeDCtx(d); }
};

Error corrupt(std::string_view what) {
  return Error(Errc::invalid_argument, "zstd body " + std::string(what));
}

// A buffer that grows and is never zero-filled.
struct Scratch {
  std::unique_ptr<char[]> data;
  std::size_t capacity = 0;
  char* at_least(std::size_t size) {
    if (size > capacity) {
      data.reset(new char[size]);
      capacity = size;
    }
    return data.get();
  }
};

}  // namespace

struct ZstdCompressor::Impl {
  int level;
  std::unique_ptr<ZSTD_CCtx, FreeCctx> ctx;
  Scratch in;
  Scratch out;
};

ZstdCompressor::ZstdCompressor(int level) : impl_(std::make_unique<Impl>()) {
  impl_->level = level;
}
ZstdCompressor::~ZstdCompressor() = default;

char* ZstdCompressor::input(std::size_t size) {
  return impl_->in.at_least(std::max<std::size_t>(size, 1));
}

Result<std::string> ZstdCompressor::compress_input(std::size_t size) {
  Impl& z = *impl_;
  if (z.level < 1 || z.level > 19) {
    return fail(Errc::invalid_argument, "zstd level " + std::to_string(z.level) + " is not between 1 and 19");
  }
  if (!z.ctx) {
    z.ctx.reset(ZSTD_createCCtx());
    if (!z.ctx) return fail(Errc::internal, "zstd could not start a compression context");
    // The frame carries a checksum of its content, as gzip's trailer does: without it, a flipped
    // byte in a literal can decode to other content without any error.
    if (ZSTD_isError(ZSTD_CCtx_setParameter(z.ctx.get(), ZSTD_c_compressionLevel, z.level)) != 0 ||
        ZSTD_isError(ZSTD_CCtx_setParameter(z.ctx.get(), ZSTD_c_checksumFlag, 1)) != 0) {
      z.ctx.reset();
      return fail(Errc::internal, "zstd refused its parameters");
    }
  }
  const std::size_t bound = ZSTD_compressBound(size);
  char* out = z.out.at_least(bound);
  const std::size_t n = ZSTD_compress2(z.ctx.get(), out, bound, input(size), size);
  if (ZSTD_isError(n) != 0) {
    return fail(Errc::internal, std::string("zstd compression failed: ") + ZSTD_getErrorName(n));
  }
  return std::string(out, n);
}

Result<std::string> zstd_compress(std::string_view data, int level) {
  ZstdCompressor z(level);
  if (!data.empty()) std::memcpy(z.input(data.size()), data.data(), data.size());
  return z.compress_input(data.size());
}

Result<std::string> zstd_decompress(std::string_view data, std::size_t max_output) {
  // One frame and nothing after it: a second frame or trailing bytes are refused, like gzip's.
  const std::size_t frame = ZSTD_findFrameCompressedSize(data.data(), data.size());
  if (ZSTD_isError(frame) != 0) {
    return fail(corrupt(std::string("is not one complete frame: ") + ZSTD_getErrorName(frame)));
  }
  if (frame != data.size()) return fail(corrupt("has bytes after its frame"));
  const unsigned long long declared = ZSTD_getFrameContentSize(data.data(), data.size());
  if (declared == ZSTD_CONTENTSIZE_ERROR) return fail(corrupt("has no valid frame header"));
  const std::string too_large =
      "decompresses to more than the limit of " + std::to_string(max_output) + " bytes; refused";
  std::string out;
  if (declared != ZSTD_CONTENTSIZE_UNKNOWN) {
    if (declared > max_output) return fail(corrupt(too_large));
    out.resize(static_cast<std::size_t>(declared));
    const std::size_t n = ZSTD_decompress(out.data(), out.size(), data.data(), data.size());
    if (ZSTD_isError(n) != 0) return fail(corrupt(std::string("is corrupt: ") + ZSTD_getErrorName(n)));
    if (n != out.size()) return fail(corrupt("is shorter than its header says"));
    return out;
  }
  // No declared size: stream into the limit.
  std::unique_ptr<ZSTD_DCtx, FreeDctx> ctx(ZSTD_createDCtx());
  if (!ctx) return fail(Errc::internal, "zstd could not start a decompression context");
  ZSTD_inBuffer in{data.data(), data.size(), 0};
  std::string chunk(ZSTD_DStreamOutSize(), '\0');
  std::size_t rc = 1;
  while (in.pos < in.size || rc != 0) {
    ZSTD_outBuffer o{chunk.data(), chunk.size(), 0};
    rc = ZSTD_decompressStream(ctx.get(), &o, &in);
    if (ZSTD_isError(rc) != 0) return fail(corrupt(std::string("is corrupt: ") + ZSTD_getErrorName(rc)));
    if (out.size() + o.pos > max_output) return fail(corrupt(too_large));
    out.append(chunk.data(), o.pos);
    if (o.pos == 0 && in.pos == in.size && rc != 0) return fail(corrupt("is truncated"));
  }
  return out;
}

}  // namespace storeedge::sync::proto
