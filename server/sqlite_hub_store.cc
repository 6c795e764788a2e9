#include "server/sqlite_hub_store.h"

#include "server/pull_page.h"
#include "server/token.h"

#include <algorithm>
#include <iostream>
#include <sstream>

#include "common/codec/record_json.h"
#include "common/merge/accept.h"
#include "common/merge/vv_compact.h"
#include "common/model/schema.h"
#include "common/storage/vacuum.h"

namespace relais::server {

using common::Collection;
using common::Db;
using common::Stmt;
using common::Transaction;

namespace {

constexpr int64_t kApplicationId = 0x52454C48;  // 'RELH'

// Migration i brings the schema from version i to i + 1.
const char* const kMigrations[] = {
    // 0 -> 1
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE records(collection INTEGER NOT NULL, id TEXT NOT NULL,"
    " site_id TEXT NOT NULL, state TEXT NOT NULL, hub_seq INTEGER NOT NULL,"
    " origin TEXT NOT NULL DEFAULT '', PRIMARY KEY(collection, id));"
    "CREATE INDEX records_site_seq ON records(site_id, hub_seq);"
    "CREATE TABLE tokens(token_hash TEXT PRIMARY KEY, sites TEXT NOT NULL,"
    " replica_id TEXT NOT NULL DEFAULT '', revoked INTEGER NOT NULL DEFAULT 0,"
    " name TEXT NOT NULL DEFAULT '', created INTEGER NOT NULL);",
    // 1 -> 2: records keyed per site, in place (hub_seq, origin, meta and
    // tokens kept, so replicas re-send nothing); one token per replica id:
    // a later token bound to an id that an older one holds is revoked and
    // unbound, and named in meta identity_note for the operator.
    "CREATE TABLE records_v2(collection INTEGER NOT NULL, id TEXT NOT NULL,"
    " site_id TEXT NOT NULL, state TEXT NOT NULL, hub_seq INTEGER NOT NULL,"
    " origin TEXT NOT NULL DEFAULT '', PRIMARY KEY(site_id, collection, id));"
    "INSERT INTO records_v2(collection, id, site_id, state, hub_seq, origin)"
    " SELECT collection, id, site_id, state, hub_seq, origin FROM records;"
    "DROP TABLE records;"
    "ALTER TABLE records_v2 RENAME TO records;"
    "CREATE INDEX records_site_seq ON records(site_id, hub_seq);"
    "CREATE TEMP TABLE later_bindings AS SELECT t.token_hash FROM tokens t"
    " WHERE t.replica_id != '' AND EXISTS (SELECT 1 FROM tokens o WHERE"
    " o.replica_id = t.replica_id AND (o.created < t.created OR"
    " (o.created = t.created AND o.rowid < t.rowid)));"
    "INSERT OR REPLACE INTO meta(key, value) SELECT 'identity_note',"
    " group_concat('''' || name || ''' (' || substr(token_hash, 1, 12) ||"
    " ', réplique ' || replica_id || ')', ', ') FROM tokens WHERE token_hash"
    " IN (SELECT token_hash FROM later_bindings) HAVING count(*) > 0;"
    "UPDATE tokens SET revoked=1, replica_id='' WHERE token_hash IN"
    " (SELECT token_hash FROM later_bindings);"
    "DROP TABLE later_bindings;"
    "CREATE UNIQUE INDEX tokens_replica ON tokens(replica_id)"
    " WHERE replica_id != '';",
    // 2 -> 3: walk-in ticket letters, assigned from the next sync on.
    "CREATE TABLE ticket_letters(site_id TEXT NOT NULL, letter TEXT NOT NULL,"
    " replica_id TEXT NOT NULL, PRIMARY KEY(site_id, letter),"
    " UNIQUE(site_id, replica_id));",
    // 3 -> 4: history purge (docs/sync-model.md §11). Acknowledged pull
    // cursors per replica, stored purge horizon per site, and the
    // tombstones of each site in hub_seq order (a purge run reads only
    // those).
    "CREATE TABLE replica_acks(replica_id TEXT PRIMARY KEY,"
    " pull_cursor INTEGER NOT NULL, at_ms INTEGER NOT NULL);"
    "CREATE TABLE purge_horizons(site_id TEXT PRIMARY KEY,"
    " horizon INTEGER NOT NULL);"
    "CREATE INDEX records_tombstones ON records(site_id, hub_seq)"
    " WHERE instr(state, '\"_deleted\"') > 0;",
    // 4 -> 5: compaction of retired replicas' vector entries (§11): the
    // hub sequence at each token's revocation. A token revoked before this
    // version gets the current one (an upper bound: later is only safer).
    "ALTER TABLE tokens ADD COLUMN revoked_seq INTEGER NOT NULL DEFAULT 0;"
    "UPDATE tokens SET revoked_seq = coalesce((SELECT CAST(value AS INTEGER)"
    " FROM meta WHERE key='hub_seq'), 0) WHERE revoked != 0;",
};
static_assert(sizeof(kMigrations) / sizeof(kMigrations[0]) ==
              kHubSchemaVersion);

std::string Describe(const Record& r) {
  return std::string(common::CollectionName(r.collection)) + " '" + r.id + "'";
}

// The record (site_id, c, id) as stored, read through `db`.
Result<std::optional<StoredRecord>> GetFrom(Db* db, const std::string& site_id,
                                            Collection c, const std::string& id) {
  RELAIS_ASSIGN_OR_RETURN(
      Stmt st, db->PrepareCached("SELECT state, hub_seq, origin FROM records"
                                 " WHERE site_id=? AND collection=? AND id=?"));
  st.Bind(1, site_id).Bind(2, static_cast<int64_t>(c)).Bind(3, id);
  RELAIS_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<StoredRecord>();
  auto rec = common::DecodeRecordJson(st.ColumnText(0));
  if (!rec.ok())
    return Status::DataLoss("enregistrement du hub illisible: " + id);
  return std::optional<StoredRecord>(StoredRecord{
      std::move(rec).value(), static_cast<uint64_t>(st.ColumnInt(1)),
      st.ColumnText(2)});
}

Result<uint64_t> LastSeqIn(Db* db) {
  RELAIS_ASSIGN_OR_RETURN(
      Stmt st, db->PrepareCached("SELECT coalesce((SELECT CAST(value AS"
                                 " INTEGER) FROM meta WHERE key='hub_seq'), 0)"));
  RELAIS_ASSIGN_OR_RETURN(bool row, st.Step());
  return static_cast<uint64_t>(row ? st.ColumnInt(0) : 0);
}

Result<std::string> EpochIn(Db* db) {
  RELAIS_ASSIGN_OR_RETURN(
      Stmt st, db->PrepareCached("SELECT value FROM meta WHERE key='epoch'"));
  RELAIS_ASSIGN_OR_RETURN(bool row, st.Step());
  return row ? st.ColumnText(0) : std::string();
}

}  // namespace

bool Scope::Contains(const std::string& site) const {
  return std::binary_search(sites.begin(), sites.end(), site);
}

Result<std::unique_ptr<SqliteHubStore>> SqliteHubStore::Open(
    const std::string& path, bool create, common::Clock* clock,
    std::string* note) {
  RELAIS_ASSIGN_OR_RETURN(std::unique_ptr<Db> db, Db::Open(path, create));
  std::unique_ptr<SqliteHubStore> store(new SqliteHubStore(std::move(db), clock));
  RELAIS_RETURN_IF_ERROR(store->Migrate().WithContext(path));
  // A file created before issue #17 is switched once, before the readers
  // open (never fails the open; common/storage/vacuum.h).
  if (const std::string line = common::EnsureIncrementalVacuum(store->db_.get(), path);
      !line.empty())
    std::clog << "relais-hub: " << line << std::endl;
  // Readers only once the schema is current: they never see an old one.
  RELAIS_RETURN_IF_ERROR(store->OpenReaders(path));
  RELAIS_ASSIGN_OR_RETURN(std::string epoch, store->Epoch());
  if (epoch.empty()) RELAIS_RETURN_IF_ERROR(store->RenewEpoch());
  if (note) {
    RELAIS_ASSIGN_OR_RETURN(*note, store->TakeIdentityNote());
  }
  return store;
}

Status SqliteHubStore::OpenReaders(const std::string& path) {
  if (path.empty() || path == ":memory:") return Status::OK();
  for (size_t i = 0; i < kReaders; ++i) {
    RELAIS_ASSIGN_OR_RETURN(std::unique_ptr<Db> db, Db::OpenReader(path));
    readers_.push_back(std::make_unique<Reader>());
    readers_.back()->db = std::move(db);
  }
  return Status::OK();
}

SqliteHubStore::ReadLease SqliteHubStore::AcquireReader() {
  if (readers_.empty()) return ReadLease(std::unique_lock<std::mutex>(mu_), db_.get());
  const size_t first = next_reader_.fetch_add(1, std::memory_order_relaxed);
  for (size_t i = 0; i < readers_.size(); ++i) {
    Reader& r = *readers_[(first + i) % readers_.size()];
    std::unique_lock<std::mutex> lock(r.mu, std::try_to_lock);
    if (lock.owns_lock()) return ReadLease(std::move(lock), r.db.get());
  }
  Reader& r = *readers_[first % readers_.size()];
  return ReadLease(std::unique_lock<std::mutex>(r.mu), r.db.get());
}

Result<std::string> SqliteHubStore::TakeIdentityNote() {
  std::lock_guard<std::mutex> lock(mu_);
  RELAIS_ASSIGN_OR_RETURN(
      Stmt st, db_->Prepare("SELECT value FROM meta WHERE key='identity_note'"));
  RELAIS_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::string();
  const std::string tokens = st.ColumnText(0);
  RELAIS_RETURN_IF_ERROR(st.Reset());
  RELAIS_RETURN_IF_ERROR(db_->Exec("DELETE FROM meta WHERE key='identity_note'"));
  return "mise à jour du schéma du hub: jetons révoqués car liés à un"
         " identifiant de réplique déjà lié à un jeton plus ancien: " +
         tokens + "; pour une borne remplacée: relais-hub rebind --db <hub.db>"
         " --name <NOUVEAU_JETON> --replica <REPLIQUE>";
}

void SqliteHubStore::TEST_SetPushHook(std::function<void()> hook) {
  std::lock_guard<std::mutex> lock(mu_);
  push_hook_ = std::move(hook);
}

Status SqliteHubStore::Migrate() {
  return common::MigrateSchema(db_.get(), kApplicationId, kHubSchemaVersion, kMigrations,
                               "une base de hub Relais Santé", "relais-hub");
}

Result<std::optional<StoredRecord>> SqliteHubStore::GetLocked(
    const std::string& site_id, Collection c, const std::string& id) {
  return GetFrom(db_.get(), site_id, c, id);
}

Result<std::optional<StoredRecord>> SqliteHubStore::Get(
    const std::string& site_id, Collection c, const std::string& id) {
  ReadLease r = AcquireReader();
  return GetFrom(r.db(), site_id, c, id);
}

Result<uint64_t> SqliteHubStore::LastSeqLocked() { return LastSeqIn(db_.get()); }

Result<uint64_t> SqliteHubStore::LastSeq() {
  ReadLease r = AcquireReader();
  return LastSeqIn(r.db());
}

Result<std::string> SqliteHubStore::Epoch() {
  ReadLease r = AcquireReader();
  return EpochIn(r.db());
}

Status SqliteHubStore::TEST_LimitPages(int64_t pages) {
  std::lock_guard<std::mutex> lock(mu_);
  return db_->Exec("PRAGMA max_page_count=" + std::to_string(pages));
}

Status SqliteHubStore::RenewEpoch() {
  RELAIS_ASSIGN_OR_RETURN(std::string token, GenerateToken());
  std::lock_guard<std::mutex> lock(mu_);
  RELAIS_ASSIGN_OR_RETURN(
      Stmt st, db_->Prepare("INSERT INTO meta(key, value) VALUES('epoch', ?)"
                            " ON CONFLICT(key) DO UPDATE SET value=excluded.value"));
  st.Bind(1, token.substr(0, 16));
  return st.Run();
}

Status SqliteHubStore::PushOne(const Scope& scope, const Record& in,
                               const std::set<std::string>& compactable, uint64_t* seq,
                               PushResult* result) {
  if (!scope.Contains(in.site_id))
    return Status::PermissionDenied("site '" + in.site_id +
                                    "' hors du périmètre de ce jeton (" +
                                    Describe(in) + ")");
  ++result->accepted;
  RELAIS_ASSIGN_OR_RETURN(std::optional<StoredRecord> have,
                          GetLocked(in.site_id, in.collection, in.id));
  // Compaction (§11): an entry of a compactable retired replica that the
  // hub's state has lost does not come back with a push.
  std::optional<Record> compacted;
  if (have && !compactable.empty()) {
    compacted = in;
    if (common::CompactAgainst(&*compacted, have->record, compactable) == 0)
      compacted.reset();
  }
  const Record& pushed = compacted ? *compacted : in;
  // The acceptance rule shared by every store (common/merge/accept.h); it
  // also drops a settled tombstone of a record the hub does not hold (§11).
  RELAIS_ASSIGN_OR_RETURN(
      common::Acceptance acc,
      common::Accept(pushed, have ? &have->record : nullptr, scope.replica_id,
                     clock_->NowMillis(), limits_));
  result->ignored += acc.ignored;
  if (acc.skipped || !acc.changed) return Status::OK();  // no new hub_seq
  ++result->changed;
  ++*seq;
  const Record& state = acc.state();
  RELAIS_ASSIGN_OR_RETURN(
      Stmt st,
      db_->PrepareCached("INSERT INTO records(collection, id, site_id, state,"
                   " hub_seq, origin) VALUES(?,?,?,?,?,?)"
                   " ON CONFLICT(site_id, collection, id) DO UPDATE SET"
                   " state=excluded.state, hub_seq=excluded.hub_seq,"
                   " origin=excluded.origin"));
  st.Bind(1, static_cast<int64_t>(state.collection))
      .Bind(2, state.id)
      .Bind(3, state.site_id)
      .Bind(4, common::EncodeRecordJson(state))
      .Bind(5, static_cast<int64_t>(*seq))
      // Echo suppression: the pusher holds exactly this state (not when
      // compaction changed what it sent: it gets the compacted state back).
      .Bind(6, acc.exact && !compacted ? scope.replica_id : std::string());
  return st.Run();
}

Result<PushResult> SqliteHubStore::Push(const Scope& scope,
                                        const std::vector<Record>& batch) {
  PushResult result;
  if (batch.empty()) return result;
  std::lock_guard<std::mutex> lock(mu_);
  Transaction tx(db_.get());
  RELAIS_RETURN_IF_ERROR(tx.status());
  RELAIS_ASSIGN_OR_RETURN(uint64_t seq, LastSeqLocked());
  const uint64_t first = seq;
  RELAIS_ASSIGN_OR_RETURN(std::set<std::string> compactable, CompactableIn(db_.get()));
  for (const Record& r : batch)
    RELAIS_RETURN_IF_ERROR(PushOne(scope, r, compactable, &seq, &result));
  if (push_hook_) push_hook_();
  if (seq != first) {
    RELAIS_ASSIGN_OR_RETURN(
        Stmt st, db_->PrepareCached("INSERT INTO meta(key, value) VALUES('hub_seq', ?)"
                              " ON CONFLICT(key) DO UPDATE SET value=excluded.value"));
    st.Bind(1, std::to_string(seq));
    RELAIS_RETURN_IF_ERROR(st.Run());
  }
  RELAIS_RETURN_IF_ERROR(tx.Commit());
  return result;
}

namespace {
// Parameters: ?1..?sites the sites, then the hub_seq floor, the pulling
// replica ('' = leave nothing out) and the limit.
std::string PullSql(size_t sites) {
  std::string in;
  for (size_t i = 1; i <= sites; ++i) in += (i > 1 ? ",?" : "?") + std::to_string(i);
  const std::string after = "?" + std::to_string(sites + 1);
  const std::string replica = "?" + std::to_string(sites + 2);
  const std::string limit = "?" + std::to_string(sites + 3);
  return "SELECT state, hub_seq FROM records WHERE site_id IN (" + in +
         ") AND hub_seq > " + after + " AND (" + replica + " = '' OR origin != " +
         replica + ") ORDER BY hub_seq LIMIT " + limit;
}
}  // namespace

Result<PullResult> SqliteHubStore::Pull(const Scope& scope, uint64_t after,
                                        size_t max_records, size_t max_bytes) {
  PullResult out;
  max_records = std::max<size_t>(max_records, 1);
  ReadLease r = AcquireReader();
  Db* db = r.db();
  // The last sequence and the rows from ONE snapshot: read apart, a push
  // committed in between would move the cursor past rows never returned.
  common::ReadTransaction snapshot(db);
  RELAIS_RETURN_IF_ERROR(snapshot.status());
  RELAIS_ASSIGN_OR_RETURN(uint64_t last, LastSeqIn(db));
  out.last_seq = last;
  RELAIS_ASSIGN_OR_RETURN(out.epoch, EpochIn(db));
  if (scope.sites.empty()) return out;
  RELAIS_ASSIGN_OR_RETURN(Stmt st, db->PrepareCached(PullSql(scope.sites.size())));
  int i = 1;
  for (const std::string& s : scope.sites) st.Bind(i++, s);
  st.Bind(i, static_cast<int64_t>(after));
  st.Bind(i + 1, scope.replica_id);
  st.Bind(i + 2, static_cast<int64_t>(max_records + 1));
  PullPageBuilder page(&out, max_records, max_bytes);
  for (;;) {
    RELAIS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    RELAIS_ASSIGN_OR_RETURN(
        bool taken, page.Add(st.ColumnText(0), static_cast<uint64_t>(st.ColumnInt(1))));
    if (!taken) break;
  }
  page.Finish(after, last);
  return out;
}

Result<std::vector<std::string>> SqliteHubStore::Sites() {
  ReadLease r = AcquireReader();
  // A skip scan over records_site_seq: one index probe per site.
  RELAIS_ASSIGN_OR_RETURN(
      Stmt st, r.db()->PrepareCached(
                   "WITH RECURSIVE s(site) AS ("
                   " SELECT MIN(site_id) FROM records UNION ALL"
                   " SELECT (SELECT MIN(site_id) FROM records WHERE site_id > s.site)"
                   " FROM s WHERE s.site IS NOT NULL)"
                   " SELECT site FROM s WHERE site IS NOT NULL"));
  std::vector<std::string> out;
  for (;;) {
    RELAIS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back(st.ColumnText(0));
  }
  return out;
}

Result<std::string> SqliteHubStore::ExplainPull(size_t sites) {
  std::lock_guard<std::mutex> lock(mu_);
  RELAIS_ASSIGN_OR_RETURN(Stmt st,
                          db_->Prepare("EXPLAIN QUERY PLAN " + PullSql(sites)));
  std::string plan;
  for (;;) {
    RELAIS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    plan += st.ColumnText(3) + "\n";
  }
  return plan;
}

// Transport-level token check (HubService, before reading the message).
}  // namespace relais::server
