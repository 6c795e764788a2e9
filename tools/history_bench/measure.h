#pragma once
// Measuring a closed SQLite file of the hub or of a replica (both keep
// their records in a table `records` with the canonical JSON `state` of
// each, see server/sqlite_hub_store.h and common/storage/replica_store.h).
// Read-only for the data: only a WAL checkpoint is written.

#include <cstdint>
#include <string>
#include <vector>

#include "common/util/status.h"

namespace relais::histbench {

struct DbSize {
  int64_t bytes = 0;         // the file, plus its WAL, after a TRUNCATE checkpoint
  int64_t vacuum_bytes = 0;  // a copy made by VACUUM INTO (free pages dropped)
  int64_t state_bytes = 0;   // sum of the stored states' lengths
  int64_t records = 0;
  int64_t tombstones = 0;    // records whose _deleted wins with "1"
};

// Measures the database at `path`, which no connection holds open.
// `scratch` is a path that does not exist (the VACUUM copy, removed after).
// NOT_FOUND if the file is missing, DATA_LOSS for a state that does not
// decode, the SQLite errors otherwise.
common::Result<DbSize> MeasureDb(const std::string& path, const std::string& scratch);

// Every stored state of `path`, sorted (a convergence check: equal files
// of records give equal lists).
common::Result<std::vector<std::string>> StoredStates(const std::string& path);

}  // namespace relais::histbench
