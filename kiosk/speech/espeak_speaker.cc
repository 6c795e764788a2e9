// espeak-ng behind kiosk::speech (see speaker.h). The library keeps global
// state, so every call holds one mutex and the output mode is chosen once.
#include <espeak-ng/speak_lib.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <utility>
#include <vector>

#include "kiosk/speech/speaker.h"

namespace relais::kiosk::speech {

namespace {

using common::Result;
using common::Status;

enum class Mode { kNone, kDevice, kFile };

std::mutex g_mu;
Mode g_mode = Mode::kNone;  // GUARDED_BY(g_mu)
int g_rate = 0;             // GUARDED_BY(g_mu)

// REQUIRES: g_mu held.
Status InitLocked(Mode mode) {
  if (g_mode == mode) return Status::OK();
  if (g_mode != Mode::kNone)
    return Status::FailedPrecondition("espeak-ng déjà ouvert dans un autre mode");
  // DONT_EXIT: without it espeak-ng calls exit() when its data is missing.
  const int rate = espeak_Initialize(
      mode == Mode::kDevice ? AUDIO_OUTPUT_PLAYBACK : AUDIO_OUTPUT_SYNCHRONOUS, 200, nullptr,
      espeakINITIALIZE_DONT_EXIT);
  if (rate <= 0)
    return Status::Unavailable(
        "synthèse vocale indisponible : installez espeak-ng-data (et une sortie son "
        "PulseAudio ou ALSA pour la borne)");
  g_mode = mode;
  g_rate = rate;
  return Status::OK();
}

// Picks the first voice that loads; REQUIRES: g_mu held, engine started.
Result<std::string> VoiceLocked(Lang lang) {
  const char* order[2] = {"fr", "en"};
  if (lang == Lang::kEn) std::swap(order[0], order[1]);
  for (const char* v : order)
    if (espeak_SetVoiceByName(v) == EE_OK) return std::string(v);
  return Status::Unavailable("aucune voix française ni anglaise : installez espeak-ng-data");
}

Status CheckText(const std::string& text) {
  if (text.empty()) return Status::InvalidArgument("rien à dire");
  if (text.size() > kMaxSpeechBytes)
    return Status::InvalidArgument("texte à dire trop long (" + std::to_string(text.size()) +
                                   " octets, au plus " + std::to_string(kMaxSpeechBytes) + ")");
  return Status::OK();
}

// Synthesis callback (file mode): appends the samples to the vector passed
// as user_data to espeak_Synth.
int Collect(short* wav, int n, espeak_EVENT* events) {
  if (wav && n > 0 && events) {
    auto* out = static_cast<std::vector<int16_t>*>(events->user_data);
    if (out) out->insert(out->end(), wav, wav + n);
  }
  return 0;  // continue
}

void Put32(std::vector<unsigned char>& b, uint32_t v) {
  for (int i = 0; i < 4; ++i) b.push_back(static_cast<unsigned char>(v >> (8 * i)));
}
void Put16(std::vector<unsigned char>& b, uint16_t v) {
  b.push_back(static_cast<unsigned char>(v));
  b.push_back(static_cast<unsigned char>(v >> 8));
}

// RIFF/WAVE header of 16-bit mono PCM.
std::vector<unsigned char> WavHeader(int rate, size_t samples) {
  const auto data_bytes = static_cast<uint32_t>(samples * 2);
  std::vector<unsigned char> h;
  h.insert(h.end(), {'R', 'I', 'F', 'F'});
  Put32(h, 36 + data_bytes);
  h.insert(h.end(), {'W', 'A', 'V', 'E', 'f', 'm', 't', ' '});
  Put32(h, 16);
  Put16(h, 1);  // PCM
  Put16(h, 1);  // mono
  Put32(h, static_cast<uint32_t>(rate));
  Put32(h, static_cast<uint32_t>(rate) * 2);  // byte rate
  Put16(h, 2);                                 // block align
  Put16(h, 16);                                // bits per sample
  h.insert(h.end(), {'d', 'a', 't', 'a'});
  Put32(h, data_bytes);
  return h;
}

Status WriteWav(const std::string& path, int rate, const std::vector<int16_t>& samples) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0)
    return Status::Unavailable("impossible d'écrire " + path + " : " + std::strerror(errno));
  std::vector<unsigned char> bytes = WavHeader(rate, samples.size());
  for (int16_t s : samples) Put16(bytes, static_cast<uint16_t>(s));  // little-endian
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = errno;
      ::close(fd);
      ::unlink(path.c_str());
      return Status::Unavailable("écriture de " + path + " : " + std::strerror(err));
    }
    done += static_cast<size_t>(n);
  }
  if (::fchmod(fd, 0600) != 0 || ::close(fd) != 0) {
    ::unlink(path.c_str());
    return Status::Unavailable("fermeture de " + path + " : " + std::strerror(errno));
  }
  return Status::OK();
}

class DeviceSpeaker final : public Speaker {
 public:
  Status Say(const std::string& text, Lang lang) override {
    RELAIS_RETURN_IF_ERROR(CheckText(text));
    std::lock_guard<std::mutex> lock(g_mu);
    RELAIS_RETURN_IF_ERROR(InitLocked(Mode::kDevice));
    espeak_Cancel();  // a new request cuts off the previous one
    RELAIS_ASSIGN_OR_RETURN(std::string voice, VoiceLocked(lang));
    (void)voice;
    if (espeak_Synth(text.c_str(), text.size() + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8,
                     nullptr, nullptr) != EE_OK)
      return Status::Unavailable("espeak-ng a refusé le texte");
    return Status::OK();
  }
};

class WavDirSpeaker final : public Speaker {
 public:
  explicit WavDirSpeaker(std::string dir) : dir_(std::move(dir)) {}
  Status Say(const std::string& text, Lang lang) override {
    auto info = SynthesizeToWav(text, lang, dir_ + "/parole-" + std::to_string(++n_) + ".wav");
    return info.ok() ? Status::OK() : info.status();
  }

 private:
  std::string dir_;
  int n_ = 0;
};

}  // namespace

std::unique_ptr<Speaker> NewWavDirSpeaker(const std::string& dir) {
  return std::make_unique<WavDirSpeaker>(dir);
}

Result<std::unique_ptr<Speaker>> NewDeviceSpeaker() {
  std::lock_guard<std::mutex> lock(g_mu);
  RELAIS_RETURN_IF_ERROR(InitLocked(Mode::kDevice));
  auto voice = VoiceLocked(Lang::kFr);
  if (!voice.ok()) return voice.status();
  return std::unique_ptr<Speaker>(std::make_unique<DeviceSpeaker>());
}

Result<WavInfo> SynthesizeToWav(const std::string& text, Lang lang, const std::string& path) {
  RELAIS_RETURN_IF_ERROR(CheckText(text));
  std::lock_guard<std::mutex> lock(g_mu);
  RELAIS_RETURN_IF_ERROR(InitLocked(Mode::kFile));
  RELAIS_ASSIGN_OR_RETURN(std::string voice, VoiceLocked(lang));
  std::vector<int16_t> samples;
  espeak_SetSynthCallback(Collect);
  if (espeak_Synth(text.c_str(), text.size() + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8, nullptr,
                   &samples) != EE_OK)
    return Status::Unavailable("espeak-ng a refusé le texte");
  espeak_Synchronize();
  RELAIS_RETURN_IF_ERROR(WriteWav(path, g_rate, samples));
  return WavInfo{g_rate, samples.size(), voice};
}

}  // namespace relais::kiosk::speech
