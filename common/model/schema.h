#pragma once
// Field names and allowed values of each collection, plus typed views over a
// record's winning values. Standard library only. Validation (ValidateField,
// ValidateRecord, ValidateNewRecord, input checks) lives in validate.h,
// included here for the callers of schema.h.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/model/record.h"
#include "common/model/validate.h"

namespace relais::common {

// Winning value of each field (see merge/merge.h for how it is chosen).
using FieldView = std::map<std::string, std::string>;

namespace field {
// appointment
inline constexpr const char kPractitioner[] = "practitioner";
inline constexpr const char kPatientRef[] = "patient_ref";
inline constexpr const char kPatientName[] = "patient_name";
inline constexpr const char kPatientBirth[] = "patient_birth";
inline constexpr const char kStart[] = "start";        // UTC seconds
inline constexpr const char kDuration[] = "duration";  // minutes
inline constexpr const char kKind[] = "kind";
inline constexpr const char kStatus[] = "status";
inline constexpr const char kRoom[] = "room";
inline constexpr const char kCode[] = "code";
inline constexpr const char kNote[] = "note";
inline constexpr const char kCheckinAt[] = "checkin_at";    // UTC seconds
inline constexpr const char kCheckinVia[] = "checkin_via";  // kiosk|staff
inline constexpr const char kConsultAt[] = "consult_at";    // UTC seconds
// Blind index of (first 3 folded letters of the name, birth date), computed
// by the replica from the clear values (crypto/seal.h); never typed.
inline constexpr const char kPatientIdx[] = "patient_idx";
// INSEE code of the patient's commune of residence (issue #20), chosen at the
// desk from the shipped list (common/geo). Not sealed: it is what the funder's
// commune table counts, and alone it does not identify anyone.
inline constexpr const char kPatientCommune[] = "patient_commune";
// How the appointment came to be: "" (booked) or kOriginWalkIn (a walk-in
// ticket converted by staff, model/ticket.h).
inline constexpr const char kOrigin[] = "origin";
// practitioner / site
inline constexpr const char kName[] = "name";
inline constexpr const char kProfession[] = "profession";
inline constexpr const char kShareBp[] = "share_bp";  // basis points
inline constexpr const char kPinHash[] = "pin_hash";
// presence
inline constexpr const char kDate[] = "date";
inline constexpr const char kHalf[] = "half";
inline constexpr const char kState[] = "state";
inline constexpr const char kReplacement[] = "replacement";
// ledger
inline constexpr const char kAmountCents[] = "amount_cents";
inline constexpr const char kCategory[] = "category";
inline constexpr const char kPayer[] = "payer";
inline constexpr const char kKey[] = "key";
inline constexpr const char kLabel[] = "label";
inline constexpr const char kReverses[] = "reverses";
inline constexpr const char kMonth[] = "month";
inline constexpr const char kCreatedAt[] = "created_at";
// audit (common/audit/chain.h). kAuditWho and kAuditRecords identify people
// and patients: sealed (IsSealedField).
inline constexpr const char kAuditWho[] = "who";          // practitioner ref or "os:<user>"
inline constexpr const char kAuditAt[] = "at";            // UTC seconds
inline constexpr const char kAuditWhat[] = "what";        // screen or command
inline constexpr const char kAuditRecords[] = "records";  // ids, comma-separated
inline constexpr const char kAuditPrev[] = "prev";        // hex hash of the previous entry
inline constexpr const char kAuditSeq[] = "seq";          // 1, 2, ... per replica
// site: retention policy (months of appointment identities; "" = default).
inline constexpr const char kRetentionMonths[] = "retention_months";
}  // namespace field

// Sealed fields (issue #15): values the replica encrypts with its
// organisation key before storing or sending them (crypto/seal.h), so the
// hub only ever holds them sealed. Appointment patient_name, patient_birth,
// note; practitioner and site pin_hash (PIN verifiers). Any later
// free-text or contact field must be added here.
bool IsSealedField(Collection c, std::string_view field);
// Every sealed value starts with this text ("§s1:"); a clear value typed
// into a sealed field may not (validate.h refuses it).
inline constexpr char kSealedPrefix[] = "\xC2\xA7s1:";
// Longest clear value of a sealed field: sealed, it stays within the
// hub's 4096-byte cap per value (see crypto/seal.h).
inline constexpr size_t kMaxSealedClearLen = 3000;
// Shown instead of a sealed value the replica cannot open (no key, another
// organisation's key, tampered): never the sealed text itself.
inline constexpr char kUnreadable[] = "\xF0\x9F\x94\x92 illisible";

// appointment.origin of a converted walk-in ticket (« sans rendez-vous »).
inline constexpr const char kOriginWalkIn[] = "sans_rdv";

// Appointment statuses, in the order a day follows.
inline const std::vector<std::string>& AppointmentStatuses() {
  static const std::vector<std::string> k = {
      "booked", "checked_in", "in_consultation", "done", "no_show", "cancelled"};
  return k;
}
inline const std::vector<std::string>& AppointmentKinds() {
  static const std::vector<std::string> k = {"consultation", "snp",
                                             "visite_domicile",
                                             "teleconsultation"};
  return k;
}
inline const std::vector<std::string>& PresenceStates() {
  static const std::vector<std::string> k = {"present", "absent", "en_visite",
                                             "remplace"};
  return k;
}
inline const std::vector<std::string>& AllocationKeys() {
  static const std::vector<std::string> k = {"equal", "share", "presence"};
  return k;
}

// Parses a base-10 int64; false on anything else.
bool ParseInt64(const std::string& s, int64_t* out);

struct Appointment {
  std::string id, site_id, practitioner, patient_ref, patient_name,
      patient_birth, kind = "consultation", status = "booked", room, code,
      note, checkin_via, patient_idx, patient_commune, origin;
  int64_t start = 0;  // UTC seconds
  int64_t duration_min = 15;
  int64_t checkin_at = 0, consult_at = 0;  // 0 = unset
  bool deleted = false;
};
Appointment AppointmentFromView(const Record& r, const FieldView& v);

struct Practitioner {
  // sites: "" (= the record's site) or "S1,S2"; pole: "" or a pôle id
  // (model/org.h).
  std::string id, site_id, name, profession, pin_hash, sites, pole;
  int64_t share_bp = 0;
  bool deleted = false;
};
Practitioner PractitionerFromView(const Record& r, const FieldView& v);

struct Presence {
  std::string id, site_id, practitioner, date, half, state, replacement, room;
  bool deleted = false;
};
Presence PresenceFromView(const Record& r, const FieldView& v);
// Deterministic id of the presence record for practitioner x date x half
// at `site`. A practitioner of the site itself ("p1@S1" at S1, or `site`
// empty) keeps the historical id "pr:p1@S1:DATE:HALF"; an organisation's
// practitioner working at several sites gets ":SITE" appended, so a
// secretariat holding both sites never sees two records with one id.
std::string PresenceId(const std::string& practitioner, const std::string& date,
                       const std::string& half, const std::string& site = "");

struct LedgerEntry {
  std::string id, site_id, category, payer, key, label, reverses, month;
  int64_t amount_cents = 0;
  int64_t created_at = 0;
  bool deleted = false;
};
LedgerEntry LedgerFromView(const Record& r, const FieldView& v);

}  // namespace relais::common
