#pragma once
// A hand-written HTTP/2 client for transport attacks that a well-behaved
// gRPC client cannot make cheaply: announce a message of any length and
// stream it (zeros, or pre-compressed gzip bytes) without holding it in
// memory, open many calls and never finish them. Plain text, loopback only.
//
// Headers are sent as HPACK literals without indexing or Huffman. Response
// headers are not fully decoded: the trailer's grpc-status is read when the
// server sends it as a literal (gRPC core does for non-binary values; the
// attack connections are fresh, so nothing is in the dynamic table yet).

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstring>
#include <functional>
#include <map>
#include <string>

namespace relais::adversarial {

struct StreamState {
  int64_t window = 65535;
  bool closed = false;
  std::string how;        // "trailers", "rst", "goaway", "eof"
  int grpc_status = -1;   // -1 unknown
  std::string grpc_message;  // when sent as a short literal
};

class RawH2Connection {
 public:
  using Clock = std::chrono::steady_clock;
  ~RawH2Connection() { Close(); }

  bool Connect(int port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return false;
    int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    const std::string preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
    return SendAll(preface) && SendFrame(4, 0, 0, "");  // empty SETTINGS
  }
  void Close() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }

  // HEADERS for a Sync call on stream `id` (odd, increasing).
  bool OpenStream(uint32_t id, const std::string& token, bool gzip) {
    std::string block;
    Literal(&block, ":method", "POST");
    Literal(&block, ":scheme", "http");
    Literal(&block, ":path", "/relais.sync.v1.Hub/Sync");
    Literal(&block, ":authority", "127.0.0.1");
    Literal(&block, "content-type", "application/grpc");
    Literal(&block, "te", "trailers");
    if (gzip) Literal(&block, "grpc-encoding", "gzip");
    if (!token.empty()) Literal(&block, "authorization", "Bearer " + token);
    streams_[id].window = initial_window_;
    return SendFrame(1, 0x4, id, block);  // END_HEADERS
  }

  // Sends the 5-byte gRPC prefix announcing `announced` bytes (compressed
  // flag `compressed`), then body bytes from `fill` (returns how many it
  // wrote, 0 = end) as fast as flow control allows, until the body ends, the
  // server closes the stream, or `deadline`. Returns body bytes sent.
  int64_t SendMessage(uint32_t id, bool compressed, uint32_t announced,
                      const std::function<size_t(char*, size_t)>& fill,
                      Clock::time_point deadline, bool end_stream) {
    std::string chunk(16384, '\0');
    chunk[0] = compressed ? 1 : 0;
    for (int i = 0; i < 4; ++i) chunk[1 + i] = static_cast<char>(announced >> (24 - 8 * i));
    size_t have = 5;
    int64_t sent = 0;
    bool body_done = false;
    for (;;) {
      if (!body_done && have < chunk.size()) {
        const size_t n = fill(chunk.data() + have, chunk.size() - have);
        if (n == 0) body_done = true;
        have += n;
      }
      if (have == 0 && body_done) break;
      StreamState& s = streams_[id];
      if (s.closed || fd_ < 0 || Clock::now() > deadline) break;
      const int64_t can = std::min<int64_t>({conn_window_, s.window,
                                             static_cast<int64_t>(have), max_frame_});
      if (can <= 0) {
        if (!Pump(20)) break;
        continue;
      }
      const bool last = body_done && can == static_cast<int64_t>(have) && end_stream;
      if (!SendFrame(0, last ? 0x1 : 0, id, chunk.substr(0, can))) break;
      conn_window_ -= can;
      s.window -= can;
      sent += can;
      chunk.erase(0, can);
      chunk.resize(16384);
      have -= can;
      Pump(0);
    }
    return sent > 5 ? sent - 5 : 0;
  }

  // Reads frames until stream `id` is closed or `deadline`.
  const StreamState& Await(uint32_t id, Clock::time_point deadline) {
    while (!streams_[id].closed && fd_ >= 0 && Clock::now() < deadline) Pump(20);
    return streams_[id];
  }
  // Reads what the server sent within `ms` (handles SETTINGS, PING...).
  void Drain(int ms) {
    const auto end = Clock::now() + std::chrono::milliseconds(ms);
    while (fd_ >= 0 && Clock::now() < end) Pump(10);
  }
  const StreamState& stream(uint32_t id) { return streams_[id]; }
  bool connected() const { return fd_ >= 0; }

 private:
  static void Int7(std::string* out, size_t v) {
    if (v < 127) {
      out->push_back(static_cast<char>(v));
      return;
    }
    out->push_back(127);
    v -= 127;
    while (v >= 128) {
      out->push_back(static_cast<char>((v & 127) | 128));
      v >>= 7;
    }
    out->push_back(static_cast<char>(v));
  }
  static void Literal(std::string* out, const std::string& k, const std::string& v) {
    out->push_back(0);  // literal without indexing, new name
    Int7(out, k.size());
    out->append(k);
    Int7(out, v.size());
    out->append(v);
  }
  bool SendAll(const std::string& b) {
    size_t off = 0;
    while (off < b.size()) {
      const ssize_t n = send(fd_, b.data() + off, b.size() - off, MSG_NOSIGNAL);
      if (n <= 0) {
        Close();
        return false;
      }
      off += static_cast<size_t>(n);
    }
    return true;
  }
  bool SendFrame(uint8_t type, uint8_t flags, uint32_t id, const std::string& payload) {
    std::string f(9, '\0');
    f[0] = static_cast<char>(payload.size() >> 16);
    f[1] = static_cast<char>(payload.size() >> 8);
    f[2] = static_cast<char>(payload.size());
    f[3] = static_cast<char>(type);
    f[4] = static_cast<char>(flags);
    for (int i = 0; i < 4; ++i) f[5 + i] = static_cast<char>(id >> (24 - 8 * i));
    return SendAll(f + payload);
  }
  static uint32_t Be32(const char* p) {
    return (uint32_t(uint8_t(p[0])) << 24) | (uint32_t(uint8_t(p[1])) << 16) |
           (uint32_t(uint8_t(p[2])) << 8) | uint32_t(uint8_t(p[3]));
  }
  // One poll + read; handles every complete frame. False once closed.
  bool Pump(int timeout_ms) {
    if (fd_ < 0) return false;
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, timeout_ms) > 0) {
      char buf[65536];
      const ssize_t n = recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) {
        for (auto& [id, s] : streams_)
          if (!s.closed) s.closed = true, s.how = "eof";
        Close();
        return false;
      }
      in_.append(buf, static_cast<size_t>(n));
    }
    while (in_.size() >= 9) {
      const size_t len = (size_t(uint8_t(in_[0])) << 16) | (size_t(uint8_t(in_[1])) << 8) |
                         size_t(uint8_t(in_[2]));
      if (in_.size() < 9 + len) break;
      const uint8_t type = uint8_t(in_[3]), flags = uint8_t(in_[4]);
      const uint32_t id = Be32(in_.data() + 5) & 0x7fffffff;
      const std::string pl = in_.substr(9, len);
      in_.erase(0, 9 + len);
      Handle(type, flags, id, pl);
    }
    return fd_ >= 0;
  }
  void Handle(uint8_t type, uint8_t flags, uint32_t id, const std::string& pl) {
    if (type == 4 && !(flags & 1)) {  // SETTINGS
      for (size_t i = 0; i + 6 <= pl.size(); i += 6) {
        const int key = (uint8_t(pl[i]) << 8) | uint8_t(pl[i + 1]);
        const uint32_t v = Be32(pl.data() + i + 2);
        if (key == 4) {
          for (auto& [sid, s] : streams_) s.window += int64_t(v) - initial_window_;
          initial_window_ = v;
        }
        if (key == 5) max_frame_ = v;
      }
      SendFrame(4, 1, 0, "");
    } else if (type == 6 && !(flags & 1)) {  // PING
      SendFrame(6, 1, 0, pl);
    } else if (type == 8 && pl.size() >= 4) {  // WINDOW_UPDATE
      const int64_t inc = Be32(pl.data()) & 0x7fffffff;
      if (id == 0) conn_window_ += inc; else streams_[id].window += inc;
    } else if (type == 3) {  // RST_STREAM
      StreamState& s = streams_[id];
      if (!s.closed) s.closed = true, s.how = "rst";
    } else if (type == 7) {  // GOAWAY
      for (auto& [sid, s] : streams_)
        if (!s.closed) s.closed = true, s.how = "goaway";
    } else if (type == 1) {  // HEADERS
      StreamState& s = streams_[id];
      const size_t at = pl.find("grpc-status");
      if (at != std::string::npos && at + 12 < pl.size() && !(uint8_t(pl[at + 11]) & 0x80))
        s.grpc_status = std::atoi(pl.substr(at + 12, uint8_t(pl[at + 11])).c_str());
      const size_t m = pl.find("grpc-message");
      if (m != std::string::npos && m + 13 < pl.size() && uint8_t(pl[m + 12]) < 127)
        s.grpc_message = pl.substr(m + 13, uint8_t(pl[m + 12]));
      if ((flags & 1) && !s.closed) s.closed = true, s.how = "trailers";
    } else if (type == 0 && (flags & 1)) {  // DATA with END_STREAM
      StreamState& s = streams_[id];
      if (!s.closed) s.closed = true, s.how = "data-end";
    }
  }

  int fd_ = -1;
  std::string in_;
  int64_t conn_window_ = 65535;
  int64_t initial_window_ = 65535;
  int64_t max_frame_ = 16384;
  std::map<uint32_t, StreamState> streams_;
};

}  // namespace relais::adversarial
