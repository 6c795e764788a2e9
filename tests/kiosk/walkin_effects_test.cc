// The walk-in effects on a real replica (temporary SQLite file): a ticket
// taken at the kiosk is written and shown; the staff call, finish and
// convert it; a printer failure keeps the number on screen. The oracle is
// the replica itself (common/replica/tickets.h), read back independently.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>

#include "common/model/org.h"
#include "common/replica/tickets.h"
#include "kiosk/app/walkin.h"
#include "tests/kiosk/kiosk_fixture.h"

namespace relais::kiosk {
namespace {

class WalkinEffectsTest : public testing::KioskTest {
 protected:
  void SetUp() override {
    testing::KioskTest::SetUp();
    const std::string site = replica_->site_id();
    for (const auto& [id, name] : {std::pair{"s1", "Salle 1"}, std::pair{"s3", "Salle 3"}})
      ASSERT_TRUE(replica_->WriteAt(site, common::Collection::kRoom,
                                    common::RoomRecordId(id, site), {{common::field::kName, name}})
                      .ok());
    // The letter the hub gives at the first sync (common/replica/tickets.h).
    ASSERT_TRUE(common::SetTicketPrefix(*replica_, "A").ok());
  }
  common::Ticket Stored(const std::string& number) {
    auto day = common::TicketToday(*replica_);
    EXPECT_TRUE(day.ok());
    auto all = common::TicketsOn(*replica_, *day);
    EXPECT_TRUE(all.ok());
    for (const auto& t : *all)
      if (t.number == number) return t;
    ADD_FAILURE() << "no ticket " << number;
    return {};
  }
  AppState TakeOne(AppState s) {
    Apply(s, act::Walkin{act::TakeTicket{}});
    EXPECT_TRUE(runner_->RunPending(s).ok());
    return s;
  }
};

TEST_F(WalkinEffectsTest, ATakenTicketIsStoredAndShownWithItsPlace) {
  AppState s = Load();
  EXPECT_EQ(s.walkin.rooms, (std::vector<std::string>{"Salle 1", "Salle 3"}));
  s = TakeOne(s);
  ASSERT_EQ(s.screen, Screen::kTicket);
  const std::string first = s.walkin.issued.number;
  ASSERT_FALSE(first.empty());
  EXPECT_EQ(s.walkin.issued.position, 1);
  EXPECT_EQ(Stored(first).status, "waiting");
  Apply(s, act::Navigate{Screen::kWelcome});
  s = TakeOne(s);
  EXPECT_NE(s.walkin.issued.number, first);
  EXPECT_EQ(s.walkin.issued.position, 2);
  EXPECT_EQ(s.walkin.issued.wait_ms, 30 * 60'000);
  EXPECT_EQ(s.walkin.tickets.size(), 2u);  // reloaded
}

TEST_F(WalkinEffectsTest, StaffCallFinishAndConvertReachTheReplica) {
  AppState s = TakeOne(Load());
  const std::string a = s.walkin.issued.number;
  Apply(s, act::Navigate{Screen::kWelcome});
  s = TakeOne(s);
  const std::string b = s.walkin.issued.number;
  s.staff_unlocked = true;
  s.staff_user = Pid(s, "dr-a");
  s.screen = Screen::kQueue;
  Apply(s, act::Walkin{act::CallTicket{"", "Salle 3"}});  // the next: a
  ASSERT_TRUE(runner_->RunPending(s).ok()) << s.message;
  EXPECT_EQ(Stored(a).status, "called");
  EXPECT_EQ(Stored(a).room, "Salle 3");
  Apply(s, act::Walkin{act::FinishTicket{Stored(a).id, "done"}});
  ASSERT_TRUE(runner_->RunPending(s).ok()) << s.message;
  EXPECT_EQ(Stored(a).status, "done");
  Apply(s, act::Walkin{act::ConvertTicket{Stored(b).id, Pid(s, "dr-b"), "Léa Martin", ""}});
  ASSERT_TRUE(runner_->RunPending(s).ok()) << s.message;
  const common::Ticket tb = Stored(b);
  EXPECT_EQ(tb.status, "converted");
  ASSERT_FALSE(tb.appointment.empty());
  auto appt = Get(tb.appointment);
  ASSERT_TRUE(appt.ok()) << appt.status().ToString();
  EXPECT_EQ(appt->patient_name, "Léa Martin");
  EXPECT_EQ(appt->status, "checked_in");
  EXPECT_TRUE(WaitingRows(s).empty());
}

TEST_F(WalkinEffectsTest, APrinterFailureKeepsTheNumberOnScreen) {
  const std::string bin = dir_.string() + "/bin";
  std::filesystem::create_directories(bin);
  std::ofstream(bin + "/lp") << "#!/bin/sh\ncat >/dev/null\nexit 1\n";
  ASSERT_EQ(chmod((bin + "/lp").c_str(), 0700), 0);
  const std::string old = std::getenv("PATH");
  setenv("PATH", (bin + ":" + old).c_str(), 1);
  AppState s = Load();
  s.walkin.printer = "accueil";
  s = TakeOne(s);
  setenv("PATH", old.c_str(), 1);
  EXPECT_EQ(s.screen, Screen::kTicket);
  EXPECT_FALSE(s.walkin.issued.number.empty());
  EXPECT_TRUE(s.walkin.issued.print_failed);
}

TEST_F(WalkinEffectsTest, NoTicketLetterYetSendsThePatientToTheDesk) {
  // A kiosk that has never synced with its hub has no letter: it hands out
  // no number (one could clash with another kiosk's) and says why.
  ASSERT_TRUE(common::SetTicketPrefix(*replica_, "").ok());
  AppState s = Load();
  Apply(s, act::Walkin{act::TakeTicket{}});
  EXPECT_FALSE(runner_->RunPending(s).ok());
  EXPECT_NE(s.screen, Screen::kTicket);
  EXPECT_TRUE(s.checkin.no_appointment) << "« adressez-vous au secrétariat »";
  EXPECT_TRUE(s.walkin.issued.number.empty());
  EXPECT_TRUE(s.message_is_error);
  EXPECT_NE(s.message.find("lettre de ticket"), std::string::npos) << s.message;
  auto day = common::TicketToday(*replica_);
  ASSERT_TRUE(day.ok());
  EXPECT_TRUE(common::TicketsOn(*replica_, *day)->empty());
}

}  // namespace
}  // namespace relais::kiosk
