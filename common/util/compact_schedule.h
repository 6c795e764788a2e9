#pragma once
// When a store file is compacted by itself at night (issue #17): the pure
// rule "compact now?" shared by the kiosk (replica) and `relais-hub serve`
// (hub.db), and the parsing of the window option. No I/O, no clock: the
// caller passes every instant (tests drive it with a FakeClock).
//
// Local time is Europe/Paris (common/util/time.h), as everywhere else in
// the project. A window "HH-HH" is [start:00, end:00) in local wall time;
// start > end crosses midnight ("23-02"). On the spring DST night the hour
// 02:00-03:00 does not exist: a window "02-03" simply does not open that
// night; on the autumn night 02:00-03:00 happens twice, and the 20 h rule
// keeps it to one compaction.

#include <cstdint>
#include <string>

#include "common/util/status.h"

namespace relais::common {

struct CompactWindow {
  int start_hour = 2;  // 0..23
  int end_hour = 5;    // 0..23, != start_hour
};

// The kiosk's default (02:00-05:00) and the hub's (03:00-04:00).
inline constexpr CompactWindow kKioskCompactWindow{2, 5};
inline constexpr CompactWindow kHubCompactWindow{3, 4};
// At most one compaction per this span (a restart does not redo it: the
// last run is kept in the file's meta table).
inline constexpr int64_t kMinCompactIntervalMs = int64_t{20} * 3600 * 1000;
// The kiosk waits this long without a patient's touch before compacting.
inline constexpr int64_t kKioskCompactIdleMs = int64_t{10} * 60 * 1000;
// The meta key (replica and SQLite hub `meta` tables) holding the end of
// the last successful compaction, in Unix milliseconds.
inline constexpr char kLastCompactionMetaKey[] = "last_compaction_ms";

// Parses "HH-HH" (two-digit hours 00..23, different; "2-5" is accepted).
// INVALID_ARGUMENT with a French message naming `flag` otherwise.
Result<CompactWindow> ParseCompactWindow(const std::string& text, const std::string& flag);
// "02:00-05:00".
std::string FormatCompactWindow(const CompactWindow& w);

// True if the Paris wall time of `now_ms` lies in `w`.
bool InCompactWindow(int64_t now_ms, const CompactWindow& w);

struct CompactInputs {
  int64_t now_ms = 0;
  int64_t last_activity_ms = 0;  // last patient/staff input (kiosk); hub: 0
  int64_t idle_ms = 0;           // required quiet time before compacting
  int64_t last_run_ms = 0;       // last success or failed attempt; 0 = never
  CompactWindow window;
};

enum class CompactDecision {
  kNow,
  kOutsideWindow,
  kNotIdle,   // someone used the kiosk less than idle_ms ago
  kTooSoon,   // less than kMinCompactIntervalMs since last_run_ms
};

// The decision, in that order: window, 20 h rule, idleness. A last run in
// the future (the clock was set back) does not block: it counts as never.
CompactDecision DecideCompact(const CompactInputs& in);

}  // namespace relais::common
