// Joint suppression over a year's release (see release.h and
// docs/reporting.md §Publications).
#include <algorithm>
#include <cmath>
#include <map>

#include "common/report/release.h"
#include "common/report/suppression.h"

namespace relais::common::report {

namespace {

using RowKey = std::pair<std::string, std::string>;
using FrozenRows = std::set<RowKey>;

Cell* At(YearRelease* r, const ReleaseCellRef& c) {
  auto row = r->rows.find({c.unit, c.period});
  if (row == r->rows.end()) return nullptr;
  auto cell = row->second.cells.find(c.column);
  return cell == row->second.cells.end() ? nullptr : &cell->second;
}

bool Masked(const Cell* c) { return c && c->mask != Mask::kNone; }

// Masks `cell` as secondary if it is not masked yet. Returns true if it did.
bool MaskWith(Cell* cell) {
  if (!cell || cell->mask != Mask::kNone || !cell->value) return false;
  cell->mask = Mask::kSecondary;
  return true;
}

// Indicators derived from a masked cell of the same row are masked with it:
// a rate or ratio with its numerator (`depends_on`); the structure figures
// that pin the presence (open days, span, ACI coverage) with presence_total;
// the span with the open days; and the all-professions ACI coverage with
// the doctors' one when both are equal (a site whose only practitioners
// are doctors: the published figure would be the masked one).
bool Derived(ReleasedRow* row) {
  auto cell = [&](const char* k) -> Cell* {
    auto it = row->cells.find(k);
    return it == row->cells.end() ? nullptr : &it->second;
  };
  bool changed = false;
  if (Masked(cell("presence_total")))
    for (const char* k : {"jours_ouverts", "amplitude", "couverture_amplitude",
                          "couverture_amplitude_medecins"})
      changed = MaskWith(cell(k)) || changed;
  if (Masked(cell("jours_ouverts")))
    changed = MaskWith(cell("amplitude")) || changed;
  Cell* md = cell("couverture_amplitude_medecins");
  Cell* all = cell("couverture_amplitude");
  if (Masked(md) && all && md->value && all->value && *md->value == *all->value)
    changed = MaskWith(all) || changed;
  return changed;
}

bool DerivedByColumn(const std::vector<Column>& cols, ReleasedRow* row) {
  bool changed = false;
  for (const Column& c : cols) {
    if (c.depends_on.empty()) continue;
    auto num = row->cells.find(c.depends_on);
    auto self = row->cells.find(c.key);
    if (num == row->cells.end() || self == row->cells.end()) continue;
    if (Masked(&num->second)) changed = MaskWith(&self->second) || changed;
  }
  return Derived(row) || changed;
}

bool IsFrozen(const FrozenRows& f, const std::string& unit,
              const std::string& period) {
  return f.count({unit, period}) > 0;
}

// One dimension of a perturbation: keys with signs (+1 / -1).
using Vec = std::vector<std::pair<std::string, int>>;

// Balanced perturbations along time for `period` of a year: each keeps
// every released time relation (month -> quarter -> year) true.
std::vector<Vec> TimeVecs(const YearRelease& r, const std::string& period) {
  const int y = r.year;
  auto released = [&](const std::string& p) {
    return r.Find(kOrgUnit, p) != nullptr;
  };
  const bool year_out = released(YearKey(y));
  std::vector<Vec> out;
  auto quarter_of = [](int m) { return (m - 1) / 3 + 1; };
  if (period == YearKey(y)) {
    for (int q = 1; q <= 4; ++q)
      for (int m = 3 * q - 2; m <= 3 * q; ++m)
        out.push_back(
            {{period, 1}, {QuarterKey(y, q), 1}, {MonthKey(y, m), 1}});
    return out;
  }
  if (period.size() > 5 && period[5] == 'T') {  // a quarter
    const int q = period[6] - '0';
    for (int m = 3 * q - 2; m <= 3 * q; ++m) {
      if (!year_out) {
        out.push_back({{period, 1}, {MonthKey(y, m), 1}});
        continue;
      }
      out.push_back({{period, 1}, {MonthKey(y, m), 1}, {YearKey(y), 1}});
      for (int q2 = 1; q2 <= 4; ++q2)
        for (int m2 = 3 * q2 - 2; q2 != q && m2 <= 3 * q2; ++m2)
          out.push_back({{period, 1},
                         {MonthKey(y, m), 1},
                         {QuarterKey(y, q2), -1},
                         {MonthKey(y, m2), -1}});
    }
    return out;
  }
  const int m = std::stoi(period.substr(5, 2));
  const int q = quarter_of(m);
  if (!released(QuarterKey(y, q))) return {{{period, 1}}};
  for (int m2 = 3 * q - 2; m2 <= 3 * q; ++m2)
    if (m2 != m) out.push_back({{period, 1}, {MonthKey(y, m2), -1}});
  // Or up through the quarter (frozen siblings may all be shown).
  const std::string qk = QuarterKey(y, q);
  if (!year_out) {
    out.push_back({{period, 1}, {qk, 1}});
    return out;
  }
  out.push_back({{period, 1}, {qk, 1}, {YearKey(y), 1}});
  for (int q2 = 1; q2 <= 4; ++q2)
    for (int m2 = 3 * q2 - 2; q2 != q && m2 <= 3 * q2; ++m2)
      out.push_back({{period, 1},
                     {qk, 1},
                     {QuarterKey(y, q2), -1},
                     {MonthKey(y, m2), -1}});
  return out;
}

// Along units at `period`: a site against another site, or with the
// organisation; the organisation with one of its sites. Partners are tried
// best first (already masked, then largest value of `column`), at most
// kUnitPartners of them, so that a release of many sites stays fast.
constexpr size_t kUnitPartners = 8;
std::vector<Vec> UnitVecs(YearRelease* r, const std::string& unit,
                          const std::string& period, const std::string& column) {
  std::vector<std::pair<std::pair<int, double>, std::string>> ranked;
  for (const std::string& s : r->SitesAt(period)) {
    if (s == unit) continue;
    const Cell* c = At(r, {s, period, column});
    const double v = c && c->value ? *c->value : 0;
    ranked.push_back({{Masked(c) ? 0 : 1, -v}, s});
  }
  std::sort(ranked.begin(), ranked.end());
  if (ranked.size() > kUnitPartners) ranked.resize(kUnitPartners);
  std::vector<Vec> out;
  for (const auto& [rank, s] : ranked) {
    if (unit == kOrgUnit)
      out.push_back({{kOrgUnit, 1}, {s, 1}});
    else
      out.push_back({{unit, 1}, {s, -1}});
  }
  if (unit != kOrgUnit) out.push_back({{unit, 1}, {kOrgUnit, 1}});
  return out;
}

// Along columns: balanced changes of `col` by `sign` that keep every
// parts -> whole relation true. Downwards, a whole moves with one of its
// parts (recursively); upwards, a part moves against another part (with
// that part's own parts) or with its whole (and the whole's own relation).
// A column that is both (honores: a part of rdv_total, the whole of the
// communes) combines one of each.
using Parts = std::map<std::string, std::vector<std::string>>;
using WholeOf = std::map<std::string, std::string>;

std::vector<Vec> Down(const Parts& parts, const std::string& col, int sign) {
  auto p = parts.find(col);
  if (p == parts.end()) return {Vec{}};
  std::vector<Vec> out;
  for (const std::string& part : p->second)
    for (Vec d : Down(parts, part, sign)) {
      d.insert(d.begin(), {part, sign});
      out.push_back(std::move(d));
    }
  return out;
}

std::vector<Vec> Up(const Parts& parts, const WholeOf& whole_of,
                    const std::string& col, int sign) {
  auto w = whole_of.find(col);
  if (w == whole_of.end()) return {Vec{}};
  std::vector<Vec> out;
  for (const std::string& other : parts.at(w->second)) {
    if (other == col) continue;
    for (Vec d : Down(parts, other, -sign)) {
      d.insert(d.begin(), {other, -sign});
      out.push_back(std::move(d));
    }
  }
  for (Vec u : Up(parts, whole_of, w->second, sign)) {
    u.insert(u.begin(), {w->second, sign});
    out.push_back(std::move(u));
  }
  return out;
}

std::vector<Vec> ColVecs(const Parts& parts, const WholeOf& whole_of,
                         const std::string& col) {
  std::vector<Vec> out;
  for (const Vec& d : Down(parts, col, 1))
    for (const Vec& u : Up(parts, whole_of, col, 1)) {
      Vec v{{col, 1}};
      v.insert(v.end(), d.begin(), d.end());
      v.insert(v.end(), u.begin(), u.end());
      out.push_back(std::move(v));
    }
  return out;
}

struct Choice {
  std::vector<Cell*> cells;
  double width = -1, cost = 0;
  bool feasible = false;
};

// Protects `target` (masked) by a hypercube: the outer product of one
// balanced vector per dimension changes only masked cells and keeps every
// relation true, so the target can move by +t (limited by the cells of
// sign -1) and -t (limited by those of sign +1) whatever else is
// published. Picks the cube whose interval is at least kMinCell wide at
// the least cost (values of the cells it newly masks), else the widest;
// cubes through a frozen shown cell are not allowed. Returns false if no
// cube is allowed or none is wide enough.
bool Protect(YearRelease* r, const FrozenRows& frozen,
             const std::map<std::string, std::vector<std::string>>& parts,
             const std::map<std::string, std::string>& whole_of,
             const ReleaseCellRef& target) {
  Choice best;
  for (const Vec& tv : TimeVecs(*r, target.period))
    for (const Vec& uv : UnitVecs(r, target.unit, target.period, target.column))
      for (const Vec& cv : ColVecs(parts, whole_of, target.column)) {
        Choice c;
        double up = HUGE_VAL, down = HUGE_VAL;
        bool ok = true;
        for (const auto& [p, ps] : tv)
          for (const auto& [u, us] : uv)
            for (const auto& [k, ks] : cv) {
              Cell* cell = ok ? At(r, {u, p, k}) : nullptr;
              if (!cell || !cell->value) {
                ok = false;
                continue;
              }
              if (!Masked(cell)) {
                if (IsFrozen(frozen, u, p)) ok = false;
                c.cost += *cell->value + 1e-3;
              }
              (ps * us * ks > 0 ? down : up) =
                  std::min(ps * us * ks > 0 ? down : up, *cell->value);
              c.cells.push_back(cell);
            }
        if (!ok) continue;
        c.width = up + down;
        c.feasible = c.width >= kMinCell;
        const bool better =
            best.width < 0 || (c.feasible && !best.feasible) ||
            (c.feasible == best.feasible &&
             (c.feasible ? c.cost < best.cost : c.width > best.width));
        if (better) best = std::move(c);
      }
  for (Cell* cell : best.cells) MaskWith(cell);
  return best.feasible;
}

}  // namespace

bool ProtectedColumn(const Column& c) {
  if (!c.additive) return false;
  return c.rule == Rule::kCount || c.rule == Rule::kProfessional ||
         c.key == "jours_ouverts";
}

int SuppressJointly(YearRelease* r, const FrozenRows& frozen_rows) {
  std::map<std::string, const Column*> by_key;
  for (const Column& c : r->columns) by_key[c.key] = &c;
  std::map<std::string, std::vector<std::string>> parts;
  std::map<std::string, std::string> whole_of;
  for (const Column& c : r->columns)
    if (ProtectedColumn(c) && !c.part_of.empty()) {
      parts[c.part_of].push_back(c.key);
      whole_of[c.key] = c.part_of;
    }
  for (auto& [key, row] : r->rows) {
    if (frozen_rows.count(key)) continue;
    for (auto& [col, cell] : row.cells) {
      auto c = by_key.find(col);
      // Cells masked already are hidden ones (communes by month and
      // year): never published, so never targets.
      if (c != by_key.end() && cell.mask == Mask::kNone &&
          PrimaryMasked(*c->second, cell))
        cell.mask = Mask::kPrimary;
    }
  }
  // Targets: primary cells of protected columns, and the open days masked
  // with the presence (they would pin it). Every target of the year is
  // protected again, frozen ones included: a quarter or a year released
  // since adds relations. Masks are only ever added, so this stops.
  std::set<ReleaseCellRef> done;
  int unprotected = 0;
  for (bool more = true; more;) {
    more = false;
    for (auto& [key, row] : r->rows)
      if (!frozen_rows.count(key)) DerivedByColumn(r->columns, &row);
    std::vector<ReleaseCellRef> targets;
    for (const auto& [key, row] : r->rows)
      for (const auto& [col, cell] : row.cells) {
        auto c = by_key.find(col);
        if (c == by_key.end() || !ProtectedColumn(*c->second)) continue;
        const bool target =
            cell.mask == Mask::kPrimary ||
            (col == "jours_ouverts" && cell.mask != Mask::kNone);
        ReleaseCellRef ref{key.first, key.second, col};
        if (target && !done.count(ref)) targets.push_back(ref);
      }
    for (const ReleaseCellRef& t : targets) {
      done.insert(t);
      more = true;
      if (!Protect(r, frozen_rows, parts, whole_of, t)) ++unprotected;
    }
  }
  return unprotected;
}

}  // namespace relais::common::report
