#include "kiosk/app/screen_speech.h"

#include <cstdio>

#include "kiosk/app/a11y_text.h"
#include "kiosk/app/walkin.h"
#include "kiosk/app/i18n.h"

namespace relais::kiosk {

namespace {

// Sentences joined with spaces; each gets a final period if it has none
// (espeak-ng pauses on it).
class Speech {
 public:
  explicit Speech(Lang lang) : lang_(lang) {}
  Speech& Say(const std::string& s) {
    if (s.empty()) return *this;
    if (!out_.empty()) out_ += ' ';
    out_ += s;
    const char last = s.back();
    if (last != '.' && last != '?' && last != '!' && last != ':') out_ += '.';
    return *this;
  }
  Speech& Say(Msg m) { return Say(Tr(lang_, m)); }
  Speech& Say(A11yMsg m) { return Say(TrA11y(lang_, m)); }
  std::string Take() { return std::move(out_); }
  Lang lang() const { return lang_; }

 private:
  Lang lang_;
  std::string out_;
};

// "10:30" -> "10 h 30" in French (espeak-ng reads it as an hour).
std::string SpokenTime(Lang lang, const std::string& hhmm) {
  if (lang != Lang::kFr || hhmm.size() != 5 || hhmm[2] != ':') return hhmm;
  return hhmm.substr(0, 2) + " h " + hhmm.substr(3, 2);
}

std::string Format(const char* fmt, int a, int b = 0) {
  char buf[128];
  std::snprintf(buf, sizeof buf, fmt, a, b);
  return buf;
}

void Done(const AppState& s, Speech& sp) {
  const CheckInResult& r = s.checkin;
  if (!r.ok) {
    sp.Say(Msg::kSeeDesk).Say(r.no_appointment ? Msg::kNoAppointmentHelp : Msg::kSeeDeskSub);
    return;
  }
  sp.Say(Msg::kCheckedIn)
      .Say(std::string(Tr(s.lang, Msg::kWithPractitioner)) + " " + r.practitioner_name + " " +
           Tr(s.lang, Msg::kAppointmentAt) + " " + SpokenTime(s.lang, r.start_hhmm));
  if (!r.room.empty()) sp.Say(std::string(Tr(s.lang, Msg::kRoom)) + " " + r.room);
  if (r.patients_before == 0) sp.Say(Msg::kPatientsBefore0);
  else if (r.patients_before == 1) sp.Say(Msg::kPatientsBefore1);
  else sp.Say(Format(Tr(s.lang, Msg::kPatientsBeforeN), r.patients_before));
  sp.Say(Msg::kPleaseSit).Say(A11yMsg::kChoices).Say("OK");
}

void Choose(const AppState& s, Speech& sp) {
  sp.Say(Msg::kWhichPractitioner);
  for (size_t i = 0; i < s.checkin.choices.size(); ++i) {
    const auto& c = s.checkin.choices[i];
    char buf[256];
    std::snprintf(buf, sizeof buf, TrA11y(s.lang, A11yMsg::kNumberedChoice),
                  static_cast<int>(i + 1), c.practitioner_name.c_str(),
                  SpokenTime(s.lang, c.start_hhmm).c_str());
    sp.Say(buf);
  }
  sp.Say(Msg::kNoneOfThese);
}

void Pin(const AppState& s, Speech& sp) {
  sp.Say(Msg::kStaff);
  bool names = false;
  if (s.form.pin_user.empty()) {
    for (const common::Practitioner& p : s.practitioners) {
      if (p.pin_hash.empty()) continue;
      if (!names) sp.Say(Msg::kWhoAreYou).Say(A11yMsg::kStaffNames);
      names = true;
      sp.Say(p.name);
    }
    if (!s.secretariat_pin_hash.empty()) {
      if (!names) sp.Say(Msg::kWhoAreYou).Say(A11yMsg::kStaffNames);
      names = true;
      sp.Say(Msg::kSecretariat);
    }
  }
  if (!names) {
    sp.Say(Msg::kEnterPin).Say(Format(TrA11y(s.lang, A11yMsg::kPinTyped),
                                      static_cast<int>(s.form.pin.size())));
  }
  sp.Say(A11yMsg::kChoices).Say(Msg::kValidate).Say(Msg::kClear).Say(Msg::kBack);
}

}  // namespace

std::string ScreenSpeech(const AppState& s) {
  if (IsStaffScreen(s.screen)) return "";
  Speech sp(s.lang);
  switch (s.screen) {
    case Screen::kWelcome:
      sp.Say(Msg::kWelcomeTitle).Say(Msg::kWelcomeSub).Say(A11yMsg::kChoices)
          .Say(Msg::kArrived).Say(Msg::kNoAppointment).Say(A11yMsg::kScanHint);
      break;
    case Screen::kCheckInCode:
      sp.Say(Msg::kEnterCode).Say(Msg::kCodeHint)
          .Say(Format(TrA11y(s.lang, A11yMsg::kTypedOf), static_cast<int>(s.form.code.size()), 6))
          .Say(A11yMsg::kChoices).Say(Msg::kValidate).Say(Msg::kClear).Say(Msg::kWithBirth)
          .Say(Msg::kBack).Say(A11yMsg::kScanHint);
      break;
    case Screen::kCheckInBirth:
      sp.Say(Msg::kBirthDate)
          .Say(Format(TrA11y(s.lang, A11yMsg::kTypedOf), static_cast<int>(s.form.birth.size()), 8))
          .Say(Msg::kFirstLetters)
          .Say(Format(TrA11y(s.lang, A11yMsg::kTypedOf),
                      static_cast<int>(s.form.letters.size()), 3))
          .Say(A11yMsg::kChoices).Say(Msg::kValidate).Say(Msg::kClear).Say(Msg::kBack);
      break;
    case Screen::kCheckInDone: Done(s, sp); break;
    case Screen::kCheckInChoose: Choose(s, sp); break;
    case Screen::kStaffPin: Pin(s, sp); break;
    case Screen::kTicket: sp.Say(TicketSpeech(s)); break;  // walkin.h: no name
    default: break;
  }
  sp.Say(A11yMsg::kSpeakKey);
  return sp.Take();
}

}  // namespace relais::kiosk
