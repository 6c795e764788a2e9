#include "common/report/usage.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>

#include "common/report/suppression.h"
#include "common/report/usage_internal.h"
#include "common/util/time.h"

namespace relais::common::report {

Result<Granularity> ParseGranularity(const std::string& s) {
  if (s == "month" || s == "mois") return Granularity::kMonth;
  if (s == "week" || s == "semaine") return Granularity::kWeek;
  if (s == "quarter" || s == "trimestre") return Granularity::kQuarter;
  if (s == "auto") return Granularity::kAuto;
  return Status::InvalidArgument("granularité inconnue: '" + s +
                                 "' (week, month, quarter ou auto)");
}

const char* GranularityName(Granularity g) {
  switch (g) {
    case Granularity::kWeek: return "week";
    case Granularity::kMonth: return "month";
    case Granularity::kQuarter: return "quarter";
    case Granularity::kAuto: return "auto";
  }
  return "month";
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
  if (g == Granularity::kQuarter) {
    // Calendar quarters, clipped to the range.
    for (int64_t d = d0; d <= d1;) {
      const CivilDate c = CivilFromDays(d);
      const int q = (c.month - 1) / 3 + 1;
      const int end_month = q * 3;
      const int64_t end = DaysFromCivil({c.year, end_month,
                                         DaysInMonth(c.year, end_month)});
      const int64_t last = std::min(end, d1);
      const bool whole = c.month == end_month - 2 && c.day == 1 && last == end;
      out.push_back({std::to_string(c.year) + "-T" + std::to_string(q),
                     (q == 1 ? std::string("1er") : std::to_string(q) + "e") +
                         " trimestre " + std::to_string(c.year) +
                         (whole ? "" : " (partiel)"),
                     d, last});
      d = last + 1;
    }
    return out;
  }
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

using internal::Acc;
using internal::Extract;

// Per-site accumulators: one per period, filled by Scan().
struct SiteAcc {
  std::vector<Acc> periods;
  std::vector<uint8_t> open;     // per day of the range: 1 = am, 2 = pm
  std::vector<uint8_t> open_md;  // same, doctors only
};

struct Range {
  int64_t d0 = 0, d1 = 0;
  std::vector<int> period_of;  // day - d0 -> period index
};

// Opening span of a day from its half-days present (domain notes §3):
// am 08:00-12:30, pm 13:30-20:00; first arrival to last departure.
double OpenHours(uint8_t halves) {
  if (halves == 3) return 12.0;
  if (halves == 1) return 4.5;
  if (halves == 2) return 6.5;
  return 0;
}

// ACI opening span (domain notes §3): 30-minute buckets required Mon-Fri
// 08:00-20:00 (24) and Saturday 08:00-12:00 (8); a half-day present covers
// am 08:00-12:30 (9 buckets, 8 of them on Saturday) or pm 13:30-20:00 (13;
// none required on Saturday).
int RequiredBuckets(int weekday) {
  return weekday < 5 ? 24 : weekday == 5 ? 8 : 0;
}
int CoveredBuckets(int weekday, uint8_t halves) {
  if (weekday > 5) return 0;
  if (weekday == 5) return (halves & 1) ? 8 : 0;
  return ((halves & 1) ? 9 : 0) + ((halves & 2) ? 13 : 0);
}

void ScanAppointment(const AppointmentFact& f, const Range& g, int64_t now_s,
                     SiteAcc* s) {
  if (f.day < g.d0 || f.day > g.d1) return;
  Acc& a = s->periods[g.period_of[f.day - g.d0]];
  ++a.total;
  const bool fell_due = f.due_s <= now_s;
  if (fell_due) ++a.slots_due;
  switch (f.status) {
    case FactStatus::kDone:
      ++a.done;
      if (f.kind == FactKind::kSnp) ++a.snp;
      if (f.kind == FactKind::kHomeVisit) ++a.visites;
      if (f.kind == FactKind::kTeleconsultation) ++a.tele;
      if (f.patient != 0) a.patients.push_back(f.patient);
      break;
    case FactStatus::kNoShow:
      ++a.no_show;
      break;
    case FactStatus::kCancelled:
      ++a.cancelled;
      if (f.late_cancel) ++a.late_cancel;
      return;
    case FactStatus::kPending:
      ++a.pending;
      break;
  }
  if (fell_due) ++a.due;
  if (f.checkin == FactCheckin::kNone) return;
  ++a.checked_in;
  if (f.checkin == FactCheckin::kKiosk) ++a.kiosk;
  if (f.wait_min >= 0) a.waits.push_back(f.wait_min);
}

void ScanTicket(const TicketFact& f, const Range& g, SiteAcc* s) {
  if (f.day < g.d0 || f.day > g.d1) return;
  Acc& a = s->periods[g.period_of[f.day - g.d0]];
  ++a.walk_ins;
  if (f.wait_min >= 0) a.walk_in_waits.push_back(f.wait_min);
}

void ScanPresence(const PresenceFact& f, const Range& g, SiteAcc* s) {
  if (f.day < g.d0 || f.day > g.d1) return;
  s->periods[g.period_of[f.day - g.d0]].presence[f.profession][f.contributor] +=
      1;
  s->open[f.day - g.d0] |= f.half;
  if (internal::IsDoctorProfession(f.profession)) s->open_md[f.day - g.d0] |= f.half;
}

void ScanLedger(const LedgerFact& f, const Range& g, Granularity gran,
                SiteAcc* s, Acc* range_costs) {
  if (f.month_day < g.d0 || f.month_day > g.d1) return;
  // Ledger entries are monthly: weeks show no cost, the total row does.
  if (gran != Granularity::kWeek)
    s->periods[g.period_of[f.month_day - g.d0]].cents[f.category] += f.cents;
  else
    range_costs->cents[f.category] += f.cents;
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

// One granularity for every site. REQUIRES: q.granularity != kAuto.
Result<Report> BuildFixed(const FactSet& facts, const UsageQuery& q) {
  Range g;
  RELAIS_RETURN_IF_ERROR(QueryDays(q, &g.d0, &g.d1));
  const std::vector<Period> periods = Periods(g.d0, g.d1, q.granularity);
  g.period_of.resize(static_cast<size_t>(g.d1 - g.d0 + 1));
  for (size_t i = 0; i < periods.size(); ++i) {
    for (int64_t d = periods[i].first; d <= periods[i].last; ++d)
      g.period_of[d - g.d0] = static_cast<int>(i);
  }
  std::vector<SiteAcc> sites(q.sites.size());
  std::vector<Acc> range_costs(q.sites.size());
  std::set<std::string> categories;
  for (size_t i = 0; i < q.sites.size(); ++i) {
    SiteAcc* s = &sites[i];
    s->periods.resize(periods.size());
    s->open.assign(g.period_of.size(), 0);
    s->open_md.assign(g.period_of.size(), 0);
    auto it = facts.find(q.sites[i]);
    if (it == facts.end()) continue;
    for (const AppointmentFact& f : it->second.appointments)
      ScanAppointment(f, g, q.now_s, s);
    for (const PresenceFact& f : it->second.presence) ScanPresence(f, g, s);
    for (const TicketFact& f : it->second.tickets) ScanTicket(f, g, s);
    for (const LedgerFact& f : it->second.ledger)
      ScanLedger(f, g, q.granularity, s, &range_costs[i]);
    for (int32_t day : it->second.first_visits)
      if (day >= g.d0 && day <= g.d1)
        ++s->periods[g.period_of[day - g.d0]].new_patients;
    for (Acc& a : s->periods) a.FinishPatients();
  }
  std::set<std::string> professions;
  for (size_t i = 0; i < sites.size(); ++i) {
    for (size_t d = 0; d < sites[i].open.size(); ++d) {
      Acc& a = sites[i].periods[g.period_of[d]];
      const int wd = Weekday(CivilFromDays(g.d0 + static_cast<int64_t>(d)));
      a.span_required += RequiredBuckets(wd);
      a.span_covered += CoveredBuckets(wd, sites[i].open[d]);
      a.span_covered_md += CoveredBuckets(wd, sites[i].open_md[d]);
      if (!sites[i].open[d]) continue;
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

  Report rep = internal::ReportHeader(q);
  Table synth{"synthese", "Synthèse de tous les sites", "", 0, cols, {}};
  Acc grand;
  for (size_t i = 0; i < sites.size(); ++i) {
    Table t{"site:" + q.sites[i], "Site " + q.sites[i], q.sites[i], 0, cols, {}};
    // Clamped to "now": a stamp from a replica whose clock ran ahead (held
    // from before the hub refused such writes) must not put the site's
    // latest write in the future, where no staleness warning could fire.
    if (auto f = facts.find(q.sites[i]); f != facts.end())
      t.last_write_ms = std::min(f->second.last_write_ms, q.now_s * 1000);
    Acc site_total;
    for (size_t p = 0; p < periods.size(); ++p) {
      Acc& a = sites[i].periods[p];
      site_total.Add(a);
      a.costs = q.granularity != Granularity::kWeek;
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
  // Cost per consultation, organisation level only (domain notes §4.2): the
  // synthesis total row; shared costs / consultations done, in cents,
  // masked like a median when it averages 1..10 consultations.
  synth.columns.push_back({"cout_par_consultation",
                           "Coût mutualisé par consultation", "charges",
                           Unit::kCents, Rule::kMedian, "", false, ""});
  for (Row& row : synth.rows) {
    Cell c;
    if (row.is_total) {
      int64_t cents = 0;
      for (const auto& [cat, v] : grand.cents) cents += v;
      c.basis.denominator = grand.done;
      if (grand.done > 0)
        c.value = std::round(static_cast<double>(cents) / grand.done);
    }
    row.cells.push_back(c);
  }
  rep.tables.push_back(std::move(synth));
  return rep;
}

}  // namespace

Result<Report> BuildUsageReport(const FactSet& facts, const UsageQuery& q) {
  if (q.granularity != Granularity::kAuto) return BuildFixed(facts, q);
  UsageQuery month = q;
  month.granularity = Granularity::kMonth;
  RELAIS_ASSIGN_OR_RETURN(Report rep, BuildFixed(facts, month));
  rep.granularity = GranularityName(Granularity::kAuto);
  std::optional<Report> quarters;
  // Quarters only help if they group months (a one-month range, or one
  // month per quarter, would only relabel the rows).
  int64_t d0 = 0, d1 = 0;
  RELAIS_RETURN_IF_ERROR(QueryDays(q, &d0, &d1));
  const bool coarser = Periods(d0, d1, Granularity::kQuarter).size() <
                       Periods(d0, d1, Granularity::kMonth).size();
  for (Table& t : rep.tables) {
    if (t.site.empty()) continue;  // the synthesis covers the whole range
    bool small = false;
    const int total = t.ColumnIndex("rdv_total");
    const int done = t.ColumnIndex("honores");
    for (const Row& row : t.rows) {
      if (row.is_total) continue;
      for (int c : {total, done}) {
        const double v = c >= 0 ? row.cells[c].value.value_or(0) : 0;
        if (v >= 1 && v <= 10) small = true;
      }
    }
    if (!small || !coarser) continue;
    if (!quarters) {
      UsageQuery quarter = q;
      quarter.granularity = Granularity::kQuarter;
      RELAIS_ASSIGN_OR_RETURN(Report qr, BuildFixed(facts, quarter));
      quarters = std::move(qr);
    }
    for (Table& qt : quarters->tables)
      if (qt.key == t.key) {
        t.rows = std::move(qt.rows);
        t.title += " (par trimestre : activité mensuelle trop faible pour"
                   " être publiée)";
      }
  }
  return rep;
}

Status QueryDays(const UsageQuery& q, int64_t* first_day, int64_t* last_day) {
  int fy = 0, fm = 0, ty = 0, tm = 0;
  RELAIS_RETURN_IF_ERROR(CheckQuery(q, &fy, &fm, &ty, &tm));
  *first_day = DaysFromCivil({fy, fm, 1});
  *last_day = DaysFromCivil({ty, tm, DaysInMonth(ty, tm)});
  return Status::OK();
}

Result<Report> BuildUsageReport(const std::vector<Record>& records,
                                const UsageQuery& q) {
  return BuildUsageReport(FactsFromRecords(records, q.sites), q);
}

Result<Report> BuildSuppressedUsageReport(const FactSet& facts,
                                          const UsageQuery& q) {
  RELAIS_ASSIGN_OR_RETURN(Report r, BuildUsageReport(facts, q));
  ApplySuppression(&r);
  return r;
}

Result<Report> BuildSuppressedUsageReport(const std::vector<Record>& records,
                                          const UsageQuery& q) {
  RELAIS_ASSIGN_OR_RETURN(Report r, BuildUsageReport(records, q));
  ApplySuppression(&r);
  return r;
}

}  // namespace relais::common::report
