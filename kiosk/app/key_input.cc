#include "kiosk/app/key_input.h"

namespace relais::kiosk {

void KeyboardInput::Typed(std::vector<Action>* out) {
  for (char c : scan_.TakeTyped()) out->push_back(act::TypeChar{c});
}

void KeyboardInput::OnChar(uint32_t codepoint, int64_t now_ms, std::vector<Action>* out) {
  std::optional<Action> a = scan_.OnChar(codepoint, now_ms);
  Typed(out);
  if (a) out->push_back(std::move(*a));
}

void KeyboardInput::OnKey(InputKey key, int64_t now_ms, std::vector<Action>* out) {
  if (key == InputKey::kEnter || key == InputKey::kSpeak) {
    std::optional<Action> a = scan_.OnKey(key, now_ms);
    Typed(out);
    if (a) out->push_back(std::move(*a));
    else if (key == InputKey::kEnter) out->push_back(act::Activate{});
    return;
  }
  scan_.EndTyping();  // no scanner sends these keys
  Typed(out);
  switch (key) {
    case InputKey::kTab:
    case InputKey::kRight: out->push_back(act::MoveFocus{FocusDir::kNext}); break;
    case InputKey::kBackTab:
    case InputKey::kLeft: out->push_back(act::MoveFocus{FocusDir::kPrev}); break;
    case InputKey::kUp: out->push_back(act::MoveFocus{FocusDir::kUp}); break;
    case InputKey::kDown: out->push_back(act::MoveFocus{FocusDir::kDown}); break;
    case InputKey::kEscape: out->push_back(act::Back{}); break;
    case InputKey::kBackspace: out->push_back(act::EraseChar{}); break;
    default: break;
  }
}

void KeyboardInput::Poll(int64_t now_ms, std::vector<Action>* out) {
  std::optional<Action> a = scan_.Poll(now_ms);
  Typed(out);
  if (a) out->push_back(std::move(*a));
}

}  // namespace relais::kiosk
