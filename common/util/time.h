#pragma once
// Civil time helpers. Storage is always UTC (seconds since epoch); display is
// Europe/Paris. The EU rule (since 1996) is implemented directly so no tz
// database is needed: CEST (UTC+2) from the last Sunday of March 01:00 UTC to
// the last Sunday of October 01:00 UTC, CET (UTC+1) otherwise.

#include <cstdint>
#include <string>

#include "common/util/status.h"

namespace relais::common {

struct CivilDate {
  int year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
  bool operator==(const CivilDate&) const = default;
  auto operator<=>(const CivilDate&) const = default;
};

// Days since 1970-01-01 for a proleptic Gregorian date (H. Hinnant).
int64_t DaysFromCivil(const CivilDate& d);
CivilDate CivilFromDays(int64_t days);
// 0 = Monday ... 6 = Sunday.
int Weekday(const CivilDate& d);
int DaysInMonth(int year, int month);

// Parses "YYYY-MM-DD" strictly (valid calendar date).
Result<CivilDate> ParseDate(const std::string& s);
std::string FormatDate(const CivilDate& d);  // "YYYY-MM-DD"
// Parses "YYYY-MM" into (year, month).
Status ParseMonth(const std::string& s, int* year, int* month);

// Offset of Europe/Paris from UTC, in seconds, at the UTC instant `utc_s`.
int ParisOffsetSeconds(int64_t utc_s);
// Converts a Paris wall-clock time to UTC seconds. In the autumn repeated hour
// the earlier (summer-time) instant is chosen; a spring-gap time is shifted
// forward by one hour (as clocks do).
int64_t ParisLocalToUtc(const CivilDate& d, int hour, int minute);
// Parses "YYYY-MM-DDTHH:MM" as Paris local time, returns UTC seconds.
Result<int64_t> ParseParisDateTime(const std::string& s);
// "YYYY-MM-DDTHH:MM" in Paris local time.
std::string FormatParisDateTime(int64_t utc_s);
// "HH:MM" in Paris local time.
std::string FormatParisTime(int64_t utc_s);
// The Paris civil date of a UTC instant.
CivilDate ParisDate(int64_t utc_s);
// UTC ISO-8601 "YYYY-MM-DDTHH:MM:SSZ".
std::string FormatUtc(int64_t utc_s);

}  // namespace relais::common
