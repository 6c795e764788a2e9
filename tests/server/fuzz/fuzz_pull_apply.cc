// libFuzzer target for the replica's pull path: the records of arbitrary
// bytes read as a SyncRequest are treated as states pulled from the hub and
// go through ReplicaStore::ApplyRemote (common/storage/replica_store.h),
// which must refuse what the hub would refuse (bounds, ValidateRecord,
// deltas, another site) and store the rest merged. One replica on
// ":memory:" per process, emptied before each input. Checks:
//  - the whole batch is applied all or nothing (every stored state is
//    unchanged when ApplyRemote fails);
//  - each record alone: on success the stored state equals Merge(previous,
//    record) (or the record when new), read back through the JSON codec;
//    on failure the stored state is unchanged;
//  - every stored record passes ValidateRecord and is not partial. (This
//    found that two pulled states that cannot both be true — one write id
//    with two payloads, or one vector with other siblings — merged into a
//    state without any field; ApplyRemote now refuses them.)
// Any broken check aborts (after printing it).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <optional>
#include <vector>

#include "common/convert/convert.h"
#include "common/merge/merge.h"
#include "common/model/validate.h"
#include "common/storage/replica_store.h"
#include "proto/sync.pb.h"
#include <google/protobuf/stubs/logging.h>

namespace {

using relais::common::Record;
using relais::common::ReplicaStore;

// At most this many records per input: keeps each run well under 5 s.
constexpr int kMaxRecords = 64;

void Check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "fuzz_pull_apply: échec: %s\n", what);
  std::abort();
}

ReplicaStore* Store() {
  static ReplicaStore* store = [] {
    auto s = ReplicaStore::Open(":memory:", /*create=*/true);
    if (!s.ok()) {
      std::fprintf(stderr, "fuzz_pull_apply: %s\n", s.status().ToString().c_str());
      std::abort();
    }
    return s->release();
  }();
  return store;
}

std::vector<Record> All(ReplicaStore* store) {
  auto all = store->ListAll();
  Check(all.ok(), "ListAll");
  return std::move(all).value();
}

std::optional<Record> Held(ReplicaStore* store, const Record& r) {
  auto got = store->Get(r.collection, r.id);
  Check(got.ok(), "Get");
  return std::move(got).value();
}

}  // namespace

// Invalid UTF-8 in a string field is a parse failure: keep it off stderr.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  relais::sync::v1::SyncRequest req;
  if (!req.ParseFromArray(data, static_cast<int>(size))) return 0;
  std::vector<Record> pulled;
  for (const auto& p : req.push()) {
    if (static_cast<int>(pulled.size()) == kMaxRecords) break;
    auto r = relais::common::FromProto(p);
    if (r.ok()) pulled.push_back(std::move(r).value());
  }
  ReplicaStore* store = Store();
  Check(store->db()->Exec("DELETE FROM records; DELETE FROM meta").ok(), "remise à zéro");

  // The batch, as the sync client applies a pull: all or nothing.
  const std::vector<Record> empty = All(store);
  auto batch = store->ApplyRemote(
      pulled, {{"pull_cursor", std::to_string(req.pull_cursor() & 0x7fffffff)}});
  if (!batch.ok()) Check(All(store) == empty, "lot refusé: rien d'écrit");
  Check(store->db()->Exec("DELETE FROM records; DELETE FROM meta").ok(), "remise à zéro");

  // Each record alone, against what the previous ones left.
  for (const Record& in : pulled) {
    const std::optional<Record> before = Held(store, in);
    auto applied = store->ApplyRemote({in}, {});
    const std::optional<Record> after = Held(store, in);
    if (!applied.ok()) {
      Check(after == before, "refusé: état inchangé");
      continue;
    }
    if (applied->set_aside > 0) {
      // Same id already held for another site (issue #19): set aside,
      // nothing changed.
      Check(applied->set_aside == 1 && before.has_value() && before->site_id != in.site_id &&
                after == before,
            "écarté: même identifiant à un autre site, état inchangé");
      continue;
    }
    Check(after.has_value(), "appliqué: état présent");
    const Record expect = before ? relais::common::Merge(*before, in) : in;
    Check(*after == expect, "appliqué: état = Merge(précédent, reçu)");
  }
  for (const Record& r : All(store)) {
    if (const std::string err = relais::common::ValidateRecord(r); !err.empty()) {
      std::fprintf(stderr, "fuzz_pull_apply: %s\n", err.c_str());
      Check(false, "état stocké valide");
    }
    Check(!r.partial, "état stocké complet");
  }
  return 0;
}
