#include "tests/support/https_get.hpp"

#include <curl/curl.h>

#include <memory>
#include <mutex>

namespace storeedge::test {
namespace {

std::size_t append(char* ptr, std::size_t size, std::size_t count, void* user) {
  static_cast<std::string*>(user)->append(ptr, size * count);
  return size * count;
}

struct EasyDeleter {
  void operator()(CURL* easy) const { curl_easy_cleanup(easy); }
};

}  // namespace

Result<HttpsReply> https_get(const std::string& url, const std::filesystem::path& ca_file,
                             std::chrono::milliseconds timeout) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  std::unique_ptr<CURL, EasyDeleter> easy(curl_easy_init());
  if (!easy) return fail(Errc::internal, "curl_easy_init failed");
  HttpsReply reply;
  char error_text[CURL_ERROR_SIZE] = {};
  const std::string ca = ca_file.string();
  curl_easy_setopt(easy.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(easy.get(), CURLOPT_CAINFO, ca.c_str());
  curl_easy_setopt(easy.get(), CURLOPT_CAPATH, nullptr);
  curl_easy_setopt(easy.get(), CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(easy.get(), CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(easy.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy.get(), CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(easy.get(), CURLOPT_WRITEFUNCTION, &append);
  curl_easy_setopt(easy.get(), CURLOPT_WRITEDATA, &reply.body);
  curl_easy_setopt(easy.get(), CURLOPT_ERRORBUFFER, error_text);
  const CURLcode rc = curl_easy_perform(easy.get());
  if (rc != CURLE_OK) {
    return fail(Errc::unavailable,
                "GET " + url + ": " + (error_text[0] != '\0' ? error_text : curl_easy_strerror(rc)),
                static_cast<int>(rc));
  }
  long status = 0;
  curl_easy_getinfo(easy.get(), CURLINFO_RESPONSE_CODE, &status);
  reply.status = static_cast<int>(status);
  return reply;
}

}  // namespace storeedge::test
