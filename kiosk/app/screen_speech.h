#pragma once
// What the « Écouter » button says: the current public screen and its
// choices, as plain sentences in the kiosk's language. Pure (no I/O, no
// ImGui, no speech engine).
//
// Contract: the text never contains a patient's name or date of birth, nor
// the digits of a PIN or the characters of a code being typed (only how many
// were typed); it may name practitioners, rooms and times, which the screen
// itself shows. Staff screens give "" (nothing is read there).

#include <string>

#include "kiosk/app/state.h"

namespace relais::kiosk {

std::string ScreenSpeech(const AppState& state);

}  // namespace relais::kiosk
