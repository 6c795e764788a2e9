#include "kiosk/app/planning.h"

#include "common/domain/overlaps.h"

namespace relais::kiosk {

std::set<std::string> OverlappingIds(const std::vector<common::Appointment>& day) {
  std::set<std::string> out;
  for (const common::domain::Overlap& o : common::domain::FindOverlaps(day)) {
    out.insert(o.first.id);
    out.insert(o.second.id);
  }
  return out;
}

}  // namespace relais::kiosk
