#include "common/util/compact_schedule.h"

#include <cstdio>

#include "common/util/time.h"

namespace relais::common {

namespace {

// "7" or "07" -> 7; -1 if not one or two digits in 0..23.
int ParseHour(const std::string& s) {
  if (s.empty() || s.size() > 2) return -1;
  int h = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return -1;
    h = h * 10 + (c - '0');
  }
  return h <= 23 ? h : -1;
}

}  // namespace

Result<CompactWindow> ParseCompactWindow(const std::string& text, const std::string& flag) {
  const std::string expected = flag + " : fenêtre HH-HH attendue (heures locales 00 à 23, par "
                                      "exemple 02-05), reçu '" + text + "'";
  if (text.size() > 5) return Status::InvalidArgument(expected);
  const size_t dash = text.find('-');
  if (dash == std::string::npos) return Status::InvalidArgument(expected);
  const int start = ParseHour(text.substr(0, dash));
  const int end = ParseHour(text.substr(dash + 1));
  if (start < 0 || end < 0) return Status::InvalidArgument(expected);
  if (start == end)
    return Status::InvalidArgument(flag + " : fenêtre vide (" + text +
                                   ") : le début et la fin doivent différer");
  return CompactWindow{start, end};
}

std::string FormatCompactWindow(const CompactWindow& w) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d:00-%02d:00", w.start_hour, w.end_hour);
  return buf;
}

bool InCompactWindow(int64_t now_ms, const CompactWindow& w) {
  const int64_t s = now_ms / 1000 - (now_ms % 1000 < 0 ? 1 : 0);
  const int64_t local = s + ParisOffsetSeconds(s);
  int64_t sec_of_day = local % 86400;
  if (sec_of_day < 0) sec_of_day += 86400;
  const int hour = static_cast<int>(sec_of_day / 3600);
  if (w.start_hour < w.end_hour) return hour >= w.start_hour && hour < w.end_hour;
  return hour >= w.start_hour || hour < w.end_hour;  // crosses midnight
}

CompactDecision DecideCompact(const CompactInputs& in) {
  if (!InCompactWindow(in.now_ms, in.window)) return CompactDecision::kOutsideWindow;
  if (in.last_run_ms > 0 && in.last_run_ms <= in.now_ms &&
      in.now_ms - in.last_run_ms < kMinCompactIntervalMs)
    return CompactDecision::kTooSoon;
  if (in.now_ms - in.last_activity_ms < in.idle_ms) return CompactDecision::kNotIdle;
  return CompactDecision::kNow;
}

}  // namespace relais::common
