// The pure rule "compact now?" (common/util/compact_schedule.h). Oracle:
// instants computed independently with Python's zoneinfo (Europe/Paris),
// written here as constants; DST nights scanned minute by minute.
#include "common/util/compact_schedule.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace relais::common {
namespace {

constexpr int64_t kMin = 60'000;
constexpr int64_t kHour = 60 * kMin;
// Paris wall times of Thursday 2026-12-03 (CET, UTC+1), in Unix ms.
constexpr int64_t k0159 = 1796259540000;
constexpr int64_t k0200 = 1796259600000;
constexpr int64_t k0230 = 1796261400000;
constexpr int64_t k0500 = 1796270400000;
constexpr int64_t k2330 = 1796337000000;
// UTC midnights of the two DST Sundays of 2026.
constexpr int64_t kSpringUtc0 = 1774742400000;  // 2026-03-29: 02:00 CET -> 03:00 CEST at 01:00 UTC
constexpr int64_t kAutumnUtc0 = 1792886400000;  // 2026-10-25: 03:00 CEST -> 02:00 CET at 01:00 UTC

CompactInputs At(int64_t now, CompactWindow w = kKioskCompactWindow) {
  CompactInputs in;
  in.now_ms = now;
  in.window = w;
  in.idle_ms = kKioskCompactIdleMs;
  in.last_activity_ms = now - kHour;  // idle
  in.last_run_ms = 0;                 // never
  return in;
}

TEST(CompactWindowTest, ParsesHourPairs) {
  auto w = ParseCompactWindow("02-05", "--compactage");
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  EXPECT_EQ(w->start_hour, 2);
  EXPECT_EQ(w->end_hour, 5);
  w = ParseCompactWindow("23-1", "--compactage");
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w->start_hour, 23);
  EXPECT_EQ(w->end_hour, 1);
  EXPECT_EQ(FormatCompactWindow(*w), "23:00-01:00");
}

TEST(CompactWindowTest, RefusesBadValuesInFrench) {
  for (const char* bad : {"", "02", "02-", "-05", "24-05", "02-24", "02:00-05:00", "0205",
                          "02-05-07", "+2-05", " 2-05", "2 -5", "aa-bb", "002-05", "-1-05",
                          "02-05\n", "99999999999-1"}) {
    auto w = ParseCompactWindow(bad, "--compactage");
    ASSERT_FALSE(w.ok()) << "'" << bad << "' accepted";
    EXPECT_EQ(w.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(w.status().message().find("--compactage : fenêtre HH-HH attendue"),
              std::string::npos)
        << w.status().message();
  }
  auto same = ParseCompactWindow("03-03", "--compact-window");
  ASSERT_FALSE(same.ok());
  EXPECT_NE(same.status().message().find("--compact-window : fenêtre vide"), std::string::npos)
      << same.status().message();
}

TEST(CompactDecisionTest, WindowEdgesAreHalfOpen) {
  EXPECT_EQ(DecideCompact(At(k0159)), CompactDecision::kOutsideWindow);
  EXPECT_EQ(DecideCompact(At(k0159 + kMin - 1)), CompactDecision::kOutsideWindow);
  EXPECT_EQ(DecideCompact(At(k0200)), CompactDecision::kNow);
  EXPECT_EQ(DecideCompact(At(k0230)), CompactDecision::kNow);
  EXPECT_EQ(DecideCompact(At(k0500 - 1)), CompactDecision::kNow);
  EXPECT_EQ(DecideCompact(At(k0500)), CompactDecision::kOutsideWindow);
  EXPECT_EQ(DecideCompact(At(k2330)), CompactDecision::kOutsideWindow);
}

TEST(CompactDecisionTest, WindowCrossingMidnight) {
  const CompactWindow w{23, 2};
  EXPECT_EQ(DecideCompact(At(k2330, w)), CompactDecision::kNow);
  EXPECT_EQ(DecideCompact(At(k2330 - 30 * kMin - 1, w)), CompactDecision::kOutsideWindow);
  EXPECT_EQ(DecideCompact(At(k0159, w)), CompactDecision::kNow);
  EXPECT_EQ(DecideCompact(At(k0200, w)), CompactDecision::kOutsideWindow);
  EXPECT_EQ(DecideCompact(At(k0230, w)), CompactDecision::kOutsideWindow);
}

TEST(CompactDecisionTest, TwentyHourRule) {
  CompactInputs in = At(k0230);
  in.last_run_ms = k0230 - 19 * kHour;  // yesterday 07:30: a restart the same day
  EXPECT_EQ(DecideCompact(in), CompactDecision::kTooSoon);
  in.last_run_ms = k0230 - 20 * kHour + 1;
  EXPECT_EQ(DecideCompact(in), CompactDecision::kTooSoon);
  in.last_run_ms = k0230 - 20 * kHour;
  EXPECT_EQ(DecideCompact(in), CompactDecision::kNow);
  in.last_run_ms = k0230 - 24 * kHour;  // last night
  EXPECT_EQ(DecideCompact(in), CompactDecision::kNow);
  // The clock was set back past the last run: that run does not block.
  in.last_run_ms = k0230 + 3 * kHour;
  EXPECT_EQ(DecideCompact(in), CompactDecision::kNow);
}

TEST(CompactDecisionTest, WaitsForTheKioskToBeIdle) {
  CompactInputs in = At(k0230);
  in.last_activity_ms = k0230 - 9 * kMin;
  EXPECT_EQ(DecideCompact(in), CompactDecision::kNotIdle);
  in.last_activity_ms = k0230 - 10 * kMin;
  EXPECT_EQ(DecideCompact(in), CompactDecision::kNow);
  // Outside the window the answer is the window, whatever the rest.
  in = At(k0159);
  in.last_activity_ms = k0159;
  in.last_run_ms = k0159 - kHour;
  EXPECT_EQ(DecideCompact(in), CompactDecision::kOutsideWindow);
}

// Polls a night minute by minute from `utc0` (UTC midnight) for 8 hours,
// "running" whenever the rule says so; returns the run instants.
std::vector<int64_t> Night(int64_t utc0, CompactWindow w) {
  std::vector<int64_t> runs;
  CompactInputs in;
  in.window = w;
  in.idle_ms = kKioskCompactIdleMs;
  for (int64_t t = utc0 - 2 * kHour; t < utc0 + 6 * kHour; t += kMin) {
    in.now_ms = t;
    in.last_activity_ms = utc0 - 3 * kHour;
    in.last_run_ms = runs.empty() ? 0 : runs.back();
    if (DecideCompact(in) == CompactDecision::kNow) runs.push_back(t);
  }
  return runs;
}

TEST(CompactDecisionTest, SpringDstNight) {
  // 02:00-03:00 does not exist on 2026-03-29: a window "02-03" never opens.
  int in_window = 0;
  for (int64_t t = kSpringUtc0 - 2 * kHour; t < kSpringUtc0 + 6 * kHour; t += kMin)
    in_window += InCompactWindow(t, CompactWindow{2, 3}) ? 1 : 0;
  EXPECT_EQ(in_window, 0);
  // "02-05" opens at 03:00 CEST = 01:00 UTC and closes at 05:00 CEST = 03:00 UTC.
  in_window = 0;
  for (int64_t t = kSpringUtc0 - 2 * kHour; t < kSpringUtc0 + 6 * kHour; t += kMin)
    in_window += InCompactWindow(t, kKioskCompactWindow) ? 1 : 0;
  EXPECT_EQ(in_window, 120);
  EXPECT_FALSE(InCompactWindow(kSpringUtc0 + kHour - 1, kKioskCompactWindow));
  EXPECT_TRUE(InCompactWindow(kSpringUtc0 + kHour, kKioskCompactWindow));
  const std::vector<int64_t> runs = Night(kSpringUtc0, kKioskCompactWindow);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0], kSpringUtc0 + kHour);
}

TEST(CompactDecisionTest, AutumnDstNightRunsOnce) {
  // 02:00-03:00 happens twice on 2026-10-25 (00:00-01:00 and 01:00-02:00 UTC).
  int in_window = 0;
  for (int64_t t = kAutumnUtc0 - 2 * kHour; t < kAutumnUtc0 + 6 * kHour; t += kMin)
    in_window += InCompactWindow(t, CompactWindow{2, 3}) ? 1 : 0;
  EXPECT_EQ(in_window, 120);
  const std::vector<int64_t> runs = Night(kAutumnUtc0, CompactWindow{2, 3});
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0], kAutumnUtc0);  // 02:00 CEST
}

}  // namespace
}  // namespace relais::common
