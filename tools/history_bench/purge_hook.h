#pragma once
// THE PURGE HOOK of relais-history-bench (issue #17): the one place where
// the purge of tombstones and stale metadata by causal stability (h-purge,
// in the hub and replica stores) is called during the simulated year.
//
// With --purge the hub purges settled tombstones after each sync that
// moves an acknowledgement (HubServiceOptions::auto_purge) and RunPurge
// runs a full `relais-hub purge` pass (server/hub_purge.h) each evening;
// replicas purge their own tombstones at their next sync, when the hub
// sends them the horizon (docs/sync-model.md §11). Without --purge the hub
// keeps everything: the baseline ("purge":false).

#include <cstdint>
#include <string>
#include <vector>

#include "common/replica/replica.h"
#include "common/util/status.h"
#include "server/hub_store.h"

namespace relais::histbench {

struct PurgeContext {
  bool enabled = false;                      // --purge given
  server::HubStore* hub = nullptr;           // the running hub's store
  std::vector<common::Replica*> replicas;    // every replica of the house
  int64_t now_ms = 0;                        // the simulated clock
  int day = 0;                               // working day index, from 0
  // --compact: the files a nightly timer compacts (hub first, then the
  // replicas); empty: no compaction.
  std::vector<std::string> compact_files;
};

// Called at the end of every simulated day, after the day's last syncs.
// Errors fail the run. REQUIRES: ctx.hub and every replica non-null.
common::Status RunPurge(const PurgeContext& ctx);

// The night's maintenance compaction (issue #17): CompactFile on each of
// ctx.compact_files (common/storage/vacuum.h), the stores keeping their
// connections open as the kiosk and `relais-hub serve` do. Returns the
// number of files compacted. Errors fail the run.
common::Result<int> RunNightlyCompaction(const PurgeContext& ctx);

}  // namespace relais::histbench
