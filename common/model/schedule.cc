#include "common/model/schedule.h"

#include <algorithm>

namespace relais::common {

namespace {

std::string Get(const FieldView& v, const char* f) {
  auto it = v.find(f);
  return it == v.end() ? std::string() : it->second;
}

std::string Bad(const std::string& f, const std::string& what, const std::string& v) {
  return "champ '" + f + "': " + what + " " + QuoteForMessage(v);
}

std::string NeedOneOf(const std::string& f, const std::string& v,
                      const std::vector<std::string>& set) {
  if (std::find(set.begin(), set.end(), v) != set.end()) return "";
  return Bad(f, "valeur inconnue", v);
}

std::string NeedInt(const std::string& f, const std::string& v, int64_t lo, int64_t hi) {
  int64_t n = 0;
  if (!ParseInt64(v, &n)) return Bad(f, "entier attendu, reçu", v);
  if (n < lo || n > hi)
    return "champ '" + f + "': valeur hors limites (" + std::to_string(lo) + " à " +
           std::to_string(hi) + ")";
  return "";
}

std::string NeedDate(const std::string& f, const std::string& v, bool allow_empty) {
  if (allow_empty && v.empty()) return "";
  if (IsValidDate(v)) return "";
  return Bad(f, "date invalide (AAAA-MM-JJ, jour existant)", v);
}

std::string NeedRefOrEmpty(const std::string& f, const std::string& v) {
  if (v.empty() || IsValidPractitionerRef(v)) return "";
  return Bad(f, "référence de praticien invalide", v);
}

}  // namespace

int ParseClockMinutes(const std::string& s, bool allow_24) {
  if (s.size() != 5 || s[2] != ':') return -1;
  for (int i : {0, 1, 3, 4})
    if (s[i] < '0' || s[i] > '9') return -1;
  const int h = (s[0] - '0') * 10 + (s[1] - '0');
  const int m = (s[3] - '0') * 10 + (s[4] - '0');
  if (m > 59) return -1;
  if (h == 24 && m == 0 && allow_24) return 1440;
  if (h > 23) return -1;
  return h * 60 + m;
}

Schedule ScheduleFromView(const Record& r, const FieldView& v) {
  using namespace field;
  Schedule s;
  s.id = r.id;
  s.site_id = r.site_id;
  s.practitioner = Get(v, kPractitioner);
  s.kind = Get(v, kKind);
  s.start_time = Get(v, kStartTime);
  s.end_time = Get(v, kEndTime);
  s.valid_from = Get(v, kValidFrom);
  s.valid_to = Get(v, kValidTo);
  int64_t n = 0;
  if (ParseInt64(Get(v, kWeekday), &n) && n >= 1 && n <= 7) s.weekday = static_cast<int>(n);
  if (ParseInt64(Get(v, kSlotMin), &n) && n >= kMinSlotMin && n <= kMaxSlotMin)
    s.slot_min = static_cast<int>(n);
  s.deleted = Get(v, kDeletedField) == "1";
  return s;
}

ScheduleException ScheduleExceptionFromView(const Record& r, const FieldView& v) {
  using namespace field;
  ScheduleException e;
  e.id = r.id;
  e.site_id = r.site_id;
  e.kind = Get(v, kKind);
  e.practitioner = Get(v, kPractitioner);
  e.replacement = Get(v, kReplacement);
  e.first_day = Get(v, kFirstDay);
  e.last_day = Get(v, kLastDay);
  e.start_time = Get(v, kStartTime);
  e.end_time = Get(v, kEndTime);
  e.deleted = Get(v, kDeletedField) == "1";
  return e;
}

DayPart ExceptionDayPart(const ScheduleException& e) {
  const int from = ParseClockMinutes(e.start_time, false);
  const int to = ParseClockMinutes(e.end_time, true);
  if (from < 0 || to <= from) return DayPart{};
  return DayPart{from, to};
}

const std::vector<std::string>& ScheduleFields() {
  using namespace field;
  static const std::vector<std::string> k = {kPractitioner, kWeekday,   kStartTime,
                                             kEndTime,      kKind,      kSlotMin,
                                             kValidFrom,    kValidTo,   kDeletedField};
  return k;
}

const std::vector<std::string>& ScheduleExceptionFields() {
  using namespace field;
  static const std::vector<std::string> k = {kKind,      kPractitioner, kReplacement,
                                             kFirstDay,  kLastDay,      kStartTime,
                                             kEndTime,   kDeletedField};
  return k;
}

std::string ValidateScheduleField(const std::string& f, const std::string& v) {
  using namespace field;
  if (f == kPractitioner)
    return IsValidPractitionerRef(v) ? "" : Bad(f, "référence de praticien invalide", v);
  if (f == kWeekday) return NeedInt(f, v, 1, 7);
  if (f == kStartTime && ParseClockMinutes(v, false) < 0)
    return Bad(f, "heure invalide (HH:MM, 00:00 à 23:59)", v);
  if (f == kEndTime && ParseClockMinutes(v, true) <= 0)
    return Bad(f, "heure invalide (HH:MM, 00:01 à 24:00)", v);
  if (f == kKind) return NeedOneOf(f, v, ScheduleKinds());
  if (f == kSlotMin && !v.empty()) return NeedInt(f, v, kMinSlotMin, kMaxSlotMin);
  if (f == kValidFrom) return NeedDate(f, v, false);
  if (f == kValidTo) return NeedDate(f, v, true);
  return "";
}

std::string ValidateScheduleExceptionField(const std::string& f, const std::string& v) {
  using namespace field;
  if (f == kKind) return NeedOneOf(f, v, ScheduleExceptionKinds());
  if (f == kPractitioner || f == kReplacement) return NeedRefOrEmpty(f, v);
  if (f == kFirstDay || f == kLastDay) return NeedDate(f, v, false);
  if (f == kStartTime && !v.empty() && ParseClockMinutes(v, false) < 0)
    return Bad(f, "heure invalide (HH:MM, 00:00 à 23:59)", v);
  if (f == kEndTime && !v.empty() && ParseClockMinutes(v, true) <= 0)
    return Bad(f, "heure invalide (HH:MM, 00:01 à 24:00)", v);
  return "";
}

}  // namespace relais::common
