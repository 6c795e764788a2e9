// SqliteHubStore: history purge by causal stability (docs/sync-model.md
// §11). Acknowledgements, horizons, and the bounded purge run.
#include <algorithm>
#include <set>

#include "common/codec/record_json.h"
#include "common/merge/purge.h"
#include "common/storage/vacuum.h"
#include "server/sqlite_hub_store.h"
#include "server/token_rules.h"

namespace relais::server {

using common::Stmt;
using common::Transaction;

Result<bool> SqliteHubStore::RecordAck(const std::string& replica_id,
                                       uint64_t pull_cursor) {
  {
    // Most syncs leave the acknowledgement where it was: read first, so
    // they never wait for the writer.
    ReadLease r = AcquireReader();
    RELAIS_ASSIGN_OR_RETURN(
        Stmt st, r.db()->PrepareCached(
                     "SELECT pull_cursor FROM replica_acks WHERE replica_id=?"));
    st.Bind(1, replica_id);
    RELAIS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (row && static_cast<uint64_t>(st.ColumnInt(0)) == pull_cursor) return false;
  }
  std::lock_guard<std::mutex> lock(mu_);
  RELAIS_ASSIGN_OR_RETURN(
      Stmt st, db_->PrepareCached(
                   "INSERT INTO replica_acks(replica_id, pull_cursor, at_ms)"
                   " VALUES(?,?,?) ON CONFLICT(replica_id) DO UPDATE SET"
                   " pull_cursor=excluded.pull_cursor, at_ms=excluded.at_ms"));
  st.Bind(1, replica_id)
      .Bind(2, static_cast<int64_t>(pull_cursor))
      .Bind(3, clock_->NowMillis());
  RELAIS_RETURN_IF_ERROR(st.Run());
  return true;
}

Result<std::map<std::string, uint64_t>> SqliteHubStore::PurgeHorizons(
    const std::vector<std::string>& sites) {
  std::map<std::string, uint64_t> out;
  ReadLease r = AcquireReader();
  RELAIS_ASSIGN_OR_RETURN(
      Stmt st, r.db()->PrepareCached("SELECT horizon FROM purge_horizons WHERE site_id=?"));
  for (const std::string& site : sites) {
    st.Bind(1, site);
    RELAIS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (row && st.ColumnInt(0) > 0) out[site] = static_cast<uint64_t>(st.ColumnInt(0));
    RELAIS_RETURN_IF_ERROR(st.Reset());
  }
  return out;
}

Status SqliteHubStore::PurgeSite(SitePurge* site, uint64_t previous, size_t* budget,
                                 bool dry_run, bool* more) {
  RELAIS_ASSIGN_OR_RETURN(
      Stmt st, db_->PrepareCached(
                   "SELECT collection, id, state FROM records"
                   " WHERE site_id=? AND hub_seq <= ? AND hub_seq > 0"
                   " AND instr(state, '\"_deleted\"') > 0 ORDER BY hub_seq"));
  st.Bind(1, site->site_id).Bind(2, static_cast<int64_t>(site->horizon));
  std::vector<std::pair<int64_t, std::string>> doomed;
  for (;;) {
    RELAIS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    auto rec = common::DecodeRecordJson(st.ColumnText(2));
    if (!rec.ok()) return Status::DataLoss("enregistrement du hub illisible: " + st.ColumnText(1));
    if (!common::IsPurgeableTombstone(*rec)) continue;
    if (doomed.size() == *budget) {
      *more = true;
      break;
    }
    doomed.emplace_back(st.ColumnInt(0), st.ColumnText(1));
  }
  RELAIS_RETURN_IF_ERROR(st.Reset());
  *budget -= doomed.size();
  site->purged = static_cast<int>(doomed.size());
  if (dry_run) return Status::OK();
  RELAIS_ASSIGN_OR_RETURN(
      Stmt del, db_->PrepareCached(
                    "DELETE FROM records WHERE site_id=? AND collection=? AND id=?"));
  for (const auto& [c, id] : doomed) {
    del.Bind(1, site->site_id).Bind(2, c).Bind(3, id);
    RELAIS_RETURN_IF_ERROR(del.Run());
    RELAIS_RETURN_IF_ERROR(del.Reset());
  }
  if (site->horizon == previous) return Status::OK();
  RELAIS_ASSIGN_OR_RETURN(
      Stmt put, db_->PrepareCached(
                    "INSERT INTO purge_horizons(site_id, horizon) VALUES(?,?)"
                    " ON CONFLICT(site_id) DO UPDATE SET horizon=excluded.horizon"));
  put.Bind(1, site->site_id).Bind(2, static_cast<int64_t>(site->horizon));
  return put.Run();
}

Result<PurgeReport> SqliteHubStore::Purge(const std::vector<std::string>& only,
                                          size_t max_records, bool dry_run) {
  PurgeReport report;
  std::lock_guard<std::mutex> lock(mu_);
  Transaction tx(db_.get());
  RELAIS_RETURN_IF_ERROR(tx.status());
  RELAIS_ASSIGN_OR_RETURN(uint64_t last, LastSeqLocked());
  // Live replicas (bound, not revoked) and the sites each holds.
  std::map<std::string, std::vector<std::string>> live;
  {
    RELAIS_ASSIGN_OR_RETURN(
        Stmt st, db_->PrepareCached("SELECT replica_id, sites FROM tokens"
                                    " WHERE revoked=0 AND replica_id != ''"));
    for (;;) {
      RELAIS_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      live[st.ColumnText(0)] = SplitSites(st.ColumnText(1));
    }
  }
  std::map<std::string, uint64_t> acks;
  {
    RELAIS_ASSIGN_OR_RETURN(
        Stmt st, db_->PrepareCached("SELECT replica_id, pull_cursor FROM replica_acks"));
    for (;;) {
      RELAIS_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      acks[st.ColumnText(0)] = static_cast<uint64_t>(st.ColumnInt(1));
    }
  }
  std::map<std::string, uint64_t> previous;
  {
    RELAIS_ASSIGN_OR_RETURN(Stmt st,
                            db_->PrepareCached("SELECT site_id, horizon FROM purge_horizons"));
    for (;;) {
      RELAIS_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      previous[st.ColumnText(0)] = static_cast<uint64_t>(st.ColumnInt(1));
    }
  }
  std::set<std::string> sites(only.begin(), only.end());
  if (sites.empty()) {
    RELAIS_ASSIGN_OR_RETURN(Stmt st, db_->PrepareCached("SELECT DISTINCT site_id FROM records"));
    for (;;) {
      RELAIS_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      sites.insert(st.ColumnText(0));
    }
  }
  size_t budget = max_records;
  for (const std::string& site : sites) {
    const uint64_t prev = previous.count(site) ? previous[site] : 0;
    SitePurge sp{site, common::SiteHorizon(live, acks, previous, site, last), 0};
    if (sp.horizon > 0) {
      RELAIS_RETURN_IF_ERROR(PurgeSite(&sp, prev, &budget, dry_run, &report.more));
    }
    report.purged += sp.purged;
    report.sites.push_back(std::move(sp));
    if (report.more) break;
  }
  // Compaction of retired replicas (§11), with what the budget left, over
  // the horizons just stored (a dry run reads the previous ones).
  if (!report.more && budget > 0) {
    RELAIS_ASSIGN_OR_RETURN(std::set<std::string> compactable, CompactableIn(db_.get()));
    for (SitePurge& sp : report.sites) {
      RELAIS_RETURN_IF_ERROR(CompactSite(&sp, compactable, &budget, dry_run, &report.more));
      report.compacted += sp.compacted;
      if (report.more) break;
    }
  }
  if (dry_run) return report;  // the transaction rolls back
  RELAIS_RETURN_IF_ERROR(tx.Commit());
  // Outside the purge transaction, bounded (common/storage/vacuum.h). Best
  // effort: the purge is committed; free pages a failed release leaves are
  // taken by the next run.
  Result<int64_t> released = common::ReleaseFreePages(db_.get(), report.purged > 0);
  if (released.ok()) report.released_pages = *released;
  return report;
}

}  // namespace relais::server
