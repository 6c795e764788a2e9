#pragma once
// The hub's HTTP/1.1 sync endpoint (issue #17; docs/protocol.md "Transport
// HTTP/1.1"): the same SyncRequest/SyncResponse as gRPC, POSTed to
// /relais.sync.v1/Sync (common/net/http_sync_wire.h), for replicas behind
// proxies that do not let HTTP/2 through. relais-hub --http-sync-listen.
//
// Each call goes through HubService::SyncOverHttp, so it is ServeSync
// (server/hub_service.h), on any HubStore (SQLite or PostgreSQL), with the
// same acceptance rules, ack after commit, log line and metrics as gRPC.
// Limits before trust, in this order:
//   1. path /relais.sync.v1/Sync only (404 otherwise), POST only (405,
//      French message);
//   1b. at most max_calls_per_peer calls in progress per client address,
//      one budget with gRPC (HubService::call_limiter()): beyond it 429,
//      Relais-Status 8 (RESOURCE_EXHAUSTED, as gRPC), `Retry-After: 2` and
//      « trop d'appels simultanés depuis … réessayez plus tard »; the slot
//      is held until the answer is written (slow bodies included);
//   2. `Authorization: Bearer <token>` checked against the store
//      (HubStore::CheckToken) before a byte of the body is read: 401;
//   3. Content-Type application/x-protobuf (415);
//   4. body read with a hard bound of max_message_bytes once decompressed
//      (a gzip request body is inflated by cpp-httplib through that bound):
//      413 beyond it;
//   5. the protobuf parsed (400 if garbage), then ServeSync.
// Every refusal carries `Relais-Status: <canonical code>` and a French
// text/plain message; a success is 200 application/x-protobuf (gzip when
// the client accepts it and the body is over 1 KiB). Bounded: a fixed pool
// of `threads` workers, read/write timeouts, keep-alive at most 100 calls
// per connection and 5 s idle (an idle connection holds a worker). TLS with
// the gRPC server's certificate and key; plain text only on loopback.
//
// Thread safety: Start/Stop from one thread. `service` must outlive it.

#include <memory>
#include <string>
#include <thread>

#include "common/util/status.h"
#include "server/hub_service.h"

namespace httplib {
class Server;
}

namespace relais::server {

struct HttpSyncOptions {
  std::string listen;         // host:port; port 0 = ephemeral
  std::string tls_cert_file;  // PEM; TLS when both are given
  std::string tls_key_file;
  int threads = 8;            // worker pool (calls served at once)
  int timeout_s = 60;         // read and write timeouts per socket operation
};

class HttpSyncServer {
 public:
  explicit HttpSyncServer(HubService* service);
  ~HttpSyncServer();  // Stops.
  HttpSyncServer(const HttpSyncServer&) = delete;
  HttpSyncServer& operator=(const HttpSyncServer&) = delete;

  // Binds and serves on a background thread; returns the bound port.
  // INVALID_ARGUMENT: malformed address, plain text off loopback, half a
  // TLS configuration, threads outside [1, 256]; NOT_FOUND: a PEM file
  // missing; UNAVAILABLE: the address cannot be bound or the certificate
  // and key are refused by OpenSSL.
  common::Result<int> Start(const HttpSyncOptions& options);
  void Stop();  // Idempotent.
  bool plaintext() const { return plaintext_; }

 private:
  void Install();
  HubService* service_;
  std::unique_ptr<httplib::Server> http_;
  std::thread thread_;
  bool plaintext_ = false;
};

}  // namespace relais::server
