#pragma once
// Sync client: one sync session of a replica with the hub (see
// docs/protocol.md). Used by `relais sync` and the kiosk's sync worker.
//
// Pushes local changes since the replica's push_cursor in batches, sets
// push_cursor to the hub's acknowledgement (sent only after the hub
// committed), and applies each pulled batch with ReplicaStore::ApplyRemote,
// which stores pull_cursor (and push_cursor, and the observed HLC) in the
// same transaction as the data. So a connection cut at any point loses
// nothing and duplicates nothing: running SyncOnce again resumes.
//
// Errors keep the hub's canonical code with a French message:
// UNAVAILABLE (hub unreachable / deadline), UNAUTHENTICATED (bad or revoked
// token), PERMISSION_DENIED (out of scope, token of another replica),
// FAILED_PRECONDITION (protocol mismatch), INVALID_ARGUMENT (bad options or
// record refused). On error the replica keeps what earlier batches
// committed and nothing else. Not thread-safe (the Replica is not).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/replica/replica.h"
#include "common/sync/hub_caller.h"
#include "common/util/status.h"

namespace relais::sync {

// Largest response a replica accepts from the hub, once decompressed, on
// any transport (gRPC max receive size, HTTP body bound).
inline constexpr size_t kMaxResponseBytes = 64 << 20;

// Replica meta remembering the transport that worked in auto mode
// (docs/sync-model.md): "http" once an HTTP session succeeded after gRPC
// failed, "grpc" (or empty) otherwise; and when it was decided (ms, replica
// clock). gRPC is tried again once SyncOptions::grpc_retry_ms has passed.
inline constexpr char kSyncTransportMeta[] = "sync_transport";
inline constexpr char kSyncTransportMsMeta[] = "sync_transport_ms";
inline constexpr int64_t kDefaultGrpcRetryMs = 24LL * 3600 * 1000;  // once a day

struct SyncProgress {
  int pushed = 0;            // records acknowledged so far
  int pulled = 0;            // records applied so far
  int64_t pending_push = 0;  // local changes still to send
  bool more_to_pull = false;
};

struct SyncOptions {
  std::string hub;      // host:port
  // Several hubs over one database, for SyncWithFailover (failover.h) only;
  // SyncOnce uses `hub`. Parse user input with ParseHubList (hub_list.h).
  std::vector<std::string> hubs;
  // The hub's HTTP/1.1 endpoint (relais-hub --http-sync-listen), host:port,
  // for SyncOnce; "" = none (auto then means gRPC only). For
  // SyncWithFailover: http_hubs, by position with hubs (or empty).
  std::string http_hub;
  std::vector<std::string> http_hubs;
  // kAuto: gRPC, or HTTP when remembered (kSyncTransportMeta) and less than
  // grpc_retry_ms old; a gRPC UNAVAILABLE before any response makes one
  // HTTP attempt, remembered if it succeeds. kGrpc / kHttp: that one only.
  Transport transport = Transport::kAuto;
  int64_t grpc_retry_ms = kDefaultGrpcRetryMs;
  std::string token;    // from `relais-hub enroll`
  std::string ca_file;  // PEM of the CA: TLS. Empty: plain text (loopback only)
  // TLS name to check instead of the host (tests, hubs reached by IP).
  std::string tls_server_name;
  int64_t deadline_ms = 30000;  // per round trip
  size_t push_batch_records = 1000;
  size_t push_batch_bytes = 512 << 10;
  size_t pull_batch_records = 1000;
  size_t pull_batch_bytes = 1 << 20;
  bool compress = true;  // gzip on the channel
  // Channel selection. Empty (CLI, kiosk): one channel per hub shared by the
  // whole process. Non-empty: a private channel cached under this key, with
  // its own TCP (+ TLS) connection (subchannels are not shared), e.g. one
  // per simulated site in relais-bench.
  std::string channel_key;
  // A new channel for this session only, dropped at its end: the session
  // pays the TCP (+ TLS) handshakes, as a kiosk coming back after a cut.
  bool fresh_channel = false;
  // Push whole record states instead of deltas (tests, comparisons).
  bool whole_states = false;
  // Pull also the states this replica pushed itself (a replica rebuilt
  // under its old id by `relais repair`; proto SyncRequest.include_own).
  bool include_own = false;
  // Called after each round trip.
  std::function<void(const SyncProgress&)> progress;
  // Tests: stop with UNAVAILABLE after this many round trips (0 = never),
  // as if the link dropped; and the protocol version to announce.
  int max_round_trips = 0;
  uint32_t protocol_version = 0;  // 0 = this build's version
};

struct SyncReport {
  int pushed = 0;       // local records acknowledged by the hub
  int pulled = 0;       // records received and merged
  int conflicts = 0;    // pulled records left with fields needing attention
  int round_trips = 0;
  int64_t bytes = 0;    // protobuf bytes sent + received (before gzip)
  int resyncs = 0;      // full re-sends after the hub lost history
  int set_aside = 0;    // pulled records whose id is held for another site
  std::string transport;  // "grpc" or "http": the one that completed
  int purged = 0;       // settled tombstones removed here (§11)
  int rebootstraps = 0;  // re-bootstraps below the purge horizon (§11)
  // The hub sent a purge horizon this replica did not hold yet (§11). The
  // hub may then have purged tombstones that replicas which synced before
  // the horizon moved still hold: they drop them at their next sync. A
  // caller waiting for a quiet house ("a pass where nothing moved") counts
  // this as movement, like pushed, pulled and purged.
  bool horizons_moved = false;
};

common::Result<SyncReport> SyncOnce(common::Replica& replica,
                                    const SyncOptions& options);

// The hub's current epoch and last sequence (horizon on PostgreSQL), asked
// with one empty round trip: nothing pushed, and a pull cursor past every
// sequence, so nothing pulled. Authenticates like a sync and so binds the
// token to `replica_id` at its first use. Used by `relais init
// --from-snapshot --hub` to refuse a snapshot of an older epoch before
// loading it. Transport as SyncOnce's (options.transport, http_hub): kAuto
// with an http_hub tries gRPC, then HTTP/1.1 once if gRPC failed with
// UNAVAILABLE or DEADLINE_EXCEEDED (nothing remembered: no replica here).
// Errors as SyncOnce.
struct HubIdentity {
  std::string epoch;
  uint64_t last_seq = 0;
  std::string transport;  // "grpc" or "http": the one that answered
};
common::Result<HubIdentity> ProbeHub(const std::string& replica_id, const std::string& site_id,
                                     const SyncOptions& options);

// One session over `caller` (SyncOnce's loop: push in batches, ack after
// the hub's commit, pull, resync), without SyncOnce's status meta or
// transport choice. `answered` (optional) is set to true as soon as one
// response of the hub arrived. Errors as SyncOnce.
common::Result<SyncReport> SyncSessionWith(common::Replica& replica, const SyncOptions& options,
                                           HubCaller& caller, bool* answered = nullptr);

// The two halves of one round trip, shared by SyncOnce (gRPC) and the
// sync by file (change_file_replica.h), so both send and apply alike.
//
// BuildRequest: the request SyncOnce sends for the local changes with seq >
// `push_after` (at most options.push_batch_records / push_batch_bytes),
// asking the pull page after `pull_cursor`. Delta push unless
// options.whole_states. Returns the local sequence of the last change sent
// (0 if none: a pull-only request). Storage errors as ReplicaStore.
common::Result<uint64_t> BuildRequest(common::Replica& replica, const SyncOptions& options,
                                      uint64_t push_after, uint64_t pull_cursor,
                                      relais::sync::v1::SyncRequest* req);

// What ApplyResponse did.
struct AppliedResponse {
  // The hub lost history (other epoch, or `sent_pull_cursor` beyond its last
  // sequence): nothing was applied; the caller re-sends everything
  // (ReplicaStore::MarkAllPending with meta hub_epoch = `new_epoch`).
  bool resync = false;
  std::string new_epoch;
  // This replica's pull cursor is below the purge horizon of a site of its
  // scope (restored from an old backup, docs/sync-model.md §11): nothing
  // was applied; the caller re-bootstraps (ReplicaStore::BeginRebootstrap).
  bool rebootstrap = false;
  int purged = 0;
  int pulled = 0;
  int conflicts = 0;
  int set_aside = 0;
  bool horizons_moved = false;  // see SyncReport::horizons_moved
};

// True if `sent_pull_cursor` (> 0) is below the purge horizon of a site of
// the replica's scope named in `resp` (docs/sync-model.md §11): the replica
// holds states from before a purge and must re-bootstrap
// (ReplicaStore::BeginRebootstrap); the hub then took nothing of the push.
bool BelowPurgeHorizon(common::Replica& replica, uint64_t sent_pull_cursor,
                       const relais::sync::v1::SyncResponse& resp);

// Retired replicas named by a response (SyncResponse.compacted_replicas,
// docs/sync-model.md §11 « Compaction »): at most kMaxCompactedReplicas
// valid replica ids, never this replica's own. INVALID_ARGUMENT (French
// message) otherwise: nothing of the response is applied.
inline constexpr int kMaxCompactedReplicas = 1024;
common::Status ReadCompactedReplicas(const common::Replica& replica,
                                     const relais::sync::v1::SyncResponse& resp,
                                     std::set<std::string>* out);

// Applies a response of the hub to a request whose pull cursor was
// `sent_pull_cursor` and whose push batch ended at local sequence `ack`
// (0: no push): checks the hub's scope (Replica::AcceptHubScope) before
// anything pulled, detects a lost history (see AppliedResponse::resync),
// refuses a pulled record out of scope (INVALID_ARGUMENT), then merges the
// pulled records and stores pull_cursor, hub_epoch, the clock offset,
// push_cursor = `ack` (if non-zero), the observed HLC and `extra_meta` in
// ONE transaction (ReplicaStore::ApplyRemote). REQUIRES: the caller checked
// that resp.ack_seq() acknowledges its batch.
common::Result<AppliedResponse> ApplyResponse(
    common::Replica& replica, uint64_t sent_pull_cursor, uint64_t ack,
    const relais::sync::v1::SyncResponse& resp,
    const std::map<std::string, std::string>& extra_meta = {});

}  // namespace relais::sync
