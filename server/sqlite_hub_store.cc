#include "server/sqlite_hub_store.h"

#include "server/token.h"

#include <algorithm>
#include <sstream>

#include "common/codec/record_json.h"
#include "common/merge/accept.h"
#include "common/model/schema.h"

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
};
static_assert(sizeof(kMigrations) / sizeof(kMigrations[0]) ==
              kHubSchemaVersion);

std::string JoinSites(const std::vector<std::string>& sites) {
  std::string out;
  for (const std::string& s : sites) out += (out.empty() ? "" : ",") + s;
  return out;
}

std::vector<std::string> SplitSites(const std::string& list) {
  std::vector<std::string> out;
  std::stringstream in(list);
  for (std::string s; std::getline(in, s, ',');)
    if (!s.empty()) out.push_back(s);
  std::sort(out.begin(), out.end());
  return out;
}

std::string Describe(const Record& r) {
  return std::string(common::CollectionName(r.collection)) + " '" + r.id + "'";
}

}  // namespace

bool IsValidHubSiteId(const std::string& site) {
  if (site.empty() || site.size() > 64) return false;
  return std::all_of(site.begin(), site.end(), [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
           (ch >= '0' && ch <= '9') || ch == '_' || ch == '-';
  });
}

bool Scope::Contains(const std::string& site) const {
  return std::binary_search(sites.begin(), sites.end(), site);
}

Result<std::unique_ptr<SqliteHubStore>> SqliteHubStore::Open(
    const std::string& path, bool create, common::Clock* clock) {
  RELAIS_ASSIGN_OR_RETURN(std::unique_ptr<Db> db, Db::Open(path, create));
  std::unique_ptr<SqliteHubStore> store(new SqliteHubStore(std::move(db), clock));
  RELAIS_RETURN_IF_ERROR(store->Migrate().WithContext(path));
  RELAIS_ASSIGN_OR_RETURN(std::string epoch, store->Epoch());
  if (epoch.empty()) RELAIS_RETURN_IF_ERROR(store->RenewEpoch());
  return store;
}

Status SqliteHubStore::Migrate() {
  return common::MigrateSchema(db_.get(), kApplicationId, kHubSchemaVersion, kMigrations,
                               "une base de hub Relais Santé", "relais-hub");
}

Status SqliteHubStore::AddToken(const TokenInfo& token) {
  if (token.sites.empty())
    return Status::InvalidArgument("au moins un site est requis");
  for (const std::string& s : token.sites)
    if (!IsValidHubSiteId(s))
      return Status::InvalidArgument("identifiant de site invalide: '" + s + "'");
  std::lock_guard<std::mutex> lock(mu_);
  Transaction tx(db_.get());
  RELAIS_RETURN_IF_ERROR(tx.status());
  if (!token.name.empty()) {
    RELAIS_ASSIGN_OR_RETURN(Stmt q,
                            db_->Prepare("SELECT 1 FROM tokens WHERE name=?"));
    q.Bind(1, token.name);
    RELAIS_ASSIGN_OR_RETURN(bool taken, q.Step());
    if (taken)
      return Status::AlreadyExists("un jeton porte déjà le nom '" +
                                   token.name + "'");
  }
  RELAIS_ASSIGN_OR_RETURN(
      Stmt st, db_->Prepare("INSERT INTO tokens(token_hash, sites, replica_id,"
                            " revoked, name, created) VALUES(?,?,?,?,?,?)"));
  std::vector<std::string> sites = token.sites;
  std::sort(sites.begin(), sites.end());
  sites.erase(std::unique(sites.begin(), sites.end()), sites.end());
  st.Bind(1, token.token_hash)
      .Bind(2, JoinSites(sites))
      .Bind(3, token.replica_id)
      .Bind(4, int64_t{token.revoked ? 1 : 0})
      .Bind(5, token.name)
      .Bind(6, token.created_ms);
  Status s = st.Run();
  if (!s.ok())
    return s.code() == common::StatusCode::kInternal
               ? Status::AlreadyExists("jeton déjà enregistré")
               : s;
  return tx.Commit();
}

Status SqliteHubStore::Revoke(const std::string& token_hash,
                              const std::string& name) {
  if (token_hash.empty() && name.empty())
    return Status::InvalidArgument("jeton ou nom requis");
  std::lock_guard<std::mutex> lock(mu_);
  RELAIS_ASSIGN_OR_RETURN(
      Stmt st, db_->Prepare("UPDATE tokens SET revoked=1 WHERE"
                            " (? != '' AND token_hash=?) OR (? != '' AND name=?)"));
  st.Bind(1, token_hash).Bind(2, token_hash).Bind(3, name).Bind(4, name);
  RELAIS_RETURN_IF_ERROR(st.Run());
  if (db_->changes() == 0) return Status::NotFound("aucun jeton correspondant");
  return Status::OK();
}

Result<std::vector<TokenInfo>> SqliteHubStore::ListTokens() {
  std::lock_guard<std::mutex> lock(mu_);
  RELAIS_ASSIGN_OR_RETURN(
      Stmt st, db_->Prepare("SELECT token_hash, sites, replica_id, revoked,"
                            " name, created FROM tokens ORDER BY created"));
  std::vector<TokenInfo> out;
  for (;;) {
    RELAIS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back(TokenInfo{st.ColumnText(0), st.ColumnText(4),
                            SplitSites(st.ColumnText(1)), st.ColumnText(2),
                            st.ColumnInt(3) != 0, st.ColumnInt(5)});
  }
  return out;
}

Result<Scope> SqliteHubStore::Authorize(const std::string& token_hash,
                                        const std::string& replica_id,
                                        const std::string& site_id) {
  std::lock_guard<std::mutex> lock(mu_);
  RELAIS_ASSIGN_OR_RETURN(
      Stmt st, db_->Prepare("SELECT sites, replica_id, revoked, name FROM"
                            " tokens WHERE token_hash=?"));
  st.Bind(1, token_hash);
  RELAIS_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Status::Unauthenticated("jeton inconnu");
  if (st.ColumnInt(2) != 0) return Status::Unauthenticated("jeton révoqué");
  Scope scope{st.ColumnText(3), st.ColumnText(1), SplitSites(st.ColumnText(0))};
  if (replica_id.empty())
    return Status::InvalidArgument("identifiant de réplique manquant");
  if (!scope.Contains(site_id))
    return Status::PermissionDenied("le site '" + site_id +
                                    "' de cette réplique est hors du"
                                    " périmètre de ce jeton");
  if (scope.replica_id.empty()) {
    RELAIS_ASSIGN_OR_RETURN(
        Stmt bind, db_->Prepare("UPDATE tokens SET replica_id=? WHERE"
                                " token_hash=? AND replica_id=''"));
    bind.Bind(1, replica_id).Bind(2, token_hash);
    RELAIS_RETURN_IF_ERROR(bind.Run());
    scope.replica_id = replica_id;
  } else if (scope.replica_id != replica_id) {
    return Status::PermissionDenied(
        "ce jeton appartient à une autre réplique (" + scope.replica_id +
        "), pas à " + replica_id);
  }
  return scope;
}

Result<std::optional<StoredRecord>> SqliteHubStore::GetLocked(
    Collection c, const std::string& id) {
  RELAIS_ASSIGN_OR_RETURN(
      Stmt st, db_->PrepareCached("SELECT state, hub_seq, origin FROM records"
                            " WHERE collection=? AND id=?"));
  st.Bind(1, static_cast<int64_t>(c)).Bind(2, id);
  RELAIS_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<StoredRecord>();
  auto rec = common::DecodeRecordJson(st.ColumnText(0));
  if (!rec.ok())
    return Status::DataLoss("enregistrement du hub illisible: " + id);
  return std::optional<StoredRecord>(StoredRecord{
      std::move(rec).value(), static_cast<uint64_t>(st.ColumnInt(1)),
      st.ColumnText(2)});
}

Result<std::optional<StoredRecord>> SqliteHubStore::Get(Collection c,
                                                        const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  return GetLocked(c, id);
}

Result<uint64_t> SqliteHubStore::LastSeqLocked() {
  RELAIS_ASSIGN_OR_RETURN(
      Stmt st, db_->PrepareCached("SELECT coalesce((SELECT CAST(value AS"
                                  " INTEGER) FROM meta WHERE key='hub_seq'), 0)"));
  RELAIS_ASSIGN_OR_RETURN(bool row, st.Step());
  return static_cast<uint64_t>(row ? st.ColumnInt(0) : 0);
}

Result<uint64_t> SqliteHubStore::LastSeq() {
  std::lock_guard<std::mutex> lock(mu_);
  return LastSeqLocked();
}

Result<std::string> SqliteHubStore::Epoch() {
  std::lock_guard<std::mutex> lock(mu_);
  RELAIS_ASSIGN_OR_RETURN(
      Stmt st, db_->PrepareCached("SELECT value FROM meta WHERE key='epoch'"));
  RELAIS_ASSIGN_OR_RETURN(bool row, st.Step());
  return row ? st.ColumnText(0) : std::string();
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
                               uint64_t* seq, PushResult* result) {
  if (!scope.Contains(in.site_id))
    return Status::PermissionDenied("site '" + in.site_id +
                                    "' hors du périmètre de ce jeton (" +
                                    Describe(in) + ")");
  ++result->accepted;
  RELAIS_ASSIGN_OR_RETURN(std::optional<StoredRecord> have,
                          GetLocked(in.collection, in.id));
  if (have && have->record.site_id != in.site_id)
    return Status::InvalidArgument(Describe(in) + ": changement de site ('" +
                                   have->record.site_id + "' -> '" +
                                   in.site_id + "')");
  // The acceptance rule shared by every store (common/merge/accept.h).
  RELAIS_ASSIGN_OR_RETURN(
      common::Acceptance acc,
      common::Accept(in, have ? &have->record : nullptr, scope.replica_id,
                     clock_->NowMillis(), limits_));
  result->ignored += acc.ignored;
  if (acc.skipped || !acc.changed) return Status::OK();  // no new hub_seq
  ++result->changed;
  ++*seq;
  const Record& state = acc.state;
  RELAIS_ASSIGN_OR_RETURN(
      Stmt st,
      db_->PrepareCached("INSERT INTO records(collection, id, site_id, state,"
                   " hub_seq, origin) VALUES(?,?,?,?,?,?)"
                   " ON CONFLICT(collection, id) DO UPDATE SET"
                   " state=excluded.state, hub_seq=excluded.hub_seq,"
                   " origin=excluded.origin"));
  st.Bind(1, static_cast<int64_t>(state.collection))
      .Bind(2, state.id)
      .Bind(3, state.site_id)
      .Bind(4, common::EncodeRecordJson(state))
      .Bind(5, static_cast<int64_t>(*seq))
      // Echo suppression: the pusher holds exactly this state.
      .Bind(6, acc.exact ? scope.replica_id : std::string());
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
  for (const Record& r : batch)
    RELAIS_RETURN_IF_ERROR(PushOne(scope, r, &seq, &result));
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
  if (scope.sites.empty()) return out;
  max_records = std::max<size_t>(max_records, 1);
  std::lock_guard<std::mutex> lock(mu_);
  RELAIS_ASSIGN_OR_RETURN(uint64_t last, LastSeqLocked());
  RELAIS_ASSIGN_OR_RETURN(Stmt st, db_->PrepareCached(PullSql(scope.sites.size())));
  int i = 1;
  for (const std::string& s : scope.sites) st.Bind(i++, s);
  st.Bind(i, static_cast<int64_t>(after));
  st.Bind(i + 1, scope.replica_id);
  st.Bind(i + 2, static_cast<int64_t>(max_records + 1));
  size_t bytes = 0;
  for (;;) {
    RELAIS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    std::string state = st.ColumnText(0);
    if (out.records.size() == max_records ||
        (!out.records.empty() && bytes + state.size() > max_bytes)) {
      out.has_more = true;
      break;
    }
    bytes += state.size();
    auto rec = common::DecodeRecordJson(state);
    if (!rec.ok()) return Status::DataLoss("enregistrement du hub illisible");
    out.records.push_back(std::move(rec).value());
    out.cursor = static_cast<uint64_t>(st.ColumnInt(1));
  }
  // Nothing more in scope up to `last`: jump the cursor past the sequences
  // of other sites and of the replica's own pushes.
  if (!out.has_more) out.cursor = std::max(after, last);
  return out;
}

Result<std::vector<std::string>> SqliteHubStore::Sites() {
  std::lock_guard<std::mutex> lock(mu_);
  // A skip scan over records_site_seq: one index probe per site.
  RELAIS_ASSIGN_OR_RETURN(
      Stmt st, db_->PrepareCached(
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
Status SqliteHubStore::CheckToken(const std::string& token_hash) {
  std::lock_guard<std::mutex> lock(mu_);
  RELAIS_ASSIGN_OR_RETURN(
      Stmt st, db_->PrepareCached("SELECT revoked FROM tokens WHERE token_hash=?"));
  st.Bind(1, token_hash);
  RELAIS_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Status::Unauthenticated("jeton inconnu");
  if (st.ColumnInt(0) != 0) return Status::Unauthenticated("jeton révoqué");
  return Status::OK();
}

}  // namespace relais::server
