// espeak-ng synthesis of every public screen's text to a WAV file: the file
// is parsed here (RIFF/WAVE, PCM 16-bit mono) independently of the writer,
// and its duration must be plausible for the number of words said.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "kiosk/app/apply.h"
#include "kiosk/app/screen_speech.h"
#include "kiosk/speech/speaker.h"
#include "tests/common/test_util.h"

namespace relais::kiosk::speech {
namespace {

uint32_t Le32(const std::vector<unsigned char>& b, size_t at) {
  return b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (static_cast<uint32_t>(b[at + 3]) << 24);
}
uint16_t Le16(const std::vector<unsigned char>& b, size_t at) {
  return static_cast<uint16_t>(b[at] | (b[at + 1] << 8));
}

struct Wav {
  uint32_t rate = 0;
  double seconds = 0;
  int peak = 0;
};

// Parses a canonical 44-byte-header PCM WAV; fails the test on any mismatch.
Wav ReadWav(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<unsigned char> b((std::istreambuf_iterator<char>(in)), {});
  Wav w;
  EXPECT_GE(b.size(), 44u) << path;
  if (b.size() < 44) return w;
  EXPECT_EQ(std::string(b.begin(), b.begin() + 4), "RIFF");
  EXPECT_EQ(Le32(b, 4), b.size() - 8);
  EXPECT_EQ(std::string(b.begin() + 8, b.begin() + 16), "WAVEfmt ");
  EXPECT_EQ(Le32(b, 16), 16u);
  EXPECT_EQ(Le16(b, 20), 1u);   // PCM
  EXPECT_EQ(Le16(b, 22), 1u);   // mono
  w.rate = Le32(b, 24);
  EXPECT_EQ(Le32(b, 28), w.rate * 2);
  EXPECT_EQ(Le16(b, 34), 16u);
  EXPECT_EQ(std::string(b.begin() + 36, b.begin() + 40), "data");
  const uint32_t data = Le32(b, 40);
  EXPECT_EQ(data, b.size() - 44);
  if (w.rate == 0) return w;
  w.seconds = static_cast<double>(data) / 2 / w.rate;
  for (size_t i = 44; i + 1 < b.size(); i += 2)
    w.peak = std::max(w.peak, std::abs(static_cast<int16_t>(Le16(b, i))));
  return w;
}

size_t Words(const std::string& text) {
  size_t n = 0;
  bool in_word = false;
  for (char c : text) {
    const bool space = c == ' ';
    if (!space && !in_word) ++n;
    in_word = !space;
  }
  return n;
}

constexpr int64_t kTen = 1741597200000;  // 2025-03-10 10:00 Paris

TEST(SpeechTest, EveryPublicScreenSynthesisesToAPlausibleWav) {
  common::testing::TempDir tmp;
  AppState s = InitialState(kTen, Lang::kFr);
  common::Appointment a;
  a.id = "a1";
  a.practitioner = "dr-a";
  a.start = kTen / 1000 + 600;
  a.status = "booked";
  a.code = "K7M2QX";
  a.patient_name = "Zébulon Quintavalle";
  a.room = "Cabinet 1";
  s.today_appointments.push_back(a);
  s.practitioners = {{}};
  s.practitioners[0].id = "dr-a";
  s.practitioners[0].name = "Dr Alice Arnaud";
  const std::pair<const char*, Action> screens[] = {
      {"accueil", act::Navigate{Screen::kWelcome}},
      {"code", act::Navigate{Screen::kCheckInCode}},
      {"naissance", act::Navigate{Screen::kCheckInBirth}},
      {"confirmation", act::CheckInByCode{"K7M2QX"}},
      {"secretariat", act::CheckInByCode{"ZZZZZZ"}},
      {"pin", act::Navigate{Screen::kStaffPin}},
  };
  for (const auto& [name, action] : screens) {
    for (Lang lang : {Lang::kFr, Lang::kEn}) {
      if (s.lang != lang) Apply(s, act::ToggleLanguage{});
      Apply(s, action);
      const std::string text = ScreenSpeech(s);
      ASSERT_FALSE(text.empty()) << name;
      const std::string path =
          tmp.File(std::string(name) + (lang == Lang::kFr ? "-fr" : "-en") + ".wav");
      auto info = SynthesizeToWav(text, lang, path);
      ASSERT_TRUE(info.ok()) << info.status().ToString();
      EXPECT_EQ(info->voice, lang == Lang::kFr ? "fr" : "en");
      struct stat st {};
      ASSERT_EQ(::stat(path.c_str(), &st), 0);
      EXPECT_EQ(st.st_mode & 0777, 0600u);
      const Wav w = ReadWav(path);
      EXPECT_EQ(w.rate, static_cast<uint32_t>(info->sample_rate));
      EXPECT_EQ(w.seconds * w.rate, static_cast<double>(info->samples));
      // espeak-ng speaks ~175 words a minute (0.34 s a word) plus pauses at
      // each sentence: between 0.15 s and 1.2 s a word is plausible.
      const double words = static_cast<double>(Words(text));
      std::printf("%s-%s: %.0f words, %.1f s, peak %d\n", name,
                  lang == Lang::kFr ? "fr" : "en", words, w.seconds, w.peak);
      EXPECT_GE(w.seconds, 0.15 * words) << name << ": " << text;
      EXPECT_LE(w.seconds, 1.2 * words) << name << ": " << text;
      EXPECT_GT(w.peak, 1000) << name << " is silent";
    }
  }
}

TEST(SpeechTest, RefusesEmptyAndOverlongTextAndBadPaths) {
  common::testing::TempDir tmp;
  auto empty = SynthesizeToWav("", Lang::kFr, tmp.File("e.wav"));
  EXPECT_EQ(empty.status().code(), common::StatusCode::kInvalidArgument);
  auto big = SynthesizeToWav(std::string(kMaxSpeechBytes + 1, 'a'), Lang::kFr, tmp.File("b.wav"));
  EXPECT_EQ(big.status().code(), common::StatusCode::kInvalidArgument);
  EXPECT_NE(big.status().message().find("trop long"), std::string::npos);
  auto nodir = SynthesizeToWav("Bonjour.", Lang::kFr, tmp.File("absent/x.wav"));
  EXPECT_EQ(nodir.status().code(), common::StatusCode::kUnavailable);
  struct stat st {};
  EXPECT_NE(::stat(tmp.File("e.wav").c_str(), &st), 0);
  EXPECT_NE(::stat(tmp.File("b.wav").c_str(), &st), 0);
  // The device speaker cannot be opened in a process already in file mode.
  auto dev = NewDeviceSpeaker();
  EXPECT_EQ(dev.status().code(), common::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace relais::kiosk::speech
