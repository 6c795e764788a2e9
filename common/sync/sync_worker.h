#pragma once
// SyncWorker (shared by the kiosk and `relais sync --watch`): a background
// thread that calls an injected sync function (one
// push/pull round with the hub) every `interval_ms`, and soon after a local
// change (Nudge). When a round fails it retries with exponential backoff and
// full jitter, capped at `max_backoff_ms`. It never blocks the UI thread:
// Nudge() and Snapshot() only take a short mutex.
//
// The sync function runs on the worker thread only; it must use its own
// Replica (a Replica is not thread-safe). The last error is sticky until the
// next success (like leveldb's bg_error_) so the UI can show it.

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <random>
#include <string>
#include <thread>

#include "common/util/clock.h"
#include "common/util/status.h"

namespace relais::common {

struct SyncCounts {
  int64_t pushed = 0;
  int64_t pulled = 0;
  int64_t conflicts = 0;
};

struct SyncSnapshot {
  bool online = false;           // last round succeeded
  int64_t last_success_ms = 0;   // 0 = never
  int64_t last_attempt_ms = 0;
  std::string last_error;        // "" after a success
  int64_t successes = 0;
  int64_t failures = 0;
  int consecutive_failures = 0;
  SyncCounts last_counts;
};

struct SyncWorkerOptions {
  int64_t interval_ms = 30'000;     // between successful rounds
  int64_t nudge_delay_ms = 300;     // after a local change
  int64_t min_backoff_ms = 1'000;   // first retry after a failure
  int64_t max_backoff_ms = 300'000; // cap
  uint64_t seed = 0;                // jitter seed; 0 = random
};

// Delay before the next round after `consecutive_failures` failures in a row
// (0 = healthy -> interval_ms). With failures: uniform in
// [base/2, base] where base = min(max_backoff, min_backoff * 2^(n-1)).
// Pure given the generator.
int64_t NextDelayMs(int consecutive_failures, const SyncWorkerOptions& o,
                    std::mt19937_64& rng);

class SyncWorker {
 public:
  using SyncFn = std::function<Status(SyncCounts*)>;

  // `clock` must outlive the worker. Does not start the thread.
  SyncWorker(SyncFn fn, Clock* clock, SyncWorkerOptions options);
  ~SyncWorker();  // Stop()s
  SyncWorker(const SyncWorker&) = delete;
  SyncWorker& operator=(const SyncWorker&) = delete;

  // Starts the thread; the first round runs at once.
  void Start();
  // Asks the thread to finish and joins it (waits for a round in progress).
  void Stop();
  // A local change happened: run a round within nudge_delay_ms (unless
  // backing off after failures, in which case the backoff is kept).
  void Nudge();
  // Thread-safe copy of the status.
  SyncSnapshot Snapshot() const;

 private:
  void Loop();

  SyncFn fn_;
  Clock* clock_;
  SyncWorkerOptions options_;
  std::mt19937_64 rng_;  // worker thread only

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;     // GUARDED_BY(mu_)
  bool nudged_ = false;   // GUARDED_BY(mu_)
  SyncSnapshot snap_;     // GUARDED_BY(mu_)
  std::thread thread_;
};

}  // namespace relais::common
