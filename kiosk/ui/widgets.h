#pragma once
// Small shared widgets of the kiosk UI (internal to kiosk/ui).

#include <string>

#include "imgui.h"
#include "kiosk/ui/ui.h"

namespace relais::kiosk::ui {

inline constexpr float kTouch = 64.0f;  // minimum public touch target (px)

// Colours.
ImVec4 Rgb(unsigned hex, float alpha = 1.0f);
ImU32 Col(unsigned hex);
inline constexpr unsigned kPrimary = 0x0B5FA5;
inline constexpr unsigned kPrimaryHover = 0x0D6EBF;
inline constexpr unsigned kInk = 0x111820;
inline constexpr unsigned kMuted = 0x4A5560;
inline constexpr unsigned kOk = 0x1E7B34;
inline constexpr unsigned kWarn = 0xB35C00;
inline constexpr unsigned kDanger = 0xB3261E;
inline constexpr unsigned kPanel = 0xFFFFFF;
// Background of an appointment card by status.
unsigned StatusColour(const std::string& status);

// Button that records its rect in scratch.rects[label]. `fill` = 0 uses the
// theme colour; otherwise a custom background (white text on dark fills).
bool Button(UiScratch& s, const char* label, ImVec2 size, unsigned fill = 0,
            unsigned text = 0xFFFFFF);
// Text centred horizontally in the current window.
void CenteredText(const std::string& text, ImFont* font = nullptr,
                  unsigned colour = kInk);
void PushFontOr(ImFont* f);
void PopFontOr(ImFont* f);
// Coloured status line "● text".
void Badge(const std::string& text, unsigned colour);

}  // namespace relais::kiosk::ui
