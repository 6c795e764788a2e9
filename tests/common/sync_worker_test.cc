// SyncWorker: a background thread; every wait here is bounded.
#include "common/sync/sync_worker.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace relais::common {
namespace {

// Polls `pred` for up to 5 s.
template <typename F>
bool Eventually(F pred) {
  for (int i = 0; i < 500; ++i) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return pred();
}

TEST(SyncWorkerTest, BackoffGrowsWithJitterAndIsCapped) {
  SyncWorkerOptions o;
  o.interval_ms = 30000;
  o.min_backoff_ms = 1000;
  o.max_backoff_ms = 8000;
  std::mt19937_64 rng(7);
  EXPECT_EQ(NextDelayMs(0, o, rng), 30000);
  for (int i = 0; i < 50; ++i) {
    const int64_t d1 = NextDelayMs(1, o, rng), d3 = NextDelayMs(3, o, rng),
                  d9 = NextDelayMs(9, o, rng);
    EXPECT_GE(d1, 500);
    EXPECT_LE(d1, 1000);
    EXPECT_GE(d3, 2000);
    EXPECT_LE(d3, 4000);
    EXPECT_GE(d9, 4000);
    EXPECT_LE(d9, 8000);
  }
}

TEST(SyncWorkerTest, FailuresAreStickyUntilASuccess) {
  common::FakeClock clock(1000);
  std::atomic<int> calls{0};
  std::atomic<bool> fail{true};
  SyncWorkerOptions o;
  o.interval_ms = 10;
  o.min_backoff_ms = 5;
  o.max_backoff_ms = 10;
  o.seed = 1;
  SyncWorker w(
      [&](SyncCounts* c) {
        ++calls;
        if (fail) return common::Status::Unavailable("hub injoignable");
        c->pushed = 3;
        return common::Status::OK();
      },
      &clock, o);
  w.Start();
  ASSERT_TRUE(Eventually([&] { return w.Snapshot().failures >= 2; }));
  SyncSnapshot s = w.Snapshot();
  EXPECT_FALSE(s.online);
  EXPECT_NE(s.last_error.find("UNAVAILABLE"), std::string::npos);
  EXPECT_EQ(s.last_success_ms, 0);
  EXPECT_GE(s.consecutive_failures, 2);
  clock.Set(5000);
  fail = false;
  ASSERT_TRUE(Eventually([&] { return w.Snapshot().successes >= 1; }));
  s = w.Snapshot();
  EXPECT_TRUE(s.online);
  EXPECT_TRUE(s.last_error.empty());
  EXPECT_EQ(s.last_success_ms, 5000);
  EXPECT_EQ(s.last_counts.pushed, 3);
  w.Stop();
  const int after = calls;
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(calls, after);  // stopped means stopped
}

TEST(SyncWorkerTest, NudgeRunsARoundSoonAfterALocalChange) {
  common::FakeClock clock(0);
  std::atomic<int> calls{0};
  SyncWorkerOptions o;
  o.interval_ms = 3'600'000;  // would otherwise wait an hour
  o.nudge_delay_ms = 10;
  SyncWorker w([&](SyncCounts*) { ++calls; return common::Status::OK(); }, &clock, o);
  w.Start();
  ASSERT_TRUE(Eventually([&] { return calls >= 1; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  EXPECT_EQ(calls, 1);
  w.Nudge();
  EXPECT_TRUE(Eventually([&] { return calls >= 2; }));
  w.Stop();  // returns promptly although the interval is an hour
}

}  // namespace
}  // namespace relais::common
