#pragma once
// AppState: everything the kiosk shows, as plain data owned by the kiosk
// (never by widgets). The UI is redrawn from it every frame; Apply() (see
// apply.h) is the only code that changes it, and the Effects executor (see
// effects.h) the only code that touches the replica. No ImGui, SQLite or gRPC.

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "common/model/schema.h"
#include "common/replica/inputs.h"
#include "common/util/time.h"
#include "kiosk/app/secretariat_state.h"
#include "kiosk/app/walkin_state.h"
#include "kiosk/app/convocation_types.h"

namespace relais::kiosk {

enum class Screen {
  kWelcome,       // public: "Je suis arrivé(e)"
  kCheckInCode,   // public: 6-character code on a keypad
  kCheckInBirth,  // public: birth date + first 3 letters of the name
  kCheckInDone,   // public: confirmation or "adressez-vous au secrétariat"
  kCheckInChoose, // public: "Avec quel professionnel ?" (one patient, several appointments)
  kStaffPin,      // public: PIN pad before the staff screens
  kPlanning,      // staff
  kPresence,      // staff
  kLedger,        // staff
  kConflicts,     // staff
  kSecretariat,   // staff: next free slot, booking, double bookings
  kTicket,        // public: the walk-in ticket just taken (walkin.h)
  kQueue,         // staff: « File d'attente » of walk-in tickets
};
bool IsStaffScreen(Screen s);

enum class Lang { kFr, kEn };

// Which check-in field the on-screen keypad types into.
enum class InputField { kCode, kBirth, kLetters, kPin };

// Public check-in form. Cleared on every return to the welcome screen so a
// birth date never stays on screen for the next person.
struct CheckInForm {
  std::string code;     // upper-case, at most 6 characters
  std::string birth;    // digits only, DDMMYYYY, at most 8
  std::string letters;  // upper-case, at most 3
  std::string pin;      // digits, at most 6 (never displayed)
  std::string pin_user;  // name chosen on the PIN screen ("" = none yet)
  InputField active = InputField::kCode;
};

// At most this many appointments are offered on « Avec quel professionnel ? »:
// three buttons and « Aucun de ceux-ci » fit on screen at 200 % text
// (ReachTest.ChoiceScreenFitsAtTextScale200); a patient with more
// appointments today is sent to the secretariat instead.
inline constexpr size_t kMaxCheckInChoices = 3;

// Result of the last check-in. Deliberately holds no patient name.
struct CheckInResult {
  bool ok = false;
  std::string practitioner_name;
  std::string room;
  std::string start_hhmm;  // Paris time of the appointment
  int patients_before = 0;
  bool no_appointment = false;  // "Je n'ai pas de rendez-vous" was touched
  // When one patient has several matching appointments: practitioner name
  // and time of each (indexes into today_appointments), to pick one.
  struct Choice {
    size_t index = 0;
    std::string practitioner_name, start_hhmm;
  };
  std::vector<Choice> choices;
};

// Status of the background sync, as last copied from the SyncWorker.
struct SyncStatus {
  bool enabled = false;  // false when the kiosk runs without --hub
  bool online = false;
  int64_t last_success_ms = 0;  // 0 = never
  int64_t pending = 0;          // local changes not yet acknowledged
  int64_t conflicts = 0;        // records needing a staff decision
  std::string last_error;       // sticky until the next success
  // The hub that last completed a session ("" = none yet; several hubs
  // over one database fail over, common/sync/failover.h) and when.
  std::string last_hub;
  int64_t last_hub_ms = 0;
};

// The kiosk's background LAN sync with its house peer (--peer, issue #17):
// copied from the peer SyncWorker's snapshot by the main loop.
struct PeerSyncStatus {
  bool enabled = false;              // false without --peer
  std::string name = "le secrétariat";  // --peer-name, as said in a sentence
  bool online = false;               // last round succeeded
  int64_t last_success_ms = 0;       // 0 = never
  std::string last_error;            // sticky until the next success
};

// One field with concurrent values, shown side by side.
struct ConflictValue {
  std::string value;
  std::string replica;  // which replica wrote it
  int64_t written_ms = 0;
};
struct ConflictItem {
  common::Collection collection = common::Collection::kAppointment;
  std::string record_id;
  std::string field;
  std::string label;  // human description of the record (staff only)
  std::vector<ConflictValue> values;
};

// Effects: commands Apply() queues for the executor. Plain data.
struct EffCheckIn {
  std::string appointment_id;
};
struct EffSetStatus {
  std::string appointment_id, status;
};
struct EffAddAppointment {
  common::NewAppointment appointment;
};
struct EffSetPresence {
  common::NewPresence presence;
};
struct EffAddLedger {
  common::NewLedgerEntry entry;
};
struct EffResolve {
  common::Collection collection = common::Collection::kAppointment;
  std::string record_id, field, value;
};
// The executor salts and hashes `pin` (see pin.h) before writing pin_hash.
// upgrade: re-hash of a legacy verifier after an unlock (no notice shown).
struct EffSetPin {
  std::string practitioner, pin;
  bool upgrade = false;
};
// Persists one user's PIN lockout at this kiosk (replica meta, not synced).
struct EffSaveLockout {
  std::string user;
  int failures = 0;
  int64_t until_ms = 0;
};
// Access log (common/replica/audit_log.h): the planning of `day` with names,
// or the conflict screen, shown to `who`; the executor reads the records
// and writes the entry in one transaction.
struct EffAuditPlanning {
  std::string who;
  common::CivilDate day;
};
struct EffAuditConflicts {
  std::string who;
};
struct EffReload {};  // re-read the lists (e.g. the day changed)
using Effect = std::variant<EffCheckIn, EffSetStatus, EffAddAppointment,
                            EffSetPresence, EffAddLedger, EffResolve,
                            EffSetPin, EffSaveLockout, EffAuditPlanning,
                            EffAuditConflicts, EffReload, EffSearchSlots,
                            EffBookSlot, EffMoveOverlap, EffOpenSecretariat,
                            EffWalkin, EffPrintConvocation>;

// Wrong-PIN count of one user at this kiosk (pin.h LockoutMs).
struct PinLockout {
  int failures = 0;
  int64_t until_ms = 0;  // 0 = not locked
  bool operator==(const PinLockout&) const = default;
};
// Key of PIN-pad attempts made without choosing a name first.
inline constexpr const char kAnonymousPinUser[] = "";

// Idle delays (see docs/kiosk.md): the public screens go back to the welcome
// screen after 30 s without input (20 s once a check-in is confirmed);
// staff screens lock themselves after 3 min.
inline constexpr int64_t kPublicIdleMs = 30'000;
inline constexpr int64_t kConfirmIdleMs = 20'000;
inline constexpr int64_t kStaffIdleMs = 180'000;
// « Besoin de plus de temps ? » (WCAG 2.2.1): once kPublicIdleMs have passed
// on a public input screen, a prompt covers the form for kIdlePromptMs
// (WCAG asks for at least 20 s); one key or touch gives kPublicIdleMs more,
// otherwise the screen goes back to the welcome screen (focus.h
// IdlePromptShown).
inline constexpr int64_t kIdlePromptMs = 20'000;

// staff_user of a session unlocked with the secretariat's PIN.
inline constexpr const char kSecretariat[] = "secretariat";

struct AppState {
  Screen screen = Screen::kWelcome;
  Lang lang = Lang::kFr;
  int64_t now_ms = 0;         // wall clock, set by Tick
  int64_t last_input_ms = 0;  // last non-Tick action
  common::CivilDate today;    // Paris date of now_ms
  common::CivilDate day;      // day shown on the planning (staff)
  std::string ledger_month;   // YYYY-MM shown on the ledger screen
  std::string site_id;

  // Cached lists, refreshed by the executor after every effect.
  std::vector<common::Appointment> today_appointments;  // check-in pool
  // Blind indexes of typed (letters, birth) under every organisation key
  // (Replica::BlindIndexes; set by EffectRunner::Reload, pure, no I/O);
  // empty function = match in clear (tests without a replica).
  std::function<std::vector<std::string>(const std::string& letters,
                                         const std::string& birth)>
      blind_indexes;
  std::vector<common::Appointment> day_appointments;    // planning day
  std::vector<common::Practitioner> practitioners;
  // The organisation's pôles (model/org.h), sorted by id, and their names
  // (issue #19): filters of the planning and of the slot search.
  std::vector<std::string> poles;
  std::vector<std::string> pole_names;  // parallel to poles
  std::string planning_pole;            // "" = every practitioner
  std::vector<common::Presence> presence;  // for `day`
  std::vector<common::LedgerEntry> ledger;
  std::vector<common::Presence> month_presence;  // ledger_month ("presence" key)
  std::vector<ConflictItem> conflicts;
  std::set<std::string> overlapping;  // day_appointments ids double-booked

  CheckInForm form;
  CheckInResult checkin;
  bool staff_unlocked = false;
  std::string staff_user;  // practitioner id that unlocked, or kSecretariat
  // Hash of the secretariat's PIN (stored in the site record); "" if unset.
  std::string secretariat_pin_hash;
  // PIN lockouts at this kiosk by user (practitioner id, kSecretariat or
  // kAnonymousPinUser), loaded from the replica; shown to the staff.
  std::map<std::string, PinLockout> lockouts;
  std::string message;     // last staff notice or error (shown in a banner)
  bool message_is_error = false;

  SyncStatus sync;
  PeerSyncStatus peer;  // LAN sync with the house peer (sync_text.h)
  SecretariatState secretariat;  // screen kSecretariat (secretariat.h)
  std::deque<Effect> effects;  // consumed by the executor
  uint64_t version = 0;        // bumped by every change (redraw trigger)
  // The nightly compaction of the replica is running (kiosk/nightly.h):
  // the screen shows « Maintenance de nuit… » and every input is ignored.
  bool maintenance = false;

  // Accessibility of the public screens (docs/kiosk.md « Accessibilité »);
  // kept until toggled back. text_scale_pct: 100, 150 or 200.
  int text_scale_pct = 100;
  bool high_contrast = false;
  // Last « Écouter » request: the text to say (ScreenSpeech, never a
  // patient's name) and a counter bumped by every request; the kiosk's
  // Speaker (kiosk/speech) says it when `seq` changes.
  struct SpeechRequest {
    std::string text;
    Lang lang = Lang::kFr;
    uint64_t seq = 0;
  };
  SpeechRequest speech;

  // Keyboard-only path (kiosk/app/focus.h): the focused control of each
  // public screen, an index into FocusableControls(); absent = the screen's
  // first control. Reset when a screen is entered and for every new patient.
  std::map<Screen, int> focus;
  // « Boutons en bas » for a seated user (--reach-low or the staff toggle):
  // every public control in the lower half of the screen. Kept until
  // toggled back, like the other accessibility settings.
  bool reach_low = false;

  // Walk-in queue (issue #16): ticket screen and « File d'attente ».
  WalkinState walkin;
  // « Imprimer la convocation » (convocation.h): directory and printer,
  // set by main.cc from --convocation-dir / --printer.
  ConvocationConfig convocation;
};

}  // namespace relais::kiosk
