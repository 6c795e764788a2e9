#pragma once
// Physical keyboard or keypad of the kiosk, as Actions (issue #16,
// docs/kiosk.md « Clavier seul »). Pure: no GLFW, no I/O; the kiosk's glue
// (kiosk/physical_input.h) feeds it characters and named keys with a
// monotonic time and applies what it returns, in order.
//
// Characters go first to ScanInput (scan_input.h): a fast burst + Enter is a
// scanned QR (act::ScanCheckIn) exactly as before. Characters that are not a
// burst come back as act::TypeChar, before whatever ended them:
//  - Enter: act::Activate (after the typed characters), unless it ended a
//    burst (then the scan);
//  - Tab / Shift+Tab, arrows: act::MoveFocus (Left/Right = previous/next);
//  - Esc: act::Back; Backspace: act::EraseChar; F1 and '*': act::Speak.
// Latency: a typed character is handed over kMaxScanGapMs after it (when
// Poll sees it cannot be a burst), or at once by a named key.

#include <cstdint>
#include <vector>

#include "kiosk/app/action.h"
#include "kiosk/app/scan_input.h"

namespace relais::kiosk {

class KeyboardInput {
 public:
  void OnChar(uint32_t codepoint, int64_t now_ms, std::vector<Action>* out);
  void OnKey(InputKey key, int64_t now_ms, std::vector<Action>* out);
  // Call each loop turn: typed characters and a stalled burst.
  void Poll(int64_t now_ms, std::vector<Action>* out);
  // Characters held that Poll will hand over soon (poll more often).
  bool Holding() const { return scan_.Holding(); }

 private:
  void Typed(std::vector<Action>* out);

  ScanInput scan_;
};

}  // namespace relais::kiosk
