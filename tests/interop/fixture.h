#pragma once
// The small agenda both exporters' hand-written expectations describe
// (testdata/agenda.ics, testdata/agenda_bundle.json). Instants are written
// out from the calendar and converted with libc timegm (test_util.h), not
// with the code under test: 23 March 2026 is winter time (Paris = UTC+1),
// 30 March summer time (UTC+2).

#include "common/interop/agenda.h"
#include "tests/common/test_util.h"

namespace relais::common::interop::testing {

using common::testing::UtcSeconds;

inline Appointment FixtureAppointment(const std::string& id, int64_t start, int64_t minutes,
                                      const std::string& status) {
  Appointment a;
  a.id = id;
  a.site_id = "S1";
  a.practitioner = "a@S1";
  a.patient_ref = "pat-1";
  a.patient_name = "Jeanne Dupont";
  a.patient_birth = "1950-04-01";
  a.start = start;
  a.duration_min = minutes;
  a.status = status;
  a.note = "note privée";
  a.code = "ABC234";
  return a;
}

inline Agenda FixtureAgenda() {
  Agenda g;
  g.organisation_id = "msp-parc";
  g.organisation_name = "MSP du Parc";
  g.sites = {{"S1", "Maison de santé du Parc"}};
  Practitioner p;
  p.id = "a@S1";
  p.site_id = "S1";
  p.name = "Dr Émile Martin";
  p.profession = "medecin";
  g.practitioners = {p};
  // Monday 23 March 2026 09:00 Paris (CET) = 08:00Z, room 2.
  Appointment a1 = FixtureAppointment("rdv-1", UtcSeconds(2026, 3, 23, 8, 0), 30, "booked");
  a1.room = "2";
  // Monday 30 March 2026 10:15 Paris (CEST) = 08:15Z, cancelled.
  Appointment a2 =
      FixtureAppointment("rdv-2", UtcSeconds(2026, 3, 30, 8, 15), 15, "cancelled");
  a2.kind = "teleconsultation";
  // Deleted, and a status from a newer version: neither is exported.
  Appointment gone = FixtureAppointment("rdv-3", UtcSeconds(2026, 3, 24, 8, 0), 15, "booked");
  gone.deleted = true;
  Appointment odd = FixtureAppointment("rdv-4", UtcSeconds(2026, 3, 25, 8, 0), 15, "en_attente");
  // Given out of order: the export sorts by start.
  g.appointments = {a2, gone, odd, a1};
  // Free: 23 March 09:30 Paris = 08:30Z, 30 min.
  g.free_slots = {{"a@S1", "S1", "programmee", UtcSeconds(2026, 3, 23, 8, 30), 30}};
  g.from = UtcSeconds(2026, 3, 22, 23, 0);  // 23 March 00:00 Paris
  g.to = UtcSeconds(2026, 3, 31, 22, 0);    // 1 April 00:00 Paris
  return g;
}

inline int64_t FixtureNow() { return UtcSeconds(2026, 3, 20, 12, 0); }

}  // namespace relais::common::interop::testing
