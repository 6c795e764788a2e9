// « File d'attente » (staff, issue #16): today's walk-in tickets of the
// site. Waiting ones in queue order with the wait so far, then the called
// ones; « Appeler » (a room of the site), « Terminé », « Parti »,
// « Convertir en rendez-vous » (practitioner, patient's name). Only ticket
// numbers until a conversion: the queue itself holds no names.
#include <cstdio>

#include "kiosk/app/i18n.h"
#include "kiosk/app/walkin.h"
#include "kiosk/app/walkin_text.h"
#include "kiosk/ui/screens.h"
#include "kiosk/ui/widgets.h"

namespace relais::kiosk::ui {

namespace {

// The room chosen above the lists ("" when none can be).
std::string ChosenRoom(const AppState& s, const UiScratch& ui) {
  const auto& rooms = s.walkin.rooms;
  if (rooms.empty()) return std::string(ui.walkin.room_text.data());
  const int i = ui.walkin.room < 0 || ui.walkin.room >= static_cast<int>(rooms.size())
                    ? 0 : ui.walkin.room;
  return rooms[i];
}

void RoomPicker(const AppState& s, UiScratch& ui) {
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(WalkTr(s.lang, WalkMsg::kRoomLabel));
  ImGui::SameLine();
  ImGui::SetNextItemWidth(220);
  const auto& rooms = s.walkin.rooms;
  if (rooms.empty()) {
    ImGui::InputText("##walk_room_text", ui.walkin.room_text.data(), ui.walkin.room_text.size());
    RememberRect(ui, "walk:room");
    return;
  }
  const std::string preview = ChosenRoom(s, ui);
  if (ImGui::BeginCombo("##walk_room", preview.c_str())) {
    for (size_t i = 0; i < rooms.size(); ++i)
      if (ImGui::Selectable(rooms[i].c_str(), static_cast<int>(i) == ui.walkin.room))
        ui.walkin.room = static_cast<int>(i);
    ImGui::EndCombo();
  }
  RememberRect(ui, "walk:room");
}

std::string Minutes(const AppState& s, WalkMsg m, int64_t ms) {
  char buf[64];
  std::snprintf(buf, sizeof buf, WalkTr(s.lang, m), static_cast<int>(ms / 60'000));
  return buf;
}

void ConvertForm(const AppState& s, UiScratch& ui, std::vector<Action>* out,
                 const QueueRow& r) {
  ImGui::Indent(40);
  ImGui::SetNextItemWidth(260);
  const int np = static_cast<int>(s.practitioners.size());
  if (ui.walkin.practitioner >= np) ui.walkin.practitioner = 0;
  const std::string preview = np > 0 ? s.practitioners[ui.walkin.practitioner].name : "";
  if (ImGui::BeginCombo(("##walk_pract" + r.id).c_str(), preview.c_str())) {
    for (int i = 0; i < np; ++i)
      if (ImGui::Selectable(s.practitioners[i].name.c_str(), i == ui.walkin.practitioner))
        ui.walkin.practitioner = i;
    ImGui::EndCombo();
  }
  RememberRect(ui, "walk:practitioner");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(300);
  ImGui::InputTextWithHint("##walk_patient", WalkTr(s.lang, WalkMsg::kPatientName),
                           ui.walkin.patient.data(), ui.walkin.patient.size());
  RememberRect(ui, "walk:patient");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(200);
  ImGui::InputTextWithHint("##walk_birth", WalkTr(s.lang, WalkMsg::kBirthOptional),
                           ui.walkin.birth.data(), ui.walkin.birth.size());
  ImGui::SameLine();
  if (Button(ui, (std::string(Tr(s.lang, Msg::kSave)) + "##walk-convert-ok").c_str(),
             ImVec2(160, 44)) &&
      np > 0) {
    out->push_back(act::Walkin{act::ConvertTicket{
        r.id, s.practitioners[ui.walkin.practitioner].id, ui.walkin.patient.data(),
        ui.walkin.birth.data()}});
    ui.walkin.patient.fill(0);
    ui.walkin.birth.fill(0);
    ui.walkin.converting.clear();
  }
  ImGui::SameLine();
  if (Button(ui, (std::string(Tr(s.lang, Msg::kCancel)) + "##walk-convert-cancel").c_str(),
             ImVec2(140, 44), 0xFFFFFF, kInk))
    ui.walkin.converting.clear();
  ImGui::Unindent(40);
}

void Row(const AppState& s, UiScratch& ui, std::vector<Action>* out, const QueueRow& r) {
  const bool called = r.status == "called";
  PushFontOr(ui.fonts.large);
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(r.number.c_str());
  PopFontOr(ui.fonts.large);
  ImGui::SameLine(140);
  ImGui::AlignTextToFramePadding();
  if (called) {
    char buf[128];
    std::snprintf(buf, sizeof buf, WalkTr(s.lang, WalkMsg::kCalledTo),
                  RoomLabel(s.lang, r.room).c_str());
    ImGui::TextUnformatted(buf);
  } else {
    ImGui::TextUnformatted(Minutes(s, WalkMsg::kWaitingSince, r.waited_ms).c_str());
  }
  ImGui::SameLine(460);
  if (Button(ui, (std::string(WalkTr(s.lang, WalkMsg::kCall)) + "##call-" + r.id).c_str(),
             ImVec2(140, 44)))
    out->push_back(act::Walkin{act::CallTicket{r.id, ChosenRoom(s, ui)}});
  if (called) {
    ImGui::SameLine();
    if (Button(ui, (std::string(WalkTr(s.lang, WalkMsg::kDone)) + "##done-" + r.id).c_str(),
               ImVec2(140, 44), kOk))
      out->push_back(act::Walkin{act::FinishTicket{r.id, "done"}});
  }
  ImGui::SameLine();
  if (Button(ui, (std::string(WalkTr(s.lang, WalkMsg::kLeft)) + "##left-" + r.id).c_str(),
             ImVec2(140, 44), 0xFFFFFF, kDanger))
    out->push_back(act::Walkin{act::FinishTicket{r.id, "left"}});
  ImGui::SameLine();
  if (Button(ui, (std::string(WalkTr(s.lang, WalkMsg::kConvert)) + "##convert-" + r.id).c_str(),
             ImVec2(290, 44), 0xFFFFFF, kPrimary))
    ui.walkin.converting = r.id;
  if (ui.walkin.converting == r.id) ConvertForm(s, ui, out, r);
}

}  // namespace

void DrawQueue(const AppState& s, UiScratch& ui, std::vector<Action>* out) {
  CenteredText(WalkTr(s.lang, WalkMsg::kQueueTitle), ui.fonts.large, kInk);
  ImGui::Spacing();
  RoomPicker(s, ui);
  ImGui::SameLine();
  const std::vector<QueueRow> waiting = WaitingRows(s);
  if (Button(ui, (std::string(WalkTr(s.lang, WalkMsg::kCallNext)) + "##walk-next").c_str(),
             ImVec2(260, 44)))
    out->push_back(act::Walkin{act::CallTicket{"", ChosenRoom(s, ui)}});
  ImGui::Separator();
  ImGui::BeginChild("##walk_lists", ImVec2(0, 0), false);
  if (waiting.empty()) ImGui::TextDisabled("%s", WalkTr(s.lang, WalkMsg::kNobodyWaiting));
  for (const QueueRow& r : waiting) Row(s, ui, out, r);
  const std::vector<QueueRow> called = CalledRows(s);
  if (!called.empty()) {
    ImGui::Spacing();
    ImGui::Separator();
    ImGui::TextColored(Rgb(kMuted), "%s", WalkTr(s.lang, WalkMsg::kCalledTitle));
    for (const QueueRow& r : called) Row(s, ui, out, r);
  }
  ImGui::EndChild();
}

}  // namespace relais::kiosk::ui
