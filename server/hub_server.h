#pragma once
// Starting a gRPC server for a HubService: listening address, TLS, message
// size and concurrency limits, compression. Shared by relais-hub and the
// tests. Transport limits (docs/protocol.md): gRPC's own decompression is
// off (HubService inflates requests itself with a bound, after checking the
// token), responses are gzip-compressed, and each connection may carry at
// most max_concurrent_streams calls at once.

#include <cstdint>
#include <memory>
#include <string>

#include <grpcpp/server.h>

#include "common/util/status.h"
#include "common/net/address.h"
#include "server/hub_service.h"

namespace relais::server {

struct ServerOptions {
  std::string listen = "127.0.0.1:50051";  // host:port; port 0 = ephemeral
  std::string tls_cert_file;  // PEM; TLS when both files are given
  std::string tls_key_file;
  // Larger requests (as sent): RESOURCE_EXHAUSTED. Keep equal to
  // HubServiceOptions::max_message_bytes (the bound once decompressed).
  int max_message_bytes = 4 << 20;
  int max_concurrent_streams = 4;  // per HTTP/2 connection
  // gRPC's memory quota (transport buffers). Under pressure gRPC shrinks
  // flow-control windows and cancels the streams holding the most
  // ("Buffers full", RESOURCE_EXHAUSTED); 0 = no quota.
  int64_t memory_quota_bytes = 32 << 20;
};

struct RunningServer {
  std::unique_ptr<grpc::Server> server;
  int port = 0;         // the bound port (useful with port 0)
  bool plaintext = false;
};

// Builds and starts the server. INVALID_ARGUMENT for plain text on a
// non-loopback address or half a TLS configuration, NOT_FOUND for a missing
// PEM file, UNAVAILABLE if the address cannot be bound. `service` must
// outlive the returned server.
common::Result<RunningServer> StartHubServer(HubService* service,
                                             const ServerOptions& options);

}  // namespace relais::server
