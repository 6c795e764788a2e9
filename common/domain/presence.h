#pragma once
// Presence reporting: opening amplitude per day (first arrival, last
// departure) derived from the half-day presence records. Pure function.

#include <string>
#include <vector>

#include "common/model/schema.h"

namespace relais::common::domain {

// Default half-day hours, Paris local time (domain-notes §3, assumption).
inline constexpr const char kAmStart[] = "08:00";
inline constexpr const char kAmEnd[] = "12:30";
inline constexpr const char kPmStart[] = "13:30";
inline constexpr const char kPmEnd[] = "20:00";

// True if the state means someone works in the building that half-day
// ("present", or "remplace": the replacement is there).
bool OccupiesPremises(const std::string& state);

struct DayAmplitude {
  std::string date;            // YYYY-MM-DD
  std::string first_arrival;   // "08:00" or "13:30"
  std::string last_departure;  // "12:30" or "20:00"
  int half_days = 0;           // practitioner half-days in the building
  bool operator==(const DayAmplitude&) const = default;
};

// One line per date with at least one occupying, non-deleted record, sorted
// by date. Records of other states are ignored.
std::vector<DayAmplitude> OpeningAmplitude(const std::vector<Presence>& presence);

}  // namespace relais::common::domain
