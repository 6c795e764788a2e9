#pragma once
// Derived views of a day's appointments for the staff planning. Pure.

#include <set>
#include <string>
#include <vector>

#include "common/model/schema.h"

namespace relais::kiosk {

// Ids of appointments that overlap another one of the same practitioner
// (double booking), per common::domain::FindOverlaps.
std::set<std::string> OverlappingIds(const std::vector<common::Appointment>& day);

}  // namespace relais::kiosk
