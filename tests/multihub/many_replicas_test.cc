// 3 hubs, 50 replicas: 10 sites x 5 replicas sync rounds through 3
// relais-hub processes over one PostgreSQL (round robin: replica i uses hub
// (i + round) % 3, with failover on UNAVAILABLE), each round writing
// appointments and status changes, many of them concurrent edits of the
// same shared appointments. Then every replica syncs twice (all pushed,
// then all pulled): every replica of a site holds the same records byte for
// byte (canonical dumps), equal to the hub's (Get), and nothing is pending.
// Seeded; bounded in rounds and in time (< 60 s for the whole exchange).
#include <atomic>
#include <mutex>
#include <random>

#include "tests/common/test_seed.h"
#include "tests/multihub/multihub_fixture.h"

namespace relais::server::multihub {

using relais::sync::SyncOptions;
namespace {

// One random operation of a house; domain refusals (an unknown appointment,
// a status transition refused) are fine and ignored.
void RandomOp(Replica& r, std::mt19937_64& rng) {
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<uint64_t>(n)); };
  const std::string pract = "p1-" + r.site_id();
  switch (pick(4)) {
    case 0: {
      common::NewAppointment a;
      a.practitioner = pract;
      a.patient_name = "Patient " + std::to_string(pick(1000));
      a.start = 1795000000 + 900 * pick(200);
      (void)r.AddAppointment(a);
      break;
    }
    default: {  // edit an appointment, often one the other replicas edit too
      auto all = r.AllAppointments();
      if (!all.ok() || all->empty()) break;
      // The first appointments were made before round 0: every replica of
      // the site holds them, so edits of them are concurrent.
      const int n = pick(2) == 0 ? std::min<int>(3, static_cast<int>(all->size()))
                                 : static_cast<int>(all->size());
      const auto& a = (*all)[static_cast<size_t>(pick(n))];
      if (pick(3) != 0) {
        const auto& st = common::AppointmentStatuses();
        (void)r.SetStatus(a.id, st[static_cast<size_t>(pick(static_cast<int>(st.size())))]);
      } else {
        (void)r.Write(Collection::kAppointment, a.id,
                      {{"note", "note " + std::to_string(pick(50))}});
      }
    }
  }
}

TEST_F(MultiHubTest, FiftyReplicasOnThreeHubsConverge) {
  const uint64_t seed = relais::testing::TestSeed();
  SCOPED_TRACE("seed=" + std::to_string(seed));
  StartHubs(3);
  ASSERT_EQ(hubs_.size(), 3u);
  constexpr int kSites = 10, kPerSite = 5, kRounds = 15;
  constexpr auto kBudget = std::chrono::seconds(60);
  std::mt19937_64 rng(seed);

  struct Member {
    std::unique_ptr<Replica> replica;
    std::string token;
    uint64_t seed = 0;
    std::vector<std::string> errors;
  };
  std::vector<Member> members(kSites * kPerSite);
  std::vector<std::string> sites;
  for (int s = 0; s < kSites; ++s) sites.push_back("S" + std::to_string(s + 1));
  for (size_t i = 0; i < members.size(); ++i) {
    const std::string& site = sites[i / kPerSite];
    members[i].replica = NewReplica("r" + std::to_string(i) + ".db", site, rng());
    ASSERT_NE(members[i].replica, nullptr);
    members[i].token = Enroll({site});
    members[i].seed = rng();
  }
  // Each site's first replica creates the practitioner and 3 appointments
  // (the shared ones); everyone then syncs so that all hold them.
  for (size_t i = 0; i < members.size(); i += kPerSite) {
    Replica& r = *members[i].replica;
    ASSERT_TRUE(r.AddPractitioner("p1-" + r.site_id(), "Dr Martin", "medecin").ok());
    for (int k = 0; k < 3; ++k) {
      common::NewAppointment a;
      a.practitioner = "p1-" + r.site_id();
      a.patient_name = "Partagé " + std::to_string(k);
      a.start = 1795000000 + 900 * k;
      ASSERT_TRUE(r.AddAppointment(a).ok());
    }
  }

  const auto t0 = std::chrono::steady_clock::now();
  // Runs `body(i)` for every member on 4 threads (a member on one thread at
  // a time, as its Replica is not thread-safe).
  auto for_all = [&](const std::function<void(size_t)>& body) {
    std::atomic<size_t> next{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
      threads.emplace_back([&] {
        for (size_t i; (i = next++) < members.size();) body(i);
      });
    for (auto& t : threads) t.join();
  };
  auto sync = [&](size_t i, size_t hub) {
    Member& m = members[i];
    SyncOptions o = Options(m.token, 0);
    o.push_batch_records = 1 + m.seed % 7;
    o.pull_batch_records = 1 + (m.seed >> 8) % 7;
    const FailoverResult f = SyncWithFailover(*m.replica, o, hub);
    if (!f.status.ok()) m.errors.push_back(f.status.ToString());
  };
  // The shared appointments reach every replica (pushers first).
  for_all([&](size_t i) { if (i % kPerSite == 0) sync(i, i % 3); });
  for_all([&](size_t i) { if (i % kPerSite != 0) sync(i, i % 3); });

  int rounds = 0;
  for (; rounds < kRounds && std::chrono::steady_clock::now() - t0 < kBudget / 2; ++rounds) {
    for_all([&](size_t i) {
      std::mt19937_64 r(members[i].seed + static_cast<uint64_t>(rounds));
      const int ops = 1 + static_cast<int>(r() % 3);
      for (int k = 0; k < ops; ++k) RandomOp(*members[i].replica, r);
      sync(i, (i + static_cast<size_t>(rounds)) % 3);
    });
  }
  // Quiesce: everything pushed, then everything pulled.
  for (int pass = 0; pass < 2; ++pass)
    for_all([&](size_t i) { sync(i, (i + static_cast<size_t>(pass)) % 3); });
  const auto elapsed = std::chrono::steady_clock::now() - t0;
  std::cout << rounds << " tours de 50 répliques sur 3 hubs en "
            << std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count()
            << " ms\n";
  EXPECT_GE(rounds, 2) << "trop lent: moins de deux tours dans le budget";
  EXPECT_LT(elapsed, kBudget);

  for (Member& m : members)
    EXPECT_TRUE(m.errors.empty()) << m.replica->replica_id() << ": " << m.errors.front();
  int64_t total = 0, edited_by_several = 0;
  for (size_t s = 0; s < sites.size(); ++s) {
    const std::string& site = sites[s];
    Replica& first = *members[s * kPerSite].replica;
    const std::string expected = SiteDump(first, site);
    // Records whose version vector names several replicas (one line each).
    for (size_t at = 0; (at = expected.find("\"version_vector\":{", at)) != std::string::npos;) {
      const size_t close = expected.find('}', at);
      if (expected.find(',', at) < close) ++edited_by_several;
      at = close;
    }
    EXPECT_EQ(FirstDifference(HubDump(site, first), expected), "")
        << site << ": le hub diffère des répliques";
    const int64_t at_hub = SqlInt("SELECT count(*) FROM relais.records WHERE site_id = $1", {site});
    auto held = first.store()->ListAll();
    ASSERT_TRUE(held.ok());
    EXPECT_EQ(at_hub, static_cast<int64_t>(held->size())) << site;
    total += at_hub;
    EXPECT_GT(held->size(), 4u) << site << ": le scénario n'a presque rien écrit";
    for (int k = 0; k < kPerSite; ++k) {
      Replica& r = *members[s * kPerSite + static_cast<size_t>(k)].replica;
      EXPECT_EQ(*r.PendingCount(), 0) << r.replica_id();
      EXPECT_EQ(FirstDifference(SiteDump(r, site), expected), "")
          << site << ": la réplique " << r.replica_id() << " diffère";
      // Nothing of another site.
      auto mine = r.store()->ListAll();
      ASSERT_TRUE(mine.ok());
      for (const Record& rec : *mine) EXPECT_EQ(rec.site_id, site) << rec.id;
    }
  }
  EXPECT_EQ(SqlInt("SELECT count(*) FROM relais.records"), total);
  std::cout << "enregistrements au hub: " << total << ", dont " << edited_by_several
            << " modifiés par plusieurs répliques\n";
  EXPECT_GT(edited_by_several, 0) << "aucune modification concurrente: rien n'a été fusionné";
}

}  // namespace
}  // namespace relais::server::multihub
