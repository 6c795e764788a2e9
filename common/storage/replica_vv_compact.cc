// ReplicaStore: compaction of retired replicas' version-vector entries
// (docs/sync-model.md §11 « Compaction », common/merge/vv_compact.h).
#include <map>

#include "common/codec/record_json.h"
#include "common/merge/vv_compact.h"
#include "common/storage/replica_store.h"

namespace relais::common {

Status ReplicaStore::RewriteState(const Record& r) {
  RELAIS_ASSIGN_OR_RETURN(
      Stmt st, db_->PrepareCached("UPDATE records SET state=?, k1=? WHERE collection=? AND id=?"));
  st.Bind(1, EncodeRecordJson(r))
      .Bind(2, SortKey(r))
      .Bind(3, static_cast<int64_t>(r.collection))
      .Bind(4, r.id);
  return st.Run();
}

Status ReplicaStore::CompactStable(const HubBatchInfo& hub, ApplyStats* stats) {
  if (hub.compacted.empty()) return Status::OK();
  RELAIS_ASSIGN_OR_RETURN(uint64_t push_cursor, GetMetaInt("push_cursor"));
  // Stable: equal to (or contained in) a hub state of sequence <= the
  // site's horizon, which every live replica has merged, and nothing
  // unsent -- the guard of CompactRetired. The hub compacts its own copy of
  // that state by the same rule, keeping its hub_seq: same bytes.
  RELAIS_ASSIGN_OR_RETURN(
      Stmt st, db_->PrepareCached("SELECT state FROM records WHERE site_id=?"
                                  " AND hub_at > 0 AND hub_at <= ? AND seq <= ?"
                                  " AND instr(state, ?) > 0"));
  size_t budget = hub.max_purge;
  std::map<std::pair<int, std::string>, Record> rewrite;
  for (const auto& [site, horizon] : hub.horizons) {
    if (horizon == 0) continue;
    for (const std::string& replica : hub.compacted) {
      st.Bind(1, site)
          .Bind(2, static_cast<int64_t>(horizon))
          .Bind(3, static_cast<int64_t>(push_cursor))
          .Bind(4, "\"" + replica + "\":");
      for (;;) {
        RELAIS_ASSIGN_OR_RETURN(bool row, st.Step());
        if (!row || rewrite.size() == budget) break;
        auto rec = DecodeRecordJson(st.ColumnText(0));
        if (!rec.ok()) return Status::DataLoss("enregistrement illisible (compaction)");
        const std::pair<int, std::string> key(static_cast<int>(rec->collection), rec->id);
        if (rewrite.count(key)) continue;
        if (CompactRetired(&*rec, hub.compacted) > 0) rewrite.emplace(key, std::move(rec).value());
      }
      RELAIS_RETURN_IF_ERROR(st.Reset());
    }
  }
  for (const auto& [key, rec] : rewrite) RELAIS_RETURN_IF_ERROR(RewriteState(rec));
  stats->compacted += static_cast<int>(rewrite.size());
  return Status::OK();
}

}  // namespace relais::common
