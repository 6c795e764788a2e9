#pragma once
// The "live data alone" reference of relais-history-bench: the year's live
// records (not deleted), each written ONCE with its final values by a fresh
// replica ("writer") of a fresh house, pushed to a fresh hub and pulled by a
// second fresh replica ("reader"). That is what the house would hold had
// every live record been typed once, right the first time: one write per
// record, no tombstone, no sibling, one replica in each version vector --
// the floor that no purge of history or metadata can go below. (The
// snapshot path was not used: a snapshot copies the hub's records as they
// are, tombstones and metadata included, so it measures the history, not
// the live data.)

#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include "common/model/schema.h"
#include "common/replica/replica.h"
#include "common/util/status.h"
#include "tools/history_bench/house.h"

namespace relais::histbench {

// (collection, id) -> winning values with sealed fields opened, without
// the fields a replica derives or that only mark deletion (patient_idx,
// _deleted): what a person typed, as a replica shows it.
using LiveContent = std::map<std::pair<int, std::string>, common::FieldView>;

struct Census {
  LiveContent live;
  int64_t all = 0;         // records held, tombstones included
  int64_t tombstones = 0;
  int64_t conflicts = 0;   // live records with fields still in conflict
};

// The census of replica `r`. DATA_LOSS if a sealed value cannot be opened
// (the copy would not be the same data), FAILED_PRECONDITION for a record
// of another site than kSite.
common::Result<Census> TakeCensus(common::Replica& r);

// Loads `live` into `fresh` (started with replicas {writer, reader}, both
// empty): the writer writes every record (one WriteBatch per collection
// chunk), then the house syncs until quiet; the reader must then hold
// exactly `live` and no tombstone (DATA_LOSS naming the first difference
// otherwise).
common::Status LoadLive(SimHouse& fresh, const LiveContent& live);

}  // namespace relais::histbench
