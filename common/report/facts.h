#pragma once
// Report facts: the compact, pseudonymised projection of merged records that
// the usage report is computed from (domain notes §4.3: the funder view reads
// a separate aggregate store, never the health-data records).
//
// A fact keeps only what an indicator needs: days, status and kind codes,
// check-in channel, wait in minutes, amounts, professions and categories.
// No name, birth date, check-in code, note or patient_ref: a patient is a
// keyed 64-bit hash (the key never leaves the hub), used only to count
// distinct patients. Practitioner ids stay inside the store: only
// professions leave, aggregated.
//
// Pure: no I/O, no clock.

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/model/record.h"

namespace relais::common::report {

// Appointment status as the report counts it.
enum class FactStatus : uint8_t {
  kPending = 0,  // booked, checked_in, in_consultation
  kDone = 1,
  kNoShow = 2,
  kCancelled = 3,
};
// Kind of a done appointment that has its own column.
enum class FactKind : uint8_t {
  kOther = 0,
  kSnp = 1,
  kHomeVisit = 2,
  kTeleconsultation = 3,
};
enum class FactCheckin : uint8_t { kNone = 0, kStaff = 1, kKiosk = 2 };

// Hours before the start under which a cancellation is "late" (§4.2).
inline constexpr int64_t kLateCancelSeconds = 48 * 3600;

struct AppointmentFact {
  int32_t day = 0;  // Europe/Paris date of the start, days since 1970-01-01
  FactStatus status = FactStatus::kPending;
  FactKind kind = FactKind::kOther;
  FactCheckin checkin = FactCheckin::kNone;
  bool late_cancel = false;  // cancelled < kLateCancelSeconds before start
  int32_t wait_min = -1;  // check-in to consultation, same Paris day; -1: none
  int64_t due_s = 0;      // start + duration, UTC seconds
  uint64_t patient = 0;   // pseudonym of patient_ref; 0: none
  // INSEE code of the patient's commune of residence (patient_commune), ""
  // if not recorded (it is published as « non renseignée »).
  std::string commune;
  bool operator==(const AppointmentFact&) const = default;
};

// A walk-in ticket (issue #16): the day it was issued and the wait until the
// patient was called. No ticket number, no time of day, no room: only what
// the count and the median wait need.
struct TicketFact {
  int32_t day = 0;        // Paris day of issue (the ticket's `day`)
  int32_t wait_min = -1;  // called_at - issued_at in minutes, for a called,
                          // done or converted ticket; -1: none
  bool operator==(const TicketFact&) const = default;
};

struct PresenceFact {
  int32_t day = 0;
  uint8_t half = 0;          // 1 = am, 2 = pm, 0 = unknown
  std::string profession;    // of the practitioner; "autre" if unknown
  std::string contributor;   // who worked it (the replacement if remplacé)
};

struct LedgerFact {
  int32_t month_day = 0;  // first day of the entry's month
  int64_t cents = 0;      // signed (reversals are negative)
  std::string category;
};

// Facts of one site.
struct SiteFacts {
  std::vector<AppointmentFact> appointments;
  std::vector<PresenceFact> presence;
  std::vector<LedgerFact> ledger;
  std::vector<TicketFact> tickets;  // walk-ins
  // One entry per patient whose first `done` appointment ever at this site
  // falls in the facts' range: that day (new patients, domain notes §4.2).
  std::vector<int32_t> first_visits;
  // Wall time (UTC ms, the writing replica's hybrid clock) of the latest
  // write in any record of the site the hub holds; 0 if none. Tells the
  // funder how fresh the site's figures are.
  int64_t last_write_ms = 0;
};
// site id -> its facts.
using FactSet = std::map<std::string, SiteFacts>;

// Maps a patient_ref to its pseudonym; must be deterministic for the life of
// a fact set and never return 0 for a non-empty ref.
using Pseudonymizer = std::function<uint64_t(std::string_view)>;

// What one merged record contributes. Exactly one of the parts is meaningful,
// by `kind`. Presence keeps the practitioner id (site-qualified as stored) so
// that the profession is looked up when the report is read: a practitioner
// record may arrive after, or change after, their presence.
struct RecordFact {
  enum class Kind {
    kNone,
    kAppointment,
    kPresence,
    kLedger,
    kPractitioner,
    kTicket
  };
  Kind kind = Kind::kNone;  // kNone: deleted, other collection, or no date
  AppointmentFact appointment;
  PresenceFact presence;       // profession empty; see `practitioner`
  std::string practitioner;    // presence: practitioner id; practitioner: id
  LedgerFact ledger;
  TicketFact ticket;
  std::string profession;      // practitioner: their profession, or "autre"
};

// Projects one record (its winning values; concurrent siblings resolved by
// the merge policies). A presence that does not count (absent, or not a
// present/en_visite/remplacé state) projects to kNone.
RecordFact ProjectRecord(const Record& r, const Pseudonymizer& pseudonym);

// The latest write's wall time in `r` (UTC ms), 0 if none.
int64_t LatestWriteMs(const Record& r);

// The profession of `practitioner` at `site` from `professions` (id ->
// profession), trying the id as stored then site-qualified; "autre" if
// unknown.
std::string ProfessionOf(
    const std::map<std::string, std::string>& professions,
    const std::string& practitioner, const std::string& site);

// Facts of every record of `sites` (empty = all sites), professions joined,
// first visits computed over all the records' history.
FactSet FactsFromRecords(const std::vector<Record>& records,
                         const std::vector<std::string>& sites = {},
                         const Pseudonymizer& pseudonym = nullptr);

// A non-keyed pseudonymizer (FNV-1a) for in-memory use: tests, the demo.
uint64_t InMemoryPseudonym(std::string_view patient_ref);

}  // namespace relais::common::report
