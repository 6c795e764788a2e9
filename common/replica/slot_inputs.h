#pragma once
// Loads what the next-free-slot search (domain/slots.h) needs from a
// replica: every plage and exception, the practitioners, the site records
// (opening hours), and only the
// appointments and presence records of the searched window. Appointments
// are read lean (SlotAppointmentFromState): the search reads five of their
// fields, and decoding the others (sealed patient fields, notes, codes)
// was most of the cost of `relais slot next`.
//
// A long-lived process (the secretariat screen) keeps a SlotCache
// (replica/slot_cache.h) instead of calling SearchReplica each time.

#include <cstdint>
#include <string_view>

#include "common/domain/slots.h"
#include "common/replica/replica.h"

namespace relais::common {

// The appointment fields the slot search reads (and its to_move list
// shows): practitioner, start, duration, status, kind, _deleted.
// Appointments handed to the search carry these, id and site only.
Appointment SlotAppointmentFromRecord(const Record& r);
// The same from a stored state, decoding only those fields
// (codec DecodeRecordJsonFields): equal to
// SlotAppointmentFromRecord(DecodeRecordJson(state)). DATA_LOSS for a
// state that does not decode.
Result<Appointment> SlotAppointmentFromState(std::string_view state);

// Appointments starting in [lo, hi) (UTC seconds), deleted ones left
// out, in no particular order, read through the records_k1 index.
Status LoadSlotAppointments(ReplicaStore* st, int64_t lo, int64_t hi,
                            std::vector<Appointment>* out);
// Presence records of the dates first..last (inclusive, "YYYY-MM-DD"),
// deleted ones left out.
Status LoadSlotPresence(ReplicaStore* st, const std::string& first, const std::string& last,
                        std::vector<Presence>* out);
// Every plage, exception and practitioner not deleted (whole records).
Status LoadSlotCalendars(ReplicaStore* st, domain::SlotInputs* in);

// The window LoadSlotInputs reads for `q`: appointments starting in
// [lo, hi), presence of the dates first..last.
struct SlotWindow {
  int64_t lo = 0, hi = 0;
  std::string first, last;
};
SlotWindow SlotWindowOf(const domain::SlotQuery& q);

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
// covers the days searched. Reads one snapshot of the replica.
// INVALID_ARGUMENT for a bad query. REQUIRES: no transaction open on the
// replica's connection.
Result<domain::SlotSearch> SearchReplica(Replica& r, const domain::SlotQuery& q);

}  // namespace relais::common
