#pragma once
// Statistical secrecy for the funder report (domain notes §4.3). Pure.
//
// Primary suppression masks each cell by its column's Rule (report.h).
// Secondary suppression then walks the report's linear constraints
// (total = sum of members) until nothing changes: whenever exactly one cell
// of a constraint is masked, one more is masked: the smallest non-zero
// unmasked member (ties: first), else the total, else a zero member. A rate
// is masked with its numerator cell. Finally every masked cell loses its
// value and basis. The full rule, with a worked example, is in
// docs/reporting.md §Secret.

#include <vector>

#include "common/report/report.h"

namespace relais::common::report {

struct CellRef {
  int table = 0, row = 0, col = 0;
  bool operator==(const CellRef&) const = default;
};

// total = sum(members). An equality (the same figure shown twice) is a
// constraint with one member.
struct Constraint {
  CellRef total;
  std::vector<CellRef> members;
};

// The constraints a reader could use to subtract, for masking columns
// (Rule kCount / kProfessional) of additive columns:
//  - per table and column: the total row = sum of the other rows;
//  - per row: a column's `part_of` total = sum of its parts;
//  - each site table's total row = that site's row in "synthese".
std::vector<Constraint> Constraints(const Report& r);

// True if the cell would be masked by its column's primary rule.
bool PrimaryMasked(const Column& col, const Cell& cell);

// Applies primary then secondary suppression in place and erases masked
// values; sets r->suppressed. Idempotent.
void ApplySuppression(Report* r);

}  // namespace relais::common::report
