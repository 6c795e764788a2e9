#include "common/replica/slot_inputs.h"

#include <algorithm>
#include <cstdio>

#include "common/merge/merge.h"
#include "common/util/time.h"

namespace relais::common {

namespace {

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

}  // namespace

Result<domain::SlotInputs> LoadSlotInputs(Replica& r, const domain::SlotQuery& q) {
  ReplicaStore* st = r.store();
  domain::SlotInputs in;
  const int64_t day0 = DaysFromCivil(ParisDate(q.after));
  const CivilDate first = CivilFromDays(day0 - 1);
  const CivilDate last = CivilFromDays(day0 + q.horizon_days + 1);
  const int64_t lo = ParisLocalToUtc(first, 0, 0);
  const int64_t hi = ParisLocalToUtc(last, 0, 0);
  RELAIS_RETURN_IF_ERROR(Project(st->List(Collection::kSchedule), ScheduleFromView,
                                 &in.schedules));
  RELAIS_RETURN_IF_ERROR(Project(st->List(Collection::kScheduleException),
                                 ScheduleExceptionFromView, &in.exceptions));
  RELAIS_RETURN_IF_ERROR(Project(st->List(Collection::kPractitioner), PractitionerFromView,
                                 &in.practitioners));
  RELAIS_RETURN_IF_ERROR(Project(st->List(Collection::kSite), SiteFromView, &in.sites));
  RELAIS_RETURN_IF_ERROR(Project(st->List(Collection::kAppointment, StartKey(lo), StartKey(hi)),
                                 AppointmentFromView, &in.appointments));
  RELAIS_RETURN_IF_ERROR(Project(st->List(Collection::kPresence, FormatDate(first),
                                          FormatDate(last) + "~"),
                                 PresenceFromView, &in.presence));
  return in;
}

Result<domain::SlotSearch> SearchReplica(Replica& r, const domain::SlotQuery& q) {
  const std::string err = domain::ValidateSlotQuery(q);
  if (!err.empty()) return Status::InvalidArgument(err);
  domain::SlotQuery first = q;
  first.horizon_days = std::min(q.horizon_days, kFirstSearchDays);
  RELAIS_ASSIGN_OR_RETURN(domain::SlotInputs in, LoadSlotInputs(r, first));
  RELAIS_ASSIGN_OR_RETURN(domain::SlotSearch found, domain::FindFreeSlots(in, first));
  if (static_cast<int>(found.slots.size()) >= q.count || first.horizon_days == q.horizon_days)
    return found;
  RELAIS_ASSIGN_OR_RETURN(in, LoadSlotInputs(r, q));
  return domain::FindFreeSlots(in, q);
}

}  // namespace relais::common
