#pragma once
// « Code postal » + commune choice of the add-appointment form (issue #20;
// logic in kiosk/app/commune_input.h). Internal to kiosk/ui.

#include <array>
#include <string>

#include "kiosk/app/state.h"

namespace relais::kiosk::ui {

struct UiScratch;

// What the form keeps between frames.
struct CommunePickerScratch {
  std::array<char, 8> postcode{};  // 5 digits + NUL (room to show garbage)
  std::string insee;               // commune picked in the list ("" = none)
  void Clear() {
    postcode.fill(0);
    insee.clear();
  }
};

// Draws the postcode field and, once 5 digits are typed, the commune: its
// name when the postcode has one, a list when it has several, « code
// postal inconnu » otherwise. The list records its rect under
// "##appt_commune" (UiScratch::rects).
void DrawCommunePicker(const AppState& s, UiScratch& ui, CommunePickerScratch& pick);

}  // namespace relais::kiosk::ui
