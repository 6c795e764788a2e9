#pragma once
// Effects executor: the only kiosk code that touches the replica. It performs
// the effects Apply() queued in AppState::effects, in order, then reloads the
// cached lists. Runs on the UI thread between frames (a local write is one
// SQLite transaction, a few milliseconds). Not thread-safe: one executor per
// Replica, on the thread that owns the Replica.

#include <functional>

#include <memory>

#include "common/replica/replica.h"
#include "common/replica/slot_cache.h"
#include "common/util/status.h"
#include "kiosk/app/state.h"

namespace relais::kiosk {

class EffectRunner {
 public:
  // `replica` must outlive the runner. `on_local_write` (may be empty) is
  // called after every successful write, e.g. to nudge the sync worker.
  EffectRunner(common::Replica* replica, std::function<void()> on_local_write)
      : replica_(replica), on_local_write_(std::move(on_local_write)) {}

  // Performs and removes every queued effect, then reloads if anything ran.
  // A failed effect sets state.message (error) and, for a check-in, turns
  // the confirmation into the secretariat message; the others still run.
  // Returns the first error, OK otherwise.
  common::Status RunPending(AppState& state);

  // Re-reads today's and the planning day's appointments, practitioners,
  // presence of the planning day, the ledger, conflicts and the pending
  // count, then the secretariat screen's lists (secretariat_effects.h
  // ReloadSecretariat). On error the previous lists are kept.
  common::Status Reload(AppState& state);

 private:
  common::Status Run(AppState& state, const Effect& e);
  common::Status LoadConflicts(AppState& state);

  // The secretariat's slot search cache (replica/slot_cache.h), opened on
  // first use; nullptr if it could not be.
  common::SlotCache* SlotCacheOrNull();

  common::Replica* replica_;
  std::function<void()> on_local_write_;
  std::unique_ptr<common::SlotCache> slot_cache_;
};

}  // namespace relais::kiosk
