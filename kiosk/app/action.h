#pragma once
// Action: everything that can happen to the kiosk, as small plain structs.
// The UI emits them; Apply() (apply.h) turns them into state changes and
// queued effects. No ImGui, SQLite or gRPC.

#include <cstdint>
#include <string>
#include <variant>

#include "kiosk/app/state.h"
#include "kiosk/app/walkin_action.h"

namespace relais::kiosk {

// Direction of act::MoveFocus (focus.h).
enum class FocusDir { kNext, kPrev, kUp, kDown };

namespace act {
struct Navigate {
  Screen to = Screen::kWelcome;
};
// On-screen keypad: a character, "BACK" (erase one) or "CLEAR".
struct Keypad {
  std::string key;
};
struct FocusField {
  InputField field = InputField::kCode;
};
struct CheckInByCode {
  std::string code;
};
// birth: "YYYY-MM-DD" or 8 digits DDMMYYYY; letters: first letters of the
// name (3 are used).
struct CheckInByBirth {
  std::string birth, letters;
};
// On the "Avec quel professionnel ?" screen: the n-th offered choice.
struct ChooseAppointment {
  size_t choice = 0;
};
struct SetStatus {
  std::string appointment_id, status;
};
// start_hhmm is Paris time on the planning day. walk_in = soins non
// programmés: kind "snp", status "checked_in", start now if empty.
struct AddAppointment {
  std::string practitioner, patient_name, patient_birth, start_hhmm, room;
  std::string kind = "consultation";
  int64_t duration_min = 15;
  bool walk_in = false;
  // Patient's commune (issue #20, commune_input.h): postcode as typed (""
  // = not asked) and the INSEE code picked ("" = the postcode's only one).
  std::string patient_postcode, patient_commune;
};
struct SetPresence {
  std::string practitioner, half, state, replacement, room;
};
// amount in cents (positive = a charge paid by `payer`).
struct AddLedgerEntry {
  int64_t amount_cents = 0;
  std::string category, payer, key = "equal", label;
};
struct ReverseEntry {
  std::string entry_id;
};
// user: practitioner id or kSecretariat chosen on the PIN screen; "" tries
// every staff PIN (slower, one lockout for the whole pad).
struct UnlockStaff {
  std::string pin;
  std::string user = "";
};
// Picks the name on the PIN screen.
struct ChooseStaffUser {
  std::string user;
};
struct Lock {};
// Moves the planning day by `delta_days` (0 = back to today).
struct ChangeDay {
  int delta_days = 0;
};
// Shows only the practitioners of pôle `pole` on the planning ("" = all).
struct SetPlanningPole {
  std::string pole;
};
struct ChangeMonth {
  int delta_months = 0;
};
struct ToggleLanguage {};
// Keeps `value` for the field: a new write that dominates every sibling.
struct ResolveConflict {
  common::Collection collection = common::Collection::kAppointment;
  std::string record_id, field, value;
};
// PIN change by the unlocked staff member: the current PIN (may be empty
// only if none is set yet), then the new one (4 to 6 digits) twice. A wrong
// current PIN counts towards the lockout.
struct ChangeOwnPin {
  std::string old_pin, new_pin, confirm;
};
struct Tick {
  int64_t now_ms = 0;
};
struct SyncUpdate {
  SyncStatus status;
};
// The peer SyncWorker's snapshot (--peer, kiosk/peer_sync.h), copied by
// the main loop each frame: updates AppState::peer (a change redraws the
// status bar) and, when a new round succeeded (last_success_ms moved),
// queues EffReload: the peer may have sent changes. Not an input.
struct PeerSyncUpdate {
  bool online = false;
  int64_t last_success_ms = 0;
  std::string last_error;
};
// The nightly compaction of the replica started (running) or ended
// (kiosk/nightly.h): sets AppState::maintenance. Not an input.
struct Maintenance {
  bool running = false;
};
struct DismissMessage {};
// Accessibility (docs/kiosk.md « Accessibilité »). Speak: « Écouter » or
// F1 / '*': says ScreenSpeech() of the current public screen.
struct Speak {};
// « A+ »: text scale 100 -> 150 -> 200 -> 100 % on the public screens.
struct ToggleTextScale {};
// High-contrast palette on the public screens (kiosk/ui/theme.h).
struct ToggleHighContrast {};
// A keyboard-wedge scanner burst (scan_input.h): `text` read before Enter
// (complete) or before the burst stalled (partial), `overflow` if it was
// longer than kMaxScanLen. Checks in from a public screen; anything but a
// valid code of this site shows « adressez-vous au secrétariat ».
struct ScanCheckIn {
  std::string text;
  bool complete = true;
  bool overflow = false;
};
// Keyboard-only path (docs/kiosk.md « Clavier seul »; kiosk/app/focus.h).
// Public screens only: ignored on the staff screens, whose forms are ImGui
// text fields. Tab / arrows move the focus, Enter activates the focused
// control, Esc goes back, a typed character or Backspace edits the field.
struct MoveFocus {
  FocusDir dir = FocusDir::kNext;
};
struct Activate {};
struct Back {};
// One typed ASCII character (kiosk/app/key_input.h: not part of a scanner
// burst); letters of any case.
struct TypeChar {
  char c = 0;
};
struct EraseChar {};
// « Oui, j'ai besoin de plus de temps »: any input does the same while the
// prompt is shown; this is the prompt's own button.
struct ExtendTime {};
// Staff toggle of AppState::reach_low (refused while locked).
struct ToggleReachLow {};
// « Imprimer la convocation » of a planning-day appointment (convocation.h).
struct PrintConvocation {
  std::string appointment_id;
};
}  // namespace act

using Action =
    std::variant<act::Navigate, act::Keypad, act::FocusField,
                 act::CheckInByCode, act::CheckInByBirth, act::SetStatus,
                 act::AddAppointment, act::SetPresence, act::AddLedgerEntry,
                 act::ReverseEntry, act::UnlockStaff, act::Lock,
                 act::ChangeDay, act::ChangeMonth, act::ToggleLanguage,
                 act::ResolveConflict, act::ChangeOwnPin, act::Tick,
                 act::SyncUpdate, act::PeerSyncUpdate, act::DismissMessage, act::ChooseAppointment,
                 act::ChooseStaffUser, act::SearchSlots, act::SelectSlot,
                 act::BookSlot, act::MoveOverlap, act::Speak, act::ToggleTextScale,
                 act::ToggleHighContrast, act::ScanCheckIn, act::SetPlanningPole,
                 act::MoveDisplaced, act::MoveFocus, act::Activate, act::Back,
                 act::TypeChar, act::EraseChar, act::ExtendTime, act::ToggleReachLow,
                 act::Walkin, act::PrintConvocation, act::Maintenance>;

}  // namespace relais::kiosk
