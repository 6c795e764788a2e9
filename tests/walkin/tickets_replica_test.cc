// replica/tickets.h on a real replica file with a fake clock: issue, list,
// call, done, leave, convert, prefix; refusals leave the file unchanged.
// Oracles: numbers, orders and appointment fields written out by hand.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "common/domain/walkin_queue.h"
#include "common/replica/replica.h"
#include "common/replica/tickets.h"
#include "common/util/clock.h"
#include "tests/common/test_util.h"

namespace relais::common {
namespace {

using testing::TempDir;

class TicketsReplicaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK(Replica::Init(dir_.File("a.db"), "S1"));
    auto r = Replica::Open(dir_.File("a.db"), &clock_);
    ASSERT_OK(r.status());
    r_ = std::move(r).value();
    r_->SeedForTest(7);
    ASSERT_OK(SetTicketPrefix(*r_, "A"));
  }
  std::string Dump() {
    auto d = r_->Dump();
    EXPECT_TRUE(d.ok());
    return d.ok() ? *d : "";
  }
  // 2026-12-03 09:00 in Paris = 08:00 UTC.
  FakeClock clock_{testing::UtcSeconds(2026, 12, 3, 8, 0) * 1000};
  TempDir dir_;
  std::unique_ptr<Replica> r_;
};

TEST_F(TicketsReplicaTest, IssueNumbersInOrderOnTheParisDay) {
  auto a = IssueTicket(*r_);
  ASSERT_OK(a.status());
  EXPECT_EQ(a->number, "A1");
  EXPECT_EQ(a->day, "2026-12-03");
  EXPECT_EQ(a->status, "waiting");
  EXPECT_EQ(a->site_id, "S1");
  EXPECT_EQ(a->issuer, r_->replica_id());
  EXPECT_EQ(a->issued_at_ms, clock_.NowMillis());
  clock_.Advance(60000);
  auto b = IssueTicket(*r_);
  ASSERT_OK(b.status());
  EXPECT_EQ(b->number, "A2");
  // 23:30 UTC is already the 4th in Paris: the counter starts again.
  clock_.Set(testing::UtcSeconds(2026, 12, 3, 23, 30) * 1000);
  auto c = IssueTicket(*r_);
  ASSERT_OK(c.status());
  EXPECT_EQ(c->day, "2026-12-04");
  EXPECT_EQ(c->number, "A1");
  auto day = TicketsOn(*r_, "2026-12-03");
  ASSERT_OK(day.status());
  ASSERT_EQ(day->size(), 2u);
  EXPECT_EQ((*day)[0].id, a->id);
  EXPECT_EQ((*day)[1].id, b->id);
}

TEST_F(TicketsReplicaTest, CallDoneLeaveFollowTheQueue) {
  auto a = IssueTicket(*r_);
  clock_.Advance(1000);
  auto b = IssueTicket(*r_);
  clock_.Advance(1000);
  auto c = IssueTicket(*r_);
  ASSERT_OK(c.status());
  clock_.Advance(60000);
  auto called = CallNextTicket(*r_, "Salle 1");
  ASSERT_OK(called.status());
  EXPECT_EQ(called->id, a->id);
  EXPECT_EQ(called->status, "called");
  EXPECT_EQ(called->room, "Salle 1");
  EXPECT_EQ(called->called_at_ms, clock_.NowMillis());
  clock_.Advance(10 * 60000);
  auto done = FinishTicket(*r_, "A1", "done");  // by today's number
  ASSERT_OK(done.status());
  EXPECT_EQ(done->status, "done");
  EXPECT_EQ(done->room, "Salle 1");
  EXPECT_EQ(done->ended_at_ms - done->called_at_ms, 10 * 60000);
  auto left = FinishTicket(*r_, b->id, "left");  // by id, never called
  ASSERT_OK(left.status());
  EXPECT_EQ(left->status, "left");
  auto all = TicketsOn(*r_, "2026-12-03");
  ASSERT_OK(all.status());
  const auto queue = domain::QueueOrder(*all, "S1", "2026-12-03");
  ASSERT_EQ(queue.size(), 1u);
  EXPECT_EQ(queue[0].id, c->id);
  EXPECT_EQ(domain::MedianServiceMs(*all, "S1", "2026-12-03"), 10 * 60000);
  auto next = CallNextTicket(*r_, "2");
  ASSERT_OK(next.status());
  EXPECT_EQ(next->id, c->id);
  auto none = CallNextTicket(*r_, "2");
  EXPECT_EQ(none.status().code(), StatusCode::kNotFound);
}

TEST_F(TicketsReplicaTest, RefusalsWriteNothing) {
  auto a = IssueTicket(*r_);
  ASSERT_OK(a.status());
  const std::string before = Dump();
  auto expect_refused = [&](const Status& s, StatusCode code) {
    EXPECT_EQ(s.code(), code) << s.ToString();
    EXPECT_FALSE(s.message().empty());
    EXPECT_EQ(Dump(), before);
  };
  expect_refused(FinishTicket(*r_, "A1", "done").status(), StatusCode::kFailedPrecondition);
  expect_refused(FinishTicket(*r_, "A1", "booked").status(), StatusCode::kInvalidArgument);
  expect_refused(CallNextTicket(*r_, "").status(), StatusCode::kInvalidArgument);
  expect_refused(CallNextTicket(*r_, "salle\n1").status(), StatusCode::kInvalidArgument);
  expect_refused(CallNextTicket(*r_, std::string(65, 's')).status(),
                 StatusCode::kInvalidArgument);
  expect_refused(CallTicket(*r_, "A7", "1").status(), StatusCode::kNotFound);
  expect_refused(CallTicket(*r_, "tk-nope", "1").status(), StatusCode::kNotFound);
  expect_refused(SetTicketPrefix(*r_, "ab"), StatusCode::kInvalidArgument);
  expect_refused(TicketsOn(*r_, "2026-13-01").status(), StatusCode::kInvalidArgument);
  NewAppointment appt;
  appt.practitioner = "p-inconnu";
  appt.patient_name = "Jeanne Dupont";
  expect_refused(ConvertTicket(*r_, "A1", appt).status(), StatusCode::kInvalidArgument);
  ASSERT_OK(FinishTicket(*r_, "A1", "left"));
  const std::string after_left = Dump();
  EXPECT_EQ(CallTicket(*r_, "A1", "1").status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(Dump(), after_left);
}

TEST_F(TicketsReplicaTest, ConvertCreatesACheckedInWalkInAppointment) {
  ASSERT_OK(r_->AddPractitioner("p1", "Dr Martin", "medecin"));
  auto a = IssueTicket(*r_);
  ASSERT_OK(a.status());
  ASSERT_OK(CallNextTicket(*r_, "3"));
  clock_.Advance(120000);
  NewAppointment appt;
  appt.practitioner = "p1";
  appt.patient_name = "Jeanne Dupont";
  appt.patient_birth = "1950-03-02";
  auto out = ConvertTicket(*r_, a->number, appt);
  ASSERT_OK(out.status());
  EXPECT_EQ(out->first.status, "converted");
  EXPECT_EQ(out->first.appointment, out->second);
  auto rec = r_->Get(Collection::kAppointment, out->second);
  ASSERT_OK(rec.status());
  ASSERT_TRUE(rec->has_value());
  const Appointment ap = AppointmentFromView(**rec, r_->OpenView(**rec));
  EXPECT_EQ(ap.origin, "sans_rdv");
  EXPECT_EQ(ap.status, "checked_in");
  EXPECT_EQ(ap.checkin_via, "staff");
  EXPECT_EQ(ap.start, clock_.NowMillis() / 1000);
  EXPECT_EQ(ap.checkin_at, ap.start);
  EXPECT_EQ(ap.room, "3");
  EXPECT_EQ(ap.practitioner, "p1@S1");
  EXPECT_EQ(ap.patient_name, "Jeanne Dupont");
  EXPECT_EQ(ap.site_id, "S1");
  // Converted is final.
  EXPECT_EQ(ConvertTicket(*r_, a->id, appt).status().code(), StatusCode::kFailedPrecondition);
}

TEST_F(TicketsReplicaTest, NoLetterNoTicketThenManualThenHubLetterWins) {
  // Neither a hub letter nor one set by hand: refused, nothing written (the
  // replica never guesses a letter another kiosk may hold).
  ASSERT_OK(SetTicketPrefix(*r_, ""));
  const std::string before = *r_->Dump();
  auto none = IssueTicket(*r_);
  ASSERT_EQ(none.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(none.status().message().find("synchronisez-la une fois avec le hub"),
            std::string::npos)
      << none.status().ToString();
  EXPECT_EQ(*r_->Dump(), before);
  // The hub said the site's letters are all taken: the message says so.
  ASSERT_OK(r_->store()->SetMeta(kTicketPrefixFullMeta, "1"));
  auto full = IssueTicket(*r_);
  ASSERT_EQ(full.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(full.status().message().find("les 26 lettres du site S1"), std::string::npos)
      << full.status().ToString();
  // Set by hand (a site without hub).
  ASSERT_OK(SetTicketPrefix(*r_, "Q"));
  auto t = IssueTicket(*r_);
  ASSERT_OK(t.status());
  EXPECT_EQ(t->number, "Q1");
  // Reopened: the prefix is in the file.
  r_.reset();
  auto again = Replica::Open(dir_.File("a.db"), &clock_);
  ASSERT_OK(again.status());
  auto q = TicketPrefixOf(**again);
  ASSERT_OK(q.status());
  EXPECT_EQ(q->letter, "Q");
  EXPECT_EQ(q->source, TicketPrefixSource::kManual);
  // The hub's letter (written by sync) wins over the one set by hand.
  ASSERT_OK((*again)->store()->SetMeta(kTicketPrefixHubMeta, "K"));
  auto k = IssueTicket(**again);
  ASSERT_OK(k.status());
  EXPECT_EQ(k->number, "K1");
  // A tampered meta value is reported, not used, whichever key holds it.
  ASSERT_OK((*again)->store()->SetMeta(kTicketPrefixHubMeta, "zz"));
  EXPECT_EQ(TicketPrefix(**again).status().code(), StatusCode::kDataLoss);
  EXPECT_FALSE(IssueTicket(**again).ok());
  ASSERT_OK((*again)->store()->SetMeta(kTicketPrefixHubMeta, ""));
  ASSERT_OK((*again)->store()->SetMeta(kTicketPrefixMeta, "1"));
  EXPECT_EQ(TicketPrefix(**again).status().code(), StatusCode::kDataLoss);
}

}  // namespace
}  // namespace relais::common
