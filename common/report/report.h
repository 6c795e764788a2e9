#pragma once
// The funder report as plain tables, and its JSON / CSV renderings.
// Standard library only (plus nlohmann in the .cc). See docs/reporting.md.
//
// A Report holds one Table per site (rows = weeks or months of the range,
// then a total row) and a "synthese" table (rows = sites, then a total row).
// Every cell is an aggregate: no field anywhere carries a patient or a
// practitioner identifier; professions and cost categories are the only
// labels taken from the data.
//
// Cells built by BuildUsageReport() carry a `basis` (the small counts used by
// the masking rules). ApplySuppression() masks cells and then erases the
// value and basis of every masked cell, so a suppressed report holds nothing
// that a renderer could leak.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace relais::common::report {

// The secrecy threshold: counts 1..kMinCell-1 are masked.
inline constexpr int64_t kMinCell = 11;

enum class Unit { kCount, kPercent, kMinutes, kHours, kHalfDays, kDays, kCents };
const char* UnitName(Unit u);  // "nombre", "pourcent", "minutes", ...

// How a column's cells are protected (see docs/reporting.md §Secret).
enum class Rule {
  kNone,         // structure-level value, never masked (amplitude, costs)
  kCount,        // patient / encounter count: 1..10 masked
  kRate,         // masked if numerator 1..10, denominator < 11, or
                 // denominator - numerator 1..10; and with its numerator cell
  kMedian,       // masked if computed over 1..10 encounters
  kProfessional  // activity tied to professionals (INSEE business rule):
                 // masked unless >= 3 contributors and none > 85 %
};

enum class Mask { kNone, kPrimary, kSecondary };
const char* MaskName(Mask m);  // "", "primaire", "secondaire"

// What the masking rules need to know about a cell. Never rendered.
struct Basis {
  int64_t numerator = 0;     // kRate
  int64_t denominator = 0;   // kRate; sample size for kMedian
  int64_t contributors = 0;  // kProfessional: distinct practitioners
  double top_share = 0;      // kProfessional: largest contributor / total
};

struct Cell {
  std::optional<double> value;  // nullopt: not applicable or masked
  Mask mask = Mask::kNone;
  Basis basis;
};

struct Column {
  std::string key;    // stable machine name, e.g. "non_venus"
  std::string label;  // French label
  std::string group;  // "activite" | "presence" | "charges"
  Unit unit = Unit::kCount;
  Rule rule = Rule::kNone;
  std::string depends_on;  // kRate: key of the numerator column, or ""
  bool additive = false;   // rows of the column sum to its total row
  std::string part_of;     // key of the column this one is a part of
                           // (e.g. "honores" of "rdv_total"), or ""
};

struct Row {
  std::string key;  // "2026-01", "2026-S03", "2026-T1", a site id, "total"
  std::string label;  // French label
  std::string first_day, last_day;  // YYYY-MM-DD covered by the row
  bool is_total = false;
  std::vector<Cell> cells;  // one per column
};

struct Table {
  std::string key;    // "site:<id>" or "synthese"
  std::string title;  // French
  std::string site;   // site id, or "" for the synthesis
  // Site tables: UTC ms of the latest write the hub holds for the site
  // (0 = none); the funder's measure of how fresh the figures are.
  int64_t last_write_ms = 0;
  std::vector<Column> columns;
  std::vector<Row> rows;
  // Index of the column `key`, or -1.
  int ColumnIndex(const std::string& key) const;
};

struct Report {
  std::string from, to;      // YYYY-MM, inclusive
  std::string granularity;   // "week" | "month" | "quarter" | "auto"
  std::string generated_at;  // UTC ISO-8601
  int64_t generated_at_s = 0;  // the same, UTC seconds
  std::vector<std::string> sites;
  // Per site in `sites` order, then "synthese"; reports served from
  // releases then add "communes:<unit>" tables (release_serve.h).
  std::vector<Table> tables;
  bool suppressed = false;    // set by ApplySuppression()
};

// French display text of a cell: "< 11" (primary-masked count), "s"
// (other masked cells), "—" (not applicable), otherwise the formatted value
// ("1 234", "12,5 %", "1 234,56 €").
std::string DisplayCell(const Column& col, const Cell& cell);

// JSON document (UTF-8). Shape: see docs/reporting.md §API.
// REQUIRES: r.suppressed (asserted; an unsuppressed report renders nothing
// but an error object).
std::string RenderJson(const Report& r);

// CSV, long format, ';' separator, decimal comma, CRLF line ends, header:
// tableau;site;periode;debut;fin;indicateur;libelle;unite;valeur;affiche;masque
// REQUIRES: r.suppressed.
std::string RenderCsv(const Report& r);

}  // namespace relais::common::report
