#include "sync/client/curl/curl_transport.hpp"

#include <curl/curl.h>

#include <array>
#include <atomic>
#include <mutex>
#include <vector>

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

// One mutex per kind of data the handles share (libcurl asks for a lock per curl_lock_data).
struct ShareLocks {
  std::array<std::mutex, CURL_LOCK_DATA_LAST> mutexes{};
};

void lock_share(CURL*, curl_lock_data data, curl_lock_access, void* user) {
  static_cast<ShareLocks*>(user)->mutexes[static_cast<std::size_t>(data)].lock();
}
void unlock_share(CURL*, curl_lock_data data, void* user) {
  static_cast<ShareLocks*>(user)->mutexes[static_cast<std::size_t>(data)].unlock();
}

}  // namespace

struct CurlTransport::Impl {
  CurlOptions options;
  CURLSH* share = nullptr;
  ShareLocks share_locks{};
  std::mutex mutex;           // guards idle
  std::vector<CURL*> idle{};  // handles not in a call, each holding its connection
  std::atomic<std::int64_t> connections{0};

  ~Impl() {
    for (CURL* easy : idle) curl_easy_cleanup(easy);
    if (share != nullptr) curl_share_cleanup(share);
  }

  // An idle handle, or a new one that shares the TLS sessions and DNS cache; nullptr when libcurl
  // cannot make one.
  CURL* acquire() {
    {
      std::lock_guard lock(mutex);
      if (!idle.empty()) {
        CURL* easy = idle.back();
        idle.pop_back();
        return easy;
      }
    }
    CURL* easy = curl_easy_init();
    if (easy != nullptr && share != nullptr) curl_easy_setopt(easy, CURLOPT_SHARE, share);
    return easy;
  }

  // Returns the handle to the pool on every way out of a call.
  struct Lease {
    Impl& impl;
    CURL* easy;
    ~Lease() {
      if (easy != nullptr) impl.release(easy);
    }
  };

  void release(CURL* easy) {
    {
      std::lock_guard lock(mutex);
      if (idle.size() < kKeptHandles) {
        idle.push_back(easy);
        return;
      }
    }
    curl_easy_cleanup(easy);
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
  // Without a share object each connection makes its own TLS handshake: slower, still correct.
  impl->share = curl_share_init();
  if (impl->share != nullptr) {
    curl_share_setopt(impl->share, CURLSHOPT_LOCKFUNC, &lock_share);
    curl_share_setopt(impl->share, CURLSHOPT_UNLOCKFUNC, &unlock_share);
    curl_share_setopt(impl->share, CURLSHOPT_USERDATA, &impl->share_locks);
    curl_share_setopt(impl->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
    curl_share_setopt(impl->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
  }
  CURL* first = impl->acquire();
  if (first == nullptr) return fail(Errc::internal, "curl_easy_init failed");
  impl->release(first);
  return std::unique_ptr<CurlTransport>(new CurlTransport(std::move(impl)));
}

// Every option is set on each call, on a kept handle, so its connection stays cached between calls;
// the handle is left holding no pointer into this call's buffers.
Result<TransportResponse> CurlTransport::post(std::string_view path, std::string body,
                                              const Headers& headers) {
  Impl::Lease lease{*impl_, impl_->acquire()};
  CURL* easy = lease.easy;
  if (easy == nullptr) return fail(Errc::internal, "curl_easy_init failed");
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
  return impl_->connections.load();
}

}  // namespace storeedge::sync::client
