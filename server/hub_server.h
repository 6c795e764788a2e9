#pragma once
// Starting a gRPC server for a HubService: listening address, TLS, message
// size limits, gzip compression. Shared by relais-hub and the tests.

#include <memory>
#include <string>

#include <grpcpp/server.h>

#include "common/util/status.h"
#include "server/address.h"
#include "server/hub_service.h"

namespace relais::server {

struct ServerOptions {
  std::string listen = "127.0.0.1:50051";  // host:port; port 0 = ephemeral
  std::string tls_cert_file;  // PEM; TLS when both files are given
  std::string tls_key_file;
  int max_message_bytes = 16 << 20;  // larger requests: RESOURCE_EXHAUSTED
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
