#pragma once
// PgHubStore: compaction of retired replicas' version-vector entries
// (docs/sync-model.md §11 « Compaction »), the PostgreSQL twin of
// sqlite_hub_vv_compact.cc. Used by the purge run (pg_hub_purge.cc).

#include <set>
#include <string>

#include "server/hub_store.h"
#include "server/pg_conn.h"

namespace relais::server {

// Retired replicas (revoked token still holding its id) whose entries are
// compactable (common::CompactableReplicas over the stored horizons), read
// through `c`.
Result<std::set<std::string>> PgCompactable(pg::PgConn* c);

// Rewrites, keeping their hub_seq, at most *budget states of `site` with
// hub_seq <= site->horizon whose vector holds an entry of `compactable`
// that no sibling names (common::CompactRetired). REQUIRES: open
// transaction holding the site's push lock.
Status CompactPgSite(pg::PgConn* c, SitePurge* site, const std::set<std::string>& compactable,
                     size_t* budget, bool dry_run, bool* more);

}  // namespace relais::server
