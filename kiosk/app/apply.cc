#include "kiosk/app/apply.h"

#include <algorithm>
#include <cstdio>
#include <set>

#include "common/domain/ledger.h"
#include "common/model/validate.h"
#include "kiosk/app/checkin.h"
#include "kiosk/app/focus.h"
#include "kiosk/app/i18n.h"
#include "kiosk/app/pin.h"
#include "kiosk/app/secretariat.h"
#include "kiosk/app/secretariat_text.h"
#include "kiosk/app/scan_input.h"
#include "kiosk/app/screen_speech.h"
#include "kiosk/app/staff_access.h"
#include "kiosk/app/walkin.h"
#include "kiosk/app/commune_input.h"
#include "kiosk/app/convocation.h"

namespace relais::kiosk {

namespace {

using common::CivilDate;

std::string MonthOf(const CivilDate& d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d", d.year, d.month);
  return buf;
}

void ResetPublic(AppState& s) {
  s.form = CheckInForm{};
  s.checkin = CheckInResult{};
  s.screen = Screen::kWelcome;
  s.focus.clear();  // the next patient starts on the first control
}

void Notice(AppState& s, Msg m, bool error) {
  s.message = Tr(s.lang, m);
  s.message_is_error = error;
}

const common::Practitioner* FindPractitioner(const AppState& s,
                                             const std::string& id) {
  for (const auto& p : s.practitioners)
    if (p.id == id) return &p;
  return nullptr;
}

// Shows the confirmation for the single match; for several appointments of
// ONE patient (same pseudonymous ref) with different practitioners, asks
// "Avec quel professionnel ?" (names only, domain notes §2.3); otherwise the
// secretariat message (two different patients never get to choose, and
// neither does one with more than kMaxCheckInChoices appointments today).
void FinishCheckIn(AppState& s, const std::vector<size_t>& matches) {
  s.checkin = CheckInResult{};
  s.screen = Screen::kCheckInDone;
  s.form = CheckInForm{};
  if (matches.size() > 1) {
    std::set<std::string> patients, practitioners;
    for (size_t i : matches) {
      patients.insert(s.today_appointments[i].patient_ref);
      practitioners.insert(s.today_appointments[i].practitioner);
    }
    if (patients.size() == 1 && practitioners.size() == matches.size() &&
        matches.size() <= kMaxCheckInChoices &&
        !s.today_appointments[matches[0]].patient_ref.empty()) {
      for (size_t i : matches) {
        const common::Appointment& a = s.today_appointments[i];
        const common::Practitioner* p = FindPractitioner(s, a.practitioner);
        s.checkin.choices.push_back(
            {i, p ? p->name : std::string(), common::FormatParisTime(a.start)});
      }
      s.screen = Screen::kCheckInChoose;
    }
    return;
  }
  if (matches.size() != 1) return;  // none: see the desk
  const common::Appointment& a = s.today_appointments[matches[0]];
  const common::Practitioner* p = FindPractitioner(s, a.practitioner);
  s.checkin.ok = true;
  s.checkin.practitioner_name = p ? p->name : "";
  s.checkin.room = a.room;
  s.checkin.start_hhmm = common::FormatParisTime(a.start);
  s.checkin.patients_before = PatientsBefore(s.today_appointments, a);
  if (a.status != "checked_in") {
    s.effects.push_back(EffCheckIn{a.id});
    s.today_appointments[matches[0]].status = "checked_in";  // optimistic
  }
}

void TypeKey(CheckInForm& f, const std::string& key) {
  std::string* field = nullptr;
  size_t limit = 0;
  switch (f.active) {
    case InputField::kCode: field = &f.code; limit = 6; break;
    case InputField::kBirth: field = &f.birth; limit = 8; break;
    case InputField::kLetters: field = &f.letters; limit = 3; break;
    case InputField::kPin: field = &f.pin; limit = 6; break;
  }
  if (key == "BACK") {
    if (!field->empty()) field->pop_back();
    return;
  }
  if (key == "CLEAR") {
    field->clear();
    return;
  }
  std::string add;
  if (f.active == InputField::kCode) add = NormalizeCode(key);
  else if (f.active == InputField::kLetters) add = FoldLetters(key);
  else if (key.size() == 1 && key[0] >= '0' && key[0] <= '9') add = key;
  for (char c : add)
    if (field->size() < limit) *field += c;
  // Typing the 8th birth digit moves on to the letters.
  if (f.active == InputField::kBirth && f.birth.size() == 8)
    f.active = InputField::kLetters;
}

struct Visitor {
  AppState& s;

  bool Staff() {
    if (s.staff_unlocked) return true;
    s.screen = Screen::kStaffPin;
    return false;
  }

  void operator()(const act::Navigate& a) {
    if (IsStaffScreen(a.to) && !s.staff_unlocked) {
      s.form = CheckInForm{};
      s.form.active = InputField::kPin;
      s.screen = Screen::kStaffPin;
      return;
    }
    if (a.to == Screen::kWelcome) ResetPublic(s);
    if (a.to == Screen::kCheckInDone) {  // only reachable as "no appointment"
      s.form = CheckInForm{};
      s.checkin = CheckInResult{};
      s.checkin.no_appointment = true;
    }
    if (a.to == Screen::kConflicts && s.screen != Screen::kConflicts)
      s.effects.push_back(EffAuditConflicts{s.staff_user});
    if (a.to == Screen::kSecretariat && s.screen != Screen::kSecretariat)
      s.effects.push_back(EffOpenSecretariat{s.staff_user});
    s.screen = a.to;
    if (a.to == Screen::kCheckInCode) s.form.active = InputField::kCode;
    if (a.to == Screen::kCheckInBirth) s.form.active = InputField::kBirth;
    if (a.to == Screen::kStaffPin) s.form.active = InputField::kPin;
  }
  void operator()(const act::Keypad& a) { TypeKey(s.form, a.key); }
  void operator()(const act::FocusField& a) { s.form.active = a.field; }
  void operator()(const act::CheckInByCode& a) {
    FinishCheckIn(s, MatchByCode(s.today_appointments, a.code, s.now_ms / 1000));
  }
  void operator()(const act::CheckInByBirth& a) {
    const std::string birth = NormalizeBirth(a.birth);
    std::vector<std::string> idx;
    if (s.blind_indexes) idx = s.blind_indexes(a.letters, birth);
    FinishCheckIn(s, MatchByBirth(s.today_appointments, birth, a.letters, s.now_ms / 1000,
                                  s.blind_indexes ? &idx : nullptr));
  }
  void operator()(const act::ChooseAppointment& a) {
    if (s.screen != Screen::kCheckInChoose || a.choice >= s.checkin.choices.size()) {
      FinishCheckIn(s, {});  // the secretariat
      return;
    }
    FinishCheckIn(s, {s.checkin.choices[a.choice].index});
  }
  void operator()(const act::SetStatus& a) {
    if (!Staff()) return;
    const auto& all = common::AppointmentStatuses();
    if (std::find(all.begin(), all.end(), a.status) == all.end())
      return Notice(s, Msg::kInvalidInput, true);
    s.effects.push_back(EffSetStatus{a.appointment_id, a.status});
  }
  void operator()(const act::AddAppointment& a);
  void operator()(const act::SetPresence& a) {
    if (!Staff()) return;
    // A name only goes with "remplace" (as Replica::SetPresence writes it).
    common::NewPresence p{a.practitioner, common::FormatDate(s.day), a.half, a.state,
                          a.state == "remplace" ? a.replacement : "", a.room};
    if (!FindPractitioner(s, a.practitioner) || !common::ValidateNewPresence(p).empty())
      return Notice(s, Msg::kInvalidInput, true);
    s.effects.push_back(EffSetPresence{std::move(p)});
  }
  void operator()(const act::AddLedgerEntry& a) {
    if (!Staff()) return;
    common::NewLedgerEntry in{a.amount_cents, a.category, a.payer, a.key,
                              a.label, s.ledger_month, ""};
    // The replica's own checks, in its order: per entry (validate.h), then
    // against the ledger and the directory (domain/ledger.h).
    std::string err = common::ValidateNewLedgerEntry(in);
    if (err.empty()) {
      common::LedgerEntry e;
      e.amount_cents = in.amount_cents;
      e.payer = in.payer;
      e.key = in.key;
      e.month = in.month;
      err = common::domain::ValidateNewEntry(e, s.ledger, s.practitioners, s.month_presence)
                .message();
    }
    if (!err.empty()) {
      s.message = err;
      s.message_is_error = true;
      return;
    }
    s.effects.push_back(EffAddLedger{std::move(in)});
  }
  void operator()(const act::ReverseEntry& a) {
    if (!Staff()) return;
    for (const common::LedgerEntry& e : s.ledger) {
      if (e.id != a.entry_id) continue;
      if (!e.reverses.empty() || IsReversedIn(e.id)) break;
      common::NewLedgerEntry rev{-e.amount_cents, e.category, e.payer, e.key,
                                 std::string(Tr(s.lang, Msg::kReversal)) + " : " + e.label,
                                 e.month, e.id};
      if (!common::ValidateNewLedgerEntry(rev).empty()) break;
      s.effects.push_back(EffAddLedger{std::move(rev)});
      return;
    }
    Notice(s, Msg::kInvalidInput, true);
  }
  bool IsReversedIn(const std::string& id) {
    return std::any_of(s.ledger.begin(), s.ledger.end(),
                       [&](const common::LedgerEntry& e) { return e.reverses == id; });
  }
  void operator()(const act::UnlockStaff& a) { ApplyUnlock(s, a); }
  void operator()(const act::ChooseStaffUser& a) {
    s.form.pin_user = a.user;
    s.form.pin.clear();
    s.form.active = InputField::kPin;
  }
  void operator()(const act::Lock&) {
    s.staff_unlocked = false;
    s.staff_user.clear();
    s.form.pin_user.clear();
    s.message.clear();
    s.secretariat = SecretariatState{};  // holds patient names
    ResetPublic(s);
  }
  void operator()(const act::ChangeDay& a) {
    if (!Staff()) return;
    s.day = a.delta_days == 0
                ? s.today
                : common::CivilFromDays(common::DaysFromCivil(s.day) + a.delta_days);
    s.effects.push_back(EffReload{});
    s.effects.push_back(EffAuditPlanning{s.staff_user, s.day});  // another day's names
  }
  void operator()(const act::SetPlanningPole& a) {
    if (!Staff()) return;
    if (!a.pole.empty() && std::find(s.poles.begin(), s.poles.end(), a.pole) == s.poles.end()) {
      s.message = SecTr(s.lang, SecMsg::kErrUnknownPole);
      s.message_is_error = true;
      return;
    }
    s.planning_pole = a.pole;
  }
  void operator()(const act::ChangeMonth& a) {
    if (!Staff()) return;
    int y = 0, m = 0;
    if (!common::ParseMonth(s.ledger_month, &y, &m).ok()) return;
    int idx = y * 12 + (m - 1) + a.delta_months;
    s.ledger_month = MonthOf(CivilDate{idx / 12, idx % 12 + 1, 1});
    s.effects.push_back(EffReload{});  // presence of the month, for the key
  }
  void operator()(const act::ToggleLanguage&) {
    s.lang = s.lang == Lang::kFr ? Lang::kEn : Lang::kFr;
  }
  void operator()(const act::ResolveConflict& a) {
    if (!Staff()) return;
    s.effects.push_back(EffResolve{a.collection, a.record_id, a.field, a.value});
  }
  void operator()(const act::ChangeOwnPin& a) {
    if (!Staff()) return;
    ApplyChangeOwnPin(s, a);
  }
  void operator()(const act::Tick& a);
  void operator()(const act::SyncUpdate& a) {
    s.sync.enabled = a.status.enabled;
    s.sync.online = a.status.online;
    s.sync.last_success_ms = a.status.last_success_ms;
    s.sync.last_error = a.status.last_error;
    s.sync.last_hub = a.status.last_hub;
    s.sync.last_hub_ms = a.status.last_hub_ms;
  }
  void operator()(const act::PeerSyncUpdate& a) {
    PeerSyncStatus& p = s.peer;
    const bool fresh = a.last_success_ms != p.last_success_ms;
    if (!fresh && a.online == p.online && a.last_error == p.last_error) return;
    p.online = a.online;
    p.last_success_ms = a.last_success_ms;
    p.last_error = a.last_error;
    ++s.version;  // redraw the status bar
    if (fresh) s.effects.push_back(EffReload{});  // the peer sent changes
  }
  void operator()(const act::Maintenance& a) {
    if (a.running == s.maintenance) return;
    s.maintenance = a.running;
    ++s.version;  // draw or hide the maintenance screen
  }
  void operator()(const act::DismissMessage&) { s.message.clear(); }
  // The secretariat screen (secretariat.h).
  void operator()(const act::SearchSlots& a) { if (Staff()) ApplySearchSlots(s, a); }
  void operator()(const act::SelectSlot& a) { if (Staff()) ApplySelectSlot(s, a); }
  void operator()(const act::BookSlot& a) { if (Staff()) ApplyBookSlot(s, a); }
  void operator()(const act::MoveOverlap& a) { if (Staff()) ApplyMoveOverlap(s, a); }
  void operator()(const act::MoveDisplaced& a) { if (Staff()) ApplyMoveDisplaced(s, a); }
  void operator()(const act::Speak&) {
    s.speech.text = ScreenSpeech(s);
    s.speech.lang = s.lang;
    ++s.speech.seq;
  }
  void operator()(const act::ToggleTextScale&) {
    s.text_scale_pct = s.text_scale_pct >= 200 ? 100 : s.text_scale_pct + 50;
  }
  void operator()(const act::ToggleHighContrast&) { s.high_contrast = !s.high_contrast; }
  // Keyboard-only path (focus.h): public screens only.
  void operator()(const act::MoveFocus& a) { if (KeyboardScreen(s)) ApplyMoveFocus(s, a.dir); }
  void operator()(const act::Activate&) { if (KeyboardScreen(s)) ApplyActivate(s); }
  void operator()(const act::Back&) { if (KeyboardScreen(s)) ApplyBack(s); }
  void operator()(const act::TypeChar& a) { if (KeyboardScreen(s)) ApplyTypeChar(s, a.c); }
  void operator()(const act::EraseChar&) { if (KeyboardScreen(s)) ApplyEraseChar(s); }
  void operator()(const act::ExtendTime&) {}  // being an input is enough
  void operator()(const act::ToggleReachLow&) {
    if (Staff()) s.reach_low = !s.reach_low;
  }
  void operator()(const act::PrintConvocation& a) {
    if (Staff()) ApplyPrintConvocation(s, a);
  }
  void operator()(const act::ScanCheckIn& a) {
    if (IsStaffScreen(s.screen) || s.screen == Screen::kStaffPin) return;  // not a patient
    FinishCheckIn(s, MatchScanned(s, a));
  }
  void operator()(const act::Walkin& a) { ApplyWalkin(s, a); }  // walkin.h
};

void Visitor::operator()(const act::AddAppointment& a) {
  if (!Staff()) return;
  if (!FindPractitioner(s, a.practitioner)) return Notice(s, Msg::kInvalidInput, true);
  common::NewAppointment e;
  e.practitioner = a.practitioner;
  e.patient_name = a.patient_name;
  e.kind = a.kind;
  e.room = a.room;
  e.duration_min = a.duration_min;
  if (!a.patient_birth.empty()) {
    e.patient_birth = NormalizeBirth(a.patient_birth);
    if (e.patient_birth.empty()) return Notice(s, Msg::kInvalidInput, true);
  }
  int h = -1, m = -1;
  const bool has_time = std::sscanf(a.start_hhmm.c_str(), "%d:%d", &h, &m) == 2 &&
                        h >= 0 && h < 24 && m >= 0 && m < 60;
  if (a.walk_in) {
    e.kind = "snp";
    e.status = "checked_in";
    e.start = has_time ? common::ParisLocalToUtc(s.day, h, m) : s.now_ms / 1000;
  } else {
    if (!has_time) return Notice(s, Msg::kInvalidInput, true);
    e.start = common::ParisLocalToUtc(s.day, h, m);
  }
  {  // Patient's commune (commune_input.h): "" when no postcode was typed.
    common::Result<std::string> commune =
        PatientCommuneFromDesk(a.patient_postcode, a.patient_commune);
    if (!commune.ok()) {
      s.message = commune.status().message();
      s.message_is_error = true;
      return;
    }
    e.patient_commune = *commune;
  }
  // Name, birth date, duration, kind...: the replica's checks (validate.h).
  if (!common::ValidateNewAppointment(e).empty())
    return Notice(s, Msg::kInvalidInput, true);
  s.effects.push_back(EffAddAppointment{std::move(e)});
}

void Visitor::operator()(const act::Tick& a) {
  s.now_ms = a.now_ms;
  const CivilDate today = common::ParisDate(a.now_ms / 1000);
  if (today != s.today) {  // midnight: follow the new day
    if (s.day == s.today) s.day = today;
    s.today = today;
    s.effects.push_back(EffReload{});
  }
  const int64_t idle = a.now_ms - s.last_input_ms;
  if (s.staff_unlocked && idle >= kStaffIdleMs) {
    (*this)(act::Lock{});
  } else if (!IsStaffScreen(s.screen) && s.screen != Screen::kWelcome &&
             idle >= (s.screen == Screen::kCheckInDone ? kConfirmIdleMs
                                                       : kPublicIdleMs + kIdlePromptMs)) {
    ResetPublic(s);  // input screens: after « Besoin de plus de temps ? » (focus.h)
  }
}

}  // namespace

bool IsStaffScreen(Screen s) {
  return s == Screen::kPlanning || s == Screen::kPresence ||
         s == Screen::kLedger || s == Screen::kConflicts || s == Screen::kSecretariat ||
         s == Screen::kQueue;
}

AppState InitialState(int64_t now_ms, Lang lang) {
  AppState s;
  s.lang = lang;
  s.now_ms = now_ms;
  s.last_input_ms = now_ms;
  s.today = common::ParisDate(now_ms / 1000);
  s.day = s.today;
  s.ledger_month = MonthOf(s.today);
  s.effects.push_back(EffReload{});
  return s;
}

void Apply(AppState& state, const Action& action) {
  const bool is_input = !std::holds_alternative<act::Tick>(action) &&
                        !std::holds_alternative<act::SyncUpdate>(action) &&
                        !std::holds_alternative<act::PeerSyncUpdate>(action) &&
                        !std::holds_alternative<act::Maintenance>(action);
  // During the nightly compaction no input reaches the screens (nothing is
  // written to the replica meanwhile); it does not count as activity.
  if (is_input && state.maintenance) return;
  // While « Besoin de plus de temps ? » covers the form, a key or touch only
  // gives more time (the control under the prompt is not reached); a
  // scanned QR still checks in.
  if (is_input && IdlePromptShown(state) && !std::holds_alternative<act::ScanCheckIn>(action)) {
    state.last_input_ms = state.now_ms;
    ++state.version;
    return;
  }
  if (is_input) state.last_input_ms = state.now_ms;
  // Cheap change detection for the redraw-on-change loop.
  const Screen before_screen = state.screen;
  const int64_t before_last = state.last_input_ms;
  const size_t before_fx = state.effects.size();
  const InputField before_field = state.form.active;
  const bool before_prompt = IdlePromptShown(state);
  std::visit(Visitor{state}, action);
  // A new screen or keypad starts on its first control.
  if (state.screen != before_screen || state.form.active != before_field) ResetFocus(state);
  if (IdlePromptShown(state) != before_prompt) ++state.version;  // draw or hide it
  if (is_input || state.screen != before_screen || state.effects.size() != before_fx ||
      state.last_input_ms != before_last || std::holds_alternative<act::SyncUpdate>(action))
    ++state.version;
}

}  // namespace relais::kiosk
