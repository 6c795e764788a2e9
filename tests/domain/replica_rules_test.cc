// The domain rules through a real replica file: ledger validation writes
// nothing on bad input, entries are immutable, offline double bookings and
// code clashes between two replicas, code reissue, DST round trip.
#include <gtest/gtest.h>

#include "common/domain/ledger.h"
#include "common/domain/overlaps.h"
#include "common/replica/replica.h"
#include "tests/common/test_util.h"

namespace relais::common {
namespace {

using testing::TempDir;

class ReplicaRulesTest : public ::testing::Test {
 protected:
  std::unique_ptr<Replica> Make(const std::string& file) {
    const std::string path = dir_.File(file);
    EXPECT_TRUE(Replica::Init(path, "msp").ok());
    auto r = Replica::Open(path, &clock_);
    EXPECT_TRUE(r.ok());
    auto rep = std::move(r).value();
    EXPECT_TRUE(rep->AddPractitioner("a", "Dr Arnaud", "medecin", 6000).ok());
    EXPECT_TRUE(rep->AddPractitioner("b", "Dr Berger", "medecin", 4000).ok());
    return rep;
  }
  // Sends every record of `from` to `to`, as the hub would.
  static void Ship(Replica& from, Replica& to) {
    auto recs = from.store()->ListAll();
    ASSERT_OK(recs);
    ASSERT_OK(to.store()->ApplyRemote(*recs, {}));
  }
  NewAppointment Appt(const std::string& when, int64_t minutes) {
    NewAppointment a;
    a.practitioner = "a";
    a.patient_name = "Jeanne Dupont";
    a.patient_birth = "1950-03-02";
    a.start = *ParseParisDateTime(when);
    a.duration_min = minutes;
    return a;
  }

  TempDir dir_;
  FakeClock clock_{1795000000000};  // 2026-11-19
};

TEST_F(ReplicaRulesTest, BadLedgerInputWritesNothing) {
  auto r = Make("a.db");
  const std::string before = *r->Dump();
  auto code = [&](NewLedgerEntry e) { return r->AddLedgerEntry(e).status().code(); };
  EXPECT_EQ(code({0, "loyer", "a", "equal", "", "2026-11", ""}), StatusCode::kInvalidArgument);
  EXPECT_EQ(code({-100, "loyer", "a", "equal", "", "2026-11", ""}),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(code({100, "loyer", "zz", "equal", "", "2026-11", ""}),
            StatusCode::kInvalidArgument);
  // No presence recorded in November: the presence key is empty.
  auto empty = r->AddLedgerEntry({100, "loyer", "a", "presence", "", "2026-11", ""});
  EXPECT_NE(empty.status().message().find("clé vide"), std::string::npos);
  EXPECT_EQ(*r->Dump(), before);
  ASSERT_OK(r->AddPractitioner("c", "Mme Colin", "infirmier", 1000));  // 110 %
  const std::string with_c = *r->Dump();
  auto shares = r->AddLedgerEntry({100, "loyer", "a", "share", "", "2026-11", ""});
  EXPECT_NE(shares.status().message().find("110,00 %"), std::string::npos)
      << shares.status().message();
  EXPECT_TRUE(r->LedgerAll()->empty());
  EXPECT_EQ(*r->Dump(), with_c);
}

TEST_F(ReplicaRulesTest, EntriesAreImmutableAndBalanceAfterReversal) {
  auto r = Make("a.db");
  auto id = r->AddLedgerEntry({100000, "loyer", "a", "share", "Loyer", "2026-11", ""});
  ASSERT_OK(id);
  EXPECT_EQ(r->Write(Collection::kLedger, *id, {{"amount_cents", "1"}}).status().code(),
            StatusCode::kFailedPrecondition);
  ASSERT_OK(r->AddLedgerEntry({-100000, "loyer", "a", "share", "erreur", "2026-11", *id}));
  ASSERT_OK(r->AddLedgerEntry({25000, "menage", "b", "equal", "", "2026-11", ""}));
  auto bal = domain::MonthlyBalances(*r->LedgerAll(), *r->Practitioners(),
                                     *r->PresenceInMonth("2026-11"), "2026-11");
  ASSERT_OK(bal);
  ASSERT_EQ(bal->size(), 2u);
  EXPECT_EQ((*bal)[0].balance(), -12500);  // a owes half the cleaning
  EXPECT_EQ((*bal)[1].balance(), 12500);
}

TEST_F(ReplicaRulesTest, PresenceKeyCountsReplacedHalfDays) {
  auto r = Make("a.db");
  ASSERT_OK(r->SetPresence("a", "2026-11-02", "am", "present", "", ""));
  ASSERT_OK(r->SetPresence("a", "2026-11-02", "pm", "remplace", "Dr Roux", ""));
  ASSERT_OK(r->SetPresence("b", "2026-11-03", "am", "present", "", ""));
  ASSERT_OK(r->SetPresence("b", "2026-11-03", "pm", "en_visite", "Dr Roux", ""));
  auto pres = r->PresenceOn("2026-11-03");
  ASSERT_OK(pres);
  EXPECT_EQ((*pres)[1].replacement, "");  // a name only goes with "remplace"
  ASSERT_OK(r->AddLedgerEntry({999, "secretariat", "b", "presence", "", "2026-11", ""}));
  auto bal = domain::MonthlyBalances(*r->LedgerAll(), *r->Practitioners(),
                                     *r->PresenceInMonth("2026-11"), "2026-11");
  ASSERT_OK(bal);
  EXPECT_EQ((*bal)[0].owed, 666);  // 2 of 3 half-days
  EXPECT_EQ((*bal)[1].owed, 333);
}

TEST_F(ReplicaRulesTest, OfflineDoubleBookingKeptAndListed) {
  auto r1 = Make("one.db");
  auto r2 = Make("two.db");
  auto x = r1->AddAppointment(Appt("2026-11-24T09:00", 20));
  auto y = r2->AddAppointment(Appt("2026-11-24T09:10", 20));
  ASSERT_OK(x);
  ASSERT_OK(y);
  // Codes carry each replica's prefix.
  EXPECT_EQ(x->second[0], domain::CodePrefix(r1->replica_id()));
  EXPECT_EQ(y->second[0], domain::CodePrefix(r2->replica_id()));
  Ship(*r1, *r2);
  Ship(*r2, *r1);
  EXPECT_EQ(*r1->Dump(), *r2->Dump());
  auto day = r1->AppointmentsOn(*ParseDate("2026-11-24"));
  ASSERT_OK(day);
  ASSERT_EQ(day->size(), 2u);  // both kept, no per-record conflict
  EXPECT_TRUE(r1->Conflicts()->empty());
  auto o = domain::FindOverlaps(*day);
  ASSERT_EQ(o.size(), 1u);
  EXPECT_EQ(o[0].first.id, x->first);
  EXPECT_EQ(o[0].second.id, y->first);
  // Staff moves one: the overlap disappears everywhere after sync.
  ASSERT_OK(r2->Write(Collection::kAppointment, y->first,
                      {{"start", std::to_string(*ParseParisDateTime("2026-11-24T09:20"))}}));
  Ship(*r2, *r1);
  EXPECT_TRUE(domain::FindOverlaps(*r1->AppointmentsOn(*ParseDate("2026-11-24"))).empty());
}

TEST_F(ReplicaRulesTest, CodeClashDetectedAndReissued) {
  auto r1 = Make("one.db");
  auto r2 = Make("two.db");
  auto x = r1->AddAppointment(Appt("2026-11-24T09:00", 15));
  auto y = r2->AddAppointment(Appt("2026-11-24T11:00", 15));
  ASSERT_OK(x);
  ASSERT_OK(y);
  // Force the unlucky case (same prefix, same code) that the scheme makes rare.
  ASSERT_OK(r2->Write(Collection::kAppointment, y->first, {{"code", x->second}}));
  Ship(*r2, *r1);
  auto clashes = domain::FindCodeClashes(*r1->AllAppointments());
  ASSERT_EQ(clashes.size(), 1u);
  EXPECT_EQ(clashes[0].code, x->second);
  auto fresh = r1->ReissueCode(y->first);
  ASSERT_OK(fresh);
  EXPECT_NE(*fresh, x->second);
  EXPECT_EQ((*fresh)[0], domain::CodePrefix(r1->replica_id()));
  EXPECT_TRUE(domain::FindCodeClashes(*r1->AllAppointments()).empty());
  EXPECT_EQ(r1->ReissueCode("rdv-nope").status().code(), StatusCode::kNotFound);
}

TEST_F(ReplicaRulesTest, DstAppointmentsStoredUtcListedOnTheirParisDay) {
  auto r = Make("a.db");
  auto spring = r->AddAppointment(Appt("2026-03-29T02:30", 15));
  auto autumn = r->AddAppointment(Appt("2026-10-25T02:30", 15));
  ASSERT_OK(spring);
  ASSERT_OK(autumn);
  auto rec = r->Get(Collection::kAppointment, spring->first);
  ASSERT_OK(rec);
  const Appointment s = AppointmentFromView(**rec, View(**rec));
  EXPECT_EQ(FormatUtc(s.start), "2026-03-29T01:30:00Z");
  EXPECT_EQ(FormatParisTime(s.start), "03:30");
  auto oct = r->AppointmentsOn(*ParseDate("2026-10-25"));
  ASSERT_OK(oct);
  ASSERT_EQ(oct->size(), 1u);
  EXPECT_EQ(FormatUtc((*oct)[0].start), "2026-10-25T00:30:00Z");
  EXPECT_EQ(FormatParisTime((*oct)[0].start), "02:30");
  EXPECT_TRUE(r->AppointmentsOn(*ParseDate("2026-10-24"))->empty());
}

}  // namespace
}  // namespace relais::common
