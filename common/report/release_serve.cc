// Answering a funder request from releases (see release_serve.h).
#include "common/report/release_serve.h"

#include <algorithm>
#include <set>

#include "common/report/usage_internal.h"
#include "common/util/time.h"

namespace relais::common::report {

namespace {

const char* kMonthNames[] = {"janvier",   "février", "mars",     "avril",
                             "mai",       "juin",    "juillet",  "août",
                             "septembre", "octobre", "novembre", "décembre"};

struct Month {
  int year = 0, month = 0;
};

// A row to show: a released (unit, period) cell.
struct Piece {
  std::string period, label, first, last;
  int year = 0;
};

std::string Date(int y, int m, int d) { return FormatDate({y, m, d}); }

Piece MonthPiece(const Month& m) {
  return {MonthKey(m.year, m.month),
          std::string(kMonthNames[m.month - 1]) + " " + std::to_string(m.year),
          Date(m.year, m.month, 1),
          Date(m.year, m.month, DaysInMonth(m.year, m.month)), m.year};
}

Piece QuarterPiece(int y, int q) {
  return {QuarterKey(y, q),
          (q == 1 ? std::string("1er") : std::to_string(q) + "e") +
              " trimestre " + std::to_string(y),
          Date(y, 3 * q - 2, 1), Date(y, 3 * q, DaysInMonth(y, 3 * q)), y};
}

Status CheckMonths(const ReleaseQuery& q, std::vector<Month>* months) {
  int fy = 0, fm = 0, ty = 0, tm = 0;
  RELAIS_RETURN_IF_ERROR(ParseMonth(q.from, &fy, &fm).WithContext("from"));
  RELAIS_RETURN_IF_ERROR(ParseMonth(q.to, &ty, &tm).WithContext("to"));
  const int n = (ty - fy) * 12 + (tm - fm) + 1;
  if (n < 1) return Status::InvalidArgument("période vide: from est après to");
  if (fy < kFirstReleaseYear || ty > kLastReleaseYear)
    return Status::InvalidArgument("années publiées : de " +
                                   std::to_string(kFirstReleaseYear) + " à " +
                                   std::to_string(kLastReleaseYear));
  if (n > kMaxMonths)
    return Status::InvalidArgument("période trop longue (" + std::to_string(n) +
                                   " mois, maximum " +
                                   std::to_string(kMaxMonths) + ")");
  if (q.granularity == Granularity::kWeek)
    return Status::InvalidArgument(
        "les semaines ne sont plus publiées (comparées aux mois, elles "
        "permettraient de retrouver des cases masquées) : demandez "
        "granularity=month, quarter ou auto");
  if (q.sites.empty()) return Status::InvalidArgument("aucun site demandé");
  std::set<std::string> uniq(q.sites.begin(), q.sites.end());
  if (uniq.size() != q.sites.size() || uniq.count("") || uniq.count(kOrgUnit))
    return Status::InvalidArgument("liste de sites invalide");
  for (int i = 0; i < n; ++i)
    months->push_back({fy + (fm - 1 + i) / 12, (fm - 1 + i) % 12 + 1});
  return Status::OK();
}

// Erases what a masked cell must not show.
Cell Shown(const Cell& c) {
  Cell out;
  out.mask = c.mask;
  if (c.mask == Mask::kNone) out.value = c.value;
  return out;
}

Row MakeRow(const std::vector<Column>& cols, const ReleasedRow* rel,
            const std::string& key, const std::string& label,
            const std::string& first, const std::string& last, bool total) {
  Row row{key, label, first, last, total, {}};
  for (const Column& c : cols) {
    Cell cell;
    if (rel) {
      auto it = rel->cells.find(c.key);
      if (it != rel->cells.end()) cell = Shown(it->second);
    }
    row.cells.push_back(cell);
  }
  return row;
}

// Total of `rows`: additive columns add up where every row is shown (masked
// otherwise); other columns are "—".
Row SumRow(const std::vector<Column>& cols, const std::vector<Row>& rows,
           const std::string& first, const std::string& last) {
  Row out{"total", "Total", first, last, true, {}};
  for (size_t c = 0; c < cols.size(); ++c) {
    Cell cell;
    if (cols[c].additive) {
      double sum = 0;
      bool any = false, masked = false;
      for (const Row& r : rows) {
        if (r.cells[c].mask != Mask::kNone) masked = true;
        if (r.cells[c].value) sum += *r.cells[c].value, any = true;
      }
      if (masked)
        cell.mask = Mask::kSecondary;
      else if (any)
        cell.value = sum;
    }
    out.cells.push_back(cell);
  }
  return out;
}

bool SmallMonths(const std::map<int, YearRelease>& rel, const std::string& unit,
                 const std::vector<Month>& months) {
  for (const Month& m : months) {
    const ReleasedRow* r = rel.at(m.year).Find(unit, MonthKey(m.year, m.month));
    if (!r) continue;
    for (const char* k : {"rdv_total", "honores"}) {
      auto it = r->cells.find(k);
      if (it != r->cells.end() && it->second.mask == Mask::kPrimary)
        return true;
    }
  }
  return false;
}

// The pieces of `unit`'s table: months, whole quarters, or (auto) quarters
// where whole and months at the edges.
std::vector<Piece> Pieces(const std::vector<Month>& months, bool quarters) {
  std::vector<Piece> out;
  for (size_t i = 0; i < months.size();) {
    const Month& m = months[i];
    if (quarters && (m.month - 1) % 3 == 0 && i + 2 < months.size()) {
      out.push_back(QuarterPiece(m.year, (m.month - 1) / 3 + 1));
      i += 3;
    } else {
      out.push_back(MonthPiece(m));
      ++i;
    }
  }
  return out;
}

// The released period equal to the whole range, or "".
std::string WholePeriod(const std::vector<Month>& months) {
  const Month& a = months.front();
  const Month& b = months.back();
  if (a.year != b.year || a.month % 3 != 1) return "";
  if (months.size() == 12) return YearKey(a.year);
  if (months.size() == 3) return QuarterKey(a.year, (a.month - 1) / 3 + 1);
  return "";
}

// Consultations by commune of residence of `unit` over the whole quarters
// of `months` (the only periods published by commune): one row per
// quarter, one column per commune with a consultation in one of them (a
// commune absent from the table counted none). No total row
// (a total over quarters would be a year, which is not published by
// commune). Empty rows if the range holds no whole quarter.
Table CommuneTable(const std::map<int, YearRelease>& rel,
                   const std::vector<Month>& months, const std::string& unit) {
  const bool org = unit == kOrgUnit;
  Table t{std::string(kCommuneTablePrefix) + unit,
          std::string("Consultations par commune de résidence — ") +
              (org ? "organisation" : "site " + unit),
          unit, 0, {}, {}};
  std::vector<std::pair<Piece, const ReleasedRow*>> pieces;
  for (const Piece& p : Pieces(months, true)) {
    if (p.period.size() < 6 || p.period[5] != 'T') continue;
    const YearRelease& r = rel.at(p.year);
    const ReleasedRow* row = r.Find(unit, p.period);
    if (!row) continue;
    pieces.push_back({p, row});
    for (const Column& c : r.columns)
      if (c.group == kCommuneGroup && row->cells.count(c.key) &&
          row->cells.at(c.key).value.value_or(0) != 0 &&
          std::none_of(t.columns.begin(), t.columns.end(),
                       [&](const Column& k) { return k.key == c.key; }))
        t.columns.push_back(c);
  }
  if (t.columns.empty()) return t;
  std::sort(t.columns.begin(), t.columns.end(),
            [](const Column& a, const Column& b) { return a.key < b.key; });
  for (const auto& [p, row] : pieces)
    t.rows.push_back(
        MakeRow(t.columns, row, p.period, p.label, p.first, p.last, false));
  return t;
}

}  // namespace

Result<std::vector<int>> ReleaseYears(const ReleaseQuery& q) {
  std::vector<Month> months;
  RELAIS_RETURN_IF_ERROR(CheckMonths(q, &months));
  std::vector<int> years;
  for (const Month& m : months)
    if (years.empty() || years.back() != m.year) years.push_back(m.year);
  return years;
}

Result<Report> ServeRelease(const std::map<int, YearRelease>& rel,
                            const ReleaseQuery& q) {
  std::vector<Month> months;
  RELAIS_RETURN_IF_ERROR(CheckMonths(q, &months));
  for (const Month& m : months) {
    auto it = rel.find(m.year);
    if (it != rel.end() && it->second.months_released >= m.month) continue;
    std::string last = "aucun";
    for (const auto& [y, r] : rel)
      if (r.months_released > 0) last = MonthKey(y, r.months_released);
    return Status::InvalidArgument(
        "le mois " + MonthKey(m.year, m.month) +
        " n'est pas encore publié (un mois est publié une fois terminé, puis "
        "ne change plus) : dernier mois publié " +
        last);
  }
  const bool quarters = q.granularity == Granularity::kQuarter;
  if (quarters &&
      (months.front().month % 3 != 1 || months.back().month % 3 != 0))
    return Status::InvalidArgument(
        "par trimestre, seuls des trimestres entiers sont publiés : demandez "
        "from=" +
        MonthKey(months.front().year, (months.front().month - 1) / 3 * 3 + 1) +
        "&to=" +
        MonthKey(months.back().year, (months.back().month + 2) / 3 * 3));
  std::vector<Column> cols;
  for (const auto& [y, r] : rel)
    for (const Column& c : r.columns)
      if (c.group != kCommuneGroup &&
          std::none_of(cols.begin(), cols.end(),
                       [&](const Column& k) { return k.key == c.key; }))
        cols.push_back(c);
  const std::string whole = WholePeriod(months);
  const std::string first = Date(months.front().year, months.front().month, 1);
  const std::string last =
      Date(months.back().year, months.back().month,
           DaysInMonth(months.back().year, months.back().month));
  // A unit's rows and its total row.
  auto unit_rows = [&](const std::string& unit, bool by_quarter, Row* total) {
    std::vector<Row> rows;
    for (const Piece& p : Pieces(months, by_quarter))
      rows.push_back(MakeRow(cols, rel.at(p.year).Find(unit, p.period),
                             p.period, p.label, p.first, p.last, false));
    *total = whole.empty()
                 ? SumRow(cols, rows, first, last)
                 : MakeRow(cols, rel.at(months.front().year).Find(unit, whole),
                           "total", "Total", first, last, true);
    return rows;
  };
  Report rep = internal::ReportHeader(q);
  Table synth{"synthese", "Synthèse de tous les sites", "", 0, cols, {}};
  std::vector<Row> site_totals;
  for (const std::string& s : q.sites) {
    const bool small =
        q.granularity == Granularity::kAuto && SmallMonths(rel, s, months);
    Table t{"site:" + s, "Site " + s, s, 0, cols, {}};
    if (auto it = q.last_write_ms.find(s); it != q.last_write_ms.end())
      t.last_write_ms = std::min(it->second, q.now_s * 1000);
    if (small)
      t.title +=
          " (par trimestre : activité mensuelle trop faible pour être publiée)";
    Row total;
    t.rows = unit_rows(s, quarters || small, &total);
    t.rows.push_back(total);
    Row in_synth = total;
    in_synth.key = s;
    in_synth.label = "Site " + s;
    in_synth.is_total = false;
    synth.rows.push_back(in_synth);
    site_totals.push_back(total);
    rep.tables.push_back(std::move(t));
  }
  // The organisation's own cells only when every one of its sites is asked.
  bool whole_org = true;
  for (const Month& m : months)
    for (const std::string& s :
         rel.at(m.year).SitesAt(MonthKey(m.year, m.month)))
      if (std::find(q.sites.begin(), q.sites.end(), s) == q.sites.end())
        whole_org = false;
  Row org;
  if (whole_org)
    unit_rows(kOrgUnit, false, &org);
  else
    org = SumRow(cols, site_totals, first, last);
  synth.rows.push_back(org);
  rep.tables.push_back(std::move(synth));
  std::vector<std::string> units = q.sites;
  if (whole_org) units.push_back(kOrgUnit);
  for (const std::string& u : units)
    if (auto t = CommuneTable(rel, months, u); !t.rows.empty())
      rep.tables.push_back(std::move(t));
  rep.suppressed = true;
  return rep;
}

}  // namespace relais::common::report
