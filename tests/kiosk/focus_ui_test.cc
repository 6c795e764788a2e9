// Headless ImGui frames of the keyboard path and of « Boutons en bas »
// (issue #16): the focus ring is drawn around the focused control (its
// vertices read back from the foreground draw list, the control's rect from
// the button's own record), every focusable control is drawn, and with
// AppState::reach_low every public control lies in the lower half of a
// 1280x800 and a 1920x1080 screen, with the kiosk's real fonts (DejaVu).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "imgui.h"
#include "kiosk/app/apply.h"
#include "kiosk/app/focus.h"
#include "kiosk/ui/theme.h"
#include "kiosk/ui/ui.h"
#include "tests/kiosk/keyboard_fixture.h"
#include "tests/kiosk/ui_harness.h"

namespace relais::kiosk {
namespace {

using testing::DrawFrame;
using testing::KeyboardState;

constexpr const char kFont[] = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
constexpr float kStatusBar = 46;  // ui.cc: the status bar at the bottom

// A headless context of `w` x `h` with the kiosk's fonts (as main.cc loads
// them); a missing font file fails the test (no skip).
ui::Fonts HeadlessWithFonts(float w, float h) {
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.DisplaySize = ImVec2(w, h);
  io.DeltaTime = 1.0f / 60;
  io.IniFilename = nullptr;
  ui::Fonts f;
  std::FILE* probe = std::fopen(kFont, "rb");
  EXPECT_NE(probe, nullptr) << kFont << " absent (paquet fonts-dejavu-core)";
  if (probe) {
    std::fclose(probe);
    static const ImWchar kRanges[] = {0x0020, 0x00FF, 0x0152, 0x0153, 0x2019, 0x2019,
                                      0x2190, 0x2193, 0};
    f.body = io.Fonts->AddFontFromFileTTF(kFont, 22.0f, nullptr, kRanges);
    f.large = io.Fonts->AddFontFromFileTTF(kFont, 32.0f, nullptr, kRanges);
    f.title = io.Fonts->AddFontFromFileTTF(kFont, 52.0f, nullptr, kRanges);
  }
  unsigned char* px = nullptr;
  int tw = 0, th = 0;
  io.Fonts->GetTexDataAsRGBA32(&px, &tw, &th);
  ui::ApplyTheme();
  return f;
}

ImU32 Rgba(unsigned hex) {
  return IM_COL32((hex >> 16) & 255, (hex >> 8) & 255, hex & 255, 255);
}

struct Box {
  float x0 = 1e9f, y0 = 1e9f, x1 = -1e9f, y1 = -1e9f;
  bool empty() const { return x1 < x0; }
};

// Bounding box of the foreground draw list's vertices of colour `hex`.
// REQUIRES: after ImGui::Render().
Box ForegroundBox(unsigned hex) {
  Box b;
  const ImDrawData* dd = ImGui::GetDrawData();
  const ImDrawList* fg = ImGui::GetForegroundDrawList();
  for (int l = 0; dd && l < dd->CmdListsCount; ++l) {
    if (dd->CmdLists[l] != fg) continue;
    for (const ImDrawVert& v : dd->CmdLists[l]->VtxBuffer) {
      if (v.col != Rgba(hex)) continue;
      b.x0 = std::min(b.x0, v.pos.x), b.y0 = std::min(b.y0, v.pos.y);
      b.x1 = std::max(b.x1, v.pos.x), b.y1 = std::max(b.y1, v.pos.y);
    }
  }
  return b;
}

// The ring's outer band reaches 10 px around the control, its inner band 4.
void ExpectRingAround(const ui::Rect& r, const ui::Palette& p, const std::string& what) {
  const Box outer = ForegroundBox(p.focus_ring), inner = ForegroundBox(p.focus_ring_inner);
  ASSERT_FALSE(outer.empty()) << what << ": no ring drawn";
  ASSERT_FALSE(inner.empty()) << what;
  const float out_margins[] = {r.x - outer.x0, r.y - outer.y0, outer.x1 - (r.x + r.w),
                               outer.y1 - (r.y + r.h)};
  for (float m : out_margins) {
    EXPECT_GE(m, 9.0f) << what;
    EXPECT_LE(m, 11.0f) << what;
  }
  const float in_margins[] = {r.x - inner.x0, r.y - inner.y0, inner.x1 - (r.x + r.w),
                              inner.y1 - (r.y + r.h)};
  for (float m : in_margins) {
    EXPECT_GE(m, 0.5f) << what;
    EXPECT_LE(m, 5.0f) << what;
  }
}

class FocusUiTest : public ::testing::Test {
 protected:
  void SetUp() override { scratch_.fonts = HeadlessWithFonts(1280, 800); }
  void TearDown() override { ImGui::DestroyContext(); }
  // Two frames (the second with settled layout); the rects of the last.
  void Draw(const AppState& s) {
    DrawFrame(s, scratch_);
    scratch_.rects.clear();
    DrawFrame(s, scratch_);
  }
  ui::UiScratch scratch_;
};

TEST_F(FocusUiTest, TheFocusedControlGetsTheRingInBothThemes) {
  for (bool contrast : {false, true}) {
    AppState s = KeyboardState();
    if (contrast) Apply(s, act::ToggleHighContrast{});
    const ui::Palette& p = ui::PaletteFor(contrast);
    Draw(s);
    ExpectRingAround(scratch_.rects.at("Je suis arrivé(e)"), p, "accueil");
    Apply(s, act::MoveFocus{FocusDir::kNext});
    Draw(s);
    ExpectRingAround(scratch_.rects.at("Je n'ai pas de rendez-vous"), p, "sans rendez-vous");
    Apply(s, act::MoveFocus{FocusDir::kNext});
    Draw(s);
    ExpectRingAround(scratch_.rects.at("Écouter##a11y-listen"), p, "écouter");
    // The code screen: first key, then « Valider » once the code is typed.
    Apply(s, act::Navigate{Screen::kCheckInCode});
    Draw(s);
    ExpectRingAround(scratch_.rects.at("A##k"), p, "touche A");
    for (char c : std::string("HN4PWX")) Apply(s, act::TypeChar{c});
    Draw(s);
    ExpectRingAround(scratch_.rects.at("Valider"), p, "valider");
  }
}

TEST_F(FocusUiTest, NoRingOnStaffScreens) {
  AppState s = KeyboardState();
  s.staff_unlocked = true;
  s.staff_user = "dr-b";
  Apply(s, act::Navigate{Screen::kPlanning});
  Draw(s);
  EXPECT_TRUE(ForegroundBox(ui::kNormalPalette.focus_ring).empty());
}

TEST_F(FocusUiTest, StaffToggleOfTheReachLayout) {
  AppState s = KeyboardState();
  s.staff_unlocked = true;
  s.staff_user = "dr-b";
  Apply(s, act::Navigate{Screen::kPresence});
  const std::vector<Action> got = testing::ClickLabel(s, scratch_, "##reachlow");
  int toggles = 0;
  for (const Action& a : got) toggles += std::holds_alternative<act::ToggleReachLow>(a);
  EXPECT_EQ(toggles, 1);
}

// WCAG 2.x non-text contrast (1.4.11, >= 3:1) of the ring, with the
// relative luminance written here as the oracle.
double Luminance(unsigned hex) {
  auto ch = [](unsigned v) {
    const double c = v / 255.0;
    return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
  };
  return 0.2126 * ch((hex >> 16) & 255) + 0.7152 * ch((hex >> 8) & 255) + 0.0722 * ch(hex & 255);
}

TEST(FocusRingContrastTest, RingStandsOutInBothPalettes) {
  for (const ui::Palette* p : {&ui::kNormalPalette, &ui::kHighContrastPalette})
    for (const ui::TextPair& tp : ui::FocusRingPairs(*p)) {
      const double a = Luminance(tp.fg), b = Luminance(tp.bg);
      const double ratio = (std::max(a, b) + 0.05) / (std::min(a, b) + 0.05);
      EXPECT_GE(ratio, 3.0) << tp.what;
    }
}

// Each public screen the reach test draws, with how to get there.
struct Scene {
  const char* name;
  std::function<void(AppState&)> go;
};

std::vector<Scene> PublicScenes() {
  return {
      {"accueil", [](AppState&) {}},
      {"accueil en anglais, contraste", [](AppState& s) {
         Apply(s, act::ToggleLanguage{});
         Apply(s, act::ToggleHighContrast{});
       }},
      {"code", [](AppState& s) {
         Apply(s, act::Navigate{Screen::kCheckInCode});
         Apply(s, act::TypeChar{'K'});
       }},
      {"naissance", [](AppState& s) { Apply(s, act::Navigate{Screen::kCheckInBirth}); }},
      {"lettres", [](AppState& s) {
         Apply(s, act::Navigate{Screen::kCheckInBirth});
         for (char c : std::string("14071931Z")) Apply(s, act::TypeChar{c});
       }},
      {"confirmation", [](AppState& s) { Apply(s, act::CheckInByCode{"HN4PWX"}); }},
      {"secrétariat", [](AppState& s) { Apply(s, act::CheckInByCode{"ZZZZZZ"}); }},
      {"choix", [](AppState& s) { Apply(s, act::CheckInByBirth{"14071931", "MAR"}); }},
      {"qui êtes-vous", [](AppState& s) { Apply(s, act::Navigate{Screen::kStaffPin}); }},
      {"code personnel", [](AppState& s) {
         Apply(s, act::Navigate{Screen::kStaffPin});
         Apply(s, act::ChooseStaffUser{"dr-b"});
       }},
      {"plus de temps", [](AppState& s) {
         Apply(s, act::Navigate{Screen::kCheckInCode});
         Apply(s, act::Tick{s.now_ms + kPublicIdleMs + 1000});
       }},
  };
}

// Every control recorded this frame (buttons and fields by their ImGui
// label, focusable ones by their focus id) and every focusable control.
void CheckLowerHalf(const AppState& s, const ui::UiScratch& ui, float w, float h,
                    const std::string& where) {
  ASSERT_FALSE(ui.rects.empty()) << where;
  auto check = [&](const std::string& key, const ui::Rect& r) {
    EXPECT_GE(r.y, h / 2) << where << ": " << key << " starts at y=" << r.y;
    EXPECT_LE(r.y + r.h, h - kStatusBar) << where << ": " << key << " ends at y=" << r.y + r.h;
    EXPECT_GE(r.x, 0) << where << ": " << key;
    EXPECT_LE(r.x + r.w, w) << where << ": " << key << " ends at x=" << r.x + r.w;
  };
  for (const auto& [key, r] : ui.rects) check(key, r);
  for (const Control& c : FocusableControls(s)) {
    auto it = ui.controls.find(c.id);
    ASSERT_NE(it, ui.controls.end()) << where << ": " << c.id << " not drawn";
    check(c.id, it->second);
  }
}

// Every public scene with reach_low at « A+ » `scale_pct`, at both sizes.
void CheckReachAt(int scale_pct) {
  for (const ImVec2 size : {ImVec2(1280, 800), ImVec2(1920, 1080)}) {
    ui::UiScratch scratch;
    scratch.fonts = HeadlessWithFonts(size.x, size.y);
    for (const Scene& scene : PublicScenes()) {
      AppState s = KeyboardState();
      s.reach_low = true;
      s.text_scale_pct = scale_pct;
      scene.go(s);
      DrawFrame(s, scratch);
      scratch.rects.clear();
      DrawFrame(s, scratch);
      char where[96];
      std::snprintf(where, sizeof where, "%s à %.0fx%.0f, %d %%", scene.name, size.x, size.y,
                    scale_pct);
      CheckLowerHalf(s, scratch, size.x, size.y, where);
    }
    ImGui::DestroyContext();
  }
}

TEST(ReachTest, EveryPublicControlInTheLowerHalf) { CheckReachAt(100); }
TEST(ReachTest, EveryPublicControlInTheLowerHalfAtTextScale150) { CheckReachAt(150); }
TEST(ReachTest, EveryPublicControlInTheLowerHalfAtTextScale200) { CheckReachAt(200); }

// Without --reach-low, at « A+ » 200 % on the kiosk's 1280x800 screen, every
// control of the « Avec quel professionnel ? » screen with three choices
// (as docs/img/kiosk-choix-200.png) lies on the screen, above the status
// bar: nothing is clipped. (Four or more choices do not fit at 200 %:
// docs/kiosk.md, known limit.)
TEST(ReachTest, ChoiceScreenFitsAtTextScale200) {
  ui::UiScratch scratch;
  scratch.fonts = HeadlessWithFonts(1280, 800);
  for (const Scene& scene : PublicScenes()) {
    if (std::string(scene.name) != "choix") continue;
    AppState s = KeyboardState();
    s.text_scale_pct = 200;
    scene.go(s);
    ASSERT_EQ(s.screen, Screen::kCheckInChoose);
    ASSERT_GE(s.checkin.choices.size(), 2u);
    if (s.checkin.choices.size() < 3) s.checkin.choices.push_back(s.checkin.choices[0]);
    DrawFrame(s, scratch);
    scratch.rects.clear();
    DrawFrame(s, scratch);
    ASSERT_FALSE(scratch.rects.empty());
    for (const auto& [key, r] : scratch.rects) {
      EXPECT_GE(r.x, 0) << key;
      EXPECT_GE(r.y, 0) << key;
      EXPECT_LE(r.x + r.w, 1280) << key << " ends at x=" << r.x + r.w;
      EXPECT_LE(r.y + r.h, 800 - kStatusBar) << key << " ends at y=" << r.y + r.h;
    }
    for (const Control& c : FocusableControls(s))
      EXPECT_TRUE(scratch.controls.count(c.id)) << c.id << " not drawn";
  }
  ImGui::DestroyContext();
}

TEST(ReachTest, WithoutTheOptionControlsAreHigherAndAllFocusableDrawn) {
  ui::UiScratch scratch;
  scratch.fonts = HeadlessWithFonts(1280, 800);
  for (const Scene& scene : PublicScenes()) {
    AppState s = KeyboardState();
    scene.go(s);
    DrawFrame(s, scratch);
    scratch.rects.clear();
    DrawFrame(s, scratch);
    // The usual layout has controls in the upper half (the top bar): the
    // lower-half check above is not vacuous.
    bool some_high = false;
    for (const auto& [key, r] : scratch.rects) some_high |= r.y < 400;
    EXPECT_TRUE(some_high) << scene.name;
    for (const Control& c : FocusableControls(s))
      EXPECT_TRUE(scratch.controls.count(c.id)) << scene.name << ": " << c.id << " not drawn";
  }
  ImGui::DestroyContext();
}

}  // namespace
}  // namespace relais::kiosk
