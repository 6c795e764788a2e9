#pragma once
// Where the funder releases (common/report/release.h) are kept once
// published, so that a later request, or a restart, never recomputes a
// released cell (issue #20: released values are frozen).
//
// Thread safety: implementations are called under the report server's
// release mutex (one writer), but must tolerate calls from any thread.

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "common/report/release.h"
#include "common/util/status.h"

namespace relais::common {
class Db;  // common/storage/sqlite.h
}  // namespace relais::common

namespace relais::server {

class ReleaseStore {
 public:
  virtual ~ReleaseStore() = default;
  // The release of `year` as stored, or an empty one (`year` set, nothing
  // released) if none. DATA_LOSS (French) for a stored release that fails
  // its checks; other codes are storage failures.
  virtual common::Result<common::report::YearRelease> Get(int year) = 0;
  // Stores `r`, replacing the release of its year, in one transaction.
  virtual common::Status Put(const common::report::YearRelease& r) = 0;
};

// In memory: releases stay frozen for the life of the process only.
class MemoryReleaseStore final : public ReleaseStore {
 public:
  common::Result<common::report::YearRelease> Get(int year) override {
    std::lock_guard<std::mutex> l(mu_);
    auto it = years_.find(year);
    if (it != years_.end()) return it->second;
    common::report::YearRelease r;
    r.year = year;
    return r;
  }
  common::Status Put(const common::report::YearRelease& r) override {
    std::lock_guard<std::mutex> l(mu_);
    years_[r.year] = r;
    return common::Status::OK();
  }

 private:
  std::mutex mu_;
  std::map<int, common::report::YearRelease> years_;
};

// The release file beside the hub's database: hub.db -> hub-publications.db
// (any other name: NAME-publications.db).
std::string ReleaseStorePath(const std::string& hub_db);

// In a SQLite file of its own (mode 0600), e.g. `hub-publications.db`
// beside the hub's database: NOT derived data (the frozen releases cannot be
// recomputed once facts changed), so, unlike hub-agregats.db, a damaged
// file is never moved aside: Get() answers DATA_LOSS and the dashboard 503.
//
// Schema (PRAGMA application_id 'RELP', user_version 1):
//   releases(year INTEGER PRIMARY KEY, body TEXT)  release_codec.h's JSON
// Thread-safe: one connection behind a mutex.
class SqliteReleaseStore final : public ReleaseStore {
 public:
  // Opens or creates the file. FAILED_PRECONDITION for a foreign or newer
  // file; other codes for I/O failures.
  static common::Result<std::unique_ptr<SqliteReleaseStore>> Open(
      const std::string& path);
  ~SqliteReleaseStore() override;

  common::Result<common::report::YearRelease> Get(int year) override;
  common::Status Put(const common::report::YearRelease& r) override;
  // Tests: the stored body of `year` replaced by `body` (tampering).
  common::Status TEST_SetBody(int year, const std::string& body);

 private:
  explicit SqliteReleaseStore(std::unique_ptr<common::Db> db);
  std::mutex mu_;
  std::unique_ptr<common::Db> db_;  // GUARDED_BY(mu_)
};

}  // namespace relais::server
