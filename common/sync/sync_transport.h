#pragma once
// The transport choice of a sync session (SyncOptions::transport,
// docs/sync-model.md "Transport"). Used by SyncOnce.
//
// kGrpc, kHttp: one session over that transport.
// kAuto with no http_hub: gRPC, exactly as before HTTP existed.
// kAuto with http_hub:
//   - HTTP first when the replica remembers it (meta sync_transport=http)
//     and the decision is younger than grpc_retry_ms (default a day);
//     otherwise gRPC first;
//   - gRPC first and it fails with UNAVAILABLE before any response of the
//     hub (what an HTTP/1.1-only proxy or a closed HTTP/2 port causes): one
//     HTTP session; if it succeeds, sync_transport=http with the date;
//   - HTTP first (remembered) and it fails with UNAVAILABLE before any
//     response: one gRPC session (the proxy may be gone); if it succeeds,
//     sync_transport=grpc;
//   - gRPC first and it succeeds: sync_transport=grpc (the daily retry that
//     found HTTP/2 open again).
// A session that got at least one response and then failed is NOT retried
// on the other transport: its batches are committed and the next session
// resumes (ack after commit). If the second transport reaches the hub and
// is refused (UNAUTHENTICATED...), that refusal is returned; if it fails to
// reach it too, the first one's code with both messages. The meta is written best effort
// (one transaction), like SyncOnce's status meta.

#include "common/replica/replica.h"
#include "common/sync/sync_client.h"
#include "common/util/status.h"

namespace relais::sync {

common::Result<SyncReport> RunSession(common::Replica& replica, const SyncOptions& options);

// Which transport to try first in auto mode, given the remembered meta and
// the replica clock. Pure.
bool HttpFirst(const std::string& remembered, int64_t remembered_ms, int64_t now_ms,
               int64_t grpc_retry_ms);

}  // namespace relais::sync
