#pragma once
// Where the funder releases (common/report/release.h) are kept once
// published, so that a later request, or a restart, never recomputes a
// released cell (issue #20: released values are frozen).
//
// Thread safety: implementations are called under the report server's
// release mutex (one writer), but must tolerate calls from any thread.

#include <map>
#include <mutex>

#include "common/report/release.h"
#include "common/util/status.h"

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

}  // namespace relais::server
