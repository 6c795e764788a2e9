#pragma once
// THE PURGE HOOK of relais-history-bench (issue #17): the one place where
// the purge of tombstones and stale metadata by causal stability (h-purge,
// in the hub and replica stores) is called during the simulated year.
//
// Today it is a no-op: kPurgeWired is false, `relais-history-bench
// --purge` is refused (« purge pas encore disponible ») and the JSON line
// says "purge":false. To wire it: call the hub's and the replicas' purge in
// RunPurge when ctx.enabled, set kPurgeWired to true, and the same bench
// then measures the year with the purge ("purge":true).

#include <cstdint>
#include <vector>

#include "common/replica/replica.h"
#include "common/util/status.h"
#include "server/hub_store.h"

namespace relais::histbench {

// False while RunPurge does nothing.
inline constexpr bool kPurgeWired = false;

struct PurgeContext {
  bool enabled = false;                      // --purge given (and wired)
  server::HubStore* hub = nullptr;           // the running hub's store
  std::vector<common::Replica*> replicas;    // every replica of the house
  int64_t now_ms = 0;                        // the simulated clock
  int day = 0;                               // working day index, from 0
};

// Called at the end of every simulated day, after the day's last syncs.
// Errors fail the run. REQUIRES: ctx.hub and every replica non-null.
common::Status RunPurge(const PurgeContext& ctx);

}  // namespace relais::histbench
