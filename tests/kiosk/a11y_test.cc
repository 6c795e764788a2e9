// Accessibility of the public screens: spoken text (ScreenSpeech never says
// a patient's name), « A+ » and « Contraste » toggles, WCAG contrast of both
// palettes, the top-bar buttons, and --screenshot-dir's directory check.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>

#include "imgui.h"
#include "kiosk/app/apply.h"
#include "kiosk/app/output_dir.h"
#include "kiosk/app/screen_speech.h"
#include "kiosk/ui/theme.h"
#include "kiosk/ui/ui.h"
#include "tests/kiosk/ui_harness.h"
#include "tests/common/test_util.h"

namespace relais::kiosk {
namespace {

constexpr int64_t kTen = 1741597200000;  // 2025-03-10 10:00 Paris

// A state at 10:00 whose check-in pool holds a patient with a distinctive
// name and birth date, and two appointments of another patient.
AppState StateWithPatients() {
  AppState s = InitialState(kTen, Lang::kFr);
  s.effects.clear();
  s.site_id = "S1";
  s.practitioners = {{}, {}};
  s.practitioners[0].id = "dr-a";
  s.practitioners[0].name = "Dr Alice Arnaud";
  s.practitioners[1].id = "dr-b";
  s.practitioners[1].name = "Dr Bruno Bel";
  s.practitioners[1].pin_hash = "x";  // offered on the PIN screen
  auto appt = [&](const std::string& id, const std::string& pract, int64_t start_s,
                  const std::string& name, const std::string& ref) {
    common::Appointment a;
    a.id = id;
    a.practitioner = pract;
    a.start = start_s;
    a.duration_min = 15;
    a.status = "booked";
    a.code = id == "a1" ? "HN4PWX" : (id == "a2" ? "P3R4ST" : "W5X6YZ");
    a.patient_name = name;
    a.patient_birth = "1931-07-14";
    a.patient_ref = ref;
    a.room = "Cabinet 1";
    s.today_appointments.push_back(a);
  };
  appt("a1", "dr-a", kTen / 1000 + 600, "Zébulon Quintavalle", "r1");
  appt("a2", "dr-a", kTen / 1000 + 1200, "Marguerite Wolfsohn", "r2");
  appt("a3", "dr-b", kTen / 1000 + 1500, "Marguerite Wolfsohn", "r2");
  return s;
}

void ExpectNoPatientData(const std::string& text, const std::string& where) {
  for (const char* bad : {"Zébulon", "Quintavalle", "QUINTAVALLE", "Marguerite", "Wolfsohn",
                          "1931", "14/07", "HN4PWX"})
    EXPECT_EQ(text.find(bad), std::string::npos) << where << " says " << bad << ": " << text;
}

TEST(ScreenSpeechTest, EveryPublicScreenSpeaksWithoutPatientNames) {
  AppState s = StateWithPatients();
  struct Step {
    const char* where;
    Action action;
    const char* must_say;
  };
  // The same path a patient takes; each screen's text is checked.
  const Step steps[] = {
      {"accueil", act::Navigate{Screen::kWelcome}, "Je suis arrivé(e)"},
      {"code", act::Navigate{Screen::kCheckInCode}, "6 caractères"},
      {"code tapé", act::Keypad{"K"}, "1 caractères tapés sur 6"},
      {"naissance", act::Navigate{Screen::kCheckInBirth}, "Date de naissance"},
      {"naissance tapée", act::Keypad{"1"}, "1 caractères tapés sur 8"},
      {"confirmation", act::CheckInByCode{"HN4PWX"}, "Dr Alice Arnaud à 10 h 10"},
      {"sans rendez-vous", act::Navigate{Screen::kCheckInDone}, "secrétariat"},
      {"secrétariat", act::CheckInByCode{"ZZZZZZ"}, "pas pu retrouver"},
      {"choix", act::CheckInByBirth{"14071931", "MAR"}, "Choix 2 : Dr Bruno Bel, à 10 h 25"},
      {"code du personnel", act::Navigate{Screen::kStaffPin}, "Dr Bruno Bel"},
  };
  for (const Step& st : steps) {
    Apply(s, st.action);
    const std::string text = ScreenSpeech(s);
    EXPECT_NE(text.find(st.must_say), std::string::npos) << st.where << ": " << text;
    EXPECT_NE(text.find("étoile ou F1"), std::string::npos) << st.where;
    ExpectNoPatientData(text, st.where);
  }
  // The typed code and the PIN digits are never read back.
  s = StateWithPatients();
  Apply(s, act::Navigate{Screen::kCheckInCode});
  for (char c : std::string("HN4PW")) Apply(s, act::Keypad{std::string(1, c)});
  EXPECT_EQ(ScreenSpeech(s).find("HN4PW"), std::string::npos);
  Apply(s, act::ChooseStaffUser{"dr-b"});
  Apply(s, act::Navigate{Screen::kStaffPin});
  Apply(s, act::ChooseStaffUser{"dr-b"});
  for (char c : std::string("9876")) Apply(s, act::Keypad{std::string(1, c)});
  const std::string pin = ScreenSpeech(s);
  EXPECT_EQ(pin.find("9876"), std::string::npos) << pin;
  EXPECT_NE(pin.find("4 chiffres tapés"), std::string::npos) << pin;
}

TEST(ScreenSpeechTest, EnglishAndStaffScreens) {
  AppState s = StateWithPatients();
  Apply(s, act::ToggleLanguage{});
  EXPECT_NE(ScreenSpeech(s).find("I have arrived"), std::string::npos);
  s.staff_unlocked = true;
  s.screen = Screen::kPlanning;
  EXPECT_EQ(ScreenSpeech(s), "");
}

TEST(A11yApplyTest, SpeakAndToggles) {
  AppState s = StateWithPatients();
  Apply(s, act::Speak{});
  EXPECT_EQ(s.speech.seq, 1u);
  EXPECT_EQ(s.speech.text, ScreenSpeech(s));
  EXPECT_EQ(s.speech.lang, Lang::kFr);
  Apply(s, act::Speak{});
  EXPECT_EQ(s.speech.seq, 2u);  // the same screen can be heard again
  const int expected[] = {150, 200, 100, 150};
  for (int e : expected) {
    Apply(s, act::ToggleTextScale{});
    EXPECT_EQ(s.text_scale_pct, e);
  }
  EXPECT_FALSE(s.high_contrast);
  Apply(s, act::ToggleHighContrast{});
  EXPECT_TRUE(s.high_contrast);
  Apply(s, act::ToggleHighContrast{});
  EXPECT_FALSE(s.high_contrast);
}

// WCAG 2.x relative luminance and contrast ratio, written here as the
// oracle (https://www.w3.org/TR/WCAG22/#dfn-relative-luminance).
double Channel(unsigned v) {
  const double c = v / 255.0;
  return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
}
double Luminance(unsigned rgb) {
  return 0.2126 * Channel((rgb >> 16) & 255) + 0.7152 * Channel((rgb >> 8) & 255) +
         0.0722 * Channel(rgb & 255);
}
double Contrast(unsigned a, unsigned b) {
  const double la = Luminance(a), lb = Luminance(b);
  return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

TEST(ContrastTest, OracleKnownValues) {
  EXPECT_NEAR(Contrast(0x000000, 0xFFFFFF), 21.0, 1e-9);
  EXPECT_NEAR(Contrast(0x777777, 0xFFFFFF), 4.48, 0.01);  // the classic near-miss grey
}

TEST(ContrastTest, EveryTextPairOfBothPalettesIsAtLeast4_5To1) {
  for (const ui::Palette* p : {&ui::kNormalPalette, &ui::kHighContrastPalette}) {
    const auto pairs = ui::TextPairs(*p);
    EXPECT_GE(pairs.size(), 20u);
    for (const ui::TextPair& t : pairs) {
      const double r = Contrast(t.fg, t.bg);
      std::printf("%s %-28s %06X on %06X  %.2f:1\n",
                  p == &ui::kNormalPalette ? "normal   " : "contraste", t.what, t.fg, t.bg, r);
      EXPECT_GE(r, 4.5) << t.what;
    }
  }
}

class A11yUiTest : public ::testing::Test {
 protected:
  void SetUp() override { ui::CreateHeadlessContext(1280, 800); }
  void TearDown() override { ImGui::DestroyContext(); }
  std::vector<Action> Frame() { return testing::DrawFrame(state_, scratch_); }
  std::vector<Action> Click(const std::string& label) {
    return testing::ClickLabel(state_, scratch_, label);
  }
  AppState state_ = StateWithPatients();
  ui::UiScratch scratch_;
};

TEST_F(A11yUiTest, TopBarButtonsEmitTheirActions) {
  auto listen = Click("Écouter##a11y-listen");
  ASSERT_EQ(listen.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<act::Speak>(listen[0]));
  auto scale = Click("A+##a11y-scale");
  ASSERT_EQ(scale.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<act::ToggleTextScale>(scale[0]));
  auto contrast = Click("Contraste##a11y-contrast");
  ASSERT_EQ(contrast.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<act::ToggleHighContrast>(contrast[0]));
  const ui::Rect r = scratch_.rects["Écouter##a11y-listen"];
  EXPECT_GE(r.h, 56.0f);
  EXPECT_GE(r.w, 64.0f);
}

TEST_F(A11yUiTest, HighContrastAndLargeTextAreDrawnOnPublicScreensOnly) {
  state_.high_contrast = true;
  state_.text_scale_pct = 200;
  Frame();
  ImVec4 bg = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
  EXPECT_EQ(bg.x + bg.y + bg.z, 0.0f);  // black
  EXPECT_EQ(scratch_.rects.count("A+ 200 %##a11y-scale"), 1u);  // the size is shown
  state_.staff_unlocked = true;
  state_.staff_user = "dr-b";
  state_.screen = Screen::kPlanning;
  Frame();
  bg = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
  EXPECT_GT(bg.x, 0.9f);  // staff screens keep the normal palette
  EXPECT_EQ(scratch_.rects.count("Écouter##a11y-listen"), 1u);  // from the earlier frame
  scratch_.rects.clear();
  Frame();
  EXPECT_EQ(scratch_.rects.count("Écouter##a11y-listen"), 0u);
}

TEST(OutputDirTest, CreatesMissingDirectory0700AndExplainsFailures) {
  common::testing::TempDir tmp;
  const std::string fresh = tmp.File("captures");
  ASSERT_TRUE(EnsureOutputDir(fresh).ok());
  struct stat st {};
  ASSERT_EQ(::stat(fresh.c_str(), &st), 0);
  EXPECT_TRUE(S_ISDIR(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  EXPECT_TRUE(EnsureOutputDir(fresh).ok());  // existing: used as it is

  common::Status no_parent = EnsureOutputDir(tmp.File("absent/captures"));
  EXPECT_EQ(no_parent.code(), common::StatusCode::kUnavailable);
  EXPECT_NE(no_parent.message().find("parent"), std::string::npos) << no_parent.message();
  EXPECT_FALSE(std::filesystem::exists(tmp.File("absent")));

  const std::string file = tmp.File("fichier");
  std::FILE* f = std::fopen(file.c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fclose(f);
  common::Status not_dir = EnsureOutputDir(file);
  EXPECT_EQ(not_dir.code(), common::StatusCode::kInvalidArgument);
  EXPECT_EQ(EnsureOutputDir("").code(), common::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace relais::kiosk
