// Public screens: welcome, check-in by code or birth date, confirmation and
// the staff PIN pad. They never show a schedule or any patient name. Colours
// come from Pal() (normal or high contrast, kiosk/ui/theme.h).
#include <cstdio>

#include "kiosk/app/focus.h"
#include "kiosk/app/i18n.h"
#include "kiosk/ui/public_parts.h"
#include "kiosk/ui/screens.h"
#include "kiosk/ui/widgets.h"

namespace relais::kiosk::ui {

namespace {

using pub::CenterBlock;
using pub::FieldBoxes;
using pub::Gap;
using pub::Keys;

// Big "Retour" at the bottom left of every public input screen.
void BackRow(const AppState& s, UiScratch& ui, std::vector<Action>* out) {
  ImGui::SetCursorPos(ImVec2(24, ImGui::GetWindowHeight() - kTouch - 16));
  pub::BackButton(s, ui, out, 260);
}

// Effacer / ← / Valider row under a keypad.
bool EditRow(const AppState& s, UiScratch& ui, std::vector<Action>* out,
             bool can_validate) {
  PushFontOr(ui.fonts.large);
  CenterBlock(FitWidth(Tr(s.lang, Msg::kClear), 200) + FitWidth("<-##back", 140) +
              FitWidth(Tr(s.lang, Msg::kValidate), 300) + 20);
  pub::ClearErase(s, ui, out);
  ImGui::SameLine(0, 10);
  const bool ok = pub::Validate(s, ui, can_validate);
  PopFontOr(ui.fonts.large);
  return ok;
}

void DrawWelcome(const AppState& s, UiScratch& ui, std::vector<Action>* out) {
  Gap(40);
  CenteredText(Tr(s.lang, Msg::kWelcomeTitle), ui.fonts.title, Pal().ink);
  Gap(6);
  CenteredText(Tr(s.lang, Msg::kWelcomeSub), ui.fonts.large, Pal().muted);
  Gap(40);
  pub::ArrivedButton(s, ui, out, 150);
  Gap(24);
  pub::NoAppointmentButton(s, ui, out, 90);
  // The staff entry is not for patients: it keeps its size at « A+ ».
  pub::StaffButton(s, ui, out,
                   ImVec2(ImGui::GetWindowWidth() - 250, ImGui::GetWindowHeight() - 64), 230);
}

void DrawCode(const AppState& s, UiScratch& ui, std::vector<Action>* out) {
  Gap(4);
  CenteredText(Tr(s.lang, Msg::kEnterCode), ui.fonts.large, Pal().ink);
  CenteredText(Tr(s.lang, Msg::kCodeHint), nullptr, Pal().muted);
  Gap(4);
  CenterBlock(6 * 80 - 10);
  FieldBoxes(s, ui, out, s.form.code, 6, InputField::kCode, "##codefield", "");
  Gap(6);
  Keys(ui, out, pub::kCodeKeys, 12);
  Gap(4);
  if (EditRow(s, ui, out, s.form.code.size() == 6))
    out->push_back(act::CheckInByCode{s.form.code});
  BackRow(s, ui, out);
  PushFontOr(ui.fonts.large);
  const float birth_w = FitWidth(Tr(s.lang, Msg::kWithBirth), 516);
  ImGui::SetCursorPos(
      ImVec2(ImGui::GetWindowWidth() - birth_w - 24, ImGui::GetWindowHeight() - kTouch - 16));
  pub::WithBirthButton(s, ui, out, 516);
  PopFontOr(ui.fonts.large);
}

void DrawBirth(const AppState& s, UiScratch& ui, std::vector<Action>* out) {
  CenteredText(Tr(s.lang, Msg::kBirthDate), ui.fonts.large, Pal().ink);
  CenterBlock(10 * 80 - 10);
  FieldBoxes(s, ui, out, pub::BirthMask(s.form.birth), 10, InputField::kBirth, "##birthfield",
             "field:birth");
  Gap(2);
  CenteredText(Tr(s.lang, Msg::kFirstLetters), ui.fonts.large, Pal().ink);
  CenterBlock(3 * 80 - 10);
  FieldBoxes(s, ui, out, s.form.letters, 3, InputField::kLetters, "##lettersfield",
             "field:letters");
  Gap(4);
  if (s.form.active == InputField::kLetters) {
    Keys(ui, out, pub::kLetterKeys, 13);
  } else {
    Keys(ui, out, pub::kDigitKeys, 10);
  }
  Gap(4);
  const bool ready = s.form.birth.size() == 8 && s.form.letters.size() == 3;
  if (EditRow(s, ui, out, ready))
    out->push_back(act::CheckInByBirth{s.form.birth, s.form.letters});
  BackRow(s, ui, out);
}

void DrawDone(const AppState& s, UiScratch& ui, std::vector<Action>* out) {
  pub::DrawDoneTexts(s, ui);
  Gap(40);
  pub::DoneButton(ui, out);
}

// "Avec quel professionnel ?": one big button per practitioner (names and
// times only, never the patient's), and a way out to the secretariat.
void DrawChoose(const AppState& s, UiScratch& ui, std::vector<Action>* out) {
  Gap(30);
  CenteredText(Tr(s.lang, Msg::kWhichPractitioner), ui.fonts.title, Pal().ink);
  Gap(20);
  PushFontOr(ui.fonts.large);
  for (size_t i = 0; i < s.checkin.choices.size(); ++i) {
    const auto& c = s.checkin.choices[i];
    const std::string label = c.practitioner_name + "  ·  " + c.start_hhmm + "##choice" +
                              std::to_string(i);
    CenterBlock(FitWidth(label.c_str(), 620));
    if (Button(ui, label.c_str(), ImVec2(620, 90), Pal().primary, Pal().on_primary))
      out->push_back(act::ChooseAppointment{i});
    MarkControl(ui, "choice:" + std::to_string(i));
    Gap(8);
  }
  Gap(12);
  const std::string none = std::string(Tr(s.lang, Msg::kNoneOfThese)) + "##none";
  CenterBlock(FitWidth(none.c_str(), 620));
  if (Button(ui, none.c_str(), ImVec2(620, 80), Pal().light, Pal().light_accent))
    out->push_back(act::ChooseAppointment{s.checkin.choices.size()});
  MarkControl(ui, "none");
  PopFontOr(ui.fonts.large);
}

// "Qui êtes-vous ?": one button per staff member with a PIN. Choosing
// first means one Argon2id check per attempt and a lockout per person.
bool DrawPinUsers(const AppState& s, UiScratch& ui, std::vector<Action>* out) {
  const std::vector<std::pair<std::string, std::string>> users = PinUsers(s);
  if (users.empty() || !s.form.pin_user.empty()) return false;
  Gap(10);
  CenteredText(Tr(s.lang, Msg::kWhoAreYou), ui.fonts.large, Pal().ink);
  PushFontOr(ui.fonts.large);
  for (const auto& [id, name] : users) {
    const std::string label = name + "##user" + id;
    CenterBlock(FitWidth(label.c_str(), 520));
    if (Button(ui, label.c_str(), ImVec2(520, 64), Pal().primary, Pal().on_primary))
      out->push_back(act::ChooseStaffUser{id});
    MarkControl(ui, "user:" + id);
    Gap(4);
  }
  PopFontOr(ui.fonts.large);
  BackRow(s, ui, out);
  return true;
}

void DrawPin(const AppState& s, UiScratch& ui, std::vector<Action>* out) {
  if (DrawPinUsers(s, ui, out)) return;
  Gap(10);
  CenteredText(Tr(s.lang, Msg::kEnterPin), ui.fonts.large, Pal().ink);
  if (!s.message.empty() && s.message_is_error)
    CenteredText(s.message, nullptr, Pal().danger_text);
  CenterBlock(6 * 80 - 10);
  FieldBoxes(s, ui, out, std::string(s.form.pin.size(), '*'), 6, InputField::kPin,
             "##pinfield", "");
  Gap(8);
  Keys(ui, out, "123456789", 3);
  Keys(ui, out, "0", 1);
  Gap(4);
  if (EditRow(s, ui, out, s.form.pin.size() >= 4))
    out->push_back(act::UnlockStaff{s.form.pin, s.form.pin_user});
  BackRow(s, ui, out);
}

}  // namespace

void DrawPublic(const AppState& s, UiScratch& ui, std::vector<Action>* out) {
  pub::SetScale(static_cast<float>(s.text_scale_pct) / 100);
  if (IdlePromptShown(s)) return pub::DrawIdlePrompt(s, ui, out, s.reach_low);
  if (s.reach_low) return DrawPublicReach(s, ui, out);
  static constexpr pub::Layout kLayout{DrawCode, DrawBirth, DrawDone,
                                       DrawChoose, DrawPin, DrawWelcome};
  pub::DrawLayout(kLayout, s, ui, out);
}

}  // namespace relais::kiosk::ui

namespace relais::kiosk::ui::pub {

void DrawDoneTexts(const AppState& s, UiScratch& ui) {
  Gap(50);
  const CheckInResult& r = s.checkin;
  if (r.ok) {
    CenteredText(Tr(s.lang, Msg::kCheckedIn), ui.fonts.title, Pal().ok_text);
    Gap(20);
    CenteredText(std::string(Tr(s.lang, Msg::kWithPractitioner)) + " " +
                     r.practitioner_name + " " + Tr(s.lang, Msg::kAppointmentAt) +
                     " " + r.start_hhmm,
                 ui.fonts.large, Pal().ink);
    if (!r.room.empty())
      CenteredText(std::string(Tr(s.lang, Msg::kRoom)) + " " + r.room, ui.fonts.large,
                   Pal().ink);
    char buf[96];
    if (r.patients_before == 0) std::snprintf(buf, sizeof buf, "%s", Tr(s.lang, Msg::kPatientsBefore0));
    else if (r.patients_before == 1) std::snprintf(buf, sizeof buf, "%s", Tr(s.lang, Msg::kPatientsBefore1));
    else std::snprintf(buf, sizeof buf, Tr(s.lang, Msg::kPatientsBeforeN), r.patients_before);
    Gap(12);
    CenteredText(buf, ui.fonts.large, Pal().accent_text);
    CenteredText(Tr(s.lang, Msg::kPleaseSit), ui.fonts.large, Pal().muted);
  } else {
    CenteredText(Tr(s.lang, Msg::kSeeDesk), ui.fonts.title, Pal().warn_text);
    Gap(20);
    CenteredText(Tr(s.lang, r.no_appointment ? Msg::kNoAppointmentHelp : Msg::kSeeDeskSub),
                 ui.fonts.large, Pal().ink);
  }
}

}  // namespace relais::kiosk::ui::pub
