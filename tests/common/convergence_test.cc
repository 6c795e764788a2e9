// Two (or three) replicas of one site exchange changes through files, with no
// network: random local operations, random one-way exchanges, concurrent
// edits of the same records. After a final exchange every replica's dump is
// byte-identical.
#include <gtest/gtest.h>

#include <random>

#include "common/replica/replica.h"
#include "tests/common/test_util.h"

namespace relais::common {
namespace {

using testing::TempDir;

// Sends every pending change of `from` (seq > its cursor for `to`) to `to`.
Status SendPending(Replica& from, Replica& to) {
  RELAIS_ASSIGN_OR_RETURN(std::vector<PendingChange> batch,
                          from.store()->ChangesSince(0, 1 << 20, 1 << 30));
  std::vector<Record> recs;
  for (auto& p : batch) recs.push_back(std::move(p.record));
  auto st = to.store()->ApplyRemote(recs, {});
  return st.ok() ? Status::OK() : st.status();
}

void RandomOp(Replica& r, std::mt19937_64& rng, std::vector<std::string>* ids) {
  const int op = static_cast<int>(rng() % 6);
  auto pick = [&]() -> std::string {
    return ids->empty() ? "" : (*ids)[rng() % ids->size()];
  };
  static const char* kStatus[] = {"checked_in", "in_consultation", "done",
                                  "no_show", "cancelled"};
  if (op == 0 || ids->empty()) {
    NewAppointment a;
    a.practitioner = "p1";
    a.patient_name = "Patient " + std::to_string(rng() % 100);
    a.start = 1795500000 + static_cast<int64_t>(rng() % 40) * 900;
    auto res = r.AddAppointment(a);
    ASSERT_TRUE(res.ok()) << res.status().ToString();
    ids->push_back(res->first);
  } else if (op <= 2) {
    const std::string id = pick();
    if ((*r.Get(Collection::kAppointment, id)).has_value()) {
      ASSERT_TRUE(r.SetStatus(id, kStatus[rng() % 5]).ok());
    }
  } else if (op == 3) {
    const std::string id = pick();
    if ((*r.Get(Collection::kAppointment, id)).has_value()) {
      ASSERT_TRUE(r.Write(Collection::kAppointment, id,
                          {{"note", "note " + std::to_string(rng() % 9)}})
                      .ok());
    }
  } else if (op == 4) {
    ASSERT_TRUE(r.SetPresence("p1", "2026-11-24", rng() % 2 ? "am" : "pm",
                              rng() % 2 ? "present" : "absent", "", "")
                    .ok());
  } else {
    NewLedgerEntry e{static_cast<int64_t>(1 + rng() % 10000), "loyer", "p1",
                     "equal", "", "2026-11", ""};
    ASSERT_TRUE(r.AddLedgerEntry(e).ok());
  }
}

TEST(ConvergenceTest, RandomInterleavingsConverge) {
  for (uint64_t seed = 1; seed <= 12; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::mt19937_64 rng(seed);
    TempDir dir;
    const int n = 2 + static_cast<int>(seed % 2);
    std::vector<std::unique_ptr<Replica>> reps;
    FakeClock clock(1795000000000);
    for (int i = 0; i < n; ++i) {
      const std::string path = dir.File("r" + std::to_string(i) + ".db");
      ASSERT_OK(Replica::Init(path, "S1"));
      reps.push_back(std::move(Replica::Open(path, &clock)).value());
      reps.back()->SeedForTest(seed * 100 + i);
      ASSERT_OK(reps.back()->AddPractitioner("p1", "Dr Martin", "medecin"));
    }
    std::vector<std::string> ids;
    for (int step = 0; step < 60; ++step) {
      clock.Advance(static_cast<int64_t>(rng() % 5000));
      const int i = static_cast<int>(rng() % n);
      if (rng() % 4 == 0) {
        const int j = static_cast<int>(rng() % n);
        if (i != j) ASSERT_OK(SendPending(*reps[i], *reps[j]));
      } else {
        RandomOp(*reps[i], rng, &ids);
        if (HasFatalFailure()) return;
      }
    }
    for (int round = 0; round < 2; ++round)
      for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j)
          if (i != j) ASSERT_OK(SendPending(*reps[i], *reps[j]));
    const std::string ref = *reps[0]->Dump();
    for (int i = 1; i < n; ++i) ASSERT_EQ(*reps[i]->Dump(), ref);
  }
}

TEST(ConvergenceTest, ConcurrentEditOfSameAppointmentIsKeptAsConflict) {
  TempDir dir;
  FakeClock clock(1795000000000);
  ASSERT_OK(Replica::Init(dir.File("a.db"), "S1"));
  ASSERT_OK(Replica::Init(dir.File("b.db"), "S1"));
  auto a = std::move(Replica::Open(dir.File("a.db"), &clock)).value();
  auto b = std::move(Replica::Open(dir.File("b.db"), &clock)).value();
  ASSERT_OK(a->AddPractitioner("p1", "Dr Martin", "medecin"));
  NewAppointment na;
  na.practitioner = "p1";
  na.patient_name = "Jeanne";
  na.start = 1795500000;
  auto added = a->AddAppointment(na);
  ASSERT_OK(added);
  ASSERT_OK(SendPending(*a, *b));
  const std::string id = added->first;
  ASSERT_OK(a->Write(Collection::kAppointment, id, {{"note", "fauteuil"}}));
  clock.Advance(1000);
  ASSERT_OK(b->Write(Collection::kAppointment, id, {{"note", "accompagnée"}}));
  ASSERT_OK(b->Write(Collection::kAppointment, id, {{"room", "3"}}));
  ASSERT_OK(SendPending(*a, *b));
  ASSERT_OK(SendPending(*b, *a));
  EXPECT_EQ(*a->Dump(), *b->Dump());
  auto conflicts = a->Conflicts();
  ASSERT_OK(conflicts);
  ASSERT_EQ(conflicts->size(), 1u);
  EXPECT_EQ(ConflictFields((*conflicts)[0]), std::vector<std::string>{"note"});
  EXPECT_EQ(View((*conflicts)[0])["room"], "3");
  // Staff resolve on b by writing a combined value; a learns it.
  ASSERT_OK(b->Write(Collection::kAppointment, id, {{"note", "fauteuil, accompagnée"}}));
  ASSERT_OK(SendPending(*b, *a));
  EXPECT_TRUE(a->Conflicts()->empty());
  EXPECT_EQ(*a->Dump(), *b->Dump());
}

}  // namespace
}  // namespace relais::common
