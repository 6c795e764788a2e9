#include "common/replica/retention.h"

#include "common/audit/chain.h"

namespace relais::common {

const std::vector<std::string>& ErasableAppointmentFields() {
  // Every sealed field of an appointment (model/schema.h IsSealedField). The
  // blind index is not written here: the replica recomputes it from the
  // erased name and birth date on the same write (replica/sealing.h).
  static const std::vector<std::string> k = [] {
    std::vector<std::string> out;
    for (const char* f : {field::kPatientName, field::kPatientBirth, field::kNote})
      if (IsSealedField(Collection::kAppointment, f)) out.push_back(f);
    return out;
  }();
  return k;
}

namespace {

// The erased value of an identifying field.
std::string ErasedValue(const std::string& f) {
  return f == field::kPatientName ? kErasedName : "";
}

}  // namespace

Result<PurgeCounts> EraseAppointmentsBefore(Replica* r, int64_t before_utc_s) {
  PurgeCounts n;
  RELAIS_ASSIGN_OR_RETURN(std::vector<Record> all, r->store()->List(Collection::kAppointment));
  std::vector<std::pair<std::string, std::map<std::string, std::string>>> items;
  for (const Record& stored : all) {
    // Compared in clear: a sealed "(effacé)" is another ciphertext each time.
    const Record rec = r->Opened(stored);
    const FieldView v = View(rec);
    int64_t start = 0;
    auto it = v.find(field::kStart);
    if (it == v.end() || !ParseInt64(it->second, &start) || start >= before_utc_s) continue;
    ++n.appointments_seen;
    std::map<std::string, std::string> changes;
    for (const std::string& f : ErasableAppointmentFields()) {
      auto fit = rec.fields.find(f);
      if (fit == rec.fields.end()) continue;
      // Every sibling must go (a conflict keeps the old values otherwise).
      for (const Sibling& s : fit->second)
        if (s.value != ErasedValue(f) || fit->second.size() > 1) changes[f] = ErasedValue(f);
    }
    if (!changes.empty()) items.emplace_back(rec.id, std::move(changes));
  }
  RELAIS_ASSIGN_OR_RETURN(n.appointments_erased, r->WriteBatch(Collection::kAppointment, items));
  return n;
}

Result<int> PurgeAuditLog(Replica* r, int64_t now_s) {
  const int64_t cutoff = now_s - audit::kAuditRetentionDays * 86400;
  RELAIS_ASSIGN_OR_RETURN(std::vector<Record> all, r->store()->List(Collection::kAudit));
  std::vector<std::pair<std::string, std::map<std::string, std::string>>> items;
  for (const Record& stored : all) {
    std::string problem;
    audit::Entry e = audit::EntryFromRecord(r->Opened(stored), &problem);
    if (!problem.empty() || e.erased || e.at >= cutoff) continue;
    items.push_back({stored.id,
                     {{field::kAuditWho, ""}, {field::kAuditRecords, ""}, {kDeletedField, "1"}}});
  }
  return r->WriteBatch(Collection::kAudit, items);
}

Result<int> RetentionMonths(Replica* r) {
  RELAIS_ASSIGN_OR_RETURN(auto site, r->Get(Collection::kSite, r->site_id()));
  if (!site) return kDefaultRetentionMonths;
  const FieldView v = View(*site);
  auto it = v.find(field::kRetentionMonths);
  int64_t m = 0;
  if (it == v.end() || it->second.empty() || !ParseInt64(it->second, &m) || m < 1 || m > 1200)
    return kDefaultRetentionMonths;
  return static_cast<int>(m);
}

Status SetRetentionMonths(Replica* r, int months) {
  if (months < 1 || months > 1200)
    return Status::InvalidArgument("durée de conservation hors limites (1 à 1200 mois)");
  return r->Write(Collection::kSite, r->site_id(),
                  {{field::kRetentionMonths, std::to_string(months)}})
      .status();
}

int64_t PolicyCutoff(int64_t now_s, int months) {
  const CivilDate today = ParisDate(now_s);
  int idx = today.year * 12 + (today.month - 1) - months;
  CivilDate d{idx / 12, idx % 12 + 1, 1};
  const int64_t next_month_first =
      DaysFromCivil(CivilDate{(idx + 1) / 12, (idx + 1) % 12 + 1, 1});
  const int days_in_month = static_cast<int>(next_month_first - DaysFromCivil(d));
  d.day = today.day < days_in_month ? today.day : days_in_month;
  return ParisLocalToUtc(d, 0, 0);
}

}  // namespace relais::common
