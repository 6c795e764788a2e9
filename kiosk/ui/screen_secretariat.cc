// Staff: « Prochain créneau libre » (filters, « Chercher », the proposals,
// booking one in one step) on the left, « Rendez-vous en double » with a
// one-step move on the right. Draws AppState::secretariat; the search, the
// booking and the move are actions (kiosk/app/secretariat.h).
#include <algorithm>
#include <cstdio>
#include <set>

#include "common/model/schedule.h"
#include "common/util/time.h"
#include "kiosk/app/i18n.h"
#include "kiosk/app/secretariat_text.h"
#include "kiosk/ui/screens.h"
#include "kiosk/ui/widgets.h"

namespace relais::kiosk::ui {

namespace {

std::vector<std::string> Professions(const AppState& s) {
  std::set<std::string> set;
  for (const auto& p : s.practitioners)
    if (!p.profession.empty()) set.insert(p.profession);
  return {set.begin(), set.end()};
}

std::string SiteLabel(const AppState& s, const std::string& site) {
  const SecretariatState& sec = s.secretariat;
  for (size_t i = 0; i < sec.sites.size() && i < sec.site_names.size(); ++i)
    if (sec.sites[i] == site && !sec.site_names[i].empty()) return sec.site_names[i];
  return site;
}

// A combo over `items` (index 0 = `any`); keeps `*choice` in range.
void Choice(UiScratch& ui, const char* id, float width, const char* any,
            const std::vector<std::string>& items, int* choice) {
  if (*choice < 0 || *choice > static_cast<int>(items.size())) *choice = 0;
  ImGui::SetNextItemWidth(width);
  const char* preview = *choice == 0 ? any : items[*choice - 1].c_str();
  if (ImGui::BeginCombo(id, preview)) {
    for (int i = 0; i <= static_cast<int>(items.size()); ++i) {
      ImGui::PushID(i);
      if (ImGui::Selectable(i == 0 ? any : items[i - 1].c_str(), *choice == i)) *choice = i;
      ImGui::PopID();
    }
    ImGui::EndCombo();
  }
  RememberRect(ui, id);
}

// One row of labels over one row of widgets, at the same x positions.
struct Row {
  float x0 = 0;
  std::vector<float> xs;  // offsets from x0
  void Labels(const std::vector<const char*>& labels) const {
    const float y = ImGui::GetCursorPosY();
    for (size_t i = 0; i < labels.size(); ++i) {
      ImGui::SetCursorPos(ImVec2(x0 + xs[i], y));
      ImGui::TextColored(Rgb(kMuted), "%s", labels[i]);
    }
  }
  void At(size_t i, float y) const { ImGui::SetCursorPos(ImVec2(x0 + xs[i], y)); }
};

void Filters(const AppState& s, UiScratch& ui, std::vector<Action>* out) {
  SecretariatScratch& f = ui.sec;
  const SecretariatState& sec = s.secretariat;
  std::vector<std::string> sites;
  for (const std::string& id : sec.sites) sites.push_back(SiteLabel(s, id));
  const std::vector<std::string> professions = Professions(s);
  std::vector<std::string> practitioners;
  for (const auto& p : s.practitioners) practitioners.push_back(p.name.empty() ? p.id : p.name);
  std::vector<std::string> kinds;
  for (const std::string& k : common::ScheduleKinds()) kinds.push_back(PlageKindLabel(s.lang, k));
  const Lang l = s.lang;
  const float gap = 14;
  Row r1{ImGui::GetCursorPosX(), {0, 240 + gap, 240 + 250 + 2 * gap}};
  r1.Labels({SecTr(l, SecMsg::kSite), SecTr(l, SecMsg::kProfession),
             SecTr(l, SecMsg::kPractitioner)});
  float y = ImGui::GetCursorPosY();
  r1.At(0, y);
  Choice(ui, "##sec_site", 240, SecTr(l, SecMsg::kAllSites), sites, &f.site);
  r1.At(1, y);
  Choice(ui, "##sec_prof", 250, SecTr(l, SecMsg::kAnyProfession), professions, &f.profession);
  r1.At(2, y);
  Choice(ui, "##sec_pract", 280, SecTr(l, SecMsg::kAnyPractitioner), practitioners,
         &f.practitioner);
  // Second row: the pôle filter comes first when the organisation has
  // pôles (the other widgets narrow to make room).
  const bool with_poles = !s.poles.empty();
  const std::vector<std::string> poles = PoleLabels(s);
  const float wp = with_poles ? 190 : 0, wk = with_poles ? 210 : 262,
              wd = with_poles ? 140 : 170, wt = with_poles ? 90 : 110,
              wb = with_poles ? 130 : 180;
  const float gp = with_poles ? gap : 0;
  Row r2{r1.x0, {0, wp + gp, wp + wk + gp + gap, wp + wk + wd + gp + 2 * gap,
                 wp + wk + wd + wt + gp + 3 * gap}};
  r2.Labels({with_poles ? SecTr(l, SecMsg::kPole) : "", SecTr(l, SecMsg::kKind),
             SecTr(l, SecMsg::kAfterDate), SecTr(l, SecMsg::kAfterTime), ""});
  y = ImGui::GetCursorPosY();
  if (with_poles) {
    r2.At(0, y);
    Choice(ui, "##sec_pole", wp, SecTr(l, SecMsg::kAnyPole), poles, &f.pole);
  }
  r2.At(1, y);
  Choice(ui, "##sec_kind", wk, SecTr(l, SecMsg::kAllKinds), kinds, &f.kind);
  r2.At(2, y);
  ImGui::SetNextItemWidth(wd);
  ImGui::InputTextWithHint("##sec_date", "JJ/MM/AAAA", f.after_date.data(),
                           f.after_date.size());
  RememberRect(ui, "##sec_date");
  r2.At(3, y);
  ImGui::SetNextItemWidth(wt);
  ImGui::InputTextWithHint("##sec_time", "HH:MM", f.after_time.data(), f.after_time.size());
  RememberRect(ui, "##sec_time");
  r2.At(4, y - 6);
  const std::string search = std::string(SecTr(l, SecMsg::kSearch)) + "##sec_search";
  if (Button(ui, search.c_str(), ImVec2(wb, 48))) {
    SlotFilter filter;
    if (f.site > 0) filter.site = sec.sites[f.site - 1];
    if (f.profession > 0) filter.profession = professions[f.profession - 1];
    if (f.practitioner > 0) filter.practitioner = s.practitioners[f.practitioner - 1].id;
    if (f.kind > 0) filter.kind = common::ScheduleKinds()[f.kind - 1];
    if (f.pole > 0 && f.pole <= static_cast<int>(s.poles.size()))
      filter.pole = s.poles[f.pole - 1];
    filter.after_date = f.after_date.data();
    filter.after_time = f.after_time.data();
    out->push_back(act::SearchSlots{std::move(filter)});
  }
}

void Proposals(const AppState& s, UiScratch& ui, std::vector<Action>* out) {
  const SecretariatState& sec = s.secretariat;
  const Lang l = s.lang;
  if (!sec.searched) {
    ImGui::TextColored(Rgb(kMuted), "%s", SecTr(l, SecMsg::kSearchHint));
    return;
  }
  if (sec.slots.empty()) {
    ImGui::TextColored(Rgb(kWarn), "%s", SecTr(l, SecMsg::kNoSlot));
    return;
  }
  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH |
                                ImGuiTableFlags_ScrollY;
  const float h = std::min(ImGui::GetContentRegionAvail().y - 170, 60.0f * 7);
  const bool site_column = sec.sites.size() > 1;  // one site: the column says nothing
  if (!ImGui::BeginTable("##sec_slots", site_column ? 6 : 5, flags,
                         ImVec2(0, std::max(h, 120.0f))))
    return;
  ImGui::TableSetupScrollFreeze(0, 1);
  const float pad = 2 * ImGui::GetStyle().CellPadding.x + 4;
  ImGui::TableSetupColumn(SecTr(l, SecMsg::kDate), ImGuiTableColumnFlags_WidthFixed,
                          ImGui::CalcTextSize("mer. 00/00").x + pad);
  ImGui::TableSetupColumn(SecTr(l, SecMsg::kTime), ImGuiTableColumnFlags_WidthFixed,
                          ImGui::CalcTextSize("00:00 · 00 min").x + pad);
  // Weights for a multi-site list: site names ("Chalon-sur-Saône") and
  // kinds are longer than practitioners' names.
  ImGui::TableSetupColumn(SecTr(l, SecMsg::kPractitioner), ImGuiTableColumnFlags_WidthStretch,
                          site_column ? 1.6f : 2.0f);
  if (site_column)
    ImGui::TableSetupColumn(SecTr(l, SecMsg::kWhere), ImGuiTableColumnFlags_WidthStretch, 1.5f);
  ImGui::TableSetupColumn(SecTr(l, SecMsg::kKind), ImGuiTableColumnFlags_WidthStretch, 1.3f);
  ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthFixed, 116);
  ImGui::TableHeadersRow();
  for (size_t i = 0; i < sec.slots.size(); ++i) {
    const common::domain::Slot& slot = sec.slots[i];
    const bool chosen = sec.selected && *sec.selected == slot;
    ImGui::TableNextRow(0, 54);
    if (chosen) ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg0, Col(0xFFE29A));
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(ShortDate(l, common::ParisDate(slot.start)).c_str());
    ImGui::TableNextColumn();
    ImGui::Text("%s · %d min", common::FormatParisTime(slot.start).c_str(), slot.duration_min);
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(PractitionerName(s, slot.practitioner).c_str());
    if (!slot.replaces.empty())  // a second line in the same cell
      ImGui::TextColored(Rgb(kWarn), "%s %s", SecTr(l, SecMsg::kReplaces),
                         PractitionerName(s, slot.replaces).c_str());
    if (site_column) {
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(SiteLabel(s, slot.site).c_str());
    }
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(PlageKindLabel(l, slot.kind).c_str());
    ImGui::TableNextColumn();
    const std::string pick = std::string(SecTr(l, SecMsg::kChoose)) + "##slot" + std::to_string(i);
    if (Button(ui, pick.c_str(), ImVec2(106, 44), chosen ? kOk : 0))
      out->push_back(act::SelectSlot{i});
  }
  ImGui::EndTable();
}

void Booking(const AppState& s, UiScratch& ui, std::vector<Action>* out) {
  const SecretariatState& sec = s.secretariat;
  const Lang l = s.lang;
  // A new booking went through: the next patient starts from empty fields
  // (a refused one keeps them, to be corrected).
  if (sec.booked && sec.booked->appointment_id != ui.sec.booked_id) {
    ui.sec.booked_id = sec.booked->appointment_id;
    ui.sec.patient.fill(0);
    ui.sec.birth.fill(0);
  }
  if (sec.booked) {
    ImGui::TextColored(Rgb(kOk), "%s", sec.booked->summary.c_str());
    ImGui::SameLine();
    PushFontOr(ui.fonts.large);
    ImGui::TextColored(Rgb(kOk), "%s", sec.booked->code.c_str());
    PopFontOr(ui.fonts.large);
  }
  if (!sec.selected) return;
  const common::domain::Slot& slot = *sec.selected;
  ImGui::Text("%s : %s %s · %s · %s", SecTr(l, SecMsg::kChosen),
              LongDate(l, common::ParisDate(slot.start)).c_str(),
              common::FormatParisTime(slot.start).c_str(),
              PractitionerName(s, slot.practitioner).c_str(), SiteLabel(s, slot.site).c_str());
  ImGui::BeginGroup();
  ImGui::TextColored(Rgb(kMuted), "%s", SecTr(l, SecMsg::kPatientName));
  ImGui::SetNextItemWidth(300);
  ImGui::InputText("##sec_patient", ui.sec.patient.data(), ui.sec.patient.size());
  RememberRect(ui, "##sec_patient");
  ImGui::EndGroup();
  ImGui::SameLine();
  ImGui::BeginGroup();
  ImGui::TextColored(Rgb(kMuted), "%s", SecTr(l, SecMsg::kBirth));
  ImGui::SetNextItemWidth(180);
  ImGui::InputText("##sec_birth", ui.sec.birth.data(), ui.sec.birth.size());
  RememberRect(ui, "##sec_birth");
  ImGui::EndGroup();
  ImGui::SameLine();
  ImGui::SetCursorPosY(ImGui::GetCursorPosY() + ImGui::GetTextLineHeightWithSpacing() - 8);
  const std::string book = std::string(SecTr(l, SecMsg::kBook)) + "##sec_book";
  if (Button(ui, book.c_str(), ImVec2(170, 48), kOk)) {
    out->push_back(act::BookSlot{ui.sec.patient.data(), ui.sec.birth.data()});
  }
}

void OneAppointment(const AppState& s, const common::Appointment& a, bool moves) {
  const std::string line = common::FormatParisTime(a.start) + "–" +
                           common::FormatParisTime(a.start + a.duration_min * 60) + "  " +
                           a.patient_name;
  if (!moves) {
    ImGui::TextWrapped("%s", line.c_str());
    return;
  }
  ImGui::PushStyleColor(ImGuiCol_Text, Rgb(kDanger));
  ImGui::TextWrapped("%s  (%s)", line.c_str(), SecTr(s.lang, SecMsg::kToMove));
  ImGui::PopStyleColor();
}

void Overlaps(const AppState& s, UiScratch& ui, std::vector<Action>* out) {
  const SecretariatState& sec = s.secretariat;
  const Lang l = s.lang;
  PushFontOr(ui.fonts.large);
  ImGui::TextUnformatted(SecTr(l, SecMsg::kOverlapsTitle));
  PopFontOr(ui.fonts.large);
  ImGui::TextWrapped("%s", SecTr(l, SecMsg::kOverlapsHelp));
  ImGui::Separator();
  if (sec.overlaps.empty()) {
    ImGui::TextColored(Rgb(kOk), "%s", SecTr(l, SecMsg::kNoOverlaps));
    return;
  }
  if (sec.overlaps_truncated) ImGui::TextColored(Rgb(kWarn), "%s", SecTr(l, SecMsg::kOverlapsTruncated));
  for (size_t i = 0; i < sec.overlaps.size(); ++i) {
    const SecOverlap& o = sec.overlaps[i];
    ImGui::PushID(static_cast<int>(i));
    const common::CivilDate d = common::ParisDate(o.first.start);
    ImGui::TextWrapped("%s · %02d/%02d/%04d · %s",
                       PractitionerName(s, o.first.practitioner).c_str(), d.day, d.month,
                       d.year, SiteLabel(s, o.first.site_id).c_str());
    OneAppointment(s, o.first, o.move_id == o.first.id);
    OneAppointment(s, o.second, o.move_id == o.second.id);
    const std::string move = std::string(SecTr(l, SecMsg::kMove)) + "##ov" + std::to_string(i);
    if (Button(ui, move.c_str(), ImVec2(ImGui::GetContentRegionAvail().x, 46), kWarn))
      out->push_back(act::MoveOverlap{o.first.id, o.second.id});
    ImGui::Separator();
    ImGui::PopID();
  }
}

// Reason of a displaced appointment, in the kiosk's language.
const char* ReasonLabel(Lang l, const std::string& reason) {
  if (reason == "conge") return l == Lang::kFr ? "congé" : "leave";
  if (reason == "fermeture") return l == Lang::kFr ? "site fermé" : "site closed";
  return l == Lang::kFr ? "absence" : "absence";
}

void Displaced(const AppState& s, UiScratch& ui, std::vector<Action>* out) {
  const SecretariatState& sec = s.secretariat;
  const Lang l = s.lang;
  ImGui::Spacing();
  PushFontOr(ui.fonts.large);
  ImGui::TextUnformatted(SecTr(l, SecMsg::kDisplacedTitle));
  PopFontOr(ui.fonts.large);
  ImGui::TextWrapped("%s", SecTr(l, SecMsg::kDisplacedHelp));
  ImGui::Separator();
  if (sec.displaced.empty()) {
    ImGui::TextColored(Rgb(kOk), "%s", SecTr(l, SecMsg::kNoDisplaced));
    return;
  }
  for (size_t i = 0; i < sec.displaced.size(); ++i) {
    const common::Appointment& a = sec.displaced[i].appointment;
    ImGui::PushID(static_cast<int>(i));
    // No patient here (the list is built from the slot fields only).
    ImGui::TextWrapped("%s · %s · %s · %s (%s)", ShortDate(l, common::ParisDate(a.start)).c_str(),
                       common::FormatParisDateTime(a.start).substr(11).c_str(),
                       PractitionerName(s, a.practitioner).c_str(), SiteLabel(s, a.site_id).c_str(),
                       ReasonLabel(l, sec.displaced[i].reason));
    const std::string move = std::string(SecTr(l, SecMsg::kMove)) + "##dp" + std::to_string(i);
    if (Button(ui, move.c_str(), ImVec2(ImGui::GetContentRegionAvail().x, 46), kWarn))
      out->push_back(act::MoveDisplaced{a.id});
    ImGui::Separator();
    ImGui::PopID();
  }
}

}  // namespace

void DrawSecretariat(const AppState& s, UiScratch& ui, std::vector<Action>* out) {
  const float w = ImGui::GetContentRegionAvail().x;
  ImGui::BeginChild("##sec_left", ImVec2(w * 0.67f, 0), false);
  PushFontOr(ui.fonts.large);
  ImGui::TextUnformatted(SecTr(s.lang, SecMsg::kTitle));
  PopFontOr(ui.fonts.large);
  Filters(s, ui, out);
  ImGui::Separator();
  Proposals(s, ui, out);
  Booking(s, ui, out);
  ImGui::EndChild();
  ImGui::SameLine();
  ImGui::PushStyleColor(ImGuiCol_ChildBg, Rgb(0xFFFFFF));
  ImGui::BeginChild("##sec_right", ImVec2(0, 0), true);
  Overlaps(s, ui, out);
  Displaced(s, ui, out);
  ImGui::EndChild();
  ImGui::PopStyleColor();
}

}  // namespace relais::kiosk::ui
