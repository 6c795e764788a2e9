#pragma once
// CaptureRelay: a loopback TCP relay that forwards every byte between
// clients and one upstream (127.0.0.1:port) and keeps a copy of both
// directions, per connection, so a test can look for bytes "on the wire".
// GrpcPayloads() also decodes what the copy carries: HTTP/2 DATA frames,
// then gRPC messages, gzip-compressed ones inflated (so compression cannot
// hide a value). Bounded: at most kMaxCapture bytes kept per direction and
// connection; Stop() joins every thread. Header-only, Linux, test-only.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace relais::privacy {

class CaptureRelay {
 public:
  static constexpr size_t kMaxCapture = 64u << 20;

  ~CaptureRelay() { Stop(); }

  // Listens on 127.0.0.1:0 and forwards to 127.0.0.1:upstream_port.
  bool Start(int upstream_port) {
    upstream_ = upstream_port;
    lfd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (bind(lfd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(lfd_, 16) != 0 ||
        getsockname(lfd_, reinterpret_cast<sockaddr*>(&a), &len) != 0)
      return false;
    port_ = ntohs(a.sin_port);
    accepter_ = std::thread([this] { AcceptLoop(); });
    return true;
  }

  void Stop() {
    stop_ = true;
    if (accepter_.joinable()) accepter_.join();
    std::vector<std::thread> pumps;
    {
      std::lock_guard<std::mutex> l(mu_);
      pumps.swap(pumps_);
    }
    for (auto& t : pumps) t.join();
    if (lfd_ >= 0) close(lfd_);
    lfd_ = -1;
  }

  int port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

  // Every byte seen, both directions, connections in order.
  std::string Raw() const {
    std::lock_guard<std::mutex> l(mu_);
    std::string out;
    for (const auto& c : conns_) out += c->up + c->down;
    return out;
  }
  int connections() const {
    std::lock_guard<std::mutex> l(mu_);
    return static_cast<int>(conns_.size());
  }
  // The gRPC message payloads carried (inflated when compressed).
  std::string GrpcPayloads() const {
    std::lock_guard<std::mutex> l(mu_);
    std::string out;
    for (const auto& c : conns_) {
      out += Messages(Data(c->up, true));
      out += Messages(Data(c->down, false));
    }
    return out;
  }

 private:
  struct Conn {
    std::string up, down;
  };

  void AcceptLoop() {
    while (!stop_) {
      pollfd p{lfd_, POLLIN, 0};
      if (poll(&p, 1, 100) <= 0) continue;
      const int cfd = accept(lfd_, nullptr, nullptr);
      if (cfd < 0) continue;
      const int ufd = socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in a{};
      a.sin_family = AF_INET;
      a.sin_port = htons(static_cast<uint16_t>(upstream_));
      a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      if (connect(ufd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        close(cfd);
        close(ufd);
        continue;
      }
      std::lock_guard<std::mutex> l(mu_);
      conns_.push_back(std::make_unique<Conn>());
      Conn* c = conns_.back().get();
      pumps_.emplace_back([this, cfd, ufd, c] { Pump(cfd, ufd, c); });
    }
  }

  // Forwards both ways until either side closes or Stop().
  void Pump(int cfd, int ufd, Conn* c) {
    char buf[16384];
    while (!stop_) {
      pollfd p[2] = {{cfd, POLLIN, 0}, {ufd, POLLIN, 0}};
      if (poll(p, 2, 100) <= 0) continue;
      bool done = false;
      for (int i = 0; i < 2 && !done; ++i) {
        if (!(p[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        const ssize_t n = recv(p[i].fd, buf, sizeof buf, 0);
        if (n <= 0) {
          done = true;
          break;
        }
        {
          std::lock_guard<std::mutex> l(mu_);
          std::string& copy = i == 0 ? c->up : c->down;
          if (copy.size() < kMaxCapture) copy.append(buf, static_cast<size_t>(n));
        }
        const int to = i == 0 ? ufd : cfd;
        for (ssize_t off = 0; off < n;) {
          const ssize_t w = send(to, buf + off, static_cast<size_t>(n - off), MSG_NOSIGNAL);
          if (w <= 0) {
            done = true;
            break;
          }
          off += w;
        }
      }
      if (done) break;
    }
    close(cfd);
    close(ufd);
  }

  // Concatenated DATA frame payloads of one direction, per stream in order.
  static std::map<uint32_t, std::string> Data(const std::string& s, bool client) {
    std::map<uint32_t, std::string> out;
    size_t i = 0;
    static const char kPreface[] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
    if (client && s.compare(0, sizeof kPreface - 1, kPreface) == 0) i = sizeof kPreface - 1;
    while (i + 9 <= s.size()) {
      const auto* b = reinterpret_cast<const unsigned char*>(s.data() + i);
      const size_t len = (size_t{b[0]} << 16) | (size_t{b[1]} << 8) | b[2];
      const unsigned type = b[3], flags = b[4];
      const uint32_t stream = ((uint32_t{b[5]} & 0x7f) << 24) | (uint32_t{b[6]} << 16) |
                              (uint32_t{b[7]} << 8) | b[8];
      if (i + 9 + len > s.size()) break;
      if (type == 0) {  // DATA
        size_t start = i + 9, end = i + 9 + len;
        if ((flags & 0x8) && len > 0) {  // PADDED
          const size_t pad = static_cast<unsigned char>(s[start]);
          ++start;
          end = pad <= end - start ? end - pad : start;
        }
        out[stream].append(s, start, end - start);
      }
      i += 9 + len;
    }
    return out;
  }

  // gRPC length-prefixed messages of each stream, inflated when flagged.
  static std::string Messages(const std::map<uint32_t, std::string>& streams) {
    std::string out;
    for (const auto& [id, d] : streams) {
      size_t i = 0;
      while (i + 5 <= d.size()) {
        const auto* b = reinterpret_cast<const unsigned char*>(d.data() + i);
        const size_t len = (size_t{b[1]} << 24) | (size_t{b[2]} << 16) | (size_t{b[3]} << 8) | b[4];
        if (i + 5 + len > d.size()) break;
        const std::string msg = d.substr(i + 5, len);
        out += b[0] == 1 ? Gunzip(msg) : msg;
        out += '\n';
        i += 5 + len;
      }
    }
    return out;
  }

  static std::string Gunzip(const std::string& in) {
    z_stream z{};
    if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) return "";
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z.avail_in = static_cast<uInt>(in.size());
    std::string out;
    char buf[65536];
    int rc = Z_OK;
    while (rc == Z_OK && out.size() < (256u << 20)) {
      z.next_out = reinterpret_cast<Bytef*>(buf);
      z.avail_out = sizeof buf;
      rc = inflate(&z, Z_NO_FLUSH);
      out.append(buf, sizeof buf - z.avail_out);
    }
    inflateEnd(&z);
    return out;
  }

  int upstream_ = 0, port_ = 0, lfd_ = -1;
  std::atomic<bool> stop_{false};
  std::thread accepter_;
  mutable std::mutex mu_;
  std::vector<std::thread> pumps_;
  std::vector<std::unique_ptr<Conn>> conns_;
};

}  // namespace relais::privacy
