#include "kiosk/app/planning.h"

#include "common/domain/overlaps.h"

namespace relais::kiosk {

std::set<std::string> OverlappingIds(const std::vector<common::Appointment>& day) {
  return common::domain::OverlappingIds(day);
}

}  // namespace relais::kiosk
