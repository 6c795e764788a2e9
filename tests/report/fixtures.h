#pragma once
// Hand-built records for the report tests (no SQLite: ApplyLocalWrite only).

#include <map>
#include <string>
#include <vector>

#include "common/merge/merge.h"
#include "common/model/record.h"
#include "common/util/time.h"

namespace relais::common::report::testing {

inline Record MakeRecord(Collection c, const std::string& id,
                         const std::string& site,
                         const std::map<std::string, std::string>& fields) {
  Record r;
  r.collection = c;
  r.id = id;
  r.site_id = site;
  static uint64_t hlc = 1;
  ApplyLocalWrite(&r, "rep-test", MakeHlc(1'700'000'000'000, 0) + hlc++,
                  fields);
  return r;
}

// An appointment at Paris local `date` `hh:mm`. Optional check-in `wait`
// minutes before consultation (wait < 0: no check-in).
inline Record Appt(const std::string& site, const std::string& id,
                   const std::string& date, int hh, int mm,
                   const std::string& status, const std::string& kind,
                   const std::string& patient, int wait = -1,
                   const std::string& via = "kiosk") {
  const int64_t start =
      ParisLocalToUtc(ParseDate(date).value(), hh, mm);
  std::map<std::string, std::string> f = {
      {"start", std::to_string(start)}, {"duration", "15"},
      {"status", status},               {"kind", kind},
      {"patient_ref", patient},         {"patient_name", "DUPONT Jeanne"},
      {"patient_birth", "1950-02-03"},  {"code", "ABC234"},
      {"practitioner", "prat-secret-1"}};
  if (wait >= 0) {
    f["checkin_at"] = std::to_string(start - 600);
    f["checkin_via"] = via;
    f["consult_at"] = std::to_string(start - 600 + wait * 60);
  }
  return MakeRecord(Collection::kAppointment, id, site, f);
}

inline Record Pract(const std::string& site, const std::string& id,
                    const std::string& profession) {
  return MakeRecord(Collection::kPractitioner, id, site,
                    {{"name", "Dr " + id}, {"profession", profession}});
}

inline Record Pres(const std::string& site, const std::string& who,
                   const std::string& date, const std::string& half,
                   const std::string& state = "present") {
  return MakeRecord(Collection::kPresence, PresenceId(who, date, half), site,
                    {{"practitioner", who},
                     {"date", date},
                     {"half", half},
                     {"state", state}});
}

inline Record Ledger(const std::string& site, const std::string& id,
                     const std::string& month, const std::string& category,
                     int64_t cents) {
  return MakeRecord(Collection::kLedger, id, site,
                    {{"amount_cents", std::to_string(cents)},
                     {"category", category},
                     {"payer", "prat-secret-1"},
                     {"key", "equal"},
                     {"month", month},
                     {"created_at", "1"}});
}

}  // namespace relais::common::report::testing
