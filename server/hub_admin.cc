#include "server/hub_admin.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include "common/storage/sqlite.h"
#include "server/sqlite_hub_store.h"

namespace relais::server {

namespace {

// Copies every page of `from` into `to` with the SQLite backup API.
common::Status Copy(common::Db& from, common::Db& to) {
  sqlite3_backup* b = sqlite3_backup_init(to.raw(), "main", from.raw(), "main");
  if (!b) return to.Error(sqlite3_errcode(to.raw()), "sauvegarde");
  int rc = sqlite3_backup_step(b, -1);
  sqlite3_backup_finish(b);
  if (rc != SQLITE_DONE) return to.Error(rc, "sauvegarde");
  return common::Status::OK();
}

}  // namespace

common::Status BackupHub(const std::string& db_path, const std::string& out_path) {
  // Opening through the store checks that this is a hub database.
  RELAIS_ASSIGN_OR_RETURN(auto check, SqliteHubStore::Open(db_path, false));
  check.reset();
  RELAIS_ASSIGN_OR_RETURN(auto from, common::Db::Open(db_path, false));
  RELAIS_ASSIGN_OR_RETURN(auto to, common::Db::Open(out_path, true));
  RELAIS_RETURN_IF_ERROR(Copy(*from, *to));
  // A new file is created 0600 by Db::Open; an older backup file being
  // overwritten may have been wider: a backup holds patient data.
  (void)::chmod(out_path.c_str(), S_IRUSR | S_IWUSR);
  return common::Status::OK();
}

common::Status RestoreHub(const std::string& db_path, const std::string& from_path) {
  {
    RELAIS_ASSIGN_OR_RETURN(auto check, SqliteHubStore::Open(from_path, false));
  }
  RELAIS_ASSIGN_OR_RETURN(auto from, common::Db::Open(from_path, false));
  RELAIS_ASSIGN_OR_RETURN(auto to, common::Db::Open(db_path, true));
  RELAIS_RETURN_IF_ERROR(Copy(*from, *to));
  to.reset();
  RELAIS_ASSIGN_OR_RETURN(auto store, SqliteHubStore::Open(db_path, false));
  return store->RenewEpoch();
}

}  // namespace relais::server
