#pragma once
// Loads what the next-free-slot search (domain/slots.h) needs from a
// replica: every plage and exception, the practitioners, the site records
// (opening hours), and only the
// appointments and presence records of the searched window. Appointments
// are read without opening sealed fields (the search never reads them).

#include "common/domain/slots.h"
#include "common/replica/replica.h"

namespace relais::common {

// Records for a search of `q` (q.after, q.horizon_days): appointments
// starting in [after - 1 day, end of horizon + 1 day), presence of the
// dates in between. REQUIRES: ValidateSlotQuery(q) == "". Errors: the
// store's (DATA_LOSS for an unreadable record).
Result<domain::SlotInputs> LoadSlotInputs(Replica& r, const domain::SlotQuery& q);

// Days searched first by SearchReplica.
inline constexpr int kFirstSearchDays = 7;

// `relais slot next`: loads and searches the first kFirstSearchDays days
// only (reading a replica costs more than searching it) and, if they hold
// fewer than q.count free slots, the whole horizon. The to-move list
// covers the days searched. INVALID_ARGUMENT for a bad query.
Result<domain::SlotSearch> SearchReplica(Replica& r, const domain::SlotQuery& q);

}  // namespace relais::common
