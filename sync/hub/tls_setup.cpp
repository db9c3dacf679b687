#include "sync/hub/tls_setup.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <ctime>
#include <memory>

#include "platform/atomic_file.hpp"

namespace storeedge::sync::hub {
namespace {

template <auto Free>
struct Deleter {
  template <class T>
  void operator()(T* p) const {
    Free(p);
  }
};
using PKey = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using Cert = std::unique_ptr<X509, Deleter<X509_free>>;
using Bio = std::unique_ptr<BIO, Deleter<BIO_free_all>>;
using Bignum = std::unique_ptr<BIGNUM, Deleter<BN_free>>;
using OctetString = std::unique_ptr<ASN1_OCTET_STRING, Deleter<ASN1_OCTET_STRING_free>>;
using Names = std::unique_ptr<GENERAL_NAMES, Deleter<GENERAL_NAMES_free>>;
using Extension = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION_free>>;

// `what` failed, with OpenSSL's most recent reason; the error queue is left empty.
Error openssl_error(const std::string& what) {
  const unsigned long code = ERR_peek_last_error();
  std::string reason = "unknown OpenSSL error";
  if (code != 0) {
    char text[256] = {};
    ERR_error_string_n(code, text, sizeof text);
    reason = text;
  }
  ERR_clear_error();
  return Error(Errc::internal, what + ": " + reason);
}

struct KeyPair {
  PKey key;
  Cert cert;
};

Result<PKey> generate_key() {
  PKey key(EVP_EC_gen("P-256"));
  if (!key) return fail(openssl_error("generating an EC P-256 key"));
  return key;
}

Result<std::string> drain(BIO* bio, const std::string& what) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  if (size <= 0 || data == nullptr) return fail(openssl_error(what));
  return std::string(data, static_cast<std::size_t>(size));
}

Result<std::string> key_pem(EVP_PKEY* key) {
  Bio bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return fail(openssl_error("encoding a private key as PEM"));
  }
  return drain(bio.get(), "encoding a private key as PEM");
}

Result<std::string> cert_pem(X509* cert) {
  Bio bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1)
    return fail(openssl_error("encoding a certificate as PEM"));
  return drain(bio.get(), "encoding a certificate as PEM");
}

Result<KeyPair> load_ca(const std::filesystem::path& cert_path, const std::filesystem::path& key_path) {
  auto cert_text = read_file(cert_path);
  if (!cert_text) return fail(cert_text.error());
  auto key_text = read_file(key_path);
  if (!key_text) return fail(key_text.error());
  Bio cert_bio(BIO_new_mem_buf(cert_text->data(), static_cast<int>(cert_text->size())));
  Bio key_bio(BIO_new_mem_buf(key_text->data(), static_cast<int>(key_text->size())));
  KeyPair ca;
  if (cert_bio) ca.cert.reset(PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr));
  if (!ca.cert) {
    ERR_clear_error();
    return fail(Errc::config, cert_path.string() + " is not a PEM certificate");
  }
  if (key_bio) ca.key.reset(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
  if (!ca.key) {
    ERR_clear_error();
    return fail(Errc::config, key_path.string() + " is not a PEM private key");
  }
  if (X509_check_private_key(ca.cert.get(), ca.key.get()) != 1) {
    ERR_clear_error();
    return fail(Errc::config,
                key_path.string() + " is not the key of the CA certificate " + cert_path.string());
  }
  return ca;
}

// A certificate with a random positive 127-bit serial, valid from five minutes before `now` (clock
// skew between hub and edges) for `validity`, for `subject_key`, naming `common_name`.
Result<Cert> new_certificate(EVP_PKEY* subject_key, const std::string& common_name,
                             std::chrono::system_clock::time_point now, std::chrono::days validity) {
  Cert cert(X509_new());
  if (!cert || X509_set_version(cert.get(), 2) != 1) return fail(openssl_error("creating a certificate"));
  Bignum serial(BN_new());
  if (!serial || BN_rand(serial.get(), 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
      BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())) == nullptr) {
    return fail(openssl_error("choosing a serial number"));
  }
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  if (X509_time_adj_ex(X509_getm_notBefore(cert.get()), 0, -300, &t) == nullptr ||
      X509_time_adj_ex(X509_getm_notAfter(cert.get()), static_cast<int>(validity.count()), 0, &t) ==
          nullptr) {
    return fail(openssl_error("setting the validity period"));
  }
  X509_NAME* name = X509_get_subject_name(cert.get());
  const std::string cn = common_name.substr(0, 64);  // ub-common-name
  if (X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>("storeedge"), -1, -1, 0) != 1 ||
      X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0) != 1 ||
      X509_set_pubkey(cert.get(), subject_key) != 1) {
    return fail(openssl_error("naming the certificate"));
  }
  return cert;
}

Status add_extension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  Extension ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) {
    return fail(openssl_error(std::string("adding ") + OBJ_nid2sn(nid) + " " + value));
  }
  return {};
}

Status sign(X509* cert, X509* issuer, EVP_PKEY* issuer_key) {
  if (X509_set_issuer_name(cert, X509_get_subject_name(issuer)) != 1 ||
      X509_sign(cert, issuer_key, EVP_sha256()) <= 0) {
    return fail(openssl_error("signing the certificate"));
  }
  return {};
}

Result<KeyPair> make_ca(const std::string& first_host, std::chrono::system_clock::time_point now,
                        std::chrono::days validity) {
  auto key = generate_key();
  if (!key) return fail(key.error());
  auto cert = new_certificate(key->get(), "storehub CA for " + first_host, now, validity);
  if (!cert) return fail(cert.error());
  X509* c = cert->get();
  for (auto [nid, value] : {std::pair{NID_basic_constraints, "critical,CA:TRUE,pathlen:0"},
                            std::pair{NID_key_usage, "critical,keyCertSign,cRLSign"},
                            std::pair{NID_subject_key_identifier, "hash"},
                            std::pair{NID_authority_key_identifier, "keyid:always"}}) {
    if (auto s = add_extension(c, c, nid, value); !s) return fail(s.error());
  }
  if (auto s = sign(c, c, key->get()); !s) return fail(s.error());
  return KeyPair{std::move(*key), std::move(*cert)};
}

Status add_subject_alt_names(X509* cert, const std::vector<std::string>& hosts) {
  Names names(sk_GENERAL_NAME_new_null());
  if (!names) return fail(openssl_error("allocating subjectAltName"));
  for (const auto& host : hosts) {
    GENERAL_NAME* gn = GENERAL_NAME_new();
    if (gn == nullptr) return fail(openssl_error("allocating subjectAltName"));
    if (OctetString ip(a2i_IPADDRESS(host.c_str())); ip) {
      GENERAL_NAME_set0_value(gn, GEN_IPADD, ip.release());
    } else {
      ERR_clear_error();
      ASN1_IA5STRING* dns = ASN1_IA5STRING_new();
      if (dns == nullptr || ASN1_STRING_set(dns, host.data(), static_cast<int>(host.size())) != 1) {
        ASN1_IA5STRING_free(dns);
        GENERAL_NAME_free(gn);
        return fail(openssl_error("encoding DNS name " + host));
      }
      GENERAL_NAME_set0_value(gn, GEN_DNS, dns);
    }
    if (sk_GENERAL_NAME_push(names.get(), gn) == 0) {
      GENERAL_NAME_free(gn);
      return fail(openssl_error("adding subjectAltName " + host));
    }
  }
  if (X509_add1_ext_i2d(cert, NID_subject_alt_name, names.get(), 0, X509V3_ADD_DEFAULT) != 1) {
    return fail(openssl_error("adding subjectAltName"));
  }
  return {};
}

Result<KeyPair> make_server(const KeyPair& ca, const std::vector<std::string>& hosts,
                            std::chrono::system_clock::time_point now, std::chrono::days validity) {
  auto key = generate_key();
  if (!key) return fail(key.error());
  auto cert = new_certificate(key->get(), hosts.front(), now, validity);
  if (!cert) return fail(cert.error());
  X509* c = cert->get();
  for (auto [nid, value] :
       {std::pair{NID_basic_constraints, "critical,CA:FALSE"},
        std::pair{NID_key_usage, "critical,digitalSignature"}, std::pair{NID_ext_key_usage, "serverAuth"},
        std::pair{NID_subject_key_identifier, "hash"},
        std::pair{NID_authority_key_identifier, "keyid:always"}}) {
    if (auto s = add_extension(c, ca.cert.get(), nid, value); !s) return fail(s.error());
  }
  if (auto s = add_subject_alt_names(c, hosts); !s) return fail(s.error());
  if (auto s = sign(c, ca.cert.get(), ca.key.get()); !s) return fail(s.error());
  return KeyPair{std::move(*key), std::move(*cert)};
}

// Key first, then certificate: a crash in between leaves a pair that fails the hub's start check
// ("does not match") rather than a certificate without its key.
Status write_pair(const KeyPair& pair, const std::filesystem::path& cert_path,
                  const std::filesystem::path& key_path) {
  auto key = key_pem(pair.key.get());
  if (!key) return fail(key.error());
  auto cert = cert_pem(pair.cert.get());
  if (!cert) return fail(cert.error());
  if (auto s = write_file_atomically(key_path, *key, 0600); !s) return s;
  return write_file_atomically(cert_path, *cert, 0644);
}

bool file_exists(const std::filesystem::path& p) {
  std::error_code ec;
  return std::filesystem::exists(p, ec);
}

bool dns_label_ok(std::string_view label) {
  if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
  for (char c : label) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

Status validate_tls_host(const std::string& host) {
  if (OctetString ip(a2i_IPADDRESS(host.c_str())); ip) return {};
  ERR_clear_error();
  std::string_view rest = host;
  if (rest.starts_with("*.")) rest.remove_prefix(2);
  bool ok = !rest.empty() && host.size() <= 253;
  while (ok && !rest.empty()) {
    const auto dot = rest.find('.');
    ok = dns_label_ok(rest.substr(0, dot));
    rest = dot == std::string_view::npos ? std::string_view{} : rest.substr(dot + 1);
    if (dot != std::string_view::npos && rest.empty()) ok = false;  // trailing dot
  }
  if (!ok) {
    return fail(Errc::invalid_argument,
                "host \"" + host + "\" is neither an IP address nor a DNS name (letters, digits, '-', dots)");
  }
  return {};
}

Result<TlsSetupResult> init_tls(const TlsSetupOptions& options, const Clock& clock) {
  if (options.hosts.empty())
    return fail(Errc::invalid_argument, "give at least one --host (IP address or DNS name)");
  for (const auto& host : options.hosts) {
    if (auto s = validate_tls_host(host); !s) return fail(s.error());
  }
  if (options.new_ca && !options.force) {
    return fail(Errc::invalid_argument,
                "--new-ca replaces the CA that every edge trusts; add --force to confirm");
  }
  TlsSetupResult r{options.dir / "ca.pem", options.dir / "ca.key", options.dir / "server.pem",
                   options.dir / "server.key", false};
  for (const auto& p : {r.server_cert, r.server_key}) {
    if (file_exists(p) && !options.force) {
      return fail(
          Errc::already_exists,
          p.string() + " already exists; --force replaces the server certificate and key (the CA is kept)");
    }
  }
  const bool have_ca = file_exists(r.ca_cert) || file_exists(r.ca_key);
  std::error_code ec;
  std::filesystem::create_directories(options.dir, ec);
  if (ec) return fail(errno_error("creating " + options.dir.string(), ec.value()));

  const auto now = clock.now();
  KeyPair ca;
  if (have_ca && !options.new_ca) {
    auto loaded = load_ca(r.ca_cert, r.ca_key);
    if (!loaded)
      return fail(loaded.error().with_context("reusing the existing CA (--new-ca --force replaces it)"));
    ca = std::move(*loaded);
  } else {
    auto made = make_ca(options.hosts.front(), now, options.ca_validity);
    if (!made) return fail(made.error());
    ca = std::move(*made);
    if (auto s = write_pair(ca, r.ca_cert, r.ca_key); !s) return fail(s.error());
    r.ca_created = true;
  }
  auto server = make_server(ca, options.hosts, now, options.server_validity);
  if (!server) return fail(server.error());
  if (auto s = write_pair(*server, r.server_cert, r.server_key); !s) return fail(s.error());
  return r;
}

std::string describe_tls_setup(const TlsSetupResult& r, const std::string& hub_url) {
  std::string out;
  out += r.ca_created ? "created a private CA and a server certificate signed by it:\n"
                      : "issued a new server certificate with the existing CA (edges keep trusting it):\n";
  out += "  CA certificate  " + r.ca_cert.string() + "  (copy to every edge)\n";
  out += "  CA key          " + r.ca_key.string() + "  (secret; signs future server certificates)\n";
  out += "  server cert     " + r.server_cert.string() + "\n";
  out += "  server key      " + r.server_key.string() + "\n";
  out += "\nhub configuration (then restart storehub):\n[tls]\n";
  out += "cert_file = \"" + r.server_cert.string() + "\"\n";
  out += "key_file = \"" + r.server_key.string() + "\"\n";
  out += "\nedge configuration (ca_file: where you copied ca.pem):\n[sync]\n";
  out += "hub_url = \"" + hub_url + "\"\n";
  out += "ca_file = \"" + r.ca_cert.string() + "\"\n";
  return out;
}

}  // namespace storeedge::sync::hub
