#pragma once
// A small RAII layer over libpq for the PostgreSQL hub store: results,
// connections with error mapping to Status, and a bounded connection pool.
//
// Error mapping (SQLSTATE -> StatusCode), so that the sync client's retry
// rules hold unchanged:
//   connection lost / server shutting down / cannot connect (class 08,
//   57P01..57P03), lock timeout (55P03), deadlock or serialisation failure
//   (40P01, 40001), too many connections (53300) -> UNAVAILABLE (retry);
//   disk full (53100), out of memory (53200) -> RESOURCE_EXHAUSTED;
//   unique violation (23505) -> ALREADY_EXISTS; anything else -> INTERNAL.
// A connection whose socket broke is reset at its next lease.

#include <libpq-fe.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/util/status.h"

namespace relais::server::pg {

using common::Result;
using common::Status;

// One result set (owns the PGresult).
class PgResult {
 public:
  explicit PgResult(PGresult* r) : r_(r) {}
  PgResult(PgResult&& o) noexcept : r_(o.r_) { o.r_ = nullptr; }
  PgResult& operator=(PgResult&& o) noexcept;
  PgResult(const PgResult&) = delete;
  ~PgResult() { if (r_) PQclear(r_); }

  int rows() const { return PQntuples(r_); }
  bool is_null(int row, int col) const { return PQgetisnull(r_, row, col) != 0; }
  std::string text(int row, int col) const;
  int64_t int64(int row, int col) const;  // 0 for NULL

 private:
  PGresult* r_;
};

// Parameters of one statement, sent as text (NULL for std::nullopt).
using Params = std::vector<std::optional<std::string>>;

// One connection (not thread-safe; the pool hands it to one caller).
class PgConn {
 public:
  // Connects to `conninfo` (URI or key=value; the hub adds connect_timeout,
  // keepalives and application_name unless the conninfo sets them), then
  // sets the session's lock and idle-in-transaction timeouts.
  static Result<std::unique_ptr<PgConn>> Connect(const std::string& conninfo);
  ~PgConn();

  // Runs `sql` with `params` ($1..$n). Rows for a query, none otherwise.
  Result<PgResult> Exec(const std::string& sql, const Params& params = {});
  // Reconnects if the socket broke, or if the server closed it while the
  // connection was idle (a pooled connection across a server restart).
  // REQUIRES: no query outstanding. UNAVAILABLE if the server is away.
  Status EnsureConnected();
  bool broken() const;

 private:
  explicit PgConn(PGconn* c) : c_(c) {}
  Status SessionSetup();
  PGconn* c_;
};

// Runs BEGIN now and ROLLBACK at destruction unless Commit() succeeded.
class PgTransaction {
 public:
  explicit PgTransaction(PgConn* c, const char* begin = "BEGIN");
  ~PgTransaction();
  const Status& status() const { return status_; }
  // UNAVAILABLE if the connection dropped during COMMIT: the outcome is
  // unknown, and the caller must not report success (pushes are idempotent).
  Status Commit();

 private:
  PgConn* c_;
  Status status_;
  bool done_ = false;
};

// A fixed number of connections opened lazily; Acquire() waits (bounded)
// for a free one.
class PgPool {
 public:
  class Lease {
   public:
    Lease(PgPool* pool, std::unique_ptr<PgConn> c) : pool_(pool), c_(std::move(c)) {}
    Lease(Lease&&) = default;
    ~Lease() { if (c_) pool_->Release(std::move(c_)); }
    PgConn* operator->() const { return c_.get(); }
    PgConn* get() const { return c_.get(); }

   private:
    PgPool* pool_;
    std::unique_ptr<PgConn> c_;
  };

  PgPool(std::string conninfo, size_t size) : conninfo_(std::move(conninfo)), size_(size) {}
  // A connected connection, or UNAVAILABLE (server away, or none free
  // within `wait`).
  Result<Lease> Acquire(std::chrono::milliseconds wait = std::chrono::seconds(10));

 private:
  void Release(std::unique_ptr<PgConn> c);
  const std::string conninfo_;
  const size_t size_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<PgConn>> idle_;  // GUARDED_BY(mu_)
  size_t open_ = 0;                            // GUARDED_BY(mu_), leased + idle
};

// A PostgreSQL text[] literal of identifiers already validated as
// [A-Za-z0-9._-] (each element double-quoted).
std::string TextArray(const std::vector<std::string>& items);

// The conninfo with any password removed, for messages and logs.
std::string RedactConnInfo(const std::string& conninfo);

}  // namespace relais::server::pg
