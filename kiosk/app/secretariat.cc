#include "kiosk/app/secretariat.h"

#include <algorithm>

#include "common/model/schedule.h"
#include "common/model/validate.h"
#include "common/util/time.h"
#include "kiosk/app/secretariat_text.h"

namespace relais::kiosk {

namespace {

using common::Result;
using common::Status;
using common::domain::Slot;
using common::domain::SlotQuery;

Status Bad(Lang lang, SecMsg m) { return Status::InvalidArgument(SecTr(lang, m)); }

void Error(AppState& s, const std::string& message) {
  s.message = message;
  s.message_is_error = true;
}

bool AllDigits(const std::string& t) {
  return !t.empty() && std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::string NormalizeDateInput(const std::string& typed) {
  std::string iso;
  if (typed.size() == 10 && typed[4] == '-' && typed[7] == '-') {
    iso = typed;
  } else {
    std::string digits;
    if (typed.size() == 10 && typed[2] == '/' && typed[5] == '/')
      digits = typed.substr(0, 2) + typed.substr(3, 2) + typed.substr(6, 4);
    else if (typed.size() == 8)
      digits = typed;
    if (!AllDigits(digits)) return "";
    iso = digits.substr(4, 4) + "-" + digits.substr(2, 2) + "-" + digits.substr(0, 2);
  }
  auto d = common::ParseDate(iso);  // checks the day exists
  return d.ok() ? common::FormatDate(*d) : "";
}

Result<SlotQuery> QueryFromFilter(const SlotFilter& f, int64_t now_s,
                                  const std::vector<std::string>& sites,
                                  const std::vector<common::Practitioner>& practitioners,
                                  Lang lang, const std::vector<std::string>& poles) {
  for (const std::string* v : {&f.site, &f.profession, &f.practitioner, &f.kind,
                               &f.after_date, &f.after_time, &f.pole})
    if (v->size() > kMaxFilterBytes) return Bad(lang, SecMsg::kErrTooLong);
  SlotQuery q;
  q.count = kSecretariatSlotCount;
  if (!f.site.empty()) {
    if (std::find(sites.begin(), sites.end(), f.site) == sites.end())
      return Bad(lang, SecMsg::kErrUnknownSite);
    q.sites = {f.site};
  }
  if (!f.practitioner.empty()) {
    if (std::none_of(practitioners.begin(), practitioners.end(),
                     [&](const common::Practitioner& p) { return p.id == f.practitioner; }))
      return Bad(lang, SecMsg::kErrUnknownPractitioner);
    q.practitioner = f.practitioner;
  }
  if (!f.kind.empty()) {
    const auto& kinds = common::ScheduleKinds();
    if (std::find(kinds.begin(), kinds.end(), f.kind) == kinds.end())
      return Bad(lang, SecMsg::kErrBadKind);
    q.kind = f.kind;
  }
  if (!f.pole.empty()) {
    if (std::find(poles.begin(), poles.end(), f.pole) == poles.end())
      return Bad(lang, SecMsg::kErrUnknownPole);
    q.pole = f.pole;
  }
  q.profession = f.profession;
  common::CivilDate day = common::ParisDate(now_s);
  if (!f.after_date.empty()) {
    const std::string iso = NormalizeDateInput(f.after_date);
    if (iso.empty()) return Bad(lang, SecMsg::kErrBadDate);
    day = *common::ParseDate(iso);
  }
  int minutes = 0;
  if (!f.after_time.empty()) {
    minutes = common::ParseClockMinutes(f.after_time, false);
    if (minutes < 0) return Bad(lang, SecMsg::kErrBadTime);
  }
  q.after = std::max(now_s, common::ParisLocalToUtc(day, minutes / 60, minutes % 60));
  if (std::string err = common::domain::ValidateSlotQuery(q); !err.empty())
    return Status::InvalidArgument(err + (lang == Lang::kFr ? " : corrigez le filtre."
                                                             : ": correct the filter."));
  return q;
}

std::string AppointmentKindFor(const std::string& plage_kind) {
  if (plage_kind == "teleconsultation") return "teleconsultation";
  if (plage_kind == "visite_domicile" || plage_kind == "ehpad") return "visite_domicile";
  if (plage_kind == "sans_rdv") return "snp";
  return "consultation";
}

std::string PlageKindFor(const std::string& appointment_kind) {
  if (appointment_kind == "consultation") return "programmee";
  if (appointment_kind == "teleconsultation") return "teleconsultation";
  if (appointment_kind == "visite_domicile") return "visite_domicile";
  return "";
}

std::string PickToMove(const common::Appointment& a, uint64_t a_created,
                       const common::Appointment& b, uint64_t b_created) {
  if (a_created != b_created) return a_created > b_created ? a.id : b.id;
  return std::max(a.id, b.id);
}

void ApplySearchSlots(AppState& s, const act::SearchSlots& a) {
  SecretariatState& sec = s.secretariat;
  auto q = QueryFromFilter(a.filter, s.now_ms / 1000, sec.sites, s.practitioners, s.lang,
                           s.poles);
  if (!q.ok()) return Error(s, q.status().message());
  sec.query = *q;
  sec.searched = true;
  sec.selected.reset();
  s.message.clear();
  s.effects.push_back(EffSearchSlots{});
}

void ApplySelectSlot(AppState& s, const act::SelectSlot& a) {
  SecretariatState& sec = s.secretariat;
  if (a.index >= sec.slots.size()) return Error(s, SecTr(s.lang, SecMsg::kErrStale));
  sec.selected = sec.slots[a.index];
}

void ApplyBookSlot(AppState& s, const act::BookSlot& a) {
  SecretariatState& sec = s.secretariat;
  if (!sec.selected) return Error(s, SecTr(s.lang, SecMsg::kErrSelectFirst));
  const Slot& slot = *sec.selected;
  // Only a proposal of the list shown (refreshed after every write and sync).
  if (std::find(sec.slots.begin(), sec.slots.end(), slot) == sec.slots.end())
    return Error(s, SecTr(s.lang, SecMsg::kErrStale));
  common::NewAppointment e;
  e.practitioner = slot.practitioner;
  e.site = slot.site;
  e.start = slot.start;
  e.duration_min = slot.duration_min;
  e.kind = AppointmentKindFor(slot.kind);
  e.patient_name = a.patient_name;
  e.patient_birth = NormalizeDateInput(a.patient_birth);
  if (a.patient_name.size() > 256) return Error(s, SecTr(s.lang, SecMsg::kErrBadPatient));
  if (e.patient_birth.empty()) return Error(s, SecTr(s.lang, SecMsg::kErrBadBirth));
  if (!common::ValidateNewAppointment(e).empty())
    return Error(s, SecTr(s.lang, SecMsg::kErrBadPatient));
  s.message.clear();
  s.effects.push_back(EffBookSlot{std::move(e)});
}

void ApplyMoveOverlap(AppState& s, const act::MoveOverlap& a) {
  for (const SecOverlap& o : s.secretariat.overlaps) {
    if (o.first.id != a.first_id || o.second.id != a.second_id) continue;
    s.message.clear();
    s.effects.push_back(EffMoveOverlap{o.move_id});
    return;
  }
  Error(s, SecTr(s.lang, SecMsg::kErrUnknownOverlap));
}

void ApplyMoveDisplaced(AppState& s, const act::MoveDisplaced& a) {
  for (const common::domain::SlotToMove& m : s.secretariat.displaced) {
    if (m.appointment.id != a.appointment_id) continue;
    s.message.clear();
    s.effects.push_back(EffMoveOverlap{m.appointment.id});
    return;
  }
  Error(s, SecTr(s.lang, SecMsg::kErrUnknownOverlap));
}

}  // namespace relais::kiosk
