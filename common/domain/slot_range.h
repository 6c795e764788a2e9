#pragma once
// Every free slot of a period, not just the next few: SlotIndex::Find run
// page by page (each page starts at the last start seen, duplicates
// dropped). Used by the agenda exports (`relais export fhir`, the hub's
// /fhir/Slot). Pure.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "common/domain/slots.h"

namespace relais::common::domain {

// The free slots starting in [from, to) that match `filters` (its sites,
// profession, practitioner, pôle and kind; its after/count/horizon are set
// here), sorted by start. FAILED_PRECONDITION (French, « réduisez la
// période ») if there are more than `max`; INVALID_ARGUMENT if the filters
// are invalid or the period is empty or longer than kMaxHorizonDays.
common::Result<std::vector<Slot>> FreeSlotsInRange(const SlotIndex& index, SlotQuery filters,
                                                   int64_t from, int64_t to, size_t max);

}  // namespace relais::common::domain
