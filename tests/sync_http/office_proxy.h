#pragma once
// A TLS-inspecting office proxy on loopback, for the HTTP/1.1 transport
// tests (issue #17). Like the proxies of council offices:
//   - accepts `CONNECT host:port` (answers 200), then terminates TLS itself
//     with its own "office" certificate (signed by an office CA the replica
//     trusts), offering ALPN http/1.1 ONLY: a client offering only h2 (gRPC)
//     gets a fatal alert; a client speaking the HTTP/2 preface after the
//     handshake is cut;
//   - forwards each HTTP/1.1 request (Content-Length bodies) to the real
//     target over TLS, verified against `upstream_ca`, and relays the
//     response.
// CutAfter(n): after n more relayed exchanges, the next request IS
// forwarded (the hub does its work and commits) but its response is thrown
// away and the client connection closed: a cut at the worst moment. Once.
// The proxy then stays down (new connections closed at once: libcurl's
// retry of a request on a fresh connection fails too) until Restore().
// Everything in the test process; bounded (64 KiB of headers, 64 MiB body).

#include <atomic>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/util/status.h"

namespace relais::testing {

class OfficeProxy {
 public:
  OfficeProxy(std::string cert_file, std::string key_file, std::string upstream_ca);
  ~OfficeProxy();  // Stops.

  common::Result<int> Start();  // listens on 127.0.0.1:0; returns the port
  void Stop();
  std::string Url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  void CutAfter(int n) { cut_after_ = n; }
  void Restore() { down_ = false; }

  int connects() const { return connects_; }        // CONNECT requests accepted
  int h2_refused() const { return h2_refused_; }    // TLS without http/1.1, or h2 preface
  int forwarded() const { return forwarded_; }      // exchanges relayed in full
  int cuts() const { return cuts_; }

 private:
  void AcceptLoop();
  void Serve(int fd);

  std::string cert_file_, key_file_, upstream_ca_;
  void* server_ctx_ = nullptr;  // SSL_CTX*
  void* client_ctx_ = nullptr;  // SSL_CTX*
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread acceptor_;
  std::mutex mu_;
  std::vector<std::thread> workers_;  // guarded by mu_
  std::set<int> open_fds_;            // guarded by mu_
  std::atomic<int> cut_after_{-1};
  std::atomic<bool> down_{false};
  std::atomic<int> connects_{0}, h2_refused_{0}, forwarded_{0}, cuts_{0};
};

}  // namespace relais::testing
