#pragma once
// State for the keyboard-only and reach tests: 10:00 Paris on 2025-03-10, a
// check-in pool with one patient (Zébulon Quintavalle, code HN4PWX, 10:10
// with Dr Alice Arnaud) and another (Marguerite Wolfsohn) with two
// appointments; Dr Bruno Bel has a PIN (offered on the PIN screen).

#include <string>

#include "kiosk/app/apply.h"
#include "kiosk/app/state.h"

namespace relais::kiosk::testing {

inline constexpr int64_t kTenAm = 1741597200000;  // 2025-03-10 10:00 Paris

inline AppState KeyboardState() {
  AppState s = InitialState(kTenAm, Lang::kFr);
  s.effects.clear();
  s.site_id = "S1";
  s.practitioners = {{}, {}};
  s.practitioners[0].id = "dr-a";
  s.practitioners[0].name = "Dr Alice Arnaud";
  s.practitioners[1].id = "dr-b";
  s.practitioners[1].name = "Dr Bruno Bel";
  s.practitioners[1].pin_hash = "x";
  auto appt = [&](const std::string& id, const std::string& pract, int64_t start_s,
                  const std::string& code, const std::string& name, const std::string& ref) {
    common::Appointment a;
    a.id = id;
    a.practitioner = pract;
    a.start = start_s;
    a.duration_min = 15;
    a.status = "booked";
    a.code = code;
    a.patient_name = name;
    a.patient_birth = "1931-07-14";
    a.patient_ref = ref;
    a.room = "Cabinet 1";
    s.today_appointments.push_back(a);
  };
  appt("a1", "dr-a", kTenAm / 1000 + 600, "HN4PWX", "Zébulon Quintavalle", "r1");
  appt("a2", "dr-a", kTenAm / 1000 + 1200, "P3R4ST", "Marguerite Wolfsohn", "r2");
  appt("a3", "dr-b", kTenAm / 1000 + 1500, "W5X6YZ", "Marguerite Wolfsohn", "r2");
  return s;
}

// The ids of the appointments `s` queued a check-in for.
inline std::vector<std::string> CheckedIn(const AppState& s) {
  std::vector<std::string> ids;
  for (const Effect& e : s.effects)
    if (const auto* c = std::get_if<EffCheckIn>(&e)) ids.push_back(c->appointment_id);
  return ids;
}

}  // namespace relais::kiosk::testing
