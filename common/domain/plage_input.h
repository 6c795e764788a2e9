#pragma once
// Plages typed by a person (relais plage add|exception, tests): the whole
// record to write, and the rules between its fields, which the hub cannot
// check field by field (model/schedule.h holds the per-field rules).

#include <map>
#include <string>

#include "common/model/schedule.h"

namespace relais::common {

// Level 3, a whole record as typed: every field as above, plus the rules
// between fields (end after start, slot_min required for programmee and no
// longer than the plage, valid_to >= valid_from, first_day <= last_day,
// an exception's start_time/end_time both or neither and end after start,
// practitioner/replacement present exactly when the kind needs them, a
// replacement distinct from the practitioner). "" when acceptable.
std::string ValidateNewSchedule(const Schedule& s);
std::string ValidateNewScheduleException(const ScheduleException& e);

// The fields to write for `s` / `e` (the whole record, see above).
std::map<std::string, std::string> ScheduleChanges(const Schedule& s);
std::map<std::string, std::string> ScheduleExceptionChanges(const ScheduleException& e);

}  // namespace relais::common
