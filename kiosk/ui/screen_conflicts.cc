// Staff: fields two replicas changed concurrently, their values side by
// side. Keeping one (or typing a combined value) writes a new value that
// dominates every sibling, which ends the conflict on every replica.
#include <cstdio>

#include "common/util/time.h"
#include "kiosk/app/i18n.h"
#include "kiosk/ui/screens.h"
#include "kiosk/ui/widgets.h"

namespace relais::kiosk::ui {

namespace {

// Field values are stored raw; make times and statuses readable.
std::string Pretty(const AppState& s, const ConflictItem& c, const std::string& v) {
  if (c.field == "status") return StatusLabel(s.lang, v);
  if (c.field == "state") return PresenceLabel(s.lang, v);
  if (c.field == "practitioner" || c.field == "payer") return PractitionerName(s, v);
  if (c.field == "start" || c.field == "checkin_at") {
    int64_t t = 0;
    if (common::ParseInt64(v, &t)) return common::FormatParisDateTime(t).replace(10, 1, " ");
  }
  return v.empty() ? "(vide)" : v;
}

void Item(const AppState& s, UiScratch& ui, std::vector<Action>* out,
          const ConflictItem& c) {
  const std::string key = c.record_id + "|" + c.field;
  ImGui::PushID(key.c_str());
  PushFontOr(ui.fonts.large);
  ImGui::TextUnformatted(c.label.c_str());
  PopFontOr(ui.fonts.large);
  ImGui::TextColored(Rgb(kDanger), "%s : %s", Tr(s.lang, Msg::kConflictFlag),
                     FieldLabel(s.lang, c.field).c_str());
  const float w = 380;
  for (size_t i = 0; i < c.values.size(); ++i) {
    const ConflictValue& v = c.values[i];
    if (i) ImGui::SameLine(0, 16);
    ImGui::PushID(static_cast<int>(i));
    ImGui::PushStyleColor(ImGuiCol_ChildBg, Rgb(0xFFFFFF));
    ImGui::BeginChild("##value", ImVec2(w, 170), true);
    PushFontOr(ui.fonts.large);
    ImGui::TextWrapped("%s", Pretty(s, c, v.value).c_str());
    PopFontOr(ui.fonts.large);
    const std::string when = common::FormatParisDateTime(v.written_ms / 1000);
    ImGui::TextColored(Rgb(kMuted), "%s %s · %s/%s %s", Tr(s.lang, Msg::kWrittenBy),
                       v.replica.substr(0, 6).c_str(), when.substr(8, 2).c_str(),
                       when.substr(5, 2).c_str(), when.substr(11, 5).c_str());
    ImGui::SetCursorPosY(170 - 64);
    const std::string label = std::string(Tr(s.lang, Msg::kKeepThis)) + "##" + key +
                              std::to_string(i);
    if (Button(ui, label.c_str(), ImVec2(w - 24, 52), kOk))
      out->push_back(act::ResolveConflict{c.collection, c.record_id, c.field, v.value});
    ImGui::EndChild();
    ImGui::PopStyleColor();
    ImGui::PopID();
  }
  // Combine: a free value for text fields (e.g. two notes merged by hand).
  auto [it, fresh] = ui.combined.try_emplace(key);
  if (fresh && !c.values.empty())
    std::snprintf(it->second.data(), it->second.size(), "%s", c.values[0].value.c_str());
  ImGui::TextColored(Rgb(kMuted), "%s", Tr(s.lang, Msg::kCombine));
  ImGui::SetNextItemWidth(w * 2 - 200);
  ImGui::InputText("##combined", it->second.data(), it->second.size());
  ImGui::SameLine();
  if (Button(ui, (std::string(Tr(s.lang, Msg::kSave)) + "##combine" + key).c_str(),
             ImVec2(200, 44)))
    out->push_back(act::ResolveConflict{c.collection, c.record_id, c.field, it->second.data()});
  ImGui::Separator();
  ImGui::PopID();
}

}  // namespace

void DrawConflicts(const AppState& s, UiScratch& ui, std::vector<Action>* out) {
  PushFontOr(ui.fonts.large);
  ImGui::TextUnformatted(Tr(s.lang, Msg::kConflicts));
  PopFontOr(ui.fonts.large);
  ImGui::TextColored(Rgb(kMuted), "%s", Tr(s.lang, Msg::kConflictHelp));
  ImGui::Separator();
  if (s.conflicts.empty()) {
    ImGui::Dummy(ImVec2(0, 40));
    CenteredText(Tr(s.lang, Msg::kNoConflicts), ui.fonts.large, kOk);
    return;
  }
  ImGui::BeginChild("##conflicts");
  for (const ConflictItem& c : s.conflicts) Item(s, ui, out, c);
  ImGui::EndChild();
}

}  // namespace relais::kiosk::ui
