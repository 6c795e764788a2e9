#include "kiosk/app/focus.h"

#include <cctype>

#include "kiosk/app/apply.h"
#include "kiosk/app/i18n.h"

namespace relais::kiosk {

namespace {

// On-screen keypads; the UI draws the same strings (screen_public.cc).
constexpr char kCodeKeys[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
constexpr char kDigitKeys[] = "1234567890";
constexpr char kLetterKeys[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

bool InputScreen(Screen s) {
  return s == Screen::kCheckInCode || s == Screen::kCheckInBirth ||
         s == Screen::kCheckInChoose || s == Screen::kStaffPin;
}

void AddKeys(std::vector<Control>* out, const char* keys, int cols) {
  const int start = static_cast<int>(out->size());
  const int len = static_cast<int>(std::string(keys).size());
  for (const char* k = keys; *k; ++k) {
    Control c{std::string("key:") + *k, act::Keypad{std::string(1, *k)}};
    c.cols = cols;
    c.grid_start = start;
    c.grid_len = len;
    out->push_back(std::move(c));
  }
}

// Effacer, ←, Valider (enabled when the form is complete), Retour.
void AddEditRow(std::vector<Control>* out, Action validate, bool can_validate) {
  out->push_back({"clear", act::Keypad{"CLEAR"}});
  out->push_back({"erase", act::Keypad{"BACK"}});
  out->push_back({"validate", std::move(validate), can_validate});
  out->push_back({"back", act::Navigate{Screen::kWelcome}});
}

// The public top bar: « Écouter », « A+ », « Contraste », language.
void AddToolbar(std::vector<Control>* out) {
  out->push_back({"a11y:listen", act::Speak{}});
  out->push_back({"a11y:scale", act::ToggleTextScale{}});
  out->push_back({"a11y:contrast", act::ToggleHighContrast{}});
  out->push_back({"lang", act::ToggleLanguage{}});
}

bool PinUserListShown(const AppState& s) {
  return s.form.pin_user.empty() && !PinUsers(s).empty();
}

int DefaultFocus(const std::vector<Control>& controls) {
  for (size_t i = 0; i < controls.size(); ++i)
    if (controls[i].id.rfind("key:", 0) == 0) return static_cast<int>(i);
  return 0;
}

int ValidateIndex(const std::vector<Control>& controls) {
  for (size_t i = 0; i < controls.size(); ++i)
    if (controls[i].id == "validate" && controls[i].enabled) return static_cast<int>(i);
  return -1;
}

// After a character went in: once the form can be validated, the focus
// goes to « Valider » so Enter validates.
void FocusValidateIfReady(AppState& s) {
  const int v = ValidateIndex(FocusableControls(s));
  if (v >= 0) s.focus[s.screen] = v;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> PinUsers(const AppState& s) {
  std::vector<std::pair<std::string, std::string>> users;
  for (const common::Practitioner& p : s.practitioners)
    if (!p.pin_hash.empty()) users.emplace_back(p.id, p.name);
  if (!s.secretariat_pin_hash.empty())
    users.emplace_back(kSecretariat, Tr(s.lang, Msg::kSecretariat));
  return users;
}

bool KeyboardScreen(const AppState& s) {
  return !IsStaffScreen(s.screen);  // a locked staff screen shows the welcome
}

bool IdlePromptShown(const AppState& s) {
  if (!InputScreen(s.screen)) return false;
  const int64_t idle = s.now_ms - s.last_input_ms;
  return idle >= kPublicIdleMs && idle < kPublicIdleMs + kIdlePromptMs;
}

bool WindowCloseAllowed(const AppState& s) { return s.staff_unlocked; }

std::vector<Control> FocusableControls(const AppState& s) {
  std::vector<Control> out;
  if (!KeyboardScreen(s)) return out;
  if (IdlePromptShown(s)) {
    out.push_back({"idle:extend", act::ExtendTime{}});
    return out;
  }
  const CheckInForm& f = s.form;
  switch (s.screen) {
    case Screen::kCheckInCode:
      AddKeys(&out, kCodeKeys, s.reach_low ? 16 : 12);
      AddEditRow(&out, act::CheckInByCode{f.code}, f.code.size() == 6);
      out.push_back({"with-birth", act::Navigate{Screen::kCheckInBirth}});
      break;
    case Screen::kCheckInBirth:
      out.push_back({"field:birth", act::FocusField{InputField::kBirth}});
      out.push_back({"field:letters", act::FocusField{InputField::kLetters}});
      if (f.active == InputField::kLetters) AddKeys(&out, kLetterKeys, 13);
      else AddKeys(&out, kDigitKeys, 10);
      AddEditRow(&out, act::CheckInByBirth{f.birth, f.letters},
                 f.birth.size() == 8 && f.letters.size() == 3);
      break;
    case Screen::kCheckInDone:
      out.push_back({"done", act::Navigate{Screen::kWelcome}});
      break;
    case Screen::kTicket:  // walk-in ticket (walkin.h)
      out.push_back({"ticket:ok", act::Navigate{Screen::kWelcome}});
      break;
    case Screen::kCheckInChoose:
      for (size_t i = 0; i < s.checkin.choices.size(); ++i)
        out.push_back({"choice:" + std::to_string(i), act::ChooseAppointment{i}});
      out.push_back({"none", act::ChooseAppointment{s.checkin.choices.size()}});
      break;
    case Screen::kStaffPin:
      if (PinUserListShown(s)) {
        for (const auto& [id, name] : PinUsers(s))
          out.push_back({"user:" + id, act::ChooseStaffUser{id}});
        out.push_back({"back", act::Navigate{Screen::kWelcome}});
      } else {
        AddKeys(&out, kDigitKeys, s.reach_low ? 10 : 3);
        AddEditRow(&out, act::UnlockStaff{f.pin, f.pin_user}, f.pin.size() >= 4);
      }
      break;
    default:  // welcome
      out.push_back({"arrived", act::Navigate{Screen::kCheckInCode}});
      out.push_back({"no-appointment", act::Walkin{act::TakeTicket{}}});
      break;
  }
  AddToolbar(&out);
  if (s.screen == Screen::kWelcome)
    out.push_back({"staff", act::Navigate{Screen::kPlanning}});
  return out;
}

int FocusedIndex(const AppState& s) {
  const std::vector<Control> controls = FocusableControls(s);
  if (controls.empty()) return -1;
  auto it = s.focus.find(s.screen);
  int i = it == s.focus.end() ? DefaultFocus(controls) : it->second;
  if (IdlePromptShown(s)) i = 0;
  const int n = static_cast<int>(controls.size());
  return i < 0 ? 0 : (i >= n ? n - 1 : i);
}

std::string FocusedControlId(const AppState& s) {
  const int i = FocusedIndex(s);
  return i < 0 ? std::string() : FocusableControls(s)[i].id;
}

void ResetFocus(AppState& s) {
  s.focus[s.screen] = DefaultFocus(FocusableControls(s));
}

void ApplyMoveFocus(AppState& s, FocusDir dir) {
  const std::vector<Control> controls = FocusableControls(s);
  const int n = static_cast<int>(controls.size());
  const int i = FocusedIndex(s);
  if (i < 0) return;
  const Control& c = controls[i];
  int next = i;
  const int pos = i - c.grid_start;
  if (dir == FocusDir::kDown && c.cols > 0) {
    const int last_row = (c.grid_len - 1) / c.cols;
    if (pos + c.cols < c.grid_len) next = i + c.cols;
    else if (pos / c.cols < last_row) next = c.grid_start + c.grid_len - 1;
    else next = c.grid_start + c.grid_len;  // leaves the keypad downwards
  } else if (dir == FocusDir::kUp && c.cols > 0) {
    next = pos >= c.cols ? i - c.cols : c.grid_start - 1;
  } else if (dir == FocusDir::kNext || dir == FocusDir::kDown) {
    next = i + 1;
  } else {
    next = i - 1;
  }
  s.focus[s.screen] = ((next % n) + n) % n;
}

void ApplyActivate(AppState& s) {
  const int i = FocusedIndex(s);
  if (i < 0) return;
  const std::vector<Control> controls = FocusableControls(s);
  const Control& c = controls[i];
  if (!c.enabled) return;
  const Screen before = s.screen;
  Apply(s, c.action);
  if (s.screen == before && c.id.rfind("key:", 0) == 0) FocusValidateIfReady(s);
}

void ApplyBack(AppState& s) {
  switch (s.screen) {
    case Screen::kCheckInCode:
    case Screen::kCheckInBirth:
    case Screen::kCheckInDone:
    case Screen::kCheckInChoose:
    case Screen::kTicket:
      Apply(s, act::Navigate{Screen::kWelcome});
      break;
    case Screen::kStaffPin:
      if (!s.form.pin_user.empty() && !PinUsers(s).empty())
        Apply(s, act::ChooseStaffUser{""});
      else
        Apply(s, act::Navigate{Screen::kWelcome});
      break;
    default:
      break;  // the welcome screen: nowhere to go back to
  }
}

void ApplyTypeChar(AppState& s, char c) {
  const unsigned char u = static_cast<unsigned char>(c);
  bool take = false;
  switch (s.screen) {
    case Screen::kCheckInCode:
      take = std::isalnum(u) != 0;
      break;
    case Screen::kCheckInBirth:
      take = s.form.active == InputField::kLetters ? std::isalpha(u) != 0
                                                   : std::isdigit(u) != 0;
      break;
    case Screen::kStaffPin:
      take = !PinUserListShown(s) && std::isdigit(u) != 0;
      break;
    default:
      break;
  }
  if (!take) return;
  Apply(s, act::Keypad{std::string(1, c)});
  FocusValidateIfReady(s);
}

void ApplyEraseChar(AppState& s) {
  if (s.screen == Screen::kCheckInCode || s.screen == Screen::kCheckInBirth ||
      (s.screen == Screen::kStaffPin && !PinUserListShown(s)))
    Apply(s, act::Keypad{"BACK"});
}

}  // namespace relais::kiosk
