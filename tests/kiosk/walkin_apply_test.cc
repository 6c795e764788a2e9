// Walk-in queue in the kiosk (issue #16), pure: ApplyWalkin and the
// Apply*Result functions, without a replica or ImGui. Oracles are written
// out by hand (queue positions, minutes, French messages).
#include <gtest/gtest.h>

#include "kiosk/app/apply.h"
#include "kiosk/app/focus.h"
#include "kiosk/app/screen_speech.h"
#include "kiosk/app/walkin.h"
#include "kiosk/app/walkin_text.h"
#include "tests/kiosk/keyboard_fixture.h"

namespace relais::kiosk {
namespace {

using testing::kTenAm;

common::Ticket Tk(const std::string& id, const std::string& number, int64_t issued_ms,
                  const std::string& status = "waiting") {
  common::Ticket t;
  t.id = id;
  t.site_id = "S1";
  t.day = "2025-03-10";
  t.number = number;
  t.issued_at_ms = issued_ms;
  t.status = status;
  return t;
}

class WalkinApplyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    s_ = testing::KeyboardState();
    s_.walkin.tickets = {Tk("tk1", "A1", kTenAm - 600'000), Tk("tk2", "A2", kTenAm - 300'000),
                         Tk("tk3", "A3", kTenAm - 900'000, "called")};
    s_.walkin.tickets[2].room = "Salle 3";
    s_.walkin.tickets[2].called_at_ms = kTenAm - 60'000;
    s_.walkin.rooms = {"Salle 1", "Salle 3"};
  }
  void Unlock() {
    s_.staff_unlocked = true;
    s_.staff_user = "dr-a";
    s_.screen = Screen::kQueue;
  }
  template <typename T>
  const T* LastWalkinEffect() {
    if (s_.effects.empty()) return nullptr;
    const auto* w = std::get_if<EffWalkin>(&s_.effects.back());
    return w ? std::get_if<T>(&w->e) : nullptr;
  }
  AppState s_;
};

TEST_F(WalkinApplyTest, NoAppointmentTakesATicketAndShowsTheTicketScreen) {
  Apply(s_, act::Walkin{act::TakeTicket{}});
  EXPECT_EQ(s_.screen, Screen::kTicket);
  EXPECT_TRUE(s_.walkin.issued.pending);
  ASSERT_EQ(s_.effects.size(), 1u);
  EXPECT_NE(LastWalkinEffect<EffIssueTicket>(), nullptr);
  // A second touch while it is being issued does not take a second ticket.
  Apply(s_, act::Walkin{act::TakeTicket{}});
  EXPECT_EQ(s_.effects.size(), 1u);
}

TEST_F(WalkinApplyTest, NoTicketFromTheStaffScreensOrThePinPad) {
  s_.screen = Screen::kStaffPin;
  Apply(s_, act::Walkin{act::TakeTicket{}});
  EXPECT_EQ(s_.screen, Screen::kStaffPin);
  EXPECT_TRUE(s_.effects.empty());
  Unlock();
  Apply(s_, act::Walkin{act::TakeTicket{}});
  EXPECT_EQ(s_.screen, Screen::kQueue);
  EXPECT_TRUE(s_.effects.empty());
}

TEST_F(WalkinApplyTest, IssuedTicketGetsItsPlaceAndAnEstimateInFiveMinuteSteps) {
  Apply(s_, act::Walkin{act::TakeTicket{}});
  s_.effects.clear();
  common::Ticket mine = Tk("tk4", "A4", kTenAm);
  std::vector<common::Ticket> day = s_.walkin.tickets;
  day.push_back(mine);
  ApplyTicketIssued(s_, mine, day);
  // Two waiting before it (A1, A2; A3 is called): third. No ticket done
  // yet: 15 min each -> 45 min.
  EXPECT_FALSE(s_.walkin.issued.pending);
  EXPECT_EQ(s_.walkin.issued.number, "A4");
  EXPECT_EQ(s_.walkin.issued.position, 3);
  EXPECT_EQ(s_.walkin.issued.wait_ms, 45 * 60'000);
  EXPECT_EQ(WaitText(Lang::kFr, s_.walkin.issued.wait_ms), "Attente estimée : environ 45 min");
  EXPECT_TRUE(s_.effects.empty());  // no printer configured: nothing to print
  EXPECT_EQ(WaitRoundedMinutes(1), 5);
  EXPECT_EQ(WaitRoundedMinutes(16 * 60'000), 20);
  EXPECT_EQ(WaitRoundedMinutes(20 * 60'000), 20);
}

TEST_F(WalkinApplyTest, WithAPrinterTheReceiptIsQueuedAndHoldsNoName) {
  s_.walkin.printer = "accueil";
  Apply(s_, act::Walkin{act::TakeTicket{}});
  s_.effects.clear();
  common::Ticket mine = Tk("tk4", "A4", kTenAm);
  ApplyTicketIssued(s_, mine, {mine});
  const auto* p = LastWalkinEffect<EffPrintTicket>();
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->printer, "accueil");
  EXPECT_NE(p->text.find("A4"), std::string::npos);
  EXPECT_NE(p->text.find("environ 15 min"), std::string::npos);
  EXPECT_NE(p->text.find("Gardez ce numéro"), std::string::npos);
  EXPECT_NE(p->text.find("10/03/2025"), std::string::npos) << p->text;
  for (const auto& a : s_.today_appointments)
    EXPECT_EQ(p->text.find(a.patient_name), std::string::npos);
  // lp failed: the message, and the number stays.
  ApplyPrintResult(s_, false);
  EXPECT_TRUE(s_.walkin.issued.print_failed);
  EXPECT_EQ(s_.walkin.issued.number, "A4");
  EXPECT_EQ(s_.screen, Screen::kTicket);
  EXPECT_NE(TicketSpeech(s_).find("Imprimante indisponible"), std::string::npos);
}

TEST_F(WalkinApplyTest, AFailedIssueSendsThePatientToTheDesk) {
  Apply(s_, act::Walkin{act::TakeTicket{}});
  ApplyTicketFailed(s_);
  EXPECT_EQ(s_.screen, Screen::kCheckInDone);
  EXPECT_TRUE(s_.checkin.no_appointment);
  EXPECT_FALSE(s_.walkin.issued.pending);
}

TEST_F(WalkinApplyTest, TicketSpeechSaysTheNumberAndNeverAName) {
  Apply(s_, act::Walkin{act::TakeTicket{}});
  common::Ticket mine = Tk("tk4", "A4", kTenAm);
  ApplyTicketIssued(s_, mine, {mine});
  Apply(s_, act::Speak{});
  EXPECT_NE(s_.speech.text.find("Votre numéro : A4."), std::string::npos) << s_.speech.text;
  EXPECT_NE(s_.speech.text.find("environ 15 min"), std::string::npos);
  EXPECT_EQ(s_.speech.text.find("Quintavalle"), std::string::npos);
  EXPECT_EQ(s_.speech.text.find("Wolfsohn"), std::string::npos);
}

TEST_F(WalkinApplyTest, TicketScreenResetsAfterIdleAndOnOkOrEscape) {
  Apply(s_, act::Walkin{act::TakeTicket{}});
  Apply(s_, act::Back{});  // Esc
  EXPECT_EQ(s_.screen, Screen::kWelcome);
  Apply(s_, act::Walkin{act::TakeTicket{}});
  ApplyTicketIssued(s_, Tk("tk4", "A4", kTenAm), {Tk("tk4", "A4", kTenAm)});
  Apply(s_, act::Tick{kTenAm + kPublicIdleMs + kIdlePromptMs});
  EXPECT_EQ(s_.screen, Screen::kWelcome);
}

TEST_F(WalkinApplyTest, KeyboardPathReachesTheTicketFromTheWelcomeScreen) {
  bool found = false;
  for (const Control& c : FocusableControls(s_))
    if (c.id == "no-appointment") {
      found = true;
      ASSERT_TRUE(std::holds_alternative<act::Walkin>(c.action));
    }
  EXPECT_TRUE(found);
  Apply(s_, act::Walkin{act::TakeTicket{}});
  const auto controls = FocusableControls(s_);
  ASSERT_FALSE(controls.empty());
  EXPECT_EQ(controls[0].id, "ticket:ok");
}

TEST_F(WalkinApplyTest, StaffActionsNeedAnUnlockedKiosk) {
  Apply(s_, act::Walkin{act::CallTicket{"", "Salle 1"}});
  EXPECT_EQ(s_.screen, Screen::kStaffPin);
  EXPECT_TRUE(s_.effects.empty());
  Apply(s_, act::Navigate{Screen::kQueue});
  EXPECT_EQ(s_.screen, Screen::kStaffPin);
}

TEST_F(WalkinApplyTest, CallNextOrAChosenTicketToARoomOfTheSite) {
  Unlock();
  Apply(s_, act::Walkin{act::CallTicket{"", "Salle 1"}});
  const auto* c = LastWalkinEffect<EffCallTicket>();
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->ref, "");
  EXPECT_EQ(c->room, "Salle 1");
  Apply(s_, act::Walkin{act::CallTicket{"tk2", "Salle 3"}});
  c = LastWalkinEffect<EffCallTicket>();
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->ref, "tk2");
  // Called again to another room: allowed.
  Apply(s_, act::Walkin{act::CallTicket{"tk3", "Salle 1"}});
  EXPECT_NE(LastWalkinEffect<EffCallTicket>(), nullptr);
  EXPECT_EQ(s_.effects.size(), 3u);
}

TEST_F(WalkinApplyTest, CallIsRefusedInFrenchForAnUnknownRoomTicketOrEmptyQueue) {
  Unlock();
  Apply(s_, act::Walkin{act::CallTicket{"", "Salle 9"}});
  EXPECT_EQ(s_.message, "Choisissez une salle de la maison.");
  EXPECT_TRUE(s_.message_is_error);
  Apply(s_, act::Walkin{act::CallTicket{"tk-forged", "Salle 1"}});
  EXPECT_EQ(s_.message, "Ticket inconnu (déjà traité ailleurs ?).");
  s_.walkin.tickets[0].status = "done";
  s_.walkin.tickets[1].status = "left";
  Apply(s_, act::Walkin{act::CallTicket{"", "Salle 1"}});
  EXPECT_EQ(s_.message, "Personne n'attend.");
  Apply(s_, act::Walkin{act::CallTicket{"tk1", "Salle 1"}});  // finished
  EXPECT_EQ(s_.message, "Ce ticket ne permet pas cette action.");
  EXPECT_TRUE(s_.effects.empty());
}

TEST_F(WalkinApplyTest, WithoutRoomsAnyShortRoomTextIsAccepted) {
  Unlock();
  s_.walkin.rooms.clear();
  Apply(s_, act::Walkin{act::CallTicket{"", "Box 2"}});
  EXPECT_NE(LastWalkinEffect<EffCallTicket>(), nullptr);
  s_.effects.clear();
  Apply(s_, act::Walkin{act::CallTicket{"", ""}});
  Apply(s_, act::Walkin{act::CallTicket{"", std::string(200, 'x')}});
  EXPECT_TRUE(s_.effects.empty());
}

TEST_F(WalkinApplyTest, DoneNeedsACallLeftDoesNot) {
  Unlock();
  Apply(s_, act::Walkin{act::FinishTicket{"tk1", "done"}});  // waiting
  EXPECT_EQ(s_.message, "Ce ticket ne permet pas cette action.");
  EXPECT_TRUE(s_.effects.empty());
  Apply(s_, act::Walkin{act::FinishTicket{"tk3", "done"}});
  ASSERT_NE(LastWalkinEffect<EffFinishTicket>(), nullptr);
  EXPECT_EQ(LastWalkinEffect<EffFinishTicket>()->status, "done");
  Apply(s_, act::Walkin{act::FinishTicket{"tk1", "left"}});
  EXPECT_EQ(LastWalkinEffect<EffFinishTicket>()->status, "left");
  Apply(s_, act::Walkin{act::FinishTicket{"tk1", "converted"}});  // not a staff close
  EXPECT_EQ(s_.effects.size(), 2u);
}

TEST_F(WalkinApplyTest, ConvertNeedsAKnownPractitionerAndAName) {
  Unlock();
  Apply(s_, act::Walkin{act::ConvertTicket{"tk1", "dr-zz", "Léa Martin", ""}});
  EXPECT_EQ(s_.message, "Indiquez le nom du patient et un professionnel.");
  Apply(s_, act::Walkin{act::ConvertTicket{"tk1", "dr-a", "", ""}});
  Apply(s_, act::Walkin{act::ConvertTicket{"tk1", "dr-a", "Léa Martin", "31/02/1990"}});
  EXPECT_TRUE(s_.effects.empty());
  Apply(s_, act::Walkin{act::ConvertTicket{"tk1", "dr-a", "Léa Martin", "14021990"}});
  const auto* c = LastWalkinEffect<EffConvertTicket>();
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->ref, "tk1");
  EXPECT_EQ(c->appointment.practitioner, "dr-a");
  EXPECT_EQ(c->appointment.patient_name, "Léa Martin");
  EXPECT_EQ(c->appointment.patient_birth, "1990-02-14");
}

TEST_F(WalkinApplyTest, QueueRowsAreInQueueOrderWithTheWaitSoFar) {
  const auto waiting = WaitingRows(s_);
  ASSERT_EQ(waiting.size(), 2u);
  EXPECT_EQ(waiting[0].number, "A1");  // issued 10 min ago, before A2
  EXPECT_EQ(waiting[0].waited_ms, 600'000);
  EXPECT_EQ(waiting[1].number, "A2");
  const auto called = CalledRows(s_);
  ASSERT_EQ(called.size(), 1u);
  EXPECT_EQ(called[0].number, "A3");
  EXPECT_EQ(called[0].waited_ms, 60'000);  // since the call
}

}  // namespace
}  // namespace relais::kiosk
