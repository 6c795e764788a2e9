// Staff: shared costs of the month: entries (never edited, only reversed),
// a form to add one, per-practitioner balances and the settling transfers.
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "common/util/time.h"
#include "kiosk/app/i18n.h"
#include "kiosk/app/ledger_view.h"
#include "kiosk/ui/screens.h"
#include "kiosk/ui/widgets.h"

namespace relais::kiosk::ui {

namespace {

std::string MonthTitle(const AppState& s) {
  int y = 0, m = 0;
  if (!common::ParseMonth(s.ledger_month, &y, &m).ok()) return s.ledger_month;
  std::string d = LongDate(s.lang, common::CivilDate{y, m, 1});
  // "lundi 1 mars 2025" -> "mars 2025"
  const size_t a = d.find(' '), b = d.find(' ', a + 1);
  return b == std::string::npos ? d : d.substr(b + 1);
}

// "12,50" or "12.50" -> 1250; false if not a positive amount.
bool ParseCents(const std::string& text, int64_t* cents) {
  std::string t;
  for (char c : text) t += c == ',' ? '.' : c;
  char* end = nullptr;
  const double v = std::strtod(t.c_str(), &end);
  if (t.empty() || *end != '\0' || !(v > 0) || v > 1e9) return false;
  *cents = static_cast<int64_t>(std::llround(v * 100));
  return true;
}

void AddForm(const AppState& s, UiScratch& ui, std::vector<Action>* out) {
  ImGui::TextUnformatted(Tr(s.lang, Msg::kAddEntry) + 2);
  ImGui::SetNextItemWidth(130);
  ImGui::InputTextWithHint("##amount", Tr(s.lang, Msg::kAmount), ui.ledger_amount.data(),
                           ui.ledger_amount.size());
  ImGui::SameLine();
  ImGui::SetNextItemWidth(150);
  ImGui::InputTextWithHint("##category", Tr(s.lang, Msg::kCategory),
                           ui.ledger_category.data(), ui.ledger_category.size());
  ImGui::SameLine();
  ImGui::SetNextItemWidth(-1);
  ImGui::InputTextWithHint("##label", Tr(s.lang, Msg::kLabel), ui.ledger_label.data(),
                           ui.ledger_label.size());
  std::vector<const char*> names;
  for (const auto& p : s.practitioners) names.push_back(p.name.c_str());
  ImGui::SetNextItemWidth(200);
  ImGui::Combo("##payer", &ui.ledger_payer, names.data(), static_cast<int>(names.size()));
  ImGui::SameLine();
  const auto& keys = common::AllocationKeys();
  std::vector<std::string> klabels;
  for (const auto& k : keys) klabels.push_back(KeyLabel(s.lang, k));
  std::vector<const char*> knames;
  for (const auto& k : klabels) knames.push_back(k.c_str());
  ImGui::SetNextItemWidth(170);
  ImGui::Combo("##key", &ui.ledger_key, knames.data(), static_cast<int>(knames.size()));
  ImGui::SameLine();
  if (!Button(ui, (std::string(Tr(s.lang, Msg::kSave)) + "##ledger").c_str(), ImVec2(-1, 0), kOk))
    return;
  act::AddLedgerEntry e;
  if (!ParseCents(ui.ledger_amount.data(), &e.amount_cents)) e.amount_cents = 0;
  e.category = ui.ledger_category.data();
  e.label = ui.ledger_label.data();
  if (ui.ledger_payer >= 0 && ui.ledger_payer < static_cast<int>(s.practitioners.size()))
    e.payer = s.practitioners[ui.ledger_payer].id;
  if (ui.ledger_key >= 0 && ui.ledger_key < static_cast<int>(keys.size()))
    e.key = keys[ui.ledger_key];
  out->push_back(e);
  ui.ledger_amount.fill(0);
  ui.ledger_label.fill(0);
}

void Entries(const AppState& s, UiScratch& ui, std::vector<Action>* out,
             const MonthLedger& m) {
  const ImGuiTableFlags flags = ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg |
                                ImGuiTableFlags_ScrollY;
  if (!ImGui::BeginTable("##entries", 4, flags, ImVec2(0, ImGui::GetContentRegionAvail().y)))
    return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn(Tr(s.lang, Msg::kLabel), ImGuiTableColumnFlags_WidthStretch);
  ImGui::TableSetupColumn(Tr(s.lang, Msg::kPayer), ImGuiTableColumnFlags_WidthFixed, 140);
  ImGui::TableSetupColumn(Tr(s.lang, Msg::kAmount), ImGuiTableColumnFlags_WidthFixed, 115);
  ImGui::TableSetupColumn("##act", ImGuiTableColumnFlags_WidthFixed, 170);
  ImGui::TableHeadersRow();
  for (const common::LedgerEntry* e : m.entries) {
    ImGui::TableNextRow(0, 52);
    ImGui::TableSetColumnIndex(0);
    const bool reversed = IsReversed(s.ledger, e->id);
    ImGui::TextColored(Rgb(reversed || !e->reverses.empty() ? kMuted : kInk), "%s",
                       e->label.empty() ? e->category.c_str() : e->label.c_str());
    const std::string when = common::FormatParisDateTime(e->created_at);
    ImGui::TextColored(Rgb(kMuted), "%s/%s · %s · %s%s", when.substr(8, 2).c_str(),
                       when.substr(5, 2).c_str(), e->category.c_str(),
                       KeyLabel(s.lang, e->key).c_str(),
                       reversed ? (std::string(" · ") + Tr(s.lang, Msg::kReversed)).c_str() : "");
    ImGui::TableSetColumnIndex(1);
    ImGui::TextUnformatted(PractitionerName(s, e->payer).c_str());
    ImGui::TableSetColumnIndex(2);
    ImGui::TextColored(Rgb(e->amount_cents < 0 ? kDanger : kInk), "%s",
                       FormatEuros(s.lang, e->amount_cents).c_str());
    ImGui::TableSetColumnIndex(3);
    if (!reversed && e->reverses.empty()) {
      const std::string label = std::string(Tr(s.lang, Msg::kReverse)) + "##" + e->id;
      if (Button(ui, label.c_str(), ImVec2(160, 44), 0x5A6672))
        out->push_back(act::ReverseEntry{e->id});
    }
  }
  ImGui::EndTable();
}

void Balances(const AppState& s, const MonthLedger& m) {
  const ImGuiTableFlags flags = ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg;
  if (ImGui::BeginTable("##balances", 4, flags)) {
    ImGui::TableSetupColumn(Tr(s.lang, Msg::kPractitioner), ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableSetupColumn(Tr(s.lang, Msg::kPaid), ImGuiTableColumnFlags_WidthFixed, 112);
    ImGui::TableSetupColumn(Tr(s.lang, Msg::kShare), ImGuiTableColumnFlags_WidthFixed, 112);
    ImGui::TableSetupColumn(Tr(s.lang, Msg::kBalance), ImGuiTableColumnFlags_WidthFixed, 120);
    ImGui::TableHeadersRow();
    for (const common::domain::Balance& l : m.balances) {
      ImGui::TableNextRow(0, 36);
      ImGui::TableSetColumnIndex(0);
      ImGui::TextUnformatted(PractitionerName(s, l.practitioner).c_str());
      ImGui::TableSetColumnIndex(1);
      ImGui::TextUnformatted(FormatEuros(s.lang, l.paid).c_str());
      ImGui::TableSetColumnIndex(2);
      ImGui::TextUnformatted(FormatEuros(s.lang, l.owed).c_str());
      ImGui::TableSetColumnIndex(3);
      ImGui::TextColored(Rgb(l.balance() < 0 ? kDanger : kOk), "%s",
                         FormatEuros(s.lang, l.balance()).c_str());
    }
    ImGui::EndTable();
  }
  ImGui::Dummy(ImVec2(0, 6));
  ImGui::TextUnformatted(Tr(s.lang, Msg::kSettlement));
  if (!m.error.empty()) ImGui::TextColored(Rgb(kDanger), "%s", m.error.c_str());
  if (m.transfers.empty()) ImGui::TextColored(Rgb(kMuted), "%s", Tr(s.lang, Msg::kNothingToSettle));
  for (const common::domain::Transfer& t : m.transfers) {
    ImGui::Bullet();
    ImGui::TextWrapped("%s %s %s → %s", PractitionerName(s, t.from).c_str(),
                       Tr(s.lang, Msg::kPays), FormatEuros(s.lang, t.cents).c_str(),
                       PractitionerName(s, t.to).c_str());
  }
  ImGui::PushStyleColor(ImGuiCol_Text, Rgb(kMuted));
  ImGui::TextWrapped("%s", Tr(s.lang, Msg::kEqualSplitNote));
  ImGui::PopStyleColor();
}

}  // namespace

void DrawLedger(const AppState& s, UiScratch& ui, std::vector<Action>* out) {
  const MonthLedger m =
      ComputeMonth(s.ledger, s.practitioners, s.month_presence, s.ledger_month);
  if (Button(ui, "<##month", ImVec2(64, 52))) out->push_back(act::ChangeMonth{-1});
  ImGui::SameLine();
  ImGui::SetCursorPosY(ImGui::GetCursorPosY() + 6);
  PushFontOr(ui.fonts.large);
  ImGui::Text("%s  ·  %s %s", MonthTitle(s).c_str(), Tr(s.lang, Msg::kMonthTotal),
              FormatEuros(s.lang, m.total_cents).c_str());
  PopFontOr(ui.fonts.large);
  ImGui::SameLine();
  ImGui::SetCursorPosY(ImGui::GetCursorPosY() - 6);
  if (Button(ui, ">##month", ImVec2(64, 52))) out->push_back(act::ChangeMonth{+1});
  const float right_w = 570;
  ImGui::BeginChild("##ledger_left", ImVec2(ImGui::GetContentRegionAvail().x - right_w - 12, 0));
  Entries(s, ui, out, m);
  ImGui::EndChild();
  ImGui::SameLine();
  ImGui::BeginChild("##ledger_right", ImVec2(right_w, 0));
  AddForm(s, ui, out);
  ImGui::Separator();
  Balances(s, m);
  ImGui::EndChild();
}

}  // namespace relais::kiosk::ui
