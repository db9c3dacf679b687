#pragma once
// An HTTP-aware loopback proxy that stands between storeedged and the real storehub and injects the
// faults a network and a hub produce, with knobs the test turns while both programs run (Chromium's
// FakeServer error knobs, one layer lower: the real hub stays untouched).
//
// Each request is read whole from the client, matched against the rules, and (unless the rule
// resets it) forwarded to the hub; the hub's whole reply is read before the fault is applied, so
// "drop", "truncate", "corrupt" and "delay" all happen after the hub has committed.
//
// Bounds: at most kMaxConnections open client connections (more are closed at once), bodies up to
// kMaxBodyBytes, every read, write and connect has a deadline, a delay is capped at kMaxDelay, and
// the destructor stops everything.
//
// Thread-safety: the proxy runs on its own thread; every public member may be called from any
// thread.
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace storeedge::test {

enum class ProxyFault {
  pass,            // forward both ways unchanged
  drop_reply,      // forward the request, read the hub's reply, then reset the client's connection
  truncate_reply,  // send the reply's head and half of its body, then close
  corrupt_reply,   // send the reply with every body byte set to 0xFF (no protobuf or gzip reader accepts it)
  delay_reply,     // hold the hub's reply for `delay`, then send it
  reset,           // reset the client's connection without forwarding: the hub never sees the request
  delay_request,   // hold the request for `delay` before forwarding it (the hub may be gone by then)
};
inline constexpr std::size_t kProxyFaultCount = 7;

struct ProxyRule {
  ProxyFault fault = ProxyFault::pass;
  std::string path{};  // the rule applies to requests whose path starts with this; empty: any
  int times = 1;       // matching requests it applies to; negative: every one until clear_rules()
  std::chrono::milliseconds delay{0};  // delay_reply and delay_request only
};

class FaultProxy {
 public:
  static constexpr std::size_t kMaxConnections = 64;
  static constexpr std::size_t kMaxBodyBytes = std::size_t{32} << 20;
  static constexpr std::chrono::seconds kIoDeadline{30};
  static constexpr std::chrono::seconds kMaxDelay{60};

  // Listens on 127.0.0.1 on a free port and forwards to 127.0.0.1:upstream_port.
  explicit FaultProxy(std::uint16_t upstream_port);
  ~FaultProxy();
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  std::uint16_t port() const { return port_; }
  // Where new upstream connections go (a restarted hub on another port).
  void set_upstream(std::uint16_t port) { upstream_port_ = port; }

  // Rules are tried in the order they were added; the first one that matches a request and has
  // uses left is applied (and used up). A request no rule matches passes.
  void add_rule(ProxyRule rule);
  void clear_rules();
  // Rules that still have uses left (negative-times rules always count).
  std::size_t rules_left() const;

  std::int64_t requests() const { return requests_; }
  // Requests whose Content-Encoding was `coding` ("gzip", "zstd"; "" for none).
  std::int64_t requests_in(const std::string& coding) const;
  std::int64_t applied(ProxyFault fault) const { return applied_[static_cast<std::size_t>(fault)]; }

  struct Impl;  // the Asio side, in fault_proxy.cpp

 private:
  friend struct Impl;
  ProxyFault take_rule(const std::string& target, std::chrono::milliseconds& delay);

  std::atomic<std::uint16_t> upstream_port_;
  std::uint16_t port_ = 0;
  mutable std::mutex mutex_;
  std::vector<ProxyRule> rules_;
  std::map<std::string, std::int64_t> codings_;  // guarded by mutex_
  std::atomic<std::int64_t> requests_{0};
  std::array<std::atomic<std::int64_t>, kProxyFaultCount> applied_{};
  std::unique_ptr<Impl> impl_;
  std::thread thread_;
};

}  // namespace storeedge::test
