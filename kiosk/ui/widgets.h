#pragma once
// Small shared widgets of the kiosk UI (internal to kiosk/ui).

#include <string>
#include <vector>

#include "imgui.h"
#include "kiosk/ui/theme.h"
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
inline constexpr unsigned kOk = kNormalPalette.ok;  // 4.5:1 on the status bar too
inline constexpr unsigned kWarn = kNormalPalette.warn_text;
inline constexpr unsigned kDanger = 0xB3261E;
inline constexpr unsigned kPanel = 0xFFFFFF;
// Palette of the frame being drawn (DrawScreen sets it: the high-contrast
// one on public screens when AppState::high_contrast, else the normal one).
const Palette& Pal();
void SetPalette(const Palette& p);
// Background of an appointment card by status.
unsigned StatusColour(const std::string& status);

// Button that records its rect in scratch.rects[label]. `fill` = 0 uses the
// theme colour; otherwise a custom background (white text on dark fills).
// It grows to fit its label (larger text, « A+ ») and never shrinks.
bool Button(UiScratch& s, const char* label, ImVec2 size, unsigned fill = 0,
            unsigned text = 0xFFFFFF);
// The width Button() will give `label` asked `w` wide, in the current font
// and window font scale (to centre or right-align it before drawing).
float FitWidth(const char* label, float w);
// Text centred horizontally in the current window; wrapped at spaces into
// several centred lines when wider than the window.
void CenteredText(const std::string& text, ImFont* font = nullptr,
                  unsigned colour = kInk);
void PushFontOr(ImFont* f);
void PopFontOr(ImFont* f);
// Records the last item's rect in scratch.rects[key] (inputs and combos,
// for the headless UI tests; Button does it itself).
void RememberRect(UiScratch& s, const std::string& key);
// Records the last item as public control `id` (focus.h) in
// scratch.controls, for the focus ring and the reach test.
void MarkControl(UiScratch& s, const std::string& id);
// Draws the focus ring around `r` (foreground, over everything): a 3 px
// band in Pal().focus_ring_inner 1 px outside the control, then a 6 px band
// in Pal().focus_ring around it (10 px in all).
void FocusRing(const Rect& r);
// Display names of AppState::poles (the id when a pôle has no name).
std::vector<std::string> PoleLabels(const AppState& s);
// Coloured status line "● text".
void Badge(const std::string& text, unsigned colour);

}  // namespace relais::kiosk::ui
