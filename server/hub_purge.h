#pragma once
// The hub's history purge as one call (docs/sync-model.md §11), for
// `relais-hub purge`, `relais-hub serve` maintenance and tools: runs
// HubStore::Purge until it has nothing left or `max_runs` runs are done
// (each run removes at most `batch` tombstones in one transaction), then
// writes one log line on `log`:
//   purge dry_run=0|1 sites=N purged=P more=0|1 horizons=S1:h1,S2:h2 released_pages=F
// (F: free pages given back to the file system, SQLite store).
// Errors as HubStore::Purge (FAILED_PRECONDITION for a store without purge).

#include <ostream>
#include <string>
#include <vector>

#include "server/hub_store.h"

namespace relais::server {

struct PurgeRunOptions {
  std::vector<std::string> sites;  // empty: every site
  size_t batch = 1000;
  int max_runs = 100;
  bool dry_run = false;
};

Result<PurgeReport> RunHubPurge(HubStore& store, const PurgeRunOptions& options,
                                std::ostream* log);

}  // namespace relais::server
