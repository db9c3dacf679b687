#pragma once
// The omnichannel flows with the real programs: one storehub and any number of storeedged tills (each
// its own data directory, store and enrollment token) on loopback ports, plus the other channels'
// view of the hub through its channel API (/channels/v1, bearer key). Every wait has a deadline.
#include <curl/curl.h>
#include <signal.h>

#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "platform/atomic_file.hpp"
#include "platform/http/client.hpp"
#include "tests/integration/daemon_fixture.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

namespace storeedge::test {

namespace json = boost::json;

inline constexpr auto kSyncDeadline = std::chrono::seconds(60);
inline constexpr const char* kChannelKey = "flows-web-shop-key";
inline constexpr const char* kAdminKey = "flows-hq-admin-key";

struct Reply {
  int status = 0;
  json::value body;
  json::object object() const { return body.is_object() ? body.as_object() : json::object{}; }
};

class FlowsTest : public ::testing::Test {
 protected:
  struct Edge {
    std::string name;
    std::string store;
    std::filesystem::path dir;
    std::string token;
    std::unique_ptr<Process> process;
    std::uint16_t port = 0;
    int starts = 0;
    std::filesystem::path config() const { return dir / "storeedged.toml"; }
    std::filesystem::path data() const { return dir / "data"; }
  };

  static void SetUpTestSuite() { curl_global_init(CURL_GLOBAL_DEFAULT); }

  // Learns a free port for the hub (started once on port 0), then writes the configuration that
  // pins it, so tills keep one hub URL across hub restarts. `channels`: enable the channel API.
  void configure_hub(bool channels) {
    write_hub_config(0, channels);
    start_hub();
    hub_port_ = published_port(hub_addr());
    stop_hub();
    write_hub_config(hub_port_, channels);
  }
  void write_hub_config(std::uint16_t port, bool channels) {
    std::string text = "[hub]\ndata_dir = \"" + (dir_ / "hubdata").string() +
                       "\"\n[http]\nport = " + std::to_string(port) + "\n";
    if (channels) {
      text += std::string("[channels]\napi_keys = [\"") + kChannelKey + "\"]\n[admin]\napi_keys = [\"" +
              kAdminKey + "\"]\n";
    }
    ASSERT_TRUE(write_file_atomically(dir_ / "hub.toml", text));
  }
  std::filesystem::path hub_addr() const { return dir_ / "hubdata" / "storehub.addr"; }

  void start_hub() {
    std::filesystem::remove(hub_addr());
    hub_ = std::make_unique<Process>(bin_dir() / "storehub",
                                     std::vector<std::string>{"--config", (dir_ / "hub.toml").string()},
                                     dir_ / ("hub-" + std::to_string(++hub_starts_)));
    ASSERT_TRUE(
        eventually([&] { return published_port(hub_addr()) != 0 || !hub_->running(); }, kStartDeadline))
        << hub_->stderr_text();
    ASSERT_TRUE(hub_->running()) << hub_->stderr_text();
  }
  void stop_hub() {
    if (!hub_) return;
    hub_->signal(SIGTERM);
    ASSERT_TRUE(hub_->wait_for(std::chrono::seconds(10)));
    hub_.reset();
  }

  // A till of `store` with its own one-time token; `demo`: the demo catalog and customers loaded
  // locally (storectl load-demo-data) instead of pulled from the hub.
  Edge& add_edge(const std::string& name, const std::string& store, bool demo = false) {
    auto e = std::make_unique<Edge>();
    e->name = name;
    e->store = store;
    e->dir = dir_ / name;
    std::filesystem::create_directories(e->dir);
    auto token = run_program(bin_dir() / "storehub",
                             {"--config", (dir_ / "hub.toml").string(), "issue-token", "--store", store},
                             e->dir / "token");
    EXPECT_EQ(token.exit_code, 0) << token.err;
    e->token = token.out.substr(0, token.out.find('\n'));
    write_edge_config(*e, hub_port_);
    if (demo) {
      auto loaded = run_program(bin_dir() / "storectl", {"load-demo-data", "--config", e->config().string()},
                                e->dir / "demo");
      EXPECT_EQ(loaded.exit_code, 0) << loaded.err;
    }
    edges_.push_back(std::move(e));
    return *edges_.back();
  }
  // hub_port 1 is a till that cannot reach its hub (connection refused): offline.
  void write_edge_config(const Edge& e, std::uint16_t hub_port) {
    const std::string text = "[node]\nstore_code = \"" + e.store + "\"\ndevice_code = \"01\"\ndata_dir = \"" +
                             e.data().string() + "\"\n[http]\nport = 0\n[log]\nlevel = \"info\"\n" +
                             "[sync]\nhub_url = \"http://127.0.0.1:" + std::to_string(hub_port) +
                             "\"\nenrollment_token = \"" + e.token + "\"\ninterval_ms = 100\n";
    ASSERT_TRUE(write_file_atomically(e.config(), text));
  }

  void start_edge(Edge& e) {
    const auto addr = e.data() / "storeedged.addr";
    e.process = std::make_unique<Process>(bin_dir() / "storeedged",
                                          std::vector<std::string>{"--config", e.config().string()},
                                          e.dir / ("edge-" + std::to_string(++e.starts)));
    ASSERT_TRUE(
        eventually([&] { return published_port(addr) != 0 || !e.process->running(); }, kStartDeadline))
        << e.process->stderr_text();
    ASSERT_TRUE(e.process->running()) << e.process->stderr_text();
    e.port = published_port(addr);
  }
  void stop_edge(Edge& e) {
    e.process->signal(SIGTERM);
    ASSERT_TRUE(e.process->wait_for(std::chrono::seconds(10)));
    e.process.reset();
  }

  // The till's local API. Expects a 2xx unless `expected` says otherwise.
  Reply edge_call(const Edge& e, const std::string& method, const std::string& target,
                  const json::object& body = {}, int expected = 0) {
    auto r = http::request("127.0.0.1", e.port, method, target, method == "GET" ? "" : json::serialize(body),
                           std::chrono::seconds(10));
    EXPECT_TRUE(r) << target << ": " << (r ? "" : r.error().what());
    if (!r) return {};
    if (expected == 0) {
      EXPECT_EQ(r->status / 100, 2) << method << " " << target << " -> " << r->status << " " << r->body;
    } else {
      EXPECT_EQ(r->status, expected) << method << " " << target << " -> " << r->body;
    }
    json::error_code ec;
    return {r->status, json::parse(r->body, ec)};
  }
  json::object edge_post(const Edge& e, const std::string& target, const json::object& body) {
    return edge_call(e, "POST", target, body).object();
  }
  json::object edge_health(const Edge& e) { return edge_call(e, "GET", "/health").object(); }
  bool edge_synced(const Edge& e) {
    auto r = http::request("127.0.0.1", e.port, "GET", "/health");
    if (!r || r->status != 200) return false;
    auto sync = json::parse(r->body).as_object()["sync"].as_object();
    return sync["enrolled"].as_bool() && sync["pending_mutations"].as_int64() == 0;
  }

  // The channel API of the hub, as the web shop, CRM or ERP call it (`key`: HQ's admin key for /admin).
  Reply channel(const std::string& method, const std::string& target, const json::value& body = nullptr,
                const char* key = kChannelKey) {
    CURL* curl = curl_easy_init();
    std::string out;
    const std::string url = "http://127.0.0.1:" + std::to_string(hub_port_) + target;
    const std::string payload = body.is_null() ? std::string() : json::serialize(body);
    curl_slist* headers = curl_slist_append(nullptr, (std::string("Authorization: Bearer ") + key).c_str());
    headers = curl_slist_append(headers, "Content-Type: application/json");
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 10'000L);
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
    if (method != "GET") {
      curl_easy_setopt(curl, CURLOPT_POSTFIELDS, payload.c_str());
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(payload.size()));
    }
    curl_easy_setopt(
        curl, CURLOPT_WRITEFUNCTION, +[](char* p, size_t s, size_t n, void* user) -> size_t {
          static_cast<std::string*>(user)->append(p, s * n);
          return s * n;
        });
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &out);
    const CURLcode rc = curl_easy_perform(curl);
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    EXPECT_EQ(rc, CURLE_OK) << method << " " << target << ": " << curl_easy_strerror(rc);
    json::error_code ec;
    return {static_cast<int>(status), json::parse(out, ec)};
  }
  json::object channel_ok(const std::string& method, const std::string& target,
                          const json::value& body = nullptr) {
    Reply r = channel(method, target, body);
    EXPECT_EQ(r.status / 100, 2) << method << " " << target << " -> " << r.status << " "
                                 << json::serialize(r.body);
    return r.object();
  }

  static std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }

  TempDir dir_;
  std::uint16_t hub_port_ = 0;
  std::unique_ptr<Process> hub_;
  int hub_starts_ = 0;
  std::vector<std::unique_ptr<Edge>> edges_;
};

}  // namespace storeedge::test
