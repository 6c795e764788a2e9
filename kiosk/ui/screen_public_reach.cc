// « Boutons en bas » (AppState::reach_low, --reach-low or the staff toggle):
// the public screens for a seated user. Texts stay in the upper half; every
// control starts below the middle of the screen (ReachSplit) and the last
// row (« Retour », « Écouter », « A+ », « Contraste », language: ui.cc) sits
// just above the status bar. Checked by ReachTest at 1280x800 and 1920x1080.
#include <algorithm>

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

constexpr float kBox = 56;      // typed-character boxes
constexpr float kReachKey = 68;  // keypad keys (64 px high)

// Moves the cursor below the middle of the screen.
void ReachSplit() {
  const float mid = ImGui::GetIO().DisplaySize.y / 2 + 4;
  const ImVec2 p = ImGui::GetCursorScreenPos();
  if (p.y < mid) ImGui::SetCursorScreenPos(ImVec2(p.x, mid));
}

// The bottom row's top, in the content window's coordinates (the toolbar
// of ui.cc shares it on the right).
float BottomRowY() { return ImGui::GetWindowHeight() - kTouch - 12; }

// « Retour » at the start of the bottom row. The row's labels stop at 150 %
// (as the keys) so it keeps its height above the status bar at « A+ » 200 %;
// the caller restores the scale after the row (EndBottomRow).
void BottomBack(const AppState& s, UiScratch& ui, std::vector<Action>* out) {
  ImGui::SetWindowFontScale(pub::Scale() > 1.5f ? 1.5f : pub::Scale());
  ImGui::SetCursorPos(ImVec2(0, BottomRowY()));
  pub::BackButton(s, ui, out, 180);
}
void EndBottomRow() { ImGui::SetWindowFontScale(pub::Scale()); }

// Row of `n` boxes + Effacer / ← (+ Valider when `validate`).
bool FieldRow(const AppState& s, UiScratch& ui, std::vector<Action>* out,
              const std::string& value, size_t n, InputField field, const char* id,
              const std::string& control, bool validate, bool can_validate) {
  FieldBoxes(s, ui, out, value, n, field, id, control, kBox);
  PushFontOr(ui.fonts.large);
  ImGui::SameLine(0, 24);
  pub::ClearErase(s, ui, out);
  bool ok = false;
  if (validate) {
    ImGui::SameLine(0, 10);
    ok = pub::Validate(s, ui, can_validate);
  }
  PopFontOr(ui.fonts.large);
  return ok;
}

void Welcome(const AppState& s, UiScratch& ui, std::vector<Action>* out) {
  Gap(30);
  CenteredText(Tr(s.lang, Msg::kWelcomeTitle), ui.fonts.title, Pal().ink);
  CenteredText(Tr(s.lang, Msg::kWelcomeSub), ui.fonts.large, Pal().muted);
  ReachSplit();
  pub::ArrivedButton(s, ui, out, 120);
  pub::NoAppointmentButton(s, ui, out, 80);
  pub::StaffButton(s, ui, out, ImVec2(0, BottomRowY() + 8), 200);
}

void Code(const AppState& s, UiScratch& ui, std::vector<Action>* out) {
  Gap(20);
  CenteredText(Tr(s.lang, Msg::kEnterCode), ui.fonts.large, Pal().ink);
  CenteredText(Tr(s.lang, Msg::kCodeHint), nullptr, Pal().muted);
  ReachSplit();
  if (FieldRow(s, ui, out, s.form.code, 6, InputField::kCode, "##codefield", "", true,
               s.form.code.size() == 6))
    out->push_back(act::CheckInByCode{s.form.code});
  Keys(ui, out, pub::kCodeKeys, 16, kReachKey);
  BottomBack(s, ui, out);
  ImGui::SameLine(0, 10);
  PushFontOr(ui.fonts.large);
  pub::WithBirthButton(s, ui, out, 400);
  PopFontOr(ui.fonts.large);
  EndBottomRow();
}

void Birth(const AppState& s, UiScratch& ui, std::vector<Action>* out) {
  Gap(20);
  CenteredText(Tr(s.lang, Msg::kBirthDate), ui.fonts.large, Pal().ink);
  CenteredText(Tr(s.lang, Msg::kFirstLetters), ui.fonts.large, Pal().ink);
  ReachSplit();
  FieldBoxes(s, ui, out, pub::BirthMask(s.form.birth), 10, InputField::kBirth, "##birthfield", "field:birth", kBox);
  ImGui::SameLine(0, 24);
  FieldRow(s, ui, out, s.form.letters, 3, InputField::kLetters, "##lettersfield",
           "field:letters", false, false);
  if (s.form.active == InputField::kLetters) Keys(ui, out, pub::kLetterKeys, 13, kReachKey + 12);
  else Keys(ui, out, pub::kDigitKeys, 10, kReachKey + 12);
  BottomBack(s, ui, out);
  ImGui::SameLine(0, 10);
  PushFontOr(ui.fonts.large);
  const bool ready = s.form.birth.size() == 8 && s.form.letters.size() == 3;
  if (pub::Validate(s, ui, ready)) out->push_back(act::CheckInByBirth{s.form.birth, s.form.letters});
  PopFontOr(ui.fonts.large);
  EndBottomRow();
}

void Done(const AppState& s, UiScratch& ui, std::vector<Action>* out) {
  // The confirmation's texts, then its button below the middle.
  pub::DrawDoneTexts(s, ui);
  ReachSplit();
  pub::DoneButton(ui, out);
}

// Buttons `w` x kTouch+8 in a grid of at most `cols`, centred; fewer
// columns when the labels (« A+ ») make the buttons wider than the screen.
void Grid(UiScratch& ui, const std::vector<std::string>& labels,
          const std::vector<std::string>& ids, int cols, float w, unsigned fill,
          unsigned text, std::vector<int>* pressed) {
  for (const std::string& l : labels) w = std::max(w, FitWidth(l.c_str(), w));
  while (cols > 1 && cols * (w + 10) - 10 > ImGui::GetContentRegionAvail().x) --cols;
  CenterBlock(cols * (w + 10) - 10);
  const float x0 = ImGui::GetCursorPosX();
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i % cols != 0) ImGui::SameLine(0, 10);
    else if (i > 0) ImGui::SetCursorPosX(x0);
    if (Button(ui, labels[i].c_str(), ImVec2(w, kTouch + 8), fill, text))
      pressed->push_back(static_cast<int>(i));
    MarkControl(ui, ids[i]);
  }
}

void Choose(const AppState& s, UiScratch& ui, std::vector<Action>* out) {
  Gap(20);
  CenteredText(Tr(s.lang, Msg::kWhichPractitioner), ui.fonts.title, Pal().ink);
  ReachSplit();
  std::vector<std::string> labels, ids;
  for (size_t i = 0; i < s.checkin.choices.size(); ++i) {
    const auto& c = s.checkin.choices[i];
    labels.push_back(c.practitioner_name + "  ·  " + c.start_hhmm + "##choice" +
                     std::to_string(i));
    ids.push_back("choice:" + std::to_string(i));
  }
  labels.push_back(std::string(Tr(s.lang, Msg::kNoneOfThese)) + "##none");
  ids.push_back("none");
  std::vector<int> pressed;
  PushFontOr(ui.fonts.large);
  Grid(ui, labels, ids, 2, 600, Pal().primary, Pal().on_primary, &pressed);
  PopFontOr(ui.fonts.large);
  for (int i : pressed) out->push_back(act::ChooseAppointment{static_cast<size_t>(i)});
}

void Pin(const AppState& s, UiScratch& ui, std::vector<Action>* out) {
  const auto users = PinUsers(s);
  Gap(20);
  if (!users.empty() && s.form.pin_user.empty()) {
    CenteredText(Tr(s.lang, Msg::kWhoAreYou), ui.fonts.large, Pal().ink);
    ReachSplit();
    std::vector<std::string> labels, ids;
    for (const auto& [id, name] : users) {
      labels.push_back(name + "##user" + id);
      ids.push_back("user:" + id);
    }
    std::vector<int> pressed;
    PushFontOr(ui.fonts.large);
    Grid(ui, labels, ids, 3, 400, Pal().primary, Pal().on_primary, &pressed);
    PopFontOr(ui.fonts.large);
    for (int i : pressed) out->push_back(act::ChooseStaffUser{users[i].first});
    BottomBack(s, ui, out);
    EndBottomRow();
    return;
  }
  CenteredText(Tr(s.lang, Msg::kEnterPin), ui.fonts.large, Pal().ink);
  if (!s.message.empty() && s.message_is_error)
    CenteredText(s.message, nullptr, Pal().danger_text);
  ReachSplit();
  if (FieldRow(s, ui, out, std::string(s.form.pin.size(), '*'), 6, InputField::kPin,
               "##pinfield", "", true, s.form.pin.size() >= 4))
    out->push_back(act::UnlockStaff{s.form.pin, s.form.pin_user});
  Keys(ui, out, pub::kDigitKeys, 10, kReachKey + 12);
  BottomBack(s, ui, out);
  EndBottomRow();
}

}  // namespace

void DrawPublicReach(const AppState& s, UiScratch& ui, std::vector<Action>* out) {
  static constexpr pub::Layout kLayout{Code, Birth, Done, Choose, Pin, Welcome};
  pub::DrawLayout(kLayout, s, ui, out);
}

}  // namespace relais::kiosk::ui
