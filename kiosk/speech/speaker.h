#pragma once
// Speech output of the kiosk (« Écouter »): a small Speaker interface and
// its espeak-ng implementation (Debian libespeak-ng), plus synthesis to a
// WAV file (tests, and checking a kiosk's voice data). Outside kiosk/ui: no
// ImGui; no SQLite or gRPC.
//
// espeak-ng is one engine per process: the first call chooses its mode
// (device playback or file synthesis) and later calls of the other mode
// fail with FAILED_PRECONDITION. Every function here is thread-safe (one
// process-wide mutex).
//
// Voices: French ("fr") first and English ("en") as the fallback for
// Lang::kFr; English first then French for Lang::kEn.

#include <memory>
#include <string>

#include "common/util/status.h"
#include "kiosk/app/state.h"

namespace relais::kiosk::speech {

// Longest text said at once (a public screen's text is under 1 kB).
inline constexpr size_t kMaxSpeechBytes = 4096;

class Speaker {
 public:
  virtual ~Speaker() = default;
  // Starts saying `text` (UTF-8) and returns without waiting; a new call
  // cuts off the previous sentence. INVALID_ARGUMENT if empty or longer
  // than kMaxSpeechBytes; UNAVAILABLE if the engine refuses it.
  virtual common::Status Say(const std::string& text, Lang lang) = 0;
};

// A Speaker on the default audio device (espeak-ng's own playback, through
// PulseAudio or ALSA). UNAVAILABLE, saying what to install or plug in, if the
// engine or its voice data cannot start.
common::Result<std::unique_ptr<Speaker>> NewDeviceSpeaker();

// A Speaker that writes each text to DIR/parole-N.wav (N = 1, 2, ...)
// instead of the audio device: to check a kiosk's voice without headphones,
// and for end-to-end tests. `dir` must exist. Say() blocks while it
// synthesises (well under a second for a screen).
std::unique_ptr<Speaker> NewWavDirSpeaker(const std::string& dir);

// What SynthesizeToWav wrote.
struct WavInfo {
  int sample_rate = 0;
  size_t samples = 0;  // 16-bit mono samples
  std::string voice;   // "fr" or "en": the voice actually used
};

// Synthesises `text` to a 16-bit mono PCM WAV file at `path` (created or
// truncated, mode 0600). Same errors as Say(); UNAVAILABLE if the file
// cannot be written (nothing is left at `path`).
common::Result<WavInfo> SynthesizeToWav(const std::string& text, Lang lang,
                                        const std::string& path);

}  // namespace relais::kiosk::speech
