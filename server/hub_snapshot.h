#pragma once
// `relais-hub snapshot`: the scope of some sites, as the hub stores it
// (sealed fields stay sealed), at one hub sequence, in a file signed with
// the hub's snapshot key (common/snapshot, docs/protocol.md « Instantané
// signé »). Works on any HubStore (SQLite, PostgreSQL) through Pull.
//
// The records are paged out of the store with Pull (an empty replica id:
// nothing left out) from sequence 0; the cursor written is the last page's,
// so every record of the scope at or below it is in the file. A record
// changed while the snapshot is written may appear twice (both states);
// loading merges them, as a pull would. Memory: one page at a time.
// Errors: INVALID_ARGUMENT for bad sites; ABORTED if the hub's epoch
// changes meanwhile (restored hub: run it again); the store's and the
// writer's errors. On error the output file is not created or replaced.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/util/clock.h"
#include "common/util/status.h"
#include "server/hub_store.h"

namespace relais::server {

struct SnapshotRequest {
  std::vector<std::string> sites;  // 1..64 site ids, any order
  std::string out_path;
  std::string key_path;  // created (0600) on first use
  bool compress = true;  // zstd body
  size_t page_records = 1000;
  // Called after each page with the records written so far.
  std::function<void(uint64_t)> progress;
};

struct SnapshotSummary {
  uint64_t records = 0;
  uint64_t cursor = 0;
  std::string epoch;
  std::string public_key;  // FormatPublicKey of the signing key
  bool key_created = false;
};

common::Result<SnapshotSummary> WriteSnapshot(HubStore& store, const SnapshotRequest& req,
                                              common::Clock& clock);

}  // namespace relais::server
