#pragma once
// Schedules ("plages") and their exceptions: field names, allowed values,
// typed views and per-field checks. Standard library only. The search over them
// is common/domain/slots.h, the rules between fields of a typed plage
// domain/plage_input.h; everything is described in docs/domain.md §6c.
//
// A plage (Collection::kSchedule, record site = the site where it happens):
//   practitioner  reference "id" or "id@site" (unqualified = the record's site)
//   weekday       1 (Monday) .. 7 (Sunday)
//   start_time    "HH:MM" Europe/Paris wall clock, 00:00..23:59
//   end_time      "HH:MM", 00:01..24:00, after start_time
//   kind          programmee | sans_rdv | visite_domicile | teleconsultation | ehpad
//   slot_min      slot length in minutes, 5..720; required for programmee,
//                 optional for the others ("" or absent = one slot per plage)
//   valid_from    first day "YYYY-MM-DD"; valid_to last day or "" (open-ended)
// An exception (Collection::kScheduleException), whole days
// [first_day, last_day]:
//   kind          conge (leave: the practitioner's plages at every site)
//                 | remplacement (the practitioner's plages, at every site,
//                   are worked by `replacement`)
//                 | fermeture (every plage of the record's site)
//   practitioner  required for conge and remplacement, "" for fermeture
//   replacement   required for remplacement, "" otherwise
//   first_day, last_day  "YYYY-MM-DD", first_day <= last_day
//   start_time, end_time optional "HH:MM" (as a plage's): a partial-day
//                 exception, [start_time, end_time) of each day; both or
//                 neither (input rule). Absent or "" = whole days. A
//                 stored pair that is not a valid interval (one side only,
//                 end not after start: concurrent edits) counts as whole
//                 days: never offer a slot someone meant to remove.
//
// The rules between fields (end after start...) are input rules:
// domain/plage_input.h. Every edit writes the whole record.

#include <string>
#include <vector>

#include "common/model/schema.h"

namespace relais::common {

namespace field {
inline constexpr const char kWeekday[] = "weekday";
inline constexpr const char kStartTime[] = "start_time";
inline constexpr const char kEndTime[] = "end_time";
inline constexpr const char kSlotMin[] = "slot_min";
inline constexpr const char kValidFrom[] = "valid_from";
inline constexpr const char kValidTo[] = "valid_to";
inline constexpr const char kFirstDay[] = "first_day";
inline constexpr const char kLastDay[] = "last_day";
}  // namespace field

inline const std::vector<std::string>& ScheduleKinds() {
  static const std::vector<std::string> k = {"programmee", "sans_rdv", "visite_domicile",
                                             "teleconsultation", "ehpad"};
  return k;
}
inline const std::vector<std::string>& ScheduleExceptionKinds() {
  static const std::vector<std::string> k = {"conge", "remplacement", "fermeture"};
  return k;
}

// Bounds of slot_min, in minutes.
inline constexpr int kMinSlotMin = 5;
inline constexpr int kMaxSlotMin = 720;

struct Schedule {
  std::string id, site_id, practitioner, kind, start_time, end_time, valid_from,
      valid_to;
  int weekday = 0;   // 1..7, 0 = unreadable
  int slot_min = 0;  // 0 = none
  bool deleted = false;
};
Schedule ScheduleFromView(const Record& r, const FieldView& v);

struct ScheduleException {
  std::string id, site_id, kind, practitioner, replacement, first_day, last_day;
  std::string start_time, end_time;  // "" = whole day
  bool deleted = false;
};
ScheduleException ScheduleExceptionFromView(const Record& r, const FieldView& v);

// The part of each day an exception covers, Paris wall-clock minutes
// [from, to): {0, 1440} for a whole-day exception, and for a stored pair
// that is not a valid interval (see the file comment).
struct DayPart {
  int from = 0, to = 1440;
};
DayPart ExceptionDayPart(const ScheduleException& e);

// "HH:MM" -> minutes since midnight; -1 if malformed. `allow_24` accepts
// "24:00" (1440), the end of the day.
int ParseClockMinutes(const std::string& s, bool allow_24);

// Field names of each collection (for validate.cc's FieldsOf).
const std::vector<std::string>& ScheduleFields();
const std::vector<std::string>& ScheduleExceptionFields();

// Level 1 (validate.h) for the two collections: "" or a French message.
std::string ValidateScheduleField(const std::string& f, const std::string& v);
std::string ValidateScheduleExceptionField(const std::string& f, const std::string& v);

}  // namespace relais::common
