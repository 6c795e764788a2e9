#include "common/storage/sqlite.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

#include <cerrno>

namespace relais::common {

Status Db::Error(int rc, const std::string& what) const {
  const std::string msg =
      what + ": " + (db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc));
  // ENOSPC is SQLITE_FULL where a write hits it (WAL append, checkpoint),
  // but SQLITE_IOERR_* where SQLite grows a file otherwise (the -shm index,
  // a truncate): both are a full disk.
  const int sys = db_ ? sqlite3_system_errno(db_) : 0;
  if ((rc & 0xff) == SQLITE_IOERR && (sys == ENOSPC || sys == EDQUOT))
    return Status::ResourceExhausted("disque plein (" + msg + ", errno ENOSPC)");
  switch (rc & 0xff) {
    case SQLITE_FULL:
      return Status::ResourceExhausted("disque plein (" + msg + ")");
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return Status::DataLoss("fichier corrompu ou étranger (" + msg + ")");
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status::Unavailable("base occupée (" + msg + ")");
    case SQLITE_CANTOPEN:
      return Status::NotFound("impossible d'ouvrir la base (" + msg + ")");
    case SQLITE_READONLY:
    case SQLITE_PERM:
      return Status::PermissionDenied(msg);
    case SQLITE_CONSTRAINT:
      return Status::AlreadyExists(msg);
    default:
      return Status::Internal(msg);
  }
}

namespace {
// Memory statistics make every SQLite allocation take a process-wide mutex;
// with several replicas syncing on threads that mutex dominated the profile.
// Must run before SQLite initialises, hence once, before the first open.
void ConfigureSqliteOnce() {
  static const bool done = [] {
    (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    return true;
  }();
  (void)done;
}
// Creates `path` empty with mode 0600 if it does not exist yet, without
// following a symlink there. SQLite then opens the existing file (and
// creates -wal/-shm with the same mode). An existing file is left as is; a
// dangling symlink is refused (PERMISSION_DENIED).
Status CreatePrivateFile(const std::string& path) {
  if (path.empty() || path == ":memory:" || path.rfind("file:", 0) == 0)
    return Status::OK();
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                        S_IRUSR | S_IWUSR);
  if (fd >= 0) {
    // The umask cannot widen 0600, but an inherited ACL could: set it.
    (void)::fchmod(fd, S_IRUSR | S_IWUSR);
    ::close(fd);
    return Status::OK();
  }
  if (errno == EEXIST) {
    // An existing file, or a symlink to one, is opened as is. A symlink to
    // nothing is refused: SQLite would create its target, wherever it points.
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode) && ::stat(path.c_str(), &st) != 0)
      return Status::PermissionDenied(path + " est un lien symbolique vers un fichier absent : refusé");
    return Status::OK();
  }
  if (errno == ENOENT)
    return Status::NotFound("impossible de créer " + path + " (dossier absent)");
  if (errno == EACCES || errno == EPERM || errno == EROFS)
    return Status::PermissionDenied("impossible de créer " + path + " : " +
                                    std::strerror(errno));
  if (errno == ENOSPC) return Status::ResourceExhausted("disque plein (" + path + ")");
  return Status::Internal("impossible de créer " + path + " : " + std::strerror(errno));
}

}  // namespace

Result<std::unique_ptr<Db>> Db::Open(const std::string& path, bool create) {
  ConfigureSqliteOnce();
  sqlite3* raw = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
  if (create) {
    flags |= SQLITE_OPEN_CREATE;
    RELAIS_RETURN_IF_ERROR(CreatePrivateFile(path));
  }
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  std::unique_ptr<Db> db(new Db(raw));
  if (rc != SQLITE_OK) return db->Error(rc, "ouverture de " + path);
  sqlite3_busy_timeout(raw, 5000);
  sqlite3_extended_result_codes(raw, 1);
  // Reading the schema first detects a file that is not a database at all.
  auto probe = db->QueryInt("SELECT count(*) FROM sqlite_master");
  if (!probe.ok()) return probe.status().WithContext(path);
  // A file without tables yet takes auto_vacuum=INCREMENTAL now: once WAL
  // mode has written the header, only a VACUUM can change it (vacuum.h).
  if (*probe == 0) RELAIS_RETURN_IF_ERROR(db->Exec("PRAGMA auto_vacuum=INCREMENTAL"));
  RELAIS_RETURN_IF_ERROR(db->Exec("PRAGMA journal_mode=WAL"));
  RELAIS_RETURN_IF_ERROR(db->Exec("PRAGMA synchronous=FULL"));
  RELAIS_RETURN_IF_ERROR(db->Exec("PRAGMA foreign_keys=ON"));
  return db;
}

Result<std::unique_ptr<Db>> Db::OpenReader(const std::string& path) {
  ConfigureSqliteOnce();
  sqlite3* raw = nullptr;
  // Read-write flags (no create): a WAL reader may need to write the -shm
  // index; query_only below forbids changing the database itself.
  int rc = sqlite3_open_v2(path.c_str(), &raw,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
  std::unique_ptr<Db> db(new Db(raw));
  if (rc != SQLITE_OK) return db->Error(rc, "ouverture de " + path);
  sqlite3_busy_timeout(raw, 5000);
  sqlite3_extended_result_codes(raw, 1);
  RELAIS_RETURN_IF_ERROR(db->Exec("PRAGMA query_only=1"));
  auto probe = db->QueryInt("SELECT count(*) FROM sqlite_master");
  if (!probe.ok()) return probe.status().WithContext(path);
  return db;
}

Db::~Db() {
  for (auto& [sql, st] : cache_) sqlite3_finalize(st);
  sqlite3_close_v2(db_);
}

Result<Stmt> Db::PrepareCached(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) return Stmt(this, it->second, /*cached=*/true);
  sqlite3_stmt* s = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &s, nullptr);
  if (rc != SQLITE_OK) return Error(rc, "préparation SQL");
  cache_.emplace(sql, s);
  return Stmt(this, s, /*cached=*/true);
}

Status Db::Exec(const std::string& sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
  if (err) sqlite3_free(err);
  if (rc != SQLITE_OK) return Error(rc, "SQL");
  return Status::OK();
}

Result<Stmt> Db::Prepare(std::string_view sql) {
  sqlite3_stmt* s = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()),
                              &s, nullptr);
  if (rc != SQLITE_OK) return Error(rc, "préparation SQL");
  return Stmt(this, s);
}

Result<int64_t> Db::QueryInt(const std::string& sql) {
  RELAIS_ASSIGN_OR_RETURN(Stmt st, Prepare(sql));
  RELAIS_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Status::NotFound("aucune ligne");
  return st.ColumnInt(0);
}

int64_t Db::changes() const { return sqlite3_changes(db_); }

Status Db::QuickCheck() {
  sqlite3_stmt* s = nullptr;
  int rc = sqlite3_prepare_v2(db_, "PRAGMA quick_check(5)", -1, &s, nullptr);
  if (rc != SQLITE_OK) return Status::DataLoss(std::string("contrôle impossible: ") + sqlite3_errmsg(db_));
  std::string problems;
  bool sound = false;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    const unsigned char* t = sqlite3_column_text(s, 0);
    const std::string line = t ? reinterpret_cast<const char*>(t) : "";
    if (line == "ok") {
      sound = true;
    } else {
      problems += (problems.empty() ? "" : "; ") + line;
    }
  }
  const std::string err = rc == SQLITE_DONE ? "" : sqlite3_errmsg(db_);
  sqlite3_finalize(s);
  if (rc != SQLITE_DONE) return Status::DataLoss("contrôle interrompu: " + err);
  if (!sound || !problems.empty())
    return Status::DataLoss(problems.empty() ? "contrôle d'intégrité en échec" : problems);
  return Status::OK();
}

Stmt::~Stmt() {
  if (!stmt_) return;
  if (cached_) {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  } else {
    sqlite3_finalize(stmt_);
  }
}

Stmt& Stmt::Bind(int i, int64_t v) {
  sqlite3_bind_int64(stmt_, i, v);
  return *this;
}
Stmt& Stmt::Bind(int i, std::string_view v) {
  sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()),
                    SQLITE_TRANSIENT);
  return *this;
}
Stmt& Stmt::BindNull(int i) {
  sqlite3_bind_null(stmt_, i);
  return *this;
}

Result<bool> Stmt::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return db_->Error(rc, "exécution SQL");
}

Status Stmt::Run() {
  for (;;) {
    RELAIS_ASSIGN_OR_RETURN(bool row, Step());
    if (!row) return Status::OK();
  }
}

Status Stmt::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  return Status::OK();
}

int64_t Stmt::ColumnInt(int i) const { return sqlite3_column_int64(stmt_, i); }
std::string Stmt::ColumnText(int i) const {
  const unsigned char* t = sqlite3_column_text(stmt_, i);
  int n = sqlite3_column_bytes(stmt_, i);
  return t ? std::string(reinterpret_cast<const char*>(t), n) : std::string();
}
std::string_view Stmt::ColumnTextView(int i) const {
  const unsigned char* t = sqlite3_column_text(stmt_, i);
  const int n = sqlite3_column_bytes(stmt_, i);
  return t ? std::string_view(reinterpret_cast<const char*>(t), static_cast<size_t>(n))
           : std::string_view();
}
bool Stmt::ColumnIsNull(int i) const {
  return sqlite3_column_type(stmt_, i) == SQLITE_NULL;
}

Status MigrateSchema(Db* db, int64_t app_id, int target, const char* const* migrations,
                     const std::string& what, const std::string& program) {
  RELAIS_ASSIGN_OR_RETURN(int64_t have_id, db->QueryInt("PRAGMA application_id"));
  RELAIS_ASSIGN_OR_RETURN(int64_t version, db->QueryInt("PRAGMA user_version"));
  RELAIS_ASSIGN_OR_RETURN(int64_t tables,
                          db->QueryInt("SELECT count(*) FROM sqlite_master"));
  if ((have_id == 0 && version == 0 && tables > 0) || (have_id != 0 && have_id != app_id))
    return Status::FailedPrecondition("ce fichier SQLite n'est pas " + what);
  if (version > target)
    return Status::FailedPrecondition(
        "schéma version " + std::to_string(version) +
        " plus récent que ce logiciel (version " + std::to_string(target) +
        "): mettez à jour " + program);
  if (version == target) return Status::OK();
  Transaction tx(db);
  RELAIS_RETURN_IF_ERROR(tx.status());
  for (int64_t v = version; v < target; ++v) RELAIS_RETURN_IF_ERROR(db->Exec(migrations[v]));
  RELAIS_RETURN_IF_ERROR(db->Exec("PRAGMA application_id=" + std::to_string(app_id)));
  RELAIS_RETURN_IF_ERROR(db->Exec("PRAGMA user_version=" + std::to_string(target)));
  return tx.Commit();
}

ReadTransaction::ReadTransaction(Db* db) : db_(db) {
  status_ = db_->Exec("BEGIN");
}

ReadTransaction::~ReadTransaction() {
  if (status_.ok()) (void)db_->Exec("ROLLBACK");
}

Transaction::Transaction(Db* db) : db_(db) {
  status_ = db_->Exec("BEGIN IMMEDIATE");
  open_ = status_.ok();
}

Transaction::~Transaction() {
  if (open_) (void)db_->Exec("ROLLBACK");
}

Status Transaction::Commit() {
  if (!open_) return status_.ok() ? Status::FailedPrecondition("transaction close") : status_;
  Status s = db_->Exec("COMMIT");
  if (s.ok()) open_ = false;
  return s;
}

}  // namespace relais::common
