#pragma once
// relais-history-bench's run: the simulated year (year.h) on a real house,
// convergence checks, the measurement of every file (measure.h) and of the
// live-data reference (live.h), and the JSON line.

#include <cstdint>
#include <string>

#include "common/util/status.h"
#include "tools/history_bench/year.h"

namespace relais::histbench {

struct RunOptions {
  YearOptions year;
  std::string dir;  // existing, empty working directory
};

// Runs everything in `options.dir` and returns the JSON line
// {"bench":"history",...} (docs/BENCHMARKS.md « Historique d'une année »).
// Any failure is returned: a failed call, replicas or hub that do not hold
// the same states at the end (ABORTED), a reference that does not hold
// exactly the year's live data (DATA_LOSS).
common::Result<std::string> RunHistory(const RunOptions& options);

}  // namespace relais::histbench
