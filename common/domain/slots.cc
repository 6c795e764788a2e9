#include "common/domain/slots.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>

#include "common/util/time.h"

namespace relais::common::domain {

// Named (not anonymous): SlotIndex::Data, a member of an exported class,
// holds these types.
namespace slots_internal {

constexpr int64_t kMaxApptSeconds = 24 * 3600;  // durations are 1..1440 min
constexpr int kNoonMinutes = 13 * 60;            // am / pm boundary

struct Interval {
  int64_t start = 0, end = 0;
};

struct Plage {
  const Schedule* s = nullptr;
  std::string owner;  // qualified
  int from = 0, to = 0, len = 0;  // local minutes
  bool one_slot = false;          // one slot per (clipped) part of the plage
};

// An exception with its references qualified and its part of each day.
struct DayException {
  const ScheduleException* e = nullptr;
  std::string replacement;  // qualified, "" for a leave
  DayPart part;             // {0, 1440}: whole days
  bool Covers(const std::string& date) const {
    return e->first_day <= date && date <= e->last_day;
  }
  bool WholeDay() const { return part.from == 0 && part.to == 1440; }
  // Touching intervals do not intersect.
  bool Hits(int from, int to) const { return part.from < to && from < part.to; }
};

// The partial-day exceptions of one plage on one day (whole-day ones are
// applied before the slots are cut).
struct DayCuts {
  std::vector<const DayException*> blocked;  // closures, leaves
  std::vector<const DayException*> replaced;  // replacements
};

// Parts of a plage inside the opening hours (at most kMaxHoursIntervals).
struct Windows {
  int n = 0;
  std::pair<int, int> w[kMaxHoursIntervals + 1];
};

// Presence of one practitioner on one date: the records of each half-day
// that matter to the search (absent, or remplace with its qualified name).
struct HalfDays {
  const Presence* half[2] = {nullptr, nullptr};  // am, pm
  std::string replacement[2];
};

using Busy = std::vector<Interval>;

bool IsOccupying(const Appointment& a) { return !a.deleted && a.status != "cancelled"; }

bool IsPrintable(const std::string& s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) >= 0x20 && c != 0x7f; });
}

// Minutes since Paris midnight of the instant `t`.
int LocalMinutes(int64_t t) {
  const int64_t local = t + ParisOffsetSeconds(t);
  return static_cast<int>(((local % 86400) + 86400) % 86400 / 60);
}

bool IsBusy(const Busy* v, int64_t start, int64_t end) {
  if (!v) return false;
  // Candidates start before `end` and after start - the longest duration.
  auto hi = std::lower_bound(v->begin(), v->end(), end,
                             [](const Interval& x, int64_t t) { return x.start < t; });
  for (auto k = hi; k != v->begin();) {
    --k;
    if (k->start <= start - kMaxApptSeconds) break;
    if (k->end > start) return true;
  }
  return false;
}

// A booked appointment that a closure, leave or absence covers.
struct Flagged {
  const Appointment* a = nullptr;
  std::string who;     // qualified practitioner
  const char* reason;  // "fermeture" | "conge" | "absence"
};

// A free slot found, before the first `count` are copied out.
struct Candidate {
  int64_t start;
  const std::string* who;
  const Plage* plage;
  int len;
};

}  // namespace slots_internal

using namespace slots_internal;

struct SlotIndex::Data {
  SlotInputs in;
  std::unordered_map<std::string, std::string> profession;
  std::unordered_map<std::string, std::string> pole;
  // Sites with opening hours; an empty list = unreadable hours = closed.
  std::unordered_map<std::string, std::vector<OpeningInterval>> hours;
  std::unordered_map<std::string, Busy> busy;
  std::unordered_map<std::string, std::vector<DayException>> leave_by_pract;
  std::unordered_map<std::string, std::vector<DayException>> closed_by_site;
  std::unordered_map<std::string, HalfDays> presence;  // "pract|date"
  std::vector<Plage> by_weekday[7];                    // 0 = Monday
  std::vector<Flagged> flagged;                        // by (start, id)

  // Fills `flagged` (REQUIRES: calendars and presence built).
  void FlagBooked() {
    for (const Appointment& a : in.appointments) {
      if (a.deleted || a.status != "booked") continue;
      std::string who = QualifyRef(a.practitioner, a.site_id);
      const std::string date = FormatDate(ParisDate(a.start));
      const int from = LocalMinutes(a.start);
      const int to = from + static_cast<int>(std::clamp<int64_t>(a.duration_min, 1, 1440));
      const HalfDays* pres = PresenceOn(who, date);
      const Presence* half = pres ? pres->half[from < kNoonMinutes ? 0 : 1] : nullptr;
      const char* reason = nullptr;
      if (Hit(closed_by_site, a.site_id, date, from, to, false)) reason = "fermeture";
      else if (Hit(leave_by_pract, who, date, from, to, true)) reason = "conge";
      else if (half && half->state == "absent") reason = "absence";
      if (reason) flagged.push_back({&a, std::move(who), reason});
    }
    std::sort(flagged.begin(), flagged.end(), [](const Flagged& x, const Flagged& y) {
      return std::tie(x.a->start, x.a->id) < std::tie(y.a->start, y.a->id);
    });
  }

  // True if an exception of `key` on `date` intersects [from, to)
  // (leaves only: conge, when `leave_only`).
  static bool Hit(const std::unordered_map<std::string, std::vector<DayException>>& by,
                  const std::string& key, const std::string& date, int from, int to,
                  bool leave_only) {
    auto it = by.find(key);
    if (it == by.end()) return false;
    for (const DayException& e : it->second)
      if (e.Covers(date) && e.Hits(from, to) && (!leave_only || e.e->kind == "conge"))
        return true;
    return false;
  }
  // Applies the exceptions of plage `p` on `date`: false if one removes the
  // whole day; else *worker is the owner or a whole-day replacement and
  // `cuts` holds the partial-day ones.
  bool DayOf(const Plage& p, const std::string& date, const std::string** worker,
             DayCuts* cuts) const {
    *worker = &p.owner;
    if (auto it = closed_by_site.find(p.s->site_id); it != closed_by_site.end())
      for (const DayException& e : it->second) {
        if (!e.Covers(date)) continue;
        if (e.WholeDay()) return false;
        cuts->blocked.push_back(&e);
      }
    if (auto it = leave_by_pract.find(p.owner); it != leave_by_pract.end())
      for (const DayException& e : it->second) {
        if (!e.Covers(date)) continue;
        const bool leave = e.e->kind == "conge" || e.replacement.empty();
        if (e.WholeDay() && leave) return false;
        if (e.WholeDay()) {
          if (*worker == &p.owner) *worker = &e.replacement;
        } else {
          (leave ? cuts->blocked : cuts->replaced).push_back(&e);
        }
      }
    return true;
  }
  // The parts of [p.from, p.to) inside the opening hours of p's site on
  // weekday `wd` (0 = Monday); the whole plage if the site has none.
  Windows OpenWindows(const Plage& p, int wd) const {
    Windows out;
    auto it = hours.find(p.s->site_id);
    if (it == hours.end()) {
      out.w[out.n++] = {p.from, p.to};
      return out;
    }
    for (const OpeningInterval& o : it->second) {
      if (o.weekday != wd + 1) continue;
      const int a = std::max(p.from, o.from), b = std::min(p.to, o.to);
      if (a < b && out.n < kMaxHoursIntervals) out.w[out.n++] = {a, b};
    }
    return out;
  }
  const HalfDays* PresenceOn(const std::string& pract, const std::string& date) const {
    auto it = presence.find(pract + "|" + date);
    return it == presence.end() ? nullptr : &it->second;
  }
  const Busy* BusyOf(const std::string& who) const {
    auto it = busy.find(who);
    return it == busy.end() ? nullptr : &it->second;
  }
  void AddPlage(const Schedule& s) {
    if (s.deleted || s.weekday < 1 || s.weekday > 7 || s.practitioner.empty()) return;
    if (!IsValidDate(s.valid_from) || (!s.valid_to.empty() && !IsValidDate(s.valid_to))) return;
    if (std::find(ScheduleKinds().begin(), ScheduleKinds().end(), s.kind) == ScheduleKinds().end())
      return;
    Plage p{&s, QualifyRef(s.practitioner, s.site_id), ParseClockMinutes(s.start_time, false),
            ParseClockMinutes(s.end_time, true), 0};
    if (p.from < 0 || p.to <= p.from) return;
    if (s.kind == "programmee" && s.slot_min == 0) return;
    p.one_slot = s.kind == "sans_rdv" || s.slot_min == 0;
    p.len = p.one_slot ? p.to - p.from : s.slot_min;
    if (p.len > p.to - p.from) return;
    by_weekday[s.weekday - 1].push_back(std::move(p));
  }
};

namespace {

class Searcher {
 public:
  Searcher(const SlotIndex::Data& d, const SlotQuery& q) : d_(d), q_(q) {}

  std::vector<Slot> Run() {
    std::vector<Slot> out;
    std::set<std::pair<std::string, int64_t>> offered;
    const int64_t first_day = DaysFromCivil(ParisDate(q_.after));
    std::vector<Candidate> found;
    for (int i = 0; i < q_.horizon_days && static_cast<int>(out.size()) < q_.count; ++i) {
      found.clear();
      SearchDay(CivilFromDays(first_day + i), &found);
      std::sort(found.begin(), found.end(), [](const Candidate& a, const Candidate& b) {
        return std::tie(a.start, *a.who, a.plage->s->site_id, a.plage->s->id) <
               std::tie(b.start, *b.who, b.plage->s->site_id, b.plage->s->id);
      });
      for (const Candidate& c : found) {
        if (static_cast<int>(out.size()) >= q_.count) break;
        if (!offered.insert({*c.who, c.start}).second) continue;
        const Schedule& s = *c.plage->s;
        out.push_back(Slot{*c.who, s.site_id, s.kind, s.id,
                           *c.who == c.plage->owner ? "" : c.plage->owner, c.start, c.len});
      }
    }
    return out;
  }

  // The index's flagged appointments in [after, end of horizon) that the
  // query's filters keep.
  std::vector<SlotToMove> ToMove() const {
    const int64_t end = ParisLocalToUtc(
        CivilFromDays(DaysFromCivil(ParisDate(q_.after)) + q_.horizon_days), 0, 0);
    std::vector<SlotToMove> out;
    auto it = std::lower_bound(d_.flagged.begin(), d_.flagged.end(), q_.after,
                               [](const Flagged& f, int64_t t) { return f.a->start < t; });
    for (; it != d_.flagged.end() && it->a->start < end; ++it)
      if (SiteWanted(it->a->site_id) && PractitionerWanted(it->who))
        out.push_back({*it->a, it->reason});
    return out;
  }

 private:
  bool SiteWanted(const std::string& site) const {
    return q_.sites.empty() ||
           std::find(q_.sites.begin(), q_.sites.end(), site) != q_.sites.end();
  }
  bool PractitionerWanted(const std::string& who) const {
    if (!q_.practitioner.empty() && who != q_.practitioner) return false;
    if (!q_.pole.empty()) {
      auto it = d_.pole.find(who);
      if (it == d_.pole.end() || it->second != q_.pole) return false;
    }
    if (q_.profession.empty()) return true;
    auto it = d_.profession.find(who);
    return it != d_.profession.end() && it->second == q_.profession;
  }
  bool KindWanted(const std::string& kind) const {
    return q_.kind.empty() ? kind != "sans_rdv" : kind == q_.kind;
  }

  void SearchDay(const CivilDate& day, std::vector<Candidate>* found) const {
    const std::string date = FormatDate(day);
    const int wd = Weekday(day);
    for (const Plage& p : d_.by_weekday[wd]) {
      const Schedule& s = *p.s;
      if (!SiteWanted(s.site_id) || !KindWanted(s.kind)) continue;
      if (date < s.valid_from || (!s.valid_to.empty() && s.valid_to < date)) continue;
      const std::string* worker = nullptr;
      DayCuts cuts;
      if (!d_.DayOf(p, date, &worker, &cuts)) continue;
      const Windows open = d_.OpenWindows(p, wd);
      for (int k = 0; k < open.n; ++k)
        SearchPart(day, p, open.w[k].first, open.w[k].second, worker, cuts, found);
    }
  }

  // The free slots of plage `p` in [from, to) (a part inside the opening
  // hours) worked by `worker` unless `cuts` say otherwise.
  void SearchPart(const CivilDate& day, const Plage& p, int from, int to,
                  const std::string* worker, const DayCuts& cuts,
                  std::vector<Candidate>* found) const {
    const HalfDays* pres = d_.PresenceOn(p.owner, FormatDate(day));
    const Busy* owner_busy = d_.BusyOf(p.owner);
    const std::string* last_who = nullptr;
    bool wanted = false;
    const Busy* who_busy = nullptr;
    const int len = p.one_slot ? to - from : p.len;
    for (int m = from; m + len <= to; m += len) {
      if (Blocked(cuts, m, m + len)) continue;
      const std::string* who = worker;
      if (!cuts.replaced.empty() && !ReplacedBy(cuts, m, m + len, &who)) continue;
      if (pres && who == &p.owner) {
        const int h = m < kNoonMinutes ? 0 : 1;
        if (const Presence* pr = pres->half[h]) {
          if (pr->state == "absent" || pres->replacement[h].empty()) continue;
          who = &pres->replacement[h];
        }
      }
      if (who != last_who) {  // filters and busy list once per worker
        last_who = who;
        wanted = PractitionerWanted(*who);
        who_busy = who == &p.owner ? owner_busy : d_.BusyOf(*who);
      }
      if (!wanted) continue;
      const int64_t t = ParisLocalToUtc(day, m / 60, m % 60);
      if (t < q_.after || LocalMinutes(t) != m) continue;  // spring gap
      const int64_t t_end = t + int64_t{len} * 60;
      if (p.s->kind != "sans_rdv" &&
          (IsBusy(who_busy, t, t_end) || (who_busy != owner_busy && IsBusy(owner_busy, t, t_end))))
        continue;
      found->push_back(Candidate{t, who, &p, len});
    }
  }

  static bool Blocked(const DayCuts& cuts, int from, int to) {
    for (const DayException* e : cuts.blocked)
      if (e->Hits(from, to)) return true;
    return false;
  }

  // A partial-day replacement intersecting [from, to): false if one only
  // partly covers it (nobody clearly works that slot), else *who becomes
  // the replacement of the one that covers it.
  static bool ReplacedBy(const DayCuts& cuts, int from, int to, const std::string** who) {
    for (const DayException* e : cuts.replaced) {
      if (!e->Hits(from, to)) continue;
      if (e->part.from > from || e->part.to < to) return false;
      *who = &e->replacement;
    }
    return true;
  }

  const SlotIndex::Data& d_;
  const SlotQuery& q_;
};

}  // namespace

std::string QualifyRef(const std::string& ref, const std::string& site) {
  if (ref.empty() || ref.find('@') != std::string::npos) return ref;
  return ref + "@" + site;
}

std::string ValidateSlotQuery(const SlotQuery& q) {
  if (q.count < 1 || q.count > kMaxSlotCount)
    return "nombre de créneaux hors limites (1 à " + std::to_string(kMaxSlotCount) + ")";
  if (q.horizon_days < 1 || q.horizon_days > kMaxHorizonDays)
    return "horizon hors limites (1 à " + std::to_string(kMaxHorizonDays) + " jours)";
  if (q.after < 0 || q.after > kMaxTimestamp) return "date de début hors limites";
  if (!q.kind.empty() &&
      std::find(ScheduleKinds().begin(), ScheduleKinds().end(), q.kind) == ScheduleKinds().end())
    return "type de plage inconnu " + QuoteForMessage(q.kind) +
           " (programmee, sans_rdv, visite_domicile, teleconsultation, ehpad)";
  for (const std::string& s : q.sites)
    if (!IsValidSiteId(s)) return "site invalide " + QuoteForMessage(s);
  if (!q.practitioner.empty() && !IsValidPractitionerRef(q.practitioner))
    return "praticien invalide " + QuoteForMessage(q.practitioner);
  if (q.profession.size() > 64 || !IsPrintable(q.profession))
    return "profession invalide " + QuoteForMessage(q.profession);
  if (!q.pole.empty() && !IsValidSiteId(q.pole))
    return "pôle invalide " + QuoteForMessage(q.pole);
  return "";
}

SlotIndex::SlotIndex(SlotInputs in) : d_(std::make_unique<Data>()) {
  Data& d = *d_;
  d.in = std::move(in);
  for (const Practitioner& p : d.in.practitioners) {
    if (p.deleted) continue;
    d.profession[QualifyRef(p.id, p.site_id)] = p.profession;
    if (!p.pole.empty()) d.pole[QualifyRef(p.id, p.site_id)] = p.pole;
  }
  // Only a site's own record (id = its site) says when it is open: a
  // record of S2 stored at S1 cannot close or open S2.
  for (const SiteInfo& s : d.in.sites) {
    if (s.deleted || s.hours.empty() || s.id != s.site_id) continue;
    std::vector<OpeningInterval> v;
    (void)ParseOpeningHours(s.hours, &v);  // unreadable: empty = closed
    d.hours[s.id] = std::move(v);
  }
  for (const Appointment& a : d.in.appointments) {
    if (!IsOccupying(a)) continue;
    const int64_t dur = std::clamp<int64_t>(a.duration_min, 1, 1440) * 60;
    d.busy[QualifyRef(a.practitioner, a.site_id)].push_back({a.start, a.start + dur});
  }
  for (auto& [who, v] : d.busy)
    std::sort(v.begin(), v.end(), [](const Interval& x, const Interval& y) {
      return x.start < y.start;
    });
  for (const ScheduleException& e : d.in.exceptions) {
    if (e.deleted || !IsValidDate(e.first_day) || !IsValidDate(e.last_day)) continue;
    const DayPart part = ExceptionDayPart(e);
    if (e.kind == "fermeture") {
      d.closed_by_site[e.site_id].push_back({&e, "", part});
    } else if ((e.kind == "conge" || e.kind == "remplacement") && !e.practitioner.empty()) {
      d.leave_by_pract[QualifyRef(e.practitioner, e.site_id)].push_back(
          {&e, e.kind == "remplacement" ? QualifyRef(e.replacement, e.site_id) : "", part});
    }
  }
  for (const Presence& p : d.in.presence) {
    if (p.deleted || (p.state != "absent" && p.state != "remplace")) continue;
    if (p.half != "am" && p.half != "pm") continue;
    HalfDays& h = d.presence[QualifyRef(p.practitioner, p.site_id) + "|" + p.date];
    const int k = p.half == "am" ? 0 : 1;
    h.half[k] = &p;
    h.replacement[k] = p.state == "remplace" ? QualifyRef(p.replacement, p.site_id) : "";
  }
  for (const Schedule& s : d.in.schedules) d.AddPlage(s);
  d.FlagBooked();
}

SlotIndex::~SlotIndex() = default;

Result<SlotSearch> SlotIndex::Find(const SlotQuery& q) const {
  const std::string err = ValidateSlotQuery(q);
  if (!err.empty()) return Status::InvalidArgument(err);
  Searcher searcher(*d_, q);
  SlotSearch out;
  out.slots = searcher.Run();
  out.to_move = searcher.ToMove();
  return out;
}

Result<SlotSearch> FindFreeSlots(const SlotInputs& in, const SlotQuery& q) {
  const std::string err = ValidateSlotQuery(q);
  if (!err.empty()) return Status::InvalidArgument(err);
  return SlotIndex(in).Find(q);
}

}  // namespace relais::common::domain
