#pragma once
// What the replica's create operations take (Replica::AddAppointment,
// AddLedgerEntry, SetPresence). Plain values, standard library only, so the
// kiosk's pure state can carry them in its effects without the storage
// headers. Checked by ValidateNewAppointment / ValidateNewLedgerEntry /
// ValidateNewPresence (common/model/validate.h).

#include <cstdint>
#include <string>

namespace relais::common {

struct NewAppointment {
  std::string practitioner;
  std::string patient_name;
  std::string patient_birth;  // YYYY-MM-DD
  std::string patient_ref;    // pseudonymous; derived if empty
  int64_t start = 0;          // UTC seconds
  int64_t duration_min = 15;
  std::string kind = "consultation";
  std::string status = "booked";
  std::string room;
  std::string note;
  std::string patient_commune;  // INSEE code of residence; "" = not asked
  std::string site;  // where (in the replica's scope); "" = its home site
};

struct NewLedgerEntry {
  int64_t amount_cents = 0;
  std::string category;
  std::string payer;  // practitioner id
  std::string key;    // equal | share | presence
  std::string label;
  std::string month;     // YYYY-MM; current month if empty
  std::string reverses;  // id of the reversed entry, or empty
};

struct NewPresence {
  std::string practitioner;
  std::string date;   // YYYY-MM-DD
  std::string half;   // am | pm
  std::string state;  // see PresenceStates()
  std::string replacement;  // required with "remplace", empty otherwise
  std::string room;
};

}  // namespace relais::common
