// Building a year's release from facts (see release.h). The joint
// suppression itself is in release_suppress.cc.
#include "common/report/release.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "common/report/usage.h"
#include "common/util/time.h"

namespace relais::common::report {

namespace {

std::string Two(int v) { return (v < 10 ? "0" : "") + std::to_string(v); }

// `facts` plus the organisation as one more unit: the union of every site's
// facts. Contributors are site-qualified so that two sites' practitioner ids
// never merge into one person.
FactSet WithOrganisation(const FactSet& facts) {
  FactSet all = facts;
  SiteFacts& org = all[kOrgUnit];
  for (const auto& [site, f] : facts) {
    org.appointments.insert(org.appointments.end(), f.appointments.begin(),
                            f.appointments.end());
    for (PresenceFact p : f.presence) {
      p.contributor = site + "/" + p.contributor;
      org.presence.push_back(std::move(p));
    }
    org.ledger.insert(org.ledger.end(), f.ledger.begin(), f.ledger.end());
    org.tickets.insert(org.tickets.end(), f.tickets.begin(), f.tickets.end());
    org.first_visits.insert(org.first_visits.end(), f.first_visits.begin(),
                            f.first_visits.end());
    org.last_write_ms = std::max(org.last_write_ms, f.last_write_ms);
  }
  return all;
}

// Report over months [m0, m1] of `year` for every unit of `all`.
Result<Report> Build(const FactSet& all, int year, int m0, int m1,
                     Granularity g, int64_t now_s) {
  UsageQuery q;
  q.from = MonthKey(year, m0);
  q.to = MonthKey(year, m1);
  q.granularity = g;
  q.now_s = now_s;
  for (const auto& [unit, f] : all) q.sites.push_back(unit);
  return BuildUsageReport(all, q);
}

ReleasedRow ToRow(const std::string& unit, const std::string& period,
                  const Table& t, const Row& row) {
  ReleasedRow out{unit, period, {}};
  for (size_t c = 0; c < t.columns.size() && c < row.cells.size(); ++c)
    out.cells[t.columns[c].key] = row.cells[c];
  return out;
}

// Additive columns of a parent row := sum of its children's released (true)
// values, so that parents stay consistent with frozen children.
void SumChildren(const YearRelease& r, const std::vector<std::string>& kids,
                 ReleasedRow* parent) {
  for (const Column& col : r.columns) {
    if (!col.additive) continue;
    auto it = parent->cells.find(col.key);
    if (it == parent->cells.end() || !it->second.value) continue;
    double sum = 0;
    for (const std::string& k : kids) {
      const ReleasedRow* child = r.Find(parent->unit, k);
      if (!child) continue;
      auto c = child->cells.find(col.key);
      if (c != child->cells.end() && c->second.value) sum += *c->second.value;
    }
    it->second.value = sum;
  }
}

// Merges `add` into `cols`, keeping display order (a new column goes after
// the last known column that precedes it in `add`).
void MergeColumns(const std::vector<Column>& add, std::vector<Column>* cols) {
  size_t at = 0;
  for (const Column& c : add) {
    auto it = std::find_if(cols->begin(), cols->end(),
                           [&](const Column& k) { return k.key == c.key; });
    if (it != cols->end()) {
      at = static_cast<size_t>(it - cols->begin()) + 1;
      continue;
    }
    cols->insert(cols->begin() + static_cast<std::ptrdiff_t>(at), c);
    ++at;
  }
}

// The organisation's cost per consultation (domain notes §4.2): shared
// costs / consultations done, cents; masked like a median over 1..10
// consultations and with `honores` (release_suppress.cc).
void AddCostPerConsultation(ReleasedRow* org) {
  Cell c;
  const double done = org->cells["honores"].value.value_or(0);
  c.basis.denominator = static_cast<int64_t>(done);
  if (done > 0)
    c.value = std::round(org->cells["charges_total"].value.value_or(0) / done);
  org->cells["cout_par_consultation"] = c;
}

// The commune column of `insee` ("" = not recorded), added to `cols` if
// new; past kMaxCommuneColumns, new communes share "commune_autres".
std::string CommuneColumn(const std::string& insee, std::vector<Column>* cols) {
  std::string key = "commune_nr", label = "Commune non renseignée";
  if (!insee.empty()) {
    key = "commune_";
    for (char c : insee) key += static_cast<char>(std::tolower(c));
    label = "Commune " + insee;
  }
  size_t n = 0;
  for (const Column& c : *cols) {
    if (c.key == key) return key;
    n += c.group == kCommuneGroup;
  }
  if (n >= kMaxCommuneColumns && !insee.empty() && insee != "autres")
    return CommuneColumn("autres", cols);
  if (insee == "autres") label = "Autres communes";
  cols->push_back({key, label, kCommuneGroup, Unit::kCount, Rule::kCount, "",
                   true, "honores"});
  return key;
}

// Consultations (done appointments) of the new months [m0, m1] by unit,
// month and commune of residence, as cells of the month rows; HIDDEN (masked
// secondary): only quarters are published by commune, months and years
// carry the relations the joint suppression keeps true.
void AddCommuneMonths(const FactSet& all, int year, int m0, int m1,
                      YearRelease* out) {
  const int64_t d0 = DaysFromCivil({year, m0, 1});
  const int64_t d1 = DaysFromCivil({year, m1, DaysInMonth(year, m1)});
  for (const auto& [unit, f] : all) {
    std::map<std::pair<int, std::string>, int64_t> n;
    for (const AppointmentFact& a : f.appointments) {
      if (a.status != FactStatus::kDone || a.day < d0 || a.day > d1) continue;
      const int month = CivilFromDays(a.day).month;
      ++n[{month, CommuneColumn(a.commune, &out->columns)}];
    }
    for (const auto& [key, count] : n) {
      auto row = out->rows.find({unit, MonthKey(year, key.first)});
      if (row == out->rows.end()) continue;
      Cell c{static_cast<double>(count), Mask::kSecondary, {}};
      row->second.cells[key.second] = c;
    }
  }
  // Every month row holds every commune column (0 where none came): the
  // relations then hold over whole rows and the joint suppression finds
  // its cubes. Frozen months get the 0 they counted; hidden, never served.
  for (auto& [key, row] : out->rows) {
    if (key.second.size() != 7) continue;  // "YYYY-MM"
    for (const Column& col : out->columns)
      if (col.group == kCommuneGroup && !row.cells.count(col.key))
        row.cells[col.key] = Cell{0.0, Mask::kSecondary, {}};
  }
}

// Commune cells of a parent row (quarter or year) for every commune column
// one of its children has; SumChildren() then gives their values. A year's
// cells are hidden like the months'.
void AddCommuneParents(const YearRelease& r,
                       const std::vector<std::string>& kids, bool hidden,
                       ReleasedRow* parent) {
  for (const Column& col : r.columns) {
    if (col.group != kCommuneGroup) continue;
    for (const std::string& k : kids) {
      const ReleasedRow* child = r.Find(parent->unit, k);
      if (!child || !child->cells.count(col.key)) continue;
      parent->cells[col.key] =
          Cell{0.0, hidden ? Mask::kSecondary : Mask::kNone, {}};
      break;
    }
  }
}

}  // namespace

const ReleasedRow* YearRelease::Find(const std::string& unit,
                                     const std::string& period) const {
  auto it = rows.find({unit, period});
  return it == rows.end() ? nullptr : &it->second;
}

std::vector<std::string> YearRelease::SitesAt(const std::string& period) const {
  std::vector<std::string> out;
  for (const auto& [key, row] : rows)
    if (key.second == period && key.first != kOrgUnit) out.push_back(key.first);
  return out;
}

std::string MonthKey(int year, int month) {
  return std::to_string(year) + "-" + Two(month);
}
std::string QuarterKey(int year, int q) {
  return std::to_string(year) + "-T" + std::to_string(q);
}
std::string YearKey(int year) { return std::to_string(year); }

int ReleasableMonths(int year, int64_t now_s) {
  const int64_t today = DaysFromCivil(ParisDate(now_s));
  int n = 0;
  for (int m = 1; m <= 12; ++m) {
    const int64_t last = DaysFromCivil({year, m, DaysInMonth(year, m)});
    if (today > last + kReleaseLagDays) n = m;
  }
  return n;
}

Result<YearRelease> ExtendRelease(const YearRelease& frozen,
                                  const FactSet& facts, int64_t now_s) {
  const int year = frozen.year;
  const int months = ReleasableMonths(year, now_s);
  const int done = frozen.months_released;
  if (months <= done) return frozen;
  for (const auto& [site, f] : facts)
    if (site.empty() || site == kOrgUnit)
      return Status::InvalidArgument("site invalide dans les faits");
  const FactSet all = WithOrganisation(facts);
  YearRelease out = frozen;
  out.months_released = months;
  std::set<std::pair<std::string, std::string>> frozen_rows;
  for (const auto& [key, row] : frozen.rows) frozen_rows.insert(key);

  // New months (a report over January..months gives every column seen in
  // the year so far; only the new months' rows are taken).
  RELAIS_ASSIGN_OR_RETURN(
      Report rep, Build(all, year, 1, months, Granularity::kMonth, now_s));
  for (const Table& t : rep.tables) {
    if (t.site.empty()) continue;  // the per-response synthesis: unused
    MergeColumns(t.columns, &out.columns);
    for (const Row& row : t.rows) {
      if (row.is_total || row.key <= MonthKey(year, done)) continue;
      out.rows[{t.site, row.key}] = ToRow(t.site, row.key, t, row);
    }
  }
  AddCommuneMonths(all, year, done + 1, months, &out);
  // Quarters completed by the new months: non-additive columns from the
  // facts, additive ones the sum of the released months.
  for (int q = 1; q <= 4; ++q) {
    if (3 * q > months || 3 * q <= done) continue;
    RELAIS_ASSIGN_OR_RETURN(Report qr, Build(all, year, 3 * q - 2, 3 * q,
                                             Granularity::kQuarter, now_s));
    for (const Table& t : qr.tables) {
      if (t.site.empty()) continue;
      ReleasedRow row = ToRow(t.site, QuarterKey(year, q), t, t.rows.front());
      const std::vector<std::string> kids = {MonthKey(year, 3 * q - 2),
                                             MonthKey(year, 3 * q - 1),
                                             MonthKey(year, 3 * q)};
      AddCommuneParents(out, kids, false, &row);
      SumChildren(out, kids, &row);
      out.rows[{t.site, row.period}] = std::move(row);
    }
  }
  if (months == 12 && done < 12) {
    RELAIS_ASSIGN_OR_RETURN(
        Report yr, Build(all, year, 1, 12, Granularity::kQuarter, now_s));
    for (const Table& t : yr.tables) {
      if (t.site.empty()) continue;
      ReleasedRow row = ToRow(t.site, YearKey(year), t, t.rows.back());
      const std::vector<std::string> kids = {
          QuarterKey(year, 1), QuarterKey(year, 2), QuarterKey(year, 3),
          QuarterKey(year, 4)};
      AddCommuneParents(out, kids, true, &row);
      SumChildren(out, kids, &row);
      out.rows[{t.site, row.period}] = std::move(row);
    }
  }
  if (std::none_of(out.columns.begin(), out.columns.end(), [](const Column& c) {
        return c.key == "cout_par_consultation";
      }))
    out.columns.push_back({"cout_par_consultation",
                           "Coût mutualisé par consultation (organisation)",
                           "charges", Unit::kCents, Rule::kMedian, "honores",
                           false, ""});
  for (auto& [key, row] : out.rows)
    if (key.first == kOrgUnit && !frozen_rows.count(key))
      AddCostPerConsultation(&row);
  out.unprotected = SuppressJointly(&out, frozen_rows);
  for (auto& [key, row] : out.rows)
    for (auto& [col, cell] : row.cells) cell.basis = Basis{};
  return out;
}

}  // namespace relais::common::report
