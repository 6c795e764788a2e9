// The per-address call limit (server/peer_call_limiter.h) on the HTTP/1.1
// sync endpoint, one budget with gRPC (issue #17). A crafted client opens
// slow requests (headers sent, body withheld) from one loopback address:
// beyond max_calls_per_peer the next one from that address gets 429,
// Relais-Status 8, Retry-After and a French message, while an honest
// replica from another loopback address still syncs; a saturated address
// is refused on gRPC too and the replica's HTTP client reports the same
// RESOURCE_EXHAUSTED as gRPC; once the slow calls end the address is
// served again and honest data is all at the hub.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <httplib.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "common/net/http_sync_wire.h"
#include "common/sync/sync_client.h"
#include "server/hub_http_sync.h"
#include "server/hub_server.h"
#include "server/peer_call_limiter.h"
#include "server/report/http_serve.h"
#include "tests/server/hub_fixture.h"

namespace relais::server::testing {
namespace {

using common::StatusCode;
using sync::SyncOnce;
using sync::SyncOptions;
using sync::Transport;

constexpr int kMaxCalls = 2;

// A TCP connection to 127.0.0.1:port from `source` (a loopback address:
// the whole 127.0.0.0/8 is local on Linux). Closed on destruction.
class RawConn {
 public:
  RawConn(const std::string& source, int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    EXPECT_GE(fd_, 0);
    timeval tv{10, 0};  // every read bounded
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in src{};
    src.sin_family = AF_INET;
    ::inet_pton(AF_INET, source.c_str(), &src.sin_addr);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&src), sizeof src), 0) << source;
    sockaddr_in dst{};
    dst.sin_family = AF_INET;
    dst.sin_port = htons(static_cast<uint16_t>(port));
    ::inet_pton(AF_INET, "127.0.0.1", &dst.sin_addr);
    ok_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&dst), sizeof dst) == 0;
    EXPECT_TRUE(ok_) << "connexion depuis " << source;
  }
  ~RawConn() { Close(); }
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  bool Send(const std::string& bytes) {
    return ok_ && ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) ==
                      static_cast<ssize_t>(bytes.size());
  }
  // Everything until the server closes (or 10 s of silence), at most 1 MiB.
  std::string ReadAll() {
    std::string out;
    char buf[4096];
    for (;;) {
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0 || out.size() > (1 << 20)) return out;
      out.append(buf, static_cast<size_t>(n));
    }
  }

 private:
  int fd_ = -1;
  bool ok_ = false;
};

// The request line and headers of a sync POST announcing `length` bytes.
std::string Head(const std::string& token, size_t length) {
  return std::string("POST ") + net::kHttpSyncPath + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
         "Authorization: Bearer " + token + "\r\nContent-Type: " + net::kHttpSyncContentType +
         "\r\nConnection: close\r\nContent-Length: " + std::to_string(length) + "\r\n\r\n";
}

// The body of a raw HTTP answer (after the blank line).
std::string BodyOf(const std::string& answer) {
  const size_t end = answer.find("\r\n\r\n");
  return end == std::string::npos ? "" : answer.substr(end + 4);
}

class PeerLimitTest : public HubFixture {
 protected:
  void SetUp() override {
    HubFixture::SetUp();
    // The same hub, again, with a small per-address budget.
    running_.server->Shutdown();
    running_.server.reset();
    HubServiceOptions so{2000, 1000, 2 << 20, &log_};
    so.max_calls_per_peer = kMaxCalls;
    service_ = std::make_unique<HubService>(*store_, *common::SystemClock::Default(), so);
    auto running = StartHubServer(service_.get(), ServerOptions{"127.0.0.1:0", "", "", 16 << 20});
    ASSERT_TRUE(running.ok()) << running.status().ToString();
    running_ = std::move(running).value();
    address_ = "127.0.0.1:" + std::to_string(running_.port);
    // Plain text on loopback; more workers than the budget, so the limit
    // (not the pool) is what refuses.
    http_ = std::make_unique<HttpSyncServer>(service_.get());
    HttpSyncOptions ho;
    ho.listen = "127.0.0.1:0";
    ho.threads = 8;
    ho.timeout_s = 20;
    auto port = http_->Start(ho);
    ASSERT_TRUE(port.ok()) << port.status().ToString();
    http_port_ = *port;
    http_address_ = "127.0.0.1:" + std::to_string(http_port_);
  }
  void TearDown() override {
    if (http_) http_->Stop();
    http_.reset();
    HubFixture::TearDown();
  }

  // Opens kMaxCalls slow calls from `source` (body withheld) and waits,
  // bounded, until the hub holds all their slots.
  std::vector<std::unique_ptr<RawConn>> HoldSlots(const std::string& source,
                                                  const std::string& token) {
    std::vector<std::unique_ptr<RawConn>> held;
    for (int i = 0; i < kMaxCalls; ++i) {
      held.push_back(std::make_unique<RawConn>(source, http_port_));
      EXPECT_TRUE(held.back()->Send(Head(token, 1000)));
    }
    WaitInProgress(source, kMaxCalls);
    return held;
  }

  void WaitInProgress(const std::string& source, int n) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (service_->call_limiter().InProgress(source) != n &&
           std::chrono::steady_clock::now() < until)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    ASSERT_EQ(service_->call_limiter().InProgress(source), n) << source;
  }

  SyncOptions HttpOptions(const std::string& token) const {
    SyncOptions o = Options(token);
    o.transport = Transport::kHttp;
    o.http_hub = http_address_;
    o.deadline_ms = 8000;
    return o;
  }

  // Every record of `site` the hub holds (the oracle: the store itself).
  size_t HubRecordCount(const std::string& site) {
    Scope scope;
    scope.sites = {site};
    auto page = store_->Pull(scope, 0, 1000, 64 << 20);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    return page.ok() ? page->records.size() : 0;
  }

  std::unique_ptr<HttpSyncServer> http_;
  int http_port_ = 0;
  std::string http_address_;
};

TEST(PeerAddressKeyTest, BothTransportsNameOnePeerAlike) {
  EXPECT_EQ(PeerAddressKey("ipv4:127.0.0.1"), "127.0.0.1");  // gRPC, after PeerHost
  EXPECT_EQ(PeerAddressKey("127.0.0.1"), "127.0.0.1");       // cpp-httplib
  EXPECT_EQ(PeerAddressKey("ipv6:[::1]"), "::1");
  EXPECT_EQ(PeerAddressKey("ipv6:%5B::1%5D"), "::1");
  EXPECT_EQ(PeerAddressKey("::1"), "::1");
  EXPECT_EQ(PeerAddressKey("::ffff:10.0.0.7"), "10.0.0.7");
  EXPECT_EQ(PeerAddressKey("ipv6:[::ffff:10.0.0.7]"), "10.0.0.7");
  EXPECT_NE(PeerAddressKey("127.0.0.2"), PeerAddressKey("127.0.0.1"));
}

TEST(PeerCallLimiterTest, CountsPerAddressAndReleases) {
  PeerCallLimiter limiter(2);
  {
    PeerCallLimiter::Slot a = limiter.Acquire("ipv4:10.0.0.1");
    PeerCallLimiter::Slot b = limiter.Acquire("10.0.0.1");
    PeerCallLimiter::Slot c = limiter.Acquire("10.0.0.1");
    PeerCallLimiter::Slot other = limiter.Acquire("10.0.0.2");
    EXPECT_TRUE(a.held());
    EXPECT_TRUE(b.held());
    EXPECT_FALSE(c.held());  // third call, same address (both spellings)
    EXPECT_TRUE(other.held());
    EXPECT_EQ(limiter.InProgress("10.0.0.1"), 2);
    PeerCallLimiter::Slot moved(std::move(a));
    EXPECT_EQ(limiter.InProgress("10.0.0.1"), 2);  // a move keeps one slot
  }
  EXPECT_EQ(limiter.InProgress("10.0.0.1"), 0);
  EXPECT_EQ(limiter.InProgress("10.0.0.2"), 0);
  const common::Status s = limiter.TooManyCalls("10.0.0.1");
  EXPECT_EQ(s.code(), StatusCode::kResourceExhausted);
  EXPECT_NE(s.message().find("trop d'appels simultanés depuis 10.0.0.1 (maximum 2)"),
            std::string::npos);
  EXPECT_NE(s.message().find("réessayez"), std::string::npos);
}

TEST_F(PeerLimitTest, FloodedAddressGets429WhileAnotherAddressSyncs) {
  const std::string token = Enroll({"S1"});
  const std::string flood_token = Enroll({"S2"});
  auto honest = NewReplica("a.db", "S1");
  AddAppointments(*honest, 3);
  auto other = NewReplica("b.db", "S2", 2);
  AddAppointments(*other, 2);

  // 127.0.0.2 holds its whole budget with unfinished bodies.
  auto held = HoldSlots("127.0.0.2", flood_token);
  // The extra call from 127.0.0.2: 429, our code, a hint, French text.
  RawConn extra("127.0.0.2", http_port_);
  const std::string body = PushRequest(*other).SerializeAsString();
  ASSERT_TRUE(extra.Send(Head(flood_token, body.size()) + body));
  const std::string answer = extra.ReadAll();
  EXPECT_EQ(answer.rfind("HTTP/1.1 429", 0), 0u) << answer;
  EXPECT_NE(answer.find(std::string(net::kHttpSyncStatusHeader) + ": 8\r\n"), std::string::npos)
      << answer;
  EXPECT_NE(answer.find("Retry-After: 2\r\n"), std::string::npos) << answer;
  EXPECT_NE(BodyOf(answer).find("trop d'appels simultanés depuis 127.0.0.2 (maximum 2)"),
            std::string::npos)
      << answer;
  EXPECT_EQ(service_->call_limiter().InProgress("127.0.0.2"), kMaxCalls);  // nothing leaked

  // Meanwhile the honest replica (127.0.0.1) syncs, over HTTP and gRPC.
  auto r = SyncOnce(*honest, HttpOptions(token));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->pushed, 4);  // 3 appointments + their practitioner
  auto g = SyncOnce(*honest, Options(token));
  ASSERT_TRUE(g.ok()) << g.status().ToString();

  // The flood ends (connections cut): its slots are given back and the
  // address is served again.
  held.clear();
  WaitInProgress("127.0.0.2", 0);
  RawConn again("127.0.0.2", http_port_);
  ASSERT_TRUE(again.Send(Head(flood_token, body.size()) + body));
  const std::string ok = again.ReadAll();
  ASSERT_EQ(ok.rfind("HTTP/1.1 200", 0), 0u) << ok;
  relais::sync::v1::SyncResponse resp;
  EXPECT_TRUE(resp.ParseFromString(BodyOf(ok)));
}

TEST_F(PeerLimitTest, SaturatedAddressIsRefusedOnBothTransportsWithOneCode) {
  const std::string token = Enroll({"S1"});
  const std::string other_token = Enroll({"S2"});
  auto honest = NewReplica("a.db", "S1");
  AddAppointments(*honest, 3);
  auto other = NewReplica("b.db", "S2", 2);
  AddAppointments(*other, 2);

  // Slow HTTP calls from 127.0.0.1 take the address's budget, for gRPC too.
  auto held = HoldSlots("127.0.0.1", token);
  auto h = SyncOnce(*honest, HttpOptions(token));
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.status().code(), StatusCode::kResourceExhausted) << h.status().ToString();
  EXPECT_NE(h.status().message().find("trop d'appels simultanés"), std::string::npos)
      << h.status().ToString();
  auto g = SyncOnce(*honest, Options(token));
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.status().code(), h.status().code()) << g.status().ToString();
  EXPECT_EQ(HubRecordCount("S1"), 0u);  // nothing half-taken

  // Another address is not affected: a whole honest call from 127.0.0.2.
  RawConn side("127.0.0.2", http_port_);
  const std::string body = PushRequest(*other).SerializeAsString();
  ASSERT_TRUE(side.Send(Head(other_token, body.size()) + body));
  const std::string ok = side.ReadAll();
  EXPECT_EQ(ok.rfind("HTTP/1.1 200", 0), 0u) << ok;
  EXPECT_EQ(HubRecordCount("S2"), 3u);

  // Bodies finally sent as garbage: refused (400), slots released; then
  // the replica syncs over HTTP and everything it had is at the hub.
  for (auto& c : held) EXPECT_TRUE(c->Send(std::string(1000, '\xff')));
  for (auto& c : held) {
    const std::string refused = c->ReadAll();
    EXPECT_EQ(refused.rfind("HTTP/1.1 400", 0), 0u) << refused;
  }
  WaitInProgress("127.0.0.1", 0);
  auto r = SyncOnce(*honest, HttpOptions(token));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(HubRecordCount("S1"), 4u);
}

// A bare 429 (a proxy's rate limit: no Relais-Status) is RESOURCE_EXHAUSTED
// for the client too, never UNAVAILABLE (no failover, no transport
// fallback): the worker backs off. The replica is untouched.
TEST_F(PeerLimitTest, Bare429FromAProxyIsResourceExhaustedWithItsHint) {
  httplib::Server proxy;
  proxy.Post(net::kHttpSyncPath, [](const httplib::Request&, httplib::Response& res) {
    res.status = 429;
    res.set_header("Retry-After", "7");
    res.set_content("Too Many Requests", "text/plain");
  });
  std::thread thread;
  auto port = BindAndServe(proxy, "127.0.0.1", 0, &thread);
  ASSERT_TRUE(port.ok()) << port.status().ToString();
  auto a = NewReplica("a.db", "S1");
  AddAppointments(*a, 2);
  SyncOptions o = HttpOptions(Enroll({"S1"}));
  o.http_hub = "127.0.0.1:" + std::to_string(*port);
  auto r = SyncOnce(*a, o);
  StopServing(proxy, &thread);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted) << r.status().ToString();
  EXPECT_NE(r.status().message().find("intermédiaire"), std::string::npos)
      << r.status().ToString();
  EXPECT_NE(r.status().message().find("Retry-After: 7"), std::string::npos)
      << r.status().ToString();
  auto pending = a->store()->ChangesSince(0, 1000, 16 << 20);
  ASSERT_TRUE(pending.ok());
  EXPECT_EQ(pending->size(), 3u);  // still to send: nothing acknowledged
}

}  // namespace
}  // namespace relais::server::testing
