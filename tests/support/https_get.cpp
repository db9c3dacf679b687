#include "tests/support/https_get.hpp"

#include <curl/curl.h>

#include <fstream>
#include <mutex>
#include <sstream>

namespace storeedge::test {
namespace {

std::size_t append(char* ptr, std::size_t size, std::size_t count, void* user) {
  static_cast<std::string*>(user)->append(ptr, size * count);
  return size * count;
}

struct EasyDeleter {
  void operator()(CURL* easy) const { curl_easy_cleanup(easy); }
};

// The "Cert:" field of the first certificate libcurl saw in the handshake, as PEM.
std::string peer_certificate(CURL* easy) {
  curl_certinfo* info = nullptr;
  if (curl_easy_getinfo(easy, CURLINFO_CERTINFO, &info) != CURLE_OK || info == nullptr ||
      info->num_of_certs < 1) {
    return "";
  }
  constexpr std::string_view kField = "Cert:";
  for (curl_slist* field = info->certinfo[0]; field != nullptr; field = field->next) {
    const std::string_view data(field->data);
    if (data.starts_with(kField)) return std::string(data.substr(kField.size()));
  }
  return "";
}

}  // namespace

struct HttpsClient::Impl {
  std::string ca;
  std::chrono::milliseconds timeout;
  std::unique_ptr<CURL, EasyDeleter> easy;
};

HttpsClient::HttpsClient(std::filesystem::path ca_file, std::chrono::milliseconds timeout)
    : impl_(std::make_unique<Impl>(Impl{ca_file.string(), timeout, nullptr})) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  impl_->easy.reset(curl_easy_init());
}

HttpsClient::~HttpsClient() = default;

Result<HttpsReply> HttpsClient::get(const std::string& url) {
  CURL* easy = impl_->easy.get();
  if (easy == nullptr) return fail(Errc::internal, "curl_easy_init failed");
  HttpsReply reply;
  char error_text[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
  curl_easy_setopt(easy, CURLOPT_CAINFO, impl_->ca.c_str());
  curl_easy_setopt(easy, CURLOPT_CAPATH, nullptr);
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(easy, CURLOPT_CERTINFO, 1L);
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(impl_->timeout.count()));
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &append);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, &reply.body);
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, error_text);
  const CURLcode rc = curl_easy_perform(easy);
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, nullptr);
  if (rc != CURLE_OK) {
    return fail(Errc::unavailable,
                "GET " + url + ": " + (error_text[0] != '\0' ? error_text : curl_easy_strerror(rc)),
                static_cast<int>(rc));
  }
  long status = 0;
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
  reply.status = static_cast<int>(status);
  long connects = 0;
  curl_easy_getinfo(easy, CURLINFO_NUM_CONNECTS, &connects);
  reply.reused_connection = connects == 0;
  if (!reply.reused_connection) reply.server_certificate = peer_certificate(easy);
  return reply;
}

Result<HttpsReply> https_get(const std::string& url, const std::filesystem::path& ca_file,
                             std::chrono::milliseconds timeout) {
  HttpsClient client(ca_file, timeout);
  return client.get(url);
}

std::string first_pem_certificate(const std::filesystem::path& pem_file) {
  std::ifstream in(pem_file);
  std::stringstream text;
  text << in.rdbuf();
  const std::string all = text.str();
  constexpr std::string_view kEnd = "-----END CERTIFICATE-----";
  const auto begin = all.find("-----BEGIN CERTIFICATE-----");
  const auto end = all.find(kEnd, begin);
  if (begin == std::string::npos || end == std::string::npos) return "";
  return all.substr(begin, end + kEnd.size() - begin) + "\n";
}

}  // namespace storeedge::test
