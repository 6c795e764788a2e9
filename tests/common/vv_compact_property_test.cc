// Property tests of the version-vector compaction of retired replicas
// (common/merge/vv_compact.h, docs/sync-model.md §11 « Compaction »), over
// the domain merge of common/merge (not a re-implementation):
//  - random histories of 4 replicas editing one record (concurrent edits,
//    deletions, restorations); replica r3 retires; every copy is brought to
//    stability (each merges the join of all copies, so has seen r3's final
//    state); the stable state is compacted (CompactRetired); the live
//    replicas go on editing and exchanging; every later copy is compacted
//    against the compacted stable state (CompactAgainst), as hub and
//    replicas do. Then for random pairs of copies:
//      Merge(C(a), C(b)) == C(Merge(a, b)),
//      Compare(C(a), C(b)) == Compare(a, b),  C(C(a)) == C(a);
//  - without the stability guard (CompactRetired applied to any copy) the
//    property fails: a seeded search finds counterexamples, and one is
//    spelled out by hand.
#include <gtest/gtest.h>

#include <random>
#include <set>

#include "common/codec/record_json.h"
#include "common/merge/merge.h"
#include "common/merge/vv_compact.h"
#include "tests/common/test_seed.h"

namespace relais::common {
namespace {

const char* const kFields[] = {"room", "note", "status", kDeletedField};
const char* const kValues[] = {"1", "2", "booked", "x"};
const ReplicaId kRetired = "r3";
const std::set<ReplicaId> kRetiredSet = {kRetired};

struct World {
  std::vector<Record> states;  // one per replica
  std::vector<Record> seen;    // every state that existed (phase 2)
  Hlc hlc = 1000;
};

// One random step among replicas [0, n): a write (1-2 fields; the
// `_deleted` field gives deletions and restorations) or a merge of one
// replica's state into another's.
void Step(std::mt19937_64& rng, World* w, int n) {
  const int i = static_cast<int>(rng() % n);
  if (rng() % 3 != 0) {
    std::map<std::string, std::string> changes;
    const int nf = 1 + static_cast<int>(rng() % 2);
    for (int k = 0; k < nf; ++k) {
      const int f = static_cast<int>(rng() % 4);
      changes[kFields[f]] = f == 3 ? (rng() % 2 ? "1" : "0") : kValues[rng() % 4];
    }
    w->hlc += 1 + rng() % 3;
    ApplyLocalWrite(&w->states[i], "r" + std::to_string(i), w->hlc, changes);
  } else {
    const int j = static_cast<int>(rng() % n);
    w->states[i] = Merge(w->states[i], w->states[j]);
  }
}

Record Base() {
  Record base;
  base.collection = Collection::kAppointment;
  base.id = "rdv-c";
  base.site_id = "S1";
  return base;
}

// Phase 1 (all four replicas, r3 included), then r3 retires and every copy
// reaches stability: returns the stable state (what the hub holds at a
// sequence <= the horizon).
Record RetireAndStabilize(std::mt19937_64& rng, World* w) {
  w->states.assign(4, Base());
  const int ops = 5 + static_cast<int>(rng() % 30);
  for (int op = 0; op < ops; ++op) Step(rng, w, 4);
  // r3 is revoked: the others go on (and often replace its values) before
  // the site's horizon passes its revocation.
  const int live_ops = static_cast<int>(rng() % 40);
  for (int op = 0; op < live_ops; ++op) Step(rng, w, 3);
  Record stable = w->states[0];
  for (const Record& s : w->states) stable = Merge(stable, s);
  for (Record& s : w->states) s = Merge(s, stable);
  return stable;
}

// Phase 2: the live replicas r0..r2 go on (r3 never writes again).
void LiveOn(std::mt19937_64& rng, World* w) {
  w->seen.assign(w->states.begin(), w->states.begin() + 3);
  const int ops = 1 + static_cast<int>(rng() % 20);
  for (int op = 0; op < ops; ++op) {
    Step(rng, w, 3);
    for (int i = 0; i < 3; ++i) w->seen.push_back(w->states[i]);
  }
}

std::string Show(const Record& r) { return EncodeRecordJson(r); }

TEST(VvCompactPropertyTest, CompactionCommutesWithMergeOnceStable) {
  const uint64_t seed = testing::TestSeed();
  std::mt19937_64 rng(seed);
  constexpr int kCases = 10000;
  int compacted_cases = 0, pairs = 0;
  for (int c = 0; c < kCases; ++c) {
    World w;
    const Record stable = RetireAndStabilize(rng, &w);
    Record stable_c = stable;
    if (CompactRetired(&stable_c, kRetiredSet) > 0) ++compacted_cases;
    ASSERT_EQ(stable_c.vv.Get(kRetired) == 0,
              stable.vv.Get(kRetired) == 0 || !CarriesDotOf(stable, kRetired))
        << "cas " << c;
    LiveOn(rng, &w);
    auto C = [&](const Record& x) {
      Record y = x;
      CompactAgainst(&y, stable_c, kRetiredSet);
      return y;
    };
    ASSERT_EQ(Show(C(stable)), Show(stable_c)) << "cas " << c;
    for (int k = 0; k < 8; ++k) {
      const Record& a = w.seen[rng() % w.seen.size()];
      const Record& b = w.seen[rng() % w.seen.size()];
      const Record ca = C(a), cb = C(b);
      ++pairs;
      ASSERT_EQ(Show(Merge(ca, cb)), Show(C(Merge(a, b))))
          << "cas " << c << "\na=" << Show(a) << "\nb=" << Show(b);
      ASSERT_EQ(Compare(ca, cb), Compare(a, b)) << "cas " << c;
      ASSERT_EQ(Show(C(ca)), Show(ca)) << "cas " << c;
      // The values shown and the conflicts are those of the uncompacted
      // states (compaction touches only the vector).
      ASSERT_EQ(ca.fields, a.fields) << "cas " << c;
    }
  }
  std::cout << "cas=" << kCases << " compactés=" << compacted_cases
            << " paires=" << pairs << std::endl;
  // Not vacuous: the retired replica's entry is dropped in many cases.
  EXPECT_GT(compacted_cases, kCases / 10);
}

TEST(VvCompactPropertyTest, WithoutStabilityThePropertyFails) {
  // The guard is needed: compacting copies that are not descendants of a
  // stable state without r3's siblings loses "has seen" information.
  const uint64_t seed = testing::TestSeed();
  std::mt19937_64 rng(seed);
  int failures = 0;
  for (int c = 0; c < 2000 && failures == 0; ++c) {
    World w;
    w.states.assign(4, Base());
    const int ops = 5 + static_cast<int>(rng() % 30);
    for (int op = 0; op < ops; ++op) {
      Step(rng, &w, 4);
      for (const Record& s : w.states) w.seen.push_back(s);
    }
    auto C = [](Record x) {
      CompactRetired(&x, kRetiredSet);
      return x;
    };
    for (int k = 0; k < 8; ++k) {
      const Record& a = w.seen[rng() % w.seen.size()];
      const Record& b = w.seen[rng() % w.seen.size()];
      if (!(Merge(C(a), C(b)) == C(Merge(a, b))) || Compare(C(a), C(b)) != Compare(a, b))
        ++failures;
    }
  }
  EXPECT_GT(failures, 0) << "aucun contre-exemple trouvé sans stabilité";
}

TEST(VvCompactPropertyTest, ReplacedSiblingComesBackWhenCompactedTooEarly) {
  // r3 wrote the room; r0 replaced it after seeing it (b). a still holds
  // r3's value. Compacting b alone (a is not stable) makes the merge keep
  // r3's replaced value: a resurrection. Compacting against a stable state
  // that still carries r3's sibling drops nothing, and the merge is right.
  Record a = Base();
  ASSERT_TRUE(ApplyLocalWrite(&a, kRetired, 1, {{"room", "3"}}));
  Record b = a;
  ASSERT_TRUE(ApplyLocalWrite(&b, "r0", 2, {{"room", "5"}}));
  const Record right = Merge(a, b);
  ASSERT_EQ(right.fields.at("room").size(), 1u);
  Record cb = b, ca = a;
  EXPECT_EQ(CompactRetired(&cb, kRetiredSet), 1);
  EXPECT_EQ(CompactRetired(&ca, kRetiredSet), 0);  // carried by the room
  EXPECT_EQ(Merge(ca, cb).fields.at("room").size(), 2u) << "résurrection attendue";
  // With the guard: `a` is the stable state; b is compacted against it.
  Record guarded = b;
  EXPECT_EQ(CompactAgainst(&guarded, ca, kRetiredSet), 0);
  EXPECT_EQ(Merge(ca, guarded), right);
}

TEST(VvCompactTest, KeepsAnEntryNamedByASibling) {
  Record r = Base();
  ASSERT_TRUE(ApplyLocalWrite(&r, kRetired, 1, {{"room", "3"}}));
  ASSERT_TRUE(ApplyLocalWrite(&r, kRetired, 2, {{"note", "n"}}));
  ASSERT_TRUE(ApplyLocalWrite(&r, "r0", 3, {{"note", "m"}}));
  EXPECT_EQ(CompactRetired(&r, kRetiredSet), 0);
  EXPECT_EQ(r.vv.Get(kRetired), 2u);  // the whole entry, not the dot's counter
  ASSERT_TRUE(ApplyLocalWrite(&r, "r0", 4, {{"room", "4"}}));
  EXPECT_EQ(CompactRetired(&r, kRetiredSet), 1);
  EXPECT_EQ(r.vv.Get(kRetired), 0u);
  EXPECT_EQ(r.vv.Get("r0"), 2u);
  EXPECT_EQ(CompactRetired(&r, {"r0"}), 0);  // r0 names the siblings
}

}  // namespace
}  // namespace relais::common
