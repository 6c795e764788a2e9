#include "common/merge/policy.h"

#include "common/model/org.h"
#include "common/model/schedule.h"
#include "common/model/ticket.h"

#include <cstdint>
#include <limits>
#include <set>
#include <tuple>

namespace relais::common::policy {

namespace {

bool Is(Collection c, const std::string& field, Collection want_c,
        const char* want_f) {
  return c == want_c && field == want_f;
}

// Latest hybrid logical clock first; the dot makes it total.
bool Later(const Sibling& x, const Sibling& y) {
  return std::tie(x.hlc, x.dot, x.value) > std::tie(y.hlc, y.dot, y.value);
}

int64_t AsInstant(const std::string& v) {
  int64_t n = 0;
  return ParseInt64(v, &n) ? n : std::numeric_limits<int64_t>::max();
}

bool IsTimestampField(Collection c, const std::string& field) {
  return Is(c, field, Collection::kAppointment, field::kCheckinAt) ||
         Is(c, field, Collection::kAppointment, field::kConsultAt);
}

// The displayed sibling of `sibs` (same as merge's Winner).
const Sibling* Best(Collection c, const std::string& field,
                    const std::vector<Sibling>& sibs) {
  const Sibling* best = nullptr;
  for (const Sibling& s : sibs)
    if (!best || Beats(c, field, s, *best)) best = &s;
  return best;
}

const std::vector<Sibling>* Find(const Record& r, const char* field) {
  auto it = r.fields.find(field);
  return it == r.fields.end() ? nullptr : &it->second;
}

// Presence: the replacement name shown must belong to the state shown.
void HarmonizePresence(const Record& r, FieldView* view) {
  const auto* states = Find(r, field::kState);
  if (!states) return;
  const Sibling* st = Best(r.collection, field::kState, *states);
  const auto* names = Find(r, field::kReplacement);
  if (st->value != "remplace") {
    if (names) (*view)[field::kReplacement] = "";
    return;
  }
  // Prefer the name written together with the winning state, else the
  // latest non-empty name.
  const Sibling* name = nullptr;
  if (names) {
    for (const Sibling& s : *names) {
      if (s.value.empty()) continue;
      if (s.dot == st->dot) {
        name = &s;
        break;
      }
      if (!name || Later(s, *name)) name = &s;
    }
  }
  if (name) {
    (*view)[field::kReplacement] = name->value;
    return;
  }
  // "remplace" without any name: show the best other state instead.
  const Sibling* other = nullptr;
  for (const Sibling& s : *states)
    if (s.value != "remplace" && (!other || Beats(r.collection, field::kState, s, *other)))
      other = &s;
  if (other) {
    (*view)[field::kState] = other->value;
    if (names) (*view)[field::kReplacement] = "";
  }
}

// Appointment: checkin_via belongs to the displayed (earliest) checkin_at.
void HarmonizeAppointment(const Record& r, FieldView* view) {
  const auto* at = Find(r, field::kCheckinAt);
  const auto* via = Find(r, field::kCheckinVia);
  if (!at || !via || via->size() < 2) return;
  const Sibling* first = Best(r.collection, field::kCheckinAt, *at);
  for (const Sibling& s : *via) {
    if (s.dot == first->dot) {
      (*view)[field::kCheckinVia] = s.value;
      return;
    }
  }
}

// Plages: offering a slot that does not exist is worse than missing one.
// A plage deleted or ended by someone stays so (deletion "1" first, the
// earliest valid_to first, "" = open-ended = last); an exception kept by
// someone stays (a leave deleted concurrently with its edit is kept: "0"
// first). Everything else: latest write.
bool ScheduleBeats(Collection c, const std::string& field, const Sibling& x,
                   const Sibling& y) {
  if (field == kDeletedField && x.value != y.value) {
    const char* wins = c == Collection::kSchedule ? "1" : "0";
    if (x.value == wins || y.value == wins) return x.value == wins;
  }
  if (c == Collection::kSchedule && field == field::kValidTo && x.value != y.value) {
    if (x.value.empty() || y.value.empty()) return y.value.empty();
    return x.value < y.value;
  }
  return Later(x, y);
}

// Organisation (docs/domain.md §6d). Practitioner `sites`: the union of
// the concurrent lists is shown (a site someone added stays visible while
// staff look). Exception start_time/end_time edited concurrently: the
// whole day is shown (the widest exception, never a slot someone meant to
// remove; ExceptionDayPart reads "" as whole days).
void HarmonizeOrg(const Record& r, FieldView* view) {
  auto concurrent = [&](const char* f) {
    const auto* sibs = Find(r, f);
    if (!sibs) return false;
    for (const Sibling& s : *sibs)
      if (s.value != sibs->front().value) return true;
    return false;
  };
  if (r.collection == Collection::kPractitioner && concurrent(field::kSites)) {
    std::set<std::string> all;
    for (const Sibling& s : *Find(r, field::kSites))
      for (std::string& site : SplitSites(s.value)) all.insert(std::move(site));
    std::string joined;
    for (const std::string& s : all) joined += (joined.empty() ? "" : ",") + s;
    (*view)[field::kSites] = joined;
  }
  if (r.collection == Collection::kScheduleException &&
      (concurrent(field::kStartTime) || concurrent(field::kEndTime))) {
    (*view)[field::kStartTime] = "";
    (*view)[field::kEndTime] = "";
  }
}

// Walk-in tickets (model/ticket.h): the fields that travel with a status
// (room and called_at of a call, ended_at, the appointment of a conversion)
// are shown, when they hold concurrent values, from the replica that wrote
// the displayed status: its latest write of the field at or before that
// status write (same dot when written together), so a ticket is never
// shown "done" with the room of another desk's losing call. Without such a
// write, the latest write (Beats' default). Siblings are sorted by dot, so
// the scan is linear.
void HarmonizeTicket(const Record& r, FieldView* view) {
  const auto* statuses = Find(r, field::kStatus);
  if (!statuses) return;
  const Dot& st = Best(r.collection, field::kStatus, *statuses)->dot;
  for (const char* f : {field::kRoom, field::kCalledAt, field::kEndedAt,
                        field::kAppointment}) {
    const auto* sibs = Find(r, f);
    if (!sibs || sibs->size() < 2) continue;
    const Sibling* own = nullptr;
    for (const Sibling& s : *sibs)
      if (s.dot.replica == st.replica && s.dot.counter <= st.counter) own = &s;
    if (own) (*view)[f] = own->value;
  }
}

}  // namespace

int StatusProgress(const std::string& status) {
  if (status == "checked_in") return 1;
  if (status == "in_consultation") return 2;
  if (status == "done") return 3;
  return 0;
}

bool Beats(Collection c, const std::string& field, const Sibling& x,
           const Sibling& y) {
  if (Is(c, field, Collection::kAppointment, field::kStatus)) {
    const int px = StatusProgress(x.value), py = StatusProgress(y.value);
    if (px != py) return px > py;
    return Later(x, y);
  }
  if (Is(c, field, Collection::kTicket, field::kStatus)) {
    // Monotonic: waiting < called < left < done < converted (a ticket that
    // reached the end of its visit on one kiosk never goes back to waiting).
    const int rx = TicketStatusRank(x.value), ry = TicketStatusRank(y.value);
    if (rx != ry) return rx > ry;
    return Later(x, y);
  }
  if (IsTimestampField(c, field)) {
    const int64_t tx = AsInstant(x.value), ty = AsInstant(y.value);
    if (tx != ty) return tx < ty;
    return Later(x, y);
  }
  if (c == Collection::kLedger) return Later(y, x);  // first write stands
  if (c == Collection::kSchedule || c == Collection::kScheduleException)
    return ScheduleBeats(c, field, x, y);
  // A pôle or room deleted by one side and edited by the other stays
  // ("0" first): practitioners and rooms still point at it.
  if ((c == Collection::kPole || c == Collection::kRoom) && field == kDeletedField &&
      x.value != y.value && (x.value == "0" || y.value == "0"))
    return x.value == "0";
  return Later(x, y);
}

bool Settles(Collection c, const std::string& field,
             const std::vector<Sibling>& siblings) {
  if (Is(c, field, Collection::kAppointment, field::kStatus)) {
    bool progress = false;
    for (const Sibling& s : siblings) {
      if (s.value == "cancelled") return false;  // staff must decide
      if (StatusProgress(s.value) > 0) progress = true;
    }
    // A real arrival beats a presumed absence or a stale "booked".
    return progress;
  }
  if (IsTimestampField(c, field) ||
      Is(c, field, Collection::kAppointment, field::kCheckinVia))
    return true;
  if (Is(c, field, Collection::kPresence, field::kState) ||
      Is(c, field, Collection::kPresence, field::kReplacement))
    return true;
  // Walk-in tickets: every concurrent edit is settled by the rank of the
  // status and the fields of its write; nobody has to look at a ticket.
  if (c == Collection::kTicket && field != kDeletedField) return true;
  return false;
}

void HarmonizeView(const Record& r, FieldView* view) {
  if (r.collection == Collection::kPresence) HarmonizePresence(r, view);
  if (r.collection == Collection::kAppointment) HarmonizeAppointment(r, view);
  if (r.collection == Collection::kTicket) HarmonizeTicket(r, view);
  HarmonizeOrg(r, view);
}

}  // namespace relais::common::policy
