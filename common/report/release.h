#pragma once
// Funder releases that resist differencing (issue #20). Pure: no SQLite, no
// HTTP, no clock (the caller passes `now_s`). See docs/reporting.md
// §Publications.
//
// The hub no longer answers a funder with a report computed for the asked
// range. It publishes a FIXED HIERARCHY of cells per calendar year:
//
//   unit   x period            unit   = each site, and kOrgUnit (the
//   ---------------------               organisation: every site the hub
//   site   x month  (12)               holds when the period is released)
//   site   x quarter (4)        period = "YYYY-MM", "YYYY-Tq", "YYYY"
//   site   x year   (1)
//   org    x the same
//   site   x commune x quarter     consultations (honores) by the patient's
//   org    x commune x quarter     commune of residence (issue #20): one
//                                  column per commune (group kCommuneGroup,
//                                  part_of "honores"), "commune_nr" for
//                                  appointments without a commune, so the
//                                  communes of a row sum to its honores.
//                                  Month and year rows carry these cells
//                                  too, HIDDEN (masked secondary, never
//                                  served), so that the time relations hold
//                                  for the joint suppression.
//
// Suppression is decided JOINTLY over every cell of the year: primary
// suppression by each column's rule (suppression.h), indicators derived from
// a masked cell are masked with it, then secondary suppression by
// hypercubes over the additive relations (month -> quarter -> year per
// unit, sites -> org per period, parts -> whole per row): each primary cell
// gets masked partners along which it can move by at least kMinCell while
// every relation stays true (SuppressJointly). tests/report/
// release_audit_test.cc checks it with linear programming (GLPK) over
// everything the API serves.
//
// Releases are FROZEN: a month is released once it is over (Paris calendar,
// plus kReleaseLagDays); ExtendRelease() never changes a released cell (its
// value and its mask), and parents (quarter, year, org) are the sums of the
// released true values, so late records cannot open a cell by difference
// (they are not counted in a month already released).

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/report/facts.h"
#include "common/report/report.h"
#include "common/util/status.h"

namespace relais::common::report {

// The organisation's unit key (not a valid site id).
inline constexpr char kOrgUnit[] = "*";
// Years a release may cover (a request outside is refused; the stored
// form refuses them too).
inline constexpr int kFirstReleaseYear = 2000;
inline constexpr int kLastReleaseYear = 2200;
// Column group of the consultations by commune (served as their own
// tables, quarters only), and the most commune columns a year holds (then
// new communes are counted in "commune_autres").
inline constexpr char kCommuneGroup[] = "commune";
// (The stored form holds at most 256 columns in all: kMaxReleaseColumns.)
inline constexpr size_t kMaxCommuneColumns = 100;
// Days after the end of a month before it is released (late syncs).
inline constexpr int kReleaseLagDays = 0;

// One (unit, period) of a release.
struct ReleasedRow {
  std::string unit;    // site id or kOrgUnit
  std::string period;  // "2026-01", "2026-T1" or "2026"
  // Column key -> cell. HUB-INTERNAL: `value` is the TRUE value even when
  // `mask` is set (parents are sums of true values); `basis` is empty.
  // Serve() erases masked values; never render a ReleasedRow directly.
  std::map<std::string, Cell> cells;
};

// A calendar year as released so far.
struct YearRelease {
  int year = 0;
  int months_released = 0;      // months 1..n are released and frozen
  std::vector<Column> columns;  // display order; union of all released ones
  std::map<std::pair<std::string, std::string>, ReleasedRow> rows;
  // Targets the last ExtendRelease() could not give a cube of width
  // kMinCell (0 expected; not stored).
  int unprotected = 0;

  const ReleasedRow* Find(const std::string& unit,
                          const std::string& period) const;
  // Sites of the organisation at `period` (its released units but kOrgUnit).
  std::vector<std::string> SitesAt(const std::string& period) const;
};

// Period keys.
std::string MonthKey(int year, int month);  // "2026-01"
std::string QuarterKey(int year, int q);    // "2026-T1"
std::string YearKey(int year);              // "2026"

// How many months of `year` are releasable at `now_s` (0..12): month m is
// once the Paris date is past its last day + kReleaseLagDays.
int ReleasableMonths(int year, int64_t now_s);

// `frozen` extended with every month releasable at `now_s` (and the quarters
// and the year they complete), from `facts` of EVERY site of the
// organisation (the FactSet's keys; facts outside the new months are
// ignored). Cells of `frozen` keep their values and masks; new cells are
// suppressed jointly with them. `frozen.year` must be set. Returns `frozen`
// unchanged if nothing new is releasable.
// INVALID_ARGUMENT if a site key is kOrgUnit or empty.
Result<YearRelease> ExtendRelease(const YearRelease& frozen,
                                  const FactSet& facts, int64_t now_s);

// --- Joint suppression (exposed for tests) ---

// A cell of a release: (unit, period, column).
struct ReleaseCellRef {
  std::string unit, period, column;
  auto operator<=>(const ReleaseCellRef&) const = default;
};
// True if secondary suppression protects column `c` (additive count or
// professional column, and jours_ouverts that pins presence).
bool ProtectedColumn(const Column& c);

// Masks, in place, the cells of rows not in `frozen_rows`: primary rule on
// `basis`, derived indicators, then secondary suppression by hypercubes
// (release_suppress.cc): every primary cell (and every open-days cell
// masked with the presence) gets a set of masked cells along which it can
// move by at least kMinCell in total while every relation stays true.
// Cells of `frozen_rows` never change. Returns the number of targets left
// without such a cube (0 expected; their widest cube is masked anyway).
int SuppressJointly(
    YearRelease* r,
    const std::set<std::pair<std::string, std::string>>& frozen_rows);

}  // namespace relais::common::report
