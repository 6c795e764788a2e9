#pragma once
// Apply: the kiosk's only state transition. Deterministic and free of I/O:
// it reads the cached lists in AppState, changes the state, and queues
// Effects (state.effects) for the executor (effects.h) to perform on the
// replica. Time comes only from act::Tick, so tests drive it with a fake
// clock. Staff actions are refused (with a message) unless staff_unlocked.

#include "kiosk/app/action.h"
#include "kiosk/app/state.h"

namespace relais::kiosk {

// Fresh state at `now_ms` on the welcome screen; queues an EffReload.
AppState InitialState(int64_t now_ms, Lang lang);

void Apply(AppState& state, const Action& action);

}  // namespace relais::kiosk
