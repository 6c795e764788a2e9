// Headless frames of the walk-in screens (issue #16): the ticket screen
// shows the number and the estimate, the welcome button takes a ticket,
// « File d'attente » lists tickets and emits the staff actions.
#include <gtest/gtest.h>

#include "imgui.h"
#include "kiosk/app/apply.h"
#include "kiosk/app/walkin.h"
#include "kiosk/ui/ui.h"
#include "tests/kiosk/draw_text.h"
#include "tests/kiosk/keyboard_fixture.h"
#include "tests/kiosk/ui_harness.h"

namespace relais::kiosk::ui {
namespace {

using kiosk::testing::kTenAm;

class WalkinUiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CreateHeadlessContext(1280, 800);
    s_ = kiosk::testing::KeyboardState();
    common::Ticket t;
    t.id = "tk1";
    t.site_id = "S1";
    t.day = "2025-03-10";
    t.number = "A12";
    t.issued_at_ms = kTenAm - 7 * 60'000;
    s_.walkin.tickets = {t};
    s_.walkin.rooms = {"Salle 1", "Salle 3"};
  }
  void TearDown() override { ImGui::DestroyContext(); }
  std::string Drawn() {
    kiosk::testing::DrawFrame(s_, scratch_);
    return kiosk::testing::DrawnText();
  }
  AppState s_;
  UiScratch scratch_;
};

TEST_F(WalkinUiTest, WelcomeNoAppointmentButtonTakesATicket) {
  auto out = kiosk::testing::ClickLabel(s_, scratch_, "Je n'ai pas de rendez-vous");
  ASSERT_EQ(out.size(), 1u);
  const auto* w = std::get_if<act::Walkin>(&out[0]);
  ASSERT_NE(w, nullptr);
  EXPECT_TRUE(std::holds_alternative<act::TakeTicket>(w->a));
}

TEST_F(WalkinUiTest, TicketScreenShowsTheNumberTheWaitAndTheReminder) {
  Apply(s_, act::Walkin{act::TakeTicket{}});
  EXPECT_TRUE(kiosk::testing::Shows(Drawn(), "Un instant"));
  ApplyTicketIssued(s_, s_.walkin.tickets[0], s_.walkin.tickets);
  const std::string drawn = Drawn();
  EXPECT_TRUE(kiosk::testing::Shows(drawn, "A12")) << drawn;
  EXPECT_TRUE(kiosk::testing::Shows(drawn, "Attente estimée : environ 15 min")) << drawn;
  EXPECT_TRUE(kiosk::testing::Shows(drawn, "Gardez ce numéro, il sera appelé à l'écran"));
  EXPECT_FALSE(kiosk::testing::Shows(drawn, "Imprimante indisponible"));
  for (const auto& a : s_.today_appointments)
    EXPECT_FALSE(kiosk::testing::Shows(drawn, a.patient_name));
  ApplyPrintResult(s_, false);
  const std::string after = Drawn();
  EXPECT_TRUE(kiosk::testing::Shows(after, "Imprimante indisponible : retenez votre numéro"));
  EXPECT_TRUE(kiosk::testing::Shows(after, "A12"));
  auto out = kiosk::testing::ClickLabel(s_, scratch_, "OK##ticket");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(std::get<act::Navigate>(out[0]).to, Screen::kWelcome);
  EXPECT_GE(scratch_.rects["OK##ticket"].h, 64.0f);
}

TEST_F(WalkinUiTest, QueueListsTicketsAndEmitsCallWithTheChosenRoom) {
  s_.staff_unlocked = true;
  s_.staff_user = "dr-a";
  s_.screen = Screen::kQueue;
  const std::string drawn = Drawn();
  EXPECT_TRUE(kiosk::testing::Shows(drawn, "File d'attente (1)")) << drawn;
  EXPECT_TRUE(kiosk::testing::Shows(drawn, "attend depuis 7 min")) << drawn;
  auto out = kiosk::testing::ClickLabel(s_, scratch_, "Appeler##call-tk1");
  ASSERT_EQ(out.size(), 1u);
  const auto& call = std::get<act::CallTicket>(std::get<act::Walkin>(out[0]).a);
  EXPECT_EQ(call.ticket_id, "tk1");
  EXPECT_EQ(call.room, "Salle 1");
  out = kiosk::testing::ClickLabel(s_, scratch_, "Appeler le suivant##walk-next");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(std::get<act::CallTicket>(std::get<act::Walkin>(out[0]).a).ticket_id, "");
  out = kiosk::testing::ClickLabel(s_, scratch_, "Parti##left-tk1");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(std::get<act::FinishTicket>(std::get<act::Walkin>(out[0]).a).status, "left");
  // « Convertir » opens the form; « Enregistrer » emits the conversion.
  kiosk::testing::ClickLabel(s_, scratch_, "Convertir en rendez-vous##convert-tk1");
  EXPECT_EQ(scratch_.walkin.converting, "tk1");
  std::snprintf(scratch_.walkin.patient.data(), scratch_.walkin.patient.size(), "Léa Martin");
  Drawn();
  std::string save;
  for (const auto& [label, r] : scratch_.rects)
    if (label.find("##walk-convert-ok") != std::string::npos) save = label;
  ASSERT_FALSE(save.empty());
  out = kiosk::testing::ClickLabel(s_, scratch_, save);
  ASSERT_EQ(out.size(), 1u);
  const auto& conv = std::get<act::ConvertTicket>(std::get<act::Walkin>(out[0]).a);
  EXPECT_EQ(conv.ticket_id, "tk1");
  EXPECT_EQ(conv.practitioner, "dr-a");
  EXPECT_EQ(conv.patient_name, "Léa Martin");
}

TEST_F(WalkinUiTest, CalledTicketOffersDone) {
  s_.walkin.tickets[0].status = "called";
  s_.walkin.tickets[0].room = "Salle 3";
  s_.walkin.tickets[0].called_at_ms = kTenAm - 60'000;
  s_.staff_unlocked = true;
  s_.screen = Screen::kQueue;
  EXPECT_TRUE(kiosk::testing::Shows(Drawn(), "appelé · Salle 3"));
  auto out = kiosk::testing::ClickLabel(s_, scratch_, "Terminé##done-tk1");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(std::get<act::FinishTicket>(std::get<act::Walkin>(out[0]).a).status, "done");
}

}  // namespace
}  // namespace relais::kiosk::ui
