#include "kiosk/nightly.h"

#include <cstdio>
#include <utility>

#include "common/storage/vacuum.h"

namespace relais::kiosk {

common::SyncWorker::SyncFn SerialiseWithFile(common::SyncWorker::SyncFn fn, FileMutex file_mu) {
  return [fn = std::move(fn), file_mu](common::SyncCounts* c) {
    std::lock_guard<std::mutex> lock(*file_mu);
    return fn(c);
  };
}

std::unique_ptr<common::NightlyCompactor> MakeReplicaCompactor(
    const std::string& db, const common::CompactWindow& window, common::Clock* clock,
    FileMutex file_mu, int64_t last_run_ms, int64_t poll_ms) {
  common::NightlyCompactorOptions o;
  o.window = window;
  o.idle_ms = common::kKioskCompactIdleMs;
  o.poll_ms = poll_ms;
  o.name = "réplique " + db;
  auto job = [db, clock, file_mu]() -> common::Result<common::CompactReport> {
    std::lock_guard<std::mutex> lock(*file_mu);  // no sync round meanwhile
    return common::CompactFileAndStamp(db, common::kReplicaApplicationId,
                                       "une réplique Relais Santé", clock);
  };
  return std::make_unique<common::NightlyCompactor>(
      job, clock, o, last_run_ms,
      [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); });
}

}  // namespace relais::kiosk
