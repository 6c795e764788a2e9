// The waiting-room display (issue #16): the pure DisplayState and its
// headless frame. Patients' names, initials, birth dates and codes are in
// the input records on purpose: none may reach the screen.
#include <gtest/gtest.h>

#include "imgui.h"
#include "kiosk/app/display_state.h"
#include "kiosk/ui/display_ui.h"
#include "kiosk/ui/ui.h"
#include "tests/kiosk/draw_text.h"
#include "tests/kiosk/keyboard_fixture.h"

namespace relais::kiosk {
namespace {

using testing::kTenAm;

common::Ticket Called(const std::string& id, const std::string& number, const std::string& room,
                      int64_t called_ms, const std::string& status = "called") {
  common::Ticket t;
  t.id = id;
  t.site_id = "S1";
  t.day = "2025-03-10";
  t.number = number;
  t.status = status;
  t.room = room;
  t.issued_at_ms = called_ms - 600'000;
  t.called_at_ms = called_ms;
  return t;
}

class DisplayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    AppState s = testing::KeyboardState();  // appointments of named patients
    appts_ = s.today_appointments;
    practs_ = s.practitioners;
    // One more, "initials only" style, and one in the past.
    common::Appointment x = appts_[0];
    x.id = "a4";
    x.patient_name = "J. D.";
    x.start = kTenAm / 1000 + 3600;
    appts_.push_back(x);
    x.id = "a5";
    x.start = kTenAm / 1000 - 3600;
    appts_.push_back(x);
    tickets_ = {Called("tk1", "A12", "3", kTenAm - 120'000),
                Called("tk2", "B4", "Cabinet B", kTenAm - 60'000)};
  }
  std::vector<common::Appointment> appts_;
  std::vector<common::Practitioner> practs_;
  std::vector<common::Ticket> tickets_;
};

TEST_F(DisplayTest, ShowsCallsLatestFirstAndTimesWithPractitionersOnly) {
  DisplayState d;
  UpdateDisplay(d, tickets_, appts_, practs_, kTenAm);
  ASSERT_EQ(d.calls.size(), 2u);
  EXPECT_EQ(d.calls[0].number, "B4");
  EXPECT_EQ(d.calls[0].room, "Cabinet B");
  EXPECT_EQ(d.calls[1].room, "Salle 3");
  ASSERT_EQ(d.next.size(), 4u);  // 10:10, 10:20, 10:25, 11:00 (not 09:00)
  EXPECT_EQ(d.next[0].hhmm, "10:10");
  EXPECT_EQ(d.next[0].practitioner, "Dr Alice Arnaud");
  EXPECT_EQ(d.next[2].practitioner, "Dr Bruno Bel");
  EXPECT_EQ(d.next[3].hhmm, "11:00");
}

TEST_F(DisplayTest, NoPatientNameInitialsBirthOrCodeEvenIfTheDatabaseHasThem) {
  DisplayState d;
  UpdateDisplay(d, tickets_, appts_, practs_, kTenAm);
  std::string all;
  for (const std::string& t : DisplayTexts(d)) all += t + "\n";
  for (const std::string bad : {"Zébulon", "Quintavalle", "Marguerite", "Wolfsohn", "J. D.",
                                "ZQ", "MW", "1931", "14/07", "HN4PWX", "P3R4ST"})
    EXPECT_EQ(all.find(bad), std::string::npos) << bad << " in:\n" << all;
}

TEST_F(DisplayTest, ANewCallIsSpokenOnceStartupCallsAreNot) {
  DisplayState d;
  UpdateDisplay(d, tickets_, appts_, practs_, kTenAm);
  EXPECT_EQ(d.speech_seq, 0u);  // calls made before the display started
  tickets_.push_back(Called("tk3", "A13", "3", kTenAm + 5'000));
  UpdateDisplay(d, tickets_, appts_, practs_, kTenAm + 6'000);
  EXPECT_EQ(d.speech_seq, 1u);
  EXPECT_EQ(d.speech_text, "Ticket A13, salle 3");
  EXPECT_EQ(d.calls[0].number, "A13");
  UpdateDisplay(d, tickets_, appts_, practs_, kTenAm + 8'000);
  EXPECT_EQ(d.speech_seq, 1u);  // not again
  // Called again, to another room: said again.
  tickets_[0].called_at_ms = kTenAm + 9'000;
  tickets_[0].room = "Salle 1";
  UpdateDisplay(d, tickets_, appts_, practs_, kTenAm + 10'000);
  EXPECT_EQ(d.speech_seq, 2u);
  EXPECT_EQ(d.speech_text, "Ticket A12, salle 1");
  EXPECT_EQ(CallSpeech(Lang::kEn, "A12", "3"), "Ticket A12, room 3");
}

TEST_F(DisplayTest, LeftTicketsAreNotShownAndTheListIsBounded) {
  std::vector<common::Ticket> many;
  for (int i = 1; i <= 20; ++i)
    many.push_back(Called("t" + std::to_string(i), "C" + std::to_string(i), "2",
                          kTenAm - 100'000 + i * 1000));
  many.push_back(Called("gone", "C99", "2", kTenAm, "left"));
  DisplayState d;
  UpdateDisplay(d, many, {}, practs_, kTenAm);
  ASSERT_EQ(d.calls.size(), kDisplayMaxCalls);
  EXPECT_EQ(d.calls[0].number, "C20");
  for (const auto& c : d.calls) EXPECT_NE(c.number, "C99");
}

TEST_F(DisplayTest, HeadlessFrameDrawsCallsAndNoPatientName) {
  ui::CreateHeadlessContext(1280, 800);
  DisplayState d;
  UpdateDisplay(d, tickets_, appts_, practs_, kTenAm);
  ImGui::NewFrame();
  ui::DrawDisplay(d, ui::Fonts{});
  ImGui::Render();
  const std::string drawn = testing::DrawnText();
  ImGui::DestroyContext();
  // The test font (imgui's default) has no '→': it is drawn as '?'.
  EXPECT_TRUE(testing::Shows(drawn, "A12?Salle 3")) << drawn;
  EXPECT_TRUE(testing::Shows(drawn, "B4?Cabinet B")) << drawn;
  EXPECT_TRUE(testing::Shows(drawn, "10:10")) << drawn;
  EXPECT_TRUE(testing::Shows(drawn, "Dr Alice Arnaud")) << drawn;
  for (const std::string bad : {"Quintavalle", "Wolfsohn", "Zébulon", "J.D."})
    EXPECT_FALSE(testing::Shows(drawn, bad)) << bad;
}

}  // namespace
}  // namespace relais::kiosk
