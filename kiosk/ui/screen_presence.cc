// Staff: who is here today, per practitioner and half-day, with room and
// replacement; one touch sets present / absent / en visite / remplacé.
#include <cstdio>

#include "kiosk/app/a11y_text.h"
#include "kiosk/app/i18n.h"
#include "kiosk/app/staff_access.h"
#include "kiosk/ui/screens.h"
#include "kiosk/ui/widgets.h"

namespace relais::kiosk::ui {

namespace {

unsigned StateColour(const std::string& st) {
  if (st == "present") return kOk;
  if (st == "absent") return kDanger;
  if (st == "en_visite") return kPrimary;
  if (st == "remplace") return kWarn;
  return kMuted;
}

const common::Presence* Find(const AppState& s, const std::string& pract,
                             const std::string& half) {
  for (const common::Presence& p : s.presence)
    if (p.practitioner == pract && p.half == half) return &p;
  return nullptr;
}

void Cell(const AppState& s, UiScratch& ui, std::vector<Action>* out,
          const common::Practitioner& pr, const char* half) {
  const common::Presence* cur = Find(s, pr.id, half);
  const std::string key = pr.id + "|" + half;
  auto [it, fresh] = ui.rooms.try_emplace(key);
  if (fresh && cur) std::snprintf(it->second.data(), it->second.size(), "%s", cur->room.c_str());
  std::string line = PresenceLabel(s.lang, cur ? cur->state : "");
  if (cur && cur->state == "remplace")
    line = std::string(Tr(s.lang, Msg::kReplacedBy)) + " " + cur->replacement;
  ImGui::SetNextItemWidth(150);
  ImGui::InputTextWithHint(("##room" + key).c_str(), Tr(s.lang, Msg::kRoom),
                           it->second.data(), it->second.size());
  ImGui::SameLine(0, 14);
  ImGui::SetCursorPosY(ImGui::GetCursorPosY() + 6);
  Badge(line, StateColour(cur ? cur->state : ""));
  struct B {
    Msg label;
    const char* state;
  };
  const B bs[] = {{Msg::kStatePresent, "present"}, {Msg::kStateAbsent, "absent"},
                  {Msg::kStateVisit, "en_visite"}, {Msg::kStateReplaced, "remplace"}};
  for (const B& b : bs) {
    if (&b != bs) ImGui::SameLine(0, 6);
    const bool on = cur && cur->state == b.state;
    const std::string label = std::string(Tr(s.lang, b.label)) + "##" + b.state + key;
    const float w = ImGui::CalcTextSize(label.c_str(), nullptr, true).x + 22;
    if (!Button(ui, label.c_str(), ImVec2(w, 48), on ? StateColour(b.state) : 0xFFFFFF,
                on ? 0xFFFFFF : kInk))
      continue;
    if (std::string(b.state) == "remplace") {
      ui.replace_cell = key;
      std::snprintf(ui.replacement.data(), ui.replacement.size(), "%s",
                    cur ? cur->replacement.c_str() : "");
    } else {
      out->push_back(act::SetPresence{pr.id, half, b.state, "", it->second.data()});
    }
  }
}

void ReplacementPopup(const AppState& s, UiScratch& ui, std::vector<Action>* out) {
  if (!ui.replace_cell.empty() && !ImGui::IsPopupOpen("##replace"))
    ImGui::OpenPopup("##replace");
  ImGui::SetNextWindowSize(ImVec2(560, 0));
  if (!ImGui::BeginPopupModal("##replace", nullptr, ImGuiWindowFlags_NoTitleBar)) return;
  ImGui::TextUnformatted(Tr(s.lang, Msg::kReplacedBy));
  ImGui::InputText("##replname", ui.replacement.data(), ui.replacement.size());
  if (Button(ui, (std::string(Tr(s.lang, Msg::kSave)) + "##repl").c_str(), ImVec2(200, 52), kOk)) {
    const size_t bar = ui.replace_cell.find('|');
    const std::string pract = ui.replace_cell.substr(0, bar);
    const std::string half = ui.replace_cell.substr(bar + 1);
    out->push_back(act::SetPresence{pract, half, "remplace", ui.replacement.data(),
                                    ui.rooms[ui.replace_cell].data()});
    ui.replace_cell.clear();
    ImGui::CloseCurrentPopup();
  }
  ImGui::SameLine();
  if (Button(ui, (std::string(Tr(s.lang, Msg::kCancel)) + "##repl").c_str(), ImVec2(200, 52), 0x5A6672)) {
    ui.replace_cell.clear();
    ImGui::CloseCurrentPopup();
  }
  ImGui::EndPopup();
}

// Staff access (issue #15): who is locked out at this kiosk, and the
// unlocked user's PIN change.
void StaffAccess(const AppState& s, UiScratch& ui, std::vector<Action>* out) {
  for (const std::string& line : LockoutLines(s))
    ImGui::TextColored(Rgb(kDanger), "%s", line.c_str());
  const ImGuiInputTextFlags pw = ImGuiInputTextFlags_Password | ImGuiInputTextFlags_CharsDecimal;
  ImGui::SetNextItemWidth(150);
  ImGui::InputTextWithHint("##oldpin", Tr(s.lang, Msg::kOldPin), ui.old_pin.data(),
                           ui.old_pin.size(), pw);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(150);
  ImGui::InputTextWithHint("##newpin", Tr(s.lang, Msg::kNewPin), ui.new_pin.data(),
                           ui.new_pin.size(), pw);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(150);
  ImGui::InputTextWithHint("##confirmpin", Tr(s.lang, Msg::kConfirmPin), ui.confirm_pin.data(),
                           ui.confirm_pin.size(), pw);
  ImGui::SameLine();
  const std::string label = std::string(Tr(s.lang, Msg::kChangePin)) + "##changepin";
  if (Button(ui, label.c_str(), ImVec2(ImGui::CalcTextSize(label.c_str(), nullptr, true).x + 30, 44))) {
    out->push_back(act::ChangeOwnPin{ui.old_pin.data(), ui.new_pin.data(), ui.confirm_pin.data()});
    ui.old_pin.fill(0);
    ui.new_pin.fill(0);
    ui.confirm_pin.fill(0);
  }
  // « Boutons en bas » of the public screens (AppState::reach_low).
  bool reach = s.reach_low;
  if (ImGui::Checkbox((std::string(TrA11y(s.lang, A11yMsg::kReachLow)) + "##reachlow").c_str(),
                      &reach))
    out->push_back(act::ToggleReachLow{});
  RememberRect(ui, "##reachlow");
}

}  // namespace

void DrawPresence(const AppState& s, UiScratch& ui, std::vector<Action>* out) {
  if (Button(ui, Tr(s.lang, Msg::kPrevDay), ImVec2(150, 52))) out->push_back(act::ChangeDay{-1});
  ImGui::SameLine();
  if (Button(ui, Tr(s.lang, Msg::kToday), ImVec2(170, 52), 0xFFFFFF, kPrimary))
    out->push_back(act::ChangeDay{0});
  ImGui::SameLine();
  if (Button(ui, Tr(s.lang, Msg::kNextDay), ImVec2(170, 52))) out->push_back(act::ChangeDay{+1});
  ImGui::SameLine(0, 24);
  ImGui::SetCursorPosY(ImGui::GetCursorPosY() + 4);
  PushFontOr(ui.fonts.large);
  ImGui::TextUnformatted((std::string(Tr(s.lang, Msg::kPresence)) + " · " +
                          LongDate(s.lang, s.day)).c_str());
  PopFontOr(ui.fonts.large);
  StaffAccess(s, ui, out);
  const ImGuiTableFlags flags = ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg |
                                ImGuiTableFlags_ScrollY;
  if (ImGui::BeginTable("##presence", 3, flags, ImVec2(0, ImGui::GetContentRegionAvail().y))) {
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn(Tr(s.lang, Msg::kPractitioner), ImGuiTableColumnFlags_WidthFixed, 250);
    ImGui::TableSetupColumn(Tr(s.lang, Msg::kMorning));
    ImGui::TableSetupColumn(Tr(s.lang, Msg::kAfternoon));
    ImGui::TableHeadersRow();
    for (const common::Practitioner& pr : s.practitioners) {
      ImGui::TableNextRow(0, 110);
      ImGui::TableSetColumnIndex(0);
      PushFontOr(ui.fonts.large);
      ImGui::TextUnformatted(pr.name.c_str());
      PopFontOr(ui.fonts.large);
      ImGui::TextColored(Rgb(kMuted), "%s", pr.profession.c_str());
      ImGui::TableSetColumnIndex(1);
      Cell(s, ui, out, pr, "am");
      ImGui::TableSetColumnIndex(2);
      Cell(s, ui, out, pr, "pm");
    }
    ImGui::EndTable();
  }
  ReplacementPopup(s, ui, out);
}

}  // namespace relais::kiosk::ui
