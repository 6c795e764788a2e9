#include "common/report/usage.h"

#include <algorithm>
#include <array>
#include <optional>
#include <cmath>
#include <functional>
#include <map>
#include <set>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "common/merge/merge.h"
#include "common/model/schema.h"
#include "common/report/suppression.h"
#include "common/report/usage_internal.h"
#include "common/util/time.h"

namespace relais::common::report {

Result<Granularity> ParseGranularity(const std::string& s) {
  if (s == "month" || s == "mois") return Granularity::kMonth;
  if (s == "week" || s == "semaine") return Granularity::kWeek;
  return Status::InvalidArgument("granularité inconnue: '" + s +
                                 "' (week ou month)");
}

const char* GranularityName(Granularity g) {
  return g == Granularity::kWeek ? "week" : "month";
}

namespace {

struct Period {
  std::string key, label;
  int64_t first = 0, last = 0;  // days since epoch, inclusive
};

const char* kMonthNames[] = {"janvier", "février", "mars",      "avril",
                             "mai",     "juin",    "juillet",   "août",
                             "septembre", "octobre", "novembre", "décembre"};

std::string Two(int v) { return (v < 10 ? "0" : "") + std::to_string(v); }

std::vector<Period> Periods(int64_t d0, int64_t d1, Granularity g) {
  std::vector<Period> out;
  if (g == Granularity::kMonth) {
    for (int64_t d = d0; d <= d1;) {
      const CivilDate c = CivilFromDays(d);
      const int64_t last = d + DaysInMonth(c.year, c.month) - 1;
      out.push_back({std::to_string(c.year) + "-" + Two(c.month),
                     std::string(kMonthNames[c.month - 1]) + " " +
                         std::to_string(c.year),
                     d, last});
      d = last + 1;
    }
    return out;
  }
  int64_t monday = d0 - Weekday(CivilFromDays(d0));
  for (; monday <= d1; monday += 7) {
    // ISO week: the week belongs to the year of its Thursday.
    const CivilDate thu = CivilFromDays(monday + 3);
    const int64_t jan1 = DaysFromCivil({thu.year, 1, 1});
    const int week = static_cast<int>((monday + 3 - jan1) / 7) + 1;
    Period p;
    p.first = std::max(monday, d0);
    p.last = std::min(monday + 6, d1);
    const CivilDate a = CivilFromDays(p.first), b = CivilFromDays(p.last);
    p.key = std::to_string(thu.year) + "-S" + Two(week);
    p.label = "sem. " + Two(week) + " (" + Two(a.day) + "/" + Two(a.month) +
              " → " + Two(b.day) + "/" + Two(b.month) + ")";
    out.push_back(p);
  }
  return out;
}

// Winning values of a record's fields, read in one pass. Fast path: with a
// single sibling per field the value is the sibling's (no map is built);
// any concurrent siblings fall back to merge::View(), which also applies the
// domain policies that harmonise related fields.
class FieldTable {
 public:
  explicit FieldTable(const Record& r) {
    for (const auto& [name, sibs] : r.fields) {
      if (sibs.size() > 1) {
        view_ = View(r);
        n_ = 0;
        for (const auto& [vname, value] : *view_) Add(vname, &value);
        return;
      }
      Add(name, &sibs.front().value);
    }
  }
  // The value of `name`, or "".
  const std::string& Get(std::string_view name) const {
    static const std::string kEmpty;
    for (size_t i = 0; i < n_; ++i)
      if (names_[i] == name) return *values_[i];
    return kEmpty;
  }
  int64_t Int(std::string_view name) const {
    int64_t v = 0;
    return ParseInt64(Get(name), &v) ? v : 0;
  }
  bool deleted() const { return Get(kDeletedField) == "1"; }

 private:
  void Add(const std::string& name, const std::string* value) {
    if (n_ < names_.size()) names_[n_] = name, values_[n_++] = value;
  }
  std::optional<FieldView> view_;
  std::array<std::string_view, 32> names_;
  std::array<const std::string*, 32> values_;
  size_t n_ = 0;
};

// Fast "YYYY-MM-DD" / "YYYY-MM" to days; -1 if malformed.
int64_t DayOf(const std::string& s, bool month_only) {
  if (s.size() != (month_only ? 7u : 10u)) return -1;
  auto num = [&](size_t pos, size_t n) {
    int v = 0;
    for (size_t i = pos; i < pos + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return -1;
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  const int y = num(0, 4), m = num(5, 2), d = month_only ? 1 : num(8, 2);
  if (y < 0 || m < 1 || m > 12 || d < 1 || d > DaysInMonth(y, m)) return -1;
  return DaysFromCivil({y, m, d});
}

using internal::Acc;
using internal::Extract;

// Per-site accumulators: one per period, filled by Scan().
struct SiteAcc {
  std::vector<Acc> periods;
  std::vector<uint8_t> open;  // per day of the range: 1 = am, 2 = pm
};

struct Range {
  int64_t d0 = 0, d1 = 0;
  std::vector<int> period_of;  // day - d0 -> period index
  std::map<int64_t, int> month_period;  // first day of month -> period
};

// Opening span of a day from its half-days present (domain notes §3):
// am 08:00-12:30, pm 13:30-20:00; first arrival to last departure.
double OpenHours(uint8_t halves) {
  if (halves == 3) return 12.0;
  if (halves == 1) return 4.5;
  if (halves == 2) return 6.5;
  return 0;
}

bool PresentState(const std::string& s) {
  return s == "present" || s == "en_visite" || s == "remplace";
}

void ScanAppointment(const FieldTable& f, const Range& g, int64_t now_s,
                     SiteAcc* s) {
  const int64_t start = f.Int(field::kStart);
  const int64_t day = DaysFromCivil(ParisDate(start));
  if (day < g.d0 || day > g.d1) return;
  Acc& a = s->periods[g.period_of[day - g.d0]];
  const std::string& status = f.Get(field::kStatus);
  const std::string& kind = f.Get(field::kKind);
  ++a.total;
  if (status == "done") {
    ++a.done;
    if (kind == "snp") ++a.snp;
    if (kind == "visite_domicile") ++a.visites;
    if (kind == "teleconsultation") ++a.tele;
    const std::string& ref = f.Get(field::kPatientRef);
    if (!ref.empty()) a.patients.insert(ref);
  } else if (status == "no_show") {
    ++a.no_show;
  } else if (status == "cancelled") {
    ++a.cancelled;
    return;
  } else {
    ++a.pending;
  }
  int64_t dur = f.Int(field::kDuration);
  if (dur <= 0) dur = 15;
  if (start + dur * 60 <= now_s) ++a.due;
  const int64_t in = f.Int(field::kCheckinAt);
  if (in <= 0) return;
  ++a.checked_in;
  if (f.Get(field::kCheckinVia) == "kiosk") ++a.kiosk;
  const int64_t seen = f.Int(field::kConsultAt);
  if (seen >= in && ParisDate(seen) == ParisDate(in))
    a.waits.push_back(static_cast<int32_t>((seen - in) / 60));
}

void ScanPresence(const FieldTable& f, const Range& g,
                  const std::unordered_map<std::string, std::string>& prof,
                  const std::string& site, SiteAcc* s) {
  if (!PresentState(f.Get(field::kState))) return;
  const int64_t day = DayOf(f.Get(field::kDate), false);
  if (day < g.d0 || day > g.d1) return;
  const std::string& half = f.Get(field::kHalf);
  const std::string& who = f.Get(field::kPractitioner);
  auto it = prof.find(who);
  // Practitioner ids are site-qualified ("p1@SITE") by replicas; accept an
  // unqualified reference too.
  if (it == prof.end()) it = prof.find(who + "@" + site);
  const std::string profession = it == prof.end() ? "autre" : it->second;
  // A replaced practitioner's half-day is worked by the replacement.
  const std::string& repl = f.Get(field::kReplacement);
  const std::string& contributor =
      f.Get(field::kState) == "remplace" && !repl.empty() ? repl : who;
  s->periods[g.period_of[day - g.d0]].presence[profession][contributor] += 1;
  s->open[day - g.d0] |= half == "am" ? 1 : half == "pm" ? 2 : 0;
}

void ScanLedger(const FieldTable& f, const Range& g, Granularity gran,
                SiteAcc* s, Acc* range_costs) {
  const int64_t day = DayOf(f.Get(field::kMonth), true);
  if (day < g.d0 || day > g.d1) return;
  const int64_t cents = f.Int(field::kAmountCents);
  const std::string& cat = f.Get(field::kCategory);
  // Ledger entries are monthly: weeks show no cost, the total row does.
  if (gran == Granularity::kMonth)
    s->periods[g.month_period.at(day)].cents[cat] += cents;
  else
    range_costs->cents[cat] += cents;
}

Status CheckQuery(const UsageQuery& q, int* fy, int* fm, int* ty, int* tm) {
  RELAIS_RETURN_IF_ERROR(ParseMonth(q.from, fy, fm).WithContext("from"));
  RELAIS_RETURN_IF_ERROR(ParseMonth(q.to, ty, tm).WithContext("to"));
  const int months = (*ty - *fy) * 12 + (*tm - *fm) + 1;
  if (months < 1)
    return Status::InvalidArgument("période vide: from est après to");
  if (months > kMaxMonths)
    return Status::InvalidArgument("période trop longue (" +
                                   std::to_string(months) + " mois, maximum " +
                                   std::to_string(kMaxMonths) + ")");
  if (q.sites.empty()) return Status::InvalidArgument("aucun site demandé");
  std::set<std::string> uniq(q.sites.begin(), q.sites.end());
  if (uniq.size() != q.sites.size() || uniq.count(""))
    return Status::InvalidArgument("liste de sites invalide");
  return Status::OK();
}

Row MakeRow(std::string key, std::string label, int64_t first, int64_t last,
            bool total, const Acc& a, const std::vector<Extract>& ex) {
  Row row{std::move(key), std::move(label), FormatDate(CivilFromDays(first)),
          FormatDate(CivilFromDays(last)), total, {}};
  for (const Extract& e : ex) row.cells.push_back(e(a));
  return row;
}

}  // namespace

Result<Report> BuildUsageReport(const std::vector<Record>& records,
                                const UsageQuery& q) {
  int fy = 0, fm = 0, ty = 0, tm = 0;
  RELAIS_RETURN_IF_ERROR(CheckQuery(q, &fy, &fm, &ty, &tm));
  Range g;
  g.d0 = DaysFromCivil({fy, fm, 1});
  g.d1 = DaysFromCivil({ty, tm, DaysInMonth(ty, tm)});
  const std::vector<Period> periods = Periods(g.d0, g.d1, q.granularity);
  g.period_of.resize(static_cast<size_t>(g.d1 - g.d0 + 1));
  for (size_t i = 0; i < periods.size(); ++i) {
    for (int64_t d = periods[i].first; d <= periods[i].last; ++d)
      g.period_of[d - g.d0] = static_cast<int>(i);
    g.month_period[periods[i].first] = static_cast<int>(i);
  }
  std::unordered_map<std::string, size_t> site_index;
  std::vector<SiteAcc> sites(q.sites.size());
  std::vector<Acc> range_costs(q.sites.size());
  for (size_t i = 0; i < q.sites.size(); ++i) {
    site_index[q.sites[i]] = i;
    sites[i].periods.resize(periods.size());
    sites[i].open.assign(g.period_of.size(), 0);
  }
  // Professions come from practitioner records (only professions leave).
  std::unordered_map<std::string, std::string> profession;
  for (const Record& r : records) {
    if (r.collection != Collection::kPractitioner) continue;
    const FieldTable f(r);
    if (f.deleted()) continue;
    const std::string& p = f.Get(field::kProfession);
    profession[r.id] = p.empty() ? "autre" : p;
  }
  std::set<std::string> categories;
  for (const Record& r : records) {
    auto it = site_index.find(r.site_id);
    if (it == site_index.end()) continue;
    if (r.collection != Collection::kAppointment &&
        r.collection != Collection::kPresence &&
        r.collection != Collection::kLedger)
      continue;
    const FieldTable f(r);
    if (f.deleted()) continue;
    SiteAcc* s = &sites[it->second];
    if (r.collection == Collection::kAppointment) {
      ScanAppointment(f, g, q.now_s, s);
    } else if (r.collection == Collection::kPresence) {
      ScanPresence(f, g, profession, r.site_id, s);
    } else {
      ScanLedger(f, g, q.granularity, s, &range_costs[it->second]);
    }
  }
  std::set<std::string> professions;
  for (size_t i = 0; i < sites.size(); ++i) {
    for (size_t d = 0; d < sites[i].open.size(); ++d) {
      if (!sites[i].open[d]) continue;
      Acc& a = sites[i].periods[g.period_of[d]];
      ++a.open_days;
      a.open_hours += OpenHours(sites[i].open[d]);
    }
    for (const Acc& a : sites[i].periods) {
      for (const auto& [p, m] : a.presence) professions.insert(p);
      for (const auto& [c, v] : a.cents) categories.insert(c);
    }
    for (const auto& [c, v] : range_costs[i].cents) categories.insert(c);
  }
  std::vector<Column> cols;
  std::vector<Extract> ex;
  internal::MakeColumns(professions, categories, &cols, &ex);

  Report rep;
  rep.from = q.from;
  rep.to = q.to;
  rep.granularity = GranularityName(q.granularity);
  rep.generated_at = FormatUtc(q.now_s);
  rep.sites = q.sites;
  Table synth{"synthese", "Synthèse de tous les sites", "", cols, {}};
  Acc grand;
  for (size_t i = 0; i < sites.size(); ++i) {
    Table t{"site:" + q.sites[i], "Site " + q.sites[i], q.sites[i], cols, {}};
    Acc site_total;
    for (size_t p = 0; p < periods.size(); ++p) {
      Acc& a = sites[i].periods[p];
      site_total.Add(a);
      a.costs = q.granularity == Granularity::kMonth;
      t.rows.push_back(MakeRow(periods[p].key, periods[p].label,
                               periods[p].first, periods[p].last, false, a,
                               ex));
    }
    site_total.Add(range_costs[i]);
    t.rows.push_back(
        MakeRow("total", "Total", g.d0, g.d1, true, site_total, ex));
    synth.rows.push_back(MakeRow(q.sites[i], "Site " + q.sites[i], g.d0, g.d1,
                                 false, site_total, ex));
    grand.Add(site_total);
    rep.tables.push_back(std::move(t));
  }
  synth.rows.push_back(MakeRow("total", "Total", g.d0, g.d1, true, grand, ex));
  rep.tables.push_back(std::move(synth));
  return rep;
}

Result<Report> BuildSuppressedUsageReport(const std::vector<Record>& records,
                                          const UsageQuery& q) {
  RELAIS_ASSIGN_OR_RETURN(Report r, BuildUsageReport(records, q));
  ApplySuppression(&r);
  return r;
}

}  // namespace relais::common::report
