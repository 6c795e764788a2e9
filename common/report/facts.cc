#include "common/report/facts.h"

#include <algorithm>
#include <array>
#include <optional>
#include <set>

#include "common/merge/merge.h"
#include "common/model/schema.h"
#include "common/model/ticket.h"
#include "common/util/time.h"

namespace relais::common::report {

namespace {

// Winning values of a record's fields, read in one pass. Fast path: with a
// single sibling per field the value is the sibling's (no map is built);
// any concurrent siblings fall back to merge::View(), which also applies the
// domain policies that harmonise related fields.
class FieldTable {
 public:
  explicit FieldTable(const Record& r) {
    for (const auto& [name, sibs] : r.fields) {
      if (sibs.size() > 1) {
        view_ = View(r);
        n_ = 0;
        for (const auto& [vname, value] : *view_) Add(vname, &value);
        return;
      }
      Add(name, &sibs.front().value);
    }
  }
  // The value of `name`, or "".
  const std::string& Get(std::string_view name) const {
    static const std::string kEmpty;
    for (size_t i = 0; i < n_; ++i)
      if (names_[i] == name) return *values_[i];
    return kEmpty;
  }
  int64_t Int(std::string_view name) const {
    int64_t v = 0;
    return ParseInt64(Get(name), &v) ? v : 0;
  }
  bool deleted() const { return Get(kDeletedField) == "1"; }

 private:
  void Add(const std::string& name, const std::string* value) {
    if (n_ < names_.size()) names_[n_] = name, values_[n_++] = value;
  }
  std::optional<FieldView> view_;
  std::array<std::string_view, 32> names_;
  std::array<const std::string*, 32> values_;
  size_t n_ = 0;
};

// Fast "YYYY-MM-DD" / "YYYY-MM" to days; -1 if malformed.
int64_t DayOf(const std::string& s, bool month_only) {
  if (s.size() != (month_only ? 7u : 10u)) return -1;
  auto num = [&](size_t pos, size_t n) {
    int v = 0;
    for (size_t i = pos; i < pos + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return -1;
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  const int y = num(0, 4), m = num(5, 2), d = month_only ? 1 : num(8, 2);
  if (y < 0 || m < 1 || m > 12 || d < 1 || d > DaysInMonth(y, m)) return -1;
  return DaysFromCivil({y, m, d});
}

bool PresentState(const std::string& s) {
  return s == "present" || s == "en_visite" || s == "remplace";
}

// When the record's winning "cancelled" status was written (HLC wall time,
// UTC ms), or 0 if unknown.
int64_t CancelledAtMs(const Record& r) {
  auto it = r.fields.find(field::kStatus);
  if (it == r.fields.end()) return 0;
  int64_t at = 0;
  for (const Sibling& s : it->second)
    if (s.value == "cancelled") at = std::max(at, HlcMillis(s.hlc));
  return at;
}

// An INSEE commune code as the report keeps it: five characters, digits or
// the Corsican 2A/2B; anything else is "" (« non renseignée »), so a
// tampered value never becomes a published label.
std::string CommuneOf(const std::string& code) {
  if (code.size() != 5) return "";
  for (size_t i = 0; i < 5; ++i) {
    const char c = code[i];
    const bool corsica = i == 1 && code[0] == '2' && (c == 'A' || c == 'B');
    if (!(c >= '0' && c <= '9') && !corsica) return "";
  }
  return code;
}

// Longest wait a walk-in may report (a ticket called the next day is a
// forgotten ticket, not a wait): 24 h.
constexpr int64_t kMaxTicketWaitMs = 24LL * 3600 * 1000;

// A ticket: counted on its day; its wait if it was called.
bool ProjectTicket(const FieldTable& f, RecordFact* out) {
  const int64_t day = DayOf(f.Get(field::kTicketDay), false);
  if (day < 0) return false;
  TicketFact& t = out->ticket;
  t.day = static_cast<int32_t>(day);
  const std::string& status = f.Get(field::kStatus);
  const bool called =
      status == "called" || status == "done" || status == "converted";
  const int64_t issued = f.Int(field::kIssuedAt);
  const int64_t at = f.Int(field::kCalledAt);
  if (called && issued > 0 && at >= issued && at - issued <= kMaxTicketWaitMs)
    t.wait_min = static_cast<int32_t>((at - issued) / 60000);
  out->kind = RecordFact::Kind::kTicket;
  return true;
}

void ProjectAppointment(const Record& r, const FieldTable& f,
                        const Pseudonymizer& pseudonym, RecordFact* out) {
  AppointmentFact& a = out->appointment;
  const int64_t start = f.Int(field::kStart);
  a.day = static_cast<int32_t>(DaysFromCivil(ParisDate(start)));
  const std::string& status = f.Get(field::kStatus);
  const std::string& kind = f.Get(field::kKind);
  if (status == "done") {
    a.status = FactStatus::kDone;
    a.kind = kind == "snp"               ? FactKind::kSnp
             : kind == "visite_domicile" ? FactKind::kHomeVisit
             : kind == "teleconsultation" ? FactKind::kTeleconsultation
                                          : FactKind::kOther;
    const std::string& ref = f.Get(field::kPatientRef);
    if (!ref.empty() && pseudonym) a.patient = pseudonym(ref);
  } else if (status == "no_show") {
    a.status = FactStatus::kNoShow;
  } else if (status == "cancelled") {
    a.status = FactStatus::kCancelled;
  }
  int64_t dur = f.Int(field::kDuration);
  if (dur <= 0) dur = 15;
  a.due_s = start + dur * 60;
  if (a.status == FactStatus::kCancelled) {
    const int64_t at_ms = CancelledAtMs(r);
    a.late_cancel = at_ms > 0 && start * 1000 - at_ms < kLateCancelSeconds * 1000;
    a.commune = CommuneOf(f.Get(field::kPatientCommune));
    out->kind = RecordFact::Kind::kAppointment;
    return;
  }
  out->kind = RecordFact::Kind::kAppointment;
  a.commune = CommuneOf(f.Get(field::kPatientCommune));
  const int64_t in = f.Int(field::kCheckinAt);
  if (in <= 0) return;
  a.checkin = f.Get(field::kCheckinVia) == "kiosk" ? FactCheckin::kKiosk
                                                   : FactCheckin::kStaff;
  const int64_t seen = f.Int(field::kConsultAt);
  if (seen >= in && ParisDate(seen) == ParisDate(in))
    a.wait_min = static_cast<int32_t>((seen - in) / 60);
}

}  // namespace

int64_t LatestWriteMs(const Record& r) {
  int64_t ms = 0;
  for (const auto& [name, sibs] : r.fields)
    for (const Sibling& s : sibs) ms = std::max(ms, HlcMillis(s.hlc));
  return ms;
}

RecordFact ProjectRecord(const Record& r, const Pseudonymizer& pseudonym) {
  RecordFact out;
  if (r.collection == Collection::kSite || r.collection == Collection::kAudit ||
      r.collection == Collection::kSchedule ||
      r.collection == Collection::kScheduleException ||
      r.collection == Collection::kPole || r.collection == Collection::kRoom)
    return out;  // no usage fact (plages and the organisation are not activity)
  const FieldTable f(r);
  if (f.deleted()) return out;
  switch (r.collection) {
    case Collection::kAppointment:
      ProjectAppointment(r, f, pseudonym, &out);
      break;
    case Collection::kPresence: {
      if (!PresentState(f.Get(field::kState))) break;
      const int64_t day = DayOf(f.Get(field::kDate), false);
      if (day < 0) break;
      out.kind = RecordFact::Kind::kPresence;
      PresenceFact& p = out.presence;
      p.day = static_cast<int32_t>(day);
      const std::string& half = f.Get(field::kHalf);
      p.half = half == "am" ? 1 : half == "pm" ? 2 : 0;
      out.practitioner = f.Get(field::kPractitioner);
      // A replaced practitioner's half-day is worked by the replacement.
      const std::string& repl = f.Get(field::kReplacement);
      p.contributor = f.Get(field::kState) == "remplace" && !repl.empty()
                          ? repl
                          : out.practitioner;
      break;
    }
    case Collection::kLedger: {
      const int64_t day = DayOf(f.Get(field::kMonth), true);
      if (day < 0) break;
      out.kind = RecordFact::Kind::kLedger;
      out.ledger.month_day = static_cast<int32_t>(day);
      out.ledger.cents = f.Int(field::kAmountCents);
      out.ledger.category = f.Get(field::kCategory);
      break;
    }
    case Collection::kPractitioner: {
      out.kind = RecordFact::Kind::kPractitioner;
      out.practitioner = r.id;
      const std::string& p = f.Get(field::kProfession);
      out.profession = p.empty() ? "autre" : p;
      break;
    }
    case Collection::kSite:
    case Collection::kAudit:
    case Collection::kSchedule:
    case Collection::kScheduleException:
    case Collection::kPole:
    case Collection::kRoom:
      break;
    case Collection::kTicket:
      ProjectTicket(f, &out);
      break;
  }
  return out;
}

std::string ProfessionOf(
    const std::map<std::string, std::string>& professions,
    const std::string& practitioner, const std::string& site) {
  auto it = professions.find(practitioner);
  // Practitioner ids are site-qualified ("p1@SITE") by replicas; accept an
  // unqualified reference too.
  if (it == professions.end()) it = professions.find(practitioner + "@" + site);
  return it == professions.end() ? "autre" : it->second;
}

FactSet FactsFromRecords(const std::vector<Record>& records,
                         const std::vector<std::string>& sites,
                         const Pseudonymizer& pseudonym) {
  const Pseudonymizer& pseudo =
      pseudonym ? pseudonym : Pseudonymizer(InMemoryPseudonym);
  const std::set<std::string> wanted(sites.begin(), sites.end());
  std::map<std::string, std::string> professions;
  for (const Record& r : records) {
    if (r.collection != Collection::kPractitioner) continue;
    RecordFact rf = ProjectRecord(r, pseudo);
    if (rf.kind == RecordFact::Kind::kPractitioner)
      professions[rf.practitioner] = rf.profession;
  }
  FactSet out;
  for (const Record& r : records) {
    if (!wanted.empty() && !wanted.count(r.site_id)) continue;
    if (r.collection == Collection::kAudit) continue;  // as FactStore::Apply
    int64_t& last = out[r.site_id].last_write_ms;
    last = std::max(last, LatestWriteMs(r));
    if (r.collection == Collection::kPractitioner ||
        r.collection == Collection::kSite)
      continue;
    RecordFact rf = ProjectRecord(r, pseudo);
    switch (rf.kind) {
      case RecordFact::Kind::kAppointment:
        out[r.site_id].appointments.push_back(rf.appointment);
        break;
      case RecordFact::Kind::kPresence:
        rf.presence.profession =
            ProfessionOf(professions, rf.practitioner, r.site_id);
        out[r.site_id].presence.push_back(std::move(rf.presence));
        break;
      case RecordFact::Kind::kLedger:
        out[r.site_id].ledger.push_back(std::move(rf.ledger));
        break;
      case RecordFact::Kind::kTicket:
        out[r.site_id].tickets.push_back(rf.ticket);
        break;
      default:
        break;
    }
  }
  for (auto& [site, facts] : out) {
    std::map<uint64_t, int32_t> first;
    for (const AppointmentFact& a : facts.appointments) {
      if (a.status != FactStatus::kDone || a.patient == 0) continue;
      auto [it, fresh] = first.emplace(a.patient, a.day);
      if (!fresh) it->second = std::min(it->second, a.day);
    }
    for (const auto& [patient, day] : first) facts.first_visits.push_back(day);
  }
  return out;
}

uint64_t InMemoryPseudonym(std::string_view patient_ref) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : patient_ref) h = (h ^ c) * 1099511628211ull;
  return h == 0 ? 1 : h;
}

}  // namespace relais::common::report
