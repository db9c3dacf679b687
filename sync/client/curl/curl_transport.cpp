#include "sync/client/curl/curl_transport.hpp"

#include <curl/curl.h>

#include <mutex>

namespace storeedge::sync::client {
namespace {

struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

Status global_init() {
  static std::once_flag once;
  static CURLcode rc = CURLE_OK;
  std::call_once(once, [] { rc = curl_global_init(CURL_GLOBAL_DEFAULT); });
  if (rc != CURLE_OK) return fail(Errc::internal, std::string("curl_global_init: ") + curl_easy_strerror(rc));
  return {};
}

bool valid_base_url(const std::string& url) {
  const bool http = url.starts_with("http://");
  const bool https = url.starts_with("https://");
  if (!http && !https) return false;
  const std::string rest = url.substr(http ? 7 : 8);
  return !rest.empty() && rest.find('/') == std::string::npos;
}

struct Body {
  std::string data;
  std::size_t limit = 0;
  bool overflow = false;
};

std::size_t on_body(char* ptr, std::size_t size, std::size_t count, void* user) {
  auto* body = static_cast<Body*>(user);
  const std::size_t n = size * count;
  if (body->data.size() + n > body->limit) {
    body->overflow = true;
    return 0;  // makes libcurl abort the transfer with CURLE_WRITE_ERROR
  }
  body->data.append(ptr, n);
  return n;
}

}  // namespace

struct CurlTransport::Impl {
  CurlOptions options;
  CURL* easy = nullptr;
  std::int64_t connections = 0;
  ~Impl() {
    if (easy != nullptr) curl_easy_cleanup(easy);
  }
};

CurlTransport::CurlTransport(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CurlTransport::~CurlTransport() = default;

Result<std::unique_ptr<CurlTransport>> CurlTransport::create(CurlOptions options) {
  if (!valid_base_url(options.base_url)) {
    return fail(Errc::config, "hub URL '" + options.base_url + "' is not http(s)://host[:port]");
  }
  if (options.client_cert.has_value() != options.client_key.has_value()) {
    return fail(Errc::config, "a client certificate needs its key, and a key its certificate");
  }
  if (auto s = global_init(); !s) return fail(s.error());
  auto impl = std::make_unique<Impl>();
  impl->options = std::move(options);
  impl->easy = curl_easy_init();
  if (impl->easy == nullptr) return fail(Errc::internal, "curl_easy_init failed");
  return std::unique_ptr<CurlTransport>(new CurlTransport(std::move(impl)));
}

// Every option is set on each call, on the same handle, so the connection stays cached between
// calls; the handle is left holding no pointer into this call's buffers.
Result<TransportResponse> CurlTransport::post(std::string_view path, std::string body,
                                              const Headers& headers) {
  CURL* easy = impl_->easy;
  const CurlOptions& o = impl_->options;
  const std::string url = o.base_url + std::string(path);
  Slist list;
  for (const auto& [name, value] : headers) {
    curl_slist* next = curl_slist_append(list.get(), (name + ": " + value).c_str());
    if (next == nullptr) return fail(Errc::internal, "out of memory building request headers");
    (void)list.release();
    list.reset(next);
  }
  // libcurl adds "Expect: 100-continue" to large POSTs; the hub answers at once, so skip the wait.
  if (curl_slist* next = curl_slist_append(list.get(), "Expect:"); next != nullptr) {
    (void)list.release();
    list.reset(next);
  }
  Body reply{{}, o.max_response_bytes, false};
  char error_text[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
  curl_easy_setopt(easy, CURLOPT_POST, 1L);
  curl_easy_setopt(easy, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, list.get());
  curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "gzip");
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &on_body);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, &reply);
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, error_text);
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(o.connect_timeout.count()));
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(o.total_timeout.count()));
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 2L);
  if (o.ca_file) curl_easy_setopt(easy, CURLOPT_CAINFO, o.ca_file->c_str());
  if (o.client_cert) {
    curl_easy_setopt(easy, CURLOPT_SSLCERT, o.client_cert->c_str());
    curl_easy_setopt(easy, CURLOPT_SSLKEY, o.client_key->c_str());
  }

  const CURLcode rc = curl_easy_perform(easy);
  long opened = 0;
  if (curl_easy_getinfo(easy, CURLINFO_NUM_CONNECTS, &opened) == CURLE_OK) impl_->connections += opened;
  // The handle must not keep pointers to this call's buffers.
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, nullptr);
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, nullptr);
  if (reply.overflow) {
    return fail(Errc::invalid_argument,
                "reply from " + url + " is larger than " + std::to_string(o.max_response_bytes) + " bytes");
  }
  if (rc != CURLE_OK) {
    const std::string detail = error_text[0] != '\0' ? error_text : curl_easy_strerror(rc);
    return fail(Errc::unavailable, "POST " + url + ": " + detail, static_cast<int>(rc));
  }
  long status = 0;
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
  TransportResponse response{static_cast<int>(status), std::move(reply.data), {}, {}};
  curl_header* accept = nullptr;
  if (curl_easy_header(easy, "Accept-Encoding", 0, CURLH_HEADER, -1, &accept) == CURLHE_OK) {
    response.accept_encoding = accept->value;
  }
  return response;
}

std::int64_t CurlTransport::connections_opened() const {
  return impl_->connections;
}

}  // namespace storeedge::sync::client
