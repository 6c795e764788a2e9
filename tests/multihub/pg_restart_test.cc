// PostgreSQL stopped (immediate: crash) and restarted mid-sync: 6 replicas
// (2 sites x 3) write and sync in a loop through 2 hubs while the database
// goes away for ~2 s. During the outage the hubs answer UNAVAILABLE (the
// only error code the sync client sees, before, during and after) and
// their /readyz says 503; after the restart /readyz says 200 again and the
// same hub processes serve syncs (their connections reconnected); the
// replicas retry and converge, nothing lost, nothing duplicated (oracle:
// each replica's own list of the ids it wrote).
#include <atomic>
#include <mutex>
#include <random>

#include "tests/common/test_seed.h"
#include "tests/multihub/multihub_fixture.h"

namespace relais::server::multihub {

using relais::sync::SyncProgress;
using relais::sync::SyncOptions;
using relais::sync::SyncOnce;
namespace {

// The status code of an HTTP answer ("HTTP/1.1 503 ..." -> 503), or -1.
int HttpCode(const std::string& answer) {
  const size_t sp = answer.find(' ');
  if (answer.rfind("HTTP/", 0) != 0 || sp == std::string::npos) return -1;
  return std::atoi(answer.c_str() + sp + 1);
}

// Polls hub `h`'s /readyz every 50 ms for at most `limit` until it answers
// `code`; true if it did.
bool WaitReady(const adversarial::HubProcess& h, int code, std::chrono::seconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (HttpCode(h.AdminGet("/readyz")) == code) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

TEST_F(MultiHubTest, PostgresStoppedAndRestartedMidSyncHubsRecoverNothingLost) {
  const uint64_t seed = relais::testing::TestSeed();
  SCOPED_TRACE("seed=" + std::to_string(seed));
  StartHubs(2);
  ASSERT_EQ(hubs_.size(), 2u);
  const std::vector<pid_t> hub_pids = {hubs_[0]->pid(), hubs_[1]->pid()};
  for (auto& h : hubs_) ASSERT_EQ(HttpCode(h->AdminGet("/readyz")), 200) << h->Log();

  const std::vector<std::string> sites = {"S1", "S2"};
  struct Member {
    std::unique_ptr<Replica> replica;
    std::string token;
    std::vector<std::string> written;
    int64_t pulled = 0;
    uint64_t seed = 0;
  };
  std::mt19937_64 rng(seed);
  std::vector<Member> members(6);
  for (size_t i = 0; i < members.size(); ++i) {
    const std::string& site = sites[i % 2];
    members[i].replica = NewReplica("r" + std::to_string(i) + ".db", site, rng());
    ASSERT_NE(members[i].replica, nullptr);
    members[i].token = Enroll({site});
    members[i].seed = rng();
  }

  enum Phase { kBefore = 0, kOutage = 1, kAfter = 2 };
  std::atomic<int> phase{kBefore};
  std::atomic<bool> stop{false};
  std::mutex mu;
  std::map<int, std::map<StatusCode, int>> codes;  // phase -> code -> count; GUARDED_BY(mu)
  std::map<int, int> successes;                    // phase -> syncs ok; GUARDED_BY(mu)
  std::vector<std::string> other_errors;           // GUARDED_BY(mu)
  std::vector<std::thread> threads;
  for (size_t i = 0; i < members.size(); ++i) {
    threads.emplace_back([&, i] {
      Member& m = members[i];
      std::mt19937_64 r(m.seed);
      for (int it = 0; it < 2000 && !stop.load(); ++it) {
        std::vector<std::pair<std::string, std::map<std::string, std::string>>> items;
        const int n = 1 + static_cast<int>(r() % 5);
        for (int k = 0; k < n; ++k) {
          const std::string id = "rdv-r" + std::to_string(i) + "-" + std::to_string(it) +
                                 "-" + std::to_string(k);
          items.push_back({id, ApptFields(m.replica->site_id(), it * 8 + k)});
          m.written.push_back(id);
        }
        if (auto w = m.replica->WriteBatch(Collection::kAppointment, items); !w.ok()) {
          std::lock_guard<std::mutex> l(mu);
          other_errors.push_back("écriture locale: " + w.status().ToString());
          return;
        }
        // One attempt per round, to a random hub: the loop is the retry.
        SyncOptions o = Options(m.token, r() % 2);
        o.deadline_ms = 5000;
        o.push_batch_records = 1 + r() % 4;
        // Records applied count even when the sync fails later on.
        int applied = 0;
        o.progress = [&applied](const SyncProgress& p) { applied = p.pulled; };
        const int ph = phase.load();
        auto rep = SyncOnce(*m.replica, o);
        std::lock_guard<std::mutex> l(mu);
        m.pulled += applied;
        if (rep.ok()) {
          ++successes[ph];
        } else {
          ++codes[ph][rep.status().code()];
          if (rep.status().code() != StatusCode::kUnavailable)
            other_errors.push_back(rep.status().ToString());
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20 + r() % 40));
      }
    });
  }
  auto stop_all = [&] {
    stop = true;
    for (auto& t : threads)
      if (t.joinable()) t.join();
  };

  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  const auto down_at = std::chrono::steady_clock::now();
  phase = kOutage;
  const Status stopped = cluster_->Stop(/*immediate=*/true);
  if (!stopped.ok()) stop_all();
  ASSERT_TRUE(stopped.ok()) << stopped.ToString();
  bool not_ready[2] = {false, false};
  for (size_t h = 0; h < 2; ++h)
    not_ready[h] = WaitReady(*hubs_[h], 503, std::chrono::seconds(10));
  std::this_thread::sleep_until(down_at + std::chrono::seconds(2));
  const Status started = cluster_->Start();
  if (!started.ok()) stop_all();
  ASSERT_TRUE(started.ok()) << started.ToString();
  bool ready_again[2] = {false, false};
  for (size_t h = 0; h < 2; ++h)
    ready_again[h] = WaitReady(*hubs_[h], 200, std::chrono::seconds(30));
  phase = kAfter;
  std::this_thread::sleep_for(std::chrono::milliseconds(2000));
  stop_all();

  for (size_t h = 0; h < 2; ++h) {
    EXPECT_TRUE(not_ready[h]) << "/readyz du hub" << h << " n'a pas dit 503 pendant la panne";
    EXPECT_TRUE(ready_again[h]) << "/readyz du hub" << h << " n'est pas revenu à 200";
  }
  {
    std::lock_guard<std::mutex> l(mu);
    for (const auto& [ph, by_code] : codes)
      for (const auto& [code, n] : by_code)
        std::cout << "phase " << ph << ": " << n << " échecs de code "
                  << static_cast<int>(code) << "\n";
    for (const auto& [ph, n] : successes) std::cout << "phase " << ph << ": " << n << " syncs ok\n";
    EXPECT_TRUE(other_errors.empty()) << "erreur autre que UNAVAILABLE: " << other_errors.front();
    EXPECT_GT(codes[kOutage][StatusCode::kUnavailable], 0)
        << "aucune sync n'a vu UNAVAILABLE pendant la panne";
    EXPECT_GT(successes[kBefore], 0);
    EXPECT_GT(successes[kAfter], 0) << "aucune sync réussie après le redémarrage";
    // Once /readyz is 200 again, no sync fails: the hubs' pooled
    // connections closed by the crash are replaced at lease, not used once.
    EXPECT_TRUE(codes[kAfter].empty()) << "échecs après le retour de PostgreSQL";
  }

  // The same hub processes, still running, each serve a sync on their own.
  for (size_t h = 0; h < 2; ++h) {
    EXPECT_TRUE(hubs_[h]->Alive()) << "hub" << h << " est mort";
    EXPECT_EQ(hubs_[h]->pid(), hub_pids[h]);
    SyncOptions o = Options(members[h].token, h);
    int applied = 0;
    o.progress = [&applied](const SyncProgress& p) { applied = p.pulled; };
    auto rep = SyncOnce(*members[h].replica, o);
    members[h].pulled += applied;
    ASSERT_TRUE(rep.ok()) << "hub" << h << ": " << rep.status().ToString();
  }
  // Quiesce: two passes (everything pushed, then everything pulled).
  for (int pass = 0; pass < 2; ++pass)
    for (size_t i = 0; i < members.size(); ++i) {
      const FailoverResult f = SyncWithFailover(*members[i].replica,
                                                Options(members[i].token, 0), i);
      ASSERT_TRUE(f.status.ok()) << f.status.ToString();
      members[i].pulled += f.report.pulled;
    }

  int64_t total = 0;
  for (const std::string& site : sites) {
    std::set<std::string> oracle;
    for (const Member& m : members)
      if (m.replica->site_id() == site) oracle.insert(m.written.begin(), m.written.end());
    total += static_cast<int64_t>(oracle.size());
    EXPECT_EQ(SqlInt("SELECT count(*) FROM relais.records WHERE site_id = $1", {site}),
              static_cast<int64_t>(oracle.size()))
        << site;
    std::string expected;
    for (Member& m : members) {
      if (m.replica->site_id() != site) continue;
      EXPECT_EQ(*m.replica->PendingCount(), 0);
      EXPECT_EQ(HeldIds(*m.replica), oracle) << "réplique " << m.replica->replica_id();
      // Never edited: each record of the others arrives exactly once.
      EXPECT_EQ(m.pulled, static_cast<int64_t>(oracle.size() - m.written.size()))
          << "réplique " << m.replica->replica_id() << ": reçu en double ou manquant";
      const std::string dump = SiteDump(*m.replica, site);
      if (expected.empty()) {
        expected = dump;
        EXPECT_EQ(FirstDifference(HubDump(site, *m.replica), dump), "") << "le hub diffère des répliques";
      }
      EXPECT_EQ(FirstDifference(dump, expected), "") << m.replica->replica_id();
    }
  }
  std::cout << "enregistrements: " << total << "\n";
  EXPECT_EQ(SqlInt("SELECT count(DISTINCT hub_seq) FROM relais.records"), total);
  EXPECT_GT(total, 50) << "trop peu de trafic pour tester quoi que ce soit";
}

}  // namespace
}  // namespace relais::server::multihub
