#include "kiosk/physical_input.h"

#include <chrono>
#include <cstdio>

#include "kiosk/app/apply.h"
#include "kiosk/app/focus.h"
#include "kiosk/physical_keys.h"

namespace relais::kiosk {

namespace {

int64_t MonotonicMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

void PhysicalInput::OpenSpeaker(const std::string& wav_dir, bool mute) {
  if (!wav_dir.empty()) {
    speaker_ = speech::NewWavDirSpeaker(wav_dir);
    return;
  }
  if (mute) return;
  auto speaker = speech::NewDeviceSpeaker();
  if (speaker.ok()) speaker_ = std::move(speaker).value();
  else std::fprintf(stderr, "« Écouter » désactivé : %s\n", speaker.status().message().c_str());
}

void PhysicalInput::OnGlfwKey(int key, int action, int mods) {
  if (std::optional<InputKey> k = KeyFromGlfw(key, action, mods))
    keys_.OnKey(*k, MonotonicMs(), &pending_);
}

void PhysicalInput::OnGlfwChar(unsigned codepoint) {
  keys_.OnChar(codepoint, MonotonicMs(), &pending_);
}

bool PhysicalInput::MayClose(const AppState& state) { return WindowCloseAllowed(state); }

void PhysicalInput::Settle(AppState& state) {
  keys_.Poll(MonotonicMs(), &pending_);
  for (const Action& a : pending_) Apply(state, a);
  pending_.clear();
  const AppState::SpeechRequest& req = state.speech;
  if (req.seq == spoken_seq_) return;
  spoken_seq_ = req.seq;
  if (!speaker_ || req.text.empty()) return;
  common::Status st = speaker_->Say(req.text, req.lang);
  if (!st.ok()) std::fprintf(stderr, "%s\n", st.ToString().c_str());
}

}  // namespace relais::kiosk
