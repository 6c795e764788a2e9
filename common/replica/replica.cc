#include "common/replica/replica.h"

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "common/domain/ledger.h"
#include "common/domain/overlaps.h"
#include "common/merge/purge.h"
#include "common/replica/random_id.h"
#include "common/model/org.h"

namespace relais::common {

Result<std::string> Replica::Init(const std::string& path,
                                  const std::string& site_id,
                                  const crypto::Keyring* import) {
  return Init(path, ReplicaScope{"", {site_id}}, import);
}

Result<std::unique_ptr<Replica>> Replica::Open(const std::string& path,
                                               Clock* clock) {
  RELAIS_ASSIGN_OR_RETURN(auto store, ReplicaStore::Open(path, false));
  RELAIS_ASSIGN_OR_RETURN(std::string rid, store->GetMeta("replica_id"));
  RELAIS_ASSIGN_OR_RETURN(std::string site, store->GetMeta("site_id"));
  RELAIS_ASSIGN_OR_RETURN(std::string org, store->GetMeta("org"));
  RELAIS_ASSIGN_OR_RETURN(std::string scope, store->GetMeta("scope"));
  if (rid.empty() || site.empty())
    return Status::FailedPrecondition(
        path + " n'est pas initialisée (lancez 'relais init')");
  std::unique_ptr<Replica> r(new Replica(std::move(store), clock));
  r->replica_id_ = rid;
  r->site_id_ = site;
  r->org_id_ = org.empty() ? site : org;
  RELAIS_ASSIGN_OR_RETURN(r->scope_, ParseScope(scope));
  r->db_path_ = path;
  RELAIS_RETURN_IF_ERROR(r->LoadKey());
  if (r->sealer_.has_key()) RELAIS_RETURN_IF_ERROR(r->SealClearValues().status());
  return r;
}

std::string Replica::NewId(const std::string& prefix) {
  // The replica id's first 6 hex digits keep two replicas (even seeded alike
  // in tests) from ever drawing the same id; 10 random digits follow.
  return prefix + "-" + replica_id_.substr(0, 6) + RandomHex(rng_, 10);
}

Result<Hlc> Replica::NextHlc() {
  RELAIS_ASSIGN_OR_RETURN(uint64_t last, store_->GetMetaInt("hlc"));
  hlc_.set_last(std::max<Hlc>(last, hlc_.last()));
  RELAIS_ASSIGN_OR_RETURN(int64_t offset, CorrectedOffsetMs());
  const Hlc h = hlc_.Now(clock_->NowMillis() + offset);
  RELAIS_RETURN_IF_ERROR(store_->SetMeta("hlc", std::to_string(h)));
  return h;
}

Result<Record> Replica::Write(Collection c, const std::string& id,
                              const std::map<std::string, std::string>& changes) {
  return WriteAt("", c, id, changes);
}

Result<Record> Replica::WriteAt(const std::string& site, Collection c, const std::string& id,
                                const std::map<std::string, std::string>& changes) {
  Transaction tx(store_->db());
  RELAIS_RETURN_IF_ERROR(tx.status());
  bool changed = false;
  RELAIS_ASSIGN_OR_RETURN(Record r, WriteLocked(site, c, id, changes, &changed));
  if (changed) RELAIS_RETURN_IF_ERROR(tx.Commit());
  return r;
}

Result<int> Replica::WriteBatch(
    Collection c,
    const std::vector<std::pair<std::string, std::map<std::string, std::string>>>&
        items) {
  Transaction tx(store_->db());
  RELAIS_RETURN_IF_ERROR(tx.status());
  int n = 0;
  for (const auto& [id, changes] : items) {
    bool changed = false;
    RELAIS_ASSIGN_OR_RETURN(Record r, WriteLocked("", c, id, changes, &changed));
    (void)r;
    n += changed ? 1 : 0;
  }
  RELAIS_RETURN_IF_ERROR(tx.Commit());
  return n;
}

Result<Record> Replica::WriteLocked(
    const std::string& site, Collection c, const std::string& id,
    const std::map<std::string, std::string>& changes, bool* changed) {
  // The same checks as the hub's, plus the content of patient fields that
  // only the replica can see (validate.h).
  std::string err = ValidateLocalChanges(c, changes);
  if (!err.empty()) return Status::InvalidArgument(err);
  if (id.empty() || id.size() > kMaxRecordIdLen)
    return Status::InvalidArgument("identifiant vide ou trop long");
  RELAIS_ASSIGN_OR_RETURN(std::optional<Record> cur, store_->Get(c, id));
  // "" (Write): create at the collection's default site, edit wherever the
  // record is; WriteAt names the site.
  const std::string& where = site.empty() ? (cur ? cur->site_id : DefaultSite(c)) : site;
  if (!cur) {
    RELAIS_RETURN_IF_ERROR(CheckWritableSite(where));
  } else if (cur->site_id != where) {
    return Status::InvalidArgument("l'enregistrement " + QuoteForMessage(id) +
                                   " est au site " + cur->site_id + ", pas " + where);
  }
  // A settled deletion is final: the hub may have purged it already (§11).
  if (cur && RevivesSettledTombstone(*cur, changes))
    return Status::FailedPrecondition(
        "l'enregistrement " + QuoteForMessage(id) +
        " est supprimé et la suppression est définitive (l'historique purgé ne"
        " peut pas la défaire): créez-en un nouveau");
  if (cur && c == Collection::kLedger)
    return Status::FailedPrecondition(
        "écriture comptable " + id +
        " immuable: contre-passez-la puis saisissez-en une nouvelle");
  // Sealed fields are stored sealed (sealing.h), after validation.
  RELAIS_ASSIGN_OR_RETURN(auto stored, sealer_.SealChanges(c, id, where, cur, changes));
  Record r;
  if (cur) {
    r = std::move(*cur);
  } else {
    r.collection = c;
    r.id = id;
    r.site_id = where;
  }
  RELAIS_ASSIGN_OR_RETURN(Hlc h, NextHlc());
  *changed = ApplyLocalWrite(&r, replica_id_, h, stored);
  if (!*changed) return r;
  // A record created here must be one the hub accepts as new. (An existing
  // record is not re-checked as a whole: a bad value pulled earlier must not
  // stop staff from correcting it.)
  if (!cur) err = ValidateNewRecord(r);
  if (!err.empty()) return Status::InvalidArgument(err);
  RELAIS_RETURN_IF_ERROR(store_->PutLocal(r));
  return r;
}

Result<int64_t> Replica::CorrectedOffsetMs() {
  RELAIS_ASSIGN_OR_RETURN(std::string v, store_->GetMeta("clock_offset_ms"));
  int64_t offset = 0;
  if (!v.empty() && !ParseInt64(v, &offset))
    return Status::DataLoss("méta-donnée clock_offset_ms illisible");
  return offset;
}

std::string Replica::PractitionerRef(const std::string& id) const {
  if (id.empty() || id.find('@') != std::string::npos) return id;
  return id + "@" + org_id_;
}

Status Replica::AddPractitioner(const std::string& id, const std::string& name,
                                const std::string& profession,
                                int64_t share_bp) {
  return AddPractitioner(id, name, profession, share_bp, PractitionerOrg{});
}

Status Replica::AddPractitioner(const std::string& id, const std::string& name,
                                const std::string& profession, int64_t share_bp,
                                const PractitionerOrg& org) {
  if (!IsValidPractitionerRef(id))
    return Status::InvalidArgument("identifiant de praticien invalide: " + QuoteForMessage(id));
  if (name.empty()) return Status::InvalidArgument("nom du praticien vide");
  std::map<std::string, std::string> f = {{field::kName, name},
                                          {field::kProfession, profession},
                                          {field::kShareBp, std::to_string(share_bp)}};
  if (org.sites) f[field::kSites] = *org.sites;
  if (org.pole) {
    if (!org.pole->empty()) {
      if (!IsValidSiteId(*org.pole))
        return Status::InvalidArgument("identifiant de pôle invalide: " +
                                       QuoteForMessage(*org.pole));
      RELAIS_ASSIGN_OR_RETURN(auto pole, Get(Collection::kPole, *org.pole));
      if (!pole || IsDeleted(*pole))
        return Status::InvalidArgument("pôle inconnu " + QuoteForMessage(*org.pole) +
                                       " (créez-le: relais org pole add)");
    }
    f[field::kPole] = *org.pole;
  }
  auto r = Write(Collection::kPractitioner, PractitionerRef(id), f);
  return r.ok() ? Status::OK() : r.status();
}

Result<std::string> Replica::NewCode(const CivilDate& day) {
  RELAIS_ASSIGN_OR_RETURN(std::vector<Appointment> today, AppointmentsOn(day));
  std::vector<std::string> taken;
  for (const Appointment& a : today) taken.push_back(a.code);
  // First character derived from the replica id (see domain/overlaps.h).
  std::string code = domain::NewCheckinCode(replica_id_, taken, rng_);
  if (code.empty())
    return Status::ResourceExhausted("plus de code de passage disponible");
  return code;
}

Result<std::string> Replica::ReissueCode(const std::string& id) {
  RELAIS_ASSIGN_OR_RETURN(auto rec, Get(Collection::kAppointment, id));
  if (!rec || IsDeleted(*rec))
    return Status::NotFound("rendez-vous inconnu: " + QuoteForMessage(id));
  const Appointment a = AppointmentFromView(*rec, View(*rec));
  RELAIS_ASSIGN_OR_RETURN(std::string code, NewCode(ParisDate(a.start)));
  RELAIS_ASSIGN_OR_RETURN(Record r,
                          Write(Collection::kAppointment, id, {{field::kCode, code}}));
  (void)r;
  return code;
}

Result<std::pair<std::string, std::string>> Replica::AddAppointment(
    const NewAppointment& in) {
  NewAppointment a = in;
  a.practitioner = PractitionerRef(in.practitioner);
  RELAIS_ASSIGN_OR_RETURN(auto pract, Get(Collection::kPractitioner, a.practitioner));
  if (!pract || IsDeleted(*pract))
    return Status::InvalidArgument("praticien inconnu: " + QuoteForMessage(a.practitioner));
  if (std::string err = ValidateNewAppointment(a); !err.empty())
    return Status::InvalidArgument(err);
  RELAIS_ASSIGN_OR_RETURN(std::string code, NewCode(ParisDate(a.start)));
  const std::string id = NewId("rdv");
  std::map<std::string, std::string> f = {
      {field::kPractitioner, a.practitioner},
      {field::kPatientName, a.patient_name},
      {field::kPatientBirth, a.patient_birth},
      {field::kPatientRef,
       a.patient_ref.empty() ? NewId("pat") : a.patient_ref},
      {field::kStart, std::to_string(a.start)},
      {field::kDuration, std::to_string(a.duration_min)},
      {field::kKind, a.kind},
      {field::kStatus, a.status},
      {field::kCode, code}};
  if (!a.room.empty()) f[field::kRoom] = a.room;
  if (!a.note.empty()) f[field::kNote] = a.note;
  if (!a.patient_commune.empty()) f[field::kPatientCommune] = a.patient_commune;
  RELAIS_ASSIGN_OR_RETURN(Record r, WriteAt(a.site, Collection::kAppointment, id, f));
  (void)r;
  return std::make_pair(id, code);
}

Result<Appointment> Replica::CheckIn(const std::string& id,
                                     const std::string& code,
                                     const std::string& via) {
  std::string target = id;
  if (target.empty()) {
    RELAIS_ASSIGN_OR_RETURN(std::vector<Appointment> all, AllAppointments());
    const int64_t now = clock_->NowMillis() / 1000;
    const Appointment* best = nullptr;
    for (const Appointment& a : all) {
      if (a.code != code || a.deleted || a.status == "cancelled") continue;
      if (!best || std::llabs(a.start - now) < std::llabs(best->start - now))
        best = &a;
    }
    if (!best)
      return Status::NotFound("aucun rendez-vous avec le code " + QuoteForMessage(code));
    target = best->id;
  }
  RELAIS_ASSIGN_OR_RETURN(auto rec, Get(Collection::kAppointment, target));
  if (!rec || IsDeleted(*rec))
    return Status::NotFound("rendez-vous inconnu: " + QuoteForMessage(target));
  const Record opened = sealer_.Opened(*rec);
  Appointment a = AppointmentFromView(opened, View(opened));
  if (a.status == "cancelled")
    return Status::FailedPrecondition("ce rendez-vous est annulé");
  if (a.status != "booked" && a.status != "no_show") return a;  // already here
  RELAIS_ASSIGN_OR_RETURN(
      Record r, Write(Collection::kAppointment, target,
                      {{field::kStatus, "checked_in"},
                       {field::kCheckinAt, std::to_string(clock_->NowMillis() / 1000)},
                       {field::kCheckinVia, via}}));
  const Record now_opened = sealer_.Opened(r);
  return AppointmentFromView(now_opened, View(now_opened));
}

Status Replica::SetStatus(const std::string& id, const std::string& status) {
  RELAIS_ASSIGN_OR_RETURN(auto rec, Get(Collection::kAppointment, id));
  if (!rec || IsDeleted(*rec))
    return Status::NotFound("rendez-vous inconnu: " + QuoteForMessage(id));
  std::map<std::string, std::string> f = {{field::kStatus, status}};
  const std::string now = std::to_string(clock_->NowMillis() / 1000);
  if (status == "in_consultation") f[field::kConsultAt] = now;
  if (status == "checked_in") {
    f[field::kCheckinAt] = now;
    f[field::kCheckinVia] = "staff";
  }
  auto r = Write(Collection::kAppointment, id, f);
  return r.ok() ? Status::OK() : r.status();
}

Status Replica::SetPresence(const std::string& practitioner_in,
                            const std::string& date, const std::string& half,
                            const std::string& state,
                            const std::string& replacement,
                            const std::string& room, const std::string& site_in) {
  const std::string& site = site_in.empty() ? site_id_ : site_in;
  const std::string practitioner = PractitionerRef(practitioner_in);
  RELAIS_ASSIGN_OR_RETURN(auto pract, Get(Collection::kPractitioner, practitioner));
  if (!pract || IsDeleted(*pract))
    return Status::InvalidArgument("praticien inconnu: " + QuoteForMessage(practitioner));
  const NewPresence p{practitioner, date, half, state, replacement, room};
  if (std::string err = ValidateNewPresence(p); !err.empty())
    return Status::InvalidArgument(err);
  // A name only goes with "remplace" (policy::HarmonizeView relies on it).
  std::map<std::string, std::string> f = {{field::kPractitioner, practitioner},
                                          {field::kDate, date},
                                          {field::kHalf, half},
                                          {field::kState, state},
                                          {field::kReplacement,
                                           state == "remplace" ? replacement : ""},
                                          {field::kRoom, room}};
  auto r = WriteAt(site, Collection::kPresence, PresenceId(practitioner, date, half, site),
                   f);
  return r.ok() ? Status::OK() : r.status();
}

Result<std::string> Replica::AddLedgerEntry(const NewLedgerEntry& in) {
  NewLedgerEntry e = in;
  e.payer = PractitionerRef(in.payer);
  if (e.month.empty())
    e.month = FormatDate(ParisDate(clock_->NowMillis() / 1000)).substr(0, 7);
  const std::string& month = e.month;
  // Per-entry rules (amount, payer, key, month...): validate.h.
  if (std::string err = ValidateNewLedgerEntry(e); !err.empty())
    return Status::InvalidArgument(err);
  // Amount, payer, key usable this month, reversal rules: domain/ledger.h.
  {
    RELAIS_ASSIGN_OR_RETURN(std::vector<LedgerEntry> all, LedgerAll());
    RELAIS_ASSIGN_OR_RETURN(std::vector<Practitioner> practs, Practitioners());
    RELAIS_ASSIGN_OR_RETURN(std::vector<Presence> pres, PresenceInMonth(month));
    LedgerEntry candidate;
    candidate.amount_cents = e.amount_cents;
    candidate.payer = e.payer;
    candidate.key = e.key;
    candidate.month = month;
    candidate.reverses = e.reverses;
    RELAIS_RETURN_IF_ERROR(domain::ValidateNewEntry(candidate, all, practs, pres));
  }
  const std::string id = NewId("ecr");
  std::map<std::string, std::string> f = {
      {field::kAmountCents, std::to_string(e.amount_cents)},
      {field::kCategory, e.category},
      {field::kPayer, e.payer},
      {field::kKey, e.key},
      {field::kLabel, e.label},
      {field::kMonth, month},
      {field::kCreatedAt, std::to_string(clock_->NowMillis() / 1000)}};
  if (!e.reverses.empty()) f[field::kReverses] = e.reverses;
  RELAIS_ASSIGN_OR_RETURN(Record r, Write(Collection::kLedger, id, f));
  (void)r;
  return id;
}

Result<std::optional<Record>> Replica::Get(Collection c, const std::string& id) {
  return store_->Get(c, id);
}

namespace {
// Typed views of records, sealed fields opened (kUnreadable if they
// cannot be).
template <typename T, typename F>
Result<std::vector<T>> Project(const Sealer& sealer, Result<std::vector<Record>> recs,
                               F from) {
  if (!recs.ok()) return recs.status();
  std::vector<T> out;
  for (const Record& r : *recs) {
    const Record opened = sealer.Opened(r);
    T t = from(opened, View(opened));
    if (!t.deleted) out.push_back(std::move(t));
  }
  return out;
}
std::string Key12(int64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%012lld", static_cast<long long>(v));
  return buf;
}
}  // namespace

Result<std::vector<Appointment>> Replica::AppointmentsOn(const CivilDate& day) {
  const int64_t lo = ParisLocalToUtc(day, 0, 0);
  const int64_t hi = ParisLocalToUtc(CivilFromDays(DaysFromCivil(day) + 1), 0, 0);
  return Project<Appointment>(
      sealer_, store_->List(Collection::kAppointment, Key12(lo), Key12(hi)),
      AppointmentFromView);
}

Result<std::vector<Appointment>> Replica::AllAppointments() {
  return Project<Appointment>(sealer_, store_->List(Collection::kAppointment),
                              AppointmentFromView);
}

Result<std::vector<Practitioner>> Replica::Practitioners() {
  return Project<Practitioner>(sealer_, store_->List(Collection::kPractitioner),
                               PractitionerFromView);
}

Result<std::vector<Presence>> Replica::PresenceOn(const std::string& date) {
  return Project<Presence>(
      sealer_, store_->List(Collection::kPresence, date, date + "~"), PresenceFromView);
}

Result<std::vector<Presence>> Replica::PresenceInMonth(const std::string& month) {
  return Project<Presence>(
      sealer_, store_->List(Collection::kPresence, month, month + "~"), PresenceFromView);
}

Result<std::vector<LedgerEntry>> Replica::LedgerAll() {
  return Project<LedgerEntry>(sealer_, store_->List(Collection::kLedger), LedgerFromView);
}

Result<std::vector<Record>> Replica::Conflicts() {
  RELAIS_ASSIGN_OR_RETURN(std::vector<Record> all, store_->ListWithSiblings());
  std::vector<Record> out;
  // Judged on opened values: two sealed texts of one clear value agree.
  for (const Record& r : all) {
    Record opened = sealer_.Opened(r);
    if (!ConflictFields(opened).empty()) out.push_back(std::move(opened));
  }
  return out;
}

Result<int64_t> Replica::PendingCount() {
  RELAIS_ASSIGN_OR_RETURN(uint64_t cursor, store_->GetMetaInt("push_cursor"));
  return store_->CountChangesSince(cursor);
}

Result<std::string> Replica::Dump() {
  RELAIS_ASSIGN_OR_RETURN(std::vector<Record> all, store_->ListAll());
  return DumpJson(all);
}

Result<std::string> Replica::DumpClear() {
  RELAIS_ASSIGN_OR_RETURN(std::vector<Record> all, store_->ListAll());
  for (Record& r : all) r = sealer_.Opened(r);
  return DumpJson(all);
}

std::string DumpJson(const std::vector<Record>& records) {
  using nlohmann::json;
  std::string out = "[";
  bool first = true;
  for (const Record& r : records) {
    json vv = json::object();
    for (const auto& [rep, n] : r.vv.entries()) vv[rep] = n;
    json fields = json::object();
    json conflicts = json::object();
    const FieldView view = View(r);
    for (const auto& [name, sibs] : r.fields) {
      if (name == kDeletedField) continue;
      fields[name] = view.at(name);
      if (sibs.size() > 1) {
        json arr = json::array();
        for (const Sibling& s : sibs)
          arr.push_back({{"value", s.value},
                         {"replica", s.dot.replica},
                         {"counter", s.dot.counter},
                         {"hlc", s.hlc}});
        conflicts[name] = {{"needs_attention",
                            NeedsAttention(r.collection, name, sibs)},
                           {"values", std::move(arr)}};
      }
    }
    json j = {{"collection", CollectionName(r.collection)},
              {"id", r.id},
              {"site", r.site_id},
              {"deleted", IsDeleted(r)},
              {"version_vector", std::move(vv)},
              {"fields", std::move(fields)},
              {"conflicts", std::move(conflicts)}};
    out += first ? "\n" : ",\n";
    first = false;
    out += j.dump(-1, ' ', false, json::error_handler_t::replace);
  }
  out += "\n]\n";
  return out;
}

}  // namespace relais::common
