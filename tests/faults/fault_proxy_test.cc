// The fault proxy itself: latency, rate cap, cuts, black-hole, offline.
// Lower bounds on elapsed time only (a slow machine can never make them fail).
#include "tools/faultproxy/fault_proxy.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace relais::server {
namespace {

// A loopback echo server.
class Echo {
 public:
  Echo() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    listen(fd_, 8);
    socklen_t len = sizeof a;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] {
      while (!stop_) {
        pollfd p{fd_, POLLIN, 0};
        if (poll(&p, 1, 50) <= 0) continue;
        int c = accept(fd_, nullptr, nullptr);
        if (c < 0) continue;
        workers_.emplace_back([c] {
          char buf[4096];
          ssize_t n;
          while ((n = recv(c, buf, sizeof buf, 0)) > 0) send(c, buf, n, MSG_NOSIGNAL);
          close(c);
        });
      }
    });
  }
  ~Echo() {
    stop_ = true;
    thread_.join();
    for (auto& w : workers_) w.join();
    close(fd_);
  }
  int port() const { return port_; }

 private:
  int fd_, port_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::vector<std::thread> workers_;
};

int Connect(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    close(fd);
    return -1;
  }
  timeval tv{3, 0};  // bounded: no test can hang
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  return fd;
}

// Sends `n` bytes and reads until n bytes came back or the link failed.
size_t RoundTrip(int fd, size_t n) {
  std::string data(n, 'x');
  send(fd, data.data(), n, MSG_NOSIGNAL);
  size_t got = 0;
  char buf[4096];
  while (got < n) {
    ssize_t r = recv(fd, buf, sizeof buf, 0);
    if (r <= 0) break;
    got += static_cast<size_t>(r);
  }
  return got;
}

int64_t Ms(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now() - t0).count();
}

TEST(FaultProxyTest, ForwardsAndCountsBytes) {
  Echo echo;
  FaultProxy proxy("127.0.0.1:" + std::to_string(echo.port()), *NamedProfile("direct"));
  auto port = proxy.Start();
  ASSERT_TRUE(port.ok());
  int fd = Connect(*port);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(RoundTrip(fd, 1000), 1000u);
  close(fd);
  proxy.Stop();
  EXPECT_EQ(proxy.counters().bytes_up, 1000);
  EXPECT_EQ(proxy.counters().bytes_down, 1000);
  EXPECT_EQ(proxy.counters().connections, 1);
  // A direct link injects no fault: the fault counters stay at zero.
  EXPECT_EQ(proxy.counters().cuts, 0);
  EXPECT_EQ(proxy.counters().bytes_dropped, 0);
  EXPECT_EQ(proxy.counters().refused, 0);
}

TEST(FaultProxyTest, AddsLatencyBothWays) {
  Echo echo;
  LinkProfile p;
  p.latency_ms = 100;
  FaultProxy proxy("127.0.0.1:" + std::to_string(echo.port()), p);
  int fd = Connect(*proxy.Start());
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(RoundTrip(fd, 10), 10u);
  EXPECT_GE(Ms(t0), 195);  // one RTT = 2 x 100 ms (ms rounding on both clocks)
  close(fd);
}

TEST(FaultProxyTest, CapsBandwidth) {
  Echo echo;
  LinkProfile p;
  p.up_bytes_per_s = p.down_bytes_per_s = 8000;  // 64 kbit/s, as "edge"
  FaultProxy proxy("127.0.0.1:" + std::to_string(echo.port()), p);
  int fd = Connect(*proxy.Start());
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(RoundTrip(fd, 4000), 4000u);
  // 4000 bytes each way at 8000 B/s, with at most ~1.5 KB of initial burst.
  EXPECT_GE(Ms(t0), 250);
  close(fd);
}

TEST(FaultProxyTest, CutsAfterBytes) {
  Echo echo;
  LinkProfile p;
  p.cut_after_bytes = 500;
  FaultProxy proxy("127.0.0.1:" + std::to_string(echo.port()), p);
  int fd = Connect(*proxy.Start());
  const size_t got = RoundTrip(fd, 2000);
  EXPECT_LT(got, 2000u);
  close(fd);
  proxy.Stop();
  const ProxyCounters c = proxy.counters();
  EXPECT_GE(c.cuts, 1);
  // The chunk that crossed the limit never reached the echo server.
  EXPECT_GT(c.bytes_dropped, 0);
  EXPECT_LT(c.bytes_up, 2000);
  EXPECT_EQ(c.bytes_down, static_cast<int64_t>(got));
}

TEST(FaultProxyTest, OfflineRefusesAndBlackholeNeverAnswers) {
  Echo echo;
  FaultProxy proxy("127.0.0.1:" + std::to_string(echo.port()), *NamedProfile("offline"));
  int port = *proxy.Start();
  int fd = Connect(port);
  if (fd >= 0) {
    EXPECT_EQ(RoundTrip(fd, 10), 0u);
    close(fd);
  }
  proxy.SetProfile(*NamedProfile("blackhole"));
  fd = Connect(port);
  ASSERT_GE(fd, 0);
  timeval tv{0, 300000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  EXPECT_EQ(RoundTrip(fd, 10), 0u);
  close(fd);
  proxy.Stop();
  EXPECT_EQ(proxy.counters().bytes_up, 0);
  EXPECT_EQ(proxy.counters().refused, 1);         // the offline connection
  EXPECT_EQ(proxy.counters().bytes_dropped, 10);  // swallowed by the black hole
  EXPECT_FALSE(NamedProfile("lune").ok());
}

TEST(FaultProxyTest, CutAllDropsOpenConnections) {
  Echo echo;
  FaultProxy proxy("127.0.0.1:" + std::to_string(echo.port()), *NamedProfile("direct"));
  int fd = Connect(*proxy.Start());
  EXPECT_EQ(RoundTrip(fd, 10), 10u);
  proxy.CutAll();
  EXPECT_EQ(RoundTrip(fd, 10), 0u);
  close(fd);
  EXPECT_EQ(proxy.counters().cuts, 1);
}

// adsl-flaky as the reference models it: every live connection is reset at
// t0 + first + k * every, whatever its age. Connection B is opened after the
// first tick and is younger than `every` at the second one, so a lifetime
// cap would keep it; the global clock cuts it.
TEST(FaultProxyTest, CutsEveryLiveConnectionOnAGlobalClock) {
  Echo echo;
  FaultProxy proxy("127.0.0.1:" + std::to_string(echo.port()), *NamedProfile("direct"));
  int port = *proxy.Start();
  LinkProfile p;
  p.cut_every_ms = 1000;
  p.cut_on_clock = true;
  p.cut_first_ms = 500;
  const auto t0 = std::chrono::steady_clock::now();
  proxy.SetProfile(p);  // the clock starts here
  int a = Connect(port);
  ASSERT_GE(a, 0);
  EXPECT_EQ(RoundTrip(a, 10), 10u);
  ASSERT_LT(Ms(t0), 450) << "machine trop lente pour ce test";
  std::this_thread::sleep_until(t0 + std::chrono::milliseconds(700));
  EXPECT_EQ(RoundTrip(a, 10), 0u);  // cut at the 500 ms tick
  close(a);
  int b = Connect(port);
  ASSERT_GE(b, 0);
  const int64_t b_opened = Ms(t0);
  EXPECT_EQ(RoundTrip(b, 10), 10u);
  ASSERT_LT(Ms(t0), 1450) << "machine trop lente pour ce test";
  std::this_thread::sleep_until(t0 + std::chrono::milliseconds(1600));
  EXPECT_LT(Ms(t0) - b_opened, p.cut_every_ms);  // a lifetime cap would keep b
  EXPECT_EQ(RoundTrip(b, 10), 0u);  // cut at the 1500 ms tick
  close(b);
  EXPECT_EQ(proxy.counters().cuts, 2);
}

// A profile set while a connection is idle applies to its next chunk: the
// first request on a kept-alive connection pays the new latency both ways.
TEST(FaultProxyTest, NewProfileAppliesToAnIdleConnectionsNextChunk) {
  Echo echo;
  FaultProxy proxy("127.0.0.1:" + std::to_string(echo.port()), *NamedProfile("direct"));
  int fd = Connect(*proxy.Start());
  ASSERT_GE(fd, 0);
  EXPECT_EQ(RoundTrip(fd, 10), 10u);
  std::this_thread::sleep_for(std::chrono::milliseconds(30));  // the proxy is in poll
  LinkProfile p;
  p.latency_ms = 150;
  proxy.SetProfile(p);
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(RoundTrip(fd, 10), 10u);
  EXPECT_GE(Ms(t0), 295);  // 2 x 150 ms
  close(fd);
}

}  // namespace
}  // namespace relais::server
