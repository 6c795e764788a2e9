// What each kiosk screen shows, read back from the ImGui draw lists
// (draw_text.h), not from the widget code: the public screens never show a
// patient's name, the check-in confirmation names the practitioner and no
// other patient, the staff planning shows names only once unlocked. The
// expected strings are written here by hand (French UI).
#include <gtest/gtest.h>

#include "imgui.h"
#include "kiosk/app/apply.h"
#include "kiosk/ui/ui.h"
#include "tests/kiosk/draw_text.h"
#include "tests/kiosk/kiosk_fixture.h"

namespace relais::kiosk::testing {
namespace {

class ScreenTextTest : public KioskTest {
 protected:
  void SetUp() override {
    KioskTest::SetUp();
    ui::CreateHeadlessContext(1280, 800);
  }
  void TearDown() override {
    ImGui::DestroyContext();
    KioskTest::TearDown();
  }
  // Draws `s` twice (layout settles) and returns the text drawn.
  std::string Draw(const AppState& s) {
    for (int i = 0; i < 2; ++i) {
      std::vector<Action> out;
      ImGui::NewFrame();
      ui::DrawScreen(s, scratch_, &out);
      ImGui::Render();
    }
    return DrawnText();
  }
  // Three patients of the morning; DURAND Anne checks in with `code_`.
  void AddMorning() {
    Add("dr-a", 9, 30, "AUBERT Jean", "1950-01-01", "checked_in");
    Add("dr-b", 9, 45, "BRUN Marc", "1960-01-01", "checked_in");
    code_ = Add("dr-a", 10, 15, "DURAND Anne", "1970-05-06").second;
  }
  ui::UiScratch scratch_;
  std::string code_;
};

const char* const kPatientWords[] = {"AUBERT", "Jean", "BRUN", "Marc",
                                     "DURAND", "Anne", "1950", "1970"};

TEST_F(ScreenTextTest, PublicHomeShowsNoPatientName) {
  AddMorning();
  AppState s = Load();
  ASSERT_EQ(s.screen, Screen::kWelcome);
  ASSERT_EQ(s.day_appointments.size(), 3u) << "the state does hold the names";
  const std::string text = Draw(s);
  EXPECT_TRUE(Shows(text, "Bonjour, bienvenue")) << text;
  EXPECT_TRUE(Shows(text, "Je suis arrivé(e)")) << text;
  EXPECT_TRUE(Shows(text, "Je n'ai pas de rendez-vous")) << text;
  EXPECT_TRUE(Shows(text, "Espace équipe")) << text;
  for (const char* w : kPatientWords) EXPECT_FALSE(Shows(text, w)) << w << "\n" << text;
  EXPECT_FALSE(Shows(text, code_)) << text;
}

TEST_F(ScreenTextTest, CheckInConfirmationShowsThePractitionerAndNoOtherPatient) {
  AddMorning();
  AppState s = Load();
  Apply(s, act::CheckInByCode{code_});
  ASSERT_EQ(s.screen, Screen::kCheckInDone);
  ASSERT_TRUE(runner_->RunPending(s).ok());
  const std::string text = Draw(s);
  EXPECT_TRUE(Shows(text, "Vous êtes enregistré(e)")) << text;
  EXPECT_TRUE(Shows(text, "Rendez-vous avec Dr Alice Arnaud")) << text;
  EXPECT_TRUE(Shows(text, "10:15")) << text;
  EXPECT_TRUE(Shows(text, "Cabinet 1")) << text;
  EXPECT_TRUE(Shows(text, "OK")) << text;
  EXPECT_FALSE(Shows(text, "Bruno Bel")) << text;  // another practitioner
  for (const char* w : kPatientWords) EXPECT_FALSE(Shows(text, w)) << w << "\n" << text;
}

TEST_F(ScreenTextTest, StaffPlanningShowsNamesOnlyOnceUnlocked) {
  AddMorning();
  AppState s = Load();
  s.screen = Screen::kPlanning;
  s.staff_unlocked = false;
  std::string text = Draw(s);
  EXPECT_TRUE(Shows(text, "Je suis arrivé(e)")) << "locked: public screen\n" << text;
  for (const char* w : kPatientWords) EXPECT_FALSE(Shows(text, w)) << w << "\n" << text;
  EXPECT_FALSE(Shows(text, "Verrouiller")) << text;

  s.staff_unlocked = true;
  text = Draw(s);
  for (const char* name : {"AUBERT Jean", "BRUN Marc", "DURAND Anne"})
    EXPECT_TRUE(Shows(text, name)) << name << "\n" << text;
  EXPECT_TRUE(Shows(text, "Verrouiller")) << text;
  EXPECT_FALSE(Shows(text, "Je suis arrivé(e)")) << text;
}

// Issue #15: the PIN screen asks the name first (only people with a PIN),
// and a lockout is shown to the staff on the planning.
TEST_F(ScreenTextTest, PinScreenAsksTheNameAndPlanningShowsLockouts) {
  AppState s = Load();
  Apply(s, act::Navigate{Screen::kPlanning});
  ASSERT_EQ(s.screen, Screen::kStaffPin);
  std::string text = Draw(s);
  EXPECT_TRUE(Shows(text, "Qui êtes-vous ?")) << text;
  EXPECT_TRUE(Shows(text, "Dr Alice Arnaud")) << text;
  EXPECT_FALSE(Shows(text, "Dr Bruno Bel")) << "no PIN, no button\n" << text;
  Apply(s, act::ChooseStaffUser{Pid(s, "dr-a")});
  text = Draw(s);
  EXPECT_FALSE(Shows(text, "Qui êtes-vous ?")) << text;
  for (int i = 0; i < 5; ++i) Apply(s, act::UnlockStaff{"0000", Pid(s, "dr-a")});
  ASSERT_TRUE(runner_->RunPending(s).ok());
  s.screen = Screen::kPlanning;
  s.staff_unlocked = true;
  s.staff_user = kSecretariat;
  text = Draw(s);
  EXPECT_TRUE(Shows(text, "Dr Alice Arnaud : code bloqué jusqu'à 10:01 (5 essais)")) << text;
}

// The status bar names the hub that last completed a session (several hubs
// over one database, issue #21), from the state alone: none before any
// session, the one given by SyncUpdate after.
TEST_F(ScreenTextTest, StatusBarNamesTheLastHubReached) {
  AppState s = Load();
  SyncStatus st;
  st.enabled = true;
  st.online = true;
  st.last_success_ms = s.now_ms - 60'000;
  Apply(s, act::SyncUpdate{st});
  std::string text = Draw(s);
  EXPECT_TRUE(Shows(text, "En ligne")) << text;
  EXPECT_FALSE(Shows(text, "dernier hub joignable")) << text;
  st.last_hub = "127.0.0.1:50052";
  st.last_hub_ms = s.now_ms - 60'000;
  Apply(s, act::SyncUpdate{st});
  EXPECT_EQ(s.sync.last_hub, "127.0.0.1:50052");
  EXPECT_EQ(s.sync.last_hub_ms, s.now_ms - 60'000);
  text = Draw(s);
  EXPECT_TRUE(Shows(text, "dernier hub joignable : 127.0.0.1:50052")) << text;
}

// With --peer, the status bar says the hub + peer sentence (issue #17):
// the peer synced a minute ago while the hub is down.
TEST_F(ScreenTextTest, StatusBarSaysPeerSyncWhenHubDown) {
  AppState s = Load();
  SyncStatus st;
  st.enabled = true;
  st.online = false;
  st.last_error = "hub injoignable";
  st.last_success_ms = s.now_ms - 3'600'000;
  Apply(s, act::SyncUpdate{st});
  s.peer.enabled = true;
  s.peer.online = true;
  s.peer.last_success_ms = s.now_ms - 60'000;
  const std::string text = Draw(s);
  EXPECT_TRUE(Shows(text, "synchronisé avec le secrétariat il y a 1 min (hub injoignable)"))
      << text;
  EXPECT_TRUE(Shows(text, "En ligne")) << text;  // the peer is reachable
}

}  // namespace
}  // namespace relais::kiosk::testing
