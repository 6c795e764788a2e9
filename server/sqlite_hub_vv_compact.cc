// SqliteHubStore: compaction of retired replicas' version-vector entries
// (docs/sync-model.md §11 « Compaction », common/merge/vv_compact.h).
#include <map>

#include "common/codec/record_json.h"
#include "common/merge/vv_compact.h"
#include "server/sqlite_hub_store.h"
#include "server/token_rules.h"

namespace relais::server {

using common::Stmt;

Result<std::set<std::string>> SqliteHubStore::CompactableIn(common::Db* db) {
  std::map<std::string, common::RetiredReplica> retired;
  {
    // A revoked token still holding its id: nobody writes in that name
    // again (rebind moves the id to a live token and clears it here).
    RELAIS_ASSIGN_OR_RETURN(
        Stmt st, db->PrepareCached("SELECT replica_id, sites, revoked_seq FROM tokens"
                                   " WHERE revoked != 0 AND replica_id != ''"));
    for (;;) {
      RELAIS_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      retired[st.ColumnText(0)] = common::RetiredReplica{
          static_cast<uint64_t>(st.ColumnInt(2)), SplitSites(st.ColumnText(1))};
    }
  }
  if (retired.empty()) return std::set<std::string>();
  std::map<std::string, uint64_t> horizons;
  RELAIS_ASSIGN_OR_RETURN(Stmt st,
                          db->PrepareCached("SELECT site_id, horizon FROM purge_horizons"));
  for (;;) {
    RELAIS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    horizons[st.ColumnText(0)] = static_cast<uint64_t>(st.ColumnInt(1));
  }
  return common::CompactableReplicas(retired, horizons);
}

Result<std::vector<std::string>> SqliteHubStore::CompactedReplicas() {
  ReadLease r = AcquireReader();
  RELAIS_ASSIGN_OR_RETURN(std::set<std::string> ids, CompactableIn(r.db()));
  return std::vector<std::string>(ids.begin(), ids.end());
}

Status SqliteHubStore::CompactSite(SitePurge* site, const std::set<std::string>& compactable,
                                   size_t* budget, bool dry_run, bool* more) {
  if (compactable.empty() || site->horizon == 0) return Status::OK();
  // Only states whose vector names a compactable replica ("id": in the
  // canonical JSON is a vector key; a dot writes "id", in a sibling).
  RELAIS_ASSIGN_OR_RETURN(
      Stmt st, db_->PrepareCached("SELECT collection, id, state FROM records"
                                  " WHERE site_id=? AND hub_seq <= ? AND hub_seq > 0"
                                  " AND instr(state, ?) > 0 ORDER BY hub_seq"));
  std::map<std::pair<int64_t, std::string>, Record> rewrite;
  for (const std::string& replica : compactable) {
    st.Bind(1, site->site_id)
        .Bind(2, static_cast<int64_t>(site->horizon))
        .Bind(3, "\"" + replica + "\":");
    for (;;) {
      RELAIS_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      const std::pair<int64_t, std::string> key(st.ColumnInt(0), st.ColumnText(1));
      if (rewrite.count(key)) continue;
      auto rec = common::DecodeRecordJson(st.ColumnText(2));
      if (!rec.ok()) return Status::DataLoss("enregistrement du hub illisible: " + key.second);
      // The stored state is stable (hub_seq <= horizon): the guard of
      // CompactRetired holds.
      if (common::CompactRetired(&*rec, compactable) == 0) continue;
      if (rewrite.size() == *budget) {
        *more = true;
        break;
      }
      rewrite.emplace(key, std::move(rec).value());
    }
    RELAIS_RETURN_IF_ERROR(st.Reset());
    if (*more) break;
  }
  *budget -= rewrite.size();
  site->compacted = static_cast<int>(rewrite.size());
  if (dry_run) return Status::OK();
  // Same hub_seq: every replica holds this state already and compacts its
  // own copy by the same rule (replica_vv_compact.cc); nothing to pull.
  RELAIS_ASSIGN_OR_RETURN(
      Stmt put, db_->PrepareCached("UPDATE records SET state=? WHERE site_id=?"
                                   " AND collection=? AND id=?"));
  for (const auto& [key, rec] : rewrite) {
    put.Bind(1, common::EncodeRecordJson(rec))
        .Bind(2, site->site_id)
        .Bind(3, key.first)
        .Bind(4, key.second);
    RELAIS_RETURN_IF_ERROR(put.Run());
    RELAIS_RETURN_IF_ERROR(put.Reset());
  }
  return Status::OK();
}

}  // namespace relais::server
