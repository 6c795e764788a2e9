#include "server/pg_hub_store.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include <nlohmann/json.hpp>

#include "common/codec/record_json.h"
#include "common/merge/vv_compact.h"
#include "common/model/schema.h"
#include "server/pg_hub_vv_compact.h"
#include "server/pull_page.h"
#include "server/token.h"

namespace relais::server {

using common::Collection;
using pg::Params;
using pg::PgResult;
using pg::PgTransaction;

namespace {

// Key of pg_advisory_xact_lock(int, int) locks taken by pushes ('RELH').
constexpr const char* kLockClass = "1380273224";

const char* const kSchemaV1 =
    "CREATE SCHEMA IF NOT EXISTS relais;"
    "CREATE TABLE relais.meta(key text PRIMARY KEY, value text NOT NULL);"
    "CREATE TABLE relais.records(site_id text NOT NULL, collection int NOT NULL,"
    " id text NOT NULL, state text NOT NULL, hub_seq bigint NOT NULL,"
    " origin text NOT NULL DEFAULT '', PRIMARY KEY(site_id, collection, id));"
    "CREATE INDEX records_site_seq ON relais.records(site_id, hub_seq);"
    "CREATE TABLE relais.tokens(token_hash text PRIMARY KEY, sites text NOT NULL,"
    " replica_id text NOT NULL DEFAULT '', revoked boolean NOT NULL DEFAULT false,"
    " name text NOT NULL DEFAULT '', created bigint NOT NULL);"
    "CREATE UNIQUE INDEX tokens_replica ON relais.tokens(replica_id)"
    " WHERE replica_id <> '';"
    "CREATE UNIQUE INDEX tokens_name ON relais.tokens(name) WHERE name <> '';"
    "INSERT INTO relais.meta(key, value) VALUES ('application', 'relais-hub'),"
    " ('schema_version', '1'), ('seq_base', '0');";
// Version 1 -> 2 (run under the creation lock, so once).
const char* const kSchemaV2 =
    "CREATE TABLE relais.ticket_letters(site_id text NOT NULL, letter text NOT NULL,"
    " replica_id text NOT NULL, PRIMARY KEY(site_id, letter),"
    " UNIQUE(site_id, replica_id));"
    "UPDATE relais.meta SET value = '2' WHERE key = 'schema_version';";
// Version 2 -> 3: history purge (docs/sync-model.md §11). Acknowledged pull
// cursor per replica, stored purge horizon per site, and the tombstones of
// each site in hub_seq order (a purge run reads only those).
const char* const kSchemaV3 =
    "CREATE TABLE relais.replica_acks(replica_id text PRIMARY KEY,"
    " pull_cursor bigint NOT NULL, at_ms bigint NOT NULL);"
    "CREATE TABLE relais.purge_horizons(site_id text PRIMARY KEY,"
    " horizon bigint NOT NULL);"
    "CREATE INDEX records_tombstones ON relais.records(site_id, hub_seq)"
    " WHERE strpos(state, '\"_deleted\"') > 0;"
    "UPDATE relais.meta SET value = '3' WHERE key = 'schema_version';";
// Version 3 -> 4: compaction of retired replicas (§11): the position at
// each token's revocation (tokens revoked before: the current one).
const char* const kSchemaV4 =
    "ALTER TABLE relais.tokens ADD COLUMN IF NOT EXISTS revoked_seq bigint NOT NULL DEFAULT 0;"
    "UPDATE relais.tokens SET revoked_seq = GREATEST(0, (SELECT value::bigint"
    " FROM relais.meta WHERE key = 'seq_base') + (pg_snapshot_xmin("
    "pg_current_snapshot())::text::bigint << 20) - 1) WHERE revoked;"
    "UPDATE relais.meta SET value = '4' WHERE key = 'schema_version';";

std::string Describe(const Record& r) {
  return std::string(common::CollectionName(r.collection)) + " '" + r.id + "'";
}

using Key = std::tuple<std::string, int, std::string>;  // site, collection, id
Key KeyOf(const Record& r) {
  return {r.site_id, static_cast<int>(r.collection), r.id};
}

// The horizon expression: every position <= it is final (see the header).
// seq_base is read from the database in the same statement: hubs keep no
// state of their own.
constexpr const char* kSeqBase =
    "(SELECT value::bigint FROM relais.meta WHERE key = 'seq_base')";
const std::string kHorizon = std::string("(") + kSeqBase +
    " + (pg_snapshot_xmin(pg_current_snapshot())::text::bigint << 20) - 1)";

// The pull: ONE statement, so ONE snapshot for the horizon, the epoch and
// the rows; the outer join always yields the first row (horizon, epoch).
// $1 sites (text[]), $2 cursor, $3 pulling replica ('' = none), $4 limit.
// Writes a new random epoch through `c` (in the caller's transaction, if
// any).
Status WriteNewEpoch(pg::PgConn* c) {
  RELAIS_ASSIGN_OR_RETURN(std::string token, GenerateToken());
  RELAIS_ASSIGN_OR_RETURN(
      PgResult r, c->Exec("INSERT INTO relais.meta(key, value) VALUES ('epoch', $1)"
                          " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                          Params{token.substr(0, 16)}));
  (void)r;
  return Status::OK();
}

// Columns: horizon, epoch, top, then state and hub_seq of each row. The
// top is the largest position <= horizon of any record of the sites, own
// echoes included (one backward probe of records_site_seq per site), or
// the sites' largest purge horizon if higher (capped by the horizon): a
// purge may have removed the records up there, and a cursor below a purge
// horizon reads as a replica restored from a backup (§11).
const std::string& PullSql() {
  static const std::string sql = "WITH hz AS (SELECT " + kHorizon +
         " AS h, (SELECT value FROM relais.meta WHERE key = 'epoch') AS e,"
         " (SELECT coalesce(max(horizon), 0) FROM relais.purge_horizons WHERE"
         " site_id = ANY($1::text[])) AS p),"
         " top AS (SELECT max(t.hub_seq) AS m FROM hz, unnest($1::text[]) AS u(site)"
         " CROSS JOIN LATERAL (SELECT hub_seq FROM relais.records WHERE site_id ="
         " u.site AND hub_seq <= hz.h ORDER BY hub_seq DESC LIMIT 1) t)"
         " SELECT hz.h, hz.e, GREATEST(top.m, LEAST(hz.p, hz.h)), r.state, r.hub_seq"
         " FROM hz CROSS JOIN top LEFT JOIN LATERAL"
         " (SELECT state, hub_seq FROM relais.records WHERE site_id ="
         " ANY($1::text[]) AND hub_seq > $2::bigint AND hub_seq <= hz.h AND"
         " ($3 = '' OR origin <> $3) ORDER BY hub_seq LIMIT $4) r ON true"
         " ORDER BY r.hub_seq";
  return sql;
}

}  // namespace

Result<std::string> PgHubStore::ExplainPull(const Scope& scope, uint64_t after) {
  RELAIS_ASSIGN_OR_RETURN(pg::PgPool::Lease c, pool_.Acquire());
  RELAIS_ASSIGN_OR_RETURN(
      PgResult r, c->Exec("EXPLAIN " + PullSql(),
                          Params{pg::TextArray(scope.sites), std::to_string(after),
                                 scope.replica_id, "1001"}));
  std::string plan;
  for (int i = 0; i < r.rows(); ++i) plan += r.text(i, 0) + "\n";
  return plan;
}

Result<std::unique_ptr<PgHubStore>> PgHubStore::Open(const std::string& conninfo,
                                                     common::Clock* clock,
                                                     size_t pool_size) {
  std::unique_ptr<PgHubStore> store(
      new PgHubStore(conninfo, clock, std::max<size_t>(pool_size, 1)));
  RELAIS_RETURN_IF_ERROR(store->CreateOrCheckSchema());
  return store;
}

Status PgHubStore::CreateOrCheckSchema() {
  RELAIS_ASSIGN_OR_RETURN(pg::PgPool::Lease c, pool_.Acquire());
  PgTransaction tx(c.get());
  RELAIS_RETURN_IF_ERROR(tx.status());
  // Hubs starting together: one creates, the others wait and then check.
  RELAIS_ASSIGN_OR_RETURN(
      PgResult lock, c->Exec(std::string("SELECT pg_advisory_xact_lock(") +
                             kLockClass + ", 0)"));
  RELAIS_ASSIGN_OR_RETURN(
      PgResult has, c->Exec("SELECT to_regclass('relais.meta') IS NOT NULL"));
  if (has.text(0, 0) != "t") {
    RELAIS_ASSIGN_OR_RETURN(PgResult made, c->Exec(kSchemaV1));
    (void)made;
  }
  RELAIS_ASSIGN_OR_RETURN(
      PgResult meta,
      c->Exec("SELECT key, value FROM relais.meta WHERE key IN"
              " ('application', 'schema_version', 'seq_base', 'epoch')"));
  std::map<std::string, std::string> m;
  for (int i = 0; i < meta.rows(); ++i) m[meta.text(i, 0)] = meta.text(i, 1);
  if (m["application"] != "relais-hub")
    return Status::FailedPrecondition(
        "la base PostgreSQL a un schéma « relais » qui n'est pas celui d'un hub"
        " Relais Santé");
  const int version = std::atoi(m["schema_version"].c_str());
  if (version > kPgHubSchemaVersion)
    return Status::FailedPrecondition(
        "la base PostgreSQL du hub vient d'une version plus récente de"
        " relais-hub (schéma " + m["schema_version"] + "); mettez ce hub à jour");
  if (version < 1) return Status::DataLoss("schéma du hub PostgreSQL illisible");
  if (version < 2) {
    RELAIS_ASSIGN_OR_RETURN(PgResult v2, c->Exec(kSchemaV2));
    (void)v2;
  }
  if (version < 3) {
    RELAIS_ASSIGN_OR_RETURN(PgResult v3, c->Exec(kSchemaV3));
    (void)v3;
  }
  if (version < 4) {
    RELAIS_ASSIGN_OR_RETURN(PgResult v4, c->Exec(kSchemaV4));
    (void)v4;
  }
  if (m["epoch"].empty()) {
    // A new database (or one whose epoch was removed): the epoch is made in
    // the same locked transaction, so hubs opening it together agree on it.
    RELAIS_RETURN_IF_ERROR(WriteNewEpoch(c.get()));
  }
  return tx.Commit();
}

void PgHubStore::TEST_SetPushHook(std::function<void()> hook) {
  std::lock_guard<std::mutex> lock(hook_mu_);
  push_hook_ = std::move(hook);
}

Result<PushResult> PgHubStore::Push(const Scope& scope,
                                    const std::vector<Record>& batch) {
  PushResult result;
  if (batch.empty()) return result;
  // Scope first, in batch order: nothing is read for a batch that fails.
  std::vector<std::string> sites;
  for (const Record& r : batch) {
    if (!scope.Contains(r.site_id))
      return Status::PermissionDenied("site '" + r.site_id +
                                      "' hors du périmètre de ce jeton (" +
                                      Describe(r) + ")");
    sites.push_back(r.site_id);
  }
  std::sort(sites.begin(), sites.end());
  sites.erase(std::unique(sites.begin(), sites.end()), sites.end());

  RELAIS_ASSIGN_OR_RETURN(pg::PgPool::Lease c, pool_.Acquire());
  PgTransaction tx(c.get());
  RELAIS_RETURN_IF_ERROR(tx.status());
  // Per-site locks, in sorted order (no deadlock between hubs), taken
  // before the transaction has an xid: waiting here holds back no pull.
  for (const std::string& s : sites) {
    RELAIS_ASSIGN_OR_RETURN(
        PgResult l, c->Exec(std::string("SELECT pg_advisory_xact_lock(") +
                                kLockClass + ", hashtext($1))",
                            Params{s}));
    (void)l;
  }
  // The current states, read under the locks (READ COMMITTED: this
  // statement sees every push of these sites committed before).
  nlohmann::json keys = nlohmann::json::array();
  for (const Record& r : batch)
    keys.push_back({{"s", r.site_id}, {"c", static_cast<int>(r.collection)}, {"i", r.id}});
  RELAIS_ASSIGN_OR_RETURN(
      PgResult have_rows,
      c->Exec("SELECT r.site_id, r.collection, r.id, r.state FROM relais.records r"
              " JOIN (SELECT DISTINCT s, c, i FROM json_to_recordset($1::json)"
              " AS k(s text, c int, i text)) k ON r.site_id = k.s AND"
              " r.collection = k.c AND r.id = k.i",
              Params{keys.dump()}));
  std::map<Key, Record> have;
  for (int i = 0; i < have_rows.rows(); ++i) {
    auto rec = common::DecodeRecordJson(have_rows.text(i, 3));
    if (!rec.ok())
      return Status::DataLoss("enregistrement du hub illisible: " + have_rows.text(i, 2));
    have.emplace(Key{have_rows.text(i, 0), static_cast<int>(have_rows.int64(i, 1)),
                     have_rows.text(i, 2)},
                 std::move(rec).value());
  }
  // The acceptance rule shared by every store, record by record, each
  // against the state left by the previous ones of the batch.
  struct Change {
    std::string state_json, origin;
    int index;  // i of the position
  };
  std::map<Key, Change> changes;
  int index = 0;
  // Compaction (§11, pg_hub_vv_compact.h): entries the hub's state has lost
  // do not come back with a push.
  RELAIS_ASSIGN_OR_RETURN(std::set<std::string> compactable, PgCompactable(c.get()));
  for (const Record& in_sent : batch) {
    ++result.accepted;
    const Key key = KeyOf(in_sent);
    auto it = have.find(key);
    Record stripped;
    const bool compacted = it != have.end() && !compactable.empty() &&
                           common::CompactAgainst(&(stripped = in_sent), it->second,
                                                  compactable) > 0;
    const Record& in = compacted ? stripped : in_sent;
    // The acceptance rule shared by every store; it also drops a settled
    // tombstone of a record the hub does not hold (§11).
    RELAIS_ASSIGN_OR_RETURN(
        common::Acceptance acc,
        common::Accept(in, it != have.end() ? &it->second : nullptr,
                       scope.replica_id, clock_->NowMillis(), limits_));
    result.ignored += acc.ignored;
    if (acc.skipped || !acc.changed) continue;
    ++result.changed;
    Record state = acc.state();  // a copy: it may point into `have`
    changes[key] = Change{common::EncodeRecordJson(state),
                          acc.exact && !compacted ? scope.replica_id : std::string(),
                          ++index};
    have[key] = std::move(state);
  }
  if (index >= (1 << kPgSeqShift))
    return Status::InvalidArgument("lot trop grand pour une transaction");
  if (!changes.empty()) {
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& [key, ch] : changes)
      rows.push_back({{"s", std::get<0>(key)}, {"c", std::get<1>(key)},
                      {"i", std::get<2>(key)}, {"st", ch.state_json},
                      {"n", ch.index}, {"o", ch.origin}});
    // Positions from this transaction's xid (assigned here, after the locks).
    RELAIS_ASSIGN_OR_RETURN(
        PgResult up,
        c->Exec("INSERT INTO relais.records(site_id, collection, id, state, hub_seq,"
                " origin) SELECT x.s, x.c, x.i, x.st, " + std::string(kSeqBase) + " +"
                " (pg_current_xact_id()::text::bigint << 20) + x.n, x.o"
                " FROM json_to_recordset($1::json) AS x(s text, c int, i text,"
                " st text, n int, o text) ON CONFLICT (site_id, collection, id)"
                " DO UPDATE SET state = excluded.state, hub_seq = excluded.hub_seq,"
                " origin = excluded.origin",
                Params{rows.dump()}));
    (void)up;
  }
  {
    std::function<void()> hook;
    {
      std::lock_guard<std::mutex> lock(hook_mu_);
      hook = push_hook_;
    }
    if (hook) hook();
  }
  RELAIS_RETURN_IF_ERROR(tx.Commit());
  return result;
}

Result<PullResult> PgHubStore::Pull(const Scope& scope, uint64_t after,
                                    size_t max_records, size_t max_bytes) {
  PullResult out;
  max_records = std::max<size_t>(max_records, 1);
  RELAIS_ASSIGN_OR_RETURN(pg::PgPool::Lease c, pool_.Acquire());
  RELAIS_ASSIGN_OR_RETURN(
      PgResult rows,
      c->Exec(PullSql(),
              Params{pg::TextArray(scope.sites),
                     std::to_string(after), scope.replica_id,
                     std::to_string(max_records + 1)}));
  if (rows.rows() == 0) return Status::Internal("horizon PostgreSQL absent");
  const uint64_t last = static_cast<uint64_t>(std::max<int64_t>(rows.int64(0, 0), 0));
  out.last_seq = last;
  out.epoch = rows.text(0, 1);
  // A complete pull ends at the scope's top, not at the horizon: the
  // horizon follows transaction ids and moves with every transaction of
  // the database, the top only when a record of the scope changes, so a
  // sync that changes nothing returns the cursor it was given and nothing
  // is written (no new acknowledgement, no replica meta; issue #17).
  // Nothing is skipped: every state of the scope not yet delivered has a
  // position above the top (it was not in the snapshot: above the horizon)
  // or at most the top and then it is in this page, or purged (see the
  // header).
  const uint64_t top =
      rows.is_null(0, 2) ? 0 : static_cast<uint64_t>(std::max<int64_t>(rows.int64(0, 2), 0));
  PullPageBuilder page(&out, max_records, max_bytes);
  for (int i = 0; i < rows.rows() && !rows.is_null(i, 3); ++i) {
    RELAIS_ASSIGN_OR_RETURN(
        bool taken, page.Add(rows.text(i, 3), static_cast<uint64_t>(rows.int64(i, 4))));
    if (!taken) break;
  }
  page.Finish(after, top);
  return out;
}

Result<std::optional<StoredRecord>> PgHubStore::Get(const std::string& site_id,
                                                    Collection c,
                                                    const std::string& id) {
  RELAIS_ASSIGN_OR_RETURN(pg::PgPool::Lease conn, pool_.Acquire());
  RELAIS_ASSIGN_OR_RETURN(
      PgResult r, conn->Exec("SELECT state, hub_seq, origin FROM relais.records"
                             " WHERE site_id = $1 AND collection = $2 AND id = $3",
                             Params{site_id, std::to_string(static_cast<int>(c)), id}));
  if (r.rows() == 0) return std::optional<StoredRecord>();
  auto rec = common::DecodeRecordJson(r.text(0, 0));
  if (!rec.ok()) return Status::DataLoss("enregistrement du hub illisible: " + id);
  return std::optional<StoredRecord>(StoredRecord{
      std::move(rec).value(), static_cast<uint64_t>(r.int64(0, 1)), r.text(0, 2)});
}

Result<uint64_t> PgHubStore::LastSeq() {
  RELAIS_ASSIGN_OR_RETURN(pg::PgPool::Lease c, pool_.Acquire());
  RELAIS_ASSIGN_OR_RETURN(
      PgResult r, c->Exec("SELECT " + kHorizon));
  return static_cast<uint64_t>(std::max<int64_t>(r.int64(0, 0), 0));
}

Result<std::vector<std::string>> PgHubStore::Sites() {
  RELAIS_ASSIGN_OR_RETURN(pg::PgPool::Lease c, pool_.Acquire());
  // A loose index scan over records' primary key: one probe per site.
  RELAIS_ASSIGN_OR_RETURN(
      PgResult r,
      c->Exec("WITH RECURSIVE s(site) AS ("
              " (SELECT min(site_id) FROM relais.records) UNION ALL"
              " SELECT (SELECT min(site_id) FROM relais.records WHERE site_id > s.site)"
              " FROM s WHERE s.site IS NOT NULL)"
              " SELECT site FROM s WHERE site IS NOT NULL"));
  std::vector<std::string> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(r.text(i, 0));
  return out;
}

Result<std::string> PgHubStore::Epoch() {
  RELAIS_ASSIGN_OR_RETURN(pg::PgPool::Lease c, pool_.Acquire());
  RELAIS_ASSIGN_OR_RETURN(
      PgResult r, c->Exec("SELECT value FROM relais.meta WHERE key = 'epoch'"));
  return r.rows() ? r.text(0, 0) : std::string();
}

Status PgHubStore::RenewEpoch() {
  RELAIS_ASSIGN_OR_RETURN(pg::PgPool::Lease c, pool_.Acquire());
  return WriteNewEpoch(c.get());
}

}  // namespace relais::server
