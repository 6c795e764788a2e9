// Delta pushes (TrimToDelta + CompleteDelta) are equivalent to whole-state
// pushes. Two worlds run the same random history of 3 replicas and a hub:
// in one every push sends whole records, in the other the trimmed deltas,
// with `acked` tracked exactly as ReplicaStore does (see replica_store.h).
// After every step both hubs and all replicas must be equal byte for byte.
// Histories include writes between reading a push batch and its ack.
// (Records reach a replica only from the hub: ReplicaStore::ApplyRemote's
// contract, on which `acked` rests.)
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "common/merge/merge.h"

namespace relais::common {
namespace {

struct Row {
  Record state;
  uint64_t seq = 0;        // 0: the hub has it all
  VersionVector acked;     // vv of a state the hub merged; empty = none
};

struct Replica {
  std::string id;
  std::map<std::string, Row> rows;
  uint64_t local_seq = 0, push_cursor = 0;

  // ReplicaStore::PutLocal: a fresh sequence; `acked` becomes the previous
  // state's vv if the hub had acknowledged that state.
  void PutLocal(const Record& r) {
    Row& row = rows[r.id];
    if (!row.state.id.empty() && row.seq <= push_cursor) row.acked = row.state.vv;
    row.state = r;
    row.seq = ++local_seq;
  }
  // ReplicaStore::ApplyRemote.
  void Apply(const Record& in) {
    auto it = rows.find(in.id);
    if (it == rows.end()) {
      rows[in.id] = Row{in, 0, in.vv};
      return;
    }
    Record merged = Merge(it->second.state, in);
    if (merged == it->second.state) return;
    if (merged == in) {
      it->second = Row{merged, 0, merged.vv};
    } else {
      PutLocal(merged);
    }
  }
};

// Whether the pushing replica holds exactly `merged` (so the hub need not
// send it back), as SqliteHubStore decides it: `in` is the whole incoming
// state, a delta completed with the hub's fields. It carries the replica's
// vv, so it equals `merged` only if the replica had seen every write the
// hub holds.
bool EchoOrigin(const Record& merged, const Record& in) { return merged == in; }

struct World {
  bool delta = false;
  std::vector<Replica> replicas;
  std::map<std::string, Record> hub;
  // Echo suppression, as SqliteHubStore: the replica whose push produced
  // exactly the hub's state is not sent it back.
  std::map<std::string, std::string> origin;
  int partial_pushes = 0;

  void HubMerge(const Record& in, const std::string& from) {
    auto it = hub.find(in.id);
    if (in.partial) {
      ASSERT_NE(it, hub.end()) << "a delta for a record the hub lacks";
      ++partial_pushes;
      const Record completed = CompleteDelta(in, it->second);
      const Record merged = Merge(it->second, completed);
      if (merged == it->second) return;
      origin[in.id] = EchoOrigin(merged, in.partial ? completed : in) ? from : "";
      it->second = merged;
      return;
    }
    if (it == hub.end()) {
      hub[in.id] = in;
      origin[in.id] = from;
    } else {
      const Record merged = Merge(it->second, in);
      if (merged == it->second) return;
      origin[in.id] = EchoOrigin(merged, in) ? from : "";
      it->second = merged;
    }
  }
};

struct Op {
  int kind;  // 0 write, 1 push, 2 pull, 3 push with a write before the ack
  int replica, record;
  std::map<std::string, std::string> changes;
};

void Write(Replica* r, int record, const std::map<std::string, std::string>& changes,
           Hlc hlc) {
  const std::string id = "r" + std::to_string(record);
  Record rec;
  auto it = r->rows.find(id);
  if (it != r->rows.end()) {
    rec = it->second.state;
  } else {
    rec.collection = Collection::kAppointment;
    rec.id = id;
    rec.site_id = "S";
  }
  if (ApplyLocalWrite(&rec, r->id, hlc, changes)) r->PutLocal(rec);
}

void Step(World* w, const Op& op, Hlc hlc) {
  Replica& r = w->replicas[op.replica];
  switch (op.kind) {
    case 0:
      Write(&r, op.record, op.changes, hlc);
      break;
    case 1:
    case 3: {
      std::vector<std::pair<uint64_t, Record>> batch;
      for (const auto& [id, row] : r.rows)
        if (row.seq > r.push_cursor) batch.push_back({row.seq, row.state});
      if (batch.empty()) break;
      std::sort(batch.begin(), batch.end(),
                [](const auto& a, const auto& b) { return a.first < b.first; });
      uint64_t last = 0;
      for (auto& [seq, rec] : batch) {
        if (w->delta) TrimToDelta(&rec, r.rows[rec.id].acked);
        w->HubMerge(rec, r.id);
        last = seq;
      }
      // A write lands while the push is in flight, before its ack.
      if (op.kind == 3) Write(&r, op.record, op.changes, hlc);
      r.push_cursor = last;
      break;
    }
    case 2:
      for (const auto& [id, rec] : w->hub)
        if (w->origin[id] != r.id) r.Apply(rec);
      break;
  }
}

TEST(DeltaPropertyTest, DeltaPushesEqualWholeStatePushes) {
  int partial_total = 0;
  for (uint64_t seed = 1; seed <= 400; ++seed) {
    std::mt19937_64 rng(seed);
    World full, delta;
    delta.delta = true;
    for (World* w : {&full, &delta})
      for (int i = 0; i < 3; ++i) {
        Replica rep;
        rep.id = "rep" + std::to_string(i);
        w->replicas.push_back(rep);
      }
    for (int step = 0; step < 60; ++step) {
      Op op;
      op.kind = static_cast<int>(rng() % 4);
      op.replica = static_cast<int>(rng() % 3);
      op.record = static_cast<int>(rng() % 3);
      const int n = 1 + static_cast<int>(rng() % 2);
      for (int k = 0; k < n; ++k)
        op.changes["f" + std::to_string(rng() % 4)] = "v" + std::to_string(rng() % 5);
      const Hlc hlc = MakeHlc(1'700'000'000'000 + step, 0);
      Step(&full, op, hlc);
      Step(&delta, op, hlc);
      ASSERT_EQ(full.hub, delta.hub) << "seed " << seed << " step " << step;
      ASSERT_EQ(full.origin, delta.origin) << "seed " << seed << " step " << step;
      for (int i = 0; i < 3; ++i) {
        ASSERT_EQ(full.replicas[i].rows.size(), delta.replicas[i].rows.size());
        for (const auto& [id, row] : full.replicas[i].rows)
          ASSERT_EQ(row.state, delta.replicas[i].rows[id].state)
              << "seed " << seed << " step " << step << " replica " << i;
      }
    }
    partial_total += delta.partial_pushes;
  }
  // The deltas were really exercised.
  EXPECT_GT(partial_total, 1000);
}

TEST(DeltaPropertyTest, TrimKeepsOnlyNewWritesAndNeverEmpties) {
  Record r;
  r.collection = Collection::kAppointment;
  r.id = "a";
  r.site_id = "S";
  ASSERT_TRUE(ApplyLocalWrite(&r, "me", 1, {{"status", "booked"}, {"room", "1"}}));
  const VersionVector acked = r.vv;
  Record none = r;
  EXPECT_FALSE(TrimToDelta(&none, acked));  // nothing new: sent whole
  EXPECT_FALSE(none.partial);
  Record first = r;
  EXPECT_FALSE(TrimToDelta(&first, VersionVector()));  // never acked
  ASSERT_TRUE(ApplyLocalWrite(&r, "me", 2, {{"status", "done"}}));
  Record d = r;
  ASSERT_TRUE(TrimToDelta(&d, acked));
  EXPECT_TRUE(d.partial);
  ASSERT_EQ(d.fields.size(), 1u);
  EXPECT_EQ(d.fields.begin()->first, "status");
  EXPECT_EQ(d.vv, r.vv);
  // The hub completes it into the whole state.
  Record hub = r;
  hub.fields["status"] = {Sibling{"booked", Dot{"me", 1}, 1}};
  hub.vv = acked;
  EXPECT_EQ(Merge(hub, CompleteDelta(d, hub)), r);
}

}  // namespace
}  // namespace relais::common
