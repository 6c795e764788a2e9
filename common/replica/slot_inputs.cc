#include "common/replica/slot_inputs.h"

#include <algorithm>
#include <array>
#include <cstdio>

#include "common/codec/record_json.h"
#include "common/merge/merge.h"
#include "common/util/time.h"

namespace relais::common {

namespace {

// What the search reads of an appointment (see the header). A field's
// winner depends only on its siblings, and HarmonizeView changes only
// checkin_via for appointments, so these winners are the full view's.
constexpr std::array<std::string_view, 6> kSlotFields = {
    kDeletedField, field::kDuration, field::kKind, field::kPractitioner, field::kStart,
    field::kStatus};

// The appointment sort key (replica_store.cc SortKey): start, 12 digits.
std::string StartKey(int64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%012lld", static_cast<long long>(v < 0 ? 0 : v));
  return buf;
}

template <typename T, typename F>
Status Project(Result<std::vector<Record>> recs, F from, std::vector<T>* out) {
  if (!recs.ok()) return recs.status();
  for (const Record& r : *recs) {
    T t = from(r, View(r));
    if (!t.deleted) out->push_back(std::move(t));
  }
  return Status::OK();
}

Appointment FromLean(const Record& lean) {
  Appointment a = AppointmentFromView(lean, View(lean));
  return a;
}

}  // namespace

Appointment SlotAppointmentFromRecord(const Record& r) {
  Record lean;
  lean.collection = r.collection;
  lean.id = r.id;
  lean.site_id = r.site_id;
  for (std::string_view f : kSlotFields) {
    auto it = r.fields.find(std::string(f));
    if (it != r.fields.end()) lean.fields.emplace(it->first, it->second);
  }
  return FromLean(lean);
}

Result<Appointment> SlotAppointmentFromState(std::string_view state) {
  auto rec = DecodeRecordJsonFields(state, kSlotFields);
  if (!rec.ok()) return Status::DataLoss("rendez-vous illisible: " + rec.status().message());
  return FromLean(*rec);
}

Status LoadSlotAppointments(ReplicaStore* st, int64_t lo, int64_t hi,
                            std::vector<Appointment>* out) {
  return st->ForEachState(Collection::kAppointment, StartKey(lo), StartKey(hi),
                          [&](std::string_view state) -> Status {
                            RELAIS_ASSIGN_OR_RETURN(Appointment a,
                                                    SlotAppointmentFromState(state));
                            if (!a.deleted) out->push_back(std::move(a));
                            return Status::OK();
                          });
}

Status LoadSlotPresence(ReplicaStore* st, const std::string& first, const std::string& last,
                        std::vector<Presence>* out) {
  return Project(st->List(Collection::kPresence, first, last + "~"), PresenceFromView, out);
}

Status LoadSlotCalendars(ReplicaStore* st, domain::SlotInputs* in) {
  RELAIS_RETURN_IF_ERROR(Project(st->List(Collection::kSchedule), ScheduleFromView,
                                 &in->schedules));
  RELAIS_RETURN_IF_ERROR(Project(st->List(Collection::kScheduleException),
                                 ScheduleExceptionFromView, &in->exceptions));
  RELAIS_RETURN_IF_ERROR(
      Project(st->List(Collection::kPractitioner), PractitionerFromView, &in->practitioners));
  return Project(st->List(Collection::kSite), SiteFromView, &in->sites);
}

SlotWindow SlotWindowOf(const domain::SlotQuery& q) {
  const int64_t day0 = DaysFromCivil(ParisDate(q.after));
  const CivilDate first = CivilFromDays(day0 - 1);
  const CivilDate last = CivilFromDays(day0 + q.horizon_days + 1);
  return {ParisLocalToUtc(first, 0, 0), ParisLocalToUtc(last, 0, 0), FormatDate(first),
          FormatDate(last)};
}

Result<domain::SlotInputs> LoadSlotInputs(Replica& r, const domain::SlotQuery& q) {
  ReplicaStore* st = r.store();
  domain::SlotInputs in;
  const SlotWindow w = SlotWindowOf(q);
  RELAIS_RETURN_IF_ERROR(LoadSlotCalendars(st, &in));
  RELAIS_RETURN_IF_ERROR(LoadSlotAppointments(st, w.lo, w.hi, &in.appointments));
  RELAIS_RETURN_IF_ERROR(LoadSlotPresence(st, w.first, w.last, &in.presence));
  return in;
}

Result<domain::SlotSearch> SearchReplica(Replica& r, const domain::SlotQuery& q) {
  const std::string err = domain::ValidateSlotQuery(q);
  if (!err.empty()) return Status::InvalidArgument(err);
  ReadTransaction snapshot(r.store()->db());
  RELAIS_RETURN_IF_ERROR(snapshot.status());
  domain::SlotQuery first = q;
  first.horizon_days = std::min(q.horizon_days, kFirstSearchDays);
  RELAIS_ASSIGN_OR_RETURN(domain::SlotInputs in, LoadSlotInputs(r, first));
  RELAIS_ASSIGN_OR_RETURN(domain::SlotSearch found, domain::FindFreeSlots(in, first));
  if (static_cast<int>(found.slots.size()) >= q.count || first.horizon_days == q.horizon_days)
    return found;
  // The whole horizon: the calendars and the first window's appointments
  // are already loaded; only the appointments after it are read (same
  // snapshot, so nothing is read twice or missed).
  const SlotWindow w1 = SlotWindowOf(first), w = SlotWindowOf(q);
  RELAIS_RETURN_IF_ERROR(LoadSlotAppointments(r.store(), w1.hi, w.hi, &in.appointments));
  in.presence.clear();
  RELAIS_RETURN_IF_ERROR(LoadSlotPresence(r.store(), w.first, w.last, &in.presence));
  return domain::SlotIndex(std::move(in)).Find(q);
}

}  // namespace relais::common
