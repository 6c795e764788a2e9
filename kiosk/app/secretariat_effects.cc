#include "kiosk/app/secretariat_effects.h"

#include <algorithm>
#include <cstdio>
#include <set>

#include "common/domain/overlaps.h"
#include "common/merge/merge.h"
#include "common/replica/audit_log.h"
#include "common/replica/slot_inputs.h"
#include "kiosk/app/i18n.h"
#include "kiosk/app/secretariat.h"
#include "kiosk/app/secretariat_text.h"

namespace relais::kiosk {

namespace {

using common::Appointment;
using common::Collection;
using common::Replica;
using common::Result;
using common::Status;
namespace domain = common::domain;

std::string Printf(const char* fmt, const std::string& a, const std::string& b = "") {
  char buf[512];
  std::snprintf(buf, sizeof buf, fmt, a.c_str(), b.c_str());
  return buf;
}

// "lundi 7 décembre 2026 09:15" of a UTC instant, Paris time.
std::string When(Lang lang, int64_t t) {
  return LongDate(lang, common::ParisDate(t)) + " " + common::FormatParisTime(t);
}

std::string SiteName(const AppState& s, const std::string& site) {
  const SecretariatState& sec = s.secretariat;
  for (size_t i = 0; i < sec.sites.size() && i < sec.site_names.size(); ++i)
    if (sec.sites[i] == site && !sec.site_names[i].empty()) return sec.site_names[i];
  return site;
}

Result<std::optional<Appointment>> OpenAppointment(Replica& r, const std::string& id,
                                                   uint64_t* created) {
  RELAIS_ASSIGN_OR_RETURN(auto rec, r.Get(Collection::kAppointment, id));
  if (!rec) return std::optional<Appointment>();
  if (created) *created = CreatedHlc(*rec);
  return std::optional<Appointment>(common::AppointmentFromView(*rec, r.OpenView(*rec)));
}

// The double bookings from the start of `today` (Paris) to the horizon.
Result<std::vector<SecOverlap>> LoadOverlaps(Replica& r, const common::CivilDate& today,
                                             bool* truncated) {
  domain::SlotQuery window;
  window.after = common::ParisLocalToUtc(today, 0, 0);
  window.horizon_days = kOverlapHorizonDays;
  // Appointments are read without opening sealed fields; only the ones of
  // an overlap are opened below.
  RELAIS_ASSIGN_OR_RETURN(domain::SlotInputs in, common::LoadSlotInputs(r, window));
  std::vector<Appointment> live;
  for (Appointment& a : in.appointments)
    if (a.start + a.duration_min * 60 > window.after) live.push_back(std::move(a));
  std::vector<SecOverlap> out;
  *truncated = false;
  for (const domain::Overlap& o : domain::FindOverlaps(live)) {
    if (out.size() >= kMaxOverlapsShown) {
      *truncated = true;
      break;
    }
    SecOverlap so;
    RELAIS_ASSIGN_OR_RETURN(auto first, OpenAppointment(r, o.first.id, &so.first_created));
    RELAIS_ASSIGN_OR_RETURN(auto second, OpenAppointment(r, o.second.id, &so.second_created));
    if (!first || !second) continue;
    so.first = std::move(*first);
    so.second = std::move(*second);
    so.move_id = PickToMove(so.first, so.first_created, so.second, so.second_created);
    out.push_back(std::move(so));
  }
  return out;
}

// The search through the cache when there is one (same answers).
Result<domain::SlotSearch> Search(Replica& r, common::SlotCache* cache,
                                  const domain::SlotQuery& q) {
  return cache ? cache->Find(q) : common::SearchReplica(r, q);
}

// Same site first, then any site held.
Result<std::optional<domain::Slot>> NextFreeFor(Replica& r, common::SlotCache* cache,
                                                const Appointment& a, int64_t now_s,
                                                bool* same_site) {
  domain::SlotQuery q;
  q.practitioner = domain::QualifyRef(a.practitioner, a.site_id);
  q.kind = PlageKindFor(a.kind);
  q.count = 1;
  q.after = std::max(now_s, a.start);
  for (bool own : {true, false}) {
    q.sites = own ? std::vector<std::string>{a.site_id} : std::vector<std::string>{};
    RELAIS_ASSIGN_OR_RETURN(domain::SlotSearch found, Search(r, cache, q));
    if (!found.slots.empty()) {
      *same_site = own;
      return std::optional<domain::Slot>(found.slots.front());
    }
  }
  return std::optional<domain::Slot>();
}

}  // namespace

uint64_t CreatedHlc(const common::Record& rec) {
  uint64_t min = 0;
  bool any = false;
  for (const auto& [name, siblings] : rec.fields)
    for (const common::Sibling& sib : siblings)
      if (!any || sib.hlc < min) {
        min = sib.hlc;
        any = true;
      }
  return min;
}

Status RunBookSlot(Replica& r, AppState& s, const EffBookSlot& e) {
  RELAIS_ASSIGN_OR_RETURN(auto added, r.AddAppointment(e.appointment));
  const common::NewAppointment& a = e.appointment;
  SecBooking b;
  b.appointment_id = added.first;
  b.code = added.second;
  b.summary = a.patient_name + " · " + When(s.lang, a.start) + " · " + SiteName(s, a.site);
  s.message = Printf(SecTr(s.lang, SecMsg::kBooked), b.summary, b.code);
  s.message_is_error = false;
  s.secretariat.booked = std::move(b);
  s.secretariat.selected.reset();
  return Status::OK();
}

Status RunMoveOverlap(Replica& r, AppState& s, const EffMoveOverlap& e,
                      common::SlotCache* cache) {
  RELAIS_ASSIGN_OR_RETURN(auto found, OpenAppointment(r, e.appointment_id, nullptr));
  if (!found || found->deleted || found->status == "cancelled")
    return Status::FailedPrecondition(SecTr(s.lang, SecMsg::kErrGone));
  const Appointment& a = *found;
  bool same_site = true;
  RELAIS_ASSIGN_OR_RETURN(auto slot, NextFreeFor(r, cache, a, s.now_ms / 1000, &same_site));
  if (!slot) return Status::FailedPrecondition(SecTr(s.lang, SecMsg::kErrNoFreeSlot));
  if (same_site) {
    RELAIS_RETURN_IF_ERROR(r.Write(Collection::kAppointment, a.id,
                                   {{common::field::kStart, std::to_string(slot->start)},
                                    {common::field::kDuration,
                                     std::to_string(slot->duration_min)}})
                               .status());
  } else {
    common::NewAppointment n;
    n.practitioner = a.practitioner;
    n.patient_name = a.patient_name;
    n.patient_birth = a.patient_birth;
    n.patient_ref = a.patient_ref;
    n.kind = a.kind;
    n.note = a.note;
    n.start = slot->start;
    n.duration_min = slot->duration_min;
    n.site = slot->site;
    RELAIS_RETURN_IF_ERROR(r.AddAppointment(n).status());
    if (!r.SetStatus(a.id, "cancelled").ok())
      return Status::Internal(SecTr(s.lang, SecMsg::kErrMovedHalf));
  }
  s.message = Printf(SecTr(s.lang, SecMsg::kMoved),
                     a.patient_name + " → " + When(s.lang, slot->start) + " · " +
                         SiteName(s, slot->site));
  s.message_is_error = false;
  return Status::OK();
}

Status RunOpenSecretariat(Replica& r, AppState& s, const EffOpenSecretariat& e) {
  common::Transaction tx(r.store()->db());
  RELAIS_RETURN_IF_ERROR(tx.status());
  bool truncated = false;
  RELAIS_ASSIGN_OR_RETURN(auto overlaps, LoadOverlaps(r, s.today, &truncated));
  std::vector<std::string> ids;
  for (const SecOverlap& o : overlaps) {
    ids.push_back(o.first.id);
    ids.push_back(o.second.id);
  }
  RELAIS_RETURN_IF_ERROR(common::AuditLog(&r).AppendLocked(e.who, "kiosk.secretariat", ids));
  return tx.Commit();
}

Status ReloadSecretariat(Replica& r, AppState& s, common::SlotCache* cache) {
  SecretariatState& sec = s.secretariat;
  if (!s.staff_unlocked || s.screen != Screen::kSecretariat) return Status::OK();
  // The organisation's pseudo-site holds no plage: it is offered only if
  // it is also a real site (`relais init --site S1 --site S2`: org = S1).
  RELAIS_ASSIGN_OR_RETURN(std::vector<common::Record> plages,
                          r.store()->List(Collection::kSchedule));
  std::set<std::string> with_plages;
  for (const common::Record& p : plages) with_plages.insert(p.site_id);
  std::vector<std::string> scope = r.scope();
  if (scope.empty()) scope = {r.site_id()};  // org-wide scope not learnt yet
  sec.sites.clear();
  sec.site_names.clear();
  for (const std::string& site : scope) {
    if (scope.size() > 1 && site == r.org_id() && !with_plages.count(site)) continue;
    RELAIS_ASSIGN_OR_RETURN(auto rec, r.Get(Collection::kSite, site));
    std::string name;
    if (rec) {
      const common::FieldView v = r.OpenView(*rec);
      if (auto it = v.find(common::field::kName); it != v.end()) name = it->second;
    }
    sec.sites.push_back(site);
    sec.site_names.push_back(name);
  }
  if (sec.searched) {
    RELAIS_ASSIGN_OR_RETURN(domain::SlotSearch found, Search(r, cache, sec.query));
    sec.slots = std::move(found.slots);
    if (sec.selected &&
        std::find(sec.slots.begin(), sec.slots.end(), *sec.selected) == sec.slots.end())
      sec.selected.reset();
  }
  RELAIS_ASSIGN_OR_RETURN(sec.overlaps, LoadOverlaps(r, s.today, &sec.overlaps_truncated));
  // What leaves, closures and absences cover from now on: the search's
  // to_move over exactly kDisplacedDays days (docs/domain.md §6c: the
  // first window is read whole).
  domain::SlotQuery displaced;
  displaced.after = s.now_ms / 1000;
  displaced.horizon_days = kDisplacedDays;
  displaced.count = domain::kMaxSlotCount;
  RELAIS_ASSIGN_OR_RETURN(domain::SlotSearch covered, Search(r, cache, displaced));
  sec.displaced = std::move(covered.to_move);
  return Status::OK();
}

}  // namespace relais::kiosk
