#pragma once
// `storehub init-tls`: a private certificate authority for one hub and the hub's server certificate,
// made with OpenSSL's C API (no openssl(1) involved). Edges trust the CA (`[sync] ca_file`); the hub
// serves the server certificate (`[tls] cert_file`, `key_file`).
//
// Files, in `dir` (DATA_DIR/tls): ca.pem, ca.key (the CA), server.pem, server.key (the hub). Keys are
// ECDSA P-256 in PEM (PKCS#8), written mode 0600; certificates 0644. Every file is replaced atomically.
//
// Re-running keeps the CA when it is there, so rotating the server certificate (new hosts, expiry)
// does not touch the edges: an existing file is never overwritten unless `force` is set, and the CA
// is replaced only with `new_ca` (which implies handing the new ca.pem to every edge).
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "platform/clock.hpp"
#include "platform/error.hpp"

namespace storeedge::sync::hub {

struct TlsSetupOptions {
  std::filesystem::path dir;       // created if missing
  std::vector<std::string> hosts;  // subjectAltNames: IPv4/IPv6 addresses or DNS names; at least one
  bool force = false;              // replace an existing server certificate and key
  bool new_ca = false;             // also replace an existing CA (needs force)
  std::chrono::days ca_validity{3650};
  std::chrono::days server_validity{825};
};

struct TlsSetupResult {
  std::filesystem::path ca_cert, ca_key, server_cert, server_key;
  bool ca_created = false;  // false: the existing CA signed the new server certificate
};

// Checks one subjectAltName: an IP address, or a DNS name (letters, digits, '-', dots; an optional
// leading "*." wildcard label).
[[nodiscard]] Status validate_tls_host(const std::string& host);

[[nodiscard]] Result<TlsSetupResult> init_tls(const TlsSetupOptions& options, const Clock& clock);

// What `storehub init-tls` prints: the files made and the configuration lines for the hub and the
// edges. `hub_url` is the https:// URL edges use (e.g. "https://127.0.0.1:8460").
std::string describe_tls_setup(const TlsSetupResult& result, const std::string& hub_url);

}  // namespace storeedge::sync::hub
