// Keyboard-only path of the public screens (issue #16): whole check-ins
// driven by key events only (through KeyboardInput, as the kiosk's glue
// feeds it, then Apply), the scanner burst still checking in from the home
// screen, Esc, staff screens left alone, the GLFW key mapping, the
// « Besoin de plus de temps ? » prompt on a fake clock, and the rule that
// the window never closes on a public screen. The oracle of a check-in is
// the queued EffCheckIn of the expected appointment (fixture ids).
#include <GLFW/glfw3.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "kiosk/app/apply.h"
#include "kiosk/app/focus.h"
#include "kiosk/app/key_input.h"
#include "kiosk/physical_keys.h"
#include "tests/kiosk/keyboard_fixture.h"

namespace relais::kiosk {
namespace {

using testing::CheckedIn;
using testing::KeyboardState;

// A physical keyboard on the kiosk: events at a monotonic time, the
// actions KeyboardInput returns applied in order, as PhysicalInput does.
struct Keyboard {
  AppState s = KeyboardState();
  KeyboardInput in;
  int64_t t = 50'000;
  std::vector<Action> seen;  // every action produced, in order

  void Run(std::vector<Action>& out) {
    for (const Action& a : out) {
      seen.push_back(a);
      Apply(s, a);
    }
    out.clear();
  }
  // A person typing: one character every 200 ms, then the loop polls.
  void Type(const std::string& text) {
    std::vector<Action> out;
    for (char c : text) {
      t += 200;
      in.OnChar(static_cast<unsigned char>(c), t, &out);
      Run(out);
    }
    t += 200;
    in.Poll(t, &out);
    Run(out);
  }
  void Key(InputKey k, int64_t gap = 200) {
    std::vector<Action> out;
    t += gap;
    in.OnKey(k, t, &out);
    Run(out);
  }
  // Presses `k` until the focused control is `id` (at most 80 presses).
  bool MoveTo(InputKey k, const std::string& id) {
    for (int i = 0; i < 80; ++i) {
      if (FocusedControlId(s) == id) return true;
      Key(k);
    }
    return FocusedControlId(s) == id;
  }
};

TEST(KeyboardPathTest, CheckInByCodeTypedOnAKeyboard) {
  Keyboard kb;
  kb.Key(InputKey::kEnter);  // « Je suis arrivé(e) » has the focus
  ASSERT_EQ(kb.s.screen, Screen::kCheckInCode);
  kb.Type("hn4pwq");  // lower case accepted; last character wrong
  EXPECT_EQ(kb.s.form.code, "HN4PWQ");
  kb.Key(InputKey::kBackspace);
  kb.Type("x");
  EXPECT_EQ(kb.s.form.code, "HN4PWX");
  EXPECT_EQ(FocusedControlId(kb.s), "validate");  // complete: Enter validates
  kb.Key(InputKey::kEnter);
  EXPECT_EQ(kb.s.screen, Screen::kCheckInDone);
  EXPECT_TRUE(kb.s.checkin.ok);
  EXPECT_EQ(CheckedIn(kb.s), std::vector<std::string>{"a1"});
  kb.Key(InputKey::kEnter);  // « OK »
  EXPECT_EQ(kb.s.screen, Screen::kWelcome);
  EXPECT_TRUE(kb.s.form.code.empty());
}

TEST(KeyboardPathTest, CheckInByCodeWithArrowsAndEnterOnTheOnScreenKeypad) {
  // A keypad with arrows and Enter only: every character chosen on the
  // on-screen keypad.
  Keyboard kb;
  kb.Key(InputKey::kEnter);
  EXPECT_EQ(FocusedControlId(kb.s), "key:A");
  kb.Key(InputKey::kDown);  // a row of 12 keys down: ABCDEFGHJKLM / N...
  EXPECT_EQ(FocusedControlId(kb.s), "key:N");
  kb.Key(InputKey::kUp);
  EXPECT_EQ(FocusedControlId(kb.s), "key:A");
  kb.Key(InputKey::kLeft);  // wraps to the last control (the language)
  EXPECT_EQ(FocusedControlId(kb.s), "lang");
  for (char c : std::string("HN4PWX")) {
    ASSERT_TRUE(kb.MoveTo(InputKey::kRight, std::string("key:") + c)) << c;
    kb.Key(InputKey::kEnter);
  }
  EXPECT_EQ(kb.s.form.code, "HN4PWX");
  kb.Key(InputKey::kEnter);
  EXPECT_EQ(CheckedIn(kb.s), std::vector<std::string>{"a1"});
  for (const Action& a : kb.seen)  // no character came from elsewhere
    EXPECT_FALSE(std::holds_alternative<act::TypeChar>(a));
}

TEST(KeyboardPathTest, CheckInByBirthDateAndLettersWithKeysOnly) {
  Keyboard kb;
  kb.Key(InputKey::kEnter);
  ASSERT_TRUE(kb.MoveTo(InputKey::kTab, "with-birth"));
  kb.Key(InputKey::kEnter);
  ASSERT_EQ(kb.s.screen, Screen::kCheckInBirth);
  kb.Type("1407193");
  kb.Type("1");
  EXPECT_EQ(kb.s.form.active, InputField::kLetters);  // the 8th digit moves on
  EXPECT_EQ(FocusedControlId(kb.s), "key:A");         // on the letters keypad
  kb.Type("zE");
  ASSERT_TRUE(kb.MoveTo(InputKey::kRight, "key:B"));  // B from the on-screen keypad
  kb.Key(InputKey::kEnter);
  EXPECT_EQ(kb.s.form.letters, "ZEB");
  EXPECT_EQ(FocusedControlId(kb.s), "validate");
  kb.Key(InputKey::kEnter);
  EXPECT_EQ(kb.s.screen, Screen::kCheckInDone);
  EXPECT_EQ(CheckedIn(kb.s), std::vector<std::string>{"a1"});
}

TEST(KeyboardPathTest, ChoiceBetweenTwoPractitionersWithArrows) {
  Keyboard kb;
  kb.Key(InputKey::kEnter);
  ASSERT_TRUE(kb.MoveTo(InputKey::kBackTab, "with-birth"));
  kb.Key(InputKey::kEnter);
  kb.Type("14071931mar");
  kb.Key(InputKey::kEnter);
  ASSERT_EQ(kb.s.screen, Screen::kCheckInChoose);
  kb.Key(InputKey::kDown);  // choice 0 -> choice 1 (Dr Bruno Bel)
  kb.Key(InputKey::kEnter);
  EXPECT_EQ(CheckedIn(kb.s), std::vector<std::string>{"a3"});
}

TEST(KeyboardPathTest, ScannerBurstFromTheHomeScreenStillChecksIn) {
  Keyboard kb;
  std::vector<Action> out;
  for (char c : std::string("RELAIS1:S1:HN4PWX")) {
    kb.t += 8;
    kb.in.OnChar(static_cast<unsigned char>(c), kb.t, &out);
  }
  kb.t += 8;
  kb.in.OnKey(InputKey::kEnter, kb.t, &out);
  ASSERT_EQ(out.size(), 1u);  // the scan alone: no typed character, no Activate
  ASSERT_TRUE(std::holds_alternative<act::ScanCheckIn>(out[0]));
  kb.Run(out);
  EXPECT_EQ(kb.s.screen, Screen::kCheckInDone);
  EXPECT_EQ(CheckedIn(kb.s), std::vector<std::string>{"a1"});
}

TEST(KeyboardPathTest, FastShortTypingThenEnterIsTypingThenActivate) {
  KeyboardInput in;
  std::vector<Action> out;
  in.OnChar('h', 1000, &out);
  in.OnChar('n', 1050, &out);
  EXPECT_TRUE(out.empty());  // not yet known: could be a burst
  EXPECT_TRUE(in.Holding());
  in.OnKey(InputKey::kEnter, 1100, &out);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(std::get<act::TypeChar>(out[0]).c, 'h');
  EXPECT_EQ(std::get<act::TypeChar>(out[1]).c, 'n');
  EXPECT_TRUE(std::holds_alternative<act::Activate>(out[2]));
  out.clear();
  in.OnChar('4', 2000, &out);
  in.Poll(2000 + kMaxScanGapMs, &out);
  EXPECT_TRUE(out.empty());
  in.Poll(2001 + kMaxScanGapMs, &out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(std::get<act::TypeChar>(out[0]).c, '4');
  EXPECT_FALSE(in.Holding());
  out.clear();
  in.OnChar('*', 3000, &out);  // the speech key, as before
  in.OnKey(InputKey::kEscape, 3001, &out);
  in.OnKey(InputKey::kBackspace, 3002, &out);
  in.OnKey(InputKey::kBackTab, 3003, &out);
  ASSERT_EQ(out.size(), 4u);
  EXPECT_TRUE(std::holds_alternative<act::Speak>(out[0]));
  EXPECT_TRUE(std::holds_alternative<act::Back>(out[1]));
  EXPECT_TRUE(std::holds_alternative<act::EraseChar>(out[2]));
  EXPECT_EQ(std::get<act::MoveFocus>(out[3]).dir, FocusDir::kPrev);
}

// Documented limit (docs/kiosk.md): eight characters typed faster than
// kMaxScanGapMs apart are a scanner burst, refused as a QR.
TEST(KeyboardPathTest, EightFastCharactersAreReadAsAScan) {
  Keyboard kb;
  kb.Key(InputKey::kEnter);
  std::vector<Action> out;
  for (char c : std::string("14071931")) {
    kb.t += 60;
    kb.in.OnChar(static_cast<unsigned char>(c), kb.t, &out);
  }
  kb.in.OnKey(InputKey::kEnter, kb.t + 60, &out);
  kb.Run(out);
  EXPECT_EQ(kb.s.screen, Screen::kCheckInDone);
  EXPECT_FALSE(kb.s.checkin.ok);  // « Merci de vous adresser au secrétariat »
  EXPECT_TRUE(CheckedIn(kb.s).empty());
}

// A storm of random keys and characters (any code point, any timing) from
// the welcome screen: the forms stay within their limits, no staff screen
// opens, nobody is checked in, and the typed-character buffer stays bounded.
TEST(KeyboardPathTest, RandomKeyStormKeepsTheKioskSane) {
  const unsigned seed = std::random_device{}();
  std::printf("seed %u\n", seed);
  std::mt19937 rng(seed);
  Keyboard kb;
  const InputKey keys[] = {InputKey::kEnter, InputKey::kSpeak, InputKey::kUp, InputKey::kDown,
                           InputKey::kLeft, InputKey::kRight, InputKey::kTab, InputKey::kBackTab,
                           InputKey::kEscape, InputKey::kBackspace};
  std::vector<Action> out;
  for (int i = 0; i < 20'000; ++i) {
    kb.t += std::uniform_int_distribution<int>(0, 400)(rng);
    const int what = std::uniform_int_distribution<int>(0, 9)(rng);
    if (what < 6) {
      const uint32_t cp = what < 4 ? std::uniform_int_distribution<uint32_t>(0x20, 0x7E)(rng)
                                   : std::uniform_int_distribution<uint32_t>(0, 0x10FFFF)(rng);
      kb.in.OnChar(cp, kb.t, &out);
    } else if (what < 9) {
      kb.in.OnKey(keys[std::uniform_int_distribution<int>(0, 9)(rng)], kb.t, &out);
    } else {
      kb.in.Poll(kb.t, &out);
    }
    for (const Action& a : out) Apply(kb.s, a);
    out.clear();
    ASSERT_LE(kb.s.form.code.size(), 6u) << "seed " << seed;
    ASSERT_LE(kb.s.form.birth.size(), 8u) << "seed " << seed;
    ASSERT_LE(kb.s.form.letters.size(), 3u) << "seed " << seed;
    ASSERT_LE(kb.s.form.pin.size(), 6u) << "seed " << seed;
    ASSERT_FALSE(kb.s.staff_unlocked) << "seed " << seed;
    ASSERT_FALSE(IsStaffScreen(kb.s.screen)) << "seed " << seed;
    ASSERT_TRUE(CheckedIn(kb.s).empty()) << "seed " << seed;
    kb.s.effects.clear();  // PIN attempts queue lockout writes
  }
}

TEST(KeyboardPathTest, EscapeGoesBack) {
  Keyboard kb;
  kb.Key(InputKey::kEscape);
  EXPECT_EQ(kb.s.screen, Screen::kWelcome);  // nowhere to go
  kb.Key(InputKey::kEnter);
  kb.Type("HN4");
  kb.Key(InputKey::kEscape);
  EXPECT_EQ(kb.s.screen, Screen::kWelcome);
  EXPECT_TRUE(kb.s.form.code.empty());  // nothing left for the next person
  // PIN screen: Esc after choosing a name goes back to the names.
  ASSERT_TRUE(kb.MoveTo(InputKey::kTab, "staff"));
  kb.Key(InputKey::kEnter);
  ASSERT_EQ(kb.s.screen, Screen::kStaffPin);
  EXPECT_EQ(FocusedControlId(kb.s), "user:dr-b");
  kb.Key(InputKey::kEnter);
  EXPECT_EQ(kb.s.form.pin_user, "dr-b");
  kb.Type("12");
  EXPECT_EQ(kb.s.form.pin, "12");
  kb.Key(InputKey::kEscape);
  EXPECT_EQ(kb.s.screen, Screen::kStaffPin);
  EXPECT_TRUE(kb.s.form.pin_user.empty());
  kb.Key(InputKey::kEscape);
  EXPECT_EQ(kb.s.screen, Screen::kWelcome);
  EXPECT_TRUE(kb.s.form.pin.empty());
}

TEST(KeyboardPathTest, KeyboardActionsLeaveStaffScreensAlone) {
  AppState s = KeyboardState();
  s.staff_unlocked = true;
  s.staff_user = "dr-b";
  Apply(s, act::Navigate{Screen::kPlanning});
  const CheckInForm before = s.form;
  for (const Action& a : std::vector<Action>{act::Activate{}, act::Back{}, act::TypeChar{'7'},
                                             act::EraseChar{}, act::MoveFocus{}}) {
    Apply(s, a);
    EXPECT_EQ(s.screen, Screen::kPlanning);
  }
  EXPECT_EQ(s.form.code, before.code);
  EXPECT_EQ(s.form.pin, before.pin);
  EXPECT_TRUE(FocusableControls(s).empty());
}

TEST(KeyboardPathTest, GlfwKeysMapToNamedKeys) {
  EXPECT_EQ(KeyFromGlfw(GLFW_KEY_TAB, GLFW_PRESS, 0), InputKey::kTab);
  EXPECT_EQ(KeyFromGlfw(GLFW_KEY_TAB, GLFW_PRESS, GLFW_MOD_SHIFT), InputKey::kBackTab);
  EXPECT_EQ(KeyFromGlfw(GLFW_KEY_KP_ENTER, GLFW_PRESS, 0), InputKey::kEnter);
  EXPECT_EQ(KeyFromGlfw(GLFW_KEY_ESCAPE, GLFW_PRESS, 0), InputKey::kEscape);
  EXPECT_EQ(KeyFromGlfw(GLFW_KEY_DOWN, GLFW_REPEAT, 0), InputKey::kDown);  // held arrow
  EXPECT_EQ(KeyFromGlfw(GLFW_KEY_F1, GLFW_PRESS, 0), InputKey::kSpeak);
  EXPECT_FALSE(KeyFromGlfw(GLFW_KEY_ENTER, GLFW_REPEAT, 0).has_value());  // held Enter
  EXPECT_FALSE(KeyFromGlfw(GLFW_KEY_ENTER, GLFW_RELEASE, 0).has_value());
  EXPECT_FALSE(KeyFromGlfw(GLFW_KEY_A, GLFW_PRESS, 0).has_value());  // a character event
  EXPECT_FALSE(KeyFromGlfw(GLFW_KEY_F4, GLFW_PRESS, GLFW_MOD_ALT).has_value());
}

// WCAG 2.2.1: the prompt before the reset, on a fake clock.
TEST(IdlePromptTest, OneKeyGivesThirtySecondsMore) {
  AppState s = KeyboardState();
  Apply(s, act::Tick{testing::kTenAm});
  Apply(s, act::Navigate{Screen::kCheckInBirth});
  Apply(s, act::TypeChar{'1'});
  const int64_t t0 = s.now_ms;
  Apply(s, act::Tick{t0 + kPublicIdleMs - 1});
  EXPECT_FALSE(IdlePromptShown(s));
  Apply(s, act::Tick{t0 + 30'000});
  ASSERT_TRUE(IdlePromptShown(s));
  EXPECT_EQ(s.screen, Screen::kCheckInBirth);
  EXPECT_EQ(FocusedControlId(s), "idle:extend");
  // A key: more time, and the key does nothing else.
  Apply(s, act::Tick{t0 + 35'000});
  Apply(s, act::TypeChar{'9'});
  EXPECT_FALSE(IdlePromptShown(s));
  EXPECT_EQ(s.form.birth, "1");
  EXPECT_EQ(s.last_input_ms, t0 + 35'000);
  // Another 30 s, then the prompt for 20 s, then the welcome screen.
  Apply(s, act::Tick{t0 + 35'000 + 30'000});
  EXPECT_TRUE(IdlePromptShown(s));
  Apply(s, act::Tick{t0 + 35'000 + 49'999});
  EXPECT_EQ(s.screen, Screen::kCheckInBirth);
  Apply(s, act::Tick{t0 + 35'000 + 50'000});
  EXPECT_EQ(s.screen, Screen::kWelcome);
  EXPECT_TRUE(s.form.birth.empty());
  EXPECT_FALSE(IdlePromptShown(s));
}

TEST(IdlePromptTest, TouchOnThePromptAndScansWhileItShows) {
  AppState s = KeyboardState();
  Apply(s, act::Navigate{Screen::kCheckInCode});
  Apply(s, act::TypeChar{'Z'});
  Apply(s, act::Tick{s.now_ms + 31'000});
  ASSERT_TRUE(IdlePromptShown(s));
  Apply(s, act::Activate{});  // Enter on « Oui, continuer »
  EXPECT_FALSE(IdlePromptShown(s));
  EXPECT_EQ(s.form.code, "Z");
  Apply(s, act::Tick{s.now_ms + 31'000});
  ASSERT_TRUE(IdlePromptShown(s));
  Apply(s, act::Keypad{"Y"});  // a touch on the keypad under the prompt
  EXPECT_EQ(s.form.code, "Z");
  Apply(s, act::Tick{s.now_ms + 31'000});
  ASSERT_TRUE(IdlePromptShown(s));
  Apply(s, act::ScanCheckIn{"RELAIS1:S1:HN4PWX"});  // a new patient's QR
  EXPECT_EQ(CheckedIn(s), std::vector<std::string>{"a1"});
}

TEST(IdlePromptTest, NoPromptOnTheWelcomeOrConfirmationScreens) {
  AppState s = KeyboardState();
  Apply(s, act::Tick{s.now_ms + 10 * kPublicIdleMs});
  EXPECT_FALSE(IdlePromptShown(s));
  Apply(s, act::CheckInByCode{"HN4PWX"});
  ASSERT_EQ(s.screen, Screen::kCheckInDone);
  Apply(s, act::Tick{s.now_ms + kConfirmIdleMs});
  EXPECT_FALSE(IdlePromptShown(s));
  EXPECT_EQ(s.screen, Screen::kWelcome);
}

// Locked-down kiosk: Alt+F4 or the compositor's close is refused unless a
// staff member is unlocked.
TEST(LockedDownTest, WindowClosesOnlyWhileStaffUnlocked) {
  AppState s = KeyboardState();
  for (Screen sc : {Screen::kWelcome, Screen::kCheckInCode, Screen::kCheckInBirth,
                    Screen::kCheckInDone, Screen::kStaffPin, Screen::kPlanning}) {
    Apply(s, act::Navigate{sc});
    EXPECT_FALSE(WindowCloseAllowed(s)) << static_cast<int>(sc);
  }
  s.staff_unlocked = true;  // as ApplyUnlock leaves it after a right PIN
  s.staff_user = "dr-b";
  Apply(s, act::Navigate{Screen::kPlanning});
  EXPECT_TRUE(WindowCloseAllowed(s));
  Apply(s, act::Lock{});
  EXPECT_FALSE(WindowCloseAllowed(s));
  s.staff_unlocked = true;
  Apply(s, act::Tick{s.now_ms + kStaffIdleMs});  // locks itself after 3 min
  EXPECT_FALSE(WindowCloseAllowed(s));
}

TEST(ReachOptionTest, StaffToggleOnlyWhenUnlocked) {
  AppState s = KeyboardState();
  Apply(s, act::ToggleReachLow{});
  EXPECT_FALSE(s.reach_low);
  EXPECT_EQ(s.screen, Screen::kStaffPin);  // asked for a PIN instead
  s.staff_unlocked = true;
  Apply(s, act::ToggleReachLow{});
  EXPECT_TRUE(s.reach_low);
  Apply(s, act::Lock{});
  EXPECT_TRUE(s.reach_low);  // kept for the next patients
}

}  // namespace
}  // namespace relais::kiosk
