#include "kiosk/physical_keys.h"

#include <GLFW/glfw3.h>

namespace relais::kiosk {

std::optional<InputKey> KeyFromGlfw(int key, int action, int mods) {
  if (action != GLFW_PRESS && action != GLFW_REPEAT) return std::nullopt;
  const bool repeat = action == GLFW_REPEAT;
  switch (key) {
    case GLFW_KEY_ENTER:
    case GLFW_KEY_KP_ENTER: return repeat ? std::nullopt : std::optional(InputKey::kEnter);
    case GLFW_KEY_F1: return repeat ? std::nullopt : std::optional(InputKey::kSpeak);
    case GLFW_KEY_ESCAPE: return repeat ? std::nullopt : std::optional(InputKey::kEscape);
    case GLFW_KEY_TAB:
      return (mods & GLFW_MOD_SHIFT) ? InputKey::kBackTab : InputKey::kTab;
    case GLFW_KEY_UP: return InputKey::kUp;
    case GLFW_KEY_DOWN: return InputKey::kDown;
    case GLFW_KEY_LEFT: return InputKey::kLeft;
    case GLFW_KEY_RIGHT: return InputKey::kRight;
    case GLFW_KEY_BACKSPACE:
    case GLFW_KEY_DELETE: return InputKey::kBackspace;
    default: return std::nullopt;
  }
}

}  // namespace relais::kiosk
