#pragma once
// The waiting-room display's frame (`relais-kiosk --display`, issue #16):
// a pure function of DisplayState (kiosk/app/display_state.h), no input.
// REQUIRES: as ui.h (current ImGui context, between NewFrame and Render).

#include "kiosk/app/display_state.h"
#include "kiosk/ui/ui.h"

namespace relais::kiosk::ui {

// Fills the display: « Appels » (number → room, the latest the largest)
// on the left, « Prochains rendez-vous » (time, practitioner) on the
// right, the date and time at the top. Draws nothing else.
void DrawDisplay(const DisplayState& d, const Fonts& fonts);

}  // namespace relais::kiosk::ui
