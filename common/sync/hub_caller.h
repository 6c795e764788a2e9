#pragma once
// The transport seam of the sync client: one round trip of the sync
// protocol (docs/protocol.md) = one SyncRequest sent, one SyncResponse back.
// SyncOnce (sync_client.h) drives a session through a HubCaller whatever
// carries it: gRPC over HTTP/2 (grpc_caller.h) or HTTP/1.1 POST through
// libcurl (http_caller.h), so the session's guarantees (ack after commit,
// resume, resync) do not depend on the transport.
//
// Errors keep the hub's canonical code with a French message, the same for
// every transport: UNAVAILABLE (hub unreachable), DEADLINE_EXCEEDED,
// UNAUTHENTICATED, PERMISSION_DENIED, FAILED_PRECONDITION, INVALID_ARGUMENT,
// ABORTED (delta the hub cannot complete), RESOURCE_EXHAUSTED.

#include <memory>
#include <string>

#include "common/util/status.h"
#include "proto/sync.pb.h"

namespace relais::sync {

struct SyncOptions;

// How a replica reaches its hub (SyncOptions::transport).
enum class Transport {
  kAuto,  // gRPC; after a gRPC failure a proxy causes, HTTP/1.1 (remembered)
  kGrpc,
  kHttp,
};

// "auto" | "grpc" | "http"; INVALID_ARGUMENT (French) otherwise.
common::Result<Transport> ParseTransport(const std::string& s);
const char* TransportName(Transport t);

class HubCaller {
 public:
  virtual ~HubCaller() = default;
  // One round trip within options.deadline_ms. Not thread-safe.
  virtual common::Result<relais::sync::v1::SyncResponse> Call(
      const relais::sync::v1::SyncRequest& request) = 0;
  // After a transport failure (UNAVAILABLE, DEADLINE_EXCEEDED): forget any
  // cached connection so the next session connects afresh.
  virtual void DropConnection() {}
  // "grpc" or "http" (reports, logs).
  virtual const char* name() const = 0;
};

// Our Status for a hub's failure, with a French explanation of the usual
// cases ("hub injoignable (HUB)", "jeton refusé par le hub"...) followed by
// `detail`. Shared by every transport so their messages read alike.
common::Status HubError(common::StatusCode code, const std::string& detail,
                        const std::string& hub);

// The gRPC caller of today (grpc_caller.cc): a channel per hub shared by the
// process unless options.channel_key / fresh_channel. INVALID_ARGUMENT for a
// missing hub or token, plain text to a non-loopback hub.
common::Result<std::unique_ptr<HubCaller>> MakeGrpcCaller(const SyncOptions& options);

// The HTTP/1.1 caller (http_caller.h) for options.http_hub.
common::Result<std::unique_ptr<HubCaller>> MakeHttpCaller(const SyncOptions& options);

}  // namespace relais::sync
