// Recovery scenarios with an in-process hub: a hub restored from a backup
// older than some replicas, and clocks a day off. Bounded and loopback only.
// The clock scenario runs on both hub stores; the backup/restore one uses
// SQLite's own tools (relais-hub backup/restore: BackupHub, RestoreHub) and
// stays on SQLite.
// (Full disks, on a real filled filesystem: sync_full_disk_test.cc.)
#include <gtest/gtest.h>

#include "common/codec/record_json.h"
#include "server/hub_admin.h"
#include "tests/server/hub_fixture.h"

namespace relais::server {

using relais::sync::SyncReport;
using relais::sync::SyncOnce;
namespace {

using common::Collection;
using common::FakeClock;
using common::Replica;

// RecoveryBase: helpers over a hub of any store (StoreHubFixture); the
// SQLite-only tests use SyncRecoveryTest, the others StoreRecoveryTest.
template <typename Fixture>
class RecoveryBase : public Fixture {
 protected:
  using Fixture::dir_;
  using Fixture::Options;
  std::unique_ptr<Replica> Open(const std::string& file, const std::string& site,
                                common::Clock* clock) {
    EXPECT_TRUE(Replica::Init(dir_.File(file), site).ok());
    auto r = Replica::Open(dir_.File(file), clock);
    EXPECT_TRUE(r.ok());
    return std::move(r).value();
  }
  Status Sync(Replica& r, const std::string& token, SyncReport* report = nullptr) {
    auto res = SyncOnce(r, Options(token));
    if (res.ok() && report) *report = *res;
    return res.ok() ? Status::OK() : res.status();
  }
  int64_t HubCount() {
    auto db = common::Db::Open(dir_.File("hub.db"), false);
    return *(*db)->QueryInt("SELECT count(*) FROM records");
  }
};
using SyncRecoveryTest = RecoveryBase<testing::HubFixture>;
using StoreRecoveryTest = RecoveryBase<testing::StoreHubFixture>;
INSTANTIATE_TEST_SUITE_P(Stores, StoreRecoveryTest, pgtest::AllStores(), pgtest::StoreName);

TEST_F(SyncRecoveryTest, HubRestoredFromOlderBackupGetsEverythingBack) {
  auto a = NewReplica("a.db", "S1", 1), b = NewReplica("b.db", "S1", 2);
  const std::string ta = Enroll({"S1"}), tb = Enroll({"S1"});
  ASSERT_TRUE(a->AddPractitioner("p1", "Dr Un", "medecin").ok());
  ASSERT_TRUE(Sync(*a, ta).ok());
  ASSERT_TRUE(Sync(*b, tb).ok());
  ASSERT_TRUE(BackupHub(dir_.File("hub.db"), dir_.File("backup.db")).ok());
  // After the backup: changes at both replicas reach the hub (and are acked).
  common::NewAppointment appt;
  appt.practitioner = "p1";
  appt.patient_name = "Jeanne";
  appt.start = 1795500000;
  ASSERT_TRUE(a->AddAppointment(appt).ok());
  ASSERT_TRUE(b->AddLedgerEntry({5000, "loyer", "p1", "equal", "", "2026-11", ""}).ok());
  ASSERT_TRUE(Sync(*a, ta).ok());
  ASSERT_TRUE(Sync(*b, tb).ok());
  ASSERT_TRUE(Sync(*a, ta).ok());
  const int64_t before = HubCount();
  ASSERT_EQ(before, 3);
  // Disaster: the hub comes back from the older backup.
  StopHub();
  ASSERT_TRUE(RestoreHub(dir_.File("hub.db"), dir_.File("backup.db")).ok());
  StartHub(ServerOptions{"127.0.0.1:0", "", "", 16 << 20});
  EXPECT_EQ(HubCount(), 1);
  SyncReport ra, rb;
  ASSERT_TRUE(Sync(*a, ta, &ra).ok());
  ASSERT_TRUE(Sync(*b, tb, &rb).ok());
  ASSERT_TRUE(Sync(*a, ta).ok());
  EXPECT_EQ(ra.resyncs, 1);
  EXPECT_EQ(rb.resyncs, 1);
  EXPECT_EQ(HubCount(), before);
  EXPECT_EQ(*a->Dump(), *b->Dump());
  EXPECT_EQ(*a->PendingCount(), 0);
  // Steady state again: a no-op sync is one round trip.
  SyncReport noop;
  ASSERT_TRUE(Sync(*a, ta, &noop).ok());
  EXPECT_EQ(noop.round_trips, 1);
  EXPECT_EQ(noop.resyncs, 0);
}

TEST_P(StoreRecoveryTest, ClockOneDayOffConvergesAndStopsWinningAfterSync) {
  // The in-process hub uses the real clock; "right" agrees with it.
  const int64_t now = common::SystemClock::Default()->NowMillis();
  FakeClock ahead(now + 86400000), behind(now - 86400000), right(now);
  auto a = Open("a.db", "S1", &ahead), b = Open("b.db", "S1", &behind),
       c = Open("c.db", "S1", &right);
  const std::string ta = Enroll({"S1"}), tb = Enroll({"S1"}), tc = Enroll({"S1"});
  ASSERT_TRUE(c->AddPractitioner("p1", "Dr Un", "medecin").ok());
  for (auto [r, t] : {std::pair{c.get(), tc}, {a.get(), ta}, {b.get(), tb}})
    ASSERT_TRUE(Sync(*r, t).ok());
  // The skewed replicas learnt the hub's time.
  EXPECT_NEAR(static_cast<double>(*a->CorrectedOffsetMs()), -86400000.0, 5000.0);
  EXPECT_NEAR(static_cast<double>(*b->CorrectedOffsetMs()), 86400000.0, 5000.0);
  EXPECT_EQ(*c->CorrectedOffsetMs(), 0);
  // Concurrent presence marks: a (clock a day ahead) first, c ten seconds
  // later in real time. The later one must win: a's clock is corrected.
  ASSERT_TRUE(a->SetPresence("p1@S1", "2026-11-24", "am", "absent", "", "").ok());
  right.Advance(10000);
  ahead.Advance(10000);
  behind.Advance(10000);
  ASSERT_TRUE(c->SetPresence("p1@S1", "2026-11-24", "am", "present", "", "2").ok());
  ASSERT_TRUE(b->SetPresence("p1@S1", "2026-11-24", "pm", "en_visite", "", "").ok());
  for (int round = 0; round < 2; ++round)
    for (auto [r, t] : {std::pair{a.get(), ta}, {b.get(), tb}, {c.get(), tc}})
      ASSERT_TRUE(Sync(*r, t).ok());
  EXPECT_EQ(*a->Dump(), *c->Dump());
  EXPECT_EQ(*b->Dump(), *c->Dump());
  auto am = c->PresenceOn("2026-11-24");
  ASSERT_TRUE(am.ok());
  ASSERT_EQ(am->size(), 2u);
  EXPECT_EQ((*am)[0].state, "present");  // c's later mark, not a's skewed one
  // Nobody's HLC ran a day ahead: stamps stay within the drift bound.
  for (auto* r : {a.get(), b.get(), c.get()}) {
    const auto hlc = *r->store()->GetMetaInt("hlc");
    EXPECT_LE(common::HlcMillis(hlc), now + 10000 + 5 * 60 * 1000 + 1000);
  }
}

}  // namespace
}  // namespace relais::server
