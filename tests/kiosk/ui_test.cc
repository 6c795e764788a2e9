// Headless ImGui frames (no window, no GL): click buttons with the legacy
// io.MousePos / io.MouseDown API of imgui 1.86 and check the Actions.
#include <gtest/gtest.h>

#include "imgui.h"
#include "kiosk/app/apply.h"
#include "kiosk/ui/ui.h"
#include "tests/kiosk/ui_harness.h"

namespace relais::kiosk::ui {
namespace {

class UiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CreateHeadlessContext(1280, 800);
    state_ = InitialState(1741597200000, Lang::kFr);  // 2025-03-10 10:00 Paris
    state_.effects.clear();
  }
  void TearDown() override { ImGui::DestroyContext(); }

  std::vector<Action> Frame() { return testing::DrawFrame(state_, scratch_); }

  std::vector<Action> Click(const std::string& label) {
    return testing::ClickLabel(state_, scratch_, label);
  }

  AppState state_;
  UiScratch scratch_;
};

TEST_F(UiTest, WelcomeArrivedButtonOpensTheCodeKeypad) {
  auto out = Click("Je suis arrivé(e)");
  ASSERT_EQ(out.size(), 1u);
  const auto* nav = std::get_if<act::Navigate>(&out[0]);
  ASSERT_NE(nav, nullptr);
  EXPECT_EQ(nav->to, Screen::kCheckInCode);
  const Rect r = scratch_.rects["Je suis arrivé(e)"];
  EXPECT_GE(r.h, 64.0f);  // touch target
  EXPECT_GT(ImGui::GetDrawData()->TotalVtxCount, 0);
}

TEST_F(UiTest, ChooseScreenOffersPractitionersOnlyAndAWayOut) {
  state_.screen = Screen::kCheckInChoose;
  state_.checkin.choices = {{3, "Dr Alice Arnaud", "10:00"}, {5, "Dr Bruno Bel", "10:30"}};
  auto out = Click("Dr Bruno Bel  ·  10:30##choice1");
  ASSERT_EQ(out.size(), 1u);
  ASSERT_TRUE(std::holds_alternative<act::ChooseAppointment>(out[0]));
  EXPECT_EQ(std::get<act::ChooseAppointment>(out[0]).choice, 1u);
  EXPECT_GE(scratch_.rects["Dr Bruno Bel  ·  10:30##choice1"].h, 64.0f);
  out = Click("Aucun de ceux-ci : le secrétariat##none");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(std::get<act::ChooseAppointment>(out[0]).choice, 2u);
}

TEST_F(UiTest, KeypadEmitsKeysAndValidateSendsTheCode) {
  state_.screen = Screen::kCheckInCode;
  auto out = Click("K##k");
  ASSERT_EQ(out.size(), 1u);
  ASSERT_TRUE(std::holds_alternative<act::Keypad>(out[0]));
  EXPECT_EQ(std::get<act::Keypad>(out[0]).key, "K");
  state_.form.code = "K7M2QX";
  out = Click("Valider");
  ASSERT_EQ(out.size(), 1u);
  ASSERT_TRUE(std::holds_alternative<act::CheckInByCode>(out[0]));
  EXPECT_EQ(std::get<act::CheckInByCode>(out[0]).code, "K7M2QX");
}

TEST_F(UiTest, PlanningButtonSetsStatus) {
  common::Practitioner p;
  p.id = "dr-a";
  p.name = "Dr Alice Arnaud";
  state_.practitioners = {p};
  common::Appointment a;
  a.id = "rdv-1";
  a.practitioner = "dr-a";
  a.patient_name = "DUPONT Marie";
  a.start = 1741597200;
  a.status = "in_consultation";
  state_.day_appointments = {a};
  state_.staff_unlocked = true;
  state_.screen = Screen::kPlanning;
  auto out = Click("Terminé##donerdv-1");
  ASSERT_EQ(out.size(), 1u);
  const auto* st = std::get_if<act::SetStatus>(&out[0]);
  ASSERT_NE(st, nullptr);
  EXPECT_EQ(st->appointment_id, "rdv-1");
  EXPECT_EQ(st->status, "done");
}

TEST_F(UiTest, LockedStaffScreenDrawsThePublicScreenInstead) {
  state_.screen = Screen::kPlanning;
  state_.staff_unlocked = false;
  Frame();
  EXPECT_TRUE(scratch_.rects.count("Je suis arrivé(e)"));
  EXPECT_FALSE(scratch_.rects.count("+ Rendez-vous"));
  EXPECT_FALSE(scratch_.rects.count("Verrouiller"));
}

TEST_F(UiTest, LanguageToggleAndEnglishLabels) {
  auto out = Click("English##lang");
  ASSERT_EQ(out.size(), 1u);
  ASSERT_TRUE(std::holds_alternative<act::ToggleLanguage>(out[0]));
  Apply(state_, out[0]);
  Frame();
  EXPECT_TRUE(scratch_.rects.count("I have arrived"));
}

}  // namespace
}  // namespace relais::kiosk::ui
