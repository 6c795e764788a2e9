#include "common/domain/slot_range.h"

#include <set>
#include <string>
#include <tuple>

#include "common/util/time.h"

namespace relais::common::domain {

using common::Result;
using common::Status;

Result<std::vector<Slot>> FreeSlotsInRange(const SlotIndex& index, SlotQuery q, int64_t from,
                                           int64_t to, size_t max) {
  if (from < 0 || to <= from)
    return Status::InvalidArgument("période vide : la fin doit suivre le début");
  const int64_t last_day = common::DaysFromCivil(common::ParisDate(to - 1));
  if (last_day - common::DaysFromCivil(common::ParisDate(from)) + 1 > kMaxHorizonDays)
    return Status::InvalidArgument("période de plus de " + std::to_string(kMaxHorizonDays) +
                                   " jours");
  q.count = kMaxSlotCount;
  std::vector<Slot> out;
  std::set<std::tuple<int64_t, std::string, std::string>> seen;
  for (int64_t after = from; after < to;) {
    q.after = after;
    q.horizon_days =
        static_cast<int>(last_day - common::DaysFromCivil(common::ParisDate(after)) + 1);
    RELAIS_ASSIGN_OR_RETURN(SlotSearch found, index.Find(q));
    bool any_new = false;
    for (const Slot& s : found.slots) {
      if (s.start >= to) break;
      if (!seen.emplace(s.start, s.practitioner, s.site).second) continue;
      any_new = true;
      if (out.size() == max)
        return Status::FailedPrecondition("trop de créneaux libres dans la période (plus de " +
                                          std::to_string(max) +
                                          ") : réduisez la période ou choisissez un site");
      out.push_back(s);
    }
    if (found.slots.size() < static_cast<size_t>(q.count)) break;  // exhausted
    const int64_t last = found.slots.back().start;
    after = any_new ? last : last + 1;
  }
  return out;
}

}  // namespace relais::common::domain
