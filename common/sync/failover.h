#pragma once
// Failover over several hubs that serve one database (docs/protocol.md
// "Plusieurs hubs"). Used by `relais sync`, `relais repair` and the kiosk.
//
// SyncWithFailover runs one sync session (SyncOnce, sync_client.h) against
// the hubs of SyncOptions::hubs (or the single SyncOptions::hub):
//   - order: the hub that last completed a session with this replica
//     (replica meta `last_hub`, if it is still in the list), then the others
//     in list order;
//   - it moves to the next hub only when SyncOnce fails with UNAVAILABLE or
//     DEADLINE_EXCEEDED (hub unreachable or silent). Any other error
//     (UNAUTHENTICATED, PERMISSION_DENIED, INVALID_ARGUMENT,
//     FAILED_PRECONDITION, local errors...) is returned at once: another hub
//     over the same database would answer the same;
//   - a hub lost mid-session is harmless: SyncOnce commits the cursors with
//     each batch, so the next hub resumes from them (nothing re-applied twice,
//     nothing skipped);
//   - after one round where every hub failed: UNAVAILABLE naming every hub
//     tried and why (with a single hub, SyncOnce's own error unchanged).
// On success it stores `last_hub` and `last_hub_ms` (replica clock) in the
// replica's meta. No waiting between hubs: the backoff between rounds is
// the caller's (SyncWorker with FailoverWorkerOptions()).
// Not thread-safe (the Replica is not).

#include <cstdint>
#include <string>
#include <vector>

#include "common/replica/replica.h"
#include "common/sync/sync_worker.h"
#include "common/util/status.h"
#include "common/sync/sync_client.h"

namespace relais::sync {

inline constexpr char kLastHubMeta[] = "last_hub";
inline constexpr char kLastHubMsMeta[] = "last_hub_ms";

struct FailoverReport {
  // The attempt that completed. Batches committed by earlier, failed
  // attempts are in the replica but not counted here.
  SyncReport sync;
  std::string hub;                 // the hub that completed the session
  std::vector<std::string> tried;  // hubs called, in order (hub is last)
};

// True for the codes that make a session try the next hub.
bool IsFailoverCode(common::StatusCode code);

// The order in which a session tries `hubs`: `last_hub` first if it is one
// of them, then the others in list order. Pure.
std::vector<std::string> HubOrder(const std::vector<std::string>& hubs,
                                  const std::string& last_hub);

// See the file comment. INVALID_ARGUMENT, before any connection, when the
// list is empty, longer than kMaxHubs (hub_list.h) or has a duplicate, or
// when plain text (no ca_file) is asked for a hub that is not loopback.
common::Result<FailoverReport> SyncWithFailover(common::Replica& replica,
                                                const SyncOptions& options);

// The hub that last completed a session (`hub` empty: none yet) and when
// (ms since the epoch, replica clock).
struct LastHub {
  std::string hub;
  int64_t at_ms = 0;
};
common::Result<LastHub> ReadLastHub(common::ReplicaStore& store);

// Worker options for `relais sync --watch` and the kiosk: a failed round
// (every hub tried) is retried after an exponential backoff with jitter
// from 1 s up to 60 s (common::NextDelayMs), back to `interval_ms` after a
// success.
inline constexpr int64_t kFailoverMinBackoffMs = 1'000;
inline constexpr int64_t kFailoverMaxBackoffMs = 60'000;
inline common::SyncWorkerOptions FailoverWorkerOptions(int64_t interval_ms) {
  common::SyncWorkerOptions o;
  o.interval_ms = interval_ms;
  o.min_backoff_ms = kFailoverMinBackoffMs;
  o.max_backoff_ms = kFailoverMaxBackoffMs;
  return o;
}

}  // namespace relais::sync
