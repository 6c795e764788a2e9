#pragma once
// HubService: the gRPC face of the hub (proto/sync.proto, service Hub).
//
// Limits before trust (docs/protocol.md, "Transport limits"). Sync is
// registered as a streamed unary method, so the request message is NOT read
// when the handler starts; in this order the handler
//   1. refuses a peer (client IP) that already has max_calls_per_peer calls
//      in progress: RESOURCE_EXHAUSTED, "trop d'appels simultanés...";
//      the budget is shared with the HTTP/1.1 endpoint (call_limiter());
//   2. checks the `authorization: Bearer <token>` metadata against the
//      store (HubStore::CheckToken): UNAUTHENTICATED if missing, unknown or
//      revoked, before a byte of the message is buffered or inflated;
//   3. reads the message; a gzip/deflate request (the server runs with gRPC
//      decompression off) is inflated here with a hard bound of
//      max_message_bytes: RESOURCE_EXHAUSTED beyond it;
//   4. checks the protocol version (FAILED_PRECONDITION, French message),
//      then replica_id and site_id (1-64 of [A-Za-z0-9._-], else
//      INVALID_ARGUMENT), then authorizes (binding the token's replica),
//      pushes the batch through HubStore::Push (one transaction), and only
//      then acknowledges it, and returns the next pull batch of the scope.
// Errors keep their canonical codes (see ToGrpcStatus); a bad request never
// stops the hub from serving others. Logs one line per call on stderr:
// replica, pushed, pulled, bytes, ms (anything the caller sent is escaped).
//
// Thread-safe if the store is (HubStore's contract). `store` and `clock`
// must outlive the service.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <ostream>
#include <string>

#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/sync_stream.h>

#include "common/util/clock.h"
#include "common/util/status.h"
#include "proto/sync.grpc.pb.h"
#include "server/hub_metrics.h"
#include "server/hub_store.h"
#include "server/peer_call_limiter.h"

namespace relais::server {

struct HubServiceOptions {
  size_t max_push_records = 2000;  // larger push batches are refused
  size_t max_pull_records = 1000;  // caps of the client's pull request
  size_t max_pull_bytes = 2 << 20;
  std::ostream* log = nullptr;     // nullptr: std::cerr
  // Largest request once decompressed (an honest push is <= 512 KiB of
  // records by default, see SyncOptions); keep equal to the server's
  // ServerOptions::max_message_bytes.
  size_t max_message_bytes = 4 << 20;
  int max_calls_per_peer = 8;      // calls in progress per client IP
  // The store="..." label of every /metrics series: "sqlite" or
  // "postgresql" (server/hub_metrics.h).
  std::string store_kind = "sqlite";
  // History purge (docs/sync-model.md §11): after a sync that moved the
  // caller's acknowledged cursor, one purge run over the caller's sites,
  // removing at most `purge_batch` tombstones.
  bool auto_purge = true;
  size_t purge_batch = 1000;
};

// The one mapping from our Status to gRPC's (codes are 1:1).
grpc::Status ToGrpcStatus(const common::Status& s);

// The work of one Sync, free of any transport: the gRPC handler (once the
// bearer token is hashed and the request read) and the sync by file
// (server/hub_changes.h) both call it, so both apply the same validation,
// acceptance rules and integrity rule. In this order: the protocol version
// (FAILED_PRECONDITION), replica_id and site_id (INVALID_ARGUMENT), the
// token (HubStore::Authorize with `token_hash`: UNAUTHENTICATED,
// PERMISSION_DENIED; binds the token at its first use), the batch size
// (options.max_push_records), then HubStore::Push (one transaction) and
// only after its commit the acknowledgement, then the next pull page of the
// scope within options' caps, then the caller's ticket letter at its home
// site (HubStore::AssignTicketLetter, assigned at the first sync). Fills `response` and `pushed`; on error
// `response` may be partly filled (callers clear it). `metrics`: the store
// latency histograms to feed, or nullptr. Thread-safe if the store is.
common::Status ServeSync(HubStore& store, common::Clock& clock,
                         const HubServiceOptions& options, const std::string& token_hash,
                         const relais::sync::v1::SyncRequest& request,
                         relais::sync::v1::SyncResponse* response, PushResult* pushed,
                         HubMetrics* metrics);

class HubService final : public relais::sync::v1::Hub::Service {
 public:
  HubService(HubStore& store, common::Clock& clock,
             HubServiceOptions options = {});

  // The work of one call once its request is read and parsed (steps 4 on);
  // also the entry point for in-process callers. Logs and counts the call.
  grpc::Status Sync(grpc::ServerContext* context,
                    const relais::sync::v1::SyncRequest* request,
                    relais::sync::v1::SyncResponse* response) override;

  // The same work for the HTTP/1.1 endpoint (server/hub_http_sync.h), once
  // its request is read and parsed: ServeSync with the hash of the call's
  // bearer token, logged and counted as a gRPC call (the log line says
  // transport=http). On error `response` is cleared. Thread-safe.
  common::Status SyncOverHttp(const std::string& token_hash,
                              const relais::sync::v1::SyncRequest& request,
                              relais::sync::v1::SyncResponse* response);
  // An HTTP call refused before its request was parsed (no token, too
  // large, garbage...): logged and counted as a refused gRPC call.
  void RecordRefusal(const std::string& peer, const common::Status& s);
  HubStore& store() { return store_; }
  // The per-address call budget (max_calls_per_peer), shared by gRPC and
  // the HTTP/1.1 endpoint: an HTTP call holds a slot of it too.
  PeerCallLimiter& call_limiter() { return call_limiter_; }
  const HubServiceOptions& options() const { return options_; }

  // Prometheus text exposition of the relais_hub_* families (counters,
  // latency histograms, each replica's last successful sync), see
  // server/hub_metrics.h. Replica ids are pseudonymous. Thread-safe.
  std::string MetricsText() const { return metrics_.Render(); }

 private:
  using Streamer = grpc::ServerUnaryStreamer<grpc::ByteBuffer, grpc::ByteBuffer>;
  // Steps 1-3, then Sync. Registered as the handler of method 0.
  grpc::Status StreamedSync(grpc::ServerContext* context, Streamer* stream);
  // Steps 2 and 3 (the peer slot is held by the caller).
  common::Result<relais::sync::v1::SyncRequest> ReadRequest(
      grpc::ServerContext* context, Streamer* stream);
  using SteadyClock = std::chrono::steady_clock;
  // Sync, timed from `start` (the handler's start).
  grpc::Status SyncFrom(grpc::ServerContext* context,
                        const relais::sync::v1::SyncRequest& request,
                        relais::sync::v1::SyncResponse* response,
                        SteadyClock::time_point start);
  // A refused call before its request was parsed: logged and counted.
  grpc::Status Refuse(grpc::ServerContext* context, const common::Status& s,
                      SteadyClock::time_point start);
  void LogLine(const std::string& line);
  // Runs `work` (which fills `response` and `pushed`), then logs one line
  // and counts the call, timed from `start`. `transport`: "" (gRPC) or
  // "http", written in the log line.
  common::Status Logged(const relais::sync::v1::SyncRequest& request,
                        relais::sync::v1::SyncResponse* response,
                        SteadyClock::time_point start, const char* transport,
                        const std::function<common::Status(PushResult*)>& work);

  // The work of Sync, in our error currency: ServeSync with the call's
  // bearer token.
  common::Status DoSync(grpc::ServerContext* context,
                        const relais::sync::v1::SyncRequest& request,
                        relais::sync::v1::SyncResponse* response,
                        PushResult* pushed);

  HubStore& store_;
  common::Clock& clock_;
  HubServiceOptions options_;
  std::mutex log_mu_;  // one whole line at a time on options_.log
  HubMetrics metrics_;
  PeerCallLimiter call_limiter_;
};

}  // namespace relais::server
