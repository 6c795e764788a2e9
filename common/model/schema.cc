#include "common/model/schema.h"

#include <cerrno>
#include <cstdlib>

#include "common/model/org.h"

namespace relais::common {

bool ParseInt64(const std::string& s, int64_t* out) {
  if (s.empty() || s.size() > 20) return false;
  size_t i = (s[0] == '-') ? 1 : 0;
  if (i == s.size()) return false;
  for (size_t k = i; k < s.size(); ++k)
    if (s[k] < '0' || s[k] > '9') return false;
  errno = 0;
  char* end = nullptr;
  long long v = std::strtoll(s.c_str(), &end, 10);
  if (errno != 0 || *end != '\0') return false;
  *out = v;
  return true;
}

bool IsSealedField(Collection c, std::string_view f) {
  using namespace field;
  switch (c) {
    case Collection::kAppointment:
      return f == kPatientName || f == kPatientBirth || f == kNote;
    case Collection::kPractitioner:
    case Collection::kSite:
      return f == kPinHash;
    case Collection::kAudit:  // who looked, and at which records
      return f == kAuditWho || f == kAuditRecords;
    default:
      return false;
  }
}

namespace {
std::string Get(const FieldView& v, const char* f) {
  auto it = v.find(f);
  return it == v.end() ? std::string() : it->second;
}
int64_t GetInt(const FieldView& v, const char* f, int64_t def) {
  int64_t n = def;
  auto it = v.find(f);
  if (it != v.end() && !ParseInt64(it->second, &n)) n = def;
  return n;
}
bool Deleted(const FieldView& v) { return Get(v, kDeletedField) == "1"; }
}  // namespace

Appointment AppointmentFromView(const Record& r, const FieldView& v) {
  using namespace field;
  Appointment a;
  a.id = r.id;
  a.site_id = r.site_id;
  a.practitioner = Get(v, kPractitioner);
  a.patient_ref = Get(v, kPatientRef);
  a.patient_name = Get(v, kPatientName);
  a.patient_birth = Get(v, kPatientBirth);
  a.patient_idx = Get(v, kPatientIdx);
  a.patient_commune = Get(v, kPatientCommune);
  if (v.count(kKind)) a.kind = Get(v, kKind);
  if (v.count(kStatus)) a.status = Get(v, kStatus);
  a.room = Get(v, kRoom);
  a.code = Get(v, kCode);
  a.note = Get(v, kNote);
  a.checkin_via = Get(v, kCheckinVia);
  a.origin = Get(v, kOrigin);
  a.start = GetInt(v, kStart, 0);
  a.duration_min = GetInt(v, kDuration, 15);
  a.checkin_at = GetInt(v, kCheckinAt, 0);
  a.consult_at = GetInt(v, kConsultAt, 0);
  a.deleted = Deleted(v);
  return a;
}

Practitioner PractitionerFromView(const Record& r, const FieldView& v) {
  using namespace field;
  Practitioner p;
  p.id = r.id;
  p.site_id = r.site_id;
  p.name = Get(v, kName);
  p.profession = Get(v, kProfession);
  p.pin_hash = Get(v, kPinHash);
  p.sites = Get(v, kSites);
  p.pole = Get(v, kPole);
  p.share_bp = GetInt(v, kShareBp, 0);
  p.deleted = Deleted(v);
  return p;
}

Presence PresenceFromView(const Record& r, const FieldView& v) {
  using namespace field;
  Presence p;
  p.id = r.id;
  p.site_id = r.site_id;
  p.practitioner = Get(v, kPractitioner);
  p.date = Get(v, kDate);
  p.half = Get(v, kHalf);
  p.state = Get(v, kState);
  p.replacement = Get(v, kReplacement);
  p.room = Get(v, kRoom);
  p.deleted = Deleted(v);
  return p;
}

std::string PresenceId(const std::string& practitioner, const std::string& date,
                       const std::string& half, const std::string& site) {
  std::string id = "pr:" + practitioner + ":" + date + ":" + half;
  const size_t at = practitioner.rfind('@');
  const std::string own = at == std::string::npos ? "" : practitioner.substr(at + 1);
  if (!site.empty() && own != site) id += ":" + site;
  return id;
}

LedgerEntry LedgerFromView(const Record& r, const FieldView& v) {
  using namespace field;
  LedgerEntry e;
  e.id = r.id;
  e.site_id = r.site_id;
  e.category = Get(v, kCategory);
  e.payer = Get(v, kPayer);
  e.key = Get(v, kKey);
  e.label = Get(v, kLabel);
  e.reverses = Get(v, kReverses);
  e.month = Get(v, kMonth);
  e.amount_cents = GetInt(v, kAmountCents, 0);
  e.created_at = GetInt(v, kCreatedAt, 0);
  e.deleted = Deleted(v);
  return e;
}

}  // namespace relais::common
