#pragma once
// `relais init --from-snapshot`: a new replica from a hub-signed snapshot
// (reader.h), resumable, then caught up by an ordinary `relais sync` from the
// snapshot's hub sequence instead of 0.
//
// Order, so that nothing is loaded from a file that fails any check:
//  1. VerifyFile: format, then signature against the hub's public key;
//  2. the snapshot's sites must equal the replica's expected scope, and its
//     epoch the expected one when the caller knows the hub's current epoch;
//  3. a full read checks every record (site among the snapshot's, bounds,
//     ValidateRecord, whole states) and the end of the file;
//  4. only then the replica file is created (or an interrupted load of the
//     same snapshot, or of another of the same epoch, is taken up) and the
//     records are applied with ReplicaStore::ApplyRemote in transactions of
//     `batch_records`, each storing how many are done (meta snapshot_loaded)
//     and giving each state hub_at = the snapshot's (signed) cursor, so the
//     history purge (§11) can later remove its tombstones;
//  5. the last transaction, only after the reader re-checked that the file
//     is the verified one, sets pull_cursor, hub_epoch and
//     snapshot_state=done.
// Until step 5 the replica carries snapshot_state=loading, and SyncOnce
// refuses it (FAILED_PRECONDITION, « relancez relais init … »): a half-loaded
// replica never believes it is complete. Killing the process at any point
// and running the same request again finishes the load.
//
// Errors: those of VerifyFile/Reader; INVALID_ARGUMENT for sites that do not
// match or a record outside the snapshot's sites (nothing created);
// FAILED_PRECONDITION for another epoch than expected, or than the one an
// interrupted load began with; ALREADY_EXISTS for a replica file that
// already holds data (a snapshot only starts a new replica).

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "common/crypto/keyring.h"
#include "common/snapshot/signing_key.h"
#include "common/util/clock.h"
#include "common/util/status.h"

namespace relais::common::snapshot {

struct BootstrapRequest {
  std::string db_path;
  std::string site;                // the replica's home site
  std::string org;                 // its organisation ("" = site), as ReplicaScope
  std::vector<std::string> scope;  // every site the replica's token covers (site included)
  std::string snapshot_path;
  PublicKey hub_key{};
  const crypto::Keyring* import = nullptr;  // organisation key, as Replica::Init
  std::string expected_epoch;      // "" = not known
  // Optional: asks the hub, once the replica id exists and before anything
  // is loaded, for its current epoch and last sequence (ProbeHub). A
  // snapshot of another epoch, or past the hub's last sequence, is then
  // refused (FAILED_PRECONDITION) with nothing loaded.
  std::function<Result<std::pair<std::string, uint64_t>>(const std::string& replica_id)>
      ask_hub;
};

struct BootstrapOptions {
  size_t batch_records = 2000;
  // Tests: return ABORTED after this many committed batches, as if killed.
  int stop_after_batches = 0;
  // After each committed batch: records loaded so far, records in the file.
  std::function<void(uint64_t, uint64_t)> progress;
  Clock* clock = SystemClock::Default();
};

struct BootstrapReport {
  std::string replica_id;
  uint64_t records = 0;     // in the snapshot
  uint64_t resumed_at = 0;  // already loaded by an interrupted run
  uint64_t cursor = 0;      // the hub sequence the next sync pulls after
  std::string epoch;
  bool already_done = false;  // this snapshot was fully loaded before
};

Result<BootstrapReport> InitFromSnapshot(const BootstrapRequest& req,
                                         const BootstrapOptions& options = {});

// Meta keys (replica_store.h meta table).
inline constexpr const char kMetaState[] = "snapshot_state";  // loading | done
inline constexpr const char kMetaDigest[] = "snapshot_digest";
inline constexpr const char kMetaEpoch[] = "snapshot_epoch";
inline constexpr const char kMetaLoaded[] = "snapshot_loaded";

}  // namespace relais::common::snapshot
