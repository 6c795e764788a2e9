#pragma once
// Staff access at the kiosk (issue #15): PIN unlock with a per-user lockout,
// PIN change, and the access-log effects of screens that show names. Part of
// Apply (apply.h): pure, no I/O; time is state.now_ms (set by act::Tick).
// The PIN check itself is CPU work (Argon2id, ~0.1–0.3 s), which is why the
// PIN screen asks for the name first: one verification per attempt.

#include <string>
#include <vector>

#include "kiosk/app/action.h"
#include "kiosk/app/state.h"

namespace relais::kiosk {

// Unlocks on a right PIN (queues: lockout reset if needed, the legacy
// verifier's upgrade, the planning's access-log entry); counts a wrong one
// and locks the user out from the 5th (pin.h LockoutMs). While locked out,
// the PIN is not even checked.
void ApplyUnlock(AppState& s, const act::UnlockStaff& a);

// PIN change of s.staff_user (REQUIRES: unlocked).
void ApplyChangeOwnPin(AppState& s, const act::ChangeOwnPin& a);

// The verifier of `user` ("" if none): a practitioner's, or the site's for
// kSecretariat.
std::string PinHashOf(const AppState& s, const std::string& user);

// Display name of a lockout key (practitioner name, "Secrétariat", "Borne").
std::string StaffUserName(const AppState& s, const std::string& user);

// One line per user locked out at s.now_ms, for the staff screens:
// « Dr X : code bloqué jusqu'à 10:42 (7 essais) ».
std::vector<std::string> LockoutLines(const AppState& s);

}  // namespace relais::kiosk
