// libFuzzer target for the hub's push path (common/merge/accept.h), as
// SqliteHubStore::PushOne runs it: arbitrary bytes as a SyncRequest whose
// author is request.replica_id(); a small in-memory hub (a map of states
// kept across the records of one input); each pushed record through
// FromProto then Accept against the hub's current state of its key. On
// success the new state is stored, and:
//  - it passes ValidateRecord and is not partial; its key is the pushed one;
//  - its vector covers the previous state's (the hub never forgets);
//  - no vv entry of a replica other than the author grew (a replica writes
//    only in its own name: sync-model.md §7);
//  - `changed` says whether the state differs from the previous one;
//  - pushing the same record again is accepted and changes nothing;
//  - version-vector compaction (common/merge/vv_compact.h) of that state,
//    every replica but the author counted as retired: the compacted state
//    is valid, keeps every field, drops only entries no value carries, is
//    idempotent, and CompactAgainst on a copy of the state gives it back;
//  - fuzz_hub_push only (this file built with RELAIS_FUZZ_HUB_STORE=1, ten
//    times slower): a differential test of the hub's store. The same
//    records pushed one by one into a SqliteHubStore on ":memory:"
//    (server/sqlite_hub_store.h, scope = the input's sites, a fresh store
//    per input) are refused exactly when Accept refuses them, and the store
//    then holds exactly the map's state (read back through its JSON codec).
// Any broken check aborts (after printing it). Inputs come from
// tests/server/fuzz/corpus (make_corpus.cc): real client pushes.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <set>
#include <tuple>
#include <vector>

#include "common/convert/convert.h"
#include "common/merge/accept.h"
#include "common/merge/merge.h"
#include "common/merge/vv_compact.h"
#include "common/model/validate.h"
#include "proto/sync.pb.h"
#include "server/sqlite_hub_store.h"
#include <google/protobuf/stubs/logging.h>

namespace {

using relais::common::Record;

// The hub's clock: an hour after the corpus' FakeClock (make_corpus.cc), so
// the seeds' stamps are in the past and stamps a day ahead are refused.
constexpr int64_t kHubNowMs = 1795000000000LL + 3600 * 1000;

void Check(bool ok, const char* what, const Record& r) {
  if (ok) return;
  std::fprintf(stderr, "fuzz_accept: échec: %s (%s)\n", what, r.id.c_str());
  std::abort();
}

#ifndef RELAIS_FUZZ_HUB_STORE
#define RELAIS_FUZZ_HUB_STORE 0
#endif
constexpr bool kWithStore = RELAIS_FUZZ_HUB_STORE;

// The hub store's clock: the same instant as kHubNowMs.
relais::common::FakeClock* HubClock() {
  static relais::common::FakeClock clock(kHubNowMs);
  return &clock;
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
  const std::string& author = req.replica_id();
  using Key = std::tuple<std::string, int, std::string>;
  std::map<Key, Record> hub;
  std::vector<Record> records;
  std::set<std::string> sites;
  for (const auto& p : req.push()) {
    auto parsed = relais::common::FromProto(p);
    if (!parsed.ok()) continue;
    sites.insert(parsed->site_id);
    records.push_back(std::move(parsed).value());
  }
  if (records.empty()) return 0;
  // A fresh hub store per input (its Open costs ~0.5 ms).
  std::unique_ptr<relais::server::SqliteHubStore> store;
  if (kWithStore) {
    auto opened = relais::server::SqliteHubStore::Open(":memory:", true, HubClock());
    if (!opened.ok()) {
      std::fprintf(stderr, "fuzz_accept: %s\n", opened.status().ToString().c_str());
      std::abort();
    }
    store = std::move(opened).value();
  }
  const relais::server::Scope scope{"fuzz", author, {sites.begin(), sites.end()}};
  // The store's state of `in`'s key is `want` (nullptr: none).
  auto store_holds = [&](const Record& in, const Record* want, const char* what) {
    if (!store) return;
    auto held = store->Get(in.site_id, in.collection, in.id);
    Check(held.ok() && held->has_value() == (want != nullptr) &&
              (!want || (*held)->record == *want),
          what, in);
  };
  for (const Record& in : records) {
    const Key key{in.site_id, static_cast<int>(in.collection), in.id};
    auto it = hub.find(key);
    const Record* have = it == hub.end() ? nullptr : &it->second;
    auto acc = relais::common::Accept(in, have, author, kHubNowMs);
    if (store)
      Check(store->Push(scope, {in}).ok() == acc.ok(), "SqliteHubStore refuse comme Accept",
            in);
    if (!acc.ok() || acc->skipped) {
      store_holds(in, have, "SqliteHubStore inchangé");
      continue;
    }
    const Record state = acc->state();
    Check(relais::common::ValidateRecord(state).empty(), "état accepté valide", in);
    Check(!state.partial, "état accepté complet", in);
    Check(state.collection == in.collection && state.id == in.id &&
              state.site_id == in.site_id,
          "même clé", in);
    Check(acc->changed == (have == nullptr || state != *have), "changed exact", in);
    for (const auto& [replica, counter] : state.vv.entries()) {
      const uint64_t before = have ? have->vv.Get(replica) : 0;
      if (replica != author)
        Check(counter <= before, "entrée d'un autre réplica agrandie", in);
      Check(counter >= before, "vecteur du hub jamais reculé", in);
    }
    if (have) {
      for (const auto& [replica, counter] : have->vv.entries())
        Check(state.vv.Get(replica) >= counter, "vecteur du hub conservé", in);
    }
    // Compaction (issue #17), on a copy: the stored state is unchanged.
    {
      std::set<std::string> retired;
      for (const auto& [replica, counter] : state.vv.entries())
        if (replica != author) retired.insert(replica);
      Record compacted = state;
      const int dropped = relais::common::CompactRetired(&compacted, retired);
      Check(relais::common::ValidateRecord(compacted).empty(), "état compacté valide", in);
      Check(compacted.fields == state.fields, "compaction: champs intacts", in);
      Check(state.vv.entries().size() - compacted.vv.entries().size() ==
                static_cast<size_t>(dropped),
            "compaction: nombre d'entrées retirées", in);
      for (const auto& [replica, counter] : state.vv.entries()) {
        const uint64_t left = compacted.vv.Get(replica);
        Check(left == counter || (left == 0 && retired.count(replica) &&
                                  !relais::common::CarriesDotOf(state, replica)),
              "compaction: seule une entrée retirée sans valeur part", in);
      }
      Record twice = compacted;
      Check(relais::common::CompactRetired(&twice, retired) == 0 && twice == compacted,
            "compaction idempotente", in);
      Record against = state;
      relais::common::CompactAgainst(&against, compacted, retired);
      Check(against == compacted, "CompactAgainst rend l'état compacté", in);
    }
    hub[key] = state;
    const Record& stored = hub[key];
    store_holds(in, &stored, "SqliteHubStore tient l'état d'Accept");

    // Idempotence: the same push again is taken and changes nothing.
    auto again = relais::common::Accept(in, &stored, author, kHubNowMs);
    if (!again.ok()) {
      std::fprintf(stderr, "fuzz_accept: nouvel envoi refusé: %s\n",
                   again.status().ToString().c_str());
      Check(false, "nouvel envoi accepté", in);
    }
    Check(!again->changed, "nouvel envoi sans changement", in);
    Check(again->skipped || again->state() == stored, "nouvel envoi: même état", in);
  }
  return 0;
}
