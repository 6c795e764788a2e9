#include "server/agenda/hub_agenda.h"

#include <algorithm>
#include <set>
#include <vector>

#include "common/crypto/seal.h"
#include "common/domain/slot_range.h"
#include "common/domain/slots.h"
#include "common/merge/merge.h"
#include "common/model/org.h"
#include "common/model/schedule.h"
#include "common/model/validate.h"

namespace relais::server {

using common::Collection;
using common::FieldView;
using common::Record;
using common::Result;
using common::Status;

namespace {

constexpr int64_t kMaxPeriodS = 120 * 86400;

// Sites of `org` at the hub (sorted), from the site records.
Result<std::vector<std::string>> OrgSites(HubStore& store, const std::string& org) {
  RELAIS_ASSIGN_OR_RETURN(std::vector<std::string> all, store.Sites());
  std::vector<std::string> out;
  for (const std::string& s : all) {
    if (s == org) {
      out.push_back(s);
      continue;
    }
    RELAIS_ASSIGN_OR_RETURN(auto rec, store.Get(s, Collection::kSite, s));
    if (!rec) continue;
    const common::SiteInfo info = common::SiteFromView(rec->record, common::View(rec->record));
    if (!info.deleted && info.org == org) out.push_back(s);
  }
  return out;
}

// Blanks what must never leave the hub (see hub_agenda.h).
void Blank(common::Appointment* a) {
  a->patient_name.clear();
  a->patient_birth.clear();
  a->note.clear();
  a->code.clear();
  a->patient_idx.clear();
}

// The clear value of sealed field `f` of appointment `r` under `ring`; ""
// when it does not open (only values sealed by the organisation are shown).
std::string OpenSealed(const common::crypto::Keyring& ring, const Record& r, const char* f) {
  const FieldView v = common::View(r);
  auto it = v.find(f);
  if (it == v.end() || !common::crypto::LooksSealed(it->second)) return "";
  auto clear = common::crypto::OpenValue(
      ring, common::crypto::SealAd(common::CollectionName(r.collection), r.site_id, r.id, f),
      it->second);
  return clear ? *clear : "";
}

}  // namespace

Result<common::interop::Agenda> LoadHubAgenda(HubStore& store, const HubAgendaQuery& q) {
  if (!common::IsValidSiteId(q.org))
    return Status::InvalidArgument("organisation invalide (identifiant de site attendu)");
  if (q.from < 0 || q.to <= q.from || q.to - q.from > kMaxPeriodS)
    return Status::InvalidArgument("période invalide : de 1 à 120 jours");
  RELAIS_ASSIGN_OR_RETURN(std::vector<std::string> sites, OrgSites(store, q.org));
  if (sites.empty())
    return Status::NotFound("organisation « " + q.org + " » inconnue de ce hub");

  Scope scope;
  scope.token_name = "agenda";
  scope.sites = sites;  // sorted (Sites() is)
  common::domain::SlotInputs in;
  common::interop::Agenda agenda;
  agenda.organisation_id = q.org;
  agenda.from = q.from;
  agenda.to = q.to;
  std::set<std::string> named;
  size_t read = 0;
  for (uint64_t after = 0;;) {
    RELAIS_ASSIGN_OR_RETURN(PullResult page, store.Pull(scope, after, 2000, 4u << 20));
    read += page.records.size();
    if (read > kMaxHubAgendaRecords)
      return Status::FailedPrecondition("organisation trop grande pour une lecture d'agenda (plus de " +
                                        std::to_string(kMaxHubAgendaRecords) + " enregistrements)");
    for (const Record& r : page.records) {
      const FieldView v = common::View(r);
      switch (r.collection) {
        case Collection::kSite: {
          const common::SiteInfo s = common::SiteFromView(r, v);
          if (s.id != r.site_id || s.deleted) break;
          agenda.sites.push_back({s.id, s.name});
          named.insert(s.id);
          if (s.id == q.org) agenda.organisation_name = s.name;
          in.sites.push_back(s);
          break;
        }
        case Collection::kPractitioner: {
          common::Practitioner p = common::PractitionerFromView(r, v);
          p.pin_hash.clear();
          if (p.deleted) break;
          in.practitioners.push_back(p);
          agenda.practitioners.push_back(std::move(p));
          break;
        }
        case Collection::kAppointment: {
          common::Appointment a = common::AppointmentFromView(r, v);
          Blank(&a);
          if (a.deleted) break;
          if (q.reveal != nullptr && a.start >= q.from && a.start < q.to) {
            a.patient_name = OpenSealed(*q.reveal, r, common::field::kPatientName);
            a.patient_birth = OpenSealed(*q.reveal, r, common::field::kPatientBirth);
          }
          in.appointments.push_back(a);
          if (a.start < q.from || a.start >= q.to) break;
          if (!q.practitioner.empty() &&
              common::domain::QualifyRef(a.practitioner, a.site_id) != q.practitioner)
            break;
          if (agenda.appointments.size() == kMaxHubAgendaItems)
            return Status::FailedPrecondition("trop de rendez-vous dans la période : réduisez-la");
          agenda.appointments.push_back(std::move(a));
          break;
        }
        case Collection::kPresence:
          in.presence.push_back(common::PresenceFromView(r, v));
          break;
        case Collection::kSchedule:
          in.schedules.push_back(common::ScheduleFromView(r, v));
          break;
        case Collection::kScheduleException:
          in.exceptions.push_back(common::ScheduleExceptionFromView(r, v));
          break;
        default:
          break;
      }
    }
    after = page.cursor;
    if (!page.has_more) break;
  }
  for (const std::string& s : sites)
    if (named.insert(s).second) agenda.sites.push_back({s, ""});
  if (agenda.organisation_name.empty()) agenda.organisation_name = q.org;
  std::sort(agenda.sites.begin(), agenda.sites.end(),
            [](const auto& a, const auto& b) { return a.id < b.id; });
  if (q.free_slots) {
    common::domain::SlotQuery filters;
    filters.practitioner = q.practitioner;
    const common::domain::SlotIndex index(std::move(in));
    RELAIS_ASSIGN_OR_RETURN(std::vector<common::domain::Slot> slots,
                            common::domain::FreeSlotsInRange(index, filters, q.from, q.to,
                                                             kMaxHubAgendaItems));
    for (const common::domain::Slot& s : slots)
      agenda.free_slots.push_back({s.practitioner, s.site, s.kind, s.start, s.duration_min});
  }
  return agenda;
}

}  // namespace relais::server
