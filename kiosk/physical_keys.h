#pragma once
// GLFW key codes of the kiosk's keyboard or keypad -> named keys
// (kiosk/app/scan_input.h InputKey). Pure: only GLFW's constants, no GLFW
// call, so tests link it without a display.

#include <optional>

#include "kiosk/app/scan_input.h"

namespace relais::kiosk {

// `key` a GLFW_KEY_*, `action` GLFW_PRESS / GLFW_REPEAT / GLFW_RELEASE,
// `mods` GLFW_MOD_* bits. Nothing for releases, for keys the kiosk does not
// use, and for a held Enter, Esc or F1 (their repeats); arrows, Tab and
// Backspace repeat while held.
std::optional<InputKey> KeyFromGlfw(int key, int action, int mods);

}  // namespace relais::kiosk
