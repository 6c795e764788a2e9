#pragma once
// ChangeJournal: which records one SQLite connection changes, for a cache
// that refreshes only what changed (replica/slot_cache.h).
//
// Start() adds TEMP triggers (kept in this connection's memory, never in the
// file, invisible to other connections) that append (collection, id) of
// every record inserted, updated or deleted in `records` to a TEMP table,
// inside the writer's own transaction: a rolled-back write leaves no entry,
// and no committed change of this connection is missed. Changes committed
// by OTHER connections (another process, a sync thread with its own
// Replica) are not journaled: DataVersion() changes when they happen.
//
// Not thread-safe; use it on the connection's thread. REQUIRES: `db`
// outlives the journal.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/model/record.h"
#include "common/storage/sqlite.h"
#include "common/util/status.h"

namespace relais::common {

class ChangeJournal {
 public:
  struct Entry {
    Collection collection = Collection::kAppointment;
    std::string id;
  };

  // Installs the triggers (uniquely named: several journals may watch one
  // connection). Errors: the database's.
  static Result<std::unique_ptr<ChangeJournal>> Start(Db* db);
  // Removes the triggers and the table.
  ~ChangeJournal();
  ChangeJournal(const ChangeJournal&) = delete;
  ChangeJournal& operator=(const ChangeJournal&) = delete;

  // The records changed since the last Take (each once, unordered), then
  // empties the journal. When more than `max` records changed, returns
  // none and sets *overflow (the caller reloads everything instead).
  // REQUIRES: no transaction open on the connection.
  Result<std::vector<Entry>> Take(size_t max, bool* overflow);

  // PRAGMA data_version: a new value means another connection committed
  // a change since the previous call's value.
  Result<int64_t> DataVersion();

 private:
  ChangeJournal(Db* db, std::string table) : db_(db), table_(std::move(table)) {}
  Db* db_;
  std::string table_;
};

}  // namespace relais::common
