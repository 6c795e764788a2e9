// SqliteReleaseStore (see release_store.h).
#include "server/report/release_store.h"

#include "common/report/release_codec.h"
#include "common/storage/sqlite.h"

namespace relais::server {

using common::Result;
using common::Status;
using common::Stmt;

namespace {

constexpr int64_t kApplicationId = 0x52454C50;  // 'RELP'
constexpr int kSchemaVersion = 1;
const char* const kMigrations[] = {
    // 0 -> 1
    "CREATE TABLE releases(year INTEGER PRIMARY KEY, body TEXT NOT NULL);",
};

}  // namespace

std::string ReleaseStorePath(const std::string& hub_db) {
  const std::string ext = ".db";
  if (hub_db.size() > ext.size() &&
      hub_db.compare(hub_db.size() - ext.size(), ext.size(), ext) == 0)
    return hub_db.substr(0, hub_db.size() - ext.size()) + "-publications.db";
  return hub_db + "-publications.db";
}

SqliteReleaseStore::SqliteReleaseStore(std::unique_ptr<common::Db> db)
    : db_(std::move(db)) {}
SqliteReleaseStore::~SqliteReleaseStore() = default;

Result<std::unique_ptr<SqliteReleaseStore>> SqliteReleaseStore::Open(
    const std::string& path) {
  RELAIS_ASSIGN_OR_RETURN(std::unique_ptr<common::Db> db,
                          common::Db::Open(path, true));  // 0600 when created
  RELAIS_RETURN_IF_ERROR(common::MigrateSchema(
      db.get(), kApplicationId, kSchemaVersion, kMigrations,
      "un fichier de publications Relais Santé", "relais-hub"));
  return std::unique_ptr<SqliteReleaseStore>(
      new SqliteReleaseStore(std::move(db)));
}

Result<common::report::YearRelease> SqliteReleaseStore::Get(int year) {
  std::lock_guard<std::mutex> l(mu_);
  RELAIS_ASSIGN_OR_RETURN(
      Stmt st, db_->PrepareCached("SELECT body FROM releases WHERE year=?"));
  st.Bind(1, int64_t{year});
  RELAIS_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) {
    common::report::YearRelease r;
    r.year = year;
    return r;
  }
  auto r = common::report::DecodeRelease(st.ColumnText(0));
  if (!r.ok()) return r.status();
  if (r->year != year)
    return Status::DataLoss("publication enregistrée refusée : année " +
                            std::to_string(r->year) + " rangée sous " +
                            std::to_string(year));
  return r;
}

Status SqliteReleaseStore::Put(const common::report::YearRelease& r) {
  std::lock_guard<std::mutex> l(mu_);
  common::Transaction tx(db_.get());
  RELAIS_RETURN_IF_ERROR(tx.status());
  RELAIS_ASSIGN_OR_RETURN(
      Stmt st, db_->PrepareCached(
                   "INSERT OR REPLACE INTO releases(year, body) VALUES(?,?)"));
  st.Bind(1, int64_t{r.year}).Bind(2, common::report::EncodeRelease(r));
  RELAIS_RETURN_IF_ERROR(st.Run());
  return tx.Commit();
}

Status SqliteReleaseStore::TEST_SetBody(int year, const std::string& body) {
  std::lock_guard<std::mutex> l(mu_);
  RELAIS_ASSIGN_OR_RETURN(
      Stmt st, db_->PrepareCached(
                   "INSERT OR REPLACE INTO releases(year, body) VALUES(?,?)"));
  st.Bind(1, int64_t{year}).Bind(2, body);
  return st.Run();
}

}  // namespace relais::server
