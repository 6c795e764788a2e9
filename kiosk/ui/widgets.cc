#include "kiosk/ui/widgets.h"

namespace relais::kiosk::ui {

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
    ImGui::PushStyleColor(ImGuiCol_Text, Rgb(0xFFFFFF));  // on the theme blue
    pushed = 1;
  }
  const bool clicked = ImGui::Button(label, size);
  if (pushed) ImGui::PopStyleColor(pushed);
  const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
  s.rects[label] = Rect{a.x, a.y, b.x - a.x, b.y - a.y};
  return clicked;
}

void PushFontOr(ImFont* f) {
  if (f) ImGui::PushFont(f);
}
void PopFontOr(ImFont* f) {
  if (f) ImGui::PopFont();
}

void CenteredText(const std::string& text, ImFont* font, unsigned colour) {
  PushFontOr(font);
  const float w = ImGui::CalcTextSize(text.c_str()).x;
  const float avail = ImGui::GetContentRegionAvail().x;
  if (w < avail) ImGui::SetCursorPosX(ImGui::GetCursorPosX() + (avail - w) / 2);
  ImGui::PushStyleColor(ImGuiCol_Text, Rgb(colour));
  ImGui::TextUnformatted(text.c_str());
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

}  // namespace relais::kiosk::ui
