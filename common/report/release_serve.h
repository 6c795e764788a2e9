#pragma once
// Serving funder requests from releases only (issue #20). Pure.
//
// A request is answered with released cells and nothing else: its rows are
// released (unit, period) cells; its total rows are a released parent cell
// when the range is exactly a quarter or a year, otherwise the sum of the
// rows where every one of them is shown (a figure the reader could add up
// anyway), masked otherwise. Requests that no union of released cells
// answers are refused with a French message saying what to ask instead.
// See docs/reporting.md §Publications.
//
// Consultations by commune of residence (issue #20) are served as extra
// tables "communes:<unit>" (unit = a site asked, and kOrgUnit when every
// site is), rows = the whole quarters of the range, columns = communes
// ("commune_<insee>", "commune_nr"): only quarters are published by commune.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/report/release.h"
#include "common/report/report.h"
#include "common/report/usage.h"
#include "common/util/status.h"

namespace relais::common::report {

inline constexpr char kCommuneTablePrefix[] = "communes:";

struct ReleaseQuery {
  std::string from, to;  // YYYY-MM, inclusive
  // kMonth, kQuarter (whole calendar quarters only) or kAuto (months; a
  // site with a primary-masked month of appointments or consultations shows
  // the whole quarters of the range instead). kWeek is refused.
  Granularity granularity = Granularity::kAuto;
  std::vector<std::string> sites;  // display order, non-empty, no duplicate
  int64_t now_s = 0;               // generated_at
  // Site -> UTC ms of its latest write (freshness; not a count), optional.
  std::map<std::string, int64_t> last_write_ms;
};

// The years from..to spans, or INVALID_ARGUMENT (bad month, from > to, more
// than kMaxMonths, weeks) with a French message.
Result<std::vector<int>> ReleaseYears(const ReleaseQuery& q);

// The report of `q` from `releases` (year -> release; every year of the
// range must be present). INVALID_ARGUMENT (French) for a month not yet
// released (naming the last released month), a quarter range that is not
// whole quarters (naming the quarters to ask), or a bad query. The result is
// suppressed (masked values erased) and renders with RenderJson/RenderCsv.
Result<Report> ServeRelease(const std::map<int, YearRelease>& releases,
                            const ReleaseQuery& q);

}  // namespace relais::common::report
