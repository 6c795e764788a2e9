// N >= 5 replicas over three scopes doing random operations and syncing in
// random orders through a real hub; afterwards every replica holding a site
// has byte-identical records of that site. Seeded; the seed is printed.
#include <gtest/gtest.h>

#include <random>

#include "tests/common/test_seed.h"
#include "tests/server/hub_fixture.h"

namespace relais::server::testing {

using relais::sync::SyncOptions;
using relais::sync::SyncOnce;
namespace {

using common::Collection;

struct Member {
  std::unique_ptr<common::Replica> replica;
  std::string token;
  std::vector<std::string> sites;
};

// One random operation; domain refusals (unknown practitioner, ...) are fine.
void RandomOp(common::Replica& r, std::mt19937_64& rng) {
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<uint64_t>(n)); };
  // Record ids are global: practitioner ids must differ between sites.
  const std::string pract = "p" + std::to_string(pick(3)) + "-" + r.site_id();
  switch (pick(6)) {
    case 0:
      (void)r.AddPractitioner(pract, "Dr " + std::to_string(pick(100)), "medecin");
      break;
    case 1: {
      common::NewAppointment a;
      a.practitioner = pract;
      a.patient_name = "Patient " + std::to_string(pick(1000));
      a.start = 1795000000 + 900 * pick(200);
      (void)r.AddAppointment(a);
      break;
    }
    case 2:
    case 3: {  // edit an existing appointment (often concurrently)
      auto all = r.AllAppointments();
      if (!all.ok() || all->empty()) break;
      const auto& a = (*all)[static_cast<size_t>(pick(static_cast<int>(all->size())))];
      if (pick(2) == 0) {
        const auto& st = common::AppointmentStatuses();
        (void)r.SetStatus(a.id, st[static_cast<size_t>(pick(static_cast<int>(st.size())))]);
      } else {
        (void)r.Write(Collection::kAppointment, a.id,
                      {{"note", "note " + std::to_string(pick(50))}});
      }
      break;
    }
    case 4: {
      const auto& states = common::PresenceStates();
      const std::string state = states[static_cast<size_t>(pick(3))];  // not "remplace"
      (void)r.SetPresence(pract, "2026-11-2" + std::to_string(pick(5)),
                          pick(2) ? "am" : "pm", state, "", "");
      break;
    }
    default: {
      auto all = r.AllAppointments();
      if (!all.ok() || all->empty()) break;
      (void)r.CheckIn((*all)[0].id, "", "kiosk");
    }
  }
}

// Canonical dump of the records of `site` held by `r`.
std::string SiteDump(common::Replica& r, const std::string& site) {
  auto all = r.store()->ListAll();
  EXPECT_TRUE(all.ok());
  std::vector<common::Record> mine;
  for (auto& rec : *all)
    if (rec.site_id == site) mine.push_back(rec);
  return common::DumpJson(mine);
}

using ConvergenceTest = HubFixture;

TEST_F(ConvergenceTest, RandomOperationsAndSyncOrdersConvergePerScope) {
  const uint64_t seed = relais::testing::TestSeed();  // RELAIS_SEED replays
  SCOPED_TRACE("seed=" + std::to_string(seed));
  std::mt19937_64 rng(seed);

  // Three replicas of S1, two of S2, a departmental one (home S1, sees S2).
  const std::vector<std::pair<std::string, std::vector<std::string>>> layout = {
      {"S1", {"S1"}}, {"S1", {"S1"}}, {"S1", {"S1"}},
      {"S2", {"S2"}}, {"S2", {"S2"}}, {"S1", {"S1", "S2"}}};
  std::vector<Member> members;
  for (size_t i = 0; i < layout.size(); ++i) {
    Member m;
    m.replica = NewScopedReplica("r" + std::to_string(i) + ".db",
                                 common::ReplicaScope{"", layout[i].second}, rng());
    ASSERT_NE(m.replica, nullptr);
    m.token = Enroll(layout[i].second);
    m.sites = layout[i].second;
    members.push_back(std::move(m));
  }
  auto sync = [&](Member& m) {
    SyncOptions o = Options(m.token);
    o.push_batch_records = 1 + rng() % 8;  // many small batches
    o.pull_batch_records = 1 + rng() % 8;
    auto r = SyncOnce(*m.replica, o);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  };
  for (int round = 0; round < 60; ++round) {
    for (int k = 0; k < 4; ++k)
      RandomOp(*members[rng() % members.size()].replica, rng);
    sync(members[rng() % members.size()]);
  }
  // Quiesce: every replica syncs, in two random orders.
  for (int pass = 0; pass < 2; ++pass) {
    std::vector<size_t> order(members.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::shuffle(order.begin(), order.end(), rng);
    for (size_t i : order) sync(members[i]);
  }
  for (const std::string site : {"S1", "S2"}) {
    std::string expected;
    int holders = 0;
    for (Member& m : members) {
      if (std::find(m.sites.begin(), m.sites.end(), site) == m.sites.end()) {
        EXPECT_EQ(SiteDump(*m.replica, site), common::DumpJson({}))
            << "a replica outside " << site << " holds its records";
        continue;
      }
      const std::string dump = SiteDump(*m.replica, site);
      if (holders++ == 0) expected = dump;
      EXPECT_EQ(dump, expected) << "replica " << m.replica->replica_id() << " site " << site;
      EXPECT_EQ(*m.replica->PendingCount(), 0);
    }
    EXPECT_GT(expected.size(), 100u) << "the scenario produced records for " << site;
  }
  // A last sync everywhere is a no-op.
  for (Member& m : members) {
    auto r = SyncOnce(*m.replica, Options(m.token));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->pushed + r->pulled, 0);
    EXPECT_EQ(r->round_trips, 1);
  }
}

}  // namespace
}  // namespace relais::server::testing
