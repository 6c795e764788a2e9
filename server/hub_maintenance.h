#pragma once
// `relais-hub serve` compacts its own SQLite hub.db at night (issue #17,
// docs/deploy.md « Compactage de nuit »): a common::NightlyCompactor whose
// job is SqliteHubStore::CompactUnderLock (VACUUM under the writer mutex:
// a push arriving meanwhile waits on the mutex for the VACUUM, a few
// seconds for a year of a house, then commits; pulls are served from the
// readers throughout). The hub has no idle rule: its window (default
// 03:00-04:00, Paris time) is the quiet hour. A PostgreSQL store is left to
// PostgreSQL's autovacuum (said in the log).

#include <functional>
#include <memory>
#include <string>

#include "common/storage/nightly_compactor.h"
#include "common/util/clock.h"
#include "common/util/compact_schedule.h"
#include "server/hub_store.h"

namespace relais::server {

struct HubCompactOptions {
  bool enabled = true;  // false: --no-compact
  common::CompactWindow window = common::kHubCompactWindow;
  int64_t poll_ms = 60'000;
};

// A started compactor for `store` if it is a SQLite file store and
// compaction is enabled; nullptr otherwise. Every decision worth telling the
// operator (enabled and its window, disabled, PostgreSQL) goes to `log`, as
// do the runs and failures. `store` and `clock` must outlive the result.
std::unique_ptr<common::NightlyCompactor> StartHubCompaction(
    HubStore* store, common::Clock* clock, const HubCompactOptions& options,
    std::function<void(const std::string&)> log);

}  // namespace relais::server
