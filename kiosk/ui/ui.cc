#include "kiosk/ui/ui.h"

#include <algorithm>
#include <cstdio>

#include "common/util/time.h"
#include "kiosk/app/a11y_text.h"
#include "kiosk/app/focus.h"
#include "kiosk/app/i18n.h"
#include "kiosk/app/sync_text.h"
#include "kiosk/app/walkin.h"
#include "kiosk/app/walkin_text.h"
#include "kiosk/ui/screens.h"
#include "kiosk/ui/widgets.h"

namespace relais::kiosk::ui {

namespace {

constexpr float kTopBar = 76.0f;
constexpr float kStatusBar = 46.0f;
constexpr float kLockW = 140.0f;  // « Verrouiller »

// « Écouter », « A+ », « Contraste » and the language, right-aligned so they
// end at `right`, top at `y` (screen coordinates): on the public top bar, or
// on the bottom row in the « Boutons en bas » layout (`compact`: narrower).
void DrawPublicToolbar(const AppState& s, UiScratch& ui, std::vector<Action>* out,
                       float right, float y, bool compact) {
  std::string scale = TrA11y(s.lang, A11yMsg::kTextLarger);
  if (s.text_scale_pct != 100) scale += " " + std::to_string(s.text_scale_pct) + " %";
  struct Item {
    std::string label;
    float w;
    Action action;
    const char* control;
  };
  const Item items[] = {
      {std::string(TrA11y(s.lang, A11yMsg::kListen)) + "##a11y-listen", compact ? 120.f : 170.f,
       act::Speak{}, "a11y:listen"},
      {scale + "##a11y-scale", compact ? 70.f : 90.f, act::ToggleTextScale{}, "a11y:scale"},
      {std::string(TrA11y(s.lang, A11yMsg::kContrast)) + "##a11y-contrast",
       compact ? 130.f : 170.f, act::ToggleHighContrast{}, "a11y:contrast"},
      {std::string(Tr(s.lang, Msg::kLanguage)) + "##lang", compact ? 110.f : 150.f,
       act::ToggleLanguage{}, "lang"}};
  float x = right;
  for (int i = 3; i >= 0; --i) {
    const float tw = ImGui::CalcTextSize(items[i].label.c_str(), nullptr, true).x + 28;
    const float bw = tw > items[i].w ? tw : items[i].w;
    x -= bw;
    ImGui::SetCursorScreenPos(ImVec2(x, y));
    if (Button(ui, items[i].label.c_str(), ImVec2(bw, 56), Pal().bar_button,
               Pal().on_bar_button))
      out->push_back(items[i].action);
    MarkControl(ui, items[i].control);
    x -= i == 3 ? 12 : 10;
  }
}

// « File d'attente (N) »: N tickets waiting.
std::string QueueTabLabel(const AppState& s) {
  std::string label = WalkTr(s.lang, WalkMsg::kQueueTab);
  const size_t n = WaitingRows(s).size();
  if (n > 0) label += " (" + std::to_string(n) + ")";
  return label;
}

void DrawTopBar(const AppState& s, UiScratch& ui, std::vector<Action>* out) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const float w = ImGui::GetIO().DisplaySize.x;
  dl->AddRectFilled(ImVec2(0, 0), ImVec2(w, kTopBar), Col(Pal().bar));
  const bool staff = s.staff_unlocked && IsStaffScreen(s.screen);
  if (!staff) {  // staff screens use the bar for their tabs
    PushFontOr(ui.fonts.large);
    ImGui::SetCursorScreenPos(ImVec2(p.x + 8, 18));
    ImGui::PushStyleColor(ImGuiCol_Text, Rgb(Pal().on_bar));
    ImGui::TextUnformatted(Tr(s.lang, Msg::kAppTitle));
    ImGui::PopStyleColor();
    PopFontOr(ui.fonts.large);
  }
  if (staff) {
    struct Tab {
      Msg label;
      Screen to;
    };
    const Tab tabs[] = {{Msg::kPlanning, Screen::kPlanning},
                        {Msg::kPresence, Screen::kPresence},
                        {Msg::kLedger, Screen::kLedger},
                        {Msg::kConflicts, Screen::kConflicts},
                        {Msg::kSecretariat, Screen::kSecretariat},
                        {Msg::kAppTitle, Screen::kQueue}};  // label: WalkTr below
    std::vector<std::string> labels;
    float text_w = 0;
    for (const Tab& t : tabs) {
      std::string label = Tr(s.lang, t.label);
      if (t.to == Screen::kQueue) label = QueueTabLabel(s);
      if (t.to == Screen::kConflicts && !s.conflicts.empty())
        label += " (" + std::to_string(s.conflicts.size()) + ")";
      labels.push_back(label + "##tab");
      text_w += ImGui::CalcTextSize(labels.back().c_str(), nullptr, true).x;
    }
    // Six tabs: narrower padding when they would run under « Verrouiller ».
    const float n = static_cast<float>(labels.size());
    const float avail = w - 8 - 80 - 8 - kLockW - 16 - 8;
    float pad = 36, gap = 8;
    if (text_w + n * (pad + gap) > avail) {
      gap = 4;
      pad = std::max(12.0f, (avail - text_w) / n - gap);
    }
    float x = 16;
    for (size_t i = 0; i < labels.size(); ++i) {
      const Tab& t = tabs[i];
      const std::string& label = labels[i];
      const float tw = ImGui::CalcTextSize(label.c_str(), nullptr, true).x + pad;
      ImGui::SetCursorScreenPos(ImVec2(x, 10));
      const bool active = s.screen == t.to;
      if (Button(ui, label.c_str(), ImVec2(tw, 56), active ? 0xFFFFFF : 0x0A4F8A,
                 active ? kPrimary : 0xFFFFFF))
        out->push_back(act::Navigate{t.to});
      x += tw + gap;
    }
  }
  const float right = w - 8;
  const float lang_w = 80;
  if (!staff && !s.reach_low) DrawPublicToolbar(s, ui, out, right, 10, false);
  if (staff) {
    ImGui::SetCursorScreenPos(ImVec2(right - lang_w, 10));
    if (Button(ui, (std::string(s.lang == Lang::kFr ? "EN" : "FR") + "##lang").c_str(),
               ImVec2(lang_w, 56), Pal().bar_button, Pal().on_bar_button))
      out->push_back(act::ToggleLanguage{});
    ImGui::SetCursorScreenPos(ImVec2(right - lang_w - 8 - kLockW, 10));
    if (Button(ui, Tr(s.lang, Msg::kLock), ImVec2(kLockW, 56), 0xFFFFFF, kDanger))
      out->push_back(act::Lock{});
  }
  ImGui::SetCursorScreenPos(ImVec2(p.x, kTopBar + 8));
}

void DrawStatusBar(const AppState& s, UiScratch& ui, std::vector<Action>* out) {
  const ImVec2 size = ImGui::GetIO().DisplaySize;
  const float y = size.y - kStatusBar;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const Palette& p = Pal();
  dl->AddRectFilled(ImVec2(0, y), ImVec2(size.x, size.y), Col(p.status_bg));
  dl->AddLine(ImVec2(0, y), ImVec2(size.x, y), Col(p.border), 1.0f);
  ImGui::PushStyleColor(ImGuiCol_Text, Rgb(p.on_status));
  ImGui::SetCursorScreenPos(ImVec2(14, y + 10));
  const SyncStatus& st = s.sync;
  if (!st.enabled && !s.peer.enabled) Badge(Tr(s.lang, Msg::kLocalOnly), p.status_muted);
  else if (st.online || s.peer.online) Badge(Tr(s.lang, Msg::kOnline), p.status_ok);
  else Badge(Tr(s.lang, Msg::kOffline), p.status_danger);
  char buf[160];
  if (s.peer.enabled) {  // hub + house peer in one sentence (sync_text.h)
    ImGui::SameLine(0, 28);
    ImGui::TextUnformatted(SyncStatusText(s.lang, st, s.peer, s.now_ms).c_str());
    const std::string& err = s.peer.last_error.empty() ? st.last_error : s.peer.last_error;
    if (!err.empty() && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", err.c_str());
  } else if (st.enabled) {
    ImGui::SameLine(0, 28);
    if (st.last_success_ms > 0) {
      std::snprintf(buf, sizeof buf, Tr(s.lang, Msg::kSyncedAgo),
                    RelativeTime(s.lang, s.now_ms - st.last_success_ms).c_str());
      ImGui::TextUnformatted(buf);
    } else {
      ImGui::TextUnformatted(Tr(s.lang, Msg::kNeverSynced));
    }
    if (!st.last_error.empty() && ImGui::IsItemHovered())
      ImGui::SetTooltip("%s", st.last_error.c_str());
    if (!st.last_hub.empty()) {
      ImGui::SameLine(0, 28);
      std::snprintf(buf, sizeof buf, Tr(s.lang, Msg::kViaHub), st.last_hub.c_str());
      ImGui::TextColored(Rgb(p.status_muted), "%s", buf);
      if (ImGui::IsItemHovered())
        ImGui::SetTooltip("%s", RelativeTime(s.lang, s.now_ms - st.last_hub_ms).c_str());
    }
  }
  ImGui::SameLine(0, 28);
  std::snprintf(buf, sizeof buf, Tr(s.lang, Msg::kPendingChanges),
                static_cast<long long>(st.pending));
  ImGui::TextColored(Rgb(st.pending > 0 ? p.status_warn : p.status_muted), "%s", buf);
  ImGui::SameLine(0, 28);
  std::snprintf(buf, sizeof buf, Tr(s.lang, Msg::kConflictsToResolve),
                static_cast<long long>(st.conflicts));
  ImGui::TextColored(Rgb(st.conflicts > 0 ? p.status_danger : p.status_muted), "%s", buf);
  if (st.conflicts > 0 && s.staff_unlocked && ImGui::IsItemClicked())
    out->push_back(act::Navigate{Screen::kConflicts});
  const std::string clock = LongDate(s.lang, s.today) + "  " +
                            common::FormatParisTime(s.now_ms / 1000);
  const float cw = ImGui::CalcTextSize(clock.c_str()).x;
  ImGui::SetCursorScreenPos(ImVec2(size.x - cw - 16, y + 10));
  ImGui::TextUnformatted(clock.c_str());
  ImGui::PopStyleColor();
  (void)ui;
}

void DrawBanner(const AppState& s, UiScratch& ui, std::vector<Action>* out) {
  if (s.message.empty() || !IsStaffScreen(s.screen)) return;
  ImGui::PushStyleColor(ImGuiCol_ChildBg, Rgb(s.message_is_error ? 0xFBE3E1 : 0xE2F3E0));
  ImGui::BeginChild("##banner", ImVec2(0, 52), false, ImGuiWindowFlags_NoScrollbar);
  ImGui::SetCursorPos(ImVec2(12, 12));
  ImGui::TextColored(Rgb(s.message_is_error ? kDanger : kOk), "%s", s.message.c_str());
  ImGui::SameLine(ImGui::GetWindowWidth() - 80);
  ImGui::SetCursorPosY(6);
  if (Button(ui, "OK##banner", ImVec2(68, 40))) out->push_back(act::DismissMessage{});
  ImGui::EndChild();
  ImGui::PopStyleColor();
}

}  // namespace

std::string PractitionerName(const AppState& s, const std::string& id) {
  for (const auto& p : s.practitioners)
    if (p.id == id) return p.name.empty() ? id : p.name;
  return id;
}

void CreateHeadlessContext(float width, float height) {
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.DisplaySize = ImVec2(width, height);
  io.DeltaTime = 1.0f / 60;
  io.IniFilename = nullptr;
  unsigned char* px = nullptr;
  int w = 0, h = 0;
  io.Fonts->GetTexDataAsRGBA32(&px, &w, &h);  // must be built before NewFrame
  ApplyTheme();
}

void ApplyTheme() {
  ImGuiStyle& st = ImGui::GetStyle();
  ImGui::StyleColorsLight(&st);
  st.WindowRounding = 0;
  st.FrameRounding = 8;
  st.ChildRounding = 8;
  st.PopupRounding = 8;
  st.GrabRounding = 6;
  st.WindowPadding = ImVec2(16, 12);
  st.FramePadding = ImVec2(12, 8);
  st.ItemSpacing = ImVec2(12, 10);
  st.CellPadding = ImVec2(8, 6);
  st.ScrollbarSize = 22;
  ImVec4* c = st.Colors;
  c[ImGuiCol_WindowBg] = Rgb(0xF3F5F8);
  c[ImGuiCol_ChildBg] = Rgb(0xFFFFFF, 0.0f);
  c[ImGuiCol_PopupBg] = Rgb(0xFFFFFF);
  c[ImGuiCol_Text] = Rgb(kInk);
  c[ImGuiCol_TextDisabled] = Rgb(kMuted);
  c[ImGuiCol_Button] = Rgb(kPrimary);
  c[ImGuiCol_ButtonHovered] = Rgb(kPrimaryHover);
  c[ImGuiCol_ButtonActive] = Rgb(0x084A80);
  c[ImGuiCol_FrameBg] = Rgb(0xFFFFFF);
  c[ImGuiCol_Border] = Rgb(0xB8C2CC);
  c[ImGuiCol_TableHeaderBg] = Rgb(0xDCE4EC);
  c[ImGuiCol_Header] = Rgb(0xDCE4EC);
  c[ImGuiCol_ModalWindowDimBg] = Rgb(0x000000, 0.45f);
  st.FrameBorderSize = 1.0f;
  st.PopupBorderSize = 1.0f;
}

// Colours of the frame: the high-contrast palette only on public screens.
void UsePalette(const AppState& s) {
  const bool staff = IsStaffScreen(s.screen) && s.staff_unlocked;
  const Palette& p = PaletteFor(s.high_contrast && !staff);
  SetPalette(p);
  ImVec4* c = ImGui::GetStyle().Colors;
  c[ImGuiCol_WindowBg] = Rgb(p.bg);
  c[ImGuiCol_Text] = Rgb(p.ink);
  c[ImGuiCol_TextDisabled] = Rgb(p.muted);
  c[ImGuiCol_Button] = Rgb(p.primary);
  c[ImGuiCol_Border] = Rgb(p.border);
  c[ImGuiCol_FrameBg] = Rgb(p.field);
  // Hover/press shades of the normal theme are blue: in high contrast the
  // fill stays the palette's so the label keeps its contrast.
  c[ImGuiCol_ButtonHovered] = Rgb(&p == &kNormalPalette ? kPrimaryHover : p.primary);
  c[ImGuiCol_ButtonActive] = Rgb(&p == &kNormalPalette ? 0x084A80u : p.primary);
}

void DrawScreen(const AppState& s, UiScratch& ui, std::vector<Action>* out) {
  UsePalette(s);
  ui.controls.clear();
  const ImGuiIO& io = ImGui::GetIO();
  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(io.DisplaySize);
  const ImGuiWindowFlags flags =
      ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
      ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus;
  ImGui::Begin("##kiosk", nullptr, flags);
  PushFontOr(ui.fonts.body);
  if (s.maintenance) {  // nightly compaction (kiosk/nightly.h): no control at all
    ImGui::SetCursorPosY(io.DisplaySize.y * 0.35f);
    CenteredText(Tr(s.lang, Msg::kNightMaintenance), ui.fonts.title);
    ImGui::Dummy(ImVec2(0, 24));
    CenteredText(Tr(s.lang, Msg::kNightMaintenanceSub));
    PopFontOr(ui.fonts.body);
    ImGui::End();
    return;
  }
  DrawTopBar(s, ui, out);
  DrawBanner(s, ui, out);
  const float h = io.DisplaySize.y - ImGui::GetCursorScreenPos().y - kStatusBar - 6;
  ImGui::BeginChild("##content", ImVec2(0, h), false, ImGuiWindowFlags_NoScrollbar);
  // A staff screen is never drawn while locked (defence in depth).
  const Screen screen =
      IsStaffScreen(s.screen) && !s.staff_unlocked ? Screen::kWelcome : s.screen;
  // « A+ »: public screens only (staff screens keep their dense layout).
  if (!IsStaffScreen(screen)) ImGui::SetWindowFontScale(static_cast<float>(s.text_scale_pct) / 100);
  switch (screen) {
    case Screen::kPlanning: DrawPlanning(s, ui, out); break;
    case Screen::kPresence: DrawPresence(s, ui, out); break;
    case Screen::kLedger: DrawLedger(s, ui, out); break;
    case Screen::kConflicts: DrawConflicts(s, ui, out); break;
    case Screen::kSecretariat: DrawSecretariat(s, ui, out); break;
    case Screen::kQueue: DrawQueue(s, ui, out); break;
    case Screen::kTicket: DrawTicket(s, ui, out); break;  // both layouts
    default: DrawPublic(s, ui, out); break;
  }
  if (!IsStaffScreen(screen) && s.reach_low) {  // « Boutons en bas »: the toolbar too
    ImGui::SetWindowFontScale(1.0f);
    DrawPublicToolbar(s, ui, out, ImGui::GetWindowPos().x + ImGui::GetWindowWidth(),
                      ImGui::GetWindowPos().y + ImGui::GetWindowHeight() - kTouch - 4, true);
  }
  ImGui::EndChild();
  DrawStatusBar(s, ui, out);
  // The keyboard focus ring, over everything (kiosk/app/focus.h).
  if (!IsStaffScreen(screen)) {
    auto it = ui.controls.find(FocusedControlId(s));
    if (it != ui.controls.end()) FocusRing(it->second);
  }
  PopFontOr(ui.fonts.body);
  ImGui::End();
}

}  // namespace relais::kiosk::ui
