// SqliteHubStore's nightly compaction (issue #17): see sqlite_hub_store.h.
#include "common/storage/nightly_compactor.h"
#include "server/sqlite_hub_store.h"

namespace relais::server {

Result<common::CompactReport> SqliteHubStore::CompactUnderLock(common::Clock* clock,
                                                               int64_t max_bytes) {
  std::lock_guard<std::mutex> lock(mu_);
  RELAIS_ASSIGN_OR_RETURN(common::CompactReport r, common::Compact(db_.get(), max_bytes));
  RELAIS_RETURN_IF_ERROR(common::StampLastCompaction(db_.get(), clock->NowMillis()));
  return r;
}

Result<int64_t> SqliteHubStore::LastCompactionMs() {
  std::lock_guard<std::mutex> lock(mu_);
  return common::ReadLastCompaction(db_.get());
}

}  // namespace relais::server
