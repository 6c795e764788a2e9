// ReplicaStore: history purge and re-bootstrap below the purge horizon
// (docs/sync-model.md §11).
#include <algorithm>

#include "common/codec/record_json.h"
#include "common/merge/merge.h"
#include "common/merge/purge.h"
#include "common/model/validate.h"
#include "common/storage/replica_store.h"

namespace relais::common {

Status ReplicaStore::ApplyHubBookkeeping(
    const HubBatchInfo& hub, const std::vector<std::pair<Collection, std::string>>& at_hub,
    ApplyStats* stats) {
  // 1. Hub sequence bounds. A pulled state has hub_seq <= the page cursor;
  // a state just acknowledged was merged by a push committed before the
  // hub read acked_at, so the hub's state holding it has hub_seq <= it.
  if (hub.received_at > 0 && !at_hub.empty()) {
    RELAIS_ASSIGN_OR_RETURN(
        Stmt st, db_->PrepareCached(
                     "UPDATE records SET hub_at=? WHERE collection=? AND id=?"));
    for (const auto& [c, id] : at_hub) {
      st.Bind(1, static_cast<int64_t>(hub.received_at))
          .Bind(2, static_cast<int64_t>(c))
          .Bind(3, id);
      RELAIS_RETURN_IF_ERROR(st.Run());
      RELAIS_RETURN_IF_ERROR(st.Reset());
    }
  }
  if (hub.acked_upto > hub.acked_after && hub.acked_at > 0) {
    RELAIS_ASSIGN_OR_RETURN(
        Stmt st, db_->PrepareCached(
                     "UPDATE records SET hub_at=? WHERE seq > ? AND seq <= ?"));
    st.Bind(1, static_cast<int64_t>(hub.acked_at))
        .Bind(2, static_cast<int64_t>(hub.acked_after))
        .Bind(3, static_cast<int64_t>(hub.acked_upto));
    RELAIS_RETURN_IF_ERROR(st.Run());
  }
  // 2. Settled tombstones covered by their site's horizon, with nothing
  // unsent: every replica of the site has them, none will send them again.
  RELAIS_ASSIGN_OR_RETURN(uint64_t push_cursor, GetMetaInt("push_cursor"));
  size_t budget = hub.max_purge;
  for (const auto& [site, horizon] : hub.horizons) {
    RELAIS_RETURN_IF_ERROR(SetMeta("purge_horizon:" + site, std::to_string(horizon)));
    if (horizon == 0 || budget == 0) continue;
    RELAIS_ASSIGN_OR_RETURN(
        Stmt st, db_->PrepareCached(
                     "SELECT collection, id, state FROM records WHERE site_id=?"
                     " AND hub_at > 0 AND hub_at <= ? AND seq <= ?"
                     " AND instr(state, '\"_deleted\"') > 0"));
    st.Bind(1, site)
        .Bind(2, static_cast<int64_t>(horizon))
        .Bind(3, static_cast<int64_t>(push_cursor));
    std::vector<std::pair<int64_t, std::string>> doomed;
    for (;;) {
      RELAIS_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row || doomed.size() == budget) break;
      auto rec = DecodeRecordJson(st.ColumnText(2));
      if (!rec.ok()) return Status::DataLoss("enregistrement illisible: " + st.ColumnText(1));
      if (IsPurgeableTombstone(*rec)) doomed.emplace_back(st.ColumnInt(0), st.ColumnText(1));
    }
    RELAIS_RETURN_IF_ERROR(st.Reset());
    RELAIS_ASSIGN_OR_RETURN(
        Stmt del, db_->PrepareCached("DELETE FROM records WHERE collection=? AND id=?"));
    for (const auto& [c, id] : doomed) {
      del.Bind(1, c).Bind(2, id);
      RELAIS_RETURN_IF_ERROR(del.Run());
    RELAIS_RETURN_IF_ERROR(del.Reset());
    }
    budget -= doomed.size();
    stats->purged += static_cast<int>(doomed.size());
  }
  // 3. Compaction of retired replicas' entries (replica_vv_compact.cc).
  return CompactStable(hub, stats);
}

Status ReplicaStore::BeginRebootstrap() {
  Transaction tx(db_.get());
  RELAIS_RETURN_IF_ERROR(tx.status());
  RELAIS_ASSIGN_OR_RETURN(uint64_t push_cursor, GetMetaInt("push_cursor"));
  RELAIS_ASSIGN_OR_RETURN(
      Stmt keep, db_->Prepare("INSERT OR REPLACE INTO rebootstrap_pending(collection, id, state)"
                              " SELECT collection, id, state FROM records WHERE seq > ?"));
  keep.Bind(1, static_cast<int64_t>(push_cursor));
  RELAIS_RETURN_IF_ERROR(keep.Run());
  RELAIS_RETURN_IF_ERROR(db_->Exec("DELETE FROM records"));
  RELAIS_RETURN_IF_ERROR(SetMeta("pull_cursor", "0"));
  RELAIS_RETURN_IF_ERROR(SetMeta("rebootstrap", "1"));
  return tx.Commit();
}

Result<RebootstrapStats> ReplicaStore::FinishRebootstrap() {
  Transaction tx(db_.get());
  RELAIS_RETURN_IF_ERROR(tx.status());
  RELAIS_ASSIGN_OR_RETURN(std::string me, GetMeta("replica_id"));
  std::vector<Record> kept;
  {
    RELAIS_ASSIGN_OR_RETURN(Stmt st, db_->Prepare("SELECT state FROM rebootstrap_pending"));
    RELAIS_ASSIGN_OR_RETURN(kept, Collect(st));
  }
  RebootstrapStats stats;
  for (const Record& mine : kept) {
    RELAIS_ASSIGN_OR_RETURN(std::optional<Record> at_hub, Get(mine.collection, mine.id));
    if (!at_hub) {
      // Gone from the hub: kept only if it is this replica's own creation
      // the hub never had; otherwise it was deleted and purged there.
      const bool own_creation = std::all_of(
          mine.vv.entries().begin(), mine.vv.entries().end(),
          [&](const auto& e) { return e.first == me; });
      if (!own_creation) {
        ++stats.dropped;
        continue;
      }
      RELAIS_RETURN_IF_ERROR(PutLocal(mine));
      ++stats.resent;
      continue;
    }
    if (at_hub->site_id != mine.site_id) {
      ++stats.dropped;
      continue;
    }
    // The join keeps exactly this replica's writes the hub has not seen
    // (the hub's state has seen, and so drops, everything older).
    Record joined = Merge(*at_hub, mine);
    if (joined == *at_hub || !ValidateRecord(joined).empty()) {
      ++stats.dropped;
      continue;
    }
    RELAIS_RETURN_IF_ERROR(PutLocal(joined));
    ++stats.resent;
  }
  RELAIS_RETURN_IF_ERROR(db_->Exec("DELETE FROM rebootstrap_pending"));
  RELAIS_RETURN_IF_ERROR(SetMeta("rebootstrap", ""));
  RELAIS_RETURN_IF_ERROR(tx.Commit());
  return stats;
}

}  // namespace relais::common
