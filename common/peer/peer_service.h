#pragma once
// The Peer gRPC service (proto/peer.proto) of one replica, and its server
// with mutual TLS: only replicas holding a certificate of the house CA get
// through the handshake, and each call is then checked to come from
// another replica of this organisation (peer_tls.h IdentifyPeer). Runs on
// replicas (`relais peer serve`), so it lives under common/, not server/.
//
// Thread-safety: calls are served one at a time (the Replica is not
// thread-safe); the service owns no replica, `replica` must outlive it.

#include <memory>
#include <mutex>
#include <string>

#include <grpcpp/grpcpp.h>

#include "common/peer/peer_tls.h"
#include "common/replica/replica.h"
#include "proto/peer.grpc.pb.h"

namespace relais::peer {

inline constexpr uint32_t kPeerProtocolVersion = 1;
// Largest request the server reads (bounded before any parse).
inline constexpr int kMaxPeerMessageBytes = 16 << 20;

class PeerService final : public v1::Peer::Service {
 public:
  PeerService(common::Replica* replica, PeerTls tls)
      : replica_(replica), tls_(std::move(tls)) {}

  grpc::Status Exchange(grpc::ServerContext* context, const v1::ExchangeRequest* request,
                        v1::ExchangeResponse* response) override;

  // Calls served and refused so far (logs, tests).
  int served() const { return served_; }
  int refused() const { return refused_; }

 private:
  common::Status Serve(const std::string& peer_pem, const v1::ExchangeRequest& req,
                       v1::ExchangeResponse* resp);

  std::mutex mu_;
  common::Replica* replica_;
  PeerTls tls_;
  int served_ = 0;
  int refused_ = 0;
};

struct RunningPeerServer {
  std::unique_ptr<grpc::Server> server;
  int port = 0;
};

// Listens on `listen` (host:port, port 0 = ephemeral) with TLS: the
// replica's certificate, client certificates required and verified against
// the house CA. UNAVAILABLE if the address cannot be bound.
common::Result<RunningPeerServer> StartPeerServer(PeerService* service, const PeerTls& tls,
                                                  const std::string& listen);

// Our Status for the wire, and back (French messages kept).
grpc::Status ToGrpc(const common::Status& s);

}  // namespace relais::peer
