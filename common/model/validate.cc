#include "common/model/validate.h"

#include <algorithm>
#include <set>

#include "common/model/org.h"
#include "common/model/schedule.h"
#include "common/model/schema.h"
#include "common/model/ticket.h"
#include "common/util/time.h"

namespace relais::common {

namespace {

constexpr size_t kMaxValueLen = 4096;
constexpr size_t kMaxShortIdLen = 64;
constexpr int kMinYear = 1900, kMaxYear = 2199;

std::string Quote(const std::string& v) { return QuoteForMessage(v); }

bool HasControl(const std::string& s) {
  return std::any_of(s.begin(), s.end(), [](char ch) {
    const unsigned char c = static_cast<unsigned char>(ch);
    return c < 0x20 || c == 0x7f;
  });
}

bool IsIdChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

bool IsShortId(const std::string& s) {
  return !s.empty() && s.size() <= kMaxShortIdLen &&
         std::all_of(s.begin(), s.end(), IsIdChar);
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

std::string NeedInt(const std::string& f, const std::string& v, int64_t lo,
                    int64_t hi, int64_t* out = nullptr) {
  int64_t n = 0;
  if (!ParseInt64(v, &n)) return "champ '" + f + "': entier attendu, reçu " + Quote(v);
  if (n < lo || n > hi) return "champ '" + f + "': valeur hors limites (" + v + ")";
  if (out) *out = n;
  return "";
}

std::string NeedOneOf(const std::string& f, const std::string& v,
                      const std::vector<std::string>& set) {
  if (std::find(set.begin(), set.end(), v) != set.end()) return "";
  return "champ '" + f + "': valeur inconnue " + Quote(v);
}

// "" or "<8 lower-case hex>:<22 base64url>" (crypto/seal.h BlindIndex).
bool IsBlindIndex(const std::string& v) {
  if (v.empty()) return true;
  if (v.size() != 8 + 1 + 22 || v[8] != ':') return false;
  for (size_t i = 0; i < v.size(); ++i) {
    const char c = v[i];
    if (i < 8 && !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    if (i > 8 && !(IsIdChar(c) && c != '.')) return false;
  }
  return true;
}

std::string NeedRef(const std::string& f, const std::string& v) {
  if (IsValidPractitionerRef(v)) return "";
  return "champ '" + f + "': référence de praticien invalide " + Quote(v);
}

const std::set<std::string>& FieldsOf(Collection c) {
  using namespace field;
  static const std::set<std::string> kSite = {kName,     kPinHash, kRetentionMonths,
                                              kOrg,      kSiteKind, kHours,
                                              kAddress,  kCommune, kDeletedField};
  static const std::set<std::string> kPract = {kName,    kProfession, kShareBp, kPinHash,
                                               kSites,   kPole,       kDeletedField};
  static const std::set<std::string> kAppt = {
      kPractitioner, kPatientRef, kPatientName, kPatientBirth, kStart,
      kDuration,     kKind,       kStatus,      kRoom,         kCode,
      kNote,         kCheckinAt,  kCheckinVia,  kConsultAt,    kPatientIdx,
      kPatientCommune, kOrigin,     kDeletedField};
  static const std::set<std::string> kPres = {kPractitioner, kDate,
                                              kHalf,         kState,
                                              kReplacement,  kRoom,
                                              kDeletedField};
  static const std::set<std::string> kLedger = {
      kAmountCents, kCategory, kPayer, kKey, kLabel, kReverses, kMonth,
      kCreatedAt, kDeletedField};
  static const std::set<std::string> kAudit = {kAuditWho,     kAuditAt,   kAuditWhat,
                                               kAuditRecords, kAuditPrev, kAuditSeq,
                                               kDeletedField};
  static const std::set<std::string> kSched(ScheduleFields().begin(),
                                            ScheduleFields().end());
  static const std::set<std::string> kSchedEx(ScheduleExceptionFields().begin(),
                                              ScheduleExceptionFields().end());
  static const std::set<std::string> kPoleF(PoleFields().begin(), PoleFields().end());
  static const std::set<std::string> kRoomF(RoomFields().begin(), RoomFields().end());
  static const std::set<std::string> kTicketF(TicketFields().begin(), TicketFields().end());
  switch (c) {
    case Collection::kTicket: return kTicketF;
    case Collection::kSchedule: return kSched;
    case Collection::kScheduleException: return kSchedEx;
    case Collection::kPole: return kPoleF;
    case Collection::kRoom: return kRoomF;
    case Collection::kSite: return kSite;
    case Collection::kPractitioner: return kPract;
    case Collection::kAppointment: return kAppt;
    case Collection::kPresence: return kPres;
    case Collection::kLedger: return kLedger;
    case Collection::kAudit: return kAudit;
  }
  return kSite;
}

// Sealed patient fields (patient_name, patient_birth, note) fall through to
// "": the hub checks only their size and UTF-8 (see validate.h).
std::string ValidateAppointmentField(const std::string& f, const std::string& v) {
  using namespace field;
  if (f == kPractitioner) return NeedRef(f, v);
  if (f == kStart || f == kCheckinAt || f == kConsultAt)
    return NeedInt(f, v, 0, kMaxTimestamp);
  if (f == kDuration) return NeedInt(f, v, 1, 24 * 60);
  if (f == kKind) return NeedOneOf(f, v, AppointmentKinds());
  if (f == kStatus) return NeedOneOf(f, v, AppointmentStatuses());
  if (f == kCheckinVia) return NeedOneOf(f, v, {"", "kiosk", "staff"});
  if (f == kOrigin) return NeedOneOf(f, v, {"", kOriginWalkIn});
  if (f == kPatientIdx && !IsBlindIndex(v))
    return "champ 'patient_idx': index aveugle mal formé";
  if (f == kPatientCommune && !v.empty() && !IsValidInseeCode(v))
    return "champ 'patient_commune': code INSEE invalide " + Quote(v) +
           " (5 chiffres, ou 2A/2B suivi de 3 chiffres)";
  return "";
}

// who and records are sealed (size and UTF-8 only at the hub). An erased
// (purged) entry holds "" in every field but at and seq.
std::string ValidateAuditField(const std::string& f, const std::string& v) {
  using namespace field;
  if (f == kAuditAt) return NeedInt(f, v, 0, kMaxTimestamp);
  if (f == kAuditSeq) return NeedInt(f, v, 1, int64_t{1} << 48);
  if (f == kAuditWhat) {
    const bool ok = v.size() <= kMaxShortIdLen &&
                    std::all_of(v.begin(), v.end(), [](char c) {
                      return (c >= 'a' && c <= 'z') || c == '.' || c == '-' || c == '_';
                    });
    return ok ? "" : "champ 'what': écran ou commande invalide " + Quote(v);
  }
  if (f == kAuditPrev) {
    const bool ok = (v.empty() || v.size() == 64) &&
                    std::all_of(v.begin(), v.end(), [](char c) {
                      return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
                    });
    return ok ? "" : "champ 'prev': empreinte invalide " + Quote(v);
  }
  return "";
}

std::string ValidateLedgerField(const std::string& f, const std::string& v) {
  using namespace field;
  if (f == kAmountCents) {
    int64_t n = 0;
    std::string err = NeedInt(f, v, -kMaxAmountCents, kMaxAmountCents, &n);
    if (err.empty() && n == 0) err = "champ 'amount_cents': montant nul";
    return err;
  }
  if (f == kCreatedAt) return NeedInt(f, v, 0, kMaxTimestamp);
  if (f == kKey) return NeedOneOf(f, v, AllocationKeys());
  if (f == kMonth && !IsValidMonth(v))
    return "champ 'month': mois invalide " + Quote(v) + " (AAAA-MM)";
  if (f == kPayer) return NeedRef(f, v);
  if (f == kCategory && v.empty()) return "champ 'category': catégorie vide";
  if (f == kReverses && HasControl(v))
    return "champ 'reverses': identifiant d'écriture invalide";
  return "";
}

// The rule between two ledger fields: an amount is negative exactly when the
// entry reverses another (domain/ledger.h). Linear in siblings; checks only
// the fields present (a partial record may lack one).
std::string CheckLedgerSign(const Record& r) {
  auto amount = r.fields.find(field::kAmountCents);
  if (amount == r.fields.end()) return "";
  auto rev = r.fields.find(field::kReverses);
  bool negative = false, positive = false;
  for (const Sibling& s : amount->second) {
    int64_t n = 0;
    if (ParseInt64(s.value, &n)) (n < 0 ? negative : positive) = true;
  }
  bool some_unset = rev == r.fields.end(), some_set = false;
  if (rev != r.fields.end())
    for (const Sibling& s : rev->second) (s.value.empty() ? some_unset : some_set) = true;
  if (negative && some_unset)
    return "écriture comptable: montant négatif sans écriture contre-passée "
           "(seule une contre-passation peut être négative)";
  if (positive && some_set)
    return "écriture comptable: une contre-passation porte un montant négatif";
  return "";
}

}  // namespace

std::string QuoteForMessage(const std::string& v) {
  std::string out = "'";
  for (size_t i = 0; i < v.size(); ++i) {
    if (i == 80) {
      out += "...";
      break;
    }
    const unsigned char c = static_cast<unsigned char>(v[i]);
    out += (c >= 0x20 && c < 0x7f) ? static_cast<char>(c) : '?';
  }
  return out + "'";
}

bool IsValidReplicaId(const std::string& id) { return IsShortId(id); }
bool IsValidSiteId(const std::string& id) { return IsShortId(id); }

bool IsValidPractitionerRef(const std::string& ref) {
  const size_t at = ref.find('@');
  if (at == std::string::npos) return IsShortId(ref);
  return IsShortId(ref.substr(0, at)) && IsShortId(ref.substr(at + 1));
}

// The calendar rules are util/time's (ParseDate, ParseMonth); the model
// only narrows the years.
bool IsValidInseeCode(std::string_view s) {
  const auto digits = [](std::string_view d) {
    return std::all_of(d.begin(), d.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (s.size() != 5) return false;
  if (digits(s)) return true;
  return s[0] == '2' && (s[1] == 'A' || s[1] == 'B') && digits(s.substr(2));
}

bool IsValidDate(const std::string& s) {
  auto d = ParseDate(s);
  return d.ok() && d->year >= kMinYear && d->year <= kMaxYear;
}

bool IsValidMonth(const std::string& s) {
  int y = 0, m = 0;
  if (s.size() != 7 || !ParseMonth(s, &y, &m).ok()) return false;
  return y >= kMinYear && y <= kMaxYear;
}

std::string ValidateField(Collection c, const std::string& f,
                          const std::string& v) {
  using namespace field;
  if (!FieldsOf(c).count(f))
    return "champ inconnu " + Quote(f) + " pour " + CollectionName(c);
  if (v.size() > kMaxValueLen) return "champ '" + f + "': valeur trop longue";
  if (!IsValidUtf8(v)) return "champ '" + f + "': texte qui n'est pas de l'UTF-8 valide";
  if (f == kDeletedField) return (v == "0" || v == "1") ? "" : "champ '_deleted': 0 ou 1";
  switch (c) {
    case Collection::kAppointment:
      return ValidateAppointmentField(f, v);
    case Collection::kPractitioner:
      if (f == kShareBp) return NeedInt(f, v, 0, 10000);
      if (f == kName && v.empty()) return "champ 'name': nom du praticien vide";
      return ValidateOrgField(c, f, v);
    case Collection::kPresence:
      if (f == kPractitioner) return NeedRef(f, v);
      if (f == kDate && !IsValidDate(v))
        return "champ 'date': date invalide " + Quote(v) + " (AAAA-MM-JJ, jour existant)";
      if (f == kHalf) return NeedOneOf(f, v, {"am", "pm"});
      if (f == kState) return NeedOneOf(f, v, PresenceStates());
      return "";
    case Collection::kLedger:
      return ValidateLedgerField(f, v);
    case Collection::kAudit:
      return ValidateAuditField(f, v);
    case Collection::kSchedule:
      return ValidateScheduleField(f, v);
    case Collection::kScheduleException:
      return ValidateScheduleExceptionField(f, v);
    case Collection::kSite:
      if (f == kRetentionMonths && !v.empty()) return NeedInt(f, v, 1, 1200);
      return ValidateOrgField(c, f, v);
    case Collection::kPole:
    case Collection::kRoom:
      return ValidateOrgField(c, f, v);
    case Collection::kTicket:
      return ValidateTicketField(f, v);
  }
  return "";
}

std::string ValidateRecord(const Record& r) {
  if (r.id.empty() || r.id.size() > kMaxRecordIdLen || !IsValidUtf8(r.id) ||
      HasControl(r.id))
    return "identifiant d'enregistrement vide, trop long ou illisible";
  if (!IsValidSiteId(r.site_id))
    return "identifiant de site invalide (1 à 64 caractères parmi A-Z a-z 0-9 . _ -)";
  if (r.vv.empty()) return "vecteur de version vide";
  for (const auto& [rep, n] : r.vv.entries()) {
    if (!IsValidReplicaId(rep)) return "identifiant de réplique invalide dans le vecteur";
    if (n == 0) return "compteur nul dans le vecteur";
  }
  if (r.fields.empty()) return "enregistrement sans champ";
  for (const auto& [name, sibs] : r.fields) {
    if (sibs.empty()) return "champ " + Quote(name) + " sans valeur";
    for (size_t i = 0; i < sibs.size(); ++i) {
      const Sibling& s = sibs[i];
      if (!IsValidReplicaId(s.dot.replica))
        return "champ " + Quote(name) + ": identifiant de réplique invalide";
      if (!r.vv.Includes(s.dot) || s.dot.counter == 0)
        return "champ " + Quote(name) + ": écriture hors du vecteur de version";
      if (i > 0 && !(sibs[i - 1].dot < s.dot))
        return "champ " + Quote(name) + ": valeurs concurrentes mal ordonnées";
      std::string err = ValidateField(r.collection, name, s.value);
      if (!err.empty()) return err;
    }
  }
  if (r.collection == Collection::kLedger) return CheckLedgerSign(r);
  return "";
}

const std::vector<std::string>& RequiredFields(Collection c) {
  using namespace field;
  static const std::vector<std::string> kNone;
  static const std::vector<std::string> kPract = {kName};
  static const std::vector<std::string> kAppt = {kPractitioner, kStart};
  static const std::vector<std::string> kPres = {kPractitioner, kDate, kHalf, kState};
  static const std::vector<std::string> kLedger = {kAmountCents, kCategory, kPayer,
                                                   kKey, kMonth};
  static const std::vector<std::string> kAudit = {kAuditAt, kAuditWhat, kAuditSeq,
                                                  kAuditPrev};
  static const std::vector<std::string> kSched = {kPractitioner, kWeekday, kStartTime,
                                                  kEndTime, kKind, kValidFrom};
  static const std::vector<std::string> kSchedEx = {kKind, kFirstDay, kLastDay};
  static const std::vector<std::string> kNamed = {kName};
  switch (c) {
    case Collection::kPole:
    case Collection::kRoom: return kNamed;
    case Collection::kTicket: return TicketRequiredFields();
    case Collection::kSchedule: return kSched;
    case Collection::kScheduleException: return kSchedEx;
    case Collection::kSite: return kNone;
    case Collection::kPractitioner: return kPract;
    case Collection::kAppointment: return kAppt;
    case Collection::kPresence: return kPres;
    case Collection::kLedger: return kLedger;
    case Collection::kAudit: return kAudit;
  }
  return kNone;
}

std::string ValidateNewRecord(const Record& r) {
  std::string err = ValidateRecord(r);
  if (!err.empty()) return err;
  if (r.partial) return "état partiel d'un nouvel enregistrement: l'état complet est requis";
  for (const std::string& f : RequiredFields(r.collection))
    if (!r.fields.count(f))
      return "champ obligatoire manquant à la création: '" + f + "' (" +
             CollectionName(r.collection) + ")";
  return "";
}

std::string ValidatePatientContent(Collection c, const std::string& f,
                                   const std::string& v) {
  if (IsSealedField(c, f)) {
    if (v.size() > kMaxSealedClearLen)
      return "champ '" + f + "': valeur trop longue (" + std::to_string(kMaxSealedClearLen) +
             " octets au plus)";
    if (v.rfind(kSealedPrefix, 0) == 0)
      return "champ '" + f + "': une saisie ne peut pas commencer par " + kSealedPrefix;
  }
  if (c == Collection::kAppointment && f == field::kPatientIdx)
    return "champ 'patient_idx': calculé par la réplique, pas saisi";
  if (c != Collection::kAppointment) return "";
  if (f == field::kPatientName) {
    if (v.empty()) return "nom du patient vide";
    if (HasControl(v)) return "nom du patient: caractères de contrôle interdits";
  }
  if (f == field::kPatientBirth && !v.empty() && !IsValidDate(v))
    return "date de naissance invalide: " + Quote(v) + " (AAAA-MM-JJ, jour existant)";
  return "";
}

std::string ValidateLocalChanges(Collection c,
                                 const std::map<std::string, std::string>& changes) {
  for (const auto& [f, v] : changes) {
    std::string err = ValidateField(c, f, v);
    if (err.empty()) err = ValidatePatientContent(c, f, v);
    if (!err.empty()) return err;
  }
  return "";
}

std::string ValidateNewAppointment(const NewAppointment& a) {
  using namespace field;
  if (a.practitioner.empty()) return "praticien manquant";
  std::map<std::string, std::string> f = {
      {kPractitioner, a.practitioner},
      {kPatientName, a.patient_name},
      {kPatientBirth, a.patient_birth},
      {kStart, std::to_string(a.start)},
      {kDuration, std::to_string(a.duration_min)},
      {kKind, a.kind},
      {kStatus, a.status}};
  if (!a.patient_ref.empty()) f[kPatientRef] = a.patient_ref;
  if (!a.room.empty()) f[kRoom] = a.room;
  if (!a.note.empty()) f[kNote] = a.note;
  if (!a.patient_commune.empty()) f[kPatientCommune] = a.patient_commune;
  return ValidateLocalChanges(Collection::kAppointment, f);
}

std::string ValidateNewLedgerEntry(const NewLedgerEntry& e) {
  using namespace field;
  if (e.payer.empty()) return "payeur manquant";
  if (e.amount_cents <= 0 && e.reverses.empty())
    return "montant nul ou négatif: seule une contre-passation peut l'être";
  if (e.amount_cents > 0 && !e.reverses.empty())
    return "une contre-passation porte un montant négatif";
  std::map<std::string, std::string> f = {{kAmountCents, std::to_string(e.amount_cents)},
                                          {kCategory, e.category},
                                          {kPayer, e.payer},
                                          {kKey, e.key},
                                          {kLabel, e.label}};
  if (!e.month.empty()) f[kMonth] = e.month;
  if (!e.reverses.empty()) f[kReverses] = e.reverses;
  return ValidateLocalChanges(Collection::kLedger, f);
}

std::string ValidateNewPresence(const NewPresence& p) {
  using namespace field;
  if (p.practitioner.empty()) return "praticien manquant";
  if (p.state == "remplace" && p.replacement.empty())
    return "'remplace' demande le nom du remplaçant";
  std::map<std::string, std::string> f = {
      {kPractitioner, p.practitioner},
      {kDate, p.date},
      {kHalf, p.half},
      {kState, p.state},
      {kReplacement, p.state == "remplace" ? p.replacement : ""},
      {kRoom, p.room}};
  return ValidateLocalChanges(Collection::kPresence, f);
}

}  // namespace relais::common
