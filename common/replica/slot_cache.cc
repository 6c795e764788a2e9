#include "common/replica/slot_cache.h"

#include <algorithm>
#include <chrono>
#include <vector>

#include "common/merge/merge.h"
#include "common/replica/slot_inputs.h"
#include "common/util/time.h"

namespace relais::common {

namespace {

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

int64_t ParisMidnight(int64_t day) { return ParisLocalToUtc(CivilFromDays(day), 0, 0); }

// Replaces or erases `id` in `m` with the record's projection.
template <typename T, typename F>
void Upsert(std::map<std::string, T>* m, const std::string& id, const std::optional<Record>& rec,
            F from) {
  m->erase(id);
  if (!rec) return;
  T t = from(*rec, View(*rec));
  if (!t.deleted) m->emplace(id, std::move(t));
}

}  // namespace

// Paris days [first_day, first_day + kSlotCacheChunkDays) and what a search
// of those days reads: the appointments starting in them, those of the day
// before that run into them (the only ones of that day that can make a
// slot busy; to_move never lists them), and the presence of the dates
// around (LoadSlotInputs' window).
struct SlotCache::Chunk {
  int64_t first_day = 0;
  int64_t day_before = 0, lo = 0, hi = 0;  // Paris midnights (UTC seconds)
  SlotWindow window;                        // presence dates
  std::map<std::string, Appointment> appts;  // by id
  std::map<std::string, Presence> presence;  // by id
  std::unique_ptr<domain::SlotIndex> index;  // null: to build
  uint64_t used = 0;                         // tick of the last query using it

  bool Holds(const Appointment& a) const {
    if (lo <= a.start && a.start < hi) return true;
    // slots.cc's busy interval: duration clamped to 1..1440 minutes.
    const int64_t end = a.start + std::clamp<int64_t>(a.duration_min, 1, 1440) * 60;
    return day_before <= a.start && a.start < lo && end > lo;
  }
  // The same test as the k1 range of LoadSlotPresence.
  bool HoldsDate(const std::string& d) const {
    return window.first <= d && d < window.last + "~";
  }
};

SlotCache::SlotCache(Replica* r, std::unique_ptr<ChangeJournal> j)
    : r_(r), journal_(std::move(j)) {}

SlotCache::~SlotCache() = default;

Result<std::unique_ptr<SlotCache>> SlotCache::Open(Replica* r) {
  RELAIS_ASSIGN_OR_RETURN(std::unique_ptr<ChangeJournal> j,
                          ChangeJournal::Start(r->store()->db()));
  return std::unique_ptr<SlotCache>(new SlotCache(r, std::move(j)));
}

Status SlotCache::LoadCalendars() {
  loaded_ = false;
  chunks_.clear();
  schedules_.clear();
  exceptions_.clear();
  practitioners_.clear();
  sites_.clear();
  domain::SlotInputs in;
  RELAIS_RETURN_IF_ERROR(LoadSlotCalendars(r_->store(), &in));
  for (Schedule& s : in.schedules) schedules_.emplace(s.id, std::move(s));
  for (ScheduleException& e : in.exceptions) exceptions_.emplace(e.id, std::move(e));
  for (Practitioner& p : in.practitioners) practitioners_.emplace(p.id, std::move(p));
  for (SiteInfo& si : in.sites) sites_.emplace(si.id, std::move(si));
  ++stats_.full_loads;
  loaded_ = true;
  return Status::OK();
}

Status SlotCache::ApplyChange(const ChangeJournal::Entry& e) {
  ReplicaStore* st = r_->store();
  ++stats_.records_reread;
  switch (e.collection) {
    case Collection::kAppointment: {
      RELAIS_ASSIGN_OR_RETURN(std::optional<std::string> state,
                              st->GetState(e.collection, e.id));
      for (auto& [k, c] : chunks_)
        if (c->appts.erase(e.id)) c->index.reset();
      if (!state) return Status::OK();
      RELAIS_ASSIGN_OR_RETURN(Appointment a, SlotAppointmentFromState(*state));
      if (a.deleted) return Status::OK();
      for (auto& [k, c] : chunks_) {
        if (!c->Holds(a)) continue;
        c->appts[a.id] = a;
        c->index.reset();
      }
      return Status::OK();
    }
    case Collection::kPresence: {
      RELAIS_ASSIGN_OR_RETURN(std::optional<Record> rec, st->Get(e.collection, e.id));
      for (auto& [k, c] : chunks_)
        if (c->presence.erase(e.id)) c->index.reset();
      if (!rec) return Status::OK();
      const Presence p = PresenceFromView(*rec, View(*rec));
      if (p.deleted) return Status::OK();
      for (auto& [k, c] : chunks_) {
        if (!c->HoldsDate(p.date)) continue;
        c->presence[p.id] = p;
        c->index.reset();
      }
      return Status::OK();
    }
    case Collection::kSchedule:
    case Collection::kScheduleException:
    case Collection::kPractitioner:
    case Collection::kSite: {
      RELAIS_ASSIGN_OR_RETURN(std::optional<Record> rec, st->Get(e.collection, e.id));
      if (e.collection == Collection::kSchedule)
        Upsert(&schedules_, e.id, rec, ScheduleFromView);
      else if (e.collection == Collection::kScheduleException)
        Upsert(&exceptions_, e.id, rec, ScheduleExceptionFromView);
      else if (e.collection == Collection::kSite)
        Upsert(&sites_, e.id, rec, SiteFromView);
      else
        Upsert(&practitioners_, e.id, rec, PractitionerFromView);
      for (auto& [k, c] : chunks_) c->index.reset();  // rebuilt from memory
      return Status::OK();
    }
    default:
      --stats_.records_reread;  // not read: the search does not use it
      return Status::OK();
  }
}

Result<SlotCache::Chunk*> SlotCache::ChunkFor(int64_t k) {
  auto it = chunks_.find(k);
  Chunk* c = nullptr;
  if (it != chunks_.end()) {
    c = it->second.get();
  } else {
    auto fresh = std::make_unique<Chunk>();
    fresh->first_day = k * kSlotCacheChunkDays;
    domain::SlotQuery days;
    days.after = ParisMidnight(fresh->first_day);
    days.horizon_days = kSlotCacheChunkDays;
    fresh->window = SlotWindowOf(days);
    fresh->day_before = ParisMidnight(fresh->first_day - 1);
    fresh->lo = days.after;
    fresh->hi = ParisMidnight(fresh->first_day + kSlotCacheChunkDays);
    std::vector<Appointment> appts;
    std::vector<Presence> presence;
    ReplicaStore* st = r_->store();
    RELAIS_RETURN_IF_ERROR(LoadSlotAppointments(st, fresh->day_before, fresh->hi, &appts));
    RELAIS_RETURN_IF_ERROR(
        LoadSlotPresence(st, fresh->window.first, fresh->window.last, &presence));
    for (Appointment& a : appts)
      if (fresh->Holds(a)) fresh->appts.emplace(a.id, std::move(a));
    for (Presence& p : presence) fresh->presence.emplace(p.id, std::move(p));
    ++stats_.chunk_loads;
    c = fresh.get();
    chunks_.emplace(k, std::move(fresh));
  }
  c->used = tick_;
  if (!c->index) {
    domain::SlotInputs in;
    in.schedules.reserve(schedules_.size());
    for (const auto& [id, s] : schedules_) in.schedules.push_back(s);
    for (const auto& [id, e] : exceptions_) in.exceptions.push_back(e);
    for (const auto& [id, p] : practitioners_) in.practitioners.push_back(p);
    for (const auto& [id, si] : sites_) in.sites.push_back(si);
    in.appointments.reserve(c->appts.size());
    for (const auto& [id, a] : c->appts) in.appointments.push_back(a);
    for (const auto& [id, p] : c->presence) in.presence.push_back(p);
    const auto t0 = std::chrono::steady_clock::now();
    c->index = std::make_unique<domain::SlotIndex>(std::move(in));
    ++stats_.index_builds;
    stats_.index_build_ms +=
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  }
  return c;
}

void SlotCache::Evict() {
  while (chunks_.size() > static_cast<size_t>(kSlotCacheMaxChunks)) {
    auto oldest = chunks_.end();
    for (auto it = chunks_.begin(); it != chunks_.end(); ++it)
      if (it->second->used != tick_ &&
          (oldest == chunks_.end() || it->second->used < oldest->second->used))
        oldest = it;
    if (oldest == chunks_.end()) return;  // every chunk serves this query
    chunks_.erase(oldest);
  }
}

// One search over [q.after, day of q.after + q.horizon_days), chunk by
// chunk: each chunk answers for its days with the count still missing, so
// the slots are the first q.count in order and to_move covers every day.
Status SlotCache::SearchWindow(const domain::SlotQuery& q, domain::SlotSearch* out) {
  const int64_t day0 = DaysFromCivil(ParisDate(q.after));
  const int64_t end = day0 + q.horizon_days;
  for (int64_t k = FloorDiv(day0, kSlotCacheChunkDays); k * kSlotCacheChunkDays < end; ++k) {
    const int64_t first = std::max(day0, k * kSlotCacheChunkDays);
    domain::SlotQuery sub = q;
    sub.after = std::max(q.after, ParisMidnight(first));
    if (sub.after > kMaxTimestamp) break;
    sub.horizon_days = static_cast<int>(std::min(end, (k + 1) * kSlotCacheChunkDays) - first);
    const int missing = q.count - static_cast<int>(out->slots.size());
    sub.count = std::max(missing, 1);  // 0 missing: only to_move is wanted
    RELAIS_ASSIGN_OR_RETURN(Chunk * c, ChunkFor(k));
    RELAIS_ASSIGN_OR_RETURN(domain::SlotSearch part, c->index->Find(sub));
    for (domain::Slot& s : part.slots)
      if (static_cast<int>(out->slots.size()) < q.count) out->slots.push_back(std::move(s));
    for (domain::SlotToMove& m : part.to_move) out->to_move.push_back(std::move(m));
  }
  Evict();
  return Status::OK();
}

Result<domain::SlotSearch> SlotCache::Find(const domain::SlotQuery& q) {
  const std::string err = domain::ValidateSlotQuery(q);
  if (!err.empty()) return Status::InvalidArgument(err);
  ++tick_;
  // data_version before the snapshot: a commit by another connection after
  // this read makes the next Find reload (never a missed change).
  RELAIS_ASSIGN_OR_RETURN(int64_t version, journal_->DataVersion());
  bool overflow = false;
  auto changes = journal_->Take(kSlotCacheMaxJournal, &overflow);
  if (!changes.ok()) {
    loaded_ = false;  // entries may be lost: start again
    return changes.status();
  }
  auto run = [&]() -> Result<domain::SlotSearch> {
    ReadTransaction snapshot(r_->store()->db());
    RELAIS_RETURN_IF_ERROR(snapshot.status());
    if (!loaded_ || overflow || version != data_version_) {
      data_version_ = version;
      RELAIS_RETURN_IF_ERROR(LoadCalendars());
    } else {
      for (const ChangeJournal::Entry& e : *changes) RELAIS_RETURN_IF_ERROR(ApplyChange(e));
    }
    domain::SlotQuery first = q;
    first.horizon_days = std::min(q.horizon_days, kFirstSearchDays);
    domain::SlotSearch found;
    RELAIS_RETURN_IF_ERROR(SearchWindow(first, &found));
    if (static_cast<int>(found.slots.size()) >= q.count || first.horizon_days == q.horizon_days)
      return found;
    domain::SlotSearch all;
    RELAIS_RETURN_IF_ERROR(SearchWindow(q, &all));
    return all;
  };
  Result<domain::SlotSearch> out = run();
  if (!out.ok()) loaded_ = false;
  return out;
}

}  // namespace relais::common
