#pragma once
// SHA-256 for hash chains (audit log, fiscal records). OpenSSL stays out of this header.
#include <initializer_list>
#include <string>
#include <string_view>

namespace storeedge {

// 64 upper-case hexadecimal digits, the form AEAT's VERI*FACTU specification prints and the audit
// chain reuses. Empty only if OpenSSL cannot allocate, which then fails every comparison.
std::string sha256_hex(std::string_view text);
// The same digest of the concatenation of `parts`, without building it.
std::string sha256_hex(std::initializer_list<std::string_view> parts);

}  // namespace storeedge
