#pragma once
// Usage aggregation for the council funding office (domain notes §4.2),
// computed from merged records. Pure: no I/O, no clock (the caller passes
// `now_s`). See docs/reporting.md for every indicator's exact definition.

#include <cstdint>
#include <string>
#include <vector>

#include "common/model/record.h"
#include "common/report/facts.h"
#include "common/report/report.h"
#include "common/util/status.h"

namespace relais::common::report {

// kAuto: month per site, except a site whose monthly activity would show
// small counts (some month with 1..10 appointments or consultations), which
// is rolled up to quarters (domain notes §4.3, first roll-up level).
enum class Granularity { kWeek, kMonth, kQuarter, kAuto };
// "week" | "month" | "quarter" | "auto" (or semaine, mois, trimestre);
// INVALID_ARGUMENT otherwise.
Result<Granularity> ParseGranularity(const std::string& s);
const char* GranularityName(Granularity g);

// Longest range a single query may cover, in months.
inline constexpr int kMaxMonths = 36;

struct UsageQuery {
  std::string from, to;  // YYYY-MM, inclusive, Europe/Paris calendar
  Granularity granularity = Granularity::kMonth;
  // Sites to report on, in display order; records of any other site are
  // ignored. Must be non-empty and without duplicates.
  std::vector<std::string> sites;
  // "Now", UTC seconds: an appointment fell due once start + duration <= now.
  int64_t now_s = 0;
};

// Builds the report WITHOUT suppression (cells keep their true values and
// masking basis) from the facts of q.sites (facts of other sites and outside
// the range are ignored). Errors: INVALID_ARGUMENT for a bad month,
// from > to, a range over kMaxMonths, or a bad site list.
// Cost: O(facts of the sites + days x sites).
Result<Report> BuildUsageReport(const FactSet& facts, const UsageQuery& q);

// Same, from merged records: FactsFromRecords() then the above. Deleted
// records are skipped.
Result<Report> BuildUsageReport(const std::vector<Record>& records,
                                const UsageQuery& q);

// BuildUsageReport() followed by ApplySuppression(): what may leave the hub.
Result<Report> BuildSuppressedUsageReport(const FactSet& facts,
                                          const UsageQuery& q);
Result<Report> BuildSuppressedUsageReport(const std::vector<Record>& records,
                                          const UsageQuery& q);

// The first and last day (days since 1970-01-01) covered by from..to, or
// INVALID_ARGUMENT as BuildUsageReport() would report it.
Status QueryDays(const UsageQuery& q, int64_t* first_day, int64_t* last_day);

}  // namespace relais::common::report
