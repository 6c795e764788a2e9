#include "common/model/schema.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <set>

namespace relais::common {

namespace {

constexpr size_t kMaxIdLen = 128;
constexpr size_t kMaxValueLen = 4096;

bool OneOf(const std::string& v, const std::vector<std::string>& set) {
  return std::find(set.begin(), set.end(), v) != set.end();
}

bool IsDate(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (s[i] < '0' || s[i] > '9') return false;
  const int m = std::atoi(s.substr(5, 2).c_str());
  const int d = std::atoi(s.substr(8, 2).c_str());
  return m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

// Strict UTF-8 (no overlongs, no surrogates, at most U+10FFFF).
bool IsValidUtf8(const std::string& s) {
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    int n = 0;
    uint32_t cp = 0;
    if (c < 0x80) { ++i; continue; }
    if ((c & 0xE0) == 0xC0) { n = 1; cp = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { n = 2; cp = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { n = 3; cp = c & 0x07; }
    else return false;
    for (int k = 1; k <= n; ++k) {
      if (i + k >= s.size()) return false;
      const unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    static const uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += static_cast<size_t>(n) + 1;
  }
  return true;
}

bool IsMonth(const std::string& s) {
  return s.size() == 7 && IsDate(s + "-01");
}

std::string NeedInt(const std::string& f, const std::string& v, int64_t lo,
                    int64_t hi) {
  int64_t n = 0;
  if (!ParseInt64(v, &n)) return "champ '" + f + "': entier attendu, reçu '" + v + "'";
  if (n < lo || n > hi)
    return "champ '" + f + "': valeur hors limites (" + v + ")";
  return "";
}

std::string NeedOneOf(const std::string& f, const std::string& v,
                      const std::vector<std::string>& set) {
  if (OneOf(v, set)) return "";
  return "champ '" + f + "': valeur inconnue '" + v + "'";
}

const std::set<std::string>& FieldsOf(Collection c) {
  using namespace field;
  static const std::set<std::string> kSite = {kName, kPinHash, kDeletedField};
  static const std::set<std::string> kPract = {kName, kProfession, kShareBp,
                                               kPinHash, kDeletedField};
  static const std::set<std::string> kAppt = {
      kPractitioner, kPatientRef, kPatientName, kPatientBirth, kStart,
      kDuration,     kKind,       kStatus,      kRoom,         kCode,
      kNote,         kCheckinAt,  kCheckinVia,  kConsultAt,    kDeletedField};
  static const std::set<std::string> kPres = {kPractitioner, kDate,
                                              kHalf,         kState,
                                              kReplacement,  kRoom,
                                              kDeletedField};
  static const std::set<std::string> kLedger = {
      kAmountCents, kCategory, kPayer, kKey, kLabel, kReverses, kMonth,
      kCreatedAt, kDeletedField};
  switch (c) {
    case Collection::kSite: return kSite;
    case Collection::kPractitioner: return kPract;
    case Collection::kAppointment: return kAppt;
    case Collection::kPresence: return kPres;
    case Collection::kLedger: return kLedger;
  }
  return kSite;
}

}  // namespace

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

std::string ValidateField(Collection c, const std::string& f,
                          const std::string& v) {
  using namespace field;
  if (!FieldsOf(c).count(f))
    return std::string("champ inconnu '") + f + "' pour " + CollectionName(c);
  if (v.size() > kMaxValueLen) return "champ '" + f + "': valeur trop longue";
  if (!IsValidUtf8(v)) return "champ '" + f + "': texte qui n'est pas de l'UTF-8 valide";
  if (f == kDeletedField) return (v == "0" || v == "1") ? "" : "champ '_deleted': 0 ou 1";
  switch (c) {
    case Collection::kAppointment:
      if (f == kStart || f == kCheckinAt || f == kConsultAt)
        return NeedInt(f, v, 0, 7258118400);  // up to year 2200
      if (f == kDuration) return NeedInt(f, v, 1, 24 * 60);
      if (f == kKind) return NeedOneOf(f, v, AppointmentKinds());
      if (f == kStatus) return NeedOneOf(f, v, AppointmentStatuses());
      if (f == kCheckinVia) return NeedOneOf(f, v, {"", "kiosk", "staff"});
      if (f == kPatientBirth && !v.empty() && !IsDate(v))
        return "champ 'patient_birth': date invalide '" + v + "'";
      return "";
    case Collection::kPractitioner:
      if (f == kShareBp) return NeedInt(f, v, 0, 10000);
      return "";
    case Collection::kPresence:
      if (f == kDate && !IsDate(v)) return "champ 'date': date invalide '" + v + "'";
      if (f == kHalf) return NeedOneOf(f, v, {"am", "pm"});
      if (f == kState) return NeedOneOf(f, v, PresenceStates());
      return "";
    case Collection::kLedger:
      if (f == kAmountCents)
        return NeedInt(f, v, -100000000000LL, 100000000000LL);
      if (f == kCreatedAt) return NeedInt(f, v, 0, 7258118400);
      if (f == kKey) return NeedOneOf(f, v, AllocationKeys());
      if (f == kMonth && !IsMonth(v)) return "champ 'month': mois invalide '" + v + "'";
      return "";
    case Collection::kSite:
      return "";
  }
  return "";
}

std::string ValidateRecord(const Record& r) {
  if (r.id.empty() || r.id.size() > kMaxIdLen) return "identifiant vide ou trop long";
  if (r.site_id.empty() || r.site_id.size() > kMaxIdLen)
    return "site vide ou trop long";
  if (r.vv.empty()) return "vecteur de version vide";
  for (const auto& [rep, n] : r.vv.entries()) {
    if (rep.empty() || rep.size() > kMaxIdLen) return "réplique invalide dans le vecteur";
    if (n == 0) return "compteur nul dans le vecteur";
  }
  if (r.fields.empty()) return "enregistrement sans champ";
  for (const auto& [name, sibs] : r.fields) {
    if (sibs.empty()) return "champ '" + name + "' sans valeur";
    for (size_t i = 0; i < sibs.size(); ++i) {
      const Sibling& s = sibs[i];
      if (!r.vv.Includes(s.dot) || s.dot.counter == 0)
        return "champ '" + name + "': écriture hors du vecteur de version";
      if (i > 0 && !(sibs[i - 1].dot < s.dot))
        return "champ '" + name + "': valeurs concurrentes mal ordonnées";
      std::string err = ValidateField(r.collection, name, s.value);
      if (!err.empty()) return err;
    }
  }
  return "";
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
  if (v.count(kKind)) a.kind = Get(v, kKind);
  if (v.count(kStatus)) a.status = Get(v, kStatus);
  a.room = Get(v, kRoom);
  a.code = Get(v, kCode);
  a.note = Get(v, kNote);
  a.checkin_via = Get(v, kCheckinVia);
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
                       const std::string& half) {
  return "pr:" + practitioner + ":" + date + ":" + half;
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
