#pragma once
// The nightly compaction of a store file, run by the program that owns the
// file (issue #17): the kiosk for its replica (kiosk/nightly.h), `relais-hub
// serve` for a SQLite hub.db (server/hub_maintenance.h). Nobody has to
// schedule `compact` any more; the manual command stays.
//
// A NightlyCompactor asks the pure rule (common/util/compact_schedule.h)
// every `poll_ms` on its own thread and, when it says so, runs the injected
// job (VACUUM + stamp of the last run in the file's meta table). The job is
// responsible for serialising with the file's other writers (the kiosk's
// sync workers, the hub's writer mutex). A failed job is logged and counts
// as the night's attempt: it is retried the next night, never sooner; a
// success is remembered in the file (a restart does not redo it).

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "common/storage/sqlite.h"
#include "common/storage/vacuum.h"
#include "common/util/clock.h"
#include "common/util/compact_schedule.h"

namespace relais::common {

// The last successful compaction recorded in `db`'s meta table (key
// kLastCompactionMetaKey), 0 if none. REQUIRES: a table meta(key, value).
Result<int64_t> ReadLastCompaction(Db* db);
// Records `at_ms` as the last successful compaction (one statement).
Status StampLastCompaction(Db* db, int64_t at_ms);
// CompactFile (vacuum.h) then StampLastCompaction through the same kind of
// short-lived connection, `clock`'s time.
Result<CompactReport> CompactFileAndStamp(const std::string& path, int64_t app_id,
                                          const std::string& what, Clock* clock);

struct NightlyCompactorOptions {
  CompactWindow window;
  int64_t idle_ms = 0;      // quiet time required (kiosk: kKioskCompactIdleMs)
  int64_t poll_ms = 60'000; // real time between two decisions on the thread
  std::string name;         // log prefix, e.g. "réplique /var/lib/relais/site.db"
};

class NightlyCompactor {
 public:
  // Compacts the file and stamps kLastCompactionMetaKey on success.
  using Job = std::function<Result<CompactReport>()>;
  using Log = std::function<void(const std::string&)>;

  // `last_run_ms`: ReadLastCompaction of the file at start (0 = never).
  // `clock` must outlive the compactor. Does not start the thread.
  NightlyCompactor(Job job, Clock* clock, NightlyCompactorOptions options, int64_t last_run_ms,
                   Log log);
  ~NightlyCompactor();  // Stop()s
  NightlyCompactor(const NightlyCompactor&) = delete;
  NightlyCompactor& operator=(const NightlyCompactor&) = delete;

  void Start();
  // Wakes the thread, waits for a job in progress, joins.
  void Stop();
  // The last user input (kiosk), for the idle rule. Thread-safe.
  void NoteActivity(int64_t at_ms);
  // One decision and, if due, the job on the calling thread (the thread's
  // body; tests call it directly). True if the job ran (success or not).
  // Thread-safe: calls are serialised.
  bool PollOnce();

  struct Counters {
    bool running = false;    // a job is in progress now
    int64_t runs = 0;        // successful jobs
    int64_t failures = 0;
    int64_t last_run_ms = 0; // last success or attempt
    std::string last_error;  // "" after a success
  };
  Counters counters() const;  // thread-safe

 private:
  void Loop();

  Job job_;
  Clock* clock_;
  NightlyCompactorOptions options_;
  Log log_;
  std::mutex poll_mu_;  // one PollOnce at a time

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;            // GUARDED_BY(mu_)
  int64_t last_activity_ms_ = 0; // GUARDED_BY(mu_)
  Counters counters_;            // GUARDED_BY(mu_)
  std::thread thread_;
};

}  // namespace relais::common
