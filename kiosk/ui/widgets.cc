#include "kiosk/ui/widgets.h"

#include <algorithm>

namespace relais::kiosk::ui {

namespace {
const Palette* g_palette = &kNormalPalette;  // UI thread only
}  // namespace

const Palette& Pal() { return *g_palette; }
void SetPalette(const Palette& p) { g_palette = &p; }

ImVec4 Rgb(unsigned hex, float alpha) {
  return ImVec4(((hex >> 16) & 255) / 255.0f, ((hex >> 8) & 255) / 255.0f,
                (hex & 255) / 255.0f, alpha);
}

ImU32 Col(unsigned hex) { return ImGui::ColorConvertFloat4ToU32(Rgb(hex)); }

unsigned StatusColour(const std::string& status) {
  if (status == "checked_in") return 0xFFE29A;
  if (status == "in_consultation") return 0xA9D0F5;
  if (status == "done") return 0xC8E6C4;
  if (status == "no_show") return 0xF4C1BC;
  if (status == "cancelled") return 0xDADDE0;
  return 0xE8EEF5;  // booked
}

float FitWidth(const char* label, float w) {
  const float text = ImGui::CalcTextSize(label, nullptr, true).x;
  return std::max(w, text + 2 * ImGui::GetStyle().FramePadding.x);
}

bool Button(UiScratch& s, const char* label, ImVec2 size, unsigned fill,
            unsigned text) {
  int pushed = 0;
  if (fill != 0) {
    ImGui::PushStyleColor(ImGuiCol_Button, Rgb(fill));
    ImGui::PushStyleColor(ImGuiCol_ButtonHovered, Rgb(fill, 0.85f));
    ImGui::PushStyleColor(ImGuiCol_ButtonActive, Rgb(fill, 0.7f));
    ImGui::PushStyleColor(ImGuiCol_Text, Rgb(text));
    pushed = 4;
  } else {
    ImGui::PushStyleColor(ImGuiCol_Text, Rgb(Pal().on_primary));  // on the theme fill
    pushed = 1;
  }
  const ImVec2 label_size = ImGui::CalcTextSize(label, nullptr, true);
  const ImVec2 pad = ImGui::GetStyle().FramePadding;
  if (size.x > 0) size.x = FitWidth(label, size.x);
  if (size.y > 0) size.y = std::max(size.y, label_size.y + 2 * pad.y);
  const bool clicked = ImGui::Button(label, size);
  if (pushed) ImGui::PopStyleColor(pushed);
  RememberRect(s, label);
  return clicked;
}

void PushFontOr(ImFont* f) {
  if (f) ImGui::PushFont(f);
}
void PopFontOr(ImFont* f) {
  if (f) ImGui::PopFont();
}

namespace {
// Greedy split at spaces into lines no wider than `avail` (a single word
// wider than that stays whole).
std::vector<std::string> WrapLines(const std::string& text, float avail) {
  std::vector<std::string> lines;
  std::string line;
  size_t i = 0;
  while (i <= text.size()) {
    size_t j = text.find(' ', i);
    if (j == std::string::npos) j = text.size();
    const std::string word = text.substr(i, j - i);
    const std::string candidate = line.empty() ? word : line + " " + word;
    if (!line.empty() && ImGui::CalcTextSize(candidate.c_str()).x > avail) {
      lines.push_back(line);
      line = word;
    } else {
      line = candidate;
    }
    i = j + 1;
  }
  if (!line.empty()) lines.push_back(line);
  return lines;
}
}  // namespace

void CenteredText(const std::string& text, ImFont* font, unsigned colour) {
  PushFontOr(font);
  const float avail = ImGui::GetContentRegionAvail().x;
  const float x0 = ImGui::GetCursorPosX();
  ImGui::PushStyleColor(ImGuiCol_Text, Rgb(colour));
  const float w = ImGui::CalcTextSize(text.c_str()).x;
  for (const std::string& line :
       w <= avail ? std::vector<std::string>{text} : WrapLines(text, avail)) {
    const float lw = ImGui::CalcTextSize(line.c_str()).x;
    ImGui::SetCursorPosX(lw < avail ? x0 + (avail - lw) / 2 : x0);
    ImGui::TextUnformatted(line.c_str());
  }
  ImGui::PopStyleColor();
  PopFontOr(font);
}

void Badge(const std::string& text, unsigned colour) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const float r = ImGui::GetTextLineHeight() * 0.28f;
  dl->AddCircleFilled(ImVec2(p.x + r, p.y + ImGui::GetTextLineHeight() / 2), r,
                      Col(colour));
  ImGui::SetCursorScreenPos(ImVec2(p.x + r * 2 + 6, p.y));
  ImGui::PushStyleColor(ImGuiCol_Text, Rgb(colour));
  ImGui::TextUnformatted(text.c_str());
  ImGui::PopStyleColor();
}

void RememberRect(UiScratch& s, const std::string& key) {
  const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
  s.rects[key] = Rect{a.x, a.y, b.x - a.x, b.y - a.y};
}

void MarkControl(UiScratch& s, const std::string& id) {
  const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
  s.controls[id] = Rect{a.x, a.y, b.x - a.x, b.y - a.y};
}

void FocusRing(const Rect& r) {
  ImDrawList* dl = ImGui::GetForegroundDrawList();
  const float inner = 3, outer = 6, gap = 1;
  // Bands are stroked on their centre line.
  const float ri = gap + inner / 2, ro = gap + inner + outer / 2;
  dl->AddRect(ImVec2(r.x - ro, r.y - ro), ImVec2(r.x + r.w + ro, r.y + r.h + ro),
              Col(Pal().focus_ring), 10, 0, outer);
  dl->AddRect(ImVec2(r.x - ri, r.y - ri), ImVec2(r.x + r.w + ri, r.y + r.h + ri),
              Col(Pal().focus_ring_inner), 9, 0, inner);
}

std::vector<std::string> PoleLabels(const AppState& s) {
  std::vector<std::string> out;
  for (size_t i = 0; i < s.poles.size(); ++i)
    out.push_back(i < s.pole_names.size() && !s.pole_names[i].empty() ? s.pole_names[i]
                                                                      : s.poles[i]);
  return out;
}

}  // namespace relais::kiosk::ui
