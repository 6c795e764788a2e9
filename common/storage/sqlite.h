#pragma once
// Thin RAII wrapper over the SQLite C API. Every SQLite error becomes a Status
// with a canonical code: SQLITE_FULL, and SQLITE_IOERR caused by ENOSPC or
// EDQUOT -> RESOURCE_EXHAUSTED ("disque plein"),
// SQLITE_CORRUPT/NOTADB -> DATA_LOSS, SQLITE_BUSY -> UNAVAILABLE, other
// failures -> INTERNAL. Not thread-safe: one Db per thread.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/util/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace relais::common {

class Db;

// A prepared statement. Bind indexes start at 1.
class Stmt {
 public:
  Stmt(Stmt&& o) noexcept : db_(o.db_), stmt_(o.stmt_), cached_(o.cached_) {
    o.stmt_ = nullptr;
  }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  ~Stmt();

  Stmt& Bind(int i, int64_t v);
  Stmt& Bind(int i, std::string_view v);
  Stmt& BindNull(int i);
  // Steps once. Returns true if a row is available, false when done.
  Result<bool> Step();
  // Steps to completion, expecting no rows.
  Status Run();
  Status Reset();

  int64_t ColumnInt(int i) const;
  std::string ColumnText(int i) const;
  // The text without a copy: valid until the next Step, Reset or the end
  // of the statement.
  std::string_view ColumnTextView(int i) const;
  bool ColumnIsNull(int i) const;

 private:
  friend class Db;
  Stmt(Db* db, sqlite3_stmt* s, bool cached = false)
      : db_(db), stmt_(s), cached_(cached) {}
  Db* db_;
  sqlite3_stmt* stmt_;
  bool cached_;  // owned by the Db's cache: reset, not finalized, at the end
};

class Db {
 public:
  // Opens (or creates, if `create`) a database file in WAL mode with
  // synchronous=FULL, foreign keys on and a 5 s busy timeout. A file with
  // no table yet is put in auto_vacuum=INCREMENTAL (common/storage/vacuum.h). A file this
  // call creates is created mode 0600 before SQLite opens it (SQLite gives
  // the -wal and -shm files the database file's mode). A symlink to an
  // existing file is opened; a dangling one is refused (PERMISSION_DENIED)
  // rather than creating its target. ":memory:" and "" are left to SQLite.
  static Result<std::unique_ptr<Db>> Open(const std::string& path, bool create);
  // Opens an existing database file as a reader: PRAGMA query_only (every
  // write fails), 5 s busy timeout, journal mode left as the file has it.
  // With WAL, a reader sees the last committed state while another
  // connection holds a write transaction. NOT_FOUND if the file is missing.
  // Meant to be opened after the writer has created and migrated the file.
  static Result<std::unique_ptr<Db>> OpenReader(const std::string& path);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  Status Exec(const std::string& sql);
  Result<Stmt> Prepare(std::string_view sql);
  // Like Prepare, but the compiled statement is kept for the next call with
  // the same SQL (hot paths). REQUIRES: the returned Stmt is destroyed
  // before the same SQL is prepared again through the cache.
  Result<Stmt> PrepareCached(const std::string& sql);
  // Runs a query returning one integer (e.g. PRAGMA user_version).
  Result<int64_t> QueryInt(const std::string& sql);
  int64_t changes() const;
  // PRAGMA quick_check: OK if SQLite finds the file sound, DATA_LOSS with
  // the first problems SQLite reports (at most 5) otherwise. Reads every
  // page of the database (see docs/security.md for its cost on a replica).
  Status QuickCheck();
  sqlite3* raw() { return db_; }

  // Maps the last SQLite error to a Status, prefixed by `what`.
  Status Error(int rc, const std::string& what) const;

 private:
  explicit Db(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::map<std::string, sqlite3_stmt*> cache_;
};

// RAII transaction: BEGIN IMMEDIATE on construction, ROLLBACK in the
// destructor unless Commit() succeeded. Check status() after construction.
class Transaction {
 public:
  explicit Transaction(Db* db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  const Status& status() const { return status_; }
  Status Commit();

 private:
  Db* db_;
  Status status_;
  bool open_ = false;
};

// RAII read transaction: BEGIN (deferred) on construction; every read until
// the end of the object sees ONE snapshot (the first read fixes it; in WAL
// mode, writers committing meanwhile do not change it). Ends with ROLLBACK
// in the destructor (nothing to commit). Check status() after construction.
class ReadTransaction {
 public:
  explicit ReadTransaction(Db* db);
  ~ReadTransaction();
  ReadTransaction(const ReadTransaction&) = delete;
  ReadTransaction& operator=(const ReadTransaction&) = delete;
  const Status& status() const { return status_; }

 private:
  Db* db_;
  Status status_;
};

// Brings a database to `target` schema version: checks PRAGMA application_id
// (`app_id`; 0 with tables present = a foreign file) and user_version, then
// runs migrations[v] for v in [user_version, target) and stamps both pragmas,
// in one transaction. `what` names the kind of file in French messages ("une
// réplique Relais Santé"). FAILED_PRECONDITION for a foreign file or a schema
// newer than `target`.
// REQUIRES: migrations has `target` entries.
Status MigrateSchema(Db* db, int64_t app_id, int target, const char* const* migrations,
                     const std::string& what, const std::string& program);

}  // namespace relais::common
