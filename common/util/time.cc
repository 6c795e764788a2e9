#include "common/util/time.h"

#include <cstdio>

namespace relais::common {

int64_t DaysFromCivil(const CivilDate& d) {
  int64_t y = d.year - (d.month <= 2 ? 1 : 0);
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t mp = (d.month + 9) % 12;
  const int64_t doy = (153 * mp + 2) / 5 + d.day - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

CivilDate CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = yoe + era * 400;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t day = doy - (153 * mp + 2) / 5 + 1;
  const int64_t month = mp < 10 ? mp + 3 : mp - 9;
  return CivilDate{static_cast<int>(y + (month <= 2 ? 1 : 0)),
                   static_cast<int>(month), static_cast<int>(day)};
}

int Weekday(const CivilDate& d) {
  const int64_t days = DaysFromCivil(d);  // 1970-01-01 was a Thursday (3)
  return static_cast<int>(((days % 7) + 7 + 3) % 7);
}

int DaysInMonth(int year, int month) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2) {
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return leap ? 29 : 28;
  }
  return kDays[month - 1];
}

namespace {

bool ParseInt(const std::string& s, size_t pos, size_t len, int* out) {
  if (pos + len > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + len; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

// UTC seconds of 01:00 UTC on the last Sunday of `month`.
int64_t LastSundayOneUtc(int year, int month) {
  CivilDate d{year, month, DaysInMonth(year, month)};
  const int wd = Weekday(d);  // 6 = Sunday
  d.day -= (wd + 1) % 7;
  return DaysFromCivil(d) * 86400 + 3600;
}

}  // namespace

Result<CivilDate> ParseDate(const std::string& s) {
  CivilDate d;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-' ||
      !ParseInt(s, 0, 4, &d.year) || !ParseInt(s, 5, 2, &d.month) ||
      !ParseInt(s, 8, 2, &d.day) || d.month < 1 || d.month > 12 ||
      d.day < 1 || d.day > DaysInMonth(d.year, d.month) || d.year < 1900) {
    return Status::InvalidArgument("date invalide (attendu AAAA-MM-JJ): '" +
                                   s + "'");
  }
  return d;
}

std::string FormatDate(const CivilDate& d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
  return buf;
}

Status ParseMonth(const std::string& s, int* year, int* month) {
  if (s.size() != 7 || s[4] != '-' || !ParseInt(s, 0, 4, year) ||
      !ParseInt(s, 5, 2, month) || *month < 1 || *month > 12) {
    return Status::InvalidArgument("mois invalide (attendu AAAA-MM): '" + s +
                                   "'");
  }
  return Status::OK();
}

int ParisOffsetSeconds(int64_t utc_s) {
  const int year = CivilFromDays(utc_s >= 0 ? utc_s / 86400
                                            : (utc_s - 86399) / 86400)
                       .year;
  const bool summer =
      utc_s >= LastSundayOneUtc(year, 3) && utc_s < LastSundayOneUtc(year, 10);
  return summer ? 7200 : 3600;
}

int64_t ParisLocalToUtc(const CivilDate& d, int hour, int minute) {
  const int64_t local = DaysFromCivil(d) * 86400 + hour * 3600 + minute * 60;
  // Try summer time first (earlier instant in the autumn overlap).
  const int64_t as_summer = local - 7200;
  if (ParisOffsetSeconds(as_summer) == 7200) return as_summer;
  const int64_t as_winter = local - 3600;
  if (ParisOffsetSeconds(as_winter) == 3600) return as_winter;
  // Spring gap (02:00-03:00 does not exist): move forward one hour.
  return as_winter;
}

Result<int64_t> ParseParisDateTime(const std::string& s) {
  int hour = 0, minute = 0;
  if (s.size() != 16 || s[10] != 'T' || s[13] != ':' ||
      !ParseInt(s, 11, 2, &hour) || !ParseInt(s, 14, 2, &minute) ||
      hour > 23 || minute > 59) {
    return Status::InvalidArgument(
        "date-heure invalide (attendu AAAA-MM-JJTHH:MM): '" + s + "'");
  }
  auto date = ParseDate(s.substr(0, 10));
  if (!date.ok()) return date.status();
  return ParisLocalToUtc(*date, hour, minute);
}

namespace {
void SplitLocal(int64_t utc_s, CivilDate* d, int* h, int* m) {
  const int64_t local = utc_s + ParisOffsetSeconds(utc_s);
  int64_t days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
  const int64_t secs = local - days * 86400;
  *d = CivilFromDays(days);
  *h = static_cast<int>(secs / 3600);
  *m = static_cast<int>((secs % 3600) / 60);
}
}  // namespace

std::string FormatParisDateTime(int64_t utc_s) {
  CivilDate d;
  int h, m;
  SplitLocal(utc_s, &d, &h, &m);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%sT%02d:%02d", FormatDate(d).c_str(), h, m);
  return buf;
}

std::string FormatParisTime(int64_t utc_s) {
  CivilDate d;
  int h, m;
  SplitLocal(utc_s, &d, &h, &m);
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d:%02d", h, m);
  return buf;
}

CivilDate ParisDate(int64_t utc_s) {
  CivilDate d;
  int h, m;
  SplitLocal(utc_s, &d, &h, &m);
  return d;
}

std::string FormatUtc(int64_t utc_s) {
  int64_t days = utc_s >= 0 ? utc_s / 86400 : (utc_s - 86399) / 86400;
  const int64_t secs = utc_s - days * 86400;
  const CivilDate d = CivilFromDays(days);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%sT%02d:%02d:%02dZ", FormatDate(d).c_str(),
                static_cast<int>(secs / 3600),
                static_cast<int>((secs % 3600) / 60),
                static_cast<int>(secs % 60));
  return buf;
}

}  // namespace relais::common
