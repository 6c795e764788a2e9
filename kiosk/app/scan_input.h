#pragma once
// Physical keyboard input on the public screens: a USB QR scanner set up as
// a keyboard wedge (it "types" the code as a fast burst of characters, then
// Enter), and the speech key. Pure: no GLFW, no I/O; the kiosk's main loop
// feeds it key events with their time and applies the Actions it returns.
//
// Rules (docs/kiosk.md « Lecteur de QR code »):
//  - Characters closer than kMaxScanGapMs to the previous one form a burst;
//    a longer gap drops the old characters and starts a new burst (a person
//    typing slowly is not a scanner).
//  - Enter ends the burst: act::ScanCheckIn{text, complete=true}.
//  - A burst shorter than kMinScanLen characters (a lone Enter, a key
//    pressed by mistake) gives nothing, ended by Enter or stalled.
//  - A burst that stalls kPartialScanMs without Enter is handed over as
//    act::ScanCheckIn{complete=false} (refused by Apply: « secrétariat »).
//  - At most kMaxScanLen characters are kept; a longer burst is marked
//    `overflow` (and refused) but its end is still waited for, so the tail
//    is not read as a new burst.
//  - '*' (keypad star) when no burst is under way, and F1, give act::Speak.
//  - Non-ASCII or control characters mark the burst as garbage (kept as '?',
//    so the parser refuses it).
//  - Characters that turn out not to be a burst (fewer than kMinScanLen,
//    then a pause longer than kMaxScanGapMs, Enter or EndTyping()) are a
//    person typing: TakeTyped() hands them over (key_input.h turns them
//    into act::TypeChar). OnChar/OnKey/Poll return the same as before.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kiosk/app/action.h"
#include "kiosk/app/state.h"

namespace relais::kiosk {

inline constexpr int64_t kMaxScanGapMs = 150;
inline constexpr int64_t kPartialScanMs = 500;
inline constexpr size_t kMaxScanLen = 128;
inline constexpr size_t kMinScanLen = 8;  // "RELAIS1:" alone is already 8

// Named keys (kiosk/physical_keys.h maps GLFW codes to them). ScanInput
// handles kEnter and kSpeak; KeyboardInput (key_input.h) the others.
enum class InputKey { kEnter, kSpeak, kUp, kDown, kLeft, kRight, kTab, kBackTab,
                      kEscape, kBackspace };

class ScanInput {
 public:
  // A typed character (Unicode code point) at `now_ms`.
  std::optional<Action> OnChar(uint32_t codepoint, int64_t now_ms);
  // A named key (Enter, F1) at `now_ms`.
  std::optional<Action> OnKey(InputKey key, int64_t now_ms);
  // Call regularly (each loop turn): hands over a stalled burst.
  std::optional<Action> Poll(int64_t now_ms);

  // Characters typed by a person since the last call (ASCII, '?' for
  // anything else), in order; clears them.
  std::string TakeTyped();
  // A key that no scanner sends (arrow, Tab, Esc...) ends a short run of
  // characters: they are a person's typing.
  void EndTyping();
  // Characters held, not yet known to be a burst or typing.
  bool Holding() const { return count_ > 0; }

 private:
  // The burst as an action, or nothing if it is too short; clears it.
  std::optional<Action> Take(bool complete);

  std::string buf_;
  std::string typed_;  // a person's characters, for TakeTyped()
  size_t count_ = 0;  // characters of the burst, kept or not
  int64_t last_ms_ = 0;
};

// Indexes into state.today_appointments matched by a scanned burst: empty
// (=> the secretariat message) unless the burst is complete, not overflowing,
// parses as a check-in QR (common/model/checkin_qr.h) of this kiosk's site
// and its code matches an appointment open for check-in now (MatchByCode).
std::vector<size_t> MatchScanned(const AppState& state, const act::ScanCheckIn& scan);

}  // namespace relais::kiosk
