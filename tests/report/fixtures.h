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

inline std::string Day(const char* ym, int d) {
  return std::string(ym) + "-" + (d < 10 ? "0" : "") + std::to_string(d);
}

// The hand-computed fixture of usage_test.cc: sites A and B (asked for) and
// C (not asked for), January-February 2026.
inline std::vector<Record> Fixture() {
  std::vector<Record> v;
  // January, site A: 30 done (12 snp, 2 home visits, 16 consultations) over
  // 10 distinct patients; the 28 non-visits checked in (15 kiosk, 13 staff)
  // with waits 1..28 min (median 14.5); 4 no-shows; 11 cancelled.
  int k = 0;
  for (int i = 0; i < 30; ++i) {
    const std::string kind = i < 12 ? "snp" : i < 14 ? "visite_domicile"
                                                     : "consultation";
    const bool visit = kind == "visite_domicile";
    const int wait = visit ? -1 : ++k;
    v.push_back(Appt("A", "ja" + std::to_string(i), Day("2026-01", 5 + i % 20),
                     9, 0, "done", kind, "P" + std::to_string(i % 10), wait,
                     k <= 15 ? "kiosk" : "staff"));
  }
  for (int i = 0; i < 4; ++i)
    v.push_back(Appt("A", "jn" + std::to_string(i), "2026-01-08", 10, 0,
                     "no_show", "consultation", "N" + std::to_string(i)));
  for (int i = 0; i < 11; ++i)
    v.push_back(Appt("A", "jc" + std::to_string(i), "2026-01-09", 10, 0,
                     "cancelled", "consultation", "C" + std::to_string(i)));
  // February, site A: 25 done (25 patients), 15 no-shows, 12 cancelled.
  for (int i = 0; i < 25; ++i)
    v.push_back(Appt("A", "fa" + std::to_string(i), Day("2026-02", 2 + i % 20),
                     14, 0, "done", "consultation", "Q" + std::to_string(i)));
  for (int i = 0; i < 15; ++i)
    v.push_back(Appt("A", "fn" + std::to_string(i), "2026-02-10", 8, 30,
                     "no_show", "consultation", "R" + std::to_string(i)));
  for (int i = 0; i < 12; ++i)
    v.push_back(Appt("A", "fc" + std::to_string(i), "2026-02-11", 8, 30,
                     "cancelled", "consultation", "R" + std::to_string(i)));
  // P0 was first seen in December (before the range): not new in January.
  v.push_back(Appt("A", "dec", "2025-12-10", 9, 0, "done", "consultation",
                   "P0"));
  // A deleted appointment counts for nothing.
  Record del = Appt("A", "gone", "2026-01-20", 9, 0, "done", "snp", "Z");
  ApplyLocalWrite(&del, "rep-test", MakeHlc(1'800'000'000'000, 0),
                  {{kDeletedField, "1"}});
  v.push_back(del);
  // Presence: 3 GPs am+pm on Jan 5 and 6 (12 half-days), one nurse on the
  // morning of Jan 7 -> 3 open days of 12 h, 12 h, 4.5 h (mean 9.5 h).
  for (const char* g : {"g1", "g2", "g3"}) {
    v.push_back(Pract("A", g, "medecin_generaliste"));
    for (const char* d : {"2026-01-05", "2026-01-06"})
      for (const char* h : {"am", "pm"}) v.push_back(Pres("A", g, d, h));
  }
  v.push_back(Pract("A", "i1", "ide"));
  v.push_back(Pres("A", "i1", "2026-01-07", "am"));
  v.push_back(Pres("A", "i1", "2026-01-08", "am", "absent"));
  // Costs: rent both months, energy 300 € reversed by 50 €.
  v.push_back(Ledger("A", "l1", "2026-01", "loyer", 120000));
  v.push_back(Ledger("A", "l2", "2026-02", "loyer", 120000));
  v.push_back(Ledger("A", "l3", "2026-01", "energie", 30000));
  v.push_back(Ledger("A", "l4", "2026-01", "energie", -5000));
  v.push_back(Ledger("A", "l5", "2025-12", "loyer", 999999));  // out of range
  // Site B: 11 consultations done in January. Site C is not asked for.
  for (int i = 0; i < 11; ++i)
    v.push_back(Appt("B", "b" + std::to_string(i), "2026-01-15", 9, 0, "done",
                     "consultation", "B" + std::to_string(i)));
  for (int i = 0; i < 50; ++i)
    v.push_back(Appt("C", "c" + std::to_string(i), "2026-01-15", 9, 0, "done",
                     "consultation", "C" + std::to_string(i)));
  return v;
}

}  // namespace relais::common::report::testing
