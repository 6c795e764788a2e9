#include "common/sync/sync_worker.h"

#include <algorithm>
#include <chrono>

namespace relais::common {

int64_t NextDelayMs(int consecutive_failures, const SyncWorkerOptions& o,
                    std::mt19937_64& rng) {
  if (consecutive_failures <= 0) return o.interval_ms;
  int64_t base = o.min_backoff_ms;
  for (int i = 1; i < consecutive_failures && base < o.max_backoff_ms; ++i) base *= 2;
  base = std::min(base, o.max_backoff_ms);
  std::uniform_int_distribution<int64_t> jitter(base / 2, base);
  return jitter(rng);
}

SyncWorker::SyncWorker(SyncFn fn, Clock* clock, SyncWorkerOptions options)
    : fn_(std::move(fn)),
      clock_(clock),
      options_(options),
      rng_(options.seed ? options.seed : std::random_device{}()) {}

SyncWorker::~SyncWorker() { Stop(); }

void SyncWorker::Start() {
  std::lock_guard<std::mutex> l(mu_);
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void SyncWorker::Stop() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void SyncWorker::Nudge() {
  {
    std::lock_guard<std::mutex> l(mu_);
    nudged_ = true;
  }
  cv_.notify_all();
}

SyncSnapshot SyncWorker::Snapshot() const {
  std::lock_guard<std::mutex> l(mu_);
  return snap_;
}

void SyncWorker::Loop() {
  for (;;) {
    SyncCounts counts;
    const int64_t started = clock_->NowMillis();
    Status st = fn_(&counts);  // outside the lock: may take long
    int failures = 0;
    {
      std::lock_guard<std::mutex> l(mu_);
      snap_.last_attempt_ms = started;
      if (st.ok()) {
        snap_.online = true;
        snap_.last_success_ms = clock_->NowMillis();
        snap_.last_error.clear();
        snap_.successes++;
        snap_.consecutive_failures = 0;
        snap_.last_counts = counts;
      } else {
        snap_.online = false;
        snap_.last_error = st.ToString();
        snap_.failures++;
        snap_.consecutive_failures++;
      }
      failures = snap_.consecutive_failures;
    }
    const int64_t delay = NextDelayMs(failures, options_, rng_);
    std::unique_lock<std::mutex> l(mu_);
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(delay);
    // A nudge shortens a healthy wait; during backoff it is remembered.
    while (!stop_) {
      if (nudged_ && failures == 0) {
        nudged_ = false;
        cv_.wait_for(l, std::chrono::milliseconds(options_.nudge_delay_ms),
                     [this] { return stop_; });
        break;
      }
      if (cv_.wait_until(l, deadline) == std::cv_status::timeout) {
        nudged_ = false;
        break;
      }
    }
    if (stop_) return;
  }
}

}  // namespace relais::common
