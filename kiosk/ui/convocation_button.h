#pragma once
// « Imprimer la convocation » on a planning card (issue #16; the work is in
// kiosk/app/convocation.h). Internal to kiosk/ui.

#include <vector>

#include "kiosk/app/action.h"
#include "kiosk/app/state.h"

namespace relais::kiosk::ui {

struct UiScratch;

// On the current line, for an appointment that has a convocation (booked,
// with a code): a button labelled « Convocation » (button id
// "Convocation##conv<id>") emitting act::PrintConvocation.
void ConvocationButton(const AppState& s, UiScratch& ui, std::vector<Action>* out,
                       const common::Appointment& a);

}  // namespace relais::kiosk::ui
