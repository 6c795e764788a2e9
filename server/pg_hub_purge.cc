// PgHubStore: history purge by causal stability (docs/sync-model.md §11),
// the PostgreSQL twin of sqlite_hub_purge.cc. Acknowledgements, horizons,
// and the bounded purge run.
//
// Several hubs on one database: a purge run is one transaction holding a
// database-wide advisory lock (runs are serialised: no double purge, and
// each run reads the horizons the previous one committed, so a horizon
// never moves back), then each purged site's push lock (the same
// pg_advisory_xact_lock key as PgHubStore::Push, taken in sorted order), so
// no push reads a tombstone the run is removing.
#include <algorithm>
#include <set>

#include <nlohmann/json.hpp>

#include "common/codec/record_json.h"
#include "common/merge/purge.h"
#include "server/pg_hub_store.h"
#include "server/pg_hub_vv_compact.h"
#include "server/token_rules.h"

namespace relais::server {

using pg::Params;
using pg::PgResult;
using pg::PgTransaction;

namespace {

// Same class as the push locks of pg_hub_store.cc ('RELH'); key 1 is the
// purge run's own lock (site keys are hashtext(site); a collision only
// makes a push wait for a purge run).
constexpr const char* kLockClass = "1380273224";

// Removes at most *budget settled tombstones of `site` with hub_seq <=
// site->horizon, and stores the horizon if it moved (unless dry_run).
Status PurgePgSite(pg::PgConn* c, SitePurge* site, uint64_t previous,
                   size_t* budget, bool dry_run, bool* more) {
  RELAIS_ASSIGN_OR_RETURN(
      PgResult l, c->Exec(std::string("SELECT pg_advisory_xact_lock(") + kLockClass +
                              ", hashtext($1))",
                          Params{site->site_id}));
  (void)l;
  RELAIS_ASSIGN_OR_RETURN(
      PgResult rows,
      c->Exec("SELECT collection, id, state, hub_seq FROM relais.records"
              " WHERE site_id = $1 AND hub_seq <= $2::bigint AND hub_seq > 0"
              " AND strpos(state, '\"_deleted\"') > 0 ORDER BY hub_seq",
              Params{site->site_id, std::to_string(site->horizon)}));
  nlohmann::json doomed = nlohmann::json::array();
  for (int i = 0; i < rows.rows(); ++i) {
    auto rec = common::DecodeRecordJson(rows.text(i, 2));
    if (!rec.ok()) return Status::DataLoss("enregistrement du hub illisible: " + rows.text(i, 1));
    if (!common::IsPurgeableTombstone(*rec)) continue;
    if (doomed.size() == *budget) {
      *more = true;
      break;
    }
    doomed.push_back({{"c", rows.int64(i, 0)}, {"i", rows.text(i, 1)}, {"q", rows.int64(i, 3)}});
  }
  *budget -= doomed.size();
  site->purged = static_cast<int>(doomed.size());
  if (dry_run) return Status::OK();
  if (!doomed.empty()) {
    // hub_seq in the key: a state written since the read is never removed.
    RELAIS_ASSIGN_OR_RETURN(
        PgResult del,
        c->Exec("DELETE FROM relais.records r USING json_to_recordset($2::json)"
                " AS x(c int, i text, q bigint) WHERE r.site_id = $1 AND"
                " r.collection = x.c AND r.id = x.i AND r.hub_seq = x.q",
                Params{site->site_id, doomed.dump()}));
    (void)del;
  }
  if (site->horizon == previous) return Status::OK();
  RELAIS_ASSIGN_OR_RETURN(
      PgResult put,
      c->Exec("INSERT INTO relais.purge_horizons AS p(site_id, horizon) VALUES ($1, $2::bigint)"
              " ON CONFLICT (site_id) DO UPDATE SET horizon ="
              " GREATEST(p.horizon, excluded.horizon)",
              Params{site->site_id, std::to_string(site->horizon)}));
  (void)put;
  return Status::OK();
}

}  // namespace

Result<bool> PgHubStore::RecordAck(const std::string& replica_id, uint64_t pull_cursor) {
  RELAIS_ASSIGN_OR_RETURN(pg::PgPool::Lease c, pool_.Acquire());
  // One statement: the row is written only when the cursor differs (most
  // syncs leave it where it was); RETURNING says whether it changed. An
  // equal stored value yields no row to insert, so there is no conflict
  // either: ON CONFLICT DO UPDATE ... WHERE would still lock the row, which
  // writes the tuple header and takes a transaction id (issue #17: a no-op
  // sync writes nothing).
  RELAIS_ASSIGN_OR_RETURN(
      PgResult r,
      c->Exec("INSERT INTO relais.replica_acks AS a(replica_id, pull_cursor, at_ms)"
              " SELECT $1::text, $2::bigint, $3::bigint WHERE NOT EXISTS (SELECT 1 FROM"
              " relais.replica_acks WHERE replica_id = $1 AND pull_cursor = $2::bigint)"
              " ON CONFLICT (replica_id) DO UPDATE"
              " SET pull_cursor = excluded.pull_cursor, at_ms = excluded.at_ms"
              " WHERE a.pull_cursor <> excluded.pull_cursor"
              " RETURNING 1",
              Params{replica_id, std::to_string(pull_cursor),
                     std::to_string(clock_->NowMillis())}));
  return r.rows() > 0;
}

Result<std::map<std::string, uint64_t>> PgHubStore::PurgeHorizons(
    const std::vector<std::string>& sites) {
  std::map<std::string, uint64_t> out;
  if (sites.empty()) return out;
  RELAIS_ASSIGN_OR_RETURN(pg::PgPool::Lease c, pool_.Acquire());
  RELAIS_ASSIGN_OR_RETURN(
      PgResult r, c->Exec("SELECT site_id, horizon FROM relais.purge_horizons"
                          " WHERE site_id = ANY($1::text[]) AND horizon > 0",
                          Params{pg::TextArray(sites)}));
  for (int i = 0; i < r.rows(); ++i) out[r.text(i, 0)] = static_cast<uint64_t>(r.int64(i, 1));
  return out;
}

Result<PurgeReport> PgHubStore::Purge(const std::vector<std::string>& only,
                                      size_t max_records, bool dry_run) {
  PurgeReport report;
  RELAIS_ASSIGN_OR_RETURN(pg::PgPool::Lease c, pool_.Acquire());
  PgTransaction tx(c.get());
  RELAIS_RETURN_IF_ERROR(tx.status());
  RELAIS_ASSIGN_OR_RETURN(
      PgResult lock, c->Exec(std::string("SELECT pg_advisory_xact_lock(") + kLockClass +
                             ", 1)"));
  (void)lock;
  // Read after the lock (READ COMMITTED): every earlier run is visible.
  // The last final position (PgHubStore::LastSeq, on this connection).
  RELAIS_ASSIGN_OR_RETURN(
      PgResult hz, c->Exec("SELECT (SELECT value::bigint FROM relais.meta WHERE key ="
                           " 'seq_base') + (pg_snapshot_xmin(pg_current_snapshot())"
                           "::text::bigint << 20) - 1"));
  const uint64_t last = static_cast<uint64_t>(std::max<int64_t>(hz.int64(0, 0), 0));
  // Live replicas (bound, not revoked) and the sites each holds.
  std::map<std::string, std::vector<std::string>> live;
  {
    RELAIS_ASSIGN_OR_RETURN(
        PgResult r, c->Exec("SELECT replica_id, sites FROM relais.tokens"
                            " WHERE NOT revoked AND replica_id <> ''"));
    for (int i = 0; i < r.rows(); ++i) live[r.text(i, 0)] = SplitSites(r.text(i, 1));
  }
  std::map<std::string, uint64_t> acks;
  {
    RELAIS_ASSIGN_OR_RETURN(
        PgResult r, c->Exec("SELECT replica_id, pull_cursor FROM relais.replica_acks"));
    for (int i = 0; i < r.rows(); ++i) acks[r.text(i, 0)] = static_cast<uint64_t>(r.int64(i, 1));
  }
  std::map<std::string, uint64_t> previous;
  {
    RELAIS_ASSIGN_OR_RETURN(
        PgResult r, c->Exec("SELECT site_id, horizon FROM relais.purge_horizons"));
    for (int i = 0; i < r.rows(); ++i)
      previous[r.text(i, 0)] = static_cast<uint64_t>(r.int64(i, 1));
  }
  std::set<std::string> sites(only.begin(), only.end());
  if (sites.empty()) {
    RELAIS_ASSIGN_OR_RETURN(
        PgResult r, c->Exec("SELECT DISTINCT site_id FROM relais.records"));
    for (int i = 0; i < r.rows(); ++i) sites.insert(r.text(i, 0));
  }
  size_t budget = max_records;
  for (const std::string& site : sites) {  // sorted: site locks in order
    const uint64_t prev = previous.count(site) ? previous[site] : 0;
    SitePurge sp{site, common::SiteHorizon(live, acks, previous, site, last), 0};
    if (sp.horizon > 0) {
      RELAIS_RETURN_IF_ERROR(
          PurgePgSite(c.get(), &sp, prev, &budget, dry_run, &report.more));
    }
    report.purged += sp.purged;
    report.sites.push_back(std::move(sp));
    if (report.more) break;
  }
  // Compaction of retired replicas (§11), with what the budget left, over
  // the horizons just stored (a dry run reads the previous ones). Each
  // site's push lock is held since its tombstone pass.
  if (!report.more && budget > 0) {
    RELAIS_ASSIGN_OR_RETURN(std::set<std::string> compactable, PgCompactable(c.get()));
    for (SitePurge& sp : report.sites) {
      if (sp.horizon == 0) continue;  // its lock was not taken
      RELAIS_RETURN_IF_ERROR(
          CompactPgSite(c.get(), &sp, compactable, &budget, dry_run, &report.more));
      report.compacted += sp.compacted;
      if (report.more) break;
    }
  }
  if (dry_run) return report;  // the transaction rolls back
  RELAIS_RETURN_IF_ERROR(tx.Commit());
  return report;
}

}  // namespace relais::server
