#pragma once
// Request body codings on /sync/v1 (docs/protocol.md, "Transport"). The hub reads identity, gzip
// and zstd bodies and says which it reads in every /sync/v1 reply, as an Accept-Encoding response
// header (RFC 7694). A node sends zstd only while the hub's latest reply listed it, and gzip
// otherwise, so a hub that predates zstd (or was rolled back to such a version) is never sent a
// body it cannot read.
#include <string>
#include <string_view>

#include "platform/error.hpp"
#include "sync/proto/gzip.hpp"

namespace storeedge::sync::proto {

// What a hub lists in its replies' Accept-Encoding.
inline constexpr std::string_view kHubAcceptEncoding = "zstd, gzip";

// The decoded body of a request sent with this Content-Encoding ("", "identity", "gzip" or "zstd",
// case-insensitive). Errc::unsupported for any other coding; Errc::invalid_argument for a body that
// does not decode or decodes to more than max_output bytes.
[[nodiscard]] Result<std::string> decode_body(std::string_view content_encoding, std::string_view body,
                                              std::size_t max_output = kMaxDecompressedBytes);

// True when an Accept-Encoding value lists `coding` (case-insensitive) with a weight other than 0.
[[nodiscard]] bool accepts_coding(std::string_view accept_encoding, std::string_view coding);

}  // namespace storeedge::sync::proto
