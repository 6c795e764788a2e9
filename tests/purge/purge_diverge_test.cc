// Replicas "diverge" in a short purged history (issue #17, bench
// `relais-history-bench --days 10 --per-day 20 --purge`, docs/sync-model.md
// §11 « Quand la maison est calme »). Root cause: the replica whose
// acknowledgement is the last one missing raises the site's purge horizon
// at its sync; the hub purges at once, but a replica that synced earlier in
// the same pass still holds the tombstone until its next sync brings the
// new horizon. A pass with nothing pushed or pulled is therefore not yet a
// quiet house: a purge or a new horizon (SyncReport::horizons_moved) is
// movement too. Real hub and real replicas in process, both stores.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <map>
#include <random>
#include <iterator>
#include <set>

#include "common/codec/record_json.h"
#include "common/merge/merge.h"
#include "common/model/schema.h"
#include "tests/purge/purge_fixture.h"

namespace relais::server::testing {
namespace {

using common::Collection;
using common::Record;

class PurgeDivergeTest : public PurgeFixture {
 protected:
  // What one pass of syncs (every member in order) did.
  struct Pass {
    bool moved_naive = false;  // something pushed or pulled (the old test)
    bool moved = false;        // ... or purged, or a new horizon heard
  };

  Pass SyncPass() {
    Pass p;
    for (Member& m : members_) {
      const relais::sync::SyncReport rep = SyncOk(m);
      p.moved_naive = p.moved_naive || rep.pushed > 0 || rep.pulled > 0;
      p.moved = p.moved || rep.pushed > 0 || rep.pulled > 0 || rep.purged > 0 ||
                rep.horizons_moved;
    }
    return p;
  }

  // Passes until one moves nothing; the number of passes, or -1 past
  // `max_passes`.
  int SyncUntilQuiet(int max_passes = 10) {
    for (int i = 1; i <= max_passes; ++i)
      if (!SyncPass().moved) return i;
    return -1;
  }

  // Canonical states of `m`, sorted.
  std::vector<std::string> StatesOf(Member& m) {
    auto all = m.replica->store()->ListAll();
    EXPECT_TRUE(all.ok()) << all.status().ToString();
    std::vector<std::string> out;
    if (all.ok())
      for (const Record& r : *all) out.push_back(common::EncodeRecordJson(r));
    std::sort(out.begin(), out.end());
    return out;
  }

  // Canonical states the hub holds for S1, read from its store directly.
  std::vector<std::string> HubStates() {
    std::vector<std::string> out;
    Scope everyone{"", "", {"S1"}};
    uint64_t after = 0;
    for (int page = 0; page < 1000; ++page) {
      auto pulled = store_->Pull(everyone, after, 1000, 16 << 20);
      EXPECT_TRUE(pulled.ok()) << pulled.status().ToString();
      if (!pulled.ok()) break;
      for (const Record& r : pulled->records) out.push_back(common::EncodeRecordJson(r));
      after = pulled->cursor;
      if (!pulled->has_more) break;
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  // Every member holds exactly the hub's states, byte for byte.
  void ExpectConverged(const std::string& context) {
    const std::vector<std::string> hub = HubStates();
    for (Member& m : members_) {
      const std::vector<std::string> mine = StatesOf(m);
      if (mine == hub) continue;
      std::vector<std::string> only_here, only_hub;
      std::set_difference(mine.begin(), mine.end(), hub.begin(), hub.end(),
                          std::back_inserter(only_here));
      std::set_difference(hub.begin(), hub.end(), mine.begin(), mine.end(),
                          std::back_inserter(only_hub));
      std::string what;
      for (const std::string& s : only_here) what += "\n  replica only: " + s.substr(0, 600);
      for (const std::string& s : only_hub) what += "\n  hub only:     " + s.substr(0, 600);
      ADD_FAILURE() << context << ": " << m.file << " differs from the hub" << what;
    }
  }

  int SettledTombstones(Member& m) {
    auto all = m.replica->store()->ListAll();
    EXPECT_TRUE(all.ok());
    int n = 0;
    if (all.ok())
      for (const Record& r : *all) n += common::IsPurgeableTombstone(r) ? 1 : 0;
    return n;
  }

  uint64_t HeldHorizon(Member& m) {
    auto v = m.replica->store()->GetMetaInt("purge_horizon:S1");
    EXPECT_TRUE(v.ok());
    return v.ok() ? *v : 0;
  }

  uint64_t HubHorizon() {
    auto h = store_->PurgeHorizons({"S1"});
    EXPECT_TRUE(h.ok());
    return h.ok() && h->count("S1") ? h->at("S1") : 0;
  }
};

// The bench's history in miniature: the kiosk and the secretariat have
// applied and acknowledged a deletion, the laptop is the last to
// acknowledge it. Its sync raises the horizon and the hub purges; the two
// others synced earlier in that pass and still hold the tombstone. The old
// quiet test (nothing pushed, nothing pulled) stopped there: « les répliques
// divergent ». One more sync each drops it: every copy then equals the hub.
TEST_P(PurgeDivergeTest, LastAcknowledgementLeavesEarlierReplicasOneSyncBehind) {
  Member& kiosk = Add("kiosk", 1);
  Member& secretariat = Add("secretariat", 2);
  Member& laptop = Add("laptop", 3);
  const std::vector<std::string> ids = AddAppointments(*secretariat.replica, 2);
  ASSERT_GT(SyncUntilQuiet(), 0);
  ExpectConverged("setup");

  Delete(secretariat, ids[0]);
  SyncOk(secretariat);  // pushes the tombstone
  SyncOk(kiosk);        // applies it
  SyncOk(kiosk);        // acknowledges it
  SyncOk(secretariat);  // acknowledges it; the laptop has not seen it yet
  ASSERT_TRUE(AtHub(ids[0]).has_value());

  // Passes with the old quiet test.
  Pass p;
  int passes = 0;
  do {
    p = SyncPass();
    ASSERT_LT(++passes, 10);
  } while (p.moved_naive);
  // The hub and the laptop (the last to acknowledge) purged; the two
  // replicas that synced before it in the last pass still hold the
  // tombstone, and a horizon below the hub's. This is the bench's state.
  EXPECT_FALSE(AtHub(ids[0]).has_value());
  EXPECT_FALSE(At(laptop, ids[0]).has_value());
  ASSERT_TRUE(At(kiosk, ids[0]).has_value());
  EXPECT_TRUE(common::IsPurgeableTombstone(*At(kiosk, ids[0])));
  EXPECT_TRUE(At(secretariat, ids[0]).has_value());
  EXPECT_LT(HeldHorizon(kiosk), HubHorizon());
  EXPECT_EQ(HeldHorizon(laptop), HubHorizon());
  // The new quiet test sees that this pass moved (the laptop heard a new
  // horizon, and purged).
  EXPECT_TRUE(p.moved);

  // One more sync each: the tombstone is gone everywhere, nothing else
  // changed, and every replica holds the hub's bytes.
  const relais::sync::SyncReport k = SyncOk(kiosk);
  EXPECT_EQ(k.purged, 1);
  EXPECT_TRUE(k.horizons_moved);
  EXPECT_EQ(k.pushed + k.pulled, 0);
  EXPECT_EQ(SyncOk(secretariat).purged, 1);
  EXPECT_FALSE(At(kiosk, ids[0]).has_value());
  EXPECT_FALSE(At(secretariat, ids[0]).has_value());
  EXPECT_EQ(SyncUntilQuiet(), 1);  // and then the house is quiet
  ExpectConverged("after one more sync");
  for (Member& m : members_) {
    EXPECT_TRUE(At(m, ids[1]).has_value()) << m.file;
    EXPECT_EQ(SettledTombstones(m), 0) << m.file;
    EXPECT_EQ(HeldHorizon(m), HubHorizon()) << m.file;
  }
}

// The same loop the bench runs (SimHouse::SyncUntilQuiet), from the same
// state: with the new quiet test it does not stop before every replica
// heard the horizon.
TEST_P(PurgeDivergeTest, QuietLoopWaitsForTheHorizon) {
  Member& kiosk = Add("kiosk", 11);
  Member& secretariat = Add("secretariat", 12);
  Add("laptop", 13);
  const std::vector<std::string> ids = AddAppointments(*secretariat.replica, 3);
  ASSERT_GT(SyncUntilQuiet(), 0);
  Delete(secretariat, ids[0]);
  Delete(secretariat, ids[2]);
  SyncOk(secretariat);
  SyncOk(kiosk);
  SyncOk(kiosk);
  SyncOk(secretariat);
  ASSERT_GT(SyncUntilQuiet(), 0);
  ExpectConverged("quiet");
  EXPECT_FALSE(AtHub(ids[0]).has_value());
  EXPECT_FALSE(AtHub(ids[2]).has_value());
  for (Member& m : members_) {
    EXPECT_EQ(SettledTombstones(m), 0) << m.file;
    EXPECT_TRUE(At(m, ids[1]).has_value()) << m.file;
  }
}

TEST(PurgeDivergeRulesTest, OnlyARevivalOfASettledTombstoneIsRefused) {
  Record t;
  t.vv.Set("a", 2);
  t.fields[common::kDeletedField] = {{"1", {"a", 2}, 5}};
  t.fields[common::field::kNote] = {{"x", {"a", 1}, 4}};
  EXPECT_TRUE(common::RevivesSettledTombstone(t, {{common::kDeletedField, "0"}}));
  EXPECT_TRUE(common::RevivesSettledTombstone(t, {{common::kDeletedField, ""}}));
  // Deleting again, or editing another field: it stays a settled tombstone.
  EXPECT_FALSE(common::RevivesSettledTombstone(t, {{common::kDeletedField, "1"}}));
  EXPECT_FALSE(common::RevivesSettledTombstone(t, {{common::field::kNote, "y"}}));
  // A deletion in conflict (concurrent "0", or two concurrent "1") is not
  // settled: staff settle it, "0" included.
  Record c = t;
  c.vv.Set("b", 1);
  c.fields[common::kDeletedField].push_back({"0", {"b", 1}, 6});
  EXPECT_FALSE(common::RevivesSettledTombstone(c, {{common::kDeletedField, "0"}}));
  c.fields[common::kDeletedField][1].value = "1";
  EXPECT_FALSE(common::RevivesSettledTombstone(c, {{common::kDeletedField, "0"}}));
  // A live record.
  Record live = t;
  live.fields[common::kDeletedField] = {{"0", {"a", 2}, 5}};
  EXPECT_FALSE(common::RevivesSettledTombstone(live, {{common::kDeletedField, "0"}}));
}

// The real divergence the random histories found (PostgreSQL, seed
// 29201364760859): the hub purged a tombstone the kiosk still held (one sync
// behind, above), and the kiosk undeleted it. The hub, which no longer
// holds the record, cannot take the revival (the creation's writes are the
// secretariat's, accept.h step 4): it ignored it, and the kiosk kept a live
// record that neither the hub nor any other replica would ever get.
// Now the revival of a settled deletion is refused, with a French message,
// and the house converges.
TEST_P(PurgeDivergeTest, RevivingAPurgedTombstoneIsRefused) {
  Member& kiosk = Add("kiosk", 21);
  Member& secretariat = Add("secretariat", 22);
  Member& laptop = Add("laptop", 23);
  const std::vector<std::string> ids = AddAppointments(*secretariat.replica, 2);
  ASSERT_GT(SyncUntilQuiet(), 0);
  Delete(secretariat, ids[0]);
  SyncOk(secretariat);
  SyncOk(kiosk);
  SyncOk(kiosk);
  SyncOk(secretariat);
  SyncOk(laptop);  // applies the deletion
  SyncOk(laptop);  // acknowledges it: the hub purges
  ASSERT_FALSE(AtHub(ids[0]).has_value());
  ASSERT_TRUE(At(kiosk, ids[0]).has_value());  // one sync behind

  auto w = kiosk.replica->Write(Collection::kAppointment, ids[0],
                                {{common::kDeletedField, "0"}});
  ASSERT_FALSE(w.ok()) << "a purged deletion was undone at the kiosk";
  EXPECT_EQ(w.status().code(), common::StatusCode::kFailedPrecondition);
  EXPECT_NE(w.status().message().find("définitive"), std::string::npos)
      << w.status().ToString();
  EXPECT_EQ(*kiosk.replica->PendingCount(), 0);  // nothing written
  // Honest data survives: the other appointment is still editable, and a
  // further deletion of the tombstone (no revival) is still allowed.
  ASSERT_TRUE(kiosk.replica
                  ->Write(Collection::kAppointment, ids[1], {{common::field::kNote, "rappel"}})
                  .ok());
  ASSERT_GT(SyncUntilQuiet(), 0);
  ExpectConverged("after the refused revival");
  for (Member& m : members_) {
    EXPECT_FALSE(At(m, ids[0]).has_value()) << m.file;
    ASSERT_TRUE(At(m, ids[1]).has_value()) << m.file;
    EXPECT_EQ(SettledTombstones(m), 0) << m.file;
  }
}

// Short purged histories, seeded (RELAIS_SEED replays one): three replicas
// create, edit, move, delete and now and then undelete appointments, and
// sync in random order against a hub that purges automatically. After the
// final quiet loop every replica holds the hub's states byte for byte, no
// settled tombstone is left anywhere (every replica acknowledged the end),
// and, from the test's own log of operations: an appointment nobody
// deleted is live everywhere; one deleted and never undeleted is gone
// everywhere.
TEST_P(PurgeDivergeTest, RandomShortPurgedHistoriesConverge) {
  uint64_t base = static_cast<uint64_t>(
      std::chrono::steady_clock::now().time_since_epoch().count());
  if (const char* s = std::getenv("RELAIS_SEED")) base = std::strtoull(s, nullptr, 10);
  const int kHistories = 3, kSteps = 120;
  const auto t0 = std::chrono::steady_clock::now();
  for (int h = 0; h < kHistories; ++h) {
    const uint64_t seed = base + static_cast<uint64_t>(h);
    std::cout << "[ seed ] RELAIS_SEED=" << seed << std::endl;
    SCOPED_TRACE("RELAIS_SEED=" + std::to_string(seed));
    std::mt19937_64 rng(seed);
    // Each history has its own replicas: those of the previous one are
    // revoked, so they no longer hold the horizon back.
    for (Member& m : members_)
      ASSERT_TRUE(store_->Revoke("", m.file.substr(0, m.file.size() - 3)).ok());
    members_.clear();
    const std::string tag = "h" + std::to_string(h) + "-";
    Add(tag + "kiosk", seed * 3 + 1);
    Add(tag + "secretariat", seed * 3 + 2);
    Add(tag + "laptop", seed * 3 + 3);
    std::vector<std::string> ids = AddAppointments(*members_[1].replica, 3);
    ASSERT_GT(SyncUntilQuiet(), 0);
    std::set<std::string> deleted, undeleted;
    int refused = 0;
    auto pick = [&](size_t n) { return static_cast<size_t>(rng() % n); };
    for (int step = 0; step < kSteps; ++step) {
      Member& m = members_[pick(members_.size())];
      const int op = static_cast<int>(rng() % 100);
      if (op < 35) {
        SyncOk(m);
        continue;
      }
      if (op < 50) {
        common::NewAppointment a;
        a.practitioner = "p1";
        a.patient_name = "Patient " + std::to_string(step);
        a.patient_birth = "1960-01-01";
        a.start = 1795000000 + 900 * static_cast<int64_t>(rng() % 400);
        auto added = m.replica->AddAppointment(a);
        ASSERT_TRUE(added.ok()) << added.status().ToString();
        ids.push_back(added->first);
        continue;
      }
      const std::string& id = ids[pick(ids.size())];
      std::optional<Record> cur = At(m, id);
      if (!cur) continue;  // not pulled yet, or purged here
      const bool gone = common::IsDeleted(*cur);
      common::Result<Record> w = Record{};
      if (op < 97 && gone) continue;  // nobody edits what they see deleted
      if (op < 70) {
        w = m.replica->Write(Collection::kAppointment, id,
                             {{common::field::kNote, "note " + std::to_string(step)}});
      } else if (op < 82) {
        w = m.replica->Write(
            Collection::kAppointment, id,
            {{common::field::kStart, std::to_string(1795000000 + 900 * (rng() % 400))}});
      } else if (op < 97) {
        w = m.replica->Write(Collection::kAppointment, id, {{common::kDeletedField, "1"}});
        deleted.insert(id);
      } else if (gone) {
        // Undeleting: refused for a settled deletion (final, §11), taken
        // for a deletion still in conflict (e.g. two concurrent "1").
        const bool settled = common::IsPurgeableTombstone(*cur);
        w = m.replica->Write(Collection::kAppointment, id, {{common::kDeletedField, "0"}});
        if (settled) {
          ASSERT_FALSE(w.ok()) << id << " revived";
          EXPECT_EQ(w.status().code(), common::StatusCode::kFailedPrecondition);
          ++refused;
          continue;
        }
        undeleted.insert(id);
      }
      ASSERT_TRUE(w.ok()) << id << ": " << w.status().ToString();
    }
    std::cout << "[ info ] history " << h << ": " << ids.size() << " appointments, "
              << deleted.size() << " deleted, " << refused << " revivals refused" << std::endl;
    const int passes = SyncUntilQuiet();
    ASSERT_GT(passes, 0) << "no quiet pass";
    ExpectConverged("history " + std::to_string(h));
    for (Member& m : members_) {
      EXPECT_EQ(SettledTombstones(m), 0) << m.file;
      EXPECT_EQ(*m.replica->PendingCount(), 0) << m.file;
      for (const std::string& id : ids) {
        std::optional<Record> r = At(m, id);
        if (!deleted.count(id)) {
          ASSERT_TRUE(r.has_value()) << m.file << " lost " << id;
          EXPECT_FALSE(common::IsDeleted(*r)) << m.file << " " << id;
        } else if (!undeleted.count(id)) {
          // Purged, or a tombstone two deletions made concurrently (two
          // "1" siblings: not a settled tombstone, kept, shown deleted).
          EXPECT_TRUE(!r.has_value() || (common::IsDeleted(*r) &&
                                         !common::IsPurgeableTombstone(*r)))
              << m.file << " kept " << id;
        }
      }
    }
  }
  const double s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_LT(s, 12.0) << "bounded: " << kHistories << " histories of " << kSteps << " steps";
}

INSTANTIATE_TEST_SUITE_P(Stores, PurgeDivergeTest, relais::pgtest::AllStores(),
                         relais::pgtest::StoreName);

}  // namespace
}  // namespace relais::server::testing
