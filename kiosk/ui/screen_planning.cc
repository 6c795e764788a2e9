// Staff: the day's appointments, one column per practitioner, coloured by
// status, with quick status buttons, add appointment / walk-in, day moves.
// Columns use a list clipper so a day with thousands of appointments still
// draws only the visible cards.
#include <cstdio>
#include <cstring>
#include <set>

#include "common/util/time.h"
#include "kiosk/app/i18n.h"
#include "kiosk/app/secretariat_text.h"
#include "kiosk/app/staff_access.h"
#include "kiosk/ui/screens.h"
#include "kiosk/ui/commune_picker.h"
#include "kiosk/ui/convocation_button.h"
#include "kiosk/ui/widgets.h"

namespace relais::kiosk::ui {

namespace {

constexpr float kCardH = 150.0f;

bool InConflict(const AppState& s, const std::string& id) {
  for (const ConflictItem& c : s.conflicts)
    if (c.collection == common::Collection::kAppointment && c.record_id == id) return true;
  return false;
}

void Toolbar(const AppState& s, UiScratch& ui, std::vector<Action>* out) {
  const ImVec2 b(0, 52);
  if (Button(ui, Tr(s.lang, Msg::kPrevDay), ImVec2(130, b.y))) out->push_back(act::ChangeDay{-1});
  ImGui::SameLine();
  if (Button(ui, Tr(s.lang, Msg::kToday), ImVec2(150, b.y), 0xFFFFFF, kPrimary))
    out->push_back(act::ChangeDay{0});
  ImGui::SameLine();
  if (Button(ui, Tr(s.lang, Msg::kNextDay), ImVec2(150, b.y))) out->push_back(act::ChangeDay{+1});
  ImGui::SameLine(0, 20);
  const float y0 = ImGui::GetCursorPosY();
  ImGui::SetCursorPosY(y0 + 12);
  ImGui::TextUnformatted(LongDate(s.lang, s.day).c_str());
  const float right = ImGui::GetWindowWidth() - 16;
  ImGui::SameLine(right - 200 - 12 - 280);
  ImGui::SetCursorPosY(y0);
  if (Button(ui, Tr(s.lang, Msg::kAddAppointment), ImVec2(200, b.y))) {
    ui.appt_open = true;
    ui.appt_walk_in = false;
  }
  ImGui::SameLine(0, 12);
  if (Button(ui, Tr(s.lang, Msg::kWalkIn), ImVec2(280, b.y), kWarn)) {
    ui.appt_open = true;
    ui.appt_walk_in = true;
  }
}

void StatusButtons(const AppState& s, UiScratch& ui, std::vector<Action>* out,
                   const common::Appointment& a) {
  struct B {
    Msg label;
    const char* to;
    unsigned fill;
  };
  std::vector<B> bs;
  if (a.status == "booked" || a.status == "no_show")
    bs = {{Msg::kStatusCheckedIn, "checked_in", 0xB07A00}, {Msg::kActNoShow, "no_show", kDanger},
          {Msg::kActCancel, "cancelled", 0x5A6672}};
  else if (a.status == "checked_in")
    bs = {{Msg::kActConsult, "in_consultation", kPrimary}, {Msg::kActCancel, "cancelled", 0x5A6672}};
  else if (a.status == "in_consultation")
    bs = {{Msg::kActDone, "done", kOk}};
  if (a.status == "no_show") bs.erase(bs.begin() + 1);
  for (size_t i = 0; i < bs.size(); ++i) {
    if (i) ImGui::SameLine(0, 6);
    const std::string label = std::string(Tr(s.lang, bs[i].label)) + "##" + bs[i].to + a.id;
    const float w = ImGui::CalcTextSize(label.c_str(), nullptr, true).x + 22;
    if (Button(ui, label.c_str(), ImVec2(w, 44), bs[i].fill))
      out->push_back(act::SetStatus{a.id, bs[i].to});
  }
}

void Card(const AppState& s, UiScratch& ui, std::vector<Action>* out,
          const common::Appointment& a) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const float w = ImGui::GetContentRegionAvail().x;
  const bool overlap = s.overlapping.count(a.id) > 0;
  const bool conflict = InConflict(s, a.id);
  dl->AddRectFilled(p, ImVec2(p.x + w, p.y + kCardH - 8), Col(StatusColour(a.status)), 8);
  if (overlap || conflict)
    dl->AddRect(p, ImVec2(p.x + w, p.y + kCardH - 8), Col(kDanger), 8, 0, 3.0f);
  // Text is clipped to the card so narrow columns never overlap.
  ImGui::PushClipRect(p, ImVec2(p.x + w - 6, p.y + kCardH - 8), true);
  ImGui::SetCursorScreenPos(ImVec2(p.x + 10, p.y + 4));
  const std::string when = common::FormatParisTime(a.start) + "–" +
                           common::FormatParisTime(a.start + a.duration_min * 60);
  ImGui::TextUnformatted(when.c_str());
  const std::string st = StatusLabel(s.lang, a.status);
  ImGui::SameLine(0, 14);
  ImGui::TextColored(Rgb(kMuted), "%s", st.c_str());
  ImGui::SetCursorScreenPos(ImVec2(p.x + 10, ImGui::GetCursorScreenPos().y - 8));
  ImGui::TextUnformatted(a.patient_name.c_str());
  ImGui::SetCursorScreenPos(ImVec2(p.x + 10, ImGui::GetCursorScreenPos().y - 8));
  std::string meta = a.room;
  if (a.kind != "consultation") meta += (meta.empty() ? "" : " · ") + KindLabel(s.lang, a.kind);
  if (overlap) meta = std::string("! ") + Tr(s.lang, Msg::kOverlap);
  if (conflict) meta = std::string("! ") + Tr(s.lang, Msg::kConflictFlag) + (overlap ? " · " + std::string(Tr(s.lang, Msg::kOverlap)) : "");
  ImGui::TextColored(Rgb(overlap || conflict ? kDanger : kMuted), "%s", meta.c_str());
  ImGui::PopClipRect();
  ImGui::SetCursorScreenPos(ImVec2(p.x + 10, ImGui::GetCursorScreenPos().y - 4));
  StatusButtons(s, ui, out, a);
  ConvocationButton(s, ui, out, a);
  ImGui::SetCursorScreenPos(ImVec2(p.x, p.y + kCardH));
}

void Column(const AppState& s, UiScratch& ui, std::vector<Action>* out,
            const std::vector<const common::Appointment*>& list) {
  if (list.empty()) {
    ImGui::TextColored(Rgb(kMuted), "%s", Tr(s.lang, Msg::kNoAppointments));
    return;
  }
  ImGuiListClipper clipper;
  clipper.Begin(static_cast<int>(list.size()), kCardH);
  while (clipper.Step())
    for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i)
      Card(s, ui, out, *list[i]);
}

void CopyTo(char* dst, size_t n, const std::string& src) {
  std::snprintf(dst, n, "%s", src.c_str());
}

void AddPopup(const AppState& s, UiScratch& ui, std::vector<Action>* out) {
  const char* title = Tr(s.lang, ui.appt_walk_in ? Msg::kWalkIn : Msg::kAddAppointment);
  if (ui.appt_open && !ImGui::IsPopupOpen("##addappt")) {
    ImGui::OpenPopup("##addappt");
    if (ui.appt_walk_in) CopyTo(ui.appt_time.data(), ui.appt_time.size(),
                                common::FormatParisTime(s.now_ms / 1000));
  }
  ImGui::SetNextWindowSize(ImVec2(640, 0));
  if (!ImGui::BeginPopupModal("##addappt", nullptr, ImGuiWindowFlags_NoTitleBar)) return;
  ImGui::TextUnformatted(title);
  ImGui::Separator();
  std::vector<const char*> names;
  for (const auto& p : s.practitioners) names.push_back(p.name.c_str());
  ImGui::Combo(Tr(s.lang, Msg::kPractitioner), &ui.appt_practitioner, names.data(),
               static_cast<int>(names.size()));
  ImGui::InputText(Tr(s.lang, Msg::kPatient), ui.appt_name.data(), ui.appt_name.size());
  ImGui::InputText(Tr(s.lang, Msg::kBirthDate), ui.appt_birth.data(), ui.appt_birth.size());
  ImGui::InputText(Tr(s.lang, Msg::kTime), ui.appt_time.data(), ui.appt_time.size());
  ImGui::InputInt(Tr(s.lang, Msg::kDuration), &ui.appt_duration, 5, 15);
  ImGui::InputText(Tr(s.lang, Msg::kRoom), ui.appt_room.data(), ui.appt_room.size());
  DrawCommunePicker(s, ui, ui.appt_commune);
  if (Button(ui, (std::string(Tr(s.lang, Msg::kSave)) + "##appt").c_str(), ImVec2(200, 52), kOk)) {
    act::AddAppointment a;
    if (ui.appt_practitioner >= 0 && ui.appt_practitioner < static_cast<int>(s.practitioners.size()))
      a.practitioner = s.practitioners[ui.appt_practitioner].id;
    a.patient_name = ui.appt_name.data();
    a.patient_birth = ui.appt_birth.data();
    a.start_hhmm = ui.appt_time.data();
    a.duration_min = ui.appt_duration;
    a.room = ui.appt_room.data();
    a.walk_in = ui.appt_walk_in;
    a.patient_postcode = ui.appt_commune.postcode.data();
    a.patient_commune = ui.appt_commune.insee;
    out->push_back(a);
    ui.appt_name.fill(0);
    ui.appt_birth.fill(0);
    ui.appt_commune.Clear();
    ui.appt_open = false;
    ImGui::CloseCurrentPopup();
  }
  ImGui::SameLine();
  if (Button(ui, (std::string(Tr(s.lang, Msg::kCancel)) + "##appt").c_str(), ImVec2(200, 52), 0x5A6672)) {
    ui.appt_open = false;
    ImGui::CloseCurrentPopup();
  }
  ImGui::EndPopup();
}

// « Pôle : [Tous les pôles ▾] » when the organisation has pôles; choosing
// one emits act::SetPlanningPole (the choice lives in AppState).
void PoleFilter(const AppState& s, UiScratch& ui, std::vector<Action>* out) {
  if (s.poles.empty()) return;
  const std::vector<std::string> names = PoleLabels(s);
  std::string preview = SecTr(s.lang, SecMsg::kAnyPole);
  for (size_t i = 0; i < s.poles.size(); ++i)
    if (s.poles[i] == s.planning_pole) preview = names[i];
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(SecTr(s.lang, SecMsg::kPole));
  ImGui::SameLine();
  ImGui::SetNextItemWidth(320);
  if (ImGui::BeginCombo("##planning_pole", preview.c_str())) {
    if (ImGui::Selectable(SecTr(s.lang, SecMsg::kAnyPole), s.planning_pole.empty()))
      out->push_back(act::SetPlanningPole{""});
    for (size_t i = 0; i < s.poles.size(); ++i) {
      ImGui::PushID(static_cast<int>(i));
      if (ImGui::Selectable(names[i].c_str(), s.poles[i] == s.planning_pole))
        out->push_back(act::SetPlanningPole{s.poles[i]});
      ImGui::PopID();
    }
    ImGui::EndCombo();
  }
  RememberRect(ui, "##planning_pole");
}

}  // namespace

void DrawPlanning(const AppState& s, UiScratch& ui, std::vector<Action>* out) {
  Toolbar(s, ui, out);
  PoleFilter(s, ui, out);
  for (const std::string& line : LockoutLines(s))  // visible to the secretariat
    ImGui::TextColored(Rgb(kDanger), "%s", line.c_str());
  // The columns: every practitioner, or those of the chosen pôle.
  std::vector<const common::Practitioner*> shown;
  for (const common::Practitioner& p : s.practitioners)
    if (s.planning_pole.empty() || p.pole == s.planning_pole) shown.push_back(&p);
  const size_t n = shown.size();
  std::vector<std::vector<const common::Appointment*>> cols(n);
  for (const common::Appointment& a : s.day_appointments)
    for (size_t i = 0; i < n; ++i)
      if (shown[i]->id == a.practitioner) cols[i].push_back(&a);
  const ImGuiTableFlags flags = ImGuiTableFlags_Borders | ImGuiTableFlags_SizingStretchSame;
  if (n > 0 && ImGui::BeginTable("##planning", static_cast<int>(n), flags)) {
    for (size_t i = 0; i < n; ++i)
      ImGui::TableSetupColumn(shown[i]->name.c_str());
    ImGui::TableHeadersRow();
    ImGui::TableNextRow();
    const float h = ImGui::GetContentRegionAvail().y - 8;
    for (size_t i = 0; i < n; ++i) {
      ImGui::TableSetColumnIndex(static_cast<int>(i));
      ImGui::PushID(static_cast<int>(i));
      ImGui::BeginChild("##col", ImVec2(0, h), false);
      Column(s, ui, out, cols[i]);
      ImGui::EndChild();
      ImGui::PopID();
    }
    ImGui::EndTable();
  }
  AddPopup(s, ui, out);
}

}  // namespace relais::kiosk::ui
