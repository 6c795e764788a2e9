#include "kiosk/ui/public_parts.h"

#include <cstdio>

#include "kiosk/app/a11y_text.h"
#include "kiosk/app/i18n.h"
#include "kiosk/ui/widgets.h"

namespace relais::kiosk::ui::pub {

namespace {
float g_scale = 1.0f;  // UI thread only
}  // namespace

void SetScale(float scale) { g_scale = scale < 1.0f ? 1.0f : scale; }
float Scale() { return g_scale; }

void Gap(float h) { ImGui::Dummy(ImVec2(0, h / g_scale)); }
float KeyHeight() { return g_scale > 1.0f ? kTouch : kKey - 8; }

void CenterBlock(float w) {
  const float avail = ImGui::GetContentRegionAvail().x;
  if (w < avail) ImGui::SetCursorPosX(ImGui::GetCursorPosX() + (avail - w) / 2);
}

void FieldBoxes(const AppState& s, UiScratch& ui, std::vector<Action>* out,
                const std::string& value, size_t n, InputField field, const char* id,
                const std::string& control, float box) {
  const bool active = s.form.active == field;
  const float gap = box >= 70 ? 10 : 8;
  const float total = n * (box + gap) - gap;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const float h = box >= 70 ? box + 10 : kTouch;
  PushFontOr(ui.fonts.title);
  if (box < 70) ImGui::SetWindowFontScale(0.8f);
  for (size_t i = 0; i < n; ++i) {
    const ImVec2 a(p.x + i * (box + gap), p.y), b(a.x + box, a.y + h);
    dl->AddRectFilled(a, b, Col(Pal().field), 8);
    dl->AddRect(a, b, Col(active ? Pal().accent_text : Pal().field_border), 8, 0,
                active ? 4.0f : 2.0f);
    if (i < value.size()) {
      char c[2] = {value[i], 0};
      const ImVec2 ts = ImGui::CalcTextSize(c);
      dl->AddText(ImVec2(a.x + (box - ts.x) / 2, a.y + (h - ts.y) / 2), Col(Pal().on_field), c);
    }
  }
  if (box < 70) ImGui::SetWindowFontScale(g_scale);
  PopFontOr(ui.fonts.title);
  ImGui::SetCursorScreenPos(p);
  if (ImGui::InvisibleButton(id, ImVec2(total, h))) out->push_back(act::FocusField{field});
  RememberRect(ui, id);
  if (!control.empty()) MarkControl(ui, control);
}

void Keys(UiScratch& ui, std::vector<Action>* out, const char* keys, int cols, float key_w) {
  const std::string all(keys);
  const float gap = key_w >= kKey ? 10 : 8;
  CenterBlock(cols * (key_w + gap) - gap);
  const float x0 = ImGui::GetCursorPosX();
  PushFontOr(ui.fonts.large);
  // Key glyphs stop at 150 % (48 px): the keys keep a 64 px height and the
  // screen still fits at 200 %.
  ImGui::SetWindowFontScale(g_scale > 1.5f ? 1.5f : g_scale);
  for (size_t i = 0; i < all.size(); ++i) {
    if (i % cols != 0) ImGui::SameLine(0, gap);
    else if (i > 0) ImGui::SetCursorPosX(x0);
    char label[8] = {all[i], '#', '#', 'k', 0};
    if (Button(ui, label, ImVec2(key_w, key_w >= kKey ? KeyHeight() : kTouch), Pal().light,
               Pal().on_light))
      out->push_back(act::Keypad{std::string(1, all[i])});
    MarkControl(ui, std::string("key:") + all[i]);
  }
  ImGui::SetWindowFontScale(g_scale);
  PopFontOr(ui.fonts.large);
}

void ClearErase(const AppState& s, UiScratch& ui, std::vector<Action>* out) {
  if (Button(ui, Tr(s.lang, Msg::kClear), ImVec2(200, kTouch + 8), Pal().neutral,
             Pal().on_neutral))
    out->push_back(act::Keypad{"CLEAR"});
  MarkControl(ui, "clear");
  ImGui::SameLine(0, 10);
  if (Button(ui, "<-##back", ImVec2(140, kTouch + 8), Pal().neutral, Pal().on_neutral))
    out->push_back(act::Keypad{"BACK"});
  MarkControl(ui, "erase");
}

bool Validate(const AppState& s, UiScratch& ui, bool can) {
  ImGui::BeginDisabled(!can);
  const bool ok =
      Button(ui, Tr(s.lang, Msg::kValidate), ImVec2(300, kTouch + 8), Pal().ok, Pal().on_ok);
  ImGui::EndDisabled();
  MarkControl(ui, "validate");
  return ok && can;
}

void BackButton(const AppState& s, UiScratch& ui, std::vector<Action>* out, float w) {
  PushFontOr(ui.fonts.large);
  if (Button(ui, Tr(s.lang, Msg::kBack), ImVec2(w, kTouch + 8), Pal().neutral, Pal().on_neutral))
    out->push_back(act::Navigate{Screen::kWelcome});
  MarkControl(ui, "back");
  PopFontOr(ui.fonts.large);
}

void DrawIdlePrompt(const AppState& s, UiScratch& ui, std::vector<Action>* out, bool reach) {
  Gap(60);
  CenteredText(TrA11y(s.lang, A11yMsg::kMoreTimeTitle), ui.fonts.title, Pal().ink);
  Gap(16);
  const int64_t left_ms = kPublicIdleMs + kIdlePromptMs - (s.now_ms - s.last_input_ms);
  char buf[160];
  std::snprintf(buf, sizeof buf, TrA11y(s.lang, A11yMsg::kMoreTimeSub),
                static_cast<int>((left_ms + 999) / 1000));
  CenteredText(buf, ui.fonts.large, Pal().muted);
  Gap(40);
  if (reach) {
    const float mid = ImGui::GetIO().DisplaySize.y / 2 + 8;
    if (ImGui::GetCursorScreenPos().y < mid)
      ImGui::SetCursorScreenPos(ImVec2(ImGui::GetCursorScreenPos().x, mid));
  }
  PushFontOr(ui.fonts.title);
  const std::string label = std::string(TrA11y(s.lang, A11yMsg::kMoreTimeYes)) + "##more-time";
  CenterBlock(FitWidth(label.c_str(), 620));
  if (Button(ui, label.c_str(), ImVec2(620, 150), Pal().ok, Pal().on_ok))
    out->push_back(act::ExtendTime{});
  MarkControl(ui, "idle:extend");
  PopFontOr(ui.fonts.title);
}

void ArrivedButton(const AppState& s, UiScratch& ui, std::vector<Action>* out, float h) {
  PushFontOr(ui.fonts.title);
  CenterBlock(FitWidth(Tr(s.lang, Msg::kArrived), 620));
  if (Button(ui, Tr(s.lang, Msg::kArrived), ImVec2(620, h), Pal().ok, Pal().on_ok))
    out->push_back(act::Navigate{Screen::kCheckInCode});
  MarkControl(ui, "arrived");
  PopFontOr(ui.fonts.title);
}

void NoAppointmentButton(const AppState& s, UiScratch& ui, std::vector<Action>* out, float h) {
  PushFontOr(ui.fonts.large);
  CenterBlock(FitWidth(Tr(s.lang, Msg::kNoAppointment), 620));
  if (Button(ui, Tr(s.lang, Msg::kNoAppointment), ImVec2(620, h), Pal().light,
             Pal().light_accent))
    out->push_back(act::Walkin{act::TakeTicket{}});  // the ticket screen (walkin.h)
  MarkControl(ui, "no-appointment");
  PopFontOr(ui.fonts.large);
}

void StaffButton(const AppState& s, UiScratch& ui, std::vector<Action>* out, ImVec2 pos,
                 float w) {
  ImGui::SetWindowFontScale(1.0f);
  ImGui::SetCursorPos(pos);
  if (Button(ui, Tr(s.lang, Msg::kStaff), ImVec2(w, 56), Pal().light, Pal().muted))
    out->push_back(act::Navigate{Screen::kPlanning});
  MarkControl(ui, "staff");
  ImGui::SetWindowFontScale(g_scale);
}

void WithBirthButton(const AppState& s, UiScratch& ui, std::vector<Action>* out, float w) {
  if (Button(ui, Tr(s.lang, Msg::kWithBirth), ImVec2(w, kTouch + 8), Pal().light,
             Pal().light_accent))
    out->push_back(act::Navigate{Screen::kCheckInBirth});
  MarkControl(ui, "with-birth");
}

void DoneButton(UiScratch& ui, std::vector<Action>* out) {
  PushFontOr(ui.fonts.large);
  CenterBlock(FitWidth("OK##done", 360));
  if (Button(ui, "OK##done", ImVec2(360, 90), Pal().primary, Pal().on_primary))
    out->push_back(act::Navigate{Screen::kWelcome});
  MarkControl(ui, "done");
  PopFontOr(ui.fonts.large);
}

std::string BirthMask(const std::string& digits) {
  std::string mask = "JJ/MM/AAAA";
  size_t j = 0;
  for (size_t i = 0; i < mask.size() && j < digits.size(); ++i)
    if (mask[i] != '/') mask[i] = digits[j++];
  return mask;
}

void DrawLayout(const Layout& l, const AppState& s, UiScratch& ui, std::vector<Action>* out) {
  switch (s.screen) {
    case Screen::kCheckInCode: l.code(s, ui, out); break;
    case Screen::kCheckInBirth: l.birth(s, ui, out); break;
    case Screen::kCheckInDone: l.done(s, ui, out); break;
    case Screen::kCheckInChoose: l.choose(s, ui, out); break;
    case Screen::kStaffPin: l.pin(s, ui, out); break;
    default: l.welcome(s, ui, out); break;
  }
}

}  // namespace relais::kiosk::ui::pub
