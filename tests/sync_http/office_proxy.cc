#include "tests/sync_http/office_proxy.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cstring>

namespace relais::testing {

using common::Result;
using common::Status;

namespace {

constexpr size_t kMaxHead = 64 << 10;
constexpr size_t kMaxBody = 64 << 20;

int AlpnHttp11Only(SSL*, const unsigned char** out, unsigned char* outlen,
                   const unsigned char* in, unsigned int inlen, void* arg) {
  for (unsigned i = 0; i < inlen;) {
    const unsigned len = in[i];
    if (i + 1 + len > inlen) break;
    if (len == 8 && std::memcmp(in + i + 1, "http/1.1", 8) == 0) {
      *out = in + i + 1;
      *outlen = 8;
      return SSL_TLSEXT_ERR_OK;
    }
    i += 1 + len;
  }
  ++*static_cast<std::atomic<int>*>(arg);  // h2 only (gRPC): refused
  return SSL_TLSEXT_ERR_ALERT_FATAL;
}

// Reads from a plain fd or an SSL stream, with a buffer.
class Stream {
 public:
  Stream(int fd, SSL* ssl) : fd_(fd), ssl_(ssl) {}
  // Appends what arrives to buf_; false on EOF/error.
  bool Fill() {
    char tmp[16384];
    const int n = ssl_ ? SSL_read(ssl_, tmp, sizeof(tmp))
                       : static_cast<int>(::recv(fd_, tmp, sizeof(tmp), 0));
    if (n <= 0) return false;
    buf_.append(tmp, static_cast<size_t>(n));
    return true;
  }
  bool WriteAll(const std::string& s) {
    size_t off = 0;
    while (off < s.size()) {
      const int chunk = static_cast<int>(std::min<size_t>(s.size() - off, 1 << 20));
      const int n = ssl_ ? SSL_write(ssl_, s.data() + off, chunk)
                         : static_cast<int>(::send(fd_, s.data() + off, static_cast<size_t>(chunk),
                                                   MSG_NOSIGNAL));
      if (n <= 0) return false;
      off += static_cast<size_t>(n);
    }
    return true;
  }
  // One HTTP/1.1 message head (through the blank line), then its
  // Content-Length body. False on EOF, chunked bodies or oversize.
  bool ReadMessage(std::string* head, std::string* body) {
    size_t end;
    while ((end = buf_.find("\r\n\r\n")) == std::string::npos) {
      if (buf_.size() > kMaxHead || !Fill()) return false;
    }
    *head = buf_.substr(0, end + 4);
    buf_.erase(0, end + 4);
    std::string lower = *head;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (lower.find("\r\ntransfer-encoding:") != std::string::npos) return false;
    size_t length = 0;
    const size_t at = lower.find("\r\ncontent-length:");
    if (at != std::string::npos) length = std::strtoull(lower.c_str() + at + 17, nullptr, 10);
    if (length > kMaxBody) return false;
    while (buf_.size() < length)
      if (!Fill()) return false;
    *body = buf_.substr(0, length);
    buf_.erase(0, length);
    return true;
  }
  std::string& buffer() { return buf_; }

 private:
  int fd_;
  SSL* ssl_;
  std::string buf_;
};

int ConnectTcp(const std::string& host, const std::string& port) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (getaddrinfo(host.c_str(), port.c_str(), &hints, &res) != 0) return -1;
  int fd = -1;
  for (addrinfo* a = res; a; a = a->ai_next) {
    fd = ::socket(a->ai_family, a->ai_socktype, a->ai_protocol);
    if (fd < 0) continue;
    if (::connect(fd, a->ai_addr, a->ai_addrlen) == 0) break;
    ::close(fd);
    fd = -1;
  }
  freeaddrinfo(res);
  return fd;
}

void SetTimeouts(int fd) {
  timeval tv{15, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

}  // namespace

OfficeProxy::OfficeProxy(std::string cert_file, std::string key_file, std::string upstream_ca)
    : cert_file_(std::move(cert_file)),
      key_file_(std::move(key_file)),
      upstream_ca_(std::move(upstream_ca)) {}

OfficeProxy::~OfficeProxy() {
  Stop();
  if (server_ctx_) SSL_CTX_free(static_cast<SSL_CTX*>(server_ctx_));
  if (client_ctx_) SSL_CTX_free(static_cast<SSL_CTX*>(client_ctx_));
}

Result<int> OfficeProxy::Start() {
  SSL_CTX* sctx = SSL_CTX_new(TLS_server_method());
  server_ctx_ = sctx;
  if (SSL_CTX_use_certificate_chain_file(sctx, cert_file_.c_str()) != 1 ||
      SSL_CTX_use_PrivateKey_file(sctx, key_file_.c_str(), SSL_FILETYPE_PEM) != 1)
    return Status::Internal("proxy: certificat du bureau illisible");
  SSL_CTX_set_alpn_select_cb(sctx, &AlpnHttp11Only, &h2_refused_);
  SSL_CTX* cctx = SSL_CTX_new(TLS_client_method());
  client_ctx_ = cctx;
  if (SSL_CTX_load_verify_locations(cctx, upstream_ca_.c_str(), nullptr) != 1)
    return Status::Internal("proxy: autorité du hub illisible");
  SSL_CTX_set_verify(cctx, SSL_VERIFY_PEER, nullptr);
  static const unsigned char kAlpn[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
  SSL_CTX_set_alpn_protos(cctx, kAlpn, sizeof(kAlpn));

  listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      ::listen(listen_fd_, 64) != 0)
    return Status::Unavailable("proxy: écoute impossible");
  socklen_t len = sizeof(addr);
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { AcceptLoop(); });
  return port_;
}

void OfficeProxy::Stop() {
  if (stop_.exchange(true)) return;
  if (acceptor_.joinable()) acceptor_.join();
  std::vector<std::thread> workers;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
    workers.swap(workers_);
  }
  for (std::thread& t : workers) t.join();
  if (listen_fd_ >= 0) ::close(listen_fd_);
  listen_fd_ = -1;
}

void OfficeProxy::AcceptLoop() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    const int fd = ::accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) continue;
    SetTimeouts(fd);
    std::lock_guard<std::mutex> lock(mu_);
    open_fds_.insert(fd);
    workers_.emplace_back([this, fd] { Serve(fd); });
  }
}

void OfficeProxy::Serve(int fd) {
  SSL* down = nullptr;
  SSL* up = nullptr;
  int up_fd = -1;
  auto done = [&] {
    if (down) SSL_free(down);
    if (up) SSL_free(up);
    if (up_fd >= 0) ::close(up_fd);
    std::lock_guard<std::mutex> lock(mu_);
    open_fds_.erase(fd);
    ::close(fd);
  };
  if (down_) return done();
  // 1. CONNECT host:port HTTP/1.1
  Stream plain(fd, nullptr);
  std::string head, body;
  if (!plain.ReadMessage(&head, &body) || head.rfind("CONNECT ", 0) != 0) {
    plain.WriteAll("HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n");
    return done();
  }
  const std::string target = head.substr(8, head.find(' ', 8) - 8);
  const size_t colon = target.rfind(':');
  if (colon == std::string::npos) return done();
  const std::string host = target.substr(0, colon);
  const std::string port = target.substr(colon + 1);
  ++connects_;
  if (!plain.WriteAll("HTTP/1.1 200 Connection established\r\n\r\n")) return done();
  // 2. TLS terminated here, http/1.1 only.
  down = SSL_new(static_cast<SSL_CTX*>(server_ctx_));
  SSL_set_fd(down, fd);
  if (SSL_accept(down) != 1) return done();
  Stream client(fd, down);
  // 3. Upstream TLS to the real target, verified.
  up_fd = ConnectTcp(host, port);
  if (up_fd < 0) return done();
  SetTimeouts(up_fd);
  up = SSL_new(static_cast<SSL_CTX*>(client_ctx_));
  SSL_set_fd(up, up_fd);
  in6_addr ip6;
  in_addr ip4;
  if (inet_pton(AF_INET, host.c_str(), &ip4) == 1 || inet_pton(AF_INET6, host.c_str(), &ip6) == 1)
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(up), host.c_str());
  else
    SSL_set1_host(up, host.c_str());
  SSL_set_tlsext_host_name(up, host.c_str());
  if (SSL_connect(up) != 1) return done();
  Stream hub(up_fd, up);
  // 4. Request by request.
  for (;;) {
    if (client.buffer().empty() && !client.Fill()) return done();
    if (client.buffer().rfind("PRI * HTTP/2.0", 0) == 0 ||
        (client.buffer().size() < 14 &&
         std::string("PRI * HTTP/2.0").rfind(client.buffer(), 0) == 0)) {
      ++h2_refused_;
      return done();
    }
    if (!client.ReadMessage(&head, &body)) return done();
    if (!hub.WriteAll(head + body)) return done();
    std::string rhead, rbody;
    if (!hub.ReadMessage(&rhead, &rbody)) return done();
    int expected = 0;
    if (cut_after_.load() == 0 && cut_after_.compare_exchange_strong(expected, -1)) {
      ++cuts_;  // the hub did the work; its answer is lost
      down_ = true;
      return done();
    }
    if (cut_after_.load() > 0) --cut_after_;
    if (!client.WriteAll(rhead + rbody)) return done();
    ++forwarded_;
  }
}

}  // namespace relais::testing
