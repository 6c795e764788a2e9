#include "common/domain/slots.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>

#include "common/util/time.h"

namespace relais::common::domain {

namespace {

constexpr int64_t kMaxApptSeconds = 24 * 3600;  // durations are 1..1440 min
constexpr int kNoonMinutes = 13 * 60;            // am / pm boundary

struct Interval {
  int64_t start = 0, end = 0;
};

struct Plage {
  const Schedule* s = nullptr;
  std::string owner;  // qualified
  int from = 0, to = 0, len = 0;  // local minutes
};

// Whole-day exceptions and half-day presence, with qualified references.
struct Calendar {
  std::map<std::string, std::vector<const ScheduleException*>> leave_by_pract;
  std::map<std::string, std::vector<const ScheduleException*>> closed_by_site;
  // practitioner|date|half -> presence record (absent or remplace).
  std::unordered_map<std::string, const Presence*> presence;

  static bool Covers(const ScheduleException* e, const std::string& date) {
    return e->first_day <= date && date <= e->last_day;
  }
  bool Closed(const std::string& site, const std::string& date) const {
    auto it = closed_by_site.find(site);
    if (it == closed_by_site.end()) return false;
    for (const auto* e : it->second)
      if (Covers(e, date)) return true;
    return false;
  }
  // The leave or replacement covering `date` for `pract`, or nullptr.
  const ScheduleException* Leave(const std::string& pract, const std::string& date) const {
    auto it = leave_by_pract.find(pract);
    if (it == leave_by_pract.end()) return nullptr;
    for (const auto* e : it->second)
      if (Covers(e, date)) return e;
    return nullptr;
  }
  const Presence* PresenceAt(const std::string& pract, const std::string& date,
                             int local_min) const {
    auto it = presence.find(pract + "|" + date + "|" + (local_min < kNoonMinutes ? "am" : "pm"));
    return it == presence.end() ? nullptr : it->second;
  }
};

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

class Searcher {
 public:
  Searcher(const SlotInputs& in, const SlotQuery& q) : q_(q) {
    for (const Practitioner& p : in.practitioners)
      if (!p.deleted) profession_[QualifyRef(p.id, p.site_id)] = p.profession;
    for (const Appointment& a : in.appointments) {
      if (!IsOccupying(a)) continue;
      const int64_t d = std::clamp<int64_t>(a.duration_min, 1, 1440) * 60;
      busy_[QualifyRef(a.practitioner, a.site_id)].push_back({a.start, a.start + d});
    }
    for (auto& [p, v] : busy_)
      std::sort(v.begin(), v.end(), [](auto& x, auto& y) { return x.start < y.start; });
    for (const ScheduleException& e : in.exceptions) {
      if (e.deleted || !IsValidDate(e.first_day) || !IsValidDate(e.last_day)) continue;
      if (e.kind == "fermeture") cal_.closed_by_site[e.site_id].push_back(&e);
      else if ((e.kind == "conge" || e.kind == "remplacement") && !e.practitioner.empty())
        cal_.leave_by_pract[QualifyRef(e.practitioner, e.site_id)].push_back(&e);
    }
    for (const Presence& p : in.presence)
      if (!p.deleted && (p.state == "absent" || p.state == "remplace"))
        cal_.presence[QualifyRef(p.practitioner, p.site_id) + "|" + p.date + "|" + p.half] = &p;
    for (const Schedule& s : in.schedules) AddPlage(s);
  }

  SlotSearch Run() {
    SlotSearch out;
    const CivilDate first = ParisDate(q_.after);
    const int64_t first_day = DaysFromCivil(first);
    for (int i = 0; i < q_.horizon_days; ++i) {
      const CivilDate day = CivilFromDays(first_day + i);
      std::vector<Slot> found;
      SearchDay(day, &found);
      std::sort(found.begin(), found.end(), [](const Slot& a, const Slot& b) {
        return std::tie(a.start, a.practitioner, a.site, a.schedule_id) <
               std::tie(b.start, b.practitioner, b.site, b.schedule_id);
      });
      for (Slot& s : found) {
        if (static_cast<int>(out.slots.size()) >= q_.count) break;
        const auto key = std::make_pair(s.practitioner, s.start);
        if (!offered_.insert(key).second) continue;
        out.slots.push_back(std::move(s));
      }
      if (static_cast<int>(out.slots.size()) >= q_.count) break;
    }
    return out;
  }

  // Booked appointments in [after, end of horizon) that a closure, leave or
  // absence covers.
  std::vector<SlotToMove> ToMove(const std::vector<Appointment>& appts) const {
    const int64_t end =
        ParisLocalToUtc(CivilFromDays(DaysFromCivil(ParisDate(q_.after)) + q_.horizon_days), 0, 0);
    std::vector<SlotToMove> out;
    for (const Appointment& a : appts) {
      if (a.deleted || a.status != "booked" || a.start < q_.after || a.start >= end) continue;
      const std::string who = QualifyRef(a.practitioner, a.site_id);
      if (!SiteWanted(a.site_id) || !PractitionerWanted(who)) continue;
      const std::string date = FormatDate(ParisDate(a.start));
      std::string reason;
      const ScheduleException* leave = cal_.Leave(who, date);
      const Presence* pres = cal_.PresenceAt(who, date, LocalMinutes(a.start));
      if (cal_.Closed(a.site_id, date)) reason = "fermeture";
      else if (leave && leave->kind == "conge") reason = "conge";
      else if (pres && pres->state == "absent") reason = "absence";
      if (!reason.empty()) out.push_back({a, reason});
    }
    std::sort(out.begin(), out.end(), [](const SlotToMove& x, const SlotToMove& y) {
      return std::tie(x.appointment.start, x.appointment.id) <
             std::tie(y.appointment.start, y.appointment.id);
    });
    return out;
  }

 private:
  void AddPlage(const Schedule& s) {
    if (s.deleted || s.weekday < 1 || s.weekday > 7 || s.practitioner.empty()) return;
    if (!IsValidDate(s.valid_from) || (!s.valid_to.empty() && !IsValidDate(s.valid_to))) return;
    if (!SiteWanted(s.site_id)) return;
    const bool walk_in = s.kind == "sans_rdv";
    if (q_.kind.empty() ? walk_in : s.kind != q_.kind) return;
    Plage p{&s, QualifyRef(s.practitioner, s.site_id), ParseClockMinutes(s.start_time, false),
            ParseClockMinutes(s.end_time, true), 0};
    if (p.from < 0 || p.to <= p.from) return;
    if (s.kind == "programmee" && s.slot_min == 0) return;
    p.len = (walk_in || s.slot_min == 0) ? p.to - p.from : s.slot_min;
    if (p.len > p.to - p.from) return;
    by_weekday_[s.weekday - 1].push_back(p);
  }

  bool SiteWanted(const std::string& site) const {
    return q_.sites.empty() ||
           std::find(q_.sites.begin(), q_.sites.end(), site) != q_.sites.end();
  }
  bool PractitionerWanted(const std::string& who) const {
    if (!q_.practitioner.empty() && who != q_.practitioner) return false;
    if (q_.profession.empty()) return true;
    auto it = profession_.find(who);
    return it != profession_.end() && it->second == q_.profession;
  }

  bool Busy(const std::string& who, int64_t start, int64_t end) const {
    auto it = busy_.find(who);
    if (it == busy_.end()) return false;
    const auto& v = it->second;
    // Candidates start before `end` and after start - the longest duration.
    auto hi = std::lower_bound(v.begin(), v.end(), end,
                               [](const Interval& x, int64_t t) { return x.start < t; });
    for (auto k = hi; k != v.begin();) {
      --k;
      if (k->start <= start - kMaxApptSeconds) break;
      if (k->end > start) return true;
    }
    return false;
  }

  void SearchDay(const CivilDate& day, std::vector<Slot>* found) const {
    const std::string date = FormatDate(day);
    for (const Plage& p : by_weekday_[Weekday(day)]) {
      const Schedule& s = *p.s;
      if (date < s.valid_from || (!s.valid_to.empty() && s.valid_to < date)) continue;
      if (cal_.Closed(s.site_id, date)) continue;
      std::string worker = p.owner;
      if (const ScheduleException* e = cal_.Leave(p.owner, date)) {
        if (e->kind == "conge" || e->replacement.empty()) continue;
        worker = QualifyRef(e->replacement, e->site_id);
      }
      for (int m = p.from; m + p.len <= p.to; m += p.len) {
        std::string who = worker;
        if (const Presence* pr = cal_.PresenceAt(p.owner, date, m)) {
          if (pr->state == "absent" || pr->replacement.empty()) continue;
          if (who == p.owner) who = QualifyRef(pr->replacement, pr->site_id);
        }
        if (!PractitionerWanted(who)) continue;
        const int64_t t = ParisLocalToUtc(day, m / 60, m % 60);
        if (t < q_.after || LocalMinutes(t) != m) continue;  // spring gap
        const int64_t t_end = t + int64_t{p.len} * 60;
        if (s.kind != "sans_rdv" &&
            (Busy(who, t, t_end) || (who != p.owner && Busy(p.owner, t, t_end))))
          continue;
        found->push_back(Slot{who, s.site_id, s.kind, s.id, who == p.owner ? "" : p.owner,
                              t, p.len});
      }
    }
  }

  const SlotQuery& q_;
  Calendar cal_;
  std::map<std::string, std::string> profession_;
  std::unordered_map<std::string, std::vector<Interval>> busy_;
  std::vector<Plage> by_weekday_[7];  // 0 = Monday
  std::set<std::pair<std::string, int64_t>> offered_;
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
  return "";
}

Result<SlotSearch> FindFreeSlots(const SlotInputs& in, const SlotQuery& q) {
  const std::string err = ValidateSlotQuery(q);
  if (!err.empty()) return Status::InvalidArgument(err);
  Searcher searcher(in, q);
  SlotSearch out = searcher.Run();
  out.to_move = searcher.ToMove(in.appointments);
  return out;
}

}  // namespace relais::common::domain
