#pragma once
// Glue of the relais-kiosk binary for physical keys and speech: GLFW key and
// character events go through KeyFromGlfw (physical_keys.h, pure) to
// KeyboardInput (kiosk/app/key_input.h, pure: scanner bursts, typed
// characters, focus keys) on a monotonic clock (the kiosk clock may be
// frozen by --now), the Actions it returns are applied between frames, and
// a changed speech request (AppState::speech) is said by the Speaker. Also
// the locked-down rule of the window: a close request (Alt+F4, the
// compositor) is refused unless a staff member is unlocked. UI thread only.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "kiosk/app/action.h"
#include "kiosk/app/key_input.h"
#include "kiosk/app/state.h"
#include "kiosk/speech/speaker.h"

namespace relais::kiosk {

class PhysicalInput {
 public:
  // `wav_dir` non-empty: « Écouter » writes WAV files there (it must exist);
  // otherwise the audio device unless `mute`. Without a device the kiosk
  // runs mute and says why on stderr.
  void OpenSpeaker(const std::string& wav_dir, bool mute);

  // GLFW callbacks: a key (GLFW_KEY_*, GLFW_PRESS..., GLFW_MOD_*) and a
  // character.
  void OnGlfwKey(int key, int action, int mods);
  void OnGlfwChar(unsigned codepoint);
  // True while typed characters wait to be handed over: the main loop then
  // wakes up sooner than its idle timeout.
  bool Holding() const { return keys_.Holding(); }

  // Applies what the keys produced (and a stalled scanner burst), then says
  // the last « Écouter » request if it is new.
  void Settle(AppState& state);

  // GLFW close callback's decision (focus.h WindowCloseAllowed): false
  // keeps the window open.
  static bool MayClose(const AppState& state);

 private:
  KeyboardInput keys_;
  std::vector<Action> pending_;
  std::unique_ptr<speech::Speaker> speaker_;  // null: mute
  uint64_t spoken_seq_ = 0;
};

}  // namespace relais::kiosk
