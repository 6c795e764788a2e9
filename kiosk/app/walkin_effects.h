#pragma once
// Executor of the walk-in effects (EffWalkin, walkin_state.h) on the replica
// (common/replica/tickets.h), and the reload of today's tickets and the
// site's rooms. Called by EffectRunner (effects.h) only.

#include "common/replica/replica.h"
#include "common/util/status.h"
#include "kiosk/app/state.h"

namespace relais::kiosk {

// Runs one walk-in effect: issue (then ApplyTicketIssued / Failed), print
// (lp, then ApplyPrintResult: a printer failure is shown on the ticket
// screen and is not an error of the run), call, finish, convert.
common::Status RunWalkin(common::Replica& r, AppState& s, const EffWalkin& e);

// Today's tickets at the home site and the site's room names.
common::Status ReloadWalkin(common::Replica& r, AppState& s);

}  // namespace relais::kiosk
