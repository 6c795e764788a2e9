// No record skipped, over the wire: 4 relais-hub processes on one
// PostgreSQL; 8 pushers (2 replicas for each of 4 sites) each syncing to a
// random hub, and 4 pullers (tokens for the 4 sites) pulling from random
// hubs in small pages, all at once for a bounded time. At the end every
// puller holds every record the pushers wrote (oracle: the pushers' own
// lists of ids) and received each exactly once (records are never edited,
// so the records pulled, counted by the sync client, must equal that list).
// Seeded (RELAIS_SEED replays the choices of hubs, batch and page sizes).
#include <atomic>
#include <mutex>
#include <random>

#include "tests/common/test_seed.h"
#include "tests/multihub/multihub_fixture.h"

namespace relais::server::multihub {

using relais::sync::SyncOptions;
namespace {

TEST_F(MultiHubTest, NoRecordSkippedWithConcurrentPushersAndPullersOnFourHubs) {
  const uint64_t seed = relais::testing::TestSeed();
  SCOPED_TRACE("seed=" + std::to_string(seed));
  StartHubs(4);
  ASSERT_EQ(hubs_.size(), 4u);
  const std::vector<std::string> sites = {"S1", "S2", "S3", "S4"};
  constexpr int kPushers = 8, kPullers = 4;
  constexpr auto kDuration = std::chrono::seconds(8);
  constexpr int kMaxIterations = 400;  // per pusher, whatever the time

  struct Member {
    std::unique_ptr<Replica> replica;
    std::string token;
    std::vector<std::string> written;  // pushers: ids acknowledged-or-pending
    int64_t pulled = 0;                // pullers: records applied, all syncs
    std::vector<std::string> errors;
    uint64_t seed = 0;
  };
  std::mt19937_64 rng(seed);
  std::vector<Member> pushers(kPushers), pullers(kPullers);
  for (int i = 0; i < kPushers; ++i) {
    const std::string site = sites[static_cast<size_t>(i % 4)];
    pushers[i].replica = NewReplica("push" + std::to_string(i) + ".db", site, rng());
    ASSERT_NE(pushers[i].replica, nullptr);
    pushers[i].token = Enroll({site});
    pushers[i].seed = rng();
  }
  for (int i = 0; i < kPullers; ++i) {
    pullers[i].replica = NewReplica("pull" + std::to_string(i) + ".db", common::ReplicaScope{"", sites}, rng());
    ASSERT_NE(pullers[i].replica, nullptr);
    pullers[i].token = Enroll(sites);
    pullers[i].seed = rng();
  }

  const auto end = std::chrono::steady_clock::now() + kDuration;
  std::atomic<int> pushers_running{kPushers};
  std::vector<std::thread> threads;
  for (int i = 0; i < kPushers; ++i) {
    threads.emplace_back([&, i] {
      Member& m = pushers[i];
      std::mt19937_64 r(m.seed);
      const std::string site = m.replica->site_id();
      for (int it = 0; it < kMaxIterations && std::chrono::steady_clock::now() < end; ++it) {
        std::vector<std::pair<std::string, std::map<std::string, std::string>>> items;
        const int n = 1 + static_cast<int>(r() % 12);
        for (int k = 0; k < n; ++k) {
          const std::string id = "rdv-p" + std::to_string(i) + "-" + std::to_string(it) +
                                 "-" + std::to_string(k);
          items.push_back({id, ApptFields(site, it * 16 + k)});
          m.written.push_back(id);
        }
        auto w = m.replica->WriteBatch(Collection::kAppointment, items);
        if (!w.ok()) {
          m.errors.push_back("écriture: " + w.status().ToString());
          break;
        }
        SyncOptions o = Options(m.token, 0);
        o.push_batch_records = 1 + r() % 6;  // several transactions per sync
        const FailoverResult f = SyncWithFailover(*m.replica, o, r() % 4);
        if (!f.status.ok()) m.errors.push_back("sync: " + f.status.ToString());
      }
      --pushers_running;
    });
  }
  for (int i = 0; i < kPullers; ++i) {
    threads.emplace_back([&, i] {
      Member& m = pullers[i];
      std::mt19937_64 r(m.seed);
      for (int it = 0; it < 10 * kMaxIterations && pushers_running.load() > 0; ++it) {
        SyncOptions o = Options(m.token, 0);
        o.pull_batch_records = 1 + r() % 40;  // small pages: many cursors
        const FailoverResult f = SyncWithFailover(*m.replica, o, r() % 4);
        if (!f.status.ok()) m.errors.push_back("sync: " + f.status.ToString());
        m.pulled += f.report.pulled;
      }
    });
  }
  const auto t0 = std::chrono::steady_clock::now();
  for (auto& t : threads) t.join();
  std::cout << "émetteurs et récepteurs finis en "
            << std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now() - t0).count()
            << " ms (prévu: 8000)\n";

  std::set<std::string> oracle;
  for (Member& m : pushers) {
    EXPECT_TRUE(m.errors.empty()) << m.errors.front();
    // A last sync so that every written record is at the hub.
    const FailoverResult f = SyncWithFailover(*m.replica, Options(m.token, 0), 0);
    ASSERT_TRUE(f.status.ok()) << f.status.ToString();
    EXPECT_EQ(*m.replica->PendingCount(), 0);
    for (const auto& id : m.written) EXPECT_TRUE(oracle.insert(id).second) << id;
  }
  std::cout << "enregistrements écrits par les émetteurs: " << oracle.size() << "\n";
  ASSERT_GT(oracle.size(), 200u) << "too little traffic to test anything";
  EXPECT_EQ(SqlInt("SELECT count(*) FROM relais.records"),
            static_cast<int64_t>(oracle.size()));

  for (size_t i = 0; i < pullers.size(); ++i) {
    Member& m = pullers[i];
    EXPECT_TRUE(m.errors.empty()) << m.errors.front();
    // Drain: sync (each hub in turn) until a sync brings nothing (<= 5).
    for (int k = 0; k < 5; ++k) {
      const FailoverResult f = SyncWithFailover(*m.replica, Options(m.token, 0), i + k);
      ASSERT_TRUE(f.status.ok()) << f.status.ToString();
      m.pulled += f.report.pulled;
      if (f.report.pulled == 0) break;
    }
    const std::set<std::string> held = HeldIds(*m.replica);
    std::vector<std::string> missing, extra;
    std::set_difference(oracle.begin(), oracle.end(), held.begin(), held.end(),
                        std::back_inserter(missing));
    std::set_difference(held.begin(), held.end(), oracle.begin(), oracle.end(),
                        std::back_inserter(extra));
    EXPECT_TRUE(missing.empty()) << "puller " << i << " n'a pas reçu " << missing.size()
                                 << " enregistrements, dont " << missing.front();
    EXPECT_TRUE(extra.empty()) << "puller " << i << " a " << extra.front();
    EXPECT_EQ(m.pulled, static_cast<int64_t>(oracle.size()))
        << "puller " << i << ": enregistrements reçus plus d'une fois (ou pas du tout)";
  }
}

}  // namespace
}  // namespace relais::server::multihub
