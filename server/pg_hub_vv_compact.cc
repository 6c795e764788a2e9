#include "server/pg_hub_vv_compact.h"

#include <map>

#include <nlohmann/json.hpp>

#include "common/codec/record_json.h"
#include "common/merge/vv_compact.h"
#include "server/pg_hub_store.h"
#include "server/token_rules.h"

namespace relais::server {

using pg::Params;
using pg::PgResult;

Result<std::set<std::string>> PgCompactable(pg::PgConn* c) {
  std::map<std::string, common::RetiredReplica> retired;
  {
    RELAIS_ASSIGN_OR_RETURN(
        PgResult r, c->Exec("SELECT replica_id, sites, revoked_seq FROM relais.tokens"
                            " WHERE revoked AND replica_id <> ''"));
    for (int i = 0; i < r.rows(); ++i)
      retired[r.text(i, 0)] = common::RetiredReplica{static_cast<uint64_t>(r.int64(i, 2)),
                                                     SplitSites(r.text(i, 1))};
  }
  if (retired.empty()) return std::set<std::string>();
  std::map<std::string, uint64_t> horizons;
  RELAIS_ASSIGN_OR_RETURN(PgResult r,
                          c->Exec("SELECT site_id, horizon FROM relais.purge_horizons"));
  for (int i = 0; i < r.rows(); ++i)
    horizons[r.text(i, 0)] = static_cast<uint64_t>(r.int64(i, 1));
  return common::CompactableReplicas(retired, horizons);
}

Status CompactPgSite(pg::PgConn* c, SitePurge* site, const std::set<std::string>& compactable,
                     size_t* budget, bool dry_run, bool* more) {
  if (compactable.empty() || site->horizon == 0) return Status::OK();
  std::map<std::pair<int64_t, std::string>, std::pair<int64_t, Record>> rewrite;
  for (const std::string& replica : compactable) {
    // "id": in the canonical JSON is a vector key (a dot writes "id",).
    RELAIS_ASSIGN_OR_RETURN(
        PgResult rows,
        c->Exec("SELECT collection, id, state, hub_seq FROM relais.records"
                " WHERE site_id = $1 AND hub_seq <= $2::bigint AND hub_seq > 0"
                " AND strpos(state, $3) > 0 ORDER BY hub_seq",
                Params{site->site_id, std::to_string(site->horizon), "\"" + replica + "\":"}));
    for (int i = 0; i < rows.rows(); ++i) {
      const std::pair<int64_t, std::string> key(rows.int64(i, 0), rows.text(i, 1));
      if (rewrite.count(key)) continue;
      auto rec = common::DecodeRecordJson(rows.text(i, 2));
      if (!rec.ok()) return Status::DataLoss("enregistrement du hub illisible: " + key.second);
      if (common::CompactRetired(&*rec, compactable) == 0) continue;
      if (rewrite.size() == *budget) {
        *more = true;
        break;
      }
      rewrite.emplace(key, std::make_pair(rows.int64(i, 3), std::move(rec).value()));
    }
    if (*more) break;
  }
  *budget -= rewrite.size();
  site->compacted = static_cast<int>(rewrite.size());
  if (dry_run || rewrite.empty()) return Status::OK();
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& [key, v] : rewrite)
    rows.push_back({{"c", key.first}, {"i", key.second}, {"q", v.first},
                    {"st", common::EncodeRecordJson(v.second)}});
  // hub_seq in the key: a state written since the read is left alone.
  RELAIS_ASSIGN_OR_RETURN(
      PgResult put,
      c->Exec("UPDATE relais.records r SET state = x.st FROM json_to_recordset($2::json)"
              " AS x(c int, i text, q bigint, st text) WHERE r.site_id = $1 AND"
              " r.collection = x.c AND r.id = x.i AND r.hub_seq = x.q",
              Params{site->site_id, rows.dump()}));
  (void)put;
  return Status::OK();
}

Result<std::vector<std::string>> PgHubStore::CompactedReplicas() {
  RELAIS_ASSIGN_OR_RETURN(pg::PgPool::Lease c, pool_.Acquire());
  RELAIS_ASSIGN_OR_RETURN(std::set<std::string> ids, PgCompactable(c.get()));
  return std::vector<std::string>(ids.begin(), ids.end());
}

}  // namespace relais::server
