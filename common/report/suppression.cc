#include "common/report/suppression.h"

#include <map>

namespace relais::common::report {

namespace {

bool Small(int64_t v) { return v >= 1 && v < kMinCell; }

bool Masking(const Column& c) {
  return c.rule == Rule::kCount || c.rule == Rule::kProfessional;
}

Cell& At(Report* r, const CellRef& c) {
  return r->tables[c.table].rows[c.row].cells[c.col];
}

bool HasValue(const Report& r, const CellRef& c) {
  return r.tables[c.table].rows[c.row].cells[c.col].value.has_value();
}

// One pass of the secondary rule over `k`. Returns true if it masked a cell.
bool Secondary(Report* r, const Constraint& k) {
  int masked = At(r, k.total).mask != Mask::kNone ? 1 : 0;
  for (const CellRef& m : k.members)
    if (At(r, m).mask != Mask::kNone) ++masked;
  if (masked != 1) return false;
  // The smallest non-zero unmasked member; else the total; else a zero
  // member (masking a zero protects nothing when zeros are public knowledge,
  // so the total is preferred to it).
  const CellRef* pick = nullptr;
  const CellRef* zero = nullptr;
  double best = 0;
  for (const CellRef& m : k.members) {
    const Cell& c = At(r, m);
    if (c.mask != Mask::kNone) continue;
    const double v = c.value.value_or(0);
    if (v == 0) {
      if (!zero) zero = &m;
    } else if (!pick || v < best) {
      pick = &m;
      best = v;
    }
  }
  if (!pick) pick = At(r, k.total).mask == Mask::kNone ? &k.total : zero;
  if (!pick) return false;
  At(r, *pick).mask = Mask::kSecondary;
  return true;
}

}  // namespace

bool PrimaryMasked(const Column& col, const Cell& cell) {
  const Basis& b = cell.basis;
  switch (col.rule) {
    case Rule::kNone:
      return false;
    case Rule::kCount:
      return cell.value && Small(static_cast<int64_t>(*cell.value));
    case Rule::kRate:
      if (b.denominator == 0) return false;  // no value to hide
      return Small(b.numerator) || b.denominator < kMinCell ||
             Small(b.denominator - b.numerator);
    case Rule::kMedian:
      return Small(b.denominator);
    case Rule::kProfessional:
      return cell.value && *cell.value > 0 &&
             (b.contributors < 3 || b.top_share > 0.85);
  }
  return false;
}

std::vector<Constraint> Constraints(const Report& r) {
  std::vector<Constraint> out;
  std::map<std::string, int> synth_row;  // site -> row in "synthese"
  int synth = -1;
  for (int t = 0; t < static_cast<int>(r.tables.size()); ++t)
    if (r.tables[t].key == "synthese") {
      synth = t;
      for (int i = 0; i < static_cast<int>(r.tables[t].rows.size()); ++i)
        synth_row[r.tables[t].rows[i].key] = i;
    }
  for (int t = 0; t < static_cast<int>(r.tables.size()); ++t) {
    const Table& tab = r.tables[t];
    const int nrows = static_cast<int>(tab.rows.size());
    int total_row = -1;
    for (int i = 0; i < nrows; ++i)
      if (tab.rows[i].is_total) total_row = i;
    for (int c = 0; c < static_cast<int>(tab.columns.size()); ++c) {
      const Column& col = tab.columns[c];
      if (!Masking(col)) continue;
      // Column: total row = sum of the other rows.
      if (col.additive && total_row >= 0) {
        Constraint k{{t, total_row, c}, {}};
        bool ok = HasValue(r, k.total);
        for (int i = 0; i < nrows; ++i) {
          if (i == total_row) continue;
          k.members.push_back({t, i, c});
          ok = ok && HasValue(r, k.members.back());
        }
        if (ok && !k.members.empty()) out.push_back(std::move(k));
      }
      // The site's total row is shown again in the synthesis.
      if (synth >= 0 && t != synth && total_row >= 0 &&
          synth_row.count(tab.site))
        out.push_back({{synth, synth_row[tab.site], c}, {{t, total_row, c}}});
    }
    // Rows: a total column = sum of its parts.
    std::map<int, std::vector<int>> parts;
    for (int c = 0; c < static_cast<int>(tab.columns.size()); ++c) {
      const Column& col = tab.columns[c];
      if (!Masking(col) || col.part_of.empty()) continue;
      const int whole = tab.ColumnIndex(col.part_of);
      if (whole >= 0) parts[whole].push_back(c);
    }
    for (const auto& [whole, cs] : parts)
      for (int i = 0; i < nrows; ++i) {
        Constraint k{{t, i, whole}, {}};
        for (int c : cs) k.members.push_back({t, i, c});
        out.push_back(std::move(k));
      }
  }
  return out;
}

void ApplySuppression(Report* r) {
  if (r->suppressed) return;
  for (Table& t : r->tables)
    for (Row& row : t.rows)
      for (size_t c = 0; c < t.columns.size(); ++c)
        if (PrimaryMasked(t.columns[c], row.cells[c]))
          row.cells[c].mask = Mask::kPrimary;
  const std::vector<Constraint> ks = Constraints(*r);
  // Masks only ever get added, so this stops after at most #cells rounds.
  for (bool changed = true; changed;) {
    changed = false;
    for (const Constraint& k : ks) changed = Secondary(r, k) || changed;
  }
  // A rate goes with its numerator.
  for (Table& t : r->tables)
    for (size_t c = 0; c < t.columns.size(); ++c) {
      const int num = t.ColumnIndex(t.columns[c].depends_on);
      if (t.columns[c].depends_on.empty() || num < 0) continue;
      for (Row& row : t.rows)
        if (row.cells[num].mask != Mask::kNone &&
            row.cells[c].mask == Mask::kNone && row.cells[c].value)
          row.cells[c].mask = Mask::kSecondary;
    }
  for (Table& t : r->tables)
    for (Row& row : t.rows)
      for (Cell& cell : row.cells)
        if (cell.mask != Mask::kNone) {
          cell.value.reset();
          cell.basis = Basis{};
        } else {
          cell.basis = Basis{};  // the basis never leaves either
        }
  r->suppressed = true;
}

}  // namespace relais::common::report
