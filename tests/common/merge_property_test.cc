// Property tests: random concurrent histories over several replicas prove
// that Merge is commutative, associative and idempotent, that replicas
// converge to byte-identical states whatever the exchange order, and that
// no write is lost unless a later write that had seen it replaced it.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>

#include "common/codec/record_json.h"
#include "common/merge/merge.h"

namespace relais::common {
namespace {

struct WriteEvent {
  std::string field;
  Dot dot;
  VersionVector context;  // what the writer had seen before writing
};

struct History {
  std::vector<Record> states;       // one per replica
  std::vector<Record> seen;         // every state that ever existed
  std::vector<WriteEvent> writes;
};

const char* const kFields[] = {"room", "note", "status", "duration"};
const char* const kValues[] = {"1", "2", "3", "booked", "checked_in", "x"};

History RandomHistory(std::mt19937_64& rng, int replicas, int ops) {
  History h;
  Record base;
  base.collection = Collection::kAppointment;
  base.id = "rdv-p";
  base.site_id = "S1";
  h.states.assign(replicas, base);
  Hlc hlc = 1000;
  for (int op = 0; op < ops; ++op) {
    const int i = static_cast<int>(rng() % replicas);
    if (rng() % 3 != 0) {
      const std::string rid = "r" + std::to_string(i);
      std::map<std::string, std::string> changes;
      const int nf = 1 + static_cast<int>(rng() % 2);
      for (int k = 0; k < nf; ++k)
        changes[kFields[rng() % 4]] = kValues[rng() % 6];
      Record& s = h.states[i];
      const VersionVector before = s.vv;
      // Random HLC skew: a replica may stamp from the past.
      hlc += rng() % 5;
      if (ApplyLocalWrite(&s, rid, hlc - rng() % 20, changes)) {
        for (const auto& [f, v] : changes)
          if (s.fields[f][0].dot.replica == rid &&
              s.fields[f][0].dot.counter == s.vv.Get(rid))
            h.writes.push_back({f, s.fields[f][0].dot, before});
      }
    } else {
      const int j = static_cast<int>(rng() % replicas);
      h.states[i] = Merge(h.states[i], h.states[j]);
    }
    h.seen.push_back(h.states[i]);
  }
  return h;
}

constexpr int kCases = 10000;

TEST(MergePropertyTest, SemilatticeLaws) {
  const uint64_t seed = 20261124;
  std::mt19937_64 rng(seed);
  for (int c = 0; c < kCases; ++c) {
    History h = RandomHistory(rng, 3 + c % 2, 24);
    const auto& s = h.seen;
    const Record& a = s[rng() % s.size()];
    const Record& b = s[rng() % s.size()];
    const Record& d = s[rng() % s.size()];
    ASSERT_EQ(Merge(a, a), a) << "idempotence, seed " << seed << " case " << c;
    ASSERT_EQ(EncodeRecordJson(Merge(a, b)), EncodeRecordJson(Merge(b, a)))
        << "commutativity, seed " << seed << " case " << c;
    ASSERT_EQ(Merge(Merge(a, b), d), Merge(a, Merge(b, d)))
        << "associativity, seed " << seed << " case " << c;
  }
}

TEST(MergePropertyTest, ConvergesWhateverTheOrderAndLosesNothing) {
  const uint64_t seed = 424242;
  std::mt19937_64 rng(seed);
  for (int c = 0; c < kCases; ++c) {
    const int n = 3 + c % 3;
    History h = RandomHistory(rng, n, 20);
    // Final anti-entropy in two random orders.
    std::vector<int> order(n);
    for (int i = 0; i < n; ++i) order[i] = i;
    std::shuffle(order.begin(), order.end(), rng);
    Record x = h.states[order[0]];
    for (int i : order) x = Merge(x, h.states[i]);
    std::shuffle(order.begin(), order.end(), rng);
    Record y = h.states[order[0]];
    for (int i = n - 1; i >= 0; --i) y = Merge(h.states[order[i]], y);
    ASSERT_EQ(EncodeRecordJson(x), EncodeRecordJson(y))
        << "convergence, seed " << seed << " case " << c;
    // Oracle: a write survives iff no later write of the same field saw it.
    for (const WriteEvent& w : h.writes) {
      bool superseded = false;
      for (const WriteEvent& o : h.writes)
        if (o.field == w.field && o.context.Includes(w.dot)) superseded = true;
      bool present = false;
      auto it = x.fields.find(w.field);
      if (it != x.fields.end())
        for (const Sibling& s : it->second) present |= (s.dot == w.dot);
      ASSERT_EQ(present, !superseded)
          << "write " << w.field << "@" << w.dot.replica << ":" << w.dot.counter
          << (superseded ? " should have been replaced" : " was lost")
          << ", seed " << seed << " case " << c;
    }
  }
}

}  // namespace
}  // namespace relais::common
