#pragma once
// HubService: the gRPC face of the hub (proto/sync.proto, service Hub).
//
// Every RPC is authenticated with `authorization: Bearer <token>` metadata
// (UNAUTHENTICATED if missing, unknown or revoked), checks the protocol
// version first (FAILED_PRECONDITION on a mismatch, with a French message),
// then pushes the request's batch through HubStore::Push (one transaction)
// and only then acknowledges it, and returns the next pull batch of the
// token's scope. Errors keep their canonical codes (see ToGrpcStatus); a bad
// request never stops the hub from serving others. Logs one line per sync
// on stderr: replica, pushed, pulled, bytes, ms.
//
// Thread-safe if the store is (HubStore's contract). `store` and `clock`
// must outlive the service.

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <ostream>
#include <string>

#include "common/util/clock.h"
#include "common/util/status.h"
#include "proto/sync.grpc.pb.h"
#include "server/hub_store.h"

namespace relais::server {

struct HubServiceOptions {
  size_t max_push_records = 2000;  // larger push batches are refused
  size_t max_pull_records = 1000;  // caps of the client's pull request
  size_t max_pull_bytes = 2 << 20;
  std::ostream* log = nullptr;     // nullptr: std::cerr
};

// The one mapping from our Status to gRPC's (codes are 1:1).
grpc::Status ToGrpcStatus(const common::Status& s);

class HubService final : public relais::sync::v1::Hub::Service {
 public:
  HubService(HubStore& store, common::Clock& clock,
             HubServiceOptions options = {});

  grpc::Status Sync(grpc::ServerContext* context,
                    const relais::sync::v1::SyncRequest* request,
                    relais::sync::v1::SyncResponse* response) override;

  // Prometheus text exposition of the sync counters: syncs, errors, records
  // pushed/pulled, bytes, and each replica's last successful sync (seconds
  // since the epoch). Replica ids are pseudonymous. Thread-safe.
  std::string MetricsText() const;

 private:
  // The work of Sync, in our error currency.
  common::Status DoSync(grpc::ServerContext* context,
                        const relais::sync::v1::SyncRequest& request,
                        relais::sync::v1::SyncResponse* response,
                        int* pushed);
  common::Result<Scope> Authenticate(grpc::ServerContext* context,
                                     const relais::sync::v1::SyncRequest& request);

  HubStore& store_;
  common::Clock& clock_;
  HubServiceOptions options_;
  mutable std::mutex log_mu_;  // one whole line at a time on options_.log
  // Counters, guarded by log_mu_.
  int64_t syncs_ = 0, errors_ = 0, pushed_total_ = 0, pulled_total_ = 0,
          bytes_total_ = 0;
  std::map<std::string, int64_t> last_seen_ms_;
};

}  // namespace relais::server
