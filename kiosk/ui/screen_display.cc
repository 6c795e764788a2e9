#include "kiosk/app/i18n.h"
#include "kiosk/app/walkin_text.h"
#include "kiosk/ui/display_ui.h"
#include "kiosk/ui/widgets.h"

#include "common/util/time.h"

namespace relais::kiosk::ui {

namespace {

// Dark background, light text: readable across a waiting room (contrast
// of kInkOnDark on kDisplayBg > 12:1).
constexpr unsigned kDisplayBg = 0x0E2233;
constexpr unsigned kDisplayInk = 0xFFFFFF;
constexpr unsigned kDisplayAccent = 0xFFD54F;
constexpr unsigned kDisplayMuted = 0xB8C7D6;

void Text(ImDrawList* dl, ImFont* font, float px, ImVec2 at, unsigned colour,
          const std::string& s) {
  dl->AddText(font ? font : ImGui::GetFont(), px, at, Col(colour), s.c_str());
}

}  // namespace

void DrawDisplay(const DisplayState& d, const Fonts& fonts) {
  const ImGuiIO& io = ImGui::GetIO();
  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(io.DisplaySize);
  ImGui::PushStyleColor(ImGuiCol_WindowBg, Rgb(kDisplayBg));
  ImGui::Begin("##display", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                   ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoInputs);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float w = io.DisplaySize.x, h = io.DisplaySize.y;
  const float u = h / 800.0f;  // sizes for an 800 px high screen, scaled
  ImFont* big = fonts.huge ? fonts.huge : fonts.title;
  // Date and time, top right.
  const std::string clock = LongDate(d.lang, d.today) + "  " +
                            common::FormatParisTime(d.now_ms / 1000);
  ImFont* body = fonts.large ? fonts.large : ImGui::GetFont();
  const float cw = body->CalcTextSizeA(32 * u, 1e9f, 0, clock.c_str()).x;
  Text(dl, fonts.large, 32 * u, ImVec2(w - cw - 30 * u, 20 * u), kDisplayMuted, clock);
  // Calls, left 60 %.
  Text(dl, fonts.title, 52 * u, ImVec2(40 * u, 20 * u), kDisplayInk,
       WalkTr(d.lang, WalkMsg::kDisplayCalls));
  float y = 100 * u;
  if (d.calls.empty())
    Text(dl, fonts.large, 36 * u, ImVec2(40 * u, y), kDisplayMuted,
         WalkTr(d.lang, WalkMsg::kDisplayNoCall));
  const float col_w = w * 0.62f - 80 * u;  // the calls' column
  for (size_t i = 0; i < d.calls.size(); ++i) {
    const DisplayCall& c = d.calls[i];
    const std::string line = c.number + "  →  " + c.room;
    float px = (i == 0 ? 120 : 60) * u;
    const float tw = (big ? big : ImGui::GetFont())->CalcTextSizeA(px, 1e9f, 0, line.c_str()).x;
    if (tw > col_w) px *= col_w / tw;  // a long room name: smaller, never cut
    Text(dl, big, px, ImVec2(40 * u, y), i == 0 ? kDisplayAccent : kDisplayInk, line);
    y += px * 1.15f;
    if (y > h - 60 * u) break;
  }
  // Next appointments, right 40 %.
  const float x = w * 0.62f;
  dl->AddLine(ImVec2(x - 20 * u, 90 * u), ImVec2(x - 20 * u, h - 30 * u), Col(kDisplayMuted),
              2 * u);
  Text(dl, fonts.large, 40 * u, ImVec2(x, 100 * u), kDisplayInk,
       WalkTr(d.lang, WalkMsg::kDisplayNext));
  y = 160 * u;
  if (d.next.empty())
    Text(dl, fonts.large, 30 * u, ImVec2(x, y), kDisplayMuted,
         WalkTr(d.lang, WalkMsg::kDisplayNoAppointment));
  for (const DisplayAppointment& a : d.next) {
    Text(dl, fonts.large, 36 * u, ImVec2(x, y), kDisplayAccent, a.hhmm);
    Text(dl, fonts.large, 32 * u, ImVec2(x + 120 * u, y + 2 * u), kDisplayInk, a.practitioner);
    y += 52 * u;
  }
  ImGui::End();
  ImGui::PopStyleColor();
}

}  // namespace relais::kiosk::ui
