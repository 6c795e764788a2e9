// kill -9 of one hub mid-batch: a replica pushes 5,000 records in pushes of
// 1,000 through hub A; A gets SIGKILL once the first push is acknowledged
// (the next one is then in flight); the replica retries through hub B. At
// the end the database holds every record exactly once, equal to the
// replica's, its push cursor is complete, another replica pulls them all,
// and PostgreSQL holds no session, transaction or lock of the dead hub.
#include <atomic>
#include <functional>

#include "common/sync/failover.h"
#include "tests/multihub/multihub_fixture.h"

namespace relais::server::multihub {

using relais::sync::SyncProgress;
using relais::sync::SyncOptions;
using relais::sync::SyncReport;
using relais::sync::SyncOnce;
namespace {

// Polls `done` every 20 ms for at most `limit`; true once it held.
bool WaitFor(const std::function<bool()>& done, std::chrono::milliseconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

TEST_F(MultiHubTest, HubKilledMidBatchReplicaRetriesThroughAnother) {
  StartHubs(2);
  ASSERT_EQ(hubs_.size(), 2u);
  constexpr int kRecords = 5000;
  auto a = NewReplica("a.db", "S1", 1);
  ASSERT_NE(a, nullptr);
  const std::string token = Enroll({"S1"});
  std::vector<std::pair<std::string, std::map<std::string, std::string>>> items;
  for (int i = 0; i < kRecords; ++i) {
    auto f = ApptFields("S1", i);
    f["note"] = std::string(200, static_cast<char>('a' + i % 26));
    items.push_back({"rdv-k" + std::to_string(i), f});
  }
  ASSERT_TRUE(a->WriteBatch(Collection::kAppointment, items).ok());

  ASSERT_GT(SqlInt("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'hub0'"), 0)
      << "hub0 n'a pas de session visible: la vérification finale ne prouverait rien";
  // Push through hub 0 only (no failover in this attempt).
  SyncOptions o = Options(token, 0);
  o.push_batch_records = 1000;
  o.push_batch_bytes = 4 << 20;
  std::atomic<int> acks{0};
  o.progress = [&](const SyncProgress& p) { acks = p.pushed; };
  Result<SyncReport> first = Status::Internal("pas lancé");
  std::thread t([&] { first = SyncOnce(*a, o); });
  const bool acked = WaitFor([&] { return acks.load() > 0; }, std::chrono::seconds(60));
  const pid_t dead_pid = hubs_[0]->pid();
  const bool killed = hubs_[0]->Kill();
  t.join();
  ASSERT_TRUE(acked) << "aucun accusé de réception du hub A";
  ASSERT_TRUE(killed) << "le hub A n'est pas mort de SIGKILL";
  ASSERT_FALSE(first.ok()) << "la poussée a fini avant le kill: rien n'a été testé";
  EXPECT_EQ(first.status().code(), StatusCode::kUnavailable) << first.status().ToString();
  const int64_t at_kill = SqlInt("SELECT count(*) FROM relais.records");
  std::cout << "hub A (pid " << dead_pid << ") tué après " << acks.load()
            << " accusés; la base en avait " << at_kill << "\n";
  EXPECT_GE(at_kill, acks.load());
  EXPECT_LT(at_kill, kRecords) << "tout était déjà là: le kill n'était pas en cours de lot";

  // The replica's next session, given both hubs (`relais sync --hub A,B`),
  // fails over by itself: A (dead) first, then B.
  SyncOptions retry = Options(token, 0);
  retry.hubs = {HubAddress(0), HubAddress(1)};
  retry.push_batch_records = 1000;
  retry.push_batch_bytes = 4 << 20;
  auto f = relais::sync::SyncWithFailover(*a, retry);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(f->hub, HubAddress(1));
  EXPECT_EQ(f->tried, (std::vector<std::string>{HubAddress(0), HubAddress(1)}));
  EXPECT_EQ(*a->PendingCount(), 0) << "curseur de poussée incomplet";
  EXPECT_EQ(SqlInt("SELECT count(*) FROM relais.records"), kRecords);
  EXPECT_EQ(SqlInt("SELECT count(DISTINCT id) FROM relais.records WHERE site_id = 'S1'"),
            kRecords);
  EXPECT_EQ(SqlInt("SELECT count(DISTINCT hub_seq) FROM relais.records"), kRecords);
  EXPECT_EQ(FirstDifference(HubDump("S1", *a), SiteDump(*a, "S1")), "") << "le hub diffère de la réplique";

  // Another replica pulls everything, through B.
  auto b = NewReplica("b.db", "S1", 2);
  ASSERT_NE(b, nullptr);
  const FailoverResult pulled = SyncWithFailover(*b, Options(Enroll({"S1"}), 1), 1);
  ASSERT_TRUE(pulled.status.ok()) << pulled.status.ToString();
  EXPECT_EQ(pulled.report.pulled, kRecords);
  EXPECT_EQ(FirstDifference(SiteDump(*b, "S1"), SiteDump(*a, "S1")), "");

  // PostgreSQL let go of the dead hub: no session of hub0 (its backends saw
  // the sockets close), no transaction left open, no advisory lock.
  const bool released = WaitFor(
      [&] {
        return SqlInt("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'hub0'") ==
                   0 &&
               SqlInt("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'") == 0 &&
               SqlInt("SELECT count(*) FROM pg_stat_activity WHERE datname = 'relais'"
                      " AND state LIKE 'idle in transaction%'") == 0;
      },
      std::chrono::seconds(20));
  EXPECT_TRUE(released)
      << "sessions de hub0: "
      << SqlInt("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'hub0'")
      << ", verrous consultatifs: "
      << SqlInt("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'");
  // The survivor's sessions are still there (the check above saw real data).
  EXPECT_GT(SqlInt("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'hub1'"), 0);
}

}  // namespace
}  // namespace relais::server::multihub
