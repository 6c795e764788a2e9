#pragma once
// Synthetic, deterministic records for the report demo, benchmark and tests:
// appointments (statuses, kinds, kiosk check-ins, waits, communes of
// residence), walk-in tickets, practitioners,
// half-day presence and monthly shared costs. Names and refs are fake.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "common/model/record.h"

namespace relais::tools {

struct SeedSite {
  std::string id;
  int appointments_per_day = 30;  // working days only (Mon-Sat morning)
  int gps = 3;                    // médecins généralistes
  int nurses = 2;                 // IDE
};

struct SeedOptions {
  std::vector<SeedSite> sites;
  int year = 2026, first_month = 1, months = 6;
  uint64_t seed = 42;
};

// REQUIRES: 1 <= first_month <= 12, months >= 1. Records of site S are
// written by replica "seed-S".
std::vector<common::Record> SyntheticRecords(const SeedOptions& o);

// The year report-bench measures (and the release audit replays): sites
// "site-0".."site-<sites-1>", each `per_day` appointments a working day, 3
// GPs and 2 nurses, the 12 months of 2026. REQUIRES: sites, per_day >= 1.
SeedOptions BenchSeedOptions(int sites, int per_day = 30);

// The author of a record's newest write: the replica of its sibling with the
// greatest HLC ("" for a record without fields).
std::string NewestAuthor(const common::Record& r);

// `records` cut into consecutive runs with one NewestAuthor each, order kept.
// The hub takes a write only from its author (common/merge/accept.h), so a
// loader pushes each run as that replica.
std::vector<std::pair<std::string, std::vector<common::Record>>> RunsByAuthor(
    const std::vector<common::Record>& records);

}  // namespace relais::tools
